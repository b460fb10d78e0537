"""Topics within one text: cluster its paragraphs (or sentences) by the terms they use.

What it is for: to see which subjects a long declaration is made of without
reading its headings, and to check how far a clustering of the passages
agrees with the text's own sections. It works within one language, on the
TF-IDF matrix of :func:`valduchesse.terms.term_matrix`, with fixed seeds.

The method, step by step:

1. :func:`segment_texts` turns a paragraph or sentence table of
   :mod:`valduchesse.segment` into a table of texts with one id per segment
   (``<doc_id>#p12``, ``<doc_id>#s30``), ready for ``term_matrix``. Heading
   lines are left out by default (they are section titles, not passages, and
   would make a comparison with the sections circular); what is left out is
   returned in a second table, never dropped silently.
2. :func:`fit_topics` fits one of two standard models to the TF-IDF rows:

   * ``"nmf"``: non-negative matrix factorisation (scikit-learn's ``NMF``,
     ``init="nndsvda"``); a segment's topic is its dominant component, with
     that component's weight.
   * ``"kmeans"``: k-means (``KMeans``, ``n_init=10``) on the L2-normalised
     rows, i.e. spherical-like clustering by cosine; a segment's topic is its
     cluster, with its Euclidean distance to the cluster centre.

3. :func:`stability_curve` chooses the number of clusters from the data:
   for each k the model is refitted on repeated random subsamples of the
   segments (80 % by default), each refit with its own seed, and the
   **subsample stability** is the mean adjusted Rand index (ARI) between every
   two refits, on the segments the two subsamples share
   (:func:`subsample_stability`). The same is done on a structureless copy
   of the matrix (:func:`shuffled_terms`: each term's counts shuffled across
   segments), because stability rises with k even without any structure; the
   k chosen is the smallest whose excess over the structureless stability is
   at least the largest excess minus the standard error of that largest
   excess (the one-standard-error rule, :func:`one_standard_error_choice`).
4. :func:`seed_agreement` and :func:`agreement_summary` compare the clusters
   with a reference labelling (the section numbers) over many seeds, each
   seed's ARI and normalised mutual information (NMI) against a permutation
   null (the seeds' labels shuffled), and count the seeds that beat the
   null's 95th percentile: one seed's score alone can be luck.
5. :func:`name_clusters` names each cluster by its most distinctive terms
   (:func:`distinctive_terms`), lists its heaviest (:func:`topic_terms`) and
   shows its most typical passage (:func:`typical_passages`), for the seed
   most like the others (:func:`representative_seed`).
6. :func:`describe_choice`, :func:`describe_agreement` and :func:`reading`
   state the results in words, every number and verdict computed from the
   tables, so that a notebook's prose cannot drift from its outputs.

Why subsamples: with ``init="nndsvda"`` NMF depends on the seed only through
the randomised SVD of its start, so its stability across seeds on all
passages is often 1.0 whatever the data; only refits on subsamples measure
how far the clusters depend on the passages.

Every table is rounded to 4 places and sorted, so it prints the same on every
run. k-means runs on one thread (:func:`one_thread`), which is also faster on
matrices this small.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from itertools import combinations

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.cluster import KMeans
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import normalize
from threadpoolctl import threadpool_limits

from .terms import TermMatrix, term_matrix
from .tokens import single_language

__all__ = [
    "DECIMALS", "METHODS", "NMF_MAX_ITER", "NULL_COPIES", "NULL_LEVEL", "NULL_SUBSAMPLES", "SCORE_NAMES",
    "STABILITY_SUBSAMPLES", "SUBSAMPLE_FRACTION", "SubsampleStability", "TopicFit", "adjusted_rand",
    "agreement_summary", "check_fit_arguments", "cluster_rows", "contingency", "cosine_silhouette",
    "cosine_silhouette_rows", "describe_agreement", "describe_choice", "distinctive_terms", "fit_topics",
    "grid_position", "name_clusters", "normalized_mutual_info", "one_thread", "pair_counts", "reading",
    "representative_seed", "seed_agreement", "segment_ids", "segment_texts", "shuffled_terms", "stability_curve",
    "subsample_indices", "subsample_stability", "term_counts", "topic_terms", "typical_passages", "unit_comparison",
    "unit_profile",
]

METHODS = ("nmf", "kmeans")
NMF_MAX_ITER = 5000
"""Enough for NMF to converge without a ConvergenceWarning: on every language of this corpus,
paragraphs or sentences, k from 2 to 15 and seeds 0 to 4, it needed at most 684 iterations."""
DECIMALS = 4
SCORE_NAMES = {"nmf": "weight", "kmeans": "distance"}
"""What a segment's score is: the NMF weight of its topic, or the distance to its k-means centre."""


def segment_texts(segments: pd.DataFrame, drop_headings: bool = True) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Give each segment its own id, so that a segment table can go into ``term_matrix``.

    Parameters
    ----------
    segments : DataFrame
        Paragraphs or sentences from :mod:`valduchesse.segment` (columns
        ``doc_id``, ``paragraph_no``, maybe ``sentence_no``, ``language``,
        ``text``, …), in one language.
    drop_headings : bool
        Leave out the numbered heading lines, flagged ``is_heading`` in
        paragraph and sentence tables (default True).

    Returns
    -------
    texts : DataFrame
        The kept segments, in reading order, with every column of
        ``segments``: ``doc_id`` becomes the segment id
        (``<doc_id>#p<paragraph_no>`` for paragraphs, ``<doc_id>#s<sentence_no>``
        for sentences) and the document's id moves to ``source_doc_id``.
    left_out : DataFrame
        The segments left out, with the same columns and a ``reason``:
        ``heading``, or ``no terms`` (nothing left after stop words are removed,
        so the segment could not be placed in any topic).
    """
    single_language(segments)
    table = segments.rename(columns={"doc_id": "source_doc_id"}).reset_index(drop=True)
    table.insert(0, "doc_id", segment_ids(table))
    reason = pd.Series("", index=table.index)
    reason[term_counts(table) == 0] = "no terms"
    if drop_headings:
        reason[table["is_heading"].astype(bool)] = "heading"
    kept = table[reason == ""].reset_index(drop=True)
    left_out = table[reason != ""].assign(reason=reason[reason != ""]).reset_index(drop=True)
    return kept, left_out


def term_counts(texts: pd.DataFrame) -> np.ndarray:
    """How many terms :func:`valduchesse.terms.term_matrix` finds in each text (0 where none at all)."""
    try:
        return term_matrix(texts).totals
    except ValueError:  # term_matrix refuses texts that hold no term at all
        return np.zeros(len(texts), dtype=int)


def segment_ids(segments: pd.DataFrame) -> list[str]:
    """``<doc_id>#s<sentence_no>`` for sentences, ``<doc_id>#p<paragraph_no>`` for paragraphs."""
    kind, column = ("s", "sentence_no") if "sentence_no" in segments.columns else ("p", "paragraph_no")
    return [f"{doc}#{kind}{no}" for doc, no in zip(segments["source_doc_id"], segments[column])]


@dataclass(frozen=True)
class TopicFit:
    """A fitted topic model of the rows of a :class:`~valduchesse.terms.TermMatrix`.

    Attributes
    ----------
    method, k, seed : str, int, int
        How it was fitted.
    doc_ids : list of str
        The segments, in the matrix's order.
    terms : ndarray
        The matrix's terms (columns of ``topic_term_weights``).
    labels : ndarray of int
        Each segment's topic, 0 to k-1.
    scores : ndarray of float
        NMF: the weight of the segment's topic; k-means: the segment's
        distance to its cluster centre (see :data:`SCORE_NAMES`).
    topic_term_weights : ndarray, shape (k, n_terms)
        NMF components, or k-means centres in the normalised TF-IDF space.
    objective : float
        NMF reconstruction error (Frobenius), or k-means inertia.
    """

    method: str
    k: int
    seed: int
    doc_ids: list[str]
    terms: np.ndarray
    labels: np.ndarray
    scores: np.ndarray
    topic_term_weights: np.ndarray
    objective: float

    @property
    def score_name(self) -> str:
        """``"weight"`` (NMF) or ``"distance"`` (k-means)."""
        return SCORE_NAMES[self.method]

    def assignments(self) -> pd.DataFrame:
        """One row per segment, in the matrix's order: ``doc_id``, ``topic`` and its weight or distance."""
        return pd.DataFrame(
            {"doc_id": self.doc_ids, "topic": self.labels, self.score_name: np.round(self.scores, DECIMALS)}
        )


def fit_topics(matrix: TermMatrix, k: int, method: str = "nmf", seed: int = 0) -> TopicFit:
    """Fit ``k`` topics to the TF-IDF rows of ``matrix`` with NMF or k-means.

    Parameters
    ----------
    matrix : TermMatrix
        From :func:`valduchesse.terms.term_matrix`, one row per segment.
    k : int
        Number of topics, from 1 to the number of segments.
    method : {"nmf", "kmeans"}
        ``"nmf"``: ``NMF(n_components=k, init="nndsvda", random_state=seed,
        max_iter=NMF_MAX_ITER)``, each segment in its dominant component.
        ``"kmeans"``: ``KMeans(n_clusters=k, n_init=10, random_state=seed)``
        on the L2-normalised rows.
    seed : int
        The ``random_state``.

    Returns
    -------
    TopicFit

    Raises
    ------
    ValueError
        For an unknown method, a k out of range, or a segment without any term
        of the matrix (it could not be placed; lower ``min_docs`` or
        ``min_count``, or leave the segment out).
    """
    check_fit_arguments(matrix, k, method)
    with one_thread():
        labels, scores, topics, objective = cluster_rows(normalize(matrix.tfidf), k, method, seed)
    return TopicFit(method, k, seed, list(matrix.doc_ids), matrix.terms, labels, scores, topics, objective)


@contextmanager
def one_thread():
    """Run scikit-learn's OpenMP loops (k-means) on one thread.

    On a few dozen segments threads cost more than they save, and one thread
    gives the same result on any machine.
    """
    with threadpool_limits(limits=1, user_api="openmp"):
        yield


def cluster_rows(features, k: int, method: str, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Fit ``method`` with ``k`` clusters to the L2-normalised rows ``features``.

    The one fitting step that :func:`fit_topics` and the subsample refits of
    :func:`subsample_stability` share. k-means runs on the dense rows (faster
    at this size; a text's passages fit in memory). Returns each row's label,
    its score (NMF weight or k-means distance), the topic-term weights and the
    objective (NMF reconstruction error, k-means inertia).
    """
    if method == "nmf":
        model = NMF(n_components=k, init="nndsvda", random_state=seed, max_iter=NMF_MAX_ITER)
        weights = model.fit_transform(features)
        labels = weights.argmax(axis=1)
        scores = weights[np.arange(len(labels)), labels]
        return labels.astype(int), scores, model.components_, float(model.reconstruction_err_)
    dense = features.toarray() if sparse.issparse(features) else np.asarray(features)
    model = KMeans(n_clusters=k, n_init=10, random_state=seed)
    distances = model.fit_transform(dense)
    labels = model.labels_
    scores = distances[np.arange(len(labels)), labels]
    return labels.astype(int), scores, model.cluster_centers_, float(model.inertia_)


def check_fit_arguments(matrix: TermMatrix, k: int, method: str, require_terms: bool = True) -> None:
    """Raise a clear ValueError if :func:`fit_topics` cannot fit these arguments.

    ``require_terms=False`` lets a segment without any term pass (the
    structureless copies of :func:`shuffled_terms` may hold one by chance).
    """
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; use one of {', '.join(METHODS)}")
    n = len(matrix.doc_ids)
    if not 1 <= k <= n:
        raise ValueError(f"k = {k} topics for {n} segments: choose k from 1 to {n}")
    empty = [d for d, size in zip(matrix.doc_ids, matrix.counts.getnnz(axis=1)) if size == 0]
    if empty and require_terms:
        raise ValueError(
            f"segment(s) {', '.join(empty)} hold no term of the matrix and cannot be placed in a topic: "
            "lower min_docs or min_count in term_matrix, or leave them out"
        )


def topic_terms(result: TopicFit, n: int = 8) -> pd.DataFrame:
    """The ``n`` heaviest terms of each topic.

    Returns ``topic``, ``rank`` (1 = heaviest), ``term`` and ``weight`` (NMF
    component weight, or the k-means centre's coordinate), rounded; terms of
    weight 0 are not listed. Ties are broken by term.
    """
    tables = []
    for topic, weights in enumerate(result.topic_term_weights):
        table = pd.DataFrame({"term": result.terms, "weight": np.round(weights, DECIMALS)})
        table = table[table["weight"] > 0].sort_values(["weight", "term"], ascending=[False, True]).head(n)
        table.insert(0, "rank", range(1, len(table) + 1))
        table.insert(0, "topic", topic)
        tables.append(table)
    return pd.concat(tables, ignore_index=True)


def typical_passages(result: TopicFit, segments: pd.DataFrame, n: int = 2, width: int = 200) -> pd.DataFrame:
    """The ``n`` segments most typical of each topic, to read what the topic is about.

    Among the segments of each topic, the most typical have the highest NMF
    weight, or the smallest distance to the k-means centre (ties broken by
    id). A topic with fewer segments shows all of them; a topic with none is
    not listed.

    Parameters
    ----------
    result : TopicFit
    segments : DataFrame
        The texts the matrix was made from (from :func:`segment_texts`),
        with the segment ids in ``doc_id``.
    n : int
        Segments per topic.
    width : int
        Texts longer than this are cut to ``width`` characters, ending in ``…``.

    Returns
    -------
    DataFrame
        ``topic``, ``rank``, ``doc_id``, ``section_no`` (where ``segments``
        has it), the weight or distance, and ``text``.
    """
    table = result.assignments().merge(segments, on="doc_id", how="left", validate="one_to_one")
    ascending = result.score_name == "distance"
    table = table.sort_values(["topic", result.score_name, "doc_id"], ascending=[True, ascending, True])
    table = table.groupby("topic", sort=True).head(n).copy()
    table.insert(1, "rank", table.groupby("topic").cumcount() + 1)
    table["text"] = [text if len(text) <= width else text[: width - 1] + "…" for text in table["text"]]
    columns = ["topic", "rank", "doc_id", *(["section_no"] if "section_no" in table.columns else []),
               result.score_name, "text"]
    return table[columns].reset_index(drop=True)


def cosine_silhouette(matrix: TermMatrix, labels: np.ndarray) -> float:
    """Mean cosine silhouette of a clustering of the TF-IDF rows; NaN if it has one cluster or one per segment."""
    used = len(np.unique(labels))
    if not 2 <= used <= len(labels) - 1:
        return float("nan")
    return float(silhouette_score(matrix.tfidf, labels, metric="cosine"))


# --- Clustering judged honestly: subsample stability, seeds against a null, named clusters ------------

STABILITY_SUBSAMPLES = 10
SUBSAMPLE_FRACTION = 0.8
NULL_COPIES = 4
NULL_SUBSAMPLES = 4
"""Structureless copies for :func:`stability_curve`, and the subsamples refitted on each."""
NULL_LEVEL = 0.95
"""The quantile of the permutation null that a seed's score must exceed to count as beating it."""


def adjusted_rand(a, b) -> float:
    """Adjusted Rand index of two labellings: scikit-learn's ``adjusted_rand_score``, computed faster.

    The same pair-counting formula (Hubert and Arabie 1985) in integers, so
    the value is identical; about forty times faster on a few dozen labels,
    which matters for the thousands of comparisons of a stability curve and a
    permutation null. 1 = the same partition, about 0 = chance, negative =
    worse than chance.
    """
    pairs = pair_counts(a, b)
    tn, fp, fn, tp = pairs
    if fn == 0 and fp == 0:
        return 1.0
    return 2.0 * (tp * tn - fn * fp) / ((tp + fn) * (fn + tn) + (tp + fp) * (fp + tn))


def pair_counts(a, b) -> tuple[int, int, int, int]:
    """Pairs of items (ordered, as scikit-learn counts them) apart in both labellings, together only in ``b``,
    together only in ``a``, together in both: ``(tn, fp, fn, tp)``."""
    table = contingency(a, b)
    n = int(table.sum())
    both = int((table.astype(np.int64) ** 2).sum())
    in_a = int((table.sum(axis=1).astype(np.int64) ** 2).sum())
    in_b = int((table.sum(axis=0).astype(np.int64) ** 2).sum())
    tp, fp, fn = both - n, in_b - both, in_a - both
    return n * n - fp - fn - both, fp, fn, tp


def contingency(a, b) -> np.ndarray:
    """Counts of items per (label in ``a``, label in ``b``); a ValueError if the lengths differ."""
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape or a.ndim != 1:
        raise ValueError(f"{a.size} reference labels but {b.size} predicted labels")
    _, rows = np.unique(a, return_inverse=True)
    _, columns = np.unique(b, return_inverse=True)
    height, width = (rows.max() + 1, columns.max() + 1) if rows.size else (0, 0)
    return np.bincount(rows * width + columns, minlength=height * width).reshape(height, width).astype(np.int64)


def normalized_mutual_info(a, b) -> float:
    """Normalised mutual information (arithmetic mean of the two entropies), as scikit-learn's
    ``normalized_mutual_info_score`` defines it, computed faster.

    1 = the same partition; 0 = independent. Unlike the ARI it is not
    corrected for chance: it is above 0 for random labels on few items, more
    so with many clusters, which is why it is read against a permutation null.
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

    Each of ``n_subsamples`` subsamples (:func:`subsample_indices` with
    ``seed``) keeps ``fraction`` of the segments; subsample ``b`` is fitted
    with ``random_state = seed + b``, so that both the passages and the
    random start change from refit to refit (refits with one start on the
    same passages would measure only the optimiser). Every two refits are
    compared by the ARI of their labels on the segments both subsamples hold
    (about ``fraction²`` of them). The TF-IDF weights are those of the whole
    matrix: what is resampled is the passages, not the vocabulary.
    ``silhouettes=False`` skips the silhouettes (left NaN), which
    :func:`stability_curve` does for the structureless copy.

    Returns
    -------
    SubsampleStability
        Its ``stability`` is the mean of ``pair_ari``.
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
    """Mean cosine silhouette of ``labels`` on the rows ``features``; NaN with one cluster or one per row."""
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
    ``TfidfTransformer`` with its defaults). Shuffled with
    ``numpy.random.default_rng(seed)``, one term (column) after the other.
    A segment may by chance be left with no term; it then sits at the origin.
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

    For each k, :func:`subsample_stability` on ``matrix`` (``n_subsamples``
    refits, subsamples and starts drawn from ``seed``) and on ``null_copies``
    structureless copies of it (:func:`shuffled_terms` with seeds ``seed``,
    ``seed + 1``, …), each refitted on its first ``null_subsamples`` of the
    same subsamples with the same starts. Stability rises with k even on
    structureless data (small clusters of passages that share a rare word are
    easy to find again), so the raw curve would favour the largest k of any
    grid; what the text's structure adds is the ``excess`` of its stability
    over the structureless one.

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

    Parameters
    ----------
    table : DataFrame
        Columns ``k``, ``score`` and ``error``, e.g. :func:`stability_curve`'s table.

    Returns
    -------
    int
        The chosen k.
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
    """Where ``k`` lies on the grid ``ks``: ``"lowest"``, ``"highest"`` or ``"inside"``, in words for a printout."""
    ks = sorted(ks)
    if k == ks[0]:
        return "lowest"
    if k == ks[-1]:
        return "highest"
    return "inside"


def seed_agreement(reference, matrix: TermMatrix, k: int, method: str = "kmeans", seeds=range(20),
                   n_shuffles: int = 50, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """Agreement of the clusters with a reference labelling, seed by seed, and its permutation null.

    For each seed in ``seeds``, :func:`fit_topics` on all segments, scored
    against ``reference`` (e.g. the section numbers) by ARI and NMI. The null:
    each seed's labels shuffled ``n_shuffles`` times
    (``numpy.random.default_rng(seed)``, seed after seed, shuffle after
    shuffle) and scored the same way, which keeps the number and sizes of
    its clusters; pooled, the null holds ``len(seeds) * n_shuffles`` values.

    Returns
    -------
    per_seed : DataFrame
        ``seed``, ``adjusted_rand``, ``normalized_mutual_info``, ``silhouette``
        (mean cosine silhouette on all segments), ``clusters_used``.
    null : DataFrame
        ``seed`` (whose labels were shuffled), ``shuffle``, ``adjusted_rand``,
        ``normalized_mutual_info``.
    labels : ndarray, shape (len(seeds), n_segments)
        Each seed's clusters, for :func:`representative_seed`.
    """
    reference = np.asarray(reference)
    if len(reference) != len(matrix.doc_ids):
        raise ValueError(f"{len(reference)} reference labels but {len(matrix.doc_ids)} segments")
    seeds = [int(s) for s in seeds]
    if len(set(seeds)) != len(seeds) or not seeds:
        raise ValueError(f"give distinct seeds; got {seeds}")
    fits = [fit_topics(matrix, k, method, s) for s in seeds]
    per_seed = pd.DataFrame({
        "seed": seeds,
        "adjusted_rand": [adjusted_rand(reference, fit.labels) for fit in fits],
        "normalized_mutual_info": [normalized_mutual_info(reference, fit.labels) for fit in fits],
        "silhouette": [cosine_silhouette(matrix, fit.labels) for fit in fits],
        "clusters_used": [len(np.unique(fit.labels)) for fit in fits],
    })
    rng = np.random.default_rng(seed)
    rows = []
    for s, fit in zip(seeds, fits):
        for shuffle in range(n_shuffles):
            shuffled = rng.permutation(fit.labels)
            rows.append({"seed": s, "shuffle": shuffle, "adjusted_rand": adjusted_rand(reference, shuffled),
                         "normalized_mutual_info": normalized_mutual_info(reference, shuffled)})
    null = pd.DataFrame(rows)
    return per_seed.round(DECIMALS), null.round(DECIMALS), np.array([fit.labels for fit in fits])


def agreement_summary(per_seed: pd.DataFrame, null: pd.DataFrame, level: float = NULL_LEVEL) -> pd.DataFrame:
    """The seeds' agreement against the null, one row per metric.

    Columns: ``seeds``; the seeds' ``median``, ``min`` and ``max``; the
    null's ``null_mean`` and its ``null_quantile`` at ``level`` (numpy's
    default, linear interpolation); ``seeds_above``, how many seeds score
    strictly above that quantile, and ``share_above`` (their share). If the
    clusters carried no information on the reference, about
    ``1 - level`` of the seeds would be above it.
    """
    rows = []
    for metric in ("adjusted_rand", "normalized_mutual_info"):
        values, baseline = per_seed[metric].to_numpy(), null[metric].to_numpy()
        threshold = float(np.quantile(baseline, level))
        above = int((values > threshold).sum())
        rows.append({"metric": metric, "seeds": len(values), "median": float(np.median(values)),
                     "min": float(values.min()), "max": float(values.max()), "null_mean": float(baseline.mean()),
                     "null_quantile": threshold, "seeds_above": above, "share_above": above / len(values)})
    return pd.DataFrame(rows).round(DECIMALS)


def representative_seed(labels: np.ndarray, seeds) -> int:
    """The seed whose clusters agree best, on average (ARI), with every other seed's; ties to the smaller seed.

    A clustering to name and read that is typical of the seeds, chosen
    without looking at the reference labelling.
    """
    seeds = list(seeds)
    if len(seeds) != len(labels):
        raise ValueError(f"{len(seeds)} seeds but {len(labels)} clusterings")
    if len(seeds) == 1:
        return int(seeds[0])
    scores = np.zeros(len(seeds))
    for i, j in combinations(range(len(seeds)), 2):
        value = adjusted_rand(labels[i], labels[j])
        scores[i] += value
        scores[j] += value
    order = sorted(range(len(seeds)), key=lambda i: (-round(scores[i] / (len(seeds) - 1), DECIMALS), seeds[i]))
    return int(seeds[order[0]])


def distinctive_terms(result: TopicFit, n: int = 3) -> dict[int, list[str]]:
    """Each topic's ``n`` most distinctive terms: heaviest in it compared with the other topics.

    A term's distinctiveness in a topic is its weight there minus its mean
    weight over all ``k`` topics, so that terms heavy in every topic (the
    two countries, "cooperation", "will") do not name them all alike. Only
    terms heavier in the topic than on average count; ties are broken by
    term.
    """
    weights = np.asarray(result.topic_term_weights)
    lift = np.round(weights - weights.mean(axis=0), DECIMALS)
    names = {}
    for topic in range(len(weights)):
        table = pd.DataFrame({"term": result.terms, "lift": lift[topic]})
        table = table[table["lift"] > 0].sort_values(["lift", "term"], ascending=[False, True])
        names[topic] = list(table["term"].head(n))
    return names


def name_clusters(fit: TopicFit, segments: pd.DataFrame, name_terms: int = 3, n_terms: int = 8,
                  width: int = 160) -> pd.DataFrame:
    """One row per cluster: a name, its size, its sections, its heaviest terms and its most typical passage.

    ``name`` joins the cluster's ``name_terms`` most distinctive terms
    (:func:`distinctive_terms`, ``/`` between them); ``heaviest_terms`` lists
    its ``n_terms`` heaviest (:func:`topic_terms`); ``segments`` is the
    number of segments in it; ``sections`` counts them per section
    (``§8×4``: four segments of section 8; most first, then by section), where
    ``segments`` has ``section_no``; ``typical`` (the part of the id after
    ``#``) and ``text`` are its most typical segment
    (:func:`typical_passages`, cut to ``width`` characters). Sorted by
    cluster; a cluster that holds no segment (an NMF component that
    dominates none) is not listed.
    """
    names = distinctive_terms(fit, name_terms)
    terms = topic_terms(fit, n_terms)
    typical = typical_passages(fit, segments, n=1, width=width).set_index("topic")
    merged = fit.assignments().merge(segments, on="doc_id", how="left", validate="one_to_one")
    rows = []
    for topic, members in merged.groupby("topic", sort=True):
        row = {"topic": int(topic), "name": " / ".join(names[topic]), "segments": len(members)}
        if "section_no" in members.columns:
            counts = members["section_no"].value_counts()
            ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
            row["sections"] = ", ".join(f"§{section}×{count}" for section, count in ordered)
        row.update({"heaviest_terms": ", ".join(terms.loc[terms["topic"] == topic, "term"]),
                    "typical": typical.loc[topic, "doc_id"].split("#")[-1], "text": typical.loc[topic, "text"]})
        rows.append(row)
    return pd.DataFrame(rows)


# --- Plain statements of the results, for the notebook's printouts ---------------------------------------

def unit_profile(texts: pd.DataFrame, left_out: pd.DataFrame, matrix: TermMatrix) -> dict:
    """What a unit of analysis gives to cluster: counts to compare paragraphs with sentences.

    ``texts`` and ``left_out`` come from :func:`segment_texts`, ``matrix``
    from ``term_matrix(texts)``. Returns ``segments`` (clustered),
    ``left_out``, ``terms`` (columns of the matrix), ``median_terms``
    (distinct terms per segment), ``sections``, ``smallest_section`` and
    ``largest_section`` (segments per section) and ``single_segment_sections``.
    """
    per_section = texts["section_no"].value_counts()
    return {"segments": len(texts), "left_out": len(left_out), "terms": len(matrix.terms),
            "median_terms": float(np.median(matrix.counts.getnnz(axis=1))), "sections": len(per_section),
            "smallest_section": int(per_section.min()), "largest_section": int(per_section.max()),
            "single_segment_sections": int((per_section == 1).sum())}


def describe_choice(unit: str, table: pd.DataFrame, k: int) -> str:
    """One sentence on the k that :func:`stability_curve` chose, from its table.

    It gives the stability at k with its standard error, the structureless
    stability, the excess in standard errors (below 2, i.e. within the noise
    of the subsampling at about the 95 % level, it says so), where k lies on
    the grid (at an end, it says that a k beyond might fit better), the
    largest excess and how many k exceed the shuffled terms by 2 standard
    errors, where the raw stability peaks, and the range of the silhouettes.
    """
    row = table.set_index("k").loc[k]
    ratio = row["excess"] / row["excess_se"] if row["excess_se"] > 0 else float("inf")
    noise = ("less than 2 standard errors: within the noise of the subsampling" if ratio < 2
             else f"{ratio:.1f} standard errors")
    position = grid_position(table["k"], k)
    where = (f"inside the grid {table['k'].min()}–{table['k'].max()}" if position == "inside"
             else f"the {position} k of the grid {table['k'].min()}–{table['k'].max()}, so a k beyond the grid "
                  "might fit better")
    peak = table.sort_values(["stability", "k"], ascending=[False, True]).iloc[0]
    largest = table.sort_values(["excess", "k"], ascending=[False, True]).iloc[0]
    beyond = int((table["excess"] >= 2 * table["excess_se"]).sum())
    return (f"{unit}: k = {k} ({where}); stability {row['stability']:.2f} ± {row['stability_se']:.2f} against "
            f"{row['null_stability']:.2f} ± {row['null_se']:.2f} with shuffled terms, an excess of "
            f"{row['excess']:.2f} ± {row['excess_se']:.2f} ({noise}). The largest excess is "
            f"{largest['excess']:.2f} ± {largest['excess_se']:.2f} (k = {int(largest['k'])}); {beyond} of the "
            f"{len(table)} values of k {'exceeds' if beyond == 1 else 'exceed'} the shuffled terms by 2 standard "
            "errors or more. The raw stability "
            f"peaks at {peak['stability']:.2f} (k = {int(peak['k'])}); silhouettes run from "
            f"{table['silhouette'].min():.2f} to {table['silhouette'].max():.2f}.")


def describe_agreement(unit: str, k: int, summary: pd.DataFrame, level: float = NULL_LEVEL) -> str:
    """One sentence per metric on the seeds' agreement with the sections, from :func:`agreement_summary`."""
    lines = []
    for row in summary.itertuples(index=False):
        name = "ARI" if row.metric == "adjusted_rand" else "NMI"
        lines.append(f"{unit}, k = {k}, {name}: median {row.median:.3f} (seeds {row.min:.3f} to {row.max:.3f}); "
                     f"{row.seeds_above} of {row.seeds} seeds above the null's {level:.0%} quantile "
                     f"{row.null_quantile:.3f}, where chance alone would put about "
                     f"{(1 - level) * row.seeds:.0f}.")
    return "\n".join(lines)


def unit_comparison(profiles: dict[str, dict], curves: dict[str, tuple[pd.DataFrame, int]],
                    summaries: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per unit: what it gives to cluster and what came of it, side by side.

    ``profiles`` from :func:`unit_profile`, ``curves`` from
    :func:`stability_curve` and ``summaries`` from :func:`agreement_summary`,
    each keyed by unit. Columns: the profile, ``k`` (chosen), ``stability``,
    ``excess`` and ``excess_se`` at k, ``ari_median``, ``ari_null_quantile``
    (the null's quantile the seeds are counted against), ``ari_seeds_above``,
    ``nmi_median``, ``nmi_seeds_above``, ``seeds``.
    """
    rows = []
    for unit, profile in profiles.items():
        table, k = curves[unit]
        at_k = table.set_index("k").loc[k]
        summary = summaries[unit].set_index("metric")
        rows.append({"unit": unit, **profile, "k": k, "stability": at_k["stability"], "excess": at_k["excess"],
                     "excess_se": at_k["excess_se"],
                     "ari_median": summary.loc["adjusted_rand", "median"],
                     "ari_null_quantile": summary.loc["adjusted_rand", "null_quantile"],
                     "ari_seeds_above": int(summary.loc["adjusted_rand", "seeds_above"]),
                     "nmi_median": summary.loc["normalized_mutual_info", "median"],
                     "nmi_seeds_above": int(summary.loc["normalized_mutual_info", "seeds_above"]),
                     "seeds": int(summary.loc["adjusted_rand", "seeds"])})
    return pd.DataFrame(rows)


def reading(comparison: pd.DataFrame) -> str:
    """The plain reading of :func:`unit_comparison`'s table, every statement computed from it.

    Per unit: its passages and section sizes; whether the stability at the
    chosen k exceeds the structureless one by at least 2 standard errors
    (about the 95 % level) or stays within the noise; how many seeds beat
    the permutation null on ARI, and the median ARI (1 = the sections
    themselves). Then, if the table has both paragraphs and sentences, how
    the two compare; then the conclusion: the clusters measure the text's
    subjects only if they are both stable beyond the noise and agree with
    the sections in every seed; otherwise they are a reading aid.
    """
    table = comparison.set_index("unit") if "unit" in comparison.columns else comparison
    lines, stable, agreeing = [], {}, {}
    for unit, row in table.iterrows():
        stable[unit] = row["excess"] >= 2 * row["excess_se"]
        agreeing[unit] = row["ari_seeds_above"] == row["seeds"]
        lines.append(
            f"- {unit}: {row['segments']:.0f} passages, {row['smallest_section']:.0f} to {row['largest_section']:.0f} "
            f"per section. At k = {row['k']:.0f} the clusters are "
            + ("more stable than with shuffled terms beyond the noise" if stable[unit]
               else "no more stable than with shuffled terms beyond the noise")
            + f" (excess {row['excess']:.2f} ± {row['excess_se']:.2f}); "
            + f"{row['ari_seeds_above']:.0f} of {row['seeds']:.0f} seeds agree with the sections beyond the null, "
            + f"median ARI {row['ari_median']:.2f}.")
    if {"paragraphs", "sentences"} <= set(table.index):
        p, s = table.loc["paragraphs"], table.loc["sentences"]
        gap = s["excess"] - p["excess"]
        noise = float(np.hypot(s["excess_se"], p["excess_se"]))
        stability = ("more stable beyond shuffled terms than the paragraphs'" if gap >= 2 * noise else
                     "less stable beyond shuffled terms than the paragraphs'" if gap <= -2 * noise else
                     "as stable beyond shuffled terms as the paragraphs', within the noise")
        seeds = ("more" if s["ari_seeds_above"] > p["ari_seeds_above"] else
                 "fewer" if s["ari_seeds_above"] < p["ari_seeds_above"] else "as many")
        lines.append(
            f"- Sentences against paragraphs: {s['segments']:.0f} passages against {p['segments']:.0f}, and "
            f"{s['single_segment_sections']:.0f} sections of a single passage against "
            f"{p['single_segment_sections']:.0f}; "
            + ("the permutation null is narrower" if s["ari_null_quantile"] < p["ari_null_quantile"]
               else "the permutation null is no narrower")
            + f" (its quantile of ARI {s['ari_null_quantile']:.3f} against {p['ari_null_quantile']:.3f}), and each "
            + ("sentence carries fewer terms" if s["median_terms"] < p["median_terms"]
               else "sentence carries as many terms or more")
            + f" ({s['median_terms']:.0f} against {p['median_terms']:.0f}, medians). Their clusters are {stability}, "
            f"and {seeds} of their seeds beat the null.")
    if any(stable[u] and agreeing[u] for u in table.index):
        units = ", ".join(u for u in table.index if stable[u] and agreeing[u])
        lines.append(f"So: the {units} clusters are stable beyond the noise and agree with the sections in every "
                     "seed; they can be read as the text's subjects, with the caveats below.")
    else:
        lines.append("So: no unit gives clusters that are both stable beyond the noise and agree with the sections "
                     "in every seed. The clusters are a reading aid, one of several partitions about as stable, "
                     "not a measurement of what the text is made of; its own numbered sections remain the division "
                     "to use.")
    return "\n".join(lines)
