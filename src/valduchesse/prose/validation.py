"""The theme dictionary's verdicts in words (:mod:`valduchesse.validation`)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..themes import ThemeDictionary
from ..validation import sample_validation

__all__ = ["sample_sentence", "validated_sample", "verdict_lines", "with_verdicts"]


def verdict_lines(verdicts: pd.DataFrame, labels: dict | None = None) -> list[str]:
    """The verdicts in three sentences: which themes the dictionary measures, which not, which cannot be judged.

    A status no theme has is said as "none". A judged theme whose coded units
    all sit in one group of the split says so.

    Parameters
    ----------
    verdicts : pandas.DataFrame
        :func:`~valduchesse.validation.dictionary_verdicts`' table; its ``attrs``
        give the part judged, the least number of coded units, the F1 target,
        what a unit is and how many sentences of the part guided revision 1,
        said in the lines.
    labels : dict, optional
        Themes -> readable names (e.g. ``ThemeDictionary.labels``).

    Returns
    -------
    list of str
        The ``measured``, ``not measured well`` and ``cannot be judged`` lines.
    """
    labels = labels or {}
    unit = verdicts.attrs.get("unit", "sentence")
    guided = verdicts.attrs.get("guided")
    part = verdicts.attrs.get("part", "the part judged")

    def names(status: str) -> str:
        rows = verdicts[verdicts["status"] == status]
        if rows.empty:
            return "none"
        return "; ".join(f"{labels.get(row.theme, row.theme)} ({row.hits}/{row.coded} coded found, "
                         f"{row.matched - row.hits} false positive(s)"
                         + (f"; all {row.coded} from the one group {row.source}" if getattr(row, "source", "") else "")
                         + ")" for row in rows.itertuples(index=False))

    target = verdicts.attrs.get("target", "the target")
    fewest = verdicts.attrs.get("min_positives", "enough")
    caveat = (f"; not out of sample for revision 1, which themes.yml revises: {guided} sentence(s) of the {part} "
              "part guided it" if guided else "")
    return [f"measured ({part} F1 at least {target}, {unit}s counted{caveat}): {names('measured')}",
            f"not measured well ({part} F1 below {target}, {unit}s counted{caveat}): {names('not measured well')}",
            f"cannot be judged (fewer than {fewest} coded {unit}s in the {part} part; in brackets, how many): "
            + ("none" if not (verdicts["status"] == "cannot be judged").any() else
               "; ".join(f"{labels.get(t, t)} ({c})" for t, c in
                         verdicts.loc[verdicts["status"] == "cannot be judged", ["theme", "coded"]].to_numpy()))]


def with_verdicts(verdicts: pd.DataFrame) -> pd.DataFrame:
    """The verdicts table with one more column, ``verdict``: each theme's status and its numbers in words.

    Parameters
    ----------
    verdicts : pandas.DataFrame
        :func:`~valduchesse.validation.dictionary_verdicts`' table; its ``attrs`` give the part
        judged (``part``), the least number of coded units (``min_positives``), the F1 target
        (``target``) and what a unit is (``unit``).

    Returns
    -------
    pandas.DataFrame
        A copy with ``verdict`` last, e.g. ``not measured well: test F1 0.67 < 0.85 (2 of 12 coded
        passages missed, 4 false positive(s))`` or ``cannot be judged: 3 test passage(s) coded with it,
        fewer than 10; the dictionary's count of it is unvalidated``; a judged theme whose coded units
        all sit in one group of the split says which.
    """
    part, unit = verdicts.attrs["part"], verdicts.attrs["unit"]
    target, fewest = verdicts.attrs["target"], verdicts.attrs["min_positives"]

    def verdict(row) -> str:
        if row.status == "cannot be judged":
            said = (f"cannot be judged: {row.coded} {part} {unit}(s) coded with it, fewer than {fewest}; "
                    "the dictionary's count of it is unvalidated")
        else:
            said = (f"{row.status}: {part} F1 {row.f1:.2f} {'≥' if row.status == 'measured' else '<'} {target} "
                    f"({row.coded - row.hits} of {row.coded} coded {unit}s missed, {row.matched - row.hits} "
                    "false positive(s))")
        if row.source and row.coded:
            said += f"; every coded {unit} of the {part} part is in the one group {row.source}"
        return said

    return verdicts.assign(verdict=[verdict(row) for row in verdicts.itertuples(index=False)])


def sample_sentence(path: str | Path, scored: int) -> str:
    """What a validation on one's own coded sheet scored, in one sentence; if nothing, how to code a sheet.

    Parameters
    ----------
    path : str or Path
        The coded sheet, named as given.
    scored : int
        :func:`valduchesse.validation.sample_validation`'s count of substantive sentences scored.

    Returns
    -------
    str
        ``N hand-coded substantive sentences of PATH match these texts``, or, for 0, that none is in these
        texts and the parameters to set (SHEET_FILE, VALIDATION_FILE, VALIDATION_COLUMN) to code a sheet.
    """
    if scored == 0:
        return (f"none of the hand-coded sentences of {path} is in these texts: set SHEET_FILE to write a sheet "
                "of your sentences, code it by hand, then set VALIDATION_FILE to it and VALIDATION_COLUMN = \"codes\"")
    return f"{scored} hand-coded substantive sentences of {path} match these texts"


def validated_sample(path: str | Path, column: str, units: pd.DataFrame,
                     dictionary: ThemeDictionary) -> tuple[str, pd.DataFrame]:
    """Score a dictionary on a hand-coded sheet of one's own sentences, and say what was scored.

    Parameters
    ----------
    path : str or Path
        The hand-coded sheet (as for :func:`valduchesse.validation.sample_validation`), named as given in the sentence.
    column : str
        The column of the codes.
    units : pandas.DataFrame
        :func:`valduchesse.coding.coding_units` of the texts.
    dictionary : ThemeDictionary
        The dictionary scored.

    Returns
    -------
    said : str
        :func:`sample_sentence`.
    scores : pandas.DataFrame
        :func:`valduchesse.validation.sample_validation`'s scores, empty if nothing could be scored.
    """
    scored, scores = sample_validation(path, column, units, dictionary)
    return sample_sentence(path, scored), scores
