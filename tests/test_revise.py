"""Library.revise (an edited post) and the engine's threads: failures are one-line errors, never a hang."""

from __future__ import annotations

import asyncio
import threading

import pytest

from bot.engine import Engine
from index import ArticleNotFound, DossierError, Library

STORY = "Quay report\n\nThe quay flooded 12 times this winter, the harbour master said on Monday."
OTHER = "Bridge report\n\nThe bridge closed twice this winter for repairs to its deck, the council said."


def test_a_revision_keeps_the_number_and_refuses_another_articles_text(library: Library) -> None:
    first = library.add_text(STORY).article
    second = library.add_text(OTHER).article
    revised = library.revise(first.id, STORY.replace("12 times", "14 times"))
    assert revised.id == first.id and "14 times" in library.get(first.id).text
    assert any("14 times" in c.quote for c in library.ask("How often did the quay flood this winter?").citations)
    with pytest.raises(DossierError, match=rf"^the new text of #{first.id} is already in the library"):
        library.revise(first.id, OTHER)
    assert "14 times" in library.get(first.id).text and library.get(second.id).text.startswith("Bridge report")
    library.remove(second.id)
    with pytest.raises(ArticleNotFound):
        library.revise(second.id, OTHER)


def test_an_article_removed_while_its_revision_is_embedded_is_not_found(library: Library) -> None:
    first = library.add_text(STORY).article
    started, done = threading.Event(), threading.Event()
    real = library.embedder.embed_passages

    def slow(*args: object, **kwargs: object) -> object:
        started.set()
        assert done.wait(30)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    library.embedder.embed_passages = slow  # type: ignore[method-assign]
    errors: list[BaseException] = []
    try:
        worker = threading.Thread(target=lambda: _capture(errors, library.revise, first.id, STORY + " More."))
        worker.start()
        assert started.wait(30)
        library.remove(first.id)
        done.set()
        worker.join(30)
    finally:
        done.set()
        library.embedder.embed_passages = real  # type: ignore[method-assign]
    assert len(errors) == 1 and isinstance(errors[0], ArticleNotFound)
    assert library.count() == 0


def _capture(errors: list[BaseException], fn: object, *args: object) -> None:
    try:
        fn(*args)  # type: ignore[operator]
    except BaseException as exc:
        errors.append(exc)


def test_a_stop_iteration_in_the_engine_is_an_error_not_a_hang(library: Library) -> None:
    engine = Engine(library, threads=1, max_wait=0, writers=1)

    def broken() -> int:
        return next(iter(()))

    async def both() -> None:
        with pytest.raises(RuntimeError, match="StopIteration"):
            await asyncio.wait_for(engine.read(broken), 10)
        with pytest.raises(RuntimeError, match="StopIteration"):
            await asyncio.wait_for(engine.write(broken), 10)

    asyncio.run(both())
