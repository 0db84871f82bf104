"""executable.inference: a static scan gives 1 when the weights are available (the same answer
as transparent.weights) and instructions load them; 0 when either is missing; never 2 (that
needs `truecard verify` to run the model)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from support.cardfactory import assess, result_of, scan_folder, tiny_safetensors

ID = "executable.inference"
INTRO = "# Acme-7B\n\nAcme-7B is a language model.\n\n"
INFER_PY = (
    "from transformers import AutoModelForCausalLM, AutoTokenizer\n"
    "tok = AutoTokenizer.from_pretrained('.')\nmodel = AutoModelForCausalLM.from_pretrained('.')\n"
    "print(tok.decode(model.generate(**tok('hi', return_tensors='pt'))[0]))\n"
)
LOADERS = [
    'model = AutoModelForCausalLM.from_pretrained("acme/Acme-7B")\nmodel.generate(x)',
    'pipe = pipeline("text-generation", model="acme/Acme-7B")\npipe("Hello")',
    'model_id = "acme/Acme-7B"\nmodel = AutoModel.from_pretrained(model_id)',
]


def usage(code: str) -> str:
    return INTRO + "## How to use\n\n```python\n" + code + "\n```\n"


@settings(max_examples=25, deadline=None)
@given(code=st.sampled_from(LOADERS))
def test_usage_snippet_loading_the_weights_agrees_with_transparent_weights(code: str) -> None:
    card = scan_folder(usage(code), None)
    weights, run = result_of(card, "transparent.weights"), result_of(card, ID)
    assert weights.points == 2, weights.rationale
    assert run.points == 1, run.rationale  # available and loadable, but not executed


def test_weights_in_the_folder_with_an_inference_script_is_one() -> None:
    r = assess(ID, INTRO, {"license": "mit"}, files={"model.safetensors": tiny_safetensors(), "inference.py": INFER_PY})
    assert r.points == 1, r.rationale


def test_weights_with_a_named_runtime_is_one() -> None:
    r = assess(ID, INTRO + "Use it with llama.cpp.\n", None, files={"model.safetensors": tiny_safetensors()})
    assert r.points == 1, r.rationale


def test_gated_weights_with_usage_code_are_still_one() -> None:
    card = scan_folder(usage(LOADERS[0]), {"license": "apache-2.0", "extra_gated_prompt": "Agree to the terms."})
    assert result_of(card, "transparent.weights").points == 1
    assert result_of(card, ID).points == 1


def test_usage_code_for_weights_not_released_is_zero() -> None:
    body = usage(LOADERS[0]) + "\nThe model weights will not be released.\n"
    card = scan_folder(body, None)
    assert result_of(card, "transparent.weights").points == 0
    assert result_of(card, ID).points == 0


def test_no_weights_and_no_instructions_is_zero() -> None:
    r = assess(ID, INTRO + "It is good.\n", None)
    assert r.points == 0, r.rationale


@settings(max_examples=25, deadline=None)
@given(with_script=st.booleans(), with_usage=st.booleans(), with_weights=st.booleans())
def test_a_static_scan_never_earns_two_and_never_beats_the_weights(with_script: bool, with_usage: bool, with_weights: bool) -> None:
    files = {}
    if with_weights:
        files["model.safetensors"] = tiny_safetensors()
    if with_script:
        files["inference.py"] = INFER_PY
    card = scan_folder(usage(LOADERS[0]) if with_usage else INTRO, None, files=files)
    run, weights = result_of(card, ID), result_of(card, "transparent.weights")
    assert run.points <= 1
    if weights.points == 0:
        assert run.points == 0
