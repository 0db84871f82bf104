"""The first ten minutes of a new user (issue 13): install, scan, read the answer, use it from Python.

Everything runs the real `truecard` entry point in a subprocess where it matters (exit codes,
stderr lines, the absence of a traceback). A machine "without the web extra" is made real for
the child process by a `sitecustomize` whose import hook refuses the extra's modules, exactly
as an interpreter without them would (`ModuleNotFoundError` naming the module).
"""

from __future__ import annotations

import html.parser
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from support.files import EXAMPLE, ROOT, write, write_safetensors

WEB_MODULES = ("sqlalchemy", "alembic", "fastapi", "starlette", "uvicorn", "jinja2", "httpx")
OPTIONAL_MODULES = (*WEB_MODULES, "psycopg", "torch", "transformers", "peft", "cyclonedx", "ray")


def blocker(tmp_path: Path, modules: tuple[str, ...]) -> Path:
    """A folder with a sitecustomize that makes `modules` uninstalled for a child process."""
    d = tmp_path / "no-extras"
    d.mkdir(exist_ok=True)
    (d / "sitecustomize.py").write_text(textwrap.dedent(f"""
        import sys
        BLOCKED = {set(modules)!r}
        class _NotInstalled:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in BLOCKED:
                    raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
                return None
        sys.meta_path.insert(0, _NotInstalled())
    """))
    return d


def run(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None, without: Path | None = None,
        timeout: float = 180) -> subprocess.CompletedProcess[str]:
    e = {**os.environ, **(env or {})}
    e["PYTHONPATH"] = os.pathsep.join([*([str(without)] if without else []), str(ROOT / "src")])
    e.pop("COLUMNS", None)
    return subprocess.run([sys.executable, "-m", "truecard", *args], capture_output=True, text=True,
                          env=e, cwd=cwd, timeout=timeout, check=False)


def one_line_error(p: subprocess.CompletedProcess[str], *needles: str, code: int = 2) -> str:
    assert p.returncode == code, (p.returncode, p.stdout[-2000:], p.stderr[-2000:])
    assert "Traceback" not in p.stderr and "Traceback" not in p.stdout
    lines = [line for line in p.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, p.stderr
    for n in needles:
        assert n in lines[0], lines[0]
    return lines[0]


# --- 1, 2: missing extras are one line, with an install command that works here ---------------

@pytest.mark.parametrize("args", [
    ["serve", "--demo"],
    ["scan", "{example}", "--save"],
    ["token", "list"],
    ["token", "create", "--name", "alice"],
    ["export"],
    ["db", "current"],
    ["db", "upgrade"],
    ["import", "{file}"],
    ["batch", "{items}", "--save"],
])
def test_store_commands_without_the_web_extra_say_so_in_one_line(tmp_path: Path, args: list[str]) -> None:
    items = write(tmp_path / "items.txt", f"{EXAMPLE}\n")
    f = write(tmp_path / "export.jsonl", "{}\n")
    args = [a.format(example=EXAMPLE, file=f, items=items) for a in args]
    p = run(*args, without=blocker(tmp_path, WEB_MODULES), env={"TRUECARD_DATABASE_URL": f"sqlite:///{tmp_path}/x.db"})
    # run from the checkout: the hint is the editable install of the checkout, not the index
    line = one_line_error(p, "needs the web extra", "pip install -e '.[web]'")
    assert "truecard[web]'" not in line.replace(".[web]", "")
    assert p.stdout == ""  # `scan --save` does not print a scorecard and then fail


def test_install_hint_from_another_folder_names_the_checkout(tmp_path: Path) -> None:
    p = run("export", cwd=tmp_path, without=blocker(tmp_path, WEB_MODULES))
    one_line_error(p, f"pip install -e '{ROOT}[web]'")


def test_install_hint_follows_the_installation_record(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """PEP 610 records (direct_url.json) of real dist-info folders, for each way of installing."""
    from truecard import _install

    monkeypatch.setattr(_install, "_checkout_root", lambda: None)  # as if installed, not run from src/
    wheel = tmp_path / "dist" / "truecard-0.1.0-py3-none-any.whl"
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    cases = [
        (None, "pip", "pip install 'truecard[web]'"),
        ({"url": checkout.as_uri(), "dir_info": {"editable": True}}, "pip", f"pip install -e '{checkout}[web]'"),
        ({"url": checkout.as_uri(), "dir_info": {}}, "pip", f"pip install '{checkout}[web]'"),
        ({"url": wheel.as_uri(), "archive_info": {}}, "pip", f"pip install '{wheel}[web]'"),
        ({"url": "https://github.com/truecard/truecard", "vcs_info": {"vcs": "git", "commit_id": "abc"}}, "pip",
         "pip install 'truecard[web] @ git+https://github.com/truecard/truecard@abc'"),
        (None, "uv", "uv pip install 'truecard[web]'"),
    ]
    for i, (record, installer, want) in enumerate(cases):
        site = tmp_path / f"site{i}"
        info = site / "truecard-0.1.0.dist-info"
        info.mkdir(parents=True)
        (info / "METADATA").write_text("Metadata-Version: 2.1\nName: truecard\nVersion: 0.1.0\n")
        (info / "INSTALLER").write_text(installer + "\n")
        if record is not None:
            (info / "direct_url.json").write_text(json.dumps(record))
        monkeypatch.syspath_prepend(str(site))
        _install.install_command.cache_clear()
        assert _install.install_command("web") == want
        monkeypatch.undo()
        monkeypatch.setattr(_install, "_checkout_root", lambda: None)
    _install.install_command.cache_clear()


def test_formats_and_unknown_modules_are_not_hidden(tmp_path: Path) -> None:
    p = run("scan", str(EXAMPLE), "-f", "cyclonedx", without=blocker(tmp_path, ("cyclonedx",)))
    one_line_error(p, "--format cyclonedx needs the formats extra", "pip install -e '.[formats]'")


# --- 3: scanning a Hub model needs no extra ------------------------------------------------------

def test_scan_a_hub_model_from_the_core_install(tmp_path: Path) -> None:
    """`truecard scan hf:ORG/NAME` with every optional extra missing, against the loopback fake Hub."""
    import numpy as np
    from safetensors.numpy import save

    from support.fakehub import FakeHub, generated_model

    weights = save({"w": np.zeros((16, 16), dtype=np.float32)})
    with FakeHub() as hub:
        hub.add_dataset("org/corpus", {"README.md": b"---\nlicense: cc0-1.0\n---\n# corpus\n\nPublic-domain text.\n"})
        repo = hub.add_model("org/tiny", generated_model(
            "org/tiny", license="apache-2.0", datasets=["org/corpus"], weights={"model.safetensors": weights},
        ))
        env = {"HF_ENDPOINT": hub.url, "TRUECARD_CACHE_DIR": str(tmp_path / "tc"),
               "HF_HOME": str(tmp_path / "hf"), "HF_HUB_CACHE": str(tmp_path / "hf" / "hub"), "HF_TOKEN": ""}
        p = run("scan", "hf:org/tiny", env=env, without=blocker(tmp_path, OPTIONAL_MODULES), cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    assert re.search(r"^TRUE scorecard: \S*org/tiny$", p.stdout, re.M), p.stdout
    assert f"hf:org/tiny @ {repo.sha[:12]}" in p.stdout
    assert "Open license (MIT/Apache)" in p.stdout


def test_huggingface_hub_is_core_and_imported_lazily() -> None:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert any(d.startswith("huggingface-hub") for d in project["dependencies"])
    code = "import sys, truecard.cli; truecard.cli.command(); print('huggingface_hub' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    assert out.stdout.strip() == "False"


# --- 4: repository text is literal in every format ---------------------------------------------

EVIL = "[bold]x[/bold] :100: \x1b[31mred\x1b[0m \u202egnp.exe <img src=x onerror=alert(1)> **s** _u_ `c` |"
CONTROLS = ("\x1b", "\u202e")


@pytest.fixture
def evil_model(tmp_path: Path) -> Path:
    d = tmp_path / "evil"
    quoted = json.dumps(EVIL)
    write(d / "README.md", f"---\nlicense: mit\nmodel_name: {quoted}\ndatasets:\n- {quoted}\n---\n\n# Model\n\n"
          f"A model described at some length for its readers. {EVIL}\n\n## Training data\n\nTrained on {EVIL}.\n")
    write(d / "LICENSE", (EXAMPLE / "LICENSE").read_text())
    return d


class _Text(html.parser.HTMLParser):
    """The text and the element names of an HTML document, as a browser would build them."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def html_text(doc: str) -> tuple[str, list[str]]:
    p = _Text()
    p.feed(doc)
    return "".join(p.text), p.tags


def assert_no_raw_controls(text: str) -> None:
    for ch in CONTROLS:
        assert ch not in text, repr(ch)


def test_repository_text_is_literal_in_every_format(evil_model: Path) -> None:
    import markdown_it

    import truecard

    card = truecard.scan(evil_model)
    assert card.subject.name == EVIL
    visible = EVIL.replace("\x1b", "\\x1b").replace("\u202e", "\\u202e")

    table = truecard.render(card, "table", width=200)
    assert_no_raw_controls(table)
    assert f"TRUE scorecard: {visible}" in table  # no markup, no emoji, controls shown as escapes
    assert "💯" not in table

    md = truecard.render(card, "markdown")
    assert_no_raw_controls(md)
    rendered = markdown_it.MarkdownIt("commonmark").enable("table").render(md)
    text, tags = html_text(rendered)
    assert "img" not in tags
    assert f"TRUE scorecard: {visible}" in text  # the heading reads exactly as the name
    assert ":100:" in re.findall(r"<code>([^<]*)</code>", rendered)  # emoji codes stay code (GitHub)
    heading = rendered.split("</h1>")[0]
    assert "<strong>" not in heading and "<em>" not in heading

    doc = truecard.render(card, "json")
    assert_no_raw_controls(doc)
    assert json.loads(doc)["subject"]["name"] == EVIL  # exact, only spelled with escapes

    page = truecard.render(card, "html")
    assert_no_raw_controls(page)
    text, tags = html_text(page)
    assert "img" not in tags and "script" not in tags
    assert visible in text

    nb = card._repr_html_()
    assert_no_raw_controls(nb)
    text, tags = html_text(nb)
    assert "img" not in tags and visible in text


def test_cli_table_and_licenses_print_repository_text_literally(evil_model: Path) -> None:
    p = run("scan", str(evil_model), "-v", env={"COLUMNS": "80"})
    assert p.returncode == 0, p.stderr
    assert_no_raw_controls(p.stdout)
    assert "[bold]x[/bold]" in p.stdout and ":100:" in p.stdout and "💯" not in p.stdout
    lic = run("licenses", str(EXAMPLE), env={"COLUMNS": "80"})
    assert lic.returncode == 0, lic.stderr
    assert "README.md:100" in lic.stdout and "💯" not in lic.stdout


def test_verify_table_prints_the_runs_text_literally() -> None:
    """A model's own output and a repository's error text reach the verify table as they are."""
    import io

    from rich.console import Console

    from truecard.commands.verify import render_table
    from truecard.verify.result import VerifyResult

    res = VerifyResult.model_validate({
        "truecard_version": "0", "source": "local:m", "location": "m", "status": "failed", "summary": EVIL,
        "inference": {"attempted": True, "ok": False, "error": EVIL, "output": {"prompt": "p", "text": EVIL},
                      "notes": [EVIL]},
    })
    buf = io.StringIO()
    console = Console(file=buf, width=300, force_terminal=False, color_system=None)
    for item in render_table(res):
        console.print(item)
    out = buf.getvalue()
    assert_no_raw_controls(out)
    assert out.count("[bold]x[/bold] :100:") >= 3 and "💯" not in out


def test_table_at_80_columns_splits_no_token_and_keeps_indents() -> None:
    import truecard

    card = truecard.scan(EXAMPLE)
    out = truecard.render(card, "table", width=80)
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 80
    for token in ("osi-permissive", "[card:license]", "README.md:2", "Hardware/training setup disclosed"):
        if token in truecard.render(card, "table", width=200):
            assert token in out, token
    # every criterion's reason, evidence and advice lines are indented under its name
    for i, line in enumerate(lines):
        if line.lstrip().startswith(("↳", "→")):
            assert line.startswith("      "), (i, line)
    # a wrapped advice line keeps the indent of the text after the arrow
    arrow = next(i for i, line in enumerate(lines) if line.lstrip().startswith("→"))
    start = lines[arrow].index("→") + 2
    assert lines[arrow + 1][:start].strip() == "" and lines[arrow + 1][start] != " "


def test_verbose_shows_the_quoted_text_that_earned_the_point() -> None:
    p = run("scan", str(EXAMPLE), "-v", env={"COLUMNS": "120"})
    assert p.returncode == 0
    assert "“- Hardware: trained on 1 NVIDIA T4 GPU (16 GB).”" in p.stdout


def test_scan_and_render_table_have_the_same_width(tmp_path: Path) -> None:
    saved = tmp_path / "card.json"
    assert run("scan", str(EXAMPLE), "-f", "json", "-o", str(saved)).returncode == 0
    scanned = run("scan", str(EXAMPLE), env={"COLUMNS": "100"}).stdout
    rendered = run("render", str(saved), "-f", "table", env={"COLUMNS": "100"}).stdout
    assert max(map(len, scanned.splitlines())) == max(map(len, rendered.splitlines())) <= 100


# --- 5: help reads like other command-line tools -----------------------------------------------

def test_help_shows_no_python_types_and_no_cut_defaults() -> None:
    from truecard.cli import command

    root = command()
    paths: list[list[str]] = [[]]
    for name, cmd in root.commands.items():
        paths.append([name])
        paths += [[name, sub] for sub in getattr(cmd, "commands", {})]
    for path in paths:
        p = run(*path, "--help", env={"COLUMNS": "80"})
        assert p.returncode == 0, (path, p.stderr)
        for bad in ("<bool>", "<str>", "<int", "<float", "<path>", "<list", "x>=", "<=x", "…", "{"):
            assert bad not in p.stdout, (path, bad, p.stdout)
    scan = run("scan", "--help", env={"COLUMNS": "80"}).stdout
    assert "-f, --format FORMAT" in scan and "--fail-under N" in scan and "[0 to 30]" in scan
    assert re.search(r"^\s+--no-claims\s+Ignore", scan, re.M)  # a flag takes no value
    assert "Usage: truecard scan [OPTIONS] SOURCE..." in scan
    serve = run("serve", "--help", env={"COLUMNS": "80"}).stdout
    assert "~/.local/share/truecard/truecard.db" in serve.replace("\n", " ").replace("  ", " ")


def test_usage_errors_are_one_line() -> None:
    one_line_error(run("scan", "--bogus"), "No such option: --bogus", "truecard scan --help")
    one_line_error(run("scan"), "Missing argument 'SOURCE'")
    one_line_error(run("scan", str(EXAMPLE), "--fail-under", "31"), "--fail-under")


# --- 6: exit codes that tell -------------------------------------------------------------------

def test_rubric_rejects_an_unknown_format() -> None:
    one_line_error(run("rubric", "-f", "table"), "unknown format 'table'", "markdown, json")
    assert run("rubric", "-f", "json").returncode == 0


def test_an_empty_folder_is_nothing_to_score(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    for fmt in ("table", "json"):
        p = run("scan", str(empty), "-f", fmt)
        one_line_error(p, "nothing to score", "empty")
        assert p.stdout == ""
    junk = tmp_path / "holiday-photos"
    write(junk / "notes.txt", "pictures from the beach\n")
    one_line_error(run("scan", str(junk)), "nothing to score", "no model card")
    # a folder with anything at all to judge is still scored, however low
    thin = tmp_path / "thin"
    write_safetensors(thin / "model.safetensors")
    assert run("scan", str(thin), "-f", "json").returncode == 0


def test_serve_on_a_busy_port_is_one_line(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        p = run("serve", "--port", str(port), "--db", f"sqlite:///{tmp_path}/d.db", timeout=60)
    one_line_error(p, f"port {port} on 127.0.0.1 is already in use", "--port")
    assert "dashboard at" not in p.stderr


def batch_items(tmp_path: Path) -> Path:
    good = tmp_path / "good"
    shutil.copytree(EXAMPLE, good)
    thin = tmp_path / "thin"
    write_safetensors(thin / "model.safetensors")
    return write(tmp_path / "items.txt", f"{good}\n{thin}\n{tmp_path / 'missing'}\n")


def test_batch_exit_code_and_results_table(tmp_path: Path) -> None:
    items = batch_items(tmp_path)
    first = run("batch", str(items), "-j", "1", env={"COLUMNS": "120"})
    assert first.returncode == 1, first.stderr  # an item failed
    assert "2 model(s) scored" in first.stdout
    top = first.stdout.splitlines()
    assert any("tiny-open-model" in line and "28/30" in line and "Platinum" in line for line in top)
    assert "1 failed" in first.stdout and "no such file or directory" in first.stdout
    assert "retry them with --retry-failed" in first.stderr
    # the second run scores nothing (all "not due") yet still shows what it holds, and still fails
    again = run("batch", str(items), "-j", "1", env={"COLUMNS": "120"})
    assert again.returncode == 1 and "2 model(s) scored" in again.stdout and "not due" in again.stderr
    # -o on a re-run writes every result the ledger holds, not an empty file
    out = tmp_path / "out.jsonl"
    third = run("batch", str(items), "-f", "jsonl", "-o", str(out))
    assert third.returncode == 1
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert sorted(r["ok"] for r in records) == [False, True, True]
    assert f"wrote 3 result(s) to {out}" in third.stderr
    ok_items = {r["item"] for r in records if r["ok"]}
    assert ok_items == {str(tmp_path / "good"), str(tmp_path / "thin")}


def test_batch_that_succeeds_exits_0(tmp_path: Path) -> None:
    thin = tmp_path / "thin"
    write_safetensors(thin / "model.safetensors")
    items = write(tmp_path / "ok.txt", f"{thin}\n")
    p = run("batch", str(items))
    assert p.returncode == 0, p.stderr
    assert "1 model(s) scored" in p.stdout


# --- 8: MOF inheritance agrees with `truecard licenses` -----------------------------------------

def mof_components(path: Path) -> dict[str, dict]:
    import truecard

    card = truecard.scan(path, frameworks=["mof"])
    assert card.frameworks.mof is not None
    return {c.name: c.model_dump() for c in card.frameworks.mof.components}  # the JSON shape, "class" and all


def artifact_licences(path: Path) -> dict[str, str | None]:
    from truecard.commands.licenses import licenses_report

    return {r["artifact"]: r["license_id"] for r in licenses_report([str(path)])["artifacts"]}


def test_mof_parameters_inherit_the_weights_licence_not_a_datasets() -> None:
    comps = mof_components(EXAMPLE)
    lic = artifact_licences(EXAMPLE)
    assert lic["weights"] == "MIT" and lic["datasets"] == "CC0-1.0"
    for name in ("Model parameters (Final)", "Model parameters (Intermediate)", "Model metadata"):
        assert comps[name]["license"] == lic["weights"], (name, comps[name])
        assert "weights" in comps[name]["license_from"]
    for name in ("Datasets", "Evaluation data"):
        assert comps[name]["license"] == lic["datasets"], (name, comps[name])
    for name in ("Training code", "Inference code", "Model card", "Model architecture"):
        assert comps[name]["license"] == "MIT"


@pytest.mark.parametrize("card_md", [
    # weights under their own licence; the data under another: each keeps its own
    ("---\nlicense: apache-2.0\ndatasets:\n- org/data\n---\n# m\n\nThe weights are released under the MIT "
     "licence. The training data is released under CC-BY-4.0.\n"),
    # no licence for anything but the data: the parameters are unlicensed, never CC-BY-4.0
    "---\ndatasets:\n- org/data\n---\n# m\n\nThe training data is released under CC-BY-4.0.\n",
    # a model licence and data not shipped, with no licence of its own: the data does not inherit
    "---\nlicense: mit\ndatasets:\n- org/data\n---\n# m\n\nA model.\n",
])
def test_every_mof_inheritance_path_follows_the_artifacts(tmp_path: Path, card_md: str) -> None:
    d = tmp_path / "m"
    write(d / "README.md", card_md)
    write_safetensors(d / "model.safetensors")
    write(d / "config.json", json.dumps({"architectures": ["GPT2LMHeadModel"], "n_layer": 2}))
    comps = mof_components(d)
    lic = artifact_licences(d)
    assert comps["Model parameters (Final)"]["license"] == lic["weights"]
    if comps.get("Datasets", {}).get("status") not in (None, "missing", "absent"):
        assert comps["Datasets"]["license"] == lic["datasets"]
    if lic["weights"] is None:
        assert comps["Model parameters (Final)"]["status"] == "unlicensed"


# --- 9: no absolute path of the scanning machine in any output ---------------------------------

def test_no_output_names_the_scanning_machines_folders(tmp_path: Path) -> None:
    from truecard.reports import FORMATS

    model = tmp_path / "home" / "alice" / "work" / "my-model"
    shutil.copytree(EXAMPLE, model)
    (model / "notes.bin").write_bytes(b"\x80\x02pickle")  # a problem that names a file
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {"HOME": str(tmp_path / "home" / "alice"), "COLUMNS": "200",
           "TRUECARD_DATABASE_URL": f"sqlite:///{elsewhere}/store.db"}
    leaks = (str(tmp_path), str(model), "/home/alice")
    outputs = {}
    for fmt in FORMATS:
        p = run("scan", str(model), "-f", fmt, "-F", "mof", cwd=elsewhere, env=env)
        if p.returncode == 2 and "extra" in p.stderr:
            continue
        assert p.returncode == 0, (fmt, p.stderr)
        outputs[fmt] = p.stdout + p.stderr
    outputs["licenses"] = run("licenses", str(model), "-f", "json", cwd=elsewhere, env=env).stdout
    for name, text in outputs.items():
        for leak in leaks:
            assert leak not in text, (name, leak)
    assert "local:my-model" in outputs["json"]
    # from inside the folder's parent the source is named as the user typed it
    inside = run("scan", "my-model", "-f", "json", cwd=model.parent, env=env)
    assert json.loads(inside.stdout)["subject"]["sources"][0]["id"] == "local:my-model"
    # the stored evaluation (what the dashboard shows) holds none either
    pytest.importorskip("sqlalchemy")
    saved = run("scan", str(model), "--save", "-f", "json", cwd=elsewhere, env=env)
    assert saved.returncode == 0, saved.stderr
    exported = run("export", cwd=elsewhere, env=env)
    assert exported.returncode == 0 and exported.stdout.strip()
    for leak in (str(model), str(tmp_path / "home")):  # the database's own URL may be named
        assert leak not in exported.stdout + saved.stderr
    assert str(tmp_path) not in exported.stdout


def test_stored_scorecards_drop_absolute_paths_whoever_sends_them() -> None:
    import truecard
    from truecard.store.cards import validate_scorecard

    doc = json.loads(truecard.scan(EXAMPLE).model_dump_json())  # the raw card names /.../tiny-open-model
    assert str(EXAMPLE) in json.dumps(doc)
    validate_scorecard(doc)
    assert str(EXAMPLE) not in json.dumps(doc)
    assert doc["subject"]["sources"][0]["id"] == "local:tiny-open-model"


# --- 10: the Python API ------------------------------------------------------------------------

def test_public_api_is_typed_and_documented() -> None:
    import truecard
    from truecard.models import Scorecard

    for name in truecard.__all__:
        obj = getattr(truecard, name)
        assert obj is not None
    assert (ROOT / "src" / "truecard" / "py.typed").exists()
    assert truecard.scan.__doc__ and truecard.render.__doc__ and Scorecard.to_markdown.__doc__
    with pytest.raises(truecard.UnknownFormat, match="unknown format 'pdf'"):
        truecard.render(truecard.scan(EXAMPLE), "pdf")
    with pytest.raises(AttributeError):
        truecard.no_such_thing  # noqa: B018


def test_scorecard_in_jupyter_shows_bars_and_every_criterion() -> None:
    import truecard

    card = truecard.scan(EXAMPLE)
    view = card._repr_html_()
    text, tags = html_text(view)
    assert "svg" in tags and view.count("<rect") == 2 * len(card.dimensions)  # track and bar per dimension
    for c in card.criteria:
        assert c.name in text
    assert view.count("<tr>") == len(card.criteria) + 1  # header + one row per criterion
    assert f"{card.total}/{card.max}" in text and card.tier in text
    assert str(EXAMPLE) not in view
    assert repr(card) == "<Scorecard 'tiny-open-model': 28/30 Platinum>"
    assert card.to_markdown() == truecard.render(card, "markdown")


def test_docstring_and_docs_examples_run() -> None:
    """The examples in `truecard`'s docstring and in docs/python.md are run as written."""
    import doctest

    import truecard

    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        result = doctest.testmod(truecard, optionflags=doctest.ELLIPSIS)
        assert result.attempted >= 3 and result.failed == 0
        page = (ROOT / "docs" / "python.md").read_text()
        blocks = re.findall(r"```python\n(.*?)```", page, re.S)
        assert len(blocks) >= 3
        namespace: dict = {}
        for block in blocks:
            exec(compile(block, "docs/python.md", "exec"), namespace)
    finally:
        os.chdir(cwd)


# --- the README's first lines ------------------------------------------------------------------

def test_readme_first_commands() -> None:
    readme = (ROOT / "README.md").read_text()
    first = readme.split("```bash\n", 1)[1].split("```", 1)[0].splitlines()
    assert first[0] == "pip install -e . && truecard scan examples/tiny-open-model"
    assert first[1].startswith("pip install -e '.[dev]'")
    assert first[2].startswith("truecard scan hf:")
    p = run("scan", "examples/tiny-open-model")
    assert p.returncode == 0 and "Total 28/30: Platinum" in p.stdout
