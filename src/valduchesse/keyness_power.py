"""What a keyness test can detect, said before it runs: the fewest occurrences that could pass its threshold.

A keyness test of one short text against a few others, corrected for every
term tested, can only flag a term used several times in the target and
rarely or never elsewhere. :func:`smallest_passing_counts` computes, from the
counts' totals alone (never from a result), the smallest count a term needs in
each group to pass the Bonferroni threshold that :func:`valduchesse.keyness.keyness_by_group`
applies, if the other texts never use it (and if they use it once). A subject
a text names once or twice cannot pass: the test cannot detect it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import chdtri

from .keyness import log_likelihood
from .terms import TermMatrix

__all__ = ["smallest_passing_count", "smallest_passing_counts"]


def smallest_passing_count(target_total: int, reference_total: int, critical_g2: float, elsewhere: int = 0) -> int | None:
    """The smallest count of a term in the target whose G² exceeds ``critical_g2``.

    Parameters
    ----------
    target_total, reference_total : int
        The terms counted in the target and in the reference.
    critical_g2 : float
        The G² a term must exceed (e.g. Bonferroni's).
    elsewhere : int
        How often the term occurs in the reference (0: never).

    Returns
    -------
    int or None
        None if no count up to ``target_total`` passes.
    """
    counts = np.arange(1, int(target_total) + 1, dtype=float)
    if counts.size == 0:
        return None
    g2 = log_likelihood(counts, np.full_like(counts, float(elsewhere)), float(target_total), float(reference_total))
    passing = np.flatnonzero(g2 > critical_g2)
    return int(counts[passing[0]]) if passing.size else None


def smallest_passing_counts(matrix: TermMatrix, groups: dict[str, list[str]] | None = None,
                            alpha: float = 0.05) -> pd.DataFrame:
    """Per group, the fewest occurrences a term needs to pass the Bonferroni threshold of its keyness test.

    The same groups, totals and number of tests as
    :func:`valduchesse.keyness.keyness_by_group` with ``correction="bonferroni"``,
    computed from the matrix's totals only, before any term's result is read.

    Parameters
    ----------
    matrix : TermMatrix
        The counts of the texts (:func:`valduchesse.terms.term_matrix`).
    groups : dict of str to list of str, optional
        Maps a label to the ids of its texts; by default each text is a group of its own.
    alpha : float
        The level, Bonferroni-corrected over the terms of the matrix.

    Returns
    -------
    DataFrame
        ``group``, ``target_total``, ``reference_total``, ``tests``,
        ``critical_g2`` and ``fewest_never_elsewhere`` / ``fewest_once_elsewhere``
        (the smallest passing count if the other texts use the term never / once;
        None if none passes).

    Raises
    ------
    ValueError
        If a group names a text that is not in the matrix.
    """
    groups = {doc_id: [doc_id] for doc_id in matrix.doc_ids} if groups is None else groups
    totals = dict(zip(matrix.doc_ids, np.asarray(matrix.totals).ravel()))
    unknown = sorted({doc_id for ids in groups.values() for doc_id in ids} - set(totals))
    if unknown:
        raise ValueError(f"no text {', '.join(unknown)} in the matrix: give groups of its doc_ids")
    grand = float(sum(totals.values()))
    tests = int((np.asarray(matrix.counts.sum(axis=0)).ravel() > 0).sum())
    critical = float(chdtri(1, alpha / tests)) if tests else float("nan")
    rows = []
    for label, ids in groups.items():
        target = float(sum(totals[doc_id] for doc_id in dict.fromkeys(ids)))
        reference = grand - target
        rows.append({"group": label, "target_total": int(target), "reference_total": int(reference), "tests": tests,
                     "critical_g2": round(critical, 2),
                     "fewest_never_elsewhere": smallest_passing_count(target, reference, critical, 0),
                     "fewest_once_elsewhere": smallest_passing_count(target, reference, critical, 1)})
    return pd.DataFrame(rows)
