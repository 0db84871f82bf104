"""understandable.model_card: judged by what the card explains (usage code that runs the
model, and design aspects), not by its length in characters."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from support.cardfactory import assess

ID = "understandable.model_card"
META = {"license": "apache-2.0"}

USAGE = (
    "## How to use\n\n```python\nfrom transformers import AutoModelForCausalLM, AutoTokenizer\n"
    'tok = AutoTokenizer.from_pretrained("acme/Acme-7B")\nmodel = AutoModelForCausalLM.from_pretrained("acme/Acme-7B")\n'
    'out = model.generate(**tok("Hello", return_tensors="pt"), max_new_tokens=20)\nprint(tok.decode(out[0]))\n```\n'
)
LOAD_ONLY = (
    "## How to use\n\n```python\nfrom transformers import AutoModel\n"
    'model = AutoModel.from_pretrained("acme/Acme-7B")\n```\n'
)
SECTIONS = {
    "Architecture": "Acme-7B is a decoder-only transformer with 32 layers. Attention uses grouped queries. "
    "The feed-forward blocks are SwiGLU. Positions are encoded with rotary embeddings.",
    "Training": "The model was trained for two epochs with AdamW. The learning rate followed a cosine schedule. "
    "Training ran in bfloat16 precision. Gradient clipping was set to one.",
    "Training data": "The corpus mixes web pages, books and code. Documents were deduplicated. "
    "Non-English pages were removed. The final mix has two trillion tokens.",
    "Evaluation": "We evaluate on MMLU and HellaSwag. Results are in the table below. "
    "Accuracy is reported with five shots. Scores are averaged over three seeds.",
    "Intended use": "The model is intended for research on language models. It can be used for text completion. "
    "It is suitable for English tasks. Commercial applications need further testing.",
    "Limitations": "The model may produce harmful content. It shows biases of its training data. "
    "It should not be used for medical advice. Outputs can hallucinate facts.",
}


def build(names: list[str], usage: str = USAGE) -> str:
    parts = ["# Acme-7B\n\nAcme-7B is a language model by Acme.\n"]
    parts += [f"## {n}\n\n{SECTIONS[n]}\n" for n in names]
    return "\n".join(parts) + "\n" + usage


@settings(max_examples=25, deadline=None)
@given(names=st.permutations(list(SECTIONS)).map(lambda p: p[:5]), usage_first=st.booleans())
def test_usage_and_design_is_full_in_any_order(names: list[str], usage_first: bool) -> None:
    body = build(names, "") if not usage_first else USAGE + "\n" + build(names, "")
    if not usage_first:
        body += USAGE
    r = assess(ID, body, META)
    assert r.points == 2, (names, r.rationale)


@settings(max_examples=25, deadline=None)
@given(cmd=st.sampled_from(["llama-cli -m acme-7b.gguf -p 'Hello'", "ollama run acme-7b", "python -m acme.generate --prompt 'Hello'"]))
def test_a_command_line_that_runs_it_is_usage(cmd: str) -> None:
    r = assess(ID, build(list(SECTIONS), f"## Usage\n\n```bash\n{cmd}\n```\n"), META)
    assert r.points == 2, (cmd, r.rationale)


def test_a_prompt_format_alone_is_not_usage() -> None:
    r = assess(ID, build(list(SECTIONS), "## Prompt format\n\n```\n<|user|>\n{prompt}\n<|assistant|>\n```\n"), META)
    assert r.points == 1, r.rationale


def test_usage_given_only_by_a_link_is_thin() -> None:
    r = assess(ID, build(list(SECTIONS), "## Usage\n\nSee https://github.com/acme/acme for usage.\n"), META)
    assert r.points == 1, r.rationale


def test_design_without_usage_is_thin() -> None:
    r = assess(ID, build(list(SECTIONS), ""), META)
    assert r.points == 1, r.rationale


def test_loading_code_that_never_runs_the_model_is_thin() -> None:
    r = assess(ID, build(list(SECTIONS), LOAD_ONLY), META)
    assert r.points == 1, r.rationale


def test_usage_without_design_is_thin() -> None:
    r = assess(ID, "# Acme-7B\n\nA model.\n\n" + USAGE, META)
    assert r.points == 1, r.rationale


def test_a_long_card_without_substance_is_not_full() -> None:
    filler = "## Notes\n\n" + " ".join(f"Note number {i} is here for completeness." for i in range(80)) + "\n"
    r = assess(ID, "# Acme-7B\n\nA model.\n\n" + filler + USAGE, META)
    assert r.points == 1, r.rationale


def test_an_unfilled_template_is_none() -> None:
    template = "# Model Card for Model ID\n\n" + "".join(
        f"## {t}\n\n[More Information Needed]\n\n" for t in ("Model Details", "Uses", "Bias, Risks, and Limitations", "Training Details")
    )
    r = assess(ID, template, META)
    assert r.points == 0, r.rationale


def test_no_card_is_unknown() -> None:
    r = assess(ID, None, None, files={"config.json": "{}"})
    assert r.status.value == "unknown"
