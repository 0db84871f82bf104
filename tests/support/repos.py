"""Helpers that build real git repositories for source tests (no network: file:// only)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "tiny-open-model"


def git(cwd: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
    }
    return subprocess.run(
        ["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True
    ).stdout.strip()


def write(root: Path, files: dict[str, bytes | str]) -> None:
    for rel, data in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data.encode() if isinstance(data, str) else data)


def code_files() -> dict[str, bytes | str]:
    """The example model's code half: scripts, configs, environment, licence, a README."""
    out: dict[str, bytes | str] = {}
    for rel in ("train.py", "inference.py", "finetune_lora.py", "requirements.txt", "LICENSE"):
        out[rel] = (EXAMPLE / rel).read_bytes()
    for p in (EXAMPLE / "configs").rglob("*"):
        if p.is_file():
            out[str(p.relative_to(EXAMPLE))] = p.read_bytes()
    out["README.md"] = "# model code\n\nTraining and inference code for org/model.\n"
    return out


def make_code_repo(repo: Path) -> Path:
    """A model's code repository: two commits, an annotated tag v0.1, step-named branches,
    a blob larger than the partial-clone limit and a Git LFS pointer. Returns its path."""
    from truecard.sources.git import BLOB_LIMIT

    repo.mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "uploadpack.allowFilter", "true")
    write(repo, {"README.md": "# early\n", "old.py": "print('old')\n"})
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "first")
    git(repo, "tag", "-a", "v0.1", "-m", "first release")
    git(repo, "branch", "step-1000")
    git(repo, "rm", "-q", "old.py")
    write(repo, code_files())
    write(repo, {"data/big.bin": os.urandom(BLOB_LIMIT + 1)})
    write(repo, {".gitattributes": "*.safetensors filter=lfs diff=lfs merge=lfs -text\n"})
    write(
        repo,
        {
            "weights/model.safetensors": "version https://git-lfs.github.com/spec/v1\n"
            "oid sha256:" + "ab" * 32 + "\nsize 123456789\n"
        },
    )
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "code")
    git(repo, "branch", "step-2000")
    return repo
