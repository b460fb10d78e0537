"""One notebook's page: nbconvert's "lab" HTML with an offline template, the navigation, safe markdown; the site's page type."""

from __future__ import annotations

import copy
import html
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import mistune
from mistune.util import striptags
import nbformat
from nbconvert import HTMLExporter

from .figures import FIGURE_METADATA, Figure, NBCONVERT_PLACEHOLDER_ALT, display_priority, notebook_figures

__all__ = [
    "BODY_CSS", "NAV_CSS", "OFFLINE_TEMPLATE", "PAGE_CSS", "PAGE_SCRIPT", "SCROLL_SCRIPT", "TABLE_CSS", "Page",
    "SafeRenderer", "html_exporter", "navigation", "page_head", "render_markdown", "render_notebook", "wrap_tables",
]


#: Styles shared by the index and the notebook pages: the navigation bars.
BODY_CSS = """\
body { margin: 0 auto; padding: 0 1rem; line-height: 1.5; max-width: 72rem;
       font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1a1a1a; background: #fff; }"""
"""The page body of the index and the docs pages: centred, readable line length, the system font."""

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

#: Styles shared by every page for wide tables: each table sits in a box of its own that scrolls sideways
#: (:func:`wrap_tables`), with shadows at the edges that hide more columns. The shadows are drawn by the box's
#: background (``background-attachment: local`` for the covers), so they show without a script; where the
#: page has :data:`SCROLL_SCRIPT`, a hint line above a table that does not fit says that it scrolls, and an
#: edge shadow is drawn above the table's own row colours. Words are never broken inside: long paths and URLs
#: (``code`` and links) may wrap anywhere, nothing else.
TABLE_CSS = """\
.vd-table { position: relative; max-width: 100%; margin: 0.4rem 0; }
.vd-scroll { display: block; max-width: 100%; overflow-x: auto; -webkit-overflow-scrolling: touch;
    background: linear-gradient(to right, #fff 30%, rgba(255, 255, 255, 0)) left / 2.5rem 100% no-repeat local,
                linear-gradient(to left, #fff 30%, rgba(255, 255, 255, 0)) right / 2.5rem 100% no-repeat local,
                radial-gradient(farthest-side at 0 50%, rgba(0, 0, 0, 0.25), rgba(0, 0, 0, 0)) left / 0.9rem 100% no-repeat scroll,
                radial-gradient(farthest-side at 100% 50%, rgba(0, 0, 0, 0.25), rgba(0, 0, 0, 0)) right / 0.9rem 100% no-repeat scroll; }
.vd-scroll:focus-visible { outline: 2px solid #0b57d0; outline-offset: 2px; }
.vd-scroll > table { margin: 0; }
.vd-table::before, .vd-table::after { content: ""; position: absolute; top: 0; bottom: 0; width: 1.1rem;
    pointer-events: none; opacity: 0; transition: opacity 0.2s; z-index: 1; }
.vd-table::before { left: 0; background: linear-gradient(to right, rgba(0, 0, 0, 0.22), rgba(0, 0, 0, 0)); }
.vd-table::after { right: 0; background: linear-gradient(to left, rgba(0, 0, 0, 0.22), rgba(0, 0, 0, 0)); }
.vd-table.vd-more-left::before, .vd-table.vd-more-right::after { opacity: 1; }
.vd-scroll-hint { margin: 0.3rem 0 0.1rem; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
    font-size: 0.85rem; color: #555; }
.vd-scroll-hint[hidden] { display: none; }
code, a { overflow-wrap: anywhere; }
"""

def page_head(title: str, *css: str) -> str:
    """The start of a page the site writes itself (the index, a docs page): up to its own style rules.

    Parameters
    ----------
    title : str
        The page's title, HTML-escaped.
    *css : str
        The shared style sheets the page uses (e.g. :data:`BODY_CSS`, :data:`NAV_CSS`), each followed by a new line.

    Returns
    -------
    str
        The doctype, ``<html lang="en">``, the charset and viewport, the title and an open ``<style>`` with ``css``.
    """
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{title}</title>\n<style>\n" + "".join(f"{sheet}\n" for sheet in css))


#: The inline script that marks tables wider than their box: a hint line above each ("scroll sideways"), and the
#: shadow on each edge that hides columns, updated as the table scrolls and as the window changes size.
SCROLL_SCRIPT = """\
(function () {
  document.querySelectorAll(".vd-table").forEach(function (table) {
    var box = table.querySelector(".vd-scroll");
    var hint = table.previousElementSibling;
    function update() {
      var wider = box.scrollWidth > box.clientWidth + 1;
      table.classList.toggle("vd-more-left", wider && box.scrollLeft > 1);
      table.classList.toggle("vd-more-right", wider && box.scrollLeft + box.clientWidth < box.scrollWidth - 1);
      if (hint && hint.classList.contains("vd-scroll-hint")) { hint.hidden = !wider; }
    }
    box.addEventListener("scroll", update, {passive: true});
    window.addEventListener("resize", update);
    update();
  });
})();"""

_TABLE_START = re.compile(r"<table\b")
_TABLE_END = re.compile(r"</table\s*>")
SCROLL_HINT = ('<p class="vd-scroll-hint" hidden>\u2194 Wider than the page: scroll the table sideways to see '
               'every column.</p>')


def wrap_tables(body: str) -> str:
    """Put every ``<table>`` of an HTML page in a box that scrolls sideways, with its (hidden) hint line above.

    Each table becomes ``<p class="vd-scroll-hint" hidden>…</p><div class="vd-table"><div class="vd-scroll"
    tabindex="0" role="region" aria-label="Table (scrolls sideways)">…</div></div>``; the box can be scrolled
    from the keyboard too. Only real tags are matched: a table shown as code is escaped (``&lt;table``).
    Nested tables get nested boxes.

    Parameters
    ----------
    body : str
        An HTML page or fragment.

    Returns
    -------
    str
        The same HTML with every table wrapped (see :data:`TABLE_CSS` and :data:`SCROLL_SCRIPT`).
    """
    opened = (SCROLL_HINT + '<div class="vd-table"><div class="vd-scroll" tabindex="0" role="region" '
              'aria-label="Table (scrolls sideways)"><table')
    body = _TABLE_START.sub(lambda _: opened, body)
    return _TABLE_END.sub(lambda match: match.group(0) + "</div></div>", body)


#: The template of the notebook pages: nbconvert's "lab" template without its head scripts
#: (require.js and MathJax from a CDN, Mermaid, Jupyter widgets), so that pages display offline,
#: with navigation, code hidden in ``<details>``, figures as links to their full-size file with
#: alt text (both set in the output metadata under :data:`.figures.FIGURE_METADATA`), and CSS for phones.
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
PAGE_CSS = NAV_CSS + TABLE_CSS + """\
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
/* Words are not broken mid-word (nbconvert's style breaks printed outputs between any two letters): they wrap at
   spaces and a longer line scrolls in its box. */
.jp-OutputArea-output pre { word-break: normal; overflow-wrap: normal; }
.jp-RenderedMarkdown { overflow-wrap: normal; word-break: normal; }
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
})();
""" + SCROLL_SCRIPT


@dataclass(frozen=True)
class Page:
    """One page of the site and the file it is made from: a notebook, or a Markdown file of the docs folder.

    Attributes
    ----------
    path : Path
        The notebook or Markdown file.
    title : str
        Its title (its first level-1 heading, else its file name).
    href : str
        The page's file name in the site: ``<stem>.html`` for a notebook, ``docs-<stem>.html`` for a docs page.
    """

    path: Path
    title: str
    href: str

    @property
    def stem(self) -> str:
        """The file's name without its suffix, which names the notebook's figures (``figures/<stem>-<n>.png``)."""
        return self.path.stem

    @property
    def short_title(self) -> str:
        """The title up to its first colon ("04 · Themes per meeting, hand-coded"), for the navigation."""
        return self.title.split(": ", 1)[0]


# --- pages ------------------------------------------------------------------------------------------------------


def html_exporter() -> HTMLExporter:
    """nbconvert's HTML exporter with the offline template, looking for templates in nbconvert's folders only.

    Returns
    -------
    nbconvert.HTMLExporter
        A new exporter of notebook pages (:data:`OFFLINE_TEMPLATE`), to reuse across pages.
    """
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
        Its figures (:func:`~valduchesse.report.figures.notebook_figures`; default: computed here, named
        ``figures/notebook-<n>``), which give each image its alt text and the
        link to its full-size file; :func:`~valduchesse.report.site.build_report` writes those files.
    nav_top, nav_bottom : str, optional
        The navigation bars (:func:`navigation`) put above and below the cells.
    exporter : HTMLExporter, optional
        An exporter made by :func:`html_exporter`, to reuse across pages.

    Returns
    -------
    str
        The page's HTML, without external scripts (see :data:`OFFLINE_TEMPLATE`).
    """
    exporter = exporter or html_exporter()
    if figures is None:
        figures = notebook_figures(notebook, "notebook", title, display_priority(exporter))
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
    return wrap_tables(body.replace(f'alt="{NBCONVERT_PLACEHOLDER_ALT}"', f'alt="{fallback}"'))


# --- the index --------------------------------------------------------------------------------------------------


#: Words of a notebook's markdown that point to a place on its own page ("the tables above", "see below"):
#: quoted on the index, where nothing is above or below, they are made to point to the notebook's page.
POSITIONAL = re.compile(
    r"\b((?:the|these|those|this|that) (?:\w+ )?(?:tables?|figures?|plots?|charts?|graphs?|outputs?|results|"
    r"numbers|lines|rates|shares|counts|lists?|cells?|rows|columns|bars)) (?:above|below)\b|\b(see|as) (?:above|below)\b", re.IGNORECASE)


class SafeRenderer(mistune.HTMLRenderer):
    """Markdown as safe HTML for the site: raw HTML escaped, no image loaded, links kept where they lead somewhere.

    An image shows its alt text. A web link is kept; a link to a file the site has a page of (found by the
    file's name) points at that page; an anchor (``#section``) points into ``anchor_page``; a link to any
    other file of the repository, which the site does not hold, is reduced to its text.

    Parameters
    ----------
    pages : list of Page
        The pages a link may lead to.
    anchor_page : str
        The page an anchor is on ("": the page being rendered).
    """

    def __init__(self, pages: list[Page], anchor_page: str = ""):
        super().__init__(escape=True)
        self.pages = {page.path.name: page.href for page in pages}
        self.anchor_page = anchor_page

    def image(self, text: str, url: str, title: str | None = None) -> str:
        return f"<span>{striptags(text)}</span>"  # alt text is already escaped

    def link(self, text: str, url: str, title: str | None = None) -> str:
        parts = urlsplit(url)
        if parts.scheme in ("http", "https", "mailto") and self.sanitize_url(url) == url:
            href = url
        elif url.startswith("#"):
            href = self.anchor_page + url
        elif not parts.scheme and not parts.netloc and Path(parts.path).name in self.pages:
            href = self.pages[Path(parts.path).name] + (f"#{parts.fragment}" if parts.fragment else "")
        else:  # a file of the repository, which the site does not hold: the text without the link
            return text
        return "<a" + self.render_attrs({"href": href, "title": title}) + ">" + text + "</a>"


class _IndexRenderer(SafeRenderer):
    """Markdown of a notebook rendered for the index: its headings below the index's own, its anchors and its
    words "above" and "below" pointing at the notebook's page."""

    def __init__(self, source: Page, pages: list[Page]):
        super().__init__(pages, source.href)
        self.source = source

    def heading(self, text: str, level: int, **attrs) -> str:
        level = min(level + 2, 6)  # below the index's own h1 and h2
        return f"<h{level}>{text}</h{level}>\n"

    def text(self, text: str) -> str:
        """Escaped text, where "the tables above" (which are on the notebook's page, not on the index) becomes
        "the tables of notebook <link>" (:data:`POSITIONAL`)."""
        escaped = super().text(text)
        link = (f'<a href="{html.escape(self.source.href)}">notebook {html.escape(self.source.short_title)}</a>')
        return POSITIONAL.sub(lambda match: f"{match.group(1)} of {link}" if match.group(1)
                              else f"{match.group(2)} {link}", escaped)


def render_markdown(source: str, page: Page, pages: list[Page]) -> str:
    """Markdown from notebook ``page`` as HTML for the index, safely (see :class:`SafeRenderer`).

    Its headings go below the index's own (level + 2, at most 6), and its anchors and its words "above"
    and "below" point at the notebook's page.

    Parameters
    ----------
    source : str
        The Markdown (a reading or a question of the notebook).
    page : Page
        The notebook's page.
    pages : list of Page
        The site's pages, which a link may lead to.

    Returns
    -------
    str
        The HTML.
    """
    return mistune.create_markdown(renderer=_IndexRenderer(page, pages))(source)
