"""End-to-end scans of real fixture folders: every point must come with its evidence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import truecard
from support.files import ROOT, require_corpus, write, write_safetensors
from truecard.evidence.claims import ClaimsError
from truecard.models import Origin, Status
from truecard.spec import load_spec

CRITERION_IDS = load_spec().criterion_ids


def points(card: truecard.Scorecard) -> dict[str, int]:
    return {c.id: c.points for c in card.criteria}


def test_fully_open_model_is_platinum(open_model: Path) -> None:
    card = truecard.scan(open_model)
    got = points(card)
    assert card.total >= 28, got
    assert card.tier == "Platinum"
    # A plain scan never executes, so the Executable dimension tops out at 1 + 1.
    assert got["executable.inference"] == 1
    assert got["executable.finetuning"] == 1
    assert sum(got.values()) == card.total == card.total_detected
    assert [c.id for c in card.criteria] == list(CRITERION_IDS)


def test_every_point_cites_evidence(open_model: Path) -> None:
    card = truecard.scan(open_model)
    for c in card.criteria:
        if c.points > 0:
            assert c.evidence, c.id
            for e in c.evidence:
                assert e.path or e.url or e.field, (c.id, e)
                if e.path and e.origin == Origin.DETECTED and not e.path.endswith("/"):
                    assert e.sha256 and len(e.sha256) == 64, (c.id, e)
                assert e.excerpt is None or len(e.excerpt) <= 200


def test_hashes_are_the_files_sha256(open_model: Path) -> None:
    import hashlib

    card = truecard.scan(open_model)
    lic = card.criterion("transparent.license")
    cited = [e for e in lic.evidence if e.path == "LICENSE"]
    assert cited, lic.evidence
    assert cited[0].sha256 == hashlib.sha256((open_model / "LICENSE").read_bytes()).hexdigest()


def test_weights_only_restricted_licence_is_bronze(tmp_path: Path) -> None:
    require_corpus()
    from support.files import corpus_dir

    d = tmp_path / "llama-like"
    write_safetensors(d / "model-00001-of-00002.safetensors")
    write_safetensors(d / "model-00002-of-00002.safetensors", n_layers=1)
    write(
        d / "model.safetensors.index.json",
        json.dumps(
            {
                "metadata": {"total_size": 1234},
                "weight_map": {
                    "a": "model-00001-of-00002.safetensors",
                    "b": "model-00002-of-00002.safetensors",
                },
            }
        ),
    )
    write(d / "README.md", "---\nlicense: llama2\n---\n# Llama-like\n\nWeights only.\n")
    (d / "LICENSE.txt").write_text((corpus_dir() / "licenses" / "llama-2-community.txt").read_text())
    card = truecard.scan(d)
    lic = card.criterion("transparent.license")
    assert lic.points == 0 and lic.status == Status.UNMET
    assert "restricted" in lic.rationale
    assert card.criterion("transparent.weights").points == 2
    assert card.tier == "Bronze", points(card)


def test_prose_claims_earn_partial_credit_with_quotes(tmp_path: Path) -> None:
    d = tmp_path / "prose"
    write(
        d / "README.md",
        """\
# prose-model

A large language model for chat. It is a transformer decoder.

## Training

The model was trained on GPUs for several weeks on web text and publicly available data,
about 2T tokens. We plan to share intermediate checkpoints in the future.
""",
    )
    card = truecard.scan(d)
    got = {c.id: c for c in card.criteria}
    assert got["reproducible.hardware"].points == 0  # "GPUs" alone is neither type nor count
    assert got["reproducible.cost"].points == 1
    assert "several weeks" in got["reproducible.cost"].evidence[0].excerpt
    assert got["transparent.datasets"].points == 1
    assert got["transparent.datasets"].evidence[0].line_start == 7
    assert got["reproducible.checkpoints"].points == 1
    assert got["understandable.architecture"].points == 1
    assert got["understandable.architecture"].status == Status.PARTIAL
    for c in card.criteria:
        if c.status == Status.PARTIAL:
            assert any(e.excerpt for e in c.evidence), c.id


def test_hardware_type_and_count(tmp_path: Path) -> None:
    d = tmp_path / "hw"
    write(d / "README.md", "# m\n\nWe trained the model on 128 H100 GPUs.\n")
    assert truecard.scan(d).criterion("reproducible.hardware").points == 2
    write(d / "README.md", "# m\n\nThe model was trained on A100 GPUs.\n")
    assert truecard.scan(d).criterion("reproducible.hardware").points == 1
    write(d / "README.md", "# m\n\nThis model runs on a single T4 for inference.\n")
    assert truecard.scan(d).criterion("reproducible.hardware").points == 0


def test_token_count_is_not_a_cost(tmp_path: Path) -> None:
    d = tmp_path / "tok"
    write(d / "README.md", "# m\n\nThe model was pre-trained on 2 trillion tokens.\n")
    c = truecard.scan(d).criterion("reproducible.cost")
    assert c.points == 0 and c.status == Status.UNMET and "token" in c.rationale


def test_unfilled_template_earns_nothing(tmp_path: Path) -> None:
    d = tmp_path / "tpl"
    write(
        d / "README.md",
        """---
license: mit
---
# Model Card for Model ID

<!-- Provide a quick summary of what the model is/does. -->

## Model Details

### Model Description

[More Information Needed]

## Uses

[More Information Needed]

## Training Details

### Training Data

[More Information Needed]

### Hardware

[More Information Needed]
""",
    )
    card = truecard.scan(d)
    assert card.criterion("understandable.model_card").points == 0
    assert card.criterion("transparent.datasets").points == 0
    assert card.criterion("reproducible.hardware").points == 0


def test_empty_folder_is_unknown_not_unmet(tmp_path: Path) -> None:
    card = truecard.scan(tmp_path)
    assert card.total == 0 and card.tier == "Bronze"
    assert all(c.status == Status.UNKNOWN for c in card.criteria)
    assert any("empty" in p.message for p in card.problems)


def test_claims_are_marked_and_never_detected(open_model: Path, tmp_path: Path) -> None:
    (open_model / "README.md").write_text("---\nlicense: apache-2.0\n---\n# m\n\nA model.\n")
    before = truecard.scan(open_model)
    assert before.criterion("reproducible.replication").points == 0
    claims = write(
        tmp_path / "claims.yaml",
        """\
claims:
  - criterion: reproducible.replication
    points: 2
    evidence_url: https://example.org/repro
    note: reproduced by Example Lab
""",
    )
    after = truecard.scan(open_model, claims=claims)
    rep = after.criterion("reproducible.replication")
    assert rep.points == 2 and rep.detected_points == 0 and rep.basis == Origin.CLAIMED
    assert [e.origin for e in rep.evidence] == [Origin.CLAIMED]
    assert after.total == before.total + 2 and after.total_detected == before.total
    assert after.claims_used
    ignored = truecard.scan(open_model, claims=claims, use_claims=False)
    assert ignored.total == before.total and not ignored.claims_used


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("claims: [{criterion: nope.nope}]", "unknown criterion"),
        ("claims: [{criterion: reproducible.replication, points: 5}]", "points"),
        (
            "claims: [{criterion: reproducible.replication, evidence_url: 'javascript:alert(1)'}]",
            "evidence_url",
        ),
        ("claims: {{{", "not valid YAML"),
        ("- 1\n- 2\n", "claims"),
    ],
)
def test_malformed_claims_are_a_clear_error(tmp_path: Path, text: str, fragment: str) -> None:
    d = tmp_path / "m"
    write(d / "README.md", "# m\n")
    write(d / "truecard.yaml", text)
    with pytest.raises(ClaimsError) as exc:
        truecard.scan(d)
    assert fragment in str(exc.value)
    assert "truecard.yaml" in str(exc.value)


def test_gguf_weights(tmp_path: Path) -> None:
    import gguf
    import numpy as np

    d = tmp_path / "gguf"
    d.mkdir()
    w = gguf.GGUFWriter(str(d / "model.gguf"), "llama")
    w.add_name("tiny")
    w.add_license("apache-2.0")
    w.add_block_count(1)
    w.add_tensor("tok_embd.weight", np.ones((4, 8), dtype=np.float32))
    w.add_tensor("blk.0.attn_q.weight", np.ones((8, 8), dtype=np.float32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    card = truecard.scan(d)
    weights = card.criterion("transparent.weights")
    assert weights.points == 2
    assert "96 parameters" in weights.rationale and "gguf" in weights.rationale
    arch = card.criterion("understandable.architecture")
    assert arch.points == 2 and "llama" in arch.rationale
    lic = card.criterion("transparent.license")
    assert lic.points == 2 and lic.evidence[0].field == "gguf:general.license"


def test_pickle_weights_are_flagged_never_loaded(tmp_path: Path) -> None:
    import pickle

    marker = tmp_path / "pwned"

    class Evil:
        def __reduce__(self):  # type: ignore[no-untyped-def]
            return (open, (str(marker), "w"))

    d = tmp_path / "pkl"
    d.mkdir()
    (d / "pytorch_model.bin").write_bytes(pickle.dumps(Evil()))
    card = truecard.scan(d)
    assert not marker.exists()
    w = card.criterion("transparent.weights")
    assert w.points == 2 and "pickle" in w.rationale


def test_example_scores(tmp_path: Path) -> None:
    card = truecard.scan(ROOT / "examples" / "tiny-open-model")
    assert card.total == 28 and card.tier == "Platinum"
    assert card.total_detected == 27 and card.claims_used
    assert card.criterion("reproducible.replication").basis == Origin.CLAIMED


def test_snapshot_and_code_clone_side_by_side(open_model: Path, tmp_path: Path) -> None:
    """A Hub snapshot (weights + card) beside a git clone of the training code, in one folder."""
    import shutil

    both = tmp_path / "both"
    snap = both / "snapshot"
    code = both / "code"
    snap.mkdir(parents=True)
    for name in ("README.md", "LICENSE", "model.safetensors", "config.json", "tokenizer.json"):
        shutil.copy(open_model / name, snap / name)
    shutil.copytree(open_model, code, ignore=shutil.ignore_patterns("model.safetensors", "README.md"))
    write(code / "README.md", "# training code\n\nThe code that trains open-model.\n")
    card = truecard.scan(both)
    assert card.criterion("understandable.model_card").points == 2  # the snapshot's card
    assert card.criterion("transparent.training_code").points == 2  # from the clone
    assert card.criterion("transparent.weights").points == 2
    assert card.total >= 28
