"""Safe file input and output: the one atomic write, the one safe reader, the one strict YAML loader, one error type.

Every file the project writes goes through :func:`write_atomically` (or :func:`replace_atomically` for a
library that writes a file itself, and :func:`write_notebook`): the bytes go to a temporary file in the
target's folder, are flushed to the disk, and the temporary file is then renamed over the target, so that
a reader, a crash, ``kill -9`` or a full disk leaves the whole old file or the whole new one, never a part.
A full disk, a quota or a read-only file system ends in a one-line :class:`WriteError` naming the file
(and, for a full disk, the space needed), with the temporary file removed. Before anything is written the
path is checked by the write guard (:func:`valduchesse.run.guard.check_write`): nothing goes into a
collection's committed folders or over a tracked or hard-linked file unless the write is the documented
run's own.

Every input file is read by :func:`read_bytes` / :func:`read_text`: regular files only (a FIFO, a device
such as ``/dev/zero``, a folder or a socket is refused before it is opened), of bounded size, in UTF-8 (a
byte-order mark and Windows line endings accepted). YAML is read by :class:`StrictLoader` (:func:`load_yaml`):
PyYAML's safe loader without anchors, aliases or merge keys (with which a few lines stand for a huge
value), without a key written twice in one mapping, and with text keys only. A problem with an input is
an :class:`InputError` (or a subclass: the corpus's, the themes' and the coding sheets' errors), whose
message names the file, the line or row, the column or field, the problem and the fix.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

import yaml

from .run.guard import check_write

__all__ = [
    "InputError", "MAX_INPUT_BYTES", "MAX_YAML_DEPTH", "StrictLoader", "WriteError", "YAMLRefused", "load_yaml",
    "not_regular", "parse_yaml", "resolved_note", "read_bytes", "read_table", "read_text", "replace_atomically", "write_atomically",
    "write_notebook",
    "yaml_position",
]


MAX_INPUT_BYTES = 100 * 1024 * 1024
"""The largest input file read by default, in bytes (100 MiB): a bigger one is refused before it is read."""

MAX_YAML_DEPTH = 16
"""How deeply lists and mappings may nest in a YAML file read by :class:`StrictLoader`."""


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


# --- YAML: one strict loader -----------------------------------------------------------------------

class YAMLRefused(yaml.MarkedYAMLError):
    """What :class:`StrictLoader` refuses in a file that is valid YAML, with the fix and the top-level key."""

    def __init__(self, problem: str, mark, fix: str, field: str | None = None):
        super().__init__(problem=problem, problem_mark=mark)
        self.fix = fix
        self.field = field


_ANCHOR_FIX = "write each value out in full; put a value that starts with '&' or '*' in quotes"


class StrictLoader(yaml.SafeLoader):
    """PyYAML's safe loader, restricted: the one YAML loader of the project's input files.

    It refuses anchors (``&a``), aliases (``*a``) and merge keys (``<<``), with which a few lines can stand
    for a huge value (an "alias bomb"); the same key twice in one mapping (YAML would keep the last one
    silently); lists and mappings nested more than :data:`MAX_YAML_DEPTH` deep; and keys that are not text
    (a list, a number, a date, true/false). ``line_offset`` is the number of file lines before the YAML
    text, so that positions are the file's. ``what`` names the text in messages (``"a header"``).
    """

    what = "this file"
    values = "the values"

    def __init__(self, stream: str, line_offset: int = 0):
        super().__init__(stream)
        self.line_offset = line_offset
        self.field: str | None = None  # the top-level key being read, for error messages
        self.root = None
        self._depth = 0

    def position(self, mark) -> tuple[int, int]:
        """(line, column) of ``mark`` in the file, both from 1.

        Parameters
        ----------
        mark : yaml.Mark
            A position in the YAML text.

        Returns
        -------
        tuple of (int, int)
            The line (:attr:`line_offset` added) and the column.
        """
        return mark.line + self.line_offset + 1, mark.column + 1

    def refuse(self, problem: str, mark, fix: str) -> YAMLRefused:
        """The error for ``problem`` at ``mark``, naming the top-level key being read.

        Parameters
        ----------
        problem : str
            What is refused.
        mark : yaml.Mark
            Where.
        fix : str
            What to do about it.

        Returns
        -------
        YAMLRefused
            The error, to be raised.
        """
        return YAMLRefused(problem, mark, fix, self.field)

    def compose_node(self, parent, index):
        event = self.peek_event()
        if self._depth == 1 and isinstance(parent, yaml.MappingNode):
            # a top-level key (index None), or the value of the top-level key node ``index``
            if isinstance(index, yaml.ScalarNode):
                self.field = index.value
            else:
                self.field = event.value if isinstance(event, yaml.ScalarEvent) else None
        if isinstance(event, yaml.AliasEvent):
            raise self.refuse(f"an alias ('*{event.anchor}'): anchors ('&') and aliases ('*') are not "
                              f"allowed in {self.what}", event.start_mark, _ANCHOR_FIX)
        if getattr(event, "anchor", None) is not None:
            raise self.refuse(f"an anchor ('&{event.anchor}'): anchors ('&') and aliases ('*') are not "
                              f"allowed in {self.what}", event.start_mark, _ANCHOR_FIX)
        if self._depth > MAX_YAML_DEPTH:
            raise self.refuse(f"lists and mappings nested more than {MAX_YAML_DEPTH} deep",
                              event.start_mark, f"keep {self.values} flat: text, numbers, dates or short lists")
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_object(self, node, deep=False):
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError, IndexError) as err:
            written = f" {node.value!r}" if isinstance(node, yaml.ScalarNode) else ""
            kind = node.tag.rsplit(":", 1)[-1]
            raise self.refuse(f"the value{written} cannot be read as {kind} ({err})", node.start_mark,
                              "remove the tag ('!!…') before the value, or correct the value") from None

    def key_problem(self, key, top: bool) -> tuple[str, str] | None:
        """(problem, fix) if ``key`` may not be a key (of the top-level mapping if ``top``), else None.

        Here only text is a key; a subclass may word its own problems (the header loader of
        :mod:`valduchesse.corpus_header` does, for its field names).

        Parameters
        ----------
        key : object
            The key as constructed.
        top : bool
            Whether it is a key of the top-level mapping (not used here; for subclasses).

        Returns
        -------
        tuple of (str, str) or None
            The problem and its fix, or None if ``key`` is text.
        """
        if isinstance(key, str):
            return None
        if isinstance(key, (list, dict, tuple, set)):
            return "a list or mapping used as a key", "write keys as plain words"
        return (f"the key {key!r} is not text",
                "write keys as words; quote a key that YAML reads as a number, a date or true/false")

    def duplicate_problem(self, key, top: bool, where: str) -> str:
        """The problem of ``key`` written twice (``where``: the lines or columns).

        Parameters
        ----------
        key : object
            The key written twice.
        top : bool
            Whether it is a key of the top-level mapping (not used here; for subclasses).
        where : str
            Where the two are, e.g. ``lines 2 and 5``.

        Returns
        -------
        str
            The problem, in words.
        """
        return f"the key {key!r} is written twice in one mapping ({where})"

    def construct_mapping(self, node, deep=False):
        if not isinstance(node, yaml.MappingNode):
            return super().construct_mapping(node, deep=deep)  # PyYAML's own error
        top = node is self.root
        mapping = {}
        seen = {}  # key: its (line, column)
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise self.refuse(f"a merge key ('<<') is not allowed in {self.what}", key_node.start_mark,
                                  "write each value out in full")
            if top:
                self.field = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            key = self.construct_object(key_node, deep=deep)
            problem = self.key_problem(key, top)
            if problem:
                raise self.refuse(problem[0], key_node.start_mark, problem[1])
            try:
                hash(key)
            except TypeError:
                raise self.refuse("a list or mapping used as a key", key_node.start_mark,
                                  "write keys as plain words") from None
            here = self.position(key_node.start_mark)
            if key in mapping:
                first = seen[key]
                where = (f"lines {first[0]} and {here[0]}" if first[0] != here[0] else
                         f"line {here[0]}, columns {first[1]} and {here[1]}")
                raise self.refuse(self.duplicate_problem(key, top, where), key_node.start_mark,
                                  "keep only one of them: YAML would silently use the last one")
            mapping[key], seen[key] = self.construct_object(value_node, deep=deep), here
        return mapping


def yaml_position(err: yaml.YAMLError, line_offset: int = 0) -> tuple[str, tuple[int, int] | None]:
    """PyYAML's whole message (problem, context, note) and the problem's (line, column) in the file.

    Parameters
    ----------
    err : yaml.YAMLError
        The error PyYAML raised.
    line_offset : int, optional
        Lines before the YAML text in its file (e.g. a header's opening ``---``), added to the line.

    Returns
    -------
    tuple of (str, tuple of (int, int) or None)
        The message, and the problem's line and column counted from 1; None for an error without a mark.
    """
    if not isinstance(err, yaml.MarkedYAMLError):
        return str(err), None

    def position(mark):
        return (mark.line + line_offset + 1, mark.column + 1) if mark is not None else None
    problem = err.problem or "invalid YAML"
    if err.context:
        where = position(err.context_mark)
        problem += f" ({err.context}" + (f", line {where[0]}, column {where[1]})" if where else ")")
    if err.note:
        problem += f" ({err.note})"
    return problem, position(err.problem_mark)


def parse_yaml(text: str, loader: type[StrictLoader] = StrictLoader, line_offset: int = 0):
    """What the YAML ``text`` holds, read by ``loader`` (None if nothing).

    Parameters
    ----------
    text : str
        The YAML.
    loader : type of StrictLoader, optional
        The loader class (:class:`StrictLoader` or a subclass).
    line_offset : int, optional
        Lines before ``text`` in its file, added to the lines the loader names.

    Returns
    -------
    object
        The document's value (dict, list, str, …), or None for an empty document.

    Raises
    ------
    YAMLRefused
        For what the loader refuses.
    yaml.YAMLError
        For a syntax error.
    """
    instance = loader(text, line_offset)
    try:
        node = instance.get_single_node()
        if node is None:
            return None
        instance.root = node
        return instance.construct_object(node, deep=True)
    finally:
        instance.dispose()


def load_yaml(path: str | Path, max_bytes: int = MAX_INPUT_BYTES, *, error: type[InputError] = InputError,
              syntax_fix: str = "check the indentation (spaces, not tabs) and quote a value that holds ': '",
              loader: type[StrictLoader] = StrictLoader):
    """Read the YAML file ``path`` with :func:`read_text` and :func:`parse_yaml`; ``error`` names line and column.

    Parameters
    ----------
    path : str or Path
        The file.
    max_bytes : int, optional
        The largest file read (default :data:`MAX_INPUT_BYTES`).
    error : type of InputError, optional
        The error raised.
    syntax_fix : str, optional
        The fix said for a syntax error.
    loader : type of StrictLoader, optional
        The loader class.

    Returns
    -------
    object
        What the file holds (None if nothing).

    Raises
    ------
    InputError
        ``error``: as for :func:`read_text`, or for a syntax error or what the loader refuses, with the
        problem, the top-level key (``field``), the line and the column.
    """
    text = read_text(path, max_bytes, error=error)
    try:
        return parse_yaml(text, loader)
    except YAMLRefused as err:
        raise error.at(path, err.problem, err.fix, field=err.field, line=err.problem_mark.line + 1,
                       column=err.problem_mark.column + 1) from None
    except yaml.YAMLError as err:
        problem, at = yaml_position(err)
        raise error.at(path, f"the file is not valid YAML ({problem})", syntax_fix,
                       line=at[0] if at else None, column=at[1] if at else None) from None


# --- writing: atomically, guarded ------------------------------------------------------------------

class WriteError(OSError):
    """A file could not be written (disk full, quota, read-only, no permission); the old file is kept.

    The message is one line naming the file, what happened, what was kept, and the fix; ``errno`` and
    ``filename`` are those of the failure.
    """

    def __str__(self) -> str:
        return self.strerror


_FULL = (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC))


def _umask() -> int:
    """This process's umask, read without changing it (Linux); else the usual 0o022."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return 0o022


def _write_error(path: Path, err: OSError, needed: int | None) -> WriteError:
    kept = "the file was not changed (its earlier version, if any, is kept whole)"
    if err.errno in _FULL:
        try:
            free = shutil.disk_usage(path.parent).free
        except OSError:
            free = None
        space = (f"{needed:,} bytes are needed" if needed is not None else "more space is needed") + (
            f", {free:,} bytes are free" if free is not None else "")
        what = "the disk quota is exceeded" if err.errno != errno.ENOSPC else "the disk is full"
        message = f"cannot write {path}: {what} ({space}); {kept}. Fix: free some disk space and run again"
    elif err.errno == errno.EROFS:
        message = (f"cannot write {path}: the file system is read-only; {kept}. Fix: run from a writable "
                   "checkout, or give an output folder that is writable")
    elif err.errno in (errno.EACCES, errno.EPERM):
        message = f"cannot write {path}: permission denied; {kept}. Fix: check that you may write the folder"
    elif err.errno == errno.EFBIG:
        message = f"cannot write {path}: the file is too large for this system's limits; {kept}"
    else:
        message = f"cannot write {path}: {err.strerror or err}; {kept}"
    return WriteError(err.errno, message, str(path))


def replace_atomically(path: str | Path, write: Callable[[Path], None], *, committed: bool = False,
                       guard: bool = True, verify: Callable[[Path], None] | None = None,
                       size: int | None = None) -> Path:
    """Call ``write(temporary)`` on a new temporary file beside ``path``, then put it in ``path``'s place.

    The temporary file is flushed to the disk (``fsync``) and renamed over ``path`` (``os.replace``),
    so that any reader, a crash or ``kill -9`` sees the whole old file or the whole new one. It takes
    ``path``'s permissions if ``path`` exists (else the usual ones of a new file). On any failure the
    temporary file is removed and ``path`` is left as it was.

    Parameters
    ----------
    path : str or Path
        The file to write; its folder is made if need be.
    write : callable
        Called with the temporary file's path; writes the new content there.
    committed : bool, optional
        Whether this is the documented run of the collection, which may write its committed folders.
    guard : bool, optional
        Unless False, the write guard (:func:`valduchesse.run.guard.check_write`) first refuses a path in a
        committed folder, over a tracked file or over a hard link.
    verify : callable, optional
        Called with the temporary file's path before it replaces the old one; it may refuse the new file by
        raising.
    size : int, optional
        The space needed, said in the error for a full disk.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    WriteError
        One line, for a full disk, a quota, a read-only file system or a refused permission.
    valduchesse.run.guard.WriteRefused
        The guard's refusal.
    """
    path = Path(path)
    if guard:
        check_write(path, committed=committed)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as err:
        raise _write_error(path, err, size) from None
    os.close(handle)
    temporary = Path(name)
    try:
        try:
            mode = stat.S_IMODE(os.stat(path).st_mode)
        except OSError:
            mode = 0o666 & ~_umask()
        os.chmod(temporary, mode)
        write(temporary)
        with open(temporary, "rb+") as written:
            os.fsync(written.fileno())
        if verify is not None:
            verify(temporary)
        os.replace(temporary, path)
    except BaseException as err:
        temporary.unlink(missing_ok=True)
        if isinstance(err, OSError) and not isinstance(err, WriteError) and err.errno is not None:
            raise _write_error(path, err, size) from None
        raise
    try:  # make the rename itself durable; best effort (some file systems refuse fsync on a folder)
        folder = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return path
    try:
        os.fsync(folder)
    except OSError:
        pass
    finally:
        os.close(folder)
    return path


def write_atomically(path: str | Path, data: bytes | str, *, committed: bool = False, guard: bool = True,
                     verify: Callable[[Path], None] | None = None) -> Path:
    """Write ``data`` (text is written as UTF-8, lines as given) to ``path`` with :func:`replace_atomically`.

    Parameters
    ----------
    path : str or Path
        The file to write.
    data : bytes or str
        Its new content.
    committed, guard, verify
        As for :func:`replace_atomically`.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    WriteError
        One line, the old file kept, if the disk is full or read-only.
    valduchesse.run.guard.WriteRefused
        The guard's refusal for a protected path.
    """
    if isinstance(data, str):
        data = data.encode("utf-8")

    def write(temporary: Path) -> None:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_TRUNC | getattr(os, "O_BINARY", 0))
        try:
            view = memoryview(data)
            while view:  # os.write may write less than asked: write on until all is written
                view = view[os.write(descriptor, view):]
        finally:
            os.close(descriptor)

    return replace_atomically(path, write, committed=committed, guard=guard, verify=verify, size=len(data))


def write_notebook(notebook, path: str | Path, *, committed: bool = False) -> Path:
    """Write ``notebook`` to ``path`` atomically, with the text ``nbformat.writes`` gives, ending in a newline.

    Parameters
    ----------
    notebook : NotebookNode
        The notebook.
    path : str or Path
        The file to write (with :func:`write_atomically`).
    committed : bool, optional
        As for :func:`replace_atomically`.

    Returns
    -------
    Path
        ``path``.
    """
    import nbformat

    text = nbformat.writes(notebook)
    if not text.endswith("\n"):
        text += "\n"
    return write_atomically(path, text, committed=committed)

