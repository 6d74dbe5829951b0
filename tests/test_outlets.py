"""Questions that name an outlet of the library ("What did the Harlow Gazette report…", "… according to the
Kellbach Post?") are answered from that outlet's articles, which need not name it."""

from __future__ import annotations

from datetime import date

import pytest

from index import Library, scope_note
from index.outlets import find
from index.render_text import render

GAZETTE = (
    "Bridge to reopen\n\nThe council said on Monday that the old river bridge would reopen to traffic in May after "
    "repairs costing 4 million euros, the mayor told reporters."
)
POST = (
    "Bridge repairs delayed\n\nThe old river bridge will stay closed until September because steel parts arrived "
    "late, the city engineer said on Tuesday, and the repairs will cost 6 million euros."
)


@pytest.mark.parametrize(
    ("question", "outlet"),
    [
        ("What did the Harlow Gazette report about the bridge?", "Harlow Gazette"),
        ("What did The Daily Beast report?", "The Daily Beast"),
        ("what did the Daily Beast report?", "The Daily Beast"),  # its name written without "The"
        ("How many times did the bridge close?", None),  # "times", not The Times: names are matched as written
        ("What did Harlow report?", None),  # a part of an outlet's name is not the outlet
        ("What did the Harlow Gazette Weekly say?", "Harlow Gazette Weekly"),  # the longest name it writes
    ],
)
def test_the_outlet_a_question_names(question: str, outlet: str | None) -> None:
    sources = ["Harlow Gazette", "Harlow Gazette Weekly", "The Daily Beast", "The Times", "AP"]
    assert find(question, sources) == outlet


def test_a_question_naming_an_outlet_is_answered_from_its_articles(library: Library) -> None:
    """Both outlets' figures stand side by side for the library; each outlet's alone when the question names it.
    Before, "Not found: the one article does not mention Harlow Gazette" was said of the Gazette's own article."""
    library.add_text(GAZETTE, source="Harlow Gazette", published="2024-01-05")
    library.add_text(POST, source="Kellbach Post", published="2025-03-01")
    both = library.ask("How much will the bridge repairs cost?")
    assert {c.source for c in both.citations} == {"Harlow Gazette", "Kellbach Post"} and not both.outlet
    for outlet, figure in (("Harlow Gazette", "4 million euros"), ("Kellbach Post", "6 million euros")):
        answer = library.ask(f"How much will the bridge repairs cost, according to the {outlet}?")
        assert not answer.abstained, answer.answer
        assert {c.source for c in answer.citations} == {outlet} and figure in answer.citations[0].quote
        assert (answer.outlet, answer.searched_articles) == (outlet, 1)
        assert render(answer).endswith(f"Searched the 1 article from {outlet}.") and scope_note(answer) in render(
            answer
        )
    reported = library.ask("What did the Harlow Gazette report about the bridge?")
    assert not reported.abstained and reported.citations[0].source == "Harlow Gazette", reported.answer
    elsewhere = library.ask("What did the Harlow Gazette report about the election?")
    assert elsewhere.abstained and elsewhere.answer.startswith("Not found: nothing in the one article searched")
    later = library.ask("What did the Harlow Gazette report about the bridge in 2025?", today=date(2026, 12, 7))
    assert (
        later.abstained and later.answer == "Not found: no article from Harlow Gazette was published since 2025-01-01."
    )
    unknown = library.ask("What did the Kellbach Tribune report about the bridge?")
    assert unknown.abstained and unknown.answer == "Not found: none of the 2 articles mentions Kellbach Tribune."
