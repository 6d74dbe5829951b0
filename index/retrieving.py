"""Retrieval for one question: its vector, the candidate passages (hybrid search, then a cross-encoder where one
is set), the stored passages, and the question completed by what they name (names written in them, measures,
countries, the spellings of names the library lacks)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

import numpy as np

from index import answerability, countries, measures, name_variants
from index import evidence as scoring
from index.embedding import Embedder
from index.question import Question
from index.question_names import truecased
from index.rerank import Reranker
from index.retrieval import Candidate, hybrid_search
from index.settings import Settings
from index.store import Store
from index.store_passages import StoredPassage
from index.vectors import Searchable

SIGNAL_PASSAGES = 5  # top passages whose similarity and coverage feed the answerability signals
SHORT_CACHE = 4096  # query embeddings of names and topics kept, since both recur across questions (1.5 KB each)

Scope = tuple[str | None, np.ndarray | None]  # (collection for SQL, passage ids for FAISS); both None: everything


@dataclass(frozen=True, slots=True)
class Retrieved:
    """What a question found: ``q`` completed by the passages, its query vector, the top candidates in order, the
    stored passages among them, and the name spellings read for it (asked, as the library writes it)."""

    q: Question
    query: np.ndarray
    top: list[Candidate]
    passages: dict[int, StoredPassage]
    variants: list[tuple[str, str]]

    def texts(self) -> dict[int, str]:
        """Each retrieved article's text, by article id."""
        return {p.article_id: p.article_text for p in self.passages.values()}


class Retriever:
    """Finds the passages for a question over a library's store and vector index."""

    def __init__(self, store: Store, embedder: Embedder, settings: Settings, reranker: Reranker | None) -> None:
        self.store = store
        self.embedder = embedder
        self.settings = settings
        self.reranker = reranker
        self._short: OrderedDict[str, np.ndarray] = OrderedDict()
        self._short_lock = threading.Lock()

    def retrieve(
        self,
        q: Question,
        asked: str,
        vectors: Searchable,
        scope: Scope,
        search: int,
        keep: int,
        dense_weight: float = 1.0,
        keyword_weight: float = 1.0,
    ) -> Retrieved:
        """The ``search`` best candidates for the question as the embedding model reads it (``asked``), the first
        ``keep`` of them kept with their passages."""
        query = self.embedder.embed_queries([as_question(asked)])[0]
        sql_collection, allowed = scope
        candidates = hybrid_search(
            self.store,
            vectors,
            query,
            q,
            sql_collection,
            allowed,
            k=search,
            dense_weight=dense_weight,
            keyword_weight=keyword_weight,
            floor=self.embedder.similarity_floor,
        )
        if self.reranker is not None:
            candidates = self._rerank(q.text, candidates, vectors.dim)
        top = candidates[:keep]
        passages = self.store.passages([c.passage_id for c in top], vectors.dim)
        q = measures.measured(q.with_names_from(name_texts(passages)), passage_texts(passages))
        q = countries.in_texts(q, name_texts(passages))
        q, variants = self._with_variants(q, top, passages)
        return Retrieved(q, query, top, passages, variants)

    def as_written(self, q: Question, query: np.ndarray) -> np.ndarray:
        """The query vector answerability judges by: a question typed in lower case embedded again as it would be
        written (``truecased``), since the model was fitted on written questions and the embedding model places a
        lower-case one nearer every passage. Typed in lower case, the shared questions abstained 1 of 5 and 22 of 49
        times on dev (written: 5/5, 32/49), 2 of 15 and 18 of 64 on general (5/15, 27/64). The quotes shown
        stay those the question as typed finds. ``query`` itself for a written question."""
        written = truecased(q)
        return query if written == q.text else self.embedder.embed_queries([as_question(written)])[0]

    def topic(self, q: Question, top: list[Candidate], passages: dict[int, StoredPassage]) -> np.ndarray | None:
        """The query vector of the question's topic terms among the top passages' sentences (None without any)."""
        head = [passages[c.passage_id] for c in top if c.passage_id in passages][:SIGNAL_PASSAGES]
        sentences = [p.article_text[start:end] for p in head for start, end in p.sentences.tolist()]
        topic = answerability.topic_terms(q, list(dict.fromkeys(sentences)))
        return self._short_vectors([" ".join(topic)])[0] if topic else None

    def _with_variants(
        self, q: Question, top: list[Candidate], passages: dict[int, StoredPassage]
    ) -> tuple[Question, list[tuple[str, str]]]:
        """The question with the names the library lacks as the top passages, or their articles' openings, spell
        them, where they do: where news names the place and the people it is about, once ("a soldier based in the
        Kharkiv region…" for "Харківщини"), though the passage that answers may not."""
        absent = self.store.absent_name_words(q)
        if not absent:
            return q, []
        head = [passages[c.passage_id] for c in top[: scoring.EVIDENCE_PASSAGES] if c.passage_id in passages]
        texts = [p.article_text[p.char_start : p.char_end] for p in head]
        texts += list(dict.fromkeys(opening(p) for p in head))
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


def passage_texts(passages: dict[int, StoredPassage]) -> Iterator[str]:
    """The retrieved passages' texts, where a question's noun is read as a measure or not (``measures``)."""
    return (p.article_text[p.char_start : p.char_end] for p in passages.values())


def name_texts(passages: dict[int, StoredPassage]) -> Iterator[str]:
    """The passages and their articles' openings, which tell which words of a question typed in lower case, or in a
    language that capitalises every noun, are names (``Question.with_names_from``). Read only for such a question:
    an opening is up to ``scoring.ARTICLE_HEAD`` characters, not to be copied for every ask."""
    yield from passage_texts(passages)
    yield from dict.fromkeys(opening(p) for p in passages.values())


def opening(passage: StoredPassage) -> str:
    """The opening of a passage's article, where news names whom and where it is about."""
    return passage.article_text[: scoring.ARTICLE_HEAD]
