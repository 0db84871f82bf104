"""Issue 16 item 9: the repository's code (`--trust-remote-code`) runs confined by bubblewrap.

Each escape the audit found is tried for real, by a stand-in child (fast, no torch) and by a
tiny remote-code model loaded by transformers: reading /etc/shadow and a file beside the store
database, writing outside the run's folder, a `setsid()` grandchild outliving the run, and the
network. Nothing here waits on a clock: the grandchild is found by pid while it runs, and is
checked dead (by pid) when `run_child` / `verify` has returned.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import textwrap
import threading
from pathlib import Path

import pytest

from support.tiny_models import gpt2_copy, in_ci, make_remote_code, private_tempdir, tiny_gpt2  # noqa: F401
from truecard.verify import VerifyError, sandbox, verify
from truecard.verify.core import CONFINED_NOTE
from truecard.verify.sandbox import confinement_problem, run_child

__all__ = ["gpt2_copy", "tiny_gpt2"]


@pytest.fixture(autouse=True)
def need_bwrap() -> None:
    problem = confinement_problem()
    if problem:
        if in_ci():
            pytest.fail(f"CI must be able to confine remote code: {problem}", pytrace=False)
        pytest.skip(problem)


def store_beside(tmp_path: Path) -> tuple[Path, Path]:
    """A real SQLite database and a secret file beside it, world-readable, so that only the
    mount namespace (not file permissions) can hide them."""
    d = tmp_path / "share" / "truecard"
    d.mkdir(parents=True)
    db = d / "truecard.db"
    with sqlite3.connect(db) as con:
        con.execute("create table evaluations (id integer primary key, secret text)")
        con.execute("insert into evaluations (secret) values ('token-hash-123')")
    secret = d / "secret.txt"
    secret.write_text("dashboard secret")
    for p in (tmp_path, tmp_path / "share", d):
        p.chmod(0o755)
    for p in (db, secret):
        p.chmod(0o644)
    return db, secret


HOSTILE = """
import json, os, socket, sys, time
found = {{"uid": os.getuid(), "euid": os.geteuid()}}
for name, path in (("shadow", "/etc/shadow"), ("db", {db!r}), ("secret", {secret!r})):
    try:
        with open(path, "rb") as fh:
            found[name] = fh.read(64).decode("latin-1")
    except OSError as exc:
        found[name] = type(exc).__name__
    found[name + "_visible"] = os.path.exists(path)
for name, path in (("write_tmp", "/tmp/truecard-escape"), ("write_outside", {outside!r}),
                   ("write_model", {model_file!r}), ("write_usr", "/usr/truecard-escape")):
    try:
        with open(path, "w") as fh:
            fh.write("escaped")
        found[name] = "written"
    except OSError as exc:
        found[name] = type(exc).__name__
try:
    socket.create_connection(("127.0.0.1", {port}), timeout=2).close()
    found["network"] = "connected"
except OSError as exc:
    found["network"] = type(exc).__name__
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.execv(sys.executable, [sys.executable, "-c", "import time; time.sleep(600)", {token!r}])
    os._exit(0)
"""


class Watcher(threading.Thread):
    """Finds, by the token on its command line, the host pid of the grandchild while the run
    goes on (inside the sandbox it has another pid, in its own namespace). Once found, it says
    so through `seen` (a file in the model folder, which the sandbox sees read-only), so that
    the child never ends before the watcher had its look: no race with a polling interval."""

    def __init__(self, token: str, seen: Path | None = None) -> None:
        super().__init__(daemon=True)
        self.token = token.encode()
        self.seen = seen
        self.pids: set[int] = set()
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            for p in os.listdir("/proc"):
                if not p.isdigit():
                    continue
                try:
                    if self.token in Path(f"/proc/{p}/cmdline").read_bytes():
                        self.pids.add(int(p))
                except OSError:
                    continue
            if self.pids and self.seen is not None and not self.seen.exists():
                self.seen.write_text("seen")
            self.stop.wait(0.02)


def gone(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except (FileNotFoundError, ProcessLookupError):
        return True


def hostile_setup(tmp_path: Path, model: Path) -> tuple[dict[str, str | int], socket.socket]:
    db, secret = store_beside(tmp_path)
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    return {"db": str(db), "secret": str(secret), "outside": str(tmp_path / "escaped.txt"),
            "model_file": str(model / "escaped.txt"), "port": server.getsockname()[1],
            "token": f"truecard-escape-{os.getpid()}-{id(server)}"}, server


def check_blocked(found: dict[str, object], tmp_path: Path, model: Path) -> None:
    assert found["shadow"] != "" and not str(found["shadow"]).startswith("root:")
    assert found["shadow_visible"] is False and found["db_visible"] is False
    assert found["secret_visible"] is False
    assert found["db"] == found["secret"] == "FileNotFoundError"
    assert {found[k] for k in ("write_tmp", "write_outside", "write_model", "write_usr")} <= {
        "FileNotFoundError", "PermissionError", "OSError"}
    assert not (tmp_path / "escaped.txt").exists() and not (model / "escaped.txt").exists()
    assert not Path("/tmp/truecard-escape").exists()
    assert found["network"] != "connected"
    if os.geteuid() == 0:
        assert found["uid"] == found["euid"] == sandbox.SANDBOX_UID


def test_stand_in_child_cannot_read_write_reach_or_outlive(tmp_path: Path) -> None:
    model = tmp_path / "model"
    model.mkdir(mode=0o755)
    (model / "config.json").write_text("{}")
    values, server = hostile_setup(tmp_path, model)
    child = tmp_path / "child.py"
    child.write_text(textwrap.dedent(HOSTILE.format(**values)) + textwrap.dedent("""
        import pathlib
        while True:  # wait until the grandchild runs, then answer
            names = [p for p in os.listdir("/proc") if p.isdigit()]
            if any({token!r}.encode() in pathlib.Path(f"/proc/{{p}}/cmdline").read_bytes()
                   for p in names if os.path.exists(f"/proc/{{p}}/cmdline")):
                break
            time.sleep(0.01)
        while not os.path.exists({seen!r}):  # until the host's watcher has seen the grandchild
            time.sleep(0.01)
        (pathlib.Path(sys.argv[1]) / "result.json").write_text(json.dumps(found))
    """.format(token=values["token"], seen=str(model / "seen"))))
    watcher = Watcher(str(values["token"]), seen=model / "seen")
    watcher.start()
    try:
        out = run_child({"root": str(model)}, timeout=120, memory_limit=1 << 30, script=child,
                        confine=True)
    finally:
        watcher.stop.set()
        watcher.join()
        server.close()
    assert out.confined and out.result is not None, (out.exit, out.stderr_tail)
    check_blocked(out.result, tmp_path, model)
    assert watcher.pids, "the grandchild was never seen running"
    assert all(gone(p) for p in watcher.pids), "the setsid grandchild outlived the run"
    assert out.processes >= 3  # bwrap, the runner, the grandchild: all tracked


REMOTE_HOSTILE_CONFIG = '''import json
{hostile}
from transformers import GPT2Config

class MarkerConfig(GPT2Config):
    model_type = "markergpt"

raise RuntimeError("FOUND" + json.dumps(found) + "END")
'''


@pytest.mark.run
def test_remote_code_model_cannot_read_write_reach_or_outlive(gpt2_copy: Path, tmp_path: Path) -> None:
    make_remote_code(gpt2_copy, tmp_path / "marker")
    values, server = hostile_setup(tmp_path, gpt2_copy)
    (gpt2_copy / "configuration_marker.py").write_text(REMOTE_HOSTILE_CONFIG.format(
        hostile=textwrap.dedent(HOSTILE.format(**values))))
    watcher = Watcher(str(values["token"]))
    watcher.start()
    try:
        res = verify(gpt2_copy, timeout=300, trust_remote_code=True)
    finally:
        watcher.stop.set()
        watcher.join()
        server.close()
    err = res.inference.error or ""
    assert "FOUND" in err, res.summary
    found = json.loads(err.split("FOUND", 1)[1].split("END", 1)[0])
    check_blocked(found, tmp_path, gpt2_copy)
    assert res.sandbox and res.sandbox.network == "namespace"
    assert all(gone(p) for p in watcher.pids), "the setsid grandchild outlived verify"


@pytest.mark.run
def test_without_bubblewrap_remote_code_is_refused_unless_unconfined(
        gpt2_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_remote_code(gpt2_copy, tmp_path / "marker")
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))  # bwrap is not found: as on a machine without it
    monkeypatch.setattr(sandbox, "_probe_result", {})
    assert shutil.which("bwrap") is None
    with pytest.raises(VerifyError, match="apt-get install bubblewrap") as exc:
        verify(gpt2_copy, timeout=300, trust_remote_code=True)
    assert "\n" not in str(exc.value) and "--unconfined" in str(exc.value)
    res = verify(gpt2_copy, timeout=300, trust_remote_code=True, unconfined=True)
    assert res.status == "passed", res.summary
    assert CONFINED_NOTE not in res.inference.notes
    assert any("unconfined" in w for w in res.warnings)


@pytest.mark.parametrize("confine", [True, False])
def test_planted_links_and_huge_files_are_not_read_back(tmp_path: Path, confine: bool) -> None:
    """The child's answer files are read without following links and within a budget:
    `result.json -> /etc/shadow` and `progress -> /etc/shadow` leak nothing, and a stderr the
    child replaced by a link is still read through truecard's own descriptor."""
    child = tmp_path / "child.py"
    child.write_text(textwrap.dedent("""
        import os, sys
        work = sys.argv[1]
        os.symlink("/etc/shadow", os.path.join(work, "result.json"))
        os.symlink("/etc/shadow", os.path.join(work, "progress"))
        sys.stderr.write("x" * 100000 + "the end")
    """))
    out = run_child({}, timeout=60, memory_limit=1 << 30, script=child, confine=confine)
    assert out.result is None and out.stage is None and out.stages == []
    assert out.stderr_tail.endswith("the end") and len(out.stderr_tail) == 2000
