"""The fewest occurrences a keyness test could flag, computed before the test: by hand and against the test itself."""

import pandas as pd
import pytest
from scipy.special import chdtri

from valduchesse.keyness_power import smallest_passing_count, smallest_passing_counts
from valduchesse.prose.keyness_power import power_sentence
from valduchesse.keyness import keyness_by_group, log_likelihood
from valduchesse.terms import term_matrix


def test_the_smallest_passing_count_is_the_first_count_whose_g2_exceeds_the_threshold():
    critical = float(chdtri(1, 0.05 / 40))
    fewest = smallest_passing_count(100, 150, critical)
    assert log_likelihood(fewest, 0, 100, 150) > critical >= log_likelihood(fewest - 1, 0, 100, 150)
    assert smallest_passing_count(100, 150, critical, elsewhere=1) > fewest  # a use elsewhere asks for more
    assert smallest_passing_count(0, 150, critical) is None


def test_the_counts_use_the_keyness_test_s_own_totals_and_threshold():
    texts = pd.DataFrame({"doc_id": ["a", "b", "c"], "language": ["fr"] * 3, "text": [
        "Déclaration\nLa drogue arrive par le port.\n" + "La police saisit la drogue.\n" * 8,
        "Déclaration\n" + "La police juge les auteurs.\nLa justice protège les victimes.\n" * 5,
        "Déclaration\n" + "La coopération renforce la sécurité.\nLes pays saluent la coopération.\n" * 5]})
    matrix = term_matrix(texts)
    key = keyness_by_group(matrix, n=20)
    power = smallest_passing_counts(matrix).set_index("group")
    assert (power["tests"] == key.attrs["tests"]).all()
    assert (power["critical_g2"] == key.attrs["critical_g2"]).all()
    totals = key.drop_duplicates("group").set_index("group")
    assert (power.loc[totals.index, "target_total"] == totals["target_total"]).all()
    assert (power.loc[totals.index, "reference_total"] == totals["reference_total"]).all()
    # a term passes only if it reaches the count computed before the test, with none elsewhere
    passing = key[key["significant"] & (key["reference_count"] == 0)]
    assert not passing.empty
    for row in passing.itertuples():
        assert row.target_count >= power.loc[row.group, "fewest_never_elsewhere"]
    below = key[(key["reference_count"] == 0) & (key["target_count"] < key["group"].map(power["fewest_never_elsewhere"]))]
    assert not below.empty and not below["significant"].any()  # "arriver", "port": once each, too few


def test_an_unknown_text_is_refused_and_the_sentence_says_the_counts():
    matrix = term_matrix(pd.DataFrame({"doc_id": ["a", "b"], "language": ["fr", "fr"], "text": [
        "Déclaration\nLa drogue arrive par le port. La police saisit la drogue.",
        "Déclaration\nLa police et la justice jugent les auteurs."]}))
    with pytest.raises(ValueError, match="no text z"):
        smallest_passing_counts(matrix, {"z": ["z"]})
    row = smallest_passing_counts(matrix).iloc[0]
    sentence = power_sentence(row)
    assert sentence.startswith("a: ") and f"G² > {row['critical_g2']:.1f}" in sentence
