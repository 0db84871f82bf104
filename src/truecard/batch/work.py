"""What a worker does with one item: score it, or say plainly why it could not."""

from __future__ import annotations

import signal
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from truecard.sources.base import SourceErrorKind


class ItemTimeout(Exception):
    pass


@contextmanager
def _deadline(seconds: float | None) -> Iterator[None]:
    """SIGALRM-based time limit; works in a worker process's main thread (Unix)."""
    if not seconds:
        yield
        return
    try:
        old = signal.signal(signal.SIGALRM, _raise_timeout)
    except ValueError:  # not the main thread (thread engines): no hard limit
        yield
        return
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def _raise_timeout(signum: int, frame: Any) -> None:
    raise ItemTimeout


# A source error's kind, as a batch run names its failure (the ledger's and report's words).
KIND_NAMES: dict[str, str] = {
    SourceErrorKind.RATE_LIMIT: "rate-limited",
    SourceErrorKind.REVISION: "not-found",
    SourceErrorKind.ENTRY: "not-found",
    SourceErrorKind.OFFLINE: "network",
}


def classify_error(exc: BaseException) -> str:
    """The failure's kind: from the error's typed `kind` (sources, the Hub client), else from
    its type. Never from the message text, which is written for people and may change."""
    from truecard.evidence.claims import ClaimsError
    from truecard.sources import SourceError

    kind = getattr(exc, "kind", None)
    if isinstance(kind, SourceErrorKind):
        return KIND_NAMES.get(kind, str(kind))
    if isinstance(exc, ItemTimeout | TimeoutError) or "timeout" in type(exc).__name__.lower():
        return "timeout"
    if isinstance(exc, FileNotFoundError):
        return "not-found"
    if isinstance(exc, PermissionError):
        return "gated"
    if isinstance(exc, ConnectionError):
        return "network"
    if isinstance(exc, SourceError | ClaimsError):
        return "bad-input"
    return "error"


def warm() -> None:
    """Load, once, what every scan needs (modules, the spec, criteria, licence data and the
    licence-text matcher), so that workers forked after it inherit it instead of each
    loading it again (each worker then `gc.freeze()`s it: see `engines._init_worker`).

    A batch is a command-line run (or one like it), so it keeps what the command line keeps
    between processes (`keep_process_regexes`): the patterns' compiled code and their
    prefilter literals come ready-made from the previous run instead of being worked out."""
    from truecard._compiled import keep_process_regexes

    keep_process_regexes()
    import truecard.engine  # noqa: F401 - the evidence collectors and their patterns
    from truecard import licenses
    from truecard.criteria import registry
    from truecard.spec import load_spec

    load_spec()
    registry()
    licenses.ai_licenses()
    licenses._fuzzy_index()
    licenses._scancode()
    licenses.spdx_version()
    try:
        from truecard.licenses.matcher import load_matcher

        load_matcher()
    except ImportError:  # pragma: no cover - a declared dependency
        pass
    import importlib

    for name in _FIRST_USE_MODULES:  # imported by a scan's first use: once here, not per worker
        importlib.import_module(name)
    licenses.classify_id("MIT")  # the SPDX list and the AI licence index, read on the first licence id
    # The source plugins (Hub, git, GitHub) are not loaded here: a local folder is opened and
    # probed without them, and a remote item's first request costs far more than their import.
    _prime_prefilters()


_FIRST_USE_MODULES = (
    "truecard.integrity.declared", "truecard.integrity.facts", "truecard.integrity.pickles",
    "truecard.integrity.rangeio", "truecard.integrity.signatures", "truecard.licenses.conflicts",
    "truecard.licenses.memo", "truecard.licenses.prose", "truecard.records",
)


def _prime_prefilters() -> None:
    """Work out every loaded pattern's prefilter literals now (from the command line's kept
    memo where it has them), and the automata of the many-literal sets (`Prefiltered.prime`):
    each is otherwise worked out on its first search in every worker, a parse of some 150
    patterns, about 0.1 s per worker."""
    import sys

    from truecard.evidence.prefilter import Prefiltered

    for name, mod in list(sys.modules.items()):
        if not name.startswith("truecard.") or mod is None:
            continue
        for value in list(vars(mod).values()):
            items = value.values() if isinstance(value, dict) else value if isinstance(value, tuple) else (value,)
            for x in items:
                if isinstance(x, Prefiltered):
                    x.prime()


def score_item(sources: list[str], options: dict[str, Any]) -> dict[str, Any]:
    """Score one item in a worker. Never raises: failures come back as data.

    The scorecard comes back as JSON text (`card_json`, pydantic's serialiser) with the few
    fields the parent records beside it: text crosses the process boundary far cheaper than
    a nested dict, and the parent stores it as it is.
    """
    import truecard
    from truecard.sources import SourceError

    try:
        with _deadline(options.get("timeout")):
            card = truecard.scan(*sources, options=options.get("scan"))
            revisions = _revisions(sources, card)
        return {"ok": True, "card_json": card.model_dump_json(), "model": card.subject.name,
                "total": card.total, "tier": str(card.tier), "revisions": revisions}
    except ItemTimeout:
        return {"ok": False, "error": f"timed out after {options.get('timeout')} s", "kind": "timeout"}
    except SourceError as exc:
        return {"ok": False, "error": str(exc), "kind": classify_error(exc)}
    except Exception as exc:
        tb = traceback.format_exception_only(type(exc), exc)[-1].strip()
        return {"ok": False, "error": tb[:1000], "kind": classify_error(exc)}


def probe_item(sources: list[str]) -> list[str | None]:
    """The current revision of each source, by the cheapest request the source has."""
    from truecard.sources.resolve import probe_revision

    return [probe_revision(s) for s in sources]


def _revisions(sources: list[str], card: Any) -> list[str | None]:
    """Each given source's revision, as `probe_item` will report it on a later re-scan."""
    from truecard.sources.resolve import probe_revision

    out: list[str | None] = []
    for spec, info in zip(sources, card.subject.sources, strict=False):
        out.append(info.revision if info.kind != "local" or info.revision else probe_revision(spec))
    return out
