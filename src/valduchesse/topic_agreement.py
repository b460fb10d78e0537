"""How far the clusters of passages agree with the text's own sections, over many seeds, against a null.

:func:`seed_agreement` scores each seed's clusters against a reference
labelling (the section numbers) by ARI and NMI, beside a permutation null;
:func:`agreement_summary` counts the seeds that beat the null's
:data:`NULL_LEVEL` quantile; :func:`representative_seed` is the seed most
like the others.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd

from .terms import TermMatrix
from .topic_stability import adjusted_rand, normalized_mutual_info
from .topics import DECIMALS, cosine_silhouette, fit_topics

__all__ = [
    "NULL_LEVEL", "agreement_summary", "representative_seed", "seed_agreement",
]


NULL_LEVEL = 0.95
"""The quantile of the permutation null that a seed's score must exceed to count as beating it."""


def seed_agreement(reference, matrix: TermMatrix, k: int, method: str = "kmeans", seeds=range(20),
                   n_shuffles: int = 50, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """Agreement of the clusters with a reference labelling, seed by seed, and its permutation null.

    For each seed in ``seeds``, :func:`~valduchesse.topics.fit_topics` on all segments, scored
    against ``reference`` (e.g. the section numbers) by ARI and NMI. The null:
    each seed's labels shuffled ``n_shuffles`` times
    (``numpy.random.default_rng(seed)``, seed after seed, shuffle after
    shuffle) and scored the same way, which keeps the number and sizes of
    its clusters; pooled, the null holds ``len(seeds) * n_shuffles`` values.

    Parameters
    ----------
    reference : array-like
        The reference label of each segment, in the matrix's order.
    matrix : TermMatrix
        One row per segment (:func:`valduchesse.terms.term_matrix`).
    k : int
        The number of clusters.
    method : {"kmeans", "nmf"}
        The model (:func:`~valduchesse.topics.fit_topics`).
    seeds : iterable of int
        The models' seeds, distinct.
    n_shuffles : int
        Shuffles of each seed's labels in the null.
    seed : int
        The seed of the shuffles.

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

    Raises
    ------
    ValueError
        If ``reference`` does not have one label per segment, or the seeds
        are not distinct (or none).
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

    If the clusters carried no information on the reference, about
    ``1 - level`` of the seeds would be above the null's quantile.

    Parameters
    ----------
    per_seed : DataFrame
        The seeds' scores (:func:`seed_agreement`'s first table).
    null : DataFrame
        The null's scores (its second table).
    level : float
        The quantile of the null a seed must exceed.

    Returns
    -------
    DataFrame
        One row per ``metric`` (``adjusted_rand``, ``normalized_mutual_info``):
        ``seeds``; the seeds' ``median``, ``min`` and ``max``; the null's
        ``null_mean`` and its ``null_quantile`` at ``level`` (numpy's default,
        linear interpolation); ``seeds_above``, how many seeds score strictly
        above that quantile, and ``share_above`` (their share); rounded to 4
        places.
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

    Parameters
    ----------
    labels : ndarray, shape (n_seeds, n_segments)
        Each seed's clusters (:func:`seed_agreement`'s third result).
    seeds : iterable of int
        The seeds, in the order of ``labels``.

    Returns
    -------
    int
        The chosen seed.

    Raises
    ------
    ValueError
        If there are not as many seeds as clusterings.
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
