"""Whether a quote is the words of the speaker a question asks about (``asked_speaker``), and about what else the
question names.

A quote is the speaker's by its credit ("Harvin Mayor Ilya Korsun said"), by the title the article writes next to
the credited name ("Korsun" credited, "Mayor Ilya Korsun of Harvin" earlier), or by the article's lead where the
credit is a description ("the man" in an article about "a Russian soldier"). A quote whose credit is not read ("…,"
said defence lawyer Pierre Dumas"; "under the climate law") is the speaker's where it names them: it never counts
against them. Whose the speaker is ("of Harvin", "Kovrania's") is in the credit, the quote or the article's lead,
unless the title names someone else's right before the role ("Ostrel Mayor Ilya Korsun" is not the mayor of
Harvin, "Halvard chief executive Ingrid Solbakk" not Nordlys's). A quote in another language than the question's
is not read (its titles and exonyms are another language's): it never counts against the speaker either.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from index import claims, countries, speakers
from index.asked_speaker import POSSESSIVE, WORD, Speaker
from index.evidence import ARTICLE_HEAD
from index.language import analyzer, detect
from index.question import Question

LEAD_CHARS = 400  # the article's dateline and first sentence, where it says whom and where it is about
ABOUT_CHARS = ARTICLE_HEAD  # how much of an article is read for what its quotes are about
APPOSITION_CHARS = 60  # around a credited name, where its title is written ("Mayor Ilya Korsun", "Korsun, the mayor")
APPOSITIONS_READ = 20  # the credited name's first mentions read for its title
APPOSITION_WORDS = 5  # for a speaker asked by name: the words either side of the credited name that may be theirs


@dataclass(frozen=True, slots=True)
class Quoted:
    """A quote as the speaker and place checks read it."""

    text: str
    credit: str  # whom the quote credits ("Ostrel Mayor Ilya Korsun"), "" for none
    article: str  # its article's text
    same_language: bool  # written in the question's language

    @property
    def lead(self) -> str:
        return self.article[:LEAD_CHARS]

    @property
    def dateline(self) -> str:
        """Where the article was filed ("HARBURY, May 4 (Wire) - "), or ""."""
        m = claims.DATELINE.match(self.article)
        return m.group(0) if m else ""


def quoted(text: str, article: str, lang: str) -> Quoted:
    """The quote ``text`` of ``article``, for a question in ``lang``."""
    return Quoted(text, claims.claim(text).attribution, article, detect(text, lang) == lang)


def credited(q: Question, x: Quoted) -> bool:
    """The quote is the words of the question's speaker about what else the question names (or the question asks no
    one's words). President Vestry quoted on the strike on Pilsk says nothing "about the Zolotar raid"."""
    s = q.speaker
    if s is None or not x.same_language:
        return True
    return _by_speaker(q, s, x) and _about(q, s, x)


def _about(q: Question, s: Speaker, x: Quoted) -> bool:
    """The quote, or its article, names the question's names other than the speaker's."""
    own = {w.casefold() for w in WORD.findall(s.phrase)}
    others = [n for n in q.names if not {w.casefold() for w in n.split()} & (own | q.period)]
    return all(countries.named(q, n, x.text) or countries.named(q, n, x.article[:ABOUT_CHARS]) for n in others)


def _by_speaker(q: Question, s: Speaker, x: Quoted) -> bool:
    """Credited to the speaker: a name by its name ("Lind"), a role by all its words ("finance chief" is not the
    "chief executive"), with whose it is: in the credit, the quote or the article's lead, unless a name right before
    the role says it is another's ("Halvard chief executive Ingrid Solbakk" is not Nordlys's chief executive)."""
    stop = analyzer(q.lang).stopwords
    owned = {w.casefold() for o in s.owners for w in o.split()}
    words = [w for w in WORD.findall(s.phrase) if w.casefold() not in stop | owned and not POSSESSIVE.search(w)]
    # A name before a role places it, in the article's lead at least ("the Bystrzyna mine director", "the Russian
    # soldier").
    named = [] if s.named else [w for w in words if w[:1].isupper() and w.casefold() != s.head]
    role = ([] if s.named else [w for w in words if w not in named]) or [s.head]
    whose = f"{x.credit} {x.text} {x.lead}"
    if not _all_found(q, named, whose):
        return False
    if not x.credit:
        return _all_found(q, role, x.text) and _all_found(q, s.owners, whose)
    last = POSSESSIVE.sub("", (x.credit.split() or [""])[-1])
    if s.named and last.casefold() != s.head:
        # Where the credit is a name, its title is where the article first names them.
        around = [x.credit, *(_mentions(last, x.article) if last[:1].isupper() else ())]
        if any(_someone_of(s, t, last, q.lang) for t in around):
            return False
    if not any(ch.isupper() for ch in x.credit):
        return _all_found(q, role, x.lead) and _all_found(q, s.owners, x.lead)
    # A name is the credited one's title only right beside it ("President Volodymyr Zelensky", "Zelensky, Ukraine's
    # President"): "Restaudor, founded in 1998 by its chief executive Patrice Vermorel, said" is not Vermorel's.
    near = APPOSITION_WORDS if s.named else None
    titles = [x.credit] if _all_found(q, role, x.credit) else _mentions(x.credit.split()[-1], x.article, near)
    return any(
        _all_found(q, role, title) and not _anothers(q, s, role[0], title) and _all_found(q, s.owners, whose)
        for title in titles
    )


def _someone_of(s: Speaker, title: str, name: str, lang: str) -> bool:
    """The title credits ``name`` (the credited name's last word) as one of the named speaker's own people, by a role
    after their possessive and right before the name ("Dremin's deputy Petro Lysak", "Navalnaya's lawyer, Lyudmila
    Kazak"; cues.json ``someone_of``, the role's last word): their words, not the speaker's. Any other role speaks in
    the speaker's name ("Intel's chief executive Pat Gelsinger", "Ukraine's foreign minister", "Dremin's
    spokesman")."""
    upper = "A-ZÀ-ÖØ-Þ"
    pattern = (
        rf"(?i:\b{re.escape(s.head)})['’]s?\s+((?:[^\W\d_{upper}][\w-]*,?\s+){{1,3}})"
        rf"([{upper}][\w’'-]*(?:\s+[{upper}][\w’'-]*){{0,3}})"
    )
    own_people = speakers.cue_words("someone_of", lang)
    for m in re.finditer(pattern, title):
        role = m.group(1).replace(",", " ").split()
        if name in m.group(2).split() and role[-1].casefold() in own_people:
            return True
    return False


def _anothers(q: Question, s: Speaker, role: str, title: str) -> bool:
    """The title names, right before the role, someone else's than the speaker's owners ("Halvard chief
    executive", "Ostrel Mayor" for the mayor of Harvin)."""
    if s.named or not s.owners:
        return False
    name = r"[A-ZÀ-ÖØ-Þ][\w’'-]*"
    for m in re.finditer(rf"({name}(?:\s+{name})*?)(?:['’]s)?\s+(?i:{re.escape(role)})\b", title):
        if m.group(1).casefold() != role.casefold():
            return not any(countries.named(q, o, m.group(1)) for o in s.owners)
    return False


def _all_found(q: Question, names: Sequence[str], text: str) -> bool:
    return all(countries.named(q, n, text) or _found(q, n, text) for n in names)


def _found(q: Question, word: str, text: str) -> bool:
    """The text has the question's word by its forms, or as a name (a variant, a letter apart: "Orvenian")."""
    forms = q.forms(text)
    folded = word.casefold()
    return folded in forms or q.stem(folded) in forms or (word[:1].isupper() and q.has_name(word, text))


def _mentions(name: str, article: str, words: int | None = None) -> Iterator[str]:
    """The text around each of the first mentions of ``name`` in the article, where its title is written; with
    ``words``, only that many words either side."""
    start = 0
    for _ in range(APPOSITIONS_READ):
        at = article.find(name, start)
        if at < 0:
            return
        before = article[max(0, at - APPOSITION_CHARS) : at]
        after = article[at + len(name) : at + len(name) + APPOSITION_CHARS]
        if words is not None:
            before = " ".join(before.split(" ")[-words - 1 :])
            after = " ".join(after.split(" ")[: words + 1])
        yield before + name + after
        start = at + len(name)
