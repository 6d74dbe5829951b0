"""From ranked passages to an answer: pick evidence sentences, quote them verbatim, cite, or abstain."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace

import numpy as np

from index import answer_types, claims, quotations, speakers
from index.answerability import Weighted, topic_margins
from index.cleaning import looks_like_title
from index.evidence_rank import FEATURES, Ranker
from index.keywords import article_language
from index.language import tokens
from index.question import Asks, Question
from index.retrieval import Candidate
from index.sentences import LONGEST_SENTENCE, sentences_near
from index.store import StoredPassage
from index.types import ArticleInfo, Citation, FigureEntry, PassageHit

EVIDENCE_PASSAGES = 8  # how many top passages are searched for evidence sentences
MAX_QUOTES_PER_ARTICLE = 3
REPEAT_WORDS = 8  # a sentence this long held in another is a repeat, not a second source of the words
CONTEXT_COVERAGE = 0.8  # weight of the question words found only in the sentence before, same paragraph
MORE_WITHIN = 0.45  # "more results" pages go down to this share of the first page's best quote
KEEP_WITHIN = 0.80  # a further quote from an article must score at least this share of the best quote
NEW_ARTICLE_WITHIN = 0.80  # any quote needs this share of the best (a lower bar padded answers with other stories)
_OPEN, _CLOSE = "“«", "”»"
_NAME_WORD = re.compile(r"[^\W\d_][\w’'-]*")


@dataclass(frozen=True, slots=True)
class Evidence:
    """A candidate sentence: absolute offsets into its article's text and its score."""

    article_id: int
    start: int
    end: int
    score: float


@dataclass(frozen=True, slots=True)
class Confidence:
    """What abstention looks at: the best dense similarity and how much of the question is covered."""

    dense: float
    coverage: float
    sentence: float = 0.0  # the best sentence's similarity, rescaled


@dataclass(frozen=True, slots=True)
class Scored:
    """A question's candidate sentences ranked for showing (``shown``) and for the answerability model to judge
    (``judged``, see ``Ranker.judging``), one entry per distinct sentence, best first."""

    shown: list[Evidence]
    judged: list[Evidence]
    confidence: Confidence


def score_sentences(
    q: Question,
    query_vector: np.ndarray,
    candidates: Sequence[Candidate],
    passages: dict[int, StoredPassage],
    ranker: Ranker,
    rarity: Weighted,
    floor: float = 0.0,
    topic: np.ndarray | None = None,
    features: Features | None = None,
) -> Scored:
    """Score every sentence of the top passages (their ``features`` when computed already, of more passages).
    ``floor`` is the model's cosine similarity between unrelated texts (about 0.7 for e5 models): similarities
    are rescaled from [floor, 1] to [0, 1] so scores and the abstention threshold mean the same for every model;
    ``rarity`` weighs the question's terms by how rare they are in the library; ``topic``: the query vector of the
    question's topic terms (see ``answerability.topic_terms``), None when it has none."""
    head = _head(candidates, passages)
    if features is None:
        features = passage_features(q, query_vector, head, passages, rarity, floor, topic)
    keys, rows, short = features.of({c.passage_id for c in head})
    matrix, factor = np.array(rows), np.where(short, SHORT_SENTENCE, 1.0)
    column = {f: i for i, f in enumerate(FEATURES)}
    best_dense = max((r[column["passage"]] for r in rows), default=0.0)
    best_sentence = max((r[column["sentence"]] for r in rows), default=0.0)
    best_cov = max((q.coverage(_text(passages[c.passage_id])) for c in head), default=0.0)
    return Scored(
        _ranked(keys, ranker.scores(matrix) * factor),
        _ranked(keys, ranker.judging().scores(matrix) * factor),
        Confidence(best_dense, best_cov, best_sentence),
    )


def by_evidence(candidates: Sequence[Candidate], features: Features, ranker: Ranker) -> list[Candidate]:
    """The candidates ordered by their retrieval score plus ``EVIDENCE_ORDER`` times the ranker's score of their
    best sentence (from ``features``, which must cover them): a passage that holds the sentence answering the
    question rises above one that is only about its topic as a whole (what the answer lists as its passages)."""
    scores = ranker.scores(np.array(features.rows, dtype=np.float64).reshape(-1, len(FEATURES)))
    best: dict[int, float] = {}
    for owner, score in zip(features.owners, scores.tolist(), strict=True):
        best[owner] = max(best.get(owner, 0.0), score)
    return sorted(candidates, key=lambda c: -(c.score + EVIDENCE_ORDER * best.get(c.passage_id, 0.0)))


# Measured on both shared sets with 0.3 to 1.0 (dev nDCG@10 .898 → .917 / .919 / .904 at 0.3 / 0.6 / 1.0, general
# .813 → .818 / .815 / .825, recall@5 .980 → 1.000 and .938 → .953 throughout); the middle of that plateau.
EVIDENCE_ORDER = 0.5


def _ranked(keys: Sequence[tuple[int, int, int]], scores: np.ndarray) -> list[Evidence]:
    """One entry per distinct sentence (a sentence in two passages keeps its best score), best first."""
    best: dict[tuple[int, int, int], Evidence] = {}
    for key, score in zip(keys, scores.tolist(), strict=True):
        if key not in best or best[key].score < score:
            best[key] = Evidence(*key, score)
    return sorted(best.values(), key=lambda e: e.score, reverse=True)


SHORT_SENTENCE = 0.8  # the score share of a sentence under five words (a caption, a fragment)
LEAD_SENTENCES = 3  # the article's first sentences (the headline among them) count as its lead
ARTICLE_HEAD = 20_000  # characters of an article read for the names it holds (news articles: all of it)


def _head(candidates: Sequence[Candidate], passages: dict[int, StoredPassage]) -> list[Candidate]:
    return [c for c in candidates[:EVIDENCE_PASSAGES] if c.passage_id in passages]


def _text(p: StoredPassage) -> str:
    return p.article_text[p.char_start : p.char_end]


def _asks_alone(text: str, start: int, end: int) -> bool:
    """The sentence is a line of its own that ends in a question mark and quotes no one (a question someone asks,
    “Will you give us the $60 billion or not?”, is news)."""
    alone = text[start - 1 : start] in ("", "\n") and text[end : end + 1] in ("", "\n")
    sentence = text[start:end].rstrip()
    return alone and sentence.endswith("?") and not any(m in sentence for m in quotations.MARKS)


@dataclass(frozen=True, slots=True)
class Features:
    """Per candidate sentence: (article id, start, end), its ``FEATURES`` values, whether it is under five words,
    and the passage it was read in (a sentence in two passages appears twice)."""

    keys: list[tuple[int, int, int]]
    rows: list[list[float]]
    short: list[bool]
    owners: list[int]

    def of(self, passage_ids: AbstractSet[int]) -> tuple[list[tuple[int, int, int]], list[list[float]], list[bool]]:
        """Keys, rows and shortness of the sentences read in these passages."""
        keep = [i for i, owner in enumerate(self.owners) if owner in passage_ids]
        return [self.keys[i] for i in keep], [self.rows[i] for i in keep], [self.short[i] for i in keep]

    def read_with(
        self, query: np.ndarray, passages: dict[int, StoredPassage], floor: float, topic: np.ndarray | None
    ) -> Features:
        """The same sentences with their similarity to another vector of the same question (and their margin over
        its topic) in place of the first one's; every other feature is the question's words', read once."""
        column = {f: i for i, f in enumerate(FEATURES)}
        qv = query.reshape(-1)
        rows: list[list[float]] = []
        for (_, start, end), row, owner in zip(self.keys, self.rows, self.owners, strict=True):
            passage = passages[owner]
            at = int(np.flatnonzero((passage.sentences[:, 0] == start) & (passage.sentences[:, 1] == end))[0])
            vector = passage.sentence_vectors[at]
            changed = list(row)
            changed[column["sentence"]] = max(0.0, (float(vector @ qv) - floor) / (1.0 - floor))
            if topic is not None:
                changed[column["beyond_topic"]] = float(topic_margins(qv, topic, vector[None, :], floor)[0])
            rows.append(changed)
        return replace(self, rows=rows)


def sentence_features(
    q: Question,
    query_vector: np.ndarray,
    candidates: Sequence[Candidate],
    passages: dict[int, StoredPassage],
    rarity: Weighted,
    floor: float = 0.0,
    topic: np.ndarray | None = None,
) -> tuple[list[tuple[int, int, int]], list[list[float]], list[bool]]:
    """Per candidate sentence of the top passages: (article id, start, end), its ``FEATURES`` values, and whether
    it is under five words. A sentence in two passages appears twice. ``topic``: the query vector of the question's
    topic terms, for ``beyond_topic`` (0 without one)."""
    head = _head(candidates, passages)
    return passage_features(q, query_vector, head, passages, rarity, floor, topic).of({c.passage_id for c in head})


def passage_features(
    q: Question,
    query_vector: np.ndarray,
    candidates: Sequence[Candidate],
    passages: dict[int, StoredPassage],
    rarity: Weighted,
    floor: float = 0.0,
    topic: np.ndarray | None = None,
) -> Features:
    """``sentence_features`` of every candidate given (those ``passages`` holds), not only the top ones."""

    def rescale(sim: float) -> float:
        return max(0.0, (sim - floor) / (1.0 - floor))

    keys: list[tuple[int, int, int]] = []
    rows: list[list[float]] = []
    short: list[bool] = []
    owners: list[int] = []
    qv = query_vector.reshape(-1)
    # The words of each article's opening, read once per ask: an article's passages share it (read for each
    # passage, names took ~10 ms of a general-set ask, ~4 ms since; profiled).
    heads: dict[int, AbstractSet[str]] = {}
    for cand in [c for c in candidates if c.passage_id in passages]:
        passage = passages[cand.passage_id]
        text = passage.article_text
        dense = rescale(cand.dense)
        sims = passage.sentence_vectors @ qv
        vectors = passage.sentence_vectors
        margins = np.zeros_like(sims) if topic is None else topic_margins(qv, topic, vectors, floor)
        # The article's opening, where news names its subject, and this passage: a document of megabytes is not read
        # whole for every question that retrieves it.
        named = 0.0
        if q.names:
            if passage.article_id not in heads:
                heads[passage.article_id] = q.capitalised_forms(text[:ARTICLE_HEAD])
            # Written as names: "the storm affected…" does not name "Storm Boris".
            own = q.capitalised_forms(text[passage.char_start : passage.char_end])
            named = q.names_in(heads[passage.article_id] | own)
        previous = passage.char_start
        before: AbstractSet[str] = frozenset()
        spans = zip(passage.sentences.tolist(), sims.tolist(), margins.tolist(), strict=True)
        for i, ((start, end), sim, margin) in enumerate(spans):
            sentence = text[start:end]
            present = q.forms(sentence)
            # The sentence before, in the same paragraph, often names what this one is about ("At least 14 people
            # died" follows "Floods swept through the Marlow Valley"): it counts for coverage, discounted.
            around = present | before if "\n\n" not in text[previous:start] else present
            previous, before = start, present
            if start == 0 and text[end : end + 1] == "\n" and looks_like_title(sentence):
                continue  # the headline helps retrieval but is not evidence to quote
            if _asks_alone(text, start, end):
                continue  # a subheading ("Which MPs lost their seats?") or the article's own question: no claim
            rows.append(
                [
                    dense,
                    cand.keyword,
                    rescale(sim),
                    margin,
                    max(q.coverage(present), CONTEXT_COVERAGE * q.coverage(around)),
                    max(rarity.coverage(present), CONTEXT_COVERAGE * rarity.coverage(around)),
                    q.names_in(around),
                    named,
                    float(passage.char_start == 0 and i < LEAD_SENTENCES),
                    *answer_types.kind_cues(q, sentence),
                ]
            )
            keys.append((passage.article_id, start, end))
            short.append(len(tokens(sentence)) < 5)
            owners.append(cand.passage_id)
    return Features(keys, rows, short, owners)


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
    credit = claims.attribution(text[speech.start : speech.end]).split()
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


def build_citations(
    quotes: Sequence[Evidence],
    infos: dict[int, ArticleInfo],
    texts: dict[int, str],
    q: Question,
    newest_first: bool = False,
) -> list[Citation]:
    """Number articles by their best quote (``newest_first``: by publication date, undated last); quotes of one
    article stay together, best first: the first line a reader sees is the one that best answers (first quote hit
    in text order → best first: dev .612 → .694, general .422 → .516). Best is first a quote that carries the kind
    of answer asked, then the higher score: see ``_carried``."""
    carried = {ev: _carried(q, texts[ev.article_id][ev.start : ev.end]) for ev in quotes}
    article_order: list[int] = []
    for ev in sorted(quotes, key=lambda e: (carried[e], e.score), reverse=True):
        if ev.article_id not in article_order:
            article_order.append(ev.article_id)
    if newest_first:
        dated = sorted((a for a in article_order if infos[a].published), key=lambda a: infos[a].published, reverse=True)
        article_order = dated + [a for a in article_order if not infos[a].published]
    citations: list[Citation] = []
    for n, article_id in enumerate(article_order, start=1):
        info = infos[article_id]
        lang = article_language(texts[article_id])
        for ev in sorted(
            (q for q in quotes if q.article_id == article_id), key=lambda e: (not carried[e], -e.score, e.start)
        ):
            quote = texts[article_id][ev.start : ev.end]
            said = claims.claim(quote, lang)
            citations.append(
                Citation(
                    n=n,
                    article_id=article_id,
                    key=info.key,
                    title=info.title,
                    source=info.source,
                    url=info.url,
                    published=info.published,
                    quote=quote,
                    char_start=ev.start,
                    char_end=ev.end,
                    score=round(ev.score, 4),
                    figures=said.figures,
                    attribution=said.attribution,
                    hedge=said.hedge,
                )
            )
    return citations


def _carried(q: Question, quote: str) -> bool:
    """The quote holds the kind of answer asked for, a time, a place, a name or a cause (``answer_types.carries``):
    a quote without it reads as no answer first, whatever its score ("The U.S. Supreme Court has granted Donald Trump
    immunity…" before "The court on July 1 found…" for "On what date did the Supreme Court issue the ruling?").
    Measured over eleven sets, first quote hit: general .500 → .531, probes 11, 13 and 14 +1 each (13: once a
    dateline's day stopped counting), probe 12 −1. Not for figures: the asked noun counted first moved probes 7, 12
    and 15 down 1–2 each, any figure first nothing."""
    dateline = claims.DATELINE.match(quote)  # where and when it was filed: no time or place of what is asked
    return Asks.FIGURE not in q.asks and answer_types.carries(q, quote[dateline.end() if dateline else 0 :])


CONTEXT_CHARS = 600  # the names this far around a quote say which event its figures measure


def compare_figures(citations: Sequence[Citation], texts: dict[int, str], q: Question) -> dict[str, list[FigureEntry]]:
    """Figures for the same noun of the same event from two or more sources, side by side. Only the quotes with a
    figure whose article's opening and surroundings name as much of what the question names as the best-named of
    them do are compared: a quote shown for its words from another story ("306,000 people" affected by floods in
    Valencia, for "How many people died in Storm Boris?") shares only a word like "Europe" with the asked one, and
    a wrong line-up is worse than none. A question that asks when, where or why is answered by no figure ("At what
    time did the blast occur?" set the mine's depth beside the blast's); one that asks who may be asked of the
    figures ("Which agency gave the count of firefighters?")."""
    if q.asks & {Asks.DATE, Asks.PLACE, Asks.REASON} and Asks.FIGURE not in q.asks:
        return {}
    named = replace(q, names=tuple(n for n in q.names if not set(n.casefold().split()) <= q.period))
    heads: dict[int, AbstractSet[str]] = {}
    items = []
    opening = [texts[c.article_id][:ARTICLE_HEAD] for c in citations]
    asked = answer_types.asked_figures(q, [(c.quote, c.figures) for c in citations], opening)
    for c, figures in zip(citations, asked, strict=True):
        text = texts[c.article_id]
        around = text[max(0, c.char_start - CONTEXT_CHARS) : c.char_end + CONTEXT_CHARS]
        context = frozenset(w.casefold() for n in answer_types.names(around) for w in n.split())
        share = 1.0
        if named.names:
            if c.article_id not in heads:  # where news names its subject, as the evidence ranker reads it
                heads[c.article_id] = q.capitalised_forms(text[:ARTICLE_HEAD])
            share = named.names_in(heads[c.article_id] | q.capitalised_forms(around))
        credit = c.attribution
        if figures and "\n" in c.quote.strip():  # figures credited as the paragraphs they are in credit them
            own = claims.credit_of(figures, c.quote)
            credit = c.attribution if own is None else own
        claim = claims.Claim(tuple(figures), credit, c.hedge)
        items.append((share, (c.n, c.source, c.published, claim, context)))
    # The best-named quote with a figure sets the bar: one that names the event and counts nothing does not.
    best = max((share for share, item in items if item[3].figures), default=0.0)
    # Quotes that name the asked event share its names, wherever in the article they name it.
    event = frozenset(w.casefold() for n in named.names for w in n.split()) if best > 0 else frozenset()
    return claims.side_by_side([(*item[:4], item[4] | event) for share, item in items if share == best])


def passage_hits(
    candidates: Sequence[Candidate], passages: dict[int, StoredPassage], infos: dict[int, ArticleInfo]
) -> list[PassageHit]:
    hits: list[PassageHit] = []
    for cand in candidates:
        p = passages.get(cand.passage_id)
        if p is None or p.article_id not in infos:
            continue
        info = infos[p.article_id]
        hits.append(
            PassageHit(
                passage_id=p.id,
                article_id=p.article_id,
                key=info.key,
                title=info.title,
                text=p.article_text[p.char_start : p.char_end],
                score=round(cand.score, 6),
                char_start=p.char_start,
                char_end=p.char_end,
            )
        )
    return hits
