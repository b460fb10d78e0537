"""The test command's plugin: strict nbval's run also checks the figures, and a failure says what to do."""

import os
import subprocess
import sys
from types import SimpleNamespace

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from valduchesse.testing import pytest_plugin
from valduchesse.figure_paths import COMMITTED_RUN_VARIABLE
from valduchesse.testing.pytest_plugin import figure_differences, undrawn_figures

DRAW = """\
from valduchesse.figure_paths import figures_folder
folder = figures_folder("../figures")
folder.mkdir(parents=True, exist_ok=True)
for name, text in {"same.svg": "same", "changed.svg": "new", "extra.png": "extra"}.items():
    (folder / name).write_text(text)"""


@pytest.fixture
def collection(tmp_path):
    """A one-notebook collection whose notebook draws a committed figure as it is, one changed and one new,
    and not a third committed one."""
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'tiny'\n")
    (tmp_path / "notebooks").mkdir()
    nbformat.write(new_notebook(cells=[new_code_cell(DRAW)]), tmp_path / "notebooks" / "00_draw.ipynb")
    (tmp_path / "figures").mkdir()
    for name, text in {"same.svg": "same", "changed.svg": "old", "gone.svg": "no longer drawn"}.items():
        (tmp_path / "figures" / name).write_text(text)
    (tmp_path / "tmp").mkdir()
    return tmp_path


def nbval(folder, *options):
    """Strict nbval on ``folder``'s notebooks in a child pytest, with the plugin; its temporary files in ``folder``/tmp.

    The documented run's permission (``COMMITTED_RUN_VARIABLE``) is set in its environment, as a user's shell
    might hold it after an interrupted ``make run``: nbval's kernels must not get it.
    """
    environment = {**os.environ, "TMPDIR": str(folder / "tmp"), COMMITTED_RUN_VARIABLE: "1"}
    return subprocess.run([sys.executable, "-m", "pytest", "--nbval", "--nbval-current-env", "-p", "no:cacheprovider",
                           "-p", "valduchesse.testing.pytest_plugin", *options, "notebooks"],
                          cwd=folder, env=environment, capture_output=True, text=True, timeout=180)


@pytest.mark.slow
def test_figures_nbval_draws_are_compared_with_the_committed_ones_and_failures_say_what_to_do(collection):
    result = nbval(collection, "-n", "1", "--dist", "loadscope")  # through a pytest-xdist worker, as the test command
    assert result.returncode == 1, result.stdout  # the cell passed: the figures alone fail the run
    assert "1 passed" in result.stdout and "failed" not in result.stdout.splitlines()[-1]
    figures = collection / "figures"
    assert f"figures/changed.svg ({figures / 'changed.svg'}): differs from the committed file" in result.stdout
    assert f"figures/extra.png ({figures / 'extra.png'}): not in the repository" in result.stdout
    assert f"figures/gone.svg ({figures / 'gone.svg'}): no notebook drew it" in result.stdout
    assert "same.svg" not in result.stdout
    assert "git checkout -- notebooks figures" in result.stdout and "make run" in result.stdout
    assert sorted(p.name for p in figures.iterdir()) == ["changed.svg", "gone.svg", "same.svg"]  # untouched
    assert (figures / "changed.svg").read_text() == "old" and not (collection / "output").exists()


@pytest.mark.slow
def test_nbval_with_another_distribution_of_the_tests_is_refused(collection):
    result = nbval(collection, "-n", "1", "--dist", "load")
    assert result.returncode == 4  # a usage error, before any notebook runs
    assert "nbval with pytest-xdist needs --dist loadscope (or loadfile), not --dist load" in result.stderr


def test_a_committed_figure_no_notebook_drew_counts_only_once_the_whole_collection_ran(collection, tmp_path):
    notebooks = collection / "notebooks"
    checked = tmp_path / "checked"
    drawn = checked / (collection / "figures").relative_to(collection.anchor)
    drawn.mkdir(parents=True)
    (drawn / "same.svg").write_text("same")
    (drawn / "changed.svg").write_text("old")
    ran = {(notebooks / "00_draw.ipynb").resolve(): False}
    assert undrawn_figures(checked, ran) == [
        f"figures/gone.svg ({collection / 'figures' / 'gone.svg'}): no notebook drew it; delete it, or draw it"]
    assert undrawn_figures(checked, {path: True for path in ran}) == []  # a failed notebook may have stopped early
    nbformat.write(new_notebook(), notebooks / "01_other.ipynb")
    assert undrawn_figures(checked, ran) == []  # 01_other did not run


def test_a_figure_that_differs_fails_the_run_even_if_every_test_passed(tmp_path):
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
    config = SimpleNamespace(stash=pytest.Stash())
    config.stash[pytest_plugin.CHECKED] = checked
    session = SimpleNamespace(config=config, exitstatus=pytest.ExitCode.OK)
    pytest_plugin.pytest_sessionfinish(session, pytest.ExitCode.OK)
    assert session.exitstatus == pytest.ExitCode.TESTS_FAILED
