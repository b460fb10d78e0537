"""What a corpus allows: checks the notebooks call before an analysis the corpus may not support.

A notebook run on another folder of texts (``-p TEXTS_DIR …``) may meet a corpus that lacks what an
analysis needs: a second meeting to compare with, a complete text to cut into sections, numbered
sections, enough passages to cluster. The checks here say so in words that name what the corpus lacks
and the parameter or the texts that would fix it:

- the ``need_*`` functions raise :class:`CorpusLacks` (an :class:`~valduchesse.corpus_header.CorpusError`)
  when the notebook cannot do its main work on the corpus;
- the other functions return what can be done and the lines to print about what was skipped, so that a
  notebook does the part it can and says what it left out.

On the project's own corpus none of them prints or raises anything.
"""

from __future__ import annotations

import pandas as pd

from .corpus_header import CorpusError
from .segment import sections

__all__ = [
    "CorpusLacks", "FULL_TEXT", "full_texts", "meetings", "need_full_text", "need_hand_codes", "need_meetings",
    "need_passages", "sectioned_full_texts", "skipped", "too_few_passages",
]

_SECTION_COLUMNS = ["doc_id", "language", "coverage", "section_no", "section_title", "paragraphs", "section_chars",
                    "text"]

FULL_TEXT = "full text"
"""The ``coverage`` of a complete text."""


class CorpusLacks(CorpusError):
    """The corpus lacks what an analysis needs; the message names what, and the parameter or texts that fix it."""


def meetings(texts: pd.DataFrame) -> list[str]:
    """The meeting dates (``YYYY-MM-DD``) of ``texts``, sorted and without repeats.

    Parameters
    ----------
    texts : DataFrame
        Rows with ``meeting_date`` (dates or ``YYYY-MM-DD`` strings).

    Returns
    -------
    list of str
        The dates, ``[]`` for no text.
    """
    if texts.empty:
        return []
    return sorted(set(pd.to_datetime(texts["meeting_date"]).dt.strftime("%Y-%m-%d")))


def skipped(what: str, why: str, fix: str) -> str:
    """The line a notebook prints for a step it leaves out: ``skipped: WHAT: WHY. Fix: FIX``.

    Parameters
    ----------
    what : str
        The step left out.
    why : str
        What the corpus lacks for it.
    fix : str
        The parameter or texts that would let it run.

    Returns
    -------
    str
        The line, as above.
    """
    return f"skipped: {what}: {why}. Fix: {fix}"


def need_meetings(texts: pd.DataFrame, documents: pd.DataFrame, language: str, analysis: str,
                  minimum: int = 2, parameters: str = "LANGUAGE") -> None:
    """Raise :class:`CorpusLacks` unless ``texts`` (the texts compared) hold ``minimum`` meetings in ``language``.

    Parameters
    ----------
    texts : DataFrame
        The texts the notebook compares (rows of :func:`~valduchesse.corpus.load_corpus`).
    documents : DataFrame
        Every text of the corpus, to name the languages that would do and the kinds left apart.
    language : str
        The language of the comparison.
    analysis : str
        What the notebook does, e.g. ``"notebook 01 compares the openings of the meetings"``.
    minimum : int
        Meetings needed.
    parameters : str
        The parameter(s) that choose the language (named in the fix).

    Raises
    ------
    CorpusLacks
        Naming the meetings held, the languages that hold enough meetings and the kinds of text left apart.
    """
    held = meetings(texts[texts["language"] == language])
    if len(held) >= minimum:
        return
    others = sorted(lang for lang, part in texts.groupby("language") if len(meetings(part)) >= minimum)
    apart = sorted(set(documents["kind"]) - set(texts["kind"]))
    fixes = [f"add a text in {language!r} of another meeting to TEXTS_DIR"]
    if others:
        fixes.append(f"set {parameters} to {' or '.join(repr(o) for o in others)}")
    if apart:
        fixes.append(f"set INCLUDE_COMMUNIQUE = True to compare the {', '.join(apart)} too")
    raise CorpusLacks(
        f"{analysis}, and needs at least {minimum} meetings in one language; the texts compared hold "
        f"{len(held)} in {language!r} ({', '.join(held) or 'none'}). Fix: {'; or '.join(fixes)}")


def need_full_text(documents: pd.DataFrame, doc_id: str | None, analysis: str) -> pd.DataFrame:
    """The text ``doc_id`` (None: the first complete text), as a one-row table, or :class:`CorpusLacks`.

    Parameters
    ----------
    documents : DataFrame
        :func:`~valduchesse.corpus.load_corpus`.
    doc_id : str or None
        The text asked for (the notebook's ``DOC_ID``).
    analysis : str
        What the notebook does with it, for the message.

    Returns
    -------
    DataFrame
        One row.
    """
    if doc_id is not None:
        chosen = documents[documents["doc_id"] == doc_id]
        if chosen.empty:
            raise CorpusLacks(f"no text {doc_id!r} in TEXTS_DIR. Fix: set DOC_ID to one of "
                              f"{', '.join(documents['doc_id'])}, or to None for the first complete text")
        return chosen
    full = documents[documents["coverage"] == FULL_TEXT]
    if full.empty:
        raise CorpusLacks(
            f"{analysis}; TEXTS_DIR holds no complete text (no header says 'coverage: {FULL_TEXT}', only "
            f"{', '.join(sorted(set(documents['coverage'])))}). Fix: add a complete text to TEXTS_DIR, or set DOC_ID "
            f"to one of the texts held ({', '.join(documents['doc_id'])}) to use an excerpt")
    return full.iloc[[0]]


def too_few_passages(n: int, fraction: float, what: str, fix: str) -> str | None:
    """A :func:`skipped` line if ``n`` passages are too few to cluster on subsamples of ``fraction``, else None.

    Two clusters need subsamples of at least 3 passages (``round(fraction * n) >= 3``).

    Parameters
    ----------
    n : int
        The passages there are.
    fraction : float
        The share of them in each subsample.
    what : str
        The step that would be skipped.
    fix : str
        What would let it run.

    Returns
    -------
    str or None
        ``skipped: WHAT: N passages, too few for subsamples of 3 (P% of them). Fix: FIX``, or None when the
        subsamples hold 3 passages or more.
    """
    if round(fraction * n) >= 3:
        return None
    return skipped(what, f"{n} passages, too few for subsamples of 3 ({fraction:.0%} of them)", fix)


def need_passages(counts: dict[str, int], fraction: float, doc_id: str, analysis: str) -> tuple[list[str], list[str]]:
    """The units (e.g. ``paragraphs``) with passages enough to cluster on subsamples, and the lines on the others.

    Stability compares clusterings of subsamples of ``round(fraction * n)`` passages, and two clusters
    need a subsample of at least 3: a unit with fewer passages is skipped; if every unit is,
    :class:`CorpusLacks` is raised.

    Parameters
    ----------
    counts : dict
        Passages (with terms) per unit.
    fraction : float
        The share of the passages in each subsample (the notebook's ``FRACTION``).
    doc_id : str
        The text, for the message.
    analysis : str
        What the notebook does with the passages.

    Returns
    -------
    (list of str, list of str)
        The units kept, in the order of ``counts``, and one :func:`skipped` line per unit left out.
    """
    kept = [unit for unit, n in counts.items()
            if too_few_passages(n, fraction, unit, "") is None]
    held = ", ".join(f"{n} {unit}" for unit, n in counts.items())
    if not kept:
        raise CorpusLacks(
            f"{analysis}, and needs passages enough for subsamples of 3 ({fraction:.0%} of them, the parameter "
            f"FRACTION); {doc_id} has {held} with terms. Fix: set DOC_ID to a longer text of TEXTS_DIR, add a "
            "longer complete text, or raise FRACTION")
    lines = [skipped(f"{unit} of {doc_id}", f"{n} passages, too few for subsamples of 3 ({fraction:.0%}, FRACTION)",
                     "set DOC_ID to a longer text, or leave the unit out of UNITS")
             for unit, n in counts.items() if unit not in kept]
    return kept, lines


def need_hand_codes(current: pd.DataFrame, sentences: int, analysis: str) -> None:
    """Raise :class:`CorpusLacks` if no sentence of the corpus is hand-coded (``current`` is empty).

    Parameters
    ----------
    current : DataFrame
        The hand codes that match the texts of the corpus (``check_coding``'s current rows).
    sentences : int
        The sentences of the corpus, for the message.
    analysis : str
        What the notebook does with the codes.
    """
    if len(current):
        return
    raise CorpusLacks(
        f"{analysis}; none of the {sentences} sentences of TEXTS_DIR is hand-coded in CODING_FILE (the codes "
        "there are for other texts, or for other versions of these). Fix: code your sentences (notebook 05's "
        "SHEET_FILE writes a sheet to code) and set CODING_FILE to the coded sheet, or set TEXTS_DIR to the "
        "texts CODING_FILE codes")


def full_texts(documents: pd.DataFrame, analysis: str) -> tuple[pd.DataFrame, list[str]]:
    """The complete texts of the corpus, and a :func:`skipped` line for ``analysis`` if it holds none.

    Parameters
    ----------
    documents : DataFrame
        :func:`~valduchesse.corpus.load_corpus`.
    analysis : str
        What the notebook does with the complete texts, for the line printed.

    Returns
    -------
    (DataFrame, list of str)
        The rows whose ``coverage`` is ``full text``, and the lines to print (empty when there is one).
    """
    full = documents[documents["coverage"] == FULL_TEXT]
    if len(full):
        return full, []
    return full, [skipped(analysis, f"TEXTS_DIR holds no complete text (coverage: {FULL_TEXT})",
                          "add a complete text to TEXTS_DIR")]


def sectioned_full_texts(documents: pd.DataFrame, analysis: str) -> tuple[pd.DataFrame, list[str]]:
    """The sections of every complete text cut into two or more numbered sections, and what was left out.

    Parameters
    ----------
    documents : DataFrame
        :func:`~valduchesse.corpus.load_corpus`.
    analysis : str
        What is done with the sections (e.g. ``"keyness of each section"``), for the lines printed.

    Returns
    -------
    (DataFrame, list of str)
        :func:`~valduchesse.segment.sections` of those texts, and one :func:`skipped` line per text left
        out (or one line when the corpus holds no complete text); empty when nothing was left out.
    """
    full, lines = full_texts(documents, analysis)
    if lines:
        return pd.DataFrame(columns=_SECTION_COLUMNS), lines
    table = sections(full)
    counts = table.groupby("doc_id")["section_no"].nunique()
    short = sorted(counts.index[counts < 2])
    lines = [skipped(f"{analysis}, {doc_id}", "the text has no numbered sections ('1. …') to compare",
                     "number its sections ('1. Title'), or read it as a whole in notebook 05") for doc_id in short]
    return table[~table["doc_id"].isin(short)], lines
