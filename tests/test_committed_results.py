"""Committed notebooks and figures change only through the documented run (`make run`).

Three ways a student changed them before: running a copy of a notebook in JupyterLab, running an edited
notebook, and a failing strict nbval run. Where a figure goes is decided on paths and on one environment
variable (:func:`valduchesse.figure_paths.figures_folder`, which :func:`~valduchesse.plotting.style.save_figure`
asks), and whether a kernel gets that variable by :func:`~valduchesse.run.execute.kernel_environment`; so the
policy is tested here on paths, in this process, in a small repository of the collection's layout in the
test's temporary folder. One strict nbval run of a two-cell notebook shows that a failing check writes
nothing committed either; the runner's own choice for a copy run explicitly is in test_hostile.py.
"""

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import matplotlib
import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_output

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from valduchesse.figure_paths import (  # noqa: E402
    CHECKED_FIGURES_VARIABLE, COMMITTED_RUN_VARIABLE, figures_folder, run_folder,
)
from valduchesse.plotting.style import save_figure  # noqa: E402
from valduchesse.run.execute import kernel_environment  # noqa: E402
from valduchesse.run.notebooks import committed_notebook, notebook_paths  # noqa: E402
from valduchesse.testing.pytest_plugin import pytest_ignore_collect  # noqa: E402

from conftest import mini_collection  # noqa: E402

DRAW = """\
from pathlib import Path
from valduchesse.figure_paths import figures_folder
folder = figures_folder(FIGURES_DIR)
folder.mkdir(parents=True, exist_ok=True)
(folder / "mini.svg").write_text("new")"""


@pytest.fixture
def repo(tmp_path):
    """A repository of the collection's layout: one listed notebook drawing ``mini.svg`` into ``../figures``,
    a JupyterLab copy of it and an edited copy, and the committed figure."""
    root = tmp_path / "repo"
    mini_collection(root, DRAW, copies=("00_mini-Copy1.ipynb", "00_mini-edited.ipynb"))
    (root / "figures" / "mini.svg").write_text("old", encoding="utf-8")
    return root


@pytest.fixture
def no_permission(monkeypatch):
    """Neither the documented run's permission nor the test command's scratch folder in this process."""
    monkeypatch.delenv(COMMITTED_RUN_VARIABLE, raising=False)
    monkeypatch.delenv(CHECKED_FIGURES_VARIABLE, raising=False)


def fingerprint(root):
    """Bytes and modification time of every file in notebooks/ and figures/: a rewrite with the same bytes counts."""
    return {p: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
            for folder in (root / "notebooks", root / "figures") for p in sorted(folder.iterdir()) if p.is_file()}


def test_only_the_listed_notebooks_are_the_collection_and_the_committed_run(repo):
    notebooks = repo / "notebooks"
    listed, copy, edited = (notebooks / name for name in ("00_mini.ipynb", "00_mini-Copy1.ipynb", "00_mini-edited.ipynb"))
    assert notebook_paths(notebooks) == [listed]
    assert committed_notebook(listed) and not committed_notebook(copy) and not committed_notebook(edited)
    # What pytest asks the project's plugin for each file it finds in notebooks/ (strict nbval's collection)
    assert pytest_ignore_collect(copy, None) is True and pytest_ignore_collect(edited, None) is True
    assert pytest_ignore_collect(listed, None) is None


def test_a_kernel_gets_the_permission_only_from_the_documented_run(monkeypatch):
    # as a user's shell may hold it after an interrupted `make run`: a kernel started from it must not inherit it
    monkeypatch.setenv(COMMITTED_RUN_VARIABLE, "1")
    assert COMMITTED_RUN_VARIABLE not in kernel_environment()
    assert kernel_environment(committed=True)[COMMITTED_RUN_VARIABLE] == "1"


def test_without_the_permission_committed_figures_go_to_the_runs_own_folder(repo, no_permission, monkeypatch):
    monkeypatch.chdir(repo / "notebooks")  # where a kernel of JupyterLab or of the runner works
    elsewhere = run_folder(repo)  # output/figures/<notebook>/<run>/
    assert elsewhere.is_relative_to(repo / "output" / "figures")
    for spelling in ("../figures", repo / "figures", repo / "notebooks" / ".." / "figures", "../figures/"):
        assert figures_folder(spelling) == elsewhere, spelling
    assert figures_folder("../output/mine") == Path("../output/mine")  # not the committed folder: as given
    monkeypatch.setenv(COMMITTED_RUN_VARIABLE, "1")
    assert figures_folder("../figures") == Path("../figures")
    monkeypatch.delenv(COMMITTED_RUN_VARIABLE)
    monkeypatch.setenv(CHECKED_FIGURES_VARIABLE, str(repo / "scratch"))
    assert figures_folder("../figures") == repo / "scratch" / (repo / "figures").relative_to(repo.anchor)


def test_a_copy_or_an_edited_notebook_saving_a_figure_changes_no_committed_file(repo, no_permission, monkeypatch):
    before = fingerprint(repo)
    monkeypatch.chdir(repo / "notebooks")
    fig, ax = plt.subplots()
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    paths = save_figure(fig, "mini", "../figures", "A test figure.")
    assert [path.resolve() for path in paths] == [run_folder(repo) / name for name in ("mini.png", "mini.svg")]
    assert all(path.stat().st_size > 0 for path in paths)
    assert fingerprint(repo) == before


@pytest.mark.slow
def test_a_failing_nbval_run_writes_no_committed_figure(repo):
    notebook = nbformat.read(repo / "notebooks" / "00_mini.ipynb", as_version=4)
    notebook.cells.append(new_code_cell("print('what the code prints')",
                                        outputs=[new_output("stream", name="stdout", text="not what it prints\n")]))
    nbformat.write(notebook, repo / "notebooks" / "00_mini.ipynb")
    before = fingerprint(repo)
    (repo / "tmp").mkdir()
    # The documented run's permission in the environment, as a shell may hold it: nbval's kernel must not get it.
    environment = {**os.environ, "TMPDIR": str(repo / "tmp"), COMMITTED_RUN_VARIABLE: "1"}
    result = subprocess.run([sys.executable, "-m", "pytest", "--nbval", "--nbval-current-env", "-q",
                             "-p", "valduchesse.testing.pytest_plugin", "notebooks/00_mini.ipynb"],
                            cwd=repo, env=environment, capture_output=True, text=True, timeout=300)
    assert result.returncode == 1, result.stdout
    assert "1 failed, 2 passed" in result.stdout and "git checkout -- notebooks figures" in result.stdout
    assert "figures/mini.svg" in result.stdout and "differs from the committed file" in result.stdout
    assert fingerprint(repo) == before and not (repo / "output").exists()
