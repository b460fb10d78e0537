"""The test command's plugin: strict nbval's run also checks the figures, and a failure says what to do."""

import os
import subprocess
import sys

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from valduchesse.plotting import CHECKED_FIGURES_VARIABLE
from valduchesse.pytest_plugin import figure_differences

DRAW = """\
from valduchesse.plotting import figures_folder
folder = figures_folder("../figures")
folder.mkdir(parents=True, exist_ok=True)
for name, text in {"same.svg": "same", "changed.svg": "new", "extra.png": "extra"}.items():
    (folder / name).write_text(text)"""


@pytest.fixture
def collection(tmp_path):
    """A one-notebook collection: its first cell draws a committed figure as it is, one changed and one new;
    its second cell's committed output is not what the cell prints."""
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'tiny'\n")
    (tmp_path / "notebooks").mkdir()
    stale = new_code_cell("print(1)", outputs=[new_output("stream", name="stdout", text="2\n")])
    nbformat.write(new_notebook(cells=[new_code_cell(DRAW), stale]), tmp_path / "notebooks" / "00_draw.ipynb")
    (tmp_path / "figures").mkdir()
    (tmp_path / "figures" / "same.svg").write_text("same")
    (tmp_path / "figures" / "changed.svg").write_text("old")
    return tmp_path


def test_figures_nbval_draws_are_compared_with_the_committed_ones_and_failures_say_what_to_do(collection):
    # -n 1: through a pytest-xdist worker, as the test command runs nbval
    result = subprocess.run([sys.executable, "-m", "pytest", "--nbval", "--nbval-current-env", "-p", "no:cacheprovider",
                             "-p", "valduchesse.pytest_plugin", "-n", "1", "notebooks"],
                            cwd=collection, capture_output=True, text=True, timeout=180)
    assert result.returncode == 1, result.stdout
    assert "1 failed, 1 passed" in result.stdout  # the stale output fails; the drawing cell passes, its figures fail
    figures = collection / "figures"
    assert f"figures/changed.svg ({figures / 'changed.svg'}): differs from the committed file" in result.stdout
    assert f"figures/extra.png ({figures / 'extra.png'}): not in the repository" in result.stdout
    assert "same.svg" not in result.stdout
    assert "git checkout -- notebooks figures" in result.stdout and "make run" in result.stdout
    assert sorted(p.name for p in figures.iterdir()) == ["changed.svg", "same.svg"]  # the committed ones untouched
    assert (figures / "changed.svg").read_text() == "old" and not (collection / "output").exists()


def test_identical_figures_pass(tmp_path):
    committed = tmp_path / "repo" / "figures"
    committed.mkdir(parents=True)
    (committed / "a.png").write_bytes(b"png")
    checked = tmp_path / "checked"
    drawn = checked / committed.relative_to(committed.anchor)
    drawn.mkdir(parents=True)
    (drawn / "a.png").write_bytes(b"png")
    assert figure_differences(checked) == (1, [])
    (drawn / "a.png").write_bytes(b"other")
    assert figure_differences(checked) == (1, [f"figures/a.png ({committed / 'a.png'}): differs from the committed file"])


def test_unit_tests_do_not_draw_into_the_checked_figures():
    assert CHECKED_FIGURES_VARIABLE not in os.environ  # tests/conftest.py removes it for every unit test
