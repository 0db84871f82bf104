"""Parsers on real and arbitrary input: the Hub's card parsing, headers, code, prose."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from support.files import require_corpus, write_safetensors
from truecard.evidence import patterns as prose
from truecard.evidence.card import (
    REGEX_YAML_BLOCK,
    front_matter_span,
    parse_front_matter,
    real_chars,
    split_sections,
)
from truecard.evidence.code import classify_code
from truecard.evidence.text import looks_binary
from truecard.evidence.weights import HeaderError, parse_safetensors_header, read_index


def test_front_matter_pattern_is_the_hubs() -> None:
    from huggingface_hub import repocard

    assert REGEX_YAML_BLOCK.pattern == repocard.REGEX_YAML_BLOCK.pattern


def _block(text: str) -> tuple[int, int, int] | None:
    m = REGEX_YAML_BLOCK.search(text)
    return None if m is None else (m.start(2), m.end(2), m.end())


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(["---", "--", "-", "\r\n", "\r", "\n", " ", "\t", "a", "b: 1", "\x0b", "\u2028"]),
                max_size=16))
def test_front_matter_span_is_the_hubs_match(parts: list[str]) -> None:
    text = "".join(parts)
    assert front_matter_span(text) == _block(text), repr(text)


@pytest.mark.parametrize("text", ["---\r\n---\n", "---\r\n---", " \n\t---\na: 1\n---", "---\na\n--- \t\nb",
                                  "---\r\na\r---\r\n", "---\n---\n", "---", "", "x\n---\na\n---\n"])
def test_front_matter_span_on_edges(text: str) -> None:
    assert front_matter_span(text) == _block(text)


def test_corpus_front_matter_spans_are_the_hubs() -> None:
    for path in sorted((require_corpus() / "cards").glob("*.md")):
        text = path.read_text(encoding="utf-8", errors="replace")
        assert front_matter_span(text) == _block(text), path.name


def test_corpus_cards_parse_as_the_hub_parses_them() -> None:
    """For every real card, our metadata equals what huggingface_hub's RepoCard yields."""
    from huggingface_hub import RepoCard

    cards = sorted((require_corpus() / "cards").glob("*.md"))
    assert len(cards) == 400
    compared = 0
    for path in cards:
        text = path.read_text(encoding="utf-8", errors="replace")
        ours, error, _, body = parse_front_matter(text)
        try:
            hub = RepoCard(text, ignore_metadata_errors=True)
        except (ValueError, yaml.YAMLError):
            assert error is not None, path.name  # the Hub rejects it: we report it
            continue
        hub_dict = hub.data.to_dict()
        # the Hub's CardData drops None values and normalises some keys; compare the shared ones
        for key, value in ours.items():
            if key in hub_dict and value is not None:
                assert hub_dict[key] == value, (path.name, key)
        assert body == hub.text, path.name
        compared += 1
    assert compared > 350


def test_crlf_and_html_headings() -> None:
    text = "---\r\nlicense: mit\r\n---\r\n# Title\r\n\r\nSome text here that is long enough.\r\n<h2>Usage</h2>\r\nRun it like this, please, carefully.\r\n"
    md, err, fm_lines, body = parse_front_matter(text)
    assert md == {"license": "mit"} and err is None and fm_lines == 3
    secs = split_sections(body.replace("\r\n", "\n").split("\n"), fm_lines + 1)
    titles = [s.title for s in secs]
    assert titles == ["Title", "Usage"]
    assert secs[1].line_start == 7


def test_placeholders_are_not_content() -> None:
    assert real_chars("[More Information Needed]\n<!-- Provide details -->\n{{ model_summary }}") == 0
    assert real_chars("The model has twelve layers.") > 10


def test_headings_inside_code_fences_are_ignored() -> None:
    lines = ["# Real", "text", "```", "# not a heading", "```", "## Also real", "more"]
    assert [s.title for s in split_sections(lines, 1)] == ["Real", "Also real"]


def test_real_safetensors_header(tmp_path: Path) -> None:
    p = tmp_path / "w.safetensors"
    n = write_safetensors(p, metadata={"format": "pt", "note": "x"})
    data = p.read_bytes()
    info = parse_safetensors_header(data, len(data))
    assert info["parameters"] == n and info["tensors"] == 3
    assert info["dtypes"] == ["F32", "F16"] and info["metadata"]["note"] == "x"


@given(st.binary(max_size=2048))
@settings(max_examples=300, deadline=None)
def test_safetensors_parser_on_arbitrary_bytes(data: bytes) -> None:
    try:
        info = parse_safetensors_header(data, len(data))
    except HeaderError:
        return
    assert info["parameters"] >= 0


@given(
    st.dictionaries(
        st.text(max_size=5),
        st.fixed_dictionaries(
            {
                "dtype": st.sampled_from(["F32", "F16", "I8", "X"]),
                "shape": st.lists(st.integers(min_value=-2, max_value=10**6), max_size=4),
                "data_offsets": st.lists(st.integers(min_value=-5, max_value=10**7), max_size=3),
            }
        ),
        max_size=4,
    ),
    st.integers(min_value=0, max_value=4096),
)
@settings(max_examples=200, deadline=None)
def test_safetensors_parser_on_arbitrary_tables(table: dict, pad: int) -> None:  # type: ignore[type-arg]
    header = json.dumps(table).encode()
    data = len(header).to_bytes(8, "little") + header + b"\0" * pad
    try:
        info = parse_safetensors_header(data, len(data))
    except HeaderError:
        return
    # accepted only when every tensor fits the file exactly
    assert info["tensors"] == len(table)


@given(st.text(max_size=3000))
@settings(max_examples=300, deadline=None)
def test_front_matter_on_arbitrary_text(text: str) -> None:
    md, err, _n, _body = parse_front_matter(text)
    assert isinstance(md, dict)
    assert err is None or isinstance(err, str)


@given(st.binary(max_size=3000))
@settings(max_examples=200, deadline=None)
def test_front_matter_on_arbitrary_bytes(data: bytes) -> None:
    text = data.decode("latin-1")
    md, _err, _, _ = parse_front_matter("---\n" + text + "\n---\nbody")
    assert isinstance(md, dict)


@given(st.text(max_size=2000))
@settings(max_examples=200, deadline=None)
def test_code_classifier_on_arbitrary_text(text: str) -> None:
    roles, _reasons, _ = classify_code("scripts/train.py", text)
    assert "training" in roles  # the name alone says training, whatever the content


@given(st.binary(max_size=4096))
@settings(max_examples=200, deadline=None)
def test_looks_binary_total(data: bytes) -> None:
    assert looks_binary(data) in (True, False)
    if b"\x00" in data[:8192]:
        assert looks_binary(data)


@given(st.text(max_size=1500))
@settings(max_examples=200, deadline=None)
def test_prose_extractors_on_arbitrary_text(text: str) -> None:
    lines = text.split("\n")
    for h in prose.hardware_hits(lines):
        assert h.line >= 1
    for topic, _h in prose.cost_hits(lines):
        assert topic in {"compute", "time", "cost", "emissions", "tokens", "steps"}
    prose.dataset_names(text)
    for url in prose.URL_RE.findall(text):
        assert prose.categorize_url(url, text)


@given(
    st.recursive(
        st.none() | st.integers() | st.text(max_size=5),
        lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=5), c, max_size=3),
    )
)
@settings(max_examples=200, deadline=None)
def test_shard_index_on_arbitrary_json(data: object) -> None:
    if isinstance(data, dict):
        shards, _total = read_index(data)
        assert isinstance(shards, set)


@pytest.mark.parametrize(
    "sentence, accelerator, count",
    [
        ("We trained on 64 NVIDIA A100 GPUs.", "A100", True),
        ("Training used 256 Nvidia H100 GPUs of the Marenostrum 5 supercomputer.", "H100", True),
        ("The model was trained on TPU v3-8 for 2M steps.", "TPU v3", True),
        ("Trained on a single RTX 4090 GPU.", "RTX 4090", True),
        ("The model was trained on V100 GPUs.", "V100", False),
    ],
)
def test_hardware_sentences(sentence: str, accelerator: str, count: bool) -> None:
    hits = prose.hardware_hits([sentence])
    assert hits, sentence
    assert (
        re.sub(r"\s", "", hits[0].detail["accelerator"])
        .lower()
        .startswith(re.sub(r"\s", "", accelerator).lower())
    )
    assert hits[0].detail["count"] == count


@pytest.mark.parametrize(
    "sentence, topic",
    [
        ("Pretraining utilized a cumulative 3.3M GPU hours of computation.", "compute"),
        ("Training took 14 days on Nvidia A30 GPUs.", "time"),
        ("The total training compute was 6.3e23 FLOPs.", "compute"),
        ("Training cost about $2.5M in cloud compute.", "cost"),
        ("Training consumed 1,200 MWh of energy.", "compute"),
    ],
)
def test_cost_sentences(sentence: str, topic: str) -> None:
    assert topic in {t for t, _ in prose.cost_hits([sentence])}, sentence


@pytest.mark.parametrize(
    "sentence",
    [
        "The models are trained on 680,000 hours of audio collected from the internet.",
        "It generates an image in 2 seconds on a V100.",
    ],
)
def test_not_costs_or_training_hardware(sentence: str) -> None:
    assert not [t for t, _ in prose.cost_hits([sentence]) if t in ("time", "compute")]
    assert not prose.hardware_hits([sentence])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(st.sampled_from(list("licens :\t e-_x")), max_size=14), max_size=8),
       st.sampled_from(["license", "license_name", "extra_gated_prompt", "x"]))
def test_meta_line_is_the_key_pattern_on_each_front_matter_line(lines: list[str], key: str) -> None:
    """`_meta_line`'s start-of-line shortcut finds the line `^key\\s*:` first matches."""
    from truecard.evidence.collectors.licences import _meta_line
    from truecard.evidence.inventory import Card

    card = Card(tree=None, path="README.md", metadata={}, metadata_error=None, body="", body_offset=len(lines),  # type: ignore[arg-type]
                lines=[*lines, "# body"], sections=[], sha256=None, filled_chars=0)
    want = next((i for i, ln in enumerate(lines, start=1) if re.match(rf"^{re.escape(key)}\s*:", ln)), None)
    assert _meta_line(card, key) == want


_CARD_PARTS = ["---", "--", "\r\n", "\r", "\n", " ", "# Head", "## Sub", "a: 1", "text. More", "```", "<h2>x</h2>"]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(_CARD_PARTS), max_size=18))
def test_parsed_sections_are_those_of_the_body_split_afresh(parts: list[str]) -> None:
    """`parse_card` takes the body's lines from the file's (sliced after the front matter)
    where the body starts a line: its sections are those of the body's own lines, split
    afresh, whatever line breaks and front matter the text has."""
    from truecard.evidence.card import parse_card
    from truecard.sources.local import LocalTree

    text = "".join(parts)
    card = parse_card(LocalTree.open(str(Path(__file__).parent)), "README.md", text, None)
    want = split_sections(card.body.split("\n"), card.body_offset + 1)
    assert card.sections == want, repr(text)


def test_parsed_sections_of_corpus_cards_and_edges() -> None:
    from truecard.evidence.card import parse_card
    from truecard.sources.local import LocalTree

    tree = LocalTree.open(str(Path(__file__).parent))
    texts = ["---\na: 1\n---", "---\na: 1\n---\n# T\nbody\n", "# T\nno front matter", "---\r\na: 1\r\n---\r\n# T\r\nx"]
    texts += [p.read_text(encoding="utf-8", errors="replace") for p in sorted((require_corpus() / "cards").glob("*.md"))[::8]]
    for text in texts:
        card = parse_card(tree, "README.md", text, None)
        assert card.sections == split_sections(card.body.split("\n"), card.body_offset + 1), text[:60]
