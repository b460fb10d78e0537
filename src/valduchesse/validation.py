"""The theme dictionary against the hand codes: is the automated measure valid?

The dictionary (``themes.yml``) counts a theme wherever a sentence holds one of
its entries; the hand codes (:mod:`valduchesse.coding`) say what each sentence is
about. This module scores the one against the other, on the parts of the fixed
development / test split (:mod:`valduchesse.validation_split`):

* :func:`validate_dictionary` gives precision, recall and F1 per theme on
  each part and overall (:func:`dictionary_validation` on 0/1 tables), per
  sentence or, with the passages, per passage (one version each, chosen as
  :func:`valduchesse.coding_reliability.chosen_versions` chooses it for reliability);
  :func:`positive_groups` says which groups of the split hold a theme's
  coded passages;
* :func:`dictionary_errors` lists every sentence where the two disagree;
* :func:`dictionary_verdicts` says per theme whether the dictionary measures
  it, or that it cannot be judged (fewer than ``min_positives`` coded
  units, passages when the passages are given, in the part judged); :func:`valduchesse.prose.validation.verdict_lines` says it in words and
  :func:`judge_dictionary` does it all from the files;
* :func:`sample_validation` scores it on a student's own coded sample
  (:func:`valduchesse.prose.validation.validated_sample` says what was scored).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .coding import FURNITURE, NONE, coding_units, current_codes, indicators, read_coding, substantive
from .coding_reliability import chosen_versions, read_passages
from .themes import ThemeDictionary, theme_matches
from .validation_split import PARTS, UNASSIGNED, assign_split, read_split, split_summary

__all__ = [
    "MIN_POSITIVES", "F1_TARGET", "dictionary_errors",
    "dictionary_flags", "dictionary_validation", "dictionary_verdicts", "judge_dictionary", "passage_flags",
    "positive_groups",
    "sample_validation", "validate_dictionary",
]

MIN_POSITIVES = 10
"""Coded units (passages, when the passages are given) of a theme needed in the part judged before a verdict is given."""
F1_TARGET = 0.85
"""F1 on the part judged from which a theme counts as measured."""


def dictionary_validation(truth: pd.DataFrame, predicted: pd.DataFrame) -> pd.DataFrame:
    """Precision, recall and F1 per theme of an automated measure against hand codes.

    Parameters
    ----------
    truth, predicted : pandas.DataFrame
        0/1 tables with the same index and a column per theme (e.g.
        :func:`valduchesse.coding.indicators` of the final codes, and the dictionary's matches).

    Returns
    -------
    pandas.DataFrame
        ``theme``, ``coded`` (units the coders gave the theme), ``matched``
        (units the measure gave it), ``hits``, ``precision``, ``recall``, ``f1``
        (NaN where undefined: nothing matched or nothing coded).
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


def dictionary_flags(units: pd.DataFrame, dictionary: ThemeDictionary) -> pd.DataFrame:
    """0/1 per sentence and theme: does the sentence hold an entry of the theme?

    Parameters
    ----------
    units : pandas.DataFrame
        Sentences with ``doc_id``, ``language`` and ``text``.
    dictionary : ThemeDictionary
        The dictionary matched (:func:`valduchesse.themes.theme_matches`).

    Returns
    -------
    pandas.DataFrame
        The units' index, one column per theme of the dictionary.
    """
    if units.empty:
        return pd.DataFrame(0, index=units.index, columns=list(dictionary.themes))
    matches = theme_matches(units[["doc_id", "language", "text"]].reset_index(drop=True), dictionary)
    flags = (matches["matches"].to_numpy() > 0).astype(int).reshape(len(units), len(dictionary.themes))
    return pd.DataFrame(flags, index=units.index, columns=list(dictionary.themes))


def _scored_units(coded: pd.DataFrame, themes: list[str], passages: pd.DataFrame | None, column: str,
                  split: str | None, preferred: str, dictionary: ThemeDictionary | None = None):
    """The units scored, their 0/1 hand codes and (with ``dictionary``) their flags: see :func:`passage_flags`."""
    if passages is None:
        kept = substantive(coded, column)
        units = pd.DataFrame({"unit": kept["unit_id"]}, index=kept.index)
        for name in (split, "group"):
            if name and name in kept.columns:
                units[name] = kept[name]
        flags = dictionary_flags(kept, dictionary)[themes] if dictionary is not None else None
        return units, indicators(kept[column], themes), flags
    kept = substantive(chosen_versions(coded, passages, preferred), column)
    by = kept["passage_id"]
    columns = [name for name in dict.fromkeys((split, "group")) if name and name in kept.columns]
    units = kept.groupby(by, sort=True)[columns].first() if columns else pd.DataFrame(index=sorted(set(by)))
    units.insert(0, "unit", units.index)
    truth = indicators(kept[column], themes).groupby(by, sort=True).max().reindex(units.index, fill_value=0)
    flags = (dictionary_flags(kept, dictionary)[themes].groupby(by, sort=True).max().reindex(units.index, fill_value=0)
             if dictionary is not None else None)
    index = pd.RangeIndex(len(units))
    return (units.set_axis(index), truth.set_axis(index), flags.set_axis(index) if flags is not None else None)


def passage_flags(coded: pd.DataFrame, dictionary: ThemeDictionary, passages: pd.DataFrame | None = None,
                  column: str = "final", split: str | None = "split", preferred: str = "fr"
                  ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The units the dictionary is scored on: 0/1 hand codes and dictionary flags per unit and theme.

    Without ``passages`` a unit is a substantive sentence. With ``passages``
    (:func:`valduchesse.coding_reliability.read_passages`), a unit is a passage, counted
    once in one version chosen by the rule reliability uses
    (:func:`valduchesse.coding_reliability.chosen_versions`, ``preferred`` language first);
    a passage is coded (flagged) with a theme if any substantive sentence of
    its chosen version is. A passage whose chosen version has no substantive
    sentence is left out.

    Parameters
    ----------
    coded : DataFrame
        Coded sentences (:func:`valduchesse.coding.current_codes`, with
        ``split`` and ``group`` from :func:`~valduchesse.validation_split.assign_split` if the parts are wanted).
    dictionary : ThemeDictionary
        The dictionary scored; its themes are the columns.
    passages : DataFrame, optional
        ``unit_id`` and ``passage_id`` of every coded sentence.
    column : str
        The hand codes used.
    split : str or None
        The column of the part, kept in ``units``.
    preferred : str
        The language chosen first among complete versions.

    Returns
    -------
    tuple of DataFrame
        ``units`` (one row per unit: ``unit`` (the sentence's or passage's
        id), the ``split`` column if any, and ``group`` if ``coded`` has it),
        ``truth`` and ``predicted`` (0/1, one column per theme, the index of ``units``).
    """
    return _scored_units(coded, list(dictionary.themes), passages, column, split, preferred, dictionary)


def validate_dictionary(coded: pd.DataFrame, dictionary: ThemeDictionary, column: str = "final",
                        split: str | None = "split", passages: pd.DataFrame | None = None,
                        preferred: str = "fr") -> pd.DataFrame:
    """Precision, recall and F1 of the dictionary per theme, on each part and overall.

    Only substantive sentences count (furniture is left out); every theme of
    the dictionary is scored. Without ``passages`` each sentence of each
    language version is a unit; with ``passages`` each passage is one unit,
    in one version (:func:`passage_flags`), so a passage held in four
    languages counts once.

    Parameters
    ----------
    coded : pandas.DataFrame
        Coded sentences (with the ``split`` column of :func:`~valduchesse.validation_split.assign_split`
        if parts are wanted).
    dictionary : ThemeDictionary
        The dictionary scored.
    column : str
        The hand codes used.
    split : str or None
        The column of the part; None for one part ``all`` only (e.g. a
        student's sample coded after the dictionary was written).
    passages : pandas.DataFrame, optional
        :func:`valduchesse.coding_reliability.read_passages`' table.
    preferred : str
        The language chosen first among complete versions.

    Returns
    -------
    pandas.DataFrame
        ``part`` (``development`` and ``test``, even where no unit is in one of
        them, or each value of another ``split`` column in sorted order;
        ``unassigned`` left out; then ``all``), then the columns of
        :func:`dictionary_validation` (``coded``, ``matched`` and ``hits`` count units).
    """
    units, truth, predicted = passage_flags(coded, dictionary, passages, column, split, preferred)
    values = set(units[split]) - {UNASSIGNED} if split else set()
    names = list(PARTS) if split and values <= set(PARTS) else sorted(values)  # both parts, even if one is empty
    parts = {name: units[split] == name for name in names}
    parts["all"] = pd.Series(True, index=units.index)
    return pd.concat([dictionary_validation(truth[mask], predicted[mask]).assign(part=name)
                      for name, mask in parts.items()], ignore_index=True)[
        ["part", "theme", "coded", "matched", "hits", "precision", "recall", "f1"]]


def positive_groups(coded: pd.DataFrame, themes, passages: pd.DataFrame | None = None, column: str = "final",
                    part: str = "test", preferred: str = "fr") -> pd.DataFrame:
    """Per theme, the groups of the split that hold its coded units in ``part``.

    Units are counted as :func:`passage_flags` counts them (passages when ``passages`` is given).

    Parameters
    ----------
    coded : DataFrame
        :func:`~valduchesse.validation_split.assign_split`'s output.
    themes : iterable of str
        The themes, in the order of the rows.
    passages : DataFrame, optional
        :func:`~valduchesse.coding_reliability.read_passages`' table; None counts sentences.
    column : str
        The hand codes counted.
    part : str
        The part of the split (``development`` or ``test``).
    preferred : str
        The language chosen first among a passage's complete versions.

    Returns
    -------
    DataFrame
        ``theme``, ``coded`` (units of ``part`` coded with it) and ``groups``
        (the groups holding them, ``"; "``-joined in sorted order; empty if none).

    Raises
    ------
    ValueError
        If ``coded`` lacks the columns ``group`` and ``split``.
    """
    themes = list(themes)
    if "group" not in coded.columns or "split" not in coded.columns:
        missing = [name for name in ("group", "split") if name not in coded.columns]
        raise ValueError(f"positive_groups: the coded table has no column {', '.join(map(repr, missing))}. Fix: pass "
                         "the table valduchesse.validation_split.assign_split returned (assign_split first)")
    units, truth, _ = _scored_units(coded, themes, passages, column, "split", preferred)
    inside = units["split"] == part
    rows = []
    for theme in themes:
        held = units.loc[inside & (truth[theme] == 1), "group"]
        rows.append({"theme": theme, "coded": int(len(held)), "groups": "; ".join(sorted(set(held)))})
    return pd.DataFrame(rows, columns=["theme", "coded", "groups"])


def dictionary_errors(coded: pd.DataFrame, dictionary: ThemeDictionary, column: str = "final",
                      part: str | None = None) -> pd.DataFrame:
    """Every disagreement of the dictionary with the hand codes, for reading.

    Parameters
    ----------
    coded : pandas.DataFrame
        Coded sentences (with ``split`` when ``part`` is given).
    dictionary : ThemeDictionary
        The dictionary scored.
    column : str
        The hand codes used; furniture is left out.
    part : str, optional
        Read only the sentences of this part (e.g. ``"development"``): revise
        the dictionary from these, never from the test part.

    Returns
    -------
    pandas.DataFrame
        One row per sentence and theme where they disagree: ``theme``,
        ``error`` (``false positive``: matched, not coded; ``miss``: coded, not
        matched), ``unit_id``, ``split`` and ``text``.
    """
    kept = substantive(coded, column)
    if part is not None:
        if "split" not in kept.columns:
            raise ValueError(f"dictionary_errors(part={part!r}): the coded table has no column 'split'. Fix: pass the "
                             "table valduchesse.validation_split.assign_split returned (assign_split first), or "
                             "part=None")
        kept = kept[kept["split"] == part]
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


def dictionary_verdicts(scores: pd.DataFrame, themes, part: str = "test", min_positives: int = MIN_POSITIVES,
                        target: float = F1_TARGET, unit: str = "sentence", guided: int | None = None,
                        groups: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per theme, whether the dictionary measures it, judged on one part only.

    ``scores`` is :func:`validate_dictionary`'s output. A theme with fewer
    than ``min_positives`` units coded with it in ``part`` cannot be
    judged (its F1 would rest on a handful of units); otherwise it is
    ``measured`` if its F1 in that part reaches ``target``, else ``not
    measured well``.

    Parameters
    ----------
    scores : DataFrame
        :func:`validate_dictionary`'s table.
    themes : list of str
        The themes judged, in this order.
    part : str
        The part judged (``test`` or ``development``).
    min_positives : int
        The least number of coded units of a theme in ``part`` for a verdict.
    target : float
        The F1 on ``part`` from which a theme counts as measured.
    unit : str
        What a unit of ``scores`` is (``sentence`` or ``passage``), said in the verdicts.
    guided : int, optional
        How many sentences of ``part`` guided an earlier revision of the
        dictionary (:func:`~valduchesse.validation_split.split_summary`'s ``in_revision_1_development``):
        when above 0, :func:`~valduchesse.prose.validation.verdict_lines` says in each line that ``part`` is
        not out of sample for that revision.
    groups : DataFrame, optional
        :func:`positive_groups`' table: a theme whose coded units of ``part``
        all sit in one group is said to come from that group.

    Returns
    -------
    DataFrame
        ``theme``, ``coded``, ``hits``, ``matched``, ``precision``, ``recall``,
        ``f1`` (in ``part``), ``status`` (``measured``, ``not measured well``
        or ``cannot be judged``) and ``source`` (the one group holding every
        coded unit, else empty); ``attrs`` hold ``part``, ``min_positives``,
        ``target``, ``unit`` and ``guided``. The verdicts in words are
        :func:`valduchesse.prose.validation.with_verdicts` (one per theme) and
        :func:`~valduchesse.prose.validation.verdict_lines` (the three lines).
    """
    if part not in set(scores["part"]):
        raise ValueError(f"dictionary_verdicts: the scores have no part {part!r} (they have "
                         f"{', '.join(map(str, dict.fromkeys(scores['part'])))}). Fix: pass part= one of those, or "
                         "score the dictionary (validate_dictionary) with a split that has it")
    if min_positives < 1:
        raise ValueError(f"dictionary_verdicts: min_positives must be at least 1, got {min_positives}. Fix: pass "
                         f"min_positives=1 or more (the default is {MIN_POSITIVES}: the least coded units of a theme "
                         "for a verdict)")
    judged = scores[scores["part"] == part].set_index("theme")
    held = groups.set_index("theme")["groups"] if groups is not None else pd.Series(dtype=object)
    rows = []
    for theme in themes:
        row = judged.loc[theme] if theme in judged.index else None
        coded = int(row["coded"]) if row is not None else 0
        hits = int(row["hits"]) if row is not None else 0
        matched = int(row["matched"]) if row is not None else 0
        precision, recall, f1 = ((row["precision"], row["recall"], row["f1"]) if row is not None
                                 else (float("nan"),) * 3)
        found = str(held.get(theme, "") or "")
        source = found if found and ";" not in found else ""
        if coded < min_positives:
            status = "cannot be judged"
        elif f1 >= target:
            status = "measured"
        else:
            status = "not measured well"
        rows.append({"theme": theme, "coded": coded, "hits": hits, "matched": matched, "precision": precision,
                     "recall": recall, "f1": f1, "status": status, "source": source})
    table = pd.DataFrame(rows, columns=["theme", "coded", "hits", "matched", "precision", "recall", "f1", "status",
                                        "source"])
    table.attrs.update(part=part, min_positives=min_positives, target=target, unit=unit, guided=guided)
    return table


def judge_dictionary(coding_file: str | Path, split_file: str | Path, dictionary: ThemeDictionary,
                     documents: pd.DataFrame, part: str = "test", min_positives: int = MIN_POSITIVES,
                     target: float = F1_TARGET, passages_file: str | Path | None = None,
                     preferred: str = "fr", revision_seed: int | None = 0) -> pd.DataFrame:
    """The dictionary's verdicts per theme, from the coded sentences, the passages and the split file.

    Reads ``coding_file`` (:func:`valduchesse.coding.read_coding`), keeps the
    sentences still in ``documents`` as coded, assigns them their part
    (:func:`~valduchesse.validation_split.read_split`,
    :func:`~valduchesse.validation_split.assign_split`), scores ``dictionary`` per
    passage, one version each (:func:`validate_dictionary`; per sentence if
    there is no passages file) and judges it on ``part``
    (:func:`dictionary_verdicts`). With texts the coding does not hold, every
    theme comes out ``cannot be judged``.

    Parameters
    ----------
    coding_file, split_file : str or Path
        The coded sentences and the validation split.
    dictionary : ThemeDictionary
        The dictionary judged.
    documents : pandas.DataFrame
        The texts as they are now.
    part : str
        The part judged, as :func:`dictionary_verdicts`.
    min_positives : int
        The least number of coded units for a verdict, as :func:`dictionary_verdicts`.
    target : float
        The F1 target, as :func:`dictionary_verdicts`.
    passages_file : str or Path, optional
        By default ``passages.csv`` beside ``coding_file``.
    preferred : str
        The language chosen first among complete versions.
    revision_seed : int or None
        The seed of :func:`~valduchesse.validation_split.split_half` that revision 1 used, to say which
        sentences of ``part`` guided it (:func:`~valduchesse.validation_split.split_summary`); None to leave it unsaid.

    Returns
    -------
    pandas.DataFrame
        :func:`dictionary_verdicts`' table, with the groups of :func:`positive_groups`.
    """
    coded = current_codes(read_coding(coding_file), coding_units(documents))
    split = read_split(split_file)
    coded = assign_split(coded, split)
    passages_file = Path(passages_file) if passages_file is not None else Path(coding_file).with_name("passages.csv")
    passages = read_passages(passages_file, coded) if passages_file.is_file() else None
    scores = validate_dictionary(coded, dictionary, passages=passages, preferred=preferred)
    if part not in set(scores["part"]):
        nothing = float("nan")
        scores = pd.concat([scores, scores[scores["part"] == "all"].assign(
            part=part, coded=0, matched=0, hits=0, precision=nothing, recall=nothing, f1=nothing)])
    guided = None
    if revision_seed is not None and len(coded):
        summary = split_summary(coded, split, revision_seed=revision_seed)
        guided = int(summary.loc[summary["part"] == part, "in_revision_1_development"].sum())
    groups = positive_groups(coded, list(dictionary.themes), passages, part=part, preferred=preferred)
    return dictionary_verdicts(scores, list(dictionary.themes), part, min_positives, target,
                               unit="passage" if passages is not None else "sentence", guided=guided, groups=groups)


def sample_validation(path: str | Path, column: str, units: pd.DataFrame,
                      dictionary: ThemeDictionary) -> tuple[int, pd.DataFrame]:
    """Score a dictionary on a hand-coded sheet of one's own sentences.

    Only coded sentences that are still in ``units`` as coded are scored.
    :func:`valduchesse.prose.validation.sample_sentence` says what was scored.

    Parameters
    ----------
    path : str or Path
        A sheet written by :func:`valduchesse.coding.coding_sheet` and coded by
        hand with the dictionary's themes (or ``none``, ``furniture``), or the
        project's ``coding/sentences.csv``.
    column : str
        The column of the codes.
    units : pandas.DataFrame
        :func:`valduchesse.coding.coding_units` of the texts.
    dictionary : ThemeDictionary
        The dictionary scored.

    Returns
    -------
    scored : int
        The hand-coded substantive sentences of the sheet still in the texts as coded (0: nothing scored).
    scores : pandas.DataFrame
        :func:`validate_dictionary`'s table, empty if nothing could be scored.
    """
    codes = tuple(dictionary.themes) + (FURNITURE, NONE)
    coded = current_codes(read_coding(path, columns=(column,), codes=codes), units)
    coded_sentences = len(substantive(coded, column))
    if coded_sentences == 0:
        return 0, pd.DataFrame()
    return coded_sentences, validate_dictionary(coded, dictionary, column=column, split=None)
