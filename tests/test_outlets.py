"""Questions that point at an outlet of the library as their source ("What did the Harlow Gazette report…", "…
according to the Kellbach Post?") are answered from that outlet's articles, which need not name it; a name that is
also an outlet's, anywhere else in a question, is a name as any other."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

import pytest
from conftest import StartBot
from fake_telegram import FakeBotAPI, group_chat, user

from bot.rendering import answer_blocks, not_found
from index import Library, scope_note
from index.language import detect
from index.outlets import Outlets, source_phrases
from index.render_text import render

SOURCES = [
    "Harlow Gazette",
    "Kellbach Post",
    "The Daily Beast",
    "The Times",
    "The Guardian",
    "The Independent",
    "The Kyiv Independent",
    "Reuters",
    "AP",
    "Japan Today (Reuters)",
    "CNN Business (via Initial News)",
    "Telepolis forum (reader post quoting an English-language report)",
    "Le Monde",
    "The Nation (Thailand) (Reuters)",
    "Stuff (NZ)",
    "LA Times",
    "Los Angeles Times",
    "Des Moines Register",
    "Stars and Stripes",
    "Radio Free Europe/Radio Liberty",
    "People",
    "The World",
    "La Presse",
    "El País",
    "THE DAILY LEDGER",
]
REUTERS = ("Japan Today (Reuters)", "Reuters", "The Nation (Thailand) (Reuters)")  # its own and its wire copies
GAZETTE = (
    "Bridge to reopen\n\nThe council said on Monday that the old river bridge would reopen to traffic in May after "
    "repairs costing 4 million euros, the mayor told reporters."
)
POST = (
    "Bridge repairs delayed\n\nThe old river bridge will stay closed until September because steel parts arrived "
    "late, the city engineer said on Tuesday, and the repairs will cost 6 million euros."
)


def pointed(question: str, lang: str = "en") -> tuple[tuple[str, ...], str, str] | None:
    """The sources searched, the label and the question as analysed."""
    found = Outlets(SOURCES).pointed(question, lang, source_phrases(question, lang))
    return None if found is None else (found.sources, found.label, found.text)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        (
            "What did the Harlow Gazette report about the bridge?",
            (("Harlow Gazette",), "Harlow Gazette", "What did report about the bridge?"),
        ),
        (
            "How much will the repairs cost, according to the Kellbach Post?",
            (("Kellbach Post",), "Kellbach Post", "How much will the repairs cost?"),
        ),
        (
            "According to Reuters, how many people died?",
            (REUTERS, "Reuters", "How many people died?"),
        ),
        (
            "Did Reuters and the AP report the vote?",
            (
                ("AP", "Japan Today (Reuters)", "Reuters", "The Nation (Thailand) (Reuters)"),
                "Reuters, AP",
                "Did report the vote?",
            ),
        ),
        ("What did Japan Today report?", (("Japan Today (Reuters)",), "Japan Today", "What did report?")),
        (
            "What did the Kyiv Independent report about Kyiv?",  # the outlet's words stay where the question uses them
            (("The Kyiv Independent",), "The Kyiv Independent", "What did report about Kyiv?"),
        ),
        (
            "How much will the repairs cost, according to the Kellbach Post's report?",  # a possessive ends the name
            (("Kellbach Post",), "Kellbach Post", "How much will the repairs cost?"),
        ),
        ("According to Reuters' tally, how many died?", (REUTERS, "Reuters", "How many died?")),
        (  # several after one cue, joined by commas
            "How many died, according to Reuters, AP and the Harlow Gazette?",
            (tuple(sorted(("AP", "Harlow Gazette", *REUTERS))), "Reuters, AP, Harlow Gazette", "How many died?"),
        ),
        (
            "According to Reuters, AP and Le Monde, how many died?",
            (tuple(sorted(("AP", "Le Monde", *REUTERS))), "Reuters, AP, Le Monde", "How many died?"),
        ),
        ("According to Reuters, the mayor, how many died?", (REUTERS, "Reuters", "The mayor, how many died?")),
        (  # a comma before the last "and"
            "According to Reuters, AP, and Le Monde, how many died?",
            (tuple(sorted(("AP", "Le Monde", *REUTERS))), "Reuters, AP, Le Monde", "How many died?"),
        ),
        ("What did the Times report?", (("The Times",), "The Times", "What did report?")),  # not the LA Times
        ("What did the Los Angeles Times report?", (("Los Angeles Times",), "Los Angeles Times", "What did report?")),
        (
            "How many, according to the Des Moines Register?",
            (("Des Moines Register",), "Des Moines Register", "How many?"),
        ),
        (
            "What did the Daily Ledger report?",  # an outlet that writes its name in capitals, "THE" too
            (("THE DAILY LEDGER",), "THE DAILY LEDGER", "What did report?"),
        ),
        ("What did Stars and Stripes report?", (("Stars and Stripes",), "Stars and Stripes", "What did report?")),
        (
            "How many, according to Radio Free Europe?",
            (("Radio Free Europe/Radio Liberty",), "Radio Free Europe", "How many?"),
        ),
        # A name that is also an outlet's, where the question does not point at it as its source.
        ("Why was Times Square evacuated?", None),
        ("How many times did the bridge close?", None),
        ("What did the Guardian Council say about the vote?", None),
        ("What did the Independent candidate say?", None),
        ("What did the mayor report about the bridge?", None),
        ("What did Harlow report?", None),  # a part of an outlet's name is not the outlet
        ("What did Reuters and the mayor say?", None),  # every part must be an outlet
        ("How much will it cost, according to the Harlow Gazette Weekly?", None),  # a longer name is another
        ("What did the reader post say?", None),  # a bracket that describes the source names no outlet
        ("What did Thailand say about tariffs?", None),  # nor one that no other source names as its wire
        ("What did NZ report?", None),
        ("How many votes did Maria Lopez win, according to the independent monitors?", None),  # to the clause's end
        ("How many votes did she win, according to the Independent candidate?", None),
        ("How many were detained, according to the guardian council?", None),
        ("What did people say about the outage?", None),  # a name is written as one, but in a lower-case question
        ("What did the world say about the vote?", None),
        # No comma: the clause ends where the question proper starts.
        ("According to Reuters how many people died?", (REUTERS, "Reuters", "How many people died?")),
        (
            "according to the kellbach post what will the repairs cost?",  # in lower case, as any outlet
            (("Kellbach Post",), "Kellbach Post", "What will the repairs cost?"),
        ),
        (
            "According to the Kellbach Post did the bridge close?",
            (("Kellbach Post",), "Kellbach Post", "Did the bridge close?"),
        ),
        (
            "According to Reuters and AP how many died?",
            (tuple(sorted(("AP", *REUTERS))), "Reuters, AP", "How many died?"),
        ),
        ("According to Times Square residents how many were evacuated?", None),
    ],
)
def test_the_outlets_a_question_points_at(question: str, expected: tuple[tuple[str, ...], str, str] | None) -> None:
    assert pointed(question) == expected


def test_eight_outlets_after_one_cue() -> None:
    named = ["Reuters", "AP", "Le Monde", "The Guardian", "The Times", "The Independent", "El País", "La Presse"]
    found = pointed(f"According to {', '.join(named)}, how many died?")
    assert found is not None and found[2] == "How many died?" and "Le Monde" in found[0] and "La Presse" in found[0]


def test_an_acronym_in_capitals_is_no_article() -> None:
    """ "THE DAILY LEDGER" writes its article in capitals; "LA TIMES" writes none: it is not the Times."""
    found = Outlets(["LA TIMES", "The Times"]).pointed(
        "What did the Times report?", "en", source_phrases("What did the Times report?", "en")
    )
    assert found is not None and found.sources == ("The Times",) and found.label == "The Times"


def test_a_question_typed_in_lower_case() -> None:
    assert pointed("what did the daily beast report?") == (("The Daily Beast",), "The Daily Beast", "what did report?")
    assert pointed("what did people say about the outage?") == (("People",), "People", "what did say about the outage?")


def test_other_languages() -> None:
    for question in ("Selon la presse locale, combien de morts ?", "Según el país vecino, ¿cuántos murieron?"):
        assert pointed(question, detect(question)) is None, question  # "la presse", "el país": no names
    question = "Según El País, ¿cuántos murieron?"
    assert pointed(question, "es") == (("El País",), "El País", "¿cuántos murieron?")


def test_a_source_cue_of_another_language() -> None:
    question = "Selon Le Monde, combien de personnes sont mortes ?"
    assert pointed(question, detect(question)) == (("Le Monde",), "Le Monde", "Combien de personnes sont mortes?")
    question = "Laut Reuters wie viele Menschen starben?"  # no comma: up to the interrogative
    assert pointed(question, "de") == (REUTERS, "Reuters", "Wie viele Menschen starben?")
    assert pointed("Segundo a Reuters, quantas pessoas morreram?", "pt") == (
        REUTERS,
        "Reuters",
        "Quantas pessoas morreram?",
    )
    assert pointed("Quantas pessoas morreram no segundo dia?", "pt") is None  # "segundo" opens no clause here
    # A name whose first word is an article is read whole ("O Globo"), else without it ("a Reuters").
    question = "segundo o globo quantas pessoas morreram?"
    found = Outlets(["O Globo", "Globo Rural"]).pointed(question, "pt", source_phrases(question, "pt"))
    assert found is not None and (found.sources, found.label) == (("O Globo",), "O Globo")
    # Officials who spoke to Reuters are the source: the clause reads no further than its comma.
    assert pointed("According to officials who spoke to Reuters, how many died?") is None


def test_a_question_pointing_at_an_outlet_is_answered_from_its_articles(library: Library) -> None:
    """Both outlets' figures stand side by side for the library; each outlet's alone when the question names it.
    Before, "Not found: the one article does not mention Harlow Gazette" was said of the Gazette's own article."""
    library.add_text(GAZETTE, source="Harlow Gazette", published="2024-01-05")
    library.add_text(POST, source="Kellbach Post", published="2025-03-01")
    both = library.ask("How much will the bridge repairs cost?")
    assert {c.source for c in both.citations} == {"Harlow Gazette", "Kellbach Post"} and not both.outlet
    for outlet, figure in (("Harlow Gazette", "4 million euros"), ("Kellbach Post", "6 million euros")):
        question = f"How much will the bridge repairs cost, according to the {outlet}?"
        answer = library.ask(question)
        assert not answer.abstained, answer.answer
        assert answer.question == question
        assert {c.source for c in answer.citations} == {outlet} and figure in answer.citations[0].quote
        assert (answer.outlet, answer.searched_articles) == (outlet, 1)
        assert render(answer).endswith(f"Searched the 1 article from {outlet}.") and scope_note(answer) in render(
            answer
        )
        assert answer_blocks(answer)[-1].endswith(f"<i>Searched the 1 article from {outlet}.</i>")  # Telegram
    reported = library.ask("What did the Harlow Gazette report about the bridge?")
    assert not reported.abstained and reported.citations[0].source == "Harlow Gazette", reported.answer
    elsewhere = library.ask("What did the Harlow Gazette report about the election?")
    assert elsewhere.abstained and elsewhere.answer.startswith("Not found: nothing in the one article searched")
    assert "Searched the 1 article from Harlow Gazette. See /sources" in not_found(elsewhere)
    later = library.ask("What did the Harlow Gazette report about the bridge in 2025?", today=date(2026, 12, 7))
    assert later.abstained
    assert later.answer == "Not found: no article from Harlow Gazette was published since 2025-01-01."
    since = library.ask("What did the Kellbach Post report about the bridge in 2025?", today=date(2026, 12, 7))
    assert scope_note(since) == (
        "Searched the 1 article from Kellbach Post published since 2025-01-01 (and the undated ones)."
    )
    # An outlet the library lacks is a name as any other.
    unknown = library.ask("What did the Kellbach Tribune report about the bridge?")
    assert unknown.abstained and unknown.answer == "Not found: none of the 2 articles mentions Kellbach Tribune."


def test_an_outlet_of_another_collection_is_a_name(library: Library) -> None:
    library.add_text(GAZETTE, source="Harlow Gazette", collection="chat-1")
    library.add_text(POST, source="Kellbach Post", collection="chat-2")
    answer = library.ask("What did the Harlow Gazette report about the bridge?", collection="chat-2")
    assert answer.abstained and not answer.outlet and answer.searched_articles == 1
    # One of two outlets is of another chat only: neither scopes, neither is cut from the question.
    both = library.ask("Did the Kellbach Post and the Harlow Gazette report the bridge repairs?", collection="chat-2")
    assert not both.outlet and both.searched_articles == 1


def test_articles_left_out_of_an_outlet_question(library: Library) -> None:
    """``exclude`` (how ``dossier eval`` leaves answering articles out) counts only the outlet's articles left."""
    gazette = library.add_text(GAZETTE, source="Harlow Gazette").article.id
    other = library.add_text(POST, source="Kellbach Post").article.id
    question = "What did the Harlow Gazette report about the bridge?"
    assert library.ask(question, exclude=[other]).searched_articles == 1
    assert library.ask(question, exclude=[gazette, other]).searched_articles == 0


def test_a_source_longer_than_an_index_entry(library: Library) -> None:
    """A source of 3,000 characters is stored and asked about on either database (PostgreSQL's B-tree holds no
    entry over ~2.7 kB: the outlets' index holds their first 200 characters)."""
    long_source = "Harlow Gazette " + "x" * 3000
    library.add_text(GAZETTE, source=long_source)
    library.add_text(POST, source="Kellbach Post")
    answer = library.ask("How much will the bridge repairs cost, according to the Kellbach Post?")
    assert not answer.abstained and {c.source for c in answer.citations} == {"Kellbach Post"}
    assert library.ask("How much will the bridge repairs cost?").citations


def test_a_follow_up_read_with_the_question_it_follows(library: Library) -> None:
    """A follow-up that found nothing alone is read with the earlier question: one that is nothing but an outlet's
    name asks the earlier question of that outlet (joined as written, "What did the Harlow Gazette report about the
    bridge? and the Kellbach Post?" searched the Gazette), in place of the outlet it named or after a cue."""
    library.add_text(GAZETTE, source="Harlow Gazette")
    library.add_text(POST, source="Kellbach Post")
    gazette, cost = "What did the Harlow Gazette report about the bridge?", "How much will the bridge repairs cost?"
    assert library.follow_up(gazette, "and the Kellbach Post?") == "What did the Kellbach Post report about the bridge?"
    assert library.follow_up(gazette, "What about Kellbach Post") == "What did Kellbach Post report about the bridge?"
    asked = library.follow_up(cost, "and the Kellbach Post?")
    assert asked == "How much will the bridge repairs cost, according to the Kellbach Post?"
    answer = library.ask(asked)
    assert answer.outlet == "Kellbach Post" and "6 million euros" in answer.citations[0].quote
    # In the earlier question's language; two outlets at once.
    assert library.follow_up("Wie viel kostet die Reparatur der Brücke?", "und Kellbach Post?") == (
        "Wie viel kostet die Reparatur der Brücke, laut Kellbach Post?"
    )
    both = library.follow_up(cost, "what about the Kellbach Post and the Harlow Gazette?")
    assert both == "How much will the bridge repairs cost, according to the Kellbach Post and the Harlow Gazette?"
    assert library.ask(both).outlet == "Kellbach Post, Harlow Gazette"
    # A follow-up pointing at its own outlet asks what the earlier one asked, without the earlier one's outlet.
    said = library.follow_up(gazette, "what did the Kellbach Post say?")
    assert said == "what did the Kellbach Post say? What did report about the bridge?"
    # Anything else is read after the earlier question; an outlet's name among more words is no follow-up of it,
    # nor a name in lower case ("people" is a word before it is the magazine People).
    library.add_text(
        "Wedding of the year\n\nA singer married an actor in Kellbach on Saturday, guests said.", source="People"
    )
    for other in ("and in Kellbach?", "and what did the council say about the Kellbach Post?", "and people?"):
        assert library.follow_up(cost, other) == f"{cost} {other}"
    assert library.follow_up(cost, "and People?") == f"{cost.rstrip('?')}, according to People?"
    # The names end the follow-up and are all of it but its first words: a longer name or more words are no outlet.
    library.add_text(
        "Traffic plan\n\nThe square will close for two weeks while the bridge is repaired.", source="The Times"
    )
    library.add_text(
        "Another paper\n\nA bridge elsewhere reopened on Friday.", source="Daily Planet", collection="other"
    )
    for other in (
        "And Times Square?",
        "Sunday Times?",
        "And Sunday Times?",
        "People killed?",
        "Not The Times!",
        "The Times figures?",
        "and the Daily Planet?",  # an outlet of another collection is a name as any other
    ):
        assert library.follow_up(cost, other) == f"{cost} {other}", other
    assert library.follow_up(cost, "And The Times?") == f"{cost.rstrip('?')}, according to The Times?"
    three = library.follow_up(cost, "What about the Kellbach Post, the Harlow Gazette, and The Times?")
    assert library.ask(str(three)).outlet == "Kellbach Post, Harlow Gazette, The Times"
    # A possessive stays one; a conversation in lower case stays in it.
    figures = "According to the Harlow Gazette's figures, how much will the bridge repairs cost?"
    assert library.follow_up(figures, "and The Times?") == (
        "According to The Times' figures, how much will the bridge repairs cost?"
    )
    assert library.ask("According to The Times' figures, how much will it cost?").outlet == "The Times"
    lower = "what did the harlow gazette report about the bridge?"
    assert library.follow_up(lower, "and the kellbach post?") == "what did the kellbach post report about the bridge?"
    # Within the longest question: a longer one is not asked (the follow-up stands on its own).
    assert library.follow_up(cost * 107, "and the Kellbach Post?") is None


async def remembered(library: Library, answer: dict[str, Any]) -> None:
    """Until the bot has remembered the question of the answer sent (just after sending it): a reply sent at once
    may be read before, under load, and find no question to follow up."""
    key = f"msg:{answer['chat']['id']}:{answer['message_id']}"
    for _ in range(200):
        if library.conversations.recall(key):
            return
        await asyncio.sleep(0.05)


async def test_a_follow_up_naming_another_outlet_searches_that_outlet(
    telegram: FakeBotAPI, start_bot: StartBot
) -> None:
    """A reply that names its own outlet is read with what the question it replies to asked, not with its outlet:
    joined as written, the earlier question's outlet was the one searched ("… do not name Kellbach Post. Searched
    the 1 article from Harlow Gazette.")."""
    app = await start_bot()
    library = app.bot_data["state"].engine.library
    library.add_text(GAZETTE, source="Harlow Gazette", added_by="import")
    library.add_text(POST, source="Kellbach Post", added_by="import")
    newsroom, member = group_chat(-100700, "Newsroom"), user(701, "Mark", "mark")
    asked = await telegram.say(
        newsroom, member, "/ask What did the Harlow Gazette report about the bridge?", "Harlow Gazette"
    )
    await remembered(library, asked.result)
    follow = await telegram.say(
        newsroom, member, "what did the Kellbach Post say?", "<b>Sources</b>", reply_to=asked.result
    )
    text = follow.params["text"]
    assert "from Kellbach Post" in text and "Harlow Gazette" not in text, text
    # Read with what the earlier question asked: the bridge's cost, from the outlet the follow-up names.
    cost = await telegram.say(newsroom, member, "/ask How much will the bridge repairs cost?", "<b>Sources</b>")
    await remembered(library, cost.result)
    post = await telegram.say(
        newsroom, member, "according to the Kellbach Post?", "<b>Sources</b>", reply_to=cost.result
    )
    assert "6 million euros" in post.params["text"] and "4 million" not in post.params["text"], post.params["text"]
    # Nothing but the outlet's name: the earlier question asked of it.
    gazette = await telegram.say(newsroom, member, "and the Harlow Gazette?", "<b>Sources</b>", reply_to=cost.result)
    text = gazette.params["text"]
    assert "4 million euros" in text and "from Harlow Gazette" in text and "6 million" not in text, text
