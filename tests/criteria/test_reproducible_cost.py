"""reproducible.cost: accelerator-hours, FLOPs, energy, money or wall-clock time are a cost; a
vague phrase, training dates or CO2 alone are 1; a token count or a price list is not a cost."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from support.cardfactory import assess, quotes
from truecard.models import CriterionResult

ID = "reproducible.cost"
META = {"license": "apache-2.0"}


def card(text: str, title: str = "Training") -> str:
    return f"# Model\n\nA language model.\n\n## {title}\n\n{text}\n"


def result(text: str, title: str = "Training", meta: dict | None = None) -> CriterionResult:
    return assess(ID, card(text, title), meta or META)


FULL = [
    "The model was trained on 8xA100 80GB for 15 hours.",
    "The model was trained for 90 days using 16 A100-40G GPUs.",
    "Training took 184,320 GPU hours on H100s.",
    "Pre-training used 3.8e23 FLOPs in total.",
    "Training consumed 1,200 MWh of electricity.",
    "The training run cost $450,000 in cloud compute.",
    "Hours used: 2,400",
]


def test_disclosed_costs_are_full() -> None:
    for text in FULL:
        r = result(text)
        assert r.points == 2, (text, r.rationale)


@settings(max_examples=25, deadline=None)
@given(n=st.integers(min_value=1, max_value=100_000), unit=st.sampled_from(["hours", "days", "weeks", "GPU hours", "GPU-hours", "TPU-days"]),
       comma=st.booleans(), verb=st.sampled_from(["Training took {v}.", "The model was trained for {v}.", "Pre-training lasted {v}.", "It was trained for {v} on our cluster."]))
def test_time_and_accelerator_hour_variants(n: int, unit: str, comma: bool, verb: str) -> None:
    num = f"{n:,}" if comma else str(n)
    text = verb.format(v=f"{num} {unit}")
    r = result(text)
    assert r.points == 2, (text, r.rationale)
    assert num in quotes(r)


@settings(max_examples=25, deadline=None)
@given(n=st.integers(min_value=1, max_value=9999), unit=st.sampled_from(["kWh", "MWh", "GWh"]), kind=st.sampled_from(["energy", "money", "flops"]))
def test_energy_money_flops_variants(n: int, unit: str, kind: str) -> None:
    text = {
        "energy": f"Training the model used {n} {unit} of energy.",
        "money": f"The compute for training cost ${n},000.",
        "flops": f"Training required {n}e21 FLOPs.",
    }[kind]
    assert result(text).points == 2, text


@settings(max_examples=25, deadline=None)
@given(n=st.sampled_from(["1.2M", "3.3M", "850K", "184,320", "2.5 million"]),
       form=st.sampled_from(["GPU hours: {n}", "Training used {n} GPU hours.", "The model took {n} H100-hours to train.",
                             "| Hours used | {n} |", "Pre-training took {n} A100-hours."]))
def test_accelerator_hours_as_cards_write_them(n: str, form: str) -> None:
    """A quantity like "1.2M" beside hours is not a sibling model's size (the card is a 7B)."""
    text = form.format(n=n)
    r = assess(ID, "# Acme-7B\n\nAcme-7B is a 7B model.\n\n## Training\n\n" + text + "\n", META)
    assert r.points == 2, (text, r.rationale)


def test_quote_is_the_cost_sentence() -> None:
    r = result("We use a cosine schedule. Training took 21 days on our cluster. The loss went down.")
    assert r.points == 2
    assert "21 days" in quotes(r)
    assert "cosine" not in quotes(r)


def test_vague_time_is_partial() -> None:
    for text in ("The model was trained for several weeks.", "Training took a few days."):
        assert result(text).points == 1, text


def test_training_dates_are_partial() -> None:
    for text in (
        "The model was trained between December 2023 and May 2024.",
        "It was pre-trained in 2023.",
    ):
        r = result(text)
        assert r.points == 1, (text, r.rationale)


def test_emissions_alone_are_partial() -> None:
    r = result("Training emitted 25 tCO2 of carbon.", "Environmental impact")
    assert r.points == 1, r.rationale


@settings(max_examples=25, deadline=None)
@given(n=st.integers(min_value=1, max_value=20), unit=st.sampled_from(["B", "T", " billion", " trillion"]))
def test_a_token_count_is_not_a_cost(n: int, unit: str) -> None:
    r = result(f"The model was trained on {n}{unit} tokens.")
    assert r.points == 0, r.rationale


def test_a_step_count_is_not_a_cost() -> None:
    assert result("The model was trained for 500k steps with batch size 1024.").points == 0


def test_a_price_list_is_not_a_training_cost() -> None:
    for title, text in (
        ("Pricing", "| Tier | Price |\n|---|---|\n| Input | $0.50 per 1M tokens |\n| Output | $1.50 per 1M tokens |"),
        ("Pricing", "Input cost: $0.50 per million tokens; output cost: $1.50 per million tokens."),
        ("API", "Using the hosted API costs $0.002 per 1K tokens."),
    ):
        r = result(text, title)
        assert r.points == 0, (text, r.rationale)


def test_inference_speed_is_not_a_cost() -> None:
    assert result("Generation takes 2 seconds per image on one A100.", "Inference").points == 0


def test_sibling_figures_earn_one() -> None:
    meta = {"license": "apache-2.0", "model_name": "Foo-1.3B"}
    body = "# Foo-1.3B\n\nFoo-1.3B is a 1.3B language model.\n\n## Training\n\nThe 175B model took 34 days to train.\n"
    r = assess(ID, body, meta)
    assert r.points == 1, r.rationale


def test_nothing_said_is_unmet() -> None:
    assert result("The model uses rotary embeddings.").points == 0
