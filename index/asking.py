"""One question to one answer, as a straight line: analyse the question, retrieve (``retrieving``), score evidence
sentences, choose and complete quotes, decide answerability (``deciding``), cite (``citing``)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from index import abstention, answerability, asked_period, citing, days, deciding, evidence_rank, years
from index import answer as answering
from index import evidence as scoring
from index.embedding import Embedder
from index.language import TOKEN, analyzer
from index.periods import NO_TIME, When
from index.question import Concepts, Question, analyse
from index.rerank import Reranker
from index.retrieving import Retriever, Scope, as_question
from index.settings import Settings
from index.store import Store
from index.types import Answer
from index.vectors import Searchable

__all__ = ["Asker", "as_question"]

# The passages an answer lists are ordered by their best evidence sentence too (``evidence.by_evidence``), the first
# of them: each costs its sentences' features, and a list longer than this keeps the retrieval order past it.
LISTED_BY_EVIDENCE = 20


class Asker:
    """Answers questions over a library's store and vector index (the facade's ``ask``)."""

    def __init__(self, store: Store, embedder: Embedder, settings: Settings, reranker: Reranker | None) -> None:
        self.store = store
        self.embedder = embedder
        self.settings = settings
        self.reranker = reranker
        self.retriever = Retriever(store, embedder, settings, reranker)
        self.concepts = Concepts.load(settings.concepts_file)
        self.model = answerability.Model.load(settings.answerability_model or None)
        self.ranker = evidence_rank.Ranker.load(settings.evidence_ranker or None)
        self.threshold = self.model.threshold if settings.answer_threshold is None else settings.answer_threshold

    def ask(
        self,
        question: str,
        vectors: Searchable,
        scope: Scope,
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
        answer = self._answer(question, vectors, scope, searched, k, page, dense_weight, keyword_weight, when)
        return replace(answer, period=when.label) if when.label else answer

    def _answer(
        self,
        question: str,
        vectors: Searchable,
        scope: Scope,
        searched: int,
        k: int,
        page: int,
        dense_weight: float,
        keyword_weight: float,
        when: When,
    ) -> Answer:
        q, asked = self._analyse(question, when)
        if not q.terms and not q.names:
            return Answer(question, True, abstention.nothing_to_look_for(searched), [], [], searched)
        pool = scoring.EVIDENCE_PASSAGES * (page + 1)
        found = self.retriever.retrieve(
            q, asked, vectors, scope, max(50, k), max(k, pool), dense_weight, keyword_weight
        )
        q, query, top, passages = found.q, found.query, found.top, found.passages
        infos = {i.id: i for i in self.store.list_infos(ids=sorted({p.article_id for p in passages.values()}))}
        texts = found.texts()
        hits = citing.passage_hits(top, passages, infos)[:k]
        matched = {w for name, _ in found.variants for w in name.split()}
        unknown = [w for w in self.store.unknown_names(q) if w not in matched]
        if unknown:
            # Named as the question names them: "World Cup", not its word "World" the library lacks.
            named = [n for n in q.names if any(w in n.split() for w in unknown)] or unknown
            return Answer(question, True, abstention.unknown_names(named, searched), [], hits, searched)

        weights = self.store.term_weights(q, len(vectors))
        rarity = answerability.Weighted(q, weights)
        floor = self.embedder.similarity_floor
        topic = self.retriever.topic(q, top, passages)
        # Sentence features once, for the passages evidence is taken from and those the answer lists.
        listed = top[: min(k, LISTED_BY_EVIDENCE)]
        read = top[: max(len(listed), scoring.EVIDENCE_PASSAGES)]
        features = scoring.passage_features(q, query, read, passages, rarity, floor, topic)
        # A cross-encoder, when set, has read each passage with the question already: its order stands.
        ordered = scoring.by_evidence(listed, features, self.ranker) if self.reranker is None else listed
        hits = citing.passage_hits([*ordered, *top[len(listed) :]], passages, infos)[:k]
        scored = scoring.score_sentences(q, query, top, passages, self.ranker, rarity, floor, topic, features)
        # Judged as written: see ``Retriever.as_written``.
        judging_query = self.retriever.as_written(replace(q, text=asked), query)
        judging = scored
        if judging_query is not query:
            written = features.read_with(judging_query, passages, floor, topic)
            judging = scoring.score_sentences(
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

        evidence = scored.shown if asked_day is None else asked_period.by_day(scored.shown, asked_day, texts, infos)
        unique = answering.distinct(evidence, texts)
        first = self._first_page(unique, texts, q)
        # Whether the library answers is judged on the quotes the ranker picks without the topic margin, as the
        # answerability model was fitted (see Ranker.judging); the margin only orders what is shown.
        if judging is scored and topic is None:
            quotes = first
        else:
            ranked = judging.judged if topic is not None else judging.shown
            quotes = self._first_page(answering.distinct(ranked, texts), texts, q)
        judged = deciding.Judged(quotes, first, unique, texts, passages)
        other = None if judging_query is query else vectors
        signals = deciding.signals(
            q, judging_query, top, topic, judging.confidence, judged, weights, len(vectors), floor, other
        )
        probability = self.model.probability(signals)
        confidence = round(probability, 4)
        values = {f: round(float(getattr(signals, f)), 4) for f in answerability.FEATURES}
        verdict = deciding.verdict(q, judged, infos, asked_day, self.model.tentative(probability), searched)
        if verdict.refusal or probability < self.threshold:
            message = verdict.refusal or abstention.not_found(q, judged.quote_texts(), searched)
            refused = verdict.refusal is not None
            return Answer(question, True, message, [], hits, searched, {}, confidence, values, exact_refusal=refused)

        max_quotes = self.settings.answer_max_quotes
        cited = citing.cite(q, first, unique, evidence, texts, infos, page, max_quotes, when.latest)
        if cited is None:
            return Answer(question, True, "No more results for this question.", [], hits, searched)
        if not cited.citations:
            return Answer(question, True, abstention.not_found(q, [], searched), [], hits, searched)
        return Answer(
            question,
            False,
            "",
            cited.citations,
            hits,
            searched,
            cited.figures,
            confidence,
            values,
            tentative=verdict.unsure,
        )

    def _first_page(self, unique: list[scoring.Evidence], texts: dict[int, str], q: Question) -> list[scoring.Evidence]:
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
        self, question: str, vectors: Searchable, scope: Scope, when: When = NO_TIME
    ) -> tuple[list[tuple[int, int, int]], np.ndarray, np.ndarray]:
        """What the evidence ranker sees of each candidate sentence (see ``evidence.sentence_features``): its
        (article id, start, end), its features, whether it is short. For fitting the ranker."""
        q, asked = self._analyse(question, when)
        found = self.retriever.retrieve(q, asked, vectors, scope, 50, scoring.EVIDENCE_PASSAGES)
        q, top, passages = found.q, found.top, found.passages
        rarity = answerability.Weighted(q, self.store.term_weights(q, len(vectors)))
        floor, topic = self.embedder.similarity_floor, self.retriever.topic(q, top, passages)
        keys, rows, short = scoring.sentence_features(q, found.query, top, passages, rarity, floor, topic)
        return keys, np.array(rows, dtype=np.float64).reshape(-1, len(evidence_rank.FEATURES)), np.array(short, bool)
