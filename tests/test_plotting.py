"""Figures are saved twice (PNG, SVG), come out byte-identical on every run, and are drawn once per file."""

import base64
import hashlib
import io
import os
import re

import matplotlib
import matplotlib.pyplot as plt
import nbformat
import pandas as pd
import pytest
from matplotlib.font_manager import FontProperties
from nbformat.v4 import new_code_cell, new_notebook
from PIL import Image

matplotlib.use("Agg")

from valduchesse.corpus import load_corpus
from valduchesse.corpus_views import availability
from valduchesse.plotting.corpus import COVERAGE_COLOURS, plot_availability
from valduchesse.plotting.style import save_figure, wrap_lines
from valduchesse.plotting.terms import plot_keyness, plot_similarity
from valduchesse.plotting.themes import plot_theme_shares

from valduchesse.run.execute import execute_notebook

from conftest import TEXTS


def digests(paths):
    return [hashlib.sha256(p.read_bytes()).hexdigest() for p in paths]


def test_save_figure_is_byte_identical_across_runs(tmp_path):
    table = availability(load_corpus(TEXTS))
    first = save_figure(plot_availability(table), "grid", tmp_path / "a", "caption")
    second = save_figure(plot_availability(table), "grid", tmp_path / "b", "caption")
    assert [p.name for p in first] == ["grid.png", "grid.svg"]
    assert digests(first) == digests(second)


def test_saved_files_carry_no_date_or_version(tmp_path):
    table = availability(load_corpus(TEXTS))
    png, svg = save_figure(plot_availability(table), "grid", tmp_path, "caption")
    svg_text = svg.read_text(encoding="utf-8")
    assert "<dc:date>" not in svg_text and matplotlib.__version__ not in svg_text
    assert b"Software" not in png.read_bytes()[:400] and matplotlib.__version__.encode() not in png.read_bytes()


def test_availability_figure_is_labelled_and_shows_every_file():
    table = availability(load_corpus(TEXTS))
    fig = plot_availability(table)
    ax = fig.axes[0]
    assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title()
    assert len(ax.patches) == len(table)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == list(COVERAGE_COLOURS)


def test_keyness_chart_has_one_labelled_panel_per_group():
    table = pd.DataFrame({
        "group": ["2016", "2016", "2021"], "rank": [1, 2, 1], "term": ["attentat", "pays", "procès"],
        "target_count": [3, 6, 2], "reference_count": [0, 4, 0], "g2": [6.4, 5.3, 5.5],
    })
    fig = plot_keyness(table, "title")
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in visible] == ["2016", "2021"]
    assert [len(ax.patches) for ax in visible] == [2, 1]
    assert "3/0" in [t.get_text().strip() for t in visible[0].texts]
    assert all(ax.get_xlabel().startswith("G²") for ax in visible)


def test_similarity_heatmap_labels_every_cell():
    table = pd.DataFrame([[1.0, 0.2], [0.2, 1.0]], index=["a", "b"], columns=["a", "b"])
    ax = plot_similarity(table, "title").axes[0]
    assert sorted(t.get_text() for t in ax.texts) == ["0.20", "0.20", "1.00", "1.00"]


def test_keyness_chart_draws_every_group_even_beyond_the_palette():
    groups = [f"g{i:02d}" for i in range(18)]
    table = pd.DataFrame({"group": groups, "rank": 1, "term": "t", "target_count": 2, "reference_count": 0,
                          "g2": 5.0})
    fig = plot_keyness(table, "title", columns=3)
    assert [ax.get_title() for ax in fig.axes if ax.get_visible()] == groups


def test_theme_share_chart_marks_the_rarer_kind_hollow():
    table = pd.DataFrame({"meeting": ["2016 a", "2017 b", "2018 c"], "kind": ["declaration", "communiqué", "declaration"],
                          "language": "fr", "label": "Cyber", "share": 0.5, "share_low": 0.2, "share_high": 0.8})
    fig = plot_theme_shares(table, "title")
    assert fig.get_supxlabel() == "meeting (year; hollow marker: communiqué, not a declaration)"


def test_keyness_of_thousands_of_texts_stays_a_bounded_figure():
    from valduchesse.plotting.terms import MAX_PANELS, plot_keyness

    groups = [f"text {i:04d}" for i in range(600)]
    table = pd.DataFrame({"group": [g for g in groups for _ in range(3)], "rank": [1, 2, 3] * len(groups),
                          "term": ["a", "b", "c"] * len(groups), "g2": [float(i % 50 + 4) for i in range(3 * len(groups))],
                          "target_count": 3, "reference_count": 1})
    fig = plot_keyness(table, "many")
    drawn = [ax for ax in fig.axes if ax.get_visible()]
    assert len(drawn) == MAX_PANELS
    assert f"{MAX_PANELS} of 600 texts" in fig._suptitle.get_text()
    assert fig.get_figheight() < 40


def test_empty_tables_give_a_figure_that_says_so():
    from valduchesse.plotting.terms import plot_keyness
    from valduchesse.plotting.themes import plot_hand_shares

    for fig in (plot_keyness(pd.DataFrame(columns=["group", "rank", "term", "g2"]), "none"),
                plot_hand_shares(pd.DataFrame(columns=["meeting_date", "theme"]), "none")):
        assert any(text.get_text() for ax in fig.axes for text in ax.texts)


def test_save_figure_closes_the_figure_and_keeps_the_png_resolution(tmp_path):
    fig = plot_availability(availability(load_corpus(TEXTS)))
    width, height = fig.get_size_inches()
    png, _ = save_figure(fig, "grid", tmp_path, "caption")
    assert not plt.fignum_exists(fig.number)  # the inline backend has nothing left to draw again
    with Image.open(png) as image:
        assert image.info["dpi"] == pytest.approx((150, 150), abs=0.1)
        assert image.size[0] >= 150 * width * 0.9 and image.size[1] >= 150 * height * 0.9  # caption: taller


def test_svg_keeps_text_as_text_in_the_named_font(tmp_path):
    _, svg = save_figure(plot_availability(availability(load_corpus(TEXTS))), "grid", tmp_path, "a caption")
    text = svg.read_text(encoding="utf-8")
    assert ">a caption</text>" in text and "joint declaration</text>" in text
    assert set(re.findall(r"font-family: ([^;\"]+)", text)) == {"'DejaVu Sans', sans-serif"}
    assert 'id="DejaVuSans-' not in text  # no glyphs drawn as paths


@pytest.mark.slow
def test_a_notebook_shows_each_saved_png_once_after_the_cells_other_outputs(tmp_path):
    notebook = new_notebook(cells=[new_code_cell(
        "import time\n"
        "import matplotlib.pyplot as plt\n"
        "from valduchesse.plotting.style import save_figure\n"
        "fig, ax = plt.subplots(figsize=(3, 2))\n"
        "ax.bar(['a', 'b'], [1, 2])\n"
        "paths = save_figure(fig, 'grid', 'figures', 'caption')"), new_code_cell(
        "for i in range(2):\n"
        "    fig, ax = plt.subplots(figsize=(2, 2))\n"
        "    paths = save_figure(fig, f'f{i}', 'figures', 'caption')\n"
        "    print(i, flush=True)\n"
        "    time.sleep(0.3)  # past the kernel's flush interval (0.2 s): each print is a stream message of its own\n"
        "'last'"), new_code_cell("1")])
    path = tmp_path / "01_figure.ipynb"
    nbformat.write(notebook, path)
    execute_notebook(path)
    cells = nbformat.read(path, as_version=4).cells
    outputs = cells[0].outputs
    assert [o["output_type"] for o in outputs] == ["display_data"]  # not drawn again by the inline backend
    png = (tmp_path / "figures" / "grid.png").read_bytes()
    assert base64.b64decode(outputs[0]["data"]["image/png"]) == png  # the same pixels as the file
    assert re.fullmatch(r"<Figure size \d+x\d+ with 1 Axes>", outputs[0]["data"]["text/plain"])
    with Image.open(io.BytesIO(png)) as image:
        shown = outputs[0]["metadata"]["image/png"]
        assert (shown["width"], shown["height"]) == (round(image.size[0] / 1.5), round(image.size[1] / 1.5))
    # As with the inline backend, the figures come when the cell has finished, after its other outputs; the two
    # prints, sent as two stream messages, are one stream output (the runner merges neighbours).
    assert [o["output_type"] for o in cells[1].outputs] == ["stream", "execute_result", "display_data", "display_data"]
    assert cells[1].outputs[0]["text"] == "0\n1\n"
    assert [base64.b64decode(o["data"]["image/png"]) for o in cells[1].outputs[2:]] == [
        (tmp_path / "figures" / f"f{i}.png").read_bytes() for i in range(2)]
    assert [o["output_type"] for o in cells[2].outputs] == ["execute_result"]  # nothing left over for the next cell


@pytest.mark.slow
def test_chromium_draws_the_svg_text_in_dejavu_sans(tmp_path):
    from test_report import CHROMEDRIVER, CHROMIUM, CHROMIUM_ARGUMENTS

    if not all(os.access(path, os.X_OK) for path in (CHROMIUM, CHROMEDRIVER)):
        pytest.skip("Debian's chromium and chromium-driver are not installed (`make browser`, as root)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    _, svg = save_figure(plot_availability(availability(load_corpus(TEXTS))), "grid", tmp_path, "caption")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in [*CHROMIUM_ARGUMENTS, f"--user-data-dir={tmp_path / 'profile'}"]:
        options.add_argument(argument)
    browser = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        browser.get(svg.as_uri())
        browser.execute_cdp_cmd("DOM.enable", {})
        browser.execute_cdp_cmd("CSS.enable", {})
        root = browser.execute_cdp_cmd("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
        nodes = browser.execute_cdp_cmd("DOM.querySelectorAll", {"nodeId": root, "selector": "text"})["nodeIds"]
        fonts = {font["familyName"] for node in nodes
                 for font in browser.execute_cdp_cmd("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]}
    finally:
        browser.quit()
    assert len(nodes) > 20 and fonts == {"DejaVu Sans"}


def test_captions_are_wrapped_to_the_width_with_every_word_kept_in_order():
    fig = plt.figure(figsize=(4, 2))
    renderer = fig.canvas.get_renderer()
    font = FontProperties(size=8)
    caption = "Openings in 'fr', each cut at a word end; " * 6 + "a-very-long-unbreakable-token-" * 4 + "\nSecond line."
    lines = wrap_lines(caption, renderer, font, 200).split("\n")
    plt.close(fig)
    widths = [renderer.get_text_width_height_descent(line, font, ismath=False)[0] for line in lines]
    assert " ".join(lines).split() == caption.split()
    assert len(lines) > 6 and lines[-1] == "Second line."
    too_wide = [line for line, width in zip(lines, widths) if width > 200.5]
    assert too_wide == ["a-very-long-unbreakable-token-" * 4]  # a word wider than the line gets a line of its own
