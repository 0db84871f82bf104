"""The documentation site builds with `mkdocs build --strict`: a broken link, a missing page, a
docstring mkdocstrings cannot read or a stale generated page (the rubric) fails this test."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from support.files import ROOT


def test_docs_site_builds_strictly(tmp_path: Path) -> None:
    try:
        import mkdocs  # noqa: F401
        import mkdocs_gen_files  # noqa: F401
        import mkdocstrings  # noqa: F401
    except ImportError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"CI must install the dev extra's documentation packages: {exc}")
        pytest.skip(f"documentation packages not installed: {exc}")
    site = tmp_path / "site"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "NO_MKDOCS_2_WARNING": "1",
           "DISABLE_MKDOCS_2_WARNING": "true"}
    p = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)],
                       cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False)
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr[-3000:]
    cli = (site / "cli" / "index.html").read_text()
    from truecard.cli import command

    for name in command().commands:
        assert f"truecard {name}" in cli, name  # every command has its section
    assert "--fail-under N" in cli
    api = (site / "python" / "index.html").read_text()
    for text in ("to_markdown", "Score one model from one or more sources", "Jupyter"):
        assert text in api, text
    rubric = (site / "rubric" / "index.html").read_text()
    assert "transparent.license" in rubric
    for page in ("index", "python", "cli", "rubric", "sources", "frameworks", "batch", "ci", "dashboard"):
        assert (site / ("index.html" if page == "index" else f"{page}/index.html")).exists(), page
    for shot in ("scan-80.png", "scan-120.png", "jupyter-scorecard.png"):
        assert (site / "screenshots" / shot).stat().st_size > 10_000, shot
