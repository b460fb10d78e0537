"""Reading input files with clear errors: the one safe reader and the one input-error type.

Every input file is read by :func:`read_bytes` / :func:`read_text` (a comma-separated table by
:func:`read_table`): regular files only (a FIFO, a device such as ``/dev/zero``, a folder or a socket is
refused before it is opened), of bounded size, in UTF-8 (a byte-order mark and Windows line endings
accepted). A problem with an input is an :class:`InputError` (or a subclass: the corpus's, the themes' and
the coding sheets' errors), whose message names the file, the line or row, the column or field, the problem
and the fix. YAML files are read through this reader by the strict loader of :mod:`valduchesse.strict_yaml`;
files are written by :mod:`valduchesse.atomic_write`.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

__all__ = [
    "InputError", "MAX_INPUT_BYTES", "not_regular", "read_bytes", "read_table", "read_text", "resolved_note",
]


MAX_INPUT_BYTES = 100 * 1024 * 1024
"""The largest input file read by default, in bytes (100 MiB): a bigger one is refused before it is read."""


# --- one error type for bad input -----------------------------------------------------------------

def resolved_note(path) -> str:
    """For a relative ``path`` that does not exist, where it was looked for: ``; resolved: /abs/path (…)``.

    In a notebook (a kernel whose working folder is ``notebooks/``) the note
    adds that paths are relative to ``notebooks/``; for an absolute or an
    existing path it is empty, so that the messages users already know stay
    as they were.

    Parameters
    ----------
    path : str or Path or None
        The path as the user typed it.

    Returns
    -------
    str
        The note, or "".
    """
    if path is None or Path(path).is_absolute() or Path(path).exists():
        return ""
    resolved = Path(path).resolve()
    in_notebook = Path.cwd().name == "notebooks"
    hint = ("; in a notebook, paths are relative to notebooks/, the notebook's folder: e.g. ../my_texts for "
            "a folder beside notebooks/" if in_notebook else "; relative paths are relative to the current folder")
    return f"; resolved: {resolved} ({hint.removeprefix('; ')})"


class InputError(ValueError):
    """An input file that cannot be used as it is: where (file, line or row, column or field), problem, fix.

    The message reads ``FILE[, row R][, field 'F'][, line L, column C]: PROBLEM. Fix: FIX``; each part is
    also an attribute (None when unknown). Subclasses (:class:`valduchesse.corpus_header.CorpusError`,
    :class:`valduchesse.themes.ThemeError`, :class:`valduchesse.coding.CodingError`) keep their names for
    callers that catch them.
    """

    def __init__(self, message: str, *, path=None, problem: str | None = None, fix: str | None = None,
                 line: int | None = None, column: int | None = None, field: str | None = None,
                 row: int | None = None):
        super().__init__(message)
        self.path, self.problem, self.fix = path, problem, fix
        self.line, self.column, self.field, self.row = line, column, field, row

    @classmethod
    def at(cls, path, problem: str, fix: str, *, field: str | None = None, line: int | None = None,
           column: int | None = None, row: int | None = None, field_kind: str = "field") -> "InputError":
        """The error for ``path`` with its place spelled out: ``FILE[, row R][, field 'F'][, line L, column C]``.

        Parameters
        ----------
        path : str or Path
            The input file.
        problem : str
            What is wrong.
        fix : str
            What to do about it.
        field, line, column, row : optional
            Where in the file (None: not said).
        field_kind : str, optional
            What ``field`` is, in the message (``field``, or ``column`` for a table).

        Returns
        -------
        InputError
            An instance of the class it is called on, its message ``WHERE: PROBLEM. Fix: FIX`` and every part an
            attribute.
        """
        where = str(path)
        if row is not None:
            where += f", row {row}"
        if field is not None:
            where += f", {field_kind} '{field}'"
        if line is not None:
            where += f", line {line}" + (f", column {column}" if column is not None else "")
        return cls(f"{where}: {problem}. Fix: {fix}", path=path, problem=problem, fix=fix, line=line,
                   column=column, field=field, row=row)


# --- reading: regular files only, of bounded size, in UTF-8 ----------------------------------------

_FILE_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)
_READ_FIX = "check that the file exists and that you may read it"


def not_regular(mode: int) -> str | None:
    """What an entry of ``mode`` is, in words, if it is not a regular file (``"a directory"``, …); else None.

    Parameters
    ----------
    mode : int
        An ``st_mode`` from ``os.stat``.

    Returns
    -------
    str or None
        ``"a directory"``, ``"a named pipe (FIFO)"`` and so on, ``"not a regular file"`` for a kind not named;
        None for a regular file.
    """
    if stat.S_ISREG(mode):
        return None
    return next((kind for test, kind in _FILE_KINDS if test(mode)), "not a regular file")


def _too_big(path, size: int, max_bytes: int, error: type[InputError], fix: str | None) -> InputError:
    return error.at(path, f"the file is {size:,} bytes, more than the limit of {max_bytes:,} bytes",
                    fix or "check that this is the file you meant")


def read_bytes(path: str | Path, max_bytes: int = MAX_INPUT_BYTES, *, error: type[InputError] = InputError,
               not_regular_fix: str = "give a regular file", too_big_fix: str | None = None) -> bytes:
    """The bytes of the regular file ``path``, at most ``max_bytes`` of them, or ``error`` saying why not.

    Checks with ``stat`` before opening, so that a FIFO (which would block) or a device such as
    ``/dev/zero`` (which never ends) is never opened; opens without blocking and checks the opened file
    again, in case the entry changed in between; never reads more than ``max_bytes + 1`` bytes.

    Parameters
    ----------
    path : str or Path
        The file.
    max_bytes : int, optional
        The largest file read (default :data:`MAX_INPUT_BYTES`).
    error : type of InputError, optional
        The error raised (through :meth:`InputError.at`, naming ``path``).
    not_regular_fix : str, optional
        The fix said when ``path`` is not a regular file.
    too_big_fix : str, optional
        The fix said when it is larger than ``max_bytes`` (default: check that this is the file you meant).

    Returns
    -------
    bytes
        The file's bytes.

    Raises
    ------
    InputError
        ``error``, if the file cannot be read, is not a regular file or is too big.
    """
    path = Path(path)
    try:
        info = os.stat(path)
    except OSError as err:
        raise error.at(path, f"the file cannot be read ({err.strerror}){resolved_note(path)}", _READ_FIX) from None
    kind = not_regular(info.st_mode)
    if kind:
        raise error.at(path, f"{kind}, not a regular file", not_regular_fix)
    if info.st_size > max_bytes:
        raise _too_big(path, info.st_size, max_bytes, error, too_big_fix)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        handle = open(os.open(path, flags), "rb")
    except OSError as err:
        raise error.at(path, f"the file cannot be read ({err.strerror}){resolved_note(path)}", _READ_FIX) from None
    with handle:
        info = os.fstat(handle.fileno())
        kind = not_regular(info.st_mode)
        if kind:
            raise error.at(path, f"{kind}, not a regular file", not_regular_fix)
        raw = handle.read(min(info.st_size, max_bytes) + 1)
        if len(raw) > info.st_size:  # the file grew since stat: read on, up to the limit
            raw += handle.read(max_bytes + 1 - len(raw))
    if len(raw) > max_bytes:
        raise _too_big(path, len(raw), max_bytes, error, too_big_fix)
    return raw


def read_text(path: str | Path, max_bytes: int = MAX_INPUT_BYTES, *, error: type[InputError] = InputError,
              not_regular_fix: str = "give a regular file", too_big_fix: str | None = None,
              encoding_fix: str = "save the file as UTF-8 (in most editors: 'Save with encoding' > UTF-8)") -> str:
    """The text of the regular UTF-8 file ``path`` (:func:`read_bytes`), without a byte-order mark, lines ending ``\\n``.

    A byte that is not UTF-8 (a file saved as Latin-1, say) is an ``error`` naming the byte's position,
    line and column.

    Parameters
    ----------
    path : str or Path
        The file.
    max_bytes, error, not_regular_fix, too_big_fix
        As for :func:`read_bytes`.
    encoding_fix : str, optional
        The fix said when the file is not UTF-8.

    Returns
    -------
    str
        The text, ``\\r\\n`` and ``\\r`` made ``\\n``.

    Raises
    ------
    InputError
        ``error``, as for :func:`read_bytes`, or for a byte that is not UTF-8.
    """
    raw = read_bytes(path, max_bytes, error=error, not_regular_fix=not_regular_fix, too_big_fix=too_big_fix)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        column = err.start - (raw.rfind(b"\n", 0, err.start) + 1) + 1
        raise error.at(path, f"byte {err.start} is not valid UTF-8 ({raw[err.start:err.start + 1]!r}; line "
                             f"{line}, column {column})", encoding_fix) from None
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def read_table(path: str | Path, columns, what: str, *, error: type[InputError] = InputError,
               max_bytes: int = MAX_INPUT_BYTES) -> "pandas.DataFrame":
    """A comma-separated table read like the texts: every cell a string, every column of ``columns`` present.

    The file is read with :func:`read_text` (a regular UTF-8 file of bounded size). An empty file, a sheet
    whose columns are separated by ``;`` or tabs (what spreadsheet software saves in French and Belgian
    locales), a row that cannot be parsed and a missing column are each an ``error`` naming the file,
    the row (the header is row 1) and what to do; ``what`` names the table in the fix (e.g. "the
    validation split, coding/validation_split.csv").

    Parameters
    ----------
    path : str or Path
        The CSV file.
    columns : iterable of str
        The columns it must have (others are kept).
    what : str
        What the file is, for the messages.
    error : type of InputError
        The error raised.
    max_bytes : int
        The largest file read.

    Returns
    -------
    pandas.DataFrame
        The rows, empty cells as ``""``.
    """
    import io

    import pandas as pd

    text = read_text(path, max_bytes, error=error, not_regular_fix=f"give {what}, a CSV file",
                     encoding_fix="save the sheet as 'CSV UTF-8' (comma-separated); in a spreadsheet: Save as > CSV UTF-8")
    if not text.strip():
        raise error.at(path, "the file is empty", f"give {what}, with its header line")
    header = text.split("\n", 1)[0]
    if "," not in header and any(mark in header for mark in (";", "\t")):
        mark = "';'" if ";" in header else "tabs"
        raise error.at(path, f"the columns are separated by {mark}, not commas (spreadsheet software saves CSV "
                             "with ';' in French and Belgian locales)",
                       "save the sheet as 'CSV UTF-8 (comma-delimited)', or in Python: "
                       "pandas.read_csv(path, sep=';').to_csv(path, index=False)", row=1)
    try:
        table = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as err:
        found = re.search(r"line (\d+)", str(err))
        raise error.at(path, f"the file cannot be read as CSV ({str(err).strip()})",
                       "check the quotes and that every row has as many commas as the header",
                       row=int(found.group(1)) if found else None) from None
    missing = [column for column in columns if column not in table.columns]
    if missing:
        raise error.at(path, f"missing column(s) {', '.join(missing)}",
                       f"{what} needs the columns {', '.join(columns)}", row=1)
    return table
