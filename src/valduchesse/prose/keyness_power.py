"""What a keyness test can detect, in words (:mod:`valduchesse.keyness_power`)."""

from __future__ import annotations

import pandas as pd

__all__ = ["power_sentence"]


def power_sentence(row) -> str:
    """One group's row of :func:`~valduchesse.keyness_power.smallest_passing_counts` in words.

    Parameters
    ----------
    row : pandas.Series or mapping
        The row: ``group``, ``fewest_never_elsewhere``, ``fewest_once_elsewhere`` (None or NaN where no
        count passes), ``critical_g2``, ``target_total`` and ``reference_total``.

    Returns
    -------
    str
        The fewest occurrences in the group (never, or once, in the others) with which a term passes the
        threshold, or that no count can pass it; with the terms of the group and of the others.
    """
    never, once = row["fewest_never_elsewhere"], row["fewest_once_elsewhere"]
    if never is None or pd.isna(never):
        return (f"{row['group']}: no count of a term can pass G² > {row['critical_g2']:.1f} "
                f"({row['target_total']} terms against {row['reference_total']})")
    once_words = "no count" if once is None or pd.isna(once) else f"{int(once)}"
    return (f"{row['group']}: a term must occur at least {int(never)} times in it and never in the others "
            f"({once_words} if once in the others) to pass G² > {row['critical_g2']:.1f}; "
            f"{row['target_total']} terms against {row['reference_total']}")
