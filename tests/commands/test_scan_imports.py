"""What a plain `truecard scan` of a local folder loads: nothing it does not use.

A cold scan's time is mostly imports and pydantic building models, so the modules and models a
plain scan never needs stay out of it: `pydantic.networks` (the claims' URL check is pydantic_core's
own), the policy and published-record packages, and the models deferred in truecard.models
(`DEFERRED`). Each check here reads `sys.modules` and the models' state in a real scan's process
at exit; none measures a time.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from support.files import EXAMPLE, ROOT

# Run the console script's entry point; at exit, write what was imported and which of the models
# that defer their build were built after all.
PROBE = """\
import atexit, gc, json, os, sys

def _report():
    import pydantic
    deferred, built = [], []
    stack = list(pydantic.BaseModel.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if not cls.__module__.startswith("truecard") or not cls.model_config.get("defer_build"):
            continue
        deferred.append(cls.__qualname__)
        if cls.__pydantic_complete__:
            built.append(cls.__qualname__)
    with open(os.environ["PROBE_OUT"], "w") as fh:
        json.dump({"modules": sorted(sys.modules), "deferred": sorted(deferred), "built": sorted(built),
                   "gc": {"enabled": gc.isenabled(), "frozen": gc.get_freeze_count()}}, fh)

atexit.register(_report)
sys.argv = ["truecard", *sys.argv[1:]]
from truecard._entry import main
main()
"""


def _probe(tmp: Path, *args: str) -> dict[str, Any]:
    out = tmp / "probe.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "TRUECARD_CACHE_DIR": str(tmp / "cache"),
           "PROBE_OUT": str(out)}
    res = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, env=env,
                         cwd=tmp, timeout=120)
    assert res.returncode == 0, res.stderr
    return dict(json.loads(out.read_text()))


@pytest.fixture(scope="module")
def plain_scan(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    # the example ships a truecard.yaml, so its claims (and their URL) are read too
    return _probe(tmp_path_factory.mktemp("plain"), "scan", str(EXAMPLE), "-f", "json", "-o", "card.json")


@pytest.mark.parametrize("module", ["pydantic.networks", "truecard.records", "truecard.frameworks.policy"])
def test_a_plain_scan_never_imports_what_it_does_not_use(plain_scan, module):
    assert "truecard.evidence.claims" in plain_scan["modules"]  # the probe saw a real scan
    assert module not in plain_scan["modules"]


def test_the_models_deferred_are_the_ones_a_plain_scan_never_builds(plain_scan):
    assert {"VerifyResult", "MofView", "ClaimSpec", "CriterionSpec"} <= set(plain_scan["deferred"])
    assert plain_scan["built"] == []


def test_a_framework_view_builds_its_deferred_models_when_asked(tmp_path):
    """The other side of the same check: deferred is not absent; a scan that uses one builds it."""
    got = _probe(tmp_path, "scan", str(EXAMPLE), "-f", "json", "-o", "card.json", "--framework", "mof")
    assert "MofView" in got["built"]
    assert "VerifyResult" not in got["built"]
    assert json.loads((tmp_path / "card.json").read_text())["frameworks"]["mof"]["framework"]


def test_the_start_up_imports_are_frozen_out_of_the_collectors_sight(plain_scan, tmp_path):
    """`_entry._settle`: what the imports made is in gc's permanent generation (the tens of
    thousands of objects of pydantic and the models), and collection is on again for the work;
    the same through typer (an option the fast path leaves to it); `--version` leaves gc alone."""
    assert plain_scan["gc"]["enabled"] is True
    assert plain_scan["gc"]["frozen"] > 20_000
    typer = _probe(tmp_path, "scan", str(EXAMPLE), "-f", "json", "-o", "card.json", "--fail-under", "0")
    assert typer["gc"]["enabled"] is True
    assert typer["gc"]["frozen"] > 20_000
    assert "truecard.cli" in typer["modules"]
    version = _probe(tmp_path, "--version")
    assert version["gc"] == {"enabled": True, "frozen": 0}
