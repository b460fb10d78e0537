"""Keyness (:mod:`valduchesse.keyness`) checked against hand computations and scipy on tiny hand-made corpora
and the real texts."""

import numpy as np
import pandas as pd
import pytest

from valduchesse.corpus import load_corpus
from valduchesse.keyness import adjust, keyness, keyness_by_group, log_likelihood, log_ratio, threshold
from valduchesse.preprocessor import Preprocessor
from valduchesse.prose.keyness import keyness_summary, significance_summary, threshold_sentence
from valduchesse.terms import term_matrix
from valduchesse.tokens import tokens

from conftest import TEXTS
from test_terms import TINY


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
        (["a", "b"], ["b", "c"], r"target and reference overlap \(b\)\. Fix: put each text on one side only"),
        (["a", "b", "c"], None, "the reference is empty. Fix: name at least one text id that is not in the target"),
        ([], ["a"], "the target is empty. Fix: name at least one text id in target"),
        (["a"], ["z"], "unknown text id.s.: z. Fix: name ids the term matrix holds: a, b, c"),
    ],
)
def test_keyness_errors(target, reference, message):
    with pytest.raises(ValueError, match=f"^keyness: {message}"):
        keyness(term_matrix(TINY), target, reference)


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


def test_readable_summary_of_keyness():
    lines = keyness_summary(keyness_by_group(term_matrix(TINY), n=2), n=1)
    assert lines[0].startswith("a: port (G²=") and lines[0].endswith(", 3/1)") and len(lines) == 3


# --- significance ------------------------------------------------------------------------------

def test_p_values_are_the_chi_squared_tail_of_g2():
    from scipy.stats import chi2

    table = keyness(term_matrix(TINY), ["a"])
    np.testing.assert_allclose(table["p_value"], chi2.sf(table["g2"].abs(), df=1), rtol=1e-3)


def test_bonferroni_critical_value_for_89_terms_is_about_11_9():
    assert threshold(89, "bonferroni", 0.05)["critical_g2"] == pytest.approx(11.9, abs=0.05)


def test_corrections_worked_by_hand():
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
    with pytest.raises(ValueError, match="correction 'holm' is not known. Fix: use one of bonferroni"):
        keyness(matrix, ["a"], correction="holm")
    with pytest.raises(ValueError, match=r"alpha=1.5 is not a level. Fix: use a level between 0 and 1"):
        keyness(matrix, ["a"], alpha=1.5)


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
    table = keyness_by_group(term_matrix(TINY), n=2)
    assert all("none of its terms passes" in line for line in significance_summary(table))
    assert threshold_sentence(table).startswith(f"Bonferroni for {table.attrs['tests']} terms tested: G² > ")
