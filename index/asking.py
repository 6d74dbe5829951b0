"""One question to one answer: retrieval, optional re-ranking, evidence sentences, abstention, citations."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from index import abstention
from index import answer as answering
from index.embedding import Embedder
from index.rerank import Reranker
from index.retrieval import Candidate, hybrid_search
from index.settings import Settings
from index.store import Store
from index.types import Answer
from index.vectors import VectorIndex


class Asker:
    """Answers questions over a library's store and vector index (the facade's ``ask``)."""

    def __init__(self, store: Store, embedder: Embedder, settings: Settings, reranker: Reranker | None) -> None:
        self.store = store
        self.embedder = embedder
        self.settings = settings
        self.reranker = reranker

    def ask(
        self,
        question: str,
        vectors: VectorIndex,
        scope: tuple[str | None, np.ndarray | None],
        searched: int,
        k: int,
        page: int,
        dense_weight: float,
        keyword_weight: float,
    ) -> Answer:
        """``scope``: (collection for SQL, passage ids for FAISS), both None for the whole library; ``searched``:
        how many articles the question covers (for "not found in N articles")."""
        query = self.embedder.embed_queries([question])[0]
        sql_collection, allowed = scope
        candidates = hybrid_search(
            self.store,
            vectors,
            query,
            question,
            sql_collection,
            allowed,
            k=max(50, k),
            dense_weight=dense_weight,
            keyword_weight=keyword_weight,
            floor=self.embedder.similarity_floor,
        )
        pool = answering.EVIDENCE_PASSAGES * (page + 1)
        if self.reranker is not None:
            candidates = self._rerank(question, candidates, vectors.dim)
        top = candidates[: max(k, pool)]
        passages = self.store.passages([c.passage_id for c in top], vectors.dim)
        infos = {i.id: i for i in self.store.list_infos(ids=sorted({p.article_id for p in passages.values()}))}
        texts = {p.article_id: p.article_text for p in passages.values()}
        hits = answering.passage_hits(top, passages, infos)[:k]
        evidence, confidence = answering.score_sentences(question, query, top, passages, self.embedder.similarity_floor)
        thresholds = abstention.Thresholds(self.settings.min_relevance, self.settings.min_relevance_figures)
        unknown = self.store.unknown_names(question)
        refusal = abstention.before_quoting(question, confidence.value, bool(evidence), unknown, searched, thresholds)
        if refusal:
            return Answer(question, True, refusal, [], hits, searched)
        max_quotes = self.settings.answer_max_quotes
        quotes = answering.select_quotes(evidence, max_quotes)
        if page:
            # Page 0 is chosen exactly as a plain ask chooses it (from the first EVIDENCE_PASSAGES only).
            first, _ = answering.score_sentences(
                question, query, top[: answering.EVIDENCE_PASSAGES], passages, self.embedder.similarity_floor
            )
            shown = answering.merge_adjacent(answering.select_quotes(first, max_quotes), texts)
            for _ in range(page):
                # Completing a quotation can widen a quote into one already shown: drop those.
                widened = answering.merge_adjacent(answering.later_page(evidence, shown, max_quotes), texts)
                quotes = [q for q in widened if not answering.overlaps(q, shown)]
                shown = [*shown, *quotes]
            if not quotes:
                return Answer(question, True, "No more results for this question.", [], hits, searched)
        quotes = answering.add_syndicated(answering.complete_answers(quotes, texts, question), evidence, texts)
        quoted = [texts[q.article_id][q.start : q.end] for q in quotes]
        refusal = abstention.after_quoting(question, quoted, confidence.value, searched, thresholds)
        if refusal:  # on a later page, the first page was an answer: these quotes just add nothing
            return Answer(question, True, "No more results for this question." if page else refusal, [], hits, searched)
        citations = answering.build_citations(answering.merge_adjacent(quotes, texts), infos, texts)
        figures = answering.compare_figures(citations)
        return Answer(question, False, answering.render_answer(citations), citations, hits, searched, figures)

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
