"""What a comparison of openings compares, in words (:mod:`valduchesse.like_with_like`)."""

from __future__ import annotations

import pandas as pd

from ..like_with_like import openings_to_compare
from .corpus_views import compared_whole, with_compared_as

__all__ = ["cut_lines", "openings_compared"]


def openings_compared(documents: pd.DataFrame, language: str) -> tuple[pd.DataFrame, list[str]]:
    """The openings of ``language`` to compare, whole if their coverage is the same, and the lines saying so.

    Parameters
    ----------
    documents : DataFrame
        :func:`valduchesse.corpus.load_corpus`.
    language : str
        The language compared (as for :func:`valduchesse.like_with_like.openings_to_compare`).

    Returns
    -------
    (DataFrame, list of str)
        :func:`~valduchesse.like_with_like.openings_to_compare`'s table with one more column, ``compared_as``,
        what each row compares in words: :func:`valduchesse.prose.corpus_views.with_compared_as` where the
        openings were cut (e.g. ``full text, cut at the last word end within 1,960 characters``),
        :func:`valduchesse.prose.corpus_views.compared_whole` where every text is compared whole
        (e.g. ``full text, whole``); and :func:`cut_lines` of it.
    """
    rows = openings_to_compare(documents, language)
    if rows.attrs["cut"]:
        rows = with_compared_as(rows)
    else:
        rows = rows.assign(compared_as=[compared_whole(coverage) for coverage in rows["coverage"]])
    return rows, cut_lines(rows)


def cut_lines(rows: pd.DataFrame) -> list[str]:
    """What a comparison's cut keeps of each text, in words: one line per text, or one line if none is cut.

    Parameters
    ----------
    rows : DataFrame
        :func:`openings_compared`'s table (``doc_id``, ``file``, ``coverage``, ``chars``,
        ``original_chars``).

    Returns
    -------
    list of str
        E.g. ``2016-02-01 joint declaration (a.txt): 1,771 of 1,888 characters kept (94%), 117 dropped``.
    """
    coverages = sorted(set(rows["coverage"]))
    cut = rows["chars"] < rows["original_chars"]
    if not cut.any():
        return [f"every text compared whole ({' and '.join(coverages)}): texts of one coverage are not cut"]
    lines = [f"openings cut to one length, as the coverage differs ({', '.join(coverages)}); per text, "
             "the characters kept of the text's characters:"]
    for row in rows.itertuples(index=False):
        kept, whole = int(row.chars), int(row.original_chars)
        lines.append(f"  {row.doc_id} ({row.file}): {kept:,} of {whole:,} characters kept ({kept / whole:.0%})"
                     + (f", {whole - kept:,} dropped" if kept < whole else ", whole"))
    return lines
