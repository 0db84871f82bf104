"""executable.finetuning: a static scan gives 1 when a fine-tuning path is shared for weights
that are available; 0 without weights or without a path; "the base model can be fine-tuned"
is about another model; never 2 without `truecard verify --finetune`."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from support.cardfactory import assess, result_of, scan_folder, tiny_safetensors

ID = "executable.finetuning"
INTRO = "# Acme-7B\n\nAcme-7B is a language model.\n\n"
USAGE = '## How to use\n\n```python\nmodel = AutoModelForCausalLM.from_pretrained("acme/Acme-7B")\nmodel.generate(x)\n```\n\n'
FINETUNE_PY = (
    "from transformers import Trainer, TrainingArguments, AutoModelForCausalLM\n"
    "model = AutoModelForCausalLM.from_pretrained('acme/Acme-7B')\n"
    "args = TrainingArguments(output_dir='out', learning_rate=2e-5)\nTrainer(model=model, args=args).train()\n"
)


def test_finetuning_script_with_weights_is_one() -> None:
    r = assess(ID, INTRO, {"license": "mit"}, files={"model.safetensors": tiny_safetensors(), "finetune.py": FINETUNE_PY})
    assert r.points == 1, r.rationale


def test_finetuning_script_without_weights_is_zero() -> None:
    r = assess(ID, INTRO + "It is good.\n", None, files={"finetune.py": FINETUNE_PY})
    assert r.points == 0, r.rationale


@settings(max_examples=25, deadline=None)
@given(text=st.sampled_from([
    "Acme-7B can be fine-tuned with LoRA on a single GPU.",
    "This model is meant to be fine-tuned on downstream tasks.",
    "You can fine-tune this model with the Hugging Face Trainer.",
    "See the fine-tuning notebook: https://colab.research.google.com/drive/abc",
]))
def test_a_stated_path_for_available_weights_is_one(text: str) -> None:
    r = assess(ID, INTRO + USAGE + "## Fine-tuning\n\n" + text + "\n", None)
    assert r.points == 1, (text, r.rationale)


@settings(max_examples=25, deadline=None)
@given(text=st.sampled_from([
    "The base model can be fine-tuned on your own data.",
    "The base model can be finetuned for other tasks.",
]))
def test_the_base_model_can_be_fine_tuned_does_not_count(text: str) -> None:
    r = assess(ID, INTRO + USAGE + text + "\n", None)
    assert r.points == 0, (text, r.rationale)


@settings(max_examples=25, deadline=None)
@given(with_script=st.booleans(), with_weights=st.booleans(), with_usage=st.booleans())
def test_a_static_scan_never_earns_two_and_needs_the_weights(with_script: bool, with_weights: bool, with_usage: bool) -> None:
    files = {}
    if with_weights:
        files["model.safetensors"] = tiny_safetensors()
    if with_script:
        files["finetune.py"] = FINETUNE_PY
    card = scan_folder(INTRO + (USAGE if with_usage else "") + "It is good.\n", None, files=files)
    ft, weights = result_of(card, ID), result_of(card, "transparent.weights")
    assert ft.points <= 1
    if weights.points == 0:
        assert ft.points == 0


def test_nothing_is_zero() -> None:
    assert assess(ID, INTRO + "It is good.\n", None).points == 0
