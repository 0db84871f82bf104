"""The package's own data in its fastest form: compiled once, kept as JSON, keyed by version.

truecard's data files (the TRUE spec, the AI licence table, the ScanCode categories it needs)
are YAML or large JSON written for people and for other tools. Parsing and validating them
costs more than a whole scan of a small model, on every start. So each is compiled once, at
first use, into the plain JSON the code actually needs, under
`<cache>/compiled/<name>-<key>.json`; later processes read that (a `json.loads` of a few kB).

The key covers everything the compiled form is made from: truecard's version, and the size and
modification time of every input file (the data file itself, and the installed packages' data
it is combined with), so an upgrade or an edited data file is recompiled, never served stale.
A cache that cannot be read or written (read-only home, full disk) only means compiling every
time; `TRUECARD_NO_COMPILED_CACHE=1` turns it off altogether.

Regular expressions are compiled the same way (`RegexCache`): Python compiles a pattern in
pure Python (parse, then code generation), and the evidence patterns alone cost more at start-up
than a scan; the code it generates is kept per module file and Python build, and handed back to
the regular-expression engine, so a later process gets the very same pattern objects without
compiling them.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import marshal
import os
import re
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
FORMAT = 1


def _root() -> Path:
    from truecard._cachedir import cache_root

    return cache_root() / "compiled"


def _key(name: str, inputs: Iterable[Path | str], extra: str = "") -> str | None:
    from truecard._version import __version__

    h = hashlib.sha256(f"{FORMAT}\0{name}\0{__version__}\0{extra}".encode("utf-8", "surrogateescape"))
    for p in inputs:
        try:
            st = os.stat(p)
        except OSError:
            return None  # an input is missing: nothing safe to key on
        h.update(f"\0{p}\0{st.st_size}\0{st.st_mtime_ns}".encode())
    return h.hexdigest()[:24]


def compiled(name: str, inputs: Iterable[Path | str], build: Callable[[], T], *, extra: str = "") -> T:
    """`build()`'s JSON-serialisable result, from the compiled cache when its inputs are unchanged.

    `inputs` are the files `build` reads; `build` must depend on nothing else (besides the
    truecard version and `extra`, any other text its result depends on), and its result must
    survive a JSON round trip unchanged.
    """
    if os.environ.get("TRUECARD_NO_COMPILED_CACHE"):
        return build()
    key = _key(name, list(inputs), extra)
    if key is None:
        return build()
    path = _root() / f"{name}-{key}.json"
    try:
        return json.loads(path.read_bytes())  # type: ignore[no-any-return]
    except (OSError, ValueError):
        pass
    value = build()
    _store(path, value)
    return value


def kept_bytes(name: str, inputs: Iterable[Path | str], make: Callable[[], bytes], load: Callable[[bytes], T]) -> T:
    """`load(make())`, with `make()`'s bytes kept in `<cache>/compiled/<name>-<key>.bin` and
    read from there while its inputs are unchanged (`make` must depend on nothing else). Kept
    bytes that `load` refuses (ValueError, EOFError, TypeError: a damaged file) are made again."""
    key = None if os.environ.get("TRUECARD_NO_COMPILED_CACHE") else _key(name, list(inputs))
    path = _root() / f"{name}-{key}.bin" if key else None
    if path is not None:
        with contextlib.suppress(OSError, ValueError, EOFError, TypeError):
            return load(path.read_bytes())
    data = make()
    value = load(data)
    if path is not None:
        _store_bytes(path, data)
    return value


def _store(path: Path, value: Any) -> None:
    """Write `value` as JSON atomically; ignore a failing disk (see `_store_bytes`)."""
    try:
        data = json.dumps(value, separators=(",", ":")).encode()
    except (TypeError, ValueError):
        return
    _store_bytes(path, data)


def _store_bytes(path: Path, data: bytes) -> None:
    """Write atomically (concurrent first runs each write a whole file), remove the earlier
    versions' files of the same name, and ignore a failing disk."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        stem = path.name.rsplit("-", 1)[0]
        for old in path.parent.glob(f"{stem}-*{path.suffix}"):  # earlier versions' compilations
            if old != path:
                with contextlib.suppress(OSError):
                    old.unlink()
    except OSError:
        return


def yaml_load(text: str) -> Any:
    """YAML through libyaml's safe loader where PyYAML was built with it (5-6x faster)."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(text, Loader=loader)  # a safe loader, C or Python: never constructs objects


class RegexCache:
    """The compiled regular expressions of one module, kept across processes.

        _rx = RegexCache("evidence.patterns", __file__)
        WORD_RE = _rx.compile(r"\\w+", re.I)      # the same object re.compile gives
        ...
        _rx.save()                                 # at the end of the module

    `compile` returns what `re.compile` returns (equal patterns: same text, flags and engine
    code); on a hit, from the code a previous process generated, with no parsing. The file is
    keyed by the module file's size and time, truecard's version and the exact Python build,
    and holds exactly the patterns of the last process that compiled any (so an edited pattern
    never lingers). Outside CPython, or if its internals ever differ, it is plain `re.compile`.
    """

    def __init__(self, name: str, source: str | os.PathLike[str]) -> None:
        self._table: dict[tuple[str, int], tuple[Any, ...]] = {}
        self._used: dict[tuple[str, int], tuple[Any, ...]] = {}
        self._missed = False
        self._path: Path | None = None
        if os.environ.get("TRUECARD_NO_COMPILED_CACHE") or sys.implementation.name != "cpython":
            return
        import _sre

        key = _key(f"re-{name}\0{sys.version}\0{_sre.MAGIC}\0{_sre.CODESIZE}", [os.fspath(source)])
        if key is None:
            return
        try:
            self._path = _root() / f"re-{name}-{key}.marshal"
            table = marshal.loads(self._path.read_bytes())
        except (OSError, ValueError, EOFError, TypeError, RuntimeError):  # RuntimeError: no home folder
            return
        if isinstance(table, dict):
            self._table = table

    def compile(self, pattern: str, flags: int = 0) -> re.Pattern[str]:
        """`re.compile(pattern, flags)`, from the kept engine code when there is some."""
        import _sre

        k = (pattern, int(flags))
        parts = self._table.get(k)
        if parts is not None:
            try:
                rx: re.Pattern[str] = _sre.compile(pattern, *parts)
            except Exception:  # a damaged file: compile afresh
                pass
            else:
                self._used[k] = parts
                return rx
        self._missed = True
        try:
            parts = _engine_code(pattern, int(flags))
            rx = _sre.compile(pattern, *parts)
        except Exception:  # internals not as expected: nothing kept for this one
            return re.compile(pattern, flags)
        self._used[k] = parts
        return rx

    def save(self) -> None:
        """Keep this module's patterns for the next process, if any had to be compiled."""
        if self._missed and self._path is not None:
            self._missed = False
            try:
                data = marshal.dumps(self._used)
            except ValueError:
                return
            _store_bytes(self._path, data)


def _engine_code(pattern: str, flags: int) -> tuple[Any, ...]:
    """The arguments `re.compile` hands the engine (`_sre.compile`) for `pattern`: what
    `re._compiler.compile` computes, in the same steps."""
    from re import _compiler, _parser  # type: ignore[attr-defined]

    if flags & (re.DEBUG | re.TEMPLATE):  # type: ignore[attr-defined]
        raise ValueError("not kept")
    p = _parser.parse(pattern, flags)
    code = _compiler._code(p, flags)
    groupindex = p.state.groupdict
    indexgroup: list[str | None] = [None] * p.state.groups
    for name, i in groupindex.items():
        indexgroup[i] = name
    # plain ints (the opcodes are int subclasses, which marshal does not keep)
    return (int(flags | p.state.flags), [int(c) for c in code], int(p.state.groups - 1),
            {str(k): int(v) for k, v in groupindex.items()}, tuple(indexgroup))


_PROCESS_MAX = 1500  # patterns kept for the whole process; beyond, only the last process's
# A few new patterns per process are noise, not worth a rewrite: made from scanned text (a
# variable's name), or from a set whose order changes with every process (tokenize's).
_PROCESS_MIN_NEW = 8


_memos: dict[str, dict[str, Any]] = {}
_keeping = False  # set by keep_process_regexes: this process is the command line
_MEMO_MAX = 4000  # entries; a memo that outgrows it (keys made from scanned text) starts again


def process_memo(name: str, inputs: Iterable[Path | str] = ()) -> dict[str, Any]:
    """A dict of JSON values that the command line keeps from one process to the next.

    For work that is a pure function of its key and of `inputs` (say, the literals a regular
    expression requires, which cost a parse of the pattern): a caller looks its key up, and
    computes and stores on a miss. In the command line (after `keep_process_regexes`), the dict
    starts with what earlier processes stored, and is written back at exit when it grew; the
    file is keyed by truecard's version, the Python build and the size and time of every input
    (the module doing the work), so edited code is never served stale results. Elsewhere (the
    library, a batch worker) it is an ordinary dict for this process.
    """
    memo = _memos.get(name)
    if memo is not None:
        return memo
    memo = _memos[name] = {}
    if not _keeping:
        return memo
    key = _key(f"memo-{name}\0{sys.version}", list(inputs))
    if key is None:
        return memo
    try:
        path = _root() / f"{name}-{key}.json"
        loaded = json.loads(path.read_bytes())
        if isinstance(loaded, dict):
            memo.update(loaded)
    except RuntimeError:  # no home folder to keep a cache in
        return memo
    except (OSError, ValueError):
        pass
    import atexit

    atexit.register(_save_memo, path, memo, len(memo))
    return memo


def _save_memo(path: Path, memo: dict[str, Any], loaded: int) -> None:
    if len(memo) > loaded:
        _store(path, memo if len(memo) <= _MEMO_MAX else {})


def keep_process_regexes() -> None:
    """Give `re`'s own cache the patterns the previous process compiled, and keep this one's.

    For the command line (`truecard._entry`): the criteria, collectors and licence modules
    compile some 150 patterns, at import or first use, through `re` itself. Each is entered in
    `re`'s cache ready-made, from the engine code a previous process generated (the same
    objects `re.compile` gives, see `RegexCache`), so those calls find it there; at exit the
    patterns compiled afresh are added to the file (when there are more than a few: patterns
    made from scanned text are not worth a rewrite). Keyed by the exact Python build and
    truecard's version; anything unexpected (another Python, `re` changed) means doing nothing.
    """
    global _keeping
    if _keeping or os.environ.get("TRUECARD_NO_COMPILED_CACHE") or sys.implementation.name != "cpython":
        return  # once per process (the command line, then a batch's warm(), may both ask)
    _keeping = True  # process_memo() may keep its results too
    cache = getattr(re, "_cache", None)
    if not isinstance(cache, dict):
        return
    import _sre

    key = _key(f"re-process\0{sys.version}\0{_sre.MAGIC}\0{_sre.CODESIZE}", [])
    if key is None:
        return
    table: dict[tuple[str, int], tuple[Any, ...]] = {}
    try:
        path = _root() / f"re-process-{key}.marshal"
    except RuntimeError:  # no home folder to keep a cache in
        return
    try:
        loaded = marshal.loads(path.read_bytes())
        if isinstance(loaded, dict):
            table = loaded
    except (OSError, ValueError, EOFError, TypeError):
        pass
    for (pattern, flags), parts in table.items():
        ck = (str, pattern, flags)
        if ck in cache:
            continue
        try:
            cache[ck] = _sre.compile(pattern, *parts)
        except Exception:  # a damaged entry: `re` compiles that one itself
            continue
    import atexit

    atexit.register(_save_process_regexes, path, table)


def _save_process_regexes(path: Path, table: dict[tuple[str, int], tuple[Any, ...]]) -> None:
    cache = getattr(re, "_cache", None)
    if not isinstance(cache, dict):
        return
    new: dict[tuple[str, int], tuple[Any, ...]] = {}
    for ck in list(cache):
        if not (isinstance(ck, tuple) and len(ck) == 3 and ck[0] is str and isinstance(ck[2], int)):
            continue
        k = (ck[1], ck[2])
        if k in table or k in new:
            continue
        try:
            new[k] = _engine_code(ck[1], ck[2])
        except Exception:
            continue
    if not new or (table and len(new) < _PROCESS_MIN_NEW):
        return
    merged = {**table, **new}
    if len(merged) > _PROCESS_MAX:  # patterns made from scanned text accumulate: start again
        merged = {k: v for k, v in merged.items() if (str, *k) in cache}
    try:
        data = marshal.dumps(merged)
    except ValueError:
        return
    _store_bytes(path, data)


_DATACLASS_MAX = 5000  # kept function texts; beyond, only those the last process used
_dataclass_misses = [0]  # texts compiled afresh by this process (read by the tests)


def keep_dataclass_code() -> None:
    """Keep the code `dataclasses` generates, so that later processes need not compile it.

    For the command line (`truecard._entry`). `@dataclass` writes each class's `__init__`,
    `__repr__`, `__eq__` ... as Python source and compiles it with `exec`, at every start:
    some 370 functions for a scan (pydantic's dataclasses and truecard's), 20-30 ms of a
    0.3 s cold scan, measured. Here the module's `exec` name (a module global shadowing the
    builtin, which `dataclasses` looks up at each call) is given a function that compiles
    each text once and keeps the code objects for the next process, as `__pycache__` keeps
    a module's: `compile(text, "<string>", "exec", dont_inherit=True)` is what `exec` itself
    makes of a text from `dataclasses`, whose own code has no future flags, so the classes
    are the very same. The file is keyed by the exact Python build and the `dataclasses`
    module's size and time, and lives in truecard's cache folder (written by this user, like
    the bytecode cache it imitates); anything unexpected means leaving `dataclasses` alone.
    """
    if os.environ.get("TRUECARD_NO_COMPILED_CACHE") or sys.implementation.name != "cpython":
        return
    import builtins
    import dataclasses
    import types

    if "exec" in vars(dataclasses):
        return  # kept already, or someone else's
    key = _key(f"dataclass-code\0{sys.version}", [dataclasses.__file__])
    if key is None:
        return
    try:
        path = _root() / f"dataclass-code-{key}.marshal"
    except RuntimeError:  # no home folder to keep a cache in
        return
    table: dict[str, types.CodeType] = {}
    try:
        loaded = marshal.loads(path.read_bytes())
        if isinstance(loaded, dict):
            table = loaded
    except (OSError, ValueError, EOFError, TypeError):
        pass
    used: dict[str, types.CodeType] = {}
    run = builtins.exec

    def exec_kept(source: Any, globals: Any = None, locals: Any = None, /, **kw: Any) -> None:
        if isinstance(source, str):
            code = table.get(source)
            if not isinstance(code, types.CodeType):
                _dataclass_misses[0] += 1
                code = compile(source, "<string>", "exec", dont_inherit=True)
            used[source] = code
            source = code
        run(source, globals, locals, **kw)

    dataclasses.exec = exec_kept  # type: ignore[attr-defined]
    import atexit

    atexit.register(_save_dataclass_code, path, table, used)


def _save_dataclass_code(path: Path, table: dict[str, Any], used: dict[str, Any]) -> None:
    if not _dataclass_misses[0]:
        return
    merged = {**table, **used}
    if len(merged) > _DATACLASS_MAX:
        merged = dict(used)
    try:
        data = marshal.dumps(merged)
    except ValueError:
        return
    _store_bytes(path, data)
