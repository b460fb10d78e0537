"""Keyness in words: the threshold a term must pass, and each group's distinctive terms (:mod:`valduchesse.keyness`)."""

from __future__ import annotations

import pandas as pd

__all__ = ["keyness_summary", "significance_summary", "threshold_sentence"]


def threshold_sentence(table: pd.DataFrame) -> str:
    """The threshold of a keyness table in words, e.g. for a caption.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`~valduchesse.keyness.keyness_by_group`'s table; its ``attrs`` give the ``correction``, the
        ``alpha``, the number of ``tests`` and (for Bonferroni) the ``critical_g2``.

    Returns
    -------
    str
        ``Bonferroni for N terms tested: G² > X (p < A/N)`` or
        ``Benjamini–Hochberg, false discovery rate A, N terms tested``.
    """
    info = table.attrs
    if info.get("correction") == "bonferroni":
        return (f"Bonferroni for {info['tests']} terms tested: G² > {info['critical_g2']:.1f} "
                f"(p < {info['alpha']}/{info['tests']})")
    return f"Benjamini–Hochberg, false discovery rate {info['alpha']}, {info['tests']} terms tested"


def significance_summary(table: pd.DataFrame) -> list[str]:
    """One line per group of a keyness table: how many of its listed terms pass the threshold, and which.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`~valduchesse.keyness.keyness_by_group`'s table (``group``, ``term``, ``g2``, ``p_value``,
        ``significant``).

    Returns
    -------
    list of str
        Per group, in the table's order: ``GROUP: N pass: term (G²=…, p=…), …``, or
        ``GROUP: none of its terms passes (highest G² …)``.
    """
    lines = []
    for group, part in table.groupby("group", sort=False):
        passed = part[part["significant"]]
        best = part["g2"].max()
        if passed.empty:
            lines.append(f"{group}: none of its terms passes (highest G² {best:.1f})")
        else:
            lines.append(f"{group}: {len(passed)} pass: " + ", ".join(
                f"{r.term} (G²={r.g2:.1f}, p={r.p_value:.2g})" for r in passed.itertuples()))
    return lines


def keyness_summary(table: pd.DataFrame, n: int = 3) -> list[str]:
    """One line per group of a :func:`~valduchesse.keyness.keyness_by_group` table: its ``n`` top terms with G² and counts.

    A term that passes the table's multiple-comparison threshold is marked ``*``.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`~valduchesse.keyness.keyness_by_group`'s table (``group``, ``term``, ``g2``, ``target_count``,
        ``reference_count``, and ``significant`` if tested).
    n : int
        Terms shown per group (its first ``n`` rows).

    Returns
    -------
    list of str
        Per group, in the table's order: ``GROUP: term* (G²=…, target/reference), …``.
    """
    def mark(row) -> str:
        return "*" if getattr(row, "significant", False) else ""

    return [
        f"{group}: " + ", ".join(f"{r.term}{mark(r)} (G²={r.g2:.1f}, {r.target_count}/{r.reference_count})"
                                 for r in part.head(n).itertuples())
        for group, part in table.groupby("group", sort=False)
    ]
