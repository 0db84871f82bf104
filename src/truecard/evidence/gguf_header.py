"""A GGUF header read under explicit budgets, without the `gguf` package's reader.

`gguf.GGUFReader` maps the whole file and builds Python objects for every array element
and tensor before anything can be checked, so a 113-byte file that declares an array of
10^8 items (or a tensor count of 10^12) exhausts memory. A scan only needs the counts,
a few metadata strings and the tensor shapes, so the header is walked here with a file
object: every count is checked against what the remaining bytes could possibly hold
*before* anything is allocated, long strings and arrays are skipped by seeking, and
an operations counter caps the work whatever the file says. The format's constants (type
codes, block sizes) still come from the `gguf` package.

Format: https://github.com/ggml-org/ggml/blob/master/docs/gguf.md
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import Any, BinaryIO

GGUF_MAGIC = b"GGUF"
MAX_TENSORS = 200_000  # the largest published models hold a few thousand
MAX_KV = 100_000  # key/value pairs in the header
MAX_DIMS = 8  # GGML_MAX_DIMS is 4
MAX_KEY_LEN = 65_535
MAX_VALUE_READ = 64 * 1024  # a metadata string read in full; longer ones are skipped
MAX_ARRAY_DEPTH = 4  # arrays of arrays
MAX_OPS = 5_000_000  # elements walked (array items, dims, keys): the work budget
WANTED_KEYS = (
    "general.architecture",
    "general.name",
    "general.license",
    "general.base_model.0.repo_url",
    "general.alignment",
)

# value type code -> fixed size in bytes (STRING = 8 and ARRAY = 9 are variable)
_FIXED = {0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8}
_FMT = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d"}


class GGUFError(ValueError):
    """The header is inconsistent, truncated or over a budget (the message says which)."""


@dataclass
class GGUFHeader:
    version: int
    tensors: int
    parameters: int
    dtypes: list[str]
    metadata: dict[str, Any] = field(default_factory=dict)
    ops: int = 0  # work spent, for the budget tests


class _Reader:
    def __init__(self, f: BinaryIO, size: int) -> None:
        self.f, self.size, self.ops = f, size, 0

    def tick(self, n: int = 1) -> None:
        self.ops += n
        if self.ops > MAX_OPS:
            raise GGUFError(f"header needs more than {MAX_OPS:,} steps to read; refused")

    def remaining(self) -> int:
        return self.size - self.f.tell()

    def read(self, n: int) -> bytes:
        if n > self.remaining():
            raise GGUFError("header truncated (a field runs past the end of the file)")
        data = self.f.read(n)
        if len(data) != n:
            raise GGUFError("header truncated")
        return data

    def skip(self, n: int) -> None:
        if n > self.remaining():
            raise GGUFError("header truncated (a field runs past the end of the file)")
        self.f.seek(n, 1)

    def u32(self) -> int:
        return int(struct.unpack("<I", self.read(4))[0])

    def u64(self) -> int:
        return int(struct.unpack("<Q", self.read(8))[0])


def _string(r: _Reader, wide: bool, keep: int) -> str | None:
    n = r.u64() if wide else r.u32()
    if n > r.remaining():
        raise GGUFError(f"string of {n:,} bytes is longer than the rest of the file")
    if n > keep:
        r.skip(n)
        return None
    return r.read(n).decode("utf-8", "replace")


def _value(r: _Reader, vtype: int, wide: bool, keep: bool, depth: int = 0) -> Any:
    r.tick()
    if vtype in _FIXED:
        raw = r.read(_FIXED[vtype])
        return struct.unpack(_FMT[vtype], raw)[0] if keep else None
    if vtype == 8:
        return _string(r, wide, MAX_VALUE_READ if keep else -1)
    if vtype == 9:
        if depth >= MAX_ARRAY_DEPTH:
            raise GGUFError(f"arrays nested deeper than {MAX_ARRAY_DEPTH}")
        itype = r.u32()
        count = r.u64() if wide else r.u32()
        if itype in _FIXED:
            total = count * _FIXED[itype]
            if total > r.remaining():
                raise GGUFError(f"array of {count:,} items is larger than the rest of the file")
            r.skip(total)  # numeric arrays are never needed: skipped in one seek
            return None
        if itype not in (8, 9):
            raise GGUFError(f"unknown array item type {itype}")
        # each string or array item takes at least 8 (or 4) bytes: refuse impossible counts
        if count * (8 if wide else 4) > r.remaining():
            raise GGUFError(f"array of {count:,} items is larger than the rest of the file")
        r.tick(count)
        for _ in range(count):
            _value(r, itype, wide, False, depth + 1)
        return None
    raise GGUFError(f"unknown value type {vtype}")


def read_gguf_header(f: BinaryIO, size: int) -> GGUFHeader:
    """Counts, shapes and a few metadata values of a GGUF file, or `GGUFError`."""
    from gguf import GGML_QUANT_SIZES, GGMLQuantizationType

    r = _Reader(f, size)
    if r.read(4) != GGUF_MAGIC:
        raise GGUFError("not a GGUF file (bad magic)")
    version = r.u32()
    if version not in (1, 2, 3):
        raise GGUFError(f"unsupported GGUF version {version}")
    wide = version >= 2  # version 1 used 32-bit counts and lengths
    n_tensors = r.u64() if wide else r.u32()
    n_kv = r.u64() if wide else r.u32()
    if n_tensors > MAX_TENSORS:
        raise GGUFError(f"declares {n_tensors:,} tensors (more than the {MAX_TENSORS:,} budget)")
    if n_kv > MAX_KV:
        raise GGUFError(f"declares {n_kv:,} metadata entries (more than the {MAX_KV:,} budget)")
    # the smallest key/value is 13 bytes, the smallest tensor entry 24: refuse what cannot fit
    if n_kv * 13 + n_tensors * 24 > r.remaining():
        raise GGUFError("declared counts do not fit in the file")
    meta: dict[str, Any] = {}
    for _ in range(n_kv):
        r.tick()
        key = _string(r, wide, MAX_KEY_LEN)
        if key is None:
            raise GGUFError(f"metadata key longer than {MAX_KEY_LEN} bytes")
        vtype = r.u32()
        keep = key in WANTED_KEYS
        value = _value(r, vtype, wide, keep)
        if keep and value is not None:
            meta[key] = value
    alignment = meta.pop("general.alignment", 32)
    if not isinstance(alignment, int) or alignment <= 0 or alignment & (alignment - 1):
        raise GGUFError(f"general.alignment {alignment!r} is not a power of two")
    infos: list[tuple[int, int, int]] = []  # (elements, type, offset)
    for _ in range(n_tensors):
        r.tick()
        if _string(r, wide, MAX_KEY_LEN) is None:
            raise GGUFError(f"tensor name longer than {MAX_KEY_LEN} bytes")
        n_dims = r.u32()
        if n_dims > MAX_DIMS:
            raise GGUFError(f"tensor with {n_dims:,} dimensions (at most {MAX_DIMS})")
        r.tick(n_dims)
        numel = 1
        for _ in range(n_dims):
            numel *= r.u64()  # at most 8 factors below 2^64: a bounded integer
        ttype = r.u32()
        offset = r.u64()
        infos.append((numel, ttype, offset))
    data_start = -(-f.tell() // alignment) * alignment
    data_size = size - data_start
    params = 0
    dtypes: dict[str, int] = {}
    for numel, ttype, offset in infos:
        try:
            qtype = GGMLQuantizationType(ttype)
            block, type_size = GGML_QUANT_SIZES[qtype]
        except (ValueError, KeyError):
            raise GGUFError(f"unknown tensor type {ttype}") from None
        if numel % block:
            raise GGUFError(f"tensor of {numel:,} elements is not a whole number of {qtype.name} blocks")
        nbytes = numel // block * type_size
        if offset + nbytes > data_size:
            raise GGUFError("tensor data lies outside the file")
        params += numel
        dtypes[qtype.name] = dtypes.get(qtype.name, 0) + numel
    return GGUFHeader(
        version,
        len(infos),
        params,
        sorted(dtypes, key=lambda d: -dtypes[d]),
        {k: str(v)[:200] for k, v in meta.items()},
        r.ops,
    )
