"""The document-term matrix: term counts and TF-IDF per text, top terms, presence over time and similarity,
always within one language.

The pipeline follows quanteda's: a table of texts with their metadata →
**one tokens object** (:func:`valduchesse.tokens.tokens`: tokenised,
lemmatised, with furniture, names, numbers and stop words removed and
reported) → :func:`term_matrix` (raw counts and TF-IDF from scikit-learn) →
statistics that keep the counts behind every score: here :func:`top_terms`,
:func:`term_presence` and :func:`similarity`; the keyness of each term with
p-values and a multiple-comparison threshold in :mod:`valduchesse.keyness`;
the passages a number comes from (concordances) and the frequencies of words
and expressions in :mod:`valduchesse.concordance`. Every function takes a
:class:`~valduchesse.tokens.Tokens` object, or a table of texts from which it
builds one with the default steps (:func:`as_tokens`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
from sklearn.metrics.pairwise import cosine_similarity

from .tokens import Tokens, tokens

__all__ = [
    "TermMatrix", "as_tokens", "ngrams", "similarity", "term_matrix", "term_presence", "top_terms",
    "top_terms_table",
]


def as_tokens(texts, lemmatize: bool = True) -> Tokens:
    """``texts`` if it is a :class:`~valduchesse.tokens.Tokens` object, else the tokens of a table of texts.

    Parameters
    ----------
    texts : Tokens or DataFrame
        A tokens object (returned as it is), or a table with ``doc_id``,
        ``language`` and ``text``, tokenised with :func:`valduchesse.tokens.tokens`'s
        default removal steps.
    lemmatize : bool
        For a table of texts: terms are lemmas (default) or lower-cased words.
        Ignored for a tokens object.

    Returns
    -------
    Tokens
        The tokens of the texts.
    """
    if isinstance(texts, Tokens):
        return texts
    return tokens(texts, lemmatize=lemmatize)


@dataclass(frozen=True)
class TermMatrix:
    """Counts and TF-IDF weights of terms (columns) in texts (rows), for one language.

    ``counts`` and ``tfidf`` are sparse matrices with one row per id in
    ``doc_ids`` and one column per entry of ``terms`` (sorted). ``totals``
    holds each text's number of terms before rare terms were left out
    (``min_count``, ``min_docs``): the totals that keyness compares against,
    which must not change with those thresholds.
    """

    doc_ids: list[str]
    terms: np.ndarray
    counts: sparse.csr_matrix
    tfidf: sparse.csr_matrix
    totals: np.ndarray

    def frame(self, weights: str = "counts") -> pd.DataFrame:
        """The matrix as a dense table.

        Parameters
        ----------
        weights : {"counts", "tfidf"}
            Which values.

        Returns
        -------
        DataFrame
            One row per text (index ``doc_id``), one column per term.
        """
        values = getattr(self, weights).toarray()
        return pd.DataFrame(values, index=pd.Index(self.doc_ids, name="doc_id"), columns=self.terms)


def ngrams(terms: list[str], ngram_range: tuple[int, int]) -> list[str]:
    """The n-grams of a term list, shortest first: ``["a", "b", "a b"]`` for (1, 2).

    Parameters
    ----------
    terms : list of str
        The terms, in order.
    ngram_range : (int, int)
        Smallest and largest n; an n-gram is n consecutive terms joined by a space.

    Returns
    -------
    list of str
        Every n-gram, all those of the smallest n first, each n in the order of ``terms``.
    """
    low, high = ngram_range
    return [
        " ".join(terms[i : i + n])
        for n in range(low, high + 1)
        for i in range(len(terms) - n + 1)
    ]


def term_matrix(
    texts,
    ngram_range: tuple[int, int] = (1, 1),
    min_count: int = 1,
    min_docs: int = 1,
    lemmatize: bool = True,
) -> TermMatrix:
    """Count the terms of each text: from a :class:`~valduchesse.tokens.Tokens` object, or a table of texts.

    TF-IDF is scikit-learn's default definition: raw count times smoothed
    idf ``ln((1 + n) / (1 + df)) + 1``, each row L2-normalised.

    Parameters
    ----------
    texts : Tokens or DataFrame
        The tokens of the texts (:func:`valduchesse.tokens.tokens`), or a
        table with ``doc_id``, ``language`` and ``text``, tokenised here with
        the default removal steps (furniture by rule, names, offices,
        numbers, stop words).
    ngram_range : (int, int)
        Smallest and largest n-gram, built from consecutive terms (after the
        removals): (1, 2) gives unigrams and bigrams.
    min_count : int
        Keep terms used at least this many times in all the texts together.
    min_docs : int
        Keep terms found in at least this many texts.
    lemmatize : bool
        For a table of texts: count lemmas (default) or lower-cased words.

    Returns
    -------
    TermMatrix
        Counts and TF-IDF of the kept terms (sorted), one row per text, with
        each text's total of terms before rare ones were left out.

    Raises
    ------
    ValueError
        If no term passes ``min_count`` and ``min_docs``.
    """
    found = as_tokens(texts, lemmatize)
    vectorizer = CountVectorizer(analyzer=lambda terms: ngrams(terms, ngram_range))
    try:
        counts = vectorizer.fit_transform(found.terms()).tocsr()
        terms = vectorizer.get_feature_names_out()
    except ValueError:  # scikit-learn's "empty vocabulary": no text holds a term
        counts, terms = sparse.csr_matrix((len(found.doc_ids), 0), dtype=np.int64), np.array([], dtype=object)
    totals = np.asarray(counts.sum(axis=1)).ravel()
    used = np.asarray(counts.sum(axis=0)).ravel()
    found_in = np.asarray((counts > 0).sum(axis=0)).ravel()
    keep = np.flatnonzero((used >= min_count) & (found_in >= min_docs))
    if keep.size == 0:
        raise ValueError(
            f"no term is used at least {min_count} time(s) and in at least {min_docs} of the "
            f"{len(found.doc_ids)} texts: lower min_count or min_docs"
        )
    counts = counts[:, keep]
    tfidf = TfidfTransformer().fit_transform(counts).tocsr()
    return TermMatrix(found.doc_ids, terms[keep], counts, tfidf, totals)


def top_terms(matrix: TermMatrix, n: int = 10) -> pd.DataFrame:
    """The ``n`` highest TF-IDF terms of each text, with their raw counts beside the score.

    ``texts`` says in how many of the matrix's texts the term occurs: with
    few texts, the idf can only take a few values (with 3 texts, from 1 to
    1.7), so a term used in every text can still rank high on its count
    alone. Ties are broken by term, so the order is the same on every run.

    Parameters
    ----------
    matrix : TermMatrix
        The texts' counts and TF-IDF (:func:`term_matrix`).
    n : int
        How many terms per text (fewer if the text uses fewer terms).

    Returns
    -------
    DataFrame
        One row per text and rank: ``doc_id``, ``rank``, ``term``, ``tfidf``
        (rounded to 4 places), ``count`` and ``texts``; texts in the matrix's order.
    """
    tfidf, counts = matrix.frame("tfidf"), matrix.frame("counts")
    found_in = (counts > 0).sum(axis=0).to_numpy()
    rows = []
    for doc_id in matrix.doc_ids:
        scores = pd.DataFrame({"term": matrix.terms, "tfidf": tfidf.loc[doc_id].to_numpy(),
                               "count": counts.loc[doc_id].to_numpy(), "texts": found_in})
        best = scores[scores["count"] > 0].sort_values(["tfidf", "term"], ascending=[False, True]).head(n)
        best.insert(0, "rank", range(1, len(best) + 1))
        best.insert(0, "doc_id", doc_id)
        rows.append(best)
    table = pd.concat(rows, ignore_index=True)
    table["tfidf"] = table["tfidf"].round(4)
    return table


def top_terms_table(top: pd.DataFrame, texts: bool = False) -> pd.DataFrame:
    """:func:`top_terms` as a table to read: one column per text, one row per rank, cells ``term (count)``.

    Parameters
    ----------
    top : DataFrame
        A :func:`top_terms` table.
    texts : bool
        If True, cells are ``term (count; k/N)``: the term occurs in k of the
        N texts compared.

    Returns
    -------
    DataFrame
        Indexed by ``rank``, one column per ``doc_id``.
    """
    cells = top["term"] + " (" + top["count"].astype(str)
    if texts:
        cells = cells + "; " + top["texts"].astype(str) + "/" + str(top["doc_id"].nunique())
    return top.assign(cell=cells + ")").pivot(index="rank", columns="doc_id", values="cell")


def term_presence(matrix: TermMatrix) -> pd.DataFrame:
    """In which texts each term occurs, with the texts taken in the matrix's order (e.g. by date).

    Parameters
    ----------
    matrix : TermMatrix
        The counts of the texts (:func:`term_matrix`).

    Returns
    -------
    DataFrame
        One row per term: ``term``, its count in each text (columns named by
        text id), ``texts`` (how many texts use it), ``first`` and ``last``
        (the first and last text that uses it). Sorted by ``texts``
        (descending), then total count (descending), then term.
    """
    table = matrix.frame("counts").T
    present = table > 0
    table["texts"] = present.sum(axis=1)
    table["first"] = present.idxmax(axis=1)
    table["last"] = present.iloc[:, ::-1].idxmax(axis=1)
    table["total"] = table[matrix.doc_ids].sum(axis=1)
    table = table.rename_axis(index="term", columns=None).reset_index()
    table = table.sort_values(["texts", "total", "term"], ascending=[False, False, True])
    return table.drop(columns="total").reset_index(drop=True)


def similarity(matrix: TermMatrix) -> pd.DataFrame:
    """Cosine similarity of the texts' TF-IDF vectors, as a square table (rounded to 3 places).

    Parameters
    ----------
    matrix : TermMatrix
        The texts' TF-IDF (:func:`term_matrix`).

    Returns
    -------
    DataFrame
        Rows and columns named by text id, in the matrix's order.
    """
    values = cosine_similarity(matrix.tfidf)
    return pd.DataFrame(np.round(values, 3), index=matrix.doc_ids, columns=matrix.doc_ids)
