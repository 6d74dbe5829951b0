"""Dossier's engine: ingest news articles into SQLite + FAISS and answer with cited, verbatim quotes.

The public API is the ``Library`` facade and the types and errors it returns; nothing here imports
the Telegram layer.
"""

from index.answering import MAX_QUESTION_CHARS
from index.conversations import ADMITTED, Admission
from index.errors import (
    ArticleNotFound,
    BadDataFile,
    DossierError,
    EmptyText,
    FetchError,
    InvalidSource,
    LibraryCorrupt,
    ModelMismatch,
    NothingToFind,
    RefusedAddress,
    TooLarge,
    UnsupportedType,
)
from index.extract import FILE_SUFFIXES, file_suffix
from index.feeds import Feed, PollResult
from index.library import DEFAULT_COLLECTION, Library, Progress, ProgressFn
from index.render_text import (
    TENTATIVE,
    claim_note,
    figure_lines,
    merge_syndicated,
    poll_summary,
    scope_note,
    time_left,
)
from index.settings import Settings
from index.types import (
    AddResult,
    Answer,
    Article,
    ArticleInfo,
    BulkFailure,
    BulkReport,
    Citation,
    FigureEntry,
    PassageHit,
    Stats,
)
from index.urls import is_url

__all__ = [
    "ADMITTED",
    "DEFAULT_COLLECTION",
    "FILE_SUFFIXES",
    "MAX_QUESTION_CHARS",
    "TENTATIVE",
    "AddResult",
    "Admission",
    "Answer",
    "Article",
    "ArticleInfo",
    "ArticleNotFound",
    "BadDataFile",
    "BulkFailure",
    "BulkReport",
    "Citation",
    "DossierError",
    "EmptyText",
    "Feed",
    "FetchError",
    "FigureEntry",
    "InvalidSource",
    "Library",
    "LibraryCorrupt",
    "ModelMismatch",
    "NothingToFind",
    "PassageHit",
    "PollResult",
    "Progress",
    "ProgressFn",
    "RefusedAddress",
    "Settings",
    "Stats",
    "TooLarge",
    "UnsupportedType",
    "claim_note",
    "figure_lines",
    "file_suffix",
    "is_url",
    "merge_syndicated",
    "poll_summary",
    "scope_note",
    "time_left",
]
