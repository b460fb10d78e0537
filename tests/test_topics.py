"""Topic clustering of paragraphs: checked on hand-made data, then run on the full 2021 Dutch text."""

from itertools import combinations

import matplotlib
import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

matplotlib.use("Agg")

from valduchesse.corpus import load_corpus
from valduchesse.plotting.topics import plot_agreement, plot_stability
from valduchesse.segment import paragraphs, sentences
from valduchesse.terms import TermMatrix, term_matrix
from valduchesse.topic_agreement import agreement_summary, representative_seed, seed_agreement
from valduchesse.prose.topics import describe_agreement, describe_choice, reading, unit_comparison, unit_profile
from valduchesse.topic_stability import (
    adjusted_rand, grid_position, normalized_mutual_info, one_standard_error_choice, shuffled_terms, stability_curve,
    subsample_indices, subsample_stability,
)
from valduchesse.topics import (
    distinctive_terms, fit_topics, name_clusters, segment_texts, topic_terms, typical_passages,
)

from conftest import TEXTS

DOCUMENTS = load_corpus(TEXTS)
NL_2021_ID = "2021-11-22_nl_sophiewilmes-be"
NL_2021 = DOCUMENTS[DOCUMENTS["doc_id"] == NL_2021_ID]

# Test data written for these tests, not official texts: two clearly separate subjects.
TINY_TEXTS = [
    "Drugs arrive through the ports of Antwerp and Le Havre; customs search the containers for cocaine.",
    "Customs officers at the ports seize cocaine and other drugs hidden in shipping containers.",
    "Drug trafficking networks use the ports; more container scans and customs checks for cocaine.",
    "Cyber attacks hit government networks; the cyber security centres share alerts on malware.",
    "The national cyber security centres exchange information on malware and network attacks.",
    "Ransomware and malware attacks on networks call for cyber security cooperation and alerts.",
]
TINY_SUBJECTS = [0, 0, 0, 1, 1, 1]


def tiny_segments(headings: bool = False) -> pd.DataFrame:
    rows = [
        {"doc_id": "tiny", "language": "en", "section_no": subject + 1, "paragraph_no": i + 1,
         "is_heading": False, "text": text}
        for i, (subject, text) in enumerate(zip(TINY_SUBJECTS, TINY_TEXTS))
    ]
    if headings:
        rows.insert(0, {"doc_id": "tiny", "language": "en", "section_no": 1, "paragraph_no": 0,
                        "is_heading": True, "text": "1. Drugs"})
        rows.append({"doc_id": "tiny", "language": "en", "section_no": 2, "paragraph_no": 7,
                     "is_heading": False, "text": "And the, of it."})
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def tiny():
    texts, _ = segment_texts(tiny_segments())
    return texts, term_matrix(texts)


@pytest.fixture(scope="module")
def nl_2021():
    texts, left_out = segment_texts(paragraphs(NL_2021))
    return texts, left_out, term_matrix(texts)


# --- segment_texts ----------------------------------------------------------------------------

def test_segment_texts_gives_unique_ids_and_reports_what_it_leaves_out():
    texts, left_out = segment_texts(tiny_segments(headings=True))
    assert list(texts["doc_id"]) == [f"tiny#p{i}" for i in range(1, 7)]
    assert set(texts["source_doc_id"]) == {"tiny"}
    assert list(left_out["doc_id"]) == ["tiny#p0", "tiny#p7"]
    assert list(left_out["reason"]) == ["heading", "no terms"]
    kept, left_out = segment_texts(tiny_segments(headings=True), drop_headings=False)
    assert "tiny#p0" in set(kept["doc_id"]) and list(left_out["reason"]) == ["no terms"]


def test_headings_of_the_2021_text_are_left_out_of_paragraphs_and_sentences(nl_2021):
    texts, left_out, _ = nl_2021
    assert len(texts) + len(left_out) == len(paragraphs(NL_2021))
    assert list(left_out["reason"]) == ["heading"] * 8
    assert list(left_out["section_no"]) == list(range(1, 9))
    assert texts["doc_id"].is_unique and texts["doc_id"].iloc[0] == f"{NL_2021_ID}#p1"
    sents, sent_left_out = segment_texts(sentences(NL_2021))
    assert sents["doc_id"].str.contains("#s").all() and sents["doc_id"].is_unique
    headings = sent_left_out[sent_left_out["reason"] == "heading"]
    assert list(headings["text"]) == list(left_out["text"])
    # a sentence that is only furniture (the list of who attended) keeps no term and is left out, said so
    assert set(sent_left_out["reason"]) <= {"heading", "no terms"}


# --- fit_topics, topic_terms, typical_passages ------------------------------------------------

@pytest.mark.parametrize("method", ["nmf", "kmeans"])
def test_two_clearly_separate_subjects_are_separated(tiny, method):
    _, matrix = tiny
    fit = fit_topics(matrix, 2, method=method, seed=0)
    assert adjusted_rand(TINY_SUBJECTS, fit.labels) == 1.0


@pytest.mark.parametrize("method", ["nmf", "kmeans"])
def test_same_seed_gives_identical_assignments(nl_2021, method):
    _, _, matrix = nl_2021
    first, second = fit_topics(matrix, 5, method, seed=3), fit_topics(matrix, 5, method, seed=3)
    pd.testing.assert_frame_equal(first.assignments(), second.assignments())
    np.testing.assert_array_equal(first.topic_term_weights, second.topic_term_weights)


def test_assignments_table(tiny):
    _, matrix = tiny
    nmf, kmeans = fit_topics(matrix, 2, "nmf"), fit_topics(matrix, 2, "kmeans")
    assert list(nmf.assignments().columns) == ["doc_id", "topic", "weight"]
    assert list(kmeans.assignments().columns) == ["doc_id", "topic", "distance"]
    assert list(nmf.assignments()["doc_id"]) == matrix.doc_ids
    assert (nmf.assignments()["weight"] > 0).all() and (kmeans.assignments()["distance"] >= 0).all()


def test_fit_topics_rejects_bad_arguments(tiny):
    texts, matrix = tiny
    with pytest.raises(ValueError, match="unknown method"):
        fit_topics(matrix, 2, method="lda")
    with pytest.raises(ValueError, match="choose k from 1 to 6"):
        fit_topics(matrix, 7)
    pruned = term_matrix(pd.concat([texts, texts.iloc[[0]].assign(doc_id="x", text="Unique words only.")]),
                         min_docs=2)
    with pytest.raises(ValueError, match="segment\\(s\\) x hold no term"):
        fit_topics(pruned, 2)


@pytest.mark.parametrize("method", ["nmf", "kmeans"])
def test_topic_terms_are_ranked_by_weight_then_term(tiny, method):
    _, matrix = tiny
    table = topic_terms(fit_topics(matrix, 2, method), n=5)
    assert list(table.columns) == ["topic", "rank", "term", "weight"]
    assert len(table) == 10 and list(table["topic"]) == [0] * 5 + [1] * 5
    for _, group in table.groupby("topic"):
        assert list(group["rank"]) == [1, 2, 3, 4, 5]
        assert list(group.sort_values(["weight", "term"], ascending=[False, True])["term"]) == list(group["term"])
    cyber_topic = table.loc[table["term"] == "cyber", "topic"].iloc[0]
    assert "cocaine" not in set(table.loc[table["topic"] == cyber_topic, "term"])


@pytest.mark.parametrize("method", ["nmf", "kmeans"])
def test_typical_passages_are_the_most_typical_of_each_topic(tiny, method):
    texts, matrix = tiny
    fit = fit_topics(matrix, 2, method)
    table = typical_passages(fit, texts, n=2, width=40)
    assert list(table.columns) == ["topic", "rank", "doc_id", "section_no", fit.score_name, "text"]
    assert list(table["topic"]) == [0, 0, 1, 1] and list(table["rank"]) == [1, 2, 1, 2]
    assert (table["text"].str.len() <= 40).all() and table["text"].str.endswith("…").all()
    scores = fit.assignments().set_index("doc_id")
    for topic, group in table.groupby("topic"):
        members = scores[scores["topic"] == topic][fit.score_name]
        best = members.max() if method == "nmf" else members.min()
        assert group[fit.score_name].iloc[0] == best
        assert group["section_no"].nunique() == 1
    assert len(typical_passages(fit, texts, n=10)) == 6


# --- fast agreement scores --------------------------------------------------------------------

def test_adjusted_rand_and_nmi_equal_scikit_learns():
    rng = np.random.default_rng(0)
    cases = [([0, 0, 0], [1, 1, 1]), ([0, 1, 2], [0, 1, 2]), ([0, 1, 2], [5, 5, 5]), ([0, 0, 1, 1], [0, 1, 0, 1]),
             (["a", "a", "b"], [2, 2, 7]), ([3], [4])]
    for _ in range(300):
        n = int(rng.integers(2, 40))
        cases.append((rng.integers(0, rng.integers(1, 9), n), rng.integers(0, rng.integers(1, 9), n)))
    for a, b in cases:
        assert adjusted_rand(a, b) == pytest.approx(adjusted_rand_score(a, b), abs=1e-12)
        assert normalized_mutual_info(a, b) == pytest.approx(normalized_mutual_info_score(a, b), abs=1e-12)
    with pytest.raises(ValueError, match="3 predicted labels"):
        adjusted_rand([0, 1], [0, 1, 2])


# --- subsample stability ----------------------------------------------------------------------

def toy_matrix(counts: np.ndarray) -> TermMatrix:
    """A TermMatrix made directly from a count array (test data, not texts)."""
    counts = sparse.csr_matrix(counts)
    return TermMatrix([f"d{i}" for i in range(counts.shape[0])], np.array([f"t{j:02d}" for j in range(counts.shape[1])]),
                      counts, TfidfTransformer().fit_transform(counts).tocsr(), np.asarray(counts.sum(axis=1)).ravel())


def clustered_counts(groups: int = 3, per_group: int = 12, terms_per_group: int = 8, seed: int = 0) -> np.ndarray:
    """Segments of ``groups`` subjects: each uses its own subject's terms often and the others' rarely."""
    rng = np.random.default_rng(seed)
    rates = np.full((groups, groups * terms_per_group), 0.05)
    for g in range(groups):
        rates[g, g * terms_per_group:(g + 1) * terms_per_group] = 2.0
    counts = rng.poisson(np.repeat(rates, per_group, axis=0))
    counts[counts.sum(axis=1) == 0, 0] = 1
    return counts


def random_counts(rows: int = 36, terms: int = 24, seed: int = 0) -> np.ndarray:
    """Segments without any structure: every term equally likely in every segment."""
    counts = np.random.default_rng(seed).poisson(0.7, (rows, terms))
    counts[counts.sum(axis=1) == 0, 0] = 1
    return counts


CLUSTERED = toy_matrix(clustered_counts())
RANDOM = toy_matrix(random_counts())


def test_subsample_indices_are_sorted_distinct_reproducible_subsets():
    subsets = subsample_indices(33, 10, 0.8, seed=4)
    assert len(subsets) == 10 and all(len(s) == 26 for s in subsets)
    assert all((np.diff(s) > 0).all() and s.min() >= 0 and s.max() < 33 for s in subsets)
    assert len({tuple(s) for s in subsets}) == 10
    again = subsample_indices(33, 10, 0.8, seed=4)
    assert all((a == b).all() for a, b in zip(subsets, again))
    with pytest.raises(ValueError, match="at least 2"):
        subsample_indices(2, 10, 0.5)
    with pytest.raises(ValueError, match="at least 2"):
        subsample_indices(33, 1)


@pytest.mark.parametrize("method", ["kmeans", "nmf"])
def test_subsample_stability_is_high_for_clear_clusters_and_low_for_random_data(method):
    clear = subsample_stability(CLUSTERED, 3, method, n_subsamples=8, seed=0)
    noise = subsample_stability(RANDOM, 3, method, n_subsamples=8, seed=0)
    assert clear.stability > 0.9
    assert noise.stability < 0.4
    assert clear.standard_error < 0.05 and noise.standard_error > 0


def test_subsample_stability_compares_every_two_refits_on_the_segments_they_share():
    result = subsample_stability(RANDOM, 4, "kmeans", n_subsamples=5, fraction=0.8, seed=2)
    subsets = subsample_indices(36, 5, 0.8, seed=2)
    assert result.labels.shape == (5, 36) and len(result.pair_ari) == 10
    for b, rows in enumerate(subsets):
        assert (result.labels[b, rows] >= 0).all()
        assert (np.delete(result.labels[b], rows) == -1).all()
    for value, (i, j) in zip(result.pair_ari, combinations(range(5), 2)):
        shared = np.intersect1d(subsets[i], subsets[j])
        assert value == pytest.approx(adjusted_rand_score(result.labels[i, shared], result.labels[j, shared]))
    assert result.stability == pytest.approx(result.pair_ari.mean())
    # each refit has its own start: refit b is k-means with random_state seed + b on its subsample
    dense = RANDOM.tfidf.toarray()
    from sklearn.cluster import KMeans
    third = KMeans(n_clusters=4, n_init=10, random_state=2 + 3).fit(dense[subsets[3]]).labels_
    assert adjusted_rand_score(third, result.labels[3, subsets[3]]) == 1.0


def test_jackknife_standard_error_as_documented():
    result = subsample_stability(RANDOM, 3, "kmeans", n_subsamples=6, seed=1)
    pairs = list(combinations(range(6), 2))
    left_out = np.array([np.mean([v for v, p in zip(result.pair_ari, pairs) if i not in p]) for i in range(6)])
    expected = np.sqrt(5 / 6 * ((left_out - left_out.mean()) ** 2).sum())
    assert result.standard_error == pytest.approx(expected)


def test_shuffled_terms_keeps_each_terms_counts_and_breaks_co_occurrence():
    copy = shuffled_terms(CLUSTERED, seed=3)
    original, shuffled = CLUSTERED.counts.toarray(), copy.counts.toarray()
    for column in range(original.shape[1]):
        assert sorted(original[:, column]) == sorted(shuffled[:, column])
    assert (original != shuffled).any()
    assert list(copy.terms) == list(CLUSTERED.terms) and copy.doc_ids == CLUSTERED.doc_ids
    np.testing.assert_allclose(copy.tfidf.toarray(), TfidfTransformer().fit_transform(shuffled).toarray())
    np.testing.assert_array_equal(shuffled, shuffled_terms(CLUSTERED, seed=3).counts.toarray())


def test_stability_curve_finds_the_three_subjects_and_follows_its_rule():
    table, k = stability_curve(CLUSTERED, [2, 3, 4, 5], "kmeans", n_subsamples=6, seed=0, null_copies=3,
                               null_subsamples=3)
    assert k == 3
    assert list(table.columns) == ["k", "stability", "stability_se", "stability_q25", "stability_q75",
                                   "null_stability", "null_se", "excess", "excess_se", "silhouette", "chosen"]
    assert list(table["k"]) == [2, 3, 4, 5] and table["chosen"].sum() == 1
    at_three = table.set_index("k").loc[3]
    assert at_three["stability"] > 0.9 and at_three["excess"] > 0.5
    assert at_three["silhouette"] == table["silhouette"].max()
    # the rule, recomputed from the table: smallest k within one standard error (the best k's) of the largest excess
    best = table.loc[table["excess"].idxmax()]
    assert k == table.loc[table["excess"] >= round(best["excess"] - best["excess_se"], 4), "k"].min()
    again, k_again = stability_curve(CLUSTERED, [2, 3, 4, 5], "kmeans", n_subsamples=6, seed=0, null_copies=3,
                                     null_subsamples=3)
    pd.testing.assert_frame_equal(table, again)
    with pytest.raises(ValueError, match="2 or more"):
        stability_curve(CLUSTERED, [1, 2])


def test_the_one_standard_error_rule_uses_the_standard_error_of_the_best_k_only():
    # k = 3 is within its own (large) standard error of the best, but not within the best k's (small) one
    table = pd.DataFrame({"k": [2, 3, 4, 5], "excess": [0.10, 0.30, 0.38, 0.40], "excess_se": [0.01, 0.15, 0.01, 0.03]})
    assert one_standard_error_choice(table) == 4
    assert one_standard_error_choice(table.assign(excess_se=[0.01, 0.15, 0.01, 0.11])) == 3
    assert one_standard_error_choice(table.assign(excess_se=float("nan"))) == 5  # no error: the best itself
    ties = pd.DataFrame({"k": [2, 3], "excess": [0.5, 0.5], "excess_se": [0.0, 0.2]})
    assert one_standard_error_choice(ties) == 2
    with pytest.raises(ValueError, match="no value of k"):
        one_standard_error_choice(table.iloc[:0])


def test_stability_curve_null_is_the_mean_of_its_copies():
    table, _ = stability_curve(RANDOM, [3], "kmeans", n_subsamples=4, seed=5, null_copies=3, null_subsamples=3)
    copies = [subsample_stability(shuffled_terms(RANDOM, 5 + c), 3, "kmeans", 3, 0.8, 5).stability for c in range(3)]
    row = table.iloc[0]
    assert row["null_stability"] == pytest.approx(np.mean(copies), abs=1e-4)
    assert row["null_se"] == pytest.approx(np.std(copies, ddof=1) / np.sqrt(3), abs=1e-4)
    assert row["excess"] == pytest.approx(row["stability"] - row["null_stability"], abs=2e-4)


def test_grid_position():
    assert [grid_position([2, 3, 4], k) for k in (2, 3, 4)] == ["lowest", "inside", "highest"]


# --- agreement over seeds, against the permutation null --------------------------------------

TRUTH = np.repeat([0, 1, 2], 12)


def test_seed_agreement_and_its_null_are_computed_as_documented():
    per_seed, null, labels = seed_agreement(TRUTH, RANDOM, 3, "kmeans", seeds=[4, 7, 9], n_shuffles=5, seed=11)
    assert list(per_seed.columns) == ["seed", "adjusted_rand", "normalized_mutual_info", "silhouette", "clusters_used"]
    assert list(per_seed["seed"]) == [4, 7, 9] and labels.shape == (3, 36)
    assert list(null.columns) == ["seed", "shuffle", "adjusted_rand", "normalized_mutual_info"]
    assert len(null) == 15 and list(null["seed"]) == [4] * 5 + [7] * 5 + [9] * 5
    rng = np.random.default_rng(11)
    for i, s in enumerate([4, 7, 9]):
        fit = fit_topics(RANDOM, 3, "kmeans", seed=s)
        np.testing.assert_array_equal(labels[i], fit.labels)
        assert per_seed.loc[i, "adjusted_rand"] == round(adjusted_rand_score(TRUTH, fit.labels), 4)
        assert per_seed.loc[i, "normalized_mutual_info"] == round(normalized_mutual_info_score(TRUTH, fit.labels), 4)
        for shuffle in range(5):
            shuffled = rng.permutation(fit.labels)
            row = null.iloc[i * 5 + shuffle]
            assert row["adjusted_rand"] == round(adjusted_rand_score(TRUTH, shuffled), 4)
            assert row["normalized_mutual_info"] == round(normalized_mutual_info_score(TRUTH, shuffled), 4)
    with pytest.raises(ValueError, match="35 reference labels but 36 segments"):
        seed_agreement(TRUTH[:35], RANDOM, 3)


def test_agreement_summary_counts_the_seeds_above_the_nulls_quantile():
    per_seed = pd.DataFrame({"adjusted_rand": [0.5, 0.1, 0.3, 0.05], "normalized_mutual_info": [0.9, 0.2, 0.6, 0.1]})
    null = pd.DataFrame({"adjusted_rand": np.linspace(-0.1, 0.2, 101),
                         "normalized_mutual_info": np.linspace(0.0, 0.5, 101)})
    table = agreement_summary(per_seed, null).set_index("metric")
    ari = table.loc["adjusted_rand"]
    assert ari["null_quantile"] == pytest.approx(np.quantile(null["adjusted_rand"], 0.95), abs=1e-4)
    assert ari["seeds_above"] == 2 and ari["share_above"] == 0.5 and ari["seeds"] == 4
    assert ari["median"] == pytest.approx(0.2) and ari["min"] == 0.05 and ari["max"] == 0.5
    assert table.loc["normalized_mutual_info", "seeds_above"] == 2
    assert agreement_summary(per_seed, null, level=0.5).loc[0, "seeds_above"] == 3


def test_clusters_of_clear_subjects_beat_the_null_in_every_seed_and_random_ones_rarely():
    clear = agreement_summary(*seed_agreement(TRUTH, CLUSTERED, 3, "kmeans", range(20), 20)[:2]).set_index("metric")
    noise = agreement_summary(*seed_agreement(TRUTH, RANDOM, 3, "kmeans", range(20), 20)[:2]).set_index("metric")
    assert clear.loc["adjusted_rand", "seeds_above"] == 20 and clear.loc["adjusted_rand", "median"] == 1.0
    assert noise.loc["adjusted_rand", "seeds_above"] <= 5


def test_representative_seed_is_the_one_most_like_the_others():
    labels = np.array([[0, 0, 1, 1, 2, 2], [0, 0, 1, 1, 2, 2], [0, 1, 0, 1, 2, 2], [0, 0, 1, 1, 2, 2]])
    assert representative_seed(labels, [3, 5, 8, 9]) == 3
    assert representative_seed(labels[[2, 1]], [8, 5]) == 5   # a tie goes to the smaller seed
    with pytest.raises(ValueError, match="2 seeds but 3"):
        representative_seed(labels[:3], [1, 2])


# --- naming the clusters ---------------------------------------------------------------------

def test_clusters_are_named_by_distinctive_terms_with_their_sections_and_a_typical_passage(tiny):
    texts, matrix = tiny
    fit = fit_topics(matrix, 2, "kmeans", seed=0)
    table = name_clusters(fit, texts, name_terms=2, n_terms=4, width=40)
    assert list(table.columns) == ["topic", "name", "segments", "sections", "heaviest_terms", "typical", "text"]
    assert list(table["topic"]) == [0, 1] and list(table["segments"]) == [3, 3]
    drugs = table[table["heaviest_terms"].str.contains("cocaine")].iloc[0]
    assert drugs["sections"] == "§1×3" and "cyber" not in drugs["name"]
    assert drugs["typical"].startswith("p") and len(drugs["text"]) <= 40
    assert all(len(name.split(" / ")) == 2 for name in table["name"])


def test_a_term_heavy_in_every_topic_does_not_name_them():
    fit = fit_topics(toy_matrix(np.array([[5, 3, 0], [5, 3, 0], [5, 0, 3], [5, 0, 3]])), 2, "kmeans", seed=0)
    names = distinctive_terms(fit, n=2)
    assert all("t00" not in terms for terms in names.values())
    assert sorted(t for terms in names.values() for t in terms) == ["t01", "t02"]


# --- plain statements ------------------------------------------------------------------------

CURVE = pd.DataFrame({"k": [2, 3, 4], "stability": [0.5, 0.9, 0.6], "stability_se": [0.05, 0.02, 0.05],
                      "null_stability": [0.2, 0.3, 0.4], "null_se": [0.02, 0.02, 0.02], "excess": [0.3, 0.6, 0.2],
                      "excess_se": [0.05, 0.03, 0.05], "silhouette": [0.1, 0.3, 0.2], "chosen": [False, True, False]})


def test_describe_choice_says_where_k_lies_and_whether_the_excess_is_beyond_the_noise():
    text = describe_choice("paragraphs", CURVE, 3)
    assert text.startswith("paragraphs: k = 3 (inside the grid 2–4)")
    assert "an excess of 0.60 ± 0.03 (20.0 standard errors)" in text
    assert "3 of the 3 values of k exceed the shuffled terms" in text and "peaks at 0.90 (k = 3)" in text
    assert "1 of the 3 values of k exceeds" in describe_choice("x", CURVE.assign(excess_se=[0.5, 0.03, 0.5]), 3)
    edge = describe_choice("sentences", CURVE.assign(excess=[0.3, 0.04, 0.2]), 4)
    assert "the highest k of the grid 2–4, so a k beyond the grid might fit better" in edge
    assert "within the noise" in describe_choice("x", CURVE.assign(excess_se=0.5), 3)


def test_describe_agreement_counts_seeds_against_chance():
    summary = pd.DataFrame({"metric": ["adjusted_rand"], "seeds": [20], "median": [0.05], "min": [-0.01],
                            "max": [0.2], "null_quantile": [0.06], "seeds_above": [7]})
    assert describe_agreement("paragraphs", 4, summary) == (
        "paragraphs, k = 4, ARI: median 0.050 (seeds -0.010 to 0.200); 7 of 20 seeds above the null's 95% "
        "quantile 0.060, where chance alone would put about 1.")


def comparison_rows(paragraph_excess=0.08, sentence_excess=0.05, above=(7, 7)):
    rows = []
    for unit, excess, seeds_above, size in [("paragraphs", paragraph_excess, above[0], (33, 1, 5, 1, 25)),
                                            ("sentences", sentence_excess, above[1], (62, 3, 10, 0, 14))]:
        rows.append({"unit": unit, "segments": size[0], "smallest_section": size[1], "largest_section": size[2],
                     "single_segment_sections": size[3], "median_terms": size[4], "k": 4, "excess": excess,
                     "excess_se": 0.05, "ari_median": 0.05, "ari_null_quantile": 0.06 if size[0] < 50 else 0.03,
                     "ari_seeds_above": seeds_above, "seeds": 20})
    return pd.DataFrame(rows)


def test_reading_states_each_units_result_and_the_conclusion_from_the_numbers():
    text = reading(comparison_rows())
    assert "- paragraphs: 33 passages, 1 to 5 per section. At k = 4 the clusters are no more stable" in text
    assert "7 of 20 seeds agree with the sections beyond the null, median ARI 0.05." in text
    assert ("the permutation null is narrower (its quantile of ARI 0.030 against 0.060), and each sentence carries "
            "fewer terms (14 against 25, medians)") in text
    assert "as stable beyond shuffled terms as the paragraphs', within the noise, and as many" in text
    assert "So: no unit gives clusters that are both stable" in text
    strong = reading(comparison_rows(paragraph_excess=0.3, sentence_excess=0.02, above=(20, 3)))
    assert "- paragraphs: 33 passages, 1 to 5 per section. At k = 4 the clusters are more stable" in strong
    assert "less stable beyond shuffled terms than the paragraphs'" in strong and "fewer of their seeds" in strong
    assert "So: the paragraphs clusters are stable beyond the noise and agree with the sections in every seed" in strong


def test_unit_comparison_and_profile(nl_2021):
    texts, left_out, matrix = nl_2021
    profile = unit_profile(texts, left_out, matrix)
    assert profile["segments"] == 33 and profile["left_out"] == 8 and profile["sections"] == 9
    assert profile["smallest_section"] == 1 and profile["single_segment_sections"] == 1
    summary = pd.DataFrame({"metric": ["adjusted_rand", "normalized_mutual_info"], "seeds": [20, 20],
                            "median": [0.05, 0.3], "null_quantile": [0.06, 0.3], "seeds_above": [7, 8]})
    table = unit_comparison({"paragraphs": profile}, {"paragraphs": (CURVE, 3)}, {"paragraphs": summary})
    row = table.iloc[0]
    assert row["unit"] == "paragraphs" and row["k"] == 3 and row["excess"] == 0.6
    assert row["ari_seeds_above"] == 7 and row["nmi_seeds_above"] == 8 and row["seeds"] == 20
    assert row["ari_null_quantile"] == 0.06


# --- figures ---------------------------------------------------------------------------------

def test_stability_figure_has_a_stability_and_a_silhouette_panel_per_unit():
    fig = plot_stability({"paragraphs": CURVE, "sentences": CURVE.assign(chosen=[True, False, False])}, "title")
    titles = [ax.get_title() for ax in fig.axes]
    assert titles[:2] == ["paragraphs: chosen k = 3 (grid 2–4)", "sentences: chosen k = 2 (lowest k of the grid)"]
    assert len(fig.axes) == 4 and fig.axes[2].get_xlabel() == "number of clusters k"


def test_agreement_figure_counts_the_seeds_above_the_line_in_each_panel():
    per_seed = pd.DataFrame({"adjusted_rand": [0.5, 0.1], "normalized_mutual_info": [0.9, 0.2]})
    null = pd.DataFrame({"adjusted_rand": np.linspace(-0.1, 0.2, 50), "normalized_mutual_info": np.linspace(0, 0.5, 50)})
    summary = agreement_summary(per_seed, null)
    fig = plot_agreement({"paragraphs": per_seed}, {"paragraphs": null}, {"paragraphs": summary}, "title")
    assert [ax.get_title() for ax in fig.axes] == ["paragraphs: 1 of 2 seeds above the line"] * 2


# --- the full 2021 Dutch text -----------------------------------------------------------------

# What notebook 03 reports for the paragraphs: agreement with the sections beyond the permutation null depends
# on the seed (some seeds beat the null's 95th percentile, not all). If a change moves this, this test says so.
def test_agreement_of_the_2021_paragraphs_with_the_sections_depends_on_the_seed(nl_2021):
    texts, _, matrix = nl_2021
    per_seed, null, _ = seed_agreement(texts["section_no"], matrix, 4, "kmeans", range(20), 50)
    ari = agreement_summary(per_seed, null).set_index("metric").loc["adjusted_rand"]
    assert 0 < ari["seeds_above"] < 20
    assert ari["max"] < 0.5


def test_stability_curve_leaves_out_the_k_a_short_text_cannot_hold(tiny):
    _, matrix = tiny
    table, k = stability_curve(matrix, [2, 3, 4, 20], "kmeans", n_subsamples=3, null_copies=2)
    assert list(table["k"]) == [2, 3, 4] and k in (2, 3, 4)
    with pytest.raises(ValueError, match="K_CANDIDATES"):
        stability_curve(matrix, [10, 20], "kmeans", n_subsamples=3, null_copies=2)
