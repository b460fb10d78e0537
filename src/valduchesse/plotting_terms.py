"""Figures of term statistics that need more than :mod:`valduchesse.plotting` draws.

:func:`plot_dated_trends` puts each meeting at its date (the meetings are
not evenly spaced: 2016, 2017, 2018, 2021) and draws a line only between
texts of one kind, so that a text of another genre (the 2017 joint
communiqué among joint declarations) stands apart as a hollow marker
instead of making a spike on the line. It uses the collection's look
(:func:`valduchesse.plotting.use_style`) and is saved with
:func:`valduchesse.plotting.save_figure`.
"""

from __future__ import annotations

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pandas as pd

from .plotting import OKABE_ITO, main_kind, use_style

MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]
LINESTYLES = ["-", "--", ":", "-."]


def plot_dated_trends(table: pd.DataFrame, value: str, title: str) -> plt.Figure:
    """Lines of ``value`` per group over the meetings' dates, one kind of text per line.

    Parameters
    ----------
    table : DataFrame
        One row per meeting and group, with ``meeting_date`` (dates),
        ``kind``, ``group`` and the ``value`` column (e.g.
        :func:`valduchesse.themes.theme_frequencies`).
    value : str
        The column to draw, e.g. ``"per_1000"``.
    title : str

    Texts of the most common kind are joined by a line per group; a text of
    any other kind is a hollow marker of the group's colour, not joined, and
    named in the legend. Ticks are the meetings' dates.
    """
    use_style()
    table = table.assign(meeting_date=pd.to_datetime(table["meeting_date"])).sort_values("meeting_date")
    joined = main_kind(table)
    fig, ax = plt.subplots(figsize=(8.5, 4.8))
    for i, (group, part) in enumerate(table.groupby("group", sort=False)):
        colour, marker = OKABE_ITO[i % len(OKABE_ITO)], MARKERS[i % len(MARKERS)]
        main = part[part["kind"] == joined]
        ax.plot(main["meeting_date"], main[value], marker=marker, color=colour, label=group,
                linestyle=LINESTYLES[i // len(OKABE_ITO) % len(LINESTYLES)])
        other = part[part["kind"] != joined]
        ax.scatter(other["meeting_date"], other[value], marker=marker, s=40, facecolors="white",
                   edgecolors=colour, zorder=3)
    others = sorted(set(table["kind"]) - {joined})
    if others:
        ax.scatter([], [], marker="o", facecolors="white", edgecolors="#555555",
                   label=f"hollow, not joined: {', '.join(others)}")
    dates = sorted(table["meeting_date"].unique())
    ax.set_xticks(dates, [pd.Timestamp(d).strftime("%Y-%m-%d") for d in dates], fontsize=8)
    ax.xaxis.set_minor_locator(mdates.YearLocator())
    ax.set_xlabel(f"meeting date (lines join the {joined}s only)")
    ax.set_ylabel("occurrences per 1,000 word tokens" if value.startswith("per_1000") else value)
    ax.set_title(title)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)
    return fig
