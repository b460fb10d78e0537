"""The one write guard: nothing is written into the committed collection but by the documented run.

The protected roots (the notebooks' repository and this package's checkout), their protected folders and
git-tracked files, and the refusal that names what would be written and what to do instead. Every command
(``run``, ``report``, ``determinism``, ``fetch``, ``new-text``) and the notebooks' own writes go through
:func:`check_write` (:func:`valduchesse.files.write_atomically` calls it); a run with parameters or
``--output`` is checked as a whole before it starts (:func:`check_written_paths`). However a path is
spelled, through ``..``, a symbolic link or a hard link (a file with more than one name, e.g. the same
inode as a tracked file), it is refused if it leads into the committed collection. Only the in-place run
of the notebooks named in ``notebooks/collection.txt`` (:func:`committed_notebook`) writes committed results.
"""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

from .notebooks import COLLECTION_LIST, collection_list, collection_root, failed_copy_path
from ..files import not_regular
from .parameters import EXAMPLE_VALUES, FIGURES_PARAMETER, INPUT_PATH_PARAMETERS, PREFIX_PARAMETERS, ParameterError, is_written_parameter, read_parameters

__all__ = [
    "PACKAGE_CHECKOUT", "PROTECTED_FOLDERS", "WriteRefused", "check_write", "check_written_paths",
    "collection_roots", "committed_notebook", "input_refusal", "link_refusal", "protected_roots", "refusal", "tracked_paths",
    "write_refusal", "written_paths",
]


class WriteRefused(ParameterError):
    """A write the guard refuses; nothing was written. The message names the path, why, and where to write."""


# The committed collection: a run with parameters or --output never writes into these folders of the
# repository (.git too), nor to the repository's root folder, nor to a file (or folder of files) that git
# tracks. The repository is the parent of a notebook's folder named notebooks/ (see collection_root).
PROTECTED_FOLDERS = ("notebooks", "figures", "texts", ".git")
# The checkout this package was loaded from, protected whatever notebooks are run (if it is one).
PACKAGE_CHECKOUT = Path(__file__).resolve().parents[2]


def protected_roots(paths: list[Path]) -> list[Path]:
    """The repositories whose committed collection a run must not write: the notebooks' own, and this package's."""
    roots = [collection_root(path) for path in paths]
    if (PACKAGE_CHECKOUT / "notebooks").is_dir() and (PACKAGE_CHECKOUT / "pyproject.toml").is_file():
        roots.append(PACKAGE_CHECKOUT)
    return list(dict.fromkeys(root for root in roots if root is not None))


def tracked_paths(root: Path) -> set[Path]:
    """The files git tracks under ``root``, and the folders holding them; empty if git cannot tell."""
    try:
        listing = subprocess.run(["git", "-C", str(root), "ls-files", "-z"], capture_output=True, check=True,
                                 timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return set()
    tracked = set()
    for name in listing.decode("utf-8", "surrogateescape").split("\0"):
        if name:
            file = root / name
            tracked.add(file)
            tracked.update(folder for folder in file.parents if folder == root or root in folder.parents)
    return tracked


def collection_roots(path: str | Path) -> list[Path]:
    """The repositories whose committed collection ``path`` may lie in.

    Every folder above ``path`` (resolved) that holds a ``notebooks/`` folder and a ``pyproject.toml``
    (this collection's layout), and this package's checkout.
    """
    resolved = Path(path).resolve()
    roots = [folder for folder in (resolved, *resolved.parents)
             if (folder / "notebooks").is_dir() and (folder / "pyproject.toml").is_file()]
    return list(dict.fromkeys([*roots, *protected_roots([])]))


def link_refusal(path: str | Path, roots: list[Path] = (), tracked: dict[Path, set[Path]] | None = None) -> str | None:
    """Why the existing entry ``path`` may not be written over, whatever folder it is in; None if it may.

    A file with more than one name (a hard link: ``st_nlink`` above 1, e.g. the same inode as a file git
    tracks in one of ``roots``, which is then named) and an entry that is not a regular file or folder
    (a FIFO, a device, a socket) are refused.
    """
    try:
        info = os.stat(path)
    except OSError:
        return None
    if stat.S_ISDIR(info.st_mode):
        return None
    if not stat.S_ISREG(info.st_mode):
        return "is not a regular file (a FIFO, a device or a socket)"
    if info.st_nlink > 1:
        for root in roots:
            for file in (tracked or {}).get(root, ()):
                try:
                    other = os.stat(file)
                except OSError:
                    continue
                if (other.st_dev, other.st_ino) == (info.st_dev, info.st_ino) and stat.S_ISREG(other.st_mode):
                    return f"is a hard link to {file}, a file git tracks in the repository {root}"
        return (f"has {info.st_nlink} names (hard links): another name for the same file would change with it; "
                "remove the other link, or choose another file name")
    return None


def refusal(path: str | Path, roots: list[Path], tracked: dict[Path, set[Path]], allow: tuple[str, ...] = ()) -> str | None:
    """Why writing ``path`` would touch the committed collection of one of ``roots``, or None.

    ``path`` is resolved first (symbolic links and ``..``), so that no
    spelling of a protected place gets through; an existing file with more
    than one hard link is refused too (:func:`link_refusal`). The protected
    folders named in ``allow`` (``("texts",)`` for ``new-text``) may hold
    ``path`` if it is not a tracked file.
    """
    linked = link_refusal(path, roots, tracked)
    if linked:
        return linked
    path = Path(path).resolve()
    for root in roots:
        if path == root:
            return f"is the root folder of the repository {root}"
        for name in (name for name in PROTECTED_FOLDERS if name not in allow):
            folder = (root / name).resolve()
            if path == folder:
                return f"is the repository's {name}/ folder"
            if folder in path.parents:
                return f"is inside the repository's {name}/ folder ({folder})"
        if path in tracked.get(root, ()):
            return f"is {'a folder of files' if path.is_dir() else 'a file'} that git tracks in the repository {root}"
    return None


def write_refusal(path: str | Path, committed: bool = False, allow: tuple[str, ...] = ()) -> str | None:
    """Why one file may not be written at ``path``, or None: :func:`refusal` against :func:`collection_roots`.

    With ``committed`` (the documented run of the collection in place, or a command whose purpose is to
    write there, as ``fetch`` the texts) only :func:`link_refusal` applies.
    """
    resolved = Path(path).resolve()
    roots = [root for root in collection_roots(path) if resolved == root or root in resolved.parents]
    if committed and link_refusal(path) is None:  # git is asked only when there is something to name
        return None
    tracked = {root: tracked_paths(root) for root in roots}
    if committed:
        return link_refusal(path, roots, tracked)
    return refusal(path, roots, tracked, allow)


def check_write(path: str | Path, committed: bool = False, allow: tuple[str, ...] = ()) -> None:
    """Raise :class:`WriteRefused` if :func:`write_refusal` refuses ``path``; nothing is written then."""
    reason = write_refusal(path, committed, allow)
    if reason:
        raise WriteRefused(
            f"refused to write {path}: it {reason}. Nothing was written. The committed collection (notebooks/, "
            "figures/, texts/ and every file git tracks) is written only by the documented run in place "
            "('make run'); choose a path outside it, e.g. under output/")


def committed_notebook(path: str | Path) -> bool:
    """Whether running ``path`` in place is the documented run that writes committed results.

    True only for a notebook named in the ``collection.txt`` of its folder, a folder called ``notebooks``
    of a repository: a copy (``00_corpus-Copy1.ipynb``), or a notebook in another folder, is never the
    committed run, and writes its figures to a folder of its own under ``output/figures/``
    (:func:`valduchesse.figure_paths.run_folder`).
    """
    path = Path(path).resolve()
    if collection_root(path) is None or not (path.parent / COLLECTION_LIST).is_file():
        return False
    try:
        names = collection_list(path.parent) or []
    except (OSError, UnicodeDecodeError):
        return False
    return path.name in names


def input_refusal(name: str, value) -> str | None:
    """Why the value of the input parameter ``name`` (:data:`~valduchesse.run.parameters.INPUT_PATH_PARAMETERS`) cannot be read, or None.

    Checked before any kernel starts, with ``stat`` only (nothing is opened): a ``*_FILE`` must be a
    regular file (not ``/dev/zero``, which never ends, nor a FIFO, which would wait for a writer until the
    cell's timeout, nor a folder), a ``*_DIR`` a folder.
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

    The output folder and the executed copies in it (failed ones included);
    for each notebook, every parameter it writes to (:func:`~valduchesse.run.parameters.is_written_parameter`),
    with its given value or else its default (relative to the notebook's
    folder); and whatever is already in those folders as a symbolic link,
    which a notebook would write through.
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

    Every path of :func:`written_paths` is resolved and checked against the
    repositories ``roots`` (default: :func:`protected_roots`): nothing may go
    into their ``notebooks/``, ``figures/`` or ``texts/``, nor be their root
    folder or a file (or folder of files) that git tracks, nor overwrite a
    notebook being run. FIGURE_PREFIX must be a plain name, so that the
    figures stay in FIGURES_DIR. Only a plain ``run`` (no parameters, no
    output folder) rewrites the committed notebooks and figures. Input
    parameters that are not a regular file or a folder (``/dev/zero``, a
    FIFO) are refused too (:func:`input_refusal`).
    """
    roots = protected_roots(paths) if roots is None else [Path(root).resolve() for root in roots]
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
