"""Check that the collection reproduces: run it on a copy (or twice) and list what differs, byte for byte."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import nbformat

from ..atomic_write import write_atomically
from .collection import run_collection
from .guard import protected_roots, refusal, tracked_paths
from .notebooks import collection_root
from .parameters import FIGURES_PARAMETER, PREFIX_PARAMETERS, ParameterError, is_path_parameter, is_written_parameter, read_parameters

__all__ = [
    "MARKER", "check_determinism", "check_reproduction", "copy_collection", "differing", "output_digests",
    "prepare_folder",
]


def output_digests(folder: Path) -> dict[str, str]:
    """SHA-256 of every figure file and of every notebook's outputs in a run's output folder.

    Parameters
    ----------
    folder : Path
        A run's output folder: its executed notebooks, its figures in ``figures/``.

    Returns
    -------
    dict of str to str
        Hex digests by name: ``figures/<file>`` for each file of ``figures/`` (its bytes), ``<notebook>.ipynb``
        for each notebook (its cells' outputs as sorted JSON).
    """
    digests = {}
    for path in sorted((folder / "figures").glob("*")):
        digests[f"figures/{path.name}"] = hashlib.sha256(path.read_bytes()).hexdigest()
    for path in sorted(folder.glob("*.ipynb")):
        outputs = [cell.get("outputs", []) for cell in nbformat.read(path, as_version=4).cells]
        digests[path.name] = hashlib.sha256(json.dumps(outputs, sort_keys=True).encode()).hexdigest()
    return digests


def check_determinism(paths: list[Path], workdir: str | Path, log=print, jobs: int | None = None) -> list[str]:
    """Run ``paths`` twice into ``workdir``/run-1 and run-2; return the files whose outputs differ.

    Every figure (PNG and SVG bytes) and every notebook's outputs are
    compared by SHA-256; a file made by one run only counts as a difference.
    The committed notebooks and figures are not touched. For when the
    committed files are knowingly out of date; otherwise
    :func:`check_reproduction` checks more in one run.

    Parameters
    ----------
    paths : list of Path
        The notebooks to run.
    workdir : str or Path
        The folder that receives the two runs' output folders.
    log : callable, optional
        Called with each progress line (default: ``print``).
    jobs : int, optional
        How many notebooks run at a time (default: the number of cores).

    Returns
    -------
    list of str
        :func:`differing`'s names for the two runs' :func:`output_digests`.
    """
    runs = [Path(workdir) / "run-1", Path(workdir) / "run-2"]
    for run in runs:
        log(f"run {run.name}:")
        run_collection(paths, {}, run, log=log, jobs=jobs)
    return differing(*(output_digests(run) for run in runs))


def differing(first: dict[str, str], second: dict[str, str]) -> list[str]:
    """The names whose digests differ between two :func:`output_digests`, a name in one only included; sorted.

    Parameters
    ----------
    first, second : dict of str to str
        Two :func:`output_digests`.

    Returns
    -------
    list of str
        Those names, sorted.
    """
    return sorted(name for name in first.keys() | second.keys() if first.get(name) != second.get(name))


def copy_collection(paths: list[Path], target: Path) -> list[Path]:
    """Copy the notebooks ``paths`` of one collection, and what they read, into ``target``, as a fresh clone would.

    The copy keeps the collection's layout: the notebooks in ``notebooks/``,
    every other file git tracks in the repository (texts, themes, coding
    sheets, ...) but those in the folders the notebooks write to (their
    ``FIGURES_DIR`` and other written defaults), and the inputs their
    defaults name (``INPUT_PATH_PARAMETERS``) even if git does not track
    them. Running the copies in place there is then what a run in place in
    the repository does, with everything written inside ``target``.

    Parameters
    ----------
    paths : list of Path
        Notebooks of the ``notebooks/`` folder of one collection.
    target : Path
        The folder the copy goes into.

    Returns
    -------
    list of Path
        The copied notebooks, in the order of ``paths``.

    Raises
    ------
    ParameterError
        If the notebooks are not all in one collection's ``notebooks/``, or a path default points outside it.
    """
    roots = {collection_root(path) for path in paths}
    if None in roots or len(roots) != 1:
        raise ParameterError("the notebooks to check must all be in the notebooks/ folder of one collection")
    root = roots.pop()
    written, inputs = [root / "notebooks"], []
    for path in paths:
        for name, default in read_parameters(path).items():
            if not isinstance(default, str) or not is_path_parameter(name) or name in PREFIX_PARAMETERS:
                continue
            source = (path.parent / default).resolve()
            if root not in source.parents:
                raise ParameterError(f"{path.name}: the default {name} = {default!r} is outside the collection "
                                     f"{root}, so a copy of the collection cannot hold it")
            (written if is_written_parameter(name) else inputs).append(source)
    files = [file for file in tracked_paths(root) if file.is_file() and not file.is_symlink()
             and not any(folder == file or folder in file.parents for folder in written)]
    for source in files + [source for source in inputs if source.exists()]:
        inside = target / source.relative_to(root)
        if source.is_dir():
            for file in sorted(source.rglob("*")):
                if file.is_file() and not file.is_symlink():
                    _copy(file, inside / file.relative_to(source))
        elif not inside.exists():
            _copy(source, inside)
    copies = []
    for path in paths:
        copy = target / "notebooks" / path.name
        _copy(path, copy)
        copies.append(copy)
    return copies


def _copy(source: Path, copy: Path) -> None:
    """Copy the bytes and permissions of ``source`` to ``copy`` atomically (into the check's own folder)."""
    write_atomically(copy, source.read_bytes(), committed=True)
    shutil.copymode(source, copy)


MARKER = ".valduchesse-determinism"
"""The file :func:`check_reproduction` puts in the folder it makes: only a folder holding it is ever deleted."""


def prepare_folder(target: Path) -> None:
    """Make ``target`` the check's own folder: empty, and marked as made by it (:data:`MARKER`).

    A folder the check made earlier (it holds the marker, as a regular file) is deleted and made again; a
    missing or empty folder is made and marked; anything else (a file, a link, a folder holding files the
    check did not make, such as a user's notes) is refused, and nothing is deleted.

    Parameters
    ----------
    target : Path
        The folder.

    Raises
    ------
    ParameterError
        If ``target`` is refused, saying what to give ``--output`` instead.
    """
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise ParameterError(f"refused: {target} exists and is not a folder the reproduction check made; nothing "
                             "was deleted. Give --output a new or empty folder, e.g. --output output/determinism")
    if target.is_dir() and any(target.iterdir()):
        marker = target / MARKER
        if not (marker.is_file() and not marker.is_symlink()):
            held = ", ".join(sorted(entry.name for entry in target.iterdir())[:3])
            raise ParameterError(
                f"refused: {target} is not empty (it holds {held}, ...) and was not made by the reproduction "
                "check, which deletes only the folder it made; nothing was deleted. Give --output a new or empty "
                "folder, e.g. --output output/determinism, or remove the folder yourself")
        shutil.rmtree(target)
    target.mkdir(parents=True, exist_ok=True)
    write_atomically(target / MARKER, b"made by 'python -m valduchesse determinism'; deleted by its next run\n",
                     committed=True)


def check_reproduction(paths: list[Path], workdir: str | Path, log=print, jobs: int | None = None) -> list[str]:
    """Run ``paths`` once, on a copy of their collection, and list what differs from the committed files.

    The notebooks (with the inputs they read) are copied to
    ``workdir``/collection and executed in place there, as ``make run``
    executes the repository's, ``jobs`` at a time. Then every executed
    notebook is compared byte for byte with the committed one, and every
    file the run wrote into the notebooks' ``FIGURES_DIR`` with the
    committed file of that name: a difference, or a figure the repository
    does not hold, is listed. As the committed files came from an earlier
    run, this checks determinism and reproduction at once. The committed
    notebooks and figures are not touched. ``workdir``/collection is deleted
    and made again only if an earlier check made it (:func:`prepare_folder`):
    a folder holding anything else is refused, and nothing is deleted.

    Parameters
    ----------
    paths : list of Path
        The notebooks to run, all in one collection's ``notebooks/``.
    workdir : str or Path
        The folder that receives the copy, in ``collection/``; refused if that lies in the committed collection.
    log : callable, optional
        Called with each progress line (default: ``print``).
    jobs : int, optional
        How many notebooks run at a time (default: the number of cores).

    Returns
    -------
    list of str
        ``notebooks/<name>`` for each notebook that differs, then ``<figures folder>/<file>`` for each figure
        that differs or is not committed.

    Raises
    ------
    ParameterError
        If the folder is refused (:func:`prepare_folder`, the write guard) or the notebooks cannot be copied.
    """
    workdir = Path(workdir).resolve()
    target = workdir / "collection"
    roots = protected_roots(collection_root(path) for path in paths)
    reason = refusal(target, roots, {root: tracked_paths(root) for root in roots})
    if reason:
        raise ParameterError(f"refused: the output folder {target} {reason}. The check never writes into the "
                             "committed collection: give --output a folder outside the repository's notebooks/, "
                             "figures/ and texts/, e.g. --output output/determinism")
    prepare_folder(target)
    copies = copy_collection(paths, target)
    run_collection(copies, {}, None, log=log, jobs=jobs)
    differences = [f"notebooks/{path.name}" for path, copy in zip(paths, copies)
                   if copy.read_bytes() != path.read_bytes()]
    folders = {}
    for path, copy in zip(paths, copies):
        default = read_parameters(path).get(FIGURES_PARAMETER)
        if isinstance(default, str):
            folders[(copy.parent / default).resolve()] = (path.parent / default).resolve()
    for made, committed in folders.items():
        for file in sorted(made.rglob("*")) if made.is_dir() else []:
            original = committed / file.relative_to(made)
            if file.is_file() and (not original.is_file() or original.read_bytes() != file.read_bytes()):
                differences.append(f"{committed.name}/{file.relative_to(made)}")
    return differences
