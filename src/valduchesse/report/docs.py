"""The Markdown pages of a ``docs/`` folder, rendered into the site beside the notebooks' pages.

Every ``*.md`` file directly in the folder (sorted by name; no name is special) becomes ``docs-<stem>.html``,
rendered with mistune as the index's reading is: raw HTML escaped, no image loaded (its alt text is shown), web
links kept, links between the folder's pages pointed at their pages, links to other files of the repository (which
the site does not hold) reduced to their text. Its title is its first level-1 heading, else its file name. The
pages use no script but the few lines that mark wide tables (:data:`~valduchesse.report.pages.SCROLL_SCRIPT`) and
load nothing from the web.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from string import Template

import mistune

from ..atomic_write import write_atomically
from .pages import BODY_CSS, NAV_CSS, SCROLL_SCRIPT, TABLE_CSS, Page, SafeRenderer, page_head, wrap_tables

__all__ = ["DOC_TEMPLATE", "doc_pages", "render_doc", "write_doc_pages"]


DOC_TEMPLATE = Template("""\
${head}main { padding: 1rem 0; }
main > :not(.vd-table) { max-width: 46rem; }
h1 { font-size: 1.7rem; line-height: 1.25; }
a { color: #0b57d0; }
table { border-collapse: collapse; font-size: 0.9rem; }
th, td { border: 1px solid #d0d0d0; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
pre { overflow-x: auto; background: #f6f6f6; padding: 0.6rem; }
pre code { overflow-wrap: normal; }
code { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.88em;
       background: #f3f3f3; padding: 0 0.2em; border-radius: 0.2em; }
.vd-source { font-size: 0.95rem; color: #444; }
</style>
</head>
<body>
$nav_top
<main>
<p class="vd-source">A page of the documentation ($file).</p>
$body
</main>
$nav_bottom
<script>
$script
</script>
</body>
</html>
""")


def _title(source: str, default: str) -> str:
    """The text of the first ``# `` heading outside fenced code, without marks, or ``default``."""
    fence = False
    for line in source.splitlines():
        if re.match(r"^ {0,3}(`{3,}|~{3,})", line):
            fence = not fence
        elif not fence and re.match(r"^ {0,3}# ", line):
            text = re.sub(r"[*`]", "", line.strip()[2:]).strip(" #")
            return " ".join(re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text).split()) or default
    return default


def doc_pages(folder: Path | None) -> list[Page]:
    """The Markdown files directly in ``folder``, sorted by name, with their titles; none if it is no folder.

    Parameters
    ----------
    folder : Path or None
        A ``docs/`` folder; it need not exist.

    Returns
    -------
    list of Page
        Each file's page, ``docs-<stem>.html``.
    """
    if folder is None or not Path(folder).is_dir():
        return []
    files = sorted((path for path in Path(folder).iterdir() if path.suffix.lower() == ".md" and path.is_file()),
                   key=lambda path: path.name)
    return [Page(path, _title(path.read_text(encoding="utf-8"), path.stem), f"docs-{path.stem}.html") for path in files]


def render_doc(source: str, pages: list[Page]) -> str:
    """A docs page's Markdown as safe HTML, its tables in scrolling boxes.

    Rendered with mistune (tables and strikethrough on) through
    :class:`~valduchesse.report.pages.SafeRenderer`; each table wrapped by
    :func:`~valduchesse.report.pages.wrap_tables`.

    Parameters
    ----------
    source : str
        The page's Markdown.
    pages : list of Page
        The site's pages, which a link may lead to.

    Returns
    -------
    str
        The HTML.
    """
    markdown = mistune.create_markdown(renderer=SafeRenderer(pages), plugins=["table", "strikethrough"])
    return wrap_tables(markdown(source))


def write_doc_pages(pages: list[Page], output_dir: Path) -> list[Path]:
    """Write each docs page to ``output_dir/<href>``, with a link to the index above and below it.

    Parameters
    ----------
    pages : list of Page
        :func:`doc_pages`.
    output_dir : Path
        The site's folder.

    Returns
    -------
    list of Path
        The pages written.
    """
    written = []
    for page in pages:
        nav = ('<nav class="vd-nav vd-nav-{where}" aria-label="{label}">\n'
               '<a class="vd-index" href="index.html">Index</a>\n</nav>')
        text = DOC_TEMPLATE.substitute(
            head=page_head(html.escape(page.title), BODY_CSS, NAV_CSS, TABLE_CSS),
            nav_top=nav.format(where="top", label="Pages"), nav_bottom=nav.format(where="bottom", label="Pages (end of page)"),
            file=html.escape(f"{page.path.parent.name}/{page.path.name}"), body=render_doc(page.path.read_text(encoding="utf-8"), pages).strip(),
            script=SCROLL_SCRIPT)
        write_atomically(output_dir / page.href, text)
        written.append(output_dir / page.href)
    return written
