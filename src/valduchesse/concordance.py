"""Words in context and their counts: concordances (keyword in context) and frequencies of words and expressions.

A query (a word, a lemma or several words) becomes the terms the tokens stage
would give it (:func:`query_terms`) and is matched as a run of terms
(:func:`find`, :func:`count_runs`): :func:`concordance` shows every passage
where it occurs as written, with the removal step that took it out of the
counts, if any; :func:`frequencies` counts groups of queries per text, per
1,000 words; :func:`top_term_contexts` shows the passages of the top terms of
a keyness table (:func:`valduchesse.keyness.keyness_by_group`). Every function
takes a :class:`~valduchesse.tokens.Tokens` object or a table of texts
(:func:`valduchesse.terms.as_tokens`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .preprocess import lemma, strip_elision, words
from .preprocessor import Preprocessor
from .terms import as_tokens
from .tokens import CONTEXT_STEPS, STEPS

__all__ = [
    "concordance", "count_runs", "find", "frequencies", "query_terms", "run_index", "top_term_contexts",
]


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
        raise ValueError(f"the query {query!r} holds no word (only digits, punctuation or spaces). Fix: type a word "
                         "with letters, e.g. 'terrorisme', or a run of words, e.g. \"mandat d'arrêt\"")
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


def top_term_contexts(keyness_table: pd.DataFrame, segments, terms_per_group: int = 1, window: int = 6) -> pd.DataFrame:
    """Concordance lines for the top terms of each group of a :func:`~valduchesse.keyness.keyness_by_group` table.

    Parameters
    ----------
    keyness_table : DataFrame
        A :func:`~valduchesse.keyness.keyness_by_group` table (``group``, ``rank``, ``term``, ``g2``).
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
