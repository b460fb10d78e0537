"""The collection's notebooks: which ones, in what order, which repository they belong to, which run writes
committed results, where a failed copy goes."""

from __future__ import annotations

from pathlib import Path

from .parameters import ParameterError

__all__ = [
    "COLLECTION_LIST", "FAILED_SUFFIX", "collection_list", "collection_root", "committed_notebook", "failed_copy_path",
    "notebook_paths", "outside_collection", "where_to_run",
]


FAILED_SUFFIX = ".failed.ipynb"


COLLECTION_LIST = "collection.txt"
"""The file, in a notebooks folder, that names the collection's notebooks in reading order."""


def collection_list(folder: str | Path) -> list[str] | None:
    """The notebook names listed in ``folder``/collection.txt (``#`` starts a comment), or None without one.

    Parameters
    ----------
    folder : str or Path
        A notebooks folder.

    Returns
    -------
    list of str or None
        The names, in the file's order, blank and comment-only lines left out; None if the folder has no
        :data:`COLLECTION_LIST`.
    """
    listing = Path(folder) / COLLECTION_LIST
    if not listing.is_file():
        return None
    lines = (line.split("#", 1)[0].strip() for line in listing.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line]


def notebook_paths(folder: str | Path) -> list[Path]:
    """The collection's notebooks in ``folder``, in reading order.

    Those named in ``folder``/collection.txt, if the folder has one (a copy made in JupyterLab, such as
    ``04_x-Copy1.ipynb``, is then never run, reported or tested as part of the collection); otherwise
    every ``NN_*.ipynb``, in number order (not the failed copies).

    Parameters
    ----------
    folder : str or Path
        A notebooks folder.

    Returns
    -------
    list of Path
        The notebooks' paths.

    Raises
    ------
    ParameterError
        If collection.txt names a notebook that is not in ``folder``.
    """
    folder = Path(folder)
    names = collection_list(folder)
    if names is None:
        return sorted(p for p in folder.glob("[0-9][0-9]_*.ipynb") if not p.name.endswith(FAILED_SUFFIX))
    missing = [name for name in names if not (folder / name).is_file()]
    if missing:
        raise ParameterError(f"{folder / COLLECTION_LIST} names {missing[0]}, which is not in {folder}: "
                             "remove the line, or restore the notebook")
    return [folder / name for name in names]


def collection_root(notebook: str | Path) -> Path | None:
    """The repository a notebook belongs to: the parent of its folder if that is called ``notebooks``.

    That is this collection's layout, and what the notebooks' defaults
    (``../texts``, ``../figures``) are relative to.

    Parameters
    ----------
    notebook : str or Path
        A notebook's path (resolved here).

    Returns
    -------
    Path or None
        The repository's folder, or None if the notebook's folder is not called ``notebooks``.
    """
    folder = Path(notebook).resolve().parent
    return folder.parent if folder.name == "notebooks" else None


def committed_notebook(path: str | Path) -> bool:
    """Whether running ``path`` in place is the documented run that writes committed results.

    True only for a notebook named in the ``collection.txt`` of its folder, a folder called ``notebooks``
    of a repository: a copy (``00_corpus-Copy1.ipynb``), or a notebook in another folder, is never the
    committed run, and writes its figures to a folder of its own under ``output/figures/``
    (:func:`valduchesse.figure_paths.run_folder`).

    Parameters
    ----------
    path : str or Path
        A notebook's path.

    Returns
    -------
    bool
        Whether it is; False too if the collection.txt cannot be read.
    """
    path = Path(path).resolve()
    if collection_root(path) is None or not (path.parent / COLLECTION_LIST).is_file():
        return False
    try:
        names = collection_list(path.parent) or []
    except (OSError, UnicodeDecodeError):
        return False
    return path.name in names


def failed_copy_path(path: str | Path, output: str | Path | None = None) -> Path:
    """Where the executed copy of the notebook ``path`` is saved if it fails: ``<name>.failed.ipynb``.

    Parameters
    ----------
    path : str or Path
        The notebook executed.
    output : str or Path, optional
        Where its executed copy goes; None for a run in place.

    Returns
    -------
    Path
        Next to ``output``; for a notebook executed in place, in the ``output/`` folder of its repository
        (which git ignores, and where nbval, run on ``notebooks/``, does not collect it), or next to the
        notebook if it belongs to no repository.
    """
    path = Path(path)
    name = path.name.removesuffix(".ipynb") + FAILED_SUFFIX
    if output is not None:
        return Path(output).with_name(name)
    root = collection_root(path)
    return root / "output" / name if root else path.with_name(name)


def outside_collection(folder: str | Path) -> list[Path]:
    """The numbered notebooks (``NN_*.ipynb``) of ``folder`` that its collection.txt does not name, sorted.

    They are not run by default: the run names them, so that a student's
    ``07_mine.ipynb`` is not skipped without a word.

    Parameters
    ----------
    folder : str or Path
        A notebooks folder.

    Returns
    -------
    list of Path
        Those notebooks (failed copies left out); empty without a collection.txt.
    """
    folder = Path(folder)
    names = collection_list(folder)
    if names is None:
        return []
    return sorted(p for p in folder.glob("[0-9][0-9]_*.ipynb")
                  if p.name not in names and not p.name.endswith(FAILED_SUFFIX))


def where_to_run(folder: str | Path, cwd: str | Path | None = None) -> str:
    """A hint for a notebook folder that does not exist from here: the folder to run the command from.

    Parameters
    ----------
    folder : str or Path
        The notebook folder asked for, as typed.
    cwd : str or Path, optional
        Where to look upwards from for a folder holding ``folder`` (e.g. the repository, when the command
        was typed inside ``notebooks/``); default: the current folder.

    Returns
    -------
    str
        The hint, starting with ``; ``, to append to an error message; "" if ``folder`` is absolute.
        Without such a folder, it says that there is none and to run the command from the repository.
    """
    folder, cwd = Path(folder), Path(cwd or Path.cwd()).resolve()
    if folder.is_absolute():
        return ""
    for parent in cwd.parents:
        if (parent / folder).is_dir():
            return (f"; you are in {cwd}: run the command from {parent} (cd {parent}), "
                    f"where {folder}/ is, or give --folder")
    return f"; you are in {cwd}, where there is no {folder}/: run the command from the repository's folder, or give --folder"
