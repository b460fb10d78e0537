"""How stable a clustering of passages is: subsample stability against shuffled-term copies, and the k it chooses.

For each k the model of :mod:`valduchesse.topics` is refitted on repeated random
subsamples of the segments, and the **subsample stability** is the mean
adjusted Rand index (ARI) between every two refits, on the segments the two
subsamples share (:func:`subsample_stability`). The same is done on a
structureless copy of the matrix (:func:`shuffled_terms`), and
:func:`stability_curve` chooses k by the one-standard-error rule
(:func:`one_standard_error_choice`). The partition scores (ARI, NMI) are
here too.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import normalize

from .terms import TermMatrix
from .topics import DECIMALS, check_fit_arguments, cluster_rows, one_thread

__all__ = [
    "NULL_COPIES", "NULL_SUBSAMPLES", "STABILITY_SUBSAMPLES", "SUBSAMPLE_FRACTION", "SubsampleStability",
    "adjusted_rand", "contingency", "cosine_silhouette_rows", "grid_position", "normalized_mutual_info",
    "one_standard_error_choice", "pair_counts",
    "shuffled_terms", "stability_curve", "subsample_indices", "subsample_stability",
]


# --- Clustering judged honestly: subsample stability, seeds against a null, named clusters ------------

STABILITY_SUBSAMPLES = 10
SUBSAMPLE_FRACTION = 0.8
NULL_COPIES = 4
NULL_SUBSAMPLES = 4
"""Structureless copies for :func:`stability_curve`, and the subsamples refitted on each."""


def adjusted_rand(a, b) -> float:
    """Adjusted Rand index of two labellings: scikit-learn's ``adjusted_rand_score``, computed faster.

    The same pair-counting formula (Hubert and Arabie 1985) in integers, so
    the value is identical; about forty times faster on a few dozen labels,
    which matters for the thousands of comparisons of a stability curve and a
    permutation null. 1 = the same partition, about 0 = chance, negative =
    worse than chance.

    Parameters
    ----------
    a, b : array-like, 1-D
        The two labellings of the same items (any labels that numpy can sort).

    Returns
    -------
    float
        The adjusted Rand index (1.0 when the two partitions are the same).

    Raises
    ------
    ValueError
        If the labellings differ in length (:func:`contingency`).
    """
    pairs = pair_counts(a, b)
    tn, fp, fn, tp = pairs
    if fn == 0 and fp == 0:
        return 1.0
    return 2.0 * (tp * tn - fn * fp) / ((tp + fn) * (fn + tn) + (tp + fp) * (fp + tn))


def pair_counts(a, b) -> tuple[int, int, int, int]:
    """Pairs of items (ordered, as scikit-learn counts them) by whether the two labellings put them together.

    Parameters
    ----------
    a, b : array-like, 1-D
        The two labellings of the same items.

    Returns
    -------
    tuple of int
        ``(tn, fp, fn, tp)``: pairs apart in both labellings, together only in
        ``b``, together only in ``a``, together in both.
    """
    table = contingency(a, b)
    n = int(table.sum())
    both = int((table.astype(np.int64) ** 2).sum())
    in_a = int((table.sum(axis=1).astype(np.int64) ** 2).sum())
    in_b = int((table.sum(axis=0).astype(np.int64) ** 2).sum())
    tp, fp, fn = both - n, in_b - both, in_a - both
    return n * n - fp - fn - both, fp, fn, tp


def contingency(a, b) -> np.ndarray:
    """Counts of items per (label in ``a``, label in ``b``).

    Parameters
    ----------
    a, b : array-like, 1-D
        The two labellings of the same items.

    Returns
    -------
    ndarray of int64, shape (labels in a, labels in b)
        Rows and columns in the sorted order of the labels.

    Raises
    ------
    ValueError
        If the lengths differ (or a labelling is not 1-D).
    """
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape or a.ndim != 1:
        raise ValueError(f"{a.size} reference labels but {b.size} predicted labels")
    _, rows = np.unique(a, return_inverse=True)
    _, columns = np.unique(b, return_inverse=True)
    height, width = (rows.max() + 1, columns.max() + 1) if rows.size else (0, 0)
    return np.bincount(rows * width + columns, minlength=height * width).reshape(height, width).astype(np.int64)


def normalized_mutual_info(a, b) -> float:
    """Normalised mutual information: scikit-learn's ``normalized_mutual_info_score``, computed faster.

    Normalised by the arithmetic mean of the two entropies, as scikit-learn defines it.

    1 = the same partition; 0 = independent. Unlike the ARI it is not
    corrected for chance: it is above 0 for random labels on few items, more
    so with many clusters, which is why it is read against a permutation null.

    Parameters
    ----------
    a, b : array-like, 1-D
        The two labellings of the same items.

    Returns
    -------
    float
        The NMI: 1.0 if both labellings have a single label, 0.0 if only one of
        them has.
    """
    table = contingency(a, b)
    if table.shape[0] == table.shape[1] <= 1:
        return 1.0
    if min(table.shape) == 1:
        return 0.0
    n = table.sum()
    joint = table[table > 0] / n
    p_a, p_b = table.sum(axis=1) / n, table.sum(axis=0) / n
    outer = np.outer(p_a, p_b)[table > 0]
    mi = float(np.sum(joint * np.log(joint / outer)))
    if mi <= 0:
        return 0.0
    h_a, h_b = -np.sum(p_a * np.log(p_a)), -np.sum(p_b * np.log(p_b))
    return float(mi / ((h_a + h_b) / 2))


def subsample_indices(n: int, n_subsamples: int = STABILITY_SUBSAMPLES, fraction: float = SUBSAMPLE_FRACTION,
                      seed: int = 0) -> list[np.ndarray]:
    """``n_subsamples`` random subsets of ``round(fraction * n)`` of the ``n`` rows, each sorted.

    Drawn without replacement within a subset, independently between subsets,
    with ``numpy.random.default_rng(seed)``.

    Parameters
    ----------
    n : int
        How many rows there are.
    n_subsamples : int
        How many subsets (at least 2).
    fraction : float
        The share of the rows in each subset, in (0, 1]; a subset must hold at
        least 2 rows.
    seed : int
        The random generator's seed.

    Returns
    -------
    list of ndarray of int
        The row numbers of each subset.

    Raises
    ------
    ValueError
        For a fraction or a number of subsets that cannot be used.
    """
    size = int(round(fraction * n))
    if not 0 < fraction <= 1 or size < 2:
        raise ValueError(f"a fraction {fraction} of {n} segments leaves {size}: a subsample needs at least 2")
    if n_subsamples < 2:
        raise ValueError("stability compares subsamples: draw at least 2")
    rng = np.random.default_rng(seed)
    return [np.sort(rng.choice(n, size, replace=False)) for _ in range(n_subsamples)]


@dataclass(frozen=True)
class SubsampleStability:
    """How far refits on subsamples agree, for one k.

    Attributes
    ----------
    k : int
    labels : ndarray, shape (n_subsamples, n_segments)
        Each refit's cluster of each segment; -1 where the segment was not in
        that subsample.
    pair_ari : ndarray
        The ARI of every two refits on the segments both subsamples hold, in
        the order of ``itertools.combinations``.
    silhouettes : ndarray
        Each refit's mean cosine silhouette on its own subsample (NaN if it
        used one cluster only).
    """

    k: int
    labels: np.ndarray
    pair_ari: np.ndarray
    silhouettes: np.ndarray

    @property
    def stability(self) -> float:
        """Mean pairwise ARI: 1 = every refit gives the same clusters on the shared segments; about 0 = chance."""
        return float(np.mean(self.pair_ari))

    @property
    def standard_error(self) -> float:
        """Jackknife standard error of :attr:`stability` over the subsamples.

        Leaving out subsample ``i`` leaves the mean ARI of the pairs without
        ``i``, ``s_i``; the standard error is
        ``sqrt((B - 1) / B * sum((s_i - mean(s))²))`` over the ``B``
        subsamples. It says how much the stability would move with another
        draw of subsamples. NaN with fewer than 3 subsamples.
        """
        count = len(self.labels)
        if count < 3:
            return float("nan")
        first, second = np.array(list(combinations(range(count), 2))).T
        left_out = np.array([self.pair_ari[(first != i) & (second != i)].mean() for i in range(count)])
        return float(np.sqrt((count - 1) / count * np.sum((left_out - left_out.mean()) ** 2)))


def subsample_stability(matrix: TermMatrix, k: int, method: str = "kmeans",
                        n_subsamples: int = STABILITY_SUBSAMPLES, fraction: float = SUBSAMPLE_FRACTION,
                        seed: int = 0, silhouettes: bool = True) -> SubsampleStability:
    """Refit ``k`` clusters on random subsamples of the segments and measure how far the refits agree.

    Subsample ``b`` is fitted with ``random_state = seed + b``, so that both
    the passages and the random start change from refit to refit (refits with
    one start on the same passages would measure only the optimiser). Every
    two refits are compared by the ARI of their labels on the segments both
    subsamples hold (about ``fraction²`` of them). The TF-IDF weights are
    those of the whole matrix: what is resampled is the passages, not the
    vocabulary.

    Parameters
    ----------
    matrix : TermMatrix
        One row per segment (:func:`valduchesse.terms.term_matrix`).
    k : int
        The number of clusters; below the number of segments in a subsample.
    method : {"kmeans", "nmf"}
        The model (:func:`valduchesse.topics.cluster_rows`).
    n_subsamples : int
        How many subsamples are refitted (:func:`subsample_indices`).
    fraction : float
        The share of the segments each subsample keeps.
    seed : int
        Seeds the subsamples and, plus the subsample's number, each refit.
    silhouettes : bool
        If False, the silhouettes are skipped (left NaN), which
        :func:`stability_curve` does for the structureless copies.

    Returns
    -------
    SubsampleStability
        Its ``stability`` is the mean of ``pair_ari``.

    Raises
    ------
    ValueError
        For an unknown method, a k the subsamples cannot hold, or subsamples
        that cannot be drawn.
    """
    n = len(matrix.doc_ids)
    check_fit_arguments(matrix, k, method, require_terms=False)
    subsets = subsample_indices(n, n_subsamples, fraction, seed)
    if k > len(subsets[0]) - 1:
        raise ValueError(f"k = {k} clusters for subsamples of {len(subsets[0])} segments: choose k below "
                         f"{len(subsets[0])}")
    features = normalize(matrix.tfidf).toarray()
    labels = np.full((n_subsamples, n), -1, dtype=int)
    scores = np.full(n_subsamples, np.nan)
    with one_thread():
        for b, rows in enumerate(subsets):
            fitted = cluster_rows(features[rows], k, method, seed + b)[0]
            labels[b, rows] = fitted
            if silhouettes:
                scores[b] = cosine_silhouette_rows(features[rows], fitted)
    pair_ari = []
    for first, second in combinations(range(n_subsamples), 2):
        shared = (labels[first] >= 0) & (labels[second] >= 0)
        pair_ari.append(adjusted_rand(labels[first, shared], labels[second, shared]))
    return SubsampleStability(k, labels, np.array(pair_ari), scores)


def cosine_silhouette_rows(features: np.ndarray, labels: np.ndarray) -> float:
    """Mean cosine silhouette of ``labels`` on the rows ``features``.

    Parameters
    ----------
    features : ndarray, shape (n_rows, n_features)
        The rows clustered (dense).
    labels : ndarray of int
        Each row's cluster.

    Returns
    -------
    float
        scikit-learn's ``silhouette_score`` with the cosine metric; NaN with one
        cluster, one cluster per row, or a row of zeros.
    """
    used = len(np.unique(labels))
    if not 2 <= used <= len(labels) - 1 or not np.all(np.linalg.norm(features, axis=1) > 0):
        return float("nan")
    return float(silhouette_score(features, labels, metric="cosine"))


def shuffled_terms(matrix: TermMatrix, seed: int = 0) -> TermMatrix:
    """A structureless copy of ``matrix``: each term's counts shuffled across the segments.

    Every term keeps how often and in how many segments it occurs, so the
    copy has the same size, sparsity and vocabulary, but which terms occur
    together in a segment is left to chance: any cluster found in it is an
    artefact of the method and of the matrix's shape. TF-IDF is recomputed as
    :func:`valduchesse.terms.term_matrix` computes it (scikit-learn's
    ``TfidfTransformer`` with its defaults). A segment may by chance be left
    with no term; it then sits at the origin.

    Parameters
    ----------
    matrix : TermMatrix
        The matrix to copy.
    seed : int
        Shuffled with ``numpy.random.default_rng(seed)``, one term (column)
        after the other.

    Returns
    -------
    TermMatrix
        The copy, with the same ids and terms; its totals are the copy's own
        row sums.
    """
    rng = np.random.default_rng(seed)
    counts = matrix.counts.toarray()
    for column in range(counts.shape[1]):
        counts[:, column] = rng.permutation(counts[:, column])
    counts = sparse.csr_matrix(counts)
    tfidf = TfidfTransformer().fit_transform(counts).tocsr()
    return TermMatrix(list(matrix.doc_ids), matrix.terms, counts, tfidf, np.asarray(counts.sum(axis=1)).ravel())


def stability_curve(matrix: TermMatrix, ks, method: str = "kmeans", n_subsamples: int = STABILITY_SUBSAMPLES,
                    fraction: float = SUBSAMPLE_FRACTION, seed: int = 0, null_copies: int = NULL_COPIES,
                    null_subsamples: int = NULL_SUBSAMPLES) -> tuple[pd.DataFrame, int]:
    """Subsample stability for each k in ``ks``, next to that of structureless data, and the k it chooses.

    For each k, :func:`subsample_stability` on ``matrix`` and on
    ``null_copies`` structureless copies of it (:func:`shuffled_terms` with
    seeds ``seed``, ``seed + 1``, …), each copy refitted on its first
    ``null_subsamples`` of the same subsamples with the same starts.
    Stability rises with k even on structureless data (small clusters of
    passages that share a rare word are easy to find again), so the raw
    curve would favour the largest k of any grid; what the text's structure
    adds is the ``excess`` of its stability over the structureless one.

    Uncertainty: ``stability_se`` is the jackknife standard error over the
    text's subsamples (:attr:`SubsampleStability.standard_error`);
    ``null_se`` is the standard deviation of the copies' stabilities divided
    by the square root of their number, so that it holds both the shuffling
    and the subsampling; ``excess_se`` combines the two as if independent.

    **Rule** (the one-standard-error rule of Breiman et al. 1984, applied to
    the excess; :func:`one_standard_error_choice`): the smallest k whose
    excess is at least the largest excess minus the standard error *of that
    largest excess*. A larger k must be more stable by more than the noise
    of the subsampling to be preferred. Values are rounded to 4 places before
    they are compared; the result is the same on every run.
    Whether the chosen k lies at an end of ``ks`` is for the caller to say
    (:func:`grid_position`). Values of k that a subsample cannot hold (k at
    least the number of passages in a subsample) are left out of the table.

    Parameters
    ----------
    matrix : TermMatrix
        One row per segment (:func:`valduchesse.terms.term_matrix`).
    ks : iterable of int
        The numbers of clusters tried (each at least 2).
    method : {"kmeans", "nmf"}
        The model.
    n_subsamples : int
        Refits per k on the text (subsamples and starts drawn from ``seed``).
    fraction : float
        The share of the segments each subsample keeps.
    seed : int
        Seeds the subsamples, the refits and the copies.
    null_copies : int
        How many structureless copies (at least 2).
    null_subsamples : int
        Refits per k on each copy.

    Returns
    -------
    table : DataFrame
        One row per k, sorted: ``stability`` (mean pairwise ARI),
        ``stability_se``, ``stability_q25`` and ``stability_q75`` (quartiles
        of the pairwise ARIs), ``null_stability`` (mean over the copies),
        ``null_se``, ``excess`` (``stability - null_stability``),
        ``excess_se``, ``silhouette`` (mean cosine silhouette of the text's
        refits, each on its subsample) and ``chosen``.
    k : int
        The chosen number of clusters.

    Raises
    ------
    ValueError
        For no k of 2 or more, no k that fits the subsamples, or fewer than 2
        copies.
    """
    ks = sorted({int(k) for k in ks})
    if not ks or ks[0] < 2:
        raise ValueError(f"choose k among 2 or more clusters (stability needs at least 2); got {ks}")
    size = len(subsample_indices(matrix.tfidf.shape[0], 2, fraction, seed)[0])
    fitting = [k for k in ks if k < size]
    if not fitting:
        raise ValueError(f"none of the numbers of clusters {ks} fits subsamples of {size} passages: give numbers "
                         f"from 2 to {size - 1} (the notebooks' parameter K_CANDIDATES), or a longer text")
    ks = fitting  # a text of few passages cannot have as many clusters: the larger k are left out
    if null_copies < 2:
        raise ValueError("the structureless stability's standard error needs at least 2 copies")
    copies = [shuffled_terms(matrix, seed + c) for c in range(null_copies)]
    rows = []
    for k in ks:
        observed = subsample_stability(matrix, k, method, n_subsamples, fraction, seed)
        structureless = np.array([
            subsample_stability(copy, k, method, null_subsamples, fraction, seed, silhouettes=False).stability
            for copy in copies])
        null_se = float(structureless.std(ddof=1) / np.sqrt(null_copies))
        low, high = np.quantile(observed.pair_ari, [0.25, 0.75])
        finite = observed.silhouettes[np.isfinite(observed.silhouettes)]
        rows.append({"k": k, "stability": observed.stability, "stability_se": observed.standard_error,
                     "stability_q25": low, "stability_q75": high, "null_stability": float(structureless.mean()),
                     "null_se": null_se, "excess": observed.stability - float(structureless.mean()),
                     "excess_se": float(np.hypot(observed.standard_error, null_se)),
                     "silhouette": float(finite.mean()) if finite.size else float("nan")})
    table = pd.DataFrame(rows).round(DECIMALS)
    chosen = one_standard_error_choice(table)
    table["chosen"] = table["k"] == chosen
    return table, chosen


def one_standard_error_choice(table: pd.DataFrame, score: str = "excess", error: str = "excess_se") -> int:
    """The one-standard-error rule (Breiman et al. 1984): the smallest k within one standard error of the best.

    The best row is the one with the largest ``score`` (the smallest k among
    ties); its standard error (``error``; 0 if missing) sets the margin: the
    rule returns the smallest ``k`` whose ``score`` is at least the best score
    minus that one standard error. Each k's own standard error plays no part.
    Scores and threshold are rounded to :data:`~valduchesse.topics.DECIMALS`
    places before they are compared.

    Parameters
    ----------
    table : DataFrame
        Columns ``k``, ``score`` and ``error``, e.g. :func:`stability_curve`'s table.
    score : str
        The column to maximise.
    error : str
        The column holding each score's standard error.

    Returns
    -------
    int
        The chosen k.

    Raises
    ------
    ValueError
        If the table is empty or every score is missing.
    """
    if table.empty:
        raise ValueError("no value of k to choose from")
    best = table.loc[table[score].idxmax()] if table[score].notna().any() else None
    if best is None:
        raise ValueError(f"every {score} is missing: nothing to choose from")
    margin = 0.0 if pd.isna(best[error]) else float(best[error])
    threshold = round(float(best[score]) - margin, DECIMALS)
    return int(table.loc[table[score].round(DECIMALS) >= threshold, "k"].min())


def grid_position(ks, k: int) -> str:
    """Where ``k`` lies on the grid ``ks``, in words for a printout.

    Parameters
    ----------
    ks : iterable of int
        The values of k tried.
    k : int
        The chosen value.

    Returns
    -------
    str
        ``"lowest"`` or ``"highest"`` if ``k`` is the smallest or largest of
        ``ks``, else ``"inside"``.
    """
    ks = sorted(ks)
    if k == ks[0]:
        return "lowest"
    if k == ks[-1]:
        return "highest"
    return "inside"
