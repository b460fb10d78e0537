"""Whether the language versions of one passage say the same: cross-lingual consistency.

A passage held in two or more versions (languages, or two files of one
language) is measured three ways per version (:func:`version_profiles`): the
final hand codes, the theme dictionary's matches and the themes of its top
terms. :func:`crosslingual_consistency` says per passage and measure whether
the versions agree, and if not which kind of disagreement it is
(:func:`disagreement`: ``truncation``, a version cut off before the words that
carry the rest, or ``translation``, the same passage worded in another
language coded, matched or weighted differently); :func:`consistency_summary`
counts the kinds per meeting. The sentences that say a kind in words are
:func:`valduchesse.prose.coding.consistency_readings`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .coding import MARKERS, UNDECIDABLE, split_codes, union_codes
from .coding_reliability import passage_versions
from .themes import theme_matches
from .tokens import tokens

__all__ = ["MEASURES", "KINDS", "version_profiles", "disagreement", "crosslingual_consistency", "consistency_summary"]


def _themes_only(value: str) -> tuple[str, ...]:
    """The substantive themes of a code list (markers left out; ``undecidable`` kept when it is all there is)."""
    codes = split_codes(value)
    return (UNDECIDABLE,) if codes == (UNDECIDABLE,) else tuple(code for code in codes if code not in MARKERS)


def _top_terms(versions: pd.DataFrame, reference: pd.DataFrame, top: int) -> list[list[str]]:
    """Each version's ``top`` terms by TF-IDF, the sentences of ``reference`` in its language as the documents.

    Terms are lemmas with furniture, names, offices, numbers and stop words
    removed (:func:`valduchesse.tokens.tokens`); a term's weight is its count
    in the version times scikit-learn's smoothed idf ``ln((1 + n) / (1 + df)) + 1``
    over the ``n`` reference sentences; ties go to the term in alphabetical order.
    """
    found: list[list[str]] = [[] for _ in range(len(versions))]
    for language in sorted(set(versions["language"])):
        rows = np.flatnonzero(versions["language"].to_numpy() == language)
        texts = reference.loc[reference["language"] == language, "text"].tolist()
        table = pd.DataFrame({"doc_id": [f"r{i}" for i in range(len(texts))] + [f"v{i}" for i in rows],
                              "language": language, "text": texts + versions["text"].to_numpy()[rows].tolist(),
                              "sentence_no": 2})
        terms = tokens(table).terms()
        df = pd.Series([term for found_terms in terms[:len(texts)] for term in set(found_terms)],
                       dtype=object).value_counts()
        for row, version_terms in zip(rows, terms[len(texts):]):
            counts = pd.Series(version_terms, dtype=object).value_counts()
            weight = {term: count * (np.log((1 + len(texts)) / (1 + df.get(term, 0))) + 1)
                      for term, count in counts.items()}
            ranked = sorted(weight.items(), key=lambda item: (-round(item[1], 9), item[0]))
            found[row] = [term for term, _ in ranked[:top]]
    return found


def _term_themes(terms: list[str], language: str, dictionary) -> tuple[str, ...]:
    """The themes of which one of ``terms`` is a one-word entry in ``language``."""
    single = {entry.terms[0]: theme for theme, by_language in dictionary.entries.items()
              for entry in by_language.get(language, ()) if len(entry.terms) == 1}
    return tuple(sorted({single[term] for term in terms if term in single}))


def version_profiles(coded: pd.DataFrame, passages: pd.DataFrame, dictionary, column: str = "final",
                     top: int = 3) -> pd.DataFrame:
    """What each version of each passage held in two or more versions says, by three measures.

    Parameters
    ----------
    coded : pandas.DataFrame
        The coded sentences with the units' metadata; every coded sentence of a
        language is a document of that language's TF-IDF.
    passages : pandas.DataFrame
        :func:`valduchesse.coding_reliability.read_passages`' table.
    dictionary : ThemeDictionary
        The theme dictionary (:func:`valduchesse.themes.load_themes`).
    column : str
        The hand codes compared.
    top : int
        Top terms per version.

    Returns
    -------
    pandas.DataFrame
        One row per passage and version (file): ``meeting_date``,
        ``passage_id``, ``doc_id``, ``language``, ``cut`` (the version ends an
        excerpt, so it may stop short of the others), ``chars``, ``hand`` (the
        themes of ``column`` over the version's sentences, markers left out,
        ``undecidable`` for a version coded only so), ``dictionary`` (the themes
        whose entries the version's sentences hold,
        :func:`valduchesse.themes.theme_matches`), ``top_terms`` (its ``top``
        terms by TF-IDF) and ``term_themes`` (the themes of which one of those
        terms is a one-word entry of the dictionary, the language-free form in
        which top terms of two languages can be compared).
    """
    columns = ["meeting_date", "passage_id", "doc_id", "language", "cut", "chars", "hand", "dictionary",
               "top_terms", "term_themes"]
    versions = passage_versions(coded, passages)
    several = versions.groupby("passage_id")["doc_id"].transform("nunique") > 1
    versions = versions[several].reset_index(drop=True)
    if versions.empty:
        return pd.DataFrame(columns=columns)
    codes = coded.set_index("unit_id")[column]
    versions["hand"] = versions["units"].map(lambda ids: _themes_only(union_codes(codes.loc[ids])))
    sentences = coded.set_index("unit_id").loc[[u for ids in versions["units"] for u in ids]].reset_index()
    matches = theme_matches(sentences[["doc_id", "language", "text"]], dictionary)
    flagged = matches.assign(unit_id=np.repeat(sentences["unit_id"].to_numpy(), len(dictionary.themes)))
    flagged = flagged[flagged["matches"] > 0].groupby("unit_id")["theme"].agg(set)
    versions["dictionary"] = versions["units"].map(
        lambda ids: tuple(sorted(set().union(*(flagged.get(u, set()) for u in ids)))))
    versions["top_terms"] = _top_terms(versions, coded, top)
    versions["term_themes"] = [_term_themes(terms, language, dictionary)
                               for terms, language in zip(versions["top_terms"], versions["language"])]
    return versions[columns]


MEASURES = ("hand", "dictionary", "term_themes")
"""The measures :func:`crosslingual_consistency` compares across the versions of a passage."""
KINDS = ("agree", "truncation", "translation")
"""What the versions of a passage do on one measure (:func:`disagreement`), in this order."""


def disagreement(themes: dict, cut) -> str:
    """Whether the versions of one passage agree on one measure, and if not, which kind of disagreement it is.

    Parameters
    ----------
    themes : dict
        Version name (e.g. its language) -> the themes it gives on that measure
        (``undecidable`` counts as no theme).
    cut : collection of str
        The versions that end an excerpt (cut off before the passage ends).

    Returns
    -------
    str
        One of :data:`KINDS`. ``agree`` when every version gives the same
        themes. Otherwise ``truncation`` when the versions that are not cut
        agree and every cut version gives only some of their themes (it
        stopped before the words that carry the rest), or when every version
        is cut (they stop at different points; which holds more cannot be
        told); else ``translation``: complete versions differ, or a cut
        version gives a theme the complete ones do not, so the same passage
        worded in another language was coded, matched or weighted differently.
    """
    values = {name: frozenset(found) - {UNDECIDABLE} for name, found in themes.items()}
    if len(set(values.values())) <= 1:
        return "agree"
    cut = set(cut)
    complete = [name for name in values if name not in cut]
    if not complete:
        return "truncation"
    full = {values[name] for name in complete}
    if len(full) == 1 and all(values[name] <= next(iter(full)) for name in values if name in cut):
        return "truncation"
    return "translation"


def crosslingual_consistency(profiles: pd.DataFrame) -> pd.DataFrame:
    """Per passage held in two or more versions, whether the versions agree on each measure, and why not.

    Parameters
    ----------
    profiles : pandas.DataFrame
        :func:`version_profiles`' table.

    Returns
    -------
    pandas.DataFrame
        One row per passage: ``meeting_date``, ``passage_id``, ``versions``
        (their languages, a file of the same language twice marked by its
        position, ``", "``-joined), ``cut`` (those of them that end an excerpt,
        ``", "``-joined, in the same order), then for each measure of
        :data:`MEASURES` a column of the versions' themes (``de: justice | fr: –``)
        and ``<measure>_status``, the kind of :func:`disagreement` (one of
        :data:`KINDS`), and last ``top_terms``.
    """
    rows = []
    for passage_id, part in profiles.groupby("passage_id", sort=True):
        names = [f"{language}{'' if n == 0 else n + 1}" for language, n in
                 zip(part["language"], part.groupby("language").cumcount())]
        cut = [name for name, c in zip(names, part["cut"]) if c]
        row = {"meeting_date": part["meeting_date"].iloc[0], "passage_id": passage_id, "versions": ", ".join(names),
               "cut": ", ".join(cut)}
        for measure in MEASURES:
            values = part[measure].tolist()
            row[measure] = " | ".join(f"{n}: {', '.join(v) if v else '–'}" for n, v in zip(names, values))
            row[f"{measure}_status"] = disagreement(dict(zip(names, values)), cut)
        row["top_terms"] = " | ".join(f"{n}: {', '.join(t)}" for n, t in zip(names, part["top_terms"]))
        rows.append(row)
    columns = ["meeting_date", "passage_id", "versions", "cut",
               *(name for measure in MEASURES for name in (measure, f"{measure}_status")), "top_terms"]
    return pd.DataFrame(rows, columns=columns)


def consistency_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Counts of :func:`crosslingual_consistency` per meeting: passages, and per measure each kind of :data:`KINDS`.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`crosslingual_consistency`' table.

    Returns
    -------
    pandas.DataFrame
        ``meeting_date``, ``passages`` and one column ``<measure>: <kind>`` per
        measure and kind, one row per meeting in date order.
    """
    rows = []
    for date, part in table.groupby("meeting_date", sort=True):
        row = {"meeting_date": date, "passages": len(part)}
        for measure in MEASURES:
            for kind in KINDS:
                row[f"{measure}: {kind}"] = int((part[f"{measure}_status"] == kind).sum())
        rows.append(row)
    columns = ["meeting_date", "passages", *(f"{measure}: {kind}" for measure in MEASURES for kind in KINDS)]
    return pd.DataFrame(rows, columns=columns)
