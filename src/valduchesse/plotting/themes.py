"""Figures of themes: dictionary shares by meeting and by section, hand-coded shares, dated theme rates.

:func:`plot_dated_trends` puts each meeting at its date (the meetings are
not evenly spaced: 2016, 2017, 2018, 2021) and draws a line only between
texts of one kind, so that a text of another genre (the 2017 joint
communiqué among joint declarations) stands apart as a hollow marker
instead of making a spike on the line. It uses the collection's look
(:func:`valduchesse.plotting.style.use_style`) and is saved with
:func:`valduchesse.plotting.style.save_figure`.
"""

from __future__ import annotations

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pandas as pd

from .style import OKABE_ITO, empty_figure, main_kind, use_style

__all__ = [
    "LINESTYLES", "MARKERS", "MAX_TICKS", "RASTER_ABOVE", "plot_dated_trends", "plot_hand_shares", "plot_section_themes",
    "plot_theme_shares",
]


RASTER_ABOVE = 60
"""Above this many meetings, the points of a figure are stored as an image inside the SVG."""
MAX_TICKS = 12
"""The most tick labels on a meetings axis; with more meetings, every n-th is labelled."""


def plot_theme_shares(table: pd.DataFrame, title: str, columns: int = 5) -> plt.Figure:
    """Small multiples: per theme, each meeting's share with its interval, one colour per language.

    Meetings are placed in the order they first appear. Texts of the most
    common ``kind`` get filled markers, texts of any other kind (here the 2017
    joint communiqué) hollow ones, named under the panels.

    Parameters
    ----------
    table : DataFrame
        Columns ``meeting``, ``kind``, ``language``, ``label`` (the theme),
        ``share``, ``share_low`` and ``share_high``.
    title : str
        The figure's title.
    columns : int
        Panels per row.

    Returns
    -------
    matplotlib.figure.Figure
        The figure.
    """
    use_style()
    meetings = list(dict.fromkeys(table["meeting"]))
    position = {meeting: i for i, meeting in enumerate(meetings)}
    many = len(meetings) > RASTER_ABOVE  # thousands of points: drawn as pixels in the SVG, which stays small
    languages = list(dict.fromkeys(table["language"]))
    themes = list(dict.fromkeys(table["label"]))
    usual = main_kind(table, by="meeting")
    other_kinds = sorted(set(table["kind"]) - {usual})
    rows = -(-len(themes) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(3.1 * columns, 2.9 * rows + 0.8), sharey=True, squeeze=False)
    width = 0.5 / max(len(languages), 1)
    for ax, theme in zip(axes.flat, themes):
        part = table[table["label"] == theme]
        for i, language in enumerate(languages):
            points = part[part["language"] == language]
            x = [position[m] + (i - (len(languages) - 1) / 2) * width for m in points["meeting"]]
            colour = OKABE_ITO[i % len(OKABE_ITO)]
            ax.errorbar(x, points["share"], yerr=[points["share"] - points["share_low"], points["share_high"] - points["share"]],
                        fmt="none", ecolor=colour, elinewidth=1, capsize=2, rasterized=many)
            usual_kind = (points["kind"] == usual).to_numpy()
            ax.scatter([v for v, d in zip(x, usual_kind) if d], points["share"][usual_kind], color=colour, s=22,
                       label=language, zorder=3, rasterized=many)
            ax.scatter([v for v, d in zip(x, usual_kind) if not d], points["share"][~usual_kind], s=22,
                       facecolors="white", edgecolors=colour, zorder=3, rasterized=many)
        ax.set_title(theme, fontsize=9)
        ticks = range(0, len(meetings), max(1, len(meetings) // MAX_TICKS))  # at most ~MAX_TICKS labels
        ax.set_xticks(list(ticks), [meetings[t][:4] for t in ticks], fontsize=8)
        ax.set_ylim(-0.02, 1.02)
    for ax in axes[:, 0]:
        ax.set_ylabel("share of sentences\nmentioning the theme")
    for ax in axes.flat[len(themes):]:
        ax.set_visible(False)
    axes.flat[0].legend(title="language", fontsize=7, title_fontsize=7, loc="upper right")
    fig.suptitle(title, fontsize=12)
    hollow = f"; hollow marker: {', '.join(other_kinds)}, not a {usual}" if other_kinds else ""
    fig.supxlabel(f"meeting (year{hollow})", fontsize=9)
    fig.tight_layout()
    return fig


def plot_section_themes(table: pd.DataFrame, title: str, xlabel: str = "theme (themes.yml)",
                        value: str = "share of the section's sentences mentioning the theme") -> plt.Figure:
    """Heatmap of sections (rows) by themes (columns): the share of each section's sentences per theme.

    Each cell shows the share and the counts behind it.

    Parameters
    ----------
    table : DataFrame
        Columns ``section`` (a label), ``label`` (the theme), ``share``,
        ``units_with_theme`` and ``units``.
    title : str
        The figure's title.
    xlabel : str
        The label of the themes' axis: how the themes were measured.
    value : str
        The colour bar's label.

    Returns
    -------
    matplotlib.figure.Figure
        The figure.
    """
    use_style()
    shares = table.pivot(index="section", columns="label", values="share")
    sections = list(dict.fromkeys(table["section"]))
    themes = list(dict.fromkeys(table["label"]))
    shares = shares.loc[sections, themes]
    counts = table.set_index(["section", "label"])
    fig, ax = plt.subplots(figsize=(1.15 * len(themes) + 4, 0.55 * len(sections) + 2.2))
    image = ax.imshow(shares.to_numpy(), cmap="cividis", vmin=0, vmax=1, aspect="auto")
    for i, section in enumerate(sections):
        for j, theme in enumerate(themes):
            cell = counts.loc[(section, theme)]
            ax.text(j, i, f"{cell['share']:.2f}\n{cell['units_with_theme']}/{cell['units']}", ha="center",
                    va="center", fontsize=7, color="black" if cell["share"] > 0.6 else "white")
    ax.set_xticks(range(len(themes)), themes, rotation=35, ha="right", fontsize=8)
    ax.set_yticks(range(len(sections)), sections, fontsize=8)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("section of the text")
    ax.set_title(title)
    fig.colorbar(image, ax=ax, label=value)
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)
    return fig


def plot_hand_shares(table: pd.DataFrame, title: str, columns: int = 4) -> plt.Figure:
    """Small multiples: per theme, the share of each text's sentences hand-coded with it, with its interval.

    One position per meeting and text held, in date order (a meeting may
    have two: its full text and its opening, to compare like with like);
    each point is labelled with its counts (coded / sentences). A square
    marks a full text, a circle excerpts; texts of a kind other than the
    most common one (the 2017 communiqué) are hollow and grey, another genre.

    Parameters
    ----------
    table : DataFrame
        :func:`valduchesse.coding.hand_shares` by ``meeting_date``, ``kind``
        and ``held`` (what text the sentences come from), with a ``label``
        per theme.
    title : str
        The figure's title.
    columns : int
        Panels per row.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (a small figure saying why, if the table is empty).
    """
    if table.empty:
        return empty_figure(title, "No hand-coded sentence of these texts: see coding/README.md to code them.")
    use_style()
    texts = table.drop_duplicates(["meeting_date", "held"]).sort_values(
        ["meeting_date", "held"], key=lambda c: c.str.startswith("full") if c.name == "held" else c)
    keys = list(zip(texts["meeting_date"], texts["held"]))
    kinds = dict(zip(keys, texts["kind"]))
    usual = main_kind(texts)
    themes = list(dict.fromkeys(table["label"]))
    rows = -(-len(themes) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(max(3.3, 0.85 * len(keys)) * columns, 2.9 * rows + 1.6),
                             sharey=True, squeeze=False)
    for ax, theme in zip(axes.flat, themes):
        part = table[table["label"] == theme].set_index(["meeting_date", "held"])
        for x, key in enumerate(keys):
            row = part.loc[key]
            main = kinds[key] == usual
            colour = OKABE_ITO[0] if main else "#777777"
            ax.errorbar([x], [row["share"]], yerr=[[row["share"] - row["low"]], [row["high"] - row["share"]]],
                        fmt="none", ecolor=colour, elinewidth=1.2, capsize=3)
            ax.scatter([x], [row["share"]], marker="s" if key[1].startswith("full text") else "o", s=30,
                       facecolors=colour if main else "white", edgecolors=colour, zorder=3)
            ax.annotate(f"{row['coded']}/{row['sentences']}", (x, row["high"]), textcoords="offset points",
                        xytext=(0, 3), ha="center", fontsize=6.5, color="#333333")
        ax.set_title(theme, fontsize=9)
        ax.set_xticks(range(len(keys)), [f"{date[:4]}\n{held.replace(' + ', chr(10) + '+ ')}" for date, held in keys],
                      fontsize=6.5)
        ax.set_xlim(-0.6, len(keys) - 0.4)
        ax.set_ylim(-0.03, 1.12)
    for ax in axes[:, 0]:
        ax.set_ylabel("share of substantive\nsentences coded")
    for ax in axes.flat[len(themes):]:
        ax.set_visible(False)
    others = sorted({kinds[key] for key in keys} - {usual})
    hollow = f"; hollow grey: {', '.join(others)}, not a {usual}" if others else ""
    fig.suptitle(title, fontsize=12)
    fig.supxlabel(f"meeting (year) and text held (coverage, language; not to scale in time). Square: full text; "
                  f"circle: excerpts{hollow}.\nLabels: sentences coded with the theme / substantive sentences.",
                  fontsize=8.5)
    fig.tight_layout()
    return fig


MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]
LINESTYLES = ["-", "--", ":", "-."]


def plot_dated_trends(table: pd.DataFrame, value: str, title: str) -> plt.Figure:
    """Lines of ``value`` per group over the meetings' dates, one kind of text per line.

    Texts of the most common kind are joined by a line per group; a text of
    any other kind is a hollow marker of the group's colour, not joined, and
    named in the legend. Ticks are the meetings' dates.

    Parameters
    ----------
    table : DataFrame
        One row per meeting and group, with ``meeting_date`` (dates),
        ``kind``, ``group`` and the ``value`` column (e.g.
        :func:`valduchesse.themes.theme_frequencies`).
    value : str
        The column to draw, e.g. ``"per_1000"``.
    title : str
        The figure's title.

    Returns
    -------
    matplotlib.figure.Figure
        The figure.
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
