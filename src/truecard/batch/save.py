"""Saving batch results into the dashboard's store (the `web` extra).

Saving is idempotent: the store keeps one evaluation per identical scorecard of a model (its
canonical-JSON fingerprint), so a result that reached the store just before a crash, and is
saved again when the run resumes, is not stored twice.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def batch_saver(db_url: str | None) -> tuple[Callable[[dict[str, Any], str], None], Callable[[], None]]:
    """(save, close) for `run_batch(saver=...)`; raises ImportError without the web extra."""
    from truecard.store import open_store, repo

    db = open_store(db_url)

    def save(card: dict[str, Any], key: str) -> None:
        with db.write() as s:
            repo.save_evaluation(s, card, actor="batch", stored_by=f"batch: {key}"[:100])

    return save, db.dispose
