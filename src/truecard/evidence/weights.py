"""Weight files identified by their headers, never loaded whole and never unpickled.

safetensors: the header is parsed from its first bytes (an 8-byte length and a JSON
table). The `safetensors` library only opens local files, and a Hub source must read the
same header through a ranged request, so the (tiny, documented) header format is read here,
with every field checked against the file size so a truncated or lying header is reported,
not trusted. GGUF: a budgeted header walk (`gguf_header`), on local files. Pickle formats are flagged.
"""

from __future__ import annotations

import json
import posixpath
from typing import Any

from truecard.evidence.inventory import FileRecord, WeightFile
from truecard.models import Evidence
from truecard.sources.base import ContentNotFetched

SAFETENSORS_HEADER_MAX = 100 * 1024 * 1024  # the format's own limit
SAFETENSORS_MAX_VALUES = 4_000_000  # ~ 500,000 tensors' entries; bounds json's allocation
DTYPE_BYTES = {
    "F64": 8,
    "F32": 4,
    "F16": 2,
    "BF16": 2,
    "I64": 8,
    "I32": 4,
    "I16": 2,
    "I8": 1,
    "U8": 1,
    "U16": 2,
    "U32": 4,
    "U64": 8,
    "BOOL": 1,
    "F8_E4M3": 1,
    "F8_E5M2": 1,
    "F8_E8M0": 1,
    "F4": 0.5,
    "F6_E2M3": 0.75,
    "F6_E3M2": 0.75,
    "E8M0": 1,
    "C64": 8,
}


MAX_DIMS = 64  # no real tensor has more than a handful; bounds the work per tensor


class HeaderError(ValueError):
    pass


def _is_int(v: object) -> bool:
    """A JSON integer: `true` is an `int` to Python but not a dimension."""
    return isinstance(v, int) and not isinstance(v, bool)


def _short(v: object, limit: int = 80) -> str:
    """A field quoted in an error message, cut so a hostile header cannot bloat the card."""
    text = repr(v)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _bounded_prod(dims: list[int], cap: int) -> int:
    """The product of `dims`, stopping at `cap`: the product of 64 dimensions of 2^62
    is a 4,000-bit integer, and no byte range can match more than `cap` elements anyway."""
    if 0 in dims:
        return 0
    p = 1
    for d in dims:
        p *= d
        if p > cap:
            return cap
    return p


def parse_safetensors_header(head: bytes, file_size: int) -> dict[str, Any]:
    """Validate and summarise a safetensors header.

    Returns tensors, parameters, dtypes and the `__metadata__` mapping. Raises
    `HeaderError` with a plain reason for anything inconsistent.
    """
    if file_size < 8 or len(head) < 8:
        raise HeaderError("file shorter than the 8-byte header length")
    n = int.from_bytes(head[:8], "little")
    if n > SAFETENSORS_HEADER_MAX:
        raise HeaderError(f"header length {n} exceeds the format's 100 MB limit")
    if 8 + n > file_size:
        raise HeaderError(f"header length {n} is larger than the file ({file_size} bytes)")
    if len(head) < 8 + n:
        raise HeaderError("header truncated")
    # every JSON value but the first follows a comma: a cheap bound on the objects json
    # would build, checked before it builds them (a 32 MiB header of "1,1,1..." is 16 M ints)
    if head.count(b",", 8, 8 + n) > SAFETENSORS_MAX_VALUES:
        raise HeaderError(f"header holds more than {SAFETENSORS_MAX_VALUES:,} values; refused")
    try:
        table = json.loads(head[8 : 8 + n].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise HeaderError(f"header is not valid JSON ({type(exc).__name__})") from None
    except ValueError:  # an integer of more than 4,300 digits (Python's own limit)
        raise HeaderError("header holds an integer too long to read") from None
    except RecursionError:
        raise HeaderError("header JSON nested too deeply") from None
    if not isinstance(table, dict):
        raise HeaderError("header is not a JSON object")
    data_size = file_size - 8 - n
    metadata = table.pop("__metadata__", None) or {}
    if not isinstance(metadata, dict):
        raise HeaderError("__metadata__ is not an object")
    params = 0
    dtypes: dict[str, int] = {}
    for name, t in table.items():
        if not isinstance(t, dict):
            raise HeaderError(f"tensor {_short(name)}: entry is not an object")
        dtype, shape, offsets = t.get("dtype"), t.get("shape"), t.get("data_offsets")
        if not isinstance(dtype, str) or dtype not in DTYPE_BYTES:
            raise HeaderError(f"tensor {_short(name)}: unknown dtype {_short(dtype)}")
        label = _short(name)
        if (
            not isinstance(shape, list)
            or len(shape) > MAX_DIMS
            or not all(_is_int(d) and d >= 0 for d in shape)
        ):
            raise HeaderError(f"tensor {label}: invalid shape")
        if not isinstance(offsets, list) or len(offsets) != 2 or not all(_is_int(o) for o in offsets):
            raise HeaderError(f"tensor {label}: invalid data_offsets")
        start, end = offsets
        if not 0 <= start <= end <= data_size:
            raise HeaderError(f"tensor {label}: data lies outside the file")
        numel = _bounded_prod(shape, data_size * 8 + 1)  # never past what the file could hold
        if numel * DTYPE_BYTES[dtype] != end - start:
            raise HeaderError(f"tensor {label}: shape {_short(shape)} does not match its byte range")
        params += numel
        dtypes[dtype] = dtypes.get(dtype, 0) + numel
    return {
        "tensors": len(table),
        "parameters": params,
        "dtypes": sorted(dtypes, key=lambda d: -dtypes[d]),
        "metadata": {str(k): str(v)[:200] for k, v in list(metadata.items())[:50]},
    }


def read_safetensors(rec: FileRecord, ev: Evidence) -> WeightFile:
    try:
        first = rec.tree.read_head(rec.path, 8)
        n = int.from_bytes(first[:8], "little") if len(first) == 8 else 0
        head = first
        if len(first) == 8 and 0 < n <= SAFETENSORS_HEADER_MAX and 8 + n <= rec.size:
            head = first + rec.tree.read_range(rec.path, 8, n)
        info = parse_safetensors_header(head, rec.size)
    except HeaderError as exc:
        return WeightFile(rec.path, "safetensors", rec.size, None, None, [], str(exc), ev)
    except ContentNotFetched as exc:
        # listed by its source (size, hash) but not fetched: present, header not verified
        return WeightFile(rec.path, "safetensors", rec.size, None, None, [], None, ev, {"not_read": str(exc)})
    except OSError as exc:
        return WeightFile(rec.path, "safetensors", rec.size, None, None, [], f"unreadable: {exc}", ev)
    return WeightFile(
        rec.path,
        "safetensors",
        rec.size,
        info["tensors"],
        info["parameters"],
        info["dtypes"],
        None,
        ev,
        info["metadata"],
    )


GGUF_MAGIC = b"GGUF"


def read_gguf(rec: FileRecord, ev: Evidence) -> WeightFile:
    try:
        head = rec.tree.read_head(rec.path, 8)
    except ContentNotFetched as exc:
        return WeightFile(rec.path, "gguf", rec.size, None, None, [], None, ev, {"not_read": str(exc)})
    except OSError as exc:
        return WeightFile(
            rec.path, "gguf", rec.size, None, None, [], f"unreadable: {exc.strerror or exc}", ev
        )
    if head[:4] != GGUF_MAGIC:
        return WeightFile(rec.path, "gguf", rec.size, None, None, [], "not a GGUF file (bad magic)", ev)
    local = rec.tree.local_path(rec.path)
    if local is None:
        return WeightFile(
            rec.path,
            "gguf",
            rec.size,
            None,
            None,
            [],
            None,
            ev,
            {"note": "remote GGUF: header magic checked only"},
        )
    from truecard.evidence.gguf_header import GGUFError, read_gguf_header  # only for a GGUF file

    try:
        with open(local, "rb") as f:
            h = read_gguf_header(f, rec.size)
    except GGUFError as exc:
        return WeightFile(rec.path, "gguf", rec.size, None, None, [], f"GGUF header: {exc}", ev)
    except OSError as exc:
        return WeightFile(rec.path, "gguf", rec.size, None, None, [], f"unreadable: {exc.strerror or exc}", ev)
    meta = {k: v for k, v in h.metadata.items() if k != "general.alignment"}
    if h.tensors == 0:
        # a vocabulary-only or garbage file: its metadata may still say things, but no weights
        return WeightFile(rec.path, "gguf", rec.size, 0, 0, [], "GGUF file holds no tensors", ev, meta)
    return WeightFile(rec.path, "gguf", rec.size, h.tensors, h.parameters, h.dtypes, None, ev, meta)


def read_weight(rec: FileRecord, ev: Evidence) -> WeightFile:
    name = posixpath.basename(rec.path).lower()
    ext = posixpath.splitext(name)[1]
    if ext == ".safetensors":
        return read_safetensors(rec, ev)
    if ext == ".gguf":
        return read_gguf(rec, ev)
    if rec.kind == "pickle":
        return WeightFile(
            rec.path,
            "pickle",
            rec.size,
            None,
            None,
            [],
            None,
            ev,
            {"note": "pickle-based format: flagged, never loaded"},
        )
    fmt = {
        ".onnx": "onnx",
        ".tflite": "tflite",
        ".h5": "keras",
        ".keras": "keras",
        ".msgpack": "flax",
        ".ggml": "ggml",
        ".mlmodel": "coreml",
        ".npz": "numpy",
        ".pte": "executorch",
    }.get(ext, ext.lstrip("."))
    return WeightFile(rec.path, fmt, rec.size, None, None, [], None, ev)


def read_index(data: dict[str, Any]) -> tuple[set[str], int | None]:
    """Shards named by a `*.safetensors.index.json` and its declared total size."""
    wm = data.get("weight_map")
    shards = {v for v in wm.values() if isinstance(v, str)} if isinstance(wm, dict) else set()
    meta = data.get("metadata")
    md: dict[str, Any] = meta if isinstance(meta, dict) else {}
    total = md.get("total_size") if isinstance(md.get("total_size"), int) else None
    return shards, total
