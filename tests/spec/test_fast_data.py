"""The package's own data compiled once, and licence texts answered from their hash.

Speed itself is measured in benchmarks/bench_scan.py; these tests check that the fast paths
give exactly what the slow paths give, and that they are invalidated when their inputs change.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from truecard import _compiled, licenses, spec
from truecard.licenses import memo
from truecard.licenses.text import match_text, match_text_fresh

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "tiny-open-model"
MIT = (EXAMPLE / "LICENSE").read_text()


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("TRUECARD_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("TRUECARD_NO_COMPILED_CACHE", raising=False)
    memo._dir.cache_clear()
    memo.clear()
    yield tmp_path
    memo._dir.cache_clear()
    memo.clear()


def test_compiled_is_built_once_and_rebuilt_when_an_input_changes(cache, tmp_path):
    src = tmp_path / "data.yaml"
    src.write_text("a: 1\n")
    calls = []

    def build():
        calls.append(1)
        return _compiled.yaml_load(src.read_text())

    assert _compiled.compiled("t-data", [src], build) == {"a": 1}
    assert _compiled.compiled("t-data", [src], build) == {"a": 1}
    assert len(calls) == 1
    src.write_text("a: 22\n")
    os.utime(src, ns=(1, 1))  # a different size and time: a different key
    assert _compiled.compiled("t-data", [src], build) == {"a": 22}
    assert len(calls) == 2
    assert len(list((cache / "compiled").glob("t-data-*.json"))) == 1  # the stale one is gone


def test_compiled_survives_a_corrupt_or_unwritable_cache(cache, tmp_path, monkeypatch):
    src = tmp_path / "d.yaml"
    src.write_text("[1, 2]\n")
    assert _compiled.compiled("t-bad", [src], lambda: [1, 2]) == [1, 2]
    (f,) = (cache / "compiled").glob("t-bad-*.json")
    f.write_text("{not json")
    assert _compiled.compiled("t-bad", [src], lambda: [1, 2]) == [1, 2]
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("TRUECARD_CACHE_DIR", str(blocker))  # a file where a folder should be
    assert _compiled.compiled("t-bad", [src], lambda: [3]) == [3]
    monkeypatch.setenv("TRUECARD_NO_COMPILED_CACHE", "1")
    assert _compiled.compiled("t-bad", [src], lambda: [4]) == [4]


def test_compiled_licence_data_equals_the_data_files(cache):
    assert licenses._build_ai_licenses() == _compiled.compiled(
        "ai-licenses", licenses._data_inputs(), licenses._build_ai_licenses)
    # read back from the file written above, not rebuilt
    assert licenses._build_ai_licenses() == _compiled.compiled(
        "ai-licenses", licenses._data_inputs(), lambda: pytest.fail("rebuilt"))
    fuzzy = licenses._build_fuzzy_index()
    licenses._fuzzy_index.cache_clear()
    try:
        assert licenses._fuzzy_index() == fuzzy
        assert list(licenses._fuzzy_index()) == list(fuzzy)  # order decides ambiguous keys
    finally:
        licenses._fuzzy_index.cache_clear()
    assert _compiled.compiled("t-spec", [spec.__file__], spec._raw_spec) == spec._raw_spec()


def test_libyaml_reads_the_package_data_as_pure_python_yaml_does():
    import yaml

    for path in (Path(spec.__file__).with_name(spec.SPEC_FILE),
                 Path(licenses.__file__).parent / licenses._AI_DATA):
        text = path.read_text("utf-8")
        assert _compiled.yaml_load(text) == yaml.safe_load(text)


def test_memo_returns_what_the_matcher_returns(cache):
    fresh = match_text_fresh(MIT)
    first = match_text(MIT)
    assert first == fresh
    (stored,) = list((cache / "licence-texts").rglob("*.json"))
    assert stored.stem == memo.text_key(MIT)
    memo.clear()  # the next answer comes from disk
    again = match_text(MIT)
    assert again == fresh and again is not first
    # a caller amending its verdict does not change the next one
    again.reason = "changed"
    again.parts.append({"id": "x", "class": "unknown"})
    assert match_text(MIT) == fresh
    # the same text with Windows line ends and a BOM is the same text to the matcher
    assert match_text("\ufeff" + MIT.replace("\n", "\r\n")) == match_text_fresh(
        "\ufeff" + MIT.replace("\n", "\r\n"))


def test_memo_is_keyed_by_the_text(cache):
    apache_stub = "Apache License\nVersion 2.0, January 2004\n\n" + MIT
    a, b = match_text(MIT), match_text(apache_stub)
    assert a == match_text_fresh(MIT) and b == match_text_fresh(apache_stub)
    assert len(list((cache / "licence-texts").rglob("*.json"))) == 2


def test_memo_can_be_turned_off(cache, monkeypatch):
    monkeypatch.setenv("TRUECARD_NO_COMPILED_CACHE", "1")
    memo._dir.cache_clear()
    assert match_text(MIT) == match_text_fresh(MIT)
    assert not (cache / "licence-texts").exists()


def test_a_local_scan_imports_no_remote_source_and_a_known_text_no_matcher(cache):
    code = (
        "import sys, truecard\n"
        f"card = truecard.scan({str(EXAMPLE)!r})\n"
        "print(card.total, 'huggingface_hub' in sys.modules, 'licenseclassifier' in sys.modules)\n"
    )
    env = {**os.environ, "TRUECARD_CACHE_DIR": str(cache), "PYTHONPATH": str(ROOT / "src")}
    first = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                           check=True).stdout.split()
    second = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                            check=True).stdout.split()
    assert first[0] == second[0]
    assert first[1:] == ["False", "True"]  # the first scan ran the template matcher
    assert second[1:] == ["False", "False"]  # the second answered the LICENSE from its hash
