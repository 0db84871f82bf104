"""Batch scans: resumable after kill -9, one failure never stops the rest, engines agree."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from support.files import ROOT, require_corpus
from truecard.batch.ledger import Ledger
from truecard.batch.run import BatchError, BatchOptions, parse_duration, read_sources_file, run_batch


def card_folders(tmp_path: Path, n: int) -> list[Path]:
    cards = sorted((require_corpus() / "cards").glob("*.md"))[:n]
    out = []
    for c in cards:
        d = tmp_path / "models" / c.stem
        d.mkdir(parents=True)
        shutil.copy(c, d / "README.md")
        out.append(d)
    return out


def sources_file(tmp_path: Path, lines: list[str]) -> Path:
    p = tmp_path / "sources.txt"
    p.write_text("# a comment\n\n" + "\n".join(lines) + "\n")
    return p


def ledger_rows(state: Path) -> list[tuple[str, str, int]]:
    db = sqlite3.connect(state)
    try:
        return db.execute("SELECT key, status, attempts FROM items ORDER BY seq").fetchall()
    finally:
        db.close()


def test_batch_scores_and_records_failures(tmp_path: Path) -> None:
    folders = card_folders(tmp_path, 12)
    bad = tmp_path / "empty-file"
    bad.write_text("x")
    lines = [str(f) for f in folders] + [str(tmp_path / "missing"), str(bad)]
    src = sources_file(tmp_path, lines)
    out = tmp_path / "out.jsonl"
    with open(out, "w") as fh:
        summary = run_batch(BatchOptions(sources_file=src, concurrency=2, fmt="jsonl"), out=fh)
    assert (summary.scored, summary.failed) == (12, 2)
    kinds = {k: kind for k, kind, _ in summary.failures}
    assert kinds[str(tmp_path / "missing")] == "not-found"
    assert kinds[str(bad)] == "bad-input"
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(records) == 14 and sum(r["ok"] for r in records) == 12
    # a second run has nothing to do; --retry-failed retries only the two failures
    again = run_batch(BatchOptions(sources_file=src, concurrency=2))
    assert again.scored == again.failed == 0 and again.skipped_done == 14
    retry = run_batch(BatchOptions(sources_file=src, concurrency=2, retry_failed=True))
    assert (retry.scored, retry.failed) == (0, 2)
    (tmp_path / "missing").mkdir()
    (tmp_path / "missing" / "README.md").write_text("# now here\n")
    retry = run_batch(BatchOptions(sources_file=src, concurrency=2, retry_failed=True))
    assert (retry.scored, retry.failed) == (1, 1)


def _score_or_die(sources: list[str], options: dict[str, object]) -> dict[str, object]:
    """`score_item`, except that a worker given a folder holding DIE dies on the spot, as
    one killed for memory or crashed in a native parser does."""
    from truecard.batch.work import score_item

    if (Path(sources[0]) / "DIE").exists():
        os._exit(70)
    return score_item(sources, options)


@pytest.mark.parametrize(("jobs", "n", "die"), [(1, 7, 2), (2, 7, 2), (1, 40, 3), (2, 40, 12)])
def test_a_worker_that_dies_fails_its_item_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int, n: int, die: int
) -> None:
    """The dead worker breaks its pool, and every item the pool held with it (its chunk-mates
    too, with 40 items: see the chunk sizes); the batch goes on with a fresh pool, runs those
    items again one by one, and fails only the one that kills a worker by itself."""
    import truecard.batch.engines as engines

    folders = card_folders(tmp_path, n)
    (folders[die] / "DIE").write_text("")
    monkeypatch.setattr(engines, "score_item", _score_or_die)  # the forked workers inherit it
    chunks: list[list[str]] = []
    chunk = engines.LocalEngine._chunk

    def recorded(self: engines.LocalEngine, queue: list[tuple[str, list[str]]]) -> list[tuple[str, list[str]]]:
        got = chunk(self, queue)
        chunks.append([key for key, _ in got])
        return got

    monkeypatch.setattr(engines.LocalEngine, "_chunk", recorded)  # runs in the parent
    src = sources_file(tmp_path, [str(f) for f in folders])
    state = tmp_path / "state.sqlite"
    summary = run_batch(BatchOptions(sources_file=src, concurrency=jobs, state=state))
    assert (summary.scored, summary.failed) == (n - 1, 1)
    [(key, kind, error)] = summary.failures
    assert key == str(folders[die]) and kind == "error" and "worker crashed" in error
    rows = ledger_rows(state)
    assert sorted(status for _, status, _ in rows) == ["done"] * (n - 1) + ["failed"]
    assert all(attempts == 1 for _, _, attempts in rows)  # each recorded once
    (held,) = [c for c in chunks if str(folders[die]) in c]
    # with 40 items the dying one had chunk-mates: 0-7 at -j 1; 0-4, 5-8, 9-11, 12-14 at -j 2
    assert len(held) == (1 if n == 7 else 8 if jobs == 1 else 3)


def test_local_items_go_in_chunks_remote_ones_alone() -> None:
    """Consecutive local folders go to a worker together, up to CHUNK_MAX and at most a
    quarter of the queue per worker; an item with a remote source always goes alone."""
    from truecard.batch.engines import CHUNK_MAX, LocalEngine

    engine = LocalEngine.__new__(LocalEngine)  # `_chunk` reads only the concurrency
    engine.concurrency = 2
    here = str(ROOT)
    items = [(f"k{i}", [here]) for i in range(30)] + [("hub", ["hf:org/name"]), ("mixed", [here, "gh:org/repo"])]
    items += [(f"t{i}", [here]) for i in range(9)]
    queue = list(reversed(items))
    chunks = []
    while queue:
        chunks.append([key for key, _ in engine._chunk(queue)])
    assert [key for c in chunks for key in c] == [key for key, _ in items]  # every item once, in order
    assert [len(c) for c in chunks][:3] == [5, 4, 4]  # a quarter per worker: 41 // 8, 36 // 8, 32 // 8
    engine.concurrency = 1
    assert len(engine._chunk(list(reversed(items)))) == CHUNK_MAX  # 41 // 4 is more
    assert ["hub"] in chunks and ["mixed"] in chunks
    assert all(len(c) == 1 for c in chunks[-3:])  # the tail spreads over both workers


def test_a_bucket_is_shared_only_where_an_item_may_make_a_request(tmp_path: Path) -> None:
    """Local folders alone start no bucket manager; a remote source or followed links do,
    and their workers then share it (tests/batch/test_batch_hub.py counts its requests)."""
    from truecard.batch.engines import may_request
    from truecard.batch.ledger import Item
    from truecard.batch.run import make_engine
    from truecard.options import ScanOptions

    here = str(ROOT)
    assert not may_request([[here], [here, here]], follow_links=False)
    assert may_request([[here], [here]], follow_links=True)
    assert may_request([[here], ["hf:org/name"]], follow_links=False)
    assert may_request([[here, "gh:org/repo"]], follow_links=False)
    assert may_request([[str(tmp_path / "missing")]], follow_links=False)  # opened as whatever it names

    def item(*sources: str) -> Item:
        return Item(" ".join(sources), list(sources), "pending", 0, None, None, None, None, False)

    local = BatchOptions(concurrency=1)
    cases = [
        (local, [item(here)], False),
        (local, [item(here), item("hf:org/name")], True),
        (BatchOptions(concurrency=1, scan_options=ScanOptions(follow_links=True)), [item(here)], True),
        (local, None, True),  # items not known: shared, as before
    ]
    for opts, items, shared in cases:
        engine = make_engine(opts, items)
        try:
            assert (engine._manager is not None) is shared
            assert (engine.bucket is not None) is shared
            assert engine.stats() == {"requests": 0, "pauses": 0}
        finally:
            engine.close()
    # a run of local folders scores them without one
    folders = card_folders(tmp_path, 3)
    summary = run_batch(BatchOptions(sources_file=sources_file(tmp_path, [str(f) for f in folders]),
                                     concurrency=2, state=tmp_path / "s.sqlite"))
    assert (summary.scored, summary.failed, summary.requests) == (3, 0, 0)


def test_merged_items_and_rescan_of_unchanged(tmp_path: Path, open_model: Path) -> None:
    code = tmp_path / "code"
    code.mkdir()
    (code / "train.py").write_text("import torch\nloss.backward()\nopt.step()\n")
    src = sources_file(tmp_path, [f"{open_model} {code}", str(open_model)])
    first = run_batch(BatchOptions(sources_file=src, concurrency=1))
    assert first.scored == 2
    # nothing changed: a stale re-scan probes revisions and re-scores nothing
    again = run_batch(BatchOptions(sources_file=src, concurrency=1, rescan_stale=0))
    assert again.unchanged == 2 and again.scored == 0
    (open_model / "NEW.md").write_text("# news\n")
    changed = run_batch(BatchOptions(sources_file=src, concurrency=1, rescan_stale=0))
    assert changed.scored == 2 and changed.unchanged == 0


def test_kill_minus_nine_then_resume_scores_everything_exactly_once(tmp_path: Path) -> None:
    # enough items that the run is still going when its first commits are seen: results are
    # committed 64 at a time (BATCH_ROWS), and with 120 a fast machine could finish the run
    # within one poll of the ledger after its first commit, leaving nothing to resume
    n = 300
    folders = card_folders(tmp_path, n)
    src = sources_file(tmp_path, [str(f) for f in folders])
    state = tmp_path / "state.sqlite"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    cmd = [sys.executable, "-m", "truecard", "batch", str(src), "--state", str(state), "-j", "2"]
    proc = subprocess.Popen(
        cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    deadline = time.time() + 120
    done = 0
    while time.time() < deadline:
        time.sleep(0.2)
        if state.exists():
            try:
                done = sum(1 for _, s, _ in ledger_rows(state) if s == "done")
            except sqlite3.OperationalError:
                continue
        if done >= 15:
            break
    os.killpg(proc.pid, signal.SIGKILL)  # the parent and its workers, mid-run
    proc.wait()
    rows = ledger_rows(state)
    done_before = {k for k, s, _ in rows if s == "done"}
    assert 15 <= len(done_before) < n, len(done_before)
    resumed = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert resumed.returncode == 0, resumed.stderr
    rows = ledger_rows(state)
    assert len(rows) == n
    assert all(status == "done" for _, status, _ in rows)
    assert all(attempts == 1 for _, _, attempts in rows), [r for r in rows if r[2] != 1]
    assert f"{n - len(done_before)} scored" in resumed.stderr


@pytest.mark.ray
def test_ray_engine_gives_the_same_results(tmp_path: Path) -> None:
    pytest.importorskip("ray") if not os.environ.get("CI") else None
    folders = card_folders(tmp_path, 10)
    lines = [str(f) for f in folders] + [str(tmp_path / "missing")]
    results = {}
    for engine in ("local", "ray"):
        src = sources_file(tmp_path, lines)
        state = tmp_path / f"{engine}.sqlite"
        summary = run_batch(BatchOptions(sources_file=src, concurrency=2, engine=engine, state=state))
        assert (summary.scored, summary.failed) == (10, 1)
        led = Ledger(state)
        results[engine] = {
            r["item"]: (
                r["card"]["total"],
                [c["points"] for d in r["card"]["dimensions"] for c in d["criteria"]],
            )
            if r["ok"]
            else r["error_kind"]
            for r in led.results()
        }
        led.close()
    assert results["local"] == results["ray"]


def test_bad_batch_input(tmp_path: Path) -> None:
    with pytest.raises(BatchError, match="not found"):
        read_sources_file(tmp_path / "nope.txt")
    p = tmp_path / "s.txt"
    p.write_text('"unterminated\n')
    with pytest.raises(BatchError, match=":1: cannot parse"):
        read_sources_file(p)
    with pytest.raises(BatchError, match="invalid duration"):
        parse_duration("soon")
    assert parse_duration("7d") == 7 * 86400 and parse_duration("90") == 90
    with pytest.raises(BatchError, match="unknown engine"):
        run_batch(BatchOptions(sources_file=sources_file(tmp_path, [str(tmp_path)]), engine="spark"))


def test_batch_save_into_the_store_exactly_once(tmp_path: Path) -> None:
    pytest.importorskip("sqlalchemy")
    from truecard.batch.save import batch_saver
    from truecard.store import open_store
    from truecard.store.orm import Evaluation

    folders = card_folders(tmp_path, 6)
    src = sources_file(tmp_path, [str(f) for f in folders])
    url = f"sqlite:///{tmp_path / 'dash.db'}"
    save, close = batch_saver(url)
    try:
        summary = run_batch(BatchOptions(sources_file=src, concurrency=2), saver=save)
        assert summary.scored == 6
        # a crash between the ledger and the store: the next run saves again, idempotently
        led = Ledger(src.with_name(src.name + ".truecard-state.sqlite"))
        led.db.execute("UPDATE items SET saved=0")
        led.close()
        again = run_batch(BatchOptions(sources_file=src, concurrency=2), saver=save)
        assert again.scored == 0
    finally:
        close()
    db = open_store(url)
    try:
        with db.read() as s:
            from sqlalchemy import func, select

            assert s.scalar(select(func.count()).select_from(Evaluation)) == 6
    finally:
        db.dispose()


def test_batch_cli_bad_duration_is_a_clear_error(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from truecard.cli import _load_commands, app

    _load_commands()
    src = sources_file(tmp_path, [str(tmp_path)])
    r = CliRunner().invoke(app, ["batch", str(src), "--rescan-stale", "soon"])
    assert r.exit_code == 2 and "invalid duration" in r.output and "Traceback" not in r.output


def _shlex_reading(text: str) -> object:
    """What the sources file reader made of `text` when every line went through shlex."""
    import shlex

    items = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip() if not line.lstrip().startswith("#") else ""
        if not line:
            continue
        try:
            items.append(shlex.split(line))
        except ValueError:
            return "error"
    return items


@settings(max_examples=600, deadline=None)
@given(st.lists(st.text(st.sampled_from(list("ab/. \t\r'\"\\#:@\x0b\x0c\x1c\xa0\u2003é")), max_size=20), max_size=6))
def test_sources_lines_split_as_shlex_splits_them(tmp_path_factory: pytest.TempPathFactory, lines: list[str]) -> None:
    """The reader's `str.split` shortcut gives shlex's split, blanks and quotes of every kind."""
    p = tmp_path_factory.mktemp("src") / "sources.txt"
    text = "\n".join(lines)
    p.write_text(text, encoding="utf-8", newline="")
    want = _shlex_reading(p.read_text(encoding="utf-8"))
    try:
        got: object = read_sources_file(p)
    except BatchError:
        got = "error"
    assert got == want, text


def test_a_worker_collects_cycles_every_so_often_and_freezes_what_it_keeps(monkeypatch: pytest.MonkeyPatch) -> None:
    """With the automatic collector off (as in a worker), `_task` collects every GC_EVERY
    items: a reference cycle an item left is freed then, and what survives (the process's
    caches) is frozen, so the next collection does not walk it again."""
    import gc
    import weakref

    from truecard.batch import engines

    class Node:
        pass

    left: list[weakref.ref[Node]] = []
    kept: list[list[int]] = []

    def item(sources: list[str], options: dict[str, object]) -> dict[str, bool]:
        a, b = Node(), Node()
        a.other, b.other = b, a  # type: ignore[attr-defined]  # a cycle, then dropped
        left.append(weakref.ref(a))
        kept.append([len(kept)])  # a container the process keeps
        return {"ok": True}

    monkeypatch.setattr(engines, "score_item", item)
    monkeypatch.setattr(engines, "_done", [0])
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        before = gc.get_freeze_count()
        for _ in range(engines.GC_EVERY - 1):
            engines._task("score", ["x"], {})
        assert all(r() is not None for r in left)  # no collection yet: the cycles are still there
        engines._task("score", ["x"], {})
        assert all(r() is None for r in left)  # collected at the GC_EVERY-th item
        assert gc.get_freeze_count() > before and gc.is_tracked(kept[0])
        assert kept[0] == [0]
    finally:
        gc.unfreeze()
        if was_enabled:
            gc.enable()
