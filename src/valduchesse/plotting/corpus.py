"""Figures of the corpus: which meetings have which texts, in which coverage (notebook 00)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from ..corpus_header import SUPPORTED_LANGUAGES
from .style import OKABE_ITO, use_style

__all__ = ["COVERAGE_COLOURS", "plot_availability"]


COVERAGE_COLOURS = {
    "full text": OKABE_ITO[2],
    "opening excerpt": OKABE_ITO[4],
    "later excerpt": OKABE_ITO[1],
}


def plot_availability(table: pd.DataFrame) -> plt.Figure:
    """Grid of meetings (rows) by languages (columns): which text there is.

    Each cell is coloured by coverage and says the characters held; a cell
    with several parts is split into stripes.

    Parameters
    ----------
    table : DataFrame
        :func:`valduchesse.corpus_views.availability`'s output: one row per
        file with ``meeting``, ``language``, ``coverage``, ``part`` and
        ``chars``.

    Returns
    -------
    matplotlib.figure.Figure
        The figure.
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
