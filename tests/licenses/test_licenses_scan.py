"""Licences per artifact in a scanned model folder: conflicts, points, and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from support.licenses_corpus import corpus_dir
from truecard.cli import _load_commands, app
from truecard.commands.licenses import licenses_report

MIT = (
    "MIT License\n\nCopyright (c) 2024 Example\n\nPermission is hereby granted, free of charge, "
    "to any person obtaining a copy of this software and associated documentation files (the "
    '"Software"), to deal in the Software without restriction, including without limitation the '
    "rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of the "
    "Software, and to permit persons to whom the Software is furnished to do so, subject to the "
    "following conditions:\n\nThe above copyright notice and this permission notice shall be "
    "included in all copies or substantial portions of the Software.\n\nTHE SOFTWARE IS PROVIDED "
    '"AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE '
    "WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO "
    "EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER "
    "LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN "
    "CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.\n"
)
INFER = "from transformers import AutoModelForCausalLM\nm = AutoModelForCausalLM.from_pretrained('.')\nprint(m.generate())\n"


def _model(tmp_path: Path, files: dict[str, str | bytes], license_field: str | None = "mit") -> Path:
    d = tmp_path / "model"
    d.mkdir()
    fm = f"---\nlicense: {license_field}\n---\n" if license_field else ""
    files = {"README.md": fm + "# A model\n\nUsage: run inference.py.\n", **files}
    for name, content in files.items():
        p = d / name
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(content, "utf-8")
    return d


def _llama3() -> str:
    return (corpus_dir("licenses") / "llama-3-community.txt").read_text("utf-8")


def _points(path: Path) -> tuple[int, str]:
    from truecard.engine import scan

    card = scan(str(path))
    c = next(c for d in card.dimensions for c in d.criteria if c.id == "transparent.license")
    return c.points, c.rationale


def test_metadata_apache_but_licence_file_is_llama_is_a_conflict_and_zero(tmp_path: Path) -> None:
    d = _model(tmp_path, {"LICENSE": _llama3(), "inference.py": INFER}, "apache-2.0")
    rep = licenses_report([str(d)])
    assert any("conflict" in w and "llama3" in w and "Apache-2.0" in w for w in rep["warnings"])
    weights = next(a for a in rep["artifacts"] if a["artifact"] == "weights")
    assert weights["class"] == "restricted" and weights["where"].startswith("LICENSE")
    points, why = _points(d)
    assert points == 0 and "restricted" in why


def test_open_code_but_unlicensed_weights_is_a_conflict_and_one_point(tmp_path: Path) -> None:
    d = _model(tmp_path, {"LICENSE-CODE": MIT, "inference.py": INFER}, None)
    rep = licenses_report([str(d)])
    assert any("conflict" in w and "weights carry no licence" in w for w in rep["warnings"]), rep["warnings"]
    by = {a["artifact"]: a for a in rep["artifacts"]}
    assert by["inference-code"]["class"] == "osi-permissive"
    assert by["weights"]["class"] == "none"
    assert _points(d)[0] == 1


def test_two_licence_files_that_disagree(tmp_path: Path) -> None:
    d = _model(tmp_path, {"LICENSE": MIT, "LICENSE.md": _llama3()}, None)
    rep = licenses_report([str(d)])
    assert any("conflict" in w and "LICENSE.md" in w for w in rep["warnings"]), rep["warnings"]
    assert next(a for a in rep["artifacts"] if a["artifact"] == "weights")["class"] == "restricted"


def test_expression_mixing_classes_warns(tmp_path: Path) -> None:
    d = _model(tmp_path, {}, "MIT AND CC-BY-NC-4.0")
    rep = licenses_report([str(d)])
    assert any("conflict" in w and "CC-BY-NC-4.0 (non-commercial)" in w for w in rep["warnings"])


def test_same_class_statements_do_not_conflict(tmp_path: Path) -> None:
    d = _model(tmp_path, {"LICENSE": MIT, "inference.py": INFER}, "apache-2.0")
    rep = licenses_report([str(d)])
    assert not [w for w in rep["warnings"] if "conflict" in w]
    assert _points(d)[0] == 2


def test_split_licences_code_open_weights_restricted(tmp_path: Path) -> None:
    d = _model(tmp_path, {"LICENSE-CODE": MIT, "LICENSE-MODEL": _llama3(), "inference.py": INFER}, None)
    by = {a["artifact"]: a for a in licenses_report([str(d)])["artifacts"]}
    assert by["inference-code"]["license_id"] == "MIT"
    assert by["weights"]["license_id"] == "llama3"
    assert by["weights"]["basis"] == "stated for the weights"
    assert _points(d)[0] == 0, "never more than 0 for restricted weights, whatever the code's licence"


def test_open_data_weights_earn_one_point(tmp_path: Path) -> None:
    d = _model(tmp_path, {"inference.py": INFER}, "cc-by-4.0")
    assert _points(d)[0] == 1


def test_other_without_name_in_every_output(tmp_path: Path) -> None:
    from truecard.engine import scan

    d = _model(tmp_path, {}, "other")
    card = scan(str(d))
    assert any("conflict" in w and "license: other" in w for w in card.warnings)
    assert {getattr(a, "artifact", None) for a in card.licenses} >= {"weights", "inference-code", "datasets"}


@pytest.mark.parametrize(
    "content",
    [b"", b"https://example.com/terms\n", b"\xff\xfe\x00garbage\x00" * 10, "Société".encode("latin-1") * 50,
     MIT.encode("utf-8") + b"x" * (11 * 1024 * 1024)],
)
def test_bad_licence_files_never_crash_a_scan(tmp_path: Path, content: bytes) -> None:
    d = _model(tmp_path, {"LICENSE": content}, "apache-2.0")
    rep = licenses_report([str(d)])
    assert rep["artifacts"][0]["class"] in {"osi-permissive", "unknown"}


# --- CLI --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    _load_commands()
    return CliRunner()


def test_cli_licenses_json_has_class_names_verbatim(runner: CliRunner, tmp_path: Path) -> None:
    d = _model(tmp_path, {"LICENSE": _llama3()}, "apache-2.0")
    res = runner.invoke(app, ["licenses", str(d), "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    classes = {a["class"] for a in data["artifacts"]}
    assert "restricted" in classes
    assert any("conflict" in w for w in data["warnings"])


def test_cli_licenses_table(runner: CliRunner, tmp_path: Path) -> None:
    d = _model(tmp_path, {"LICENSE": MIT, "inference.py": INFER}, "mit")
    res = runner.invoke(app, ["licenses", str(d)])
    assert res.exit_code == 0 and "osi-permissive" in res.output and "weights" in res.output


def test_cli_licenses_bad_input(runner: CliRunner, tmp_path: Path) -> None:
    assert runner.invoke(app, ["licenses", str(tmp_path / "missing")]).exit_code == 2
    assert runner.invoke(app, ["licenses", str(tmp_path), "--format", "xml"]).exit_code == 2


def test_cli_license_info(runner: CliRunner) -> None:
    res = runner.invoke(app, ["license-info", "llama3.1"])
    assert res.exit_code == 0
    assert "restricted" in res.output and "OSI-approved: no" in res.output and "https://" in res.output
    res = runner.invoke(app, ["license-info", "Apache-2.0", "--format", "json"])
    info = json.loads(res.output)
    assert info["class"] == "osi-permissive" and info["osi_approved"] is True and "SPDX" in info["source"]


def test_cli_license_info_unknown_id_exits_non_zero(runner: CliRunner) -> None:
    res = runner.invoke(app, ["license-info", "no-such-licence-anywhere"])
    assert res.exit_code == 2
    assert "unknown licence" in res.output
