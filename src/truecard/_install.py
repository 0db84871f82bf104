"""How this copy of truecard was installed, so that an install hint is one a user can paste.

`pip install 'truecard[web]'` only works for a copy installed from a package index; a user
who ran `pip install -e .` in a checkout needs `pip install -e '.[web]'` instead, and one
who installed a wheel file needs that file's path. The hint is worked out from the running
package's location and the installer's PEP 610 record (`direct_url.json`), with no import
beyond the standard library, so any error path can afford it.
"""

from __future__ import annotations

import json
import os
import shlex
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlparse

# Which extra brings which importable module: a ModuleNotFoundError names the module, the
# hint must name the extra.
EXTRA_OF_MODULE: dict[str, str] = {
    "sqlalchemy": "web",
    "alembic": "web",
    "fastapi": "web",
    "starlette": "web",
    "uvicorn": "web",
    "jinja2": "web",
    "httpx": "web",
    "psycopg": "postgres",
    "psycopg_binary": "postgres",
    "torch": "run",
    "transformers": "run",
    "tokenizers": "run",
    "peft": "run",
    "cyclonedx": "formats",
    "jsonschema": "formats",
    "ray": "ray",
}

# What each extra is for, in the words an error message uses.
EXTRA_PURPOSE: dict[str, str] = {
    "web": "the dashboard and its store (serve, scan --save, db, token, export, import)",
    "postgres": "PostgreSQL databases",
    "run": "running models (verify, scan --verify)",
    "formats": "the cyclonedx format and schema checks",
    "ray": "batch --engine ray",
}


def _checkout_root() -> Path | None:
    """The source checkout this package runs from (`src/truecard` under a pyproject.toml)."""
    here = Path(__file__).resolve().parent
    root = here.parent.parent
    if here.parent.name == "src" and (root / "pyproject.toml").is_file():
        try:
            head = (root / "pyproject.toml").read_text(encoding="utf-8")[:4000]
        except OSError:
            return None
        if 'name = "truecard"' in head:
            return root
    return None


def _shown_path(path: Path) -> str:
    """`.` for the current folder, else the path as given (quoted for a shell later)."""
    try:
        if path.resolve() == Path.cwd().resolve():
            return "."
    except OSError:
        pass
    return str(path)


def _installer() -> str:
    """`uv pip` when uv installed this copy, else `pip`."""
    try:
        from importlib.metadata import distribution

        name = (distribution("truecard").read_text("INSTALLER") or "").strip().lower()
    except Exception:
        return "pip"
    return "uv pip" if name == "uv" else "pip"


@cache
def install_command(extra: str) -> str:
    """The command that adds `extra` to this installation, e.g. `pip install -e '.[web]'`."""
    pip = _installer()
    root = _checkout_root()
    if root is not None:
        return f"{pip} install -e {shlex.quote(_shown_path(root) + f'[{extra}]')}"
    try:
        from importlib.metadata import distribution

        raw = distribution("truecard").read_text("direct_url.json")
    except Exception:
        raw = None
    if raw:
        try:
            record = json.loads(raw)
        except ValueError:
            record = {}
        url = str(record.get("url") or "")
        if "vcs_info" in record:
            vcs = record["vcs_info"]
            ref = f"@{vcs['commit_id']}" if vcs.get("commit_id") else ""
            spec = f"truecard[{extra}] @ {vcs.get('vcs', 'git')}+{url}{ref}"
            return f"{pip} install {shlex.quote(spec)}"
        if url.startswith("file://"):
            local = Path(unquote(urlparse(url).path))
            editable = bool((record.get("dir_info") or {}).get("editable"))
            target = _shown_path(local) if local.is_dir() else os.fspath(local)
            return f"{pip} install {'-e ' if editable else ''}{shlex.quote(target + f'[{extra}]')}"
        if url:
            return f"{pip} install {shlex.quote(f'truecard[{extra}] @ {url}')}"
    return f"{pip} install {shlex.quote(f'truecard[{extra}]')}"


def extra_for(module: str | None) -> str | None:
    """The extra that provides a (possibly dotted) module name, or None when no extra does."""
    if not module:
        return None
    return EXTRA_OF_MODULE.get(module.split(".")[0])


def missing_extra_message(what: str, extra: str, module: str | None = None) -> str:
    """One line: what needs which extra, what is missing, and the command that installs it."""
    why = f" ({module.split('.')[0]} is not installed)" if module else ""
    return f"{what} needs the {extra} extra{why}; install it with: {install_command(extra)}"
