"""Which of a question's words and names a text holds: the text's word forms (words, stems, lemmas, accents folded;
kept for sentence-sized texts), its capitalised words with what follows them, and names matched through their own
words, their variants and one letter inserted or left out."""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Set as AbstractSet
from typing import TYPE_CHECKING

from index.language import TOKEN, analyzer, folded, tokens

if TYPE_CHECKING:
    from index.question import Question

# The same sentences are read by several steps of one ask (evidence features, quote choice, answerability) and by
# the next questions on the same story: their forms are kept, up to a sentence's length (an article's opening is
# read once per ask by the caller instead; keeping it would keep its text alive too).
FORMS_CACHED_CHARS = 2000
FORMS_CACHE = 8192


def read_forms(lang: str, text: str) -> frozenset[str]:
    words = set(tokens(text))
    a = analyzer(lang)
    return frozenset(words | {a.stem(w) for w in words} | {a.lemma(w) for w in words} | folded(words))


text_forms = functools.lru_cache(maxsize=FORMS_CACHE)(read_forms)


def capitalised_forms(lang: str, text: str) -> frozenset[str]:
    words = {w.casefold() for w in TOKEN.findall(text) if not w[:1].islower()}
    stem = analyzer(lang).stem
    return frozenset(words | {stem(w) for w in words} | folded(words) | _followers(text))


_JOINED = re.compile(r"[ \t\u00a0]+\Z")  # words of one name stand apart by spaces only


def _followers(text: str) -> set[str]:
    """What follows each capitalised word, as forms that hold a space or a tab and so match no word: "rui tavares"
    for each pair of capitalised words in a row, "tavares " for the last of a row, and "rui\t" for the first of a
    row of two, a name of its own. They tell whose first name "Rui" is (see ``Question.has_name``)."""
    found: set[str] = set()
    row: list[str] = []
    end = -1

    def close() -> None:
        found.update(f"{a} {b}" for a, b in itertools.pairwise(row))
        if row:
            found.add(f"{row[-1]} ")
        if len(row) == 2:
            found.add(f"{row[0]}\t")
        row.clear()

    for m in TOKEN.finditer(text):
        word = m.group(0)
        if not word[:1].isupper():
            close()
            continue
        if row and not _JOINED.match(text, end, m.start()):
            close()
        row.append(word.casefold())
        end = m.end()
    close()
    return found


cached_capitalised_forms = functools.lru_cache(maxsize=FORMS_CACHE)(capitalised_forms)


NEAR_NAME = 5  # name words this long or longer also match a word with one letter inserted or left out


def one_letter_apart(names: AbstractSet[str], words: AbstractSet[str]) -> bool:
    """A word is a name word with one letter inserted or left out, the first letter kept: transliterations
    ("Zelensky", "Zelenskiy", "Zelenskyy") and adjectives of places ("Russia", "Russian") differ so. A changed letter
    does not count: "Storm" is not "store"."""
    long = [n for n in names if len(n) >= NEAR_NAME]
    for w in words if long else ():
        for n in long:
            if abs(len(w) - len(n)) != 1 or w[0] != n[0] or " " in w or "\t" in w:  # not what follows a word
                continue
            longer, shorter = (w, n) if len(w) > len(n) else (n, w)
            i = next((k for k, (a, b) in enumerate(zip(longer, shorter, strict=False)) if a != b), len(shorter))
            if longer[i + 1 :] == shorter[i:]:
                return True
    return False


def forms_of(q: Question, text: str) -> set[str]:
    words = tokens(text)
    return set(words) | {q.stem(w) for w in words} | folded(words)


def own_words(name: str, present: AbstractSet[str]) -> list[str]:
    """The words of a name that may stand for it in a text: of a name of two words, not the first ("Rui" of "Rui
    Valente", "Storm" of "Storm Ilse") where the text writes it only as the first of another name of two words
    ("Rui Tavares", "Storm Boris"); a longer row ("Saudi Energy Minister", "Mayor Rui Tavares") may hold the name.
    Texts read without what follows their words keep every word."""
    words = name.split()
    if len(words) != 2:
        return words
    first, second = (w.casefold() for w in words)
    other = f"{first}\t" in present and f"{first} " not in present and f"{first} {second}" not in present
    return words[1:] if other else words


def name_forms(q: Question, name: str, words: str) -> set[str]:
    found = forms_of(q, words)
    for named, variant in q.variants:
        if named == name:
            found |= forms_of(q, variant)
    return found
