"""Figures are saved twice (PNG, SVG) and come out byte-identical on every run."""

import hashlib

import matplotlib

matplotlib.use("Agg")

from valduchesse.corpus import availability, load_corpus
from valduchesse.plotting import COVERAGE_COLOURS, plot_availability, save_figure

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
