"""Source modules that fail to load: a missing optional package is reported, a bug is not hidden."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from support.files import EXAMPLE
from truecard.sources import resolve


def test_a_missing_truecard_module_is_not_disguised() -> None:
    with pytest.raises(ModuleNotFoundError):
        resolve._load_plugins(("truecard.sources.no_such_source",))


def test_a_syntax_error_in_a_source_module_propagates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "broken_source_plugin.py").write_text("def oops(:\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(SyntaxError):
        resolve._load_plugins(("broken_source_plugin",))


def test_a_missing_third_party_package_is_named_in_the_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "needs_pkg_source.py").write_text("import truecard_test_absent_package  # noqa: F401\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(resolve, "PLUGIN_ERRORS", {})
    resolve._load_plugins(("needs_pkg_source",))
    assert "truecard_test_absent_package" in resolve.PLUGIN_ERRORS["needs_pkg_source"]
    with pytest.raises(resolve.SourceError, match=r"not available here: .*truecard_test_absent_package"):
        resolve.open_source("zz:org/name")
    sys.modules.pop("needs_pkg_source", None)


def test_a_misspelt_source_option_is_an_error_not_ignored() -> None:
    """Options are one frozen SourceOptions: a name it lacks is refused where it is given."""
    import dataclasses

    import truecard
    from truecard.sources import SourceError, SourceOptions

    with pytest.raises(SourceError, match="unknown source option 'ofline'"):
        truecard.scan(str(EXAMPLE), ofline=True)
    opts = SourceOptions.of(offline=True)
    assert opts.offline and SourceOptions.of(opts, deep=True) == SourceOptions(offline=True, deep=True)
    with pytest.raises(dataclasses.FrozenInstanceError):
        opts.offline = False  # type: ignore[misc]
