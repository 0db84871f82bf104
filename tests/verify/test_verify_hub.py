"""`scan hf:ORG/NAME --verify` against the suite's fake Hub on loopback: the model is
downloaded (only because verify was asked for) at the exact revision the scan read, run in
the sandbox, and the download is removed afterwards."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from support.fakehub import Failure, FakeHub, serve
from support.tiny_models import require_run_extra

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "tiny-open-model"


@pytest.fixture
def fake_hub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    pytest.importorskip("huggingface_hub")
    yield from serve(tmp_path, monkeypatch)


def downloads() -> set[str]:
    return {p for p in os.listdir(tempfile.gettempdir()) if p.startswith("truecard-hf-")}


def example_files() -> dict[str, bytes]:
    return {p.relative_to(EXAMPLE).as_posix(): p.read_bytes() for p in sorted(EXAMPLE.rglob("*"))
            if p.is_file() and "checkpoints" not in p.parts}


@pytest.mark.run
def test_scan_verify_downloads_the_scanned_revision(fake_hub: FakeHub) -> None:
    require_run_extra()
    from truecard.engine import scan

    repo = fake_hub.add_model("org/tiny-open-model", example_files())
    before = downloads()
    card = scan("hf:org/tiny-open-model", verify={"timeout": 300})
    v = card.verification
    assert v is not None and v.status == "passed", v and v.summary
    assert v.source == "hf:org/tiny-open-model" and v.revision == repo.sha
    assert card.criterion("executable.inference").points == 2
    assert any("/resolve/" in r.path and "model.safetensors" in r.path for r in fake_hub.log)
    assert downloads() <= before  # the download is gone


def test_a_failed_download_is_one_clear_error(fake_hub: FakeHub) -> None:
    from truecard.verify import VerifyError, verify

    fake_hub.add_model("org/tiny-open-model", example_files())
    fake_hub.fail("org/tiny-open-model", Failure("403", target="model.safetensors", times=None))
    before = downloads()
    with pytest.raises(VerifyError, match=r"hf:org/tiny-open-model: could not download model\.safetensors"):
        verify("hf:org/tiny-open-model", timeout=60)
    assert downloads() <= before  # the partial download is removed too
