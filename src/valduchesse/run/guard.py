"""The one write guard: nothing is written into the committed collection but by the documented run.

The protected roots (the notebooks' repository and this package's checkout), their protected folders and
git-tracked files, and the refusal that names what would be written and what to do instead. Every command
(``run``, ``report``, ``determinism``, ``fetch``, ``new-text``) and the notebooks' own writes go through
:func:`check_write` (:func:`valduchesse.atomic_write.write_atomically` calls it); a run with parameters or
``--output`` is checked as a whole before it starts (:func:`valduchesse.run.paths.check_written_paths`).
However a path is spelled, through ``..``, a symbolic link or a hard link (a file with more than one name,
e.g. the same inode as a tracked file), it is refused if it leads into the committed collection. Only the
in-place run of the notebooks named in ``notebooks/collection.txt``
(:func:`valduchesse.run.notebooks.committed_notebook`) writes committed results.

The guard imports nothing of this package (only the standard library), so that :mod:`valduchesse.atomic_write`,
which every module writes with, can call it: the dependency points one way.
"""

from __future__ import annotations

import os
import stat
import subprocess
from collections.abc import Iterable
from pathlib import Path

__all__ = [
    "PACKAGE_CHECKOUT", "PROTECTED_FOLDERS", "WriteRefused", "check_write", "collection_roots", "link_refusal",
    "protected_roots", "refusal", "tracked_paths", "write_refusal",
]


class WriteRefused(ValueError):
    """A write the guard refuses; nothing was written. The message names the path, why, and where to write."""


# The committed collection: a run with parameters or --output never writes into these folders of the
# repository (.git too), nor to the repository's root folder, nor to a file (or folder of files) that git
# tracks. The repository is the parent of a notebook's folder named notebooks/ (see collection_root).
PROTECTED_FOLDERS = ("notebooks", "figures", "texts", ".git")
# The checkout this package was loaded from, protected whatever notebooks are run (if it is one).
PACKAGE_CHECKOUT = Path(__file__).resolve().parents[3]


def protected_roots(roots: Iterable[Path | None] = ()) -> list[Path]:
    """The repositories whose committed collection a run must not write: ``roots``, and this package's checkout.

    Parameters
    ----------
    roots : iterable of Path or None
        The repositories of the notebooks run (:func:`valduchesse.run.notebooks.collection_root` of each;
        None, for a notebook outside a repository, is left out).

    Returns
    -------
    list of Path
        ``roots`` in order without repeats, then :data:`PACKAGE_CHECKOUT` if it is a checkout of the collection.
    """
    roots = list(roots)
    if (PACKAGE_CHECKOUT / "notebooks").is_dir() and (PACKAGE_CHECKOUT / "pyproject.toml").is_file():
        roots.append(PACKAGE_CHECKOUT)
    return list(dict.fromkeys(root for root in roots if root is not None))


def tracked_paths(root: Path) -> set[Path]:
    """The files git tracks under ``root``, and the folders holding them; empty if git cannot tell.

    Parameters
    ----------
    root : Path
        A repository's folder (``git -C root ls-files``).

    Returns
    -------
    set of Path
        Each tracked file as ``root / name``, and every folder from ``root`` down to it.
    """
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

    Parameters
    ----------
    path : str or Path
        A path to write (resolved here).

    Returns
    -------
    list of Path
        Every folder at or above ``path`` that holds a ``notebooks/`` folder and a ``pyproject.toml`` (this
        collection's layout), nearest first, then :func:`protected_roots` (this package's checkout), without
        repeats.
    """
    resolved = Path(path).resolve()
    roots = [folder for folder in (resolved, *resolved.parents)
             if (folder / "notebooks").is_dir() and (folder / "pyproject.toml").is_file()]
    return list(dict.fromkeys([*roots, *protected_roots()]))


def link_refusal(path: str | Path, roots: list[Path] = (), tracked: dict[Path, set[Path]] | None = None) -> str | None:
    """Why the existing entry ``path`` may not be written over, whatever folder it is in; None if it may.

    A file with more than one name (a hard link: ``st_nlink`` above 1) and an entry that is not a regular
    file or folder (a FIFO, a device, a socket) are refused.

    Parameters
    ----------
    path : str or Path
        The entry to write over.
    roots : list of Path, optional
        Repositories whose tracked files a hard link may share its inode with (then that file is named).
    tracked : dict of Path to set of Path, optional
        :func:`tracked_paths` of each of ``roots``.

    Returns
    -------
    str or None
        The reason, as words following "it" (e.g. ``is a hard link to …``); None if ``path`` does not exist,
        is a folder, or is a regular file with one name.
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
    than one hard link is refused too (:func:`link_refusal`).

    Parameters
    ----------
    path : str or Path
        The path to write.
    roots : list of Path
        The repositories to protect.
    tracked : dict of Path to set of Path
        :func:`tracked_paths` of each of ``roots``.
    allow : tuple of str, optional
        Protected folders (of :data:`PROTECTED_FOLDERS`) that may hold ``path`` if it is not a tracked file
        (``("texts",)`` for ``new-text``).

    Returns
    -------
    str or None
        The reason, as words following "it": a root folder, a protected folder or inside one, a tracked file
        or folder of files, or :func:`link_refusal`'s; None if ``path`` may be written.
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

    Only the roots that are ``path`` or hold it are checked. With ``committed`` (the documented run of the
    collection in place, or a command whose purpose is to write there, as ``fetch`` the texts) only
    :func:`link_refusal` applies.

    Parameters
    ----------
    path : str or Path
        The file to write.
    committed : bool, optional
        Whether the write is one that may go into the committed collection.
    allow : tuple of str, optional
        As for :func:`refusal`.

    Returns
    -------
    str or None
        The reason, as words following "it"; None if ``path`` may be written.
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
    """Raise :class:`WriteRefused` if :func:`write_refusal` refuses ``path``; nothing is written then.

    Parameters
    ----------
    path : str or Path
        The file to write.
    committed, allow
        As for :func:`write_refusal`.

    Raises
    ------
    WriteRefused
        Naming the path, the reason and where to write instead.
    """
    reason = write_refusal(path, committed, allow)
    if reason:
        raise WriteRefused(
            f"refused to write {path}: it {reason}. Nothing was written. The committed collection (notebooks/, "
            "figures/, texts/ and every file git tracks) is written only by the documented run in place "
            "('make run'); choose a path outside it, e.g. under output/")
