"""Library.revise (an edited post) and the engine's threads: failures are one-line errors, never a hang."""

from __future__ import annotations

import asyncio
import threading

import pytest

from bot.engine import Engine
from index import ArticleNotFound, DossierError, Library

STORY = "Quay report\n\nThe quay flooded 12 times this winter, the harbour master said on Monday."
OTHER = "Bridge report\n\nThe bridge closed twice this winter for repairs to its deck, the council said."
THIRD = "Ferry report\n\nThe ferry ran 300 crossings in March, its operator said on Tuesday."


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


def test_a_reindex_leaves_alone_what_was_revised_or_removed_while_it_embedded(library: Library) -> None:
    revised = library.add_text(STORY).article
    removed = library.add_text(OTHER).article
    kept = library.add_text(THIRD).article
    longer = STORY + "\n\n" + " ".join(f"Pier {n} reopened on day {n} after the water fell." for n in range(40))
    started, done = threading.Event(), threading.Event()
    real = library.embedder.embed_passages
    calls: list[int] = []

    def held_once(*args: object, **kwargs: object) -> object:
        if not calls:  # the reindex's first page waits while the article changes under it
            calls.append(1)
            started.set()
            assert done.wait(30)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    library.embedder.embed_passages = held_once  # type: ignore[method-assign]
    errors: list[BaseException] = []
    try:
        worker = threading.Thread(target=lambda: _capture(errors, library.reindex))
        worker.start()
        assert started.wait(30)
        library.revise(revised.id, longer)
        library.remove(removed.id)
        done.set()
        worker.join(60)
        assert not worker.is_alive()
    finally:
        done.set()
        library.embedder.embed_passages = real  # type: ignore[method-assign]
    assert not errors
    assert {a.id for a in library.list()} == {kept.id, revised.id}
    # The revision's passages are cut from its new text, end to end (not the old text's offsets over the new one).
    spans = library.store.passage_spans(revised.id)
    assert len(spans) > 1 and spans[-1][2] == len(library.get(revised.id).text)
    answer = library.ask("Which pier reopened on day 37?")
    assert answer.passages[0].article_id == revised.id and "Pier 37 " in answer.passages[0].text
    for c in answer.citations:
        assert library.get(c.article_id).text[c.char_start : c.char_end] == c.quote
    assert library.stats().passages == sum(a.passages for a in library.list())
