"""The question calls of ``Library``: ``ask``, ``search`` and ``evidence_features``, each over what the question
searches (the collection, the period it is set in, the outlets it points at as its source); the answer itself is
``index.asking``'s."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, TypeVar

import numpy as np

from index import abstention, evidence_rank, language, outlets, periods
from index.adding import DEFAULT_COLLECTION
from index.asking import Asker
from index.errors import InvalidSource
from index.parts import Parts
from index.types import Answer, PassageHit

T = TypeVar("T")
# The longest question: a Telegram message's limit. Every step of an answer reads the whole question (a 160 KB one
# took 3.2 s); a longer text is an article to add, not a question.
MAX_QUESTION_CHARS = 4096
_NOT_TEXT = re.compile("[\x00\ud800-\udfff]")


class Answering(Parts):
    """The question calls of ``Library``."""

    _asker: Asker

    if TYPE_CHECKING:

        def _cached(self, key: str, compute: Callable[[], T]) -> T: ...

    def _scope(self, collection: str | None) -> tuple[str | None, np.ndarray | None]:
        """What a search must filter on: (collection for SQL, passage ids for FAISS); (None, None) when the
        collection is the whole library, which is the common case and the fast path."""
        if collection is None:
            return None, None
        collections = self._cached("collections", self.store.collections)
        if collections == [collection]:
            return None, None
        return collection, self._cached(f"ids:{collection}", lambda: self.store.passage_ids(collection))

    def ask(
        self,
        question: str,
        *,
        collection: str | None = DEFAULT_COLLECTION,
        k: int = 10,
        page: int = 0,
        dense_weight: float = 1.0,
        keyword_weight: float = 1.0,
        exclude: Collection[int] = (),
        today: date | None = None,
    ) -> Answer:
        """Answer with verbatim quotes and numbered citations, or abstain. ``page`` > 0 gives the next, weaker
        quotes not shown on earlier pages ("more results"); ``exclude``: article ids left out of the search (how
        ``dossier eval`` asks a question without its answering articles). A question set in time ("in March 2024",
        "last week", relative to ``today``) searches the articles published since then and the undated ones.
        CPU-heavy (query embedding)."""
        question = _question(question)
        vectors = self._vectors.current()
        searched = self._cached(f"count:{collection}", lambda: self.store.count_articles(collection))
        if vectors is None or not searched:
            # A collection can be empty in a library that is not ("dossier ask --collection other …").
            return Answer(question, True, "Not found: there are no articles to search here (searched 0).", [], [], 0)
        scope = self._scope(collection)
        pointed = self._pointed(question, collection)
        asked = pointed.text if pointed is not None else question
        if pointed is not None:
            outlet_ids, outlet_articles = self._outlet_passages(pointed.sources, collection)
            scope = (scope[0], outlet_ids)
        when = periods.find(asked, today or datetime.now(UTC).date())
        if when.since is not None:
            since = when.since.isoformat()
            scope, searched, newest = self._since(scope, collection, since)
            if pointed is not None:
                searched = _articles_in(scope, outlet_ids, outlet_articles)
            if not searched:
                message = (
                    abstention.outlet_too_old(pointed.label, since)
                    if pointed is not None
                    else abstention.too_old(since, newest)
                )
                label = pointed.label if pointed is not None else ""
                return Answer(question, True, message, [], [], 0, period=when.label, outlet=label)
        if exclude:
            sql_collection, allowed = scope
            ids = allowed if allowed is not None else self.store.passage_ids(collection)
            dropped = np.array([p for a in exclude for p, _, _ in self.store.passage_spans(a)], dtype=np.int64)
            scope = (sql_collection, np.setdiff1d(ids, dropped))
            searched -= len(set(exclude))
        if pointed is not None:
            searched = _articles_in(scope, outlet_ids, outlet_articles)
        answer = self._asker.ask(asked, vectors, scope, searched, k, page, dense_weight, keyword_weight, when)
        return replace(answer, question=question, outlet=pointed.label) if pointed is not None else answer

    def follow_up(self, previous: str, question: str, *, collection: str | None = DEFAULT_COLLECTION) -> str | None:
        """What a follow-up that found nothing on its own asks, read with the question it follows; None where that
        would be longer than a question may be (it stands on its own). A follow-up pointing at its own outlets
        ("and what did the Kellbach Post say?") asks what the earlier question asked, without the earlier one's
        outlets; one that is nothing but outlets' names ("and the Kellbach Post?", "what about Reuters?") asks
        the earlier question of them, in their place where it named one ("What did the Kellbach Post report about
        the bridge?"), else after a cue of its language ("How much will it cost, according to the Kellbach
        Post?"); any other is read after the earlier question ("… and in Kharkiv?")."""
        previous, question = _question(previous), _question(question)
        earlier = self._pointed(previous, collection)
        asked = earlier.text if earlier is not None else previous
        if self._pointed(question, collection) is not None:
            joined = f"{question} {asked}"
        else:
            named = self._only_named(question, collection, lower=earlier is not None and previous == previous.lower())
            renamed = earlier.renamed(previous, named) if named is not None and earlier is not None else None
            cue = outlets.cue(language.detect(previous)) if named is not None else None
            if renamed is not None:
                joined = renamed
            elif named is not None and cue is not None:
                joined = f"{asked.rstrip(' ?!.')}, {cue} {named}?"
            else:
                joined = f"{previous} {question}"
        return joined if len(joined) <= MAX_QUESTION_CHARS else None

    def _only_named(self, question: str, collection: str | None, lower: bool) -> str | None:
        """The phrase naming the outlets a follow-up is nothing but (``Outlets.only_named``), where each has
        articles in ``collection``."""
        known = self._cached("outlets", lambda: outlets.Outlets(self.store.outlet_names()))
        found = known.only_named(question, language.detect(question), lower)
        if found is None or not all(len(self._outlet_passages(o, collection)[0]) for o in found[1]):
            return None
        return found[0]

    def _pointed(self, question: str, collection: str | None) -> outlets.Pointed | None:
        """The outlets of the library the question points at as its source (``index.outlets``), or None; also
        where one of them has no article in ``collection`` (an outlet of another chat is a name as any other)."""
        lang = language.detect(question)
        phrases = outlets.source_phrases(question, lang)
        if not phrases:
            return None
        known = self._cached("outlets", lambda: outlets.Outlets(self.store.outlet_names()))
        pointed = known.pointed(question, lang, phrases)
        if pointed is None or not all(len(self._outlet_passages(o, collection)[0]) for o in pointed.outlets):
            return None
        return pointed

    def _outlet_passages(self, sources: Sequence[str], collection: str | None) -> tuple[np.ndarray, np.ndarray]:
        """The passages of the sources' articles (in ``collection``), in order, and each one's article; cached by
        source, so that what is kept grows with the library's outlets, not with the sets of them asked about."""
        parts = [self._source_passages(s, collection) for s in sorted(set(sources))]
        if len(parts) == 1:
            return parts[0]
        ids, articles = np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])
        order = np.argsort(ids, kind="stable")
        return ids[order], articles[order]

    def _source_passages(self, source: str, collection: str | None) -> tuple[np.ndarray, np.ndarray]:
        return self._cached(f"outlet:{collection}:{source}", lambda: self.store.outlet_passages([source], collection))

    def evidence_features(
        self, question: str, *, collection: str | None = DEFAULT_COLLECTION, today: date | None = None
    ) -> tuple[list[tuple[int, int, int]], np.ndarray, np.ndarray]:
        """The candidate sentences the evidence ranker scores when ``question`` is asked (same scope in time, same
        re-ranking): (article id, start, end), their features (``index.evidence_rank.FEATURES``) and whether each
        is short. ``dossier eval --fit-ranker`` fits the ranker on them."""
        question = _question(question)
        vectors = self._vectors.current()
        scope = self._scope(collection)
        when = periods.find(question, today or datetime.now(UTC).date())
        if vectors is not None and when.since is not None:
            scope, searched, _ = self._since(scope, collection, when.since.isoformat())
            vectors = vectors if searched else None
        if vectors is None:
            return [], np.zeros((0, len(evidence_rank.FEATURES))), np.zeros(0, dtype=bool)
        return self._asker.evidence_features(question, vectors, scope, when)

    def _since(
        self, scope: tuple[str | None, np.ndarray | None], collection: str | None, since: str
    ) -> tuple[tuple[str | None, np.ndarray | None], int, str]:
        """``scope`` narrowed to the passages of articles published since ``since`` (and undated ones); how many
        articles that leaves, and the newest publication date."""
        ids, ends, article_ends, newest = self._cached(
            f"dates:{collection}", lambda: self.store.publication_ends(collection)
        )
        # Dates compare as ISO strings; an undated article is never excluded by a date.
        within = (ends == "") | (ends >= since)
        searched = int(((article_ends == "") | (article_ends >= since)).sum())
        allowed = scope[1]
        if within.all():  # the period leaves out nothing: the scope stays as it was (None: the fast path)
            return scope, searched, newest
        ids = ids[within]
        return (scope[0], ids if allowed is None else np.intersect1d(allowed, ids)), searched, newest

    def search(self, question: str, *, collection: str | None = DEFAULT_COLLECTION, k: int = 10) -> list[PassageHit]:
        """Ranked passages only. CPU-heavy."""
        return self.ask(question, collection=collection, k=k).passages


def _articles_in(scope: tuple[str | None, np.ndarray | None], ids: np.ndarray, articles: np.ndarray) -> int:
    """How many of the articles (one per passage id) a scope's passages are of."""
    return len(np.unique(articles if scope[1] is None else articles[np.isin(ids, scope[1])]))


def _question(text: str) -> str:
    """The question with its runs of white space made one space and its characters composed (NFC, as articles are
    stored); refused when empty or longer than a message."""
    question = " ".join(unicodedata.normalize("NFC", text).split())
    if not question:
        raise InvalidSource("the question is empty")
    if _NOT_TEXT.search(question):  # bytes that were no UTF-8 (read with surrogateescape), or a NUL: no question
        raise InvalidSource("the question is not text (it holds binary bytes)")
    if len(question) > MAX_QUESTION_CHARS:
        raise InvalidSource(
            f"the question is {len(question):,} characters long; ask in at most {MAX_QUESTION_CHARS:,} "
            "(to search a text, add it as an article)"
        )
    return question
