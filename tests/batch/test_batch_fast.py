"""The batch's cheap paths: results committed in batches, scorecards passed as JSON text.

Speed is measured in benchmarks/bench_batch.py; these check that nothing is lost or changed.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from test_batch import card_folders, sources_file

import truecard
from truecard.batch import ledger as ledger_mod
from truecard.batch.ledger import Ledger
from truecard.batch.run import BatchOptions, run_batch
from truecard.batch.work import score_item


def test_scorecard_text_from_a_worker_is_the_scorecard(tmp_path: Path) -> None:
    (folder,) = card_folders(tmp_path, 1)
    out = score_item([str(folder)], {"timeout": 60})
    assert out["ok"], out
    card = truecard.scan(folder).model_dump(mode="json")
    got = json.loads(out["card_json"])
    for c in (card, got):
        c.pop("scanned_at", None)
        c.pop("duration_seconds", None)
    assert got == card
    assert (out["model"], out["total"], out["tier"]) == (card["subject"]["name"], card["total"], card["tier"])


def test_ledger_commits_in_batches_and_on_close(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(ledger_mod, "BATCH_ROWS", 3)
    monkeypatch.setattr(ledger_mod, "BATCH_SECONDS", 3600.0)
    path = tmp_path / "l.sqlite"
    led = Ledger(path)
    led.add([[f"m{i}"] for i in range(5)])
    card = {"subject": {"name": "x", "sources": [{"revision": "abc"}]}, "total": 3, "tier": "None"}

    def done_elsewhere() -> int:
        db = sqlite3.connect(path)
        try:
            return db.execute("SELECT COUNT(*) FROM items WHERE status='done'").fetchone()[0]
        finally:
            db.close()

    led.finish("m0", {"card": card})
    led.finish("m1", {"card_json": json.dumps(card), "model": "x", "total": 3, "tier": "None"})
    assert not led.due() and done_elsewhere() == 0  # not yet committed: a crash re-scores them
    led.fail("m2", "boom", "error")
    assert led.due()
    led.flush()
    assert done_elsewhere() == 2
    led.finish("m3", {"card": card})
    led.close()
    assert done_elsewhere() == 3
    led = Ledger(path)
    try:
        results = {r["item"]: r for r in led.results()}
        assert results["m0"]["card"] == results["m1"]["card"] == card
        assert results["m2"]["ok"] is False
        db = sqlite3.connect(path)
        assert db.execute("SELECT revision FROM items WHERE key='m1'").fetchone()[0] == "abc"
        db.close()
    finally:
        led.close()


def test_jsonl_and_store_get_the_ledgers_scorecards_once_each(tmp_path: Path) -> None:
    folders = card_folders(tmp_path, 6)
    src = sources_file(tmp_path, [str(f) for f in folders])
    saved: list[tuple[str, dict]] = []
    out = tmp_path / "out.jsonl"
    with out.open("w") as fh:
        summary = run_batch(
            BatchOptions(sources_file=src, concurrency=2, fmt="jsonl", state=tmp_path / "s.sqlite"),
            saver=lambda card, key: saved.append((key, card)),
            out=fh,
        )
    assert summary.scored == 6
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    led = Ledger(tmp_path / "s.sqlite")
    try:
        recorded = {r["item"]: r["card"] for r in led.results()}
        unsaved = list(led.unsaved())
    finally:
        led.close()
    assert {x["item"]: x["card"] for x in lines} == recorded
    assert all(x["ok"] and "card_json" not in x for x in lines)
    assert sorted(k for k, _ in saved) == sorted(recorded) and dict(saved) == recorded
    assert unsaved == []
