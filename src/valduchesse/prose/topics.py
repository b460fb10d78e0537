"""The results of the clustering of passages in words, for the notebooks' printouts.

Every number and verdict in these sentences is computed from the tables of
:mod:`valduchesse.topics`, :mod:`valduchesse.topic_stability` and
:mod:`valduchesse.topic_agreement`, so that a notebook's prose cannot drift
from its outputs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..terms import TermMatrix
from ..topic_agreement import NULL_LEVEL
from ..topic_stability import grid_position

__all__ = [
    "describe_agreement", "describe_choice", "reading", "unit_comparison", "unit_profile",
]


# --- Plain statements of the results, for the notebook's printouts ---------------------------------------

def unit_profile(texts: pd.DataFrame, left_out: pd.DataFrame, matrix: TermMatrix) -> dict:
    """What a unit of analysis gives to cluster: counts to compare paragraphs with sentences.

    Parameters
    ----------
    texts : pandas.DataFrame
        The segments clustered, from :func:`~valduchesse.topics.segment_texts` (with ``section_no``).
    left_out : pandas.DataFrame
        The segments :func:`~valduchesse.topics.segment_texts` left out.
    matrix : TermMatrix
        ``term_matrix(texts)``.

    Returns
    -------
    dict
        ``segments`` (clustered), ``left_out``, ``terms`` (columns of the matrix), ``median_terms``
        (distinct terms per segment), ``sections``, ``smallest_section`` and ``largest_section``
        (segments per section) and ``single_segment_sections``.
    """
    per_section = texts["section_no"].value_counts()
    return {"segments": len(texts), "left_out": len(left_out), "terms": len(matrix.terms),
            "median_terms": float(np.median(matrix.counts.getnnz(axis=1))), "sections": len(per_section),
            "smallest_section": int(per_section.min()), "largest_section": int(per_section.max()),
            "single_segment_sections": int((per_section == 1).sum())}


def describe_choice(unit: str, table: pd.DataFrame, k: int) -> str:
    """One sentence on the k that :func:`~valduchesse.topic_stability.stability_curve` chose, from its table.

    It gives the stability at k with its standard error, the structureless
    stability, the excess in standard errors (below 2, i.e. within the noise
    of the subsampling at about the 95 % level, it says so), where k lies on
    the grid (at an end, it says that a k beyond might fit better), the
    largest excess and how many k exceed the shuffled terms by 2 standard
    errors, where the raw stability peaks, and the range of the silhouettes.

    Parameters
    ----------
    unit : str
        The unit clustered (``paragraphs``, ``sentences``), which begins the sentence.
    table : pandas.DataFrame
        :func:`~valduchesse.topic_stability.stability_curve`'s table, one row per k.
    k : int
        The k chosen.

    Returns
    -------
    str
        The sentence.
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
    """One sentence per metric on the seeds' agreement with the sections.

    Parameters
    ----------
    unit : str
        The unit clustered, which begins each sentence.
    k : int
        The number of clusters.
    summary : pandas.DataFrame
        :func:`~valduchesse.topic_agreement.agreement_summary`'s output, one row per metric.
    level : float
        The null's quantile the seeds are counted against.

    Returns
    -------
    str
        One line per metric (ARI, NMI): the median and range over the seeds, and how many seeds beat the
        null's quantile against about how many chance alone would put there.
    """
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

    Parameters
    ----------
    profiles : dict of str to dict
        :func:`unit_profile` per unit.
    curves : dict of str to (pandas.DataFrame, int)
        :func:`~valduchesse.topic_stability.stability_curve`'s table and the k chosen, per unit.
    summaries : dict of str to pandas.DataFrame
        :func:`~valduchesse.topic_agreement.agreement_summary` per unit.

    Returns
    -------
    pandas.DataFrame
        One row per unit of ``profiles``: ``unit``, the profile, ``k`` (chosen), ``stability``,
        ``excess`` and ``excess_se`` at k, ``ari_median``, ``ari_null_quantile`` (the null's quantile
        the seeds are counted against), ``ari_seeds_above``, ``nmi_median``, ``nmi_seeds_above``, ``seeds``.
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

    Parameters
    ----------
    comparison : pandas.DataFrame
        :func:`unit_comparison`'s table (``unit`` as a column or as the index).

    Returns
    -------
    str
        The reading, one ``- ``-line per unit, the comparison line, then the conclusion.
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
