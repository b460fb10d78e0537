"""Load the texts folder.

Each text file holds one official text (or one part of it) in one language:
a YAML header between two ``---`` lines, then the body exactly as the source
gives it. :func:`load_corpus` reads every file into a pandas table with one
row per file and checks every header field on the way
(:mod:`valduchesse.corpus_header`), so that a broken file stops the analysis
with a message naming the file, the field and the fix. The views of the
loaded table (documents joined from their parts, availability, openings to
compare) are in :mod:`valduchesse.corpus_views`.

Bad input is refused rather than half-read: only regular files inside the
folder, of at most :data:`MAX_FILE_BYTES`, are opened, and headers are read by
:class:`~valduchesse.corpus_header.HeaderLoader`, a safe YAML loader without
anchors, aliases or duplicate keys, whose every field is then checked for its
type (:data:`~valduchesse.corpus_header.FIELD_TYPES`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import stat
from pathlib import Path

import frontmatter
import pandas as pd
import yaml

from .corpus_header import (
    OPTIONAL_FIELDS, REQUIRED_FIELDS, CorpusError, HeaderError, corpus_error, load_header, validate_header,
)
from .atomic_write import write_atomically
from .files import not_regular, read_bytes, resolved_note
from .strict_yaml import yaml_position
from .run.guard import check_write

__all__ = [
    "DOCUMENTATION_FILES", "MAX_FILE_BYTES", "METADATA_COLUMNS", "load_corpus", "read_text_file", "write_text_file",
]


DOCUMENTATION_FILES = ("README.md", "FACTS.md")
"""Files that may sit in the texts folder without being texts."""

MAX_FILE_BYTES = 100 * 1024 * 1024
"""The largest text file read, in bytes (100 MiB): a bigger one is refused before it is read.
:func:`load_corpus` and :func:`read_text_file` take ``max_bytes`` to raise it."""

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


# --- reading one file: only regular files, of bounded size ---------------------------------------

_DIRECTORY_FIX = "move the folder out of the texts folder, or rename it so that its name does not end in .txt"
_NOT_REGULAR_FIX = ("remove it from the texts folder, which holds only regular .txt files "
                    "(a symbolic link is fine if it points to a regular file inside the folder)")


def _not_regular(path: Path, mode: int, link: str = "") -> CorpusError | None:
    """The error for an entry whose (followed) mode is not a regular file, or None."""
    kind = not_regular(mode)
    if kind is None:
        return None
    return corpus_error(path, None, f"{link}{kind}, not a regular text file",
                 _DIRECTORY_FIX if stat.S_ISDIR(mode) else _NOT_REGULAR_FIX)


def _too_big(path: Path, size: int, max_bytes: int) -> CorpusError:
    return corpus_error(path, None, f"the file is {size:,} bytes, more than the limit of {max_bytes:,} bytes", _TOO_BIG_FIX)


def _entry_problem(folder: Path, path: Path, max_bytes: int) -> CorpusError | None:
    """Why the ``*.txt`` entry ``path`` of ``folder`` cannot be read as a text, or None if it can.

    Looks with ``lstat`` and ``stat`` only, and opens nothing: a directory, a
    FIFO, a socket, a device, a dangling or looping symbolic link, a link that
    resolves outside ``folder`` and a file over ``max_bytes`` are refused.
    """
    try:
        info = os.lstat(path)
    except OSError as err:
        return corpus_error(path, None, f"the entry cannot be examined ({err.strerror})",
                     "check that the file exists and that you may read it")
    link = ""
    if stat.S_ISLNK(info.st_mode):
        target = os.readlink(path)
        try:
            resolved = path.resolve(strict=True)
        except FileNotFoundError:
            return corpus_error(path, None, f"a symbolic link to {target}, which does not exist",
                         "remove the link, or put the text file itself in the texts folder")
        except (OSError, RuntimeError) as err:  # a loop of links, or a link through a file
            return corpus_error(path, None, f"a symbolic link to {target} that cannot be followed ({err})",
                         "remove the link, or put the text file itself in the texts folder")
        root = folder.resolve()
        if not resolved.is_relative_to(root):
            return corpus_error(path, None, f"a symbolic link to {resolved}, outside the texts folder {root}",
                         "copy the text file into the texts folder instead of linking to it")
        try:
            info = os.stat(resolved)
        except OSError as err:
            return corpus_error(path, None, f"the link's target {resolved} cannot be examined ({err.strerror})",
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
            raise corpus_error(path, None, err.problem.replace(", not a regular file", ", not a regular text file"),
                        info_fix) from None
        raise


def read_text_file(path: str | Path, max_bytes: int = MAX_FILE_BYTES) -> tuple[dict, str]:
    """Read one text file and return its header (a :class:`~valduchesse.corpus_header.Header`) and its body.

    The file must be a regular UTF-8 file of at most ``max_bytes`` bytes. A
    byte-order mark is dropped and Windows or old Mac line endings become
    ``\\n``; the body is otherwise returned as it stands, without the final
    newline. The header is read with :class:`~valduchesse.corpus_header.HeaderLoader`; a YAML syntax
    error is reported with its full problem, line and column in the file.

    Parameters
    ----------
    path : str or Path
        The text file.
    max_bytes : int
        The largest file read, checked before it is read.

    Returns
    -------
    header : Header
        The header's fields, with their positions in the file.
    body : str
        The text below the header.

    Raises
    ------
    CorpusError
        For a file that is not regular, too big, not UTF-8, without a closed YAML header, or whose
        header cannot be read; the message names the file, the field, the line and the fix.
    """
    path = Path(path)
    raw = _read_bytes(path, max_bytes)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise corpus_error(
            path,
            None,
            f"byte {err.start} is not valid UTF-8 ({raw[err.start:err.start + 1]!r})",
            "save the file as UTF-8 (in most editors: 'Save with encoding' > UTF-8)",
        ) from None
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    handler = frontmatter.YAMLHandler()
    opening = handler.FM_BOUNDARY.match(text)
    if opening is None or not text.startswith("---"):
        raise corpus_error(
            path,
            None,
            "no YAML header: the file must start with a line '---'",
            "put the header fields between two lines '---' at the top of the file "
            "(see texts/README.md)",
        )
    try:
        header_text, body = handler.split(text)
    except ValueError:
        raise corpus_error(
            path,
            None,
            "the YAML header is not closed",
            "end the header with a line '---' before the text",
        ) from None
    line_offset = text.count("\n", 0, opening.end())  # file lines before the header text
    try:
        header = load_header(header_text, line_offset)
    except HeaderError as err:
        raise corpus_error(path, err.field, err.problem, err.fix, at=yaml_position(err, line_offset)[1]) from None
    except yaml.constructor.ConstructorError as err:
        problem, at = yaml_position(err, line_offset)
        raise corpus_error(path, getattr(err, "field", None), f"the YAML header cannot be read: {problem}",
                    "remove the tag ('!…') before the value, or put the value in quotes", at=at) from None
    except yaml.YAMLError as err:
        problem, at = yaml_position(err, line_offset)
        raise corpus_error(
            path,
            None,
            f"the YAML header cannot be read: {problem}",
            "check the header's syntax; quote a value that holds ': '",
            at=at,
        ) from None
    if not isinstance(header, dict):
        raise corpus_error(
            path, None, "the YAML header is not a list of 'field: value' lines",
            "write one 'field: value' per line",
        )
    body = body.removeprefix("\n").removesuffix("\n")
    return header, body


def write_text_file(body: str, path: str | Path, **fields) -> Path:
    """Write a new text file: a correct header (with ``chars`` computed) above ``body``.

    The file is checked as :func:`load_corpus` would check it before it is
    kept, and written atomically (:func:`valduchesse.atomic_write.write_atomically`);
    an existing file is never overwritten.

    Parameters
    ----------
    body : str
        The text; line endings made ``\\n``, a byte-order mark and trailing newlines dropped.
    path : str or Path
        The new file, whose name ends in ``.txt``.
    **fields : str, int or date
        The header fields (``meeting_date``, ``place``, ``language``, ``kind``, ``title``,
        ``source_url``, ``coverage``, and optionally ``part`` and ``notes``); ``chars`` is computed
        from the body. A ``meeting_date`` given as text must be written YYYY-MM-DD.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    CorpusError
        Naming the field and the fix, for a file that exists already, a name not ending in ``.txt``,
        or a header or body that :func:`load_corpus` would refuse.
    """
    path = Path(path)
    if path.exists():
        raise corpus_error(path, None, "the file exists already", "choose another name, or remove the old file first")
    if path.suffix != ".txt":
        raise corpus_error(path, None, "a text file's name must end in .txt", "name it YYYY-MM-DD_LANG_source.txt")
    body = body.replace("\r\n", "\n").replace("\r", "\n").removeprefix("\ufeff").rstrip("\n")
    date = fields.get("meeting_date")
    if isinstance(date, str):
        try:
            fields["meeting_date"] = dt.date.fromisoformat(date)
        except ValueError:
            raise corpus_error(path, "meeting_date", f"{date!r} is not a date written YYYY-MM-DD",
                        "give the meeting's date as e.g. 2021-11-22") from None
    known = REQUIRED_FIELDS + OPTIONAL_FIELDS
    header = {name: fields[name] for name in known if name != "chars" and fields.get(name) is not None}
    header = {**{k: header[k] for k in known if k in header and k not in ("part", "notes")}, "chars": len(body),
              **{k: header[k] for k in ("part", "notes") if k in header}}
    text = "---\n" + yaml.safe_dump(header, allow_unicode=True, sort_keys=False, width=1000) + "---\n" + body + "\n"
    check_write(path, allow=("texts",))  # a new text may go into texts/; never over a tracked or linked file

    def verify(written: Path) -> None:
        try:
            header_read, body_read = read_text_file(written)
            validate_header(path, header_read, body_read)
        except CorpusError as problem:
            raise CorpusError(str(problem).replace(str(written), str(path))) from None
        if path.exists():
            raise corpus_error(path, None, "the file exists already", "choose another name, or remove the old file first")

    write_atomically(path, text, committed=True, verify=verify)
    return path


def _load_file(folder: Path, path: Path, max_bytes: int) -> dict:
    """One ``*.txt`` entry of ``folder`` as a table row, or a :class:`~valduchesse.corpus_header.CorpusError`."""
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

    Every file is checked before anything stops, so that all the broken files
    of a folder are reported in one error (each line naming the file, the
    field and the fix; the error's ``problems`` lists them one by one).
    Any other file in the folder, except ``README.md``, is an error, and so are
    two files for the same meeting, language and part: nothing is skipped
    silently. Hidden files (names starting with ``.``, such as ``.DS_Store``
    or an editor's swap file) are not texts and are ignored. Only regular
    files are read: a ``*.txt`` entry that is a directory, a FIFO, a socket,
    a device, a dangling symbolic link or one that resolves outside
    ``folder`` is an error, and so is a file over ``max_bytes`` bytes,
    checked before it is read.

    Parameters
    ----------
    folder : str or Path
        The texts folder (the project's own is ``texts/``).
    max_bytes : int
        The largest file read (:data:`MAX_FILE_BYTES` by default).

    Returns
    -------
    DataFrame
        Columns: the :data:`METADATA_COLUMNS` (``doc_id`` is the file name without
        ``.txt``; ``sha256`` is the SHA-256 of the body as UTF-8) and ``text``.
        Rows are sorted by meeting date, language, part and id.

    Raises
    ------
    CorpusError
        For a missing folder, a folder without ``.txt`` files, two files for the same meeting,
        language and part, or every problem of the folder's files at once.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise CorpusError(
            f"{folder}: the texts folder does not exist{resolved_note(folder)}. Fix: point the path at the "
            "folder that holds the .txt files (the project's own is texts/; from a notebook, ../texts)"
        )
    paths = sorted(p for p in folder.iterdir() if not p.name.startswith("."))
    problems = [
        corpus_error(path, None, "not a text file: the texts folder holds only .txt files and README.md",
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
    raise corpus_error(
        folder / same[1],
        "part",
        f"{' and '.join(same)} are both meeting {first['meeting_date']:%Y-%m-%d}, "
        f"language {first['language']}, part {first['part']}",
        "keep one file per meeting, language and part: remove the duplicate, or, if both "
        "are parts of one document, number them 'part: 1', 'part: 2' in reading order",
    )
