"""The sandbox itself, with small stand-in child scripts (no torch needed, fast)."""

from __future__ import annotations

import os
import socket
import textwrap
import time
from pathlib import Path

import pytest

from support.tiny_models import leftovers, private_tempdir  # noqa: F401 - private_tempdir is an autouse fixture
from truecard.verify.sandbox import run_child

ANSWER = """
import json, os, sys, pathlib
work = pathlib.Path(sys.argv[1])
def answer(**kw):
    (work / "result.json").write_text(json.dumps(kw))
"""


def script(tmp_path: Path, body: str) -> Path:
    p = tmp_path / "child.py"
    p.write_text(ANSWER + textwrap.dedent(body))
    return p


def test_memory_hog_is_killed_and_reported(tmp_path: Path) -> None:
    before = leftovers()
    child = script(tmp_path, """
        with open(work / "progress", "a") as fh:
            fh.write("0.0\\tallocating\\n")
        blocks = []
        while True:
            blocks.append(bytearray(32 << 20))  # touched: resident, not just reserved
    """)
    out = run_child({}, timeout=60, memory_limit=200 << 20, script=child)
    assert out.memory_exceeded and not out.timed_out
    assert out.result is None
    assert "passed the limit of 200 MiB" in out.exit
    assert out.stage == "allocating"
    assert out.peak_rss_mb is not None and out.peak_rss_mb > 150
    assert leftovers() <= before  # the temporary folder is gone


def test_huge_single_allocation_hits_the_address_space_cap(tmp_path: Path) -> None:
    # Faster than any poll: RLIMIT_AS refuses it inside the child, which reports it.
    child = script(tmp_path, """
        try:
            b = bytearray(64 << 30)
            answer(ok=True)
        except MemoryError:
            answer(ok=False, error="MemoryError")
    """)
    out = run_child({}, timeout=60, memory_limit=100 << 20, script=child)
    assert out.result == {"ok": False, "error": "MemoryError"}


def test_timeout_kills_the_whole_group(tmp_path: Path) -> None:
    pidfile = tmp_path / "grandchild.pid"
    child = script(tmp_path, f"""
        import subprocess, time
        p = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
        pathlib.Path({str(pidfile)!r}).write_text(str(p.pid))
        time.sleep(120)
    """)
    out = run_child({}, timeout=2, memory_limit=1 << 30, script=child)
    assert out.timed_out and out.result is None
    assert "2 s time limit" in out.exit
    assert out.seconds < 10
    gpid = int(pidfile.read_text())
    deadline = time.monotonic() + 5
    while not gone(gpid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert gone(gpid), "the grandchild survived the timeout"


def gone(pid: int) -> bool:
    """No such process, or only a zombie waiting to be reaped."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except (FileNotFoundError, ProcessLookupError):
        return True


def test_crash_is_described(tmp_path: Path) -> None:
    child = script(tmp_path, "raise SystemExit('boom: no answer')\n")
    out = run_child({}, timeout=30, memory_limit=1 << 30, script=child)
    assert out.result is None and out.returncode == 1
    assert "exited with status 1" in out.exit
    assert "boom: no answer" in out.stderr_tail


def test_no_network_no_secrets_private_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_TOKEN", "hf_secret")
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.invalid:3128")
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.settimeout(0.5)
    port = server.getsockname()[1]
    child = script(tmp_path, f"""
        import socket
        try:
            socket.create_connection(("127.0.0.1", {port}), timeout=2).close()
            connected = True
        except OSError as exc:
            connected = False
        answer(connected=connected, env={{k: os.environ.get(k) for k in (
            "HF_TOKEN", "HTTPS_PROXY", "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HOME")}},
            netns=os.stat("/proc/self/ns/net").st_ino, cwd=os.getcwd())
    """)
    out = run_child({}, timeout=30, memory_limit=1 << 30, script=child)
    server.close()
    r = out.result
    assert r is not None
    env = r["env"]
    assert env["HF_TOKEN"] is None and env["HTTPS_PROXY"] is None
    assert env["HF_HUB_OFFLINE"] == "1" and env["TRANSFORMERS_OFFLINE"] == "1"
    assert env["HOME"].startswith(r["cwd"])
    assert not Path(r["cwd"]).exists()  # removed afterwards
    if r["netns"] != os.stat("/proc/self/ns/net").st_ino:
        assert r["connected"] is False  # a fresh namespace: not even loopback is up
    else:
        pytest.skip("network namespaces unavailable here; the runner's audit hook is the fence")


def test_runner_audit_hook_refuses_sockets() -> None:
    """The runner's own fence, for machines where no network namespace can be made."""
    import subprocess
    import sys

    from truecard.verify import sandbox

    code = (
        "import sys, socket; sys.path.insert(0, sys.argv[1]); import runner; "
        "runner.guard_network()\n"
        "try:\n    socket.getaddrinfo('example.org', 443)\nexcept PermissionError as e:\n"
        "    print('refused:', e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code, str(sandbox.RUNNER.parent)],
                         capture_output=True, text=True, timeout=30, check=True)
    assert "refused: network access is disabled in truecard's sandbox" in out.stdout


@pytest.mark.parametrize("child_exits", [True, False])
def test_a_grandchild_that_calls_setsid_does_not_outlive_the_run(tmp_path: Path, child_exits: bool) -> None:
    """Issue 16 item 9: a double fork with `os.setsid()` left the process group and outlived
    `verify`. As subreaper the parent inherits it, tracks it, and kills it at the end."""
    pidfile = tmp_path / "escaped.pid"
    child = script(tmp_path, f"""
        import time
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                pathlib.Path({str(pidfile)!r} + ".tmp").write_text(str(os.getpid()))
                os.rename({str(pidfile)!r} + ".tmp", {str(pidfile)!r})
                time.sleep(300)
            os._exit(0)
        while not os.path.exists({str(pidfile)!r}):
            time.sleep(0.01)
        answer(ok=True)
        if not {child_exits!r}:
            time.sleep(300)
    """)
    out = run_child({}, timeout=3, memory_limit=1 << 30, script=child)
    assert (out.result == {"ok": True}) if child_exits else out.timed_out
    escaped = int(pidfile.read_text())
    assert gone(escaped), "the setsid grandchild outlived the run"
