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

3. :func:`topic_terms` and :func:`typical_passages` show what each topic is:
   its heaviest terms and the segments most typical of it, to be read.
4. :func:`choose_k` picks the number of topics by a stated rule rather than by
   hand: the most *stable* k across seeds (mean pairwise adjusted Rand index),
   ties broken by the higher cosine silhouette, then by the smaller k.
5. :func:`evaluate` compares a clustering with a reference labelling (e.g. the
   2021 section numbers) by adjusted Rand index and normalised mutual
   information, next to a random baseline from shuffled labels.

Every table is rounded to 4 places and sorted, so it prints the same on every
run. Caveat: with ``init="nndsvda"`` NMF depends on the seed only through the
randomised SVD of its start, so NMF is often perfectly stable for several k,
and the silhouette then decides among them.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.decomposition import NMF
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score, silhouette_score
from sklearn.preprocessing import normalize

from .preprocess import Preprocessor
from .terms import TermMatrix, single_language

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
    preprocessor = Preprocessor(table["language"].iloc[0])
    reason = pd.Series("", index=table.index)
    reason[np.array([not preprocessor.terms(text) for text in table["text"]], dtype=bool)] = "no terms"
    if drop_headings:
        reason[table["is_heading"].astype(bool)] = "heading"
    kept = table[reason == ""].reset_index(drop=True)
    left_out = table[reason != ""].assign(reason=reason[reason != ""]).reset_index(drop=True)
    return kept, left_out


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
    features = normalize(matrix.tfidf)
    if method == "nmf":
        model = NMF(n_components=k, init="nndsvda", random_state=seed, max_iter=NMF_MAX_ITER)
        weights = model.fit_transform(features)
        labels = weights.argmax(axis=1)
        scores = weights[np.arange(len(labels)), labels]
        topics, objective = model.components_, model.reconstruction_err_
    else:
        model = KMeans(n_clusters=k, n_init=10, random_state=seed)
        distances = model.fit_transform(features)
        labels = model.labels_
        scores = distances[np.arange(len(labels)), labels]
        topics, objective = model.cluster_centers_, model.inertia_
    return TopicFit(method, k, seed, list(matrix.doc_ids), matrix.terms, labels.astype(int),
                    scores, topics, float(objective))


def check_fit_arguments(matrix: TermMatrix, k: int, method: str) -> None:
    """Raise a clear ValueError if :func:`fit_topics` cannot fit these arguments."""
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; use one of {', '.join(METHODS)}")
    n = len(matrix.doc_ids)
    if not 1 <= k <= n:
        raise ValueError(f"k = {k} topics for {n} segments: choose k from 1 to {n}")
    empty = [d for d, size in zip(matrix.doc_ids, matrix.counts.getnnz(axis=1)) if size == 0]
    if empty:
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


def stability(label_sets: list[np.ndarray]) -> float:
    """Mean adjusted Rand index over all pairs of clusterings of the same segments."""
    if len(label_sets) < 2:
        raise ValueError("stability needs the clusterings of at least two seeds")
    return float(np.mean([adjusted_rand_score(a, b) for a, b in combinations(label_sets, 2)]))


def cosine_silhouette(matrix: TermMatrix, labels: np.ndarray) -> float:
    """Mean cosine silhouette of a clustering of the TF-IDF rows; NaN if it has one cluster or one per segment."""
    used = len(np.unique(labels))
    if not 2 <= used <= len(labels) - 1:
        return float("nan")
    return float(silhouette_score(matrix.tfidf, labels, metric="cosine"))


def choose_k(
    matrix: TermMatrix, ks, method: str = "nmf", seeds=(0, 1, 2, 3, 4)
) -> tuple[pd.DataFrame, int]:
    """Choose the number of topics among ``ks`` by a fixed, stated rule.

    For each k, the model is fitted once per seed, and:

    * ``stability``: mean pairwise adjusted Rand index between the seeds'
      assignments (1 = every seed gives the same topics);
    * ``silhouette``: mean cosine silhouette of the first seed's assignment
      on the TF-IDF rows (NaN if it puts everything in one topic);
    * ``topics_used``: how many topics hold at least one segment (an NMF
      component may dominate no segment);
    * ``reconstruction_error`` (NMF) or ``inertia`` (k-means) of the first
      seed's fit, for reference (it always falls as k grows, so it does not
      choose).

    **Rule**: the k with the highest stability; ties (after rounding to 4
    places) go to the higher silhouette (NaN counting as lowest), then to
    the smaller k. The rule uses no randomness beyond the fixed seeds, so the
    choice is the same on every run.

    Returns
    -------
    table : DataFrame
        One row per k, sorted by k, with the columns above and ``chosen``.
    k : int
        The chosen number of topics.
    """
    ks = sorted({int(k) for k in ks})
    n = len(matrix.doc_ids)
    if not ks or ks[0] < 2 or ks[-1] > n - 1:
        raise ValueError(f"choose k among 2 to {n - 1} (the silhouette needs 2 to n - 1 clusters); got {ks}")
    objective = "reconstruction_error" if method == "nmf" else "inertia"
    rows = []
    for k in ks:
        fits = [fit_topics(matrix, k, method, seed) for seed in seeds]
        rows.append({
            "k": k,
            "stability": stability([fit.labels for fit in fits]),
            "silhouette": cosine_silhouette(matrix, fits[0].labels),
            "topics_used": len(np.unique(fits[0].labels)),
            objective: fits[0].objective,
        })
    table = pd.DataFrame(rows).round(DECIMALS)
    order = table.assign(sil=table["silhouette"].fillna(-np.inf)).sort_values(
        ["stability", "sil", "k"], ascending=[False, False, True])
    chosen = int(order["k"].iloc[0])
    table["chosen"] = table["k"] == chosen
    return table, chosen


def evaluate(true_labels, predicted_labels, n_shuffles: int = 200, seed: int = 0) -> pd.DataFrame:
    """How far a clustering agrees with a reference labelling, next to chance.

    Parameters
    ----------
    true_labels, predicted_labels : array-like
        One label per segment (e.g. section numbers and topics); only which
        segments share a label matters, not the label names.
    n_shuffles : int
        Random baseline: the predicted labels are shuffled this many times
        (``numpy.random.default_rng(seed)``) and scored the same way, which
        keeps the number and sizes of the clusters.
    seed : int
        Seed of the shuffles.

    Returns
    -------
    DataFrame
        One row per metric, ``adjusted_rand`` (adjusted Rand index: 1 = the
        same partition, about 0 = chance) and ``normalized_mutual_info``
        (arithmetic normalisation: 1 = the same partition; above 0 by chance
        on small samples, hence the baseline), with ``observed``,
        ``baseline_mean`` and the 95% range of the shuffles
        (``baseline_low``, ``baseline_high``: 2.5% and 97.5% quantiles).
    """
    true_labels, predicted_labels = np.asarray(true_labels), np.asarray(predicted_labels)
    if len(true_labels) != len(predicted_labels):
        raise ValueError(f"{len(true_labels)} reference labels but {len(predicted_labels)} predicted labels")
    metrics = {"adjusted_rand": adjusted_rand_score, "normalized_mutual_info": normalized_mutual_info_score}
    rng = np.random.default_rng(seed)
    shuffles = [rng.permutation(predicted_labels) for _ in range(n_shuffles)]
    rows = []
    for name, metric in metrics.items():
        baseline = np.array([metric(true_labels, shuffled) for shuffled in shuffles])
        low, high = np.quantile(baseline, [0.025, 0.975])
        rows.append({"metric": name, "observed": metric(true_labels, predicted_labels),
                     "baseline_mean": baseline.mean(), "baseline_low": low, "baseline_high": high})
    return pd.DataFrame(rows).round(DECIMALS).sort_values("metric").reset_index(drop=True)
