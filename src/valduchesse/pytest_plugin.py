"""The collection's pytest plugin (``-p valduchesse.pytest_plugin`` in pyproject.toml's pytest options).

- Strict nbval checks only the collection's notebooks, those named in ``notebooks/collection.txt``: a
  copy made in JupyterLab (``04_x-Copy1.ipynb``) is not collected.
- Strict nbval's run of the notebooks is also the check that they reproduce the committed figures: the
  figures its kernels draw for a committed ``figures/`` go to a scratch folder
  (:data:`~valduchesse.plotting.CHECKED_FIGURES_VARIABLE`), and after the last test each is compared
  byte for byte with the committed file it stands for. A figure that differs, or that the repository
  does not hold, fails the test command. (nbval itself compares the notebooks' text outputs, not their
  images; this covers the images too, since every notebook shows its saved PNGs.) With pytest-xdist the
  workers' kernels inherit the folder, and the comparison runs once all of them are done.
- When a notebook's outputs or figures differ from the committed ones, it says what to do: restore the
  committed results, accept the change on purpose, or try it in an output folder.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

HINT = """\
Notebook outputs or figures differ from the committed ones (strict nbval). Either:
  - restore the committed results:  git checkout -- notebooks figures   (and the file you edited);
  - accept the change on purpose:   make run   then commit the notebooks and figures with it;
  - or try it without touching them: python -m valduchesse run -p NAME VALUE --output output/try
See README.md, "When a test fails"."""

CHECKED = pytest.StashKey[tuple[Path, str, "str | None"]]()
FINDINGS = pytest.StashKey[tuple[int, list[str]]]()


def pytest_ignore_collect(collection_path: Path, config):
    """Leave out a notebook that its folder's collection.txt does not name (None: let pytest decide)."""
    if collection_path.suffix != ".ipynb":
        return None
    from .runner import collection_list

    names = collection_list(collection_path.parent)
    return True if names is not None and collection_path.name not in names else None


def pytest_configure(config):
    """With ``--nbval``, in the main process: the scratch folder for the figures of nbval's kernels."""
    if not config.getoption("nbval", default=False) or hasattr(config, "workerinput"):
        return
    from .plotting import CHECKED_FIGURES_VARIABLE  # here: matplotlib is imported only for a run with nbval

    folder = Path(tempfile.mkdtemp(prefix="valduchesse-checked-figures-"))
    config.stash[CHECKED] = (folder, CHECKED_FIGURES_VARIABLE, os.environ.get(CHECKED_FIGURES_VARIABLE))
    os.environ[CHECKED_FIGURES_VARIABLE] = str(folder)


def figure_differences(folder: str | Path) -> tuple[int, list[str]]:
    """How many figure files ``folder`` holds, and each one that differs from the committed file it stands for.

    ``folder`` is laid out as :func:`valduchesse.plotting.figures_folder`
    writes it: each file under the absolute path of the committed folder it
    was drawn for. A file the repository does not hold counts as a difference.
    """
    folder = Path(folder)
    files = sorted(path for path in folder.rglob("*") if path.is_file())
    differences = []
    for file in files:
        committed = Path(folder.anchor) / file.relative_to(folder)
        shown = f"{committed.parent.name}/{committed.name} ({committed})"
        if not committed.is_file():
            differences.append(f"{shown}: not in the repository")
        elif committed.read_bytes() != file.read_bytes():
            differences.append(f"{shown}: differs from the committed file")
    return len(files), differences


def pytest_sessionfinish(session, exitstatus):
    """After the last test: compare the figures nbval's kernels drew; a difference fails the run."""
    entry = session.config.stash.get(CHECKED, None)
    if entry is None:
        return
    count, differences = figure_differences(entry[0])
    session.config.stash[FINDINGS] = (count, differences)
    if differences and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter):
    """After the run: the figure check's result, and the hint if a notebook's check or a figure failed."""
    config = terminalreporter.config
    count, differences = config.stash.get(FINDINGS, (0, []))
    if count and not differences:
        terminalreporter.write_line(f"figures: the {count} files strict nbval's kernels drew are identical to the "
                                    "committed ones")
    if differences:
        terminalreporter.write_sep("-", "figures that differ from the committed ones", red=True)
        for line in differences:
            terminalreporter.write_line(line)
        terminalreporter.write_line(f"(the figures drawn are kept in {config.stash[CHECKED][0]})")
    failed = terminalreporter.stats.get("failed", [])
    if differences or any(".ipynb" in report.nodeid for report in failed):
        terminalreporter.write_sep("-", "what to do")
        terminalreporter.write_line(HINT)


def pytest_unconfigure(config):
    """Put the environment back; remove the scratch folder unless it holds figures that differ."""
    entry = config.stash.get(CHECKED, None)
    if entry is None:
        return
    folder, variable, before = entry
    if before is None:
        os.environ.pop(variable, None)
    else:
        os.environ[variable] = before
    if not config.stash.get(FINDINGS, (0, []))[1]:
        shutil.rmtree(folder, ignore_errors=True)
