"""Evidence selection rules: quotation completion, merging, spreading across articles."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from index import Library
from index.answer import complete_quotation, distinct, merge_adjacent, select_quotes
from index.evidence import Evidence
from index.question import analyse

TEXT = (
    "The woman asked him to explain.\n\n"
    "“We should have about 40 tanks left, and you know how many we have left? We have probably 9 tanks left,” "
    "the man says. “You don’t have artillery?”\n\nOfficials did not comment."
)


def _span(fragment: str) -> tuple[int, int]:
    start = TEXT.index(fragment)
    return start, start + len(fragment)


def test_a_quote_ending_a_quotation_is_widened_to_its_opening() -> None:
    start, end = _span("We have probably 9 tanks left,” the man says.")
    done = complete_quotation(Evidence(1, start, end, 1.0), TEXT)
    assert TEXT[done.start : done.end] == (
        "“We should have about 40 tanks left, and you know how many we have left? "
        "We have probably 9 tanks left,” the man says."
    )


def test_a_quote_opening_a_quotation_is_widened_to_its_close() -> None:
    start, end = _span("“We should have about 40 tanks left, and you know how many we have left?")
    done = complete_quotation(Evidence(1, start, end, 1.0), TEXT)
    assert TEXT[done.start : done.end].endswith("9 tanks left,” the man says.")


def test_balanced_quotes_are_left_alone() -> None:
    start, end = _span("Officials did not comment.")
    assert complete_quotation(Evidence(1, start, end, 1.0), TEXT) == Evidence(1, start, end, 1.0)


@pytest.mark.parametrize(
    "text",
    [
        "Der Minister trat vor die Presse. „Wir haben 40 Panzer verloren. Es bleiben noch neun“, sagte er am Montag.",
        "Der Minister trat vor die Presse. »Wir haben 40 Panzer verloren. Es bleiben noch neun«, sagte er am Montag.",
        "Der Minister trat vor die Presse. «Wir haben 40 Panzer verloren. Es bleiben noch neun», sagte er am Montag.",
        "Le ministre a parlé. « Nous avons perdu 40 chars. Il en reste neuf », a-t-il dit lundi.",
    ],
)
def test_quotations_are_completed_in_each_languages_marks(text: str) -> None:
    """German closes „ with “ and » with «, Swiss writes «…», French « … »: each is a whole quotation, and a quote
    of its second sentence is widened to its opening."""
    opening = min(text.index(m) for m in "„»«" if m in text)
    whole = Evidence(1, opening, len(text), 1.0)
    assert complete_quotation(whole, text) == whole
    second = text.index("Es bleiben" if "Es bleiben" in text else "Il en reste")
    done = complete_quotation(Evidence(1, second, len(text), 1.0), text)
    assert done == whole


RUNNING_ON = (
    'The actress tweeted: "Let me tell you why he is wrong. He thinks he cannot be wrong.\n\n'
    '"The tweet is overtly racist."\n\nThe presenter called it "vile".'
)


FRENCH_RUNNING_ON = (
    "Le maire a déclaré : « Nous avons tout perdu. Les maisons sont détruites.\n\n"
    "» Il faudra des années pour reconstruire », a-t-il ajouté.\n\nLes pompiers sont restés sur place."
)


@pytest.mark.parametrize("text", [RUNNING_ON, RUNNING_ON.replace("\n\n", "\n")])
def test_a_quotation_running_over_paragraphs_is_quoted_to_its_close(text: str) -> None:
    """News style opens each paragraph of a long quotation again and closes only the last one."""
    start = text.index("Let me")
    done = complete_quotation(Evidence(1, start, text.index(" He thinks"), 1.0), text)
    assert done is not None
    assert text[done.start : done.end].startswith("The actress tweeted:")
    assert text[done.start : done.end].endswith('overtly racist."')
    # The paragraph that closes the quotation is whole on its own.
    alone = text.index('"The tweet')
    assert complete_quotation(Evidence(1, alone, text.index("racist.") + 8, 1.0), text) is not None


def test_a_french_quotation_running_over_paragraphs_is_quoted_to_its_close() -> None:
    """French marks each paragraph of a quotation running on with "» " and closes it with "»"; a quote of the
    paragraph that goes on is widened back to the opening."""
    text = FRENCH_RUNNING_ON
    for start, end in ((text.index("Nous"), text.index(" Les maisons")), (text.index("» Il"), text.index("\n\nLes"))):
        done = complete_quotation(Evidence(1, start, end, 1.0), text)
        assert done is not None
        assert text[done.start : done.end].startswith("Le maire")
        assert text[done.start : done.end].endswith("a-t-il ajouté.")


def test_a_sentence_inside_a_speech_is_quoted_with_the_whole_speech() -> None:
    """A sentence in the middle of a quotation has no mark of its own: it is widened to the quotation and its
    speaker all the same."""
    text = (
        "The soldier was angry.\n“Naturally, everyone is ticked off. You know, refugees are getting 40,000 rubles. "
        "Everyone is at odds,” the soldier said.\nIn reality, many were mobilised."
    )
    done = complete_quotation(Evidence(1, text.index("You know"), text.index(" Everyone is"), 1.0), text)
    assert done is not None
    assert text[done.start : done.end] == text[text.index("“Naturally") : text.index("\nIn reality")]
    # a speech never closed (a truncated article) or a misread mark: the sentence shows on its own, as before
    cut_off = "He told reporters: “We did everything we could. The budget was cut. Prices rose 5% in May"
    alone = complete_quotation(Evidence(1, cut_off.index("The budget"), cut_off.index(" Prices"), 1.0), cut_off)
    assert alone is not None and cut_off[alone.start : alone.end] == "The budget was cut."


def test_a_sentence_no_quote_can_show_neither_shows_nor_sets_the_bar() -> None:
    """The stored text stops inside a quotation: its best sentence cannot be shown, and the next best, scored far
    below it, is the answer rather than nothing."""
    text = 'Rates were cut by half a point. The head of fraud said:\n\n"This is a particularly nasty scam as it pla'
    cut_open = Evidence(1, text.index('"This'), len(text), 1.0)
    whole = Evidence(1, 0, text.index(" The head"), 0.5)
    assert select_quotes([cut_open, whole], 5) == [cut_open]
    assert select_quotes([cut_open, whole], 5, texts={1: text}) == [whole]


def test_adjacent_and_overlapping_quotes_of_one_article_merge() -> None:
    a = Evidence(1, *_span("The woman asked him to explain."), 0.9)
    b = Evidence(1, *_span("Officials did not comment."), 0.8)
    c = Evidence(1, *_span("“You don’t have artillery?”"), 0.7)
    merged = merge_adjacent([a, b, c], {1: TEXT})
    assert [TEXT[m.start : m.end] for m in merged] == [
        "The woman asked him to explain.",
        TEXT[TEXT.index("“You don’t") :],
    ]
    assert merged[1].score == 0.8


def test_quotes_spread_across_articles() -> None:
    evidence = [
        Evidence(1, 0, 10, 1.0),
        Evidence(1, 20, 30, 0.95),
        Evidence(1, 40, 50, 0.9),
        Evidence(1, 60, 70, 0.85),
        Evidence(2, 0, 10, 0.82),
        Evidence(3, 0, 10, 0.65),
    ]
    picked = select_quotes(evidence, max_quotes=5)
    # At most three quotes from one article; nothing below 0.8 of the best quote (padding from other stories).
    assert [(e.article_id, e.start) for e in picked] == [(1, 0), (1, 20), (1, 40), (2, 0)]
    assert select_quotes(evidence, max_quotes=1) == [evidence[0]]


def test_a_question_typed_without_a_question_mark_is_embedded_with_one() -> None:
    from index.asking import as_question

    assert as_question("how many tanks does the unit still have ") == "how many tanks does the unit still have?"
    endings = [
        "Who said it?",
        "Wer hat es gesagt？",
        "Tell me the toll.",
        "¿Quién lo dijo?",
        "من قال ذلك؟",
        "Ποιος το είπε;",
        'Who said "enough?"',
        "„Wer sagte Frieden?“",
        "谁说的。",
    ]
    for ended in endings:
        assert as_question(ended) == ended


QUESTION = "How many homes did the storm destroy in Norvik?"
INSURERS = (
    "Insurers count the cost of Keld\n\nInsurers said on Wednesday that 95 homes in Norvik were destroyed by the "
    "storm, fewer than the council reported."
)


def _storm(make_library: Callable[..., Library], wire: str, max_quotes: int) -> Library:
    """Outlets A and B carry the same wire text; C reports another figure in its own words."""
    lib = make_library(answer_max_quotes=max_quotes)
    lib.add_text(f"Storm Keld reaches Norvik\n\n{wire} Roads along the coast were closed.", key="a", source="Wire A")
    lib.add_text(f"Keld batters the coast\n\n{wire} Schools stayed shut on Tuesday.", key="b", source="Outlet B")
    lib.add_text(INSURERS, key="c", source="Outlet C")
    return lib


def test_a_wire_copy_does_not_take_a_quotes_place(make_library: Callable[..., Library]) -> None:
    wire = "The storm destroyed 120 homes in Norvik on Monday, the regional council said."
    answer = _storm(make_library, wire, max_quotes=2).ask(QUESTION)
    quotes = [c.quote for c in answer.citations]
    assert any("120 homes" in q for q in quotes) and any("95 homes" in q for q in quotes), quotes
    assert {c.key for c in answer.citations if "120 homes" in c.quote} == {"a", "b"}  # both outlets credited


def test_a_wire_copy_of_a_widened_quote_is_credited(make_library: Callable[..., Library]) -> None:
    wire = "The regional council leader Anna Berg toured Norvik on Monday. She said the storm destroyed 120 homes."
    answer = _storm(make_library, wire, max_quotes=3).ask(QUESTION)
    # "She said …" takes the sentence naming her; the copy in the other outlet is widened the same way
    assert {c.key for c in answer.citations if c.quote == wire} == {"a", "b"}


def test_a_sentence_inside_a_quote_is_no_wire_copy(make_library: Callable[..., Library]) -> None:
    lib = make_library(answer_max_quotes=2)
    lib.add_text(
        "Keld reaches Norvik\n\nStorm Keld hit Norvik on Monday night. No one was killed in the storm, the Norvik "
        "council said on Tuesday.",
        key="a",
        source="Wire A",
    )
    lib.add_text(
        "Hail in Harwick\n\nA hail storm hit Harwick in June and broke windows across the town. No one was killed in "
        "the storm.",
        key="b",
        source="Outlet B",
    )
    answer = lib.ask("Was anyone killed when storm Keld hit Norvik?")
    assert not answer.abstained and {c.key for c in answer.citations} == {"a"}


def test_a_deck_that_repeats_the_lede_is_not_quoted_beside_it(make_library: Callable[..., Library]) -> None:
    lib = make_library()
    lib.add_text(
        "Quake hits Arvala\n\nA strong earthquake struck the Arvala hills late on Friday killing at least 80 people\n\n"
        "A strong earthquake struck the Arvala hills late on Friday, killing at least 80 people and destroying "
        "buildings in three villages.\n\nRescue teams searched the rubble through the night.",
        key="a",
    )
    answer = lib.ask("How many people did the earthquake in the Arvala hills kill?")
    quotes = " ".join(c.quote for c in answer.citations)
    assert "Friday, killing at least 80 people" in quotes and "Friday killing" not in quotes, quotes


def test_a_sentence_another_article_holds_is_no_repeat() -> None:
    """Only within one article: across two, the longer sentence may deny or add to the shorter one."""
    texts = {
        1: "Russian forces have captured three villages in the east of the Kharkiv region.",
        2: "Officials denied that Russian forces have captured three villages in the east of the Kharkiv region.",
    }
    evidence = [Evidence(1, 0, len(texts[1]), 0.9), Evidence(2, 0, len(texts[2]), 0.8)]
    assert distinct(evidence, texts) == evidence


def test_a_zero_score_is_never_a_further_quote() -> None:
    """Scores are clipped at 0 (the topic margin may be negative): a zero stands out from nothing, so "within 0.8
    of the best" must not let every zero-scored sentence through."""
    evidence = [Evidence(1, 0, 10, 0.0), Evidence(2, 0, 10, 0.0), Evidence(3, 0, 10, 0.0)]
    assert select_quotes(evidence, max_quotes=5) == evidence[:1]
    assert len(select_quotes([Evidence(1, 0, 10, 0.5), Evidence(2, 0, 10, 0.45)], max_quotes=5)) == 2


def test_an_articles_quotes_are_shown_best_first() -> None:
    from index.citing import build_citations
    from index.types import ArticleInfo

    info = ArticleInfo(1, "k", "Title", "Outlet", "", "", 1, "", "")
    later = Evidence(1, *_span("Officials did not comment."), 0.9)
    earlier = Evidence(1, *_span("The woman asked him to explain."), 0.6)
    citations = build_citations([earlier, later], {1: info}, {1: TEXT}, analyse("What did officials say?"))
    assert [c.quote for c in citations] == ["Officials did not comment.", "The woman asked him to explain."]


def test_the_first_quote_carries_the_kind_of_answer_asked() -> None:
    """A quote with no time does not open the answer to a when-question, whatever its score; among quotes that carry
    the kind (or for a how-many question), the higher score comes first."""
    from index.citing import build_citations
    from index.types import ArticleInfo

    texts = {
        1: "The Supreme Court granted the former president immunity for his official acts.",
        2: "The court on July 1 found that he cannot be prosecuted for official acts.",
    }
    infos = {i: ArticleInfo(i, f"k{i}", "Title", "Outlet", "", "", 1, "", "") for i in texts}
    undated, dated = Evidence(1, 0, len(texts[1]), 0.9), Evidence(2, 0, len(texts[2]), 0.7)
    asked = analyse("On what date did the Supreme Court issue its immunity ruling?")
    assert [c.key for c in build_citations([undated, dated], infos, texts, asked)] == ["k2", "k1"]
    assert [c.n for c in build_citations([undated, dated], infos, texts, asked)] == [1, 2]
    what = analyse("What did the Supreme Court decide about immunity?")  # no kind asked: by score
    assert [c.key for c in build_citations([undated, dated], infos, texts, what)] == ["k1", "k2"]
    many = analyse("How many official acts did the court rule on?")  # figures: by score
    assert [c.key for c in build_citations([undated, dated], infos, texts, many)] == ["k1", "k2"]
    # a dateline tells when and where the story was filed, not when the asked thing happened
    texts[2] = "WASHINGTON, July 3 (Wire) - Democrats in Congress criticised the decision."
    filed = Evidence(2, 0, len(texts[2]), 0.3)
    assert [c.key for c in build_citations([undated, filed], infos, texts, asked)] == ["k1", "k2"]
