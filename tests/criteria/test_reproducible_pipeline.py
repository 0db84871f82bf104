"""reproducible.pipeline: the run's configs, a data pipeline and the training environment are
2; one or two of them, or hyper-parameters only in the card, are 1; an environment for
inference alone, or configs in example folders, are not a training setup."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from support.cardfactory import assess

ID = "reproducible.pipeline"
META = {"license": "apache-2.0"}
INTRO = "# Acme-7B\n\nAcme-7B is a language model pre-trained from scratch.\n\n"

TRAIN_PY = (
    "import torch\nimport yaml\n\n\ndef main(cfg_path: str) -> None:\n    cfg = yaml.safe_load(open(cfg_path))\n"
    "    model = build_model(cfg)\n    opt = torch.optim.AdamW(model.parameters(), lr=cfg['lr'])\n"
    "    for batch in loader(cfg):\n        loss = model(batch).loss\n        loss.backward()\n        opt.step()\n"
)
CONFIG = "model: acme\nlr: 0.0003\nbatch_size: 512\nwarmup_steps: 2000\nmax_steps: 100000\n"
PREP_PY = (
    "from datasets import load_dataset\nfrom transformers import AutoTokenizer\n\n"
    "tok = AutoTokenizer.from_pretrained('acme/tokenizer')\nds = load_dataset('allenai/c4', 'en')\n"
    "ds = ds.filter(lambda x: len(x['text']) > 100)\nds = ds.map(lambda x: tok(x['text']), batched=True)\n"
    "ds.save_to_disk('data/tokenized')\n"
)
ENVS = {
    "requirements.txt": "torch==2.3.0\ntransformers==4.41.0\ndatasets==2.19.0\n",
    "environment.yml": "name: acme\ndependencies:\n  - python=3.11\n  - pytorch=2.3\n",
    "Dockerfile": "FROM pytorch/pytorch:2.3.0-cuda12.1-cudnn8-runtime\nRUN pip install transformers datasets\n",
    "pyproject.toml": '[project]\nname = "acme-train"\nversion = "0.1"\ndependencies = ["torch>=2.3", "datasets"]\n',
}


def repo(**files: str) -> dict[str, str]:
    return {"README.md": "# acme-train\n\nThe code used to train Acme-7B.\n", "train.py": TRAIN_PY, **files}


@settings(max_examples=25, deadline=None)
@given(env=st.sampled_from(sorted(ENVS)),
       prep=st.sampled_from(["data/prepare.py", "scripts/tokenize_data.py", "preprocess.py"]),
       config=st.sampled_from(["configs/acme-7b.yaml", "configs/pretrain.yaml", "train_config.yaml"]))
def test_all_three_parts_are_full(env: str, prep: str, config: str) -> None:
    r = assess(ID, INTRO, META, code=repo(**{env: ENVS[env], prep: PREP_PY, config: CONFIG}))
    assert r.points == 2, (env, prep, config, r.rationale)


def test_configs_and_environment_without_data_pipeline_are_partial() -> None:
    r = assess(ID, INTRO, META, code=repo(**{"configs/acme-7b.yaml": CONFIG, "requirements.txt": ENVS["requirements.txt"]}))
    assert r.points == 1, r.rationale
    assert "data pipeline" in r.rationale


def test_configs_in_example_folders_are_not_this_models_run() -> None:
    r = assess(ID, INTRO, META, code=repo(**{
        "examples/configs/acme-7b.yaml": CONFIG, "data/prepare.py": PREP_PY, "requirements.txt": ENVS["requirements.txt"],
    }))
    assert r.points == 1, r.rationale
    assert "training configuration" in r.rationale


def test_an_inference_environment_alone_is_not_a_training_setup() -> None:
    infer = "from transformers import pipeline\nprint(pipeline('text-generation', model='acme/Acme-7B')('hi'))\n"
    r = assess(ID, INTRO, META, files={"inference.py": infer, "requirements.txt": ENVS["requirements.txt"]})
    assert r.points == 0, r.rationale


@settings(max_examples=25, deadline=None)
@given(lr=st.sampled_from(["3e-4", "0.0003", "1e-5"]), bs=st.integers(min_value=8, max_value=4096),
       table=st.booleans())
def test_hyperparameters_only_in_the_card_are_partial(lr: str, bs: int, table: bool) -> None:
    text = (f"| Hyper-parameter | Value |\n|---|---|\n| learning rate | {lr} |\n| batch size | {bs} |\n| epochs | 3 |\n"
            if table else f"We used a learning rate of {lr}, a batch size of {bs} and 3 epochs with the AdamW optimizer.")
    r = assess(ID, INTRO + "## Training hyperparameters\n\n" + text + "\n", META)
    assert r.points == 1, (text, r.rationale)


def test_nothing_is_unmet() -> None:
    assert assess(ID, INTRO + "It is good.\n", META).points == 0
