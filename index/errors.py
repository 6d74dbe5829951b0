"""Domain errors: each carries a one-line message that can be shown to a user as it is."""

from __future__ import annotations


class DossierError(Exception):
    """Base class; ``str(error)`` is the user-facing one-line message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidSource(DossierError):
    """The thing given to add is not a file, URL or text we can read."""


class UnsupportedType(DossierError):
    """A file or response of a type we do not ingest."""


class KeyTaken(DossierError):
    """An article's id (key) is another article's, whose text differs: adding it would lose one of the two."""


class TooLarge(DossierError):
    """A file, text or response over the configured size cap."""


class EmptyText(DossierError):
    """Nothing that looks like article text was found."""


class FetchError(DossierError):
    """A URL could not be fetched (network, HTTP status, timeout)."""


class RefusedAddress(FetchError):
    """A URL resolves to an address the fetcher may not reach."""


class NothingToFind(DossierError):
    """Words to look up of which the keyword index keeps none (one-letter and very common words)."""


class ArticleNotFound(DossierError):
    """No article with that id."""

    def __init__(self, article_id: int | str) -> None:
        super().__init__(f"no article #{article_id} in the library")
        self.article_id = article_id


class ModelMismatch(DossierError):
    """The library was built with another embedding model."""


class ModelSwitched(ModelMismatch):
    """Another process put another model's vectors in the library (a reindex, or the first add into a folder this
    one opened empty) while this one had it open."""

    def __init__(self, library_model: str, own_model: str) -> None:
        super().__init__(
            f"another process switched the library to the embedding model {library_model!r} while this process "
            f"uses {own_model!r}: restart it with EMBEDDING_MODEL={library_model}"
        )


class NoLibrary(DossierError):
    """A command that reads a library was pointed at a folder that holds none (a mistyped ``--data-dir``)."""

    def __init__(self, where: object, setting: str = "DATA_DIR or --data-dir") -> None:
        super().__init__(f"no library in {where} ({setting}): add articles first with: dossier add")


class LibraryCorrupt(DossierError):
    """The data directory cannot be read as a Dossier library."""


class BadDataFile(DossierError):
    """A fitted data file (the answerability model, the evidence ranker) cannot be read or is for another version."""
