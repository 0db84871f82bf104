"""Run the verify child in a separate process with a time limit, a memory limit and no network.

Why a child process at all: loading a model executes a lot of native code (and, with
`--trust-remote-code`, the repository's own Python); a crash, a hang or a runaway
allocation must cost the child, never truecard or the machine. The fences, in order:

- a fresh network namespace with no interfaces (`unshare(CLONE_NEWNET)`, when the kernel
  lets us), plus offline variables, no proxies, and an audit hook in the child that refuses
  sockets, so the model cannot download anything even where namespaces are unavailable;
- a watchdog in the parent that polls the resident memory of the child's whole process
  group and kills it past the limit (the limit users think in), backed by RLIMIT_AS (the
  address-space cap the kernel enforces between two polls, set above the limit by the size
  of the memory-mapped weights plus a slack for the libraries' reservations);
- a wall-clock timeout, after which the group gets SIGTERM, then SIGKILL;
- a private temporary folder as working directory, HOME, TMPDIR and Hugging Face cache,
  removed afterwards; no credentials in the child's environment.

The child answers with a JSON file; whatever happens, `run_child` returns an outcome that
says how the child ended, so the caller can report it.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import re
import resource
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

RUNNER = Path(__file__).with_name("runner.py")
POLL_SECONDS = 0.05
TERM_GRACE_SECONDS = 2.0
AS_SLACK_BYTES = 3 << 30  # address space torch and its thread pools reserve but never touch
CLONE_NEWNET = 0x40000000
PROXY_VARS = {"http_proxy", "https_proxy", "all_proxy", "ftp_proxy", "no_proxy", "ws_proxy",
              "wss_proxy"}
_SECRET_RE = re.compile(r"TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|(^|_)KEY$|API_?KEY", re.I)
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


@dataclass
class ChildOutcome:
    """How the child ended and what it said."""

    result: dict[str, Any] | None
    exit: str
    returncode: int | None
    timed_out: bool = False
    memory_exceeded: bool = False
    stage: str | None = None
    peak_rss_mb: float | None = None
    stderr_tail: str = ""
    seconds: float = 0.0
    network: str = "environment"
    notes: list[str] = field(default_factory=list)
    stages: list[str] = field(default_factory=list)


def parse_size(text: str) -> int:
    """'512M', '4G', '2.5GiB', '1000000' -> bytes. Raises ValueError with a plain reason."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b?)\s*", text, re.IGNORECASE)
    if not m:
        raise ValueError(f"invalid size {text!r}: use a number with K, M, G or T (e.g. 4G, 512M)")
    n = float(m.group(1)) * (1024 ** " kmgt".index(m.group(2).lower() or " "))
    if n < 1 << 20:
        raise ValueError(f"size {text!r} is below 1 MiB; did you mean {text}M?")
    return int(n)


def available_memory() -> int:
    """Memory the kernel says is available now (MemAvailable), or 4 GiB when unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 4 << 30


def default_memory_limit() -> int:
    """Three quarters of the available memory: the rest stays for the machine."""
    return int(available_memory() * 0.75)


_libc: Any = None


def _unshare_net_possible() -> bool:
    global _libc
    if not sys.platform.startswith("linux"):
        return False
    try:
        _libc = ctypes.CDLL(None, use_errno=True)
        return hasattr(_libc, "unshare")
    except OSError:
        return False


def _preexec(as_limit: int, want_netns: bool) -> Any:
    """The function run in the child between fork and exec (no Python imports there)."""
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_AS, (as_limit, as_limit))
        if want_netns and _libc is not None:
            _libc.unshare(CLONE_NEWNET)  # failure leaves the audit hook and env fences
    return apply


def child_env(tmp: Path, threads: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k.lower() not in PROXY_VARS and not _SECRET_RE.search(k)}
    for d in ("home", "tmp", "hf", "hf/modules"):
        (tmp / d).mkdir(parents=True, exist_ok=True)
    env.update({
        "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1",
        "HF_HUB_DISABLE_TELEMETRY": "1", "DO_NOT_TRACK": "1", "HF_HOME": str(tmp / "hf"),
        "HF_MODULES_CACHE": str(tmp / "hf/modules"), "HOME": str(tmp / "home"),
        "TMPDIR": str(tmp / "tmp"), "TOKENIZERS_PARALLELISM": "false", "MALLOC_ARENA_MAX": "2",
        "OMP_NUM_THREADS": str(threads), "MKL_NUM_THREADS": str(threads),
        "PYTHONDONTWRITEBYTECODE": "1", "PYTHONUNBUFFERED": "1", "NO_PROXY": "*",
    })
    return env


def group_rss(pgid: int) -> int:
    """Resident bytes of every process in the child's process group."""
    total = 0
    try:
        pids = [p for p in os.listdir("/proc") if p.isdigit()]
    except OSError:
        return 0
    for p in pids:
        try:
            with open(f"/proc/{p}/stat", "rb") as fh:
                stat = fh.read()
            rest = stat[stat.rfind(b")") + 2:].split()
            if int(rest[2]) != pgid:  # fields after comm: state, ppid, pgrp
                continue
            with open(f"/proc/{p}/statm", "rb") as fh:
                total += int(fh.read().split()[1]) * _PAGE
        except (OSError, ValueError, IndexError):
            continue
    return total


PR_SET_CHILD_SUBREAPER = 36


def _become_subreaper() -> bool:
    """Make this process the reaper of its orphaned descendants (Linux).

    A grandchild that calls `setsid()` and whose parent exits leaves the child's process
    group and would be re-parented to init, outliving the run, the memory watch and the
    kill. As a subreaper, this process inherits it instead, so `_descendants` still finds it.
    """
    global _libc
    if not sys.platform.startswith("linux"):
        return False
    try:
        _libc = _libc or ctypes.CDLL(None, use_errno=True)
        return bool(_libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False


def _proc_table() -> dict[int, tuple[int, int]]:
    """pid -> (ppid, process group) for every process visible in /proc."""
    out: dict[int, tuple[int, int]] = {}
    try:
        pids = [p for p in os.listdir("/proc") if p.isdigit()]
    except OSError:
        return out
    for p in pids:
        try:
            with open(f"/proc/{p}/stat", "rb") as fh:
                stat = fh.read()
            rest = stat[stat.rfind(b")") + 2:].split()
            if rest[0] == b"Z":
                continue
            out[int(p)] = (int(rest[1]), int(rest[2]))
        except (OSError, ValueError, IndexError):
            continue
    return out


def _descendants(seen: set[int], root: int, pgid: int, adopted: bool) -> set[int]:
    """Grow `seen` with every live process of the run: the child's group, descendants of
    anything seen, and (as subreaper) orphans re-parented to this process."""
    me = os.getpid()
    table = _proc_table()
    seen.add(root)
    changed = True
    while changed:
        changed = False
        for pid, (ppid, pg) in table.items():
            if pid in seen or pid == me:
                continue
            if pg == pgid or ppid in seen or (adopted and ppid == me and pid != root and pg != os.getpgrp()):
                seen.add(pid)
                changed = True
    return {p for p in seen if p in table}


def _kill_all(pids: set[int]) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)
    for pid in pids:  # reap the ones that became our children (as subreaper)
        with contextlib.suppress(ChildProcessError, OSError):
            os.waitpid(pid, os.WNOHANG)


def _kill_group(pgid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


def _tail(path: Path, limit: int = 2000) -> str:
    try:
        data = path.read_bytes()[-limit:]
    except OSError:
        return ""
    return data.decode("utf-8", "replace")


def run_child(
    request: dict[str, Any],
    *,
    timeout: float,
    memory_limit: int,
    mapped_bytes: int = 0,
    threads: int = 2,
    python: str | None = None,
    script: Path = RUNNER,
) -> ChildOutcome:
    """Run `script` (the runner) on `request` and return how it ended.

    Never raises for the child's failures: a crash, a kill or a missing answer is described
    in the outcome.
    """
    want_netns = _unshare_net_possible()
    adopted = _become_subreaper()
    with tempfile.TemporaryDirectory(prefix="truecard-verify-", ignore_cleanup_errors=True) as td:
        tmp = Path(td)
        with contextlib.suppress(OSError):
            request = {**request, "parent_netns": os.stat("/proc/self/ns/net").st_ino}
        (tmp / "request.json").write_text(json.dumps(request), encoding="utf-8")
        env = child_env(tmp, threads)
        as_limit = memory_limit + mapped_bytes + AS_SLACK_BYTES
        started = time.perf_counter()
        out_f = open(tmp / "stdout", "wb")  # noqa: SIM115 - closed in finally
        err_f = open(tmp / "stderr", "wb")  # noqa: SIM115
        try:
            proc = subprocess.Popen(
                [python or sys.executable, "-P", str(script), str(tmp)],
                cwd=tmp, env=env, stdin=subprocess.DEVNULL, stdout=out_f, stderr=err_f,
                preexec_fn=_preexec(as_limit, want_netns), start_new_session=True,
            )
        except OSError as exc:
            out_f.close()
            err_f.close()
            return ChildOutcome(None, f"could not start the child: {exc}", None)
        pgid = proc.pid
        run_pids: set[int] = {proc.pid}
        peak = 0
        killed_for: str | None = None
        deadline = started + timeout
        try:
            while proc.poll() is None:
                _descendants(run_pids, proc.pid, pgid, adopted)
                rss = group_rss(pgid)
                peak = max(peak, rss)
                if rss > memory_limit:
                    killed_for = "memory"
                    _kill_group(pgid, signal.SIGKILL)
                    break
                if time.perf_counter() > deadline:
                    killed_for = "timeout"
                    _kill_group(pgid, signal.SIGTERM)
                    try:
                        proc.wait(TERM_GRACE_SECONDS)
                    except subprocess.TimeoutExpired:
                        _kill_group(pgid, signal.SIGKILL)
                    break
                time.sleep(POLL_SECONDS)
            rc = proc.wait()
        finally:
            _kill_group(pgid, signal.SIGKILL)  # stragglers the child left behind
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            # and those that left the group (setsid): until none is left alive
            for _ in range(20):
                alive = _descendants(run_pids, proc.pid, pgid, adopted) - {proc.pid}
                if not alive:
                    break
                _kill_all(alive)
                time.sleep(0.05)
            out_f.close()
            err_f.close()
        seconds = round(time.perf_counter() - started, 3)
        result = None
        rp = tmp / "result.json"
        if rp.exists() and killed_for is None:
            try:
                result = json.loads(rp.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError):
                result = None
        stage_lines = _read_lines(tmp / "progress")
        stage = stage_lines[-1].split("\t")[-1] if stage_lines else None
        stderr = _tail(tmp / "stderr")
        outcome = ChildOutcome(result, _describe(rc, killed_for, timeout, memory_limit), rc,
                               timed_out=killed_for == "timeout",
                               memory_exceeded=killed_for == "memory", stage=stage,
                               peak_rss_mb=round(peak / 2**20, 1) if peak else None,
                               stderr_tail=stderr, seconds=seconds, stages=stage_lines)
        if result is not None:
            ns = result.get("netns")
            outcome.network = "namespace" if ns == "isolated" else "environment"
        if killed_for is None and rc and rc < 0 and (
            -rc == signal.SIGKILL or re.search(r"bad_alloc|Cannot allocate memory", stderr)
        ):
            outcome.memory_exceeded = True  # the kernel's OOM killer or an allocation abort
        return outcome


def _read_lines(path: Path) -> list[str]:
    try:
        return [s for s in path.read_text(encoding="utf-8").splitlines() if s.strip()]
    except OSError:
        return []


def _describe(rc: int | None, killed_for: str | None, timeout: float, limit: int) -> str:
    if killed_for == "memory":
        return f"killed: resident memory passed the limit of {limit / 2**20:.0f} MiB"
    if killed_for == "timeout":
        return f"killed: still running after the {timeout:g} s time limit"
    if rc == 0:
        return "exited normally"
    if rc is not None and rc < 0:
        try:
            name = signal.Signals(-rc).name
        except ValueError:
            name = f"signal {-rc}"
        return f"killed by {name}"
    return f"exited with status {rc}"
