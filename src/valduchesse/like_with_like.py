"""Which texts a student's comparison compares (notebook 05): whole when their coverage is the same, else cut.

Texts of one coverage (every one a full text, or every one an opening
excerpt) are compared whole: cutting five complete texts to the shortest
one's length would drop sections the texts cover. Only when coverages differ
(a full text beside opening excerpts) are the openings cut to one length, at
a word end (:func:`valduchesse.corpus.comparable_openings`), and then
:func:`cut_lines` says, per text, how much of it the cut keeps.
"""

from __future__ import annotations

import pandas as pd

from .corpus_views import comparable_openings

__all__ = ["cut_lines", "openings_compared"]


def openings_compared(documents: pd.DataFrame, language: str) -> tuple[pd.DataFrame, list[str]]:
    """The openings of ``language`` to compare, whole if their coverage is the same, and the lines saying so.

    Parameters
    ----------
    documents : DataFrame
        :func:`valduchesse.corpus.load_corpus`.
    language : str
        The language compared.

    Returns
    -------
    (DataFrame, list of str)
        :func:`~valduchesse.corpus.comparable_openings`'s table (``chars`` the characters compared,
        ``original_chars`` those of the text, ``compared_as`` e.g. ``full text, whole``), and
        :func:`cut_lines`.
    """
    rows = comparable_openings(documents, language)
    if rows["coverage"].nunique() == 1:
        longest = int(documents.loc[documents["language"] == language, "text"].str.len().max())
        rows = comparable_openings(documents, language, length=longest)
        rows["compared_as"] = rows["coverage"] + ", whole"
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
