"""Figures of notebook 03: the stability curve of the clusters and their agreement with the sections.

Both take the tables of :mod:`valduchesse.topics` as they are, one panel
column per unit of analysis (paragraphs, sentences), and use the look of
:mod:`valduchesse.plotting.style` (save them with its ``save_figure``).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .style import OKABE_ITO, use_style

__all__ = ["METRIC_LABELS", "NULL_COLOUR", "plot_agreement", "plot_stability"]


NULL_COLOUR = "#999999"
METRIC_LABELS = {"adjusted_rand": "adjusted Rand index", "normalized_mutual_info": "normalised mutual information"}


def plot_stability(tables: dict[str, pd.DataFrame], title: str) -> plt.Figure:
    """Subsample stability and silhouette against k, one column of panels per unit.

    Top: the stability of the text's clusters and of the same procedure on
    shuffled terms (grey, dashed), each ±1 standard error; the gap between
    them is what the text's structure adds. Bottom: the mean cosine
    silhouette of the refits. A dotted line marks the chosen k; each panel's
    title says where it lies on the grid.

    Parameters
    ----------
    tables : dict of str to DataFrame
        Maps a unit ("paragraphs") to :func:`valduchesse.topic_stability.stability_curve`'s table.
    title : str
        The figure's title.

    Returns
    -------
    matplotlib.figure.Figure
        The figure.
    """
    use_style()
    fig, axes = plt.subplots(2, len(tables), figsize=(5.2 * len(tables), 6.2), squeeze=False,
                             sharex="col", gridspec_kw={"height_ratios": [2, 1]})
    top = max(float((t["stability"] + t["stability_se"]).max()) for t in tables.values())
    top = max(top, max(float((t["null_stability"] + t["null_se"]).max()) for t in tables.values()))
    for column, (unit, table) in enumerate(tables.items()):
        upper, lower = axes[0, column], axes[1, column]
        upper.errorbar(table["k"], table["stability"], yerr=table["stability_se"], marker="o", capsize=3,
                       color=OKABE_ITO[0], label="the text's passages (±1 s.e.)")
        upper.errorbar(table["k"], table["null_stability"], yerr=table["null_se"], marker="s", linestyle="--",
                       capsize=3, color=NULL_COLOUR, label="same procedure, terms shuffled (±1 s.e.)")
        lower.plot(table["k"], table["silhouette"], marker="o", color=OKABE_ITO[1])
        chosen = int(table.loc[table["chosen"], "k"].iloc[0])
        ks = list(table["k"])
        where = "lowest k of the grid" if chosen == ks[0] else "highest k of the grid" if chosen == ks[-1] else \
            f"grid {ks[0]}–{ks[-1]}"
        for ax in (upper, lower):
            ax.axvline(chosen, color="#555555", linestyle=":", linewidth=1)
        upper.set_title(f"{unit}: chosen k = {chosen} ({where})", fontsize=10)
        bottom = min(0.0, float((table["stability"] - table["stability_se"]).min()),
                     float((table["null_stability"] - table["null_se"]).min()))
        upper.set_ylim(bottom - 0.02, top + 0.05)
        upper.set_ylabel("stability: mean ARI between\nrefits on 80 % subsamples")
        lower.set_ylabel("silhouette (cosine)")
        lower.set_xlabel("number of clusters k")
        lower.set_xticks(ks)
        lower.axhline(0, color="#cccccc", linewidth=0.8)
    axes[0, 0].legend(fontsize=8, loc="upper left")
    fig.suptitle(title, fontsize=12)
    fig.tight_layout()
    return fig


def plot_agreement(per_seed: dict[str, pd.DataFrame], null: dict[str, pd.DataFrame],
                   summaries: dict[str, pd.DataFrame], title: str) -> plt.Figure:
    """Each seed's agreement with the sections against the permutation null; rows: ARI, NMI; columns: units.

    Grey bars: the null's histogram (shuffled labels); dashed line: its
    quantile from the summary (the 95th percentile by default); dots: the
    seeds, stacked where they fall in the same bar. Each panel's title counts
    the seeds above the line.

    Parameters
    ----------
    per_seed, null : dict of str to DataFrame
        Map a unit to the first and second tables of
        :func:`valduchesse.topic_agreement.seed_agreement`.
    summaries : dict of str to DataFrame
        Map a unit to :func:`valduchesse.topic_agreement.agreement_summary`.
    title : str
        The figure's title.

    Returns
    -------
    matplotlib.figure.Figure
        The figure.
    """
    use_style()
    metrics = list(next(iter(summaries.values()))["metric"])
    fig, axes = plt.subplots(len(metrics), len(per_seed), figsize=(5.2 * len(per_seed), 3.0 * len(metrics)),
                             squeeze=False)
    for column, unit in enumerate(per_seed):
        summary = summaries[unit].set_index("metric")
        for row, metric in enumerate(metrics):
            ax = axes[row, column]
            values, baseline = per_seed[unit][metric].to_numpy(), null[unit][metric].to_numpy()
            low = min(values.min(), baseline.min())
            high = max(values.max(), baseline.max())
            edges = np.linspace(low, high + 1e-9, 31)
            counts, _, _ = ax.hist(baseline, bins=edges, color=NULL_COLOUR, alpha=0.6,
                                   label=f"null: labels shuffled ({len(baseline)} values)")
            threshold = summary.loc[metric, "null_quantile"]
            ax.axvline(threshold, color="#333333", linestyle="--", linewidth=1,
                       label="null's 95th percentile")
            bins = np.clip(np.digitize(values, edges) - 1, 0, len(edges) - 2)
            heights = np.zeros(len(edges) - 1)
            step = max(counts.max(), 1) * 0.08
            base = max(counts.max(), 1) * 1.05
            xs, ys = [], []
            for value, b in sorted(zip(values, bins)):
                xs.append(value)
                ys.append(base + heights[b] * step)
                heights[b] += 1
            ax.scatter(xs, ys, s=18, color=OKABE_ITO[0], zorder=3, label=f"the {len(values)} seeds")
            above, seeds = int(summary.loc[metric, "seeds_above"]), int(summary.loc[metric, "seeds"])
            ax.set_title(f"{unit}: {above} of {seeds} seeds above the line", fontsize=10)
            ax.set_xlabel(f"{METRIC_LABELS.get(metric, metric)} with the sections")
            ax.set_ylabel("null count")
            ax.set_ylim(0, base + (heights.max() + 1) * step)
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.suptitle(title, fontsize=12, y=0.995)
    fig.tight_layout(rect=(0, 0, 1, 0.93))
    fig.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, 0.955), ncol=len(labels), fontsize=8,
               frameon=False)
    return fig
