"""Hand coding of sentences against the codebook (``coding/CODEBOOK.md``).

The reference measurement of the collection is human coding: every
non-heading sentence of the texts is coded with the themes it is about, by two
coders who do not see each other's codes; disagreements are then adjudicated.
This module holds the steps around that work:

* :func:`coding_units` lists the sentences to code, each with a stable id and
  its offsets in the body, so that a code can always be traced to the text;
* :func:`coding_sheet` writes them (or a sample of them) as a CSV sheet for a
  coder, each sentence with the one before it for context;
* :func:`read_coding` reads a coded sheet back and checks every code;
* :func:`check_coding` compares the coded sentences with the texts as they
  are now, and says what is stale or uncoded and how to update it;
* :func:`agreement` gives Cohen's kappa and Krippendorff's alpha per theme;
* :func:`hand_shares` gives the share of substantive sentences coded with
  each theme, with Wilson intervals fit for small counts;
* :func:`most_complete_text`, :func:`like_for_like` and
  :func:`whole_and_opening` choose which coded sentences to compare (one
  language per meeting; openings against openings);
* :func:`commitments` lists the sentences that state a decision, with quotes
  that :func:`check_quotes` finds in the texts;
* :func:`reliability` gives kappa and alpha per passage and per sentence
  version; :func:`reliability_without` per passage with and without the
  passages whose code a corpus-specific rule of the codebook decides
  (:func:`read_rule_decided`, ``coding/rule_decided.csv``).

How well the theme dictionary measures what the coders coded is
:mod:`valduchesse.validation`.
"""

from __future__ import annotations

from pathlib import Path

import krippendorff
import numpy as np
import pandas as pd
from sklearn.metrics import cohen_kappa_score

from .files import InputError, read_table, write_atomically
from .intervals import wilson
from .segment import sentences

__all__ = [
    "THEMES",
    "FURNITURE",
    "UNDECIDABLE",
    "NONE",
    "MARKERS",
    "CODES",
    "SEPARATOR",
    "BLIND_COLUMNS",
    "MEASURES",
    "CodingError",
    "coding_units",
    "coding_sheet",
    "uncoded_by_file",
    "blind_sheet",
    "split_codes",
    "check_codes",
    "read_coding",
    "check_coding",
    "current_codes",
    "substantive",
    "indicators",
    "agreement",
    "hand_shares",
    "most_complete_text",
    "like_for_like",
    "opening_of",
    "whole_and_opening",
    "short_quote",
    "commitments",
    "check_quotes",
    "read_passages",
    "last_of_excerpt",
    "chosen_versions",
    "passage_codes",
    "reliability",
    "read_rule_decided",
    "reliability_without",
    "version_profiles",
    "what_disagreement_means",
    "crosslingual_consistency",
    "consistency_summary",
    "read_blind",
    "adjudicate",
    "third_reader_sheet",
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
UNDECIDABLE = "undecidable"
"""A sentence cut off before its subject (codebook rule 7): left out of shares, as furniture is."""
NONE = "none"
MARKERS = (FURNITURE, UNDECIDABLE, NONE)
"""The codes that stand alone and are not themes; a coded sheet may always hold them."""
CODES = THEMES + MARKERS
"""Every code a coder may write."""
SEPARATOR = ";"
UNIT_COLUMNS = ["unit_id", "doc_id", "file", "meeting_date", "kind", "language", "coverage", "part",
                "section_no", "sentence_no", "start", "end", "text"]
INTEGER_COLUMNS = ("part", "section_no", "sentence_no", "start", "end")
UPDATE_HINT = (
    "write a sheet of the new or changed sentences as coding/README.md (\"When the texts change\") shows, have them "
    "coded by two coders as coding/README.md describes, and add them to coding/sentences.csv"
)


class CodingError(InputError):
    """A coded sheet that cannot be used as it is; the message says how to fix it."""


def coding_units(documents: pd.DataFrame) -> pd.DataFrame:
    """The sentences to code: every sentence that is not a numbered heading.

    One row per sentence, in the order of the texts, with ``unit_id``
    (``<doc_id>#<sentence_no>``), the file, the metadata a reader needs to
    place it, its ``start`` and ``end`` offsets in the body, and its text.
    """
    table = sentences(documents).query("not is_heading")
    table = table.assign(unit_id=table["doc_id"] + "#" + table["sentence_no"].astype(str))
    return table[UNIT_COLUMNS].reset_index(drop=True)


def coding_sheet(units: pd.DataFrame, path: str | Path, sample: int | None = None, seed: int = 0) -> pd.DataFrame:
    """Write a sheet for a coder: one row per sentence, with empty ``codes`` and ``note``.

    Each row carries the sentence's id, file id, language and offsets (which
    :func:`current_codes` checks against the texts) and the sentence before it
    in the same file (``previous``),
    which the codebook's rule on references back needs. With ``sample``, a
    seeded random sample of that many sentences is written (in text order),
    for a student who validates a dictionary on part of a large corpus.
    Returns the sheet as written.
    """
    sheet = units.assign(previous=units.groupby("file")["text"].shift(fill_value=""))
    if sample is not None and sample < len(sheet):
        sheet = sheet.sample(n=sample, random_state=seed).sort_index()
    sheet = sheet[["unit_id", "doc_id", "language", "start", "end", "previous", "text"]].assign(codes="", note="")
    write_atomically(path, sheet.to_csv(index=False))
    return sheet


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

    Returns
    -------
    sheet, key : pandas.DataFrame
    """
    table = units.reset_index(drop=True)
    table = table.assign(previous=table.groupby("doc_id")["text"].shift(fill_value=""))
    last = table.groupby("doc_id")["sentence_no"].transform("max") == table["sentence_no"]
    excerpt = table["coverage"] != "full text"
    table = table.assign(last_of_excerpt=np.where(last & excerpt, "yes", ""))
    order = np.random.default_rng(seed).permutation(len(table))
    table = table.iloc[order].reset_index(drop=True)
    table["id"] = [f"s{i:03d}" for i in range(1, len(table) + 1)]
    sheet = table.assign(codes="", note="")[BLIND_COLUMNS]
    return sheet, table[["id", "unit_id"]]


def split_codes(value) -> tuple[str, ...]:
    """``"justice; cyber"`` → ``("cyber", "justice")``; empty → ``()``."""
    if not isinstance(value, str):
        return ()
    return tuple(sorted({code.strip() for code in value.split(SEPARATOR) if code.strip()}))


def check_codes(codes: tuple[str, ...], where: str, allowed=CODES) -> None:
    """Refuse an unknown code, or a marker (``furniture``, ``undecidable``, ``none``) mixed with another code.

    The markers are always allowed besides ``allowed``.
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
    numbers for the offsets. Empty cells are allowed only where the column is absent from ``columns``.
    Raises :class:`CodingError` naming the file, the row (the header is row
    1) or the row's ``unit_id``, and the column.
    """
    path = Path(path)
    table = read_table(path, (), "the coded sheet (unit_id,...), one row per sentence", error=CodingError)
    offsets = [column for column in ("start", "end", "text") if column in table.columns]
    if offsets and len(offsets) < 3:
        lacking = [column for column in ("start", "end", "text") if column not in offsets]
        raise CodingError.at(path, f"missing column(s) {', '.join(lacking)} beside {', '.join(offsets)}",
                             "keep the header of the sheet as it was written (SHEET_FILE of notebook 05)", row=1)
    for column in INTEGER_COLUMNS:
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

    Returns one row per problem, with ``unit_id``, ``problem`` (``changed``:
    the file's sentence no longer has the coded text or offsets; ``uncoded``: a
    sentence of the texts has no code; ``gone``: a coded sentence whose file is
    no longer there) and ``fix``. An empty table means the coding is current.
    A text replaced by its full version (``fetch``) makes the coding stale in
    this way rather than failing.
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

    A coded row is kept when a unit of ``units`` has the same ``unit_id``,
    offsets and text (:func:`check_coding` lists the others). The result has
    every column of ``units`` and the coded columns that ``units`` lacks.
    """
    key = ["unit_id", "start", "end", "text"]
    extra = [c for c in coded.columns if c not in units.columns or c in key]
    return units.merge(coded[extra].astype({"start": int, "end": int}), on=key, how="inner")


def substantive(coded: pd.DataFrame, column: str = "final") -> pd.DataFrame:
    """The rows whose codes in ``column`` are neither ``furniture`` nor ``undecidable``.

    Both are left out of every share (codebook rules 7 and 8).
    """
    left_out = {(FURNITURE,), (UNDECIDABLE,)}
    return coded[coded[column].map(lambda value: split_codes(value) not in left_out).astype(bool)]


def indicators(codes: pd.Series, themes=THEMES) -> pd.DataFrame:
    """One 0/1 column per theme: does each row's code list hold the theme?"""
    split = codes.map(split_codes)
    return pd.DataFrame({theme: split.map(lambda c, t=theme: int(t in c)) for theme in themes}, index=codes.index)


def agreement(coded: pd.DataFrame, first: str = "coder_a", second: str = "coder_b",
              themes=THEMES + (FURNITURE,)) -> pd.DataFrame:
    """Agreement of two coders per theme, each theme a yes/no decision per sentence.

    Columns: ``theme``, ``coded_a`` and ``coded_b`` (sentences each coder gave
    the theme), ``both``, ``agreement`` (share of sentences with the same
    decision), ``kappa`` (Cohen) and ``alpha`` (Krippendorff, nominal).
    Kappa and alpha are undefined (NaN) for a theme that neither coder used.
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


def hand_shares(coded: pd.DataFrame, by: list[str], column: str = "final", themes=THEMES,
                confidence: float = 0.95) -> pd.DataFrame:
    """Share of substantive sentences coded with each theme, per group.

    Furniture is left out of the denominator. Columns: the ``by`` columns,
    ``theme``, ``sentences`` (substantive sentences in the group), ``coded``
    (those with the theme), ``share``, ``low`` and ``high`` (Wilson interval).
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


COVERAGE_SHORT = {"full text": "full text", "opening excerpt": "opening", "later excerpt": "later excerpt"}


def _held(part: pd.DataFrame) -> str:
    """What a set of sentences is, e.g. ``opening + later excerpt (fr)``."""
    ordered = part.sort_values(["part", "start"], kind="stable")["coverage"]
    return " + ".join(COVERAGE_SHORT.get(c, c) for c in dict.fromkeys(ordered)) + f" ({part['language'].iloc[0]})"


def most_complete_text(coded: pd.DataFrame, documents: pd.DataFrame, language: str) -> pd.DataFrame:
    """Per meeting, the coded sentences of the most complete text held, in one language.

    A meeting's text is its full text if there is one (in ``language`` if
    held in it, else the first language in alphabetical order); otherwise the
    language version whose files (all parts) hold the most characters, ties
    going to ``language``, then alphabetical order. Translations of one text
    are never pooled, so no passage is counted twice. Adds ``held``: what the
    sentences are, e.g. ``full text (nl)`` or ``opening + later excerpt (fr)``.
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
    meeting's opening shows. Returns those sentences with ``held`` set, e.g.
    ``opening (fr)``; empty if no such opening is held.
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
    """
    return coded[coded["end"].astype(int) <= chars]


def whole_and_opening(full: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """The coded sentences of the full texts twice: whole, and within an opening like the others.

    ``view`` is ``whole text`` or ``first N chars``, N being the length of the
    longest excerpt held of any text (no second view when no excerpt is held).
    """
    excerpts = documents.loc[documents["coverage"] != "full text", "chars"]
    views = [full.assign(view="whole text")]
    if len(excerpts):
        chars = int(excerpts.max())
        views.append(opening_of(full, chars).assign(view=f"first {chars:,} chars"))
    return pd.concat(views)


def short_quote(text: str, words: int) -> str:
    """The first ``words`` words of ``text``, with ``…`` if cut; the words are left exactly as written."""
    pieces = text.split(" ")
    return text if len(pieces) <= words else " ".join(pieces[:words]) + " …"


def commitments(coded: pd.DataFrame, statements=("decision", "recall"), words: int = 16,
                column: str = "final") -> pd.DataFrame:
    """What each text says was decided: its sentences marked as decisions or recalls, quoted.

    ``coded`` needs ``statement`` (``decision``, ``recall``, ``context`` or
    ``furniture``, see the codebook) and the final codes. Columns:
    ``meeting_date``, ``held`` where present, ``unit_id``, ``statement``,
    ``themes`` (the final codes) and ``quote`` (the sentence's first
    ``words`` words, as written; :func:`check_quotes` finds each in the texts).
    """
    rows = coded[coded["statement"].isin(statements)]
    table = rows.assign(themes=rows[column].map(lambda v: ", ".join(split_codes(v))),
                        quote=rows["text"].map(lambda t: short_quote(t, words)))
    keep = [c for c in ("meeting_date", "held", "unit_id", "statement", "themes", "quote") if c in table.columns]
    return table[keep].reset_index(drop=True)


def check_quotes(table: pd.DataFrame, documents: pd.DataFrame) -> list[str]:
    """The quotes of a :func:`commitments` table that are not found in their text's body.

    Each quote (without its closing ``…``) must occur in the body of the file
    its ``unit_id`` names. Returns the ``unit_id`` of every quote not found;
    an empty list means every quote is in ``texts/`` as written.
    """
    bodies = documents.set_index("doc_id")["text"]
    missing = []
    for unit_id, quote in zip(table["unit_id"], table["quote"]):
        doc_id = unit_id.rsplit("#", 1)[0]
        words = quote.removesuffix(" …")
        if doc_id not in bodies.index or words not in bodies[doc_id]:
            missing.append(unit_id)
    return missing




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
    """True for the last sentence of an excerpt (coverage other than ``full text``): it may be cut off."""
    last = units.groupby("doc_id")["sentence_no"].transform("max") == units["sentence_no"]
    return last & (units["coverage"] != "full text")


def _versions(coded: pd.DataFrame, passages: pd.DataFrame) -> pd.DataFrame:
    """One row per passage and version (file): its sentences' text and ids, whether it is cut, its characters."""
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

    Returns
    -------
    pandas.DataFrame
        The rows of ``coded`` whose file is the chosen version of their
        passage, with ``passage_id``.
    """
    versions = _versions(coded, passages)
    key = versions.assign(
        rank_cut=versions["cut"].astype(int),
        rank_language=np.where(versions["cut"], 0, (versions["language"] != preferred).astype(int)),
        rank_name=np.where(versions["cut"], "", versions["language"]),
        rank_chars=np.where(versions["cut"], -versions["chars"], 0),
    ).sort_values(["passage_id", "rank_cut", "rank_language", "rank_name", "rank_chars", "doc_id"], kind="stable")
    best = key.drop_duplicates("passage_id")[["passage_id", "doc_id"]]
    with_passage = coded.merge(passages, on="unit_id", how="inner")
    return with_passage.merge(best, on=["passage_id", "doc_id"], how="inner")


def _union(values: pd.Series) -> str:
    """The codes of several sentences of one version, as one list (``;``-separated, sorted)."""
    return SEPARATOR.join(sorted({code for value in values for code in split_codes(value)}))


def passage_codes(chosen: pd.DataFrame, columns=("coder_a", "coder_b")) -> pd.DataFrame:
    """One row per passage: each column's codes over the passage's sentences (their union) in its chosen version.

    A version cut by the splitter into several sentences counts once, with
    every code any of its sentences has.
    """
    return chosen.groupby("passage_id", sort=True).agg({column: _union for column in columns}).reset_index()


def reliability(coded: pd.DataFrame, passages: pd.DataFrame, first: str = "coder_a", second: str = "coder_b",
                preferred: str = "fr", themes=THEMES + (FURNITURE, UNDECIDABLE)) -> pd.DataFrame:
    """Agreement of two coders per theme, counting passages first and sentence versions second.

    ``per passage`` takes one version of each passage (:func:`chosen_versions`)
    so that a passage held in four languages counts once: translations of one
    passage, coded alike, would otherwise add agreement that says nothing new.
    ``per sentence version`` is the earlier count, every sentence of every
    language version a unit. Columns: ``count`` (``per passage`` or ``per
    sentence version``), ``units``, then those of :func:`agreement`.
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


# --- cross-lingual consistency ------------------------------------------------------------


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
    from .tokens import tokens  # here, not at the top: the tokens module imports nothing of this one, keep it so

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

    One row per passage and version (file): ``hand`` (the themes of
    ``column`` over the version's sentences, markers left out, ``undecidable``
    for a version coded only so), ``dictionary``
    (the themes whose entries the version's sentences hold,
    :func:`valduchesse.themes.theme_matches`), ``top_terms`` (its ``top`` terms
    by TF-IDF, every coded sentence of its language a document) and ``term_themes`` (the themes of which one of those
    terms is a one-word entry of the dictionary, the language-free form in
    which top terms of two languages can be compared), with ``cut`` (the
    version ends an excerpt, so it may stop short of the others).
    """
    from .themes import theme_matches

    columns = ["meeting_date", "passage_id", "doc_id", "language", "cut", "chars", "hand", "dictionary",
               "top_terms", "term_themes"]
    versions = _versions(coded, passages)
    several = versions.groupby("passage_id")["doc_id"].transform("nunique") > 1
    versions = versions[several].reset_index(drop=True)
    if versions.empty:
        return pd.DataFrame(columns=columns)
    codes = coded.set_index("unit_id")[column]
    versions["hand"] = versions["units"].map(lambda ids: _themes_only(_union(codes.loc[ids])))
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


def what_disagreement_means(measure: str, themes: dict, cut) -> str:
    """Say what the versions of one passage agreeing or not on one measure means.

    Parameters
    ----------
    measure : str
        ``hand``, ``dictionary`` or ``term_themes``.
    themes : dict
        Version name (e.g. its language) -> the themes it gives on that measure.
    cut : collection of str
        The versions that end an excerpt (cut off before the passage ends).

    Returns
    -------
    str
        ``agree`` when every version gives the same themes. Otherwise
        ``truncation`` when the versions that are not cut agree and every cut
        version gives only some of their themes (it stopped before the words
        that carry the rest), or when every version is cut (they stop at
        different points; which holds more cannot be told); else
        ``translation``: complete versions differ, or a cut version gives a
        theme the complete ones do not, so the same passage worded in another
        language was coded, matched or weighted differently. Each with a
        clause saying so.
    """
    if measure not in MEASURES:
        raise ValueError(f"measure {measure!r}: use one of {', '.join(MEASURES)}")
    values = {name: frozenset(found) - {UNDECIDABLE} for name, found in themes.items()}
    if len(set(values.values())) <= 1:
        return "agree"
    cut = [name for name in values if name in set(cut)]
    complete = [name for name in values if name not in cut]
    what = {"hand": "coded", "dictionary": "matched by the dictionary", "term_themes": "weighted"}[measure]
    if not complete:
        return f"truncation: every version ({', '.join(cut)}) cut off, at different points"
    full = {values[name] for name in complete}
    if len(full) == 1 and all(values[name] <= next(iter(full)) for name in cut):
        return (f"truncation: {', '.join(cut)} cut off before the words that carry what "
                f"{', '.join(complete)} {'has' if len(complete) == 1 else 'have'}")
    return f"translation: the same passage, in other words, {what} differently"


def crosslingual_consistency(profiles: pd.DataFrame) -> pd.DataFrame:
    """Per passage held in two or more versions, whether the versions agree on each measure, and why not.

    ``profiles`` is :func:`version_profiles`. One row per passage:
    ``meeting_date``, ``passage_id``, ``versions`` (their languages, a file
    of the same language twice marked by its position), then for each measure
    of :data:`MEASURES` a column of the versions' themes (``de: justice | fr: –``)
    and one saying whether they agree or what the disagreement means
    (:func:`what_disagreement_means`).
    """
    rows = []
    for passage_id, part in profiles.groupby("passage_id", sort=True):
        names = [f"{language}{'' if n == 0 else n + 1}" for language, n in
                 zip(part["language"], part.groupby("language").cumcount())]
        cut = [name for name, c in zip(names, part["cut"]) if c]
        row = {"meeting_date": part["meeting_date"].iloc[0], "passage_id": passage_id, "versions": ", ".join(names)}
        for measure in MEASURES:
            values = part[measure].tolist()
            row[measure] = " | ".join(f"{n}: {', '.join(v) if v else '–'}" for n, v in zip(names, values))
            row[f"{measure}_reading"] = what_disagreement_means(measure, dict(zip(names, values)), cut)
        row["top_terms"] = " | ".join(f"{n}: {', '.join(t)}" for n, t in zip(names, part["top_terms"]))
        rows.append(row)
    columns = ["meeting_date", "passage_id", "versions",
               *(name for measure in MEASURES for name in (measure, f"{measure}_reading")), "top_terms"]
    return pd.DataFrame(rows, columns=columns)


def consistency_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Counts of :func:`crosslingual_consistency` per meeting: passages, and per measure agree / truncation / translation."""
    rows = []
    for date, part in table.groupby("meeting_date", sort=True):
        row = {"meeting_date": date, "passages": len(part)}
        for measure in MEASURES:
            kind = part[f"{measure}_reading"].str.split(":").str[0]
            for label in ("agree", "truncation", "translation"):
                row[f"{measure}: {label}"] = int((kind == label).sum())
        rows.append(row)
    columns = ["meeting_date", "passages",
               *(f"{measure}: {label}" for measure in MEASURES for label in ("agree", "truncation", "translation"))]
    return pd.DataFrame(rows, columns=columns)


# --- the blind recoding: reading the coders' sheets back, and adjudicating -------------------


def read_blind(path: str | Path, key: pd.DataFrame) -> pd.DataFrame:
    """Read a coder's filled blind sheet (:func:`blind_sheet`) and link it back to the sentences.

    Every id of ``key`` must be in the sheet once, with at least one code,
    every code one of :data:`CODES`, a marker alone. Raises
    :class:`CodingError` naming the file, the id and the field, with the fix.

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


def adjudicate(first: str, second: str, third: str | None = None) -> tuple[str, str]:
    """The final codes of one sentence from two coders and, where they differ, a third reader.

    The codebook's procedure: where the two code lists are the same, they are
    final (``agreed``). Where they differ, each code (theme or marker) is
    kept if at least two of the three readers gave it. If no code has two
    votes (three different readings), the third reader's list is final.
    Without a third reader, a disagreement raises :class:`CodingError`.

    Returns
    -------
    final, reason : str
    """
    a, b = split_codes(first), split_codes(second)
    if a == b:
        return SEPARATOR.join(a), "agreed"
    if third is None:
        raise CodingError(f"the coders differ ({SEPARATOR.join(a)} / {SEPARATOR.join(b)}) and no third reading is "
                          f"given. Fix: have a third reader code the sentence")
    c = split_codes(third)
    votes = pd.Series([*a, *b, *c], dtype=object).value_counts()
    kept = tuple(sorted(votes[votes >= 2].index))
    if kept and not (len(kept) > 1 and set(kept) & set(MARKERS)):
        dropped = sorted(set(a) ^ set(b))
        settled = ", ".join(f"{code} {'kept' if code in kept else 'dropped'}" for code in dropped)
        return SEPARATOR.join(kept), f"adjudicated by majority with the third reader: {settled}"
    return SEPARATOR.join(c), "adjudicated: three different readings, the third reader's codes taken"


def third_reader_sheet(sheet: pd.DataFrame, first: pd.DataFrame, second: pd.DataFrame, seed: int) -> pd.DataFrame:
    """The sheet for a third reader: the sentences two blind coders coded differently, with both readings.

    ``sheet`` is the blind sheet (:func:`blind_sheet`), ``first`` and
    ``second`` the coders' sheets as :func:`read_blind` returns them. For each
    sentence whose code lists differ, its ``id``, ``language``,
    ``last_of_excerpt``, ``context`` (the sentence before it) and ``text``, and the two lists as
    ``reading_1`` and ``reading_2``, their order drawn with ``seed`` for each
    row so that neither column is one coder's; ``codes`` and ``note`` are
    left for the reader, in the blind sheet's order.
    """
    both = first[["id", "codes"]].merge(second[["id", "codes"]], on="id", suffixes=("_a", "_b"))
    differ = both[both["codes_a"] != both["codes_b"]]
    rows = sheet.drop(columns=["codes", "note"]).merge(differ, on="id", how="inner")
    swap = np.random.default_rng(seed).integers(0, 2, len(rows)).astype(bool)
    rows["reading_1"] = np.where(swap, rows["codes_b"], rows["codes_a"])
    rows["reading_2"] = np.where(swap, rows["codes_a"], rows["codes_b"])
    rows = rows.rename(columns={"previous": "context"}).drop(columns=["codes_a", "codes_b"]).assign(codes="", note="")
    return rows[["id", "language", "last_of_excerpt", "context", "text", "reading_1", "reading_2", "codes", "note"]]
