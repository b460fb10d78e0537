"""Figures of term statistics: keyness panels and the similarity of texts."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .style import OKABE_ITO, empty_figure, use_style

__all__ = ["MAX_PANELS", "plot_keyness", "plot_similarity"]


MAX_PANELS = 24
"""The most panels a small-multiples figure draws; beyond, it draws a selection and says so."""


def plot_keyness(table: pd.DataFrame, title: str, columns: int = 2, max_panels: int = MAX_PANELS) -> plt.Figure:
    """One bar panel per group: its most distinctive terms by signed G².

    Each bar is labelled with the term's count in the group and in the rest
    (``target/reference``), so the reader sees the numbers behind the score;
    a dotted line marks G² = 3.84 (p = 0.05 for a single test) and, when the
    table carries a Bonferroni threshold (``table.attrs["critical_g2"]``, set
    by :func:`valduchesse.keyness.keyness`), a dashed line marks it: only bars
    beyond it pass the correction for the number of terms tested.

    Parameters
    ----------
    table : DataFrame
        :func:`valduchesse.keyness.keyness_by_group`'s output.
    title : str
        The figure's title (the legend of the lines is added under it).
    columns : int
        Panels per row.
    max_panels : int
        With more groups than this, only the groups with the highest top G²
        are drawn (the title says how many of how many), so that the figure
        stays readable and small for a corpus of thousands of texts; the
        table holds all.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (a small figure saying why, if the table is empty).
    """
    if table.empty:
        return empty_figure(title, "No term passes the minimum count in any text: nothing to compare.")
    use_style()
    critical = float(table.attrs.get("critical_g2", float("nan")))
    groups = list(dict.fromkeys(table["group"]))
    shown = len(groups)
    if shown > max_panels:
        strongest = table.groupby("group", sort=False)["g2"].max().sort_values(ascending=False, kind="stable")
        kept = set(strongest.index[:max_panels])
        groups = [group for group in groups if group in kept]
        title = f"{title}\n(the {max_panels} of {shown} texts with the highest G²; the table holds all)"
    rows = -(-len(groups) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(5.2 * columns, 0.32 * table["rank"].max() * rows + 1.2 * rows),
                             squeeze=False)
    has_critical = bool(np.isfinite(critical))  # NaN: no Bonferroni threshold to draw
    for i, (ax, group) in enumerate(zip(axes.flat, groups)):
        colour = OKABE_ITO[i % len(OKABE_ITO)]
        part = table[table["group"] == group].iloc[::-1]
        ax.barh(part["term"], part["g2"], color=colour)
        for y, row in enumerate(part.itertuples(index=False)):
            ax.text(row.g2, y, f" {row.target_count}/{row.reference_count}", va="center", fontsize=7)
        ax.axvline(3.84, color="#555555", linestyle=":", linewidth=1)
        if has_critical:
            ax.axvline(critical, color="#D55E00", linestyle="--", linewidth=1)
        ax.set_title(group, fontsize=10)
        ax.set_xlabel("G² (log-likelihood, target vs rest)")
        ax.set_xlim(0, max(part["g2"].max() if len(part) else 0, 3.84, critical if has_critical else 0) * 1.3)
        ax.tick_params(axis="y", labelsize=8)
    for ax in axes.flat[len(groups):]:
        ax.set_visible(False)
    legend = "dotted: G² = 3.84 (p = 0.05, one test)"
    if has_critical:
        legend += f"; dashed: G² = {critical:.1f}, the Bonferroni threshold for the terms tested"
    fig.suptitle(f"{title}\n{legend}", fontsize=11)
    fig.tight_layout()
    return fig


def plot_similarity(table: pd.DataFrame, title: str) -> plt.Figure:
    """Heatmap of a square similarity table, each cell labelled with its value.

    Parameters
    ----------
    table : DataFrame
        A square table of values from 0 to 1, e.g. :func:`valduchesse.terms.similarity`.
    title : str
        The figure's title.

    Returns
    -------
    matplotlib.figure.Figure
        The figure.
    """
    use_style()
    size = len(table)
    fig, ax = plt.subplots(figsize=(1.1 * size + 3, 0.9 * size + 1.5))
    image = ax.imshow(table.to_numpy(), cmap="cividis", vmin=0, vmax=1)
    for i in range(size):
        for j in range(size):
            value = table.iat[i, j]
            ax.text(j, i, f"{value:.2f}", ha="center", va="center", fontsize=8,
                    color="black" if value > 0.6 else "white")
    ax.set_xticks(range(size), [label.replace(" ", "\n", 1) for label in table.columns], fontsize=8)
    ax.set_yticks(range(size), table.index, fontsize=8)
    ax.set_title(title)
    fig.colorbar(image, ax=ax, label="cosine similarity of TF-IDF vectors (0 to 1)")
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)
    return fig
