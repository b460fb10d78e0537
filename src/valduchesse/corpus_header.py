"""The header of a text file: its restricted YAML loader and the check of every field.

A text file's header is read by :class:`HeaderLoader`, a safe YAML loader
without anchors, aliases or duplicate keys (:func:`load_header`); each field is
then checked for its type (:data:`FIELD_TYPES`) and value
(:func:`header_problems`, :func:`validate_header`), so that a broken header
stops the analysis with a :class:`CorpusError` naming the file, the field and
the fix. The languages, coverages and fields a header may hold are here.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd
import yaml

from .files import InputError
from .strict_yaml import MAX_YAML_DEPTH, StrictLoader, YAMLRefused, parse_yaml

__all__ = [
    "COVERAGES", "CorpusError", "FIELD_TYPES", "Header", "HeaderError", "HeaderLoader", "InvalidDate",
    "LANGUAGE_CHOICES", "MAX_HEADER_DEPTH", "OPTIONAL_FIELDS", "REQUIRED_FIELDS", "SUPPORTED_LANGUAGES",
    "corpus_error", "header_problems", "load_header", "validate_header",
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

MAX_HEADER_DEPTH = MAX_YAML_DEPTH
"""How deeply lists and mappings may nest in a header."""


class CorpusError(InputError):
    """A text file that cannot be used as it is; the message says how to fix it (an :class:`~valduchesse.files.InputError`)."""


def corpus_error(path: Path, field: str | None, problem: str, fix: str,
                 at: tuple[int, int] | None = None) -> CorpusError:
    """The :class:`CorpusError` for ``problem`` in the text file ``path``, with its ``fix``.

    Parameters
    ----------
    path : Path
        The text file.
    field : str or None
        The header field at fault, if one is.
    problem, fix : str
        What is wrong, and how to put it right.
    at : (int, int), optional
        The (line, column) in the file, both from 1.

    Returns
    -------
    CorpusError
        The error, to raise (or to list, as :func:`header_problems` does).
    """
    return CorpusError.at(path, problem, fix, field=field, line=at[0] if at else None,
                          column=at[1] if at else None)


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
    """The YAML loader for text headers: the project's :class:`~valduchesse.strict_yaml.StrictLoader`, for headers.

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
        """The error for ``problem`` at ``mark``: a :class:`HeaderError` naming the field being read.

        Parameters
        ----------
        problem : str
            What is wrong.
        mark : yaml.Mark
            Where, in the header text.
        fix : str
            What to do.

        Returns
        -------
        HeaderError
            The error, to raise.
        """
        return HeaderError(problem, mark, fix, self.field)

    def key_problem(self, key, top: bool) -> tuple[str, str] | None:
        """(problem, fix) if ``key`` may not be a key; a field name (``top``) must be text, and not a date.

        Parameters
        ----------
        key : object
            The key as constructed.
        top : bool
            Whether it is a key of the header itself (a field name).

        Returns
        -------
        tuple of str or None
            The problem and its fix, or None if the key is allowed.
        """
        if top and (not isinstance(key, str) or isinstance(key, InvalidDate)):
            return (f"the field name {key!r} is not text",
                    "write field names as words, e.g. 'place: Brussels'; quote a name "
                    "that YAML reads as a number, a date or true/false")
        return super().key_problem(key, top)

    def duplicate_problem(self, key, top: bool, where: str) -> str:
        """The problem of ``key`` written twice, in the words of a header (a field, or a key within a field).

        Parameters
        ----------
        key : object
            The key written twice.
        top : bool
            Whether it is a field name.
        where : str
            The lines or columns where it is written.

        Returns
        -------
        str
            The problem.
        """
        return (f"the field appears twice ({where})" if top else
                f"the key {key!r} appears twice in this field ({where})")

    def construct_yaml_timestamp(self, node):
        """A date or time as YAML reads it; an impossible date (``2021-02-30``) becomes an :class:`InvalidDate`.

        Parameters
        ----------
        node : yaml.ScalarNode
            The value's node.

        Returns
        -------
        datetime.date or datetime.datetime or InvalidDate
            The value, or the impossible date with the reason and its position.
        """
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as err:
            return InvalidDate(node.value, str(err), self.position(node.start_mark))

    def construct_object(self, node, deep=False):
        """Construct ``node``; the root mapping as a :class:`Header`, and an error names its field.

        A :class:`yaml.constructor.ConstructorError` raised while the root is constructed gets the
        top-level key being read as its ``field`` (a :class:`HeaderError` has it already).

        Parameters
        ----------
        node : yaml.Node
            The node to construct.
        deep : bool
            Construct nested values at once (PyYAML's meaning).

        Returns
        -------
        object
            The value; for the root mapping, a :class:`Header` with the positions of its values and the
            text of its plain values.
        """
        if node is not self.root:
            return super().construct_object(node, deep)
        try:
            data = super().construct_object(node, deep)
        except yaml.constructor.ConstructorError as err:
            if not isinstance(err, HeaderError):
                err.field = self.field
            raise
        if not isinstance(node, yaml.MappingNode):
            return data
        header = Header(data)
        for key_node, value_node in node.value:
            key = key_node.value  # a plain text key: checked by key_problem
            header.positions[key] = self.position(value_node.start_mark)
            if isinstance(value_node, yaml.ScalarNode) and value_node.style is None:
                header.written[key] = value_node.value
        return header


HeaderLoader.add_constructor("tag:yaml.org,2002:timestamp", HeaderLoader.construct_yaml_timestamp)


def load_header(text: str, line_offset: int = 0):
    """Read a header's YAML text with :class:`HeaderLoader` (:func:`valduchesse.strict_yaml.parse_yaml`).

    Parameters
    ----------
    text : str
        The header's YAML, between the two ``---`` lines.
    line_offset : int
        The number of file lines before ``text``, so that positions are the file's.

    Returns
    -------
    Header or object
        A :class:`Header` if the text is a mapping, else what the YAML holds (None if nothing).

    Raises
    ------
    yaml.YAMLError
        A :class:`HeaderError` for what the loader refuses, and a constructor error with the
        ``field`` it was raised in.
    """
    return parse_yaml(text, HeaderLoader, line_offset)


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
        return corpus_error(path, field, f"{value} is not a real date ({value.reason})",
                     f"correct the date; {_DATE_FIX}", at=value.at)
    if isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
        return corpus_error(path, field, f"{value!r} is not a real date", f"correct the date; {_DATE_FIX}", at=at)
    if isinstance(value, str):
        return corpus_error(path, field, f"{value!r} is not an ISO 8601 date", _DATE_FIX, at=at)
    return corpus_error(path, field, f"{value!r} is {_kind_of(value)}, not a date", _DATE_FIX, at=at)


def _integer_problem(path: Path, field: str, value, at) -> CorpusError | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return None
    if isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d+\s*", value):
        return corpus_error(path, field, f"{value!r} is quoted text, not a whole number",
                     f"write the number without quotes, as the line {field}: {value.strip()}", at=at)
    if field == "part":
        return corpus_error(path, field, f"part {value!r} is not a whole number from 1 up",
                     "number the parts of one document 1, 2, … in reading order, or leave the field out", at=at)
    return corpus_error(path, field, f"{value!r} is {_kind_of(value)}, not a whole number",
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
    return corpus_error(path, field, f"{written or value!r} is {_kind_of(value)}, not text", fix, at=at)


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

    Parameters
    ----------
    path : Path
        The file, named in the errors.
    header : dict
        Its header fields (a :class:`Header` also gives the values' positions).
    body : str
        The text below the header.

    Yields
    ------
    CorpusError
        Each problem, naming the file, the field, the line and column where known, and the fix.
    """
    path = Path(path)
    positions = getattr(header, "positions", {})
    missing = [field for field in REQUIRED_FIELDS if header.get(field) in (None, "")]
    if missing:
        yield corpus_error(
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
        yield corpus_error(
            path,
            "language",
            f"language {header['language']!r} is not supported",
            f"use one of the ISO 639-1 codes {LANGUAGE_CHOICES}",
            at=positions.get("language"),
        )
    if "coverage" in typed and header["coverage"] not in COVERAGES:
        yield corpus_error(
            path,
            "coverage",
            f"coverage {header['coverage']!r} is not one of the allowed values",
            "write one of: " + ", ".join(repr(c) for c in COVERAGES),
            at=positions.get("coverage"),
        )
    if "part" in typed and header["part"] < 1:
        yield corpus_error(
            path, "part", f"part {header['part']!r} is not a whole number from 1 up",
            "number the parts of one document 1, 2, … in reading order, or leave the field out",
            at=positions.get("part"),
        )
    if not body.strip():
        yield corpus_error(
            path, None, "the text after the header is empty",
            "paste the text below the closing '---' line, or remove the file",
        )
    if "chars" in typed and header["chars"] != len(body):
        yield corpus_error(
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
                yield corpus_error(path, field, f"{date} is not a real date ({date.reason})",
                            f"correct the date ({_DATE_FIX}), or put the value in quotes if it is not a date",
                            at=date.at)


def validate_header(path: Path, header: dict, body: str) -> dict:
    """Check one file's header against its body and return the cleaned fields.

    The checks are those of :func:`header_problems`: a missing required field;
    a value of the wrong type (:data:`FIELD_TYPES`: a date, a whole number
    written without quotes, text); a date that is not ISO 8601 or does not
    exist (in any field); an unsupported language; an unknown coverage; a bad
    part number; an empty body; or a ``chars`` value that differs from the
    body's length.

    Parameters
    ----------
    path : Path
        The file, named in the errors.
    header : dict
        Its header fields (:func:`~valduchesse.corpus.read_text_file`).
    body : str
        The text below the header.

    Returns
    -------
    dict
        ``meeting_date`` (a Timestamp), ``place``, ``language``, ``kind``, ``title``, ``source_url``,
        ``coverage``, ``part`` (1 if absent), ``chars``, ``notes`` (``""`` if absent) and
        ``extra_fields`` (the unknown fields, kept, sorted by name).

    Raises
    ------
    CorpusError
        The first problem found, naming the file, the field and, for a header read by
        :func:`~valduchesse.corpus.read_text_file`, the line and column.
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
