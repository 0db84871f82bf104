"""The dashboard's model page shows the Integrity section, with a warning for an unsafe pickle."""

from __future__ import annotations

import os
import pickle
from pathlib import Path
from typing import Any

import truecard
from support.files import write, write_safetensors
from support.webutil import client, db_url, retarget, save, store

__all__ = ["client", "db_url", "store"]


class _Boom:
    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (os.system, ("touch /nonexistent/truecard-marker",))


def test_model_page_has_integrity_and_unsafe_pickle_warning(client: Any, store: Any, tmp_path: Path) -> None:
    d = tmp_path / "m"
    write(d / "README.md", "---\nlicense: mit\n---\n# m\n")
    write_safetensors(d / "model.safetensors")
    (d / "pytorch_model.bin").write_bytes(pickle.dumps(_Boom(), protocol=2))
    doc = retarget(truecard.scan(d).model_dump(mode="json"), "org/pickled", "3" * 40)
    save(store, doc)
    page = client.get("/models/org/pickled").text
    assert 'id="integrity"' in page and 'id="unsafe-pickle"' in page
    assert "pytorch_model.bin" in page and "posix.system" in page and "code-free" in page
    api = client.get("/api/models/org/pickled").json()
    assert api["scorecard"]["integrity"]["serialization"]


def test_model_page_without_findings(client: Any, store: Any, tmp_path: Path) -> None:
    d = tmp_path / "clean"
    write(d / "README.md", "# clean\n")
    write_safetensors(d / "model.safetensors")
    save(store, retarget(truecard.scan(d).model_dump(mode="json"), "org/clean", "4" * 40))
    page = client.get("/models/org/clean").text
    assert 'id="integrity"' in page and 'id="unsafe-pickle"' not in page
    assert "No model-signing bundle" in page
