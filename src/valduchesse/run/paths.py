"""The paths a run with parameters or ``--output`` reads and writes, checked before anything runs.

:func:`check_written_paths` lists every place such a run writes (:func:`written_paths`: the output folder,
the executed copies, every parameter a notebook writes to, the symbolic links already there) and refuses
the run, before any kernel starts, if one of them leads into the committed collection of a protected
repository (:func:`valduchesse.run.guard.refusal`) or over a notebook it runs; an input parameter that is
not a regular file or a folder is refused too (:func:`input_refusal`).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ..files import not_regular
from .guard import protected_roots, refusal, tracked_paths
from .notebooks import collection_root, failed_copy_path
from .parameters import (
    EXAMPLE_VALUES, FIGURES_PARAMETER, INPUT_PATH_PARAMETERS, PREFIX_PARAMETERS, ParameterError, is_written_parameter,
    read_parameters,
)

__all__ = ["check_written_paths", "input_refusal", "written_paths"]


def input_refusal(name: str, value) -> str | None:
    """Why the value of an input parameter cannot be read, or None.

    Checked before any kernel starts, with ``stat`` only (nothing is opened): a ``*_FILE`` must be a
    regular file (not ``/dev/zero``, which never ends, nor a FIFO, which would wait for a writer until the
    cell's timeout, nor a folder), a ``*_DIR`` a folder.

    Parameters
    ----------
    name : str
        The parameter's name; only those of :data:`~valduchesse.run.parameters.INPUT_PATH_PARAMETERS` are
        checked.
    value : object
        Its value; only a string is checked.

    Returns
    -------
    str or None
        The refusal, naming the parameter, what its path is and what to give instead; None if the value is
        fine, is not checked, or does not exist (a missing input is the runner's own error).
    """
    if name not in INPUT_PATH_PARAMETERS or not isinstance(value, str):
        return None
    try:
        mode = os.stat(value).st_mode
    except OSError:
        return None  # a missing input is the runner's own error
    if name.endswith("_DIR"):
        kind = None if stat.S_ISDIR(mode) else (not_regular(mode) or "a file")
        wanted = "a folder"
    else:
        kind, wanted = not_regular(mode), "a regular file"
    if kind is None:
        return None
    return (f"refused: parameter {name} = {value!r} is {kind}, not {wanted}; nothing was run. Give -p {name} "
            f"the path of {wanted}")


def written_paths(paths: list[Path], values: dict[Path, dict[str, object]],
                  output_dir: Path) -> list[tuple[str, Path, str]]:
    """Every place a run with parameters or ``--output`` writes: (what, path, what to do instead).

    Parameters
    ----------
    paths : list of Path
        The notebooks run.
    values : dict of Path to dict
        Each notebook's given parameter values, by name.
    output_dir : Path
        The output folder.

    Returns
    -------
    list of tuple of (str, Path, str)
        The output folder and the executed copies in it (failed ones included); for each notebook, every
        parameter it writes to (:func:`~valduchesse.run.parameters.is_written_parameter`; the prefix
        parameters left out), with its given value or else its default (relative to the notebook's folder);
        and whatever is already in those folders as a symbolic link, which a notebook would write through.
        Each as what it is in words, its path, and the advice a refusal gives.
    """
    elsewhere = "give --output a folder outside the repository's notebooks/, figures/ and texts/, e.g. --output output"
    places = [(f"the output folder {output_dir}", output_dir, elsewhere)]
    folders = [output_dir]
    for path in paths:
        for copy in (output_dir / path.name, failed_copy_path(path, output_dir / path.name)):
            places.append((f"the executed copy {copy}", copy, elsewhere))
        for name, default in read_parameters(path).items():
            value = values[path].get(name, default)
            if not is_written_parameter(name) or not isinstance(value, str) or name in PREFIX_PARAMETERS:
                continue
            given = name in values[path]
            target = Path(value) if given else path.parent / value
            what = f"parameter {name} = {value!r}" + ("" if given else f" (default of {path.name})")
            advice = f"give -p {name} a path outside the repository's notebooks/, figures/ and texts/" + (
                " (or leave it out: the figures then go to the output folder's figures/)"
                if name == FIGURES_PARAMETER else "")
            places.append((what, target, advice))
            folders.append(target)
    for folder in folders:
        if folder.is_dir():
            places.extend((f"the existing link {entry}", entry, "remove the link, or choose another folder")
                          for entry in sorted(folder.iterdir()) if entry.is_symlink())
    return places


def check_written_paths(paths: list[Path], values: dict[Path, dict[str, object]], output_dir: str | Path,
                        roots: list[Path] | None = None) -> None:
    """Refuse, before anything runs, a run that would write into the committed collection.

    Every path of :func:`written_paths` is resolved and checked against the repositories ``roots``:
    nothing may go into their ``notebooks/``, ``figures/`` or ``texts/``, nor be their root folder or a
    file (or folder of files) that git tracks, nor overwrite a notebook being run. FIGURE_PREFIX must be a
    plain name, so that the figures stay in FIGURES_DIR. Only a plain ``run`` (no parameters, no output
    folder) rewrites the committed notebooks and figures. Input parameters that are not a regular file or
    a folder (``/dev/zero``, a FIFO) are refused too (:func:`input_refusal`).

    Parameters
    ----------
    paths : list of Path
        The notebooks run.
    values : dict of Path to dict
        Each notebook's given parameter values, by name.
    output_dir : str or Path
        The output folder; refused if it is a file.
    roots : list of Path, optional
        The repositories to protect; default: :func:`~valduchesse.run.guard.protected_roots` of the
        notebooks' repositories.

    Raises
    ------
    ParameterError
        At the first refusal, saying what would be written where, why not, and what to do instead.
    """
    roots = (protected_roots(collection_root(path) for path in paths) if roots is None
             else [Path(root).resolve() for root in roots])
    tracked = {root: tracked_paths(root) for root in roots}
    sources = {path.resolve() for path in paths}
    for path in paths:
        for name, default in read_parameters(path).items():
            value = values[path].get(name, default)
            if name in PREFIX_PARAMETERS and isinstance(value, str) and any(sep in value for sep in "/\\"):
                raise ParameterError(
                    f"parameter {name} = {value!r}: it is the start of the figure file names, not a path; give a "
                    f"name without / or \\, e.g. -p {name} {EXAMPLE_VALUES.get(name, 'mine')}, and choose the "
                    f"folder with -p {FIGURES_PARAMETER}")
    for path in paths:
        for name, value in values[path].items():
            problem = input_refusal(name, value)
            if problem:
                raise ParameterError(problem)
    if Path(output_dir).exists() and not Path(output_dir).is_dir():
        raise ParameterError(f"--output {output_dir} is a file; give a folder (it is created if need be)")
    for what, target, advice in written_paths(paths, values, Path(output_dir)):
        if target.resolve() in sources:
            raise ParameterError(f"refused: {what} would overwrite the notebook it runs; {advice}")
        reason = refusal(target, roots, tracked)
        if reason:
            raise ParameterError(
                f"refused: {what} {reason}. A run with parameters or --output never writes into the committed "
                f"collection (only a plain 'python -m valduchesse run' rewrites it): {advice}")
