"""Which texts a comparison compares, and how much of each, in words (:mod:`valduchesse.corpus_views`)."""

from __future__ import annotations

import pandas as pd

from ..corpus_views import Comparison, compared_texts

__all__ = ["compared_as", "compared_whole", "comparison_lines", "texts_compared", "with_compared_as"]


def comparison_lines(choice: Comparison) -> list[str]:
    """What a cross-meeting comparison compares, and any fallback, as the lines a notebook prints.

    Parameters
    ----------
    choice : Comparison
        :func:`valduchesse.corpus_views.compared_texts`' choice.

    Returns
    -------
    list of str
        ``no text of kind ...: every text is compared (...)`` where no text is of the main kind,
        ``no text in ...: the main comparison is in ...`` where the language fell back, then
        ``compared: KINDS; kept apart: KINDS`` (``nothing`` when every kind is compared).
    """
    lines = []
    if choice.every_kind:
        lines.append(f"no text of kind {choice.main_kind!r}: every text is compared ({', '.join(choice.kinds)})")
    if choice.language != choice.requested:
        lines.append(f"no text in {choice.requested!r}: the main comparison is in {choice.language!r}")
    lines.append(f"compared: {', '.join(choice.compared_kinds)}; kept apart: {', '.join(choice.kept_apart) or 'nothing'}")
    return lines


def texts_compared(documents: pd.DataFrame, language: str, include_communique: bool = False,
                   main_kind: str = "joint declaration") -> tuple[pd.DataFrame, str, list[str]]:
    """The texts a cross-meeting comparison compares, its language, and the lines saying what was decided.

    Parameters
    ----------
    documents : DataFrame
        :func:`~valduchesse.corpus.load_corpus`.
    language : str
        The preferred language of the comparison.
    include_communique : bool
        Compare every kind of text.
    main_kind : str
        The kind compared by default (as for :func:`valduchesse.corpus_views.compared_texts`).

    Returns
    -------
    (DataFrame, str, list of str)
        The texts compared, the language, and :func:`comparison_lines` of the choice.
    """
    compared, language, choice = compared_texts(documents, language, include_communique, main_kind)
    return compared, language, comparison_lines(choice)


def compared_as(coverage: str, original: int, length: int) -> str:
    """What one opening compared is, in words: cut at a word end within ``length``, or whole.

    Parameters
    ----------
    coverage : str
        The text's coverage (``full text``, ``opening excerpt``).
    original : int
        The text's own characters.
    length : int
        The length the openings were cut to.

    Returns
    -------
    str
        ``full text, cut at the last word end within 1,960 characters`` where the text is longer than
        ``length``, else ``opening excerpt, whole (1,779 characters)``.
    """
    if original > length:
        return f"{coverage}, cut at the last word end within {length:,} characters"
    return f"{compared_whole(coverage)} ({original:,} characters)"


def compared_whole(coverage: str) -> str:
    """What a text compared whole is, in words: its coverage, then ``whole``.

    Parameters
    ----------
    coverage : str
        The text's coverage (``full text``, ``opening excerpt``).

    Returns
    -------
    str
        E.g. ``full text, whole`` (:func:`compared_as` adds the characters where openings were cut to one
        length and this one was short enough to stay whole).
    """
    return f"{coverage}, whole"


def with_compared_as(rows: pd.DataFrame) -> pd.DataFrame:
    """The openings with one more column, ``compared_as``: what each row compares, in words.

    Parameters
    ----------
    rows : DataFrame
        :func:`valduchesse.corpus_views.comparable_openings`' table (``coverage``, ``original_chars``, and
        the length cut to in ``attrs["length"]``).

    Returns
    -------
    DataFrame
        A copy with ``compared_as`` last (:func:`compared_as`).

    Raises
    ------
    ValueError
        If ``rows`` does not say the length it was cut to (not a table of ``comparable_openings``).
    """
    if "length" not in rows.attrs:
        raise ValueError("the openings do not say the length they were cut to (attrs['length']). Fix: pass the "
                         "table valduchesse.corpus_views.comparable_openings returned, before any concat or merge")
    length = rows.attrs["length"]
    return rows.assign(compared_as=[compared_as(coverage, int(original), length)
                                    for coverage, original in zip(rows["coverage"], rows["original_chars"])])
