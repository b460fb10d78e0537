"""Two runs at once give the same bytes: what a notebook shows does not depend on timing.

Issue 19 saw two ``make run`` at once leave a committed notebook different (a printed line split into two
stream outputs). Here two runner processes execute, at the same time and competing for the cores, a small
notebook whose prints the kernel always sends as several stream messages (each print is flushed, then
waits past the kernel's flush interval); each run writes into its own output folder, and their notebooks
must be the same bytes (but for the output folder's name, which the injected ``FIGURES_DIR`` holds). The
merging itself is tested without a kernel in test_runner.py; that a figure is saved with the same bytes on
every run, in test_plotting.py; two processes filling the lemma cache at once, in test_lemma_cache.py; and
strict nbval checks the collection's own notebooks against their committed outputs and figures.
"""

import subprocess
import sys

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

pytestmark = pytest.mark.slow

DEADLINE_SECONDS = 300  # generous: only says when to give up on a run that hangs

PRINTS = """\
import time
for word in ("one", "two", "three"):
    print(word, flush=True)
    time.sleep(0.3)  # past the kernel's flush interval (0.2 s): a stream message of its own
print("four")"""


def outputs(folder):
    """Every file the run wrote, by path under ``folder``, with the folder's own name replaced."""
    return {path.relative_to(folder).as_posix(): path.read_bytes().replace(str(folder).encode(), b"OUT")
            for path in sorted(folder.rglob("*")) if path.is_file()}


def test_two_runs_at_once_write_the_same_bytes(tmp_path):
    notebook = tmp_path / "01_prints.ipynb"
    nbformat.write(new_notebook(cells=[
        new_code_cell('FIGURES_DIR = "figures"', metadata={"tags": ["parameters"]}),
        new_code_cell(PRINTS)]), notebook)
    folders = [tmp_path / "first", tmp_path / "second"]
    runs = [subprocess.Popen([sys.executable, "-m", "valduchesse", "run", str(notebook), "--output", str(folder),
                              "--jobs", "1"], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            for folder in folders]
    results = [run.communicate(timeout=DEADLINE_SECONDS) for run in runs]
    for run, (log, _) in zip(runs, results):
        assert run.returncode == 0, log
    first, second = (outputs(folder) for folder in folders)
    assert sorted(first) == ["01_prints.ipynb"]
    assert [name for name in sorted(first.keys() | second.keys()) if first.get(name) != second.get(name)] == []
    cells = nbformat.read(folders[0] / "01_prints.ipynb", as_version=4).cells
    printed = [(o.output_type, o.get("text")) for o in cells[-1].outputs]
    assert printed == [("stream", "one\ntwo\nthree\nfour\n")]  # several messages, one output
