"""Figures: one look for all of them, saved so that a rerun gives the same bytes.

:func:`save_figure` writes every figure twice, as PNG for the screen and SVG
for papers, with the metadata that carries dates and versions removed and a
fixed ``svg.hashsalt``, so that rerunning a notebook rewrites byte-identical
files. In a notebook it then shows the saved PNG and closes the figure, so
that each figure is drawn once per file and the notebook shows the same
pixels as the file. The SVG keeps its text as text, in DejaVu Sans (the font
the PNG is drawn with), named with ``sans-serif`` as the fallback. Colours
come from the Okabe–Ito palette, which stays distinct for the common forms of
colour blindness. Every figure carries a caption line saying what it compares
(language, coverage).
"""

from __future__ import annotations

import base64
import io
import os
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.font_manager import FontProperties
from matplotlib.transforms import Bbox, TransformedBbox

from .corpus import SUPPORTED_LANGUAGES

CAPTION_SIZE = 8
"""Font size (points) of the caption under every figure."""
MAX_PANELS = 24
"""The most panels a small-multiples figure draws; beyond, it draws a selection and says so."""
RASTER_ABOVE = 60
"""Above this many meetings, the points of a figure are stored as an image inside the SVG."""
MAX_TICKS = 12
"""The most tick labels on a meetings axis; with more meetings, every n-th is labelled."""
OKABE_ITO = [
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermilion
    "#F0E442",  # yellow
    "#000000",  # black
]
COVERAGE_COLOURS = {
    "full text": OKABE_ITO[2],
    "opening excerpt": OKABE_ITO[4],
    "later excerpt": OKABE_ITO[1],
}
STYLE = {
    "axes.prop_cycle": matplotlib.cycler(color=OKABE_ITO),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 12,
    "axes.labelsize": 10,
    "figure.dpi": 100,
    # DejaVu Sans comes with matplotlib, so every machine draws the same PNG. The SVG keeps its text as
    # text (svg.fonttype "none"), in DejaVu Sans with sans-serif as the fallback (SVG_FONT).
    "font.family": "DejaVu Sans",
    "savefig.bbox": "tight",
    "savefig.dpi": 150,
    "svg.fonttype": "none",
    "svg.hashsalt": "valduchesse",
}
# How the SVG names the font of its text. A reader without DejaVu Sans gets their own sans-serif at the
# same places (labels a little shorter or longer), not the browser's default serif. Added to the SVG
# rather than given to matplotlib as a list of families, which would look fonts up again for every text.
SVG_FONT = (b"font-family: 'DejaVu Sans'", b"font-family: 'DejaVu Sans', sans-serif")


def main_kind(table: pd.DataFrame, by: str = "meeting_date") -> str:
    """The kind of text most meetings (column ``by``) of ``table`` have (ties: the first in alphabetical order)."""
    return table.drop_duplicates(by)["kind"].value_counts().sort_index().idxmax()


def use_style() -> None:
    """Apply the collection's matplotlib settings (palette, fonts, text as text in SVG, fixed SVG salt)."""
    matplotlib.rcParams.update(STYLE)


COMMITTED_RUN_VARIABLE = "VALDUCHESSE_COMMITTED_RUN"
"""Set to 1 by the runner in the kernels of the documented run (``make run``): only then may a figure
go to the collection's committed ``figures/``; :func:`figures_folder` sends it elsewhere otherwise."""
CHECKED_FIGURES_VARIABLE = "VALDUCHESSE_CHECKED_FIGURES"
"""Set by the test command (:mod:`valduchesse.pytest_plugin`) to a scratch folder: the figures that strict
nbval's kernels draw for the committed ``figures/`` go there, to be compared with the committed ones."""


def figures_folder(folder: str | Path) -> Path:
    """Where a figure asked for in ``folder`` is written.

    ``folder`` itself, except when it is the collection's committed
    ``figures/`` (the folder beside ``notebooks/`` and ``pyproject.toml``)
    and the figure is not drawn by the documented run that regenerates the
    collection (``make run``, which sets :data:`COMMITTED_RUN_VARIABLE`): a
    notebook run in JupyterLab or a copy of one then writes to
    ``output/figures/`` beside it (ignored by git), so that no other run
    changes a committed figure. Strict nbval in the test command writes to
    the scratch folder named by :data:`CHECKED_FIGURES_VARIABLE` instead,
    under the committed folder's absolute path, so that each figure can be
    compared with the committed file it stands for.
    """
    folder = Path(folder)
    resolved = folder.resolve()
    committed = (resolved.name == "figures" and (resolved.parent / "notebooks").is_dir()
                 and (resolved.parent / "pyproject.toml").is_file())
    if committed and os.environ.get(COMMITTED_RUN_VARIABLE) != "1":
        checked = os.environ.get(CHECKED_FIGURES_VARIABLE)
        if checked:
            return Path(checked) / resolved.relative_to(resolved.anchor)
        return resolved.parent / "output" / "figures"
    return folder


def save_figure(fig: plt.Figure, name: str, folder: str | Path, caption: str) -> list[Path]:
    """Add ``caption`` under the figure, save it as ``name.png`` and ``name.svg``, show the PNG, close it.

    Dates and software versions are left out of both files, so the same
    figure always gives the same bytes. In a notebook the saved PNG is
    shown as the cell's figure (at the size the figure had on screen, with
    the file's 1.5 times finer pixels), so the figure is not drawn a third
    time for the screen. The figure is closed either way: draw a new one to
    change it. The committed ``figures/`` are written only by the documented
    run (:func:`figures_folder`). Returns the two paths.
    """
    use_style()
    folder = figures_folder(folder)
    folder.mkdir(parents=True, exist_ok=True)
    # Put the caption under everything already drawn (rotated tick labels included).
    renderer = fig.canvas.get_renderer()
    drawn = fig.get_tightbbox(renderer)
    lines = wrap_lines(caption, renderer, FontProperties(size=CAPTION_SIZE), 0.99 * fig.bbox.width)
    text = fig.text(0.01, drawn.y0 / fig.get_figheight() - 0.02, lines, ha="left", va="top", fontsize=CAPTION_SIZE,
                    color="#333333")
    # Lay the figure out once for both files, instead of once per file ("tight" bounding box): what was
    # drawn and the caption, as fig.get_tightbbox would give it with the caption, without laying it all out again.
    extent = text.get_window_extent(renderer)
    parts = [drawn]
    if np.isfinite([extent.width, extent.height]).all() and (extent.width or extent.height):
        parts.append(TransformedBbox(extent, fig.dpi_scale_trans.inverted()))
    box = Bbox.union(parts).padded(matplotlib.rcParams["savefig.pad_inches"])
    paths = [folder / f"{name}.png", folder / f"{name}.svg"]
    # the caption is also the PNG's description: the report's alt text for the figure
    fig.savefig(paths[0], bbox_inches=box, metadata={"Software": None, "Description": caption})
    svg = io.BytesIO()
    fig.savefig(svg, format="svg", bbox_inches=box, metadata={"Creator": None, "Date": None, "Format": None,
                                                               "Type": None})
    paths[1].write_bytes(svg.getvalue().replace(*SVG_FONT))
    show_saved(fig, paths[0])
    plt.close(fig)
    return paths


def wrap_lines(text: str, renderer, font: FontProperties, width: float) -> str:
    """``text`` broken into lines no wider than ``width`` pixels of ``renderer`` in ``font``, at spaces.

    Each word is measured once and a line is filled greedily, word by word (a
    word wider than ``width`` gets a line of its own). This is what
    matplotlib's ``wrap=True`` does, but matplotlib measures every line anew
    each time the figure is laid out or drawn, which for a long caption cost
    more than the rest of the figure. Line breaks already in ``text`` are kept.
    """
    def measure(part: str) -> float:
        return renderer.get_text_width_height_descent(part, font, ismath=False)[0]

    space = measure("a a") - 2 * measure("a")
    widths: dict[str, float] = {}
    lines = []
    for paragraph in text.split("\n"):
        line, used = [], 0.0
        for word in paragraph.split():
            if word not in widths:
                widths[word] = measure(word)
            added = widths[word] + (space if line else 0.0)
            if line and used + added > width:
                lines.append(" ".join(line))
                line, used = [], 0.0
                added = widths[word]
            line.append(word)
            used += added
        lines.append(" ".join(line))
    return "\n".join(lines)


def empty_figure(title: str, message: str) -> plt.Figure:
    """A small figure that says why there is nothing to plot (so that a notebook never fails on it)."""
    use_style()
    fig, ax = plt.subplots(figsize=(7, 1.6))
    ax.axis("off")
    ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=10, wrap=True)
    fig.suptitle(title, fontsize=12)
    return fig


def show_saved(fig: plt.Figure, png: Path) -> None:
    """In a notebook's kernel, show the PNG saved of ``fig`` as the cell's figure output; elsewhere nothing.

    The output is what the inline backend would give (an ``image/png`` and
    the figure's text form, ``<Figure size WxH with N Axes>``), with the
    file's pixels, and a display size that keeps the figure as large on
    screen as the inline backend showed it (its pixels at ``figure.dpi``).
    Like the inline backend's, it comes when the cell has finished, after
    the cell's other outputs, so the outputs keep their order.
    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipykernel
        return
    shell = get_ipython()
    if getattr(shell, "kernel", None) is None:  # a script, a test, a terminal: no cell to show it in
        return
    data = png.read_bytes()
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")  # the IHDR chunk
    saved_dpi = matplotlib.rcParams["savefig.dpi"]
    scale = fig.dpi / (fig.dpi if saved_dpi == "figure" else saved_dpi)
    _TO_SHOW.append(({"image/png": base64.b64encode(data).decode("ascii"), "text/plain": repr(fig)},
                     {"image/png": {"width": round(width * scale), "height": round(height * scale)}}))
    if _show_pending not in shell.events.callbacks["post_execute"]:
        shell.events.register("post_execute", _show_pending)


_TO_SHOW: list[tuple[dict, dict]] = []
"""Figures saved by the running cell, shown when it finishes (:func:`show_saved`)."""


def _show_pending() -> None:
    from IPython.display import display

    while _TO_SHOW:
        data, metadata = _TO_SHOW.pop(0)
        display(data, raw=True, metadata=metadata)


def plot_availability(table: pd.DataFrame) -> plt.Figure:
    """Grid of meetings (rows) by languages (columns): which text there is.

    ``table`` is :func:`valduchesse.corpus.availability`'s output: one row
    per file with ``meeting``, ``language``, ``coverage``, ``part`` and
    ``chars``. Each cell is coloured by coverage and says the characters
    held; a cell with several parts is split into stripes.
    """
    use_style()
    meetings = sorted(table["meeting"].unique())
    languages = sorted(table["language"].unique())
    fig, ax = plt.subplots(figsize=(1.9 * len(languages) + 2.5, 0.75 * len(meetings) + 1.2))
    for (meeting, language), cell in table.groupby(["meeting", "language"]):
        y, x = meetings.index(meeting), languages.index(language)
        height = 0.9 / len(cell)
        for i, part in enumerate(cell.sort_values("part").itertuples(index=False)):
            bottom = y - 0.45 + i * height
            ax.add_patch(
                plt.Rectangle((x - 0.45, bottom), 0.9, height, color=COVERAGE_COLOURS[part.coverage])
            )
            label = f"{part.chars:,} chars" + (f" (part {part.part})" if len(cell) > 1 else "")
            ax.text(x, bottom + height / 2, label, ha="center", va="center", fontsize=8)
    ax.set_xlim(-0.5, len(languages) - 0.5)
    ax.set_ylim(len(meetings) - 0.5, -0.5)
    ax.set_xticks(range(len(languages)), [f"{code} ({SUPPORTED_LANGUAGES.get(code, code)})" for code in languages])
    ax.set_yticks(range(len(meetings)), meetings)
    ax.set_xlabel("language of the text (ISO 639-1)")
    ax.set_ylabel("meeting (date, kind)")
    ax.set_title("Which official text the corpus holds, per meeting and language")
    handles = [plt.Rectangle((0, 0), 1, 1, color=c) for c in COVERAGE_COLOURS.values()]
    ax.legend(handles, COVERAGE_COLOURS, title="coverage", loc="upper left", bbox_to_anchor=(1.01, 1))
    ax.tick_params(length=0)
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)
    return fig


def plot_keyness(table: pd.DataFrame, title: str, columns: int = 2, max_panels: int = MAX_PANELS) -> plt.Figure:
    """One bar panel per group: its most distinctive terms by signed G².

    ``table`` is :func:`valduchesse.terms.keyness_by_group`'s output. Each
    bar is labelled with the term's count in the group and in the rest
    (``target/reference``), so the reader sees the numbers behind the score;
    a dotted line marks G² = 3.84 (p = 0.05 for a single test) and, when the
    table carries a Bonferroni threshold (``table.attrs["critical_g2"]``, set
    by :func:`valduchesse.terms.keyness`), a dashed line marks it: only bars
    beyond it pass the correction for the number of terms tested. With more
    than ``max_panels`` groups, only the groups with the highest top G² are
    drawn (the figure says how many of how many), so that the figure stays
    readable and small for a corpus of thousands of texts; the table holds all.
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
    """Heatmap of a square similarity table, each cell labelled with its value."""
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


def plot_theme_shares(table: pd.DataFrame, title: str, columns: int = 5) -> plt.Figure:
    """Small multiples: per theme, each meeting's share with its interval, one colour per language.

    ``table`` has ``meeting``, ``kind``, ``language``, ``label`` (the theme),
    ``share``, ``share_low`` and ``share_high``. Meetings are placed in the
    order they first appear. Texts of the most common ``kind`` get filled
    markers, texts of any other kind (here the 2017 joint communiqué) hollow
    ones, named under the panels.
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
            declaration = (points["kind"] == usual).to_numpy()
            ax.scatter([v for v, d in zip(x, declaration) if d], points["share"][declaration], color=colour, s=22,
                       label=language, zorder=3, rasterized=many)
            ax.scatter([v for v, d in zip(x, declaration) if not d], points["share"][~declaration], s=22,
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

    ``table`` has ``section`` (a label), ``label`` (the theme), ``share``,
    ``units_with_theme`` and ``units``; each cell shows the share and the
    counts behind it. ``xlabel`` and ``value`` (the colour bar's label) say
    how the themes were measured.
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

    ``table`` is :func:`valduchesse.coding.hand_shares` by ``meeting_date``,
    ``kind`` and ``held`` (what text the sentences come from), with a ``label``
    per theme. One position per meeting and text held, in date order (a
    meeting may have two: its full text and its opening, to compare like with
    like); each point is labelled with its counts (coded / sentences). A
    square marks a full text, a circle excerpts; texts of a kind other than the
    most common one (the 2017 communiqué) are hollow and grey, another genre.
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
