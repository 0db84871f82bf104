"""transparent.training_code: training code with this model's configuration, or a repository
the card plainly names as the code used, is 2; a framework or script without this model's
configs, fine-tuning code alone for a base model, or a framework named as used is 1."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from support.cardfactory import assess, quotes

ID = "transparent.training_code"
META = {"license": "apache-2.0"}
INTRO = "# Acme-7B\n\nAcme-7B is a language model pre-trained from scratch.\n\n"

TRAIN_PY = (
    "import torch\nimport yaml\n\n\ndef main(cfg_path: str) -> None:\n    cfg = yaml.safe_load(open(cfg_path))\n"
    "    model = build_model(cfg)\n    opt = torch.optim.AdamW(model.parameters(), lr=cfg['lr'])\n"
    "    for batch in loader(cfg):\n        loss = model(batch).loss\n        loss.backward()\n        opt.step()\n        opt.zero_grad()\n"
)
CONFIG = "model: acme\nlr: 0.0003\nbatch_size: 512\nwarmup_steps: 2000\nmax_steps: 100000\nweight_decay: 0.1\n"
FINETUNE_PY = (
    "from transformers import Trainer, TrainingArguments, AutoModelForCausalLM\n"
    "model = AutoModelForCausalLM.from_pretrained('acme/Acme-7B')\n"
    "args = TrainingArguments(output_dir='out', learning_rate=2e-5)\nTrainer(model=model, args=args).train()\n"
)


def code_repo(**files: str) -> dict[str, str]:
    return {"README.md": "# acme-train\n\nThe code used to train Acme-7B.\n", **files}


@settings(max_examples=25, deadline=None)
@given(script=st.sampled_from(["train.py", "pretrain.py", "scripts/train.py"]),
       config=st.sampled_from(["configs/acme-7b.yaml", "configs/pretrain/acme_7b.yaml", "config/train_acme-7b.yaml"]))
def test_training_code_with_this_models_config_is_full(script: str, config: str) -> None:
    r = assess(ID, INTRO, META, code=code_repo(**{script: TRAIN_PY, config: CONFIG}))
    assert r.points == 2, (script, config, r.rationale)
    assert script in "\n".join(e.path or "" for e in r.evidence)


def test_training_code_without_config_is_partial() -> None:
    r = assess(ID, INTRO, META, code=code_repo(**{"train.py": TRAIN_PY}))
    assert r.points == 1, r.rationale


def test_configs_for_other_models_only_are_partial() -> None:
    r = assess(ID, INTRO, META, code=code_repo(**{"train.py": TRAIN_PY, "configs/othermodel-70b.yaml": CONFIG}))
    assert r.points == 1, r.rationale


def test_finetuning_code_alone_for_a_base_model_is_partial() -> None:
    r = assess(ID, INTRO, META, code=code_repo(**{"finetune.py": FINETUNE_PY}))
    assert r.points == 1, r.rationale


@settings(max_examples=25, deadline=None)
@given(form=st.sampled_from([
    "The training code is available at {u}.",
    "Training code: {u}",
    "The full training script is available at {u}.",
]), url=st.sampled_from(["https://github.com/acme/acme-train", "https://github.com/Acme-AI/pretraining"]))
def test_a_repository_named_as_the_training_code_is_full(form: str, url: str) -> None:
    text = form.format(u=url)
    r = assess(ID, INTRO + "## Training\n\n" + text + "\n", META)
    assert r.points == 2, (text, r.rationale)
    assert url in quotes(r) or url in r.rationale


@settings(max_examples=25, deadline=None)
@given(text=st.sampled_from([
    "Built with Axolotl.",
    "The model was trained using t5x.",
    "We trained the model with Megatron-LM.",
]))
def test_a_framework_named_as_used_is_partial(text: str) -> None:
    r = assess(ID, INTRO + "## Training\n\n" + text + "\n", META)
    assert r.points == 1, (text, r.rationale)


@settings(max_examples=25, deadline=None)
@given(hp=st.permutations(["learning_rate: 2e-05", "train_batch_size: 8", "num_epochs: 3", "seed: 42", "optimizer: AdamW"]).map(lambda p: p[:3]),
       label=st.sampled_from(["Repository", "Code repository", "GitHub", "Source code"]))
def test_a_fine_tune_naming_its_source_repository_with_hyperparameters_is_full(hp: list[str], label: str) -> None:
    """The Hub's auto-generated fine-tune card: `Repository:` and a hyper-parameter list."""
    body = (
        "# Acme-7B-chat\n\nThis model is a fine-tuned version of acme/Acme-7B.\n\n"
        f"- **{label}:** https://github.com/acme/chat-tuning\n\n## Training hyperparameters\n\n"
        + "".join(f"- {h}\n" for h in hp)
    )
    r = assess(ID, body, {"license": "mit", "base_model": "acme/Acme-7B"})
    assert r.points == 2, (hp, label, r.rationale)


def test_a_fine_tune_with_hyperparameters_but_no_repository_is_partial() -> None:
    body = ("# Acme-7B-chat\n\nThis model is a fine-tuned version of acme/Acme-7B.\n\n## Training hyperparameters\n\n"
            "- learning_rate: 2e-05\n- train_batch_size: 8\n- num_epochs: 3\n")
    assert assess(ID, body, {"license": "mit", "base_model": "acme/Acme-7B"}).points == 1


def test_the_base_model_can_be_fine_tuned_is_not_training_code() -> None:
    r = assess(ID, INTRO + "The base model can be fine-tuned on your data.\n", META)
    assert r.points == 0, r.rationale


def test_an_inference_only_repository_is_unmet() -> None:
    infer = "from transformers import pipeline\nprint(pipeline('text-generation', model='acme/Acme-7B')('hi'))\n"
    r = assess(ID, INTRO, META, code=code_repo(**{"inference.py": infer}))
    assert r.points == 0, r.rationale


def test_nothing_is_unmet() -> None:
    assert assess(ID, INTRO + "It is good.\n", META).points == 0
