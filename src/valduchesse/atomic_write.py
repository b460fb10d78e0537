"""The one atomic write: every file the project writes, whole or not at all, checked by the write guard.

Every file the project writes goes through :func:`write_atomically` (or :func:`replace_atomically` for a
library that writes a file itself, and :func:`write_notebook`): the bytes go to a temporary file in the
target's folder, are flushed to the disk, and the temporary file is then renamed over the target, so that
a reader, a crash, ``kill -9`` or a full disk leaves the whole old file or the whole new one, never a part.
A full disk, a quota or a read-only file system ends in a one-line :class:`WriteError` naming the file
(and, for a full disk, the space needed), with the temporary file removed. Before anything is written the
path is checked by the write guard (:func:`valduchesse.run.guard.check_write`): nothing goes into a
collection's committed folders or over a tracked or hard-linked file unless the write is the documented
run's own.
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

from .run.guard import check_write

__all__ = ["WriteError", "replace_atomically", "write_atomically", "write_notebook"]


# --- writing: atomically, guarded ------------------------------------------------------------------

class WriteError(OSError):
    """A file could not be written (disk full, quota, read-only, no permission); the old file is kept.

    The message is one line naming the file, what happened, what was kept, and the fix; ``errno`` and
    ``filename`` are those of the failure.
    """

    def __str__(self) -> str:
        return self.strerror


_FULL = (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC))


def _umask() -> int:
    """This process's umask, read without changing it (Linux); else the usual 0o022."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return 0o022


def _write_error(path: Path, err: OSError, needed: int | None) -> WriteError:
    kept = "the file was not changed (its earlier version, if any, is kept whole)"
    if err.errno in _FULL:
        try:
            free = shutil.disk_usage(path.parent).free
        except OSError:
            free = None
        space = (f"{needed:,} bytes are needed" if needed is not None else "more space is needed") + (
            f", {free:,} bytes are free" if free is not None else "")
        what = "the disk quota is exceeded" if err.errno != errno.ENOSPC else "the disk is full"
        message = f"cannot write {path}: {what} ({space}); {kept}. Fix: free some disk space and run again"
    elif err.errno == errno.EROFS:
        message = (f"cannot write {path}: the file system is read-only; {kept}. Fix: run from a writable "
                   "checkout, or give an output folder that is writable")
    elif err.errno in (errno.EACCES, errno.EPERM):
        message = f"cannot write {path}: permission denied; {kept}. Fix: check that you may write the folder"
    elif err.errno == errno.EFBIG:
        message = f"cannot write {path}: the file is too large for this system's limits; {kept}"
    else:
        message = f"cannot write {path}: {err.strerror or err}; {kept}"
    return WriteError(err.errno, message, str(path))


def replace_atomically(path: str | Path, write: Callable[[Path], None], *, committed: bool = False,
                       guard: bool = True, verify: Callable[[Path], None] | None = None,
                       size: int | None = None) -> Path:
    """Call ``write(temporary)`` on a new temporary file beside ``path``, then put it in ``path``'s place.

    The temporary file is flushed to the disk (``fsync``) and renamed over ``path`` (``os.replace``),
    so that any reader, a crash or ``kill -9`` sees the whole old file or the whole new one. It takes
    ``path``'s permissions if ``path`` exists (else the usual ones of a new file). On any failure the
    temporary file is removed and ``path`` is left as it was.

    Parameters
    ----------
    path : str or Path
        The file to write; its folder is made if need be.
    write : callable
        Called with the temporary file's path; writes the new content there.
    committed : bool, optional
        Whether this is the documented run of the collection, which may write its committed folders.
    guard : bool, optional
        Unless False, the write guard (:func:`valduchesse.run.guard.check_write`) first refuses a path in a
        committed folder, over a tracked file or over a hard link.
    verify : callable, optional
        Called with the temporary file's path before it replaces the old one; it may refuse the new file by
        raising.
    size : int, optional
        The space needed, said in the error for a full disk.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    WriteError
        One line, for a full disk, a quota, a read-only file system or a refused permission.
    valduchesse.run.guard.WriteRefused
        The guard's refusal.
    """
    path = Path(path)
    if guard:
        check_write(path, committed=committed)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as err:
        raise _write_error(path, err, size) from None
    os.close(handle)
    temporary = Path(name)
    try:
        try:
            mode = stat.S_IMODE(os.stat(path).st_mode)
        except OSError:
            mode = 0o666 & ~_umask()
        os.chmod(temporary, mode)
        write(temporary)
        with open(temporary, "rb+") as written:
            os.fsync(written.fileno())
        if verify is not None:
            verify(temporary)
        os.replace(temporary, path)
    except BaseException as err:
        temporary.unlink(missing_ok=True)
        if isinstance(err, OSError) and not isinstance(err, WriteError) and err.errno is not None:
            raise _write_error(path, err, size) from None
        raise
    try:  # make the rename itself durable; best effort (some file systems refuse fsync on a folder)
        folder = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return path
    try:
        os.fsync(folder)
    except OSError:
        pass
    finally:
        os.close(folder)
    return path


def write_atomically(path: str | Path, data: bytes | str, *, committed: bool = False, guard: bool = True,
                     verify: Callable[[Path], None] | None = None) -> Path:
    """Write ``data`` (text is written as UTF-8, lines as given) to ``path`` with :func:`replace_atomically`.

    Parameters
    ----------
    path : str or Path
        The file to write.
    data : bytes or str
        Its new content.
    committed, guard, verify
        As for :func:`replace_atomically`.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    WriteError
        One line, the old file kept, if the disk is full or read-only.
    valduchesse.run.guard.WriteRefused
        The guard's refusal for a protected path.
    """
    if isinstance(data, str):
        data = data.encode("utf-8")

    def write(temporary: Path) -> None:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_TRUNC | getattr(os, "O_BINARY", 0))
        try:
            view = memoryview(data)
            while view:  # os.write may write less than asked: write on until all is written
                view = view[os.write(descriptor, view):]
        finally:
            os.close(descriptor)

    return replace_atomically(path, write, committed=committed, guard=guard, verify=verify, size=len(data))


def write_notebook(notebook, path: str | Path, *, committed: bool = False) -> Path:
    """Write ``notebook`` to ``path`` atomically, with the text ``nbformat.writes`` gives, ending in a newline.

    Parameters
    ----------
    notebook : NotebookNode
        The notebook.
    path : str or Path
        The file to write (with :func:`write_atomically`).
    committed : bool, optional
        As for :func:`replace_atomically`.

    Returns
    -------
    Path
        ``path``.
    """
    import nbformat

    text = nbformat.writes(notebook)
    if not text.endswith("\n"):
        text += "\n"
    return write_atomically(path, text, committed=committed)

