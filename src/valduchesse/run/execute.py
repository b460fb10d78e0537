"""Execute one notebook in a kernel of this environment, with injected parameters; a failure names the cell."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

from ..figure_paths import COMMITTED_RUN_VARIABLE, RUNNER_NOTEBOOK_VARIABLE, SESSION_VARIABLE
from ..atomic_write import write_notebook
from .notebooks import failed_copy_path
from .parameters import INJECTED_TAG, PARAMETERS_TAG

__all__ = [
    "CELL_TIMEOUT_SECONDS", "KERNEL_NAME", "KERNEL_THREAD_VARIABLES", "NotebookFailed", "ThisEnvironmentKernels",
    "cell_label",
    "coalesce_streams", "execute_notebook", "inject_parameters", "kernel_environment",
]


KERNEL_NAME = "python3"
CELL_TIMEOUT_SECONDS = 600


# One thread per numerical library (OpenMP, OpenBLAS, MKL, ...) in every kernel the runner starts: the
# analyses are small, so threads mostly wait on each other, and notebooks run side by side (--jobs) would
# ask for more threads than there are cores. The same count whatever --jobs and the number of cores, so
# that it cannot change a result. A value set in the environment is kept.
KERNEL_THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS",
                           "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS")


class NotebookFailed(RuntimeError):
    """A notebook cell raised an error; the message names the notebook and the cell."""


class ThisEnvironmentKernels(KernelSpecManager):
    """The kernels of this environment: every kernel starts with this Python, whatever kernels the user has installed.

    Given to a kernel manager (``AsyncKernelManager(kernel_spec_manager=ThisEnvironmentKernels())``), so that a
    notebook runs with this interpreter and its packages, whatever kernel name the notebook asks for.
    """

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        """The kernel: ``sys.executable -m ipykernel_launcher``, its own log left at errors, for any ``kernel_name``.

        Parameters
        ----------
        kernel_name : str
            The kernel the notebook names; not read.

        Returns
        -------
        KernelSpec
            The specification of a kernel of this Python.
        """
        return KernelSpec(
            # The kernel application's own log (e.g. its notice that it talks to us over local TCP)
            # would break up the progress lines; errors in cells still reach the notebook.
            argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}", "--IPKernelApp.log_level=ERROR"],
            display_name="Python 3 (valduchesse)",
            language="python",
        )


def kernel_environment(committed: bool = False, notebook: str | Path | None = None) -> dict[str, str]:
    """The environment of a kernel: this process's, with one thread per numerical library unless set.

    A notebook name JupyterLab left in this process's environment is not passed on.

    Parameters
    ----------
    committed : bool, optional
        Whether this is the documented run of the collection in place: then the kernel may write the
        committed figures (:func:`valduchesse.figure_paths.figures_folder`); otherwise it may not, and the
        figures it draws for them go to ``output/figures/<notebook>/runner/``
        (:func:`valduchesse.figure_paths.run_folder`).
    notebook : str or Path, optional
        The notebook's path, of which the file name is passed in
        :data:`~valduchesse.figure_paths.RUNNER_NOTEBOOK_VARIABLE`.

    Returns
    -------
    dict of str to str
        The variables, :data:`~valduchesse.figure_paths.COMMITTED_RUN_VARIABLE` set to ``1`` only with
        ``committed``.
    """
    environment = {**{name: "1" for name in KERNEL_THREAD_VARIABLES}, **os.environ}
    for name in (COMMITTED_RUN_VARIABLE, RUNNER_NOTEBOOK_VARIABLE, SESSION_VARIABLE):
        environment.pop(name, None)
    if notebook is not None:
        environment[RUNNER_NOTEBOOK_VARIABLE] = Path(notebook).name
    return {**environment, COMMITTED_RUN_VARIABLE: "1"} if committed else environment


def inject_parameters(notebook: nbformat.NotebookNode, values: dict[str, object]) -> int:
    """Insert a cell tagged ``injected-parameters`` assigning ``values``, right after the parameters cell.

    The cell has a fixed id, so that a rerun writes the same bytes.

    Parameters
    ----------
    notebook : NotebookNode
        The notebook; changed in place.
    values : dict of str to object
        The values, by parameter name, written as ``NAME = repr(value)``.

    Returns
    -------
    int
        The position of the new cell (from 0; 0 if the notebook has no parameters cell).
    """
    lines = ["# Parameters given on the command line"] + [f"{name} = {value!r}" for name, value in values.items()]
    # A fixed id (nbformat would draw a random one), so that a rerun writes the same bytes.
    cell = nbformat.v4.new_code_cell("\n".join(lines), metadata={"tags": [INJECTED_TAG]}, id=INJECTED_TAG)
    tagged = [i for i, c in enumerate(notebook.cells) if PARAMETERS_TAG in c.metadata.get("tags", [])]
    position = tagged[0] + 1 if tagged else 0
    notebook.cells.insert(position, cell)
    return position


def cell_label(index: int | None, injected: int | None) -> str:
    """The cell at ``index`` of an executed notebook, as the user's own file numbers it.

    Every cell counts, from 1, as in JupyterLab; the cell of injected
    parameters (at ``injected``) is not in the user's file, so the cells
    after it move back by one.

    Parameters
    ----------
    index : int or None
        The cell's position in the executed notebook (from 0); None if no cell had started.
    injected : int or None
        The position of the injected cell, None if there is none.

    Returns
    -------
    str
        ``cell <n>``, ``the cell of parameters given on the command line`` or ``before its first cell``.
    """
    if index is None:
        return "before its first cell"
    if index == injected:
        return "the cell of parameters given on the command line"
    return f"cell {index + 1 - (injected is not None and index > injected)}"


def _record_failure(notebook: nbformat.NotebookNode, index: int | None, err: Exception, timeout: float) -> str:
    """Leave the failure visible in ``notebook`` and return it as ``Name: message``.

    A cell error is already in the failing cell's outputs; a timeout or a
    dead kernel is added there as an error output. The code cells after it,
    which did not run, lose the outputs of an earlier run.
    """
    if isinstance(err, CellExecutionError):
        ename, evalue = err.ename, err.evalue
    else:
        if isinstance(err, CellTimeoutError):
            ename, evalue = "CellTimeoutError", f"the cell did not finish within {timeout:g} s"
        else:
            ename, evalue = "DeadKernelError", "the kernel died while running the cell (out of memory?)"
        if index is not None:
            # Stopping the kernel interrupts it first: a KeyboardInterrupt it may send back is ours, not the cell's.
            cell = notebook.cells[index]
            cell.outputs = [o for o in cell.outputs if o.get("ename") != "KeyboardInterrupt"]
            cell.outputs.append(
                nbformat.v4.new_output("error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"]))
    for cell in notebook.cells[(index if index is not None else -1) + 1:]:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return f"{ename}: {evalue}" if evalue else ename


def coalesce_streams(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Merge each run of consecutive stream outputs of one name (``stdout``, ``stderr``) in every code cell.

    How a kernel splits what a cell prints into stream messages depends on
    timing (its output buffer is flushed by a background thread), so the same
    cell may come back with one stream output or two. Merged, a cell's
    printed text is one output, whatever the timing. Only neighbours are
    merged: a print after a figure stays after it (nbclient's own
    ``coalesce_streams`` would move it before the figure), and the text is
    kept as printed (no carriage-return processing).

    Parameters
    ----------
    notebook : NotebookNode
        An executed notebook; changed in place.

    Returns
    -------
    NotebookNode
        The same notebook.
    """
    for cell in notebook.cells:
        if cell.cell_type != "code" or len(cell.get("outputs", [])) < 2:
            continue
        merged = []
        for output in cell.outputs:
            previous = merged[-1] if merged else None
            if (output.output_type == "stream" and previous is not None and previous.output_type == "stream"
                    and previous.name == output.name):
                previous.text += output.text
            else:
                merged.append(output)
        cell.outputs = merged
    return notebook


def execute_notebook(path: str | Path, values: dict[str, object] | None = None,
                     output: str | Path | None = None, failed_output: str | Path | None = None,
                     committed: bool = False, on_cell=None) -> float:
    """Execute the notebook at ``path`` in its own folder and save it.

    If a cell fails (an error, a timeout, a dead kernel), the executed notebook, with the error in the
    failing cell's outputs, is saved to ``failed_output``, ``path`` and ``output`` are left as they were,
    and :class:`NotebookFailed` names the cell as the user's file numbers it. A success removes a failed
    copy left by an earlier run. Consecutive stream outputs of a cell are merged
    (:func:`coalesce_streams`), so that what a cell printed does not depend on timing.

    Parameters
    ----------
    path : str or Path
        The notebook.
    values : dict of str to object, optional
        Parameter values, injected after its parameters cell (:func:`inject_parameters`).
    output : str or Path, optional
        Where the executed notebook is written (default: ``path`` itself).
    failed_output : str or Path, optional
        Where it is saved if a cell fails (default: :func:`~valduchesse.run.notebooks.failed_copy_path`).
    committed : bool, optional
        Whether this is the documented run of the collection in place; outside it, the kernel's figures for
        the committed ``figures/`` go to ``output/figures/<notebook>/runner/`` (:func:`kernel_environment`).
    on_cell : callable, optional
        Called as ``on_cell(cell, cells)`` as each code cell starts, with the cell's number and the number
        of cells as JupyterLab numbers the user's file (the injected cell counts as the parameters cell),
        e.g. for :class:`~valduchesse.run.progress.Progress`.

    Returns
    -------
    float
        The seconds the execution took.

    Raises
    ------
    NotebookFailed
        If a cell fails, naming the notebook, the cell, the error and the saved copy.
    """
    path = Path(path)
    notebook = nbformat.read(path, as_version=4)
    injected = inject_parameters(notebook, values) if values else None
    failed = Path(failed_output) if failed_output else failed_copy_path(path, output)
    running: dict[str, int] = {}
    cells = len(notebook.cells) - (injected is not None)

    def cell_started(cell, cell_index: int) -> None:
        running.update(index=cell_index)
        if on_cell is not None:
            on_cell(cell_index + 1 - (injected is not None and cell_index >= injected), cells)

    # nbclient waits for a cell's reply and its outputs side by side; with a blocking (non-async) kernel
    # manager the wait for outputs holds everything up, and the cell timeout never fires.
    # The kernel talks over Unix sockets in a folder of its own, not TCP ports: a port picked free can be taken
    # by another process before the kernel binds it ("Address already in use"), which happens under load.
    sockets = tempfile.TemporaryDirectory(prefix="valduchesse-kernel-")
    manager = AsyncKernelManager(kernel_name=KERNEL_NAME, kernel_spec_manager=ThisEnvironmentKernels(),
                                 transport="ipc", ip=os.path.join(sockets.name, "kernel"))
    client = NotebookClient(
        notebook,
        km=manager,
        timeout=CELL_TIMEOUT_SECONDS,
        record_timing=False,
        resources={"metadata": {"path": str(path.parent.resolve())}},
        on_cell_execute=cell_started,
    )
    start = time.perf_counter()
    try:
        # The kernel manager is ours, so nbclient would leave the kernel running: shut it down after the last
        # cell (or the failure), so that no idle kernel is left behind while the next notebooks run.
        client.execute(cleanup_kc=True, env=kernel_environment(committed, path))
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as err:
        coalesce_streams(notebook)
        index = running.get("index")
        error = _record_failure(notebook, index, err, client.timeout)
        write_notebook(notebook, failed)
        raise NotebookFailed(f"{path.name}, {cell_label(index, injected)}: {error} "
                             f"(the executed notebook, with the error, is saved as {failed})") from None
    finally:
        sockets.cleanup()
    coalesce_streams(notebook)
    write_notebook(notebook, Path(output) if output else path, committed=committed or output is None)
    if failed.is_file() and not failed.is_symlink():
        failed.unlink()
    return time.perf_counter() - start
