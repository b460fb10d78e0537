"""How far the hand coding can be relied on: two coders' agreement, counted per passage, and the blind recoding.

A passage is held in up to four languages; coders who agree on it agree on
each translation, so agreement is counted on passages first, one version each:

* :func:`read_passages` reads which coded sentences are versions of one
  passage (``coding/passages.csv``); :func:`passage_versions` gives each
  passage's versions, :func:`last_of_excerpt` says which may be cut off, and
  :func:`chosen_versions` picks one version per passage by a fixed rule;
* :func:`agreement` gives Cohen's kappa and Krippendorff's alpha per theme;
  :func:`reliability` per passage and per sentence version;
  :func:`reliability_without` per passage with and without the passages
  whose code a corpus-specific rule of the codebook decides
  (:func:`read_rule_decided`, ``coding/rule_decided.csv``);
* the blind recoding: :func:`blind_sheet` writes the shuffled sheet and its
  key, :func:`read_blind` reads a coder's sheet back, :func:`third_reader_sheet`
  lists the disagreements for a third reader and :func:`adjudicate` settles them
  (:func:`valduchesse.prose.coding_reliability.adjudication_note` says how, as the ``note`` column logs it).

The codes themselves are :mod:`valduchesse.coding`.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import krippendorff
import numpy as np
import pandas as pd
from sklearn.metrics import cohen_kappa_score

from .coding import (
    FURNITURE, MARKERS, NONE, SEPARATOR, THEMES, UNDECIDABLE, CodingError, check_codes, indicators, split_codes,
    union_codes,
)
from .files import read_table

__all__ = [
    "Adjudication",
    "BLIND_COLUMNS",
    "PASSAGE_COLUMNS",
    "RULE_DECIDED_COLUMNS",
    "agreement",
    "read_passages",
    "last_of_excerpt",
    "passage_versions",
    "chosen_versions",
    "passage_codes",
    "reliability",
    "read_rule_decided",
    "reliability_without",
    "blind_sheet",
    "read_blind",
    "adjudicate",
    "third_reader_sheet",
]


def agreement(coded: pd.DataFrame, first: str = "coder_a", second: str = "coder_b",
              themes=THEMES + (FURNITURE,)) -> pd.DataFrame:
    """Agreement of two coders per theme, each theme a yes/no decision per sentence.

    Parameters
    ----------
    coded : pandas.DataFrame
        One row per unit (sentence or passage), with the two coders' code lists.
    first, second : str
        The columns of the two coders.
    themes : sequence of str
        The codes scored, each as a yes/no decision.

    Returns
    -------
    pandas.DataFrame
        ``theme``, ``coded_a`` and ``coded_b`` (units each coder gave the
        theme), ``both``, ``agreement`` (share of units with the same
        decision), ``kappa`` (Cohen, :func:`sklearn.metrics.cohen_kappa_score`)
        and ``alpha`` (Krippendorff, nominal). Kappa and alpha are undefined
        (NaN) for a theme that neither coder used, or that both gave every unit.
    """
    a, b = indicators(coded[first], themes), indicators(coded[second], themes)
    rows = []
    for theme in themes:
        x, y = a[theme].to_numpy(), b[theme].to_numpy()
        used = bool(x.any() or y.any())
        same = len(x) == 0 or x.min() == x.max() == y.min() == y.max()
        kappa = float(cohen_kappa_score(x, y)) if used and not same else float("nan")
        alpha = float(krippendorff.alpha(reliability_data=np.vstack([x, y]), level_of_measurement="nominal")) \
            if used and not same else float("nan")
        rows.append({"theme": theme, "coded_a": int(x.sum()), "coded_b": int(y.sum()),
                     "both": int((x & y).sum()), "agreement": float((x == y).mean()) if len(x) else float("nan"),
                     "kappa": kappa, "alpha": alpha})
    return pd.DataFrame(rows)


# --- passages: the language versions of one passage ------------------------------------


PASSAGE_COLUMNS = ("unit_id", "passage_id")


def _refuse_repeated(path: Path, table: pd.DataFrame, column: str, said: str, fix: str) -> None:
    """Raise :class:`CodingError` if an id of ``column`` is in two rows: ``PATH: COLUMN ID, … SAID. Fix: FIX``."""
    twice = sorted(set(table.loc[table[column].duplicated(), column]))
    if twice:
        raise CodingError(f"{path}: {column} {', '.join(twice)} {said}. Fix: {fix}")


def read_passages(path: str | Path, coded: pd.DataFrame | None = None) -> pd.DataFrame:
    """Read the table that maps each coded sentence to its passage (``coding/passages.csv``).

    A passage is one stretch of a declaration: its language versions (and the
    sentences each version is cut into) share its ``passage_id``, which
    begins with the meeting's date (``2016-02-01/p07``). With ``coded``, every
    coded sentence must have exactly one passage and no passage may span two
    meetings. Raises :class:`CodingError` naming the file, the field and the fix.

    Parameters
    ----------
    path : str or Path
        The passages file (``coding/passages.csv``).
    coded : pandas.DataFrame, optional
        The coded sentences (``unit_id``) the file must cover; None to read it unchecked.

    Returns
    -------
    pandas.DataFrame
        ``unit_id`` and ``passage_id``, in the file's order.
    """
    path = Path(path)
    table = read_table(path, PASSAGE_COLUMNS, "the passages (coding/passages.csv), with the header unit_id,passage_id",
                       error=CodingError)
    empty = table.loc[table["passage_id"].str.strip() == "", "unit_id"].tolist()
    if empty:
        raise CodingError(f"{path}: no passage_id for {', '.join(empty)}. Fix: give each sentence its passage")
    _refuse_repeated(path, table, "unit_id", "in two passages", "keep one row per sentence")
    if coded is not None:
        absent = sorted(set(coded["unit_id"]) - set(table["unit_id"]))
        if absent:
            raise CodingError(f"{path}: coded sentence(s) {', '.join(absent)} have no passage_id. "
                              f"Fix: add a row unit_id,passage_id for each (its own passage if no other language has it)")
        dates = table.merge(coded[["unit_id", "meeting_date"]].astype(str), on="unit_id")
        spans = dates.groupby("passage_id")["meeting_date"].nunique()
        if (spans > 1).any():
            raise CodingError(f"{path}: passage_id {', '.join(spans[spans > 1].index)} spans two meetings. "
                              f"Fix: give the sentences of each meeting their own passage")
    return table[list(PASSAGE_COLUMNS)]


def last_of_excerpt(units: pd.DataFrame) -> pd.Series:
    """Which sentences end an excerpt (coverage other than ``full text``): they may be cut off.

    Parameters
    ----------
    units : pandas.DataFrame
        Sentences with ``doc_id``, ``sentence_no`` and ``coverage`` (:func:`valduchesse.coding.coding_units`).

    Returns
    -------
    pandas.Series of bool
        True for the last sentence of each file that holds an excerpt, on the index of ``units``.
    """
    last = units.groupby("doc_id")["sentence_no"].transform("max") == units["sentence_no"]
    return last & (units["coverage"] != "full text")


def passage_versions(coded: pd.DataFrame, passages: pd.DataFrame) -> pd.DataFrame:
    """The language versions of every passage: one row per passage and version (file).

    Parameters
    ----------
    coded : pandas.DataFrame
        Coded sentences with the units' metadata (:func:`valduchesse.coding.current_codes`).
    passages : pandas.DataFrame
        :func:`read_passages`' table; sentences without a passage are left out.

    Returns
    -------
    pandas.DataFrame
        ``passage_id``, ``doc_id``, ``meeting_date``, ``language``, ``units``
        (the version's sentence ids, in text order), ``text`` (their text, joined),
        ``cut`` (the version ends an excerpt, :func:`last_of_excerpt`) and ``chars``
        (its characters), sorted by passage and file.
    """
    table = coded.assign(cut=last_of_excerpt(coded)).merge(passages, on="unit_id", how="inner")
    table = table.sort_values(["passage_id", "doc_id", "start"], kind="stable")
    grouped = table.groupby(["passage_id", "doc_id"], sort=True)
    return grouped.agg(meeting_date=("meeting_date", "first"), language=("language", "first"),
                       units=("unit_id", list), text=("text", " ".join), cut=("cut", "any"),
                       chars=("text", lambda t: int(t.str.len().sum()))).reset_index()


def chosen_versions(coded: pd.DataFrame, passages: pd.DataFrame, preferred: str) -> pd.DataFrame:
    """One version per passage, by a fixed rule, for measures that must not count a translation twice.

    The rule: a version that is not cut off (whose passage does not end an
    excerpt) before one that is; among complete versions, the ``preferred``
    language first, then the others in alphabetical order; among cut versions,
    the one holding the most characters (it says the most). Remaining ties go
    to the file id in alphabetical order.

    Parameters
    ----------
    coded : pandas.DataFrame
        The coded sentences.
    passages : pandas.DataFrame
        :func:`read_passages`' table.
    preferred : str
        The language chosen first among complete versions.

    Returns
    -------
    pandas.DataFrame
        The rows of ``coded`` whose file is the chosen version of their
        passage, with ``passage_id``.
    """
    versions = passage_versions(coded, passages)
    key = versions.assign(
        rank_cut=versions["cut"].astype(int),
        rank_language=np.where(versions["cut"], 0, (versions["language"] != preferred).astype(int)),
        rank_name=np.where(versions["cut"], "", versions["language"]),
        rank_chars=np.where(versions["cut"], -versions["chars"], 0),
    ).sort_values(["passage_id", "rank_cut", "rank_language", "rank_name", "rank_chars", "doc_id"], kind="stable")
    best = key.drop_duplicates("passage_id")[["passage_id", "doc_id"]]
    with_passage = coded.merge(passages, on="unit_id", how="inner")
    return with_passage.merge(best, on=["passage_id", "doc_id"], how="inner")


def passage_codes(chosen: pd.DataFrame, columns=("coder_a", "coder_b")) -> pd.DataFrame:
    """One row per passage: each column's codes over the passage's sentences in its chosen version.

    A version cut by the splitter into several sentences counts once, with
    every code any of its sentences has (:func:`valduchesse.coding.union_codes`).

    Parameters
    ----------
    chosen : pandas.DataFrame
        :func:`chosen_versions`' rows.
    columns : sequence of str
        The code columns to join.

    Returns
    -------
    pandas.DataFrame
        ``passage_id`` and one column per code column, sorted by passage.
    """
    return chosen.groupby("passage_id", sort=True).agg({column: union_codes for column in columns}).reset_index()


def reliability(coded: pd.DataFrame, passages: pd.DataFrame, first: str = "coder_a", second: str = "coder_b",
                preferred: str = "fr", themes=THEMES + (FURNITURE, UNDECIDABLE)) -> pd.DataFrame:
    """Agreement of two coders per theme, counting passages first and sentence versions second.

    ``per passage`` takes one version of each passage (:func:`chosen_versions`)
    so that a passage held in four languages counts once: translations of one
    passage, coded alike, would otherwise add agreement that says nothing new.
    ``per sentence version`` is the earlier count, every sentence of every
    language version a unit.

    Parameters
    ----------
    coded : pandas.DataFrame
        The coded sentences with the units' metadata.
    passages : pandas.DataFrame
        :func:`read_passages`' table.
    first, second : str
        The columns of the two coders.
    preferred : str
        The language chosen first among complete versions.
    themes : sequence of str
        The codes scored (:func:`agreement`).

    Returns
    -------
    pandas.DataFrame
        ``count`` (``per passage`` or ``per sentence version``), ``units``,
        then the columns of :func:`agreement`.
    """
    per_passage = passage_codes(chosen_versions(coded, passages, preferred), (first, second))
    rows = []
    for label, table in (("per passage", per_passage), ("per sentence version", coded)):
        found = agreement(table, first, second, themes)
        found.insert(0, "units", len(table))
        found.insert(0, "count", label)
        rows.append(found)
    return pd.concat(rows, ignore_index=True)


RULE_DECIDED_COLUMNS = ("unit_id", "rule", "why")


def read_rule_decided(path: str | Path, coded: pd.DataFrame | None = None) -> pd.DataFrame:
    """Read the list of sentences whose code a corpus-specific rule or theme-table entry decides.

    ``coding/rule_decided.csv`` has one row per sentence: ``unit_id``,
    ``rule`` (the codebook rule(s), ``;``-separated, or ``table`` for the
    theme table) and ``why`` (in words). With ``coded``, every listed
    sentence must be a coded sentence. Raises :class:`CodingError` naming the
    file, the field and the fix.

    Parameters
    ----------
    path : str or Path
        The list (``coding/rule_decided.csv``).
    coded : pandas.DataFrame, optional
        The coded sentences (``unit_id``) every listed sentence must be among; None to read it unchecked.

    Returns
    -------
    pandas.DataFrame
        The three columns, in the file's order.
    """
    path = Path(path)
    table = read_table(path, RULE_DECIDED_COLUMNS, f"the list of rule-decided sentences (coding/rule_decided.csv), "
                       f"with the header {','.join(RULE_DECIDED_COLUMNS)}", error=CodingError)
    for column in RULE_DECIDED_COLUMNS:
        empty = table.index[table[column].str.strip() == ""]
        if len(empty):
            raise CodingError(f"{path}, row {empty[0] + 1}, field '{column}': empty. Fix: fill it in")
    _refuse_repeated(path, table, "unit_id", "listed twice", "one row per sentence")
    if coded is not None:
        unknown = sorted(set(table["unit_id"]) - set(coded["unit_id"]))
        if unknown:
            raise CodingError(f"{path}, field 'unit_id': {', '.join(unknown)} not coded sentences. "
                              "Fix: list only ids of coding/sentences.csv")
    return table[list(RULE_DECIDED_COLUMNS)]


def reliability_without(coded: pd.DataFrame, passages: pd.DataFrame, decided: pd.DataFrame,
                        first: str = "coder_a", second: str = "coder_b", preferred: str = "fr",
                        themes=THEMES + (FURNITURE, UNDECIDABLE)) -> pd.DataFrame:
    """Agreement per passage, with every passage and without those a corpus-specific rule decides.

    A passage is left out of the second line if any sentence of any of its
    versions is in ``decided`` (:func:`read_rule_decided`): where the
    codebook's rules or theme table paraphrase a sentence of the texts, the
    coders were told its code, so their agreement there is not measured.
    Both lines count one version per passage (:func:`chosen_versions`), as
    :func:`reliability`'s first line does.

    Parameters
    ----------
    coded : pandas.DataFrame
        The coded sentences.
    passages : pandas.DataFrame
        :func:`read_passages`' table.
    decided : pandas.DataFrame
        :func:`read_rule_decided`'s table.
    first, second : str
        The two coders' columns.
    preferred : str
        The language chosen first among complete versions (:func:`chosen_versions`).
    themes : sequence of str
        The codes whose agreement is measured.

    Returns
    -------
    pandas.DataFrame
        ``count`` (``per passage, all`` or ``per passage, rule-decided left
        out``), ``units``, then those of :func:`agreement`.
    """
    left_out = set(passages.loc[passages["unit_id"].isin(decided["unit_id"]), "passage_id"])
    chosen = chosen_versions(coded, passages, preferred)
    per_passage = passage_codes(chosen, (first, second))
    rows = []
    for label, table in (("per passage, all", per_passage),
                         ("per passage, rule-decided left out", per_passage[~per_passage["passage_id"].isin(left_out)])):
        found = agreement(table, first, second, themes)
        found.insert(0, "units", len(table))
        found.insert(0, "count", label)
        rows.append(found)
    return pd.concat(rows, ignore_index=True)


# --- the blind recoding: the sheet, reading the coders' sheets back, and adjudicating ------------


BLIND_COLUMNS = ["id", "language", "last_of_excerpt", "previous", "text", "codes", "note"]


def blind_sheet(units: pd.DataFrame, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A sheet for a blind recoding, and the key that links it back to the sentences.

    Every unit of ``units`` (from :func:`coding_units`) becomes one row, in an
    order shuffled with ``seed`` (so that translations of one passage do not
    stand side by side), under an id ``s001``, ``s002``, … that says nothing
    of its file. Columns of the sheet: ``id``, ``language``,
    ``last_of_excerpt`` (``yes`` for the last sentence of an excerpt, which
    may be cut off; codebook rule 7), ``previous`` (the sentence before it in
    its file, for rule 6), ``text``, and empty ``codes`` and ``note`` for the
    coder. The key has ``id`` and ``unit_id``.

    Parameters
    ----------
    units : pandas.DataFrame
        :func:`valduchesse.coding.coding_units` of the texts.
    seed : int
        The seed of the shuffle.

    Returns
    -------
    sheet, key : pandas.DataFrame
        The sheet for the coders and the key (``id``, ``unit_id``) kept from them.
    """
    table = units.reset_index(drop=True)
    table = table.assign(previous=table.groupby("doc_id")["text"].shift(fill_value=""))
    table = table.assign(last_of_excerpt=np.where(last_of_excerpt(table), "yes", ""))
    order = np.random.default_rng(seed).permutation(len(table))
    table = table.iloc[order].reset_index(drop=True)
    table["id"] = [f"s{i:03d}" for i in range(1, len(table) + 1)]
    sheet = table.assign(codes="", note="")[BLIND_COLUMNS]
    return sheet, table[["id", "unit_id"]]


def read_blind(path: str | Path, key: pd.DataFrame) -> pd.DataFrame:
    """Read a coder's filled blind sheet (:func:`blind_sheet`) and link it back to the sentences.

    Every id of ``key`` must be in the sheet once, with at least one code,
    every code one of :data:`valduchesse.coding.CODES`, a marker alone. Raises
    :class:`CodingError` naming the file, the id and the field, with the fix.

    Parameters
    ----------
    path : str or Path
        The coder's filled sheet.
    key : pandas.DataFrame
        :func:`blind_sheet`'s key (``id``, ``unit_id``), or its rows the sheet was given for.

    Returns
    -------
    pandas.DataFrame
        ``id``, ``unit_id``, ``codes`` (sorted, ``;``-separated) and ``note``, in the key's order.
    """
    path = Path(path)
    sheet = read_table(path, ("id", "codes"), "the blind sheet, with its header as given", error=CodingError)
    if "note" not in sheet.columns:
        sheet["note"] = ""
    _refuse_repeated(path, sheet, "id", "coded twice", "keep one row per sentence")
    absent = [i for i in key["id"] if i not in set(sheet["id"])]
    extra = sorted(set(sheet["id"]) - set(key["id"]))
    if absent or extra:
        raise CodingError(f"{path}: ids missing ({', '.join(absent) or 'none'}) or unknown ({', '.join(extra) or 'none'}). "
                          f"Fix: code every row of the sheet as given, and only those")
    for sentence_id, value in zip(sheet["id"], sheet["codes"]):
        codes = split_codes(value)
        where = f"{path}, id {sentence_id}, field 'codes'"
        if not codes:
            raise CodingError(f"{where}: no code. Fix: write the themes, '{NONE}', '{FURNITURE}' or '{UNDECIDABLE}'")
        check_codes(codes, where)
    table = key[["id", "unit_id"]].merge(sheet[["id", "codes", "note"]], on="id", how="left")
    table["codes"] = table["codes"].map(lambda value: SEPARATOR.join(split_codes(value)))
    return table


class Adjudication(NamedTuple):
    """How one sentence's final codes were settled (:func:`adjudicate`).

    Attributes
    ----------
    final : str
        The final codes, joined by ``;``.
    rule : {"agreed", "majority", "third reader"}
        The two coders agreed; the codes two of the three readers gave were kept; or the third reader's
        codes were taken, either because no code had two votes (three different readings) or because the
        codes with two votes would put a marker (``furniture``, ``undecidable`` or ``none``, which stand
        alone) together with another code, which only a reading that itself mixes them can cause
        (see :func:`adjudicate`).
    disputed : tuple of (str, bool)
        With ``majority``: each code that only one of the two coders gave, sorted, and whether it was
        kept; ``()`` otherwise.
    """

    final: str
    rule: str
    disputed: tuple[tuple[str, bool], ...] = ()


def adjudicate(first: str, second: str, third: str | None = None) -> Adjudication:
    """The final codes of one sentence from two coders and, where they differ, a third reader.

    The codebook's procedure: where the two code lists are the same, they are
    final (``agreed``). Where they differ, each code (theme or marker) is
    kept if at least two of the three readers gave it (``majority``). The
    third reader's list is final (``third reader``) in two cases: no code has
    two votes (three different readings), or the codes with two votes hold a
    marker (``furniture``, ``undecidable`` or ``none``) together with another
    code, which no sentence may have, as a marker stands alone. The second
    case needs a reading that itself mixes a marker with another code (e.g.
    ``none`` / ``justice`` / ``none;justice``): this function does not check
    the readings, :func:`valduchesse.coding.check_codes` (as the coded sheets
    are read) refuses such a reading. There the readings are not all
    different, though :func:`valduchesse.prose.coding_reliability.adjudication_note`
    logs both cases with the same note; with checked readings, ``third
    reader`` always means three readings sharing no code.
    Without a third reader, a disagreement raises :class:`CodingError`.

    Parameters
    ----------
    first, second : str
        The two coders' codes (``;``-separated).
    third : str, optional
        The third reader's codes, needed where the two differ.

    Returns
    -------
    Adjudication
        The final codes, the rule that settled them and the disputed codes kept or dropped
        (:func:`valduchesse.prose.coding_reliability.adjudication_note` says it in words).

    Raises
    ------
    CodingError
        Where the coders differ and no third reading is given.
    """
    a, b = split_codes(first), split_codes(second)
    if a == b:
        return Adjudication(SEPARATOR.join(a), "agreed")
    if third is None:
        raise CodingError(f"the coders differ ({SEPARATOR.join(a)} / {SEPARATOR.join(b)}) and no third reading is "
                          f"given. Fix: have a third reader code the sentence")
    c = split_codes(third)
    votes = pd.Series([*a, *b, *c], dtype=object).value_counts()
    kept = tuple(sorted(votes[votes >= 2].index))
    if kept and not (len(kept) > 1 and set(kept) & set(MARKERS)):
        disputed = tuple((code, code in kept) for code in sorted(set(a) ^ set(b)))
        return Adjudication(SEPARATOR.join(kept), "majority", disputed)
    return Adjudication(SEPARATOR.join(c), "third reader")


def third_reader_sheet(sheet: pd.DataFrame, first: pd.DataFrame, second: pd.DataFrame, seed: int) -> pd.DataFrame:
    """The sheet for a third reader: the sentences two blind coders coded differently, with both readings.

    Parameters
    ----------
    sheet : pandas.DataFrame
        The blind sheet (:func:`blind_sheet`).
    first, second : pandas.DataFrame
        The two coders' sheets as :func:`read_blind` returns them.
    seed : int
        Draws, for each row, which reading is ``reading_1``, so that neither column is one coder's.

    Returns
    -------
    pandas.DataFrame
        For each sentence whose code lists differ, in the blind sheet's order:
        ``id``, ``language``, ``last_of_excerpt``, ``context`` (the sentence
        before it), ``text``, ``reading_1``, ``reading_2``, and empty ``codes``
        and ``note`` for the reader.
    """
    both = first[["id", "codes"]].merge(second[["id", "codes"]], on="id", suffixes=("_a", "_b"))
    differ = both[both["codes_a"] != both["codes_b"]]
    rows = sheet.drop(columns=["codes", "note"]).merge(differ, on="id", how="inner")
    swap = np.random.default_rng(seed).integers(0, 2, len(rows)).astype(bool)
    rows["reading_1"] = np.where(swap, rows["codes_b"], rows["codes_a"])
    rows["reading_2"] = np.where(swap, rows["codes_a"], rows["codes_b"])
    rows = rows.rename(columns={"previous": "context"}).drop(columns=["codes_a", "codes_b"]).assign(codes="", note="")
    return rows[["id", "language", "last_of_excerpt", "context", "text", "reading_1", "reading_2", "codes", "note"]]
