"""The few ONNX messages ``index.e5_onnx`` hands to ONNX Runtime, written as protobuf bytes.

The ``onnx`` package writes the same messages, but importing it takes about a second (it imports ml_dtypes) in
every process that loads the default model, a CLI call's largest single cost after the model itself. These messages
(onnx.proto: a model, its graph, nodes with int, float and int-list attributes, tensors as raw little-endian bytes,
inputs and outputs of float tensors) have a small, fixed wire format; tests/test_e5_weights.py reads what this
module writes back with the ``onnx`` package and checks it field by field.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence

import numpy as np

IR_VERSION = 8  # the IR of opset 17; ONNX Runtime 1.20 and later read it
FLOAT = 1  # TensorProto.DataType values
_TENSOR_TYPES = {
    np.dtype(np.float32): FLOAT,
    np.dtype(np.uint8): 2,
    np.dtype(np.int8): 3,
    np.dtype(np.int32): 6,
    np.dtype(np.int64): 7,
}
_VARINT, _FIXED32, _BYTES = 0, 5, 2  # wire types
_ATTRIBUTE_FLOAT, _ATTRIBUTE_INT, _ATTRIBUTE_INTS = 1, 2, 7  # AttributeProto.AttributeType values

Attribute = int | float | Sequence[int]


def _varint(n: int) -> bytes:
    n &= (1 << 64) - 1  # a negative int64 is written as its 64-bit two's complement
    out = bytearray()
    while n > 0x7F:
        out.append(n & 0x7F | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def _int(field: int, n: int) -> bytes:
    return _varint(field << 3 | _VARINT) + _varint(n)


def _prefix(field: int, length: int) -> bytes:
    """The key and length that come before a ``length``-byte string or message in ``field``."""
    return _varint(field << 3 | _BYTES) + _varint(length)


def _message(field: int, data: bytes) -> bytes:
    return _prefix(field, len(data)) + data


def _text(field: int, text: str) -> bytes:
    return _message(field, text.encode())


def tensor(name: str, array: np.ndarray) -> bytes:
    """A TensorProto: ``array``'s shape, type and bytes (little-endian), named."""
    kind = _TENSOR_TYPES.get(array.dtype.newbyteorder("="))
    if kind is None:
        raise ValueError(f"no ONNX tensor type for {array.dtype}")
    raw = np.ascontiguousarray(array, dtype=array.dtype.newbyteorder("<")).tobytes()
    return b"".join([*(_int(1, d) for d in array.shape), _int(2, kind), _text(8, name), _prefix(9, len(raw)), raw])


def _attribute(name: str, value: Attribute) -> bytes:
    if isinstance(value, float | np.floating):
        packed = struct.pack("<f", float(value))
        return _text(1, name) + _varint(2 << 3 | _FIXED32) + packed + _int(20, _ATTRIBUTE_FLOAT)
    if isinstance(value, int | np.integer):
        return _text(1, name) + _int(3, int(value)) + _int(20, _ATTRIBUTE_INT)
    return _text(1, name) + b"".join(_int(8, int(v)) for v in value) + _int(20, _ATTRIBUTE_INTS)


def node(kind: str, inputs: Sequence[str], outputs: Sequence[str], **attributes: Attribute) -> bytes:
    """A NodeProto of the standard domain."""
    parts = [*(_text(1, i) for i in inputs), *(_text(2, o) for o in outputs), _text(4, kind)]
    parts += [_message(5, _attribute(key, value)) for key, value in sorted(attributes.items())]  # as onnx.helper
    return b"".join(parts)


def float_value(name: str, shape: Sequence[int | str]) -> bytes:
    """A ValueInfoProto: a float tensor of ``shape`` (an int a fixed size, a string a named one)."""
    dims = b"".join(_message(1, _int(1, d) if isinstance(d, int) else _text(2, d)) for d in shape)
    tensor_type = _int(1, FLOAT) + _message(2, dims)
    return _text(1, name) + _message(2, _message(1, tensor_type))


def model(
    nodes: Sequence[bytes],
    weights: Sequence[bytes],
    inputs: Sequence[bytes],
    outputs: Sequence[bytes],
    name: str,
    opset: int,
) -> bytes:
    """A ModelProto of one graph (its nodes, initialisers, inputs and outputs) on the standard domain's ``opset``.
    Joined once: the weights are tens of MB, and a copy per nesting level raised a model load's peak by ~60 MB."""
    graph = [*(_message(1, n) for n in nodes), _text(2, name)]
    for weight in weights:
        graph += [_prefix(5, len(weight)), weight]
    graph += [*(_message(11, i) for i in inputs), *(_message(12, o) for o in outputs)]
    header = _int(1, IR_VERSION) + _prefix(7, sum(map(len, graph)))
    return b"".join([header, *graph, _message(8, _text(1, "") + _int(2, opset))])
