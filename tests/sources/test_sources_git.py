"""git sources on real repositories created here: gh: ids and URLs (served from file://),
local clones at another ref, partial clones that leave large blobs on the remote."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from support.repos import EXAMPLE, git, make_code_repo, write
from truecard.cli import app
from truecard.engine import scan
from truecard.sources import SourceError, open_source
from truecard.sources.git import BLOB_LIMIT, GitTree, parse_git_spec


@pytest.fixture
def remote(template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A 'GitHub' of file:// repositories: gh:org/code is tmp/github/org/code."""
    base = tmp_path / "github"
    shutil.copytree(template, base / "org" / "code", symlinks=True)
    monkeypatch.setenv("TRUECARD_GITHUB_URL", base.as_uri())
    monkeypatch.setenv("TRUECARD_CACHE_DIR", str(tmp_path / "cache"))
    return base / "org" / "code"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository, built once: two commits, an annotated tag, step branches, a large
    blob and a Git LFS pointer."""
    return make_code_repo(tmp_path_factory.mktemp("template") / "code")


def test_gh_source_reads_the_tree_at_its_commit(remote: Path, tmp_path: Path) -> None:
    head = git(remote, "rev-parse", "HEAD")
    t = open_source("gh:org/code")
    assert isinstance(t, GitTree)
    assert (t.info.id, t.info.kind, t.info.revision) == ("gh:org/code", "gh", head)
    paths = {e.path for e in t.entries()}
    assert {"train.py", "inference.py", "configs/train.yaml"} <= paths and "old.py" not in paths
    assert t.read_range("train.py", 0, 1 << 20) == (EXAMPLE / "train.py").read_bytes()
    assert t.url_for("train.py", 3) == f"https://github.com/org/code/blob/{head}/train.py#L3"
    refs = t.refs()
    assert refs["step-1000"] == git(remote, "rev-parse", "HEAD~1")
    assert refs["v0.1"] == git(remote, "rev-parse", "HEAD~1"), "annotated tags are peeled"
    # the large blob is listed but was never fetched into the cache
    big = t.entry("data/big.bin")
    assert big is not None and big.size == BLOB_LIMIT
    with pytest.raises(OSError, match="left on the git remote"):
        t.read_range("data/big.bin", 0, 8)
    oid = git(remote, "rev-parse", "HEAD:data/big.bin")
    probe = subprocess.run(
        ["git", "-C", str(t.gitdir), "cat-file", "-e", oid],
        env={**os.environ, "GIT_NO_LAZY_FETCH": "1"},
        capture_output=True,
    )
    assert probe.returncode != 0
    # a Git LFS pointer: listed with the real size and sha256, never read as weights
    lfs = t.entry("weights/model.safetensors")
    assert lfs is not None and lfs.size == 123456789 and lfs.sha256 == "ab" * 32
    assert any("Git LFS" in n for n in t.info.notes)


def test_scan_of_a_code_repo_cites_source_and_revision(remote: Path) -> None:
    head = git(remote, "rev-parse", "HEAD")
    result = scan("gh:org/code")
    tc = result.criterion("transparent.training_code")
    assert tc.points >= 1 and tc.evidence
    assert all(e.source == "gh:org/code" and e.revision == head for e in tc.evidence)
    assert any(e.url and e.url.startswith(f"https://github.com/org/code/blob/{head}/") for e in tc.evidence)
    ck = result.criterion("reproducible.checkpoints")
    assert any(e.kind == "checkpoint-revisions" for e in ck.evidence)
    assert result.subject.sources[0].revision == head


def test_refs_tags_commits_and_urls(remote: Path) -> None:
    first = git(remote, "rev-parse", "HEAD~1")
    for spec in ("gh:org/code@v0.1", "gh:org/code@step-1000", f"gh:org/code@{first}"):
        t = open_source(spec)
        assert t.info.revision == first, spec
        assert {e.path for e in t.entries()} == {"README.md", "old.py"}
    url = remote.as_uri()
    t = open_source(f"{url}@v0.1")
    assert t.info.id == f"git:{url}" and t.info.revision == first and t.url_for("README.md") is None
    for spec in ("https://github.com/org/code/tree/v0.1", "https://github.com/org/code/tree/v0.1/src"):
        g = open_source(spec)
        assert g.info.id == "gh:org/code" and g.info.revision == first
    with pytest.raises(SourceError, match="no branch or tag named 'nope'"):
        open_source("gh:org/code@nope")


def test_second_scan_fetches_nothing_and_works_offline(remote: Path, tmp_path: Path) -> None:
    first = scan("gh:org/code")
    shutil.move(str(remote), str(tmp_path / "gone"))  # the remote disappears
    with pytest.raises(SourceError, match="gh:org/code"):
        open_source("gh:org/code")
    again = scan("gh:org/code", offline=True)
    assert again.total == first.total
    assert again.subject.sources[0].revision == first.subject.sources[0].revision
    with pytest.raises(SourceError, match="not in the local cache"):
        open_source("gh:org/other", offline=True)


def test_local_clone_at_another_ref(remote: Path, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(remote), str(clone))
    first = git(clone, "rev-parse", "HEAD~1")
    t = open_source(f"{clone}@v0.1")
    assert isinstance(t, GitTree) and t.info.revision == first
    assert {e.path for e in t.entries()} == {"README.md", "old.py"}
    assert "step-1000" in t.refs() or "v0.1" in t.refs()
    # without @REF the working tree is read as a folder (the lead's local source)
    assert open_source(str(clone)).info.kind == "local"
    with pytest.raises(SourceError, match="no branch, tag or commit 'nope'"):
        open_source(f"{clone}@nope")
    plain = tmp_path / "plain"
    plain.mkdir()
    with pytest.raises(SourceError, match="not a git repository"):
        open_source(f"{plain}@v1")


def test_reading_never_runs_hooks_or_filters(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = tmp_path / "evil"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    marker = tmp_path / "pwned"
    write(repo, {"a.py": "x = 1\n", ".gitattributes": "*.py filter=evil\n"})
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "one")
    hook = repo / ".git" / "hooks" / "post-checkout"
    hook.write_text(f"#!/bin/sh\ntouch {marker}\n")
    hook.chmod(0o755)
    git(repo, "config", "filter.evil.smudge", f"touch {marker}; cat")
    git(repo, "config", "core.fsmonitor", f"touch {marker}; echo")
    monkeypatch.setenv("TRUECARD_CACHE_DIR", str(tmp_path / "cache"))
    scan(f"{repo}@main")
    scan(repo.as_uri())
    assert not marker.exists()


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("gh:org", "not a GitHub repository id"),
        ("gh:org/repo/extra", "not a GitHub repository id"),
        ("https://github.com/org", "not a GitHub repository URL"),
        ("https://github.com/org/repo/issues", "not a repository URL"),
        ("ftp://example.org/x.git", "unknown kind of source .ftp."),
        ("gl:org/repo", "unknown kind of source"),
    ],
)
def test_malformed_git_specs(spec: str, message: str) -> None:
    with pytest.raises(SourceError, match=message):
        open_source(spec)


def test_unreachable_and_missing_remotes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRUECARD_CACHE_DIR", str(tmp_path / "cache"))
    with pytest.raises(SourceError, match="not a git repository"):
        open_source((tmp_path / "missing").as_uri())
    r = CliRunner().invoke(app, ["scan", "git+http://127.0.0.1:9/none.git"])
    assert r.exit_code == 2 and r.stderr.startswith("truecard: error: git:http://127.0.0.1:9/none.git")
    assert "Traceback" not in r.stderr


def test_credentials_never_appear_in_ids() -> None:
    g = parse_git_spec("https://user:secret@gitlab.com/org/repo.git@main")
    assert "secret" not in g.source_id and g.ref == "main" and g.web == "https://gitlab.com/org/repo"


def test_revision_probe_for_batch_rescans(remote: Path) -> None:
    from truecard.sources.resolve import probe_revision

    assert probe_revision("gh:org/code") == git(remote, "rev-parse", "HEAD")
    assert probe_revision("gh:org/code@v0.1") == git(remote, "rev-parse", "HEAD~1")
    assert probe_revision("gh:org/nothing") is None
    assert probe_revision("gh:org/code") == open_source("gh:org/code").info.revision
