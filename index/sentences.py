"""Split text into sentences, keeping character offsets into the original string.

The boundaries come from a linear scan for terminal punctuation. A period after a small number then also has to
end a sentence for the segmenter of the text's language (sentencex, Wikimedia's, with the ordinal and abbreviation
rules of some 300 languages): "am 16. November" is one sentence, "rose to 16. The police" two. In a language that
capitalises its nouns a period after a short word is asked about too ("30 Mrd. Kronen"), unless the text writes
that word elsewhere without one; elsewhere a capitalised word after an abbreviation starts a sentence, which is
what the scan assumes ("5 млн грн. Поліція …"), so sentencex's word lists ("Fed", "May", "Ill") are not asked.
"""

from __future__ import annotations

import functools
import re

import sentencex

from index import language, speakers

# End of a sentence: terminal punctuation, optional closing quotes/brackets, then white space. It only starts at
# the first mark of a run and never backtracks, so a long run of dots costs one pass, not one pass per dot.
# German closes a quotation with “ and ‘ ("bereit.“ Die Polizei"), opens one with „, ‚ or »; French sets a space
# inside guillemets ("« Nous").
_BOUNDARY = re.compile(r"(?<![.!?…])[.!?…]++[\"'”’“‘»)\]]*+(?=\s)")
_NEXT_START = re.compile(r"\s++[\"'“‘„‚«»(\[]*+\s*+[\w$£€-]")
_NEXT_WORD = re.compile(r"[^\W\d_]+")
_WORD_OR_DOT = re.compile(r"[\w.]")
_ABBREVIATIONS = frozenset(
    """
    mr mrs ms dr prof st gen col lt sgt capt maj cmdr adm rep sen gov pres rev jr sr co corp inc ltd jan feb mar
    apr jun jul aug sep sept oct nov dec no nos v vs etc approx est dept fig al u.s u.k u.n e.g i.e a.m p.m
    """.split()
)
# These stand before a number ("No. 10", "Sept. 11", "Fig. 3", "est. 1990"); before anything else they are words
# that end sentences ("He said no.", Spanish "al mar.", French "est.").
_BEFORE_NUMBERS = frozenset("no nos fig est approx jan feb mar apr jun jul aug sep sept oct nov dec".split())
_LONGEST = max(map(len, _ABBREVIATIONS)) + 2  # the word, its period, and one character to see that it ended
# What the language's segmenter is shown of a period's surroundings: a few words on each side on its line (enough
# for "the No. 1", "30 Mrd. Kronen"), never the whole text, so each check is short and a text is one pass.
_WINDOW_WORDS_BEFORE = 3
_WINDOW_WORDS_AFTER = 2
_WINDOW_CHARS = 80
# Quotation marks and brackets in the window are blanked: the segmenter does not end a sentence inside a
# quotation or a parenthesis, and a window may open one it cannot see closed.
_BLANKED = str.maketrans(dict.fromkeys('"“”«»„()[]{}<>', " "))
_LANGUAGE_SAMPLE = 2000  # characters the language is told from (language.detect reads as many)
# How far around a quote ``sentences_near`` splits: far past the few sentences a quote is widened by, so a long
# article is not split whole for each of its quotes at every question.
NEAR_CHARS = 20_000
# Periods the segmenter is asked about: after a number of at most this many digits (an ordinal, "16."), or, in a
# language that capitalises nouns, after a word of at most this many letters ("Mrd", "bzw"); longer ones are no
# abbreviations.
_ORDINAL_DIGITS = 3
_SHORT_WORD = 6
_SHORT_WORD_BEFORE = re.compile(rf"(?<![\w.])[^\W\d_]{{1,{_SHORT_WORD}}}\Z")
_ORDINAL_BEFORE = re.compile(rf"(?<![\w.,])\d{{1,{_ORDINAL_DIGITS}}}\Z")
_ABBREVIATION_LETTERS = 4  # "godz", "ok", "ul", "nr": an unlisted abbreviation before a number is this short
_WORD_BEFORE_NUMBER = re.compile(r"([^\W\d_]+)\s+\d{1,3}\Z")
_BARE_WORDS_TEXT = 1_000_000  # characters of a text read whole for the words it writes bare
_BARE_WORD = re.compile(rf"\b[^\W\d_]{{1,{_SHORT_WORD}}}\b(?![.\w])")


def _abbreviation(text: str, end: int) -> str:
    """The abbreviation or initial whose period ends at ``end`` ("Mr", "U.S", "T.J", "A"), else ""."""
    if text[end - 1] != ".":
        return ""
    start = end - 1
    while start > 0 and end - start <= _LONGEST and _WORD_OR_DOT.match(text, start - 1):
        start -= 1
    if start == end - 1 or end - start > _LONGEST:
        return ""  # no word before the period, or one far longer than any abbreviation
    raw = text[start : end - 1]
    if raw.casefold() in _ABBREVIATIONS:
        return raw
    if "." in raw:  # initials written together ("T.J.", "J.R.R."): single capital letters between dots
        joined = all(len(part) == 1 and part.isalpha() and part.isupper() for part in raw.split("."))
        return raw if joined else ""
    return raw if len(raw) == 1 and raw.isalpha() and raw.isupper() else ""


def _opens_sentence(text: str, at: int) -> bool:
    """Whether the word at ``at`` is a stop word of the text's language ("The", "He"): after "D.C." or "U.S." it
    starts a sentence, where a name ("T.J. Muscaro") goes on with it."""
    word = _NEXT_WORD.match(text, at)
    return word is not None and word.group().casefold() in language.analyzer(_language(text)).stopwords


class _LanguageCheck:
    """Asks the language's segmenter about the periods of one text; what it needs of the text is read once."""

    def __init__(self, text: str, start: int, stop: int) -> None:
        self.text = text
        # Where the words written bare are read: the whole text, so a part of it splits as the whole does, unless
        # it is too long to read for each quote (then the part being split).
        self.start, self.stop = (0, len(text)) if len(text) <= _BARE_WORDS_TEXT else (start, stop)
        self._bare: frozenset[str] | None = None

    def ends(self, period: int, line_end: int) -> bool:
        """Whether the period at ``period`` (after a word) still ends a sentence."""
        before = self.text[max(0, period - _SHORT_WORD - 1) : period]
        lang = _language(self.text)
        if _ORDINAL_BEFORE.search(before):
            # "die 3. Zivilkammer": an article before a number makes it an ordinal (the segmenter splits there).
            article = _WORD_BEFORE_NUMBER.search(self.text, max(0, period - _WINDOW_CHARS), period)
            if article and article.group(1).casefold() in speakers.cue_words("articles", lang):
                return False
            return _language_ends(self.text, period + 1, line_end)
        word = _SHORT_WORD_BEFORE.search(before)
        if lang not in language.NOUNS_CAPITALISED:
            # "ok. godz. 18.30": a short lower-case word the text never writes bare, before a number, is an
            # abbreviation (English's are listed above; news in English starts sentences with numbers).
            return not (
                lang != "en"
                and word is not None
                and len(word.group()) <= _ABBREVIATION_LETTERS
                and word.group().islower()
                and self.text[period + 1 : line_end].lstrip()[:1].isdigit()
                and word.group().casefold() not in self.bare_words()
            )
        if word is None or word.group().casefold() in self.bare_words():
            return True
        return _language_ends(self.text, period + 1, line_end)

    def bare_words(self) -> frozenset[str]:
        """The short words the text writes somewhere without a period after them (case-folded)."""
        if self._bare is None:
            found = _BARE_WORD.finditer(self.text, self.start, self.stop)
            self._bare = frozenset(m.group().casefold() for m in found)
        return self._bare


def _language_ends(text: str, cut: int, line_end: int) -> bool:
    """Whether the segmenter of the text's language ends a sentence at the period just before ``cut``."""
    head = " ".join(text[max(0, cut - _WINDOW_CHARS) : cut].split()[-_WINDOW_WORDS_BEFORE:]).translate(_BLANKED).strip()
    tail = " ".join(text[cut : min(line_end, cut + _WINDOW_CHARS)].split()[:_WINDOW_WORDS_AFTER]).translate(_BLANKED)
    if not head or not tail.strip():
        return True
    window = f"{head} {tail.strip()}"
    try:
        starts = {b["start_index"] for b in sentencex.get_sentence_boundaries(_language(text), window)}
    except UnicodeEncodeError:  # a lone surrogate (text read with surrogateescape): the scan's boundary stands
        return True
    return len(head) + 1 in starts


def _language(text: str) -> str:
    return _detected(text[:_LANGUAGE_SAMPLE])


@functools.lru_cache(maxsize=256)
def _detected(sample: str) -> str:
    return language.detect(sample)


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Return (start, end) spans of the sentences in ``text[start:end]``; newlines always end one."""
    stop = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    pos = start
    language_check = _LanguageCheck(text, start, stop)
    for line in re.finditer(r"[^\n]+", text[start:stop]):
        line_start = start + line.start()
        line_end = start + line.end()
        pos = line_start
        for match in _BOUNDARY.finditer(text, line_start, line_end):
            cut = match.end()
            following = _NEXT_START.match(text, cut, line_end)
            if following is None:
                continue
            abbreviation = _abbreviation(text, match.start() + 1)
            if abbreviation.casefold() in _BEFORE_NUMBERS and not text[following.end() - 1].isdigit():
                abbreviation = ""
            if abbreviation and not ("." in abbreviation and _opens_sentence(text, following.end() - 1)):
                continue
            nxt = text[following.end() - 1]
            if nxt.islower():
                continue
            if match.group() == "." and not language_check.ends(match.start(), line_end):
                continue
            _append(text, spans, pos, cut)
            pos = cut
        _append(text, spans, pos, line_end)
    return spans


def first_sentence(text: str) -> str:
    """A text's first sentence, read within its first ``LEAD_CHARS``: an article's lead, where news says whom,
    where and what period its figures are about."""
    return _first_sentence(text[:LEAD_CHARS])


@functools.lru_cache(maxsize=1024)  # the same articles' leads are read for each of their sentences
def _first_sentence(lead: str) -> str:
    """The first span of a few words at least: a dateline or byline on a line of its own ("LONDON, Aug 4
    (Wire)", "By Jane Smith") is no sentence."""
    spans = split_sentences(lead)
    whole = [(a, b) for a, b in spans if len(lead[a:b].split()) >= LEAD_WORDS]
    a, b = (whole or spans or [(0, 0)])[0]
    return lead[a:b]


LEAD_CHARS = 600  # a lead is one or two lines; a text without a sentence end is read no further
LEAD_WORDS = 6  # fewer words on a line of its own make a dateline or byline, not a sentence


def _append(text: str, spans: list[tuple[int, int]], start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


def sentences_near(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The sentences of the whole lines within about ``NEAR_CHARS`` of ``text[start:end]``, each at most
    ``LONGEST_SENTENCE`` characters (``capped``)."""
    lo = max(0, start - NEAR_CHARS)
    if lo:
        lo = text.find("\n", lo, start) + 1 or lo
    hi = min(len(text), end + NEAR_CHARS)
    if hi < len(text):
        newline = text.rfind("\n", end, hi)
        hi = newline if newline >= 0 else hi
    return capped(text, split_sentences(text, lo, hi))


# About a passage's 200 tokens: a line without full stops (a pasted table, a transcript) is one "sentence" however
# long, and a quote widened to it was 40,000 characters, whose figures took minutes to read.
LONGEST_SENTENCE = 1_000


def capped(text: str, spans: list[tuple[int, int]], longest: int = LONGEST_SENTENCE) -> list[tuple[int, int]]:
    """The spans, those longer than ``longest`` characters cut at the last space before it (or at it)."""
    if all(e - s <= longest for s, e in spans):
        return spans
    out: list[tuple[int, int]] = []
    for s, e in spans:
        while e - s > longest:
            space = text.rfind(" ", s + 1, s + longest)
            cut = space if space > s else s + longest
            _append(text, out, s, cut)
            s = cut
        _append(text, out, s, e)
    return out
