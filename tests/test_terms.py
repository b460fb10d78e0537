"""The document-term matrix (:mod:`valduchesse.terms`) checked against independent computations on tiny
hand-made corpora."""

import numpy as np
import pandas as pd
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from valduchesse.preprocessor import Preprocessor
from valduchesse.terms import ngrams, similarity, term_matrix, term_presence, top_terms, top_terms_table

# Test data written for these tests, not official texts.
TINY = pd.DataFrame(
    {
        "doc_id": ["a", "b", "c"],
        "language": ["en"] * 3,
        "text": [
            "Drugs arrive through the ports. Drugs and ports, ports again.",
            "Cyber attacks hit the networks. Cyber security agencies cooperate.",
            "Ports and cyber security: the agencies cooperate on drugs.",
        ],
    }
)


def test_tfidf_equals_scikit_learns_definition():
    analyzer = Preprocessor("en").terms
    expected = TfidfVectorizer(analyzer=analyzer).fit(TINY["text"])
    matrix = term_matrix(TINY)
    assert list(matrix.terms) == list(expected.get_feature_names_out())
    np.testing.assert_allclose(matrix.tfidf.toarray(), expected.transform(TINY["text"]).toarray())


def test_counts_are_raw_counts():
    counts = term_matrix(TINY).frame("counts")
    assert counts.loc["a", "port"] == 3 and counts.loc["a", "drug"] == 2 and counts.loc["b", "drug"] == 0


def test_bigrams_and_minimum_counts():
    assert ngrams(["a", "b", "c"], (1, 2)) == ["a", "b", "c", "a b", "b c"]
    matrix = term_matrix(TINY, ngram_range=(1, 2), min_count=2)
    assert "cyber security" in matrix.terms and "port" in matrix.terms
    assert matrix.counts.sum(axis=0).min() >= 2
    with pytest.raises(ValueError, match="no term is used at least 1 time.s. and in at least 4 of the 3 texts"):
        term_matrix(TINY, min_docs=4)


def test_one_language_only():
    mixed = TINY.assign(language=["en", "en", "fr"])
    with pytest.raises(ValueError, match="2 languages .en, fr.; term statistics compare texts of one language"):
        term_matrix(mixed)


def test_top_terms_keep_the_count_beside_the_score():
    table = top_terms(term_matrix(TINY), n=2)
    assert list(table.columns) == ["doc_id", "rank", "term", "tfidf", "count", "texts"]
    first = table[table["doc_id"] == "a"].iloc[0]
    assert (first["term"], first["count"]) == ("port", 3)
    assert list(table.groupby("doc_id").size()) == [2, 2, 2]
    assert first["texts"] == 2  # port: in a and c


def test_similarity_is_a_symmetric_cosine_table():
    table = similarity(term_matrix(TINY))
    assert list(table.index) == ["a", "b", "c"]
    np.testing.assert_allclose(np.diag(table), 1.0)
    np.testing.assert_allclose(table.to_numpy(), table.to_numpy().T)
    assert table.loc["a", "c"] > table.loc["a", "b"]


def test_term_presence_orders_terms_by_how_many_texts_use_them():
    table = term_presence(term_matrix(TINY)).set_index("term")
    assert table.loc["cooperate", "texts"] == 2
    assert (table.loc["cooperate", "first"], table.loc["cooperate", "last"]) == ("b", "c")
    assert (table.loc["drug", "first"], table.loc["drug", "last"]) == ("a", "c")
    assert table.loc["port", ["a", "b", "c"]].tolist() == [3, 0, 1]
    assert list(table["texts"]) == sorted(table["texts"], reverse=True)


def test_readable_tables_of_top_terms():
    matrix = term_matrix(TINY)
    table = top_terms_table(top_terms(matrix, n=1))
    assert table.loc[1, "a"] == "port (3)" and list(table.columns) == ["a", "b", "c"]
    assert top_terms_table(top_terms(matrix, n=1), texts=True).loc[1, "a"] == "port (3; 2/3)"
