"""The statistics the project takes from libraries: Benjamini–Hochberg (terms) and Cohen's kappa (tokens)."""

import numpy as np
import pytest
from scipy.stats import false_discovery_control

from valduchesse.terms import adjust, adjust_by_group
from valduchesse.rule_agreement import _kappa


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


def test_kappa_matches_the_value_worked_by_hand():
    # 8 sentences: hand says yes to 4, the rule to 3, both to 3; observed agreement 7/8,
    # chance 4/8 * 3/8 + 4/8 * 5/8 = 1/2, so kappa = (7/8 - 1/2) / (1 - 1/2) = 3/4.
    hand = np.array([1, 1, 1, 1, 0, 0, 0, 0], dtype=bool)
    rule = np.array([1, 1, 1, 0, 0, 0, 0, 0], dtype=bool)
    assert _kappa(hand, rule) == pytest.approx(0.75)
    assert _kappa(hand, ~hand) == pytest.approx(-1.0)
    assert _kappa(hand, np.ones(8, dtype=bool)) == pytest.approx(0.0)  # one side always says yes


def test_kappa_is_undefined_without_codings_or_when_both_say_one_thing_throughout():
    assert np.isnan(_kappa(np.array([], dtype=bool), np.array([], dtype=bool)))
    for value in (True, False):
        same = np.full(5, value)
        assert np.isnan(_kappa(same, same))
