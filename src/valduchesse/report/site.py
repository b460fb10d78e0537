"""The site: the index (the finding in words, the headline figure, the pages) and :func:`build_report`."""

from __future__ import annotations

import html
import sys
from dataclasses import dataclass
from pathlib import Path
from string import Template

import nbformat

from ..atomic_write import write_atomically
from ..run.guard import WriteRefused, write_refusal
from .docs import doc_pages, write_doc_pages
from .figures import FIGURES_SUBDIR, Figure, display_priority, notebook_figures
from .notebook import code_cell_naming, notebook_question, notebook_reading, notebook_title
from .pages import BODY_CSS, NAV_CSS, Page, html_exporter, navigation, page_head, render_markdown, render_notebook
from .png import png_description, png_size

__all__ = [
    "DEFAULT_HEADLINE", "Headline", "INDEX_TEMPLATE", "ITEM_TEMPLATE", "build_report", "check_output_folder",
    "choose_headline", "site_summary", "site_title", "write_index",
]


DEFAULT_HEADLINE = "themes_by_meeting_hand_coded.png"

INDEX_TEMPLATE = Template("""\
${head}main { padding: 1rem 0; }
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
$docs
</main>
$nav_bottom
</body>
</html>
""")

ITEM_TEMPLATE = Template('<li><a href="$href">$title</a>$question</li>')


def site_title(pages: list[Page], titled: bool) -> str:
    """The site's title: the first notebook's own title (its first level-1 heading), else a plain label.

    Nothing of a particular corpus is written here: the title is what the notebooks given say of themselves,
    so a student's folder gets its own notebooks' title, never this project's.

    Parameters
    ----------
    pages : list of Page
        The notebook pages, in reading order.
    titled : bool
        Whether the first notebook has a level-1 heading (else its page title is its file name).

    Returns
    -------
    str
        The first page's title, or ``Report of <n> notebook(s)``.
    """
    if pages and titled:
        return pages[0].title
    return f"Report of {len(pages)} notebook{'s' if len(pages) != 1 else ''}"


def site_summary(pages: list[Page], docs: list[Page]) -> str:
    """The sentence under the index's title: what the site holds, in counts only (no claim about a corpus).

    Parameters
    ----------
    pages : list of Page
        The notebook pages.
    docs : list of Page
        The documentation pages (none: not mentioned).

    Returns
    -------
    str
        The sentences: how many notebooks (and pages of documentation) the site holds, and that each page
        shows the notebook as saved, its code hidden until asked for.
    """
    notebooks = f"{len(pages)} notebook{'s' if len(pages) != 1 else ''}"
    extra = (f", and {len(docs)} page{'s' if len(docs) != 1 else ''} of documentation" if docs else "")
    return (f"The executed notebooks of this collection as web pages: {notebooks}{extra}. Each notebook listed on "
            "this page has a page of its own, with the tables and figures it was saved with (nothing was run again "
            "to make these pages); the code that made them is hidden until you ask for it.")


def _docs_html(docs: list[Page]) -> str:
    """The index's list of documentation pages, or nothing."""
    if not docs:
        return ""
    items = "\n".join(f'<li><a href="{html.escape(page.href)}">{html.escape(page.title)}</a></li>' for page in docs)
    return f'<h2 id="documentation">Documentation</h2>\n<ul class="vd-docs">\n{items}\n</ul>'


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
                readings: dict[str, tuple[str | None, str | None]], title: str | None = None,
                docs: list[Page] | None = None) -> Path:
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
        Per notebook stem, its reading's markdown (:func:`.notebook.notebook_reading`) and its question (or None).
    title : str, optional
        The site's title (:func:`site_title`; default: that of ``pages``, as if the first notebook had one).
    docs : list of Page, optional
        Documentation pages to list after the notebooks (:func:`.docs.doc_pages`).

    Returns
    -------
    Path
        The index's path.
    """
    finding_heading, finding = _finding_html(headline, readings, pages)
    docs = docs or []
    escaped_title = html.escape(title or site_title(pages, True))
    page = INDEX_TEMPLATE.substitute(
        title=escaped_title, head=page_head(escaped_title, BODY_CSS, NAV_CSS),
        summary=html.escape(site_summary(pages, docs)),
        docs=_docs_html(docs),
        nav_top=navigation(pages, None, "top"),
        nav_bottom=navigation(pages, None, "bottom"),
        finding_heading=finding_heading,
        finding=finding,
        items="\n".join(items),
    )
    index = output_dir / "index.html"
    write_atomically(index, page)
    return index


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

    Parameters
    ----------
    figures_dir : Path
        The folder the headline file is looked for in.
    headline : str
        The headline figure's file name.
    notebooks : dict of str to NotebookNode
        The notebooks read, by stem.
    pages : list of Page
        The notebook pages, in reading order.
    figures : dict of str to list of Figure
        Each notebook's figures, by stem (:mod:`~valduchesse.report.figures`).

    Returns
    -------
    tuple of (Headline, Path or None)
        The figure as the index shows it (its file in the site, alt text, page, note, size), and the
        headline file to copy into the site's ``figures/`` (None when the figure shown is a notebook's own,
        already written there, or there is none).
    """
    stem = Path(headline).stem
    maker = next((page for page in pages if code_cell_naming(notebooks[page.stem], stem) is not None), None)
    path = Path(figures_dir) / headline
    if path.is_file() and maker:
        data = path.read_bytes()
        cell = code_cell_naming(notebooks[maker.stem], stem)
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


def check_output_folder(output_dir: Path) -> None:
    """Refuse, before anything is written, a site folder in the committed collection.

    The repository's root, its ``notebooks/``, ``figures/``, ``texts/`` and
    ``.git/``, a folder git tracks, or any spelling of them (``..``, a
    symbolic link) are refused (every page is then also written through the write guard,
    :func:`valduchesse.atomic_write.write_atomically`).

    Parameters
    ----------
    output_dir : Path
        The site's folder.

    Raises
    ------
    WriteRefused
        If ``output_dir`` is a file or is refused (:func:`~valduchesse.run.guard.write_refusal`), saying
        what to give instead.
    """
    if output_dir.exists() and not output_dir.is_dir():
        raise WriteRefused(f"refused: --output {output_dir} is a file; give a folder for the site, e.g. build/report")
    reason = write_refusal(output_dir)
    if reason:
        raise WriteRefused(f"refused: --output {output_dir} {reason}. The report never writes into the committed "
                           "collection (notebooks/, figures/, texts/, the repository's root or a tracked file): "
                           "give a folder outside them, e.g. --output build/report")


def build_report(notebooks: list[Path], output_dir: Path, figures_dir: Path,
                 headline: str = DEFAULT_HEADLINE, docs_dir: Path | None = None) -> Path:
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
        The executed notebooks (e.g. :func:`valduchesse.run.notebooks.notebook_paths`);
        the site orders them by file name, whatever the order given.
    output_dir : Path
        The site's folder; created if needed, existing pages are overwritten
        (each atomically). Refused in the committed collection
        (:func:`check_output_folder`).
    figures_dir : Path
        The folder that may hold the headline figure; it need not exist.
    headline : str, optional
        The headline figure's file name in ``figures_dir``.
    docs_dir : Path, optional
        A folder of Markdown pages (e.g. the repository's ``docs/``): each is rendered to a page of the site
        and listed on the index (:mod:`.docs`). None, or a folder that does not exist: no such pages.

    Returns
    -------
    Path
        ``output_dir/index.html``.

    Raises
    ------
    ValueError
        If no notebook is given, or a notebook does not exist (the message
        names it); :class:`~valduchesse.run.guard.WriteRefused` (a
        ValueError) if ``output_dir`` is in the committed collection. A missing headline figure is not an error: the index says
        what it shows instead, and a note is printed on stderr.
    """
    notebooks = sorted((Path(path) for path in notebooks), key=lambda path: path.name)
    if not notebooks:
        raise ValueError("no notebooks given: pass the notebooks to render, e.g. notebooks/NN_*.ipynb")
    for path in notebooks:
        _require_file(path, "notebook")
    output_dir = Path(output_dir)
    check_output_folder(output_dir)
    (output_dir / FIGURES_SUBDIR).mkdir(parents=True, exist_ok=True)
    exporter = html_exporter()
    priority = display_priority(exporter)
    read = {path.stem: nbformat.read(path, as_version=4) for path in notebooks}
    pages = [Page(path, notebook_title(read[path.stem], default=path.stem), f"{path.stem}.html") for path in notebooks]
    title = site_title(pages, notebook_title(read[pages[0].stem], default="") != "")
    figures = {page.stem: notebook_figures(read[page.stem], page.stem, page.title, priority) for page in pages}
    for position, (path, page) in enumerate(zip(notebooks, pages)):
        for figure in figures[page.stem]:
            write_atomically(output_dir / figure.file, figure.data)
        body = render_notebook(read[page.stem], page.title, path.parent.resolve(), figures=figures[page.stem],
                               nav_top=navigation(pages, position, "top"),
                               nav_bottom=navigation(pages, position, "bottom"), exporter=exporter)
        write_atomically(output_dir / page.href, body)
    chosen, source = choose_headline(Path(figures_dir), headline, read, pages, figures)
    if source is not None:  # copied as bytes: the same file given twice (--output over --figures) is no error
        write_atomically(output_dir / chosen.file, source.read_bytes())
    if chosen.note:
        print(f"note: {chosen.note}", file=sys.stderr)
    readings = {page.stem: (notebook_reading(read[page.stem]), notebook_question(read[page.stem])) for page in pages}
    items = [_index_item(page, readings[page.stem][1], pages) for page in pages]
    docs = doc_pages(docs_dir)
    write_doc_pages(docs, output_dir)
    return write_index(items, output_dir, chosen, pages, readings, title=title, docs=docs)
