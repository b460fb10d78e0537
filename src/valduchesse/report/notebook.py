"""What a notebook says of itself for the site: its title, its question, its reading, the files its code names."""

from __future__ import annotations

import re

import nbformat

__all__ = [
    "QUESTION_MARK", "READING_MARK", "code_cell_naming", "markdown_headings", "notebook_question", "notebook_reading",
    "notebook_title",
]


QUESTION_MARK = "**Question.**"
READING_MARK = "**Reading.**"


def notebook_title(notebook: nbformat.NotebookNode, default: str) -> str:
    """The text of the notebook's first ``# `` heading in a markdown cell, or ``default``.

    Parameters
    ----------
    notebook : nbformat.NotebookNode
        A notebook read with :func:`nbformat.read`.
    default : str
        What to return when no markdown cell has a level-1 heading.

    Returns
    -------
    str
        The heading's text, without the ``#``.
    """
    for line in _markdown_lines(notebook):
        if line.startswith("# "):
            return line[2:].strip()
    return default


def notebook_question(notebook: nbformat.NotebookNode) -> str | None:
    """The notebook's question: its first markdown paragraph starting with ``**Question.**``.

    Parameters
    ----------
    notebook : nbformat.NotebookNode
        A notebook read with :func:`nbformat.read`.

    Returns
    -------
    str or None
        The paragraph's text after ``**Question.**`` (lines joined by spaces),
        or None when the notebook states no question.
    """
    for cell in notebook.cells:
        if cell.cell_type != "markdown":
            continue
        for paragraph in cell.source.split("\n\n"):
            paragraph = paragraph.strip()
            if paragraph.startswith(QUESTION_MARK):
                return " ".join(paragraph[len(QUESTION_MARK):].split())
    return None


def notebook_reading(notebook: nbformat.NotebookNode) -> str | None:
    """The notebook's reading of its results: the markdown of its last cell starting with ``**Reading.**``.

    Parameters
    ----------
    notebook : nbformat.NotebookNode
        A notebook read with :func:`nbformat.read`.

    Returns
    -------
    str or None
        The whole cell's markdown (the reading, its bullet list and what
        follows in the cell, such as its limits), or None when no markdown
        cell starts with ``**Reading.**``.
    """
    readings = [cell.source.strip() for cell in notebook.cells
                if cell.cell_type == "markdown" and cell.source.lstrip().startswith(READING_MARK)]
    return readings[-1] if readings else None


def _markdown_lines(notebook: nbformat.NotebookNode):
    """Every line of every markdown cell, in order."""
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            yield from cell.source.splitlines()


def _heading_text(line: str) -> str | None:
    """The text of a markdown ATX heading line (``## 2. Trends``), without marks; None if not a heading."""
    match = re.match(r"^ {0,3}#{1,6}[ \t]+(.*?)[ \t#]*$", line)
    if not match:
        return None
    text = re.sub(r"[*`]|(?<!\w)_|_(?!\w)", "", match.group(1))
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return " ".join(text.split()) or None


def _lines_outside_fences(source: str):
    """The lines of a markdown text outside fenced code blocks (where ``#`` is not a heading)."""
    fence = None
    for line in source.splitlines():
        marker = re.match(r"^ {0,3}(`{3,}|~{3,})", line)
        if marker and (fence is None or marker.group(1).startswith(fence)):
            fence = marker.group(1)[:3] if fence is None else None
            continue
        if fence is None:
            yield line


def markdown_headings(source: str):
    """The texts of the ATX headings (``## 2. Trends``) of a markdown text, outside fenced code blocks.

    Parameters
    ----------
    source : str
        A markdown cell's source.

    Yields
    ------
    str
        Each heading's text, in order, without its ``#`` marks, emphasis, code marks or link targets.
    """
    for line in _lines_outside_fences(source):
        text = _heading_text(line)
        if text:
            yield text


def code_cell_naming(notebook: nbformat.NotebookNode, name: str) -> int | None:
    """The first code cell whose source contains ``name`` (e.g. the figure file a cell saves).

    Parameters
    ----------
    notebook : nbformat.NotebookNode
        A notebook read with :func:`nbformat.read`.
    name : str
        The text to look for.

    Returns
    -------
    int or None
        The cell's index in ``notebook.cells``, or None when no code cell names it.
    """
    return next((i for i, cell in enumerate(notebook.cells) if cell.cell_type == "code" and name in cell.source), None)
