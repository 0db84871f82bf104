"""Agreement of truecard with two independent raters on a labelled set of real models.

    python benchmarks/accuracy.py                 # the development set, ../shared/bench-dev
    python benchmarks/accuracy.py --set DIR       # another set laid out the same way
    python benchmarks/accuracy.py --json          # everything as one JSON document
    python benchmarks/accuracy.py --only NAME     # one subject, every disagreement shown
    python benchmarks/accuracy.py --criterion ID  # disagreements of one criterion only

The set's layout (its README): `subjects.tsv`, `subjects/NAME/card/`, optionally
`subjects/NAME/code/`, and `labels/A/NAME.json`, `labels/B/NAME.json` with each rater's points
and one-line `why` per criterion. A cell agrees when truecard's points lie within the two
raters' range. Executable criteria are compared with the raters' points capped at 1, since
nothing in such a set can be executed and a static scan gives them at most 1.

The measuring itself lives in `measure()`, which the test suite also calls (a regression
floor), so the figures printed here and the ones the suite guards are the same computation.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_SET = Path(__file__).resolve().parents[2] / "shared" / "bench-dev"
STATIC_CAP = {"executable.inference": 1, "executable.finetuning": 1}


def tier_of(total: int) -> str:
    from truecard.spec import load_spec

    return load_spec().tier_for(total).name


@dataclass
class Cell:
    subject: str
    criterion: str
    points: int
    a: int
    b: int
    agrees: bool
    rationale: str
    quote: str
    why_a: str
    why_b: str


@dataclass
class Subject:
    name: str
    folders: list[str]
    total: int
    total_a: int
    total_b: int
    tier: str
    tier_a: str
    tier_b: str
    error: str | None = None
    weights_licence_open: bool | None = None


@dataclass
class Result:
    set: str
    subjects: list[Subject] = field(default_factory=list)
    cells: list[Cell] = field(default_factory=list)

    # ---- figures -------------------------------------------------------------------------
    @property
    def agreement(self) -> float:
        return sum(c.agrees for c in self.cells) / max(1, len(self.cells))

    def per_criterion(self) -> dict[str, tuple[int, int]]:
        out: dict[str, tuple[int, int]] = {}
        for c in self.cells:
            ok, n = out.get(c.criterion, (0, 0))
            out[c.criterion] = (ok + c.agrees, n + 1)
        return out

    @property
    def tier_agreement(self) -> int:
        return sum(s.tier in (s.tier_a, s.tier_b) for s in self.subjects)

    @property
    def mean_abs_error(self) -> float:
        errs = [min(abs(s.total - s.total_a), abs(s.total - s.total_b)) for s in self.subjects]
        return sum(errs) / max(1, len(errs))

    @property
    def raters_agreement(self) -> float:
        return sum(c.a == c.b for c in self.cells) / max(1, len(self.cells))

    def confusion(self, criterion: str) -> list[list[int]]:
        """rows: the nearer rater's points 0/1/2; columns: truecard's points 0/1/2."""
        m = [[0, 0, 0] for _ in range(3)]
        for c in self.cells:
            if c.criterion != criterion:
                continue
            ref = c.a if abs(c.points - c.a) <= abs(c.points - c.b) else c.b
            m[ref][c.points] += 1
        return m

    @property
    def restricted_scored_open(self) -> list[str]:
        """Subjects whose weights licence both raters call not open (0) yet truecard gave 2."""
        return [
            c.subject
            for c in self.cells
            if c.criterion == "transparent.license" and c.a == 0 and c.b == 0 and c.points == 2
        ]

    def summary(self) -> dict[str, Any]:
        return {
            "set": self.set,
            "subjects": len(self.subjects),
            "cells": len(self.cells),
            "agree": sum(c.agrees for c in self.cells),
            "agreement": round(self.agreement, 4),
            "raters_agreement": round(self.raters_agreement, 4),
            "tier_agreement": self.tier_agreement,
            "mean_abs_error": round(self.mean_abs_error, 3),
            "restricted_scored_open": self.restricted_scored_open,
            "errors": {s.name: s.error for s in self.subjects if s.error},
            "per_criterion": {k: {"agree": a, "of": n} for k, (a, n) in self.per_criterion().items()},
        }


def _label(path: Path) -> dict[str, dict[str, Any]]:
    return json.loads(path.read_text(encoding="utf-8"))["labels"]


def subjects_of(set_dir: Path) -> list[str]:
    lines = (set_dir / "subjects.tsv").read_text(encoding="utf-8").splitlines()
    return [ln.split("\t")[0] for ln in lines[1:] if ln.strip()]


def measure(set_dir: Path | str = DEFAULT_SET, only: list[str] | None = None) -> Result:
    """Scan every subject of the set with every folder it has and compare with both raters."""
    import truecard
    from truecard.licenses.artifacts import attribute

    set_dir = Path(set_dir)
    res = Result(set=str(set_dir))
    from truecard.engine import build_inventory, scorecard_from_inventory
    from truecard.sources import open_source

    for name in subjects_of(set_dir):
        if only and name not in only:
            continue
        base = set_dir / "subjects" / name
        folders = [str(base / f) for f in ("card", "code") if (base / f).is_dir()]
        la = _label(set_dir / "labels" / "A" / f"{name}.json")
        lb = _label(set_dir / "labels" / "B" / f"{name}.json")
        error = None
        points: dict[str, tuple[int, str, str]] = {}
        open_weights = None
        try:
            trees = [open_source(f) for f in folders]
            try:
                inv = build_inventory(trees, use_claims=False)
                card = scorecard_from_inventory(inv, name=name, use_claims=False)
                rows = {r.artifact: r for r in attribute(inv)}
                open_weights = rows["weights"].license_class in ("osi-permissive", "osi-copyleft")
            finally:
                for t in trees:
                    t.close()
            for c in card.criteria:
                quote = ""
                if c.evidence:
                    e = c.evidence[0]
                    quote = f"{e.locator()} {e.excerpt or e.summary}"
                points[c.id] = (c.points, c.rationale, quote)
        except Exception as exc:  # a crash on a subject is a finding, not the end of the run
            error = f"{type(exc).__name__}: {exc}"
        total = 0
        ta = tb = 0
        for cid in la:
            cap = STATIC_CAP.get(cid, 2)
            a = min(la[cid]["points"], cap)
            b = min(lb[cid]["points"], cap)
            p, why, quote = points.get(cid, (0, error or "not scored", ""))
            total += p
            ta += a
            tb += b
            res.cells.append(
                Cell(
                    name, cid, p, a, b, min(a, b) <= p <= max(a, b), why, quote,
                    la[cid].get("why", ""), lb[cid].get("why", ""),
                )
            )
        res.subjects.append(
            Subject(name, folders, total, ta, tb, tier_of(total), tier_of(ta), tier_of(tb), error, open_weights)
        )
    del truecard
    return res


def _print(res: Result, criterion: str | None, show_all: bool) -> None:
    s = res.summary()
    print(f"set: {res.set}  ({s['subjects']} subjects, {s['cells']} cells)")
    print(
        f"cells within the raters' range: {s['agree']}/{s['cells']} ({100 * res.agreement:.1f} %)"
        f"   raters' own agreement: {100 * res.raters_agreement:.1f} %"
    )
    print(f"tier equal to a rater's: {res.tier_agreement}/{len(res.subjects)}")
    print(f"mean abs. error of the total vs the nearer rater: {res.mean_abs_error:.2f} points")
    print(f"weights licences both raters call not open, scored open: {len(res.restricted_scored_open)}"
          + (f" ({', '.join(res.restricted_scored_open)})" if res.restricted_scored_open else ""))
    for name, err in s["errors"].items():
        print(f"ERROR {name}: {err}")
    print()
    print(f"{'criterion':34} agree    off   confusion (rows: rater 0/1/2, cols: truecard 0/1/2)")
    for cid, (ok, n) in res.per_criterion().items():
        m = res.confusion(cid)
        conf = "  ".join("/".join(f"{v:2d}" for v in row) for row in m)
        print(f"{cid:34} {ok:3d}/{n:<3d} {n - ok:4d}   {conf}")
    print()
    for c in res.cells:
        if c.agrees and not show_all:
            continue
        if criterion and c.criterion != criterion:
            continue
        mark = "ok " if c.agrees else "OFF"
        print(f"{mark} {c.subject} {c.criterion}: truecard {c.points}, raters {c.a}/{c.b}")
        print(f"    truecard: {c.rationale}")
        if c.quote:
            print(f"    quote:    {c.quote[:300]}")
        print(f"    A: {c.why_a[:300]}")
        if c.why_b != c.why_a:
            print(f"    B: {c.why_b[:300]}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--set", default=os.environ.get("TRUECARD_ACCURACY_SET", str(DEFAULT_SET)))
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.add_argument("--only", action="append", help="only this subject (repeatable)")
    p.add_argument("--criterion", help="show disagreements of this criterion only")
    p.add_argument("--all", action="store_true", help="show agreeing cells too")
    a = p.parse_args(argv)
    set_dir = Path(a.set)
    if not (set_dir / "subjects.tsv").is_file():
        print(f"accuracy: no labelled set at {set_dir} (subjects.tsv missing)", file=sys.stderr)
        return 2
    res = measure(set_dir, a.only)
    if a.json:
        doc = res.summary()
        doc["confusion"] = {cid: res.confusion(cid) for cid in res.per_criterion()}
        doc["cells"] = [asdict(c) for c in res.cells]
        doc["subject_totals"] = [asdict(s) for s in res.subjects]
        print(json.dumps(doc, indent=1))
    else:
        _print(res, a.criterion, a.all)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
