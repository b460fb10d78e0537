"""Figures of notebook 06: where each theme falls in a complete text, and the agenda by meeting.

* :func:`plot_detection`: themes against character offset in each complete text, one mark per
  themed sentence, the first one highlighted, with vertical lines at the lengths of the openings held;
* :func:`plot_agenda`: domains (rows) by meetings (columns), one mark per kind of unit that names the
  domain, with the unit's text file written beside the grid.

Both use the collection's style and palette (:mod:`valduchesse.plotting.style`); save them with
:func:`valduchesse.plotting.style.save_figure`.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.lines import Line2D

from .style import OKABE_ITO, empty_figure, use_style

__all__ = ["SOURCE_COLOURS", "UNIT_MARKERS", "plot_detection", "plot_agenda"]

SOURCE_COLOURS = {"hand code": OKABE_ITO[0], "dictionary": OKABE_ITO[1]}
"""Colour of a sentence's mark by where its theme comes from."""
UNIT_MARKERS = ["o", "s", "D", "^", "v", "P", "X", "*"]
"""Markers given to the unit kinds of :func:`plot_agenda`, in the order the kinds are listed."""


def plot_detection(themed: pd.DataFrame, openings: pd.DataFrame, order: list[str], labels: dict | None = None,
                   title: str = "Where each theme is first spoken of in the complete text(s)") -> plt.Figure:
    """Themes (rows) against character offset, one panel per complete text.

    Parameters
    ----------
    themed : DataFrame
        :func:`valduchesse.power.theme_sentences`: one row per themed sentence (``doc_id``, ``theme``,
        ``start``, ``end``, ``source``, ``first``).
    openings : DataFrame
        :func:`valduchesse.power.openings_held` (``meeting_date``, ``language``, ``chars``): a dashed
        vertical line at each length, the lines labelled in a list beside them.
    order : list of str
        Themes in the order of the rows (top first); themes not in ``themed`` get an empty row.
    labels : dict, optional
        Theme name -> label on the axis.
    title : str
        The title of the first panel.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (a small figure saying why, if no complete text is held), for
        :func:`~valduchesse.plotting.style.save_figure`.
    """
    use_style()
    labels = labels or {}
    if themed.empty:
        return empty_figure(title, "No complete text is held: a theme's position is known only in a complete text.")
    docs = sorted(themed["doc_id"].unique())
    fig, axes = plt.subplots(len(docs), 1, figsize=(10, 0.42 * len(order) * len(docs) + 1.6), squeeze=False)
    for ax, doc_id in zip(axes[:, 0], docs):
        part = themed[themed["doc_id"] == doc_id]
        rows = {theme: i for i, theme in enumerate(order)}
        for source, colour in SOURCE_COLOURS.items():
            marks = part[(part["source"] == source) & ~part["first"]]
            ax.scatter(marks["start"], marks["theme"].map(rows), s=14, color=colour, alpha=0.6, linewidths=0)
            firsts = part[(part["source"] == source) & part["first"]]
            ax.scatter(firsts["start"], firsts["theme"].map(rows), s=70, facecolors=colour, edgecolors="black",
                       linewidths=0.8, zorder=3)
        for chars in sorted(set(openings["chars"])):
            ax.axvline(chars, color="#555555", linestyle="--", linewidth=0.6, zorder=1)
        if not openings.empty:
            listed = "\n".join(f"{d[:4]} {l}: {c:,}" for d, l, c in
                               openings.sort_values(["chars", "meeting_date", "language"])[
                                   ["meeting_date", "language", "chars"]].to_numpy())
            ax.text(1.01, 1.0, "openings held\n(meeting, language:\nchars):\n" + listed, transform=ax.transAxes,
                    fontsize=7, va="top", ha="left", color="#333333")
        ax.set_yticks(range(len(order)), [labels.get(t, t) for t in order])
        ax.set_ylim(len(order) - 0.5, -0.5)
        ax.set_xlim(0, max(int(part["end"].max()), int(openings["chars"].max()) if len(openings) else 0) * 1.02)
        ax.set_xlabel(f"character offset in the body of {doc_id}")
        ax.set_ylabel("theme")
        ax.grid(axis="x", color="#dddddd", linewidth=0.5)
    handles = [Line2D([], [], marker="o", linestyle="", color=c, label=f"themed sentence ({s})")
               for s, c in SOURCE_COLOURS.items()]
    handles += [Line2D([], [], marker="o", linestyle="", markerfacecolor="white", markeredgecolor="black",
                       markersize=8, label="first sentence of the theme (large mark)"),
                Line2D([], [], color="#555555", linestyle="--", linewidth=0.8, label="length of an opening held")]
    axes[0, 0].legend(handles=handles, loc="lower right", fontsize=7, frameon=True)
    axes[0, 0].set_title(title)
    fig.tight_layout()
    return fig


def plot_agenda(agenda: pd.DataFrame, domains: list[str], meetings: list[str], kinds: list[str],
                labels: dict | None = None, title: str = "The agenda by meeting, from comparable units") -> plt.Figure:
    """Domains (rows) by meetings (columns): one mark per kind of unit that names the domain.

    A filled mark: the unit names the domain as a subject of the cooperation (role ``agenda``); a
    hollow one: only as its background (role ``context``).

    Parameters
    ----------
    agenda : DataFrame
        :func:`valduchesse.agenda.read_units` (``meeting_date``, ``unit_kind``, ``domain``, ``role``,
        ``file``).
    domains, meetings, kinds : list of str
        Rows (top first), columns (left first) and the unit kinds (each its marker, side by side in a cell).
    labels : dict, optional
        Domain -> label on the axis.
    title : str
        The figure's title.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (a small figure saying why, if no unit is listed).
    """
    use_style()
    labels = labels or {}
    if agenda.empty:
        return empty_figure(title, "No agenda units are listed.")
    fig, ax = plt.subplots(figsize=(2.3 * len(meetings) + 4.5, 0.45 * len(domains) + 2.2))
    width = 0.8 / max(len(kinds), 1)
    for k, kind in enumerate(kinds):
        part = agenda[agenda["unit_kind"] == kind].drop_duplicates(["meeting_date", "domain"])
        part = part[part["domain"].isin(domains) & part["meeting_date"].isin(meetings)]
        x = part["meeting_date"].map(meetings.index) - 0.4 + width * (k + 0.5)
        y = part["domain"].map(domains.index)
        colour = OKABE_ITO[k % len(OKABE_ITO)]
        faces = [colour if role == "agenda" else "white" for role in part["role"]]
        ax.scatter(x, y, marker=UNIT_MARKERS[k % len(UNIT_MARKERS)], s=60, facecolors=faces,
                   edgecolors=["black" if role == "agenda" else colour for role in part["role"]],
                   linewidths=0.8, label=kind, zorder=3)
    sources = (agenda.drop_duplicates(["meeting_date", "unit_kind", "file"])
               .sort_values(["meeting_date", "unit_kind", "file"]))
    for j, meeting in enumerate(meetings):
        files = sources[sources["meeting_date"] == meeting]
        text = "\n".join(f"{kinds.index(k) + 1}: {f.removesuffix('.txt')}" for k, f in
                         zip(files["unit_kind"], files["file"]) if k in kinds)
        ax.text(j, len(domains) - 0.3, text, fontsize=6.5, ha="center", va="top", color="#333333")
    ax.set_xticks(range(len(meetings)), meetings)
    ax.set_yticks(range(len(domains)), [labels.get(d, d) for d in domains])
    ax.set_xlim(-0.6, len(meetings) - 0.4)
    ax.set_ylim(len(domains) + 0.9, -0.6)
    for j in range(len(meetings) - 1):
        ax.axvline(j + 0.5, color="#dddddd", linewidth=0.6)
    ax.set_xlabel("meeting (the unit describes this meeting's agenda; source file of each unit kind listed below)")
    ax.set_ylabel("domain (the project's themes)")
    ax.set_title(title)
    handles = [Line2D([], [], marker=UNIT_MARKERS[k % len(UNIT_MARKERS)], linestyle="", markersize=8,
                      markerfacecolor=OKABE_ITO[k % len(OKABE_ITO)], markeredgecolor="black",
                      label=f"{k + 1}: {kind}") for k, kind in enumerate(kinds)]
    handles += [Line2D([], [], marker="o", linestyle="", markersize=8, markerfacecolor="white",
                       markeredgecolor="#555555", label="hollow: named as context only")]
    ax.legend(handles=handles, title="unit kind", loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=7)
    fig.tight_layout()
    return fig
