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
from PIL import Image

from ..figure_paths import COMMITTED_RUN_VARIABLE, RUNNER_NOTEBOOK_VARIABLE, figures_folder, is_redirected
from ..atomic_write import write_atomically
from .captions import figure_description

__all__ = [
    "CAPTION_SIZE", "OKABE_ITO", "STYLE", "SVG_FONT", "empty_figure", "main_kind", "save_figure", "say_where", "show_saved",
    "use_style", "wrap_lines",
]


CAPTION_SIZE = 8
"""Font size (points) of the caption under every figure."""
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
    """The kind of text most meetings (column ``by``) of ``table`` have (ties: the first in alphabetical order).

    Parameters
    ----------
    table : DataFrame
        Rows with ``kind`` and the column ``by``; each meeting counts once (its first row).
    by : str
        The column that names the meeting.

    Returns
    -------
    str
        The kind.
    """
    return table.drop_duplicates(by)["kind"].value_counts().sort_index().idxmax()


def use_style() -> None:
    """Apply the collection's matplotlib settings (palette, fonts, text as text in SVG, fixed SVG salt)."""
    matplotlib.rcParams.update(STYLE)


def save_figure(fig: plt.Figure, name: str, folder: str | Path, caption: str) -> list[Path]:
    """Add ``caption`` under the figure, save it as ``name.png`` and ``name.svg``, show the PNG, close it.

    Dates and software versions are left out of both files, so the same
    figure always gives the same bytes. In a notebook the saved PNG is
    shown as the cell's figure (at the size the figure had on screen, with
    the file's 1.5 times finer pixels), so the figure is not drawn a third
    time for the screen. The figure is closed either way: draw a new one to
    change it. The committed ``figures/`` are written only by the documented
    run (:func:`~valduchesse.figure_paths.figures_folder`); any other run
    writes them to a folder of its own under ``output/figures/``, and a run
    outside the runner (a kernel in JupyterLab) prints that folder once
    (:func:`say_where`; the runner says it on the terminal). Each file is
    drawn into memory, then written atomically
    (:func:`valduchesse.atomic_write.write_atomically`, which also refuses, outside
    the documented run, a path in the committed collection or over a hard
    link).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure, drawn.
    name : str
        The files' name, without suffix.
    folder : str or Path
        The folder asked for (the committed ``figures/``, or any other); the folder written to
        (:func:`~valduchesse.figure_paths.figures_folder`) is created if needed.
    caption : str
        What the figure compares, wrapped under it; also the PNG's ``Description``, after the
        figure's title (:func:`~valduchesse.plotting.captions.figure_description`).

    Returns
    -------
    list of Path
        The PNG's and the SVG's paths, in that order.
    """
    use_style()
    asked, folder = folder, figures_folder(folder)
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
    # the figure's title and its caption are the PNG's Title and Description: the report's alt text for the figure,
    # which says first what the figure shows (plotting.captions.figure_description)
    title, description = figure_description(fig, caption)
    # Both files are drawn into memory first, then each written atomically (valduchesse.atomic_write): a kill or a
    # full disk while saving leaves the old figure or the new one, never a part of one.
    png = io.BytesIO()
    fig.savefig(png, format="png", bbox_inches=box,
                metadata={"Software": None, "Title": title, "Description": description})
    svg = io.BytesIO()
    fig.savefig(svg, format="svg", bbox_inches=box, metadata={"Creator": None, "Date": None, "Format": None,
                                                               "Type": None})
    committed = os.environ.get(COMMITTED_RUN_VARIABLE) == "1"  # the documented run may write the committed figures
    write_atomically(paths[0], png.getvalue(), committed=committed)
    write_atomically(paths[1], svg.getvalue().replace(*SVG_FONT), committed=committed)
    say_where(asked, folder)
    show_saved(fig, paths[0])
    plt.close(fig)
    return paths


_SAID: set[Path] = set()
"""The folders :func:`say_where` has named in this process."""


def say_where(asked: str | Path, folder: Path) -> None:
    """Print once per process where the figures asked for in the committed ``asked`` went instead (``folder``).

    Only for a run outside the runner (a kernel in JupyterLab, a script):
    the runner names the folder on the terminal, and neither the documented
    run nor the test command's nbval is redirected, so their notebooks'
    outputs stay as committed.

    Parameters
    ----------
    asked : str or Path
        The folder the notebook asked for.
    folder : Path
        The folder the figures were written to (:func:`~valduchesse.figure_paths.figures_folder`).
    """
    if not is_redirected(asked) or os.environ.get(RUNNER_NOTEBOOK_VARIABLE) or folder in _SAID:
        return
    _SAID.add(folder)
    root = Path(asked).resolve().parent
    shown = folder.relative_to(root).as_posix() if root in folder.parents else str(folder)
    print(f"The figures of this run are saved in {shown}/ ({folder}), not in figures/: only 'make run' writes "
          "the committed figures. Each kernel (each run) gets a folder of its own.")


def wrap_lines(text: str, renderer, font: FontProperties, width: float) -> str:
    """``text`` broken into lines no wider than ``width`` pixels of ``renderer`` in ``font``, at spaces.

    Each word is measured once and a line is filled greedily, word by word (a
    word wider than ``width`` gets a line of its own). This is what
    matplotlib's ``wrap=True`` does, but matplotlib measures every line anew
    each time the figure is laid out or drawn, which for a long caption cost
    more than the rest of the figure. Line breaks already in ``text`` are kept.

    Parameters
    ----------
    text : str
        The text.
    renderer : matplotlib.backend_bases.RendererBase
        The figure's renderer, which measures the words.
    font : matplotlib.font_manager.FontProperties
        The font the text is drawn in.
    width : float
        The widest line, in pixels.

    Returns
    -------
    str
        The lines, joined by ``\\n``.
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
    """A small figure that says why there is nothing to plot (so that a notebook never fails on it).

    Parameters
    ----------
    title : str
        The figure's title.
    message : str
        Why there is nothing to plot, written in the middle.

    Returns
    -------
    matplotlib.figure.Figure
        The figure.
    """
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

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure the PNG was saved from.
    png : Path
        The saved PNG; its size in pixels is read with Pillow.
    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipykernel
        return
    shell = get_ipython()
    if getattr(shell, "kernel", None) is None:  # a script, a test, a terminal: no cell to show it in
        return
    data = png.read_bytes()
    with Image.open(io.BytesIO(data)) as image:  # reads the header only: the size in pixels
        width, height = image.size
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
