"""A hostile repository cannot hang, exhaust or fool truecard (issue 16).

Each reproduction of the audit is here. The assertions are on the budgets the code
enforces (a refused size, a counter, a depth limit) and on the outcome (a scorecard, or
one line and exit 2), never on wall-clock time; the CLI runs are also under an address
space limit, so a regression that allocates without bound fails with MemoryError
instead of passing slowly.
"""

from __future__ import annotations

import io
import json
import os
import resource
import struct
import subprocess
import sys
from pathlib import Path

import pytest

import truecard
from support.files import ROOT, write, write_safetensors
from truecard.evidence import gguf_header
from truecard.evidence.gguf_header import GGUFError, read_gguf_header
from truecard.evidence.weights import HeaderError, parse_safetensors_header

MEMORY_LIMIT = 3 * 1024**3  # address space for a CLI run: far below what the bombs needed


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def scan_json(folder: Path) -> dict:  # type: ignore[type-arg]
    """`truecard scan FOLDER -f json` in a memory-limited child: exit 0/1 and a scorecard."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.run(
        [sys.executable, "-m", "truecard", "scan", str(folder), "-f", "json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        preexec_fn=_limit_memory,
        check=False,
    )
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    return json.loads(proc.stdout)  # type: ignore[no-any-return]


def _s(b: bytes) -> bytes:
    return struct.pack("<Q", len(b)) + b


# ---------------------------------------------------------------------------------------
# 1. GGUF


def _gguf(n_tensors: int, kvs: bytes, n_kv: int, tensors: bytes = b"", pad: int = 64) -> bytes:
    return b"GGUF" + struct.pack("<IQQ", 3, n_tensors, n_kv) + kvs + tensors + bytes(pad)


def test_gguf_array_bomb_is_refused_before_allocation(tmp_path: Path) -> None:
    """The audit's 113-byte file: an array of 10^8 items in 64 bytes."""
    bomb = _gguf(0, _s(b"a") + struct.pack("<IIQ", 9, 0, 10**8), 1)
    with pytest.raises(GGUFError, match="larger than the rest of the file"):
        read_gguf_header(io.BytesIO(bomb), len(bomb))
    d = tmp_path / "g"
    (d).mkdir()
    (d / "model.gguf").write_bytes(bomb)
    card = scan_json(d)
    weights = next(c for d_ in card["dimensions"] for c in d_["criteria"] if c["id"] == "transparent.weights")
    assert "larger than the rest of the file" in weights["rationale"]


def test_gguf_string_array_counts_are_checked_and_work_is_counted() -> None:
    # an array of 10^7 strings declared in a few bytes: impossible, refused at once
    bomb = _gguf(0, _s(b"t") + struct.pack("<IIQ", 9, 8, 10**7), 1)
    with pytest.raises(GGUFError, match="larger than the rest"):
        read_gguf_header(io.BytesIO(bomb), len(bomb))
    # a real-looking but huge vocabulary costs one step per item, capped by MAX_OPS
    n = 1000
    arr = _s(b"tokenizer.ggml.tokens") + struct.pack("<IIQ", 9, 8, n) + b"".join(_s(b"x") for _ in range(n))
    data = _gguf(0, arr, 1)
    h = read_gguf_header(io.BytesIO(data), len(data))
    assert h.tensors == 0 and n <= h.ops <= 2 * n + 10


def test_gguf_work_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gguf_header, "MAX_OPS", 500)
    n = 1000
    arr = _s(b"tokenizer.ggml.tokens") + struct.pack("<IIQ", 9, 8, n) + b"".join(_s(b"x") for _ in range(n))
    data = _gguf(0, arr, 1)
    with pytest.raises(GGUFError, match="more than 500 steps"):
        read_gguf_header(io.BytesIO(data), len(data))


def test_gguf_counts_over_budget_or_impossible() -> None:
    data = _gguf(10**6 * 1000, b"", 0)
    with pytest.raises(GGUFError, match="tensors"):
        read_gguf_header(io.BytesIO(data), len(data))
    data = _gguf(100_000, b"", 0)  # within the budget but 100,000 entries cannot fit in 64 bytes
    with pytest.raises(GGUFError, match="do not fit"):
        read_gguf_header(io.BytesIO(data), len(data))
    data = _gguf(0, b"", 10**9)
    with pytest.raises(GGUFError, match="metadata entries"):
        read_gguf_header(io.BytesIO(data), len(data))


def test_gguf_dims_and_tensor_ranges() -> None:
    many_dims = _s(b"w") + struct.pack("<I", 10**6)
    data = _gguf(1, b"", 0, many_dims)
    with pytest.raises(GGUFError, match="dimensions"):
        read_gguf_header(io.BytesIO(data), len(data))
    # 2^60 x 2^60 F32 elements cannot lie in a 64-byte file
    huge = _s(b"w") + struct.pack("<IQQIQ", 2, 2**60, 2**60, 0, 0)
    data = _gguf(1, b"", 0, huge)
    with pytest.raises(GGUFError, match="outside the file"):
        read_gguf_header(io.BytesIO(data), len(data))


def test_gguf_with_no_tensors_is_not_full_weights(tmp_path: Path) -> None:
    """Audit item 13: a garbage GGUF with 0 tensors earned "full weights present"."""
    d = tmp_path / "g"
    d.mkdir()
    (d / "model.gguf").write_bytes(_gguf(0, b"", 0))
    card = truecard.scan(d)
    w = card.criterion("transparent.weights")
    assert w.points < 2 and "no tensors" in w.rationale


def test_gguf_header_agrees_with_the_gguf_package(tmp_path: Path) -> None:
    """On a real file the budgeted walk reads what `gguf.GGUFReader` reads."""
    import gguf
    import numpy as np

    p = tmp_path / "m.gguf"
    w = gguf.GGUFWriter(str(p), "llama")
    w.add_name("tiny")
    w.add_license("apache-2.0")
    w.add_token_list([f"t{i}" for i in range(300)])
    w.add_array("x.ints", list(range(50)))
    w.add_tensor("a", np.ones((4, 8), dtype=np.float32))
    w.add_tensor("b", np.ones((3, 5, 2), dtype=np.float16))
    w.add_tensor("c", np.ones((64,), dtype=np.float32), raw_dtype=gguf.GGMLQuantizationType.F32)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    ref = gguf.GGUFReader(str(p))
    with open(p, "rb") as f:
        h = read_gguf_header(f, p.stat().st_size)
    assert h.tensors == len(ref.tensors) == 3
    assert h.parameters == sum(int(t.n_elements) for t in ref.tensors) == 32 + 30 + 64
    assert set(h.dtypes) == {t.tensor_type.name for t in ref.tensors}
    assert h.metadata["general.architecture"] == "llama" and h.metadata["general.license"] == "apache-2.0"


# ---------------------------------------------------------------------------------------
# 5, 6, 13. safetensors


def _st(table: object, data: int = 0) -> bytes:
    raw = json.dumps(table).encode() if not isinstance(table, bytes) else table
    return struct.pack("<Q", len(raw)) + raw + bytes(data)


def test_safetensors_huge_shape_is_bounded_and_quoted_short() -> None:
    """300,000 dimensions of 2^62: refused by the dimension limit, message stays short."""
    head = _st({"w": {"dtype": "F32", "shape": [2**62] * 300_000, "data_offsets": [0, 4]}}, 4)
    with pytest.raises(HeaderError) as exc:
        parse_safetensors_header(head, len(head))
    assert "invalid shape" in str(exc.value) and len(str(exc.value)) < 200
    # within the dimension limit, the product stops at what the file could hold
    head = _st({"w": {"dtype": "F32", "shape": [2**62] * 64, "data_offsets": [0, 4]}}, 4)
    with pytest.raises(HeaderError) as exc:
        parse_safetensors_header(head, len(head))
    assert "does not match" in str(exc.value) and len(str(exc.value)) < 200


def test_safetensors_bool_shape_is_not_a_dimension() -> None:
    head = _st({"w": {"dtype": "U8", "shape": [True], "data_offsets": [0, 1]}}, 1)
    with pytest.raises(HeaderError, match="invalid shape"):
        parse_safetensors_header(head, len(head))


def test_safetensors_long_integer_and_deep_nesting_are_errors_not_tracebacks(tmp_path: Path) -> None:
    long_int = _st(b'{"w": {"dtype": "U8", "shape": [' + b"9" * 5000 + b'], "data_offsets": [0, 1]}}', 1)
    with pytest.raises(HeaderError, match="integer too long"):
        parse_safetensors_header(long_int, len(long_int))
    deep = _st(b'{"__metadata__": ' + b"[" * 100_000 + b"]" * 100_000 + b"}")
    with pytest.raises(HeaderError, match="nested too deeply"):
        parse_safetensors_header(deep, len(deep))
    d = tmp_path / "m"
    write(d / "README.md", "# m\n")
    (d / "a.safetensors").write_bytes(long_int)
    (d / "b.safetensors").write_bytes(deep)
    write_safetensors(d / "c.safetensors")
    card = scan_json(d)
    assert card["total"] >= 0


def test_safetensors_value_count_budget() -> None:
    n = 5_000_000
    head = _st(b'{"__metadata__": {"x": [' + b"1," * n + b'1]}}')
    with pytest.raises(HeaderError, match="more than 4,000,000 values"):
        parse_safetensors_header(head, len(head))


# ---------------------------------------------------------------------------------------
# 2. YAML alias bombs


def _alias_bomb(levels: int = 9, key: str = "x") -> str:
    lines = [f'{key}0: &{key}0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels):
        lines.append(f"{key}{i}: &{key}{i} [" + ",".join([f"*{key}{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_yaml_alias_bomb_is_refused_by_its_expanded_size() -> None:
    from truecard.bounded import YAMLBudgetError, check_yaml, expanded_budget, load_yaml

    bomb = _alias_bomb()
    assert len(bomb) < 500
    with pytest.raises(YAMLBudgetError, match="alias") as exc:
        load_yaml(bomb)
    assert f"{expanded_budget(bomb):,}" in str(exc.value)
    # the same shape two levels smaller is an ordinary document and loads
    small = _alias_bomb(3)
    assert check_yaml(small) <= expanded_budget(small)
    assert len(load_yaml(small)["x2"]) == 9
    with pytest.raises(YAMLBudgetError, match="nested deeper"):
        load_yaml("a: " + "[" * 5000 + "]" * 5000)


def test_card_front_matter_alias_bomb_gives_a_small_scorecard(tmp_path: Path) -> None:
    """The audit's README: `co2_eq_emissions.hardware_used` and a dataset name aliased."""
    d = tmp_path / "m"
    bomb = _alias_bomb().replace("\n", "\n  ")
    write(
        d / "README.md",
        "---\nlicense: mit\nco2_eq_emissions:\n  " + bomb + "  hardware_used: *x8\n  emissions: *x8\n"
        "datasets: *x8\nmodel-index: *x8\n---\n# m\n\nA model trained on things for the purpose of tests.\n",
    )
    card = scan_json(d)
    assert len(json.dumps(card)) < 200_000
    assert any("alias" in p["message"] for p in card["problems"]), card["problems"]


def test_claims_file_alias_bomb_is_one_line_exit_2(tmp_path: Path) -> None:
    write(tmp_path / "README.md", "# m\n")
    write(tmp_path / "truecard.yaml", _alias_bomb() + "claims: *x8\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.run(
        [sys.executable, "-m", "truecard", "scan", str(tmp_path)],
        capture_output=True, text=True, env=env, timeout=120, preexec_fn=_limit_memory, check=False,
    )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and "alias" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_mot_record_alias_bomb_is_a_record_error() -> None:
    from truecard.records import RecordError, _load

    with pytest.raises(RecordError, match="alias"):
        _load(_alias_bomb() + "name: *x8\n", "mot:x")


def test_config_alias_bomb_and_deep_notebook_do_not_stop_the_scan(tmp_path: Path) -> None:
    d = tmp_path / "m"
    write(d / "README.md", "# m\n\nA model.\n")
    write(d / "config.yaml", _alias_bomb() + "lr: *x8\n")
    write(d / "train.yaml", _alias_bomb() + "optimizer: *x8\n")
    write(d / "nb.ipynb", "[" * 200_000 + "]" * 200_000)
    write(d / "config.json", '{"a": ' + "[" * 200_000 + "]" * 200_000 + "}")
    write(d / "model.safetensors.index.json", '{"weight_map": ' + "[" * 200_000 + "]" * 200_000 + "}")
    card = scan_json(d)
    assert len(json.dumps(card)) < 200_000


# ---------------------------------------------------------------------------------------
# 3, 4. Regular expressions on repository text are linear
#
# Each input below is long enough that the audited (cubic or quadratic) patterns would run
# for hours; the linear ones finish at once. The result is checked too, so a pattern made
# linear by matching nothing would fail.


def test_licence_field_pattern_on_long_space_runs() -> None:
    from truecard.licenses.prose import _FIELD_RE

    assert _FIELD_RE.match(" " * 200_000) is None
    assert _FIELD_RE.match(" " * 200_000 + "- ** License **: " + " " * 200_000 + "MIT").group(1) == "MIT"  # type: ignore[union-attr]
    assert _FIELD_RE.match("* **Licence**:  **Apache-2.0**").group(1) == "Apache-2.0**"  # type: ignore[union-attr]


def test_hyperparameter_line_and_licence_split_patterns() -> None:
    from truecard.evidence.patterns import HYPERPARAM_LINE_RE
    from truecard.licenses import _SPLIT_RE

    assert HYPERPARAM_LINE_RE.search(" " * 200_000 + "x") is None
    assert HYPERPARAM_LINE_RE.search("  - " + "learning_rate: 1e-4")
    assert _SPLIT_RE.split(" " * 200_000 + "x") == [" " * 200_000 + "x"]
    assert [p.strip() for p in _SPLIT_RE.split("MIT /  Apache-2.0   or GPL-3.0")] == [
        "MIT", "/", "Apache-2.0", "or", "GPL-3.0"]


def test_placeholder_pattern_on_runs_of_openers() -> None:
    from truecard.evidence.card import strip_placeholders

    assert strip_placeholders("<!--" * 200_000).strip() == ""
    assert strip_placeholders("{{" * 300_000) == "{{" * 300_000
    assert strip_placeholders("a {{ name }} b <!-- c --> d <!-- open").split() == ["a", "b", "d"]


def test_split_sections_is_one_pass_over_headings() -> None:
    from truecard.evidence.card import split_sections

    lines = ["# h"] * 700_000  # ~2 MiB of headings
    secs = split_sections(lines, 1)
    assert len(secs) == 700_000 and secs[0].line_end == 1
    nested = ["# top", "text " * 10, "## a", "x " * 20, "### b", "y " * 20, "## c", "z", "# next"]
    secs = split_sections(nested, 1)
    ends = {s.title: (s.line_start, s.line_end) for s in secs}
    assert ends == {"top": (1, 8), "a": (3, 6), "b": (5, 6), "c": (7, 8), "next": (9, 9)}


def test_card_of_adversarial_runs_scans(tmp_path: Path) -> None:
    d = tmp_path / "m"
    body = "\n".join(["<!--" * 5000, "{{" * 5000, " " * 5000 + "license", "# h\n" * 5000, "*" * 5000])
    write(d / "README.md", "---\nlicense: mit\n---\n" + body)
    card = scan_json(d)
    assert card["total"] >= 0


# ---------------------------------------------------------------------------------------
# 13. small ones


def test_git_specs_cannot_become_options() -> None:
    from truecard.sources import SourceError
    from truecard.sources.git import parse_git_spec

    for spec in ("git+-oProxyCommand=touch@y:x", "git+-ox@y:repo.git", "https://example.org/r.git@--upload-pack=x",
                 "gh:org/repo@-x", "https://example.org/r\x1b[2J.git"):
        with pytest.raises(SourceError):
            parse_git_spec(spec)
    assert parse_git_spec("git@github.com:org/repo.git").url.startswith(("git@", "https://"))


def test_batch_keys_keep_quoted_sources_apart(tmp_path: Path) -> None:
    from truecard.batch.ledger import item_key
    from truecard.batch.run import read_sources_file

    f = write(tmp_path / "items.txt", '"sp/a b"\nsp/a b\nhf:org/name\n')
    items = read_sources_file(f)
    keys = [item_key(i) for i in items]
    assert len(set(keys)) == 3 and keys[2] == "hf:org/name"


def test_push_errors_never_echo_credentials(tmp_path: Path) -> None:
    card = write(tmp_path / "c.json", "{}")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.run(
        [sys.executable, "-m", "truecard", "push", str(card), "--to", "http://alice:s3cret@127.0.0.1:9/",
         "--token", "t", "--timeout", "5"],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "s3cret" not in proc.stderr + proc.stdout and "127.0.0.1" in proc.stderr


# ---------------------------------------------------------------------------------------
# 7. Text from a repository is data in every output

EVIL = "\x1b[2J\x1b]0;owned\x07\x1b]8;;https://evil.example\x1b\\x\x1b]8;;\x1b\\\x1b]52;c;ZXZpbA==\x07\u202e"


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "truecard", *args], capture_output=True, text=True, env=env,
                          timeout=300, check=False)


def test_terminal_and_markdown_outputs_show_repository_text_literally(tmp_path: Path) -> None:
    d = tmp_path / "m"
    write(
        d / "README.md",
        "---\nlicense: mit\nmodel_name: \"<script>alert(1)</script>" + EVIL.replace("\\", "\\\\").replace("\x1b", "\\e")
        .replace("\x07", "\\a").replace("\u202e", "\\u202e") + "\"\ndatasets:\n- \"<img src=x onerror=alert(1)>\"\n---\n"
        "# m\n\nTrained on <img src=x onerror=alert(1)> data. <script>alert(2)</script>\n",
    )
    write_safetensors(d / ("w" + EVIL.replace("/", "_") + ".safetensors"))
    for fmt in ("table", "markdown"):
        p = _cli("scan", str(d), "-f", fmt, "-v")
        assert p.returncode in (0, 1), p.stderr
        out = p.stdout + p.stderr
        assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out, (fmt, out[:3000])
        if fmt == "markdown":
            import re

            # escaped as `\<script\>` (renders literally) or inside a code span, never raw
            raw = [m for m in re.finditer(r"(?<!\\)<(script|img)", out) if out.count("`", 0, m.start()) % 2 == 0]
            assert not raw, out[max(0, raw[0].start() - 200): raw[0].start() + 100]
    p = _cli("licenses", str(d))
    assert "\x1b" not in p.stdout + p.stderr and "\u202e" not in p.stdout + p.stderr
    p = _cli("scan", str(tmp_path / ("nope" + EVIL)))
    assert p.returncode == 2 and "\x1b" not in p.stderr and "\\x1b" in p.stderr


def test_number_patterns_start_at_a_numbers_first_digit() -> None:
    """Found by benchmarks/redos.py: the compute, hardware and data-size patterns tried a
    number at every digit of a run (quadratic: a line of 4,000 digits took seconds, a card
    of such lines over an hour). Long runs now cost one attempt; real sentences still match."""
    from truecard.evidence import patterns as p

    for name in ("COUNT_RE", "FLOPS_RE", "VAGUE_DATA_RE", "DATA_DURATION_RE", "GPU_HOURS_RE"):
        rx = getattr(p, name)
        for unit in ("0", "1.", "0,", "1e", "9.9"):
            run = unit * (200_000 // len(unit))
            assert rx.search(run) is None or rx.search(run).start() == 0, (name, unit)  # type: ignore[union-attr]
    assert p.COUNT_RE.search("trained on 1,024 NVIDIA A100 GPUs").group(1) == "1,024"  # type: ignore[union-attr]
    assert p.COUNT_RE.search("8 16GB GPUs").group(1) == "8"  # type: ignore[union-attr]
    assert p.FLOPS_RE.search("about 3.1e23 FLOPs of compute")
    assert p.VAGUE_DATA_RE.search("pretrained on 1.5T tokens")
    assert p.DATA_DURATION_RE.search("680,000 hours of audio")
    from truecard.integrity.facts import ENERGY_RE

    assert ENERGY_RE.search("0" * 200_000) is None
    assert ENERGY_RE.search("used 1,234.5 MWh in all").group(1) == "1,234.5"  # type: ignore[union-attr]


def test_verify_static_refuses_the_gguf_bomb_in_the_parent(tmp_path: Path) -> None:
    from truecard.verify.static import analyse

    d = tmp_path / "g"
    d.mkdir()
    (d / "model.gguf").write_bytes(_gguf(0, _s(b"a") + struct.pack("<IIQ", 9, 0, 10**8), 1))
    rep = analyse(d)
    check = next(c for c in rep.checks if c.name == "weights-headers")
    assert check.ok is False and "larger than the rest of the file" in check.detail
