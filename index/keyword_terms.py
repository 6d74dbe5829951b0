"""What the keyword index says about a question's terms: the rarest ones to search (within a postings budget),
how rare each one is, and which words of its names no passage has in any form (``index.keywords`` holds the
index)."""

from __future__ import annotations

import math

from index.database import Connection
from index.language import fold, romanised, tokens
from index.periods import is_month
from index.question import Question

POSTINGS_BUDGET = 4000  # bm25 costs time in proportion to the rows that match: a question scores this many at most
MAX_TERMS = 8
NAME_PREFIX = 5  # a name matches an indexed word sharing its first letters (inflections, plurals: "Shaheds")


def _lookup_terms(q: Question) -> list[str]:
    return list(dict.fromkeys(t for term in q.terms for t in _term_forms(q, term)))


def _term_forms(q: Question, term: str) -> tuple[str, ...]:
    """A question term as the index may hold it: its stem, the word, both without diacritics, and a word of
    another script both in Latin letters ("курск" → "kursk")."""
    stem = q.stem(term)
    return tuple(dict.fromkeys((*_own_forms(q, term), romanised(stem, q.lang), romanised(term, q.lang))))


def _own_forms(q: Question, term: str) -> tuple[str, ...]:
    stem = q.stem(term)
    return tuple(dict.fromkeys((stem, term, fold(stem), fold(term))))


def _found_forms(q: Question, term: str, df_of: dict[str, int]) -> list[str]:
    """The forms of a term the library holds: its own (stem, word, without diacritics) where it holds any, else
    those in Latin letters (``_term_forms``): "мост" is not weighed by English's "most"."""
    own = [f for f in _own_forms(q, term) if f in df_of]
    return own or [f for f in _term_forms(q, term) if f in df_of]


def chosen_terms(conn: Connection, q: Question) -> list[tuple[str, int]]:
    """The question's rarest terms (with their document frequency) within the postings budget."""
    terms = _lookup_terms(q)
    if not terms:
        return []
    rows = conn.execute(f"SELECT term, df FROM term_df WHERE term IN ({','.join('?' * len(terms))})", terms).fetchall()
    df_of = {str(r[0]): int(r[1]) for r in rows}
    # A word without its diacritics only where the library lacks it as written: the index holds both forms of a
    # word it has, and both would take two of the MAX_TERMS slots for the same passages.
    found: dict[str, int] = {}
    for term in q.terms:
        own = (q.stem(term), term)
        for form in own if any(f in df_of for f in own) else _term_forms(q, term):
            if form in df_of:
                found[form] = df_of[form]
    chosen: list[tuple[str, int]] = []
    postings_ = 0
    for term, df in sorted(found.items(), key=lambda r: r[1]):
        if postings_ + df > POSTINGS_BUDGET or len(chosen) >= MAX_TERMS:
            break
        chosen.append((term, df))
        postings_ += df
    return chosen


def term_weights(conn: Connection, q: Question, passages: int) -> tuple[float, ...]:
    """Inverse document frequency of each of the question's terms (by its stem or word, with or without diacritics,
    whichever is commonest): how much finding that term says about a passage. A term no passage has weighs the
    most."""
    forms = _lookup_terms(q)
    if not forms:
        return ()
    df = dict(conn.execute(f"SELECT term, df FROM term_df WHERE term IN ({','.join('?' * len(forms))})", forms))
    return tuple(
        math.log((passages + 1) / (max((df[f] for f in _found_forms(q, t, df)), default=0) + 1)) + 1.0 for t in q.terms
    )


def _known(conn: Connection, word: str, stem: str, latin: bool = False, lang: str = "") -> bool:
    """The library has the word, its stem, the word without diacritics, or (for longer words) a word sharing its
    first letters without them; with ``latin``, also as a word of another script written in Latin letters ("Sudzha"
    by "Суджа", "Суджи" by "Sudzha")."""
    spelled = (romanised(word, lang),) if latin else ()
    forms = tuple(dict.fromkeys((word, stem, fold(word), *spelled)))
    if conn.execute(f"SELECT 1 FROM term_df WHERE term IN ({','.join('?' * len(forms))}) LIMIT 1", forms).fetchone():
        return True
    if len(word) <= NAME_PREFIX:
        return False
    for prefix in dict.fromkeys(f[:NAME_PREFIX] for f in (fold(word), *spelled)):
        upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        if conn.execute("SELECT 1 FROM term_df WHERE term >= ? AND term < ? LIMIT 1", (prefix, upper)).fetchone():
            return True
    return False


def unknown_names(conn: Connection, q: Question) -> list[str]:
    """Words of the question's names that no passage mentions in any form ("Kerch", "Vuhledar"): a library that
    never mentions them cannot answer. Only for questions mostly in the library's own words, so a question in
    another language or script (answered through a multilingual model) is never refused this way."""
    absent = absent_name_words(conn, q, latin=True)
    if not absent:
        return []
    folded = {w.casefold() for w in _name_words(q)}
    # Function words count too: they tell whether the question is in the library's language at all.
    others = [t for t in dict.fromkeys(tokens(q.text)) if t not in folded]
    if not others or sum(_known(conn, t, q.stem(t)) for t in others) < len(others) / 2:
        return []
    return absent


def absent_name_words(conn: Connection, q: Question, latin: bool = False) -> list[str]:
    """Words of the question's names (four letters or more) that no passage has in any form, whatever the
    question's language; with ``latin``, nor in another script written in Latin letters (``_known``: a name known
    only so is still looked up by its spelling in the top passages, ``Question.with_variants``, which the checks
    of the quotes read). Month names are time, not names: "in March 2024" bounds the search by date
    (``index.periods``), articles need not say "March"."""
    absent = [w for w in _name_words(q) if not _known(conn, w.casefold(), q.stem(w), latin, q.lang)]
    # A word is known by another spelling of its name ("Belgian" by "Belgium"; ``Question.variants``).
    return [
        w
        for w in absent
        if not any(_known(conn, v.casefold(), q.stem(v), latin, q.lang) for v in _other_spellings(q, w))
    ]


def _other_spellings(q: Question, word: str) -> list[str]:
    return [v for name, variant in q.variants if word in name.split() for v in variant.split() if len(v) >= 4]


def _name_words(q: Question) -> list[str]:
    return list(dict.fromkeys(w for n in q.names for w in n.split() if len(w) >= 4 and not is_month(w)))
