"""Typed results returned by the facade. Plain dataclasses, serialisable with ``dataclasses.asdict``."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class ArticleInfo:
    """One article as listed; ``key`` is the caller's own id (e.g. from a JSONL import), if any."""

    id: int
    key: str | None
    title: str
    source: str
    published: str
    url: str
    passages: int
    added_at: str
    collection: str
    added_by: str = ""
    origin: str = ""
    added_by_user: int | None = None  # the adder's Telegram user id (None from the CLI)
    added_in_chat: int | None = None  # the Telegram chat the article was added in


@dataclass(frozen=True, slots=True)
class Article:
    """An article with its stored (cleaned) text."""

    info: ArticleInfo
    text: str
    author: str = ""


@dataclass(frozen=True, slots=True)
class AddResult:
    """Outcome of adding one source: ``duplicate`` is true when nothing was added."""

    article: ArticleInfo
    duplicate: bool = False

    @property
    def message(self) -> str:
        a = self.article
        if self.duplicate:
            return f"already in the library as #{a.id} «{a.title}»"
        return f"Added #{a.id} «{a.title}» ({a.passages} passage{'' if a.passages == 1 else 's'})"


@dataclass(frozen=True, slots=True)
class BulkFailure:
    """One line or source of a bulk import that could not be added."""

    where: str
    message: str


@dataclass(slots=True)
class BulkReport:
    """Outcome of a bulk import."""

    added: list[ArticleInfo] = field(default_factory=list)
    duplicates: list[ArticleInfo] = field(default_factory=list)
    failures: list[BulkFailure] = field(default_factory=list)
    passages: int = 0


@dataclass(frozen=True, slots=True)
class PassageHit:
    """A ranked passage: ``text == article_text[char_start:char_end]``."""

    passage_id: int
    article_id: int
    key: str | None
    title: str
    text: str
    score: float
    char_start: int
    char_end: int


@dataclass(frozen=True, slots=True)
class Citation:
    """One verbatim quote: ``quote == article_text[char_start:char_end]``; ``n`` numbers the article."""

    n: int
    article_id: int
    key: str | None
    title: str
    source: str
    url: str
    published: str
    quote: str
    char_start: int
    char_end: int
    score: float
    figures: tuple[str, ...] = ()  # "about 90 tanks", "3,010 soldiers"
    attribution: str = ""  # who the quote attributes its claim to: "Ukraine’s Security Service", "the man"
    hedge: str = ""  # the hedging phrase, when the claim is unverified or reported: "It is unconfirmed whether"

    @property
    def hedged(self) -> bool:
        return bool(self.hedge)


@dataclass(frozen=True, slots=True)
class FigureEntry:
    """One figure of a side-by-side comparison, with the number of the source that gives it."""

    figure: str
    n: int
    source: str
    attribution: str
    hedged: bool
    published: str = ""  # the article's date, when it shows one


@dataclass(frozen=True, slots=True)
class Answer:
    """An answer made of quotes; when ``abstained`` there are no citations and ``answer`` says why (it is empty
    otherwise: each surface renders the citations itself, see ``index.render_text`` and ``bot/rendering.py``).
    ``figures`` puts figures for the same thing (by noun: 'tank', 'soldier') from different sources side by side."""

    question: str
    abstained: bool
    answer: str
    citations: list[Citation]
    passages: list[PassageHit]
    searched_articles: int
    figures: dict[str, list[FigureEntry]] = field(default_factory=dict)
    # The answerability model's probability that the library answers the question, and the signals it read.
    confidence: float = 0.0
    signals: dict[str, float] = field(default_factory=dict)
    period: str = ""  # "published since 2024-03-01" when the question set the search in time
    outlet: str = ""  # the outlet whose articles were searched, when the question named one ("Harlow Gazette")
    # Refused by an exact check (a calendar date asked for is in no quote), whatever the model's probability.
    exact_refusal: bool = False
    # Shown as the closest quotes, which may not answer it: answered below the model's sure point (``Model.sure``),
    # or a how-many answer whose quotes count nothing asked (``abstention.lacks_asked_figure``).
    tentative: bool = False


@dataclass(frozen=True, slots=True)
class Stats:
    """Library size and make-up."""

    articles: int
    passages: int
    collections: int
    embedding_model: str
    dimension: int
    db_bytes: int
    index_bytes: int
