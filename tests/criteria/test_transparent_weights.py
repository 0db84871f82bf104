"""transparent.weights: full weights in the folder, or a card that plainly points at them
(usage code loading this model's id, a release statement, a Hub card), are 2; gated, delta,
adapter-only or incomplete weights are 1; a sibling linked in a family table, the base model,
or weights said not to be released are 0. Cards without front matter are used where the rule
must not see a Hub model card."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from support.cardfactory import assess, quotes, tiny_safetensors

ID = "transparent.weights"
INTRO = "# Acme-7B\n\nAcme-7B is a language model.\n\n"


def usage(code: str) -> str:
    return INTRO + "## How to use\n\n```python\n" + code + "\n```\n"


def test_safetensors_in_the_folder_are_full() -> None:
    r = assess(ID, INTRO, None, files={"model.safetensors": tiny_safetensors()})
    assert r.points == 2, r.rationale
    assert any(e.path == "model.safetensors" for e in r.evidence)


def test_missing_shard_is_partial() -> None:
    index = {"metadata": {}, "weight_map": {"embed.weight": "model-00001-of-00002.safetensors",
                                            "layers.0.weight": "model-00002-of-00002.safetensors"}}
    files = {"model-00001-of-00002.safetensors": tiny_safetensors(),
             "model.safetensors.index.json": json.dumps(index)}
    r = assess(ID, INTRO, None, files=files)
    assert r.points == 1, r.rationale


def test_adapter_only_is_partial() -> None:
    files = {"adapter_model.safetensors": tiny_safetensors(),
             "adapter_config.json": json.dumps({"peft_type": "LORA", "base_model_name_or_path": "org/base", "r": 8})}
    assert assess(ID, INTRO, None, files=files).points == 1


ORGS = st.sampled_from(["acme", "Acme-AI", "acme_labs"])
NAMES = st.sampled_from(["Acme-7B", "acme-7b-instruct", "Acme-7B-v0.1"])
FORMS = st.sampled_from([
    'model = AutoModelForCausalLM.from_pretrained("{id}")',
    "model = AutoModel.from_pretrained('{id}', torch_dtype='auto')",
    'pipe = pipeline("text-generation", model="{id}")',
    'model_id = "{id}"\ntokenizer = AutoTokenizer.from_pretrained(model_id)',
    'path = hf_hub_download("{id}", "model.safetensors")',
])


@settings(max_examples=25, deadline=None)
@given(org=ORGS, name=NAMES, form=FORMS)
def test_usage_code_loading_this_model_is_full(org: str, name: str, form: str) -> None:
    hub_id = f"{org}/{name}"
    r = assess(ID, usage(form.format(id=hub_id)), None)
    assert r.points == 2, (form, r.rationale)
    assert hub_id in quotes(r)


def test_a_cli_model_flag_is_full() -> None:
    body = INTRO + "## Usage\n\n```bash\nvllm serve --model acme/Acme-7B\n```\n"
    assert assess(ID, body, None).points == 2


@settings(max_examples=25, deadline=None)
@given(text=st.sampled_from([
    "We release the base model and the instruct model.",
    "We have released the weights of all our models.",
    "The model weights are publicly available.",
    "The checkpoints are now openly released.",
]))
def test_release_statements_are_full(text: str) -> None:
    r = assess(ID, INTRO + text + "\n", None)
    assert r.points == 2, (text, r.rationale)
    assert text in quotes(r)


@settings(max_examples=25, deadline=None)
@given(host=st.sampled_from(["https://huggingface.co/acme/Acme-7B/resolve/main", "https://example.org/files", "https://cdn.acme.ai/v1"]),
       file=st.sampled_from(["model.safetensors", "acme-7b.Q4_K_M.gguf", "pytorch_model.bin", "acme.ckpt", "model.onnx"]),
       form=st.sampled_from(["Download the weights: {u}", "[Download]({u})", "| Acme-7B | [weights]({u}) |"]))
def test_download_links_to_weight_files_are_full(host: str, file: str, form: str) -> None:
    url = f"{host}/{file}"
    r = assess(ID, INTRO + form.format(u=url) + "\n", None)
    assert r.points == 2, (form, url, r.rationale)
    assert url in quotes(r)


def test_a_hub_card_read_without_its_files_is_full() -> None:
    assert assess(ID, INTRO, {"license": "apache-2.0", "library_name": "transformers"}).points == 2


@settings(max_examples=25, deadline=None)
@given(gate=st.sampled_from([
    {"extra_gated_prompt": "You agree to the terms."},
    {"extra_gated_fields": {"Name": "text"}},
]))
def test_gated_metadata_is_partial(gate: dict) -> None:
    r = assess(ID, INTRO, {"license": "apache-2.0", **gate})
    assert r.points == 1, r.rationale


def test_request_form_is_partial() -> None:
    body = usage('m = AutoModel.from_pretrained("acme/Acme-7B")') + "\nYou are granted access by filling out this form.\n"
    assert assess(ID, body, None).points == 1


def test_delta_weights_are_partial() -> None:
    body = usage('m = AutoModel.from_pretrained("acme/Acme-7B")') + "\nWe release XOR weights; apply the XOR to the original weights.\n"
    assert assess(ID, body, None).points == 1


def test_weights_not_released_is_none() -> None:
    r = assess(ID, INTRO + "The model weights will not be released.\n", None)
    assert r.points == 0, r.rationale


def test_a_sibling_in_a_family_table_is_not_this_models_weights() -> None:
    body = INTRO + (
        "## Model family\n\n| Model | Link |\n|---|---|\n"
        "| Acme-70B | [hub](https://huggingface.co/acme/Acme-70B) |\n"
        "| Acme-1B | [hub](https://huggingface.co/acme/Acme-1B) |\n"
    )
    r = assess(ID, body, None)
    assert r.points == 0, r.rationale


def test_a_siblings_weight_file_is_not_this_models_weights() -> None:
    body = INTRO + "| Model | File |\n|---|---|\n| Acme-70B | [gguf](https://example.org/acme-70b.Q4_K_M.gguf) |\n"
    r = assess(ID, body, None)
    assert r.points == 0, r.rationale


def test_the_base_model_is_not_this_models_weights() -> None:
    body = INTRO + "Acme-7B is a fine-tuned version of [Base-7B](https://huggingface.co/base/Base-7B).\n"
    assert assess(ID, body, None).points == 0


def test_a_code_repository_readme_gate_does_not_speak_for_the_weights() -> None:
    code = {"README.md": "# acme\n\nTo download Acme-1 weights, fill out the access request form.\n", "infer.py": "print(1)\n"}
    r = assess(ID, INTRO, None, files={"model.safetensors": tiny_safetensors()}, code=code)
    assert r.points == 2, r.rationale


def test_nothing_is_none() -> None:
    assert assess(ID, INTRO, None).points == 0
