"""Run the collection: execute notebooks in place, in a kernel of this environment.

``python -m valduchesse run`` executes every numbered notebook in
``notebooks/`` (or the ones named), top to bottom, and writes each back with
its new outputs; the notebooks write the figures. Cell timings are not
recorded, so that an unchanged result leaves the notebook file unchanged.
A failing cell stops the run with the notebook's name, the cell's number and
the error.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

KERNEL_NAME = "python3"
CELL_TIMEOUT_SECONDS = 600


class NotebookFailed(RuntimeError):
    """A notebook cell raised an error; the message names the notebook and the cell."""


class _ThisEnvironmentKernels(KernelSpecManager):
    """Start every kernel with this Python, whatever kernels the user has installed."""

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        return KernelSpec(
            argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            display_name="Python 3 (valduchesse)",
            language="python",
        )


def notebook_paths(folder: str | Path) -> list[Path]:
    """The collection's notebooks: ``NN_*.ipynb`` in ``folder``, in number order."""
    return sorted(Path(folder).glob("[0-9][0-9]_*.ipynb"))


def execute_notebook(path: str | Path) -> float:
    """Execute the notebook at ``path`` in its own folder and save it in place.

    Returns the seconds it took. Raises :class:`NotebookFailed` if a cell fails.
    """
    path = Path(path)
    notebook = nbformat.read(path, as_version=4)
    manager = KernelManager(kernel_name=KERNEL_NAME, kernel_spec_manager=_ThisEnvironmentKernels())
    client = NotebookClient(
        notebook,
        km=manager,
        timeout=CELL_TIMEOUT_SECONDS,
        record_timing=False,
        resources={"metadata": {"path": str(path.parent.resolve())}},
    )
    start = time.perf_counter()
    try:
        client.execute()
    except CellExecutionError as err:
        cell = next(
            (i for i, c in enumerate(notebook.cells, 1) if any(
                o.get("output_type") == "error" for o in c.get("outputs", []))),
            "?",
        )
        raise NotebookFailed(f"{path.name}, cell {cell}: {err.ename}: {err.evalue}") from None
    nbformat.write(notebook, path)
    return time.perf_counter() - start


def run_collection(paths: list[Path], log=print) -> None:
    """Execute ``paths`` in order, logging one line per notebook with its time."""
    total = 0.0
    for i, path in enumerate(paths, 1):
        log(f"[{i}/{len(paths)}] {path.name} ...", end=" ", flush=True)
        seconds = execute_notebook(path)
        total += seconds
        log(f"done in {seconds:.1f} s")
    log(f"{len(paths)} notebook(s) executed in {total:.1f} s")
