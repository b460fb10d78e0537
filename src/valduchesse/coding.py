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
  that :func:`check_quotes` finds in the texts.

How well the theme dictionary measures what the coders coded is
:mod:`valduchesse.validation`.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import krippendorff
import numpy as np
import pandas as pd
from sklearn.metrics import cohen_kappa_score

from .files import InputError, read_text, write_atomically
from .intervals import wilson
from .segment import sentences

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
NONE = "none"
CODES = THEMES + (FURNITURE, NONE)
"""Every code a coder may write."""
SEPARATOR = ";"
UNIT_COLUMNS = ["unit_id", "doc_id", "file", "meeting_date", "kind", "language", "coverage", "part",
                "section_no", "sentence_no", "start", "end", "text"]
INTEGER_COLUMNS = ("part", "section_no", "sentence_no", "start", "end")
UPDATE_HINT = (
    "regenerate the units with valduchesse.coding.coding_sheet, have the new or changed sentences "
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


def split_codes(value) -> tuple[str, ...]:
    """``"justice; cyber"`` → ``("cyber", "justice")``; empty → ``()``."""
    if not isinstance(value, str):
        return ()
    return tuple(sorted({code.strip() for code in value.split(SEPARATOR) if code.strip()}))


def check_codes(codes: tuple[str, ...], where: str, allowed=CODES) -> None:
    """Refuse an unknown code, furniture mixed with a theme, or ``none`` with a theme."""
    unknown = [code for code in codes if code not in allowed]
    if unknown:
        raise CodingError(f"{where}: unknown code {', '.join(map(repr, unknown))}. "
                          f"Fix: use the codebook's codes (coding/CODEBOOK.md, or your dictionary's themes): "
                          f"{', '.join(allowed)}")
    if len(codes) > 1 and (FURNITURE in codes or NONE in codes):
        raise CodingError(f"{where}: '{FURNITURE}' and '{NONE}' stand alone, got {SEPARATOR.join(codes)}. "
                          f"Fix: keep only the substantive themes, or only '{FURNITURE}' / '{NONE}'")


def read_coding(path: str | Path, columns=("coder_a", "coder_b", "final"), codes=CODES) -> pd.DataFrame:
    """Read a coded CSV and check every code of the given columns against ``codes``.

    The file is read like the texts (:func:`valduchesse.files.read_text`): a
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
    text = read_text(path, error=CodingError, not_regular_fix="give the coded sheet, a CSV file",
                     encoding_fix="save the sheet as 'CSV UTF-8' (comma-separated); in a spreadsheet: "
                                  "Save as > CSV UTF-8")
    header = text.split("\n", 1)[0]
    if not text.strip():
        raise CodingError.at(path, "the file is empty", "give the coded sheet, with its header line "
                             "(unit_id,...) and one row per sentence")
    if "," not in header and any(mark in header for mark in (";", "\t")):
        mark = "';'" if ";" in header else "tabs"
        raise CodingError.at(path, f"the columns are separated by {mark}, not commas (spreadsheet software "
                             "saves CSV with ';' in French and Belgian locales)",
                             "save the sheet as 'CSV UTF-8 (comma-delimited)', or in Python: "
                             "pandas.read_csv(path, sep=';').to_csv(path, index=False)", row=1)
    try:
        table = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as err:
        found = re.search(r"line (\d+)", str(err))
        raise CodingError.at(path, f"the file cannot be read as CSV ({str(err).strip()})",
                             "check the quotes and that every row has as many commas as the header",
                             row=int(found.group(1)) if found else None) from None
    offsets = [column for column in ("start", "end", "text") if column in table.columns]
    if offsets and len(offsets) < 3:
        lacking = [column for column in ("start", "end", "text") if column not in offsets]
        raise CodingError.at(path, f"missing column(s) {', '.join(lacking)} beside {', '.join(offsets)}",
                             "keep the header of the sheet as coding_sheet wrote it", row=1)
    for column in INTEGER_COLUMNS:
        if column in table.columns:
            whole = table[column].str.strip().str.fullmatch(r"-?\d+")
            if not whole.all():
                position = int(np.flatnonzero(~whole.to_numpy())[0])
                raise CodingError.at(path, f"the value {table[column].iloc[position]!r} is not a whole number",
                                     f"write the {column} offset in digits, as coding_sheet wrote it",
                                     row=position + 2, field=column, field_kind="column")
            table[column] = table[column].astype(int)
    missing = [column for column in ("unit_id", *columns) if column not in table.columns]
    if missing:
        raise CodingError(f"{path}: missing column(s) {', '.join(missing)}. "
                          f"Fix: keep the header of the sheet as coding_sheet wrote it")
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
    """The rows whose codes in ``column`` are not ``furniture``."""
    return coded[coded[column].map(lambda value: split_codes(value) != (FURNITURE,)).astype(bool)]


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


