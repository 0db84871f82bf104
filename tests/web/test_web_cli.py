"""The store's commands end to end: scan --save (history across git revisions), token,
export/import, db, push, serve (--demo; a killed server loses nothing committed)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from support.webutil import EXAMPLE, ROOT, LiveServer, card_for, db_url, free_port, missing, store

__all__ = ["db_url", "store"]


class Result:
    def __init__(self, returncode: int, stdout: str, stderr: str) -> None:
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


def run(*args: str) -> Result:
    """The command line, in process (start-up of a new interpreter costs seconds on a busy machine)."""
    from typer.testing import CliRunner

    from truecard import cli

    if not getattr(cli, "_commands_loaded_for_tests", False):
        cli._load_commands()
        cli._commands_loaded_for_tests = True  # type: ignore[attr-defined]
    r = CliRunner().invoke(cli.app, list(args), catch_exceptions=False)
    return Result(r.exit_code, r.stdout, r.stderr)


def run_process(*args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    e = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run([sys.executable, "-m", "truecard", *args], capture_output=True, text=True, env=e,
                          timeout=timeout, check=False)


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True,
                          env=env).stdout.strip()


def test_scan_save_twice_across_revisions_builds_history(db_url: str, tmp_path: Path) -> None:
    if shutil.which("git") is None:
        missing("git")
    repo = tmp_path / "tiny-open-model"
    shutil.copytree(EXAMPLE, repo)
    (repo / "truecard.yaml").unlink()
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "first")
    rev1 = git(repo, "rev-parse", "HEAD")
    p = run("scan", str(repo), "--save", "--db", db_url, "--model-id", "example/tiny-open-model", "-f", "json")
    assert p.returncode == 0, p.stderr
    report = json.loads(p.stdout)
    assert report["total"] >= 0 and report["frameworks"] == {}  # stdout stays the report asked for
    assert "saved evaluation" in p.stderr and "(new model)" in p.stderr
    (repo / "train.py").unlink()  # the next revision drops its training script
    git(repo, "commit", "-qam", "second")
    rev2 = git(repo, "rev-parse", "HEAD")
    p = run_process("scan", str(repo), "--save", "--db", db_url, "--model-id", "example/tiny-open-model", "-f", "json")
    assert p.returncode == 0 and "2 in its history" in p.stderr, p.stderr
    from truecard.store import open_store
    from truecard.store import repo as r
    from truecard.store.diff import diff_scorecards

    db = open_store(db_url)
    with db.read() as s:
        m = r.get_model(s, "example/tiny-open-model")
        hist = r.history(s, m)
        assert [h.revision for h in hist] == [rev1, rev2]
        # the stored evaluation carries every framework's view (the dashboard shows them)
        stored = r.scorecard_doc(r.get_evaluation(s, m, hist[0].id))
        assert set(stored["frameworks"]) == {"mof", "osaid", "osai"}
        assert hist[0].mof_class == stored["frameworks"]["mof"]["class"] and hist[0].osaid_ready is not None
        d = diff_scorecards(r.scorecard_doc(r.get_evaluation(s, m, hist[0].id)), r.scorecard_doc(r.get_evaluation(s, m, hist[1].id)))
        assert any(x["id"] == "transparent.training_code" for x in d["moved"] + d["reworded"] + d["evidence_changed"])
    db.dispose()
    p = run("scan", "/nonexistent", "--save", "--db", db_url)
    assert p.returncode == 2 and "Traceback" not in p.stderr


def test_token_export_import_and_db_commands(db_url: str, tmp_path: Path) -> None:
    card = tmp_path / "card.json"
    card.write_text(json.dumps(card_for("org/m", "a" * 40)), encoding="utf-8")
    p = run("import", str(card), "--db", db_url)
    assert p.returncode == 0 and "imported 1 evaluation" in p.stdout, p.stderr
    p = run("token", "create", "--name", "alice", "--owns", "org/m", "--db", db_url)
    assert p.returncode == 0, p.stderr
    token = p.stdout.split()[-1]
    assert token.startswith("tc_") and len(token) > 30
    p = run("token", "create", "--name", "bob", "--owns", "org/missing", "--db", db_url)
    assert p.returncode == 2 and "no model 'org/missing'" in p.stderr
    p = run("token", "create", "--name", "<bad>", "--db", db_url)
    assert p.returncode == 2 and "name must be" in p.stderr
    p = run("token", "list", "--db", db_url)
    assert "alice" in p.stdout and token not in p.stdout
    out = tmp_path / "all.jsonl"
    p = run("export", "--db", db_url, "-o", str(out))
    assert p.returncode == 0 and out.read_text().count("\n") == 1
    bad = tmp_path / "bad.jsonl"
    bad.write_text(out.read_text() + "{oops\n" + json.dumps(card_for("org/n")) + "\n", encoding="utf-8")
    p = run("import", str(bad), "--db", db_url)
    assert p.returncode == 1 and f"{bad}:2: not valid JSON" in p.stderr
    assert "imported 1 evaluation" in p.stdout and "1 already stored" in p.stdout
    p = run("import", str(tmp_path / "missing.jsonl"), "--db", db_url)
    assert p.returncode == 2
    p = run("db", "current", "--db", db_url)
    assert p.returncode == 0 and "up to date" in p.stdout
    p = run("db", "upgrade", "--db", db_url)
    assert p.returncode == 0 and "already at revision" in p.stdout
    prefix = token[:10]
    assert run("token", "revoke", prefix, "--db", db_url).returncode == 0
    assert run("token", "revoke", prefix, "--db", db_url).returncode == 2
    p = run("db", "upgrade", "--db", "postgresql://nobody@127.0.0.1:1/none")
    assert p.returncode == 2 and "Traceback" not in p.stderr


def test_push_to_a_live_dashboard(store: Any, tmp_path: Path) -> None:
    from truecard.store import repo

    with store.write() as s:
        _, token = repo.create_token(s, "carol")
    server = LiveServer(store)
    try:
        card = tmp_path / "card.json"
        card.write_text(json.dumps(card_for("carol/model", "c" * 40)), encoding="utf-8")
        p = run("push", str(card), "--to", server.url, "--token", token)
        assert p.returncode == 0 and "stored evaluation" in p.stdout and "/models/carol/model" in p.stdout, p.stderr
        p = run("push", str(card), "--to", server.url, "--token", "tc_wrong")
        assert p.returncode == 2 and "(401)" in p.stderr
        p = run("push", str(card), "--to", server.url)
        assert p.returncode == 2 and "token is needed" in p.stderr
        p = run("push", str(card), "--to", f"http://127.0.0.1:{free_port()}", "--token", token)
        assert p.returncode == 2 and "cannot reach" in p.stderr
    finally:
        server.stop()
    with store.read() as s:
        m = repo.get_model(s, "carol/model")
        assert m is not None and m.owner.name == "carol"


def _serve(*args: str, timeout: float = 120) -> tuple[subprocess.Popen[str], int]:
    """`truecard serve` in a child process on a free port (another one if that was taken meanwhile)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    for _ in range(3):
        port = free_port()
        proc = subprocess.Popen([sys.executable, "-m", "truecard", "serve", "--port", str(port), *args],
                                env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        deadline = time.time() + timeout
        while time.time() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    if json.loads(r.read()) == {"status": "ok"}:
                        return proc, port
            except (OSError, ValueError):
                time.sleep(0.1)
        proc.kill()
        out, _ = proc.communicate(timeout=30)
        if "address already in use" not in out.lower():
            raise AssertionError(f"truecard serve did not start:\n{out[-2000:]}")
    raise AssertionError("no free port")


def test_killed_server_loses_no_committed_evaluation(db_url: str) -> None:
    from truecard.store import open_store, repo

    db = open_store(db_url)
    with db.write() as s:
        _, token = repo.create_token(s, "dora")
    db.dispose()
    proc, port = _serve("--db", db_url)
    try:
        ids = []
        for i in range(3):
            body = json.dumps({"scorecard": card_for("dora/model", f"{i}" * 40, when=f"2025-0{i + 1}-01T00:00:00+00:00")})
            req = urllib.request.Request(f"http://127.0.0.1:{port}/api/evaluations", data=body.encode(),
                                         headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
            with urllib.request.urlopen(req, timeout=30) as resp:
                assert resp.status == 201
                ids.append(json.loads(resp.read())["evaluation_id"])
    finally:
        proc.send_signal(signal.SIGKILL)  # no shutdown, no flush, no goodbye
        proc.wait(30)
    db = open_store(db_url)
    with db.read() as s:
        m = repo.get_model(s, "dora/model")
        assert [h.id for h in repo.history(s, m)] == ids and m.latest_evaluation_id == ids[-1]
    db.dispose()


@pytest.mark.slow
def test_serve_demo_shows_a_real_leaderboard() -> None:
    proc, port = _serve("--demo")
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/models?per_page=1", timeout=30) as r:
            body = json.loads(r.read())
        assert body["total"] == 401  # 400 corpus models and the bundled example
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/models/01-ai/Yi-9B", timeout=30) as r:
            assert b"01-ai/Yi-9B" in r.read()
        q = f"http://127.0.0.1:{port}/api/models?scope=verified"
        with urllib.request.urlopen(q, timeout=30) as r:
            assert [i["model_id"] for i in json.loads(r.read())["items"]] == ["truecard/tiny-open-model"]
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=30)
    assert "imported 420 evaluation(s)" in out


def test_cli_start_up_does_not_load_the_web_stack() -> None:
    code = ("import sys; from truecard import cli; cli._load_commands(); "
            "heavy = [m for m in ('sqlalchemy', 'fastapi', 'alembic', 'uvicorn', 'jinja2') if m in sys.modules]; "
            "print(heavy)")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                       env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    assert p.stdout.strip() == "[]"
