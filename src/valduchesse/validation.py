"""The theme dictionary against the hand codes: is the automated measure valid?

The dictionary (``themes.yml``) counts a theme wherever a sentence holds one of
its entries; the hand codes (:mod:`valduchesse.coding`) say what each sentence is
about. This module scores the one against the other:

* :func:`split_half` fixes a development half (where the dictionary may be
  revised) and a held-out half (where it is judged), by a hash of each id;
* :func:`validate_dictionary` gives precision, recall and F1 per theme on
  each half and overall (:func:`dictionary_validation` on 0/1 tables);
* :func:`dictionary_errors` lists every sentence where the two disagree;
* :func:`dictionary_verdicts` says per theme whether the dictionary measures
  it, or why it cannot be judged;
* :func:`sample_validation` scores it on a student's own coded sample.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from .coding import FURNITURE, NONE, current_codes, indicators, read_coding, substantive
from .themes import ThemeDictionary, theme_matches


def dictionary_validation(truth: pd.DataFrame, predicted: pd.DataFrame) -> pd.DataFrame:
    """Precision, recall and F1 per theme of an automated measure against hand codes.

    ``truth`` and ``predicted`` are 0/1 tables with the same index and a
    column per theme (e.g. :func:`valduchesse.coding.indicators` of the final codes, and the
    dictionary's matches). Columns: ``theme``, ``coded`` (sentences the coders
    gave the theme), ``matched`` (sentences the measure gave it), ``hits``,
    ``precision``, ``recall``, ``f1`` (NaN where undefined: nothing matched or
    nothing coded).
    """
    rows = []
    for theme in truth.columns:
        t, p = truth[theme].astype(bool), predicted[theme].astype(bool)
        hits, coded, matched = int((t & p).sum()), int(t.sum()), int(p.sum())
        precision = hits / matched if matched else float("nan")
        recall = hits / coded if coded else float("nan")
        f1 = 2 * hits / (coded + matched) if coded + matched else float("nan")
        rows.append({"theme": theme, "coded": coded, "matched": matched, "hits": hits,
                     "precision": precision, "recall": recall, "f1": f1})
    return pd.DataFrame(rows)


def split_half(unit_ids: pd.Series, seed: int = 0) -> pd.Series:
    """Assign each sentence to ``development`` or ``held-out``, about half each.

    The split is fixed before the dictionary is corrected: the dictionary is
    revised on the development half only, and its scores on the held-out half
    say how well it does on sentences its author did not tune it to. A
    sentence's half depends only on its id and the seed (SHA-256), so adding
    texts never moves a sentence from one half to the other.
    """
    def half(unit_id: str) -> str:
        digest = hashlib.sha256(f"{seed}:{unit_id}".encode("utf-8")).digest()
        return "development" if digest[0] % 2 == 0 else "held-out"

    return unit_ids.map(half).rename("split")


def dictionary_flags(units: pd.DataFrame, dictionary: ThemeDictionary) -> pd.DataFrame:
    """0/1 per sentence and theme: does the sentence hold an entry of the theme?

    ``units`` needs ``doc_id``, ``language`` and ``text``; the result has the
    units' index and one column per theme of the dictionary.
    """
    if units.empty:
        return pd.DataFrame(0, index=units.index, columns=list(dictionary.themes))
    matches = theme_matches(units[["doc_id", "language", "text"]].reset_index(drop=True), dictionary)
    flags = (matches["matches"].to_numpy() > 0).astype(int).reshape(len(units), len(dictionary.themes))
    return pd.DataFrame(flags, index=units.index, columns=list(dictionary.themes))


def validate_dictionary(coded: pd.DataFrame, dictionary: ThemeDictionary, column: str = "final",
                        split: str | None = "split") -> pd.DataFrame:
    """Precision, recall and F1 of the dictionary per theme, on each half and overall.

    Only substantive sentences count (furniture is left out); every theme of
    the dictionary is scored. Columns: ``part``
    (``development``, ``held-out`` and ``all``; only ``all`` when ``split``
    is None, e.g. for a student's sample coded after the dictionary was
    written), then those of :func:`dictionary_validation`.
    """
    kept = substantive(coded, column)
    themes = list(dictionary.themes)
    truth = indicators(kept[column], themes)
    predicted = dictionary_flags(kept, dictionary)[themes]
    parts = {name: kept[split] == name for name in ("development", "held-out")} if split else {}
    parts["all"] = pd.Series(True, index=kept.index)
    return pd.concat([dictionary_validation(truth[mask], predicted[mask]).assign(part=name)
                      for name, mask in parts.items()], ignore_index=True)[
        ["part", "theme", "coded", "matched", "hits", "precision", "recall", "f1"]]


def dictionary_errors(coded: pd.DataFrame, dictionary: ThemeDictionary, column: str = "final") -> pd.DataFrame:
    """Every disagreement of the dictionary with the hand codes, for reading.

    One row per sentence and theme where they disagree: ``error`` is
    ``false positive`` (the dictionary matched, the coders did not code the
    theme) or ``miss`` (coded, not matched), with the sentence's id, split
    and text. Furniture is left out.
    """
    kept = substantive(coded, column)
    themes = list(dictionary.themes)
    truth = indicators(kept[column], themes)
    predicted = dictionary_flags(kept, dictionary)[themes]
    rows = []
    for theme in themes:
        for error, mask in (("false positive", (predicted[theme] == 1) & (truth[theme] == 0)),
                            ("miss", (predicted[theme] == 0) & (truth[theme] == 1))):
            for row in kept[mask].itertuples(index=False):
                rows.append({"theme": theme, "error": error, "unit_id": row.unit_id,
                             "split": getattr(row, "split", ""), "text": row.text})
    return pd.DataFrame(rows, columns=["theme", "error", "unit_id", "split", "text"])


def dictionary_verdicts(scores: pd.DataFrame, themes, min_coded: int = 3, target: float = 0.85) -> pd.DataFrame:
    """Per theme, whether the dictionary measures it, judged on the held-out half only.

    ``scores`` is :func:`validate_dictionary`'s output. A theme with fewer
    than ``min_coded`` coded held-out sentences cannot be judged; otherwise it
    is measured if its held-out F1 reaches ``target``. Columns: ``theme``,
    ``coded``, ``hits``, ``matched``, ``f1`` (held-out) and ``verdict`` (words).
    """
    held_out = scores[scores["part"] == "held-out"].set_index("theme")
    rows = []
    for theme in themes:
        if theme not in held_out.index:
            rows.append({"theme": theme, "coded": 0, "hits": 0, "matched": 0, "f1": float("nan"),
                         "verdict": "cannot be judged: no hand-coded sentence of these texts"})
            continue
        row = held_out.loc[theme]
        coded, hits, matched, f1 = int(row["coded"]), int(row["hits"]), int(row["matched"]), row["f1"]
        if coded < min_coded:
            verdict = (f"cannot be judged: {coded} held-out sentence(s) coded with it, fewer than {min_coded}; "
                       "the dictionary's count of it is unvalidated")
        elif f1 >= target:
            verdict = f"measured: held-out F1 {f1:.2f} ≥ {target}"
        else:
            verdict = (f"not measured well: held-out F1 {f1:.2f} < {target} ({coded - hits} of {coded} coded sentences "
                       f"missed, {matched - hits} false positive(s))")
        rows.append({"theme": theme, "coded": coded, "hits": hits, "matched": matched, "f1": f1, "verdict": verdict})
    return pd.DataFrame(rows)


def sample_validation(path: str | Path, column: str, units: pd.DataFrame,
                      dictionary: ThemeDictionary) -> tuple[str, pd.DataFrame]:
    """Score a dictionary on a hand-coded sheet of one's own sentences.

    ``path`` is a sheet written by :func:`valduchesse.coding.coding_sheet` and coded by hand in
    ``column`` with the dictionary's themes (or ``none``, ``furniture``), or
    the project's ``coding/sentences.csv``. Only coded sentences that are still
    in ``units`` as coded are scored. Returns a sentence saying what was
    scored, and :func:`validate_dictionary`'s table (empty if nothing could be).
    """
    codes = tuple(dictionary.themes) + (FURNITURE, NONE)
    coded = current_codes(read_coding(path, columns=(column,), codes=codes), units)
    coded_sentences = len(substantive(coded, column))
    if coded_sentences == 0:
        return (f"none of the hand-coded sentences of {path} is in these texts: write a sheet (coding_sheet), "
                "code it by hand and point the validation at it", pd.DataFrame())
    scores = validate_dictionary(coded, dictionary, column=column, split=None)
    return f"{coded_sentences} hand-coded substantive sentences of {path} match these texts", scores
