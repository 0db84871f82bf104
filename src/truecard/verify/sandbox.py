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
    confined: bool = False
    processes: int = 1


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
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_FSIZE, (FSIZE_BUDGET, FSIZE_BUDGET))
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
        # caches inside the run's folder: importing torch in truecard's process (a test that
        # builds a model) sets TORCHINDUCTOR_CACHE_DIR=/tmp/torchinductor_USER, outside it
        "TORCHINDUCTOR_CACHE_DIR": str(tmp / "tmp/torchinductor"),
        "TRITON_CACHE_DIR": str(tmp / "tmp/triton"), "XDG_CACHE_HOME": str(tmp / "home/.cache"),
    })
    return env


def tree_rss(pids: set[int]) -> int:
    """Resident bytes of every process of the run (the tracked tree, whatever its groups)."""
    total = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/statm", "rb") as fh:
                total += int(fh.read().split()[1]) * _PAGE
        except (OSError, ValueError, IndexError):
            continue
    return total


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


def _read_child_file(path: Path, limit: int) -> bytes | None:
    """Read a file the child wrote, without following a link it may have planted there
    (`result.json -> /etc/shadow` would otherwise be read with truecard's rights) and at most
    `limit` bytes (a budget, whatever the child wrote)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        import stat as _stat

        if not _stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        return os.read(fd, limit)
    finally:
        os.close(fd)


def _tail_fd(fh: Any, limit: int = 2000) -> str:
    """The last `limit` bytes of the child's stderr, read through truecard's own descriptor
    (the child may rename or replace the path) and without reading the rest into memory."""
    try:
        fh.flush()
        size = os.fstat(fh.fileno()).st_size
        fh.seek(max(0, size - limit))
        data = fh.read(limit)
    except (OSError, ValueError):
        return ""
    return data.decode("utf-8", "replace")


# --------------------------------------------------------------------------------------
# Confinement (bubblewrap) for code the repository ships


SANDBOX_UID = 65534  # nobody: owns nothing outside the run's own folder
NPROC_BUDGET = 4096  # tasks (threads included) uid 65534 may have: a fork bomb stops there
FSIZE_BUDGET = 2 << 30  # the largest file the child may write (RLIMIT_FSIZE)
RESULT_BUDGET = 16 << 20  # bytes of result.json / progress truecard reads back
SHM_BYTES = 64 << 20  # /dev/shm inside the sandbox: tmpfs pages are not resident memory
_SYSTEM_DIRS = ("/usr",)
_SYSTEM_LINKS = ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
_ETC_FILES = ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/alternatives",
              "/etc/localtime")
# Folders never bound whole even if an interpreter lists them: they hold other people's files.
_TOO_BROAD = {"/", "/root", "/home", "/etc", "/var", "/tmp", "/srv", "/mnt", "/media", "/opt",
              "/run", "/proc", "/sys", "/dev", "/work"}
PR_SET_NO_NEW_PRIVS = 38

# Run as the sandbox's first process (under bwrap, before any of the repository's code):
# drop to uid/gid 65534 when started as root, forbid gaining privileges again, check that no
# capability is left, then exec the runner. `python -I -S`: nothing from the environment or
# site-packages runs before the drop.
SHIM = r"""
import ctypes, os, resource, sys
uid = int(sys.argv[1])
if os.geteuid() == 0:
    resource.setrlimit(resource.RLIMIT_NPROC, (int(sys.argv[2]), int(sys.argv[2])))
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)
if ctypes.CDLL(None, use_errno=True).prctl(38, 1, 0, 0, 0) != 0:
    sys.exit("truecard sandbox: cannot set no_new_privs")
caps = [l.split()[1] for l in open("/proc/self/status") if l.startswith(("CapEff", "CapPrm"))]
if any(int(c, 16) for c in caps):
    sys.exit("truecard sandbox: capabilities left after dropping privileges: " + " ".join(caps))
os.execv(sys.argv[3], sys.argv[3:])
"""


class ConfinementError(Exception):
    """The sandbox for remote code cannot be set up here (message: one line, with the fix)."""


def bwrap_path() -> str | None:
    """The bubblewrap executable, or None."""
    import shutil

    return shutil.which("bwrap")


def _python_paths(python: str) -> list[str]:
    """Folders the interpreter needs: its prefixes and import path (.pth entries included).

    For truecard's own interpreter they are read from `sys`; another `--python` is asked
    once (it is the user's interpreter, not the repository's code)."""
    if os.path.realpath(python) == os.path.realpath(sys.executable):
        items = [sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix, *sys.path]
    else:
        code = ("import sys, json; print(json.dumps([sys.prefix, sys.base_prefix, sys.exec_prefix,"
                " sys.base_exec_prefix, *sys.path]))")
        try:
            out = subprocess.run([python, "-P", "-c", code], capture_output=True, text=True,
                                 timeout=60, check=True, stdin=subprocess.DEVNULL)
            items = json.loads(out.stdout)
        except (OSError, subprocess.SubprocessError, ValueError) as exc:
            raise ConfinementError(f"cannot ask {python} for its installation folders ({exc})") from None
    items += [os.path.dirname(python), os.path.dirname(os.path.realpath(python))]
    out_paths: list[str] = []
    for it in items:
        if not it or not os.path.isabs(it):
            continue
        real = os.path.realpath(it)
        if not os.path.exists(real) or real in _TOO_BROAD or real.startswith(_SYSTEM_DIRS):
            continue
        if real not in out_paths:
            out_paths.append(real)
    return out_paths


def _nested(path: str, roots: list[str]) -> bool:
    return any(path != r and path.startswith(r.rstrip("/") + "/") for r in roots)


def bwrap_command(bwrap: str, *, python: str, script: Path, work: Path, model: str | None,
                  etc: Path) -> list[str]:
    """The bubblewrap command line: what the sandbox sees and how it is cut off.

    Visible: the system's /usr (read-only), the interpreter's folders (read-only), the model
    folder (read-only), the runner script (read-only), a synthetic /etc with only the loader's
    cache and a passwd naming uid 65534, fresh /dev and /proc, and the run's own folder, the
    one writable place. Namespaces: its own network (no interfaces but a loopback of its own),
    pid (no process outside it is visible, and when its first process ends the kernel kills
    every other), ipc, uts and cgroup; a new session (no terminal to inject into); killed with
    truecard (`--die-with-parent`)."""
    ro: list[str] = []
    for d in _python_paths(python):
        ro.append(d)
    ro = [d for d in ro if not _nested(d, ro)]
    extra_ro = [os.path.realpath(str(script))]
    if model:
        extra_ro.insert(0, os.path.realpath(model))
    binds = [*ro, *extra_ro, str(work)]
    cmd = [bwrap, "--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts",
           "--unshare-cgroup-try", "--hostname", "truecard-sandbox", "--die-with-parent",
           "--new-session"]
    if os.geteuid() == 0:
        # privileged bwrap: every capability is dropped in the sandbox except the two the
        # shim needs to become uid 65534 (then none is left)
        cmd += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    else:
        cmd += ["--unshare-user", "--disable-userns"]
    for d in _SYSTEM_DIRS:
        if os.path.isdir(d):
            cmd += ["--ro-bind", d, d]
    for link in _SYSTEM_LINKS:
        if os.path.islink(link):
            cmd += ["--symlink", os.readlink(link), link]
        elif os.path.isdir(link):
            cmd += ["--ro-bind", link, link]
    # every folder leading to a bound path, world-searchable (bwrap would make them 0700)
    parents: list[str] = []
    for b in binds:
        parts = Path(b).parts
        for i in range(2, len(parts)):
            d = str(Path(*parts[:i]))
            if d not in parents and not d.startswith(_SYSTEM_DIRS) and d not in _SYSTEM_LINKS:
                parents.append(d)
    parents.sort(key=lambda d: d.count("/"))
    for d in parents:
        if d in binds:
            continue
        cmd += ["--perms", "0755", "--dir", d]
    cmd += ["--perms", "0755", "--dir", "/etc"]
    for f in _ETC_FILES:
        if os.path.exists(f):
            cmd += ["--ro-bind", f, f]
    cmd += ["--ro-bind", str(etc / "passwd"), "/etc/passwd",
            "--ro-bind", str(etc / "group"), "/etc/group"]
    cmd += ["--dev", "/dev", "--proc", "/proc",
            "--perms", "1777", "--size", str(SHM_BYTES), "--tmpfs", "/dev/shm"]
    for d in ro:
        cmd += ["--ro-bind", d, d]
    for d in extra_ro:
        cmd += ["--ro-bind", d, d]
    cmd += ["--bind", str(work), str(work), "--chdir", str(work)]
    return cmd


_probe_result: dict[str, str | None] = {}


def confinement_problem(python: str | None = None) -> str | None:
    """Why remote code cannot be confined here (one line, with the fix), or None.

    bubblewrap must be installed and able to create its namespaces (a container without
    CAP_SYS_ADMIN, or a kernel without unprivileged user namespaces, refuses): a tiny sandbox
    is started once per process to find out."""
    python = python or sys.executable
    if python in _probe_result:
        return _probe_result[python]
    problem: str | None = None
    bwrap = bwrap_path()
    if not sys.platform.startswith("linux"):
        problem = "the sandbox for --trust-remote-code needs Linux (bubblewrap)"
    elif bwrap is None:
        problem = ("--trust-remote-code runs the repository's code confined by bubblewrap, which "
                   "is not installed: apt-get install bubblewrap (or pass --unconfined to run it "
                   "with only the network, memory and time limits, in a disposable VM)")
    else:
        with tempfile.TemporaryDirectory(prefix="truecard-probe-") as td:
            t = Path(td)
            work = _prepare_confined(t)
            probe = t / "probe.py"
            probe.write_text("import os\nprint(os.getuid())\n", encoding="utf-8")
            try:
                cmd = bwrap_command(bwrap, python=python, script=probe, work=work, model=None,
                                    etc=t / "etc")
                out = subprocess.run(
                    [*cmd, "--", python, "-I", "-S", "-c", SHIM, str(SANDBOX_UID),
                     str(NPROC_BUDGET), python, "-I", "-S", str(probe)],
                    capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
                if out.returncode != 0:
                    first = (out.stderr.strip().splitlines() or ["no message"])[-1][:200]
                    problem = (f"bubblewrap cannot create the sandbox for --trust-remote-code here "
                               f"({first}); pass --unconfined to run it without (disposable VM only)")
            except (OSError, subprocess.SubprocessError, ConfinementError) as exc:
                problem = f"bubblewrap cannot create the sandbox for --trust-remote-code here ({exc})"
    _probe_result[python] = problem
    return problem


def model_unreadable(root: Path, budget: int = 100_000) -> str | None:
    """As root the sandbox runs as uid 65534, which reads only world-readable files: the first
    file or folder of the model it could not read, or None (the walk stops after `budget`)."""
    if os.geteuid() != 0:
        return None
    import stat as _stat

    seen = 0
    for dirpath, dirnames, filenames in os.walk(root):
        for name in [None, *filenames]:
            seen += 1
            if seen > budget:
                return None
            path = dirpath if name is None else os.path.join(dirpath, name)
            try:
                st = os.stat(path)
            except OSError:
                continue
            need = (_stat.S_IROTH | _stat.S_IXOTH) if name is None else _stat.S_IROTH
            if st.st_mode & need != need:
                return path
        dirnames[:] = [d for d in dirnames if not d.startswith(".git")]
    return None


def _prepare_confined(tmp: Path) -> Path:
    """The run's folder, owned by the sandbox user, and a synthetic /etc beside it."""
    work = tmp / "work"
    work.mkdir(exist_ok=True)
    etc = tmp / "etc"
    etc.mkdir(exist_ok=True)
    (etc / "passwd").write_text(f"nobody:x:{SANDBOX_UID}:{SANDBOX_UID}:nobody:/nonexistent:"
                                "/usr/sbin/nologin\n", encoding="utf-8")
    (etc / "group").write_text(f"nogroup:x:{SANDBOX_UID}:\n", encoding="utf-8")
    if os.geteuid() == 0:
        os.chown(work, SANDBOX_UID, SANDBOX_UID)
    return work


def run_child(
    request: dict[str, Any],
    *,
    timeout: float,
    memory_limit: int,
    mapped_bytes: int = 0,
    threads: int = 2,
    python: str | None = None,
    script: Path = RUNNER,
    confine: bool = False,
) -> ChildOutcome:
    """Run `script` (the runner) on `request` and return how it ended.

    `confine`: run it under bubblewrap (see `bwrap_command`), as uid 65534 when truecard is
    root; the caller checks `confinement_problem()` first. Never raises for the child's
    failures: a crash, a kill or a missing answer is described in the outcome.
    """
    python = python or sys.executable
    bwrap = bwrap_path() if confine else None
    if confine and bwrap is None:
        return ChildOutcome(None, "could not start the child: bubblewrap (bwrap) is not installed", None)
    want_netns = _unshare_net_possible() and not confine  # bwrap makes its own
    adopted = _become_subreaper()
    with tempfile.TemporaryDirectory(prefix="truecard-verify-", ignore_cleanup_errors=True) as td:
        tmp = Path(td)
        work = _prepare_confined(tmp) if confine else tmp / "work"
        work.mkdir(exist_ok=True)
        with contextlib.suppress(OSError):
            request = {**request, "parent_netns": os.stat("/proc/self/ns/net").st_ino}
        if confine and request.get("root"):  # bound at its real path: no link to follow inside
            request = {**request, "root": os.path.realpath(request["root"])}
        (work / "request.json").write_text(json.dumps(request), encoding="utf-8")
        env = child_env(work, threads)
        argv = [python, "-P", str(script), str(work)]
        if confine:
            assert bwrap is not None
            if os.geteuid() == 0:
                for d in ("home", "tmp", "hf", "hf/modules"):
                    os.chown(work / d, SANDBOX_UID, SANDBOX_UID)
                env.update(USER="nobody", LOGNAME="nobody")
            try:
                cmd = bwrap_command(bwrap, python=python, script=script, work=work,
                                    model=request.get("root"), etc=tmp / "etc")
            except ConfinementError as exc:
                return ChildOutcome(None, f"could not start the child: {exc}", None)
            argv = [*cmd, "--", python, "-I", "-S", "-c", SHIM, str(SANDBOX_UID),
                    str(NPROC_BUDGET), *argv]
        as_limit = memory_limit + mapped_bytes + AS_SLACK_BYTES
        started = time.perf_counter()
        out_f = open(tmp / "stdout", "w+b")  # noqa: SIM115 - closed in finally
        err_f = open(tmp / "stderr", "w+b")  # noqa: SIM115
        try:
            proc = subprocess.Popen(
                argv, cwd=work, env=env, stdin=subprocess.DEVNULL, stdout=out_f, stderr=err_f,
                preexec_fn=_preexec(as_limit, want_netns), start_new_session=True,
            )
        except OSError as exc:
            out_f.close()
            err_f.close()
            return ChildOutcome(None, f"could not start the child: {exc}", None)
        pgid = proc.pid
        run_pids: set[int] = {proc.pid}
        peak = 0
        most = 1
        killed_for: str | None = None
        deadline = started + timeout
        try:
            while proc.poll() is None:
                live = _descendants(run_pids, proc.pid, pgid, adopted)
                most = max(most, len(live))
                rss = tree_rss(live)
                peak = max(peak, rss)
                if rss > memory_limit:
                    killed_for = "memory"
                    _kill_all(live)
                    break
                if time.perf_counter() > deadline:
                    killed_for = "timeout"
                    _kill_group(pgid, signal.SIGTERM)
                    try:
                        proc.wait(TERM_GRACE_SECONDS)
                    except subprocess.TimeoutExpired:
                        _kill_all(_descendants(run_pids, proc.pid, pgid, adopted))
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
            stderr = _tail_fd(err_f)
            out_f.close()
            err_f.close()
        seconds = round(time.perf_counter() - started, 3)
        result = None
        raw = _read_child_file(work / "result.json", RESULT_BUDGET)
        if raw is not None and killed_for is None:
            try:
                result = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError):
                result = None
            if not isinstance(result, dict):
                result = None
        stage_lines = _read_lines(work / "progress")
        stage = stage_lines[-1].split("\t")[-1] if stage_lines else None
        outcome = ChildOutcome(result, _describe(rc, killed_for, timeout, memory_limit), rc,
                               timed_out=killed_for == "timeout",
                               memory_exceeded=killed_for == "memory", stage=stage,
                               peak_rss_mb=round(peak / 2**20, 1) if peak else None,
                               stderr_tail=stderr, seconds=seconds, stages=stage_lines,
                               confined=confine, processes=max(most, len(run_pids)))
        if result is not None:
            ns = result.get("netns")
            outcome.network = "namespace" if ns == "isolated" else "environment"
        if killed_for is None and rc and rc < 0 and (
            -rc == signal.SIGKILL or re.search(r"bad_alloc|Cannot allocate memory", stderr)
        ):
            outcome.memory_exceeded = True  # the kernel's OOM killer or an allocation abort
        return outcome


def _read_lines(path: Path) -> list[str]:
    raw = _read_child_file(path, RESULT_BUDGET)
    if raw is None:
        return []
    return [s[:500] for s in raw.decode("utf-8", "replace").splitlines() if s.strip()][-200:]


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
