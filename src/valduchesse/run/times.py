"""Each notebook's time in its last run in place on this machine, and the start order it gives (longest first)."""

from __future__ import annotations

import json
from pathlib import Path

from ..cache import user_cache_folder, write_atomically

__all__ = ["TIMES_FILE", "keep_times", "last_times", "start_order", "times_file"]


TIMES_FILE = "notebook-times.json"
"""In the per-machine cache folder: each notebook's time (s) in its last run, by file name."""


def times_file() -> Path:
    """Where the notebooks' last times are kept (:data:`TIMES_FILE` in the per-machine cache folder).

    Returns
    -------
    Path
        The file (it may not exist yet).
    """
    return user_cache_folder() / TIMES_FILE


def last_times() -> dict[str, float]:
    """Each notebook's time in its last run on this machine, by file name; empty if none was kept or readable.

    Returns
    -------
    dict of str to float
        Seconds by notebook file name; entries whose name is not a string or whose value is not a number are
        left out.
    """
    try:
        times = json.loads(times_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(times, dict):
        return {}
    return {name: float(value) for name, value in times.items()
            if isinstance(name, str) and isinstance(value, (int, float)) and not isinstance(value, bool)}


def keep_times(times: dict[str, float]) -> None:
    """Add ``times`` to the kept times; a cache that cannot be written is skipped.

    Only the order the notebooks start in depends on the kept times, so a file that cannot be written is
    not an error.

    Parameters
    ----------
    times : dict of str to float
        Seconds by notebook file name, rounded to 0.01 s when kept; they replace the kept times of the same
        notebooks, the others are kept.
    """
    kept = {**last_times(), **{name: round(seconds, 2) for name, seconds in times.items()}}
    write_atomically(times_file(), json.dumps(kept, sort_keys=True, indent=1).encode("utf-8"))


def start_order(paths: list[Path], times: dict[str, float]) -> list[int]:
    """The indices of ``paths``, longest last time first; ties and notebooks never timed keep their order.

    Parameters
    ----------
    paths : list of Path
        The notebooks to run, in the collection's order.
    times : dict of str to float
        Seconds by notebook file name (:func:`last_times`); a notebook not in it counts as 0 s.

    Returns
    -------
    list of int
        Indices into ``paths``, in the order the notebooks should start.
    """
    return sorted(range(len(paths)), key=lambda index: (-times.get(paths[index].name, 0.0), index))
