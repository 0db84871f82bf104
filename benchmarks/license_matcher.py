"""Precision and recall of truecard's licence-text matcher, with perturbations.

    PYTHONPATH=src python benchmarks/license_matcher.py [--sample N] [--variants a,b,...]

Text sets, each scored per variant (see `tests/support/perturb.py`):

1. `spdx-patterns`: every licence text the `licenseclassifier` package's data holds. The data
   are LRE patterns (SPDX templates with alternatives, optional parts and wildcards); each is
   rendered to one plain text (first alternative, optional parts kept, wildcards dropped).
2. `ai-corpus`: the real AI model licences in ../shared/corpus/licenses/, against the ids the
   tests expect (skipped when the corpus is absent).
3. `installed-packages`: real licence files shipped by installed Python packages that declare
   an SPDX `License-Expression` in their metadata: an independent set of real-world texts.
4. `negatives`: texts that are no licence (prose, code, a model card without a licence). Any
   licence reported for them is a false positive.

For each set: precision = correct ids / ids reported; recall = correct ids / texts. A
prediction is correct when its id (or one of its parts' ids) equals the expected id after
normalisation by `license-expression` (deprecated ids map to current ones). Class-level
accuracy (the class, which is what scoring uses) is printed too.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.metadata as md
import json
import re
import sys
import time
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

from truecard.licenses import (
    LicenseClass,
    LicenseVerdict,
    _classify_expression,
    canonical_spdx,
    spdx_class,
)
from truecard.licenses.text import match_text

# The perturbations are test code (tests/support), shared with the matcher's tests.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from support.perturb import PERTURBATIONS

AI_EXPECTED = {
    "llama-2-community.txt": "llama2",
    "llama-3-community.txt": "llama3",
    "deepseek-model-license.txt": "deepseek",
    "databricks-open-model-license.txt": "databricks-open-model-license",
    "gpt-2-modified-mit.txt": "gpt-2-modified-mit",
}

NEGATIVES = [
    "# My model\n\nThis model was fine-tuned on a mix of web text and code for three epochs on "
    "8 A100 GPUs. It answers questions about cooking.\n\n## Usage\n\n```python\nfrom transformers "
    "import pipeline\npipe = pipeline('text-generation', model='org/model')\n```\n",
    "import torch\n\n\ndef train(model, data):\n    for batch in data:\n        loss = model(batch)\n"
    "        loss.backward()\n",
    "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt "
    "ut labore et dolore magna aliqua.\n" * 10,
    "Changelog\n\nv1.2: faster tokenizer; fixed a crash when the input is empty.\nv1.1: first "
    "public release of the weights and the evaluation scripts.\n",
]


# --- rendering LRE patterns to plain text ---------------------------------------------------

_TOKEN_RE = re.compile(r"(\(\(|\)\)\?\?|\)\)|\|\||__\d+__)")


def render_lre(lre: str) -> str:
    """One plain text an LRE pattern matches: first alternatives, optional parts kept."""
    text = re.sub(r"//\*\*.*?\*\*//", " ", lre, flags=re.DOTALL)
    tokens = [t for t in _TOKEN_RE.split(text) if t]
    pos = 0

    def seq(stop: set[str]) -> str:
        nonlocal pos
        out: list[str] = []
        while pos < len(tokens) and tokens[pos] not in stop:
            t = tokens[pos]
            pos += 1
            if t == "((":
                alts = [seq({"||", "))", "))??"})]
                while pos < len(tokens) and tokens[pos] == "||":
                    pos += 1
                    alts.append(seq({"||", "))", "))??"}))
                pos += 1  # )) or ))??
                out.append(alts[0])
            elif re.fullmatch(r"__\d+__", t):
                continue
            else:
                out.append(t)
        return "".join(out)

    rendered = seq(set())
    lines = [" ".join(ln.split()) for ln in rendered.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


def spdx_pattern_texts() -> Iterator[tuple[str, str]]:
    import licenseclassifier

    path = resources.files(licenseclassifier).joinpath("_engine/licenses.json.gz")
    with gzip.open(str(path), "rt", encoding="utf-8") as f:
        entries = json.load(f)
    seen: set[str] = set()
    for e in entries:
        if e.get("lre") and e["id"] not in seen:
            seen.add(e["id"])
            yield e["id"], render_lre(e["lre"])


def ai_corpus_texts() -> Iterator[tuple[str, str]]:
    for base in (Path(__file__).parents[1] / ".." / "shared" / "corpus" / "licenses",
                 Path("/work/shared/corpus/licenses")):
        if base.is_dir():
            for name, expect in AI_EXPECTED.items():
                p = base / name
                if p.exists():
                    yield expect, p.read_text("utf-8")
            return


def installed_package_texts() -> Iterator[tuple[str, str]]:
    seen: set[tuple[str, int]] = set()
    for d in md.distributions():
        expr = (d.metadata.get("License-Expression") or "").strip()
        if not expr or canonical_spdx(expr) is None:
            continue
        for f in d.files or []:
            s = str(f)
            if "dist-info" in s and re.search(r"licen[cs]e|copying", s, re.I) and not s.endswith(".py"):
                try:
                    text = Path(str(f.locate())).read_text("utf-8")
                except (OSError, UnicodeDecodeError):
                    continue
                key = (expr, hash(text))
                if len(text) > 300 and key not in seen:
                    seen.add(key)
                    yield canonical_spdx(expr) or expr, text
                break


# --- scoring ------------------------------------------------------------------------------


def _normal(license_id: str | None) -> str | None:
    if not license_id:
        return None
    v = _classify_expression(license_id)
    return (v.license_id if v is not None else license_id).lower()


def _predicted_ids(v: LicenseVerdict) -> set[str]:
    ids = {p.get("id") for p in v.parts} | {v.license_id}
    return {n for n in (_normal(i) for i in ids if i) if n}


def _expected_class(expect: str) -> LicenseClass:
    from truecard.licenses import ai_entry

    e = ai_entry(expect)
    if e and canonical_spdx(expect) is None:
        return LicenseClass(e["class"])
    return spdx_class(expect)


def score(texts: list[tuple[str | None, str]], variants: list[str]) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for variant in variants:
        fn = PERTURBATIONS[variant]
        tp = fp = fn_ = cls_ok = 0
        misses: list[str] = []
        t0 = time.perf_counter()
        for expect, text in texts:
            v = match_text(fn(text))
            reported = v.license_id is not None and v.license_class is not LicenseClass.UNKNOWN
            if expect is None:
                fp += reported
                if reported:
                    misses.append(f"negative -> {v.license_id}")
                continue
            got = _predicted_ids(v)
            if reported and _normal(expect) in got:
                tp += 1
            elif reported:
                fp += 1
                fn_ += 1
                misses.append(f"{expect} -> {v.license_id}")
            else:
                fn_ += 1
                misses.append(f"{expect} -> none")
            cls_ok += v.license_class is _expected_class(expect)
        n = sum(1 for e, _ in texts if e is not None)
        out[variant] = {
            "texts": len(texts), "tp": tp, "fp": fp, "fn": fn_,
            "precision": tp / (tp + fp) if tp + fp else 1.0,
            "recall": tp / n if n else None,
            "class_accuracy": cls_ok / n if n else None,
            "seconds": time.perf_counter() - t0, "misses": misses,
        }
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sample", type=int, default=0, help="use every Nth SPDX pattern only")
    ap.add_argument("--variants", default=",".join(PERTURBATIONS), help="comma-separated")
    ap.add_argument("--misses", type=int, default=8, help="misses to list per set and variant")
    args = ap.parse_args(argv)
    variants = [v for v in args.variants.split(",") if v]
    spdx = list(spdx_pattern_texts())
    if args.sample > 1:
        spdx = spdx[:: args.sample]
    sets: dict[str, list[tuple[str | None, str]]] = {
        "spdx-patterns": list(spdx),
        "ai-corpus": list(ai_corpus_texts()),
        "installed-packages": list(installed_package_texts()),
        "negatives": [(None, t) for t in NEGATIVES],
    }
    print(f"{'set':20} {'variant':20} {'texts':>5} {'precision':>9} {'recall':>7} {'class-acc':>9} {'s':>6}")
    totals = {"tp": 0, "fp": 0, "fn": 0}
    for name, texts in sets.items():
        if not texts:
            print(f"{name:20} (no texts available, skipped)")
            continue
        for variant, r in score(texts, variants).items():
            for k in totals:
                totals[k] += r[k]
            rec = "-" if r["recall"] is None else f"{r['recall']:.3f}"
            acc = "-" if r["class_accuracy"] is None else f"{r['class_accuracy']:.3f}"
            print(f"{name:20} {variant:20} {r['texts']:5d} {r['precision']:9.3f} {rec:>7} {acc:>9} "
                  f"{r['seconds']:6.1f}")
            for m in r["misses"][: args.misses]:
                print(f"{'':42}miss: {m}")
    tp, fp, fn_ = totals["tp"], totals["fp"], totals["fn"]
    print(f"\noverall: precision {tp / (tp + fp):.3f}, recall {tp / (tp + fn_):.3f} "
          f"({tp} correct, {fp} wrong or false positives, {fn_} missed)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
