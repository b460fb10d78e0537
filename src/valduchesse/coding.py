"""Hand coding of sentences against the codebook (``coding/CODEBOOK.md``): the codes themselves.

The reference measurement of the collection is human coding: every non-heading sentence of the texts is coded
with the themes it is about, by two coders who do not see each other's codes; disagreements are then
adjudicated. This module holds the codes and what is counted from them: the sentences to code and a coder's
sheet (:func:`coding_units`, :func:`coding_sheet`); code lists (:func:`split_codes`, :func:`union_codes`,
:func:`check_codes`); a coded sheet read back and checked against the texts as they are now
(:func:`read_coding`, :func:`check_coding`, :func:`uncoded_by_file`, :func:`current_codes`); the shares of
substantive sentences per theme with Wilson intervals (:func:`hand_shares`); which coded sentences to compare
(:func:`most_complete_text`, :func:`like_for_like`, :func:`whole_and_opening`); and the sentences stating a
decision, quoted (:func:`commitments`, :func:`check_quotes`).

How far two coders agree, and the blind recoding, is :mod:`valduchesse.coding_reliability`; whether the language
versions of one passage say the same, :mod:`valduchesse.crosslingual`; how well the theme dictionary measures
what the coders coded, :mod:`valduchesse.validation`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .atomic_write import write_atomically
from .files import InputError, read_table
from .intervals import wilson
from .segment import sentences

__all__ = [
    "THEMES", "FURNITURE", "UNDECIDABLE", "NONE", "MARKERS", "CODES", "SEPARATOR", "UPDATE_HINT", "CodingError",
    "coding_units", "coding_sheet", "uncoded_by_file", "split_codes", "union_codes", "check_codes", "read_coding",
    "check_coding", "current_codes", "substantive", "indicators", "hand_shares", "most_complete_text",
    "like_for_like", "opening_of", "whole_and_opening", "short_quote", "commitments", "check_quotes",
]

THEMES = (
    "attacks_and_trials",
    "police_and_intelligence",
    "justice",
    "radicalisation_and_extremism",
    "foreign_fighters",
    "migration_and_smuggling",
    "drugs_and_organised_crime",
    "cyber",
    "sahel_and_coalition",
    "victims",
    "terrorism_financing",
)
"""The substantive themes of the codebook, in its order."""
FURNITURE = "furniture"
"""Page furniture (titles, date and place lines, attendee lists): a code of the codebook, and the tokens
stage's removal step of the same name (:data:`valduchesse.tokens.STEPS`)."""
UNDECIDABLE = "undecidable"
"""A sentence cut off before its subject (codebook rule 7): left out of shares, as furniture is."""
NONE = "none"
MARKERS = (FURNITURE, UNDECIDABLE, NONE)
"""The codes that stand alone and are not themes; a coded sheet may always hold them."""
CODES = THEMES + MARKERS
"""Every code a coder may write."""
SEPARATOR = ";"
_UNIT_COLUMNS = ["unit_id", "doc_id", "file", "meeting_date", "kind", "language", "coverage", "part",
                "section_no", "sentence_no", "start", "end", "text"]
_INTEGER_COLUMNS = ("part", "section_no", "sentence_no", "start", "end")
UPDATE_HINT = (
    "write a sheet of the new or changed sentences as coding/README.md (\"When the texts change\") shows, have them "
    "coded by two coders as coding/README.md describes, and add them to coding/sentences.csv"
)


class CodingError(InputError):
    """A coded sheet that cannot be used as it is; the message says how to fix it."""


def coding_units(documents: pd.DataFrame) -> pd.DataFrame:
    """The sentences to code: every sentence that is not a numbered heading.

    Parameters
    ----------
    documents : pandas.DataFrame
        The document table (:func:`valduchesse.corpus.load_corpus`).

    Returns
    -------
    pandas.DataFrame
        One row per sentence, in the order of the texts: ``unit_id``
        (``<doc_id>#<sentence_no>``), the file, the metadata a reader needs to
        place it, its ``start`` and ``end`` offsets in the body, and its ``text``.
    """
    table = sentences(documents).query("not is_heading")
    table = table.assign(unit_id=table["doc_id"] + "#" + table["sentence_no"].astype(str))
    return table[_UNIT_COLUMNS].reset_index(drop=True)


def coding_sheet(units: pd.DataFrame, path: str | Path, sample: int | None = None, seed: int = 0) -> pd.DataFrame:
    """Write a sheet for a coder: one row per sentence, with empty ``codes`` and ``note``.

    Each row carries the sentence's id, file id, language and offsets (which
    :func:`current_codes` checks against the texts) and the sentence before it
    in the same file (``previous``), which the codebook's rule on references
    back needs.

    Parameters
    ----------
    units : pandas.DataFrame
        :func:`coding_units`' table.
    path : str or Path
        The CSV written (atomically).
    sample : int, optional
        Write a seeded random sample of that many sentences (in text order),
        for a student who validates a dictionary on part of a large corpus.
    seed : int
        The sample's seed.

    Returns
    -------
    pandas.DataFrame
        The sheet as written.
    """
    sheet = units.assign(previous=units.groupby("file")["text"].shift(fill_value=""))
    if sample is not None and sample < len(sheet):
        sheet = sheet.sample(n=sample, random_state=seed).sort_index()
    sheet = sheet[["unit_id", "doc_id", "language", "start", "end", "previous", "text"]].assign(codes="", note="")
    write_atomically(path, sheet.to_csv(index=False))
    return sheet


def split_codes(value) -> tuple[str, ...]:
    """A code list read from a cell: ``"justice; cyber"`` → ``("cyber", "justice")``.

    Parameters
    ----------
    value : str or None
        The cell; anything not a string (an empty cell read as NaN) is no code.

    Returns
    -------
    tuple of str
        The codes, stripped, without repeats, sorted; ``()`` for none.
    """
    if not isinstance(value, str):
        return ()
    return tuple(sorted({code.strip() for code in value.split(SEPARATOR) if code.strip()}))


def union_codes(values) -> str:
    """The codes of several sentences as one list: every code any of them has, sorted, ``;``-separated.

    Parameters
    ----------
    values : iterable of str
        Code lists, e.g. the codes of the sentences of one language version of a passage.

    Returns
    -------
    str
        ``"cyber;justice"`` for ``["justice", "cyber; justice"]``; ``""`` for none.
    """
    return SEPARATOR.join(sorted({code for value in values for code in split_codes(value)}))


def check_codes(codes: tuple[str, ...], where: str, allowed=CODES) -> None:
    """Refuse an unknown code, or a marker (``furniture``, ``undecidable``, ``none``) mixed with another code.

    Parameters
    ----------
    codes : tuple of str
        One sentence's codes (:func:`split_codes`).
    where : str
        Where they were read (file, row, column), said in the error.
    allowed : sequence of str
        The codes allowed; the markers are always allowed besides.

    Raises
    ------
    CodingError
        Naming ``where``, the code and the fix.
    """
    allowed = tuple(dict.fromkeys((*allowed, *MARKERS)))
    unknown = [code for code in codes if code not in allowed]
    if unknown:
        raise CodingError(f"{where}: unknown code {', '.join(map(repr, unknown))}. "
                          f"Fix: use the codebook's codes (coding/CODEBOOK.md, or your dictionary's themes): "
                          f"{', '.join(allowed)}")
    if len(codes) > 1 and set(codes) & set(MARKERS):
        raise CodingError(f"{where}: {', '.join(map(repr, MARKERS))} stand alone, got {SEPARATOR.join(codes)}. "
                          f"Fix: keep only the substantive themes, or only one of {', '.join(MARKERS)}")


def read_coding(path: str | Path, columns=("coder_a", "coder_b", "final"), codes=CODES) -> pd.DataFrame:
    """Read a coded CSV and check every code of the given columns against ``codes``.

    The file is read like the texts (:func:`valduchesse.files.read_table`): a
    regular UTF-8 file (a FIFO, a device or a folder is refused before it is
    opened) of bounded size. Its columns must be separated by commas: a
    sheet separated by ``;`` or tabs (as spreadsheet software saves CSV in
    French and Belgian locales) is refused with how to save it. A sheet with
    one of ``start``, ``end`` and ``text`` must have all three, with whole
    numbers for the offsets.

    Parameters
    ----------
    path : str or Path
        The coded sheet (``coding/sentences.csv``, or a sheet of :func:`coding_sheet` filled in).
    columns : sequence of str
        The code columns checked; an empty cell is allowed only in other columns.
    codes : sequence of str
        The codes allowed besides the markers.

    Returns
    -------
    pandas.DataFrame
        The sheet, one row per sentence, offsets as integers.

    Raises
    ------
    CodingError
        Naming the file, the row (the header is row 1) or the row's ``unit_id``, the column and the fix.
    """
    path = Path(path)
    table = read_table(path, (), "the coded sheet (unit_id,...), one row per sentence", error=CodingError)
    offsets = [column for column in ("start", "end", "text") if column in table.columns]
    if offsets and len(offsets) < 3:
        lacking = [column for column in ("start", "end", "text") if column not in offsets]
        raise CodingError.at(path, f"missing column(s) {', '.join(lacking)} beside {', '.join(offsets)}",
                             "keep the header of the sheet as it was written (SHEET_FILE of notebook 05)", row=1)
    for column in _INTEGER_COLUMNS:
        if column in table.columns:
            whole = table[column].str.strip().str.fullmatch(r"-?\d+")
            if not whole.all():
                position = int(np.flatnonzero(~whole.to_numpy())[0])
                raise CodingError.at(path, f"the value {table[column].iloc[position]!r} is not a whole number",
                                     f"write the {column} offset in digits, as it was written (SHEET_FILE of notebook 05)",
                                     row=position + 2, field=column, field_kind="column")
            table[column] = table[column].astype(int)
    missing = [column for column in ("unit_id", *columns) if column not in table.columns]
    if missing:
        raise CodingError(f"{path}: missing column(s) {', '.join(missing)}. "
                          f"Fix: keep the header of the sheet as it was written (SHEET_FILE of notebook 05)")
    duplicated = table.loc[table["unit_id"].duplicated(), "unit_id"].tolist()
    if duplicated:
        raise CodingError(f"{path}: unit_id {', '.join(duplicated)} coded twice. Fix: keep one row per sentence")
    allowed = tuple(codes)
    for column in columns:
        for unit_id, value in zip(table["unit_id"], table[column]):
            codes = split_codes(value)
            where = f"{path}, unit {unit_id}, column '{column}'"
            if not codes:
                raise CodingError(f"{where}: no code. Fix: write the themes, '{NONE}' or '{FURNITURE}'")
            check_codes(codes, where, allowed)
    return table


def check_coding(coded: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """Compare coded sentences with the sentences of the texts as they are now.

    A text replaced by its full version (``fetch``) makes the coding stale in
    this way rather than failing.

    Parameters
    ----------
    coded : pandas.DataFrame
        :func:`read_coding`'s table.
    units : pandas.DataFrame
        :func:`coding_units` of the texts.

    Returns
    -------
    pandas.DataFrame
        One row per problem: ``unit_id``, ``problem`` (``changed``: the file's
        sentence no longer has the coded text or offsets; ``uncoded``: a
        sentence of the texts has no code; ``gone``: a coded sentence whose file
        is no longer there) and ``fix``. Empty when the coding is current.
    """
    key = ["unit_id", "start", "end", "text"]
    now = units[key].astype(str)
    then = coded[key].astype(str)
    merged = then.merge(now, on="unit_id", how="outer", suffixes=("_coded", "_now"), indicator=True)
    rows = []
    for row in merged.itertuples(index=False):
        if row._7 == "left_only":
            rows.append((row.unit_id, "gone", "drop the row, or restore the file in texts/"))
        elif row._7 == "right_only":
            rows.append((row.unit_id, "uncoded", UPDATE_HINT))
        elif (row.start_coded, row.end_coded, row.text_coded) != (row.start_now, row.end_now, row.text_now):
            rows.append((row.unit_id, "changed", UPDATE_HINT))
    return pd.DataFrame(rows, columns=["unit_id", "problem", "fix"])


def uncoded_by_file(coded: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """The files of ``units`` with sentences that have no current hand code, and how many.

    A sentence counts as uncoded when ``coded`` has no row for it with its
    present offsets and text (new, or changed since it was coded; see
    :func:`check_coding`). Such sentences are outside every hand-coded result.

    Parameters
    ----------
    coded : DataFrame
        :func:`read_coding` of the coded sheet.
    units : DataFrame
        :func:`coding_units` of the texts.

    Returns
    -------
    DataFrame
        ``file``, ``sentences`` (of the file) and ``uncoded``, one row per file with at least one uncoded
        sentence, sorted by file.
    """
    current = set(current_codes(coded, units)["unit_id"])
    table = units.assign(uncoded=~units["unit_id"].isin(current)).groupby("file", sort=True).agg(
        sentences=("unit_id", "size"), uncoded=("uncoded", "sum")).reset_index()
    table["uncoded"] = table["uncoded"].astype(int)
    return table[table["uncoded"] > 0].reset_index(drop=True)


def current_codes(coded: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """The coded sentences that are still in the texts as coded, with the units' metadata.

    Parameters
    ----------
    coded : pandas.DataFrame
        :func:`read_coding`'s table.
    units : pandas.DataFrame
        :func:`coding_units` of the texts.

    Returns
    -------
    pandas.DataFrame
        The rows of ``coded`` whose ``unit_id``, offsets and text a unit still
        has (:func:`check_coding` lists the others), with every column of
        ``units`` and the coded columns that ``units`` lacks.
    """
    key = ["unit_id", "start", "end", "text"]
    extra = [c for c in coded.columns if c not in units.columns or c in key]
    return units.merge(coded[extra].astype({"start": int, "end": int}), on=key, how="inner")


def substantive(coded: pd.DataFrame, column: str = "final") -> pd.DataFrame:
    """The rows whose codes in ``column`` are neither ``furniture`` nor ``undecidable``.

    Both are left out of every share (codebook rules 7 and 8).

    Parameters
    ----------
    coded : pandas.DataFrame
        Coded sentences.
    column : str
        The code column read.

    Returns
    -------
    pandas.DataFrame
        The rows kept, with their index.
    """
    left_out = {(FURNITURE,), (UNDECIDABLE,)}
    return coded[coded[column].map(lambda value: split_codes(value) not in left_out).astype(bool)]


def indicators(codes: pd.Series, themes=THEMES) -> pd.DataFrame:
    """One 0/1 column per theme: does each row's code list hold the theme?

    Parameters
    ----------
    codes : pandas.Series
        Code lists (``;``-separated).
    themes : sequence of str
        The columns.

    Returns
    -------
    pandas.DataFrame
        0/1 per row and theme, on the index of ``codes``.
    """
    split = codes.map(split_codes)
    return pd.DataFrame({theme: split.map(lambda c, t=theme: int(t in c)) for theme in themes}, index=codes.index)


def hand_shares(coded: pd.DataFrame, by: list[str], column: str = "final", themes=THEMES,
                confidence: float = 0.95) -> pd.DataFrame:
    """Share of substantive sentences coded with each theme, per group, with Wilson intervals.

    Furniture and undecidable sentences are left out of the denominator (:func:`substantive`).

    Parameters
    ----------
    coded : pandas.DataFrame
        Coded sentences with the ``by`` columns.
    by : list of str
        The columns that make a group.
    column : str
        The code column read.
    themes : sequence of str
        The themes counted.
    confidence : float
        Of the Wilson intervals (:func:`valduchesse.intervals.wilson`).

    Returns
    -------
    pandas.DataFrame
        The ``by`` columns, ``theme``, ``sentences`` (substantive sentences in
        the group), ``coded`` (those with the theme), ``share``, ``low`` and ``high``.
    """
    kept = substantive(coded, column)
    flags = indicators(kept[column], themes)
    rows = []
    for key, group in flags.groupby([kept[name] for name in by], sort=True):
        key = key if isinstance(key, tuple) else (key,)
        for theme in themes:
            k, n = int(group[theme].sum()), len(group)
            low, high = (float(bound) for bound in wilson(k, n, confidence))
            rows.append({**dict(zip(by, key)), "theme": theme, "sentences": n, "coded": k,
                         "share": k / n, "low": low, "high": high})
    return pd.DataFrame(rows, columns=[*by, "theme", "sentences", "coded", "share", "low", "high"])


_COVERAGE_SHORT = {"full text": "full text", "opening excerpt": "opening", "later excerpt": "later excerpt"}


def _held(part: pd.DataFrame) -> str:
    """What a set of sentences is, e.g. ``opening + later excerpt (fr)``."""
    ordered = part.sort_values(["part", "start"], kind="stable")["coverage"]
    return " + ".join(_COVERAGE_SHORT.get(c, c) for c in dict.fromkeys(ordered)) + f" ({part['language'].iloc[0]})"


def most_complete_text(coded: pd.DataFrame, documents: pd.DataFrame, language: str) -> pd.DataFrame:
    """Per meeting, the coded sentences of the most complete text held, in one language.

    A meeting's text is its full text if there is one (in ``language`` if
    held in it, else the first language in alphabetical order); otherwise the
    language version whose files (all parts) hold the most characters, ties
    going to ``language``, then alphabetical order. Translations of one text
    are never pooled, so no passage is counted twice.

    Parameters
    ----------
    coded : pandas.DataFrame
        Coded sentences with the units' metadata.
    documents : pandas.DataFrame
        The document table (for each file's characters).
    language : str
        The language preferred.

    Returns
    -------
    pandas.DataFrame
        The sentences chosen, with ``held``: what they are, e.g. ``full text
        (nl)`` or ``opening + later excerpt (fr)``.
    """
    sizes = documents.groupby(["meeting_date", "language", "coverage"])["chars"].sum()
    chosen = [coded.iloc[:0].assign(held="")]
    for date, meeting in coded.groupby("meeting_date", sort=True):
        full = meeting[meeting["coverage"] == "full text"]
        if not full.empty:
            part = full[full["language"] == min(set(full["language"]), key=lambda l: (l != language, l))]
        else:
            held = sizes[date].groupby(level="language").sum()
            held = held[held.index.isin(set(meeting["language"]))]
            best = min(held.index, key=lambda l: (-held[l], l != language, l))
            part = meeting[meeting["language"] == best]
        chosen.append(part.assign(held=_held(part)))
    return pd.concat(chosen)


def like_for_like(coded: pd.DataFrame, held: pd.DataFrame, language: str) -> pd.DataFrame:
    """For each meeting held as a full text, its opening excerpt in ``language`` (or its own language).

    The point of comparison an excerpt of another meeting needs: what the same
    meeting's opening shows.

    Parameters
    ----------
    coded : pandas.DataFrame
        Coded sentences with the units' metadata.
    held : pandas.DataFrame
        :func:`most_complete_text`'s sentences.
    language : str
        The language preferred.

    Returns
    -------
    pandas.DataFrame
        Those openings' sentences with ``held`` set, e.g. ``opening (fr)``; empty if none is held.
    """
    rows = [coded.iloc[:0].assign(held="")]
    for date in sorted(set(held.loc[held["coverage"] == "full text", "meeting_date"])):
        openings = coded[(coded["meeting_date"] == date) & (coded["coverage"] == "opening excerpt")]
        if not openings.empty:
            part = openings[openings["language"] == min(set(openings["language"]), key=lambda l: (l != language, l))]
            rows.append(part.assign(held=_held(part)))
    return pd.concat(rows)


def opening_of(coded: pd.DataFrame, chars: int) -> pd.DataFrame:
    """The sentences of each text that end within its first ``chars`` characters.

    Used to ask what an opening of the length of the excerpts would have shown
    of a complete text.

    Parameters
    ----------
    coded : pandas.DataFrame
        Coded sentences with ``end``.
    chars : int
        The opening's length.

    Returns
    -------
    pandas.DataFrame
        The rows kept.
    """
    return coded[coded["end"].astype(int) <= chars]


def whole_and_opening(full: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """The coded sentences of the full texts twice: whole, and within an opening like the others.

    Parameters
    ----------
    full : pandas.DataFrame
        The coded sentences of the full texts.
    documents : pandas.DataFrame
        The document table (for the excerpts' lengths).

    Returns
    -------
    pandas.DataFrame
        The sentences with ``view``: ``whole text``, or ``first N chars``, N
        being the length of the longest excerpt held of any text (no second
        view when no excerpt is held).
    """
    excerpts = documents.loc[documents["coverage"] != "full text", "chars"]
    views = [full.assign(view="whole text")]
    if len(excerpts):
        chars = int(excerpts.max())
        views.append(opening_of(full, chars).assign(view=f"first {chars:,} chars"))
    return pd.concat(views)


def short_quote(text: str, words: int) -> str:
    """The first ``words`` words of ``text``, with ``…`` if cut; the words are left exactly as written.

    Parameters
    ----------
    text : str
        The sentence.
    words : int
        How many words to keep.

    Returns
    -------
    str
        The quote.
    """
    pieces = text.split(" ")
    return text if len(pieces) <= words else " ".join(pieces[:words]) + " …"


def commitments(coded: pd.DataFrame, statements=("decision", "recall"), words: int = 16,
                column: str = "final") -> pd.DataFrame:
    """What each text says was decided: its sentences marked as decisions or recalls, quoted.

    Parameters
    ----------
    coded : pandas.DataFrame
        Coded sentences with ``statement`` (``decision``, ``recall``,
        ``context`` or ``furniture``, see the codebook) and the final codes.
    statements : sequence of str
        The statements kept.
    words : int
        Words per quote (:func:`short_quote`).
    column : str
        The code column read.

    Returns
    -------
    pandas.DataFrame
        ``meeting_date``, ``held`` where present, ``unit_id``, ``statement``,
        ``themes`` (the codes) and ``quote`` (the sentence's first ``words``
        words, as written; :func:`check_quotes` finds each in the texts).
    """
    rows = coded[coded["statement"].isin(statements)]
    table = rows.assign(themes=rows[column].map(lambda v: ", ".join(split_codes(v))),
                        quote=rows["text"].map(lambda t: short_quote(t, words)))
    keep = [c for c in ("meeting_date", "held", "unit_id", "statement", "themes", "quote") if c in table.columns]
    return table[keep].reset_index(drop=True)


def check_quotes(table: pd.DataFrame, documents: pd.DataFrame) -> list[str]:
    """The quotes of a :func:`commitments` table that are not found in their text's body.

    Each quote (without its closing ``…``) must occur in the body of the file
    its ``unit_id`` names.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`commitments`' table.
    documents : pandas.DataFrame
        The document table.

    Returns
    -------
    list of str
        The ``unit_id`` of every quote not found; empty when every quote is in ``texts/`` as written.
    """
    bodies = documents.set_index("doc_id")["text"]
    missing = []
    for unit_id, quote in zip(table["unit_id"], table["quote"]):
        doc_id = unit_id.rsplit("#", 1)[0]
        words = quote.removesuffix(" …")
        if doc_id not in bodies.index or words not in bodies[doc_id]:
            missing.append(unit_id)
    return missing
