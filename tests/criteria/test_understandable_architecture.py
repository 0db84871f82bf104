"""understandable.architecture: a structural config, modelling code, a paper, or a card
section with specifics is 2; a name alone ("a transformer decoder", "based on Llama") is 1."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from support.cardfactory import assess, quotes

ID = "understandable.architecture"
META = {"license": "apache-2.0"}
INTRO = "# Acme-7B\n\nAcme-7B is a research model.\n\n"


@settings(max_examples=25, deadline=None)
@given(keys=st.sampled_from([
    {"num_hidden_layers": 32, "hidden_size": 4096, "num_attention_heads": 32},
    {"n_layer": 12, "n_embd": 768},
    {"d_model": 512, "num_layers": 6},
    {"architectures": ["LlamaForCausalLM"], "model_type": "llama"},
]))
def test_structural_config_is_full(keys: dict) -> None:
    r = assess(ID, INTRO, META, files={"config.json": json.dumps(keys)})
    assert r.points == 2, (keys, r.rationale)
    assert any(e.path == "config.json" for e in r.evidence)


@settings(max_examples=25, deadline=None)
@given(n=st.integers(min_value=2, max_value=128), what=st.sampled_from(["layers", "attention heads", "heads", "blocks"]),
       extra=st.sampled_from(["", " It uses grouped-query attention.", " Positions use RoPE.", " The FFN is SwiGLU."]),
       title=st.sampled_from(["Architecture", "Model architecture", "Model details", "Technical specifications"]))
def test_card_section_with_specifics_is_full(n: int, what: str, extra: str, title: str) -> None:
    # a section needs some 20 characters of real text to count as filled (templates earn nothing)
    r = assess(ID, INTRO + f"## {title}\n\nThe network of this model has {n} {what}.{extra}\n", META)
    assert r.points == 2, (title, r.rationale)


def test_a_paper_link_is_full() -> None:
    r = assess(ID, INTRO + "See our paper: https://arxiv.org/abs/2401.12345\n", META)
    assert r.points == 2, r.rationale


def test_size_with_structural_kind_is_full() -> None:
    sent = "Acme-7B has 7B parameters and is a dense decoder-only Transformer."
    r = assess(ID, INTRO + sent + "\n", META)
    assert r.points == 2, r.rationale
    assert sent in quotes(r)


def test_a_dataset_paper_does_not_explain_the_model() -> None:
    r = assess(ID, INTRO + "It is a transformer. See the [OASST dataset paper](https://arxiv.org/abs/2304.07327).\n", META)
    assert r.points == 1, r.rationale


@settings(max_examples=25, deadline=None)
@given(text=st.sampled_from([
    "Acme-7B is a transformer decoder.",
    "It is an autoregressive language model.",
    "The model is based on Llama.",
    "It is a fine-tuned version of Mistral-7B.",
]))
def test_a_name_alone_is_partial(text: str) -> None:
    r = assess(ID, INTRO + text + "\n", META)
    assert r.points == 1, (text, r.rationale)


def test_base_model_metadata_alone_is_partial() -> None:
    r = assess(ID, INTRO, {"license": "apache-2.0", "base_model": "acme/Base-7B"})
    assert r.points == 1, r.rationale


def test_nothing_is_unmet() -> None:
    assert assess(ID, INTRO + "Use it responsibly.\n", META).points == 0
