"""Which weight files can run code when loaded, and what the pickle-based ones import.

A pickle is a small program: loading one imports whatever globals it names and calls them,
so `torch.load` of a hostile `.bin` runs `os.system`. truecard never loads one. picklescan
(the scanner the Hugging Face Hub itself runs) lists every global a pickle stream imports by
walking its opcodes with `pickletools` (disassembly, not execution), inside PyTorch zip
archives, legacy PyTorch files, NumPy object arrays and plain pickles alike. Each global is then
judged against an allow-list: what PyTorch's own `weights_only` loader needs to rebuild
tensors and state dicts (the rebuild helpers, storages, dtypes, `OrderedDict`), nothing more.
A global picklescan knows to be dangerous (`os.system`, `builtins.eval`, `subprocess.*`, ...) is
`dangerous`; any other global outside the allow-list is `unlisted`; either makes the file
`unsafe`, because loading it would import and call something no weights file needs.

Safetensors and GGUF are code-free by construction (a JSON or key-value header and raw tensor
bytes) and reported as such; ONNX, TFLite and the like hold a graph, not Python objects.
"""

from __future__ import annotations

import posixpath
from typing import Any

from truecard.integrity.rangeio import BudgetExceeded, open_tree_file
from truecard.models import PickleImport, SerializationCheck
from truecard.sources.base import ContentNotFetched, Tree

# Formats whose files are data only: a header and tensor bytes, no code path on load.
CODE_FREE = {
    ".safetensors": "safetensors",
    ".gguf": "gguf",
    ".ggml": "ggml",
    ".onnx": "onnx",
    ".tflite": "tflite",
    ".msgpack": "flax-msgpack",
    ".pte": "executorch",
}
PICKLE_EXTS = {".bin", ".pt", ".pth", ".ckpt", ".pkl", ".pickle", ".joblib", ".npy", ".npz", ".dill"}
# Most files any one scan analyses; over a remote source (the Hub), how many pickle-based files are
# read (ranged reads of a zip's directory and its data.pkl, or a plain pickle's opcodes) and the
# bytes one may cost: a checkpoint's tensors are never fetched.
MAX_FILES = 300
MAX_REMOTE_FILES = 16
REMOTE_BUDGET = 16 << 20
# A pickle inside an archive larger than this when unpacked is not analysed (a zip bomb's trick).
MEMBER_LIMIT = 256 << 20

# What rebuilding tensors and state dicts needs: PyTorch's `weights_only` allow-list, in short.
_TORCH_REBUILD = {
    "_rebuild_tensor", "_rebuild_tensor_v2", "_rebuild_tensor_v3", "_rebuild_parameter",
    "_rebuild_parameter_with_state", "_rebuild_qtensor", "_rebuild_sparse_tensor",
    "_rebuild_meta_tensor_no_storage", "_rebuild_nested_tensor", "_rebuild_device_tensor_from_numpy",
    "_rebuild_device_tensor_from_cpu_tensor",
}
_STORAGES = {
    f"{t}Storage" for t in ("Float", "Double", "Half", "BFloat16", "Long", "Int", "Short", "Char", "Byte",
                           "Bool", "ComplexFloat", "ComplexDouble", "QInt8", "QUInt8", "QInt32",
                           "QUInt4x2", "QUInt2x4", "Untyped")
}
_DTYPES = {
    "float32", "float", "float64", "double", "float16", "half", "bfloat16", "int64", "long", "int32", "int",
    "int16", "short", "int8", "uint8", "bool", "complex64", "complex128", "float8_e4m3fn", "float8_e5m2",
    "uint16", "uint32", "uint64", "qint8", "quint8", "qint32",
}
ALLOWED: dict[str, set[str]] = {
    "collections": {"OrderedDict"},
    "torch._utils": _TORCH_REBUILD,
    "torch": _STORAGES | _DTYPES | {"Size", "device", "per_tensor_affine", "per_channel_affine"},
    "torch.storage": {"UntypedStorage", "TypedStorage"},
    "torch.serialization": {"_get_layout"},
    "torch._tensor": {"_rebuild_from_type_v2"},
    "torch.nn.parameter": {"Parameter"},
    "builtins": {"set", "frozenset", "bytearray", "complex", "slice", "range"},
    "__builtin__": {"set", "frozenset", "bytearray", "complex", "slice"},
    "_codecs": {"encode"},  # how protocol 2 writes bytes
    "numpy": {"dtype", "ndarray"},
    "numpy.core.multiarray": {"_reconstruct", "scalar"},
    "numpy._core.multiarray": {"_reconstruct", "scalar"},
    "numpy.dtypes": {f"{t}DType" for t in ("Float32", "Float64", "Float16", "Int64", "Int32", "Int16", "Int8",
                                            "UInt8", "UInt16", "UInt32", "UInt64", "Bool")},
}


def judge(module: str, name: str, picklescan_level: str) -> str:
    """'dangerous' when picklescan knows the global runs code; 'allowed' on the allow-list; else 'unlisted'."""
    if picklescan_level == "dangerous":
        return "dangerous"
    return "allowed" if name in ALLOWED.get(module, set()) else "unlisted"


def check_format(path: str) -> str | None:
    """The code-free format of a file by its extension, or None."""
    return CODE_FREE.get(posixpath.splitext(path.lower())[1])


def is_candidate(path: str) -> bool:
    ext = posixpath.splitext(path.lower())[1]
    return ext in PICKLE_EXTS or ext in CODE_FREE


def _looks_like_pickle(head: bytes, ext: str) -> str | None:
    """'zip', 'pickle', 'numpy' from the first bytes; None when it is none of them."""
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "zip"
    if head.startswith(b"\x93NUMPY"):
        return "numpy"
    if head[:1] == b"\x80" and len(head) > 1 and head[1] <= 5:
        return "pickle"
    if ext in (".pkl", ".pickle", ".joblib", ".dill") and head[:1] in (b"(", b"c", b"]", b"}", b"I", b"S"):
        return "pickle"  # protocol 0 or 1
    return None


def _oversized_member(fh: Any) -> str | None:
    """The first pickle member of a zip that would unpack past MEMBER_LIMIT (a zip bomb), if any."""
    import zipfile

    with zipfile.ZipFile(fh) as z:
        for info in z.infolist():
            if info.file_size > MEMBER_LIMIT and info.filename.endswith((".pkl", ".pickle", ".npy")):
                return info.filename
    return None


def scan_file(tree: Tree, path: str, size: int) -> dict[str, Any]:
    """What one file imports: {'format', 'verdict', 'imports', 'message'}. Never unpickles."""
    from picklescan import scanner

    ext = posixpath.splitext(path.lower())[1]
    try:
        head = tree.read_head(path, 16)
    except ContentNotFetched as exc:
        return {"format": "pickle", "verdict": "not-scanned", "imports": [], "message": f"not fetched: {exc}"}
    except OSError as exc:
        return {"format": "pickle", "verdict": "error", "imports": [], "message": f"unreadable: {exc}"}
    kind = _looks_like_pickle(head, ext)
    if kind is None:
        return {"format": "binary", "verdict": "not-scanned", "imports": [],
                "message": "no pickle, zip or NumPy header: not a pickle-based file"}
    fmt = {"zip": "pytorch-zip" if ext not in (".npz",) else "numpy-zip", "numpy": "numpy"}.get(kind, "pickle")
    local = tree.local_path(path)
    import logging  # here: a scan without pickle-based files never loads the logging package

    logger = logging.getLogger("picklescan")
    level = logger.level
    logger.setLevel(logging.CRITICAL)  # its findings come back as values; its log would reach the terminal
    try:
        fh = open(local, "rb") if local is not None else open_tree_file(tree, path, size, REMOTE_BUDGET)  # noqa: SIM115
        with fh:
            if kind == "zip":
                too_big = _oversized_member(fh)
                if too_big:
                    return {"format": fmt, "verdict": "not-scanned", "imports": [],
                            "message": f"archive member {too_big} unpacks to more than {MEMBER_LIMIT >> 20} MiB: not analysed"}
                fh.seek(0)
            result = scanner.scan_bytes(fh, path, ext if ext in (".bin", ".pt", ".pth", ".ckpt", ".npy") else None)
    except BudgetExceeded as exc:
        return {"format": fmt, "verdict": "not-scanned", "imports": [], "message": f"remote file not scanned: {exc}"}
    except ContentNotFetched as exc:
        return {"format": fmt, "verdict": "not-scanned", "imports": [], "message": f"not fetched: {exc}"}
    except Exception as exc:  # a corrupt archive or stream: say so, never guess
        return {"format": fmt, "verdict": "error", "imports": [],
                "message": f"could not be analysed: {type(exc).__name__}: {str(exc)[:160]}"}
    finally:
        logger.setLevel(level)
    seen: dict[tuple[str, str], PickleImport] = {}
    for g in result.globals:
        key = (str(g.module), str(g.name))
        verdict = judge(key[0], key[1], g.safety.value)
        old = seen.get(key)
        if old is None or (old.verdict != "dangerous" and verdict == "dangerous"):
            seen[key] = PickleImport(module=key[0], name=key[1], verdict=verdict)  # type: ignore[arg-type]
    imports = sorted(seen.values(), key=lambda i: ({"dangerous": 0, "unlisted": 1, "allowed": 2}[i.verdict],
                                                   i.module, i.name))
    bad = [i for i in imports if i.verdict != "allowed"]
    if bad:
        dangerous = [i for i in bad if i.verdict == "dangerous"]
        listed = ", ".join(f"{i.module}.{i.name}" for i in bad[:6]) + (" ..." if len(bad) > 6 else "")
        message = (f"imports {listed}: " + ("runs code when loaded" if dangerous
                                            else "outside the tensor allow-list; loading it calls them"))
        return {"format": fmt, "verdict": "unsafe", "imports": imports[:60], "message": message}
    if result.scan_err:
        return {"format": fmt, "verdict": "error", "imports": imports[:60],
                "message": "the pickle stream is malformed; only its readable part was analysed"}
    if not imports and kind == "zip" and result.scanned_files == 0:
        return {"format": fmt, "verdict": "safe", "imports": [], "message": "archive holds no pickle"}
    what = ", ".join(f"{i.module}.{i.name}" for i in imports[:4]) or "no globals"
    return {"format": fmt, "verdict": "safe", "imports": imports[:60],
            "message": f"only allow-listed imports ({what})"}


def scan_tree(tree: Tree, evidence_for: Any, budget: list[int]) -> list[SerializationCheck]:
    """A check per weights-like file of a tree: code-free formats named, pickle-based ones scanned.

    `budget` is [files left, remote files left], shared by all trees of one scan.
    """
    out: list[SerializationCheck] = []
    for e in tree.entries():
        if budget[0] <= 0:
            break
        low = e.path.lower()
        if not is_candidate(low) or low.endswith(".index.json"):
            continue
        fmt = check_format(low)
        if fmt is not None:
            out.append(SerializationCheck(
                path=e.path, source=tree.info.id, format=fmt, code_free=True, verdict="code-free",
                message=f"{fmt}: tensors and a header only, no code runs on load",
                evidence=evidence_for(tree, e.path, f"{e.path}: {fmt}, a code-free format"),
            ))
            continue
        remote = tree.local_path(e.path) is None
        if remote and budget[1] <= 0:
            out.append(SerializationCheck(
                path=e.path, source=tree.info.id, format="pickle", code_free=False, verdict="not-scanned",
                message=f"not read: more than {MAX_REMOTE_FILES} remote pickle-based files; scan a local copy",
                evidence=evidence_for(tree, e.path, f"{e.path}: pickle-based, not scanned")))
            continue
        budget[0] -= 1
        budget[1] -= int(remote)
        r = scan_file(tree, e.path, e.size)
        if r["format"] == "binary":
            continue  # a `.bin` that is no pickle (raw tensors, a tokenizer model): nothing to judge
        out.append(SerializationCheck(
            path=e.path, source=tree.info.id, format=r["format"], code_free=False, verdict=r["verdict"],
            imports=r["imports"], message=r["message"],
            evidence=evidence_for(tree, e.path, f"{e.path}: {r['format']}, {r['verdict']}: {r['message']}"[:300]),
        ))
    return out
