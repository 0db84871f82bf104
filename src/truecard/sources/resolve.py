"""Turn a user's source string into a `Tree`.

Schemes are pluggable: a module registers an opener for a prefix (`hf:`, `gh:`, `mot:` ...)
in `OPENERS`. A plain path is a local folder.
"""

from __future__ import annotations

import inspect
import os
import re
import warnings
from collections.abc import Callable
from dataclasses import fields
from typing import Any

from truecard.sources.base import SourceError, Tree
from truecard.sources.local import MAX_FILES, LocalTree
from truecard.sources.options import DEFAULT, SourceOptions

# An opener takes the source string as the user typed it and the (frozen) options of this scan.
Opener = Callable[[str, SourceOptions], Tree]
Prober = Callable[[str], "str | None"]
OPENERS: dict[str, Opener] = {}
PROBERS: dict[str, Prober] = {}
MATCHING_PROBERS: list[tuple[Callable[[str], bool], Prober]] = []
_plugins_loaded = False


# what the "unknown kind of source" hint offers, in registration order: each source module says
# how its sources are written (`form=`), so the hint never lists what is not installed
FORMS: dict[str, None] = {}


def register(prefix: str, opener: Opener | Callable[..., Tree], form: str | None = None) -> None:
    """Route every source string starting with `prefix` to `opener(spec, options)`.

    `form`: how a user writes such a source, for help and errors (`hf:ORG/NAME`). An opener
    written for the old protocol, `opener(spec, **options)`, still works, with a
    DeprecationWarning (see `_adapt`)."""
    OPENERS[prefix] = _adapt(opener)
    if form:
        FORMS[form] = None


# (matches, opener): sources recognised by more than a prefix (a Hub at $HF_ENDPOINT's host),
# asked before the prefixes, so no other source module needs to know about them
MATCHERS: list[tuple[Callable[[str], bool], Opener]] = []
# opens `./clone@REF` (registered by the git source)
LOCAL_REF: list[Callable[[str, str, SourceOptions], Tree]] = []


def register_matcher(matches: Callable[[str], bool], opener: Opener | Callable[..., Tree],
                     prober: Prober | None = None, form: str | None = None) -> None:
    """Route every source string `matches` accepts to `opener` (and `prober`)."""
    MATCHERS.append((matches, _adapt(opener)))
    if prober is not None:
        MATCHING_PROBERS.append((matches, prober))
    if form:
        FORMS[form] = None


def _adapt(opener: Callable[..., Tree]) -> Opener:
    """`opener` as the current protocol calls it, `opener(spec, options)`.

    A third-party opener written before options were an object takes `(spec, **options)`;
    called the new way it would fail with a TypeError traceback in the middle of a scan. It is
    wrapped instead: it gets the options that differ from the defaults as keywords, and a
    DeprecationWarning names it once per call.
    """
    try:
        params = list(inspect.signature(opener).parameters.values())
    except (TypeError, ValueError):  # no signature to read (a builtin): call it the current way
        return opener
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if len(positional) >= 2 or any(p.kind is p.VAR_POSITIONAL for p in params):
        return opener
    takes_any = any(p.kind is p.VAR_KEYWORD for p in params)
    named = {p.name for p in params if p.kind is p.KEYWORD_ONLY}
    where = f"{getattr(opener, '__module__', '?')}.{getattr(opener, '__qualname__', opener)}"

    def legacy(spec: str, options: SourceOptions) -> Tree:
        warnings.warn(f"source opener {where}: opener(spec, **options) is deprecated; take "
                      "opener(spec, options: truecard.sources.SourceOptions)", DeprecationWarning, stacklevel=2)
        kw = {f.name: getattr(options, f.name) for f in fields(options)
              if getattr(options, f.name) != getattr(DEFAULT, f.name)}
        if not takes_any:
            kw = {k: v for k, v in kw.items() if k in named}
        return opener(spec, **kw)

    return legacy


def source_forms() -> list[str]:
    """How each available kind of source is written, a local folder first."""
    if not _plugins_loaded:
        _load_plugins()
    return ["a folder", *FORMS]


def register_local_ref(opener: Callable[[str, str, SourceOptions], Tree]) -> None:
    LOCAL_REF[:] = [opener]


def plugin_modules() -> tuple[str, ...]:
    """The source modules to import: truecard's and installed packages' (group
    `truecard.sources` in `truecard.registry`); each registers its prefixes when imported."""
    from truecard.registry import plugins

    return tuple(p.target.partition(":")[0] for p in plugins("sources").values())


# why a source module could not be loaded (a missing optional package), for the error message
PLUGIN_ERRORS: dict[str, str] = {}


def _load_plugins(modules: tuple[str, ...] | None = None) -> None:
    """Import the source modules, each registering its prefixes.

    Only a missing *third-party* package is tolerated (that source is then unavailable, and
    `open_source` says why); a bug in truecard's own code (a syntax error, a missing truecard
    module) propagates, so it is never disguised as "unknown kind of source".
    """
    import importlib

    global _plugins_loaded
    if modules is None:  # a test loading one module must not stop the rest from loading
        _plugins_loaded = True
    for mod in plugin_modules() if modules is None else modules:
        try:
            importlib.import_module(mod)
        except ModuleNotFoundError as exc:
            missing = exc.name or ""
            if not missing or missing == "truecard" or missing.startswith("truecard."):
                raise
            PLUGIN_ERRORS[mod] = f"{mod.rsplit('.', 1)[-1]} sources need the {missing!r} package"


def plain_folder(spec: str) -> bool:
    """A spec that can only name a local folder: no scheme, not a git address, an existing
    directory. Opened and probed as one without loading any source plugin."""
    return ":" not in spec and not spec.startswith(("git+", "git@")) and os.path.isdir(spec)


def open_source(spec: str, options: SourceOptions | None = None, **changes: Any) -> Tree:
    """Open one source given as the user typed it, with `options` (and keyword `changes` to
    them: `open_source("hf:x/y", offline=True)`; an unknown option name is a SourceError)."""
    opts = SourceOptions.of(options, **changes)
    if not spec or not spec.strip():
        raise SourceError("empty source")
    if plain_folder(spec):
        # a plain local folder (the common case) needs none of the remote sources' imports
        return LocalTree.open(spec)
    if not _plugins_loaded:
        _load_plugins()
    for matches, opener in MATCHERS:
        if matches(spec):
            return opener(spec, opts)
    for prefix, opener in sorted(OPENERS.items(), key=lambda kv: -len(kv[0])):
        if spec.startswith(prefix):
            return opener(spec, opts)
    # `./repo@REF`: a local clone at another ref (a path that itself holds "@" stays a path)
    path, at, ref = spec.rpartition("@")
    if at and path and ref and LOCAL_REF and not os.path.lexists(spec) and os.path.isdir(os.path.expanduser(path)):
        return LOCAL_REF[0](path, ref, opts)
    scheme = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*):", spec)
    if scheme and len(scheme.group(1)) > 1 and not os.path.lexists(spec):
        unavailable = "; ".join(PLUGIN_ERRORS.values())
        forms = source_forms()
        raise SourceError(
            f"{spec}: unknown kind of source {scheme.group(1)!r}; use "
            + (", ".join(forms[:-1]) + " or " + forms[-1] if len(forms) > 1 else forms[0])
            + (f" (not available here: {unavailable})" if unavailable else "")
        )
    return LocalTree.open(spec)




def register_probe(prefix: str, prober: Prober) -> None:
    """A cheap way to learn a source's current revision (one metadata request at most)."""
    PROBERS[prefix] = prober


def probe_revision(spec: str) -> str | None:
    """The source's current revision without fetching it, or None if unknown.

    Used by batch re-scans: an item whose revisions are unchanged is not fetched again.
    For a local folder: its git HEAD, else a fingerprint of paths, sizes and mtimes.
    """
    if plain_folder(spec):  # what `open_source` opens as a local folder, plugins or not
        return _local_fingerprint(spec)
    if not _plugins_loaded:
        _load_plugins()
    for matches, prober in MATCHING_PROBERS:
        if matches(spec):
            return prober(spec)
    for prefix, prober in sorted(PROBERS.items(), key=lambda kv: -len(kv[0])):
        if spec.startswith(prefix):
            return prober(spec)
    for prefix in OPENERS:
        if spec.startswith(prefix):
            return None  # a remote scheme without a prober: always re-scan
    return _local_fingerprint(spec)


_FINGERPRINT_SKIP = frozenset({".git", "__pycache__"})


def _local_fingerprint(path: str) -> str | None:
    """A folder's git HEAD, else a hash of its files' relative paths, sizes and mtimes.

    The walk is `os.walk`'s (top-down, sub-folders in name order after a folder's own files,
    which are in name order too; symlinked folders listed but not entered; unreadable folders
    and files that cannot be stat'ed skipped), written over `os.scandir` with the relative
    paths built as strings: `os.walk` then `os.path.relpath` for every file cost a batch item
    about 40 us of its ~5 ms, this about a third of that. The hash is the same as theirs, so
    a ledger written before keeps its fingerprints (tests/sources/test_fingerprint.py)."""
    import hashlib

    if not os.path.isdir(path):
        return None
    if os.path.exists(os.path.join(path, ".git")):
        from pathlib import Path

        from truecard.sources.local import _git_head

        # a folder holds ".git" exactly when its resolved path does: resolved (a system call
        # per component) only for a work tree
        head = _git_head(Path(path).resolve())
        if head:
            return head
    h = hashlib.sha256()
    n = 0
    stack: list[tuple[str, str]] = [(path, "")]  # (folder, its path relative to `path` + "/")
    while stack:
        top, rel = stack.pop()
        files: list[str] = []
        dirs: list[tuple[str, bool]] = []  # (name, whether it is a symlink: listed, not entered)
        try:
            with os.scandir(top) as it:
                for entry in it:
                    try:
                        is_dir = entry.is_dir()
                    except OSError:
                        is_dir = False
                    if not is_dir:
                        files.append(entry.name)
                    elif entry.name not in _FINGERPRINT_SKIP:
                        dirs.append((entry.name, entry.is_symlink()))
        except OSError:
            continue
        for f in sorted(files):
            try:
                st = os.stat(os.path.join(top, f))
            except OSError:
                continue
            h.update(f"{rel}{f}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
            n += 1
            if n > MAX_FILES:  # past the local walk's bound: no fingerprint, always re-scanned
                return None
        # pushed in reverse, so popped (walked) in name order, each before the next's
        stack.extend((os.path.join(top, d), f"{rel}{d}/") for d, link in sorted(dirs, reverse=True) if not link)
    return "fs:" + h.hexdigest()[:40]
