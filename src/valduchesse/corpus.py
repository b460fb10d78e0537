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

Bad input is refused rather than half-read: only regular files inside the
folder, of at most :data:`MAX_FILE_BYTES`, are opened, and headers are read by
:class:`HeaderLoader`, a safe YAML loader without anchors, aliases or
duplicate keys, whose every field is then checked for its type
(:data:`FIELD_TYPES`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import stat
from pathlib import Path

import frontmatter
import pandas as pd
import simplemma
import yaml

from .files import (InputError, MAX_YAML_DEPTH, StrictLoader, YAMLRefused, not_regular, read_bytes,
                    write_atomically, yaml_position)

__all__ = [
    "COVERAGES", "CorpusError", "DOCUMENTATION_FILES", "FIELD_TYPES", "Header", "HeaderError", "HeaderLoader",
    "InvalidDate", "LANGUAGE_CHECK_MIN_CHARS", "LANGUAGE_CHOICES", "MAX_FILE_BYTES", "MAX_HEADER_DEPTH",
    "METADATA_COLUMNS", "OPTIONAL_FIELDS", "PART_GAP", "REQUIRED_FIELDS", "SUPPORTED_LANGUAGES", "availability",
    "check_languages", "comparable_openings", "compared_texts", "cut_opening", "header_problems", "join_parts", "load_corpus",
    "load_header", "meeting_labels", "read_text_file", "validate_header", "write_text_file",
]

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
DOCUMENTATION_FILES = ("README.md", "FACTS.md")
"""Files that may sit in the texts folder without being texts."""

MAX_FILE_BYTES = 100 * 1024 * 1024
"""The largest text file read, in bytes (100 MiB): a bigger one is refused before it is read.
:func:`load_corpus` and :func:`read_text_file` take ``max_bytes`` to raise it."""

MAX_HEADER_DEPTH = MAX_YAML_DEPTH
"""How deeply lists and mappings may nest in a header."""

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


class CorpusError(InputError):
    """A text file that cannot be used as it is; the message says how to fix it (an :class:`~valduchesse.files.InputError`)."""


def _fail(path: Path, field: str | None, problem: str, fix: str,
          at: tuple[int, int] | None = None) -> CorpusError:
    return CorpusError.at(path, problem, fix, field=field, line=at[0] if at else None,
                          column=at[1] if at else None)


# --- reading one file: only regular files, of bounded size ---------------------------------------

_DIRECTORY_FIX = "move the folder out of the texts folder, or rename it so that its name does not end in .txt"
_NOT_REGULAR_FIX = ("remove it from the texts folder, which holds only regular .txt files "
                    "(a symbolic link is fine if it points to a regular file inside the folder)")


def _not_regular(path: Path, mode: int, link: str = "") -> CorpusError | None:
    """The error for an entry whose (followed) mode is not a regular file, or None."""
    kind = not_regular(mode)
    if kind is None:
        return None
    return _fail(path, None, f"{link}{kind}, not a regular text file",
                 _DIRECTORY_FIX if stat.S_ISDIR(mode) else _NOT_REGULAR_FIX)


def _too_big(path: Path, size: int, max_bytes: int) -> CorpusError:
    return _fail(path, None, f"the file is {size:,} bytes, more than the limit of {max_bytes:,} bytes", _TOO_BIG_FIX)


def _entry_problem(folder: Path, path: Path, max_bytes: int) -> CorpusError | None:
    """Why the ``*.txt`` entry ``path`` of ``folder`` cannot be read as a text, or None if it can.

    Looks with ``lstat`` and ``stat`` only, and opens nothing: a directory, a
    FIFO, a socket, a device, a dangling or looping symbolic link, a link that
    resolves outside ``folder`` and a file over ``max_bytes`` are refused.
    """
    try:
        info = os.lstat(path)
    except OSError as err:
        return _fail(path, None, f"the entry cannot be examined ({err.strerror})",
                     "check that the file exists and that you may read it")
    link = ""
    if stat.S_ISLNK(info.st_mode):
        target = os.readlink(path)
        try:
            resolved = path.resolve(strict=True)
        except FileNotFoundError:
            return _fail(path, None, f"a symbolic link to {target}, which does not exist",
                         "remove the link, or put the text file itself in the texts folder")
        except (OSError, RuntimeError) as err:  # a loop of links, or a link through a file
            return _fail(path, None, f"a symbolic link to {target} that cannot be followed ({err})",
                         "remove the link, or put the text file itself in the texts folder")
        root = folder.resolve()
        if not resolved.is_relative_to(root):
            return _fail(path, None, f"a symbolic link to {resolved}, outside the texts folder {root}",
                         "copy the text file into the texts folder instead of linking to it")
        try:
            info = os.stat(resolved)
        except OSError as err:
            return _fail(path, None, f"the link's target {resolved} cannot be examined ({err.strerror})",
                         "check that the file exists and that you may read it")
        link = f"a symbolic link to {resolved}, which is "
    problem = _not_regular(path, info.st_mode, link)
    if problem is not None:
        return problem
    if info.st_size > max_bytes:
        return _too_big(path, info.st_size, max_bytes)
    return None


_TOO_BIG_FIX = ("check that this is the text you meant (the project's texts are a few kB each); to read "
                "bigger files, raise the limit: load_corpus(folder, max_bytes=…)")


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    """The bytes of the regular file ``path``, at most ``max_bytes`` of them, or a :class:`CorpusError`.

    :func:`valduchesse.files.read_bytes`: a FIFO or a device is never opened.
    """
    try:
        return read_bytes(path, max_bytes, error=CorpusError, not_regular_fix=_NOT_REGULAR_FIX,
                          too_big_fix=_TOO_BIG_FIX)
    except CorpusError as err:
        if err.problem and err.problem.endswith(", not a regular file"):  # the texts' own wording
            info_fix = _DIRECTORY_FIX if err.problem.startswith("a directory") else _NOT_REGULAR_FIX
            raise _fail(path, None, err.problem.replace(", not a regular file", ", not a regular text file"),
                        info_fix) from None
        raise


# --- the header: a restricted YAML loader ---------------------------------------------------------

class InvalidDate(str):
    """A value YAML reads as a date or time that does not exist (``2021-02-30``), kept as written.

    ``reason`` says what is wrong and ``at`` is the (line, column) in the file.
    :func:`validate_header` refuses it wherever it stands.
    """

    reason: str
    at: tuple[int, int]

    def __new__(cls, text: str, reason: str, at: tuple[int, int]) -> "InvalidDate":
        value = super().__new__(cls, text)
        value.reason, value.at = reason, at
        return value


class HeaderError(YAMLRefused):
    """What :class:`HeaderLoader` refuses in a header that is valid YAML, with the fix and the field."""


class Header(dict):
    """A file's header fields, with where each value stands and, for plain values, how it is written.

    ``positions`` maps a field to the (line, column) of its value in the file,
    both counted from 1; ``written`` maps a field whose value is a plain
    (unquoted) scalar to its text as written.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.positions: dict[str, tuple[int, int]] = {}
        self.written: dict[str, str] = {}


class HeaderLoader(StrictLoader):
    """The YAML loader for text headers: the project's :class:`~valduchesse.files.StrictLoader`, for headers.

    It refuses anchors (``&a``), aliases (``*a``) and merge keys (``<<``),
    with which a few lines can stand for a huge value; the same key twice in
    one mapping (YAML would keep the last one silently); lists and mappings
    nested more than :data:`MAX_HEADER_DEPTH` deep; field names and keys that
    are not text. An impossible date (``2021-02-30``) becomes an :class:`InvalidDate`
    rather than an error without a position. ``line_offset`` is the number of
    file lines before the header text, so that positions are the file's.
    """

    what = "a header"
    values = "header values"

    def refuse(self, problem: str, mark, fix: str) -> HeaderError:
        return HeaderError(problem, mark, fix, self.field)

    def key_problem(self, key, top: bool) -> tuple[str, str] | None:
        if top and (not isinstance(key, str) or isinstance(key, InvalidDate)):
            return (f"the field name {key!r} is not text",
                    "write field names as words, e.g. 'place: Brussels'; quote a name "
                    "that YAML reads as a number, a date or true/false")
        return super().key_problem(key, top)

    def duplicate_problem(self, key, top: bool, where: str) -> str:
        return (f"the field appears twice ({where})" if top else
                f"the key {key!r} appears twice in this field ({where})")

    def construct_yaml_timestamp(self, node):
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as err:
            return InvalidDate(node.value, str(err), self.position(node.start_mark))


HeaderLoader.add_constructor("tag:yaml.org,2002:timestamp", HeaderLoader.construct_yaml_timestamp)


def load_header(text: str, line_offset: int = 0):
    """Read a header's YAML text with :class:`HeaderLoader`.

    Returns a :class:`Header` if the text is a mapping, else what the YAML
    holds (None if nothing). Raises :class:`yaml.YAMLError`: a
    :class:`HeaderError` for what the loader refuses.
    """
    loader = HeaderLoader(text, line_offset)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        loader.root = node
        try:
            data = loader.construct_object(node, deep=True)
        except yaml.constructor.ConstructorError as err:
            if not isinstance(err, HeaderError):
                err.field = loader.field
            raise
        if not isinstance(node, yaml.MappingNode):
            return data
        header = Header(data)
        for key_node, value_node in node.value:
            key = key_node.value  # a plain text key: checked above
            header.positions[key] = loader.position(value_node.start_mark)
            if isinstance(value_node, yaml.ScalarNode) and value_node.style is None:
                header.written[key] = value_node.value
        return header
    finally:
        loader.dispose()


def _yaml_problem(err: yaml.YAMLError, line_offset: int) -> tuple[str, tuple[int, int] | None]:
    """PyYAML's whole message (problem, context, note) and the problem's (line, column) in the file."""
    return yaml_position(err, line_offset)


def read_text_file(path: str | Path, max_bytes: int = MAX_FILE_BYTES) -> tuple[dict, str]:
    """Read one text file and return its header (a :class:`Header`) and its body.

    The file must be a regular UTF-8 file of at most ``max_bytes`` bytes. A
    byte-order mark is dropped and Windows or old Mac line endings become
    ``\\n``; the body is otherwise returned as it stands, without the final
    newline. The header is read with :class:`HeaderLoader`; a YAML syntax
    error is reported with its full problem, line and column in the file.
    """
    path = Path(path)
    raw = _read_bytes(path, max_bytes)
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
    opening = handler.FM_BOUNDARY.match(text)
    if opening is None or not text.startswith("---"):
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
    line_offset = text.count("\n", 0, opening.end())  # file lines before the header text
    try:
        header = load_header(header_text, line_offset)
    except HeaderError as err:
        raise _fail(path, err.field, err.problem, err.fix, at=_yaml_problem(err, line_offset)[1]) from None
    except yaml.constructor.ConstructorError as err:
        problem, at = _yaml_problem(err, line_offset)
        raise _fail(path, getattr(err, "field", None), f"the YAML header cannot be read: {problem}",
                    "remove the tag ('!…') before the value, or put the value in quotes", at=at) from None
    except yaml.YAMLError as err:
        problem, at = _yaml_problem(err, line_offset)
        raise _fail(
            path,
            None,
            f"the YAML header cannot be read: {problem}",
            "check the header's syntax; quote a value that holds ': '",
            at=at,
        ) from None
    if not isinstance(header, dict):
        raise _fail(
            path, None, "the YAML header is not a list of 'field: value' lines",
            "write one 'field: value' per line",
        )
    body = body.removeprefix("\n").removesuffix("\n")
    return header, body


# --- the header's fields ---------------------------------------------------------------------------

def _kind_of(value) -> str:
    """What a header value is, in words, for error messages."""
    if isinstance(value, InvalidDate) or isinstance(value, (dt.date, dt.datetime)):
        return "a date"
    if isinstance(value, bool):
        return "a yes/no value (YAML reads true, false, yes, no, on and off so)"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "a mapping (indented 'key: value' lines)"
    if isinstance(value, (bytes, bytearray)):
        return "binary data"
    return f"a {type(value).__name__}"


def _invalid_dates(value, depth: int = 0):
    """Every :class:`InvalidDate` within a header value."""
    if isinstance(value, InvalidDate):
        yield value
    elif isinstance(value, dict) and depth <= MAX_HEADER_DEPTH:
        for item in value.values():
            yield from _invalid_dates(item, depth + 1)
    elif isinstance(value, (list, tuple, set)) and depth <= MAX_HEADER_DEPTH:
        for item in value:
            yield from _invalid_dates(item, depth + 1)


_DATE_FIX = "write the date as YYYY-MM-DD, e.g. 2016-02-01"
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _as_date(value) -> dt.date | None:
    """The date a ``meeting_date`` value stands for, or None if it is not one."""
    if isinstance(value, InvalidDate) or isinstance(value, bool):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _date_problem(path: Path, field: str, value, at) -> CorpusError | None:
    if _as_date(value) is not None:
        return None
    if isinstance(value, InvalidDate):
        return _fail(path, field, f"{value} is not a real date ({value.reason})",
                     f"correct the date; {_DATE_FIX}", at=value.at)
    if isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
        return _fail(path, field, f"{value!r} is not a real date", f"correct the date; {_DATE_FIX}", at=at)
    if isinstance(value, str):
        return _fail(path, field, f"{value!r} is not an ISO 8601 date", _DATE_FIX, at=at)
    return _fail(path, field, f"{value!r} is {_kind_of(value)}, not a date", _DATE_FIX, at=at)


def _integer_problem(path: Path, field: str, value, at) -> CorpusError | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return None
    if isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d+\s*", value):
        return _fail(path, field, f"{value!r} is quoted text, not a whole number",
                     f"write the number without quotes, as the line {field}: {value.strip()}", at=at)
    if field == "part":
        return _fail(path, field, f"part {value!r} is not a whole number from 1 up",
                     "number the parts of one document 1, 2, … in reading order, or leave the field out", at=at)
    return _fail(path, field, f"{value!r} is {_kind_of(value)}, not a whole number",
                 f"write the number of characters of the body in digits, as in the line {field}: 1888",
                 at=at)


def _text_problem(path: Path, field: str, value, at, written: str | None) -> CorpusError | None:
    if isinstance(value, str) and not isinstance(value, InvalidDate):
        return None
    if isinstance(value, (list, tuple, dict, set)):
        fix = f"write one value on the field's line, in quotes, as in {field}: \"…\""
    else:
        shown = written if written is not None else str(value)
        fix = f"put the value in quotes, as the line {field}: \"{shown}\""
    return _fail(path, field, f"{written or value!r} is {_kind_of(value)}, not text", fix, at=at)


FIELD_TYPES = {
    "meeting_date": "date",
    "chars": "integer",
    "part": "integer",
    **{field: "text" for field in ("place", "language", "kind", "title", "source_url", "coverage", "notes")},
}
"""The type each known header field must have: a date, a whole number or text."""


def _type_problem(path: Path, header: dict, field: str) -> CorpusError | None:
    value = header[field]
    at = getattr(header, "positions", {}).get(field)
    kind = FIELD_TYPES[field]
    if kind == "date":
        return _date_problem(path, field, value, at)
    if kind == "integer":
        return _integer_problem(path, field, value, at)
    return _text_problem(path, field, value, at, getattr(header, "written", {}).get(field))


def header_problems(path: Path, header: dict, body: str):
    """Every problem of one file's header, as :class:`CorpusError` s, in the order they are checked.

    A check that depends on a field's type runs only when the type is right,
    so that all the problems of a file can be listed without one masking or
    breaking the next. :func:`validate_header` raises the first.
    """
    path = Path(path)
    positions = getattr(header, "positions", {})
    missing = [field for field in REQUIRED_FIELDS if header.get(field) in (None, "")]
    if missing:
        yield _fail(
            path,
            missing[0],
            f"required field missing or empty (missing: {', '.join(missing)})",
            f"add a line '{missing[0]}: …' to the header; required fields are "
            + ", ".join(REQUIRED_FIELDS),
        )
    typed = set()
    for field in FIELD_TYPES:
        if field not in header or field in missing or (field == "notes" and header[field] is None):
            continue
        problem = _type_problem(path, header, field)
        if problem is None:
            typed.add(field)
        else:
            yield problem
    if "language" in typed and header["language"] not in SUPPORTED_LANGUAGES:
        yield _fail(
            path,
            "language",
            f"language {header['language']!r} is not supported",
            f"use one of the ISO 639-1 codes {LANGUAGE_CHOICES}",
            at=positions.get("language"),
        )
    if "coverage" in typed and header["coverage"] not in COVERAGES:
        yield _fail(
            path,
            "coverage",
            f"coverage {header['coverage']!r} is not one of the allowed values",
            "write one of: " + ", ".join(repr(c) for c in COVERAGES),
            at=positions.get("coverage"),
        )
    if "part" in typed and header["part"] < 1:
        yield _fail(
            path, "part", f"part {header['part']!r} is not a whole number from 1 up",
            "number the parts of one document 1, 2, … in reading order, or leave the field out",
            at=positions.get("part"),
        )
    if not body.strip():
        yield _fail(
            path, None, "the text after the header is empty",
            "paste the text below the closing '---' line, or remove the file",
        )
    if "chars" in typed and header["chars"] != len(body):
        yield _fail(
            path,
            "chars",
            f"the header says {header['chars']!r} characters but the body has {len(body)}",
            f"if the body is right, set 'chars: {len(body)}'; otherwise restore the body "
            "from its source (Unicode code points, without the final newline)",
            at=positions.get("chars"),
        )
    known = set(FIELD_TYPES)
    for field in header:
        if field not in known:
            for date in _invalid_dates(header[field]):
                yield _fail(path, field, f"{date} is not a real date ({date.reason})",
                            f"correct the date ({_DATE_FIX}), or put the value in quotes if it is not a date",
                            at=date.at)


def validate_header(path: Path, header: dict, body: str) -> dict:
    """Check one file's header against its body and return the cleaned fields.

    Raises :class:`CorpusError` naming the file, the field and, for a header
    read by :func:`read_text_file`, the line and column, for: a missing
    required field; a value of the wrong type (:data:`FIELD_TYPES`: a date,
    a whole number written without quotes, text); a date that is not ISO
    8601 or does not exist (in any field); an unsupported language; an
    unknown coverage; a bad part number; an empty body; or a ``chars`` value
    that differs from the body's length. Unknown fields are kept, in
    ``extra_fields``.
    """
    problem = next(header_problems(path, header, body), None)
    if problem is not None:
        raise problem
    extra = {key: header[key] for key in sorted(header) if key not in FIELD_TYPES}
    return {
        "meeting_date": pd.Timestamp(_as_date(header["meeting_date"])),
        "place": header["place"],
        "language": header["language"],
        "kind": header["kind"],
        "title": header["title"],
        "source_url": header["source_url"],
        "coverage": header["coverage"],
        "part": header.get("part", 1),
        "chars": header["chars"],
        "notes": header.get("notes") or "",
        "extra_fields": extra,
    }


def write_text_file(body: str, path: str | Path, **fields) -> Path:
    """Write a new text file: a correct header (with ``chars`` computed) above ``body``.

    ``fields`` are the header fields (``meeting_date``, ``place``,
    ``language``, ``kind``, ``title``, ``source_url``, ``coverage``, and
    optionally ``part`` and ``notes``); ``chars`` is computed from the body
    (trailing newlines dropped). The file is checked as :func:`load_corpus`
    would check it before it is kept; an existing file is never overwritten.
    Raises :class:`CorpusError` naming the field and the fix.
    """
    path = Path(path)
    if path.exists():
        raise _fail(path, None, "the file exists already", "choose another name, or remove the old file first")
    if path.suffix != ".txt":
        raise _fail(path, None, "a text file's name must end in .txt", "name it YYYY-MM-DD_LANG_source.txt")
    body = body.replace("\r\n", "\n").replace("\r", "\n").removeprefix("\ufeff").rstrip("\n")
    date = fields.get("meeting_date")
    if isinstance(date, str):
        try:
            fields["meeting_date"] = dt.date.fromisoformat(date)
        except ValueError:
            raise _fail(path, "meeting_date", f"{date!r} is not a date written YYYY-MM-DD",
                        "give the meeting's date as e.g. 2021-11-22") from None
    known = REQUIRED_FIELDS + OPTIONAL_FIELDS
    header = {name: fields[name] for name in known if name != "chars" and fields.get(name) is not None}
    header = {**{k: header[k] for k in known if k in header and k not in ("part", "notes")}, "chars": len(body),
              **{k: header[k] for k in ("part", "notes") if k in header}}
    text = "---\n" + yaml.safe_dump(header, allow_unicode=True, sort_keys=False, width=1000) + "---\n" + body + "\n"
    from .run.guard import check_write  # here: the runner's modules import this one

    check_write(path, allow=("texts",))  # a new text may go into texts/; never over a tracked or linked file

    def verify(written: Path) -> None:
        try:
            header_read, body_read = read_text_file(written)
            validate_header(path, header_read, body_read)
        except CorpusError as problem:
            raise CorpusError(str(problem).replace(str(written), str(path))) from None
        if path.exists():
            raise _fail(path, None, "the file exists already", "choose another name, or remove the old file first")

    write_atomically(path, text, committed=True, verify=verify)
    return path


def _load_file(folder: Path, path: Path, max_bytes: int) -> dict:
    """One ``*.txt`` entry of ``folder`` as a table row, or a :class:`CorpusError`."""
    problem = _entry_problem(folder, path, max_bytes)
    if problem is not None:
        raise problem
    header, body = read_text_file(path, max_bytes)
    row = validate_header(path, header, body)
    row.update(
        doc_id=path.stem,
        file=path.name,
        sha256=hashlib.sha256(body.encode("utf-8")).hexdigest(),
        text=body,
    )
    return row


def load_corpus(folder: str | Path, max_bytes: int = MAX_FILE_BYTES) -> pd.DataFrame:
    """Read every ``*.txt`` file of ``folder`` into a table, one row per file.

    Columns: the :data:`METADATA_COLUMNS` (``doc_id`` is the file name without
    ``.txt``; ``sha256`` is the SHA-256 of the body as UTF-8) and ``text``.
    Rows are sorted by meeting date, language, part and id.

    Every file is checked before anything stops, so that all the broken files
    of a folder are reported in one error (each line naming the file, the
    field and the fix; the error's ``problems`` lists them one by one).
    Any other file in the folder, except ``README.md``, is an error, and so are
    two files for the same meeting, language and part: nothing is skipped
    silently. Hidden files (names starting with ``.``, such as ``.DS_Store``
    or an editor's swap file) are not texts and are ignored. Only regular
    files are read: a ``*.txt`` entry that is a directory, a FIFO, a socket,
    a device, a dangling symbolic link or one that resolves outside
    ``folder`` is an error, and so is a file over ``max_bytes`` bytes
    (:data:`MAX_FILE_BYTES` by default), checked before it is read.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise CorpusError(
            f"{folder}: the texts folder does not exist. Fix: point the path at the "
            "folder that holds the .txt files (the project's own is texts/)"
        )
    paths = sorted(p for p in folder.iterdir() if not p.name.startswith("."))
    problems = [
        _fail(path, None, "not a text file: the texts folder holds only .txt files and README.md",
              "move the file elsewhere, or give a text file the ending .txt")
        for path in paths if path.suffix != ".txt" and path.name not in DOCUMENTATION_FILES
    ]
    rows = []
    for path in (p for p in paths if p.suffix == ".txt"):
        try:
            rows.append(_load_file(folder, path, max_bytes))
        except CorpusError as problem:  # go on: every broken file is reported in one run
            problems.append(problem)
    if problems:
        raise _all_of(folder, problems)
    if not rows:
        raise CorpusError(
            f"{folder}: no .txt files found. Fix: add texts with a YAML header "
            "(see texts/README.md)"
        )
    table = pd.DataFrame(rows, columns=METADATA_COLUMNS + ["text"])
    _check_unique(folder, table)
    return table.sort_values(["meeting_date", "language", "part", "doc_id"]).reset_index(drop=True)


def _all_of(folder: Path, problems: list[CorpusError]) -> CorpusError:
    """One error for all the broken files of a folder: the first itself, or a list of them all."""
    if len(problems) == 1:
        return problems[0]
    lines = "\n".join(f"- {problem}" for problem in problems)
    error = CorpusError(f"{folder}: {len(problems)} files cannot be used as they are; each line names "
                        f"the file, the field and the fix:\n{lines}")
    error.problems = problems
    return error


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


def compared_texts(documents: pd.DataFrame, language: str, include_communique: bool = False,
                   main_kind: str = "joint declaration") -> tuple[pd.DataFrame, str, list[str]]:
    """The texts a cross-meeting comparison compares, its language, and what was decided, in words.

    By default only texts of ``main_kind`` are compared (the 2017 communiqué is another genre); with
    ``include_communique`` every kind. A corpus with no text of ``main_kind`` compares all its texts, and
    a ``language`` none of them is in falls back to the language most of them are in (the alphabetically
    first on a tie), so that a student's corpus gets a comparison and is told why.

    Parameters
    ----------
    documents : DataFrame
        :func:`load_corpus`.
    language : str
        The preferred language of the comparison.
    include_communique : bool
        Compare every kind of text.
    main_kind : str
        The kind compared by default.

    Returns
    -------
    (DataFrame, str, list of str)
        The texts compared, the language, and the lines to print (what was compared and kept apart, and
        any fallback).
    """
    notes = []
    compared = documents if include_communique else documents[documents["kind"] == main_kind]
    if compared.empty:
        notes.append(f"no text of kind {main_kind!r}: every text is compared "
                     f"({', '.join(sorted(set(documents['kind'])))})")
        compared = documents
    if language not in set(compared["language"]):
        fallback = compared["language"].mode().min()
        notes.append(f"no text in {language!r}: the main comparison is in {fallback!r}")
        language = fallback
    left_apart = sorted(set(documents["kind"]) - set(compared["kind"]))
    notes.append(f"compared: {', '.join(sorted(set(compared['kind'])))}; kept apart: {', '.join(left_apart) or 'nothing'}")
    return compared, language, notes


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
