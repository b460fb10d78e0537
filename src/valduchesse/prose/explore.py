"""The explorer's findings in words, and shown (:mod:`valduchesse.explore`).

:func:`valduchesse.explore.explore` returns the three views of a selection and the facts about them
(languages left out, hand codes given or not); here they are said: the selection's :func:`title`, the
:func:`notes` a reader must know (what the counts cover, what is empty), the counts with each text's
coverage in words (:func:`counts_table`). :func:`show` displays them in a notebook and :func:`panel`
puts :func:`show` behind the widgets of :func:`valduchesse.explore.controls`
(``notebooks/explorer.ipynb`` calls both).
"""

from __future__ import annotations

import pandas as pd

from ..corpus_header import SUPPORTED_LANGUAGES
from ..explore import ALL, Exploration, Explorer, ExploreError, controls, explore

__all__ = ["counts_table", "coverage_note", "held", "notes", "panel", "show", "title"]


def held(coverage: str, chars: int) -> str:
    """What a text counted holds, in words: a full text, or an excerpt and not the whole text.

    Parameters
    ----------
    coverage : str
        The text's coverage (``full text``, ``opening excerpt``, ``later excerpt``).
    chars : int
        The characters the file holds.

    Returns
    -------
    str
        ``full text (13,323 characters)`` or ``opening excerpt only: 1,779 characters held, not the whole text``.
    """
    if coverage == "full text":
        return f"full text ({chars:,} characters)"
    return f"{coverage} only: {chars:,} characters held, not the whole text"


def counts_table(counts: pd.DataFrame) -> pd.DataFrame:
    """The counts by meeting as shown: each text's coverage and characters said in one column, ``held``.

    Parameters
    ----------
    counts : DataFrame
        :func:`valduchesse.explore.counts_by_meeting`'s table.

    Returns
    -------
    DataFrame
        A copy with ``coverage`` and ``chars`` replaced by ``held`` (:func:`held`), after ``doc_id``.
    """
    table = counts.drop(columns=["coverage", "chars"])
    table.insert(table.columns.get_loc("doc_id") + 1, "held",
                 [held(coverage, chars) for coverage, chars in zip(counts["coverage"], counts["chars"])])
    return table


def coverage_note(counts: pd.DataFrame) -> str:
    """What the texts of a counts table cover, in one sentence ("" for no text).

    Parameters
    ----------
    counts : DataFrame
        :func:`valduchesse.explore.counts_by_meeting`'s table (``doc_id``, ``coverage``).

    Returns
    -------
    str
        ``All N text(s) counted are full texts.``, or how many are excerpts, named (up to 3) or pointed to
        in the column ``held``, and that a count there says nothing of the rest of the text.
    """
    if counts.empty:
        return ""
    full = counts["coverage"] == "full text"
    if full.all():
        return f"All {len(counts)} text(s) counted are full texts."
    excerpts = counts.loc[~full, "doc_id"].tolist()
    named = ", ".join(excerpts) if len(excerpts) <= 3 else "column 'held'"
    return (f"{len(excerpts)} of the {len(counts)} text(s) counted are excerpts, not full texts ({named}): "
            "a count there says nothing of the rest of the text, and a rate compares only the part held.")


def _what(found: Exploration) -> str:
    return f"theme {found.query!r} ({found.label})" if found.kind == "theme" else f"term {found.query!r}"


def _where(found: Exploration) -> str:
    return ", ".join(["all languages" if found.language == ALL else SUPPORTED_LANGUAGES.get(found.language,
                                                                                             found.language),
                      "all meetings" if found.meeting == ALL else f"meeting of {found.meeting}"])


def title(found: Exploration) -> str:
    """The selection in words, e.g. ``The theme 'cyber' (Cyber security), all languages, all meetings``.

    Parameters
    ----------
    found : Exploration
        :func:`valduchesse.explore.explore`'s result.

    Returns
    -------
    str
        What was looked for (the term, or the theme with its readable name), the language and the meeting.
    """
    return f"The {_what(found)}, {_where(found)}"


def notes(found: Exploration) -> list[str]:
    """What the reader must know about a selection's views: languages left out, coverage, empty results.

    Parameters
    ----------
    found : Exploration
        :func:`valduchesse.explore.explore`'s result.

    Returns
    -------
    list of str
        In this order: a theme's languages without entries (their texts left out); for a term in several
        languages, that its translations are not looked for; what the texts counted cover
        (:func:`coverage_note`, or ``No text to count.``); the concordance lines and texts (and lines not
        counted), or that there is no occurrence; the hand-coded sentences found, or why there are none.
    """
    said = []
    where = _where(found)
    if found.lacking:
        said.append(f"The theme has no entries in {', '.join(found.lacking)} in {found.themes_source}: "
                    f"those texts are left out (add a '{found.lacking[0]}: [...]' list to the theme to include them).")
    if found.kind == "term" and len(found.languages) > 1:
        said.append(f"The term is looked for as written in each language ({', '.join(found.languages)}); "
                    "its translations are not (pick a theme to look for the dictionary's entries in every language).")
    if found.counts.empty and not said:
        said.append("No text to count.")
    elif not found.counts.empty:
        said.append(coverage_note(found.counts))
    lines = found.concordance
    if lines.empty:
        said.append(f"No occurrence of the {_what(found)} in the texts selected ({where}).")
    else:
        uncounted = int((lines["removed"] != "").sum())
        said.append(f"{len(lines)} concordance line(s) in {lines['doc_id'].nunique()} text(s)"
                    + (f"; line(s) in words the tokens stage removed, so not in the counts: {uncounted} "
                       "(column 'removed')." if uncounted else "."))
    theme = found.kind == "theme"
    if found.coded is None:
        said.append("No hand codes were given (CODING_FILE is None): no coded sentences to show.")
    elif found.coded_units == 0:
        said.append(f"None of the sentences of these texts is hand-coded in {found.coding_source} "
                    "(or the texts changed since they were coded): no coded sentences to show.")
    elif found.coded.empty:
        said.append(f"No hand-coded sentence {'has this theme' if theme else 'holds this term'} "
                    f"in the texts selected ({where}).")
    else:
        said.append(f"{len(found.coded)} hand-coded sentence(s) "
                    f"{'coded with this theme' if theme else 'hold this term'} "
                    f"(final codes of {found.coding_source}).")
    return said


def show(explorer: Explorer, query: str, kind: str = "term", language: str = ALL, meeting: str = ALL,
         window: int = 6) -> Exploration | None:
    """Display :func:`~valduchesse.explore.explore`'s three views (in a notebook); an input it cannot show is printed, not raised.

    The :func:`title` as a heading, the :func:`notes`, then the concordance, the :func:`counts_table`
    and the hand-coded sentences.

    Parameters
    ----------
    explorer : Explorer
        :func:`valduchesse.explore.load_explorer`.
    query, kind, language, meeting : str
        The selection, as for :func:`valduchesse.explore.explore`.
    window : int
        Words on each side of a concordance match.

    Returns
    -------
    Exploration or None
        What was shown, or None when the selection could not be shown (the reason is printed).
    """
    from IPython.display import Markdown, display

    try:
        found = explore(explorer, query, kind, language, meeting, window)
    except ExploreError as problem:
        print(f"Cannot show this selection: {problem}")
        return None
    display(Markdown(f"### {title(found)}"))
    print("\n".join(notes(found)))
    display(Markdown("**(a) Concordance** (keyword in context)"))
    display(found.concordance if not found.concordance.empty else Markdown("_no line_"))
    display(Markdown("**(b) Counts by meeting** (one row per text; per 1,000 word tokens)"))
    display(counts_table(found.counts) if not found.counts.empty else Markdown("_no text counted_"))
    display(Markdown("**(c) Hand-coded sentences**"))
    display(found.coded if found.coded is not None and not found.coded.empty else Markdown("_none_"))
    return found


def panel(explorer: Explorer, query: str, kind: str = "theme", language: str = ALL, meeting: str = ALL,
          window: int = 6):
    """The explorer's controls, a "show" button and the area where a click shows :func:`show`'s tables.

    Nothing is written into the area until the button is clicked. ``ipywidgets.interact`` would write
    into it at once, while the cell runs; executed without a front end (``make run``, the tests),
    such writes into an output widget can leave the notebook's execution waiting for ever
    (nbclient issue 312), so the first selection is shown by the cell before the widgets instead.

    Parameters
    ----------
    explorer : Explorer
        :func:`valduchesse.explore.load_explorer`.
    query, kind, language, meeting : str
        The starting selection, as for :func:`valduchesse.explore.controls`.
    window : int
        Words on each side of a concordance match (the slider's start).

    Returns
    -------
    ipywidgets.VBox
        The controls, the button and the output area, to display.
    """
    import ipywidgets as widgets

    chosen = controls(explorer, query, kind, language, meeting, window)
    button = widgets.Button(description="show", button_style="primary",
                            tooltip="show the concordance, the counts and the coded sentences of this selection")
    area = widgets.Output()

    def on_click(_button) -> None:
        values = {name: widget.value for name, widget in chosen.items()}
        picked = values["term"] if values["kind"] == "term" else values["theme"]
        with area:
            area.clear_output()
            show(explorer, picked, values["kind"], values["language"], values["meeting"], values["window"])

    button.on_click(on_click)
    return widgets.VBox([*chosen.values(), button, area])
