"""One question to one answer, as a straight line: analyse the question, retrieve, (re-rank), score evidence
sentences, choose and complete quotes, decide answerability, cite."""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import replace

import numpy as np

from index import (
    abstention,
    answerability,
    asked_period,
    asked_place,
    countries,
    days,
    evidence_rank,
    measures,
    name_variants,
    quarters,
    said_by,
    years,
)
from index import answer as answering
from index.embedding import Embedder
from index.language import TOKEN, analyzer
from index.other_counts import add_other_counts
from index.periods import NO_TIME, When
from index.question import Concepts, Question, analyse, truecased
from index.rerank import Reranker
from index.retrieval import Candidate, hybrid_search, rescaled
from index.settings import Settings
from index.store import Store, StoredPassage
from index.types import Answer
from index.vectors import Searchable

SIGNAL_PASSAGES = 5  # top passages whose similarity and coverage feed the answerability signals
# The passages an answer lists are ordered by their best evidence sentence too (``answer.by_evidence``), the first
# of them: each costs its sentences' features, and a list longer than this keeps the retrieval order past it.
LISTED_BY_EVIDENCE = 20
# The evidence sentences, best first, read for the asked figure before a how-many question is refused for lacking it.
FIGURE_EVIDENCE = 10
SHORT_CACHE = 4096  # query embeddings of names and topics kept, since both recur across questions (1.5 KB each)


class Asker:
    """Answers questions over a library's store and vector index (the facade's ``ask``)."""

    def __init__(self, store: Store, embedder: Embedder, settings: Settings, reranker: Reranker | None) -> None:
        self.store = store
        self.embedder = embedder
        self.settings = settings
        self.reranker = reranker
        self.concepts = Concepts.load(settings.concepts_file)
        self.model = answerability.Model.load(settings.answerability_model or None)
        self.ranker = evidence_rank.Ranker.load(settings.evidence_ranker or None)
        self._short: OrderedDict[str, np.ndarray] = OrderedDict()
        self._short_lock = threading.Lock()
        self.threshold = self.model.threshold if settings.answer_threshold is None else settings.answer_threshold

    def ask(
        self,
        question: str,
        vectors: Searchable,
        scope: tuple[str | None, np.ndarray | None],
        searched: int,
        k: int,
        page: int,
        dense_weight: float,
        keyword_weight: float,
        when: When = NO_TIME,
    ) -> Answer:
        """``scope``: (collection for SQL, passage ids for FAISS), both None for the whole library; ``searched``:
        how many articles the question covers (for "not found in N articles"); ``when``: its place in time (the
        scope is already bounded by it; here it orders the sources and labels the answer)."""
        answer = self._answer(
            question,
            vectors,
            scope,
            searched,
            k,
            page,
            dense_weight,
            keyword_weight,
            when,
        )
        return replace(answer, period=when.label) if when.label else answer

    def _answer(
        self,
        question: str,
        vectors: Searchable,
        scope: tuple[str | None, np.ndarray | None],
        searched: int,
        k: int,
        page: int,
        dense_weight: float,
        keyword_weight: float,
        when: When,
    ) -> Answer:
        newest_first = when.latest
        q, asked = self._analyse(question, when)
        if not q.terms and not q.names:
            return Answer(question, True, abstention.nothing_to_look_for(searched), [], [], searched)
        query = self.embedder.embed_queries([as_question(asked)])[0]
        candidates = self._search(q, query, vectors, scope, max(50, k), dense_weight, keyword_weight)
        pool = answering.EVIDENCE_PASSAGES * (page + 1)
        if self.reranker is not None:
            candidates = self._rerank(question, candidates, vectors.dim)
        top = candidates[: max(k, pool)]
        passages = self.store.passages([c.passage_id for c in top], vectors.dim)
        infos = {i.id: i for i in self.store.list_infos(ids=sorted({p.article_id for p in passages.values()}))}
        texts = {p.article_id: p.article_text for p in passages.values()}
        hits = answering.passage_hits(top, passages, infos)[:k]

        q = measures.measured(q.with_names_from(_name_texts(passages)), _passage_texts(passages))
        q = countries.in_texts(q, _name_texts(passages))
        q, variants = self._with_variants(q, top, passages)
        matched = {w for name, _ in variants for w in name.split()}
        unknown = [w for w in self.store.unknown_names(q) if w not in matched]
        if unknown:
            # Named as the question names them: "World Cup", not its word "World" the library lacks.
            named = [n for n in q.names if any(w in n.split() for w in unknown)] or unknown
            return Answer(question, True, abstention.unknown_names(named, searched), [], hits, searched)
        weights = self.store.term_weights(q, len(vectors))
        rarity = answerability.Weighted(q, weights)
        floor = self.embedder.similarity_floor
        topic = self._topic(q, top, passages)
        # Sentence features once, for the passages evidence is taken from and those the answer lists.
        listed = top[: min(k, LISTED_BY_EVIDENCE)]
        read = top[: max(len(listed), answering.EVIDENCE_PASSAGES)]
        features = answering.passage_features(q, query, read, passages, rarity, floor, topic)
        # A cross-encoder, when set, has read each passage with the question already: its order stands.
        ordered = answering.by_evidence(listed, features, self.ranker) if self.reranker is None else listed
        hits = answering.passage_hits([*ordered, *top[len(listed) :]], passages, infos)[:k]
        scored = answering.score_sentences(q, query, top, passages, self.ranker, rarity, floor, topic, features)
        # Judged as written: see ``_as_written``.
        judging_query = self._as_written(replace(q, text=asked), query)
        judging = scored
        if judging_query is not query:
            written = features.read_with(judging_query, passages, floor, topic)
            judging = answering.score_sentences(
                q, judging_query, top, passages, self.ranker, rarity, floor, topic, written
            )
        year = years.asked(question, q)
        asked_day = days.asked(question, q) or days.asked_month(question, q)
        if year is not None and scored.shown:
            kept = asked_period.of_year(scored, year, asked_day, texts, infos)
            # Only the asked figure of other years: no answer for the asked one.
            if not kept.shown or (
                asked_period.counted(q, texts, scored.shown) and not asked_period.counted(q, texts, kept.shown)
            ):
                return Answer(question, True, abstention.other_years(year, searched), [], hits, searched)
            scored, judging = (
                kept,
                (kept if judging is scored else asked_period.of_year(judging, year, asked_day, texts, infos)),
            )
        if not scored.shown:
            return Answer(question, True, abstention.not_found(q, [], searched), [], hits, searched)
        max_quotes = self.settings.answer_max_quotes
        evidence = scored.shown if asked_day is None else asked_period.by_day(scored.shown, asked_day, texts, infos)
        unique = answering.distinct(evidence, texts)
        first = self._first_page(unique, texts, q)
        # Whether the library answers is judged on the quotes the ranker picks without the topic margin, as the
        # answerability model was fitted (see Ranker.judging); the margin only orders what is shown.
        if judging is scored and topic is None:
            judged = first
        else:
            ranked = judging.judged if topic is not None else judging.shown
            judged = self._first_page(answering.distinct(ranked, texts), texts, q)
        judged_texts = [texts[e.article_id][e.start : e.end] for e in judged]
        signals = self._signals(
            q,
            judging_query,
            top,
            passages,
            topic,
            judging.confidence,
            judged,
            judged_texts,
            weights,
            len(vectors),
            None if judging_query is query else vectors,
        )
        probability = self.model.probability(signals)
        confidence_value = round(probability, 4)
        signal_values = {k: round(v, 4) for k, v in _items(signals)}
        # A how-many answer that counts nothing asked is one step less sure: refused where the model is unsure
        # already, shown as the closest quotes where it is sure. A question with no noun to count ("how much
        # will it cost?") is read less surely (any count about what it names): only shown as the closest quotes.
        best = [texts[e.article_id][e.start : e.end] for e in unique[:FIGURE_EVIDENCE]]
        opening = {p.article_id: _head(p) for p in passages.values()}
        searched_in = [*judged, *unique[:FIGURE_EVIDENCE]]
        heads = [opening.get(e.article_id, "") for e in searched_in]
        lacks_figure = abstention.lacks_asked_figure(q, judged_texts, best, heads)
        refusal = (
            abstention.missing_day(q, judged_texts, searched)
            or asked_period.other_days(q, asked_day, judged, unique, texts, infos, searched)
            or asked_period.other_quarters(q, quarters.asked(q.text), judged, unique, texts, searched)
            or _not_of_asked(q, [*judged, *first], texts, searched, self.model.tentative(probability))
        )
        if refusal is None and lacks_figure:
            refusal = abstention.counted_elsewhere(q, [*judged_texts, *best], heads, searched)
        if refusal is None and lacks_figure and q.focus and self.model.tentative(probability):
            refusal = abstention.not_found(q, judged_texts, searched)
        unsure = lacks_figure or self.model.tentative(probability)
        if refusal or probability < self.threshold:
            message = refusal or abstention.not_found(q, judged_texts, searched)
            return Answer(
                question,
                True,
                message,
                [],
                hits,
                searched,
                {},
                confidence_value,
                signal_values,
                exact_refusal=refusal is not None,
            )

        quotes = add_other_counts(first, unique, texts, q)
        if page:
            # The first page as shown: its quotes and the other outlets' counts that joined them.
            joined = [e for e in quotes if e not in first]
            selected = answering.select_quotes(unique, max_quotes, texts=texts)
            shown = answering.merge_adjacent([*selected, *joined], texts)
            for _ in range(page):
                # Completing a quotation can widen a quote into one already shown: drop those.
                widened = answering.merge_adjacent(answering.later_page(unique, shown, max_quotes, texts), texts)
                quotes = [e for e in widened if not answering.overlaps(e, shown)]
                shown = [*shown, *quotes]
            if not quotes:
                return Answer(question, True, "No more results for this question.", [], hits, searched)
            quotes = answering.complete_answers(quotes, texts, q)
        quotes = answering.add_syndicated(quotes, evidence, texts, q)
        citations = answering.build_citations(answering.merge_adjacent(quotes, texts), infos, texts, q, newest_first)
        if not citations:
            return Answer(question, True, abstention.not_found(q, [], searched), [], hits, searched)
        figures = answering.compare_figures(citations, texts, q)
        return Answer(
            question, False, "", citations, hits, searched, figures, confidence_value, signal_values, tentative=unsure
        )

    def _first_page(
        self, unique: list[answering.Evidence], texts: dict[int, str], q: Question
    ) -> list[answering.Evidence]:
        """The first page's quotes from ranked evidence (wire copies already set aside), each completed to stand
        alone."""
        quotes = answering.select_quotes(unique, self.settings.answer_max_quotes, texts=texts)
        return answering.complete_answers(quotes, texts, q)

    def _analyse(self, question: str, when: When) -> tuple[Question, str]:
        """The question analysed, and its text without the phrases that set its time (``When.setting``; the text as
        the embedding model reads it). The words of its period ("in September 2024") are marked: every article of
        that period, in any language, may name its month and year, so across languages they are no evidence. Those
        that set its time are no terms either: the period bounds the search by publication date, and an article of
        that period need not name it ("jailed for four years on Tuesday" in an article of 10 June 2025 answers "what
        sentence did she receive in June 2025?"); as terms they favoured any sentence naming the month
        ("Sentencing was set for 10 June")."""
        q = replace(analyse(question, self.concepts), period=when.words(question))
        setting = when.setting(question, analyzer(q.lang).stopwords)
        words = {w.casefold() for start, end in setting for w in TOKEN.findall(question[start:end])}
        return q.without_terms(words), when.without(question, setting)

    def evidence_features(
        self, question: str, vectors: Searchable, scope: tuple[str | None, np.ndarray | None], when: When = NO_TIME
    ) -> tuple[list[tuple[int, int, int]], np.ndarray, np.ndarray]:
        """What the evidence ranker sees of each candidate sentence (see ``answer.sentence_features``): its
        (article id, start, end), its features, whether it is short. For fitting the ranker."""
        q, asked = self._analyse(question, when)
        query = self.embedder.embed_queries([as_question(asked)])[0]
        candidates = self._search(q, query, vectors, scope, 50, 1.0, 1.0)
        if self.reranker is not None:
            candidates = self._rerank(question, candidates, vectors.dim)
        top = candidates[: answering.EVIDENCE_PASSAGES]
        passages = self.store.passages([c.passage_id for c in top], vectors.dim)
        q = measures.measured(q.with_names_from(_name_texts(passages)), _passage_texts(passages))
        q = countries.in_texts(q, _name_texts(passages))
        q, _ = self._with_variants(q, top, passages)
        rarity = answerability.Weighted(q, self.store.term_weights(q, len(vectors)))
        floor, topic = self.embedder.similarity_floor, self._topic(q, top, passages)
        keys, rows, short = answering.sentence_features(q, query, top, passages, rarity, floor, topic)
        return keys, np.array(rows, dtype=np.float64).reshape(-1, len(evidence_rank.FEATURES)), np.array(short, bool)

    def _as_written(self, q: Question, query: np.ndarray) -> np.ndarray:
        """The query vector answerability judges by: a question typed in lower case embedded again as it would be
        written (``truecased``), since the model was fitted on written questions and the embedding model places a
        lower-case one nearer every passage. Typed in lower case, the shared questions abstained 1 of 5 and 22 of 49
        times on dev (written: 5/5, 32/49), 2 of 15 and 18 of 64 on general (5/15, 27/64). The quotes shown
        stay those the question as typed finds. ``query`` itself for a written question."""
        written = truecased(q)
        return query if written == q.text else self.embedder.embed_queries([as_question(written)])[0]

    def _with_variants(
        self, q: Question, top: list[Candidate], passages: dict[int, StoredPassage]
    ) -> tuple[Question, list[tuple[str, str]]]:
        """The question with the names the library lacks as the top passages, or their articles' openings, spell
        them, where they do: where news names the place and the people it is about, once ("a soldier based in the
        Kharkiv region…" for "Харківщини"), though the passage that answers may not."""
        absent = self.store.absent_name_words(q)
        if not absent:
            return q, []
        head = [passages[c.passage_id] for c in top[: answering.EVIDENCE_PASSAGES] if c.passage_id in passages]
        texts = [p.article_text[p.char_start : p.char_end] for p in head]
        texts += list(dict.fromkeys(_head(p) for p in head))
        found = name_variants.find(q, absent, texts, self._short_vectors, self.embedder.similarity_floor)
        return q.with_variants(found), found

    def _short_vectors(self, names: Sequence[str]) -> np.ndarray:
        """Query embeddings of short texts (names, topics); the latest SHORT_CACHE are kept: the same names and
        topics recur across questions, and each embedding costs about as much as the question's own.
        Questions run in several threads: the cache is only read and changed under its lock."""
        with self._short_lock:
            known = {n: self._short[n] for n in names if n in self._short}
            for n in known:
                self._short.move_to_end(n)
        new = [n for n in dict.fromkeys(names) if n not in known]
        if new:
            known.update(zip(new, self.embedder.embed_queries(new), strict=True))
            with self._short_lock:
                for n in new:
                    self._short[n] = known[n]
                while len(self._short) > SHORT_CACHE:
                    self._short.popitem(last=False)
        return np.stack([known[n] for n in names])

    def _search(
        self,
        q: Question,
        query: np.ndarray,
        vectors: Searchable,
        scope: tuple[str | None, np.ndarray | None],
        k: int,
        dense_weight: float,
        keyword_weight: float,
    ) -> list[Candidate]:
        sql_collection, allowed = scope
        return hybrid_search(
            self.store,
            vectors,
            query,
            q,
            sql_collection,
            allowed,
            k=k,
            dense_weight=dense_weight,
            keyword_weight=keyword_weight,
            floor=self.embedder.similarity_floor,
        )

    def _topic(self, q: Question, top: list[Candidate], passages: dict[int, StoredPassage]) -> np.ndarray | None:
        """The query vector of the question's topic terms among the top passages' sentences (None without any)."""
        head = [passages[c.passage_id] for c in top if c.passage_id in passages][:SIGNAL_PASSAGES]
        sentences = [p.article_text[start:end] for p in head for start, end in p.sentences.tolist()]
        topic = answerability.topic_terms(q, list(dict.fromkeys(sentences)))
        return self._short_vectors([" ".join(topic)])[0] if topic else None

    def _signals(
        self,
        q: Question,
        query: np.ndarray,
        top: list[Candidate],
        passages: dict[int, StoredPassage],
        topic_vector: np.ndarray | None,
        confidence: answering.Confidence,
        judged: list[answering.Evidence],
        quote_texts: list[str],
        weights: tuple[float, ...],
        size: int,
        vectors: Searchable | None = None,
    ) -> answerability.Signals:
        """``judged``: the quotes answerability is judged on (see ``Ranker.judging``), ``quote_texts`` their text;
        ``topic_vector``: see ``_topic``; ``vectors``: where the passages' similarity with ``query`` is read when
        it is not the query they were searched with."""
        head = [c for c in top if c.passage_id in passages][:SIGNAL_PASSAGES]
        floor = self.embedder.similarity_floor
        texts = [
            passages[c.passage_id].article_text[passages[c.passage_id].char_start : passages[c.passage_id].char_end]
            for c in head
        ]
        # Only the passages evidence is taken from on the first page: the signal must not depend on ``page`` or ``k``.
        evidence = {
            c.passage_id: passages[c.passage_id] for c in top[: answering.EVIDENCE_PASSAGES] if c.passage_id in passages
        }
        margin = answerability.beyond_topic(query, topic_vector, _quote_vectors(judged, evidence, query.size), floor)
        ids = [c.passage_id for c in head]
        dense = [c.dense for c in head] if vectors is None else vectors.similarity(query, ids)
        evidence_of = {p.article_id: p for p in passages.values()}
        return answerability.signals(
            q,
            weights=weights,
            ceiling=math.log(size + 1) + 1.0,
            dense=[max(0.0, float(rescaled(d, floor))) for d in dense],
            sentence=confidence.sentence,
            passages=texts,
            quotes=quote_texts,
            topic_margin=margin,
            heads=[_head(passages[c.passage_id]) for c in head],
            quote_heads=[_head(evidence_of[e.article_id]) if e.article_id in evidence_of else "" for e in judged],
        )

    def _rerank(self, question: str, candidates: list[Candidate], dim: int) -> list[Candidate]:
        """Order the top RERANK_TOP candidates by the cross-encoder's score; the rest keep their order after."""
        assert self.reranker is not None
        head, tail = candidates[: self.settings.rerank_top], candidates[self.settings.rerank_top :]
        stored = self.store.passages([c.passage_id for c in head], dim)
        head = [c for c in head if c.passage_id in stored]
        texts = [
            stored[c.passage_id].article_text[stored[c.passage_id].char_start : stored[c.passage_id].char_end]
            for c in head
        ]
        scores = self.reranker.scores(question, texts)
        order = np.argsort(-scores, kind="stable")
        return [replace(head[i], score=float(scores[i])) for i in order] + tail


def as_question(text: str) -> str:
    """The text as the embedding model saw questions in training, ending in a question mark: typed in a chat, a
    question often lacks it, and without it the same words embed measurably further from their answers."""
    bare = text.rstrip().rstrip(_CLOSING)  # 'Who said "enough?"' ends in its question mark
    return text if bare[-1:] in _ENDS else text.rstrip() + "?"


_ENDS = frozenset("?？؟\u037e;!！.。…:।")  # question marks (Latin, full-width, Arabic, Greek), other sentence ends
_CLOSING = "\"'”’“‘»«›‹)]}」』"  # closing quotes and brackets (German closes with “ and ‘)


def _quote_vectors(quotes: Sequence[answering.Evidence], passages: dict[int, StoredPassage], dim: int) -> np.ndarray:
    """The stored vectors of the sentences the quotes span, where a retrieved passage holds them."""
    rows = [
        p.sentence_vectors[i]
        for p in passages.values()
        for e in quotes
        if p.article_id == e.article_id
        for i, (start, end) in enumerate(p.sentences.tolist())
        if e.start <= start and end <= e.end
    ]
    unique = {r.tobytes(): r for r in rows}  # a sentence in two overlapping passages counts once
    return np.stack(list(unique.values())) if unique else np.zeros((0, dim), np.float32)


def _passage_texts(passages: dict[int, StoredPassage]) -> Iterator[str]:
    """The retrieved passages' texts, where a question's noun is read as a measure or not (``measures``)."""
    return (p.article_text[p.char_start : p.char_end] for p in passages.values())


def _name_texts(passages: dict[int, StoredPassage]) -> Iterator[str]:
    """The passages and their articles' openings, which tell which words of a question typed in lower case, or in a
    language that capitalises every noun, are names (``Question.with_names_from``). Read only for such a question:
    an opening is up to ``answering.ARTICLE_HEAD`` characters, not to be copied for every ask."""
    yield from _passage_texts(passages)
    yield from dict.fromkeys(_head(p) for p in passages.values())


def _head(passage: StoredPassage) -> str:
    """The opening of a passage's article, where news names whom and where it is about."""
    return passage.article_text[: answering.ARTICLE_HEAD]


def _items(s: answerability.Signals) -> list[tuple[str, float]]:
    return [(f, float(getattr(s, f))) for f in answerability.FEATURES]


def _not_of_asked(
    q: Question, quotes: Sequence[answering.Evidence], texts: dict[int, str], searched: int, unsure: bool
) -> str | None:
    """The refusal of a question asking someone's words or of a place, where no quote is theirs or of it (see
    ``abstention.not_credited`` and ``abstention.other_places``), and, where the model is ``unsure``, of one whose
    names no quote names (``abstention.unnamed``). Each quote is read with its quotations whole: a quotation's first
    sentence is credited where it closes."""
    places = asked_place.asked(q)
    if q.speaker is None and not places and not (unsure and q.names):
        return None
    whole = dict.fromkeys(answering.complete_quotation(e, texts[e.article_id]) or e for e in quotes)
    read = [said_by.quoted(texts[e.article_id][e.start : e.end], texts[e.article_id], q.lang) for e in whole]
    return (
        abstention.not_credited(q, read, searched)
        or abstention.other_places(q, places, read, searched)
        or (abstention.unnamed(q, read, searched) if unsure else None)
    )
