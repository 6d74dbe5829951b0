"""Who claims what and how sure, on real sentences of the seed and dev articles."""

from __future__ import annotations

import json

import pytest
from support import DEV

from index import Library
from index.claims import attribution, claim, figures, hedge, unit_of


def sentence(texts: dict[str, str], start: str) -> str:
    for text in texts.values():
        if start in text:
            rest = text[text.index(start) :]
            return rest[: rest.index("\n")] if "\n" in rest else rest
    raise AssertionError(f"no seed sentence starts with {start!r}")


def test_seed_sentences(seed_texts: dict[str, str]) -> None:
    call = sentence(seed_texts, "“We should have about 90 tanks left")
    assert claim(call).figures == ("about 90 tanks", "probably 14 tanks")
    assert attribution(call) == "the man" and not hedge(call)
    stats = sentence(seed_texts, "Stats released by Russia")
    assert claim(stats).figures == ("3,010 soldiers", "32 tanks") and attribution(stats) == "Russia"
    assert hedge(stats) == "claimed"
    unconfirmed = sentence(seed_texts, "It is unconfirmed whether the call is authentic")
    assert hedge(unconfirmed).startswith("It is unconfirmed")
    audio = sentence(seed_texts, "Audio shared by Ukraine’s Security Service")
    assert attribution(audio) == "Ukraine’s Security Service" and hedge(audio) == "is said to"
    report = sentence(seed_texts, "It comes as a new report from US intelligence")
    assert attribution(report) == "US intelligence" and figures(report)[0] == "nearly 90 per cent of its army"
    assert "around two-thirds of its tank force" in figures(sentence(seed_texts, "The report said around two-thirds"))
    assert unit_of("probably 14 tanks") == unit_of("32 tanks")


@pytest.mark.skipif(not DEV.is_dir(), reason="../shared is not beside this checkout")
def test_dev_sentences() -> None:
    text = "\n".join(json.loads(line)["text"] for line in (DEV / "articles.jsonl").read_text().splitlines())
    hedged = [
        "the purported soldier says",
        "The authenticity of the soldier’s statements have not been independently verified",
        "convicts who reportedly received little training",
        "has previously made unverifiable claims",
        "Ukraine has allegedly shot down a Russian spy plane",
        "This could not be verified independently",
    ]
    plain = [
        "The group said this week it has verified 1,000 distinct Russian tank losses in the war",
        "The site uses only photographic and video evidence to verify claims",
    ]
    for phrase in hedged + plain:
        assert phrase in text, phrase
    assert all(hedge(p) for p in hedged)
    assert not any(hedge(p) for p in plain)
    assert figures("It happened in 2022 near the river.") == []
    speakers = {
        "Christo Grozev, who serves as executive director of the fact-checking group known as Bellingcat, "
        "commented as follows": "Christo Grozev",
        "said Jakub Janovsky, a military analyst who contributes to the Oryx blog": "Jakub Janovsky",
    }
    for phrase, who in speakers.items():
        assert phrase in text, phrase
        assert attribution(phrase) == who


def test_answers_put_figures_side_by_side_and_flag_hedges(library: Library, seed_texts: dict[str, str]) -> None:
    for name, text in seed_texts.items():
        library.add_text(text, key=name)
    answer = library.ask("what equipment losses were reported?")
    assert {c.attribution for c in answer.citations} >= {"Russia", "the man"}
    hedged = [c for c in answer.citations if c.hedged]
    assert hedged and all(c.hedge for c in hedged)
    tanks = answer.figures["tank"]
    assert {e.figure for e in tanks} >= {"32 tanks", "probably 14 tanks"} and len({e.n for e in tanks}) == 2
    assert "Figures side by side:" in answer.answer and "tank: " in answer.answer
