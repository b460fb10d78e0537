"""The theme dictionary's verdicts in words (:mod:`valduchesse.validation`)."""

from __future__ import annotations

import pandas as pd

__all__ = ["verdict_lines", "with_verdicts"]


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
