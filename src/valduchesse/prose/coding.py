"""What a run in place says about texts not hand-coded (:mod:`valduchesse.coding`)."""

from __future__ import annotations

from pathlib import Path

from ..coding import coding_units, read_coding, uncoded_by_file
from ..corpus import load_corpus

__all__ = ["uncoded_lines"]


def uncoded_lines(texts_dir: str | Path, coding_file: str | Path) -> list[str]:
    """What a run in place prints about texts whose sentences are not hand-coded; [] if every one is.

    Parameters
    ----------
    texts_dir : str or Path
        The texts folder (``texts/``).
    coding_file : str or Path
        The hand-coded sentences (``coding/sentences.csv``).

    Returns
    -------
    list of str
        A heading line, one line per file (``FILE: N of M sentences not hand-coded``) and how to code them.
    """
    table = uncoded_by_file(read_coding(coding_file), coding_units(load_corpus(texts_dir)))
    if table.empty:
        return []
    return [f"texts with sentences not hand-coded in {coding_file}, so outside the hand-coded headline "
            "(notebook 04):",
            *(f"  {Path(texts_dir) / row.file}: {row.uncoded} of {row.sentences} sentence(s) not hand-coded"
              for row in table.itertuples(index=False)),
            "  to code them: coding/README.md, section \"When the texts change\""]
