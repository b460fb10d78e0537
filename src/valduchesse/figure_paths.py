"""Where a figure goes: the one place of the figure-path policy (imports no plotting library).

Only the documented run of the collection (``make run``, whose kernels the runner starts with
:data:`COMMITTED_RUN_VARIABLE` set) writes the committed ``figures/``; strict nbval in the test command
writes to the scratch folder named by :data:`CHECKED_FIGURES_VARIABLE`; any other run writes to a folder
of its own under ``output/figures/`` (:func:`run_folder`): ``<notebook>/runner/`` for a notebook the runner
executes in place but that is not the documented run (a copy such as ``00_corpus-Copy1.ipynb``, a notebook
outside ``collection.txt``), ``<notebook>/<date>_<time>_pid<process>/`` for a kernel started elsewhere
(JupyterLab, which names the notebook in ``JPY_SESSION_NAME``), so that no run overwrites the figures of
another. A run with ``--output`` writes into that folder's ``figures/`` (the runner injects ``FIGURES_DIR``).
Used by :mod:`valduchesse.plotting.style` (saving), :mod:`valduchesse.run.execute` (the kernels'
environment), :mod:`valduchesse.run.collection` (where it says the figures went) and
:mod:`valduchesse.testing.pytest_plugin` (the figure check).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

__all__ = [
    "CHECKED_FIGURES_VARIABLE", "COMMITTED_RUN_VARIABLE", "OTHER_RUNS_FOLDER", "RUNNER_NOTEBOOK_VARIABLE",
    "RUNNER_RUN_NAME", "SESSION_VARIABLE", "committed_figures", "figures_folder", "is_redirected", "run_folder",
    "run_name",
]


COMMITTED_RUN_VARIABLE = "VALDUCHESSE_COMMITTED_RUN"
"""Set to 1 by the runner in the kernels of the documented run (``make run``): only then may a figure
go to the collection's committed ``figures/``; :func:`figures_folder` sends it elsewhere otherwise."""
CHECKED_FIGURES_VARIABLE = "VALDUCHESSE_CHECKED_FIGURES"
"""Set by the test command (:mod:`valduchesse.testing.pytest_plugin`) to a scratch folder: the figures that strict
nbval's kernels draw for the committed ``figures/`` go there, to be compared with the committed ones."""
RUNNER_NOTEBOOK_VARIABLE = "VALDUCHESSE_RUNNER_NOTEBOOK"
"""Set by the runner, in the kernel of any notebook it executes, to the notebook's file name: outside the
documented run, its figures then go to ``output/figures/<notebook>/runner/`` (:func:`run_folder`)."""
SESSION_VARIABLE = "JPY_SESSION_NAME"
"""Set by Jupyter Server (JupyterLab) in a notebook's kernel to the notebook's path."""
OTHER_RUNS_FOLDER = ("output", "figures")
"""Beside the committed ``figures/``: the folder (ignored by git) holding one folder per notebook of other runs."""
RUNNER_RUN_NAME = "runner"
"""The folder of a notebook's run by the runner (``python -m valduchesse run``), rewritten by each such run."""

_PROCESS_RUN: list[str] = []  # this process's run name, once drawn (a kernel is one run)


def committed_figures(folder: str | Path) -> bool:
    """Whether ``folder`` is a collection's committed ``figures/``: beside ``notebooks/`` and ``pyproject.toml``.

    Parameters
    ----------
    folder : str or Path
        A figures folder, resolved here.

    Returns
    -------
    bool
        True if it is named ``figures`` and its parent holds a ``notebooks/`` folder and a
        ``pyproject.toml`` file.
    """
    resolved = Path(folder).resolve()
    return (resolved.name == "figures" and (resolved.parent / "notebooks").is_dir()
            and (resolved.parent / "pyproject.toml").is_file())


def _notebook_stem(name: str | None) -> str:
    """A notebook's file name or path as a folder name: its stem (``unnamed`` if there is none)."""
    stem = Path(name or "").stem.strip()
    return stem if stem and stem not in (".", "..") else "unnamed"


def run_name() -> str:
    """This run's folder name: :data:`RUNNER_RUN_NAME` under the runner, else when and by which process.

    Outside the runner (a kernel in JupyterLab, a script) the name is the
    local date and time of the first figure the process saves and its
    process id, e.g. ``2026-12-06_20-32-07_pid4242``: the same for every
    figure of one kernel, new for the next kernel (a restart included).

    Returns
    -------
    str
        The folder name.
    """
    if os.environ.get(RUNNER_NOTEBOOK_VARIABLE):
        return RUNNER_RUN_NAME
    if not _PROCESS_RUN:
        _PROCESS_RUN.append(f"{time.strftime('%Y-%m-%d_%H-%M-%S')}_pid{os.getpid()}")
    return _PROCESS_RUN[0]


def run_folder(root: str | Path, notebook: str | None = None) -> Path:
    """The folder of this run's figures in the repository ``root``, for a run that is not the documented one.

    ``root/output/figures/<notebook stem>/<run>/``: the notebook is
    ``notebook`` if given, else the one the runner (:data:`RUNNER_NOTEBOOK_VARIABLE`)
    or JupyterLab (:data:`SESSION_VARIABLE`) names in the environment
    (``unnamed`` if none does); the run is :func:`run_name` (``runner``
    when ``notebook`` is given, as the runner computes it for its message).

    Parameters
    ----------
    root : str or Path
        The repository: the folder holding ``notebooks/``, ``figures/`` and ``pyproject.toml``.
    notebook : str, optional
        The notebook's file name, for the runner's own run of it.

    Returns
    -------
    Path
        The folder (not created here).
    """
    if notebook is not None:
        stem, run = _notebook_stem(notebook), RUNNER_RUN_NAME
    else:
        stem = _notebook_stem(os.environ.get(RUNNER_NOTEBOOK_VARIABLE) or os.environ.get(SESSION_VARIABLE))
        run = run_name()
    return Path(root).joinpath(*OTHER_RUNS_FOLDER, stem, run)


def is_redirected(folder: str | Path) -> bool:
    """Whether a figure asked for in ``folder`` goes to a run's own folder (:func:`run_folder`).

    That is, not to ``folder`` itself and not to the test command's scratch folder.

    Parameters
    ----------
    folder : str or Path
        The folder a notebook asks for.

    Returns
    -------
    bool
        True if ``folder`` is the committed ``figures/``, the run is not the documented one
        (:data:`COMMITTED_RUN_VARIABLE`) and the test command's scratch folder
        (:data:`CHECKED_FIGURES_VARIABLE`) is not set.
    """
    return (committed_figures(folder) and os.environ.get(COMMITTED_RUN_VARIABLE) != "1"
            and not os.environ.get(CHECKED_FIGURES_VARIABLE))


def figures_folder(folder: str | Path) -> Path:
    """Where a figure asked for in ``folder`` is written.

    ``folder`` itself, except when it is the collection's committed
    ``figures/`` (:func:`committed_figures`) and the figure is not drawn by
    the documented run that regenerates the collection (``make run``, which
    sets :data:`COMMITTED_RUN_VARIABLE`): the figure then goes to the run's
    own folder under ``output/figures/`` beside it (:func:`run_folder`,
    ignored by git), so that no other run changes a committed figure and no
    two runs (two copies of a notebook in JupyterLab, a restarted kernel)
    overwrite each other's figures. Strict nbval in the test command writes
    to the scratch folder named by :data:`CHECKED_FIGURES_VARIABLE` instead,
    under the committed folder's absolute path, so that each figure can be
    compared with the committed file it stands for.

    Parameters
    ----------
    folder : str or Path
        The folder a notebook asks for.

    Returns
    -------
    Path
        The folder the figure is written to (not created here).
    """
    folder = Path(folder)
    if committed_figures(folder) and os.environ.get(COMMITTED_RUN_VARIABLE) != "1":
        resolved = folder.resolve()
        checked = os.environ.get(CHECKED_FIGURES_VARIABLE)
        if checked:
            return Path(checked) / resolved.relative_to(resolved.anchor)
        return run_folder(resolved.parent)
    return folder
