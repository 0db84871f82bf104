"""The server's own check of pushed evaluations: re-scan their public source, compare the points.

A pushed evaluation is its pusher's statement (any token holder can send "30/30, all detected"
with evidence anywhere), so the default leaderboard leaves it out. `rescan(db)` is how one gets
in: for each pushed (or "unknown", stored before provenance was recorded) evaluation not yet
verified, by default the latest of each model, whose sources are Hugging Face or GitHub
repositories pinned at a revision and name the model itself, truecard scans those sources at
those revisions on this machine and compares every criterion's points and detected points:

- **the same**: the evaluation is marked verified (`verified_at`) and ranked (its model too,
  when it is the latest);
- **different**: the server's own scan is stored as a new evaluation ("scanned"), which ranks
  the model with the server's figures; the pushed one stays unranked and its note says so;
- **cannot** (a local folder, no revision, a source the server cannot open): the note says
  why; nothing else changes.

It runs where the operator runs it (`truecard db rescan`, e.g. from cron), never inside a web
request: a scan reads the network and takes seconds. A scan reads; it executes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from truecard.store import cards, repo
from truecard.store.db import Database
from truecard.store.orm import UNCHECKED, Evaluation, Model

RESCANNABLE = ("hf", "gh")
FRAMEWORKS = ("mof", "osaid", "osai")  # what `scan --save` stores, so the server's scan is complete


@dataclass
class Outcome:
    model_id: str
    evaluation_id: int
    result: str  # "matched", "differs", "failed", "not-rescannable"
    note: str
    stored_id: int | None = None  # the server's own evaluation, when the points differed

    def line(self) -> str:
        return f"{self.model_id} evaluation {self.evaluation_id}: {self.result}: {self.note}"


def sources_to_rescan(doc: dict[str, Any], model_id: str) -> tuple[list[str], str | None]:
    """(source specs pinned at their revisions, None), or ([], why it cannot be re-scanned)."""
    card = cards.validate_scorecard(json.loads(json.dumps(doc)))
    specs: list[str] = []
    for src in card.subject.sources:
        loc = src.location.strip()
        if src.kind == "hf" and (loc.startswith("datasets/") or "huggingface.co/datasets/" in loc):
            continue  # a dataset card the model's card names: read again with the model
        if src.kind not in RESCANNABLE:
            return [], f"source {src.id[:80]!r} is {src.kind[:20]!r}: only Hub and GitHub repositories are re-scanned"
        if not src.revision:
            return [], f"source {src.id[:80]!r} names no revision to re-scan"
        rp = cards.repo_path(loc) or (cards.repo_path(src.id) if src.id.startswith(f"{src.kind}:") else None)
        if rp is None:
            return [], f"source {src.id[:80]!r} is not an ORG/NAME repository"
        specs.append(f"{src.kind}:{rp}@{src.revision}")
    if not specs:
        return [], "no public source to re-scan"
    if cards.derive_model_id(card).lower() != model_id.lower():
        return [], f"its sources are not the repository {model_id!r} (pushed under a name its sources do not have)"
    return specs, None


def criteria_points(doc: dict[str, Any]) -> list[tuple[str, int, int]]:
    """Every criterion's (id, points, detected points): what a re-scan must reproduce."""
    return [(str(c.get("id")), int(c.get("points", 0)), int(c.get("detected_points", 0)))
            for d in doc.get("dimensions") or [] for c in d.get("criteria") or []]


def _differences(pushed: list[tuple[str, int, int]], server: list[tuple[str, int, int]]) -> str:
    if [c[0] for c in pushed] != [c[0] for c in server]:
        return "the criteria differ (another spec version)"
    diffs = [f"{a[0]} {a[1]}→{b[1]}" for a, b in zip(pushed, server, strict=True) if a != b]
    return ", ".join(diffs[:5]) + (f" (+{len(diffs) - 5} more)" if len(diffs) > 5 else "")


def default_scan(specs: Sequence[str]) -> dict[str, Any]:
    from truecard.engine import scan
    from truecard.reports.portable import portable

    card = scan(*specs, frameworks=list(FRAMEWORKS))
    return json.loads(portable(card).model_dump_json())  # type: ignore[no-any-return]


def candidates(db: Database, model_ids: Sequence[str] = (), *, every: bool = False) -> list[tuple[int, str]]:
    """(evaluation id, model id) of the unverified pushed evaluations to re-scan."""
    with db.read() as s:
        stmt = (select(Evaluation.id, Model.model_id)
                .join(Model, Model.id == Evaluation.model_pk)
                .where(Evaluation.provenance.in_(UNCHECKED), Evaluation.verified_at.is_(None)))
        if not every:
            stmt = stmt.where(Evaluation.id == Model.latest_evaluation_id)
        if model_ids:
            found = [m for m in (repo.get_model(s, mid) for mid in model_ids) if m is not None]
            stmt = stmt.where(Model.id.in_([m.id for m in found]))
        return [(int(eid), str(mid)) for eid, mid in s.execute(stmt.order_by(Evaluation.id))]


def rescan(
    db: Database,
    model_ids: Sequence[str] = (),
    *,
    every: bool = False,
    actor: str = "rescan",
    scan: Callable[[Sequence[str]], dict[str, Any]] = default_scan,
) -> list[Outcome]:
    """Re-scan each candidate (see the module's docstring); one transaction per evaluation."""
    from truecard.sources import SourceError

    out: list[Outcome] = []
    for eid, mid in candidates(db, model_ids, every=every):
        with db.read() as s:
            ev = s.get(Evaluation, eid)
            assert ev is not None
            pushed = json.loads(ev.scorecard)
        specs, why = sources_to_rescan(pushed, mid)
        server: dict[str, Any] | None = None
        if why is None:
            try:
                server = scan(specs)
            except (SourceError, ValueError, OSError) as exc:
                why = f"the re-scan of {', '.join(specs)} failed: {str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__}"
        with db.write() as s:
            ev = s.get(Evaluation, eid, with_for_update=True)
            assert ev is not None
            model = s.get(Model, ev.model_pk)
            assert model is not None
            if server is None:
                result = "not-rescannable" if not specs else "failed"
                ev.rescan_note = f"{result}: {why}"[:300]
                repo.audit(s, actor, "evaluation.rescan", model, {"evaluation": eid, "result": result, "note": why})
                out.append(Outcome(mid, eid, result, str(why)))
                continue
            a, b = criteria_points(pushed), criteria_points(server)
            if a == b and pushed.get("spec", {}).get("version") == server.get("spec", {}).get("version"):
                note = f"matched: the server's scan of {', '.join(specs)} gave the same points"
                repo.mark_verified(s, ev, note)
                repo.audit(s, actor, "evaluation.rescan", model, {"evaluation": eid, "result": "matched"})
                out.append(Outcome(mid, eid, "matched", note))
                continue
            res = repo.save_evaluation(s, server, actor=actor, model_id=model.model_id, stored_by=actor,
                                       provenance="scanned")
            diff = _differences(a, b) or "the spec version differs"
            note = f"differs ({diff}): the server's own scan is evaluation {res.evaluation.id}"
            ev.rescan_note = note[:300]
            repo.audit(s, actor, "evaluation.rescan", model,
                       {"evaluation": eid, "result": "differs", "server_evaluation": res.evaluation.id})
            out.append(Outcome(mid, eid, "differs", note, res.evaluation.id))
    return out
