"""The fixed development / test split of the hand-coded passages (``coding/validation_split.csv``).

The dictionary may be revised on one part of the hand-coded sentences and is
judged on the other (:mod:`valduchesse.validation`). The split is fixed in a
file, by groups of sentences that keep every passage's language versions
together:

* :func:`read_split` reads and checks the split file: each group in the
  ``development`` part (where the dictionary may be revised) or the ``test``
  part (where it is judged); :data:`PARTS` and :data:`SPLIT_COLUMNS` name
  the parts and the file's columns, :class:`SplitError` says what is wrong;
* :func:`assign_split` gives each coded sentence its group and part
  (:data:`UNASSIGNED` where no row covers it), :func:`split_summary` counts
  each group's sentences;
* :func:`split_half` is the earlier split by sentence (a hash of each id),
  kept only to say which sentences guided the dictionary's first revision.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pandas as pd

from .coding import substantive
from .corpus_header import COVERAGES
from .files import InputError, read_table

__all__ = [
    "PARTS", "SPLIT_COLUMNS", "SplitError", "UNASSIGNED", "assign_split", "read_split", "split_half", "split_summary",
]

PARTS = ("development", "test")
"""The two parts of the validation split, in this order."""
SPLIT_COLUMNS = ("group", "order", "part", "meeting_date", "coverage", "sections", "rule")
"""The columns of ``coding/validation_split.csv``."""
UNASSIGNED = "unassigned"
"""The part of a sentence that no row of the split covers (in neither part)."""


class SplitError(InputError):
    """A validation split file that cannot be used as it is; the message names the file, row, column and fix."""


def read_split(path: str | Path) -> pd.DataFrame:
    """Read and check the validation split (``coding/validation_split.csv``).

    One row per member of a group: ``group`` (its name), ``order`` (its place
    in document order, the same on every row of the group), ``part``
    (``development`` or ``test``, the same on every row of the group),
    ``meeting_date`` (YYYY-MM-DD), ``coverage`` (``opening excerpt``, ``later
    excerpt`` or ``full text``), ``sections`` (``all``, a section number or a
    range such as ``0-1``) and ``rule`` (the rule that assigned the part, in
    words). A sentence belongs to the row whose meeting, coverage and
    sections it matches, whatever its language: every language version of a
    passage falls in the same group.

    Parameters
    ----------
    path : str or Path
        The CSV file.

    Returns
    -------
    DataFrame
        The rows, with ``order`` as int and ``first`` and ``last`` (the
        section numbers covered; ``last`` is None for ``all``).

    Raises
    ------
    SplitError
        Naming the file, the row (counted from 1 after the header), the column and the fix.
    """
    path = Path(path)
    table = read_table(path, SPLIT_COLUMNS, f"the validation split (coding/validation_split.csv), with the header "
                       f"{','.join(SPLIT_COLUMNS)}", error=SplitError)
    if table.empty:
        raise SplitError(f"{path}: no rows. Fix: give at least one group in each part ({', '.join(PARTS)})")
    firsts, lasts = [], []
    for number, row in enumerate(table.itertuples(index=False), start=1):
        def fail(column: str, problem: str, fix: str) -> None:
            raise SplitError(f"{path}, row {number}, column '{column}': {problem}. Fix: {fix}")
        for column in SPLIT_COLUMNS:
            if not str(getattr(row, column)).strip():
                fail(column, "empty", "fill it in")
        if row.part not in PARTS:
            fail("part", f"{row.part!r} is not a part", f"write {' or '.join(PARTS)}")
        if not re.fullmatch(r"\d+", row.order):
            fail("order", f"{row.order!r} is not a whole number", "give the group's place in document order (1, 2, …)")
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", row.meeting_date):
            fail("meeting_date", f"{row.meeting_date!r} is not a date", "write it as YYYY-MM-DD")
        if row.coverage not in COVERAGES:
            fail("coverage", f"{row.coverage!r} is not a coverage", f"write one of {', '.join(COVERAGES)}")
        found = re.fullmatch(r"all|(\d+)(?:-(\d+))?", row.sections)
        if not found:
            fail("sections", f"{row.sections!r} is not a section list", "write all, a number (3) or a range (0-1)")
        first = int(found.group(1)) if found.group(1) else 0
        last = None if row.sections == "all" else int(found.group(2) or found.group(1))
        if last is not None and last < first:
            fail("sections", f"the range {row.sections!r} ends before it starts", "write the lower number first")
        firsts.append(first)
        lasts.append(last)
    table["order"] = table["order"].astype(int)
    table["first"] = firsts
    table["last"] = pd.Series(lasts, index=table.index, dtype=object)
    for column in ("part", "order"):
        mixed = table.groupby("group")[column].nunique()
        if (mixed > 1).any():
            group = mixed[mixed > 1].index[0]
            rows = ", ".join(str(i + 1) for i in table.index[table["group"] == group])
            raise SplitError(f"{path}, rows {rows}, column '{column}': the group {group!r} has more than one "
                             f"{column}. Fix: give every row of a group the same {column}")
    absent = [part for part in PARTS if part not in set(table["part"])]
    if absent:
        raise SplitError(f"{path}, column 'part': no group in {', '.join(absent)}. Fix: give each part at least one group")
    return table


def assign_split(coded: pd.DataFrame, split: pd.DataFrame) -> pd.DataFrame:
    """Give each coded sentence its group and part of the validation split.

    A sentence that no row covers (a text added after the split was fixed)
    gets group ``""`` and part ``unassigned``: it is in neither part, and the
    split file must say where it goes before it counts.

    Parameters
    ----------
    coded : DataFrame
        Coded sentences with ``unit_id``, ``meeting_date``, ``coverage`` and ``section_no``
        (e.g. :func:`valduchesse.coding.current_codes`).
    split : DataFrame
        :func:`read_split`'s table.

    Returns
    -------
    DataFrame
        A copy of ``coded`` with the columns ``group`` and ``split``.

    Raises
    ------
    SplitError
        If a sentence is covered by rows of two groups (naming the sentence and the groups).
    """
    dates = coded["meeting_date"].astype(str).str[:10]
    groups = pd.Series("", index=coded.index, dtype=object)
    parts = pd.Series(UNASSIGNED, index=coded.index, dtype=object)
    for row in split.itertuples(index=False):
        covered = (dates == row.meeting_date) & (coded["coverage"] == row.coverage)
        if row.last is not None and not pd.isna(row.last):
            covered &= coded["section_no"].between(row.first, row.last)
        clash = covered & (groups != "") & (groups != row.group)
        if clash.any():
            unit = coded.loc[clash, "unit_id"].iloc[0]
            raise SplitError(f"sentence {unit} is in two groups of the split, {groups[clash].iloc[0]!r} and "
                             f"{row.group!r}. Fix: make the rows' meeting_date, coverage and sections not overlap")
        groups[covered], parts[covered] = row.group, row.part
    return coded.assign(group=groups, split=parts)


def split_summary(coded: pd.DataFrame, split: pd.DataFrame, column: str = "final",
                  revision_seed: int | None = 0) -> pd.DataFrame:
    """Per group of the split: its part, languages and substantive sentences, in document order.

    Parameters
    ----------
    coded : DataFrame
        :func:`assign_split`'s output.
    split : DataFrame
        :func:`read_split`'s table (its ``order`` sorts the groups).
    column : str
        The hand codes that say which sentences are substantive (furniture and unsubstantive codes left out).
    revision_seed : int or None
        The seed of :func:`split_half` that the dictionary's first revision used: ``in_revision_1_development``
        then counts the group's substantive sentences that sat in that revision's development half
        (sentences that guided it, whatever part they are in now); None leaves the column out.

    Returns
    -------
    DataFrame
        ``order``, ``group``, ``part``, ``languages``, ``sentences`` and (with
        ``revision_seed``) ``in_revision_1_development``; unassigned sentences,
        if any, in a last row with group ``(not in the split)``.
    """
    kept = substantive(coded, column)
    order = split.drop_duplicates("group").set_index("group")["order"]
    rows = []
    for group, part in kept[["group", "split"]].drop_duplicates().itertuples(index=False):
        members = kept[(kept["group"] == group) & (kept["split"] == part)]
        row = {"order": int(order.get(group, len(order) + 1)), "group": group or "(not in the split)", "part": part,
               "languages": ", ".join(sorted(set(members["language"]))), "sentences": len(members)}
        if revision_seed is not None:
            row["in_revision_1_development"] = int((split_half(members["unit_id"], revision_seed) == "development").sum())
        rows.append(row)
    columns = ["order", "group", "part", "languages", "sentences"] + (
        ["in_revision_1_development"] if revision_seed is not None else [])
    return pd.DataFrame(rows, columns=columns).sort_values(["order", "group"], ignore_index=True)


def split_half(unit_ids: pd.Series, seed: int = 0) -> pd.Series:
    """The earlier split by sentence: ``development`` or ``held-out`` by a hash of each id.

    The dictionary's first revision (``coding/themes_revision_1.yml``) was
    made from its errors on the ``development`` half of this split. It splits
    sentences, not passages, so the translations of one passage fall in both
    halves; the collection now uses :func:`read_split`, and keeps this only to
    say which sentences guided that revision.

    Parameters
    ----------
    unit_ids : pandas.Series
        Sentence ids.
    seed : int
        Hashed with each id (SHA-256): a sentence's half depends only on the two.

    Returns
    -------
    pandas.Series
        ``development`` or ``held-out`` per id, named ``split``.
    """
    def half(unit_id: str) -> str:
        digest = hashlib.sha256(f"{seed}:{unit_id}".encode("utf-8")).digest()
        return "development" if digest[0] % 2 == 0 else "held-out"

    return unit_ids.map(half).rename("split")
