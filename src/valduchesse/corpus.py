"""Load and validate the texts folder.

Each text file holds one official text (or one part of it) in one language:
a YAML header between two ``---`` lines, then the body exactly as the source
gives it. :func:`load_corpus` reads every file into a pandas table with one
row per file and checks every header field on the way, so that a broken file
stops the analysis with a message naming the file, the field and the fix.

:func:`join_parts` gives the document-level view, in which the parts of one
document in one language (the 2018 French declaration has an opening and a
later excerpt, from two official copies) are joined, with a column saying that
the join is not known to be contiguous. :func:`availability` lists what text
there is per meeting and language, and :func:`comparable_openings` cuts the
texts of one language to openings of one length, to compare like with like.
:func:`check_languages` checks that every paragraph is in the file's language.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import frontmatter
import pandas as pd
import simplemma
import yaml

SUPPORTED_LANGUAGES = {"de": "German", "en": "English", "fr": "French", "nl": "Dutch"}
LANGUAGE_CHOICES = ", ".join(f"{code} ({name})" for code, name in SUPPORTED_LANGUAGES.items())
"""The supported languages as error messages name them: ``de (German), en (English), …``."""
COVERAGES = ("full text", "opening excerpt", "later excerpt")
REQUIRED_FIELDS = (
    "meeting_date",
    "place",
    "language",
    "kind",
    "title",
    "source_url",
    "coverage",
    "chars",
)
OPTIONAL_FIELDS = ("part", "notes")
DOCUMENTATION_FILES = ("README.md",)
"""Files that may sit in the texts folder without being texts."""

LANGUAGE_CHECK_MIN_CHARS = 150
"""Paragraphs shorter than this are not checked for their language (titles and names are ambiguous)."""

PART_GAP = "\n\n[…]\n\n"
"""What stands between two parts in the document-level view."""

METADATA_COLUMNS = [
    "doc_id",
    "meeting_date",
    "place",
    "language",
    "kind",
    "title",
    "source_url",
    "coverage",
    "part",
    "chars",
    "sha256",
    "file",
    "notes",
    "extra_fields",
]


class CorpusError(ValueError):
    """A text file that cannot be used as it is; the message says how to fix it."""


def _fail(path: Path, field: str | None, problem: str, fix: str) -> CorpusError:
    where = f"{path}" if field is None else f"{path}, field '{field}'"
    return CorpusError(f"{where}: {problem}. Fix: {fix}")


def read_text_file(path: str | Path) -> tuple[dict, str]:
    """Read one text file and return its header (a dict) and its body.

    The file must be UTF-8. A byte-order mark is dropped and Windows or old Mac
    line endings become ``\\n``; the body is otherwise returned as it stands,
    without the final newline.
    """
    path = Path(path)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise _fail(
            path,
            None,
            f"byte {err.start} is not valid UTF-8 ({raw[err.start:err.start + 1]!r})",
            "save the file as UTF-8 (in most editors: 'Save with encoding' > UTF-8)",
        ) from None
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    handler = frontmatter.YAMLHandler()
    if not handler.detect(text) or not text.startswith("---"):
        raise _fail(
            path,
            None,
            "no YAML header: the file must start with a line '---'",
            "put the header fields between two lines '---' at the top of the file "
            "(see texts/README.md)",
        )
    try:
        header_text, body = handler.split(text)
    except ValueError:
        raise _fail(
            path,
            None,
            "the YAML header is not closed",
            "end the header with a line '---' before the text",
        ) from None
    try:
        header = handler.load(header_text)
    except yaml.YAMLError as err:
        raise _fail(
            path,
            None,
            f"the YAML header cannot be read ({str(err).splitlines()[0]})",
            "check the header's syntax; quote a value that holds ': '",
        ) from None
    if not isinstance(header, dict):
        raise _fail(
            path, None, "the YAML header is not a list of 'field: value' lines",
            "write one 'field: value' per line",
        )
    body = body.removeprefix("\n").removesuffix("\n")
    return header, body


def _check_date(path: Path, value) -> dt.date:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise _fail(
            path,
            "meeting_date",
            f"{value!r} is not an ISO 8601 date",
            "write the date as YYYY-MM-DD, e.g. 2016-02-01",
        ) from None


def validate_header(path: Path, header: dict, body: str) -> dict:
    """Check one file's header against its body and return the cleaned fields.

    Raises :class:`CorpusError` naming the file and the field for: a missing
    required field, a date that is not ISO 8601, an unsupported language, an
    unknown coverage, a bad part number, an empty body, or a ``chars`` value
    that differs from the body's length. Unknown fields are kept, in
    ``extra_fields``.
    """
    missing = [field for field in REQUIRED_FIELDS if header.get(field) in (None, "")]
    if missing:
        raise _fail(
            path,
            missing[0],
            f"required field missing or empty (missing: {', '.join(missing)})",
            f"add a line '{missing[0]}: …' to the header; required fields are "
            + ", ".join(REQUIRED_FIELDS),
        )
    language = str(header["language"])
    if language not in SUPPORTED_LANGUAGES:
        raise _fail(
            path,
            "language",
            f"language {language!r} is not supported",
            f"use one of the ISO 639-1 codes {LANGUAGE_CHOICES}",
        )
    coverage = str(header["coverage"])
    if coverage not in COVERAGES:
        raise _fail(
            path,
            "coverage",
            f"coverage {coverage!r} is not one of the allowed values",
            "write one of: " + ", ".join(repr(c) for c in COVERAGES),
        )
    part = header.get("part", 1)
    if isinstance(part, bool) or not isinstance(part, int) or part < 1:
        raise _fail(
            path, "part", f"part {part!r} is not a whole number from 1 up",
            "number the parts of one document 1, 2, … in reading order, or leave the field out",
        )
    if not body.strip():
        raise _fail(
            path, None, "the text after the header is empty",
            "paste the text below the closing '---' line, or remove the file",
        )
    chars = header["chars"]
    if isinstance(chars, bool) or not isinstance(chars, int) or chars != len(body):
        raise _fail(
            path,
            "chars",
            f"the header says {chars!r} characters but the body has {len(body)}",
            f"if the body is right, set 'chars: {len(body)}'; otherwise restore the body "
            "from its source (Unicode code points, without the final newline)",
        )
    known = set(REQUIRED_FIELDS) | set(OPTIONAL_FIELDS)
    extra = {key: header[key] for key in sorted(header) if key not in known}
    return {
        "meeting_date": pd.Timestamp(_check_date(path, header["meeting_date"])),
        "place": str(header["place"]),
        "language": language,
        "kind": str(header["kind"]),
        "title": str(header["title"]),
        "source_url": str(header["source_url"]),
        "coverage": coverage,
        "part": part,
        "chars": chars,
        "notes": str(header.get("notes", "")),
        "extra_fields": extra,
    }


def load_corpus(folder: str | Path) -> pd.DataFrame:
    """Read every ``*.txt`` file of ``folder`` into a table, one row per file.

    Columns: the :data:`METADATA_COLUMNS` (``doc_id`` is the file name without
    ``.txt``; ``sha256`` is the SHA-256 of the body as UTF-8) and ``text``.
    Rows are sorted by meeting date, language, part and id.

    Any other file in the folder, except ``README.md``, is an error, and so are
    two files for the same meeting, language and part: nothing is skipped
    silently. Hidden files (names starting with ``.``, such as ``.DS_Store``
    or an editor's swap file) are not texts and are ignored.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise CorpusError(
            f"{folder}: the texts folder does not exist. Fix: point the path at the "
            "folder that holds the .txt files (the project's own is texts/)"
        )
    paths = sorted(p for p in folder.iterdir() if not p.name.startswith("."))
    strays = [p for p in paths if p.suffix != ".txt" and p.name not in DOCUMENTATION_FILES]
    if strays:
        raise _fail(
            strays[0],
            None,
            "not a text file: the texts folder holds only .txt files and README.md",
            "move the file elsewhere, or give a text file the ending .txt",
        )
    rows = []
    for path in (p for p in paths if p.suffix == ".txt"):
        header, body = read_text_file(path)
        row = validate_header(path, header, body)
        row.update(
            doc_id=path.stem,
            file=path.name,
            sha256=hashlib.sha256(body.encode("utf-8")).hexdigest(),
            text=body,
        )
        rows.append(row)
    if not rows:
        raise CorpusError(
            f"{folder}: no .txt files found. Fix: add texts with a YAML header "
            "(see texts/README.md)"
        )
    table = pd.DataFrame(rows, columns=METADATA_COLUMNS + ["text"])
    _check_unique(folder, table)
    return table.sort_values(["meeting_date", "language", "part", "doc_id"]).reset_index(drop=True)


def _check_unique(folder: Path, table: pd.DataFrame) -> None:
    key = ["meeting_date", "language", "part"]
    clashes = table[table.duplicated(key, keep=False)].sort_values("file")
    if clashes.empty:
        return
    first = clashes.iloc[0]
    same = clashes[(clashes[key] == first[key]).all(axis=1)]["file"].tolist()
    raise _fail(
        folder / same[1],
        "part",
        f"{' and '.join(same)} are both meeting {first['meeting_date']:%Y-%m-%d}, "
        f"language {first['language']}, part {first['part']}",
        "keep one file per meeting, language and part: remove the duplicate, or, if both "
        "are parts of one document, number them 'part: 1', 'part: 2' in reading order",
    )


def join_parts(documents: pd.DataFrame) -> pd.DataFrame:
    """Document-level view: one row per meeting, language and kind.

    The parts of a document are joined in part order with :data:`PART_GAP`
    between them. ``parts`` counts them, ``part_ids`` lists their ids, and
    ``contiguous`` is False where several parts were joined, because parts
    from different copies are not known to follow on from each other.
    ``coverage`` lists each part's coverage, in order.
    """
    key = ["meeting_date", "language", "kind"]
    rows = []
    for _, group in documents.sort_values(key + ["part"]).groupby(key, sort=True):
        first = group.iloc[0]
        rows.append(
            {
                "doc_id": first["doc_id"] if len(group) == 1 else
                f"{first['meeting_date']:%Y-%m-%d}_{first['language']}_parts-"
                + "-".join(str(p) for p in group["part"]),
                "meeting_date": first["meeting_date"],
                "place": first["place"],
                "language": first["language"],
                "kind": first["kind"],
                "title": first["title"],
                "coverage": " + ".join(group["coverage"]),
                "parts": len(group),
                "part_ids": ", ".join(group["doc_id"]),
                "contiguous": len(group) == 1,
                "chars": int(group["chars"].sum()),
                "text": PART_GAP.join(group["text"]),
            }
        )
    return pd.DataFrame(rows)



def availability(documents: pd.DataFrame) -> pd.DataFrame:
    """What text there is for each meeting and language, one row per file.

    Columns: ``meeting`` (date and kind, e.g. ``2017-10-16 joint communiqué``),
    ``language``, ``coverage``, ``part``, ``chars`` and ``doc_id``.
    """
    table = documents[["language", "coverage", "part", "chars", "doc_id"]].copy()
    table.insert(0, "meeting", meeting_labels(documents))
    return table.reset_index(drop=True)


def meeting_labels(table: pd.DataFrame) -> pd.Series:
    """Each row's meeting as a label: its date and the kind of text, e.g. ``2017-10-16 joint communiqué``."""
    return table["meeting_date"].dt.strftime("%Y-%m-%d") + " " + table["kind"]


def cut_opening(text: str, length: int) -> str:
    """The first ``length`` characters of ``text`` at most, cut after the last whole word.

    A text no longer than ``length`` comes back unchanged.
    """
    if len(text) <= length:
        return text
    head = text[: length + 1]
    cut = max(head.rfind(" "), head.rfind("\n"))
    return text[: cut if cut > 0 else length].rstrip()


def comparable_openings(documents: pd.DataFrame, language: str, length: int | None = None) -> pd.DataFrame:
    """The openings of every meeting's text in ``language``, cut to one length.

    Takes each document's first part whose coverage is ``opening excerpt``
    or ``full text`` (a later excerpt is not an opening) and cuts every one,
    at a word end, to ``length`` characters: by default the length of the
    shortest of them, so that all compare the same amount of opening text.
    Adds ``original_chars``, sets ``chars`` to the length compared, and
    ``compared_as`` says what each row is (e.g. ``full text, cut at the
    last word end within 1,960 characters``). As there is one opening per
    meeting, ``doc_id`` becomes the meeting's label (:func:`meeting_labels`);
    the file it comes from stays in ``file``.
    """
    rows = documents[
        (documents["language"] == language)
        & (documents["part"] == 1)
        & documents["coverage"].isin(["opening excerpt", "full text"])
    ].copy()
    if rows.empty:
        raise ValueError(f"no opening or full text in language {language!r}")
    length = int(rows["chars"].min()) if length is None else length
    rows["original_chars"] = rows["chars"]
    rows["text"] = [cut_opening(text, length) for text in rows["text"]]
    rows["chars"] = rows["text"].str.len()
    rows["compared_as"] = [
        f"{coverage}, cut at the last word end within {length:,} characters" if original > length
        else f"{coverage}, whole ({original:,} characters)"
        for coverage, original in zip(rows["coverage"], rows["original_chars"])
    ]
    rows["doc_id"] = meeting_labels(rows)
    return rows.reset_index(drop=True)


def check_languages(documents: pd.DataFrame, min_chars: int = LANGUAGE_CHECK_MIN_CHARS, margin: float = 0.2) -> int:
    """Check that every paragraph reads as its file's declared ``language``; return how many were checked.

    Each paragraph (line) of at least ``min_chars`` characters goes through
    simplemma's language detector over the supported languages; a paragraph
    whose best language beats the declared one by ``margin`` or more (share
    of words each language's dictionary knows) is a :class:`CorpusError`
    naming the file, the paragraph and the language it reads as. Shorter
    lines (titles, names) are too ambiguous to judge. Kept out of
    :func:`load_corpus` because it costs about a third of a millisecond per
    paragraph; notebooks 00 and 05 run it.
    """
    codes = tuple(SUPPORTED_LANGUAGES)
    checked = 0
    for doc in documents.itertuples(index=False):
        lines = [line.strip() for line in doc.text.split("\n") if line.strip()]
        for number, line in enumerate(lines, 1):
            if len(line) < min_chars:
                continue
            checked += 1
            scores = dict(simplemma.langdetect(line, lang=codes))
            best = max(codes, key=lambda code: (scores.get(code, 0.0), code == doc.language))
            if best != doc.language and scores[best] - scores.get(doc.language, 0.0) >= margin:
                raise _fail(
                    Path(doc.file), "language",
                    f"paragraph {number} reads as {SUPPORTED_LANGUAGES[best]} ({best}, {scores[best]:.2f} of its "
                    f"words) rather than {SUPPORTED_LANGUAGES[doc.language]} ({doc.language}, "
                    f"{scores.get(doc.language, 0.0):.2f}): \"{line[:60]}…\"",
                    "keep one language per file: move that text to a file of its own language, "
                    "or correct the 'language' field",
                )
    return checked
