"""From ranked evidence to the quotes an answer shows: the best sentences across articles, each completed to stand
alone (its speaker, its quotation whole, what it refers back to), wire copies set aside."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from index import answer_types, attribution, claims, quotations, speakers
from index.asked_kind import Asks
from index.evidence import Evidence
from index.keywords import article_language
from index.question import Question
from index.sentences import LONGEST_SENTENCE, sentences_near

MAX_QUOTES_PER_ARTICLE = 3
REPEAT_WORDS = 8  # a sentence this long held in another is a repeat, not a second source of the words
MORE_WITHIN = 0.45  # "more results" pages go down to this share of the first page's best quote
KEEP_WITHIN = 0.80  # a further quote from an article must score at least this share of the best quote
NEW_ARTICLE_WITHIN = 0.80  # any quote needs this share of the best (a lower bar padded answers with other stories)
_OPEN, _CLOSE = "“«", "”»"
_NAME_WORD = re.compile(r"[^\W\d_][\w’'-]*")


def select_quotes(
    evidence: Sequence[Evidence],
    max_quotes: int,
    best: float | None = None,
    within: float | None = None,
    texts: dict[int, str] | None = None,
) -> list[Evidence]:
    """The best sentences: at most two per article, and a lower bar for the first quote of another article,
    so answers spread across outlets. Nothing below ``within`` of ``best`` (default: the top score). With the
    articles' ``texts``, only sentences a quote can show (see ``complete_quotation``): a sentence that opens a
    quotation never closed ("the text stops mid-quote") neither shows nor sets the bar for the others."""
    shown = (e for e in evidence if texts is None or complete_quotation(e, texts[e.article_id]) is not None)
    within = NEW_ARTICLE_WITHIN if within is None else within
    picked: list[Evidence] = []
    per_article: dict[int, int] = {}
    for ev in shown:
        best = ev.score if best is None else best
        # A score of 0 stands out from nothing (all scores are clipped at 0): only the very first may be one.
        if ev.score < best * within or len(picked) >= max_quotes or (picked and ev.score <= 0):
            break
        count = per_article.get(ev.article_id, 0)
        if count >= MAX_QUOTES_PER_ARTICLE or (count and ev.score < best * KEEP_WITHIN):
            continue
        if any(p.article_id == ev.article_id and p.start < ev.end and ev.start < p.end for p in picked):
            continue
        per_article[ev.article_id] = per_article.get(ev.article_id, 0) + 1
        picked.append(ev)
    return picked


def later_page(
    evidence: Sequence[Evidence], shown: Sequence[Evidence], max_quotes: int, texts: dict[int, str] | None = None
) -> list[Evidence]:
    """The next page of quotes: sentences not overlapping anything shown, down to ``MORE_WITHIN``."""
    if not shown:
        return []
    best = max(e.score for e in shown)
    rest = [e for e in evidence if not overlaps(e, shown)]
    return select_quotes(rest, max_quotes, best=best, within=MORE_WITHIN, texts=texts)


def overlaps(ev: Evidence, others: Sequence[Evidence]) -> bool:
    return any(o.article_id == ev.article_id and o.start < ev.end and ev.start < o.end for o in others)


def complete_answers(quotes: Sequence[Evidence], texts: dict[int, str], q: Question) -> list[Evidence]:
    """Widen quotes that cannot stand alone:
    - a quote that opens with a word that refers back ("He estimated the toll could be nearer 2,000", "Of these, 41
      were shot down"), or is a quotation credited to a pronoun ("“…,” he told analysts"), takes the sentence
      before, which names who "he" is or what "these" are;
    - a quote that opens a quoted paragraph takes the line that introduces the speaker ("Christo Grozev …
      commented as follows:"), so the reader sees whose words they are;
    - when the question asks for a figure, a who, a where or a why and a quote has none but the next sentence of
      its paragraph does, the quote takes that sentence too: the sentence that matches the question often sets
      up the answer; so does a quote whose next sentence refers back to it and has one ("Of these, 41…");
    - a quote that names someone and is followed by a quotation credited to them takes it, and one credited to a
      pronoun when the question asks about someone's words or reasons (``_their_words``)."""
    out: list[Evidence] = []
    for ev in quotes:
        text = texts[ev.article_id]
        spans = sentences_near(text, ev.start, ev.end)
        before = [(s, e) for s, e in spans if e <= ev.start]
        # Only within its line: after a line break (a new paragraph, a list item, a heading) it refers to nothing.
        refers_back = _refers_back(text, ev.start) or _credited_back(text, ev)
        if before and refers_back and "\n" not in text[before[-1][1] : ev.start]:
            ev = Evidence(ev.article_id, before[-1][0], ev.end, ev.score)
        intro = _speaker_intro(text, spans, ev.start)
        if intro is not None:
            ev = Evidence(ev.article_id, intro, ev.end, ev.score)
        after = [(s, e) for s, e in spans if s >= ev.end]
        if q.asks and after and "\n\n" not in text[ev.end : after[0][0]]:
            # The next sentence holds the asked kind and the quote none, or it goes on from the quote: "Russia
            # launched 48 drones … Of these, 41 were shot down".
            goes_on = not answer_types.carries(q, text[ev.start : ev.end]) or _refers_back(text, after[0][0])
            if goes_on and answer_types.carries(q, text[slice(*after[0])]):
                ev = Evidence(ev.article_id, ev.start, after[0][1], ev.score)
        # Words credited to a pronoun are what a question about someone's words or reasons asks, not its date or
        # figure: "When will the appeal be heard?" is not answered by the lawyer's "Three days later, …".
        speech = _their_words(text, spans, ev, by_pronoun=not q.asks - {Asks.ACTOR, Asks.REASON})
        if speech is not None:
            ev = Evidence(ev.article_id, ev.start, speech, ev.score)
        out.append(ev)
    return out


def _refers_back(text: str, start: int) -> bool:
    """The sentence at ``start`` opens with a word of the article's language that refers to the sentence before
    (``anaphors`` in data/cues.json: "He", "It", "Of these"), capitalised as a sentence opens ("Its", not "its")."""
    opening = _OPENING_MARK.match(text, start)
    at = opening.end() if opening else start
    first = _NAME_WORD.match(text, at)
    word = first.group(0) if first else ""
    # Capitalised as a sentence opens it, not an acronym ("IT administrators")
    if not word[:1].isupper() or (len(word) > 1 and word.isupper()) or word.casefold() not in _anaphor_openers():
        return False  # most quotes: their article's language is not read
    pattern = _anaphors(article_language(text))
    return pattern is not None and pattern.match(text, at) is not None


_OPENING_MARK = re.compile(r"[“\"‘'«„]")


@functools.cache
def _anaphor_openers() -> frozenset[str]:
    return frozenset(w.split()[0] for w in speakers.cue_words_any("anaphors"))


@functools.cache
def _anaphors(lang: str) -> re.Pattern[str] | None:
    words = sorted(speakers.cue_words("anaphors", lang), key=len, reverse=True)
    if not words:
        return None
    either = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words)
    return re.compile(rf"(?:{either})(?![\w’'-])", re.IGNORECASE)


def _their_words(text: str, spans: Sequence[tuple[int, int]], ev: Evidence, by_pronoun: bool) -> int | None:
    """Where the quotation that follows the quote in its paragraph ends, when the quote names someone without
    quoting them and the quotation is credited to them: "Der Betriebsratschef Jürgen Kessler zeigte sich empört.
    „Die Belegschaft erfährt aus der Presse …“, sagte Kessler." shows what he said; else None."""
    quote = text[ev.start : ev.end]
    if any(mark in quote for mark in quotations.MARKS):
        return None
    after = [(s, e) for s, e in spans if s >= ev.end]
    if not after or "\n" in text[ev.end : after[0][0]] or text[after[0][0]] not in quotations.MARKS:
        return None
    speech = complete_quotation(Evidence(ev.article_id, after[0][0], after[0][1], ev.score), text)
    if speech is None or "\n" in text[speech.start : speech.end]:
        return None
    # The credit is a name the quote writes, every word of it: "Kessler" of "Jürgen Kessler"; not "the neighbour",
    # "Hale's mother" or "Erik Berg" of "Mayor Anna Berg"; or, ``by_pronoun``, a pronoun after a quote that names
    # someone past its first word ("Adam Pelling … was more cautious. “A coin cell in a lab …,” he said.").
    credit = attribution.attribution(text[speech.start : speech.end]).split()
    named = {w for w in _NAME_WORD.findall(quote) if w[:1].isupper()}
    if credit and all(w[:1].isupper() and w in named for w in credit):
        return speech.end
    names_someone = any(w[:1].isupper() for w in _NAME_WORD.findall(quote)[1:])
    return speech.end if by_pronoun and names_someone and _credited_back(text, speech) else None


def _credited_back(text: str, ev: Evidence) -> bool:
    """The quote is a quotation credited to a pronoun, whose speaker the sentence before names."""
    quote = text[ev.start : ev.end]
    return quote[:1] in quotations.MARKS and claims.credited_by_pronoun(quote, article_language(text))


def _speaker_intro(text: str, spans: Sequence[tuple[int, int]], start: int) -> int | None:
    """Where the introducing sentence starts, when ``start`` opens a paragraph that is a quotation and the paragraph
    before is one short sentence ending in a colon ("X commented as follows:"); else None."""
    paragraph = text.rfind("\n\n", 0, start) + 2
    if paragraph < 2 or text[paragraph:start].strip() or text[start : start + 1] not in _OPEN + "‘\"'":
        return None
    intro = [(s, e) for s, e in spans if e <= paragraph - 2 and s >= text.rfind("\n\n", 0, paragraph - 2) + 2]
    if len(intro) != 1 or not text[: paragraph - 2].rstrip().endswith(":") or intro[0][1] - intro[0][0] > 300:
        return None
    return intro[0][0]


def distinct(evidence: Sequence[Evidence], texts: dict[int, str]) -> list[Evidence]:
    """The evidence without later word-for-word copies of a sentence (wire copies in several outlets): a copy would
    take a quote's place, and ``add_syndicated`` credits every outlet of a quoted sentence anyway. In one article, a
    sentence of ``REPEAT_WORDS`` or more that an earlier one holds word for word, or that holds it, is a repeat too
    (a deck that repeats the lede: "…late on Friday killing at least 296 people" above "…late on Friday, killing at
    least 296 people, destroying buildings…"); across articles it may deny or add to the other ("denied that …")."""
    seen: set[str] = set()
    long: list[tuple[int, str]] = []
    out: list[Evidence] = []
    for ev in evidence:
        key = same_text(texts[ev.article_id][ev.start : ev.end]) if ev.article_id in texts else ""
        if key and key in seen:
            continue
        padded = f" {key} "
        if key.count(" ") + 1 >= REPEAT_WORDS:
            if any(a == ev.article_id and (padded in other or other in padded) for a, other in long):
                continue
            long.append((ev.article_id, padded))
        seen.add(key)
        out.append(ev)
    return out


def same_text(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def add_syndicated(
    quotes: Sequence[Evidence], evidence: Sequence[Evidence], texts: dict[int, str], q: Question
) -> list[Evidence]:
    """Credit every outlet that carries a quoted sentence word for word (wire copies, syndication): the same
    sentence from other articles joins the quotes, widened as the quote it copies was (see ``complete_answers``),
    and the answer shows it once with all its sources."""
    out = list(quotes)
    shown = {same_text(texts[e.article_id][e.start : e.end]) for e in quotes}
    padded = [f" {quote} " for quote in shown]
    for ev in evidence:
        if overlaps(ev, out) or ev.article_id not in texts:
            continue
        copy = same_text(texts[ev.article_id][ev.start : ev.end])
        if not copy or not any(f" {copy} " in quote for quote in padded):
            continue
        [widened] = complete_answers([ev], texts, q)
        # Only a copy of the whole quote: a sentence such as "No one was killed." inside it is no wire copy.
        if same_text(texts[ev.article_id][widened.start : widened.end]) in shown and not overlaps(widened, out):
            out.append(widened)
    return out


def complete_quotation(ev: Evidence, text: str) -> Evidence | None:
    """The quote widened by whole sentences until no quotation in it is cut open; None when it cannot be. A quote
    whose quotations are whole already stays as it is where whole sentences would pass a long sentence's length: a
    piece of a line without full stops, stored across the pieces ask-time sentences are cut into, took both."""
    span = quotations.widen(text, sentences_near(text, ev.start, ev.end), ev.start, ev.end)
    if span is None:
        return None
    if span[1] - span[0] > LONGEST_SENTENCE >= ev.end - ev.start and quotations.balanced(text[ev.start : ev.end]):
        return ev
    return Evidence(ev.article_id, span[0], span[1], ev.score)


def merge_adjacent(quotes: Sequence[Evidence], texts: dict[int, str]) -> list[Evidence]:
    """Complete quotations, then join quotes of one article that overlap, or touch while the two stay within a long
    sentence's length (``LONGEST_SENTENCE``: the pieces of a line without full stops stay pieces)."""
    completed = (complete_quotation(q, texts[q.article_id]) for q in quotes)
    ordered = sorted((q for q in completed if q is not None), key=lambda e: (e.article_id, e.start))
    merged: list[Evidence] = []
    for ev in ordered:
        last = merged[-1] if merged else None
        if (
            last is not None
            and last.article_id == ev.article_id
            and (
                ev.start <= last.end
                or (not texts[ev.article_id][last.end : ev.start].strip() and ev.end - last.start <= LONGEST_SENTENCE)
            )
        ):
            merged[-1] = Evidence(ev.article_id, last.start, max(last.end, ev.end), max(last.score, ev.score))
        else:
            merged.append(ev)
    return merged
