"""transparent.datasets: datasets named precisely enough to obtain (metadata ids, dataset
links, well-known corpora in training prose) are 2; vague descriptions are 1; nothing, or
"not disclosed", is 0. The quote is the sentence that names the data."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from support.cardfactory import assess, quotes

ID = "transparent.datasets"
META = {"license": "apache-2.0"}
INTRO = "# Llama-ish 7B\n\nLlama-ish is a collection of pretrained models.\n\n"


def card(text: str, title: str = "Training data") -> str:
    return f"{INTRO}## {title}\n\n{text}\n"


def test_metadata_dataset_ids_are_full() -> None:
    r = assess(ID, card("See the metadata."), {"license": "mit", "datasets": ["EleutherAI/pile", "allenai/c4"]})
    assert r.points == 2, r.rationale
    assert "EleutherAI/pile" in r.rationale


CORPORA = ["The Pile", "RedPajama", "C4", "the Pile", "SlimPajama", "RefinedWeb"]


@settings(max_examples=25, deadline=None)
@given(name=st.sampled_from(CORPORA), form=st.sampled_from([
    "The model was trained on {d}.",
    "We pre-trained it on {d} for one epoch.",
    "Training data: {d}.",
    "{d} was used to train the model.",
]), title=st.sampled_from(["Training data", "Training", "Dataset"]))
def test_well_known_corpora_in_training_prose(name: str, form: str, title: str) -> None:
    sentence = form.format(d=name)
    sentence = sentence[0].upper() + sentence[1:]
    r = assess(ID, card(sentence, title), META)
    assert r.points == 2, (sentence, r.rationale)
    assert sentence in quotes(r)


@settings(max_examples=25, deadline=None)
@given(org=st.sampled_from(["allenai", "HuggingFaceFW", "togethercomputer", "bigcode"]),
       name=st.sampled_from(["dolma", "fineweb-edu", "RedPajama-Data-1T", "the-stack-v2"]))
def test_hub_dataset_links_are_full(org: str, name: str) -> None:
    url = f"https://huggingface.co/datasets/{org}/{name}"
    r = assess(ID, card(f"The model was trained on [{name}]({url})."), META)
    assert r.points == 2, (url, r.rationale)


def test_quote_is_the_data_sentence_not_the_intro() -> None:
    body = card("It was pretrained on 2 trillion tokens of data from publicly available sources.")
    r = assess(ID, body, META)
    assert r.points == 1, r.rationale
    assert "publicly available sources" in quotes(r)
    assert "collection of pretrained models" not in quotes(r)


@settings(max_examples=25, deadline=None)
@given(n=st.integers(min_value=1, max_value=15), unit=st.sampled_from(["T", "B", " trillion", " billion"]),
       what=st.sampled_from(["a mix of publicly available data", "publicly available sources", "web text", "diverse web data"]))
def test_vague_descriptions_are_partial(n: int, unit: str, what: str) -> None:
    r = assess(ID, card(f"The model was trained on {n}{unit} tokens of {what}."), META)
    assert r.points == 1, (what, r.rationale)


def test_an_unreleased_named_corpus_is_partial() -> None:
    # "WebText" names OpenAI's unreleased corpus: nothing to obtain; OpenWebText is public
    assert assess(ID, card("The model was trained on WebText."), META).points == 1
    assert assess(ID, card("The model was trained on OpenWebText."), META).points == 2


def test_a_token_count_alone_is_a_broad_description() -> None:
    assert assess(ID, card("The model was pretrained on 3 trillion tokens."), META).points == 1


def test_a_large_amount_of_data_is_nothing() -> None:
    # both raters gave 0 to Qwen1.5's "pretrained on a large amount of data" (bench-dev)
    r = assess(ID, card("It is a decoder-only model pretrained on a large amount of data.", "Introduction"), META)
    assert r.points == 0, r.rationale


def test_not_disclosed_is_unmet() -> None:
    r = assess(ID, card("The training data will not be disclosed."), META)
    assert r.points == 0, r.rationale


def test_evaluation_sets_are_not_training_data() -> None:
    body = f"{INTRO}## Evaluation\n\nWe evaluate on C4 and The Pile validation sets.\n"
    assert assess(ID, body, META).points == 0


def test_a_user_fine_tuning_recipe_names_other_data() -> None:
    body = f"{INTRO}## Fine-tuning\n\nYou can fine-tune the model on your own data, e.g. RedPajama.\n"
    assert assess(ID, body, META).points == 0


def test_nothing_said_is_unmet() -> None:
    assert assess(ID, card("It uses rotary embeddings.", "Architecture"), META).points == 0
