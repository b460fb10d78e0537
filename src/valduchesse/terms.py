"""Term statistics: document-term matrices, distinctive terms, keyness, concordances,
trends and similarity, always within one language.

The pipeline follows quanteda's: a table of texts with their metadata →
**one tokens object** (:func:`valduchesse.tokens.tokens`: tokenised,
lemmatised, with furniture, names, numbers and stop words removed and
reported) → :func:`term_matrix` (raw counts and TF-IDF from scikit-learn) →
statistics that keep the counts behind every score (:func:`top_terms`,
:func:`keyness` with p-values and a multiple-comparison threshold,
:func:`similarity`), and :func:`concordance` to read the passages a number
comes from. Every function takes a :class:`~valduchesse.tokens.Tokens`
object, or a table of texts from which it builds one with the default steps.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.special import chdtrc, chdtri
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
from sklearn.metrics.pairwise import cosine_similarity

from .preprocess import lemma, strip_elision, words
from .preprocessor import Preprocessor
from .tokens import CONTEXT_STEPS, STEPS, Tokens, tokens

__all__ = [
    "CORRECTIONS", "TermMatrix", "adjust", "adjust_by_group", "as_tokens", "check_correction", "concordance",
    "count_runs", "find", "frequencies", "keyness", "keyness_by_group", "log_likelihood",
    "log_ratio", "ngrams", "p_values", "query_terms", "run_index", "similarity", "term_matrix",
    "term_presence", "threshold", "top_term_contexts", "top_terms", "top_terms_table",
]

CORRECTIONS = ("bonferroni", "bh")
"""Multiple-comparison corrections of keyness: Bonferroni, or Benjamini–Hochberg (false discovery rate)."""


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


def keyness(
    matrix: TermMatrix,
    target: list[str],
    reference: list[str] | None = None,
    correction: str = "bonferroni",
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Which terms the ``target`` texts use more (or less) than the ``reference`` texts.

    Parameters
    ----------
    matrix : TermMatrix
        The counts of the texts (:func:`term_matrix`); its ``totals`` are
        the group totals compared against.
    target : list of str
        Ids of the texts under study (one document, or all of one meeting).
    reference : list of str, optional
        Ids to compare against; by default every other text of the matrix.
    correction : {"bonferroni", "bh"}
        How the p-values are corrected for testing every term of the matrix
        at once: Bonferroni (family-wise error) or Benjamini–Hochberg (false
        discovery rate).
    alpha : float
        The level a corrected p-value must be below for ``significant``.

    Returns
    -------
    DataFrame
        One row per term used in either group: ``target_count``,
        ``reference_count``, the group totals ``target_total`` and
        ``reference_total`` (all their terms, rare ones included); ``g2``, the
        log-likelihood statistic (Dunning 1993) of the 2×2 table, signed
        positive where the target uses the term relatively more; ``p_value``
        (chi-squared, 1 degree of freedom, for this term alone);
        ``p_adjusted`` (corrected for all the terms tested) and
        ``significant`` (``p_adjusted < alpha``); and ``log_ratio``, the
        effect size (Hardie 2014): log2 of the ratio of the relative
        frequencies, with 0.5 added to each count so that a term absent from
        one side has a finite value. Sorted by ``g2``, most distinctive of the
        target first. ``table.attrs`` holds the correction, ``alpha``, the
        number of terms tested and, for Bonferroni, the critical G².

    Raises
    ------
    ValueError
        For an unknown correction or level, an unknown text id, an empty
        target or reference, or a text on both sides.
    """
    check_correction(correction, alpha)
    target = list(target)
    known = set(matrix.doc_ids)
    reference = [d for d in matrix.doc_ids if d not in target] if reference is None else list(reference)
    unknown = sorted((set(target) | set(reference)) - known)
    if unknown:
        raise ValueError(f"unknown text id(s): {', '.join(unknown)}; the matrix holds {', '.join(matrix.doc_ids)}")
    if not target:
        raise ValueError("the target is empty: name at least one text id")
    if not reference:
        raise ValueError("the reference is empty: name at least one text id that is not in the target")
    overlap = sorted(set(target) & set(reference))
    if overlap:
        raise ValueError(f"target and reference overlap ({', '.join(overlap)}): a text can only be on one side")
    rows = {doc_id: i for i, doc_id in enumerate(matrix.doc_ids)}
    a = np.asarray(matrix.counts[[rows[d] for d in target]].sum(axis=0)).ravel().astype(float)
    b = np.asarray(matrix.counts[[rows[d] for d in reference]].sum(axis=0)).ravel().astype(float)
    table = pd.DataFrame({"term": matrix.terms, "target_count": a.astype(int), "reference_count": b.astype(int)})
    target_total = int(matrix.totals[[rows[d] for d in target]].sum())
    reference_total = int(matrix.totals[[rows[d] for d in reference]].sum())
    table["target_total"], table["reference_total"] = target_total, reference_total
    g2 = log_likelihood(a, b, target_total, reference_total)
    table = table.assign(g2=g2, p_value=p_values(g2))
    table = table[(table["target_count"] + table["reference_count"]) > 0].reset_index(drop=True)
    tests = len(table)
    table["p_adjusted"] = adjust(table["p_value"].to_numpy(), tests, correction)
    table["significant"] = table["p_adjusted"] < alpha
    table["log_ratio"] = np.round(log_ratio(table["target_count"], table["reference_count"], target_total,
                                            reference_total), 4)
    table = _round_statistics(table)
    table = table.sort_values(["g2", "term"], ascending=[False, True]).reset_index(drop=True)
    table.attrs.update(threshold(tests, correction, alpha))
    return table


def check_correction(correction: str, alpha: float) -> None:
    """Refuse an unknown correction or a level outside (0, 1).

    Parameters
    ----------
    correction : str
        Must be one of :data:`CORRECTIONS`.
    alpha : float
        Must lie strictly between 0 and 1.

    Raises
    ------
    ValueError
        Naming the value refused and what to use instead.
    """
    if correction not in CORRECTIONS:
        raise ValueError(f"correction {correction!r} is not known; use one of {', '.join(CORRECTIONS)}")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha={alpha}: use a level between 0 and 1, e.g. 0.05")


def p_values(g2) -> np.ndarray:
    """The chi-squared (1 degree of freedom) tail probability of each G² (its sign ignored).

    Parameters
    ----------
    g2 : float or array-like of float
        Signed G² statistics (:func:`log_likelihood`).

    Returns
    -------
    ndarray of float
        One p-value per G².
    """
    return chdtrc(1, np.abs(np.asarray(g2, dtype=float)))


def adjust(p: np.ndarray, tests: int, correction: str) -> np.ndarray:
    """Correct p-values for ``tests`` tests (``tests`` may exceed ``len(p)``: the others count with p = 1).

    Bonferroni multiplies by the number of tests; Benjamini–Hochberg
    multiplies the k-th smallest p-value by ``tests / k`` and keeps the
    adjusted values monotone. Both are capped at 1. The Benjamini–Hochberg
    values are those of :func:`scipy.stats.false_discovery_control` on ``p``
    with ``tests - len(p)`` p-values of 1 added (tested), which takes no
    number of tests of its own.

    Parameters
    ----------
    p : array-like of float
        The p-values.
    tests : int
        How many tests were made (at least ``len(p)``).
    correction : {"bonferroni", "bh"}
        Bonferroni; any other value is taken as Benjamini–Hochberg (callers
        check it first with :func:`check_correction`).

    Returns
    -------
    ndarray of float
        The adjusted p-values, in the order of ``p``.
    """
    p = np.asarray(p, dtype=float)
    if correction == "bonferroni":
        return np.minimum(p * tests, 1.0)
    order = np.argsort(p, kind="stable")
    scaled = p[order] * tests / np.arange(1, len(p) + 1)
    adjusted = np.empty_like(p)
    adjusted[order] = np.minimum(np.minimum.accumulate(scaled[::-1])[::-1], 1.0)
    return adjusted


def adjust_by_group(p: np.ndarray, group: np.ndarray, tests: int, correction: str) -> np.ndarray:
    """:func:`adjust` within each group of ``group`` (``tests`` tests per group).

    Parameters
    ----------
    p : array of float
        The p-values.
    group : array
        The group of each p-value (any sortable labels).
    tests : int
        How many tests each group counts (at least its number of p-values).
    correction : {"bonferroni", "bh"}
        As in :func:`adjust`.

    Returns
    -------
    array of float
        The adjusted p-values, in the order of ``p``.
    """
    p = np.asarray(p, dtype=float)
    group = np.asarray(group)
    adjusted = np.empty_like(p)
    by_group = np.argsort(group, kind="stable")
    starts = np.flatnonzero(np.r_[True, group[by_group][1:] != group[by_group][:-1]]) if len(p) else []
    for members in np.split(by_group, starts[1:]) if len(p) else []:
        adjusted[members] = adjust(p[members], tests, correction)
    return adjusted


def threshold(tests: int, correction: str, alpha: float) -> dict:
    """What a term must pass: the correction, ``alpha``, the number of ``tests`` and (Bonferroni) the critical G².

    Parameters
    ----------
    tests : int
        How many terms were tested.
    correction : {"bonferroni", "bh"}
        The correction used.
    alpha : float
        The level.

    Returns
    -------
    dict
        ``correction``, ``alpha``, ``tests`` and ``critical_g2`` (the G² a
        term must exceed under Bonferroni, rounded to 2 places; NaN for
        Benjamini–Hochberg or without tests).
    """
    critical = float(chdtri(1, alpha / tests)) if correction == "bonferroni" and tests else float("nan")
    return {"correction": correction, "alpha": alpha, "tests": int(tests), "critical_g2": round(critical, 2)}


def _round_statistics(table: pd.DataFrame) -> pd.DataFrame:
    """G² to 4 decimals, p-values to 4 significant digits (they can be very small)."""
    table = table.copy()
    table["g2"] = np.round(table["g2"].astype(float), 4)
    for column in ("p_value", "p_adjusted"):
        values = table[column].to_numpy(dtype=float)
        with np.errstate(divide="ignore"):
            digits = 3 - np.floor(np.log10(np.where(values > 0, values, 1.0))).astype(int)
        table[column] = [round(v, int(d)) for v, d in zip(values, digits)]
    return table


def keyness_by_group(
    matrix: TermMatrix,
    groups: dict[str, list[str]] | None = None,
    n: int = 10,
    correction: str = "bonferroni",
    alpha: float = 0.05,
) -> pd.DataFrame:
    """The ``n`` most distinctive terms of each group against all the other texts of the matrix.

    The same numbers as calling :func:`keyness` once per group, computed for
    all groups at once on the sparse counts (a term a group does not use
    cannot have a positive G²). Every term of the matrix is one test of each
    group; for Benjamini–Hochberg, the terms a group does not use count as
    tests with p = 1, which can only make it stricter.

    Parameters
    ----------
    matrix : TermMatrix
        The counts of the texts (:func:`term_matrix`).
    groups : dict of str to list of str, optional
        Maps a label (a meeting, a section) to the ids of its texts; by
        default each text is a group of its own.
    n : int
        How many terms per group (those with the highest positive G²).
    correction : {"bonferroni", "bh"}
        As in :func:`keyness`.
    alpha : float
        As in :func:`keyness`.

    Returns
    -------
    DataFrame
        :func:`keyness`'s columns, with ``group`` and ``rank`` in front, at
        most ``n`` rows per group, groups in the order of ``groups``.
        ``table.attrs`` holds the threshold (see :func:`keyness`).

    Raises
    ------
    ValueError
        As :func:`keyness` does, for a group with an unknown id, no id, or
        every text of the matrix.
    """
    check_correction(correction, alpha)
    groups = {doc_id: [doc_id] for doc_id in matrix.doc_ids} if groups is None else groups
    rows = {doc_id: i for i, doc_id in enumerate(matrix.doc_ids)}
    for label, ids in groups.items():
        unknown = sorted(set(ids) - set(rows))
        if unknown or not ids or len(set(ids)) == len(rows):
            keyness(matrix, ids)  # raises the message for an unknown id, an empty target or an empty reference
    labels = list(groups)
    pairs = [(g, rows[d]) for g, label in enumerate(labels) for d in dict.fromkeys(groups[label])]
    indicator = sparse.csr_matrix(([1] * len(pairs), tuple(zip(*pairs))), shape=(len(labels), len(rows)))
    group_counts = (indicator @ matrix.counts).tocoo()
    column_totals = np.asarray(matrix.counts.sum(axis=0)).ravel()
    target_totals = indicator @ matrix.totals
    grand_total = matrix.totals.sum()
    g, j, a = group_counts.row, group_counts.col, group_counts.data.astype(float)
    b = column_totals[j] - a
    target, reference = target_totals[g], grand_total - target_totals[g]
    g2 = log_likelihood(a, b, target, reference)
    tests = int((column_totals > 0).sum())
    p = p_values(g2)
    table = pd.DataFrame({
        "group_no": g, "term": matrix.terms[j], "target_count": a.astype(int), "reference_count": b.astype(int),
        "target_total": target.astype(int), "reference_total": reference.astype(int), "g2": np.round(g2, 4),
        "p_value": p, "p_adjusted": adjust_by_group(p, g, tests, correction),
        "log_ratio": np.round(log_ratio(a, b, target, reference), 4),
    })
    table = table[table["g2"] > 0].sort_values(["group_no", "g2", "term"], ascending=[True, False, True])
    table = table.groupby("group_no").head(n)
    table.insert(table.columns.get_loc("p_adjusted") + 1, "significant", table["p_adjusted"] < alpha)
    table = _round_statistics(table)
    table.insert(0, "rank", table.groupby("group_no").cumcount() + 1)
    table.insert(0, "group", [labels[i] for i in table["group_no"]])
    table = table.drop(columns="group_no").reset_index(drop=True)
    table.attrs.update(threshold(tests, correction, alpha))
    return table


def top_term_contexts(keyness_table: pd.DataFrame, segments, terms_per_group: int = 1, window: int = 6) -> pd.DataFrame:
    """Concordance lines for the top terms of each group of a :func:`keyness_by_group` table.

    Parameters
    ----------
    keyness_table : DataFrame
        A :func:`keyness_by_group` table (``group``, ``rank``, ``term``, ``g2``).
    segments : Tokens or DataFrame
        The groups' texts (a :class:`~valduchesse.tokens.Tokens` object or a
        table), with the group label in ``doc_id`` (as in the matrix the
        keyness came from).
    terms_per_group : int
        The terms of rank up to this in each group are looked up.
    window : int
        Words shown on each side (:func:`concordance`).

    Returns
    -------
    DataFrame
        ``group``, ``term``, ``g2`` and :func:`concordance`'s columns (its
        ``doc_id`` left out), one row per occurrence in the group's own text.
    """
    found = as_tokens(segments)
    tables = []
    for row in keyness_table[keyness_table["rank"] <= terms_per_group].itertuples(index=False):
        lines = concordance(found, row.term, window=window)
        lines = lines[lines["doc_id"] == row.group]
        tables.append(lines.drop(columns="doc_id").assign(group=row.group, term=row.term, g2=row.g2))
    table = pd.concat(tables, ignore_index=True)
    return table[["group", "term", "g2", *[c for c in table.columns if c not in ("group", "term", "g2")]]]


def log_likelihood(a, b, target_total, reference_total):
    """Signed G² for term counts ``a`` (target) and ``b`` (reference) and the group totals.

    G² = 2 Σ O ln(O / E) over the four cells of the 2×2 table (term, other
    terms) × (target, reference), with 0 ln 0 = 0; the sign is negative where
    the target's relative frequency is below the reference's.

    Parameters
    ----------
    a, b : float or array-like of float
        The term's count in the target and in the reference.
    target_total, reference_total : float or array-like of float
        The number of terms in the target and in the reference.

    Returns
    -------
    ndarray of float
        The signed G² of each term.
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    c, d = target_total - a, reference_total - b
    total = target_total + reference_total
    observed = [a, b, c, d]
    expected = [
        (a + b) * target_total / total,
        (a + b) * reference_total / total,
        (c + d) * target_total / total,
        (c + d) * reference_total / total,
    ]
    g2 = 2 * sum(_xlogy_ratio(o, e) for o, e in zip(observed, expected))
    sign = np.where(a / target_total >= b / reference_total, 1.0, -1.0)
    return sign * g2


def _xlogy_ratio(observed, expected):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(observed > 0, observed * np.log(observed / expected), 0.0)


def log_ratio(a, b, target_total, reference_total):
    """log2 of the target's relative frequency over the reference's, 0.5 added to each count.

    Parameters
    ----------
    a, b : float or array-like of float
        The term's count in the target and in the reference.
    target_total, reference_total : float or array-like of float
        The number of terms in the target and in the reference.

    Returns
    -------
    ndarray of float
        The log ratio of each term.
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return np.log2(((a + 0.5) / target_total) / ((b + 0.5) / reference_total))


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


def concordance(segments, query: str, window: int = 6, lemmatize: bool = True) -> pd.DataFrame:
    """Keyword in context: every passage of ``segments`` where ``query`` occurs.

    Parameters
    ----------
    segments : Tokens or DataFrame
        A :class:`~valduchesse.tokens.Tokens` object or any table with
        ``doc_id``, ``language`` and ``text`` (documents, sections,
        paragraphs or sentences); its ``section_no`` and ``section_title``
        columns are carried over when present.
    query : str
        A word, a lemma or several words; it matches a run of word tokens
        whose terms (lemmas, lower-cased, or lower-cased words with
        ``lemmatize=False``) equal the query's (:func:`query_terms`).
    window : int
        Words shown on each side, within the segment, as written in the text
        (numbers included, punctuation left out).
    lemmatize : bool
        For a table: match lemmas (default) or lower-cased words. A tokens
        object keeps its own choice.

    Returns
    -------
    DataFrame
        One row per match: ``doc_id`` (and ``section_no``,
        ``section_title`` where present), ``left``, ``match``, ``right`` and
        ``removed``, which names the step that took the matched words out of
        the text (``furniture``, ``person name``, ``office``, ``heading``), or
        is empty where they were counted.
    """
    found = as_tokens(segments, lemmatize)
    wanted = query_terms(query, Preprocessor(found.language, lemmatize=found.lemmatize))
    extra = [c for c in ("section_no", "section_title") if c in found.texts.columns]
    records = found.texts.to_dict("records")
    terms = np.asarray(found.type_terms, dtype=object)
    context = {STEPS.index(step) + 1: step for step in CONTEXT_STEPS}
    rows = []
    shown = found.step >= 0
    for record, part, written, steps in zip(records, found._doc_slices(), found.written(), found.written_steps()):
        sequence = terms[found.type_id[part][shown[part]]].tolist()
        for i in find(sequence, wanted):
            end = i + len(wanted)
            removed = sorted({context[s] for s in steps[i:end] if s in context})
            rows.append({
                "doc_id": record["doc_id"], **{c: record[c] for c in extra},
                "left": " ".join(written[max(0, i - window) : i]),
                "match": " ".join(written[i:end]),
                "right": " ".join(written[end : end + window]),
                "removed": ", ".join(removed),
            })
    return pd.DataFrame(rows, columns=["doc_id", *extra, "left", "match", "right", "removed"])


def query_terms(query: str, preprocessor: Preprocessor) -> list[str]:
    """The terms a query (a word, a lemma or several words) must match, in order.

    Each word of the query is lemmatised as the tokens stage does with the
    words of a text, French elisions cut off. One difference: a query word
    written with a final hyphen (``Sahel-``) keeps it, so it matches nothing,
    because the tokens stage now counts the elided compound ``Sahel-`` of a
    text as ``Sahel``. (themes.yml's entry ``Sahel-`` is therefore no longer
    needed; keeping the hyphen here keeps a dictionary that still lists it
    loadable.)

    Parameters
    ----------
    query : str
        The query as written.
    preprocessor : Preprocessor
        Gives the language and whether terms are lemmas or lower-cased words.

    Returns
    -------
    list of str
        The query's terms.

    Raises
    ------
    ValueError
        If the query holds no word.
    """
    language = preprocessor.language
    wanted = [lemma(strip_elision(w, language), language) if preprocessor.lemmatize
              else strip_elision(w, language).lower() for w in words(query)]
    if not wanted:
        raise ValueError(f"the query {query!r} holds no word")
    return wanted


def find(terms: list[str], wanted: list[str]) -> list[int]:
    """Where the run ``wanted`` starts in ``terms``.

    Parameters
    ----------
    terms : list of str
        The terms of a text, in order.
    wanted : list of str
        The run looked for.

    Returns
    -------
    list of int
        The index in ``terms`` of each occurrence's first term, in order.
    """
    n = len(wanted)
    return [i for i in range(len(terms) - n + 1) if terms[i : i + n] == wanted]


def frequencies(texts, groups: dict[str, list[str]], per: int = 1000, lemmatize: bool = True) -> pd.DataFrame:
    """Relative frequency of groups of terms in each text, per ``per`` word tokens.

    Each query is matched as in :func:`concordance` (lemmas by default;
    several words match as a run). Matches and tokens are counted over the
    words that no context step removed
    (:meth:`~valduchesse.tokens.Tokens.words`: stop words included;
    furniture, names and offices left out when those steps were applied).

    Parameters
    ----------
    texts : Tokens or DataFrame
        A :class:`~valduchesse.tokens.Tokens` object or a table of texts
        (tokenised here with the default steps).
    groups : dict of str to list of str
        Maps a label to its queries, e.g. ``{"drugs": ["drug", "drugshandel"]}``.
    per : int
        The rate is per this many word tokens.
    lemmatize : bool
        For a table of texts: match lemmas (default) or lower-cased words.

    Returns
    -------
    DataFrame
        One row per text and group with ``doc_id``, the texts'
        ``meeting_date``, ``kind`` and ``coverage`` where present, ``group``,
        ``matches``, ``tokens`` and ``per_1000`` (or ``per_N``; 0 for a text
        without tokens), rounded to 2 places.
    """
    found = as_tokens(texts, lemmatize)
    preprocessor = Preprocessor(found.language, lemmatize=found.lemmatize)
    index = run_index({label: [query_terms(q, preprocessor) for q in queries] for label, queries in groups.items()})
    carried = [c for c in ("meeting_date", "kind", "coverage") if c in found.texts.columns]
    labels = list(groups)
    words = found.words()
    matches = np.array([list(count_runs(terms, index, labels).values()) for terms in words],
                       dtype=np.int64).reshape(len(words), len(labels))
    counted = np.array([len(terms) for terms in words], dtype=np.int64)
    rows = np.repeat(np.arange(len(words)), len(labels))
    table = found.texts.iloc[rows][["doc_id", *carried]].reset_index(drop=True)
    table["group"] = labels * len(words)
    table["matches"] = matches.ravel()
    table["tokens"] = counted[rows]
    rates = np.where(table["tokens"] > 0, per * table["matches"] / table["tokens"].clip(lower=1), 0.0)
    table[f"per_{per}"] = np.round(rates, 2)
    return table


def run_index(runs: dict[str, list[list[str]]]) -> dict[str, list[tuple[list[str], str]]]:
    """Index runs of terms by their first term: ``{first term: [(run, label), ...]}``.

    Parameters
    ----------
    runs : dict of str to list of list of str
        Each label's runs of terms (each run non-empty).

    Returns
    -------
    dict of str to list of (list of str, str)
        For each first term, the runs that start with it and their labels.
    """
    index: dict[str, list[tuple[list[str], str]]] = {}
    for label, label_runs in runs.items():
        for run in label_runs:
            index.setdefault(run[0], []).append((run, label))
    return index


def count_runs(terms: list[str], index: dict, labels) -> dict[str, int]:
    """How often each label's runs occur in ``terms``, in one pass (same result as :func:`find` per run).

    Parameters
    ----------
    terms : list of str
        The terms of a text, in order.
    index : dict
        The runs, indexed by :func:`run_index`.
    labels : iterable of str
        The labels counted (each starts at 0).

    Returns
    -------
    dict of str to int
        The number of matches of each label, in the order of ``labels``.
    """
    counts = dict.fromkeys(labels, 0)
    for i, term in enumerate(terms):
        for run, label in index.get(term, ()):
            if terms[i : i + len(run)] == run:
                counts[label] += 1
    return counts
