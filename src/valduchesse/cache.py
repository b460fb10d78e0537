"""The collection's per-machine cache folder, and writing into it safely.

Two things are kept there, both only to save time, never to change a result: the lemmatiser's language
data as tries (:mod:`valduchesse.lemma_cache`) and each notebook's time in its last run, which orders
the next run (:mod:`valduchesse.run.times`). The folder is ``$VALDUCHESSE_CACHE_DIR`` if set, else the
user cache folder (``~/.cache/valduchesse`` on Linux, via platformdirs). Delete it at will.
"""

from __future__ import annotations

import os
from pathlib import Path

from . import atomic_write

__all__ = ["ENV_FOLDER", "user_cache_folder", "write_atomically"]

ENV_FOLDER = "VALDUCHESSE_CACHE_DIR"


def user_cache_folder() -> Path:
    """The collection's per-machine cache folder: ``$VALDUCHESSE_CACHE_DIR``, else the user cache folder.

    Returns
    -------
    Path
        The folder (not created here): ``$VALDUCHESSE_CACHE_DIR`` if set and not empty, else platformdirs'
        user cache folder for ``valduchesse`` (``$XDG_CACHE_HOME/valduchesse`` or ``~/.cache/valduchesse``
        without platformdirs).
    """
    base = os.environ.get(ENV_FOLDER)
    if not base:
        try:
            from platformdirs import user_cache_dir

            base = user_cache_dir("valduchesse", appauthor=False)
        except ImportError:  # pragma: no cover - platformdirs comes with Jupyter
            base = str(Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "valduchesse")
    return Path(base)


def write_atomically(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` atomically (:mod:`valduchesse.atomic_write`); False if it could not be written.

    The cache only saves time: a cache file that cannot be written (a full disk, a read-only home, a path
    the write guard refuses) is not an error.

    Parameters
    ----------
    path : Path
        The cache file to write.
    data : bytes
        Its new content.

    Returns
    -------
    bool
        True if the file was written, False if an ``OSError`` or ``ValueError`` stopped it.
    """
    try:
        atomic_write.write_atomically(path, data)
        return True
    except (OSError, ValueError):
        return False
