"""transparent.inference_code: an inference script shipped, usage code that loads and runs the
model, a command line with a public runtime, or a public library named for it are 2; a command
running an unshared script, a runtime named in passing, or a config alone are 1."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from support.cardfactory import assess, quotes

ID = "transparent.inference_code"
META = {"license": "apache-2.0"}
INTRO = "# Acme-7B\n\nAcme-7B is a language model.\n\n"

INFER_PY = (
    "import torch\nfrom transformers import AutoModelForCausalLM, AutoTokenizer\n\n"
    "def main() -> None:\n    tok = AutoTokenizer.from_pretrained('.')\n    model = AutoModelForCausalLM.from_pretrained('.')\n"
    "    out = model.generate(**tok('hi', return_tensors='pt'))\n    print(tok.decode(out[0]))\n\nmain()\n"
)


def fenced(code: str, lang: str = "python") -> str:
    return INTRO + f"## Usage\n\n```{lang}\n{code}\n```\n"


@settings(max_examples=25, deadline=None)
@given(name=st.sampled_from(["inference.py", "generate.py", "scripts/run_inference.py", "demo.py"]))
def test_inference_script_in_the_artifacts_is_full(name: str) -> None:
    r = assess(ID, INTRO, META, files={name: INFER_PY})
    assert r.points == 2, (name, r.rationale)


@settings(max_examples=25, deadline=None)
@given(hub_id=st.sampled_from(["acme/Acme-7B", "Acme-AI/acme-7b-instruct"]),
       run=st.sampled_from([
           'model = AutoModelForCausalLM.from_pretrained("{id}")\nout = model.generate(inputs, max_new_tokens=32)',
           'pipe = pipeline("text-generation", model="{id}")\nprint(pipe("Hello")[0])',
           'model_id = "{id}"\nmodel = AutoModelForCausalLM.from_pretrained(model_id)\nmodel.generate(x)',
           'import whisper\nmodel = whisper.load_model("{id}")\nmodel.transcribe("a.wav")',
       ]))
def test_usage_code_that_runs_the_model_is_full(hub_id: str, run: str) -> None:
    r = assess(ID, fenced(run.format(id=hub_id)), META)
    assert r.points == 2, (run, r.rationale)
    # the cited line is the one that loads it (`from_pretrained(model_id)` for an assigned id)
    assert any(call in quotes(r) for call in ("from_pretrained", "pipeline(", "load_model"))


@settings(max_examples=25, deadline=None)
@given(cmd=st.sampled_from([
    "llama-cli -m acme-7b.Q4_K_M.gguf -p 'Hello'",
    "python -m vllm.entrypoints.openai.api_server --model acme/Acme-7B",
    "ollama run acme-7b",
]))
def test_public_runtime_command_is_full(cmd: str) -> None:
    r = assess(ID, fenced(cmd, "bash"), META)
    assert r.points == 2, (cmd, r.rationale)


@settings(max_examples=25, deadline=None)
@given(text=st.sampled_from([
    "The code of Acme-7B is in the latest Hugging Face transformers.",
    "The code of Acme-7B has been in the latest transformers.",
    "See the transformers docs for Acme-7B.",
    "You can use it with llama.cpp.",
]))
def test_a_public_library_named_for_it_is_full(text: str) -> None:
    r = assess(ID, INTRO + text + "\n", META)
    assert r.points == 2, (text, r.rationale)


@settings(max_examples=25, deadline=None)
@given(form=st.sampled_from(["Inference code: {u}", "The inference code is available at {u}.", "See {u} for the code to run the model."]),
       url=st.sampled_from(["https://github.com/acme/acme", "https://gitlab.com/acme/acme-infer"]))
def test_a_repository_described_as_inference_code_is_full(form: str, url: str) -> None:
    text = form.format(u=url)
    r = assess(ID, INTRO + text + "\n", META)
    assert r.points == 2, (text, r.rationale)
    assert text in quotes(r)


def test_a_link_to_the_original_code_repository_is_partial() -> None:
    r = assess(ID, INTRO + "The original code is at https://github.com/acme/acme.\n", META)
    assert r.points == 1, r.rationale


def test_a_command_running_an_unshared_script_is_partial() -> None:
    r = assess(ID, fenced("python run_acme.py --prompt 'Hello'", "bash"), META)
    assert r.points == 1, r.rationale


def test_a_config_alone_is_partial() -> None:
    cfg = {"model_type": "llama", "architectures": ["LlamaForCausalLM"], "num_hidden_layers": 2}
    r = assess(ID, INTRO, META, files={"config.json": json.dumps(cfg)})
    assert r.points == 1, r.rationale


def test_a_training_script_is_not_inference_code() -> None:
    train = "import torch\nfor step in range(10):\n    loss = model(x).loss\n    loss.backward()\n    opt.step()\n"
    r = assess(ID, INTRO, META, files={"train.py": train})
    assert r.points == 0, r.rationale


def test_nothing_is_unmet() -> None:
    assert assess(ID, INTRO + "It is good.\n", META).points == 0


def test_a_format_named_in_passing_is_partial() -> None:
    r = assess(ID, INTRO + "The weights are in the Transformers format.\n", META)
    assert r.points == 1, r.rationale
