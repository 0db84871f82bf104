"""reproducible.hardware: accelerator type and count as cards write them; a type or a count
alone is 1; a sibling's figures are 1; hardware a user needs is not training hardware."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from support.cardfactory import assess, quotes

ID = "reproducible.hardware"
META = {"license": "apache-2.0"}


def training(text: str, title: str = "Training") -> str:
    return f"# Model\n\nA language model.\n\n## {title}\n\n{text}\n"


def points(text: str, title: str = "Training", meta: dict | None = None) -> int:
    return assess(ID, training(text, title), meta or META).points


# each phrasing the issue lists, plus the rubric's own example
ISSUE_PHRASINGS = [
    "GPUs: 512 H100-80G",
    "The model was trained on 8xA100 80GB for 15 hours.",
    "We trained it using 4x A100s.",
    "More than 64 A100s were used for training.",
    "The model was trained for 90 days using 16 A100-40G GPUs.",
    "Trained on 4 cloud TPUs in Pod configuration (16 TPU chips total).",
    "| Hardware | 256 x A100 |",
    "The model was trained on 64 A100 GPUs.",
]


def test_issue_phrasings_are_full() -> None:
    for text in ISSUE_PHRASINGS:
        r = assess(ID, training(text), META)
        assert r.points == 2, (text, r.rationale)


def test_quote_is_the_hardware_sentence() -> None:
    body = training("The tokenizer has 32k entries. We trained the model on 128 H100 GPUs. It took a while.")
    r = assess(ID, body, META)
    assert r.points == 2
    assert "128 H100 GPUs" in quotes(r)
    assert "tokenizer" not in quotes(r)


ACCELS = st.sampled_from(["A100", "H100", "V100", "A100 80GB", "H100-80G", "A100-40G", "TPU v4", "MI250X", "a100", "h100s"])
SEPS = st.sampled_from([" ", "x", " x ", "×", " × ", "x "])


@settings(max_examples=25, deadline=None)
@given(n=st.integers(min_value=2, max_value=4096), acc=ACCELS, sep=SEPS,
       form=st.sampled_from(["on {c}", "using {c} GPUs", "with {c}"]), upper=st.booleans())
def test_count_and_type_variants(n: int, acc: str, sep: str, form: str, upper: bool) -> None:
    count = f"{n}{sep}{acc}"
    sentence = "The model was trained " + form.format(c=count) + "."
    if upper:
        sentence = sentence.replace("trained", "TRAINED")
    assert points(sentence) == 2, sentence


@settings(max_examples=25, deadline=None)
@given(n=st.integers(min_value=2, max_value=2048), acc=ACCELS,
       label=st.sampled_from(["GPUs", "Hardware", "Hardware Type", "Accelerators", "Training hardware"]),
       table=st.booleans())
def test_labelled_values(n: int, acc: str, label: str, table: bool) -> None:
    value = f"{n} x {acc}"
    line = f"| {label} | {value} |" if table else f"{label}: {value}"
    body = training((f"| Item | Value |\n|---|---|\n{line}\n") if table else line, "Training details")
    assert assess(ID, body, META).points == 2, line


@settings(max_examples=25, deadline=None)
@given(n=st.integers(min_value=2, max_value=1024), acc=st.sampled_from(["A100", "H100", "V100"]))
def test_word_order_accelerator_then_count(n: int, acc: str) -> None:
    assert points(f"Training used {acc} x {n}.") == 2


@settings(max_examples=25, deadline=None)
@given(value=st.sampled_from(["64 A100", "A100 x 8", "8xA100", "256 TPU v4 chips"]))
def test_co2_metadata_hardware_with_a_count_is_full(value: str) -> None:
    meta = {"license": "mit", "co2_eq_emissions": {"emissions": 100, "hardware_used": value}}
    r = assess(ID, "# Model\n\nA model.\n", meta)
    assert r.points == 2, (value, r.rationale)
    assert any(e.field == "card:co2_eq_emissions.hardware_used" for e in r.evidence)


@settings(max_examples=25, deadline=None)
@given(value=st.sampled_from(["A100", "NVIDIA H100 80GB", "TPU v3", "V100"]))
def test_co2_metadata_hardware_without_a_count_is_partial(value: str) -> None:
    """The digits of "A100" or "v3" are not a count."""
    meta = {"license": "mit", "co2_eq_emissions": {"emissions": 100, "hardware_used": value}}
    r = assess(ID, "# Model\n\nA model.\n", meta)
    assert r.points == 1, (value, r.rationale)


def test_type_without_count_is_partial() -> None:
    for text in (
        "The model was trained on multiple TPU-v4 pods.",
        "We thank the TPU Research Cloud for providing TPU v4s for training.",
        "The model was trained on A100 GPUs.",
    ):
        r = assess(ID, training(text), META)
        assert r.points == 1, (text, r.rationale)


def test_count_without_type_is_partial() -> None:
    assert points("The model was trained on 16 GPUs.") == 1


def test_named_cluster_alone_is_partial() -> None:
    assert points("The model was trained on the JUWELS Booster supercomputer.") == 1


def test_sibling_figures_earn_one() -> None:
    meta = {"license": "apache-2.0", "model_name": "Foo-1.3B"}
    body = "# Foo-1.3B\n\nFoo-1.3B is a 1.3B language model.\n\n## Training\n\nThe 175B model was trained on 992 A100s.\n"
    r = assess(ID, body, meta)
    assert r.points == 1, r.rationale
    assert "another" in r.rationale


def test_user_requirements_are_not_training_hardware() -> None:
    for title, text in (
        ("Requirements", "Running the model requires 2 A100 GPUs."),
        ("Inference", "Inference runs on 1 x A100 80GB."),
        ("Training", "Fine-tuning the model requires 8 A100 GPUs."),
    ):
        r = assess(ID, training(text, title), META)
        assert r.points == 0, (title, text, r.rationale)


@settings(max_examples=25, deadline=None)
@given(text=st.sampled_from([
    "The model fits on a single A100 80GB.", "You can fine-tune it on 1 A100.", "Inference requires 2 x A100 GPUs.",
    "We recommend 4 H100 GPUs for serving.", "Our benchmark was run on 8 A100 GPUs.",
]))
def test_hardware_to_run_it_is_not_training_hardware(text: str) -> None:
    assert points(text, "Notes") == 0, text


def test_a_code_repository_doc_counts_only_where_it_names_this_model() -> None:
    body = "# Acme-7B\n\nAcme-7B is a model.\n"
    other = {"README.md": "# trainer\n\nOur other model Foo-13B was trained on 512 A100 GPUs.\n", "train.py": "import torch\n"}
    this = {"README.md": "# trainer\n\nAcme-7B was trained on 512 A100 GPUs.\n", "train.py": "import torch\n"}
    assert assess(ID, body, META, code=other).points == 0
    r = assess(ID, body, META, code=this)
    assert r.points == 2 and "Acme-7B was trained on 512 A100 GPUs." in quotes(r)


def test_nothing_said_is_unmet() -> None:
    assert points("The model was trained with AdamW.") == 0


def test_no_documentation_is_unknown() -> None:
    r = assess(ID, None, None, files={"config.json": "{}"})
    assert r.status.value == "unknown"
