"""Bad input: a clear message or an `unknown` with the reason, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

import truecard
from support.files import ROOT, write, write_safetensors
from truecard.models import Status
from truecard.sources import SourceError


def run_cli(*args: str, user: int | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run(
        [sys.executable, "-m", "truecard", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        user=user,
        check=False,
    )


def assert_clean_error(proc: subprocess.CompletedProcess[str], fragment: str) -> None:
    assert proc.returncode == 2, proc
    assert "Traceback" not in proc.stderr
    assert fragment in proc.stderr
    assert proc.stdout == ""  # never a partial document


def test_missing_path() -> None:
    assert_clean_error(run_cli("scan", "/nonexistent/model", "-f", "json"), "no such file or directory")


def test_file_instead_of_folder(tmp_path: Path) -> None:
    f = write(tmp_path / "README.md", "# x\n")
    assert_clean_error(run_cli("scan", str(f)), "is a file, not a folder")


def test_a_folder_named_every_way_opens_or_says_why(tmp_path: Path) -> None:
    """The local source's one stat and real path: a folder through a symlink opens at its
    real path; a broken link, a link loop, a path through a file and a missing path are each
    a clear SourceError."""
    from truecard.sources.local import LocalTree

    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "via").symlink_to(real, target_is_directory=True)
    (tmp_path / "broken").symlink_to(tmp_path / "nowhere")
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    write(tmp_path / "file.md", "x")
    tree = LocalTree.open(str(tmp_path / "via"))
    assert tree.root == real.resolve() and tree.info.location == str(real.resolve())
    assert LocalTree.open(f"{real}/.").root == real.resolve()
    cases = {"broken": "broken symbolic link", "loop": "broken symbolic link", "file.md": "is a file, not a folder",
             "file.md/sub": "no such file or directory", "missing": "no such file or directory"}
    for name, fragment in cases.items():
        with pytest.raises(SourceError, match=fragment):
            LocalTree.open(str(tmp_path / name))
    with pytest.raises(SourceError, match="no such file or directory"):
        LocalTree.open(f"{real}/a\0b")  # a NUL: no such path, never a traceback


def test_unknown_format(tmp_path: Path) -> None:
    assert_clean_error(run_cli("scan", str(tmp_path), "-f", "pdf"), "unknown format")


def test_broken_claims_file_is_exit_2(tmp_path: Path) -> None:
    write(tmp_path / "truecard.yaml", "claims: [{{")
    assert_clean_error(run_cli("scan", str(tmp_path)), "not valid YAML")


def test_symlink_loop_and_outside_link(tmp_path: Path) -> None:
    d = tmp_path / "m"
    write(d / "README.md", "# m\n\nA model.\n")
    (d / "loop").symlink_to(d, target_is_directory=True)
    (d / "a").symlink_to(d / "b")
    (d / "b").symlink_to(d / "a")
    secret = write(tmp_path / "outside" / "LICENSE", "MIT License\n")
    (d / "LICENSE").symlink_to(secret)
    card = truecard.scan(d)
    msgs = " ".join(p.message for p in card.problems)
    assert "outside the scanned folder" in msgs
    assert "loop" in msgs
    # the outside licence was not read
    assert card.criterion("transparent.license").points == 0


def test_binary_junk_named_readme(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_bytes(os.urandom(4096) + b"\x00" * 10)
    card = truecard.scan(tmp_path)
    assert any("binary" in p.message for p in card.problems)
    assert card.criterion("understandable.model_card").status == Status.UNKNOWN


def test_broken_yaml_front_matter(tmp_path: Path) -> None:
    write(
        tmp_path / "README.md", "---\nlicense: [mit\ndatasets: {\n---\n# m\n\nA model trained on The Pile.\n"
    )
    card = truecard.scan(tmp_path)
    assert any("broken YAML front matter" in p.message for p in card.problems)
    assert card.criterion("transparent.datasets").points == 2  # the body is still read


def test_one_gigabyte_text_file(tmp_path: Path) -> None:
    p = tmp_path / "README.md"
    with open(p, "wb") as fh:
        fh.write(b"# huge\n\nThe model was trained on 8 A100 GPUs.\n" + b"filler text line\n" * 1000)
        fh.truncate(1 << 30)  # sparse: 1 GiB without using the disk
    card = truecard.scan(tmp_path)
    assert any("read the first part only" in p.message for p in card.problems)
    assert card.criterion("reproducible.hardware").points == 2


@pytest.mark.parametrize(
    "mutate, fragment",
    [
        (lambda b: b[:-40], "data lies outside the file"),  # truncated
        (
            lambda b: (10**12).to_bytes(8, "little") + b[8:],
            "exceeds the format's 100 MB limit",
        ),  # lying length
        (lambda b: (10**6).to_bytes(8, "little") + b[8:], "larger than the file"),
        (lambda b: b[:8] + b"{not json" + b[17:], "not valid JSON"),
        (lambda b: b"\x03\x00\x00\x00\x00\x00\x00\x00abc", "not valid JSON"),
        (lambda b: b"\x01", "shorter than the 8-byte header"),
    ],
)
def test_bad_safetensors_headers(tmp_path: Path, mutate, fragment: str) -> None:  # type: ignore[no-untyped-def]
    good = tmp_path / "good.safetensors"
    write_safetensors(good)
    d = tmp_path / "m"
    d.mkdir()
    (d / "model.safetensors").write_bytes(mutate(good.read_bytes()))
    card = truecard.scan(d)
    w = card.criterion("transparent.weights")
    assert w.points == 1 and "unreadable" in w.rationale
    assert fragment in w.rationale, w.rationale


def test_absurd_shapes(tmp_path: Path) -> None:
    header = json.dumps({"w": {"dtype": "F32", "shape": [10**9, 10**9], "data_offsets": [0, 16]}}).encode()
    d = tmp_path / "m"
    d.mkdir()
    (d / "model.safetensors").write_bytes(len(header).to_bytes(8, "little") + header + b"\x00" * 16)
    card = truecard.scan(d)
    assert "does not match its byte range" in card.criterion("transparent.weights").rationale


def test_missing_shard(tmp_path: Path) -> None:
    write_safetensors(tmp_path / "model-00001-of-00002.safetensors")
    write(
        tmp_path / "model.safetensors.index.json",
        json.dumps(
            {"weight_map": {"a": "model-00001-of-00002.safetensors", "b": "model-00002-of-00002.safetensors"}}
        ),
    )
    w = truecard.scan(tmp_path).criterion("transparent.weights")
    assert w.points == 1 and "model-00002-of-00002.safetensors" in w.rationale


UNPRIVILEGED_SCAN = """
import json, os, sys, tempfile
import truecard
from truecard.reports import render
truecard.scan(tempfile.mkdtemp())  # load every lazily imported module while still root
os.setgid(65534); os.setuid(65534)  # then drop to nobody: root reads everything
print(render(truecard.scan(sys.argv[1]), "json"))
"""


def test_unreadable_files_are_reported(tmp_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root to drop privileges to another user")
    d = Path(tempfile.mkdtemp())
    try:
        d.chmod(0o755)
        write(d / "README.md", "# m\n\nA model.\n").chmod(0o644)
        write(d / "LICENSE", "MIT License\n").chmod(0o000)
        locked = d / "locked"
        locked.mkdir()
        write(locked / "train.py", "x = 1\n")
        locked.chmod(0o000)
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
        proc = subprocess.run(
            [sys.executable, "-c", UNPRIVILEGED_SCAN, str(d)],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            check=False,
        )
        assert proc.returncode == 0, proc.stderr
        out = json.loads(proc.stdout)
        msgs = [(p.get("path"), p["message"]) for p in out["problems"]]
        assert any(path == "LICENSE" and "unreadable" in m for path, m in msgs), msgs
        assert any(path == "locked" and "unreadable" in m for path, m in msgs), msgs
    finally:
        import shutil

        for p in d.rglob("*"):
            p.chmod(0o755)
        shutil.rmtree(d)


def test_hundred_thousand_files(tmp_path: Path) -> None:
    d = tmp_path / "many"
    for i in range(100):
        sub = d / f"shard{i:03d}"
        sub.mkdir(parents=True)
        for j in range(1000):
            (sub / f"f{j}.txt").touch()
    write(d / "README.md", "# many\n\nA model.\n")
    card = truecard.scan(d)
    assert card.total >= 0
    assert card.criterion("understandable.model_card").points >= 0


def test_source_error_for_api_users(tmp_path: Path) -> None:
    with pytest.raises(SourceError):
        truecard.scan(tmp_path / "nope")
