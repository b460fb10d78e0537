"""Captions and alt texts of the figures, computed from the data each figure shows.

A caption says what a figure compares and how, for the corpus it was drawn from: nothing in it is a fact of
this project's texts unless the data says so, no absolute path of the machine appears in it (a folder is named
by its last parts, :func:`folder_label`), and what each text is (its coverage, whether and where it was cut) is
said once for all the texts (:func:`coverage_phrase`).

:func:`figure_description` is what :func:`~valduchesse.plotting.style.save_figure` writes into the PNG as its
``Title`` and ``Description``: the figure's own title (what it shows) first, then the caption (how); the report
uses the description as the figure's alt text.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

__all__ = [
    "agenda_caption", "availability_caption", "coverage_phrase", "detection_caption", "figure_description",
    "figure_subject", "folder_label", "hand_shares_caption",
]


def figure_subject(fig: plt.Figure) -> str | None:
    """What a figure shows, as its title says: the first line of its suptitle, else of its axes' first title.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure, drawn.

    Returns
    -------
    str or None
        That line of the title, its whitespace collapsed to single spaces; None if untitled.
    """
    titles = [fig._suptitle.get_text()] if fig._suptitle is not None else []
    titles += [ax.get_title(loc) for ax in fig.axes for loc in ("center", "left", "right")]
    # the first line: a title's further lines are legends (e.g. what the dotted lines of a keyness chart mean)
    return next((" ".join(text.strip().splitlines()[0].split()) for text in titles if text and text.strip()), None)


def figure_description(fig: plt.Figure, caption: str) -> tuple[str | None, str]:
    """A figure's title and its description for the PNG: the subject first, then the caption.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure, with its title drawn (:func:`figure_subject`).
    caption : str
        The caption written under it: how the figure was made.

    Returns
    -------
    (str or None, str)
        The title (None if the figure has none), and ``"<title>. <caption>"`` (the caption alone when the figure
        has no title or the caption already starts with it).
    """
    caption = " ".join(caption.split())
    subject = figure_subject(fig)
    if not subject or caption.startswith(subject):
        return subject, caption
    joiner = " " if subject.endswith((".", "?", "!", ":")) else ". "
    return subject, f"{subject}{joiner}{caption}" if caption else subject


def folder_label(path: str | Path) -> str:
    """A folder or file named for a caption without the machine's paths.

    ``../texts`` gives ``texts``, ``/home/ana/thesis/my_texts`` gives ``my_texts``, ``../coding/sentences.csv``
    gives ``coding/sentences.csv``: enough to tell which, nothing of where the machine keeps it.

    Parameters
    ----------
    path : str or Path
        A folder or a file (a file is a path whose last part has a suffix).

    Returns
    -------
    str
        A folder by its name, a file by its folder and name (``..`` and ``.`` left out); the path as
        given if nothing else is left.
    """
    path = Path(path)
    parts = [part for part in path.parts if part not in ("..", ".") and part != path.anchor]
    if not parts:
        return str(path)
    return "/".join(parts[-2:]) if path.suffix and len(parts) > 1 else parts[-1]


def _plural(noun: str, count: int) -> str:
    return noun if count == 1 else (noun[:-1] + "ies" if noun.endswith("y") else noun + "s")


def coverage_phrase(rows: pd.DataFrame) -> str:
    """What the compared texts are, said once: e.g. ``opening excerpts, each cut at a word end within 1,779 characters``.

    Parameters
    ----------
    rows : DataFrame
        The texts compared, with ``coverage``, ``chars`` (the characters compared) and ``original_chars`` (the
        text's own; when absent, no text was cut), as :func:`valduchesse.corpus_views.comparable_openings` gives.

    Returns
    -------
    str
        The coverages whose texts were all cut to one length, together (``full text and opening excerpts, each
        cut at a word end within 1,960 characters``); those whose texts are whole, with their lengths; a coverage
        with texts of both, with how many of each; joined by ``; ``. A text as long as the cut is within it and
        counts with the cut texts when some text was cut.
    """
    if rows.empty:
        return "no text"
    chars = rows["chars"].astype(int)
    original = (rows["original_chars"] if "original_chars" in rows.columns else rows["chars"]).astype(int)
    cut = chars < original
    within, with_cut = None, cut
    if cut.any():
        within = int(chars[cut].max())
        shortest = int(original.min())
        if shortest >= within and not cut[original == shortest].any():
            # the shortest text set the cut (the default): it is whole and within it, so it goes with the texts cut
            within, with_cut = shortest, cut | (original == shortest)
    groups: dict[str, list[str]] = {"cut": [], "whole": [], "both": []}
    sizes = {}
    for coverage in sorted(set(rows["coverage"])):
        mine = rows["coverage"] == coverage
        name = coverage if mine.sum() == 1 else _plural(coverage, 2)
        if with_cut[mine].all():
            groups["cut"].append(name)
        elif not with_cut[mine].any():
            groups["whole"].append(name)
            low, high = int(original[mine].min()), int(original[mine].max())
            sizes[name] = f"{low:,} characters" if low == high else f"{low:,}–{high:,} characters"
        else:
            groups["both"].append(f"{name}: {int(with_cut[mine].sum())} cut at a word end within {within:,} "
                                  f"characters, {int((~with_cut[mine]).sum())} whole")
    phrases = []
    if groups["cut"]:
        several = int(rows["coverage"].isin([c for c in set(rows["coverage"])
                                             if with_cut[rows["coverage"] == c].all()]).sum()) > 1
        phrases.append(f"{' and '.join(groups['cut'])}, {'each ' if several else ''}cut at a word end within "
                       f"{within:,} characters")
    for name in groups["whole"]:
        phrases.append(f"{name}, whole ({sizes[name]})")
    phrases += groups["both"]
    return "; ".join(phrases)


def availability_caption(documents: pd.DataFrame, texts_dir: str | Path) -> str:
    """The caption of the corpus's availability figure (notebook 00): the files, how many are full texts.

    Parameters
    ----------
    documents : DataFrame
        :func:`valduchesse.corpus.load_corpus`.
    texts_dir : str or Path
        The folder they were read from (named by :func:`folder_label`).

    Returns
    -------
    str
        The caption.
    """
    n_full = int((documents["coverage"] == "full text").sum())
    rest = len(documents) - n_full
    held = (f"{n_full} full {_plural('text', n_full)}, {rest} {_plural('excerpt', rest)}" if n_full and rest else
            f"every one a full text" if n_full else "every one an excerpt")
    return (f"Files in {folder_label(texts_dir)}/: {len(documents)} ({held}). Colour = coverage, label = characters "
            "held. Rows: meetings in date order, labelled with the kind of text.")


def hand_shares_caption(shares: pd.DataFrame, confidence: float, coding_file: str | Path) -> str:
    """The caption of the hand-coded shares per meeting (notebook 04), from the texts the shares come from.

    Parameters
    ----------
    shares : DataFrame
        :func:`valduchesse.coding.hand_shares` by ``meeting_date`` and ``held`` (what each text is, e.g.
        ``full text (nl)``); may be empty (no sentence of these texts is coded).
    confidence : float
        The level of the Wilson intervals drawn.
    coding_file : str or Path
        The file of hand codes (named by :func:`folder_label`).

    Returns
    -------
    str
        The caption (a sentence saying there is nothing to show if ``shares`` is empty).
    """
    source = folder_label(coding_file)
    if shares.empty:
        return (f"No sentence of these texts is coded in {source}: nothing to show. Code a sample of them (a sheet "
                "of sentences to code) and give that file as CODING_FILE.")
    held = shares[["meeting_date", "held"]].drop_duplicates()
    dates = [str(date)[:10] for date in held["meeting_date"]]
    texts = "; ".join(f"{date}: {what}" for date, what in zip(dates, held["held"]))
    full = sorted({date for date, what in zip(dates, held["held"]) if str(what).startswith("full text")})
    if len(full) == len(set(dates)):
        coverage = "Every meeting is held as a full text: the shares are of whole texts."
    elif not full:
        coverage = ("The main uncertainty is coverage, not sampling: no full text is held, only openings or excerpts, "
                    "so a theme absent there may be in the rest of a text.")
    else:
        coverage = (f"The main uncertainty is coverage, not sampling: except the full {_plural('text', len(full))} of "
                    f"{', '.join(full)}, only openings or excerpts are held, so a theme absent there may be in the "
                    "rest of a text.")
    return (f"Sentences hand-coded in {source} (see the codebook beside it), furniture left out. Texts: {texts}. "
            f"Bars: {confidence:.0%} Wilson intervals (how much a share rests on few sentences). {coverage}")


def agenda_caption(units: pd.DataFrame, documents: pd.DataFrame, kinds: list[str]) -> str:
    """The caption of the agenda figure (notebook 06): what its rows, columns and marks are.

    It also says which columns come from another kind of text or from complete texts, as the units'
    files say.

    Parameters
    ----------
    units : DataFrame
        :func:`valduchesse.agenda.read_units`, with ``meeting_date`` and ``file``.
    documents : DataFrame
        :func:`valduchesse.corpus.load_corpus` (``file``, ``kind``, ``coverage``).
    kinds : list of str
        The unit kinds drawn, in their numbered order.

    Returns
    -------
    str
        The caption.
    """
    files = documents.assign(name=documents["file"].map(lambda f: Path(f).name)).drop_duplicates("name")
    about = units.merge(files[["name", "kind", "coverage"]], left_on="file", right_on="name", how="left")
    about["meeting"] = about["meeting_date"].astype(str).str[:10]
    caption = ("Rows: domains (the themes); columns: the meeting whose agenda the unit describes. One mark "
               "per kind of unit naming the domain (filled: as a subject of the cooperation; hollow: as its background "
               "only), the unit's source file listed under each column by kind number. Units: "
               + "; ".join(f"{i + 1}: {k}" for i, k in enumerate(kinds)) + ".")
    if about.empty or about["kind"].isna().all():
        return caption
    per_meeting = about.dropna(subset=["kind"]).groupby("meeting")["kind"].agg(lambda k: k.mode().min())
    main = per_meeting.value_counts().sort_index().idxmax()
    others = [f"the {meeting} column is a {kind}, not a {main}" for meeting, kind in per_meeting.items() if kind != main]
    full = sorted(set(about.loc[about["coverage"] == "full text", "meeting"]))
    meetings = sorted(set(about["meeting"]))
    if not full:
        complete = "no unit comes from a complete text"
    elif full == meetings:
        complete = "every unit comes from a complete text"
    else:
        complete = f"units from a complete text are only in the {', '.join(full)} column{'s' if len(full) > 1 else ''}"
    sentence = "; ".join(others + [complete])
    return f"{caption} {sentence[0].upper()}{sentence[1:]}."


def detection_caption(themed: pd.DataFrame, openings: pd.DataFrame) -> str:
    """The caption of the detection-power figure (notebook 06): which complete texts it reads.

    It also says what its marks and dashed lines are, and what an opening could show, for the texts it
    was drawn from.

    Parameters
    ----------
    themed : DataFrame
        :func:`valduchesse.power.theme_sentences` (``doc_id``); empty when no complete text is held.
    openings : DataFrame
        :func:`valduchesse.power.openings_held`: one row per opening held (its dashed line).

    Returns
    -------
    str
        The caption (a sentence saying what cannot be read if no complete text is held).
    """
    if themed.empty:
        return ("No complete text is held: where a theme is first spoken of is known only in a complete text, so "
                "what an opening of a given length could show cannot be read here.")
    docs = sorted(set(themed["doc_id"]))
    caption = (f"Complete {_plural('text', len(docs))} held: {', '.join(docs)}. One mark per sentence about a theme "
               "(blue: hand-coded, orange: dictionary, for headings and uncoded sentences); large mark: the theme's "
               "first sentence.")
    if openings.empty:
        return f"{caption} No opening is held: no dashed line."
    stand = "stands" if len(docs) == 1 else "stand"
    return (f"{caption} Dashed lines: the lengths of the {len(openings)} {_plural('opening', len(openings))} held "
            "(listed with their meeting and language). An opening can show a theme only if the theme's first sentence "
            f"starts to the left of its line; the complete {_plural('text', len(docs))} {stand} in for the texts held "
            "only as openings.")
