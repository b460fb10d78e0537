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

3. :func:`~valduchesse.topic_stability.stability_curve` chooses the number of clusters from the
   data: for each k the model is refitted on repeated random subsamples of the segments (80 % by
   default), each refit with its own seed, and the **subsample stability** is the mean adjusted Rand
   index (ARI) between every two refits, on the segments the two subsamples share
   (:func:`~valduchesse.topic_stability.subsample_stability`). The same is done on a structureless
   copy of the matrix (:func:`~valduchesse.topic_stability.shuffled_terms`: each term's counts
   shuffled across segments), because stability rises with k even without any structure; the k
   chosen is the smallest whose excess over the structureless stability is at least the largest
   excess minus the standard error of that largest excess (the one-standard-error rule,
   :func:`~valduchesse.topic_stability.one_standard_error_choice`).
4. :func:`~valduchesse.topic_agreement.seed_agreement` and
   :func:`~valduchesse.topic_agreement.agreement_summary` compare the clusters with a reference
   labelling (the section numbers) over many seeds, each seed's ARI and normalised mutual
   information (NMI) against a permutation null (the seeds' labels shuffled), and count the seeds
   that beat the null's 95th percentile: one seed's score alone can be luck.
5. :func:`name_clusters` names each cluster by its most distinctive terms
   (:func:`distinctive_terms`), lists its heaviest (:func:`topic_terms`) and shows its most typical
   passage (:func:`typical_passages`), for the seed most like the others
   (:func:`~valduchesse.topic_agreement.representative_seed`).
6. :func:`~valduchesse.prose.topics.describe_choice`,
   :func:`~valduchesse.prose.topics.describe_agreement` and
   :func:`~valduchesse.prose.topics.reading` state the results in words, every number and
   verdict computed from the tables, so that a notebook's prose cannot drift from its outputs.

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

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.cluster import KMeans
from sklearn.decomposition import NMF
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import normalize
from threadpoolctl import threadpool_limits

from .terms import TermMatrix, term_matrix
from .tokens import single_language

__all__ = [
    "DECIMALS", "METHODS", "NMF_MAX_ITER", "SCORE_NAMES", "TopicFit", "check_fit_arguments", "cluster_rows",
    "cosine_silhouette", "distinctive_terms", "fit_topics", "name_clusters", "one_thread", "segment_ids",
    "segment_texts", "term_counts", "topic_terms", "typical_passages",
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
    """How many terms :func:`valduchesse.terms.term_matrix` finds in each text (0 where none at all).

    Parameters
    ----------
    texts : DataFrame
        A table of texts (``doc_id``, ``language``, ``text``), tokenised with
        the default removal steps.

    Returns
    -------
    ndarray of int
        Each text's number of terms, in the table's order; all 0 if no text
        holds a term.
    """
    try:
        return term_matrix(texts).totals
    except ValueError:  # term_matrix refuses texts that hold no term at all
        return np.zeros(len(texts), dtype=int)


def segment_ids(segments: pd.DataFrame) -> list[str]:
    """``<doc_id>#s<sentence_no>`` for sentences, ``<doc_id>#p<paragraph_no>`` for paragraphs.

    Parameters
    ----------
    segments : DataFrame
        Segments with the document's id in ``source_doc_id`` and
        ``sentence_no`` (sentences) or else ``paragraph_no`` (paragraphs).

    Returns
    -------
    list of str
        One id per segment, in the table's order.
    """
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
        """One row per segment, in the matrix's order, with its topic.

        Returns
        -------
        DataFrame
            ``doc_id``, ``topic`` and the weight or distance (:attr:`score_name`), rounded.
        """
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
        The fitted model: each segment's topic and score, the topic-term
        weights and the objective.

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
    """Run scikit-learn's OpenMP loops (k-means) on one thread, as a context manager.

    On a few dozen segments threads cost more than they save, and one thread
    gives the same result on any machine.

    Yields
    ------
    None
        Inside the ``with`` block, OpenMP is limited to one thread.
    """
    with threadpool_limits(limits=1, user_api="openmp"):
        yield


def cluster_rows(features, k: int, method: str, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Fit ``method`` with ``k`` clusters to the L2-normalised rows ``features``.

    The one fitting step that :func:`fit_topics` and the subsample refits of
    :func:`~valduchesse.topic_stability.subsample_stability` share. k-means
    runs on the dense rows (faster at this size; a text's passages fit in
    memory).

    Parameters
    ----------
    features : sparse matrix or ndarray, shape (n_rows, n_terms)
        The L2-normalised TF-IDF rows.
    k : int
        The number of clusters.
    method : {"nmf", "kmeans"}
        ``"nmf"``, or anything else for k-means (callers check the method with
        :func:`check_fit_arguments`).
    seed : int
        The model's ``random_state``.

    Returns
    -------
    labels : ndarray of int
        Each row's cluster.
    scores : ndarray of float
        Each row's NMF weight in its cluster, or its k-means distance to the
        cluster's centre.
    topic_term_weights : ndarray, shape (k, n_terms)
        NMF components, or k-means centres.
    objective : float
        NMF reconstruction error, or k-means inertia.
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

    Parameters
    ----------
    matrix : TermMatrix
        One row per segment.
    k : int
        Must lie from 1 to the number of segments.
    method : str
        Must be one of :data:`METHODS`.
    require_terms : bool
        If False, a segment without any term passes (the structureless copies
        of :func:`~valduchesse.topic_stability.shuffled_terms` may hold one by
        chance).

    Raises
    ------
    ValueError
        For an unknown method, a k out of range, or (with ``require_terms``)
        a segment that holds no term of the matrix.
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

    Parameters
    ----------
    result : TopicFit
        A fitted model (:func:`fit_topics`).
    n : int
        Terms per topic.

    Returns
    -------
    DataFrame
        ``topic``, ``rank`` (1 = heaviest), ``term`` and ``weight`` (NMF
        component weight, or the k-means centre's coordinate), rounded; terms
        of weight 0 are not listed. Ties are broken by term.
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
        A fitted model (:func:`fit_topics`).
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
    """Mean cosine silhouette of a clustering of the TF-IDF rows.

    Parameters
    ----------
    matrix : TermMatrix
        The rows clustered.
    labels : ndarray of int
        Each row's cluster.

    Returns
    -------
    float
        scikit-learn's ``silhouette_score`` with the cosine metric; NaN if the
        clustering has one cluster or one per segment.
    """
    used = len(np.unique(labels))
    if not 2 <= used <= len(labels) - 1:
        return float("nan")
    return float(silhouette_score(matrix.tfidf, labels, metric="cosine"))


def distinctive_terms(result: TopicFit, n: int = 3) -> dict[int, list[str]]:
    """Each topic's ``n`` most distinctive terms: heaviest in it compared with the other topics.

    A term's distinctiveness in a topic is its weight there minus its mean
    weight over all ``k`` topics, so that terms heavy in every topic (the
    two countries, "cooperation", "will") do not name them all alike. Only
    terms heavier in the topic than on average count; ties are broken by
    term.

    Parameters
    ----------
    result : TopicFit
        A fitted model (:func:`fit_topics`).
    n : int
        Terms per topic.

    Returns
    -------
    dict of int to list of str
        Each topic's terms, most distinctive first (fewer than ``n`` if fewer
        are heavier than average).
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

    Parameters
    ----------
    fit : TopicFit
        A fitted model (:func:`fit_topics`).
    segments : DataFrame
        The texts the matrix was made from (:func:`segment_texts`), with the
        segment ids in ``doc_id``.
    name_terms : int
        How many distinctive terms make the name.
    n_terms : int
        How many heaviest terms are listed.
    width : int
        The typical passage is cut to this many characters.

    Returns
    -------
    DataFrame
        Sorted by ``topic``: ``name`` joins the cluster's ``name_terms`` most
        distinctive terms (:func:`distinctive_terms`, ``/`` between them);
        ``segments`` is the number of segments in it; ``sections`` counts
        them per section (``§8×4``: four segments of section 8; most first,
        then by section), where ``segments`` has ``section_no``;
        ``heaviest_terms`` lists its ``n_terms`` heaviest (:func:`topic_terms`);
        ``typical`` (the part of the id after ``#``) and ``text`` are its most
        typical segment (:func:`typical_passages`). A cluster that holds no
        segment (an NMF component that dominates none) is not listed.
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
