"""Which texts a student's comparison compares (notebook 05): whole when their coverage is the same, else cut.

Texts of one coverage (every one a full text, or every one an opening
excerpt) are compared whole: cutting five complete texts to the shortest
one's length would drop sections the texts cover. Only when coverages differ
(a full text beside opening excerpts) are the openings cut to one length, at
a word end (:func:`valduchesse.corpus.comparable_openings`), and then
:func:`valduchesse.prose.like_with_like.cut_lines` says, per text, how much of it the cut keeps.
"""

from __future__ import annotations

import pandas as pd

from .corpus_views import comparable_openings

__all__ = ["openings_to_compare"]


def openings_to_compare(documents: pd.DataFrame, language: str) -> pd.DataFrame:
    """The openings of ``language`` to compare, whole if their coverage is the same.

    :func:`valduchesse.prose.like_with_like.openings_compared` gives this table with the lines saying so.

    Parameters
    ----------
    documents : DataFrame
        :func:`valduchesse.corpus.load_corpus`.
    language : str
        The language compared.

    Returns
    -------
    DataFrame
        :func:`~valduchesse.corpus_views.comparable_openings`'s table (``chars`` the characters compared,
        ``original_chars`` those of the text), data only: ``attrs["cut"]`` is True where the openings were
        cut to one length (coverages differ), False where every text is compared whole. The words saying
        what each row compares (``compared_as``) are :func:`valduchesse.prose.like_with_like.openings_compared`'s.
    """
    rows = comparable_openings(documents, language)
    cut = rows["coverage"].nunique() > 1
    if not cut:
        longest = int(documents.loc[documents["language"] == language, "text"].str.len().max())
        rows = comparable_openings(documents, language, length=longest)
    rows.attrs["cut"] = cut
    return rows
