"""One registry for every extension point: formats, sources, frameworks, commands, criteria.

Why one: before it, each kind of extension had its own list (`FORMATS`, `OPENERS` plus a module
list, `BUILTIN` plus an if/elif chain, `COMMAND_MODULES`, the criterion ids), and the CLI's help
repeated them by hand. Here every kind is an entry-point group, and truecard's own plugins are
declared the same way, in the `BUILTIN` table below (read by the same code as a third party's
`[project.entry-points."truecard.formats"]`). Nothing is imported until it is used, so
`truecard --version` and a plain folder scan import no format, no remote source, no command.

| group                 | name                  | value                                              |
|-----------------------|-----------------------|----------------------------------------------------|
| `truecard.formats`    | the `--format` name   | a module with `render(card, options) -> str`       |
| `truecard.sources`    | a label               | a module that calls `truecard.sources.resolve.register(prefix, opener)` |
| `truecard.frameworks` | the `--framework` name| `evaluate(inv, card)` -> the view: a typed model (truecard's own: `MofView`, `OsaidView`, `OsaiView`) or a JSON-ready dict (a third party's) |
| `truecard.commands`   | the command name      | `register(app: typer.Typer) -> None`               |
| `truecard.criteria`   | the criterion id      | the criterion's module (see `truecard.criteria`)   |

A third-party package adds, in its pyproject.toml:

    [project.entry-points."truecard.formats"]
    csv = "truecard_csv:renderer"          # or a module: "truecard_csv"

A built-in plugin that fails to import raises its own error, naming its module (a bug in truecard
must never read as "unknown format" or "unknown kind of source"); a third-party one that fails
is a `PluginError` naming its distribution, or, where all of a group is loaded at once, is
skipped with the reason kept in `broken()`, so one bad package cannot break every scan.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

Group = Literal["formats", "sources", "frameworks", "commands", "criteria"]
GROUPS: tuple[Group, ...] = ("formats", "sources", "frameworks", "commands", "criteria")


@dataclass(frozen=True)
class Plugin:
    """One extension: where it lives (`module` or `module:attr`) and what the help says of it."""

    group: Group
    name: str
    target: str
    distribution: str | None = None  # None for truecard's own
    extra: str | None = None  # the truecard extra it needs, for the help text

    @property
    def builtin(self) -> bool:
        return self.distribution is None


class PluginError(ImportError):
    """A plugin that cannot be loaded; the message names its module."""


def _b(group: Group, name: str, target: str, extra: str | None = None) -> Plugin:
    return Plugin(group, name, target, None, extra)


# truecard's own plugins, in the order help and choices list them.
BUILTIN: tuple[Plugin, ...] = (
    _b("formats", "table", "truecard.reports.table"),
    _b("formats", "json", "truecard.reports.json_report"),
    _b("formats", "markdown", "truecard.reports.markdown"),
    _b("formats", "sarif", "truecard.reports.sarif"),
    _b("formats", "html", "truecard.reports.html_report"),
    _b("formats", "cyclonedx", "truecard.reports.cyclonedx_report", extra="formats"),
    _b("formats", "spdx3", "truecard.reports.spdx3", extra="formats"),
    _b("formats", "badge", "truecard.reports.badge"),
    _b("formats", "shields", "truecard.reports.shields"),
    _b("sources", "hub", "truecard.sources.hub"),
    _b("sources", "git", "truecard.sources.git"),
    _b("sources", "records", "truecard.records"),
    _b("frameworks", "true", "truecard.frameworks.true"),
    _b("frameworks", "mof", "truecard.frameworks:mof_view"),
    _b("frameworks", "osaid", "truecard.frameworks.osaid:evaluate"),
    _b("frameworks", "osai", "truecard.frameworks.osai:evaluate"),
    _b("commands", "batch", "truecard.commands.batch:register"),
    _b("commands", "render", "truecard.commands.render:register"),
    _b("commands", "licenses", "truecard.commands.licenses:register"),
    _b("commands", "verify", "truecard.commands.verify:register"),
    _b("commands", "serve", "truecard.commands.serve:register"),
    _b("commands", "db", "truecard.commands.db:register"),
    _b("commands", "token", "truecard.commands.token:register"),
    _b("commands", "push", "truecard.commands.push:register"),
    _b("commands", "export", "truecard.commands.export:register"),
    _b("commands", "importing", "truecard.commands.importing:register"),
)

_broken: dict[tuple[Group, str], str] = {}


@cache
def _installed(group: Group) -> tuple[Plugin, ...]:
    """Entry points other distributions declare for `truecard.GROUP` (read once per process)."""
    return tuple(Plugin(group, name, value, dist) for g, name, value, dist in _entry_points()
                 if g == f"truecard.{group}")


@cache
def _entry_points() -> tuple[tuple[str, str, str, str], ...]:
    """(group, name, value, distribution) of every `truecard.*` entry point that another
    distribution declares, and of every pydantic plugin, in `importlib.metadata`'s order.

    Reading them means opening the metadata of every installed distribution (a few hundred
    files), which a scan would otherwise do once per group. So it is done once for all groups,
    and kept across processes (`truecard._compiled`) under a fingerprint of what that reading
    depends on: every `sys.path` folder's distributions and the size and time of each one's
    `entry_points.txt`. Installing, removing or editing a package changes it.
    """
    fingerprint = _fingerprint()
    if fingerprint is None:
        return _read_entry_points()
    from truecard._compiled import compiled

    # the groups read are part of the key: a file kept before pydantic's group was read is not reused
    rows = compiled("entry-points", [], lambda: [list(r) for r in _read_entry_points()],
                    extra=f"{fingerprint}\0{PYDANTIC_PLUGINS}")
    return tuple((str(g), str(n), str(v), str(d)) for g, n, v, d in rows)


def _read_entry_points() -> tuple[tuple[str, str, str, str], ...]:
    from importlib.metadata import entry_points

    out = []
    found = entry_points()  # every group in one pass; `entry_points(group=g)` selects from the same
    for group in sorted(g for g in found.groups if g.startswith("truecard.") or g == PYDANTIC_PLUGINS):
        for ep in found.select(group=group):
            dist = getattr(getattr(ep, "dist", None), "name", None) or "?"
            if dist == "truecard":  # our own, declared in BUILTIN already
                continue
            out.append((ep.group, ep.name, ep.value, dist))
    return tuple(out)


_METADATA_SUFFIXES = (".dist-info", ".egg-info")

# pydantic's own plugin group, read with ours: see `declares_pydantic_plugins`
PYDANTIC_PLUGINS = "pydantic"


def declares_pydantic_plugins() -> bool:
    """Whether an installed distribution declares a pydantic plugin (entry point group `pydantic`).

    pydantic looks for plugins the first time it builds a model, by reading the entry points of
    every installed distribution afresh in each process (a tenth of a cold scan's CPU time, most
    of it `importlib.metadata`'s reading). The same reading is kept here across processes under
    the fingerprint above, so the command line can tell pydantic there is nothing to find
    (`truecard._entry`) without looking itself.
    """
    return any(g == PYDANTIC_PLUGINS for g, _, _, _ in _entry_points())


def _fingerprint() -> str | None:
    """What `importlib.metadata` would read the entry points from, as a hash of names, sizes
    and times; None where it would look somewhere this does not see (another metadata finder on
    `sys.meta_path`, a zip file or an egg on `sys.path`), so those are always read afresh."""
    import hashlib
    import os
    import sys
    from importlib.machinery import PathFinder

    if any(hasattr(f, "find_distributions") and f is not PathFinder for f in sys.meta_path):
        return None
    h = hashlib.sha256()
    for entry in sys.path:
        root = entry or "."
        try:
            names = os.listdir(root)
        except NotADirectoryError:
            return None  # a zip file: its metadata is not fingerprinted here
        except OSError:
            continue  # a missing folder holds no distribution
        seen = []
        for name in sorted(names):
            low = name.lower()
            if low.endswith(".egg"):
                return None
            if not low.endswith(_METADATA_SUFFIXES):
                continue
            try:
                st = os.stat(os.path.join(root, name, "entry_points.txt"))
                seen.append(f"{name}\0{st.st_size}\0{st.st_mtime_ns}")
            except OSError:
                seen.append(f"{name}\0-")
        if seen:  # a folder without distributions (the current one, often) changes nothing
            h.update("\0".join(["", "", os.path.abspath(root), *seen]).encode("utf-8", "surrogateescape"))
    return h.hexdigest()


def plugins(group: Group) -> dict[str, Plugin]:
    """Name -> plugin for one group: the built-ins first, then installed packages' in the order
    found. A package cannot replace a built-in of the same name (that would silently change
    what a scorecard means); its entry is ignored."""
    out = {p.name: p for p in BUILTIN if p.group == group}
    for p in _installed(group):
        out.setdefault(p.name, p)
    return out


def names(group: Group) -> list[str]:
    return list(plugins(group))


def load(plugin: Plugin) -> Any:
    """The object a plugin names (a module, or `module:attr`), imported now.

    A built-in's failure propagates as it is (a syntax error or a missing truecard module names
    its file; a missing optional package is an `ImportError` whose `name` the CLI turns into
    "install the X extra"). A third-party plugin's failure is a `PluginError` naming the
    distribution and module, so the user knows whose code broke.
    """
    module, _, attr = plugin.target.partition(":")
    try:
        obj: Any = importlib.import_module(module)
        for part in attr.split(".") if attr else ():
            obj = getattr(obj, part)
    except Exception as exc:
        if plugin.builtin:
            raise
        raise PluginError(
            f"{plugin.group} plugin {plugin.name!r} from {plugin.distribution} ({plugin.target}) "
            f"failed to load: {type(exc).__name__}: {exc}"
        ) from exc
    return obj


def load_all(group: Group) -> list[tuple[Plugin, Any]]:
    """Every plugin of a group, loaded; a third party's that fails is skipped (see `broken()`)."""
    out = []
    for p in plugins(group).values():
        try:
            out.append((p, load(p)))
        except Exception as exc:
            if p.builtin:
                raise
            _broken[(group, p.name)] = f"{p.name} ({p.distribution}): {exc}"
    return out


def broken(group: Group) -> list[str]:
    """Why third-party plugins of a group could not be loaded, for error messages."""
    return [why for (g, _), why in _broken.items() if g == group]


def choices_text(group: Group) -> str:
    """The group's names for help text, with the extra a run of them needs:
    "table, json, ..., cyclonedx, spdx3 (these two need the formats extra), badge, shields"."""
    parts: list[str] = []
    items = list(plugins(group).values())
    i = 0
    while i < len(items):
        extra = items[i].extra
        j = i
        while j + 1 < len(items) and extra and items[j + 1].extra == extra:
            j += 1
        run = ", ".join(p.name for p in items[i : j + 1])
        if extra:
            n = j - i + 1
            count = {1: "this one needs", 2: "these two need", 3: "these three need"}.get(n, f"these {n} need")
            run += f" ({count} the {extra} extra)"
        parts.append(run)
        i = j + 1
    return ", ".join(parts)


def reset() -> None:
    """Forget what was read from installed distributions (tests that install a package)."""
    _installed.cache_clear()
    _entry_points.cache_clear()
    _broken.clear()
    # importlib.metadata keeps folder listings by modification time, which does not change
    # between two installs in the same clock tick
    importlib.invalidate_caches()
