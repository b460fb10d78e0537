"""A small static HTML site of the executed notebooks, for readers without Jupyter.

Modules: :mod:`~valduchesse.report.site` (the index and :func:`~valduchesse.report.site.build_report`),
:mod:`~valduchesse.report.docs` (the pages of a ``docs/`` folder),
:mod:`~valduchesse.report.pages` (one notebook's page), :mod:`~valduchesse.report.figures` (its figures),
:mod:`~valduchesse.report.notebook` (its title, question and reading), :mod:`~valduchesse.report.png` (a PNG's
caption and size).

:func:`~valduchesse.report.site.build_report` renders every notebook *as saved* (nothing is
re-executed) to ``<stem>.html`` with nbconvert, and writes an ``index.html``
that states the finding in words, shows the headline figure large and links
the pages with each notebook's title and question. The index's title is the
first notebook's own title, its finding a notebook's own reading: nothing
about a corpus is written in this package, so a student's folder gets a site
that speaks for its own notebooks. The Markdown pages of a ``docs/`` folder, if
given, become pages of the site too (:mod:`~valduchesse.report.docs`). It is
written for readers who do not program:

* every page has the same navigation at its top and its bottom: the index,
  the previous and the next page (reading order: index, then the notebooks
  by number);
* the code is hidden: each code cell's input is in a ``<details>`` element
  ("Show code"), so it opens with a click and needs no script; outputs stay
  visible. A few lines of inline script add a "Show all code" button (without
  script the button stays hidden and everything else works);
* every image has real alternative text: the description that
  :func:`valduchesse.plotting.style.save_figure` writes into the PNG's ``tEXt``
  (or ``iTXt``/``zTXt``) chunk with keyword ``Description``, which says first
  what the figure shows (its title), then how it was made (its caption;
  :func:`valduchesse.plotting.captions.figure_description`)
  (:func:`~valduchesse.report.png.png_description`), or else "Figure for “<nearest heading above>”";
  never nbconvert's "No description has been provided for this image";
* every figure is a link to its full-size file (``figures/<stem>-<n>.png``,
  written next to the pages; a link to a ``data:`` URL would be blocked by
  browsers), so it can be enlarged and zoomed, on a phone too;
* on a phone the page body never scrolls sideways: code and wide tables
  scroll inside their own box, prompts are dropped. A table wider than its
  box says so: a hint line above it and a shadow on the edge that hides
  columns (:func:`~valduchesse.report.pages.wrap_tables`). Words are never
  broken mid-word (nbconvert's ``break-all`` is undone); only code and links
  (long paths, URLs) may wrap anywhere;
* words of a reading that point to a place on the notebook's page ("the
  tables above") point, on the index, to that page instead.

The site is self-contained and works offline:

* images are embedded in the pages (output images are already data URIs,
  ``embed_images`` embeds images of markdown cells); the full-size copies and
  the headline figure are files in ``figures/`` next to the pages;
* nbconvert's "lab" template puts ``<script>`` tags in each page's head that
  load require.js and MathJax from a CDN and set up Mermaid and Jupyter
  widgets. A head script blocks rendering until it loads or fails, and none of
  them is needed by these static pages, so the pages are rendered with a
  template that extends "lab" and empties those blocks (:data:`~valduchesse.report.pages.OFFLINE_TEMPLATE`,
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

    from valduchesse.report.site import build_report
    from valduchesse.run.notebooks import notebook_paths
    build_report(notebook_paths("notebooks"), Path("build/report"), Path("figures"))
"""

__all__ = []
