"""Figures: one look for all of them, saved so that a rerun gives the same bytes.

:func:`save_figure` writes every figure twice, as PNG for the screen and SVG
for papers, with the metadata that carries dates and versions removed and a
fixed ``svg.hashsalt``, so that rerunning a notebook rewrites byte-identical
files. Colours come from the Okabe–Ito palette, which stays distinct for the
common forms of colour blindness. Every figure carries a caption line saying
what it compares (language, coverage).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import pandas as pd

from .corpus import SUPPORTED_LANGUAGES

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
    "font.family": "DejaVu Sans",
    "savefig.bbox": "tight",
    "savefig.dpi": 150,
    "svg.fonttype": "path",
    "svg.hashsalt": "valduchesse",
}


def use_style() -> None:
    """Apply the collection's matplotlib settings (palette, fonts, fixed SVG salt)."""
    matplotlib.rcParams.update(STYLE)


def save_figure(fig: plt.Figure, name: str, folder: str | Path, caption: str) -> list[Path]:
    """Add ``caption`` under the figure and save it as ``name.png`` and ``name.svg``.

    Dates and software versions are left out of both files, so the same
    figure always gives the same bytes. Returns the two paths.
    """
    use_style()
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    fig.text(0.01, -0.02, caption, ha="left", va="top", fontsize=8, color="#333333", wrap=True)
    paths = [folder / f"{name}.png", folder / f"{name}.svg"]
    fig.savefig(paths[0], metadata={"Software": None})
    fig.savefig(paths[1], metadata={"Creator": None, "Date": None, "Format": None, "Type": None})
    return paths


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
