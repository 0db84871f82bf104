"""`truecard.licenses.matcher.load_matcher` gives licenseclassifier's own matcher, loaded from
the package's own artifact: the same program, dictionary and licence ids as the package's
loader builds, whether the decompressed copy is made, kept, or damaged."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pytest

from truecard.licenses import matcher

scan: Any = importlib.import_module("licenseclassifier._engine.scan")


def _program(s: Any) -> tuple[Any, ...]:
    return (s.ids, s.urls, s.dict.list, s.re.ops.tobytes(), s.re.args.tobytes(), s.re.start, s.re._start_state)


@pytest.fixture
def packages_own(monkeypatch: pytest.MonkeyPatch) -> Any:
    """The package's loader's matcher; the module's slot emptied for the test and restored."""
    monkeypatch.setattr(scan, "_builtin", None)
    own = scan._load_prebuilt()
    assert own is not None
    monkeypatch.setattr(scan, "_builtin", None)
    return own


def _kept(cache: Path) -> list[Path]:
    return sorted((cache / "compiled").glob("licence-matcher-*.bin"))


def test_made_then_kept_then_remade(packages_own: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRUECARD_CACHE_DIR", str(tmp_path))
    first = matcher.load_matcher()
    assert _program(first) == _program(packages_own)
    assert scan.builtin_scanner() is first  # installed where the package looks
    (kept,) = _kept(tmp_path)
    monkeypatch.setattr(scan, "_builtin", None)
    assert _program(matcher.load_matcher()) == _program(packages_own)  # read from the kept copy
    kept.write_bytes(kept.read_bytes()[:1000])  # damaged: truncated
    monkeypatch.setattr(scan, "_builtin", None)
    assert _program(matcher.load_matcher()) == _program(packages_own)
    assert kept.stat().st_size > 1000  # made again


def test_without_the_cache(packages_own: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRUECARD_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("TRUECARD_NO_COMPILED_CACHE", "1")
    assert _program(matcher.load_matcher()) == _program(packages_own)
    assert _kept(tmp_path) == []


def test_another_artifact_format_is_left_to_the_package(packages_own: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scan, "FORMAT_VERSION", -1)  # the package moved on: its loader decides
    calls: list[int] = []
    monkeypatch.setattr(scan, "build_from_source", lambda: calls.append(1) or packages_own)
    assert matcher.load_matcher() is packages_own
    assert calls == [1]


def test_the_matcher_finds_a_licence_url(packages_own: Any) -> None:
    from licenseclassifier import identify_license

    matcher.load_matcher()
    assert [h.id for h in identify_license("https://www.apache.org/licenses/LICENSE-2.0")] == ["Apache-2.0"]


def test_the_start_state_is_kept_as_the_package_works_it_out(
    packages_own: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import marshal

    monkeypatch.setenv("TRUECARD_CACHE_DIR", str(tmp_path))
    own = packages_own.re._state_info(packages_own.re._start_state)
    first = matcher.load_matcher()
    assert first.re._info[first.re._start_state] == own
    (kept,) = sorted((tmp_path / "compiled").glob("licence-start-state-*.bin"))
    for damage in (b"junk", marshal.dumps((1, 2)), marshal.dumps((1, [], {}, "x"))):
        kept.write_bytes(damage)
        monkeypatch.setattr(scan, "_builtin", None)
        again = matcher.load_matcher()
        assert again.re._info == {again.re._start_state: own}  # remade, and nothing else worked out
        assert kept.read_bytes() == marshal.dumps(own)
    monkeypatch.setattr(scan, "_builtin", None)
    read = matcher.load_matcher()
    assert read.re._info == {read.re._start_state: own}  # read back from the kept copy
    from licenseclassifier import identify_license

    assert [h.id for h in identify_license("see http://www.apache.org/licenses/LICENSE-2.0 here")] == ["Apache-2.0"]
