"""Export and import: all evaluations (and claims) as JSON lines, losslessly.

One line per record, models in id order, each model's evaluations oldest first, then claims:

    {"kind":"evaluation","format":"truecard-export/1","model_id":"org/name","stored_at":"...",
     "stored_by":"...","provenance":"pushed","pushed_by":"bob","verified_at":"...",
     "scorecard":{...the stored scorecard, byte for byte...}}

(`provenance` is how the evaluation reached the exporting store, kept on import; `pushed_by` and
`verified_at` only when set; a line without `provenance` is the importer's: "imported" or "demo".)
    {"kind":"claim","format":"truecard-export/1","model_id":"org/name","criterion":"...",
     "evidence_url":"https://...","note":"...","author":"...","created_at":"..."}

Exporting, importing into an empty store and exporting again gives the same file. Users, tokens
and sessions are never exported (they hold secrets); the audit log records the import itself.

`import` also reads: a bare scorecard per line (`truecard scan -f json`, compact), one pretty-
printed scorecard, and the TRUE reference tool's JSON export (an array or one evaluation). A bad
line is reported with its line number and the rest is still imported.
"""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from truecard.store import cards, reference, repo
from truecard.store.db import Database
from truecard.store.orm import Claim, Evaluation, Model

FORMAT = "truecard-export/1"
LINE_MAX = 8_000_000
BATCH = 200


def _iso(t: datetime) -> str:
    return t.astimezone(UTC).isoformat()


def iter_export(s: Session) -> Iterator[str]:
    """The export, line by line (no newline), streamed from the database."""
    models = s.execute(select(Model.id, Model.model_id).order_by(Model.model_id)).all()
    for pk, mid in models:
        evs = s.execute(
            select(Evaluation.scorecard, Evaluation.stored_at, Evaluation.stored_by, Evaluation.provenance,
                   Evaluation.pushed_by, Evaluation.verified_at)
            .where(Evaluation.model_pk == pk)
            .order_by(Evaluation.scanned_at, Evaluation.stored_at, Evaluation.id)
        )
        for text, stored_at, stored_by, provenance, pushed_by, verified_at in evs:
            # the stored text goes out untouched: no parse and re-serialise
            # with its provenance: a pushed evaluation stays pushed (and unranked) in another store
            line: dict[str, Any] = {"kind": "evaluation", "format": FORMAT, "model_id": mid,
                                    "stored_at": _iso(stored_at), "stored_by": stored_by, "provenance": provenance}
            if pushed_by:
                line["pushed_by"] = pushed_by
            if verified_at is not None:
                line["verified_at"] = _iso(verified_at)
            head = cards.canonical_json(line)
            yield head[:-1] + ',"scorecard":' + text + "}"
        for c in s.scalars(select(Claim).where(Claim.model_pk == pk).order_by(Claim.created_at, Claim.id)):
            yield cards.canonical_json(
                {"kind": "claim", "format": FORMAT, "model_id": mid, "criterion": c.criterion,
                 "evidence_url": c.evidence_url, "note": c.note, "author": c.author,
                 "created_at": _iso(c.created_at)}
            )


def export(db: Database, out: IO[str]) -> int:
    n = 0
    with db.read() as s:
        for line in iter_export(s):
            out.write(line + "\n")
            n += 1
    return n


# ---------------------------------------------------------------------------------- import


@dataclass
class ImportReport:
    evaluations: int = 0
    duplicates: int = 0
    claims: int = 0
    models_created: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        return (
            f"imported {self.evaluations} evaluation(s) ({self.models_created} new model(s)), "
            f"{self.claims} claim(s); {self.duplicates} already stored; {len(self.errors)} bad line(s)"
        )


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        t = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return t if t.tzinfo else t.replace(tzinfo=UTC)


def _records(text_lines: Iterable[tuple[int, str]]) -> Iterator[tuple[int, Any, str | None]]:
    """(line number, decoded object or None, error) for each non-blank line."""
    for no, line in text_lines:
        if not line.strip():
            continue
        if len(line) > LINE_MAX:
            yield no, None, f"line longer than {LINE_MAX} characters"
            continue
        try:
            yield no, json.loads(line), None
        except json.JSONDecodeError as exc:
            yield no, None, f"not valid JSON: {exc.msg} (column {exc.colno})"


def _array_items(text: str) -> Iterator[tuple[int, Any, str | None]]:
    """Items of a JSON array with the line each starts on."""
    dec = json.JSONDecoder()
    i = text.index("[") + 1
    n = len(text)

    def skip(i: int) -> int:
        while i < n and text[i] in " \t\r\n":
            i += 1
        return i

    i = skip(i)
    if i < n and text[i] == "]":
        return
    while i < n:
        line = text.count("\n", 0, i) + 1
        try:
            obj, end = dec.raw_decode(text, i)
        except json.JSONDecodeError as exc:
            yield exc.lineno, None, f"not valid JSON: {exc.msg} (column {exc.colno})"
            return
        yield line, obj, None
        i = skip(end)
        if i < n and text[i] == ",":
            i = skip(i + 1)
            continue
        if i < n and text[i] == "]":
            return
        yield text.count("\n", 0, i) + 1, None, "expected ',' or ']' in the JSON array"
        return


def _open_text(path: str | Path) -> IO[str]:
    p = Path(path)
    with open(p, "rb") as fh:
        magic = fh.read(2)
    if magic == b"\x1f\x8b":
        return io.TextIOWrapper(gzip.open(p, "rb"), encoding="utf-8", errors="replace", newline="\n")
    return open(p, encoding="utf-8-sig", errors="replace", newline="\n")


def read_records(path: str | Path) -> Iterator[tuple[int, Any, str | None]]:
    """Decode any accepted import file into (line number, object, error) records."""
    with _open_text(path) as fh:
        first = ""
        head: list[str] = []
        for line in fh:
            head.append(line)
            if line.strip():
                first = line.strip()
                break
        if first.startswith("[") or first == "{":
            text = "".join(head) + fh.read()
            if first.startswith("["):
                yield from _array_items(text)
                return
            try:
                obj = json.loads(text)
            except json.JSONDecodeError as exc:
                yield exc.lineno, None, f"not valid JSON: {exc.msg} (column {exc.colno})"
                return
            yield len(head), obj, None
            return

        def lines() -> Iterator[tuple[int, str]]:
            for no, line in enumerate(head, 1):
                yield no, line
            for no, line in enumerate(fh, len(head) + 1):
                yield no, line

        yield from _records(lines())


def _provenance(obj: dict[str, Any], default: str) -> tuple[str, str | None, datetime | None]:
    """An export line's provenance, kept as exported ("pushed" stays pushed, and unranked unless
    it was verified); a line that names none is the importer's (`default`)."""
    from truecard.store.orm import PROVENANCES

    how = obj.get("provenance")
    if how is None:
        return default, None, None
    if how not in PROVENANCES:
        raise ValueError(f"unknown provenance {str(how)[:20]!r}")
    who = obj.get("pushed_by")
    return how, (who[:100] if isinstance(who, str) and who else None), _parse_time(obj.get("verified_at"))


def _apply(s: Session, obj: Any, actor: str, report: ImportReport, provenance: str = "imported") -> None:
    """Store one decoded record; raises ValueError (or a repo error) with the reason."""
    if not isinstance(obj, dict):
        raise ValueError("expected a JSON object")
    kind = obj.get("kind")
    if kind == "claim":
        mid = obj.get("model_id")
        if not isinstance(mid, str):
            raise ValueError("claim without model_id")
        model = repo.get_model(s, mid)
        if model is None:
            raise ValueError(f"claim for unknown model {mid!r} (its evaluations must come first)")
        created = _parse_time(obj.get("created_at"))
        author = str(obj["author"]) if isinstance(obj.get("author"), str) else "import"
        exists = s.scalar(
            select(Claim.id).where(
                Claim.model_pk == model.id,
                Claim.criterion == obj.get("criterion"),
                Claim.evidence_url == obj.get("evidence_url"),
                Claim.created_at == created,
            )
        ) if created else None
        if exists:
            report.duplicates += 1
            return
        repo.add_claim(
            s, model, None, criterion=str(obj.get("criterion")), evidence_url=obj.get("evidence_url"),  # type: ignore[arg-type]
            note=obj.get("note") or "", actor=actor, enforce_owner=False, created_at=created, author=author[:100],
        )
        report.claims += 1
        return
    if kind == "evaluation":
        if obj.get("format") not in (FORMAT, None):
            raise ValueError(f"unknown export format {str(obj.get('format'))[:40]!r}")
        doc, mid = obj.get("scorecard"), obj.get("model_id")
        stored_at, stored_by = _parse_time(obj.get("stored_at")), obj.get("stored_by")
        how, who, verified = _provenance(obj, provenance)
    elif reference.looks_like_reference(obj):
        mid, doc = reference.to_scorecard(obj)
        stored_at, stored_by = None, None
        how, who, verified = provenance, None, None
    elif "dimensions" in obj and "truecard_version" in obj:
        doc, mid, stored_at, stored_by = obj, None, None, None
        how, who, verified = provenance, None, None
    else:
        raise ValueError("not a truecard export line, scorecard or reference-tool evaluation")
    if mid is not None and not isinstance(mid, str):
        raise ValueError("model_id must be a string")
    if not isinstance(doc, dict):
        raise cards.InvalidEvaluation("a scorecard must be a JSON object")
    res = repo.save_evaluation(
        s, doc, actor=actor, model_id=mid, stored_at=stored_at,
        stored_by=stored_by if isinstance(stored_by, str) else None, audit_action="evaluation.import",
        provenance=how, pushed_by=who, verified_at=verified,
    )
    if res.duplicate:
        report.duplicates += 1
    else:
        report.evaluations += 1
        report.models_created += int(res.created_model)


def import_records(db: Database, records: Iterable[tuple[int, Any, str | None]], *, actor: str,
                   provenance: str = "imported") -> ImportReport:
    """Import decoded records, committing in batches; each bad record is skipped and reported.
    `provenance` ("imported", "demo") is that of every evaluation whose line names none."""
    report = ImportReport()
    it = iter(records)
    done = False
    while not done:
        with db.write() as s:
            for _ in range(BATCH):
                try:
                    no, obj, err = next(it)
                except StopIteration:
                    done = True
                    break
                if err:
                    report.errors.append((no, err))
                    continue
                sp = s.begin_nested()
                try:
                    _apply(s, obj, actor, report, provenance)
                    sp.commit()
                except (ValueError, repo.NotFound, repo.Forbidden) as exc:
                    sp.rollback()
                    report.errors.append((no, str(exc)[:300]))
                except IntegrityError as exc:
                    sp.rollback()
                    report.errors.append((no, f"conflicts with stored data: {str(exc.orig)[:200]}"))
                except SQLAlchemyError:
                    sp.rollback()
                    raise
    return report


def import_file(db: Database, path: str | Path, *, actor: str, provenance: str = "imported") -> ImportReport:
    return import_records(db, read_records(path), actor=actor, provenance=provenance)
