"""The figures of a notebook as its page shows them: which outputs are images, their alt text and full-size files."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

import nbformat
from nbconvert import HTMLExporter

from .notebook import markdown_headings
from .png import png_description

__all__ = [
    "FIGURES_SUBDIR", "FIGURE_METADATA", "Figure", "IMAGE_TYPES", "NBCONVERT_PLACEHOLDER_ALT", "display_priority",
    "figure_alt", "notebook_figures",
]


FIGURES_SUBDIR = "figures"
#: The alt text nbconvert gives an image that has none; no page keeps it.
NBCONVERT_PLACEHOLDER_ALT = "No description has been provided for this image"
#: Key of the output metadata, in the copy of a notebook being rendered, that carries a figure's alt text and link.
FIGURE_METADATA = "valduchesse_report"
#: Image types of notebook outputs, with the file extension of their full-size copy.
IMAGE_TYPES = {"image/png": "png", "image/jpeg": "jpg", "image/svg+xml": "svg"}


@dataclass(frozen=True)
class Figure:
    """An image output of a notebook, as the page shows it.

    ``cell`` and ``output`` locate it in the notebook; ``number`` counts the
    notebook's figures from 1; ``file`` is its full-size copy's path in the
    site; ``heading`` is the nearest markdown heading above it.
    """

    cell: int
    output: int
    number: int
    mimetype: str
    data: bytes
    alt: str
    file: str
    heading: str


def figure_alt(description: str | None, heading: str, number: int = 1, of: int = 1) -> str:
    """A figure's alt text: its description, or else "Figure for “<heading>”" ("Figure 2 of 3 for …").

    Parameters
    ----------
    description : str or None
        The image's own description (:func:`~valduchesse.report.png.png_description`), used when given.
    heading : str
        The text of the nearest markdown heading above the figure.
    number, of : int, optional
        The figure's rank among the figures under that heading, and their
        number, said when there are several.

    Returns
    -------
    str
        The alt text.
    """
    if description:
        return description
    rank = f" {number} of {of}" if of > 1 else ""
    return f"Figure{rank} for “{heading}”"


def _shown_mimetype(output: nbformat.NotebookNode, priority: list[str]) -> str | None:
    """The type nbconvert shows of a display output: the first of ``priority`` in its data."""
    if output.get("output_type") not in ("display_data", "execute_result"):
        return None
    return next((mimetype for mimetype in priority if mimetype in output.get("data", {})), None)


def _image_bytes(output: nbformat.NotebookNode, mimetype: str) -> bytes | None:
    """The image file an output holds (base64 for PNG and JPEG, text for SVG), or None if unreadable."""
    value = output["data"][mimetype]
    if isinstance(value, list):
        value = "".join(value)
    if mimetype == "image/svg+xml":
        return value.encode("utf-8")
    try:
        return base64.b64decode(value)
    except (binascii.Error, ValueError):
        return None


def notebook_figures(notebook: nbformat.NotebookNode, stem: str, title: str,
                     priority: list[str] | None = None) -> list[Figure]:
    """The figures a notebook's page shows, in order, with their alt text and full-size file.

    Parameters
    ----------
    notebook : nbformat.NotebookNode
        The notebook, with its outputs.
    stem : str
        Its file name without ``.ipynb``, which names the full-size files
        (``figures/<stem>-<n>.<ext>``).
    title : str
        Its title: the heading of figures above which there is no heading.
    priority : list of str, optional
        nbconvert's display priority of output types (default: that of
        :class:`nbconvert.HTMLExporter`); an output is a figure when the type
        shown is an image.

    Returns
    -------
    list of Figure
    """
    priority = priority or display_priority(HTMLExporter())
    found = []  # (cell, output, mimetype, data, description, heading, heading's rank)
    heading, section = title, 0
    for cell_index, cell in enumerate(notebook.cells):
        if cell.cell_type == "markdown":
            for text in markdown_headings(cell.source):
                heading, section = text, section + 1
            continue
        for output_index, output in enumerate(cell.get("outputs", [])):
            mimetype = _shown_mimetype(output, priority)
            if mimetype not in IMAGE_TYPES:
                continue
            data = _image_bytes(output, mimetype)
            if data is None:
                continue
            description = png_description(data) if mimetype == "image/png" else None
            found.append((cell_index, output_index, mimetype, data, description, heading, section))
    per_section = {}
    for *_, section in found:
        per_section[section] = per_section.get(section, 0) + 1
    figures, rank = [], {}
    for number, (cell_index, output_index, mimetype, data, description, heading, section) in enumerate(found, 1):
        rank[section] = rank.get(section, 0) + 1
        figures.append(Figure(
            cell=cell_index, output=output_index, number=number, mimetype=mimetype, data=data,
            alt=figure_alt(description, heading, rank[section], per_section[section]),
            file=f"{FIGURES_SUBDIR}/{stem}-{number}.{IMAGE_TYPES[mimetype]}", heading=heading,
        ))
    return figures


def display_priority(exporter: HTMLExporter) -> list[str]:
    """The order in which ``exporter`` picks the type of an output to show.

    Parameters
    ----------
    exporter : nbconvert.HTMLExporter
        The exporter the pages are rendered with.

    Returns
    -------
    list of str
        MIME types, the one shown first first: an output is a figure when the type shown is an image.
    """
    return list(exporter.default_config["NbConvertBase"]["display_data_priority"])
