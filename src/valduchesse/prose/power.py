"""What the openings could show, in words (:mod:`valduchesse.power`)."""

from __future__ import annotations

import pandas as pd

from ..power import OBSERVED_COLUMNS, comparisons
from .words import series

__all__ = ["power_sentences"]


def power_sentences(first: pd.DataFrame, openings: pd.DataFrame, labels: dict | None = None,
                    observed: pd.DataFrame | None = None) -> list[str]:
    """The plain sentence per comparison and complete text: which themes its openings could not show.

    Built from :func:`~valduchesse.power.detection` only: the openings compared are those of the other meetings in the
    comparison's language (the complete text's own meeting left out), their longest length, the
    themes whose first sentence in the complete text starts at or beyond it, with their offsets, and
    the themes they could show. ``labels`` maps theme names to readable names (e.g.
    ``ThemeDictionary.labels``). ``observed`` (:func:`~valduchesse.power.observed_in_openings`, optional): a theme that
    an opening compared is hand-coded with, although its first sentence in the complete text starts
    at or beyond the longest opening compared, is taken out of the "could not show" list and named as
    breaking the stand-in (the assumption that the declarations were ordered like the complete text).

    Parameters
    ----------
    first : pandas.DataFrame
        :func:`~valduchesse.power.first_sentences`: where each theme's first sentence starts in each
        complete text.
    openings : pandas.DataFrame
        :func:`~valduchesse.power.openings_held`.
    labels : dict, optional
        Theme names -> readable names.
    observed : pandas.DataFrame, optional
        :func:`~valduchesse.power.observed_in_openings`.

    Returns
    -------
    list of str
        One sentence per comparison and complete text, or one sentence saying why there is none.
    """
    labels = labels or {}
    name = lambda theme: labels.get(theme, theme)  # noqa: E731
    if first.empty:
        return ["No theme is located in a complete text (none is held, or neither the hand codes nor the "
                "dictionary cover its sentences), so no opening's power can be judged: a theme's position is "
                "known only in a complete text."]
    out = []
    for comparison in comparisons(openings).itertuples(index=False):
        for doc_id, themes in first.groupby("doc_id", sort=True):
            own = themes["meeting_date"].iloc[0]
            others = openings[(openings["language"] == comparison.language) & (openings["meeting_date"] != own)]
            if others.empty:
                continue
            longest = int(others["chars"].max())
            meetings = series(sorted(set(others["meeting_date"].str[:4])))
            broken = pd.DataFrame(columns=OBSERVED_COLUMNS) if observed is None else observed[
                (observed["complete_doc_id"] == doc_id) & observed["doc_id"].isin(set(others["doc_id"]))
                & (observed["complete_first_start"] >= longest)]
            missed = themes[(themes["first_start"] >= longest) & ~themes["theme"].isin(set(broken["theme"]))]
            shown = themes[themes["first_start"] < longest]
            order = ("The complete text stands in for the others: a declaration ordered differently could reach a "
                     "subject sooner.")
            if len(broken):
                seen = series([f"{name(t)} (complete text {int(g['complete_first_start'].iloc[0]):,}; coded in the "
                                + series([f"{m[:4]} opening at {s:,}" for m, s in
                                           zip(g["meeting_date"], g["observed_start"])]) + ")"
                                for t, g in broken.groupby("theme", sort=False)])
                order = (f"These figures hold only if those declarations were ordered like the complete {own[:4]} "
                         "text, and the openings' own hand codes already break that assumption for what the complete "
                         f"text starts beyond their length but they speak of: {seen}.")
            text = (f"the {meetings} {comparison.language} opening{'s' if len(others) > 1 else ''} "
                    f"(≤ {longest:,} chars)")
            where = f"in the complete {own[:4]} text ({themes['language'].iloc[0]}, {int(themes['chars'].iloc[0]):,} chars)"
            if missed.empty:
                out.append(f"{text[0].upper()}{text[1:]} could show every other theme of the complete {own[:4]} "
                           f"text: {where} each other theme's first sentence starts before "
                           f"character {longest:,}. {order}" if len(broken) else
                           f"{text[0].upper()}{text[1:]} could show every theme of the complete {own[:4]} text: "
                           f"{where} each theme's first sentence starts before character {longest:,}.")
                continue
            positions = series([f"{name(t)} {s:,}" for t, s in zip(missed["theme"], missed["first_start"])])
            could = (f"; they could show only {series([name(t) for t in shown['theme']])}, whose first sentences "
                     f"start before character {longest:,}" if not shown.empty else "; they could show none of its themes")
            out.append(f"{text[0].upper()}{text[1:]} could not show {len(missed)} of the {len(themes)} themes of the "
                       f"complete {own[:4]} text even if those declarations covered them: {where} their first "
                       f"sentences start at these characters: {positions}{could}. {order}")
    return out or ["No comparison of openings of different meetings in one language is held, so there is no "
                   "opening comparison to judge."]
