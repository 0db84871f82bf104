"""The start-up caches: regular expressions kept as engine code, entry points kept by fingerprint.

Each must give exactly what the uncached path gives (the same pattern objects, the same plugins)
and notice when what it was made from changes. Speed is measured in benchmarks/bench_scan.py.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from truecard import _compiled, registry

ROOT = Path(__file__).resolve().parents[2]
PATTERNS = [
    (r"\b(?:a|b)+\d{2,}(?P<tail>x|y)?", re.I),
    (r"(?<=[.!?])\s+(?=[A-Z(\[])", 0),
    (r"^\s*(\w+)\s*=\s*[\"']([^\"']+)[\"']", re.M),
    ("[\u200b-\u200f\u202a-\u202e]", 0),
]


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("TRUECARD_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("TRUECARD_NO_COMPILED_CACHE", raising=False)
    return tmp_path


def test_kept_patterns_equal_re_compile_and_match_alike(cache, tmp_path):
    source = tmp_path / "module.py"
    source.write_text("# patterns\n")
    first = _compiled.RegexCache("t-mod", source)
    made = [first.compile(p, f) for p, f in PATTERNS]
    first.save()
    (kept,) = (cache / "compiled").glob("re-t-mod-*.marshal")
    second = _compiled.RegexCache("t-mod", source)
    again = [second.compile(p, f) for p, f in PATTERNS]
    assert not second._missed  # every one from the file
    for (p, f), a, b in zip(PATTERNS, made, again, strict=True):
        plain = re.compile(p, f)
        assert a == plain and b == plain  # same text, flags and engine code
        assert b.groupindex == plain.groupindex and b.groups == plain.groups
    text = "AB12x. Next  model_id = 'org/name'\n\u200b"
    for b, (p, f) in zip(again, PATTERNS, strict=True):
        assert [m.span() for m in b.finditer(text)] == [m.span() for m in re.finditer(p, text, f)]
    # the module file changed: a new key, the old file removed once the new one is written
    source.write_text("# patterns, edited\n")
    third = _compiled.RegexCache("t-mod", source)
    assert third.compile(*PATTERNS[0]) == re.compile(*PATTERNS[0])
    assert third._missed
    third.save()
    assert not kept.exists()


def test_a_damaged_pattern_file_means_compiling_afresh(cache, tmp_path):
    source = tmp_path / "m.py"
    source.write_text("x\n")
    rc = _compiled.RegexCache("t-bad", source)
    rc.compile(*PATTERNS[0])
    rc.save()
    (f,) = (cache / "compiled").glob("re-t-bad-*.marshal")
    f.write_bytes(b"\x00garbage")
    assert _compiled.RegexCache("t-bad", source).compile(*PATTERNS[0]) == re.compile(*PATTERNS[0])
    # a readable table whose code is not valid engine code: the engine refuses it, re compiles
    import marshal

    f.write_bytes(marshal.dumps({(PATTERNS[0][0], int(PATTERNS[0][1])): (32, [999, 1, 2], 0, {}, (None,))}))
    assert _compiled.RegexCache("t-bad", source).compile(*PATTERNS[0]) == re.compile(*PATTERNS[0])


def test_the_evidence_patterns_are_what_re_compile_gives():
    from truecard.evidence import patterns
    from truecard.evidence.prefilter import Prefiltered

    # each module global is the compiled pattern behind its literal prefilter
    values = [v.rx if isinstance(v, Prefiltered) else v for v in vars(patterns).values()]
    found = [v for v in values if isinstance(v, re.Pattern)]
    assert len(found) > 50
    for rx in found:
        assert rx == re.compile(rx.pattern, rx.flags)


def test_the_process_cache_primes_re_with_equal_patterns(tmp_path):
    """Two processes: the first keeps what it compiled, the second finds it in re's cache."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "TRUECARD_CACHE_DIR": str(tmp_path)}
    env.pop("TRUECARD_NO_COMPILED_CACHE", None)
    code = (
        "import re, sys\n"
        "from truecard import _compiled\n"
        "_compiled.keep_process_regexes()\n"
        "p = r'(?P<n>t-process-\\d+)\\s+(?:x|y){2,}'\n"
        "primed = (str, p, 2) in re._cache\n"
        "rx = re.compile(p, re.I)\n"
        "re.purge(); fresh = re.compile(p, re.I)\n"
        "print(primed, rx == fresh, rx.groupindex == fresh.groupindex)\n"
    )
    run = [sys.executable, "-c", code]
    assert subprocess.run(run, env=env, capture_output=True, text=True, check=True).stdout.split() == [
        "False", "True", "True"]
    assert list((tmp_path / "compiled").glob("re-process-*.marshal"))
    assert subprocess.run(run, env=env, capture_output=True, text=True, check=True).stdout.split() == [
        "True", "True", "True"]


def _dist(site: Path, name: str, entry_points: str) -> Path:
    info = site / f"{name.replace('-', '_')}-1.0.dist-info"  # as an installer names it
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(entry_points)
    return info


def test_entry_points_are_kept_until_the_installed_metadata_changes(cache, tmp_path, monkeypatch):
    site = tmp_path / "site"
    info = _dist(site, "truecard-kept", "[truecard.formats]\nkept = truecard_kept:render\n")
    monkeypatch.syspath_prepend(str(site))
    registry.reset()
    try:
        first = registry._entry_points()
        assert ("truecard.formats", "kept", "truecard_kept:render", "truecard-kept") in first
        assert first == registry._read_entry_points()  # the same as reading them afresh
        assert list((cache / "compiled").glob("entry-points-*.json"))
        # edited in place (a different size): seen without a restart of anything
        (info / "entry_points.txt").write_text("[truecard.formats]\nkept2 = truecard_kept:render\n")
        registry.reset()
        names = {n for g, n, _, _ in registry._entry_points() if g == "truecard.formats"}
        assert "kept2" in names and "kept" not in names
        # another distribution added beside it
        _dist(site, "truecard-more", "[truecard.frameworks]\nmore = truecard_more:evaluate\n")
        registry.reset()
        assert "more" in registry.names("frameworks")
    finally:
        registry.reset()


def test_entry_points_are_read_afresh_where_the_fingerprint_cannot_see(cache, monkeypatch):
    class Finder:  # another metadata finder, as a zip importer or a plugin system might add
        @staticmethod
        def find_distributions(*args, **kwargs):
            return iter(())

    monkeypatch.setattr(sys, "meta_path", [*sys.meta_path, Finder])
    assert registry._fingerprint() is None


def test_kept_prefilter_literals_equal_a_fresh_reading(tmp_path, monkeypatch):
    """The command line keeps the literals each pattern requires (a parse per pattern): what a
    later process reads back is what computing them afresh gives, and a damaged file changes
    nothing but the time."""
    import json

    from truecard.evidence import prefilter

    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "TRUECARD_CACHE_DIR": str(tmp_path)}
    env.pop("TRUECARD_NO_COMPILED_CACHE", None)
    scan = [sys.executable, "-m", "truecard", "scan", str(ROOT / "examples" / "tiny-open-model"), "-f", "markdown"]
    first = subprocess.run(scan, env=env, capture_output=True, text=True, check=True)
    [kept] = (tmp_path / "compiled").glob("prefilter-literals-*.json")
    table = json.loads(kept.read_text())
    assert len(table) > 20
    monkeypatch.setattr(_compiled, "_memos", {})
    monkeypatch.setattr(_compiled, "_keeping", False)
    for key, lits in table.items():
        flags, _, pattern = key.partition("\0")
        fresh = prefilter.required_literals(re.compile(pattern, int(flags)))
        assert (list(fresh) if fresh is not None else None) == lits, pattern
    # and the further clauses, kept in a table of their own, keyed alike
    [kept_clauses] = (tmp_path / "compiled").glob("prefilter-clauses-*.json")
    clauses = json.loads(kept_clauses.read_text())
    assert clauses.keys() == table.keys() and any(clauses.values())
    monkeypatch.setattr(_compiled, "_memos", {})
    for key, want in clauses.items():
        flags, _, pattern = key.partition("\0")
        assert [list(c) for c in prefilter.required_clauses(re.compile(pattern, int(flags)))] == want, pattern
    kept.write_text("{not json")
    kept_clauses.write_text("[damaged")
    again = subprocess.run(scan, env=env, capture_output=True, text=True, check=True)
    strip = re.compile(r"scanned \S+ \S+ UTC|in [0-9.]+ ?s\b")
    assert strip.sub("", again.stdout) == strip.sub("", first.stdout)


def test_pydantic_plugins_are_found_in_the_kept_reading(cache, tmp_path, monkeypatch):
    site = tmp_path / "site"
    _dist(site, "truecard-other", "[truecard.formats]\nother = truecard_other:render\n")
    monkeypatch.syspath_prepend(str(site))
    registry.reset()
    try:
        assert not registry.declares_pydantic_plugins()
        _dist(site, "pydantic-probe", "[pydantic]\nprobe = pydantic_probe:plugin\n")
        registry.reset()
        assert registry.declares_pydantic_plugins()
        assert "probe" not in registry.names("formats")  # pydantic's group is not ours
    finally:
        registry.reset()


# A pydantic plugin that notes every model pydantic hands it, installed as a distribution would be.
PROBE_PLUGIN = """\
import os


class Plugin:
    def new_schema_validator(self, schema, schema_type, schema_type_path, schema_kind, config, settings):
        with open(os.environ["PLUGIN_MARK"], "a") as fh:
            fh.write(schema_type_path.name + "\\n")
        return None, None, None


plugin = Plugin()
"""

# The console script; at exit, whether pydantic searched for plugins itself, and the variable.
CLI = """\
import atexit, os, sys

def _report():
    from pydantic.plugin import _loader
    print(_loader._plugins is None, os.environ.get("PYDANTIC_DISABLE_PLUGINS"))

atexit.register(_report)
sys.argv = ["truecard", *sys.argv[1:]]
from truecard._entry import main
main()
"""


@pytest.mark.parametrize("installed", [False, True])
def test_the_command_line_skips_pydantics_plugin_search_only_when_none_is_installed(tmp_path, installed):
    """No plugin installed: pydantic is told so (it never searches) and the environment is as it
    was. A plugin installed: pydantic finds it and hands it every model, as without truecard's help."""
    site = tmp_path / "site"
    site.mkdir()
    if installed:
        (site / "pydantic_probe.py").write_text(PROBE_PLUGIN)
        _dist(site, "pydantic-probe", "[pydantic]\nprobe = pydantic_probe:plugin\n")
    mark = tmp_path / "mark"
    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    env |= {"PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(site)]),
            "TRUECARD_CACHE_DIR": str(tmp_path / "cache"), "PLUGIN_MARK": str(mark)}
    run = [sys.executable, "-c", CLI, "scan", str(ROOT / "examples" / "tiny-open-model"), "-f", "json",
           "-o", str(tmp_path / "card.json")]
    for _ in range(2):  # the second run reads the entry points back from the cache
        out = subprocess.run(run, env=env, capture_output=True, text=True, check=True, timeout=120)
        searched, variable = out.stdout.split()
        assert variable == "None"
        assert searched == ("False" if installed else "True")
        seen = set(mark.read_text().split()) if mark.exists() else set()
        assert ({"Scorecard", "Evidence"} <= seen) == installed
        mark.unlink(missing_ok=True)


# The console script; at exit, a digest of every generated method of every dataclass loaded
# (its code, marshalled, and its annotations) and how many dataclass texts this process compiled afresh.
DATACLASS_CLI = """\
import atexit, dataclasses, hashlib, json, marshal, sys

def _report():
    from truecard import _compiled
    digests = {}
    classes = {id(v): v for m in list(sys.modules.values()) for v in list(vars(m).values())
               if isinstance(v, type) and dataclasses.is_dataclass(v)}  # (gc.freeze hides them from gc)
    for cls in classes.values():
        if True:
            for name in ("__init__", "__repr__", "__eq__", "__setattr__", "__delattr__", "__hash__"):
                fn = cls.__dict__.get(name)
                code = getattr(fn, "__code__", None)
                if code is not None and code.co_filename == "<string>":
                    digests[f"{cls.__module__}.{cls.__qualname__}.{name}"] = hashlib.sha256(
                        marshal.dumps(code) + repr(sorted(map(repr, fn.__annotations__.items()))).encode()).hexdigest()
    print(_compiled._dataclass_misses[0], "exec" in vars(dataclasses), json.dumps(digests))

atexit.register(_report)
sys.argv = ["truecard", *sys.argv[1:]]
from truecard._entry import main
main()
"""


def test_dataclass_code_is_kept_and_makes_the_very_same_classes(tmp_path):
    """`keep_dataclass_code`: the first run compiles every dataclass method and keeps the code;
    the next compiles none; the methods' code is byte for byte what `exec` itself makes (a run
    with the compiled cache off), and so is the scan's result."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "TRUECARD_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("TRUECARD_NO_COMPILED_CACHE", None)

    def run(extra: dict[str, str], out: str) -> list[str]:
        cmd = [sys.executable, "-c", DATACLASS_CLI, "scan", str(ROOT / "examples" / "tiny-open-model"),
               "-f", "json", "-o", str(tmp_path / out)]
        res = subprocess.run(cmd, env={**env, **extra}, capture_output=True, text=True, check=True, timeout=120)
        return res.stdout.split(" ", 2)

    first, second = run({}, "a.json"), run({}, "b.json")
    plain = run({"TRUECARD_NO_COMPILED_CACHE": "1"}, "c.json")
    assert int(first[0]) > 100 and first[1] == "True"
    assert list((tmp_path / "cache" / "compiled").glob("dataclass-code-*.marshal"))
    assert second[:2] == ["0", "True"]
    assert plain[:2] == ["0", "False"]  # dataclasses left alone
    made = [json.loads(x[2]) for x in (first, second, plain)]
    common = made[0].keys() & made[1].keys() & made[2].keys()  # (a first run loads more: it compiles data)
    assert len(common) > 200 and any(k.startswith("truecard.evidence.inventory.") for k in common)
    assert {k: made[0][k] for k in common} == {k: made[1][k] for k in common} == {k: made[2][k] for k in common}
    cards = [json.loads((tmp_path / n).read_text()) for n in ("a.json", "b.json", "c.json")]
    for c in cards:
        del c["scanned_at"], c["duration_seconds"]
    assert cards[0] == cards[1] == cards[2]
