"""Keyness: which terms some texts use more (or less) than the others, with the counts behind every score.

From the counts of a :class:`~valduchesse.terms.TermMatrix`
(:func:`valduchesse.terms.term_matrix`): the signed log-likelihood G²
(Dunning 1993) of each term's 2×2 table, its chi-squared p-value, a
multiple-comparison correction (Bonferroni or Benjamini–Hochberg,
:data:`CORRECTIONS`) with the threshold it sets, and the log ratio as effect
size (Hardie 2014). :func:`keyness` compares one target with a reference,
:func:`keyness_by_group` every group with all the other texts at once.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.special import chdtrc, chdtri

from .terms import TermMatrix

__all__ = [
    "CORRECTIONS", "adjust", "adjust_by_group", "check_correction", "keyness", "keyness_by_group", "log_likelihood",
    "log_ratio", "p_values", "threshold",
]

CORRECTIONS = ("bonferroni", "bh")
"""Multiple-comparison corrections of keyness: Bonferroni, or Benjamini–Hochberg (false discovery rate)."""


def keyness(
    matrix: TermMatrix,
    target: list[str],
    reference: list[str] | None = None,
    correction: str = "bonferroni",
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Which terms the ``target`` texts use more (or less) than the ``reference`` texts.

    Parameters
    ----------
    matrix : TermMatrix
        The counts of the texts (:func:`~valduchesse.terms.term_matrix`); its ``totals`` are
        the group totals compared against.
    target : list of str
        Ids of the texts under study (one document, or all of one meeting).
    reference : list of str, optional
        Ids to compare against; by default every other text of the matrix.
    correction : {"bonferroni", "bh"}
        How the p-values are corrected for testing every term of the matrix
        at once: Bonferroni (family-wise error) or Benjamini–Hochberg (false
        discovery rate).
    alpha : float
        The level a corrected p-value must be below for ``significant``.

    Returns
    -------
    DataFrame
        One row per term used in either group: ``target_count``,
        ``reference_count``, the group totals ``target_total`` and
        ``reference_total`` (all their terms, rare ones included); ``g2``, the
        log-likelihood statistic (Dunning 1993) of the 2×2 table, signed
        positive where the target uses the term relatively more; ``p_value``
        (chi-squared, 1 degree of freedom, for this term alone);
        ``p_adjusted`` (corrected for all the terms tested) and
        ``significant`` (``p_adjusted < alpha``); and ``log_ratio``, the
        effect size (Hardie 2014): log2 of the ratio of the relative
        frequencies, with 0.5 added to each count so that a term absent from
        one side has a finite value. Sorted by ``g2``, most distinctive of the
        target first. ``table.attrs`` holds the correction, ``alpha``, the
        number of terms tested and, for Bonferroni, the critical G².

    Raises
    ------
    ValueError
        For an unknown correction or level, an unknown text id, an empty
        target or reference, or a text on both sides.
    """
    check_correction(correction, alpha)
    target = list(target)
    known = set(matrix.doc_ids)
    reference = [d for d in matrix.doc_ids if d not in target] if reference is None else list(reference)
    unknown = sorted((set(target) | set(reference)) - known)
    if unknown:
        raise ValueError(f"keyness: unknown text id(s): {', '.join(unknown)}. Fix: name ids the term matrix holds: "
                         f"{', '.join(matrix.doc_ids)}")
    if not target:
        raise ValueError("keyness: the target is empty. Fix: name at least one text id in target")
    if not reference:
        raise ValueError("keyness: the reference is empty. Fix: name at least one text id that is not in the target "
                         "(the default reference is every other text of the matrix)")
    overlap = sorted(set(target) & set(reference))
    if overlap:
        raise ValueError(f"keyness: target and reference overlap ({', '.join(overlap)}). Fix: put each text on one "
                         "side only")
    rows = {doc_id: i for i, doc_id in enumerate(matrix.doc_ids)}
    a = np.asarray(matrix.counts[[rows[d] for d in target]].sum(axis=0)).ravel().astype(float)
    b = np.asarray(matrix.counts[[rows[d] for d in reference]].sum(axis=0)).ravel().astype(float)
    table = pd.DataFrame({"term": matrix.terms, "target_count": a.astype(int), "reference_count": b.astype(int)})
    target_total = int(matrix.totals[[rows[d] for d in target]].sum())
    reference_total = int(matrix.totals[[rows[d] for d in reference]].sum())
    table["target_total"], table["reference_total"] = target_total, reference_total
    g2 = log_likelihood(a, b, target_total, reference_total)
    table = table.assign(g2=g2, p_value=p_values(g2))
    table = table[(table["target_count"] + table["reference_count"]) > 0].reset_index(drop=True)
    tests = len(table)
    table["p_adjusted"] = adjust(table["p_value"].to_numpy(), tests, correction)
    table["significant"] = table["p_adjusted"] < alpha
    table["log_ratio"] = np.round(log_ratio(table["target_count"], table["reference_count"], target_total,
                                            reference_total), 4)
    table = _round_statistics(table)
    table = table.sort_values(["g2", "term"], ascending=[False, True]).reset_index(drop=True)
    table.attrs.update(threshold(tests, correction, alpha))
    return table


def check_correction(correction: str, alpha: float) -> None:
    """Refuse an unknown correction or a level outside (0, 1).

    Parameters
    ----------
    correction : str
        Must be one of :data:`CORRECTIONS`.
    alpha : float
        Must lie strictly between 0 and 1.

    Raises
    ------
    ValueError
        Naming the value refused and what to use instead.
    """
    if correction not in CORRECTIONS:
        raise ValueError(f"correction {correction!r} is not known. Fix: use one of {', '.join(CORRECTIONS)}")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha={alpha} is not a level. Fix: use a level between 0 and 1, e.g. 0.05")


def p_values(g2) -> np.ndarray:
    """The chi-squared (1 degree of freedom) tail probability of each G² (its sign ignored).

    Parameters
    ----------
    g2 : float or array-like of float
        Signed G² statistics (:func:`log_likelihood`).

    Returns
    -------
    ndarray of float
        One p-value per G².
    """
    return chdtrc(1, np.abs(np.asarray(g2, dtype=float)))


def adjust(p: np.ndarray, tests: int, correction: str) -> np.ndarray:
    """Correct p-values for ``tests`` tests (``tests`` may exceed ``len(p)``: the others count with p = 1).

    Bonferroni multiplies by the number of tests; Benjamini–Hochberg
    multiplies the k-th smallest p-value by ``tests / k`` and keeps the
    adjusted values monotone. Both are capped at 1. The Benjamini–Hochberg
    values are those of :func:`scipy.stats.false_discovery_control` on ``p``
    with ``tests - len(p)`` p-values of 1 added (tested), which takes no
    number of tests of its own.

    Parameters
    ----------
    p : array-like of float
        The p-values.
    tests : int
        How many tests were made (at least ``len(p)``).
    correction : {"bonferroni", "bh"}
        Bonferroni; any other value is taken as Benjamini–Hochberg (callers
        check it first with :func:`check_correction`).

    Returns
    -------
    ndarray of float
        The adjusted p-values, in the order of ``p``.
    """
    p = np.asarray(p, dtype=float)
    if correction == "bonferroni":
        return np.minimum(p * tests, 1.0)
    order = np.argsort(p, kind="stable")
    scaled = p[order] * tests / np.arange(1, len(p) + 1)
    adjusted = np.empty_like(p)
    adjusted[order] = np.minimum(np.minimum.accumulate(scaled[::-1])[::-1], 1.0)
    return adjusted


def adjust_by_group(p: np.ndarray, group: np.ndarray, tests: int, correction: str) -> np.ndarray:
    """:func:`adjust` within each group of ``group`` (``tests`` tests per group).

    Parameters
    ----------
    p : array of float
        The p-values.
    group : array
        The group of each p-value (any sortable labels).
    tests : int
        How many tests each group counts (at least its number of p-values).
    correction : {"bonferroni", "bh"}
        As in :func:`adjust`.

    Returns
    -------
    array of float
        The adjusted p-values, in the order of ``p``.
    """
    p = np.asarray(p, dtype=float)
    group = np.asarray(group)
    adjusted = np.empty_like(p)
    by_group = np.argsort(group, kind="stable")
    starts = np.flatnonzero(np.r_[True, group[by_group][1:] != group[by_group][:-1]]) if len(p) else []
    for members in np.split(by_group, starts[1:]) if len(p) else []:
        adjusted[members] = adjust(p[members], tests, correction)
    return adjusted


def threshold(tests: int, correction: str, alpha: float) -> dict:
    """What a term must pass: the correction, ``alpha``, the number of ``tests`` and (Bonferroni) the critical G².

    Parameters
    ----------
    tests : int
        How many terms were tested.
    correction : {"bonferroni", "bh"}
        The correction used.
    alpha : float
        The level.

    Returns
    -------
    dict
        ``correction``, ``alpha``, ``tests`` and ``critical_g2`` (the G² a
        term must exceed under Bonferroni, rounded to 2 places; NaN for
        Benjamini–Hochberg or without tests).
    """
    critical = float(chdtri(1, alpha / tests)) if correction == "bonferroni" and tests else float("nan")
    return {"correction": correction, "alpha": alpha, "tests": int(tests), "critical_g2": round(critical, 2)}


def _round_statistics(table: pd.DataFrame) -> pd.DataFrame:
    """G² to 4 decimals, p-values to 4 significant digits (they can be very small)."""
    table = table.copy()
    table["g2"] = np.round(table["g2"].astype(float), 4)
    for column in ("p_value", "p_adjusted"):
        values = table[column].to_numpy(dtype=float)
        with np.errstate(divide="ignore"):
            digits = 3 - np.floor(np.log10(np.where(values > 0, values, 1.0))).astype(int)
        table[column] = [round(v, int(d)) for v, d in zip(values, digits)]
    return table


def keyness_by_group(
    matrix: TermMatrix,
    groups: dict[str, list[str]] | None = None,
    n: int = 10,
    correction: str = "bonferroni",
    alpha: float = 0.05,
) -> pd.DataFrame:
    """The ``n`` most distinctive terms of each group against all the other texts of the matrix.

    The same numbers as calling :func:`keyness` once per group, computed for
    all groups at once on the sparse counts (a term a group does not use
    cannot have a positive G²). Every term of the matrix is one test of each
    group; for Benjamini–Hochberg, the terms a group does not use count as
    tests with p = 1, which can only make it stricter.

    Parameters
    ----------
    matrix : TermMatrix
        The counts of the texts (:func:`~valduchesse.terms.term_matrix`).
    groups : dict of str to list of str, optional
        Maps a label (a meeting, a section) to the ids of its texts; by
        default each text is a group of its own.
    n : int
        How many terms per group (those with the highest positive G²).
    correction : {"bonferroni", "bh"}
        As in :func:`keyness`.
    alpha : float
        As in :func:`keyness`.

    Returns
    -------
    DataFrame
        :func:`keyness`'s columns, with ``group`` and ``rank`` in front, at
        most ``n`` rows per group, groups in the order of ``groups``.
        ``table.attrs`` holds the threshold (see :func:`keyness`).

    Raises
    ------
    ValueError
        As :func:`keyness` does, for a group with an unknown id, no id, or
        every text of the matrix.
    """
    check_correction(correction, alpha)
    groups = {doc_id: [doc_id] for doc_id in matrix.doc_ids} if groups is None else groups
    rows = {doc_id: i for i, doc_id in enumerate(matrix.doc_ids)}
    for label, ids in groups.items():
        unknown = sorted(set(ids) - set(rows))
        if unknown or not ids or len(set(ids)) == len(rows):
            keyness(matrix, ids)  # raises the message for an unknown id, an empty target or an empty reference
    labels = list(groups)
    pairs = [(g, rows[d]) for g, label in enumerate(labels) for d in dict.fromkeys(groups[label])]
    indicator = sparse.csr_matrix(([1] * len(pairs), tuple(zip(*pairs))), shape=(len(labels), len(rows)))
    group_counts = (indicator @ matrix.counts).tocoo()
    column_totals = np.asarray(matrix.counts.sum(axis=0)).ravel()
    target_totals = indicator @ matrix.totals
    grand_total = matrix.totals.sum()
    g, j, a = group_counts.row, group_counts.col, group_counts.data.astype(float)
    b = column_totals[j] - a
    target, reference = target_totals[g], grand_total - target_totals[g]
    g2 = log_likelihood(a, b, target, reference)
    tests = int((column_totals > 0).sum())
    p = p_values(g2)
    table = pd.DataFrame({
        "group_no": g, "term": matrix.terms[j], "target_count": a.astype(int), "reference_count": b.astype(int),
        "target_total": target.astype(int), "reference_total": reference.astype(int), "g2": np.round(g2, 4),
        "p_value": p, "p_adjusted": adjust_by_group(p, g, tests, correction),
        "log_ratio": np.round(log_ratio(a, b, target, reference), 4),
    })
    table = table[table["g2"] > 0].sort_values(["group_no", "g2", "term"], ascending=[True, False, True])
    table = table.groupby("group_no").head(n)
    table.insert(table.columns.get_loc("p_adjusted") + 1, "significant", table["p_adjusted"] < alpha)
    table = _round_statistics(table)
    table.insert(0, "rank", table.groupby("group_no").cumcount() + 1)
    table.insert(0, "group", [labels[i] for i in table["group_no"]])
    table = table.drop(columns="group_no").reset_index(drop=True)
    table.attrs.update(threshold(tests, correction, alpha))
    return table


def log_likelihood(a, b, target_total, reference_total):
    """Signed G² for term counts ``a`` (target) and ``b`` (reference) and the group totals.

    G² = 2 Σ O ln(O / E) over the four cells of the 2×2 table (term, other
    terms) × (target, reference), with 0 ln 0 = 0; the sign is negative where
    the target's relative frequency is below the reference's.

    Parameters
    ----------
    a, b : float or array-like of float
        The term's count in the target and in the reference.
    target_total, reference_total : float or array-like of float
        The number of terms in the target and in the reference.

    Returns
    -------
    ndarray of float
        The signed G² of each term.
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    c, d = target_total - a, reference_total - b
    total = target_total + reference_total
    observed = [a, b, c, d]
    expected = [
        (a + b) * target_total / total,
        (a + b) * reference_total / total,
        (c + d) * target_total / total,
        (c + d) * reference_total / total,
    ]
    g2 = 2 * sum(_xlogy_ratio(o, e) for o, e in zip(observed, expected))
    sign = np.where(a / target_total >= b / reference_total, 1.0, -1.0)
    return sign * g2


def _xlogy_ratio(observed, expected):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(observed > 0, observed * np.log(observed / expected), 0.0)


def log_ratio(a, b, target_total, reference_total):
    """log2 of the target's relative frequency over the reference's, 0.5 added to each count.

    Parameters
    ----------
    a, b : float or array-like of float
        The term's count in the target and in the reference.
    target_total, reference_total : float or array-like of float
        The number of terms in the target and in the reference.

    Returns
    -------
    ndarray of float
        The log ratio of each term.
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return np.log2(((a + 0.5) / target_total) / ((b + 0.5) / reference_total))
