"""reproducible.replication: a third-party reproduction is 2, an invitation or instructions to
reproduce are 1; a seed set "for reproducibility" or reproducing someone else's results is 0."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from support.cardfactory import assess, quotes

ID = "reproducible.replication"
META = {"license": "apache-2.0"}


def points(text: str) -> int:
    return assess(ID, f"# Model\n\nA language model.\n\n## Notes\n\n{text}\n", META).points


REPRODUCTIONS = [
    "Our results were independently reproduced by the Allen Institute.",
    "The results were replicated by EleutherAI (https://example.org/report).",
    "An independent replication of the training is available.",
    "A reproduction study by Smith et al. confirmed the numbers.",
    "Third-party verification of the benchmark results was done by an external lab.",
    "This model is a reproduction of the original GPT-2 training.",
]


def test_third_party_reproductions_are_full() -> None:
    for text in REPRODUCTIONS:
        r = assess(ID, f"# Model\n\nA model.\n\n{text}\n", META)
        assert r.points == 2, (text, r.rationale)
        assert text[:30] in quotes(r)


@settings(max_examples=25, deadline=None)
@given(verb=st.sampled_from(["reproduced", "replicated", "verified"]),
       who=st.sampled_from(["EleutherAI", "Stanford CRFM", "HuggingFace", "@lab"]),
       adverb=st.sampled_from(["", "independently "]),
       subject=st.sampled_from(["Our results were", "The benchmark numbers have been", "These findings were"]))
def test_reproduced_by_variants(verb: str, who: str, adverb: str, subject: str) -> None:
    assert points(f"{subject} {verb} {adverb}by {who}.") == 2


INVITES = [
    "To reproduce our results, run `bash train.sh`.",
    "Reproduction instructions are in REPRODUCE.md.",
    "We provide reproducible training recipes for every model.",
    "See the scripts for replicating the experiments.",
    "Follow these steps to reproduce the training.",
]


def test_invitations_are_partial() -> None:
    for text in INVITES:
        assert points(text) in (1, 2), text
    assert points("To reproduce our results, run `bash train.sh`.") == 1
    assert points("Reproduction instructions are in REPRODUCE.md.") == 1


@settings(max_examples=25, deadline=None)
@given(what=st.sampled_from(["set a seed", "set the random seed", "fix the seeds", "use deterministic=True", "pass seed=42"]),
       lead=st.sampled_from(["", "Please ", "We recommend you "]),
       tail=st.sampled_from(["for reproducibility", "for reproducible results", "to get reproducible outputs"]))
def test_a_seed_for_reproducibility_is_nothing(what: str, lead: str, tail: str) -> None:
    text = f"{lead}{what} {tail}."
    text = text[0].upper() + text[1:]
    assert points(text) == 0, text


@settings(max_examples=25, deadline=None)
@given(verb=st.sampled_from(["verified", "reproduced", "replicated"]), what=st.sampled_from(["the benchmark numbers", "our results"]))
def test_the_team_verifying_its_own_results_is_not_a_third_party(verb: str, what: str) -> None:
    assert points(f"We independently {verb} {what}.") == 0


def test_reproducing_someone_elses_results_is_nothing() -> None:
    assert points("This is an attempt to reproduce OpenAI's CLIP results.") == 0


def test_nothing_said_is_unmet() -> None:
    assert points("The model was trained with AdamW.") == 0
