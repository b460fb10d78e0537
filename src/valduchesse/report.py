"""A small static HTML site of the executed notebooks, for readers without Jupyter.

:func:`build_report` renders every notebook *as saved* (nothing is
re-executed) to ``<stem>.html`` with nbconvert, and writes an ``index.html``
that states the finding in words, shows the headline figure large and links
the pages with each notebook's title and question. It is written for readers
who do not program:

* every page has the same navigation at its top and its bottom: the index,
  the previous and the next page (reading order: index, then the notebooks
  by number);
* the code is hidden: each code cell's input is in a ``<details>`` element
  ("Show code"), so it opens with a click and needs no script; outputs stay
  visible. A few lines of inline script add a "Show all code" button (without
  script the button stays hidden and everything else works);
* every image has real alternative text: the caption that
  :func:`valduchesse.plotting.save_figure` writes into the PNG's ``tEXt``
  (or ``iTXt``/``zTXt``) chunk with keyword ``Description``
  (:func:`png_description`), or else "Figure for “<nearest heading above>”";
  never nbconvert's "No description has been provided for this image";
* every figure is a link to its full-size file (``figures/<stem>-<n>.png``,
  written next to the pages; a link to a ``data:`` URL would be blocked by
  browsers), so it can be enlarged and zoomed, on a phone too;
* on a phone the page body never scrolls sideways: code and wide tables
  scroll inside their own box, prompts are dropped.

The site is self-contained and works offline:

* images are embedded in the pages (output images are already data URIs,
  ``embed_images`` embeds images of markdown cells); the full-size copies and
  the headline figure are files in ``figures/`` next to the pages;
* nbconvert's "lab" template puts ``<script>`` tags in each page's head that
  load require.js and MathJax from a CDN and set up Mermaid and Jupyter
  widgets. A head script blocks rendering until it loads or fails, and none of
  them is needed by these static pages, so the pages are rendered with a
  template that extends "lab" and empties those blocks (:data:`OFFLINE_TEMPLATE`,
  given to nbconvert as ``raw_template``). The same template adds the
  navigation, the code toggle, the figure links and alt text, and the CSS for
  narrow screens. The price: LaTeX in markdown would show as its source (the
  notebooks have none);
* the index uses no JavaScript and no external resource.

The headline figure is ``figures_dir/<headline>`` when it exists and one of
the notebooks makes it (its code names the file). When it does not (e.g.
``report --folder`` on a student's output folder), the index shows the first
figure of the highest-numbered notebook that has one, or no figure, and says so
on the page and on stderr; the build never fails for want of it. The finding
is taken from the notebook the figure comes from: its markdown cell starting
with ``**Reading.**``, rendered with mistune with raw HTML escaped, or its
``**Question.**`` paragraph when it has no reading (with no figure: the last
notebook with a reading, else with a question).

The output is deterministic: rebuilding gives the same bytes (checked across
processes; the tests rebuild and compare). nbconvert's "lab" HTML holds no
date, version or random id; it depends only on the notebook, the template and
the values passed in (titles, navigation, alt text), none of which is a
location. Templates are looked up only in nbconvert's own folders
(``extra_template_basedirs=[]``; by default nbconvert also searches the
current folder, so the output could depend on where the command is run).

Usage::

    from valduchesse.report import build_report
    from valduchesse.runner import notebook_paths
    build_report(notebook_paths("notebooks"), Path("build/report"), Path("figures"))
"""

from __future__ import annotations

import base64
import binascii
import copy
import html
import re
import shutil
import struct
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path
from string import Template
from urllib.parse import urlsplit

import mistune
from mistune.util import striptags
import nbformat
from nbconvert import HTMLExporter

TITLE = "Val Duchesse: what the Belgian–French security declarations speak of, meeting by meeting"
SUMMARY = (
    "A reproducible notebook collection comparing the official texts of the Belgian–French "
    "“Val Duchesse” meetings held after the terrorist attacks of 2015–2016 (Brussels 2016, "
    "Paris 2018, Brussels 2021, and the prime ministers’ communiqué of 2017). Each notebook has a page "
    "below, with the tables and figures it was saved with; the code that made them is hidden until you "
    "ask for it."
)
QUESTION_MARK = "**Question.**"
READING_MARK = "**Reading.**"
DEFAULT_HEADLINE = "themes_by_meeting_hand_coded.png"
FIGURES_SUBDIR = "figures"
DESCRIPTION_KEYWORD = "Description"
#: The alt text nbconvert gives an image that has none; no page keeps it.
NBCONVERT_PLACEHOLDER_ALT = "No description has been provided for this image"
#: Key of the output metadata, in the copy of a notebook being rendered, that carries a figure's alt text and link.
FIGURE_METADATA = "valduchesse_report"
#: Image types of notebook outputs, with the file extension of their full-size copy.
IMAGE_TYPES = {"image/png": "png", "image/jpeg": "jpg", "image/svg+xml": "svg"}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_TEXT_CHUNK = 1 << 20  # largest decompressed PNG text chunk read, in bytes

#: Styles shared by the index and the notebook pages: the navigation bars.
NAV_CSS = """\
nav.vd-nav { display: flex; flex-wrap: wrap; align-items: baseline; gap: 0.4rem 1.2rem; margin: 0 auto;
             max-width: 72rem; padding: 0.6rem 0; border-bottom: 1px solid #d0d0d0; line-height: 1.4;
             font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; font-size: 0.95rem; }
nav.vd-nav-bottom { border-bottom: none; border-top: 1px solid #d0d0d0; margin-top: 2rem; }
nav.vd-nav a { color: #0b57d0; text-decoration: underline; }
nav.vd-nav .vd-index { font-weight: 600; }
nav.vd-nav .vd-next { margin-left: auto; text-align: right; }
nav.vd-nav .vd-direction { color: #555; }
nav.vd-nav button { font: inherit; font-size: 0.9rem; padding: 0.1rem 0.6rem; cursor: pointer; margin-left: auto; }
nav.vd-nav button + .vd-next { margin-left: 0; }
@media only screen and (max-width: 760px) {
    nav.vd-nav .vd-index { order: 0; }
    nav.vd-nav button { order: 1; }
    nav.vd-nav .vd-previous { order: 2; flex-basis: 100%; }
    nav.vd-nav .vd-next { order: 3; flex-basis: 100%; }
}
"""

#: The template of the notebook pages: nbconvert's "lab" template without its head scripts
#: (require.js and MathJax from a CDN, Mermaid, Jupyter widgets), so that pages display offline,
#: with navigation, code hidden in ``<details>``, figures as links to their full-size file with
#: alt text (both set in the output metadata under :data:`FIGURE_METADATA`), and CSS for phones.
OFFLINE_TEMPLATE = """\
{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block html_head_css -%}
<style type="text/css">
{{ resources.valduchesse.css }}
</style>
{%- endblock html_head_css -%}
{%- block body_header -%}
<body class="jp-Notebook" data-jp-theme-light="true" data-jp-theme-name="JupyterLab Light">
{{ resources.valduchesse.nav_top }}
<main>
{%- endblock body_header -%}
{% block body_footer %}
</main>
{{ resources.valduchesse.nav_bottom }}
<script>
{{ resources.valduchesse.script }}
</script>
</body>
{% endblock body_footer %}
{% block input_group -%}
<details class="vd-code">
<summary><span class="vd-show">Show code</span><span class="vd-hide">Hide code</span></summary>
{{ super() }}
</details>
{%- endblock input_group %}
{%- macro figure(output, mimetype, src) -%}
{%- set about = output.metadata.get('valduchesse_report', {}) -%}
<a class="vd-figure" href="{{ about.get('href', '') | escape_html }}" title="Open the figure full size">
<img src="{{ src }}" alt="{{ about.get('alt', '') | escape_html }}"
{%- set width = output | get_metadata('width', mimetype) -%}
{%- if width is not none %} width="{{ width | escape_html }}"{% endif -%}
{%- set height = output | get_metadata('height', mimetype) -%}
{%- if height is not none %} height="{{ height | escape_html }}"{% endif -%}
{%- set background = output | get_metadata('needs_background', mimetype) %} class="
{%- if output | get_metadata('unconfined', mimetype) %}unconfined{% endif -%}
{%- if background in ('light', 'dark') %} jp-needs-{{ background }}-background{% endif %}">
</a>
{%- endmacro -%}
{% block data_png scoped -%}
<div class="jp-RenderedImage jp-OutputArea-output {{ extra_class }}">
{{ figure(output, 'image/png', 'data:image/png;base64,' ~ (output.data['image/png'] | escape_html)) }}
</div>
{%- endblock data_png %}
{% block data_jpg scoped -%}
<div class="jp-RenderedImage jp-OutputArea-output {{ extra_class }}">
{{ figure(output, 'image/jpeg', 'data:image/jpeg;base64,' ~ (output.data['image/jpeg'] | escape_html)) }}
</div>
{%- endblock data_jpg %}
{% block data_svg scoped -%}
<div class="jp-RenderedSVG jp-OutputArea-output {{ extra_class }}" data-mime-type="image/svg+xml">
{%- set encoded = output.data['image/svg+xml'] | text_base64 | escape_html %}
{{ figure(output, 'image/svg+xml', 'data:image/svg+xml;base64,' ~ encoded) }}
</div>
{%- endblock data_svg %}
"""

#: Styles added to nbconvert's on the notebook pages (after them, so that they win).
PAGE_CSS = NAV_CSS + """\
body.jp-Notebook { padding: 0 1rem; }
main { max-width: 72rem; margin: 0 auto; padding: 1rem 0; }
/* Prompts beside the cells, as in Jupyter, but as flex items that may shrink, so that a wide
   code line or table scrolls inside its own box instead of widening the page. */
.jp-InputArea, .jp-OutputArea-child { display: flex; align-items: flex-start; width: 100%; overflow: visible; }
.jp-InputPrompt, .jp-OutputPrompt { display: block; flex: 0 0 var(--jp-cell-prompt-width); }
.jp-InputArea-editor, .jp-OutputArea-child .jp-OutputArea-output, .jp-InputArea > .jp-RenderedMarkdown {
    display: block; flex: 1 1 auto; min-width: 0; }
.jp-InputArea-editor, .jp-OutputArea-child .jp-OutputArea-output { overflow-x: auto; }
.jp-InputArea-editor .highlight pre { white-space: pre; }
.jp-RenderedMarkdown { overflow-wrap: break-word; }
/* Code is hidden in a details element; its summary is a small button-like line. */
details.vd-code > summary { cursor: pointer; width: max-content; margin: 0.2rem 0 0.2rem var(--jp-cell-prompt-width);
    padding: 0.1rem 0.6rem; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
    font-size: 0.85rem; color: #0b57d0; border: 1px solid #c6d3ea; border-radius: 0.3rem; background: #f5f8fd; }
details.vd-code[open] > summary .vd-show, details.vd-code:not([open]) > summary .vd-hide { display: none; }
a.vd-figure { display: inline-block; cursor: zoom-in; }
@media only screen and (max-width: 760px) {
    body.jp-Notebook { padding: 0 0.6rem; }
    .jp-InputPrompt, .jp-OutputPrompt { display: none; }
    .jp-InputArea-editor, .jp-OutputArea-child .jp-OutputArea-output { margin-left: 0; }
    details.vd-code > summary { margin-left: 0; }
    .jp-Cell { padding: 0.2rem 0; }
}
@media print { details.vd-code > summary { display: none; } }
"""

#: The inline script of the notebook pages: shows the "Show all code" button and makes it open or close every
#: code cell. Without it, each cell still opens on its own and the button stays hidden.
PAGE_SCRIPT = """\
(function () {
  var buttons = document.querySelectorAll("button.vd-all-code");
  function setAll(open) {
    document.querySelectorAll("details.vd-code").forEach(function (cell) { cell.open = open; });
    buttons.forEach(function (button) {
      button.setAttribute("aria-pressed", open ? "true" : "false");
      button.textContent = open ? "Hide all code" : "Show all code";
    });
  }
  buttons.forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { setAll(button.getAttribute("aria-pressed") !== "true"); });
  });
})();"""

INDEX_TEMPLATE = Template("""\
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>$title</title>
<style>
body { margin: 0 auto; padding: 0 1rem; line-height: 1.5; max-width: 72rem;
       font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1a1a1a; background: #fff; }
$nav_css
main { padding: 1rem 0; }
main > h1, main > h2, main > p, main > ol, .vd-finding > :not(figure) { max-width: 46rem; }
h1 { font-size: 1.7rem; line-height: 1.25; }
a { color: #0b57d0; }
ol.vd-notebooks { list-style: none; padding-left: 0; }  /* the titles carry the numbers */
ol.vd-notebooks > li { margin-bottom: 0.9rem; }
ol.vd-notebooks > li > p { margin: 0.2rem 0 0; }
.vd-reading li { margin-bottom: 0.6rem; }
.vd-source, .vd-note { font-size: 0.95rem; color: #444; }
.vd-note { border-left: 4px solid #e0a800; padding: 0.3rem 0.8rem; background: #fff8e1; }
figure.vd-headline { margin: 1.5rem 0; }
figure.vd-headline > a { display: block; cursor: zoom-in; }
figure.vd-headline img { display: block; width: 100%; height: auto; border: 1px solid #ddd; }
figcaption { font-size: 0.9rem; color: #444; max-width: 46rem; }
code { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.88em;
       overflow-wrap: anywhere; background: #f3f3f3; padding: 0 0.2em; border-radius: 0.2em; }
</style>
</head>
<body>
$nav_top
<main>
<h1>$title</h1>
<p>$summary</p>
<section class="vd-finding" aria-labelledby="finding">
<h2 id="finding">$finding_heading</h2>
$finding
</section>
<h2 id="notebooks">The notebooks</h2>
<ol class="vd-notebooks">
$items
</ol>
</main>
$nav_bottom
</body>
</html>
""")

ITEM_TEMPLATE = Template('<li><a href="$href">$title</a>$question</li>')


@dataclass(frozen=True)
class Page:
    """One notebook of the site: its page's file name (``<stem>.html``) and titles."""

    stem: str
    title: str

    @property
    def href(self) -> str:
        return f"{self.stem}.html"

    @property
    def short_title(self) -> str:
        """The title up to its first colon ("04 · Themes per meeting, hand-coded"), for the navigation."""
        return self.title.split(": ", 1)[0]


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


# --- images: their description, their alt text ----------------------------------------------------------------


def png_description(data: bytes, keyword: str = DESCRIPTION_KEYWORD) -> str | None:
    """The text of a PNG's ``tEXt``, ``zTXt`` or ``iTXt`` chunk with the given keyword.

    The chunks are read with :mod:`struct` and :mod:`zlib`, without decoding
    the image. Whitespace is collapsed to single spaces.

    Parameters
    ----------
    data : bytes
        The PNG file's bytes.
    keyword : str, optional
        The chunk's keyword (default ``Description``, which
        :func:`valduchesse.plotting.save_figure` writes: the figure's caption).

    Returns
    -------
    str or None
        The text, or None when ``data`` is not a PNG, has no such chunk, the
        chunk is empty or cannot be read.
    """
    if not data.startswith(PNG_SIGNATURE):
        return None
    wanted = keyword.encode("latin-1")
    position = len(PNG_SIGNATURE)
    while position + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        body = data[position + 8:position + 8 + length]
        if len(body) < length or kind == b"IEND":
            return None
        position += 12 + length  # length, type, data, CRC
        key, _, rest = body.partition(b"\0")
        if key != wanted or kind not in (b"tEXt", b"zTXt", b"iTXt"):
            continue
        try:
            text = _text_chunk(kind, rest)
        except (ValueError, IndexError, zlib.error):  # UnicodeDecodeError is a ValueError
            continue
        text = " ".join(text.split())
        if text:
            return text
    return None


def _text_chunk(kind: bytes, rest: bytes) -> str:
    """The text of a PNG text chunk, given what follows its keyword and null separator."""
    if kind == b"tEXt":
        return rest.decode("latin-1")
    if kind == b"zTXt":  # compression method (0: zlib), then the compressed Latin-1 text
        return _inflate(rest[1:]).decode("latin-1")
    compressed, text = rest[0], rest[2:]  # iTXt: flag, method, language\0, translated keyword\0, UTF-8 text
    text = text.split(b"\0", 2)[2]
    return (_inflate(text) if compressed else text).decode("utf-8")


def _inflate(data: bytes) -> bytes:
    """Decompress zlib data, refusing more than :data:`MAX_TEXT_CHUNK` bytes."""
    inflater = zlib.decompressobj()
    text = inflater.decompress(data, MAX_TEXT_CHUNK)
    if inflater.unconsumed_tail:
        raise ValueError("text chunk too large")
    return text


def png_size(data: bytes) -> tuple[int, int] | None:
    """A PNG's (width, height) from its header, or None when ``data`` is not a PNG."""
    if not data.startswith(PNG_SIGNATURE) or data[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", data[16:24])


def figure_alt(description: str | None, heading: str, number: int = 1, of: int = 1) -> str:
    """A figure's alt text: its description, or else "Figure for “<heading>”" ("Figure 2 of 3 for …").

    Parameters
    ----------
    description : str or None
        The image's own description (:func:`png_description`), used when given.
    heading : str
        The text of the nearest markdown heading above the figure.
    number, of : int, optional
        The figure's rank among the figures under that heading, and their
        number, said when there are several.
    """
    if description:
        return description
    rank = f" {number} of {of}" if of > 1 else ""
    return f"Figure{rank} for “{heading}”"


def _heading_text(line: str) -> str | None:
    """The text of a markdown ATX heading line (``## 2. Trends``), without marks; None if not a heading."""
    match = re.match(r"^ {0,3}#{1,6}[ \t]+(.*?)[ \t#]*$", line)
    if not match:
        return None
    text = re.sub(r"[*`]|(?<!\w)_|_(?!\w)", "", match.group(1))
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return " ".join(text.split()) or None


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
    priority = priority or _display_priority(HTMLExporter())
    found = []  # (cell, output, mimetype, data, description, heading, heading's rank)
    heading, section = title, 0
    for cell_index, cell in enumerate(notebook.cells):
        if cell.cell_type == "markdown":
            for line in _lines_outside_fences(cell.source):
                text = _heading_text(line)
                if text:
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


def _display_priority(exporter: HTMLExporter) -> list[str]:
    """The order in which ``exporter`` picks the type of an output to show."""
    return list(exporter.default_config["NbConvertBase"]["display_data_priority"])


# --- pages ------------------------------------------------------------------------------------------------------


def _exporter() -> HTMLExporter:
    """nbconvert's HTML exporter with the offline template, looking for templates in nbconvert's folders only."""
    return HTMLExporter(
        template_name="lab",
        raw_template=OFFLINE_TEMPLATE,
        embed_images=True,
        extra_template_basedirs=[],
    )


def navigation(pages: list[Page], current: int | None, where: str) -> str:
    """The navigation bar of a page: the index, the previous and the next page.

    Parameters
    ----------
    pages : list of Page
        The notebook pages, in reading order.
    current : int or None
        The position of the page in ``pages``, or None for the index (whose
        next page is the first notebook; the first notebook's previous page is
        the index).
    where : str
        ``"top"`` or ``"bottom"``; the top bar of a notebook page also has the
        "Show all code" button (hidden until the page's script shows it).

    Returns
    -------
    str
        A ``<nav>`` element.
    """
    index = '<span class="vd-index" aria-current="page">Index</span>' if current is None else \
        '<a class="vd-index" href="index.html">Index</a>'
    parts = [index]
    position = -1 if current is None else current
    if position >= 0:
        previous = pages[position - 1] if position > 0 else None
        href, label = (previous.href, previous.short_title) if previous else ("index.html", "Index")
        parts.append(f'<a class="vd-previous" rel="prev" href="{html.escape(href)}">'
                     f'<span class="vd-direction">← Previous:</span> {html.escape(label)}</a>')
        if where == "top":
            parts.append('<button type="button" class="vd-all-code" aria-pressed="false" hidden>Show all code</button>')
    if position + 1 < len(pages):
        following = pages[position + 1]
        parts.append(f'<a class="vd-next" rel="next" href="{html.escape(following.href)}">'
                     f'<span class="vd-direction">Next:</span> {html.escape(following.short_title)} →</a>')
    label = "Pages" if where == "top" else "Pages (end of page)"
    return f'<nav class="vd-nav vd-nav-{where}" aria-label="{label}">\n' + "\n".join(parts) + "\n</nav>"


def render_notebook(notebook: nbformat.NotebookNode, title: str, folder: Path, *,
                    figures: list[Figure] | None = None, nav_top: str = "", nav_bottom: str = "",
                    exporter: HTMLExporter | None = None) -> str:
    """The notebook as a self-contained HTML page, from its saved outputs.

    Parameters
    ----------
    notebook : nbformat.NotebookNode
        The notebook, with its outputs; it is not executed, nor changed.
    title : str
        The page's ``<title>``.
    folder : Path
        The notebook's folder, from which images linked in markdown are read
        and embedded (it does not appear in the page).
    figures : list of Figure, optional
        Its figures (:func:`notebook_figures`; default: computed here, named
        ``figures/notebook-<n>``), which give each image its alt text and the
        link to its full-size file; :func:`build_report` writes those files.
    nav_top, nav_bottom : str, optional
        The navigation bars (:func:`navigation`) put above and below the cells.
    exporter : HTMLExporter, optional
        An exporter made by this module, to reuse across pages.

    Returns
    -------
    str
        The page's HTML, without external scripts (see :data:`OFFLINE_TEMPLATE`).
    """
    exporter = exporter or _exporter()
    if figures is None:
        figures = notebook_figures(notebook, "notebook", title, _display_priority(exporter))
    notebook = copy.deepcopy(notebook)
    for figure in figures:
        output = notebook.cells[figure.cell].outputs[figure.output]
        metadata = output.setdefault("metadata", nbformat.NotebookNode())
        metadata[FIGURE_METADATA] = {"alt": figure.alt, "href": figure.file}
    resources = {
        "metadata": {"name": title, "path": str(folder)},
        "valduchesse": {"css": PAGE_CSS, "script": PAGE_SCRIPT, "nav_top": nav_top, "nav_bottom": nav_bottom},
    }
    body, _ = exporter.from_notebook_node(notebook, resources=resources)
    # Images of markdown cells take their alt text from the markdown; one written without gets nbconvert's
    # placeholder, replaced by the notebook's title.
    fallback = html.escape(f"Image in “{title}”", quote=True)
    return body.replace(f'alt="{NBCONVERT_PLACEHOLDER_ALT}"', f'alt="{fallback}"')


# --- the index --------------------------------------------------------------------------------------------------


class _SafeRenderer(mistune.HTMLRenderer):
    """Markdown of a notebook rendered for the index: raw HTML escaped, no image loaded, links kept only where
    they still lead somewhere (web links, other notebooks' pages, anchors of the source page)."""

    def __init__(self, source: Page, pages: list[Page]):
        super().__init__(escape=True)
        self.source = source
        self.stems = {page.stem for page in pages}

    def heading(self, text: str, level: int, **attrs) -> str:
        level = min(level + 2, 6)  # below the index's own h1 and h2
        return f"<h{level}>{text}</h{level}>\n"

    def image(self, text: str, url: str, title: str | None = None) -> str:
        return f"<span>{striptags(text)}</span>"  # alt text is already escaped

    def link(self, text: str, url: str, title: str | None = None) -> str:
        parts = urlsplit(url)
        if parts.scheme in ("http", "https", "mailto") and self.sanitize_url(url) == url:
            href = url
        elif url.startswith("#"):
            href = self.source.href + url
        elif not parts.scheme and not parts.netloc and parts.path.endswith(".ipynb") \
                and Path(parts.path).stem in self.stems:
            href = f"{Path(parts.path).stem}.html" + (f"#{parts.fragment}" if parts.fragment else "")
        else:  # a file of the repository, which the site does not hold: the text without the link
            return text
        return "<a" + self.render_attrs({"href": href, "title": title}) + ">" + text + "</a>"


def render_markdown(source: str, page: Page, pages: list[Page]) -> str:
    """Markdown from notebook ``page`` as HTML for the index, safely (see :class:`_SafeRenderer`)."""
    return mistune.create_markdown(renderer=_SafeRenderer(page, pages))(source)


def _index_item(page: Page, question: str | None, pages: list[Page]) -> str:
    """One ``<li>`` of the index: the link to a notebook page and its question."""
    text = "" if question is None else render_markdown(question, page, pages).strip()
    return ITEM_TEMPLATE.substitute(href=html.escape(page.href), title=html.escape(page.title), question=text)


@dataclass(frozen=True)
class Headline:
    """The index's figure: its file in the site, alt text, the page it comes from, and a note if it is not
    the headline figure asked for. ``file`` is None when there is no figure at all."""

    file: str | None
    alt: str
    page: Page | None
    note: str | None
    size: tuple[int, int] | None = None


def _finding_html(headline: Headline, readings: dict[str, tuple[str | None, str | None]],
                  pages: list[Page]) -> tuple[str, str]:
    """The heading and the HTML of the index's finding section: source line, note, figure, reading."""
    parts = []
    page = headline.page
    if page is None:  # no figure: the finding of the last notebook with a reading, else with a question
        page = next((p for p in reversed(pages) if readings[p.stem][0]), None) or \
            next((p for p in reversed(pages) if readings[p.stem][1]), None)
    reading, question = readings[page.stem] if page else (None, None)
    link = f'<a href="{html.escape(page.href)}">{html.escape(page.title)}</a>' if page else ""
    if reading:
        heading = "The finding"
        parts.append(f'<p class="vd-source">In the words of notebook {link}, which makes the figure below:</p>'
                     if headline.file and headline.page == page else
                     f'<p class="vd-source">In the words of notebook {link}:</p>')
    elif question:
        heading = "The question"
        parts.append(f'<p class="vd-source">Notebook {link} gives no reading of its results; its question:</p>')
    else:
        heading = "The finding"
        parts.append('<p class="vd-source">No notebook states a reading of its results or a question (a markdown '
                     'paragraph starting with <code>**Reading.**</code> or <code>**Question.**</code>).</p>')
    if headline.note:
        parts.append(f'<p class="vd-note">{html.escape(headline.note)}</p>')
    if headline.file:
        size = f' width="{headline.size[0]}" height="{headline.size[1]}"' if headline.size else ""
        origin = "" if headline.page is None else \
            f' (notebook <a href="{html.escape(headline.page.href)}">{html.escape(headline.page.short_title)}</a>)'
        src = html.escape(headline.file)
        parts.append(
            '<figure class="vd-headline">\n'
            f'<a href="{src}" title="Open the figure full size">'
            f'<img src="{src}" alt="{html.escape(headline.alt)}"{size}></a>\n'
            f'<figcaption>{html.escape(Path(headline.file).name)}{origin}. Select the figure to open it full size, '
            'then zoom in.</figcaption>\n</figure>')
    if reading:
        parts.append(f'<div class="vd-reading">\n{render_markdown(reading, page, pages).strip()}\n</div>')
    elif question:
        parts.append(f'<div class="vd-reading">\n{render_markdown(question, page, pages).strip()}\n</div>')
    return heading, "\n".join(parts)


def write_index(items: list[str], output_dir: Path, headline: Headline, pages: list[Page],
                readings: dict[str, tuple[str | None, str | None]]) -> Path:
    """Write ``index.html``: the summary, the finding with the headline figure, and ``items``.

    Parameters
    ----------
    items : list of str
        The ``<li>`` elements of the notebooks, in reading order.
    output_dir : Path
        The site's folder.
    headline : Headline
        The figure to show (its file already in the site), or none.
    pages : list of Page
        The notebook pages, in reading order.
    readings : dict
        Per notebook stem, its reading's markdown (:func:`notebook_reading`) and its question (or None).

    Returns
    -------
    Path
        The index's path.
    """
    finding_heading, finding = _finding_html(headline, readings, pages)
    page = INDEX_TEMPLATE.substitute(
        title=html.escape(TITLE),
        summary=html.escape(SUMMARY),
        nav_css=NAV_CSS,
        nav_top=navigation(pages, None, "top"),
        nav_bottom=navigation(pages, None, "bottom"),
        finding_heading=finding_heading,
        finding=finding,
        items="\n".join(items),
    )
    index = output_dir / "index.html"
    index.write_text(page, encoding="utf-8", newline="\n")
    return index


def _code_names(notebook: nbformat.NotebookNode, name: str) -> int | None:
    """The index of the first code cell whose source contains ``name``, or None."""
    return next((i for i, cell in enumerate(notebook.cells) if cell.cell_type == "code" and name in cell.source), None)


def choose_headline(figures_dir: Path, headline: str, notebooks: dict[str, nbformat.NotebookNode],
                    pages: list[Page], figures: dict[str, list[Figure]]) -> tuple[Headline, Path | None]:
    """Which figure the index shows, and the file to copy into the site for it (None if it is already there).

    The headline file ``figures_dir/headline`` when it exists and one of the
    notebooks makes it (a code cell names it), with its description as alt
    text (else that of the first figure from that cell on); otherwise the
    first figure of the highest-numbered notebook that has one; otherwise
    none. The two last cases carry a note saying so. (A headline file that no
    notebook makes is not shown: the repository's headline would otherwise
    stand beside a student's notebooks, as when ``report --folder output`` is
    run from the repository's root, where ``--figures`` defaults to ``figures/``.)
    """
    stem = Path(headline).stem
    maker = next((page for page in pages if _code_names(notebooks[page.stem], stem) is not None), None)
    path = Path(figures_dir) / headline
    if path.is_file() and maker:
        data = path.read_bytes()
        cell = _code_names(notebooks[maker.stem], stem)
        alt = png_description(data) or next((figure.alt for figure in figures[maker.stem] if figure.cell >= cell), None)
        return Headline(f"{FIGURES_SUBDIR}/{path.name}", alt or f"The headline figure, {path.name}",
                        maker, None, png_size(data)), path
    why = (f"The headline figure {headline} is not made by any of these notebooks"
           if path.is_file() else f"The headline figure {headline} is not in the figures folder given")
    last = next((page for page in reversed(pages) if figures[page.stem]), None)
    if last is None:
        return Headline(None, "", None, f"No figure: {why[0].lower()}{why[1:]}, and no notebook has a figure "
                                        "among its outputs."), None
    first = figures[last.stem][0]
    note = f"{why}, so the figure shown is the first figure of notebook {last.title}, the last notebook that has one."
    return Headline(first.file, first.alt, last, note, png_size(first.data)), None


def _require_file(path: Path, what: str) -> None:
    """Raise a ValueError naming ``path`` when it is not a file."""
    if not path.is_file():
        raise ValueError(f"{what} not found: {path}")


def build_report(notebooks: list[Path], output_dir: Path, figures_dir: Path,
                 headline: str = DEFAULT_HEADLINE) -> Path:
    """Render ``notebooks`` to a static HTML site in ``output_dir`` and return its index.

    Each notebook becomes ``output_dir/<stem>.html``, rendered from its
    saved outputs (never re-executed), with its images embedded, its figures
    also written full size to ``output_dir/figures/<stem>-<n>.<ext>``, and
    links to the index and the previous and next pages. The index states the
    finding in words, shows the headline figure (copied to
    ``output_dir/figures/``; see :func:`choose_headline` for when it is
    missing) and links the pages in file-name order (the notebooks' numbers),
    with each notebook's title and question. Rebuilding gives the same bytes.

    Parameters
    ----------
    notebooks : list of Path
        The executed notebooks (e.g. :func:`valduchesse.runner.notebook_paths`);
        the site orders them by file name, whatever the order given.
    output_dir : Path
        The site's folder; created if needed, existing pages are overwritten.
    figures_dir : Path
        The folder that may hold the headline figure; it need not exist.
    headline : str, optional
        The headline figure's file name in ``figures_dir``.

    Returns
    -------
    Path
        ``output_dir/index.html``.

    Raises
    ------
    ValueError
        If no notebook is given, or a notebook does not exist (the message
        names it). A missing headline figure is not an error: the index says
        what it shows instead, and a note is printed on stderr.
    """
    notebooks = sorted((Path(path) for path in notebooks), key=lambda path: path.name)
    if not notebooks:
        raise ValueError("no notebooks given: pass the notebooks to render, e.g. notebooks/NN_*.ipynb")
    for path in notebooks:
        _require_file(path, "notebook")
    output_dir = Path(output_dir)
    (output_dir / FIGURES_SUBDIR).mkdir(parents=True, exist_ok=True)
    exporter = _exporter()
    priority = _display_priority(exporter)
    read = {path.stem: nbformat.read(path, as_version=4) for path in notebooks}
    pages = [Page(path.stem, notebook_title(read[path.stem], default=path.stem)) for path in notebooks]
    figures = {page.stem: notebook_figures(read[page.stem], page.stem, page.title, priority) for page in pages}
    for position, (path, page) in enumerate(zip(notebooks, pages)):
        for figure in figures[page.stem]:
            (output_dir / figure.file).write_bytes(figure.data)
        body = render_notebook(read[page.stem], page.title, path.parent.resolve(), figures=figures[page.stem],
                               nav_top=navigation(pages, position, "top"),
                               nav_bottom=navigation(pages, position, "bottom"), exporter=exporter)
        (output_dir / page.href).write_text(body, encoding="utf-8", newline="\n")
    chosen, source = choose_headline(Path(figures_dir), headline, read, pages, figures)
    if source is not None:
        shutil.copyfile(source, output_dir / chosen.file)
    if chosen.note:
        print(f"note: {chosen.note}", file=sys.stderr)
    readings = {page.stem: (notebook_reading(read[page.stem]), notebook_question(read[page.stem])) for page in pages}
    items = [_index_item(page, readings[page.stem][1], pages) for page in pages]
    return write_index(items, output_dir, chosen, pages, readings)
