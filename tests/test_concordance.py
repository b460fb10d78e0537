"""Concordances and frequencies (:mod:`valduchesse.concordance`) checked on tiny hand-made corpora and the real
texts."""

import numpy as np
import pytest
import pandas as pd

from valduchesse.concordance import (
    concordance, count_runs, find, frequencies, query_terms, run_index, top_term_contexts,
)
from valduchesse.preprocessor import Preprocessor
from valduchesse.corpus import load_corpus
from valduchesse.keyness import keyness_by_group
from valduchesse.segment import paragraphs
from valduchesse.terms import term_matrix

from conftest import TEXTS
from test_terms import TINY


def test_concordance_returns_the_exact_surrounding_words():
    table = concordance(TINY, "port", window=3)
    assert list(table["doc_id"]) == ["a", "a", "a", "c"]
    assert table.iloc[0][["left", "match", "right"]].tolist() == ["arrive through the", "ports", "Drugs and ports"]
    assert table.iloc[1][["left", "match", "right"]].tolist() == ["ports Drugs and", "ports", "ports again"]


def test_concordance_of_a_multi_word_query_with_lemmas_keeps_the_words_as_written():
    table = concordance(TINY, "cyber securities", window=2)
    assert table[["doc_id", "left", "match", "right"]].values.tolist() == [
        ["b", "the networks", "Cyber security", "agencies cooperate"],
        ["c", "Ports and", "cyber security", "the agencies"],
    ]


def test_concordance_on_real_paragraphs_keeps_sections_numbers_and_elisions():
    documents = load_corpus(TEXTS)
    french = paragraphs(documents[documents["language"] == "fr"])
    table = concordance(french, "musée", window=4)
    assert table.iloc[0][["left", "match", "right"]].tolist() == [
        "de l’attentat contre le", "musée", "juif de Bruxelles en"]
    assert table.iloc[0]["section_no"] == 0
    dutch = paragraphs(documents[documents["doc_id"] == "2021-11-22_nl_sophiewilmes-be"])
    hits = concordance(dutch, "drugshandel")
    assert hits[["section_no", "match"]].values.tolist() == [[2, "drugshandel"]]


def test_concordance_says_which_matches_were_removed_as_furniture():
    text = pd.DataFrame({"doc_id": ["x"], "language": ["fr"],
                         "text": ["Paris\nLundi 11 juin 2018\nLe procès des attentats de Paris s'est ouvert."]})
    table = concordance(text, "Paris")
    assert table[["match", "removed"]].values.tolist() == [["Paris", "furniture"], ["Paris", ""]]


def test_frequencies_per_thousand_tokens():
    table = frequencies(TINY, {"ports": ["port"], "cyber": ["cyber security"]})
    a = table[(table["doc_id"] == "a") & (table["group"] == "ports")].iloc[0]
    assert (a["matches"], a["tokens"]) == (3, 10)
    assert a["per_1000"] == 300.0
    c = table[(table["doc_id"] == "c") & (table["group"] == "cyber")].iloc[0]
    assert (c["matches"], c["tokens"]) == (1, 9)


def test_count_runs_finds_what_find_finds():
    rng = np.random.default_rng(0)
    terms = list(rng.choice(["a", "b", "c"], size=300))
    runs = {"x": [["a"], ["a", "b"]], "y": [["b", "c", "a"]], "z": [["d"]]}
    counts = count_runs(terms, run_index(runs), runs)
    assert counts == {label: sum(len(find(terms, run)) for run in label_runs) for label, label_runs in runs.items()}


def test_top_term_contexts_show_where_each_top_term_comes_from():
    table = top_term_contexts(keyness_by_group(term_matrix(TINY), n=1), TINY, window=2)
    a = table[table["group"] == "a"]
    assert list(a["term"].unique()) == ["port"] and len(a) == 3
    assert a.iloc[0][["left", "match", "right"]].tolist() == ["through the", "ports", "Drugs and"]


@pytest.mark.parametrize("query", ["", "123", " -- "])
def test_a_query_without_a_word_says_to_type_a_word_with_letters(query):
    with pytest.raises(ValueError, match=f"the query {query!r} holds no word.*Fix: type a word with letters"):
        query_terms(query, Preprocessor("fr"))
