"""Questions set in time: the earliest publication date that can report them bounds the search; undated articles
are searched and shown as undated; "latest" orders the sources newest first."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from index import DEFAULT_COLLECTION, Library, scope_note
from index.language import analyzer
from index.periods import When, find
from index.render_text import render

TODAY = date(2026, 12, 2)


@pytest.mark.parametrize(
    ("question", "since"),
    [
        ("What range did the Fed cut rates to in September 2024?", date(2024, 9, 1)),
        ("How many seats did Plaid Cymru win in the 2024 UK election?", date(2024, 1, 1)),
        ("What did Lagarde say on 6 June 2024?", date(2024, 6, 1)),
        ("Was hat die EZB im Juni 2024 beschlossen?", date(2024, 6, 1)),
        ("Qu'a décidé la BCE en juin 2024 ?", date(2024, 6, 1)),
        ("¿Qué pasó el 29 de octubre de 2024?", date(2024, 10, 1)),
        ("Что случилось в марте 2024 года?", date(2024, 3, 1)),  # a case ending CLDR does not list
        ("Що сталося у березні 2024?", date(2024, 3, 1)),
        ("what was reported last week about the floods?", date(2026, 11, 23)),  # the Monday of last week
        ("any news last month?", date(2026, 11, 1)),
        ("what was said in the past week?", date(2026, 11, 25)),
        ("how many tanks does the unit have today?", None),  # "as of today", not "published today"
        ("What is expected in December 2026 and in May 2026?", date(2026, 5, 1)),  # December is still to come here
        ("What was done before the end of 2024?", None),
        ("What happened before 2020 and since 2019?", date(2019, 1, 1)),
        ("Will prices may top 2024 levels?", date(2024, 1, 1)),  # "may" the word: the year alone
        ("Aprıl 2024 figures", date(2024, 1, 1)),  # a dotless ı: no month, but no failure either
        ("APRİL 2024 figures", date(2024, 1, 1)),
        ("the blast 3 days ago", None),
        ("what happened yesterday?", date(2026, 12, 1)),
        ("any news this month?", date(2026, 12, 1)),
        ("what was said in the past 3 weeks?", date(2026, 11, 11)),
        ("compare 2019 with March 2024", date(2019, 1, 1)),  # the earliest time named
        ("how many tanks were lost between January and March 2024?", date(2024, 1, 1)),
        ("from January to March 2024", date(2024, 1, 1)),
        ("in January or February 2024", date(2024, 1, 1)),
        ("entre janvier et mars 2024", date(2024, 1, 1)),
        ("What may happen in 2025 after the march?", date(2025, 1, 1)),
        ("What happened in March?", None),  # no year: which March is unknown
        # What came before a date is reported before it too; figures, future years and the verb "march" are no time.
        ("When had the Fed last cut rates before September 2024?", None),
        ("How many tanks were lost, 1,200 or 2024?", date(2024, 1, 1)),
        ("losses put at 1,2024 tanks", None),
        ("What is planned for 2030?", None),
        ("Which soldiers planned a march on the Kremlin?", None),
    ],
)
def test_the_earliest_date_a_question_names_bounds_it(question: str, since: date | None) -> None:
    assert find(question, TODAY).since == since


def test_latest_asks_for_the_newest_first() -> None:
    assert find("What is the latest death toll?", TODAY) == When(None, latest=True)
    assert find("Wie lautet die neueste Zahl?", TODAY).latest
    assert not find("What is the death toll?", TODAY).latest


@pytest.fixture
def council(make_library: Callable[..., Library]) -> Library:
    lib = make_library()
    texts = [
        (
            "2023-11-20",
            "Harwick council delays the harbour vote",
            "Harwick council postponed its vote on the harbour wall to next year.",
        ),
        (
            "2024-01-10",
            "Harwick council debates the harbour wall",
            "Harwick council debated the harbour wall and voted to ask for more quotes.",
        ),
        (
            "2024-03-15",
            "Harwick council approves the harbour wall",
            "Harwick council voted to build the harbour wall for 4 million pounds.",
        ),
        ("", "Harwick council minutes", "Harwick council members voted on the harbour wall after a long debate."),
    ]
    for published, title, text in texts:
        lib.add_text(
            f"{title}\n\n{text} The vote followed months of complaints about flooding on the quay.",
            published=published,
            source="Harwick Post",
        )
    return lib


def test_a_question_in_time_searches_what_was_published_since_and_the_undated(council: Library) -> None:
    answer = council.ask("How did Harwick council vote on the harbour wall in March 2024?", today=TODAY)
    assert not answer.abstained and answer.period == "published since 2024-03-01"
    assert {c.published for c in answer.citations} <= {"2024-03-15", ""}
    assert any(c.published == "2024-03-15" for c in answer.citations)
    assert answer.searched_articles == 2
    assert scope_note(answer) == "Searched the 2 articles published since 2024-03-01 (and the undated ones)."
    text = render(answer)
    assert "Harwick Post, 2024-03-15" in text and text.endswith(scope_note(answer))
    if any(not c.published for c in answer.citations):
        assert "Harwick Post, undated" in text

    everything = council.ask("How did Harwick council vote on the harbour wall?", today=TODAY)
    assert not everything.period and everything.searched_articles == 4

    # The dates are read once per change of the library: an article added since is in the next dated search.
    council.add_text(
        "Harwick council signs the harbour contract\n\nHarwick council voted to sign the harbour wall contract.",
        published="2024-04",
        source="Harwick Post",
    )
    later = council.ask("How did Harwick council vote on the harbour wall in March 2024?", today=TODAY)
    assert later.searched_articles == 3 and any(c.published == "2024-04" for c in later.citations)


def test_nothing_recent_enough_is_one_line_and_latest_is_newest_first(make_library: Callable[..., Library]) -> None:
    lib = make_library()
    reports = (
        ("2024-01-10", "Quay report", "The quay flooded 12 times this winter, the harbour master said"),
        ("2024-03-15", "Quay report", "The quay flooded 31 times this winter, the harbour master said"),
        ("2023-06-01", "How often the quay flooded this winter", "The quay flooded 7 times this winter, he said"),
    )
    for published, title, text in reports:
        lib.add_text(f"{title}\n\n{text}.", published=published)
    old = lib.ask("How often did the quay flood last week?", today=TODAY)
    assert old.abstained
    assert old.answer == "Not found: no article was published since 2026-11-23 (the newest is from 2024-03-15)."

    def numbered(question: str) -> list[str]:
        answer = lib.ask(question, today=TODAY)
        assert not answer.abstained
        return [published for _, published in sorted({(c.n, c.published) for c in answer.citations})]

    assert numbered("How often did the quay flood this winter?")[0] == "2023-06-01"  # the best match first
    assert numbered("Latest: how often did the quay flood this winter?") == ["2024-03-15", "2024-01-10", "2023-06-01"]


def test_the_words_that_set_a_period_are_known() -> None:
    for question, words in [
        ("What range did the Fed cut the federal funds rate to in September 2024?", {"september", "2024"}),
        ("What did the council decide last week?", {"last", "week"}),
        ("How many died in the 2004 tsunami?", set()),  # a bare year names the event as often as the time
        ("When had the Fed last cut rates before September 2024?", set()),  # bounds nothing
    ]:
        assert find(question, TODAY).words(question) == words, question


def test_a_phrase_that_sets_the_time_is_no_part_of_what_is_asked() -> None:
    """The search is bounded by it; what the question asks is read without it. A date before the noun it qualifies
    names an event ("the May 2022 intercept") and stays."""
    for question, asked in [
        ("What sentence did Helena Strand receive in June 2025?", "What sentence did Helena Strand receive?"),
        ("What did the council decide last week about the quay?", "What did the council decide about the quay?"),
        ("Wie viele Menschen starben im September 2024 in Polen?", "Wie viele Menschen starben in Polen?"),
        (
            "What did the commander say in the May 2022 intercept?",
            "What did the commander say in the May 2022 intercept?",
        ),
        ("What did the June 2025 Supreme Court ruling say?", "What did the June 2025 Supreme Court ruling say?"),
        ("What was agreed at last week's summit?", "What was agreed at last week's summit?"),
    ]:
        when = find(question, TODAY)
        lang = "de" if question.startswith("Wie") else "en"
        assert when.without(question, when.setting(question, analyzer(lang).stopwords)) == asked, question


def test_a_question_in_time_is_answered_by_articles_of_that_time_that_do_not_name_it(
    make_library: Callable[..., Library],
) -> None:
    """ "In June 2025" drew the one sentence naming June ("Sentencing was set for 10 June") above the articles of
    June that answer, and "in March 2025" covered no quote of a March article that says only "on Saturday"."""
    lib = make_library()
    for text, published in [
        (
            "Strand jailed over flood fund\n\nFormer Kellmoor mayor Helena Strand was jailed for four years on "
            "Tuesday for embezzling money meant for the town's flood defences. The judge said she had betrayed the "
            "trust of every resident.",
            "2025-06-10",
        ),
        (
            "Ex-mayor found guilty\n\nA jury on Friday found former Kellmoor mayor Helena Strand guilty of "
            "embezzling 1.2 million pounds from the flood defence fund. Sentencing was set for 10 June.",
            "",
        ),
        (
            "Ex-mayor Strand gets three and a half years\n\nHelena Strand, the former mayor of Kellmoor, was sentenced "
            "to three and a half years in prison on Tuesday for stealing from the town's flood defence fund.",
            "2025-06-11",
        ),
        (
            "Council backs embankment plan\n\nKellmoor council voted on Wednesday to build a new embankment along "
            "the river, at a cost of 4 million pounds, after the spring floods.",
            "2025-06-12",
        ),
        (
            "Kellmoor flood toll rises\n\nOfficials said on Saturday that four people had died in the Kellmoor "
            "flood, after the body of a man was recovered from the river. Hundreds of homes remain without power.",
            "2025-03-15",
        ),
    ]:
        lib.add_text(text, published=published)
    sentence = lib.ask("What sentence did Helena Strand receive in June 2025?")
    assert "three and a half years" in " ".join(c.quote for c in sentence.citations)
    died = lib.ask("How many people died in Kellmoor in March 2025?")
    assert not died.abstained and "four people had died" in died.citations[0].quote


def test_publication_dates_are_read_per_collection_from_indexes_not_article_rows(council: Library) -> None:
    """Each passage's article date, for one collection or all, without reading the articles' text or the passages'
    vectors (a join over those rows took seconds at a million passages)."""
    council.add_text("Harwick ferry timetable\n\nThe Harwick ferry runs hourly.", published="2024-05", collection="x")
    ids, ends, article_ends, newest = council.store.publication_ends(DEFAULT_COLLECTION)
    assert len(ids) == len(ends) and list(ids) == sorted(ids) and newest == "2024-03-15"
    assert sorted(article_ends.tolist()) == ["", "2023-11-20", "2024-01-10", "2024-03-15"]
    everything = council.store.publication_ends(None)
    assert set(everything[1].tolist()) == {"", "2023-11-20", "2024-01-10", "2024-03-15", "2024-05-31"}
    assert set(ids) < set(everything[0]) and everything[3] == "2024-05"
    if not council.settings.database_url:  # SQLite: the plans read indexes only
        with council.store.connection() as conn:
            plans = [
                " ".join(str(row[3]) for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}").fetchall())
                for sql in ("SELECT a.id, a.published FROM articles a", "SELECT id, article_id FROM passages")
            ]
        assert all("COVERING INDEX" in plan for plan in plans), plans
