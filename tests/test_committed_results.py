"""Committed notebooks and figures change only through the documented run (`make run`).

Three ways a student changed them before: running a copy of a notebook in JupyterLab, running an edited
notebook, and a failing strict nbval run. Each is reproduced here, in the repository's own notebooks/
folder (as JupyterLab would), and must leave notebooks/ and figures/ as they were.
"""

import hashlib
import subprocess
import sys
from contextlib import contextmanager

import nbformat
from nbformat.v4 import new_code_cell

from valduchesse.figure_paths import run_folder
from valduchesse.run.execute import execute_notebook
from valduchesse.run.notebooks import notebook_paths
from valduchesse.testing.pytest_plugin import pytest_ignore_collect

from conftest import ROOT, SCRATCH_NOTEBOOKS

NOTEBOOKS, FIGURES = ROOT / "notebooks", ROOT / "figures"
SOURCE = NOTEBOOKS / "00_corpus.ipynb"
FIGURE = "corpus_availability.png"


def fingerprint():
    """Bytes and modification time of every file: a rewrite with the same bytes counts as a change too."""
    return {p: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
            for folder in (NOTEBOOKS, FIGURES) for p in sorted(folder.iterdir()) if p.is_file()}


@contextmanager
def scratch_notebook(name, notebook):
    """A notebook written into notebooks/ for the test, always removed afterwards."""
    path = NOTEBOOKS / name
    nbformat.write(notebook, path)
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)
        (NOTEBOOKS / f"{path.stem}.failed.ipynb").unlink(missing_ok=True)


def test_a_copy_run_as_jupyterlab_would_writes_no_committed_figure_and_is_not_part_of_the_collection():
    before = fingerprint()
    scratch = run_folder(ROOT, SCRATCH_NOTEBOOKS["copy"]) / FIGURE  # output/figures/00_corpus-Copy1/runner/
    scratch.unlink(missing_ok=True)
    with scratch_notebook(SCRATCH_NOTEBOOKS["copy"], nbformat.read(SOURCE, as_version=4)) as copy:
        assert copy not in notebook_paths(NOTEBOOKS)
        execute_notebook(copy)  # a kernel in notebooks/, without the documented run's permission
        # What pytest asks the project's plugin for each file it finds in notebooks/ (strict nbval's collection)
        assert pytest_ignore_collect(copy, None) is True and pytest_ignore_collect(SOURCE, None) is None
        fingerprint_with_copy = {p: d for p, d in fingerprint().items() if p != copy}
    assert fingerprint_with_copy == before
    assert scratch.is_file()  # the figure went to the copy's folder in the ignored output/figures/ instead


def test_an_edited_notebook_run_in_place_writes_no_committed_figure():
    before = fingerprint()
    notebook = nbformat.read(SOURCE, as_version=4)
    notebook.cells.append(new_code_cell("print('an edit')"))
    with scratch_notebook(SCRATCH_NOTEBOOKS["edited"], notebook) as edited:
        execute_notebook(edited)
        assert nbformat.read(edited, as_version=4).cells[-1].outputs[0]["text"] == "an edit\n"
        after = {p: d for p, d in fingerprint().items() if p != edited}
    assert after == before


def test_a_failing_nbval_run_writes_no_committed_figure():
    before = fingerprint()
    notebook = nbformat.read(SOURCE, as_version=4)
    changed = next(cell for cell in notebook.cells if cell.cell_type == "code" and cell.outputs)
    changed.outputs = [nbformat.v4.new_output("stream", name="stdout", text="not what the code prints\n")]
    with scratch_notebook(SCRATCH_NOTEBOOKS["stale"], notebook) as stale:
        result = subprocess.run([sys.executable, "-m", "pytest", "--nbval", "--nbval-current-env", "-q",
                                 "-p", "no:cacheprovider", str(stale)],
                                cwd=ROOT, capture_output=True, text=True, timeout=300)
        after = {p: d for p, d in fingerprint().items() if p != stale}
    assert result.returncode == 1 and "git checkout -- notebooks figures" in result.stdout
    assert after == before
