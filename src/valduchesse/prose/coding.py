"""The hand coding in words: texts not hand-coded (:mod:`valduchesse.coding`), and what a disagreement between
the language versions of a passage means (:mod:`valduchesse.crosslingual`)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..coding import coding_units, read_coding, uncoded_by_file
from ..corpus import load_corpus
from ..crosslingual import KINDS, MEASURES

__all__ = ["uncoded_lines", "disagreement_reading", "consistency_readings"]

_DONE = {"hand": "coded", "dictionary": "matched by the dictionary", "term_themes": "weighted"}
"""What each measure of :data:`valduchesse.crosslingual.MEASURES` does to a passage, said in a reading."""


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


def disagreement_reading(measure: str, kind: str, versions: list[str], cut) -> str:
    """Say what the versions of one passage agreeing or not on one measure means.

    Parameters
    ----------
    measure : str
        One of :data:`valduchesse.crosslingual.MEASURES` (``hand``, ``dictionary`` or ``term_themes``).
    kind : str
        :func:`valduchesse.crosslingual.disagreement`'s kind (``agree``, ``truncation`` or ``translation``).
    versions : list of str
        The versions' names, in their order (e.g. ``["de", "fr"]``).
    cut : collection of str
        The versions that end an excerpt.

    Returns
    -------
    str
        ``agree``; ``truncation: de cut off before the words that carry what fr has`` (or, when
        every version is cut, ``truncation: every version (de, fr) cut off, at different points``);
        ``translation: the same passage, in other words, coded differently`` (``matched by the
        dictionary`` or ``weighted`` for the other measures).
    """
    if measure not in MEASURES:
        raise ValueError(f"measure {measure!r}: use one of {', '.join(MEASURES)}")
    if kind not in KINDS:
        raise ValueError(f"kind {kind!r}: use one of {', '.join(KINDS)}")
    if kind == "agree":
        return "agree"
    if kind == "translation":
        return f"translation: the same passage, in other words, {_DONE[measure]} differently"
    cut = [name for name in versions if name in set(cut)]
    complete = [name for name in versions if name not in cut]
    if not complete:
        return f"truncation: every version ({', '.join(cut)}) cut off, at different points"
    return (f"truncation: {', '.join(cut)} cut off before the words that carry what "
            f"{', '.join(complete)} {'has' if len(complete) == 1 else 'have'}")


def consistency_readings(table: pd.DataFrame) -> pd.DataFrame:
    """:func:`valduchesse.crosslingual.crosslingual_consistency`'s table with each kind said in words.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`valduchesse.crosslingual.crosslingual_consistency`' table.

    Returns
    -------
    pandas.DataFrame
        The same rows, each ``<measure>_status`` column replaced in its place by
        ``<measure>_reading`` (:func:`disagreement_reading`), and without ``cut``.
    """
    table = table.copy()
    versions = table["versions"].str.split(", ")
    cut = table["cut"].map(lambda names: set(names.split(", ")) if names else set())
    for measure in MEASURES:
        table[f"{measure}_status"] = [disagreement_reading(measure, kind, names, c)
                                      for kind, names, c in zip(table[f"{measure}_status"], versions, cut)]
    table = table.drop(columns="cut")
    return table.rename(columns={f"{measure}_status": f"{measure}_reading" for measure in MEASURES})
