"""RERANK_MODEL: a CrossEncoder re-scores the top passages. The test builds a tiny one itself (no download)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from support import synthetic_jsonl

from index import DossierError, Library, Settings
from index.embedding import Embedder

QUESTION = "what did the soldier tell his relative about the tanks"
EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "articles.jsonl"


def corpus() -> list[str]:
    """Varied articles: the three bundled examples and eight synthetic ones."""
    return EXAMPLES.read_text().splitlines() + synthetic_jsonl(8).splitlines()


@pytest.fixture(scope="module")
def tiny_cross_encoder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A one-layer BERT cross-encoder with random (seeded) weights and a vocabulary of the test articles."""
    import torch
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizerFast

    folder = tmp_path_factory.mktemp("tiny-cross-encoder")
    words = sorted(set(re.findall(r"\w+", "\n".join(corpus()).lower())))
    (folder / "vocab.txt").write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *words]))
    tokenizer = BertTokenizerFast(vocab_file=str(folder / "vocab.txt"))
    config = BertConfig(
        vocab_size=len(words) + 5,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        num_labels=1,
        initializer_range=0.5,  # large random weights, so scores differ clearly between passages
    )
    torch.manual_seed(7)
    BertForSequenceClassification(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def test_reranker_orders_the_top_passages(tmp_path: Path, embedder: Embedder, tiny_cross_encoder: Path) -> None:
    import torch
    from sentence_transformers import CrossEncoder

    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        data_dir=tmp_path / "lib",
        rerank_model=str(tiny_cross_encoder),
        rerank_top=10,
        max_passage_tokens=32,  # short passages: the tiny model scores them clearly apart
    )
    with Library.open(settings, embedder=embedder) as lib:
        lib.add_jsonl(corpus())
        question = QUESTION
        answer = lib.ask(question, k=10)
        texts = [p.text for p in answer.passages]
        assert len(texts) == 10
        pairs = [(question, t) for t in texts]
        expected = CrossEncoder(str(tiny_cross_encoder)).predict(pairs, activation_fn=torch.nn.Identity())
        assert len({round(float(x), 5) for x in expected}) >= 4  # the tiny model does tell passages apart
        assert list(expected) == sorted(expected, reverse=True)  # the hits come in the cross-encoder's order
        assert [p.score for p in answer.passages] == pytest.approx([float(x) for x in expected], abs=1e-4)
    plain = Settings(_env_file=None, data_dir=tmp_path / "lib", max_passage_tokens=32)  # type: ignore[call-arg]
    with Library.open(plain, embedder=embedder) as lib:
        unranked = [p.passage_id for p in lib.ask(question, k=10).passages]
    assert unranked != [p.passage_id for p in answer.passages]  # re-ranking changed the order


def test_a_missing_reranker_is_one_clear_error(tmp_path: Path, embedder: Embedder) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path / "lib", rerank_model=str(tmp_path / "nope"))  # type: ignore[call-arg]
    with Library.open(settings, embedder=embedder) as lib:
        lib.add_jsonl(synthetic_jsonl(2).splitlines())
        with pytest.raises(DossierError, match="cannot load re-ranking model"):
            lib.ask("how many trucks were destroyed")
