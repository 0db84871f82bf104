"""The batch ledger: one row per item, so a killed run resumes where it stopped.

A finished item's result and its `done` status are written together by the single parent
process, in transactions of up to `BATCH_ROWS` results or `BATCH_SECONDS` (one durable
commit each, not one per item), so after any crash (even `kill -9`) every item is either
done, with its result, or still to do: at worst the last second's results are scored again
on resume, and nothing is recorded twice. The stdlib `sqlite3` module is enough here: one
writer, a local file, WAL journaling.
"""

from __future__ import annotations

import json
import shlex
import sqlite3
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS items (
    key TEXT PRIMARY KEY,
    sources TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    error_kind TEXT,
    result TEXT,
    model TEXT,
    revision TEXT,
    total INTEGER,
    tier TEXT,
    saved INTEGER NOT NULL DEFAULT 0,
    scored_at REAL,
    checked_at REAL,
    seq INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS items_status ON items(status);
"""

STATUSES = ("pending", "done", "failed")
BATCH_ROWS = 64  # results per transaction at most
BATCH_SECONDS = 1.0  # and no result waits longer than this for its commit


@dataclass
class Item:
    key: str
    sources: list[str]
    status: str
    attempts: int
    error: str | None
    revision: str | None
    scored_at: float | None
    checked_at: float | None
    saved: bool


def item_key(sources: list[str]) -> str:
    """The item's sources as the line that names them: quoted where needed (`shlex.join`), so
    the one source `"sp/a b"` and the two sources `sp/a b` are two items, not one dropped."""
    return shlex.join(sources)


class Ledger:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")  # a committed result survives power loss
        self.db.executescript(SCHEMA)
        self._open = False  # a write transaction is open
        self._rows = 0
        self._since = 0.0

    def close(self) -> None:
        self.flush()
        self.db.close()

    def _write(self, sql: str, params: tuple[Any, ...]) -> None:
        """One row change inside the current write batch (opened on demand)."""
        if not self._open:
            self.db.execute("BEGIN")
            self._open, self._rows, self._since = True, 0, time.monotonic()
        self.db.execute(sql, params)
        self._rows += 1

    def due(self) -> bool:
        """The open batch is full or old enough to commit."""
        return self._open and (
            self._rows >= BATCH_ROWS or time.monotonic() - self._since >= BATCH_SECONDS
        )

    def flush(self) -> None:
        """Commit the open batch (a no-op without one)."""
        if self._open:
            self.db.execute("COMMIT")
            self._open = False

    def add(self, items: Iterable[list[str]]) -> int:
        """Register items (new ones as pending); returns how many were new."""
        self.flush()
        cur = self.db.execute("SELECT COALESCE(MAX(seq), 0) FROM items")
        seq = int(cur.fetchone()[0])
        new = 0
        self.db.execute("BEGIN")
        for sources in items:
            seq += 1
            c = self.db.execute(
                "INSERT OR IGNORE INTO items(key, sources, seq) VALUES (?, ?, ?)",
                (item_key(sources), json.dumps(sources), seq),
            )
            new += c.rowcount
        self.db.execute("COMMIT")
        return new

    def select(
        self,
        *,
        statuses: tuple[str, ...] = ("pending",),
        stale_before: float | None = None,
        keys: set[str] | None = None,
    ) -> list[Item]:
        rows = self.db.execute(
            "SELECT key, sources, status, attempts, error, revision, scored_at, checked_at, saved"
            " FROM items ORDER BY seq"
        ).fetchall()
        out = []
        for r in rows:
            it = Item(r[0], json.loads(r[1]), r[2], r[3], r[4], r[5], r[6], r[7], bool(r[8]))
            if keys is not None and it.key not in keys:
                continue
            stale = (
                stale_before is not None
                and it.status == "done"
                and (it.checked_at or it.scored_at or 0) < stale_before
            )
            if it.status in statuses or stale:
                out.append(it)
        return out

    def finish(self, key: str, result: dict[str, Any]) -> None:
        """Record a scored item and its scorecard (in the current write batch).

        `result` carries the scorecard as JSON text (`card_json`, stored as it is, with
        `model`, `total` and `tier` beside it) or as a dict (`card`).
        """
        text = result.get("card_json")
        if isinstance(text, str):
            model, total, tier = result["model"], result["total"], result["tier"]
            card_sources = None
        else:
            card = result["card"]
            text = json.dumps(card)
            model, total, tier = card["subject"]["name"], card["total"], card["tier"]
            card_sources = card.get("subject", {}).get("sources", [])
        revs = result.get("revisions")
        if not revs:
            if card_sources is None:
                card_sources = json.loads(text).get("subject", {}).get("sources", [])
            revs = [s.get("revision") for s in card_sources]
        now = time.time()
        self._write(
            "UPDATE items SET status='done', attempts=attempts+1, error=NULL, error_kind=NULL,"
            " result=?, model=?, revision=?, total=?, tier=?, saved=0, scored_at=?, checked_at=?"
            " WHERE key=?",
            (text, model, ",".join(r or "" for r in revs), total, tier, now, now, key),
        )

    def fail(self, key: str, error: str, kind: str) -> None:
        self._write(
            "UPDATE items SET status='failed', attempts=attempts+1, error=?, error_kind=? WHERE key=?",
            (error[:2000], kind, key),
        )

    def unchanged(self, key: str) -> None:
        """The source's revision did not change: the stored evaluation is still current."""
        self._write("UPDATE items SET checked_at=? WHERE key=?", (time.time(), key))

    def mark_saved(self, key: str) -> None:
        self._write("UPDATE items SET saved=1 WHERE key=?", (key,))

    def unsaved(self) -> Iterator[tuple[str, dict[str, Any]]]:
        for key, result in self.db.execute(
            "SELECT key, result FROM items WHERE status='done' AND saved=0 AND result IS NOT NULL ORDER BY seq"
        ).fetchall():
            yield key, json.loads(result)

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(STATUSES, 0)
        for status, n in self.db.execute("SELECT status, COUNT(*) FROM items GROUP BY status"):
            out[status] = n
        return out

    def results(self) -> Iterator[dict[str, Any]]:
        for key, status, result, error, kind in self.db.execute(
            "SELECT key, status, result, error, error_kind FROM items ORDER BY seq"
        ):
            if status == "done" and result:
                yield {"item": key, "ok": True, "card": json.loads(result)}
            elif status == "failed":
                yield {"item": key, "ok": False, "error": error, "error_kind": kind}
