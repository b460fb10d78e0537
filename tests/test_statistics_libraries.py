"""The statistics the project takes from libraries: Benjamini–Hochberg (keyness) and Cohen's kappa (rule_agreement)."""

from functools import cache

import numpy as np
import pandas as pd
import pytest
from scipy.stats import false_discovery_control

from valduchesse.coding import FURNITURE, NONE, coding_units, current_codes, read_coding
from valduchesse.corpus import load_corpus
from valduchesse.rule_agreement import furniture_agreement
from valduchesse.keyness import adjust, adjust_by_group

from conftest import ROOT, TEXTS


def p_value_cases():
    rng = np.random.default_rng(20240611)
    for size in (1, 2, 7, 40, 300):
        for extra in (0, 5, 1000):  # tests beyond the p-values given count with p = 1
            p = rng.random(size) ** 4
            p[rng.random(size) < 0.2] = p[0]  # ties
            yield p, size + extra


@pytest.mark.parametrize("p, tests", list(p_value_cases()))
def test_benjamini_hochberg_is_scipys_with_the_untested_terms_as_p_of_one(p, tests):
    expected = false_discovery_control(np.r_[p, np.ones(tests - len(p))], method="bh")[:len(p)]
    np.testing.assert_allclose(adjust(p, tests, "bh"), expected, rtol=1e-12, atol=0)


def test_adjusting_by_group_is_adjusting_each_group_alone():
    rng = np.random.default_rng(7)
    p = rng.random(60) ** 3
    group = np.array(["2016", "2017", "2018", "2021"])[rng.integers(0, 4, 60)]
    for correction in ("bh", "bonferroni"):
        adjusted = adjust_by_group(p, group, 100, correction)
        for label in np.unique(group):
            members = group == label
            np.testing.assert_array_equal(adjusted[members], adjust(p[members], 100, correction))
    assert adjust_by_group(np.array([]), np.array([]), 10, "bh").size == 0


@cache
def coded_sentences():
    """The texts, and their coded sentences, each with the furniture rule's verdict on it (``rule``)."""
    documents = load_corpus(TEXTS)
    coded = current_codes(read_coding(ROOT / "coding" / "sentences.csv"), coding_units(documents))
    _, table = furniture_agreement(documents, coded)
    return documents, coded.merge(table[["unit_id", "rule"]], on="unit_id")


def kappa_of(hand, rule_says):
    """furniture_agreement's kappa on coded sentences the rule says ``rule_says`` of, coded ``hand`` by hand.

    The rule ignores the hand codes (it is the rule alone), so the sentences keep their verdicts; the test
    checks that they did.
    """
    documents, coded = coded_sentences()
    picked = pd.concat([coded[coded["rule"] == value].iloc[[index]] for index, value in enumerate(rule_says)])
    picked = picked.assign(final=[FURNITURE if value else NONE for value in hand]).drop(columns="rule")
    summary, table = furniture_agreement(documents, picked)
    found = table.set_index("unit_id").loc[picked["unit_id"]]
    assert found["rule"].tolist() == list(rule_says) and found["hand"].tolist() == list(hand)
    return summary["kappa"]


def test_kappa_matches_the_value_worked_by_hand():
    # 8 sentences: hand says yes to 4, the rule to 3, both to 3; observed agreement 7/8,
    # chance 4/8 * 3/8 + 4/8 * 5/8 = 1/2, so kappa = (7/8 - 1/2) / (1 - 1/2) = 3/4.
    hand = [True, True, True, True, False, False, False, False]
    rule = [True, True, True, False, False, False, False, False]
    assert kappa_of(hand, rule) == pytest.approx(0.75)
    # always disagreeing: observed 0, chance 5/8 * 3/8 + 3/8 * 5/8 = 15/32, kappa = -(15/32) / (17/32)
    assert kappa_of([not value for value in rule], rule) == pytest.approx(-15 / 17)
    assert kappa_of(rule[3::-1] + rule[4:], rule[3::-1] + [True] + rule[5:]) == pytest.approx(3 / 4)  # hand and rule swapped
    assert kappa_of([True] * 8, rule) == pytest.approx(0.0)  # one side always says yes


def test_kappa_is_undefined_without_codings_or_when_both_say_one_thing_throughout():
    documents, coded = coded_sentences()
    assert np.isnan(furniture_agreement(documents, coded.iloc[:0].drop(columns="rule"))[0]["kappa"])
    for value in (True, False):
        assert np.isnan(kappa_of([value] * 3, [value] * 3))
