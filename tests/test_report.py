"""The HTML report: its index and pages, built from the committed notebooks, and shown in headless Chromium.

The browser tests need Debian's ``chromium`` and ``chromium-driver``
(``make browser``); they are skipped, saying so, where those are missing.
The site is served from a loopback HTTP server started by the tests. They
look at every page at two sizes, a desktop window (1400×900) and a phone
(390×844, emulated with Chromium's device metrics).
"""

import base64
from html import escape as html_escape
import os
import re
import shutil
import threading
from functools import partial
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from PIL import Image, ImageStat
from PIL.PngImagePlugin import PngInfo

from valduchesse.cli import main
from valduchesse.report.figures import NBCONVERT_PLACEHOLDER_ALT
from valduchesse.report.notebook import notebook_question, notebook_reading, notebook_title
from valduchesse.report.png import png_description
from valduchesse.report.site import build_report
from valduchesse.run.notebooks import notebook_paths

NOTEBOOKS = notebook_paths(ROOT / "notebooks")
FIGURES = ROOT / "figures"
HEADLINE = "themes_by_meeting_hand_coded.png"
HEADLINE_NOTEBOOK = "04_themes_hand_coded"
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
CHROMIUM_ARGUMENTS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
    "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--window-size=1400,900",
]
WAIT_SECONDS = 120  # a deadline for polled conditions (they go on as soon as they hold), generous for a loaded machine
DESKTOP, PHONE = (1400, 900), (390, 844)
IMAGES_LOADED = """
const images = Array.from(document.images);
return document.readyState === 'complete' && images.length > 0
    && images.every(img => img.complete && img.naturalWidth > 0);
"""
#: Tags and attributes through which a page could load something (a script, a style sheet, an image, a frame).
RESOURCE_ATTRIBUTES = {"script": "src", "link": "href", "img": "src", "source": "src", "iframe": "src",
                       "embed": "src", "object": "data", "video": "src", "audio": "src", "input": "src"}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The report of the committed notebooks and figures, built once for this module."""
    output = tmp_path_factory.mktemp("report")
    build_report(NOTEBOOKS, output, FIGURES)
    return output


# --- helpers: HTML, PNG and notebooks made in the tests ------------------------------------------------------------


class Elements(HTMLParser):
    """Every start tag of a page, in order, as (tag, attributes), and the text inside <script> and <style>."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags, self.inline, self._open = [], [], None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._open = tag if tag in ("script", "style") else None

    def handle_data(self, data):
        if self._open:
            self.inline.append((self._open, data))

    def handle_endtag(self, tag):
        self._open = None

    def find(self, tag, **attributes):
        return [attrs for name, attrs in self.tags if name == tag
                and all(attrs.get(key.rstrip("_")) == value for key, value in attributes.items())]


def page_elements(path: Path) -> Elements:
    return Elements(path.read_text(encoding="utf-8"))


def nav_links(text: str) -> list[dict[str, str]]:
    """For each <nav> of the page, its links' class → href."""
    links = []
    for nav in re.findall(r"<nav\b.*?</nav>", text, flags=re.S):
        links.append({attrs["class"].split()[0]: attrs["href"] for _, attrs in Elements(nav).tags if "href" in attrs})
    return links


def png(description=None, *, itxt=False, compressed=False, size=(60, 30)) -> bytes:
    """A small PNG made with PIL, with a Description chunk (tEXt, zTXt or iTXt) when given."""
    info = PngInfo()
    if description is not None:
        if itxt:
            info.add_itxt("Description", description, zip=compressed)
        else:
            info.add_text("Description", description, zip=compressed)
    buffer = BytesIO()
    Image.new("RGB", size, (30, 90, 200)).save(buffer, format="PNG", pnginfo=info)
    return buffer.getvalue()


def image_output(data: bytes) -> nbformat.NotebookNode:
    return new_output("display_data", data={"image/png": base64.b64encode(data).decode("ascii"),
                                            "text/plain": "<Figure size 600x300 with 1 Axes>"})


def write_notebook(folder: Path, name: str, cells: list) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    nbformat.write(new_notebook(cells=cells), path)
    return path


# --- without a browser -----------------------------------------------------------------------------------------


def test_index_lists_notebooks_in_number_order_with_titles(site):
    index = (site / "index.html").read_text(encoding="utf-8")
    listing = re.search(r'<ol class="vd-notebooks">(.*?)</ol>', index, flags=re.S).group(1)
    links = re.findall(r'<li><a href="([^"]+)">([^<]+)</a>', listing)
    assert [href for href, _ in links] == [f"{path.stem}.html" for path in NOTEBOOKS]
    for (_, title), path in zip(links, NOTEBOOKS):
        assert title.startswith(path.stem[:2] + " · "), title
        assert (site / f"{path.stem}.html").is_file()
    question = notebook_question(nbformat.read(NOTEBOOKS[4], as_version=4))
    assert f"<p>{question[:40]}" in listing
    assert (site / "figures" / HEADLINE).read_bytes() == (FIGURES / HEADLINE).read_bytes()


def test_notebook_order_does_not_depend_on_the_arguments(site, tmp_path):
    index = build_report(list(reversed(NOTEBOOKS[:2])), tmp_path, FIGURES)
    text = index.read_text(encoding="utf-8")
    assert text.index(f'href="{NOTEBOOKS[0].stem}.html">') < text.index(f'href="{NOTEBOOKS[1].stem}.html">')


def test_pages_load_nothing_from_the_web(site):
    pages = sorted(site.glob("*.html"))
    assert len(pages) == len(NOTEBOOKS) + 1
    for page in pages:
        elements = page_elements(page)
        for tag, attrs in elements.tags:
            value = attrs.get(RESOURCE_ATTRIBUTES.get(tag, ""), "") or ""
            assert not re.match(r"\s*(https?:)?//", value, flags=re.I), (page.name, tag, value[:80])
            assert not re.search(r"(https?:)?//", attrs.get("srcset", "") or ""), (page.name, tag)
        for kind, code in elements.inline:
            assert not re.search(r"url\(\s*['\"]?\s*(https?:)?//|@import", code, flags=re.I), (page.name, kind)
        scripts = elements.find("script")
        assert all("src" not in attrs for attrs in scripts), page.name
        # only the notebook pages have a script: the few lines of the "Show all code" button
        assert len(scripts) == (0 if page.name == "index.html" else 1), page.name


@pytest.mark.slow  # a second build of the whole report: seconds of nbconvert on every committed notebook
def test_rebuilding_gives_identical_bytes(site, tmp_path):
    build_report(NOTEBOOKS, tmp_path, FIGURES)
    built = sorted(path.relative_to(site) for path in site.rglob("*") if path.is_file())
    rebuilt = sorted(path.relative_to(tmp_path) for path in tmp_path.rglob("*") if path.is_file())
    assert built == rebuilt
    for name in built:
        assert (site / name).read_bytes() == (tmp_path / name).read_bytes(), name


def test_missing_notebook_is_named(tmp_path):
    missing = ROOT / "notebooks" / "99_missing.ipynb"
    with pytest.raises(ValueError, match="99_missing.ipynb"):
        build_report([NOTEBOOKS[0], missing], tmp_path / "out", FIGURES)


def test_no_notebooks_is_an_error(tmp_path):
    with pytest.raises(ValueError, match="no notebooks"):
        build_report([], tmp_path / "out", FIGURES)


def test_every_image_has_alt_text_and_a_full_size_file(site):
    for page in sorted(site.glob("*.html")):
        elements = page_elements(page)
        images = elements.find("img")
        assert images, page.name
        for attrs in images:
            alt = attrs.get("alt") or ""
            assert alt.strip() and alt != NBCONVERT_PLACEHOLDER_ALT, (page.name, alt)
        if page.name == "index.html":
            continue
        links = elements.find("a", class_="vd-figure")
        assert len(links) == len(images), page.name
        for attrs, image in zip(links, images):
            full_size = site / attrs["href"]
            assert full_size.is_file(), attrs["href"]
            embedded = base64.b64decode(image["src"].split(",", 1)[1])
            assert full_size.read_bytes() == embedded, attrs["href"]
    alts = [attrs["alt"] for attrs in page_elements(site / "02_trends_and_similarity.html").find("img")]
    assert len(set(alts)) == len(alts), alts  # several figures under one heading are numbered


def test_every_page_has_navigation_at_top_and_bottom(site):
    order = ["index"] + [path.stem for path in NOTEBOOKS]
    for position, stem in enumerate(order):
        text = (site / f"{stem}.html").read_text(encoding="utf-8")
        navs = nav_links(text)
        assert len(navs) == 2, stem
        assert text.index("<nav") < text.index("<main>") < text.index("</main>") < text.rindex("<nav")
        expected = {}
        if stem != "index":
            expected["vd-index"] = "index.html"
            expected["vd-previous"] = f"{order[position - 1]}.html"
        if position + 1 < len(order):
            expected["vd-next"] = f"{order[position + 1]}.html"
        assert navs == [expected, expected], stem


def test_code_is_hidden_in_closed_details_and_outputs_are_not(site):
    page = site / f"{HEADLINE_NOTEBOOK}.html"
    text = page.read_text(encoding="utf-8").split("<body", 1)[1]
    notebook = nbformat.read(ROOT / "notebooks" / f"{HEADLINE_NOTEBOOK}.ipynb", as_version=4)
    details = re.findall(r"<details\b[^>]*>.*?</details>", text, flags=re.S)
    assert len(details) == sum(cell.cell_type == "code" for cell in notebook.cells)
    assert all(block.startswith('<details class="vd-code">') for block in details)  # closed: no "open"
    assert all("jp-InputArea-editor" in block and "jp-Cell-outputWrapper" not in block for block in details)
    assert text.count('class="jp-Cell-outputWrapper"') == sum(cell.cell_type == "code" and bool(cell.outputs)
                                                              for cell in notebook.cells)


def test_index_states_the_finding_in_the_notebooks_words(site):
    index = (site / "index.html").read_text(encoding="utf-8")
    finding = re.search(r'<section class="vd-finding".*?</section>', index, flags=re.S).group(0)
    reading = notebook_reading(nbformat.read(ROOT / "notebooks" / f"{HEADLINE_NOTEBOOK}.ipynb", as_version=4))
    assert reading and reading.startswith("**Reading.**")
    bullets = [line[2:] for line in reading.splitlines() if line.startswith("- ")]
    assert bullets and finding.count("<li>") == len(bullets)
    assert "<strong>Reading.</strong>" in finding and "<ul>" in finding
    first_words = re.sub(r"[*`]", "", bullets[0].split("*", 2)[-1]).strip()[:40]
    assert first_words in finding
    assert f'href="{HEADLINE_NOTEBOOK}.html"' in finding
    figure = re.search(r'<figure class="vd-headline">.*?</figure>', finding, flags=re.S).group(0)
    assert f'<a href="figures/{HEADLINE}"' in figure and f'<img src="figures/{HEADLINE}"' in figure
    assert 'class="vd-note"' not in finding


def test_png_description_reads_text_chunks():
    assert png_description(png("Shares per meeting, with 95% intervals.")) == "Shares per meeting, with 95% intervals."
    assert png_description(png("Gedeeld  tussen\nBrussel en Parijs", compressed=True)) == \
        "Gedeeld tussen Brussel en Parijs"  # zTXt, whitespace collapsed
    not_latin_1 = "Bruxelles–Paris — “sécurité”"  # written as iTXt, UTF-8
    assert png_description(png(not_latin_1, itxt=True)) == not_latin_1
    assert png_description(png(not_latin_1, itxt=True, compressed=True)) == not_latin_1
    assert png_description(png(not_latin_1)) == not_latin_1  # PIL writes iTXt for text that is not Latin-1
    assert png_description(png()) is None
    assert png_description(png("   ")) is None
    assert png_description(b"GIF89a not a png") is None
    assert png_description(png("A caption")[:40]) is None  # cut off inside the header: no error


def test_alt_text_from_the_png_description_else_the_heading(tmp_path):
    notebook = write_notebook(tmp_path / "nb", "01_figures.ipynb", [
        new_markdown_cell("# 01 · Figures: a test\n\n**Question.** Do figures get alt text?"),
        new_markdown_cell("## 1. Described"),
        new_code_cell("plot()", outputs=[image_output(png("Bars: the share of each theme, per meeting."))]),
        new_markdown_cell("## 2. Not described\n\n```\n# a comment in a fenced block, not a heading\n```"),
        new_code_cell("plot(); plot()", outputs=[image_output(png()), image_output(png(size=(80, 40)))]),
    ])
    retina = nbformat.read(notebook, as_version=4)
    retina.cells[-1].outputs[1].metadata = {"image/png": {"width": 40, "height": 20}}  # shown at half size
    nbformat.write(retina, notebook)
    build_report([notebook], tmp_path / "site", tmp_path / "no_figures")
    alts = [attrs["alt"] for attrs in page_elements(tmp_path / "site" / "01_figures.html").find("img")]
    assert alts == ["Bars: the share of each theme, per meeting.",
                    "Figure 1 of 2 for “2. Not described”", "Figure 2 of 2 for “2. Not described”"]
    assert (tmp_path / "site" / "figures" / "01_figures-3.png").read_bytes() == png(size=(80, 40))
    last = page_elements(tmp_path / "site" / "01_figures.html").find("img")[-1]
    assert (last["width"], last["height"]) == ("40", "20")
    links = page_elements(tmp_path / "site" / "01_figures.html").find("a", class_="vd-figure")
    assert [link["href"] for link in links] == [f"figures/01_figures-{n}.png" for n in (1, 2, 3)]


def test_the_reading_is_rendered_safely(tmp_path):
    reading = ("**Reading.** What <b>the</b> numbers show:\n\n"
               "- *First.* <script>alert(1)</script> a [web page](https://example.org/a) and "
               "[a bad link](javascript:alert(1)).\n"
               "- *Second.* ![a tracking pixel](https://example.org/pixel.png) see [notebook 02](02_other.ipynb#top), "
               "[the codebook](../coding/CODEBOOK.md) and [section 1](#1.-Section).\n")
    first = write_notebook(tmp_path / "nb", "01_first.ipynb", [
        new_markdown_cell("# 01 · First"), new_code_cell("save_figure(fig, 'headline_figure', FIGURES_DIR)"),
        new_markdown_cell(reading)])
    second = write_notebook(tmp_path / "nb", "02_other.ipynb", [new_markdown_cell("# 02 · Other")])
    figures = tmp_path / "figures"
    figures.mkdir()
    (figures / "headline_figure.png").write_bytes(png("The headline, described."))
    index = build_report([first, second], tmp_path / "site", figures, headline="headline_figure.png")
    text = index.read_text(encoding="utf-8")
    finding = re.search(r'<section class="vd-finding".*?</section>', text, flags=re.S).group(0)
    assert "<script" not in finding and "<b>" not in finding
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in finding and "&lt;b&gt;the&lt;/b&gt;" in finding
    assert "javascript:" not in finding and "pixel.png" not in finding and "a tracking pixel" in finding
    assert '<a href="https://example.org/a">web page</a>' in finding
    assert '<a href="02_other.html#top">notebook 02</a>' in finding
    assert '<a href="01_first.html#1.-Section">section 1</a>' in finding
    assert "CODEBOOK.md" not in finding and "the codebook" in finding
    assert finding.count("<li>") == 2
    assert 'alt="The headline, described."' in finding
    images = [attrs for tag, attrs in Elements(finding).tags if tag == "img"]
    assert [image["src"] for image in images] == ["figures/headline_figure.png"]


def test_the_question_when_the_notebook_gives_no_reading(tmp_path):
    notebook = write_notebook(tmp_path / "nb", "05_yours.ipynb", [
        new_markdown_cell("# 05 · Yours\n\n**Question.** What do *your* texts say?"),
        new_code_cell("plot()", outputs=[image_output(png())]),
    ])
    index = build_report([notebook], tmp_path / "site", tmp_path / "figures").read_text(encoding="utf-8")
    assert "<h2 id=\"finding\">The question</h2>" in index
    finding = re.search(r'<section class="vd-finding".*?</section>', index, flags=re.S).group(0)
    assert "<p>What do <em>your</em> texts say?</p>" in finding
    assert "gives no reading" in finding


def test_missing_headline_shows_the_last_notebooks_first_figure(site, tmp_path, capsys):
    drawing = [path for path in NOTEBOOKS if "image/png" in path.read_text(encoding="utf-8")]
    first, last = drawing[0], drawing[-1]
    assert first != last
    # the first and the last notebook that draw, and those after the last (cheaper than all): the last one's is shown
    chosen = [first, *NOTEBOOKS[NOTEBOOKS.index(last):]]
    index = build_report(chosen, tmp_path / "site", tmp_path / "empty_figures").read_text(encoding="utf-8")
    figure = re.search(r'<figure class="vd-headline">.*?</figure>', index, flags=re.S).group(0)
    assert f'src="figures/{last.stem}-1.png"' in figure and f'href="figures/{last.stem}-1.png"' in figure
    assert (tmp_path / "site" / "figures" / f"{last.stem}-1.png").read_bytes() == \
        (site / "figures" / f"{last.stem}-1.png").read_bytes()
    note = re.search(r'<p class="vd-note">(.*?)</p>', index).group(1)
    assert HEADLINE in note and "not in the figures folder" in note
    assert HEADLINE in capsys.readouterr().err
    assert not (tmp_path / "site" / "figures" / HEADLINE).exists()


def test_a_headline_file_no_notebook_makes_is_not_shown(tmp_path, capsys):
    """The repository's headline beside a student's notebook 05 (``report --folder output`` from the root)."""
    index = build_report([ROOT / "notebooks" / "05_your_own_corpus.ipynb"], tmp_path / "site", FIGURES)
    text = index.read_text(encoding="utf-8")
    assert HEADLINE not in re.search(r'<figure class="vd-headline">.*?</figure>', text, flags=re.S).group(0)
    assert 'src="figures/05_your_own_corpus-1.png"' in text
    assert "not made by any of these notebooks" in re.search(r'<p class="vd-note">(.*?)</p>', text).group(1)
    assert not (tmp_path / "site" / "figures" / HEADLINE).exists()
    assert "not made by any of these notebooks" in capsys.readouterr().err


def test_no_figure_at_all_is_said_not_an_error(tmp_path, capsys):
    notebook = write_notebook(tmp_path / "nb", "00_text_only.ipynb", [
        new_markdown_cell("# 00 · Text only\n\n**Question.** Is a figure needed?"),
        new_code_cell("print(1)", outputs=[new_output("stream", name="stdout", text="1\n")]),
    ])
    index = build_report([notebook], tmp_path / "site", tmp_path / "missing").read_text(encoding="utf-8")
    assert "<figure" not in index and "<img" not in index
    assert "No figure" in re.search(r'<p class="vd-note">(.*?)</p>', index).group(1)
    assert "No figure" in capsys.readouterr().err


def test_report_command_on_a_students_output_folder(tmp_path, monkeypatch, capsys):
    """``report --folder output`` where no headline figure is: from a folder without figures/, and with --figures."""
    output = tmp_path / "output"
    output.mkdir()
    student = shutil.copy(ROOT / "notebooks" / "05_your_own_corpus.ipynb", output)
    (output / "figures").mkdir()
    monkeypatch.chdir(tmp_path)
    assert main(["report", "--folder", "output", "--output", "site"]) == 0
    assert main(["report", "--folder", "output", "--figures", "output/figures", "--output", "site2"]) == 0
    assert "report written" in capsys.readouterr().out
    for name in ("site", "site2"):
        index = (tmp_path / name / "index.html").read_text(encoding="utf-8")
        assert f'src="figures/{Path(student).stem}-1.png"' in index
        assert (tmp_path / name / f"{Path(student).stem}.html").is_file()


def test_title_and_finding_come_from_the_folders_own_notebooks(tmp_path):
    """A student's folder: the index's title is its first notebook's, the finding its reading; nothing of this
    project's is written in: no page of the site (index or notebook page) names this project's study."""
    first = write_notebook(tmp_path / "mine", "01_mine.ipynb", [
        new_markdown_cell("# 01 · My corpus: what my texts say\n\n**Question.** What do my texts say?"),
        new_code_cell("plot()", outputs=[image_output(png("Counts per text. Bars: counts."))]),
        new_markdown_cell("**Reading.** My texts say little (see the table above)."),
    ])
    index = build_report([first], tmp_path / "site", tmp_path / "no_figures").read_text(encoding="utf-8")
    assert re.search(r"<title>01 · My corpus: what my texts say</title>", index)
    assert "<h1>01 · My corpus: what my texts say</h1>" in index
    finding = re.search(r'<section class="vd-finding".*?</section>', index, flags=re.S).group(0)
    assert "My texts say little" in finding
    assert "Val Duchesse" not in index and "Belgian" not in index
    untitled = write_notebook(tmp_path / "plain", "01_plain.ipynb", [new_code_cell("print(1)")])
    plain = build_report([untitled], tmp_path / "site2", tmp_path / "no_figures").read_text(encoding="utf-8")
    assert "<h1>Report of 1 notebook</h1>" in plain
    pages = sorted((tmp_path / "site").glob("*.html")) + sorted((tmp_path / "site2").glob("*.html"))
    assert len(pages) == 4  # each site: its index and its one notebook's page
    for page in pages:
        html = page.read_text(encoding="utf-8")
        for word in ("Val Duchesse", "Belgian", "Belgium"):
            assert word not in html, f"{page.name} says {word!r}, which none of the folder's notebooks says"


def test_index_of_the_collection_takes_the_first_notebooks_title(site):
    index = (site / "index.html").read_text(encoding="utf-8")
    title = notebook_title(nbformat.read(NOTEBOOKS[0], as_version=4), "")
    assert title and f"<h1>{html_escape(title)}</h1>" in index


def test_the_index_points_to_no_table_above_or_below(site):
    """A reading quoted on the index that says "the tables above" points to its notebook's page instead."""
    index = (site / "index.html").read_text(encoding="utf-8")
    main_part = re.search(r"<main>.*</main>", index, flags=re.S).group(0)
    # the page's own words: "the figure below" where a figure is below; the rest is quoted from the notebooks
    quoted = re.sub(r'<p class="vd-source">.*?</p>|<figure\b.*?</figure>', "", main_part, flags=re.S)
    text = re.sub(r"<[^>]+>", "", quoted)
    assert not re.search(r"\b(above|below)\b", text), re.findall(r".{60}\b(?:above|below)\b.{20}", text)
    reading = notebook_reading(nbformat.read(ROOT / "notebooks" / f"{HEADLINE_NOTEBOOK}.ipynb", as_version=4))
    if "tables above" in reading:  # the committed reading says so: the index links the page instead
        assert f'the tables of <a href="{HEADLINE_NOTEBOOK}.html">notebook ' in main_part


def test_tables_sit_in_boxes_that_scroll(site):
    pages = sorted(site.glob("0*.html"))
    tables = 0
    for page in pages:
        text = page.read_text(encoding="utf-8")
        count = len(re.findall(r"<table\b", text))
        tables += count
        assert count == text.count('<div class="vd-scroll" tabindex="0"'), page.name
        assert count == text.count('<p class="vd-scroll-hint" hidden>'), page.name
        assert len(re.findall(r'aria-label="Table \(scrolls sideways\)"><table\b', text)) == count, page.name
    assert tables > 0
    from valduchesse.report.pages import PAGE_CSS, TABLE_CSS, wrap_tables
    assert "break-all" not in PAGE_CSS + TABLE_CSS
    wrapped = wrap_tables("<p>&lt;table&gt;</p><table><tr><td><table></table></td></tr></table>")
    assert wrapped.count('class="vd-scroll"') == 2 and wrapped.count("</table></div></div>") == 2
    assert "&lt;table&gt;" in wrapped


def test_docs_pages_are_rendered_safely_and_linked_from_the_index(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "b_methods.md").write_text(
        "# Methods <b>in</b> short\n\nSee [the speed page](a_speed.md#top), [the README](../README.md), "
        "[a site](https://example.org/) and [bad](javascript:alert(1)).\n\n<script>alert(1)</script>\n\n"
        "![a pixel](https://example.org/p.png)\n\n| a | b |\n|---|---|\n| 1 | 2 |\n", encoding="utf-8")
    (docs / "a_speed.md").write_text("Speed, without a heading.\n", encoding="utf-8")
    (docs / "notes.txt").write_text("not markdown", encoding="utf-8")
    notebook = write_notebook(tmp_path / "nb", "01_one.ipynb", [new_markdown_cell("# 01 · One")])
    index = build_report([notebook], tmp_path / "site", tmp_path / "figures", docs_dir=docs).read_text(
        encoding="utf-8")
    listing = re.search(r'<ul class="vd-docs">(.*?)</ul>', index, flags=re.S).group(1)
    assert re.findall(r'<a href="([^"]+)">([^<]+)</a>', listing) == [
        ("docs-a_speed.html", "a_speed"), ("docs-b_methods.html", "Methods &lt;b&gt;in&lt;/b&gt; short")]
    page = (tmp_path / "site" / "docs-b_methods.html").read_text(encoding="utf-8")
    body = re.search(r"<main>.*</main>", page, flags=re.S).group(0)
    assert "<script>alert" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<b>" not in body and "javascript:" not in body and "p.png" not in body and "a pixel" in body
    assert '<a href="docs-a_speed.html#top">the speed page</a>' in body
    assert '<a href="https://example.org/">a site</a>' in body
    assert "README.md" not in body and "the README" in body
    assert body.count('class="vd-scroll"') == 1 and "<td>1</td>" in body
    assert nav_links(page) == [{"vd-index": "index.html"}] * 2
    assert not (tmp_path / "site" / "docs-notes.html").exists()
    elements = page_elements(tmp_path / "site" / "docs-b_methods.html")
    assert all("src" not in attrs for attrs in elements.find("script"))
    # no docs folder: no section; the command refuses a --docs that is not a folder, naming it
    plain = build_report([notebook], tmp_path / "site2", tmp_path / "figures", docs_dir=tmp_path / "none")
    assert "vd-docs" not in plain.read_text(encoding="utf-8")
    assert main(["report", str(notebook), "--output", str(tmp_path / "site3"), "--docs",
                 str(tmp_path / "missing_docs")]) == 2


def test_titles_and_readings_of_the_notebooks():
    for path in NOTEBOOKS:
        notebook = nbformat.read(path, as_version=4)
        assert notebook_title(notebook, "none").startswith(path.stem[:2])
        reading = notebook_reading(notebook)
        assert reading is None or reading.startswith("**Reading.**")
    assert notebook_reading(nbformat.read(ROOT / "notebooks" / f"{HEADLINE_NOTEBOOK}.ipynb", as_version=4))


# --- in headless Chromium ---------------------------------------------------------------------------------------


class _QuietHandler(SimpleHTTPRequestHandler):
    """Serve files without logging every request to stderr."""

    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="module")
def server(site):
    """The base URL of a loopback HTTP server serving the report, shut down after the module."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(site)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def driver(tmp_path_factory):
    """Headless Debian Chromium through its chromedriver; never a driver downloaded by selenium-manager."""
    missing = [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not os.access(path, os.X_OK)]
    if missing:
        pytest.skip(f"{', '.join(missing)} not found: install Debian's chromium and chromium-driver "
                    "(`make browser`, as root) to run the browser tests")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in CHROMIUM_ARGUMENTS:
        options.add_argument(argument)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    browser = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        browser.set_page_load_timeout(WAIT_SECONDS * 2)
        yield browser
    finally:
        browser.quit()


def set_viewport(driver, size):
    """Make the page's viewport ``size`` (width, height) in CSS pixels; a phone (touch, mobile) when narrow."""
    width, height = size
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})


def open_and_wait(driver, url):
    """Load ``url`` and wait until the page is complete and every image on it is loaded."""
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(url)
    WebDriverWait(driver, WAIT_SECONDS).until(
        lambda d: d.execute_script(IMAGES_LOADED),
        message=f"{url}: not every image loaded within {WAIT_SECONDS} s",
    )


def assert_no_horizontal_overflow(driver, width):
    inner, scroll = driver.execute_script("return [window.innerWidth, document.documentElement.scrollWidth];")
    assert inner == width, f"{driver.current_url}: viewport {inner} px wide, not {width}"
    assert scroll <= inner, f"{driver.current_url}: the page is {scroll} px wide in a {inner} px window"


def visible(driver, element) -> bool:
    """Whether ``element`` is rendered (also false inside a closed <details>)."""
    return driver.execute_script("return arguments[0].checkVisibility();", element)


def assert_page_shown(driver, path):
    """The page has visible text, and a screenshot of it saved at ``path`` is not blank."""
    from selenium.webdriver.common.by import By

    assert driver.find_element(By.TAG_NAME, "body").text.strip(), f"{driver.current_url}: no visible text"
    assert driver.save_screenshot(str(path))
    with Image.open(path) as shot:
        assert shot.width > 0 and shot.height > 0
        rgb = shot.convert("RGB")
        colours = rgb.getcolors(maxcolors=1 << 16)
        spread = max(ImageStat.Stat(rgb).stddev)
    assert colours is None or len(colours) > 10, f"{path.name}: only {len(colours)} colour(s)"
    assert spread > 5, f"{path.name}: nearly uniform (pixel standard deviation {spread:.1f})"


BREAK_ALL = """
return Array.from(document.querySelectorAll('*')).filter(e => getComputedStyle(e).wordBreak === 'break-all')
    .map(e => e.tagName + '.' + e.className).slice(0, 5);
"""
#: Per table of the page: whether its parent is the scrolling box, the box's overflow-x, whether the table is wider
#: than its box, whether the hint above it is shown, the box's edge classes, and whether the table stays in the page.
TABLES = """
return Array.from(document.querySelectorAll('table')).map(table => {
    const box = table.parentElement, frame = box.parentElement, hint = frame.previousElementSibling;
    return {inBox: box.classList.contains('vd-scroll') && frame.classList.contains('vd-table'),
            overflow: getComputedStyle(box).overflowX, wider: box.scrollWidth > box.clientWidth + 1,
            hint: !!hint && hint.classList.contains('vd-scroll-hint') && hint.checkVisibility(),
            right: frame.classList.contains('vd-more-right'), left: frame.classList.contains('vd-more-left'),
            boxRight: box.getBoundingClientRect().right <= window.innerWidth + 1};
});
"""


def assert_alt_texts_start_with_the_subject(driver, site, stem):
    """Each figure linked to its full-size PNG has an alt text that starts with the PNG's title (what it shows)."""
    pairs = driver.execute_script(
        "return Array.from(document.querySelectorAll('a.vd-figure img, figure.vd-headline img'), img => "
        "[img.getAttribute('alt'), img.closest('a').getAttribute('href')]);")
    for alt, href in pairs:
        if not href.endswith(".png"):
            continue
        title = png_description((site / href).read_bytes(), "Title")
        if title is not None:
            assert alt.startswith(title), (stem, href, alt[:120])
    return len(pairs)


@pytest.mark.slow
@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_every_page_in_browser(driver, server, site, size, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    set_viewport(driver, size)
    order = ["index"] + [path.stem for path in NOTEBOOKS]
    wide_tables = 0
    for position, stem in enumerate(order):
        open_and_wait(driver, f"{server}/{stem}.html")
        assert_no_horizontal_overflow(driver, size[0])
        assert driver.execute_script(BREAK_ALL) == [], f"{stem}: words broken anywhere"
        tables = driver.execute_script(TABLES)
        for number, table in enumerate(tables):
            assert table["inBox"] and table["overflow"] in ("auto", "scroll") and table["boxRight"], (stem, table)
            assert table["hint"] == table["wider"] and table["right"] == table["wider"], (stem, number, table)
        figures = assert_alt_texts_start_with_the_subject(driver, site, stem)
        assert figures == 1 if stem == "index" else figures > 0, (stem, figures)
        wider = [number for number, table in enumerate(tables) if table["wider"]]
        wide_tables += len(wider)
        if wider:  # scrolled to its end, the table's left edge shows the shadow and the right one does not
            driver.execute_script("const box = document.querySelectorAll('table')[arguments[0]].parentElement; "
                                  "box.scrollLeft = box.scrollWidth;", wider[0])
            WebDriverWait(driver, WAIT_SECONDS).until(lambda d: (lambda t: t["left"] and not t["right"])(
                d.execute_script(TABLES)[wider[0]]), message=f"{stem}: edge shadows not updated on scroll")
        if stem in ("index", HEADLINE_NOTEBOOK):
            assert_page_shown(driver, tmp_path / f"{stem}-{size[0]}.png")
        alts = driver.execute_script("return Array.from(document.images, img => img.getAttribute('alt'));")
        assert all(alt and alt.strip() and alt != NBCONVERT_PLACEHOLDER_ALT for alt in alts), (stem, alts)
        navs = driver.find_elements(By.CSS_SELECTOR, "nav.vd-nav")
        assert [nav.get_attribute("class").split()[-1] for nav in navs] == ["vd-nav-top", "vd-nav-bottom"]
        next_links = driver.find_elements(By.CSS_SELECTOR, "nav a[rel=next]")
        if position + 1 < len(order):
            assert [link.get_attribute("href") for link in next_links] == [f"{server}/{order[position + 1]}.html"] * 2
            assert all(visible(driver, link) for link in next_links)
        if stem == "index":
            figure = driver.find_element(By.CSS_SELECTOR, "figure.vd-headline img")
            assert figure.size["width"] >= min(size[0] - 40, 1000), figure.size  # large: the page's width
            assert driver.find_element(By.CSS_SELECTOR, "section.vd-finding ul").text.strip()
            continue
        assert driver.find_element(By.CSS_SELECTOR, "nav a.vd-index").get_attribute("href") == f"{server}/index.html"
        previous = driver.find_element(By.CSS_SELECTOR, "nav a[rel=prev]").get_attribute("href")
        assert previous == f"{server}/{order[position - 1]}.html"
        editors = driver.find_elements(By.CSS_SELECTOR, ".jp-InputArea-editor")
        assert editors and not any(visible(driver, editor) for editor in editors), f"{stem}: code shown"
        outputs = driver.find_elements(By.CSS_SELECTOR, ".jp-OutputArea-output")
        assert outputs and all(visible(driver, output) for output in outputs[:5]), f"{stem}: outputs hidden"
    if size == PHONE:
        assert wide_tables > 0, "no table is wider than a phone: the scrolling boxes went untested"


@pytest.mark.slow
@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_code_toggle_in_browser(driver, server, size):
    from selenium.webdriver.common.by import By

    set_viewport(driver, size)
    open_and_wait(driver, f"{server}/{HEADLINE_NOTEBOOK}.html")
    cells = driver.find_elements(By.CSS_SELECTOR, "details.vd-code")
    editor = cells[0].find_element(By.CSS_SELECTOR, ".jp-InputArea-editor")
    assert not visible(driver, editor)
    cells[0].find_element(By.TAG_NAME, "summary").click()
    assert visible(driver, editor) and "FIGURES_DIR" in editor.text
    assert not visible(driver, cells[1].find_element(By.CSS_SELECTOR, ".jp-InputArea-editor"))
    button = driver.find_element(By.CSS_SELECTOR, "button.vd-all-code")
    assert visible(driver, button) and button.text == "Show all code"
    button.click()
    assert all(visible(driver, cell.find_element(By.CSS_SELECTOR, ".jp-InputArea-editor")) for cell in cells)
    assert button.text == "Hide all code"
    # all the code shown, the page is still no wider than the window: long lines scroll inside their box
    assert_no_horizontal_overflow(driver, size[0])
    if size == PHONE:
        # code lines and wide tables scroll in their own boxes (a table in the box around it, not in the output's)
        for selector, some in ((".jp-InputArea-editor", True), (".vd-scroll", True), (".jp-OutputArea-output", False)):
            boxes = driver.execute_script(
                "return Array.from(document.querySelectorAll(arguments[0]), e => "
                "[e.scrollWidth > e.clientWidth, getComputedStyle(e).overflowX]).filter(b => b[0]);", selector)
            assert (bool(boxes) or not some) and all(overflow in ("auto", "scroll") for _, overflow in boxes), selector
    button.click()
    assert not any(visible(driver, cell.find_element(By.CSS_SELECTOR, ".jp-InputArea-editor")) for cell in cells)


@pytest.mark.slow
def test_navigation_and_figure_links_work(driver, server):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    def follow(selector, expected):
        driver.find_element(By.CSS_SELECTOR, selector).click()
        WebDriverWait(driver, WAIT_SECONDS).until(expected_conditions.url_to_be(f"{server}/{expected}"))
        WebDriverWait(driver, WAIT_SECONDS).until(lambda d: d.execute_script(IMAGES_LOADED))

    set_viewport(driver, PHONE)
    open_and_wait(driver, f"{server}/index.html")
    follow("nav.vd-nav-top a[rel=next]", f"{NOTEBOOKS[0].stem}.html")
    follow("nav.vd-nav-bottom a[rel=next]", f"{NOTEBOOKS[1].stem}.html")
    follow("nav.vd-nav-top a[rel=prev]", f"{NOTEBOOKS[0].stem}.html")
    follow("nav.vd-nav-bottom a[rel=prev]", "index.html")
    follow(f'ol.vd-notebooks a[href="{HEADLINE_NOTEBOOK}.html"]', f"{HEADLINE_NOTEBOOK}.html")
    assert driver.find_element(By.TAG_NAME, "h1").text.startswith("04 · Themes per meeting, hand-coded")
    shown = driver.execute_script("const img = document.querySelector('a.vd-figure img'); "
                                  "return [img.naturalWidth, img.naturalHeight];")
    follow("a.vd-figure", f"figures/{HEADLINE_NOTEBOOK}-1.png")
    assert driver.execute_script("return [document.images[0].naturalWidth, document.images[0].naturalHeight];") == shown
    driver.back()
    WebDriverWait(driver, WAIT_SECONDS).until(expected_conditions.url_to_be(f"{server}/{HEADLINE_NOTEBOOK}.html"))
    follow("nav.vd-nav-top a.vd-index", "index.html")
    follow("figure.vd-headline a", f"figures/{HEADLINE}")
    with Image.open(FIGURES / HEADLINE) as full:
        assert driver.execute_script("return document.images[0].naturalWidth;") == full.width
