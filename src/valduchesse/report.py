"""A small static HTML site of the executed notebooks, for readers without Jupyter.

:func:`build_report` renders every notebook *as committed* (nothing is
re-executed) to ``<stem>.html`` with nbconvert, and writes an ``index.html``
that links the pages, gives each notebook's title and question, and shows the
headline figure. The site is self-contained and works offline:

* images are embedded in the pages (``embed_images``; output images are
  already data URIs), and the headline figure is copied next to the index;
* nbconvert's "lab" template puts ``<script>`` tags in each page's head that
  load require.js and MathJax from a CDN and set up Mermaid and Jupyter
  widgets. A head script blocks rendering until it loads or fails, and none of
  them is needed by these static pages, so the pages are rendered with a
  template that extends "lab" and empties those blocks (:data:`OFFLINE_TEMPLATE`,
  given to nbconvert as ``raw_template``, no file and no HTML rewriting).
  The price: LaTeX in markdown would show as its source (the notebooks have
  none);
* the index uses no JavaScript and no external resource.

The output is deterministic: rebuilding gives the same bytes (checked across
processes; the tests rebuild and compare). nbconvert's "lab" HTML holds no
date, version or random id; it depends only on the notebook, the template and
the page title passed in, which is the notebook's title, not its location.
Templates are looked up only in nbconvert's own folders
(``extra_template_basedirs=[]``; by default nbconvert also searches the
current folder, so the output could depend on where the command is run).

Usage::

    from valduchesse.report import build_report
    from valduchesse.runner import notebook_paths
    build_report(notebook_paths("notebooks"), Path("build/report"), Path("figures"))
"""

from __future__ import annotations

import html
import shutil
from pathlib import Path
from string import Template

import nbformat
from nbconvert import HTMLExporter

TITLE = "Val Duchesse: what the Belgian–French security declarations speak of, meeting by meeting"
SUMMARY = (
    "A reproducible notebook collection comparing the official texts of the Belgian–French "
    "“Val Duchesse” meetings held after the terrorist attacks of 2015–2016 (Brussels 2016, "
    "Paris 2018, Brussels 2021, and the prime ministers’ communiqué of 2017). Each page below is "
    "one notebook as committed, with its outputs; the figure shows the headline result, from hand-coded sentences."
)
QUESTION_MARK = "**Question.**"
DEFAULT_HEADLINE = "themes_by_meeting_hand_coded.png"
HEADLINE_ALT = {
    DEFAULT_HEADLINE: "Small multiples, one per theme: the share of each meeting's substantive sentences that two "
                      "independent coders coded with the theme, with 95% Wilson intervals and the counts.",
}
HEADLINE_CAPTION = {
    DEFAULT_HEADLINE: "The headline figure (themes_by_meeting_hand_coded.png, from notebook 04): per meeting, the share "
                      "of the most complete text's substantive sentences hand-coded with each theme. Only the 2021 "
                      "text is complete; 2016 and 2018 are openings (2018 with one later excerpt), so a theme absent "
                      "there may be in the rest of those declarations.",
}
FIGURES_SUBDIR = "figures"

#: The template of the notebook pages: nbconvert's "lab" template without its head scripts
#: (require.js and MathJax from a CDN, Mermaid, Jupyter widgets), so that pages display offline.
OFFLINE_TEMPLATE = """\
{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
"""

INDEX_TEMPLATE = Template("""\
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>$title</title>
<style>
body { max-width: 46rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5;
       font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1a1a1a; background: #fff; }
a { color: #0b57d0; }
li { margin-bottom: 0.8rem; }
figure { margin: 2rem 0; }
img { max-width: 100%; height: auto; }
figcaption { font-size: 0.9rem; color: #444; }
</style>
</head>
<body>
<main>
<h1>$title</h1>
<p>$summary</p>
<h2>Notebooks</h2>
<ol>
$items
</ol>
<h2>Headline figure</h2>
<figure>
<img src="$figure_src" alt="$figure_alt">
<figcaption>$figure_caption</figcaption>
</figure>
</main>
</body>
</html>
""")

ITEM_TEMPLATE = Template('<li><a href="$href">$title</a>$question</li>')


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


def _markdown_lines(notebook: nbformat.NotebookNode):
    """Every line of every markdown cell, in order."""
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            yield from cell.source.splitlines()


def render_notebook(notebook: nbformat.NotebookNode, title: str, folder: Path) -> str:
    """The notebook as a self-contained HTML page, from its committed outputs.

    Parameters
    ----------
    notebook : nbformat.NotebookNode
        The notebook, with its outputs; it is not executed.
    title : str
        The page's ``<title>``.
    folder : Path
        The notebook's folder, from which images linked in markdown are read
        and embedded (it does not appear in the page).

    Returns
    -------
    str
        The page's HTML, without external scripts (see :data:`OFFLINE_TEMPLATE`).
    """
    exporter = HTMLExporter(
        template_name="lab",
        raw_template=OFFLINE_TEMPLATE,
        embed_images=True,
        extra_template_basedirs=[],
    )
    resources = {"metadata": {"name": title, "path": str(folder)}}
    body, _ = exporter.from_notebook_node(notebook, resources=resources)
    return body


def _require_file(path: Path, what: str) -> None:
    """Raise a ValueError naming ``path`` when it is not a file."""
    if not path.is_file():
        raise ValueError(f"{what} not found: {path}")


def _index_item(href: str, title: str, question: str | None) -> str:
    """One ``<li>`` of the index: the link to a notebook page and its question."""
    text = "" if question is None else f"<br>{html.escape(question)}"
    return ITEM_TEMPLATE.substitute(href=html.escape(href), title=html.escape(title), question=text)


def write_index(items: list[str], output_dir: Path, figure_name: str) -> Path:
    """Write ``index.html`` listing ``items`` and showing the figure ``figures/<figure_name>``.

    Parameters
    ----------
    items : list of str
        The ``<li>`` elements, in reading order.
    output_dir : Path
        The site's folder.
    figure_name : str
        The headline figure's file name, already copied to ``output_dir/figures``.

    Returns
    -------
    Path
        The index's path.
    """
    page = INDEX_TEMPLATE.substitute(
        title=html.escape(TITLE),
        summary=html.escape(SUMMARY),
        items="\n".join(items),
        figure_src=html.escape(f"{FIGURES_SUBDIR}/{figure_name}"),
        figure_alt=html.escape(HEADLINE_ALT.get(figure_name, f"Headline figure {figure_name}")),
        figure_caption=html.escape(HEADLINE_CAPTION.get(figure_name, f"The headline figure ({figure_name}).")),
    )
    index = output_dir / "index.html"
    index.write_text(page, encoding="utf-8", newline="\n")
    return index


def build_report(notebooks: list[Path], output_dir: Path, figures_dir: Path,
                 headline: str = DEFAULT_HEADLINE) -> Path:
    """Render ``notebooks`` to a static HTML site in ``output_dir`` and return its index.

    Each notebook becomes ``output_dir/<stem>.html``, rendered from its
    committed outputs (never re-executed), with its images embedded. The index
    links the pages in file-name order (the notebooks' numbers), with each notebook's title and
    question, and shows the headline figure, copied to ``output_dir/figures/``.
    Rebuilding gives the same bytes.

    Parameters
    ----------
    notebooks : list of Path
        The executed notebooks (e.g. :func:`valduchesse.runner.notebook_paths`);
        the index lists them sorted by file name, whatever the order given.
    output_dir : Path
        The site's folder; created if needed, existing pages are overwritten.
    figures_dir : Path
        The folder holding the headline figure.
    headline : str, optional
        The headline figure's file name in ``figures_dir``.

    Returns
    -------
    Path
        ``output_dir/index.html``.

    Raises
    ------
    ValueError
        If no notebook is given, or a notebook or the headline figure does not
        exist (the message names it).
    """
    notebooks = sorted((Path(path) for path in notebooks), key=lambda path: path.name)
    figure = Path(figures_dir) / headline
    if not notebooks:
        raise ValueError("no notebooks given: pass the notebooks to render, e.g. notebooks/NN_*.ipynb")
    for path in notebooks:
        _require_file(path, "notebook")
    _require_file(figure, "headline figure")
    output_dir = Path(output_dir)
    (output_dir / FIGURES_SUBDIR).mkdir(parents=True, exist_ok=True)
    items = []
    for path in notebooks:
        notebook = nbformat.read(path, as_version=4)
        title = notebook_title(notebook, default=path.stem)
        page = render_notebook(notebook, title, path.parent.resolve())
        (output_dir / f"{path.stem}.html").write_text(page, encoding="utf-8", newline="\n")
        items.append(_index_item(f"{path.stem}.html", title, notebook_question(notebook)))
    shutil.copyfile(figure, output_dir / FIGURES_SUBDIR / figure.name)
    return write_index(items, output_dir, figure.name)
