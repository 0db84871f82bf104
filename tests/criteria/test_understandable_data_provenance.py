"""understandable.data_provenance: source, licensing and curation of the training data; each
aspect read from what is said of the data (not of the model); two of three is 1."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from support.cardfactory import assess, quotes

ID = "understandable.data_provenance"
META = {"license": "apache-2.0"}
INTRO = "# Acme-7B\n\nAcme-7B is an Apache-2.0 licensed language model.\n\n"

SOURCE = "The model was trained on The Pile and RedPajama."
LICENCE = "The datasets are released under the CC-BY-4.0 licence."
CURATION = "The data was deduplicated and filtered for quality and toxicity."


def card(*sentences: str, title: str = "Training data") -> str:
    return INTRO + f"## {title}\n\n" + " ".join(sentences) + "\n"


@settings(max_examples=25, deadline=None)
@given(order=st.permutations([SOURCE, LICENCE, CURATION]), title=st.sampled_from(["Training data", "Training Data", "Dataset", "Pre-training data"]))
def test_all_three_aspects_are_full_in_any_order(order: list[str], title: str) -> None:
    r = assess(ID, card(*order, title=title), META)
    assert r.points == 2, (order, r.rationale)
    cited = quotes(r)
    assert "Pile" in cited and "CC-BY" in cited and "deduplicated" in cited


@settings(max_examples=25, deadline=None)
@given(lic=st.sampled_from(["CC-BY-4.0", "ODC-By", "CC0", "Apache 2.0 license", "public domain"]),
       form=st.sampled_from(["The dataset is licensed under {l}.", "All training data is {l}.", "Each corpus carries the {l} terms of use."]))
def test_data_licence_phrasings(lic: str, form: str) -> None:
    r = assess(ID, card(SOURCE, form.format(l=lic), CURATION), META)
    assert r.points == 2, (form, lic, r.rationale)


@settings(max_examples=25, deadline=None)
@given(verb=st.sampled_from(["filtered", "deduplicated", "cleaned", "decontaminated", "annotated", "scraped", "pseudo-labelled"]))
def test_curation_verbs(verb: str) -> None:
    r = assess(ID, card(SOURCE, LICENCE, f"The training data was {verb} before use."), META)
    assert r.points == 2, (verb, r.rationale)


@settings(max_examples=25, deadline=None)
@given(src=st.sampled_from(["Common Crawl", "Wikipedia", "arXiv", "StackExchange"]), n=st.integers(min_value=1, max_value=15),
       unit=st.sampled_from(["T", "B"]))
def test_a_vague_amount_from_a_named_source_documents_the_source(src: str, n: int, unit: str) -> None:
    sent = f"We collected {n}{unit} tokens of web data from {src}, which we filtered for quality."
    r = assess(ID, card(sent), META)
    assert r.points == 1, r.rationale
    assert "source" in r.rationale.split(";")[0] and "curation" in r.rationale.split(";")[0], r.rationale


def test_a_family_collection_sentence_is_not_a_data_source() -> None:
    r = assess(ID, INTRO.replace("Apache-2.0 licensed language model", "collection of pretrained code models") + "## Data\n\nIt uses the same data as Llama 2.\n", META)
    assert r.points == 0, r.rationale


def test_two_aspects_are_partial_and_say_what_is_missing() -> None:
    r = assess(ID, card(SOURCE, CURATION), META)
    assert r.points == 1
    assert "licensing" in r.rationale


def test_the_models_licence_is_not_the_datas() -> None:
    # INTRO says the model is Apache-2.0 licensed: that documents nothing about the data
    r = assess(ID, card(SOURCE, CURATION), META)
    assert "Apache-2.0 licensed language model" not in quotes(r)
    assert r.points == 1


def test_deferring_to_the_datasets_licences_is_not_documenting_them() -> None:
    r = assess(ID, card(SOURCE, CURATION, "Please check the licenses of these datasets before use."), META)
    assert r.points == 1, r.rationale


def test_data_licence_file_counts() -> None:
    r = assess(ID, card(SOURCE, CURATION), META, files={"DATA_LICENSE": "Creative Commons Attribution 4.0 International\n"})
    assert r.points == 2, r.rationale


def test_another_models_data_is_nothing() -> None:
    r = assess(ID, card("It uses the same data as Llama 2."), META)
    assert r.points == 0, r.rationale


def test_nothing_said_is_unmet() -> None:
    assert assess(ID, card("It uses rotary embeddings.", title="Architecture"), META).points == 0
