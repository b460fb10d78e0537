"""The one strict YAML loader of the project's input files.

YAML is read by :class:`StrictLoader` (:func:`load_yaml` for a file, :func:`parse_yaml` for a text):
PyYAML's safe loader without anchors, aliases or merge keys (with which a few lines stand for a huge
value), without a key written twice in one mapping, and with text keys only. The file itself is read by
:func:`valduchesse.files.read_text` (a regular UTF-8 file of bounded size), and a problem is an
:class:`~valduchesse.files.InputError` naming the file, the top-level key, the line and the column.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from .files import MAX_INPUT_BYTES, InputError, read_text

__all__ = ["MAX_YAML_DEPTH", "StrictLoader", "YAMLRefused", "load_yaml", "parse_yaml", "yaml_position"]


MAX_YAML_DEPTH = 16
"""How deeply lists and mappings may nest in a YAML file read by :class:`StrictLoader`."""


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
    """Read the YAML file ``path`` (:func:`valduchesse.files.read_text`, :func:`parse_yaml`); ``error`` names where.

    Parameters
    ----------
    path : str or Path
        The file.
    max_bytes : int, optional
        The largest file read (default :data:`valduchesse.files.MAX_INPUT_BYTES`).
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
        ``error``: as for :func:`valduchesse.files.read_text`, or for a syntax error or what the loader
        refuses, with the problem, the top-level key (``field``), the line and the column.
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
