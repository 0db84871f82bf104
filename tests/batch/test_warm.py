"""`warm()` (run once in the batch parent, before the workers fork) leaves the workers
nothing to load on their first item: no truecard module imported afresh, no prefilter's
literals left to work out (each worker used to parse ~150 patterns on its first card)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

_PROBE = r"""
import json, sys
from truecard.batch.work import score_item, warm
from truecard.evidence.prefilter import Prefiltered

import os
listed = []
sys.addaudithook(lambda event, args: listed.append(str(args[0])) if event in ("os.scandir", "os.listdir") else None)
warm()
# the import system lists the working folder itself (it is on sys.path); a walk of it
# (what fingerprinting a folder does) lists its sub-folders too
walked_cwd = [p for p in listed if os.path.basename(p.rstrip("/")) == "card"]
before = {m for m in sys.modules if m.startswith("truecard")}

def unprimed():
    out = []
    for name, mod in list(sys.modules.items()):
        if name.startswith("truecard.") and mod is not None:
            for key, value in vars(mod).items():
                items = value.values() if isinstance(value, dict) else value if isinstance(value, tuple) else (value,)
                out += [f"{name}.{key}" for x in items if isinstance(x, Prefiltered) and x._lits is False]
    return out

left = unprimed()
results = [score_item([p], {"timeout": None}) for p in sys.argv[1:]]
print(json.dumps({"walked_cwd": walked_cwd, "unprimed": left, "new": sorted({m for m in sys.modules if m.startswith("truecard")} - before),
                  "ok": [r["ok"] for r in results]}))
"""


def test_warm_leaves_a_worker_nothing_to_load(tmp_path: Path) -> None:
    card = tmp_path / "card"
    card.mkdir()
    (card / "README.md").write_text(
        "---\nlicense: apache-2.0\ndatasets: [c4]\n---\n# Acme-7B\n\nAcme-7B is a decoder-only transformer "
        "trained on 2T tokens of C4 on 64 A100 GPUs for 10 days. The weights are available.\n\n"
        "## License\n\nApache-2.0.\n\n```python\nmodel = AutoModel.from_pretrained('acme/acme-7b')\n```\n",
        encoding="utf-8",
    )
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, str(card), str(ROOT / "examples" / "tiny-open-model")],
        capture_output=True, text=True, check=True, cwd=tmp_path,
    )
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["ok"] == [True, True]
    assert got["unprimed"] == []
    assert got["new"] == []
    assert got["walked_cwd"] == []  # warm() once fingerprinted the current folder by mistake
