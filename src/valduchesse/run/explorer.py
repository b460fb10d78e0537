"""Execute the explorer notebook (``notebooks/explorer.ipynb``): ``python -m valduchesse.run.explorer``.

The explorer is not one of the collection's notebooks (``notebooks/collection.txt`` does not name it);
``make run`` executes it after the collection, in place. Its widget cells (tagged :data:`WIDGET_TAG`)
would save a widget view with a model id drawn at random, different on every run, so the views are
left out (:func:`strip_widget_views`) and the committed notebook comes back byte for byte. With
parameters (``-p TEXTS_DIR my_texts``) the executed copy goes to ``--output`` only, checked by the write
guard before the kernel starts. The explorer's data and controls are :mod:`valduchesse.explore`; what it shows, :mod:`valduchesse.prose.explore`.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import nbformat

from ..atomic_write import write_notebook
from ..files import InputError
from .execute import execute_notebook
from .guard import PACKAGE_CHECKOUT, WriteRefused, check_write
from .notebooks import failed_copy_path
from .parameters import ParameterError, parse_value, read_parameters, resolve_paths

__all__ = ["EXPLORER_NOTEBOOK", "WIDGET_TAG", "WIDGET_VIEW", "execute_explorer", "main", "strip_widget_views"]

EXPLORER_NOTEBOOK = PACKAGE_CHECKOUT / "notebooks" / "explorer.ipynb"
"""The explorer notebook of this checkout."""
WIDGET_TAG = "nbval-ignore-output"
"""The tag of the notebook's widget cells: their output (a widget with a random model id) is not kept."""
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
"""The MIME type of a widget view in a notebook output."""


def strip_widget_views(notebook) -> int:
    """Drop the widget views (random model ids) from the outputs of the cells tagged :data:`WIDGET_TAG`.

    A widget needs a running kernel: saved without one, its output would show only a plain-text form
    and a model id drawn at random, different on every run. The notebook's saved widget state, if any,
    is dropped too.

    Parameters
    ----------
    notebook : nbformat.NotebookNode
        An executed notebook; changed in place.

    Returns
    -------
    int
        The number of outputs dropped.
    """
    changed = 0
    for cell in notebook.cells:
        if cell.cell_type != "code" or WIDGET_TAG not in cell.metadata.get("tags", []):
            continue
        kept = []
        for output in cell.outputs:
            if WIDGET_VIEW in output.get("data", {}):
                changed += 1
                continue
            kept.append(output)
        cell.outputs = kept
    notebook.metadata.pop("widgets", None)
    return changed


def execute_explorer(path: str | Path = EXPLORER_NOTEBOOK, output: str | Path | None = None,
                     values: dict | None = None) -> Path:
    """Execute the explorer notebook in its folder and save it without its widget views.

    Parameters
    ----------
    path : str or Path
        The notebook (default: this checkout's ``notebooks/explorer.ipynb``).
    output : str or Path, optional
        Where to save the executed notebook; default ``path`` itself (the documented run in place, as
        ``make run`` does).
    values : dict, optional
        Parameters to inject (e.g. ``{"TEXTS_DIR": "/path/to/texts"}``); only with ``output``, so that the
        committed notebook always shows the project's own texts.

    Returns
    -------
    Path
        Where the notebook was saved.

    Raises
    ------
    ParameterError
        For parameters without an output.
    WriteRefused
        For an output inside the committed collection, before the kernel starts.
    NotebookFailed
        For a failing cell; the executed copy is saved where the runner saves one.
    """
    path = Path(path)
    if values and output is None:
        raise ParameterError(f"{path}: parameters given without an output. Fix: give an output path (--output) "
                             "outside notebooks/, e.g. output/explorer.ipynb")
    target = Path(output) if output else path
    if output is not None:
        check_write(target)  # before the run: an output inside the committed collection is refused
    with tempfile.TemporaryDirectory(prefix="valduchesse-explorer-") as scratch:
        executed = Path(scratch) / path.name
        # A failure is saved where the runner saves one (output/ of the repository, or next to ``output``).
        execute_notebook(path, values, output=executed, failed_output=failed_copy_path(path, output))
        notebook = nbformat.read(executed, as_version=4)
    strip_widget_views(notebook)
    return write_notebook(notebook, target, committed=output is None)


def main(argv: list[str] | None = None) -> int:
    """``python -m valduchesse.run.explorer [--output FILE] [-p NAME VALUE ...]``: :func:`execute_explorer`.

    Parameters
    ----------
    argv : list of str, optional
        The command's words after its name (default: the command line's).

    Returns
    -------
    int
        0 once the notebook is saved; 2 for an unknown parameter, parameters without ``--output``, an
        output the write guard refuses, an input the notebook cannot read or a failing cell (the error
        is printed, naming the fix).
    """
    parser = argparse.ArgumentParser(prog="python -m valduchesse.run.explorer",
                                     description="Execute the explorer notebook (notebooks/explorer.ipynb) in place, "
                                                 "or into --output with parameters.")
    parser.add_argument("--output", help="save the executed notebook here instead of in place")
    parser.add_argument("-p", nargs=2, action="append", metavar=("NAME", "VALUE"), default=[],
                        help="a parameter of the notebook, e.g. -p TEXTS_DIR my_texts (needs --output)")
    args = parser.parse_args(argv)
    known = read_parameters(EXPLORER_NOTEBOOK)
    unknown = [name for name, _ in args.p if name not in known]
    if unknown:
        print(f"error: {EXPLORER_NOTEBOOK.name} has no parameter {unknown[0]}. Fix: use one of {', '.join(known)}")
        return 2
    # Values as Python (None, numbers); relative paths from the current folder, since the kernel runs in notebooks/.
    values = resolve_paths({name: parse_value(value) for name, value in args.p})
    try:
        saved = execute_explorer(output=args.output, values=values or None)
    except (InputError, ParameterError, WriteRefused, RuntimeError) as problem:
        print(f"error: {problem}")
        return 2
    print(f"executed {EXPLORER_NOTEBOOK.name}, saved as {saved}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
