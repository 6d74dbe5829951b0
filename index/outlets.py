"""The outlet a question asks about: "What did the Harlow Gazette report about the bridge?" asks the Gazette's
articles, which need not name it. A question that writes the name of one of the library's outlets (as a name,
with its capitals) is answered from that outlet's articles, and the outlet is no name or speaker the quotes must
contain."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from index.language import tokens

if TYPE_CHECKING:
    from index.question import Question

MIN_NAME = 3  # characters of an outlet's name, without "The": shorter ones ("AP" aside) are too often other words
_ARTICLE = re.compile(r"^(?:the|die|der|das|le|la|les|el|il|lo)\s+", re.IGNORECASE)


def find(question: str, sources: Iterable[str]) -> str | None:
    """The outlet (as the library writes it) whose name the question writes, the longest where several do
    ("The Kyiv Independent" over "Kyiv"); None for none. The name is matched as written, capitals included, and
    as whole words: "how many times" is not The Times."""
    found: list[tuple[int, str]] = []
    for source in set(sources):
        name = named(source)
        if len(name) < MIN_NAME and not (len(name) >= 2 and name.isupper()):
            continue
        if not name[:1].isupper():
            continue
        if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", question):
            found.append((len(name), source))
    return max(found)[1] if found else None


def named(source: str) -> str:
    """An outlet's name as a question may write it: without a leading article ("The Daily Beast" → "Daily
    Beast") or spaces around it."""
    return _ARTICLE.sub("", " ".join(source.split()))


def without(q: Question, asked: str, outlet: str) -> tuple[Question, str]:
    """The question, and its text as the embedding model reads it (``asked``), without the outlet's name: not
    among its names, terms or speaker, nor in the text embedded ("What did the Harlow Gazette report…" asks the
    Gazette's articles what they report, not for quotes naming the Gazette or said by it; embedded with the name,
    which its articles need not hold, the question stood further from them than from another outlet's)."""
    words = set(tokens(outlet))
    speaker = q.speaker if q.speaker is None or q.speaker.head not in words else None
    names = tuple(n for n in q.names if not set(tokens(n)) <= words)
    q = replace(q.without_terms(words), names=names, speaker=speaker, text=_strip(q.text, outlet))
    return q, _strip(asked, outlet)


def _strip(text: str, outlet: str) -> str:
    bare = re.sub(rf"(?<!\w){re.escape(named(outlet))}(?!\w)", " ", text)
    return re.sub(r"\s+([?.!,;:])", r"\1", " ".join(bare.split()))
