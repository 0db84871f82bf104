"""The 400 real model cards of the shared corpus: each scans cleanly, and a spread of them
scores exactly what a careful reader of the card would give.

Each card is scanned as a folder holding it as README.md, so only the card is evidence:
no weight files, no code. Nothing runs, so Executable criteria are at most 1 (weights
available and instructions shared, not executed).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import truecard
from support.files import require_corpus
from truecard.spec import load_spec

CRITERION_IDS = load_spec().criterion_ids


def scan_card(tmp_path: Path, name: str) -> truecard.Scorecard:
    src = require_corpus() / "cards" / f"{name}.md"
    d = tmp_path / name
    d.mkdir()
    shutil.copy(src, d / "README.md")
    return truecard.scan(d)


def test_every_corpus_card_scans(tmp_path: Path) -> None:
    cards = sorted((require_corpus() / "cards").glob("*.md"))
    assert len(cards) == 400
    tiers: dict[str, int] = {}
    for src in cards:
        d = tmp_path / src.stem
        d.mkdir()
        shutil.copy(src, d / "README.md")
        card = truecard.scan(d)
        assert [c.id for c in card.criteria] == list(CRITERION_IDS)
        # nothing runs, so each Executable criterion is at most 1 (28 in all)
        assert card.total == sum(c.points for c in card.criteria) <= 28
        assert all(c.points <= 1 for c in card.criteria if c.id.startswith("executable."))
        for c in card.criteria:
            assert c.points == 0 or c.evidence, (src.name, c.id)
        tiers[card.tier] = tiers.get(card.tier, 0) + 1
    # card-only evidence: mostly Bronze and Silver; only the fullest cards (licence, weights,
    # usage, training code and data all linked) reach Gold, and nothing Platinum
    assert set(tiers) <= {"Bronze", "Silver", "Gold"} and tiers["Silver"] > 50
    assert tiers.get("Gold", 0) <= 5, tiers


# Order of the points string: the 15 criteria in specification order:
# licence, weights, inference code, training code, datasets | hardware, pipeline,
# checkpoints, cost, replication | model card, architecture, data provenance | inference,
# fine-tuning.
EXPECTED: dict[str, tuple[str, str]] = {
    "facebook_opt-1.3b": (
        "02202 10010 221 11",
        "licence 'other' without a name: unknown (0); pipeline() usage names facebook/opt-1.3b "
        "(weights 2, inference 2); datasets named (CommonCrawl, The Pile, ...); '992 80GB A100 "
        "GPUs' is type and count; '~33 days of continuous training' is a time; paper linked; "
        "source and curation documented, data licence not; "
        "992 A100s and ~33 days are the 175B sibling's figures (1 each)",
    ),
    "codellama_CodeLlama-7b-Python-hf": (
        "02201 10020 120 10",
        "llama2 licence is use-restricted (0); no usage code; data only 'a collection of' (1); "
        "'400K GPU hours ... A100-80GB' gives cost (2) and a type without count (1); "
        "'This repository contains the Python version of the 7B model' shows the weights (2); 'install transformers' names the library (2); "
        "card alone: no code that runs the model (model card 1); 'the same data as Llama 2' names no source (provenance 0)",
    ),
    "TheBloke_Llama-2-7B-GPTQ": (
        "02201 11020 221 11",
        "llama2 licence (0) even though the GPTQ files are re-uploads; usage code; Llama 2's "
        "'2 trillion tokens of data from publicly available sources' is vague (1); the GPTQ "
        "calibration dataset link is not training data; "
        "'global batch-size of 4M tokens': hyper-parameters only in the card (pipeline 1)",
    ),
    "google_mt5-base": (
        "22002 00000 121 00",
        "apache-2.0 clearly stated (2); mC4 named (2); no usage section or code (card 1); "
        "'model checkpoints used in this work are publicly available' shows the weights (2)",
    ),
    "openai_whisper-medium": (
        "22211 00000 221 11",
        "apache-2.0; from_pretrained usage; '680,000 hours of audio ... collected from the "
        "internet' is a vague data description (1) and not a training time; "
        "a linked fine-tuning guide is fine-tuning code only (training 1)",
    ),
    "stabilityai_stable-diffusion-x4-upscaler": (
        "02202 21020 221 10",
        "openrail++ is use-restricted (0); LAION-2B named; '32 x 8 x A100 GPUs' (2); only the "
        "CO2 emitted, not the compute (cost 1); "
        "'Hours used: 200000' is accelerator-hours (cost 2); "
        "optimizer and batch listed in the card only (pipeline 1)",
    ),
    "distil-whisper_distil-large-v2": (
        "22222 11201 222 11",
        "MIT; no from_pretrained of its own weights in prose we can credit (weights 0); "
        "'provided [training code](github...)' (2); TensorBoard logs linked (2); 'code to "
        "reproduce' is an invitation, not a third-party replication (1); "
        "model_id = 'distil-whisper/distil-large-v2' later loaded shows the weights (2); 'Cloud TPU v4s' in the acknowledgements is a type without a count (1); "
        "steps and epochs in prose (pipeline 1); the data table gives source and licence per dataset, pseudo-labelling the curation (provenance 2)",
    ),
    "bertin-project_bertin-roberta-base-spanish": (
        "12102 21001 121 10",
        "CC-BY-4.0 weights are open but not OSI (1); mC4 subsets named; TPU pod disclosed; "
        "hyper-parameters only in prose (pipeline 1); '250k steps' is not a cost; "
        "'for reproducibility purposes' is an invitation (1); "
        "Flax named in passing (inference 1); "
        "no code that runs the model (model card 1)",
    ),
    "microsoft_Phi-3-mini-4k-instruct-gguf": (
        "22201 20020 221 10",
        "MIT; usage code; 'synthetic data' only (1); 'Training time: 7 days' (2); architecture "
        "only named (1); "
        "'GPUs: 512 H100-80G' is type and count (2); "
        "'3.8B parameters and is a dense decoder-only Transformer' (architecture 2)",
    ),
    "nomic-ai_gpt4all-j": (
        "22212 21020 121 11",
        "apache-2.0; from_pretrained; dataset id in metadata; '8 A100 80GB GPUs for ~12 hours' "
        "gives hardware and time; hyper-parameters in the card only (pipeline 1); "
        "'Using Deepspeed + Accelerate' names the training framework (training 1); "
        "loading code only (model card 1)",
    ),
    "apple_OpenELM-270M": (
        "02112 00200 221 11",
        "Apple sample code licence is custom (0); RefinedWeb and RedPajama named; 'we release "
        "... training logs' is a plain statement (2); "
        "'--model apple/OpenELM-270M' shows the weights (2); generate_openelm.py is not shared (inference 1); CoreNet named as the pre-training library (1)",
    ),
    "state-spaces_mamba-2.8b": (
        "22000 00000 000 00",
        "the card is front matter only: apache-2.0 (2), everything else unknown or unmet; "
        "a Hub card (front matter) is the README of the repository holding the weights (2)",
    ),
    "sentence-transformers_all-MiniLM-L12-v1": (
        "22222 21000 221 11",
        "apache-2.0; SentenceTransformer usage; datasets linked; 'a TPU v3-8' is a type with "
        "its core count (2); hyper-parameters in prose (1); "
        "'The full training script is accessible in this current repository' (training 2)",
    ),
    "Falconsai_nsfw_image_detection": (
        "22202 01000 221 10",
        "apache-2.0; pipeline() usage; ImageNet-21k named for pre-training; "
        "'a learning rate of 5e-5' in the card only (pipeline 1)",
    ),
    "unsloth_gemma-2-9b-it-bnb-4bit": (
        "02200 00000 110 10",
        "Gemma terms are use-restricted (0); the card is an Unsloth advertisement: no usage "
        "section (1), architecture only named (1); "
        "Hub card (weights 2); 'use the dev version Transformers' names the library (2)",
    ),
    "utter-project_EuroLLM-1.7B-Instruct": (
        "22201 21000 221 10",
        "apache-2.0; 'Web data' only (1); '256 Nvidia H100 GPUs of the Marenostrum 5 "
        "supercomputer' (2); layer specifics in the card (2); "
        "indented usage code loads and runs utter-project/EuroLLM-1.7B-Instruct (weights 2, inference 2); "
        "hyper-parameters in the card only (pipeline 1); 'trained on 4 trillion tokens divided across the languages' describes the source (provenance 1)",
    ),
    "laion_CLIP-ViT-B-16-laion2B-s34B-b88K": (
        "22112 10000 121 11",
        "MIT; LAION-2B named; OpenCLIP linked but not as this model's training code; "
        "Hub card (weights 2); OpenCLIP named (inference 1, training framework 1); JUWELS Booster named without accelerators (1); "
        "no code that runs the model in the card alone (model card 1)",
    ),
    "1bitLLM_bitnet_b1_58-3B": (
        "22102 01002 121 10",
        "MIT; RedPajama named; 'a reproduction of the BitNet paper' is this model reproducing "
        "another, not a third-party replication of it (0); token count is not a cost; "
        "'--hf_path 1bitLLM/bitnet_b1_58-3B' shows the weights (2); eval_ppl.py is not shared (inference 1); "
        "'This is a reproduction of the BitNet b1.58 paper' (replication 2); hypers by reference (pipeline 1); a thin card (1)",
    ),
    "teknium_Replit-v2-CodeInstruct-3B": (
        "12112 21020 101 11",
        "CC-BY-SA-4.0 (1); '2x a100 80gb for 1 hour' gives hardware and time; no structure "
        "described (architecture 0); "
        "Hub card (weights 2; replit-code-v1-3b in the trainer arguments is the base); loading with trust_remote_code only (inference 1); trainer arguments (training 1); "
        "trainer arguments in the card (pipeline 1); loading code only (model card 1)",
    ),
    "navteca_ms-marco-MiniLM-L-6-v2": (
        "22020 00000 110 11",
        "MIT; 'The training code is available here' with a link (2); a V100 mentioned only for "
        "runtime measurement is not a training setup (0); "
        "Hub card (weights 2)",
    ),
    "mio_amadeus": (
        "12012 01000 121 11",
        "CC-BY-4.0 (1); dataset id in metadata; ESPnet recipe card without design text (1); "
        "Hub card (weights 2); the training config in the card (training 1)",
    ),
    "khanon_lora-training": (
        "21000 00000 100 00",
        "MIT; a LoRA collection page: links to its own README files are not weights (0); the "
        "negative-prompt dataset named in metadata is not named as training data; "
        "a collection of LoRAs: adapters only (weights 1)",
    ),
    "Xynon_models": (
        "02000 00000 100 00",
        "CreativeML OpenRAIL-M is use-restricted (0); a one-line card (1); "
        "'Where Xynon's experimental models live': a Hub repository of weights (2)",
    ),
    "miqudev_miqu-1-70b": (
        "00100 00000 110 00",
        "no licence at all (0); leaked weights hosted elsewhere, no data or training disclosure; "
        "llama.cpp named in passing (inference 1)",
    ),
    "baichuan-inc_Baichuan2-7B-Chat": (
        "02201 00200 221 10",
        "license_name baichuan2-community-license is use-restricted (0); from_pretrained usage; "
        "intermediate checkpoints linked (2); only a token count; "
        "'a high-quality corpus with 2.6 trillion tokens' is a broad description (1)",
    ),
    "playgroundai_playground-v2-1024px-aesthetic": (
        "02200 00200 210 10",
        "playground-v2-community licence is restricted (0); diffusers usage; 'we release "
        "intermediate checkpoints' with links (2)",
    ),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_expected_points(tmp_path: Path, name: str) -> None:
    expected, why = EXPECTED[name]
    digits = [int(ch) for ch in expected if ch.isdigit()]
    assert len(digits) == 15
    card = scan_card(tmp_path, name)
    got = {c.id: c.points for c in card.criteria}
    want = dict(zip(CRITERION_IDS, digits, strict=True))
    diff = {k: (got[k], want[k]) for k in CRITERION_IDS if got[k] != want[k]}
    assert not diff, f"{name}: (got, expected) {diff}; expected because: {why}"
