"""How far the rules of the tokens stage agree with a names list and with the hand codes.

:func:`names_agreement` and :func:`names_table` compare the names rule
(:func:`valduchesse.token_rules.find_names`) with a names list;
:func:`furniture_agreement` compares the furniture rules with the hand-coded
sentences (``coding/sentences.csv``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .coding import FURNITURE
from .token_rules import name_words
from .tokens import STEPS, Tokens, build_tokens, coded_spans, tokens

__all__ = [
    "furniture_agreement", "listed_names", "names_agreement", "names_table",
]


# --- validation ----------------------------------------------------------------------------


def listed_names(found: Tokens, names) -> np.ndarray:
    """Which tokens of ``found`` belong to a name of ``names`` (matched as runs of words, ignoring case).

    A run must lie within one text; punctuation is skipped (names hold none).

    Parameters
    ----------
    found : Tokens
        The tokens of the texts (:func:`valduchesse.tokens.tokens`).
    names : iterable of str
        Names as written (e.g. :func:`valduchesse.token_rules.read_names`).

    Returns
    -------
    ndarray of bool
        One value per token of ``found``.
    """
    runs = name_words(names)
    lower = np.asarray([t.lower() for t in found.types], dtype=object)
    hit = np.zeros(len(found.type_id), dtype=bool)
    words = np.flatnonzero(found.step >= 0)  # punctuation breaks no run here: names hold none
    sequence = lower[found.type_id[words]]
    docs = found.doc[words]
    for run in runs:
        n = len(run)
        for i in range(len(sequence) - n + 1):
            if sequence[i] == run[0] and tuple(sequence[i : i + n]) == run and docs[i] == docs[i + n - 1]:
                hit[words[i : i + n]] = True
    return hit


def names_agreement(texts: pd.DataFrame, names) -> dict:
    """How well the names rule finds the people of a names list (e.g. ``person_names.yml``), on ``texts``.

    The rule alone is applied (no furniture step, no names list), so that
    every name it finds or misses is counted.

    Parameters
    ----------
    texts : DataFrame
        Texts of one language (``doc_id``, ``language``, ``text``).
    names : iterable of str
        The names list.

    Returns
    -------
    dict
        ``listed`` (tokens of the listed names in the texts), ``removed``
        (tokens the rule takes for names), ``both``, ``precision`` (both /
        removed; NaN if none removed), ``recall`` (both / listed; NaN if none
        listed), ``missed`` (a table of the listed words the rule does not
        take: ``doc_id``, ``token`` and the step that removed it otherwise,
        ``removed``) and ``extra`` (a table, ``doc_id`` and ``token``, of the
        words it takes for names that are not listed).
    """
    found = tokens(texts, remove=("person name", "office"))
    listed = listed_names(found, names)
    removed = found.step == STEPS.index("person name") + 1
    both = int((listed & removed).sum())
    shown = found.step >= 0
    table = found.table().assign(listed=listed[shown], name=removed[shown])
    return {
        "listed": int(listed.sum()), "removed": int(removed.sum()), "both": both,
        "precision": both / removed.sum() if removed.any() else float("nan"),
        "recall": both / listed.sum() if listed.any() else float("nan"),
        "missed": table[table["listed"] & ~table["name"]][["doc_id", "token", "removed"]].reset_index(drop=True),
        "extra": table[~table["listed"] & table["name"]][["doc_id", "token"]].reset_index(drop=True),
    }


def furniture_agreement(documents: pd.DataFrame, coded: pd.DataFrame, column: str = "final") -> tuple[dict, pd.DataFrame]:
    """How far the furniture rule agrees with the hand codes, sentence by sentence.

    The rule alone (no hand codes) is applied to the whole ``documents``
    (the header block needs a document's first lines), the lines cut at the
    coded sentences; a coded sentence is furniture by rule if any of its
    tokens is. Kappa is :func:`sklearn.metrics.cohen_kappa_score`, NaN where
    it is undefined (no sentences, or hand and rule giving the same single
    answer throughout).

    Parameters
    ----------
    documents : DataFrame
        :func:`valduchesse.corpus.load_corpus` (whole documents).
    coded : DataFrame
        A coded sheet with ``unit_id``, ``doc_id``, ``language``, ``start``,
        ``end``, ``text`` and ``column`` (e.g. :func:`valduchesse.coding.current_codes`
        of ``coding/sentences.csv``).
    column : str
        The column of ``coded`` that holds the codes.

    Returns
    -------
    summary : dict
        ``sentences``, ``agree``, ``agreement`` (share), ``kappa`` (Cohen),
        ``both`` (furniture by hand and rule), ``hand_only``, ``rule_only``.
    table : DataFrame
        One row per coded sentence: ``unit_id``, ``hand`` and ``rule``
        (furniture or not), ``text``.
    """
    rows = []
    for language, docs in documents.groupby("language", sort=True):
        units = coded[coded["language"] == language]
        cut_only = {source: [(s, e, text, None) for s, e, text, _ in spans]
                    for source, spans in coded_spans(units, column).items()}
        found, piece, pieces = build_tokens(docs, language, True, (FURNITURE,), 2, cut_only, None)
        flagged = np.bincount(piece, weights=found.step == STEPS.index(FURNITURE) + 1, minlength=len(pieces))
        pieces = pieces.assign(doc_id=np.asarray(found.doc_ids, dtype=object)[pieces["doc"]], rule=flagged > 0)
        verdict = pieces.set_index(["doc_id", "start", "end"])["rule"]
        for unit in units.itertuples(index=False):
            key = (unit.doc_id, int(unit.start), int(unit.end))
            if key in verdict.index:
                rows.append({"unit_id": unit.unit_id, "hand": getattr(unit, column) == FURNITURE,
                             "rule": bool(verdict.loc[key]), "text": unit.text})
    table = pd.DataFrame(rows, columns=["unit_id", "hand", "rule", "text"])
    hand, rule = table["hand"].to_numpy(bool), table["rule"].to_numpy(bool)
    summary = {"sentences": len(table), "agree": int((hand == rule).sum()),
               "agreement": float((hand == rule).mean()) if len(table) else float("nan"),
               "kappa": _kappa(hand, rule), "both": int((hand & rule).sum()),
               "hand_only": int((hand & ~rule).sum()), "rule_only": int((~hand & rule).sum())}
    return summary, table


def _kappa(a: np.ndarray, b: np.ndarray) -> float:
    """Cohen's kappa of two yes/no codings (:func:`sklearn.metrics.cohen_kappa_score`).

    NaN where kappa is undefined: no codings, or both codings giving the same
    single answer throughout (chance alone would agree on everything).
    """
    from sklearn.metrics import cohen_kappa_score  # here: importing this module does not load scikit-learn's metrics

    a, b = np.asarray(a, dtype=bool), np.asarray(b, dtype=bool)
    if len(a) == 0 or (len(np.unique(a)) == 1 and np.array_equal(np.unique(a), np.unique(b))):
        return float("nan")
    return float(cohen_kappa_score(a, b, labels=[False, True]))


def names_table(documents: pd.DataFrame, names) -> pd.DataFrame:
    """:func:`names_agreement` for each language of ``documents``, as one table.

    Parameters
    ----------
    documents : DataFrame
        :func:`valduchesse.corpus.load_corpus`, any number of languages.
    names : iterable of str
        The names list.

    Returns
    -------
    DataFrame
        One row per language: ``language``, ``listed`` (words of listed names in the texts),
        ``taken`` (words the rule takes for names), ``both``, ``precision``,
        ``recall`` (both to 3 places), ``missed`` and ``not_listed`` (the words, as written, each once).
    """
    rows = []
    for language, texts in documents.groupby("language", sort=True):
        found = names_agreement(texts, names)
        rows.append({"language": language, "listed": found["listed"], "taken": found["removed"],
                     "both": found["both"], "precision": round(found["precision"], 3),
                     "recall": round(found["recall"], 3),
                     "missed": " ".join(dict.fromkeys(found["missed"]["token"])),
                     "not_listed": " ".join(dict.fromkeys(found["extra"]["token"]))})
    return pd.DataFrame(rows)
