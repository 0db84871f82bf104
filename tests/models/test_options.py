"""Option objects: scan, verify, sources and render each take one frozen, checked value, and a
plugin written for the old loose-keyword protocols keeps working, with a DeprecationWarning."""

from __future__ import annotations

import dataclasses
import json
import warnings
from pathlib import Path
from typing import Any

import pytest

import truecard
from support.files import EXAMPLE
from truecard.models import Scorecard
from truecard.options import ScanOptions
from truecard.reports import UnknownRenderOption, render
from truecard.reports.options import RenderOptions
from truecard.sources import SourceError, SourceOptions, resolve
from truecard.sources.local import LocalTree
from truecard.verify.options import VerifyError, VerifyOptions


@pytest.fixture(scope="module")
def card() -> Scorecard:
    return truecard.scan(str(EXAMPLE))


# --- scan ---------------------------------------------------------------------------------------

def test_scan_keywords_become_one_frozen_request() -> None:
    req = ScanOptions.of(None, offline=True, deep=True, follow_links=True, frameworks=["mof"],
                         verify={"timeout": 30})
    assert req.source == SourceOptions(offline=True, deep=True)
    assert req.follow_links and req.frameworks == ("mof",)
    assert req.verify == VerifyOptions(timeout=30)
    assert ScanOptions.of(SourceOptions(offline=True)).source.offline
    assert ScanOptions.of(req, offline=False).source == SourceOptions(deep=True)  # a change, not a reset
    assert ScanOptions.of(None, verify=True).verify == VerifyOptions()
    assert ScanOptions.of(None, verify=False).verify is None
    with pytest.raises(dataclasses.FrozenInstanceError):
        req.name = "x"  # type: ignore[misc]


def test_scan_with_an_options_object_equals_scan_with_keywords() -> None:
    by_kw = truecard.scan(str(EXAMPLE), frameworks=["mof", "osaid"], name="given", use_claims=False)
    by_obj = truecard.scan(str(EXAMPLE), options=ScanOptions(frameworks=("mof", "osaid"), name="given", use_claims=False))
    strip = {"duration_seconds", "scanned_at"}

    def doc(c: Scorecard) -> dict[str, Any]:
        d = json.loads(c.model_dump_json())
        return {k: v for k, v in d.items() if k not in strip and k != "run"}

    assert by_obj.subject.name == "given" and set(by_obj.frameworks.keys()) == {"mof", "osaid"}
    assert doc(by_kw) == doc(by_obj)


def test_a_misspelt_verify_option_is_refused_before_anything_runs() -> None:
    with pytest.raises(VerifyError, match="unknown verify option 'timeot'"):
        truecard.scan(str(EXAMPLE), verify={"timeot": 5})
    with pytest.raises(VerifyError, match="positive"):
        VerifyOptions(timeout=0)
    with pytest.raises(VerifyError, match="positive"):
        VerifyOptions(timeout=float("nan"))
    with pytest.raises(TypeError, match="VerifyOptions"):
        ScanOptions.of(None, verify="yes")


def test_verify_takes_the_object_or_its_fields() -> None:
    from truecard.verify import verify

    with pytest.raises(VerifyError, match="unknown verify option 'finetun'"):
        verify(str(EXAMPLE), finetun=True)
    assert VerifyOptions.of(VerifyOptions(timeout=5), finetune=True) == VerifyOptions(timeout=5, finetune=True)


# --- render -------------------------------------------------------------------------------------

def test_render_options_reach_the_format_and_a_misspelt_one_is_refused(card: Scorecard) -> None:
    narrow = render(card, "table", width=60)
    wide = render(card, "table", RenderOptions(width=200))
    assert max(map(len, narrow.splitlines())) <= 60 < max(map(len, wide.splitlines()))
    assert render(card, "table", RenderOptions(width=200)) == render(card, "table", width=200)
    with pytest.raises(UnknownRenderOption, match="unknown render option 'verbos'"):
        render(card, "table", verbos=True)


def test_sarif_gets_real_paths_and_its_base_dir(card: Scorecard, tmp_path: Path) -> None:
    rel = json.loads(render(card, "sarif", base_dir=EXAMPLE.parent))
    uris = {loc["physicalLocation"]["artifactLocation"]["uri"]
            for run in rel["runs"] for r in run["results"] for loc in r.get("locations", [])}
    assert uris and all(u.startswith(EXAMPLE.name + "/") for u in uris), sorted(uris)[:3]


def _with_format(monkeypatch: pytest.MonkeyPatch, name: str, fn: Any) -> None:
    from truecard import registry

    plugin = registry.Plugin("formats", name, f"{__name__}:{fn.__name__}", distribution="truecard-test")
    real = registry.plugins

    def plugins(group: registry.Group) -> dict[str, registry.Plugin]:
        found = dict(real(group))
        if group == "formats":
            found[name] = plugin
        return found

    monkeypatch.setattr(registry, "plugins", plugins)
    monkeypatch.setitem(globals(), fn.__name__, fn)


def legacy_named(card: Scorecard, *, verbose: bool = False) -> str:
    return f"{card.subject.name} verbose={verbose}"


def legacy_any(card: Scorecard, **options: Any) -> str:
    return json.dumps(options, sort_keys=True, default=str)


def current(card: Scorecard, options: RenderOptions) -> str:
    return f"{type(options).__name__} width={options.width}"


def test_an_old_style_format_still_renders_with_a_deprecation_warning(
        card: Scorecard, monkeypatch: pytest.MonkeyPatch) -> None:
    _with_format(monkeypatch, "oldnamed", legacy_named)
    _with_format(monkeypatch, "oldany", legacy_any)
    _with_format(monkeypatch, "newstyle", current)
    with pytest.warns(DeprecationWarning, match="oldnamed"):
        # only the options it names reach it (width would be a TypeError for this signature)
        assert render(card, "oldnamed", verbose=True, width=99).endswith("verbose=True")
    with pytest.warns(DeprecationWarning):
        assert json.loads(render(card, "oldany", width=99, show_true=False)) == {"width": 99, "show_true": False}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert render(card, "newstyle", width=7) == "RenderOptions width=7"


# --- sources ------------------------------------------------------------------------------------

def test_an_old_style_opener_still_opens_with_a_deprecation_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[dict[str, Any]] = []

    def open_old(spec: str, **options: Any) -> LocalTree:
        seen.append(options)
        return LocalTree.open(spec[len("old:"):])

    resolve.source_forms()  # the built-in sources registered before the registry is copied
    monkeypatch.setattr(resolve, "OPENERS", dict(resolve.OPENERS))
    monkeypatch.setattr(resolve, "FORMS", dict(resolve.FORMS))
    resolve.register("old:", open_old, form="old:PATH")
    with pytest.warns(DeprecationWarning, match="open_old"):
        card = truecard.scan(f"old:{EXAMPLE}", offline=True)
    assert card.total > 0 and seen == [{"offline": True}]
    # the hint for an unknown kind lists what is registered, this form included
    with pytest.raises(SourceError, match=r"unknown kind of source 'nope'; use a folder, .*old:PATH"):
        resolve.open_source("nope:thing")


def test_the_unknown_kind_hint_names_every_builtin_form() -> None:
    with pytest.raises(SourceError) as exc:
        resolve.open_source("nope:thing")
    for form in ("a folder", "hf:ORG/NAME", "gh:ORG/REPO", "a git URL", "a Hugging Face URL", "arxiv:ID", "mot:FILE"):
        assert form in str(exc.value)
