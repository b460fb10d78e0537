"""The theme dictionary's verdicts in words (:mod:`valduchesse.validation`)."""

from __future__ import annotations

import pandas as pd

__all__ = ["verdict_lines"]


def verdict_lines(verdicts: pd.DataFrame, labels: dict | None = None) -> list[str]:
    """The verdicts in three sentences: which themes the dictionary measures, which not, which cannot be judged.

    ``verdicts`` is :func:`~valduchesse.validation.dictionary_verdicts`' table (its ``attrs`` give the
    part judged, the least number of coded units, the F1 target, what a unit
    is and how many sentences of the part guided revision 1, said in the
    lines); ``labels`` maps themes to readable names (e.g.
    ``ThemeDictionary.labels``). A status no theme has is said as "none". A
    judged theme whose coded units all sit in one group of the split says so.
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
