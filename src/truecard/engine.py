"""The scan pipeline: sources -> evidence inventory -> criteria -> frameworks -> Scorecard."""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from truecard._version import __version__
from truecard.evidence.claims import load_claims
from truecard.evidence.collect import collect
from truecard.evidence.follow import expand
from truecard.evidence.inventory import Inventory
from truecard.evidence.summary import model_card_summary
from truecard.frameworks import Selection
from truecard.frameworks import apply as apply_frameworks
from truecard.frameworks import resolve as resolve_frameworks
from truecard.frameworks.true import evaluate_criteria
from truecard.models import Scorecard, SpecRef, Subject
from truecard.options import ScanOptions
from truecard.sources import Tree, open_source
from truecard.sources.options import SourceOptions
from truecard.spec import load_spec


def build_inventory(
    trees: Sequence[Tree],
    *,
    claims_file: str | os.PathLike[str] | None = None,
    use_claims: bool = True,
) -> Inventory:
    inv = collect(trees)
    if not all(t.lists_files for t in inv.trees):  # a published record (mot:, osai:) among them
        from truecard.records import merge_records

        merge_records(inv)  # published records' claims, before the claims file's
    if use_claims:
        load_claims(inv, list(trees), claims_file)
    return inv


def scorecard_from_inventory(
    inv: Inventory,
    *,
    name: str | None = None,
    use_claims: bool = True,
    started: float | None = None,
    frameworks: Sequence[str] | Selection | None = None,
) -> Scorecard:
    """TRUE scorecard of an inventory, plus the views of the other frameworks selected.

    `frameworks`: names (`mof`, `osaid`, `osai`, a policy file) or a resolved `Selection`;
    their views land in `Scorecard.frameworks`.
    """
    spec = load_spec()
    dims = evaluate_criteria(inv, use_claims=use_claims)
    total = sum(d.score for d in dims)
    total_detected = sum(c.detected_points for d in dims for c in d.criteria)
    from truecard.licenses.artifacts import scorecard_licenses

    licenses = scorecard_licenses(inv)
    problems = [p for t in inv.trees for p in t.problems] + inv.problems
    partial = [
        f"{t.info.id} was read only in part: {'; '.join(t.info.notes) or 'see problems'}"
        for t in inv.trees
        if t.info.partial
    ]
    card = Scorecard(
        truecard_version=__version__,
        spec=SpecRef(name=spec.name, version=spec.version),
        subject=Subject(name=name or subject_name(inv), sources=[t.info for t in inv.trees]),
        total=total,
        max=spec.max,
        tier=spec.tier_for(total).name,
        total_detected=total_detected,
        tier_detected=spec.tier_for(total_detected).name,
        dimensions=dims,
        scanned_at=datetime.now(UTC),
        claims_used=use_claims and bool(inv.claims),
        warnings=list(dict.fromkeys([*partial, *inv.warnings])),
        problems=problems,
        licenses=licenses,
        verification=inv.verification,
        integrity=inv.integrity,
        duration_seconds=round(time.perf_counter() - started, 4) if started else None,
        model_card=model_card_summary(inv),
    )
    if frameworks:
        selection = frameworks if isinstance(frameworks, Selection) else resolve_frameworks(frameworks)
        apply_frameworks(card, inv, selection)
        if started:
            card.duration_seconds = round(time.perf_counter() - started, 4)
    return card


def subject_name(inv: Inventory) -> str:
    """The model's name: card metadata `model_name`/`model-index`, else the source's name."""
    md = inv.metadata
    name = md.get("model_name")
    if not name and isinstance(md.get("model-index"), list) and md["model-index"]:
        first = md["model-index"][0]
        if isinstance(first, dict):
            name = first.get("name")
    if isinstance(name, str) and name.strip():
        return name.strip()[:200]
    for t in inv.trees:
        subject = getattr(t, "subject", None)  # a record source knows the model's name
        if isinstance(subject, str) and subject:
            return subject[:200]
        if t.info.kind == "local":
            return Path(t.info.location).name
        return t.info.location
    return "unnamed"


def scan(
    *sources: str | os.PathLike[str] | Tree,
    options: ScanOptions | SourceOptions | None = None,
    **changes: Any,
) -> Scorecard:
    """Score one model from one or more sources (paths, `hf:ORG/NAME`, `gh:ORG/REPO`, ...).

    Several sources are merged into one evaluation of one model; a Hub model brings its
    datasets' cards, and `follow_links` also the code repository and paper its card links
    (`truecard.evidence.follow`; at most `follow_max` of them). What is asked is one frozen
    `truecard.options.ScanOptions` (`options`; a `SourceOptions` there stands for a scan with
    those source options), and keyword `changes` to it name its fields or `SourceOptions`'
    (`scan(path, offline=True, follow_links=True)`; an unknown name is a SourceError).
    `frameworks` selects other frameworks' views (`mof`, `osaid`, `osai`, policy files) for
    `Scorecard.frameworks`. Raises `truecard.sources.SourceError` for a source that cannot be
    opened and `truecard.frameworks.FrameworkError` for an unknown framework or a bad policy file.
    `verify`, when given (`VerifyOptions`, a mapping of its fields, or True), runs the source
    holding the weights in the sandbox, and its result becomes the executable criteria's
    evidence (a plain scan runs nothing).
    """
    if not sources:
        raise ValueError("scan() needs at least one source")
    req = ScanOptions.of(options, **changes)
    frameworks = req.frameworks
    selection = None if frameworks is None or isinstance(frameworks, Selection) else resolve_frameworks(frameworks)
    started = time.perf_counter()
    opts = req.source
    trees: list[Tree] = []
    try:
        for s in sources:
            trees.append(s if isinstance(s, Tree) else open_source(os.fspath(s), opts))
        notes = expand(trees, follow_links=req.follow_links, follow_max=req.follow_max, options=opts)
        inv = build_inventory(trees, claims_file=req.claims, use_claims=req.use_claims)
        inv.warnings.extend(notes)
        if req.verify is not None:
            from truecard.verify import verify as run_verify

            # Several sources may be merged (a weights snapshot and a code clone): run the
            # one that holds the weights.
            target = next((f.tree for f in inv.files if f.kind == "weights"), trees[0])
            inv.verification = run_verify(target, req.verify)
        return scorecard_from_inventory(
            inv, name=req.name, use_claims=req.use_claims, started=started, frameworks=selection or frameworks
        )
    finally:
        for t in trees:
            if not any(t is s for s in sources):  # close what this call opened, not the caller's trees
                t.close()
