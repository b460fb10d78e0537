"""The collection's pytest plugin (``-p valduchesse.testing.pytest_plugin`` in pyproject.toml's pytest options).

- Strict nbval checks only the collection's notebooks, those named in ``notebooks/collection.txt``: a
  copy made in JupyterLab (``04_x-Copy1.ipynb``) is not collected.
- Strict nbval's run of the notebooks is also the check that they reproduce the committed figures. The
  kernel nbval starts for a notebook gets :data:`~valduchesse.figure_paths.CHECKED_FIGURES_VARIABLE`, naming
  a scratch folder, so the figures it draws for a committed ``figures/`` go there; nothing else in the
  test process sees the variable (it is set only while nbval starts the kernel). After the last test
  each figure drawn is compared byte for byte with the committed file it stands for; a figure that
  differs, or that the repository does not hold, fails the test command, and so does a committed figure
  that no notebook drew once every notebook of its collection has run without a failure. (nbval itself compares the
  notebooks' text outputs, not their images; this covers the images too, since every notebook shows
  its saved PNGs.) With pytest-xdist the main process makes the folder and hands it to the workers,
  and compares once all of them are done; nbval then needs ``--dist loadscope`` (or ``loadfile``), so
  that one notebook's cells run in one process, in order, and anything else is refused.
- When a notebook's outputs or figures differ from the committed ones, it says what to do: restore the
  committed results, accept the change on purpose, or try it in an output folder.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

__all__ = [
    "CHECKED", "FINDINGS", "HINT", "NOTEBOOKS_RUN", "WORKER_KEY", "figure_differences", "pytest_configure",
    "pytest_configure_node", "pytest_ignore_collect", "pytest_runtest_setup", "pytest_sessionfinish",
    "pytest_terminal_summary", "pytest_unconfigure", "undrawn_figures",
]

HINT = """\
Notebook outputs or figures differ from the committed ones (strict nbval). Either:
  - restore the committed results:  git checkout -- notebooks figures   (and the file you edited);
  - accept the change on purpose:   make run   then commit the notebooks and figures with it;
  - or try it without touching them: python -m valduchesse run -p NAME VALUE --output output/try
See docs/troubleshooting.md, "When a test fails"."""

WORKER_KEY = "valduchesse_checked_figures"
"""Under pytest-xdist: the key of the scratch folder in each worker's ``workerinput``."""
CHECKED = pytest.StashKey[Path]()  # the scratch folder, in every process that runs notebooks
FINDINGS = pytest.StashKey[tuple[int, list[str]]]()  # what the main process found, for the summary
NOTEBOOKS_RUN = pytest.StashKey[dict[Path, bool]]()  # each notebook nbval ran: did one of its cells fail?


def pytest_ignore_collect(collection_path: Path, config):
    """Leave out a notebook that its folder's collection.txt does not name (None: let pytest decide).

    Parameters
    ----------
    collection_path : Path
        The path pytest may collect.
    config : pytest.Config
        pytest's configuration (unused).

    Returns
    -------
    bool or None
        True for a ``.ipynb`` its folder's collection.txt does not name; None otherwise.
    """
    if collection_path.suffix != ".ipynb":
        return None
    from ..run.notebooks import collection_list

    names = collection_list(collection_path.parent)
    return True if names is not None and collection_path.name not in names else None


def pytest_configure(config):
    """With ``--nbval``: the scratch folder for the figures of nbval's kernels (made by the main process).

    In a pytest-xdist worker the folder is the main process's; in the main process it is made, and the
    notebooks run are recorded.

    Parameters
    ----------
    config : pytest.Config
        pytest's configuration, whose stash receives the folder.

    Raises
    ------
    pytest.UsageError
        For nbval with pytest-xdist under a ``--dist`` mode that splits a notebook's cells among processes.
    """
    if not config.getoption("nbval", default=False):
        return
    if hasattr(config, "workerinput"):  # a pytest-xdist worker: the main process's folder
        config.stash[CHECKED] = Path(config.workerinput[WORKER_KEY])
        return
    dist = getattr(config.option, "dist", "no")
    if getattr(config.option, "numprocesses", None) and dist not in ("no", "loadscope", "loadfile"):
        raise pytest.UsageError(f"nbval with pytest-xdist needs --dist loadscope (or loadfile), not --dist {dist}: "
                                "a notebook's cells must run in one process, in order")
    config.stash[CHECKED] = Path(tempfile.mkdtemp(prefix="valduchesse-checked-figures-"))
    config.stash[NOTEBOOKS_RUN] = {}
    config.pluginmanager.register(_NotebookRuns(config), "valduchesse-notebook-runs")


class _NotebookRuns:
    """In the main process: which notebooks nbval ran, and whether a cell of each failed (from every report,
    the workers' included)."""

    def __init__(self, config):
        self.config = config

    def pytest_runtest_logreport(self, report):
        path = report.nodeid.split("::")[0]
        if path.endswith(".ipynb"):
            notebook = (self.config.rootpath / path).resolve()
            runs = self.config.stash[NOTEBOOKS_RUN]
            runs[notebook] = runs.get(notebook, False) or report.failed


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):
    """pytest-xdist, in the main process: hand the scratch folder to a worker.

    Parameters
    ----------
    node : WorkerController
        The worker about to start; its ``workerinput`` receives the folder.
    """
    if CHECKED in node.config.stash:
        node.workerinput[WORKER_KEY] = str(node.config.stash[CHECKED])


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    """Around the setup of a notebook's cell (where nbval starts the notebook's kernel): the variable set.

    The variable :data:`~valduchesse.figure_paths.CHECKED_FIGURES_VARIABLE` names the scratch folder (and
    :data:`~valduchesse.figure_paths.COMMITTED_RUN_VARIABLE` is unset) during the setup; both are restored
    after it.

    Parameters
    ----------
    item : pytest.Item
        The test about to be set up; only a notebook's cell, with ``--nbval``, is concerned.

    Yields
    ------
    None
        Control to the setup itself (a hook wrapper); its result is returned unchanged.
    """
    if item.path.suffix != ".ipynb" or CHECKED not in item.config.stash:
        return (yield)
    from ..figure_paths import CHECKED_FIGURES_VARIABLE, COMMITTED_RUN_VARIABLE

    saved = {name: os.environ.pop(name, None) for name in (CHECKED_FIGURES_VARIABLE, COMMITTED_RUN_VARIABLE)}
    os.environ[CHECKED_FIGURES_VARIABLE] = str(item.config.stash[CHECKED])
    try:
        return (yield)
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def figure_differences(folder: str | Path) -> tuple[int, list[str]]:
    """How many figure files ``folder`` holds, and each one that differs from the committed file it stands for.

    A file the repository does not hold counts as a difference.

    Parameters
    ----------
    folder : str or Path
        Laid out as :func:`valduchesse.figure_paths.figures_folder` writes it: each file under the absolute
        path of the committed folder it was drawn for.

    Returns
    -------
    tuple of (int, list of str)
        The number of files, and a line per difference naming the committed file and whether it differs or
        is not in the repository.
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


def undrawn_figures(folder: str | Path, notebooks: dict[Path, bool]) -> list[str]:
    """Each committed figure no notebook drew, in a collection whose every notebook ran without a failure.

    A collection counts only if all its notebooks (:func:`valduchesse.run.notebooks.notebook_paths`)
    ran and none failed: a run of some notebooks, or one that stopped, cannot
    tell a figure no longer drawn from one not drawn yet.

    Parameters
    ----------
    folder : str or Path
        The scratch folder, laid out as :func:`figure_differences` reads it.
    notebooks : dict of Path to bool
        Each notebook run (resolved) to whether one of its cells failed.

    Returns
    -------
    list of str
        A line per committed figure not drawn, naming it and saying to delete or draw it.
    """
    from ..run.notebooks import notebook_paths

    folder = Path(folder)
    undrawn = []
    for notebook_folder in sorted({path.parent for path in notebooks}):
        collection = [path.resolve() for path in notebook_paths(notebook_folder)]
        if not collection or any(notebooks.get(path, True) for path in collection):
            continue
        committed = notebook_folder.parent / "figures"
        drawn = folder / committed.relative_to(committed.anchor)
        for file in sorted(committed.iterdir()) if committed.is_dir() else []:
            if file.is_file() and not (drawn / file.name).is_file():
                undrawn.append(f"{committed.name}/{file.name} ({file}): no notebook drew it; delete it, or draw it")
    return undrawn


def pytest_sessionfinish(session, exitstatus):
    """In the main process, after the last test: compare the figures nbval's kernels drew; a difference fails.

    Parameters
    ----------
    session : pytest.Session
        The session; its exit status becomes "tests failed" if a figure differs or is not drawn.
    exitstatus : int
        The exit status so far (unused: the session's own is read).
    """
    config = session.config
    if hasattr(config, "workerinput") or CHECKED not in config.stash:
        return
    count, differences = figure_differences(config.stash[CHECKED])
    differences += undrawn_figures(config.stash[CHECKED], config.stash.get(NOTEBOOKS_RUN, {}))
    config.stash[FINDINGS] = (count, differences)
    if differences and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter):
    """After the run: the figure check's result, and the hint if a notebook's check or a figure failed.

    Parameters
    ----------
    terminalreporter : TerminalReporter
        pytest's terminal reporter, written to.
    """
    config = terminalreporter.config
    count, differences = config.stash.get(FINDINGS, (0, []))
    if count and not differences:
        terminalreporter.write_line(f"figures: the {count} files strict nbval's kernels drew are identical to the "
                                    "committed ones")
    elif not count and any(".ipynb" in report.nodeid for key in ("passed", "failed")
                           for report in terminalreporter.stats.get(key, [])):
        terminalreporter.write_line("figures: the notebooks nbval ran drew no figure for a committed figures/ folder, "
                                    "so none was compared", yellow=True)
    if differences:
        terminalreporter.write_sep("-", "figures that differ from the committed ones", red=True)
        for line in differences:
            terminalreporter.write_line(line)
        terminalreporter.write_line(f"(the figures drawn are kept in {config.stash[CHECKED]})")
    failed = terminalreporter.stats.get("failed", [])
    if differences or any(".ipynb" in report.nodeid for report in failed):
        terminalreporter.write_sep("-", "what to do")
        terminalreporter.write_line(HINT)


def pytest_unconfigure(config):
    """In the main process: remove the scratch folder, unless it holds figures that differ.

    Parameters
    ----------
    config : pytest.Config
        pytest's configuration, whose stash holds the folder and the findings.
    """
    if hasattr(config, "workerinput") or CHECKED not in config.stash:
        return
    if not config.stash.get(FINDINGS, (0, []))[1]:
        shutil.rmtree(config.stash[CHECKED], ignore_errors=True)
