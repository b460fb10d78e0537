"""Term statistics checked against independent computations on tiny hand-made corpora."""

import numpy as np
import pandas as pd
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from valduchesse.corpus import load_corpus
from valduchesse.segment import paragraphs
from valduchesse.preprocessor import Preprocessor
from valduchesse.tokens import tokens
from valduchesse.terms import (
    concordance, frequencies, keyness, keyness_by_group, log_likelihood, log_ratio, ngrams, similarity,
    count_runs, find, run_index, term_matrix, term_presence, top_term_contexts, top_terms, top_terms_table,
)
from valduchesse.prose.terms import keyness_summary

from conftest import TEXTS

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


def test_g2_and_log_ratio_of_a_two_by_two_table_worked_out_by_hand():
    # term: 10 of 100 tokens in the target, 5 of 200 in the reference.
    # Expected cells: 15*100/300 = 5, 15*200/300 = 10, 285*100/300 = 95, 285*200/300 = 190.
    # G2 = 2 (10 ln 10/5 + 5 ln 5/10 + 90 ln 90/95 + 195 ln 195/190) = 7.3298
    assert log_likelihood(10, 5, 100, 200) == pytest.approx(7.3298, abs=1e-4)
    # log ratio = log2((10.5 / 100) / (5.5 / 200)) = log2(3.8182) = 1.9329
    assert log_ratio(10, 5, 100, 200) == pytest.approx(1.9329, abs=1e-4)


def test_g2_is_negative_for_underused_terms_and_zero_for_equal_rates():
    assert log_likelihood(1, 20, 100, 200) < 0
    assert log_likelihood(10, 20, 100, 200) == pytest.approx(0.0)
    assert np.isfinite(log_likelihood(0, 7, 100, 200))


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


def test_keyness_counts_and_statistic_agree_with_the_formula():
    matrix = term_matrix(TINY)
    table = keyness(matrix, ["a"]).set_index("term")
    row = table.loc["port"]
    counts = matrix.frame("counts")
    totals = [len(Preprocessor("en").terms(text)) for text in TINY["text"]]  # counted independently
    assert row["target_count"] == 3 and row["reference_count"] == 1
    assert row["target_total"] == totals[0] == counts.loc["a"].sum()
    assert row["reference_total"] == totals[1] + totals[2]
    assert row["g2"] == pytest.approx(
        log_likelihood(3, 1, row["target_total"], row["reference_total"]), abs=1e-4)
    assert table.index[0] == "port"  # the most distinctive term of a comes first
    assert (table["g2"].diff().dropna() <= 0).all()


def test_keyness_with_explicit_reference():
    table = keyness(term_matrix(TINY), ["a"], ["b"]).set_index("term")
    assert table.loc["cyber", "reference_count"] == 2 and table.loc["cyber", "target_count"] == 0
    assert table.loc["cyber", "g2"] < 0


@pytest.mark.parametrize(
    "target, reference, message",
    [
        (["a", "b"], ["b", "c"], r"target and reference overlap \(b\)"),
        (["a", "b", "c"], None, "the reference is empty"),
        ([], ["a"], "the target is empty"),
        (["a"], ["z"], "unknown text id.s.: z"),
    ],
)
def test_keyness_errors(target, reference, message):
    with pytest.raises(ValueError, match=message):
        keyness(term_matrix(TINY), target, reference)


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


def test_frequencies_per_thousand_tokens():
    table = frequencies(TINY, {"ports": ["port"], "cyber": ["cyber security"]})
    a = table[(table["doc_id"] == "a") & (table["group"] == "ports")].iloc[0]
    assert (a["matches"], a["tokens"]) == (3, 10)
    assert a["per_1000"] == 300.0
    c = table[(table["doc_id"] == "c") & (table["group"] == "cyber")].iloc[0]
    assert (c["matches"], c["tokens"]) == (1, 9)


def test_similarity_is_a_symmetric_cosine_table():
    table = similarity(term_matrix(TINY))
    assert list(table.index) == ["a", "b", "c"]
    np.testing.assert_allclose(np.diag(table), 1.0)
    np.testing.assert_allclose(table.to_numpy(), table.to_numpy().T)
    assert table.loc["a", "c"] > table.loc["a", "b"]


def test_keyness_by_group_tests_each_text_against_the_rest_by_default():
    matrix = term_matrix(TINY)
    table = keyness_by_group(matrix, n=2)
    assert list(dict.fromkeys(table["group"])) == ["a", "b", "c"]
    assert (table["g2"] > 0).all() and table.groupby("group")["rank"].max().max() <= 2
    first = table.iloc[0]
    expected = keyness(matrix, ["a"]).iloc[0]
    assert (first["term"], first["g2"]) == (expected["term"], expected["g2"])


def test_keyness_by_group_with_named_groups():
    table = keyness_by_group(term_matrix(TINY), {"a and c": ["a", "c"]}, n=1)
    assert table[["group", "rank", "term", "target_count", "reference_count"]].values.tolist() == [
        ["a and c", 1, "port", 4, 0]]


def test_top_term_contexts_show_where_each_top_term_comes_from():
    table = top_term_contexts(keyness_by_group(term_matrix(TINY), n=1), TINY, window=2)
    a = table[table["group"] == "a"]
    assert list(a["term"].unique()) == ["port"] and len(a) == 3
    assert a.iloc[0][["left", "match", "right"]].tolist() == ["through the", "ports", "Drugs and"]


def test_term_presence_orders_terms_by_how_many_texts_use_them():
    table = term_presence(term_matrix(TINY)).set_index("term")
    assert table.loc["cooperate", "texts"] == 2
    assert (table.loc["cooperate", "first"], table.loc["cooperate", "last"]) == ("b", "c")
    assert (table.loc["drug", "first"], table.loc["drug", "last"]) == ("a", "c")
    assert table.loc["port", ["a", "b", "c"]].tolist() == [3, 0, 1]
    assert list(table["texts"]) == sorted(table["texts"], reverse=True)


def test_keyness_by_group_equals_keyness_called_per_group_on_real_texts():
    documents = load_corpus(TEXTS)
    matrix = term_matrix(documents[documents["language"] == "fr"])
    groups = {"2018": ["2018-06-11_fr_gouvernement-fr", "2018-06-11_fr_info-gouv-fr"], **{
        doc_id: [doc_id] for doc_id in matrix.doc_ids if not doc_id.startswith("2018")}}
    fast = keyness_by_group(matrix, groups, n=15)
    for label, ids in groups.items():
        slow = keyness(matrix, ids)
        slow = slow[slow["g2"] > 0].head(15).reset_index(drop=True)
        part = fast[fast["group"] == label].drop(columns=["group", "rank"]).reset_index(drop=True)
        pd.testing.assert_frame_equal(part, slow, check_dtype=False)


def test_keyness_by_group_reports_a_group_that_leaves_no_reference():
    with pytest.raises(ValueError, match="the reference is empty"):
        keyness_by_group(term_matrix(TINY), {"all": ["a", "b", "c"]})


def test_count_runs_finds_what_find_finds():
    rng = np.random.default_rng(0)
    terms = list(rng.choice(["a", "b", "c"], size=300))
    runs = {"x": [["a"], ["a", "b"]], "y": [["b", "c", "a"]], "z": [["d"]]}
    counts = count_runs(terms, run_index(runs), runs)
    assert counts == {label: sum(len(find(terms, run)) for run in label_runs) for label, label_runs in runs.items()}


def test_keyness_totals_do_not_depend_on_the_rare_terms_left_out():
    documents = load_corpus(TEXTS)
    french = documents[documents["language"] == "fr"]
    doc_id = "2016-02-01_fr_archive-premier-be"
    all_terms = keyness(term_matrix(french), [doc_id]).set_index("term")
    frequent = keyness(term_matrix(french, min_count=3), [doc_id]).set_index("term")
    position = list(french["doc_id"]).index(doc_id)
    assert frequent.loc["pays", "target_total"] == len(tokens(french).terms()[position])
    # the correction does depend on min_count: fewer terms kept, fewer tests
    same = [c for c in all_terms.columns if c not in ("p_adjusted", "significant")]
    pd.testing.assert_series_equal(all_terms.loc["pays", same], frequent.loc["pays", same])


def test_readable_tables_of_top_terms_and_keyness():
    matrix = term_matrix(TINY)
    table = top_terms_table(top_terms(matrix, n=1))
    assert table.loc[1, "a"] == "port (3)" and list(table.columns) == ["a", "b", "c"]
    assert top_terms_table(top_terms(matrix, n=1), texts=True).loc[1, "a"] == "port (3; 2/3)"
    lines = keyness_summary(keyness_by_group(matrix, n=2), n=1)
    assert lines[0].startswith("a: port (G²=") and lines[0].endswith(", 3/1)") and len(lines) == 3


# --- significance ------------------------------------------------------------------------------

def test_p_values_are_the_chi_squared_tail_of_g2():
    from scipy.stats import chi2

    table = keyness(term_matrix(TINY), ["a"])
    np.testing.assert_allclose(table["p_value"], chi2.sf(table["g2"].abs(), df=1), rtol=1e-3)


def test_bonferroni_critical_value_for_89_terms_is_about_11_9():
    from valduchesse.terms import threshold

    assert threshold(89, "bonferroni", 0.05)["critical_g2"] == pytest.approx(11.9, abs=0.05)


def test_corrections_worked_by_hand():
    from valduchesse.terms import adjust

    p = np.array([0.01, 0.04, 0.03, 0.5])
    np.testing.assert_allclose(adjust(p, 4, "bonferroni"), [0.04, 0.16, 0.12, 1.0])
    # BH: sorted 0.01, 0.03, 0.04, 0.5 -> 0.04, 0.06, 0.0533, 0.5; monotone from the top: 0.04, 0.0533, 0.0533, 0.5
    np.testing.assert_allclose(adjust(p, 4, "bh"), [0.04, 0.16 / 3, 0.16 / 3, 0.5])
    # tests beyond the p-values given count with p = 1: only the factor changes
    np.testing.assert_allclose(adjust(np.array([0.01]), 10, "bonferroni"), [0.1])


def test_keyness_marks_what_passes_and_states_the_threshold():
    matrix = term_matrix(TINY)
    table = keyness(matrix, ["a"])
    assert table.attrs["tests"] == len(matrix.terms) and table.attrs["correction"] == "bonferroni"
    assert (table["significant"] == (table["p_adjusted"] < 0.05)).all()
    assert (table["p_adjusted"] >= table["p_value"]).all()
    by_group = keyness_by_group(matrix, n=3)
    assert by_group.attrs == table.attrs
    assert {"p_value", "p_adjusted", "significant", "log_ratio"} <= set(by_group.columns)
    with pytest.raises(ValueError, match="correction 'holm' is not known"):
        keyness(matrix, ["a"], correction="holm")


def test_keyness_by_group_and_keyness_agree_on_corrected_p_values_with_bh():
    documents = load_corpus(TEXTS)
    matrix = term_matrix(documents[documents["language"] == "fr"])
    fast = keyness_by_group(matrix, n=5, correction="bh")
    doc_id = matrix.doc_ids[0]
    slow = keyness(matrix, [doc_id], correction="bh").set_index("term")
    for row in fast[fast["group"] == doc_id].itertuples():
        # keyness_by_group counts the unused terms as p = 1, which can only raise BH's adjusted p
        assert row.p_adjusted >= slow.loc[row.term, "p_adjusted"] - 1e-9
        assert row.p_value == pytest.approx(slow.loc[row.term, "p_value"])


def test_significance_summary_says_when_nothing_passes():
    from valduchesse.prose.terms import significance_summary, threshold_sentence

    table = keyness_by_group(term_matrix(TINY), n=2)
    assert all("none of its terms passes" in line for line in significance_summary(table))
    assert threshold_sentence(table).startswith(f"Bonferroni for {table.attrs['tests']} terms tested: G² > ")


def test_concordance_says_which_matches_were_removed_as_furniture():
    text = pd.DataFrame({"doc_id": ["x"], "language": ["fr"],
                         "text": ["Paris\nLundi 11 juin 2018\nLe procès des attentats de Paris s'est ouvert."]})
    table = concordance(text, "Paris")
    assert table[["match", "removed"]].values.tolist() == [["Paris", "furniture"], ["Paris", ""]]
