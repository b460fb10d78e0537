"""Two runs of the collection at once give the same bytes: what a notebook shows does not depend on timing.

Issue 19 saw two ``make run`` at once leave a committed notebook different (a printed line split into two
stream outputs). Here two runner processes execute the collection's two shortest notebooks at the same
time, each into its own output folder, while competing for the cores; their notebooks must be the same
bytes (but for the output folder's name, which the injected ``FIGURES_DIR`` holds) and their figures the
committed ones.
"""

import subprocess
import sys

from valduchesse.run.notebooks import notebook_paths

from conftest import ROOT

NOTEBOOKS = ["00_corpus.ipynb", "02_trends_and_similarity.ipynb"]  # the shortest (benchmarks/results/collection.csv)
DEADLINE_SECONDS = 900  # generous: only says when to give up on a run that hangs


def outputs(folder):
    """Every file the run wrote, by path under ``folder``, with the folder's own name replaced."""
    return {path.relative_to(folder).as_posix(): path.read_bytes().replace(str(folder).encode(), b"OUT")
            for path in sorted(folder.rglob("*")) if path.is_file()}


def test_two_runs_at_once_write_the_same_bytes(tmp_path):
    assert set(NOTEBOOKS) <= {path.name for path in notebook_paths(ROOT / "notebooks")}
    folders = [tmp_path / "first", tmp_path / "second"]
    paths = [str(ROOT / "notebooks" / name) for name in NOTEBOOKS]
    runs = [subprocess.Popen([sys.executable, "-m", "valduchesse", "run", *paths, "--output", str(folder), "--jobs", "1"],
                             cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            for folder in folders]
    results = [run.communicate(timeout=DEADLINE_SECONDS) for run in runs]
    for run, (log, _) in zip(runs, results):
        assert run.returncode == 0, log
    first, second = (outputs(folder) for folder in folders)
    assert sorted(first) == sorted(second) and set(NOTEBOOKS) <= set(first)
    assert [name for name in first if first[name] != second[name]] == []
    figures = [name for name in first if name.startswith("figures/")]
    assert figures, "the notebooks saved no figure"
    assert [name for name in figures if first[name] != (ROOT / name).read_bytes()] == []  # the committed figures
