"""Progress within long notebooks: a line now and then on the terminal, ``03_topic_clusters: cell 4/9, 12 s``.

The runner prints one line per notebook once it is done; a notebook that runs for more than
:data:`PROGRESS_AFTER_SECONDS` also gets a line at most every :data:`PROGRESS_EVERY_SECONDS`, named by the
notebook (so that notebooks run side by side stay readable), with the cell it is in (as JupyterLab numbers
the user's file: every cell counts, from 1) and its time so far. The lines go to the runner's log only,
never into a notebook: the committed notebooks stay byte-identical.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

__all__ = ["PROGRESS_AFTER_SECONDS", "PROGRESS_EVERY_SECONDS", "Progress", "Terminal", "progress_line"]


PROGRESS_AFTER_SECONDS = 5.0
"""A notebook gets progress lines once it has run this long (seconds, its kernel's start included)."""
PROGRESS_EVERY_SECONDS = 10.0
"""At most one progress line per notebook in this many seconds."""


def progress_line(name: str, cell: int | None, cells: int, seconds: float) -> str:
    """The progress line of the notebook ``name`` (a file name or stem) in its cell ``cell`` of ``cells``.

    Parameters
    ----------
    name : str
        The notebook's path or file name; the line names its stem.
    cell : int or None
        The cell running, as JupyterLab numbers the user's file (from 1); None while the kernel starts.
    cells : int
        How many cells the user's file has.
    seconds : float
        The notebook's time so far.

    Returns
    -------
    str
        E.g. ``03_topic_clusters: cell 4/9, 12 s``.
    """
    where = "starting its kernel" if cell is None else f"cell {cell}/{cells}"
    return f"{Path(name).stem}: {where}, {seconds:.0f} s"


class Terminal:
    """The runner's log, shared by the threads of a run: whole lines, and a line left open is closed first.

    ``open(text)`` starts a line to be finished by ``close(text)`` (e.g.
    ``[3/7] 03_topic_clusters.ipynb ...`` then ``done in 31.2 s``);
    ``line(text)`` writes a line of its own, from any thread. When a line
    comes while one is open, the open one is ended first, and ``close``
    then repeats its start, so that no line mixes two notebooks.
    """

    def __init__(self, log=print):
        self.log = log
        self._lock = threading.Lock()
        self._open: str | None = None
        self._broken = False

    def open(self, text: str) -> None:
        """Start a line (``text`` and a space), to be finished by :meth:`close`.

        Parameters
        ----------
        text : str
            The line's start.
        """
        with self._lock:
            self.log(text, end=" ", flush=True)
            self._open, self._broken = text, False

    def close(self, text: str) -> None:
        """Finish the open line with ``text`` (its start repeated if a progress line came in between).

        Parameters
        ----------
        text : str
            The line's end.
        """
        with self._lock:
            if self._broken and self._open is not None:
                self.log(f"{self._open} {text}")
            else:
                self.log(text)
            self._open, self._broken = None, False

    def line(self, text: str) -> None:
        """Write ``text`` as a line of its own, ending an open line first.

        Parameters
        ----------
        text : str
            The line.
        """
        with self._lock:
            if self._open is not None and not self._broken:
                self.log("", flush=True)
                self._broken = True
            self.log(text, flush=True)


class _Running:
    """One notebook's state: its cell and cells, when it started and when its last line was written."""

    def __init__(self, cells: int, now: float):
        self.cell: int | None = None
        self.cells = cells
        self.start = now
        self.last_line: float | None = None


class Progress:
    """Progress lines for the notebooks of a run (:func:`progress_line`), written to a :class:`Terminal`.

    The runner calls :meth:`started` when a notebook starts, :meth:`cell`
    when one of its cells starts, and :meth:`finished` when it is done; a
    notebook running for ``after`` seconds gets a line when a cell starts
    or, during a long cell, from a watcher thread, at most one in ``every``
    seconds. Use as a context manager (the watcher stops on exit).

    Parameters
    ----------
    terminal : Terminal
        Where the lines go.
    after : float
        Seconds a notebook runs before its first line (default :data:`PROGRESS_AFTER_SECONDS`).
    every : float
        Seconds between two lines of one notebook at least (default :data:`PROGRESS_EVERY_SECONDS`).
    clock : callable
        Seconds, monotonic (default :func:`time.monotonic`).
    """

    def __init__(self, terminal: Terminal, after: float = PROGRESS_AFTER_SECONDS,
                 every: float = PROGRESS_EVERY_SECONDS, clock=time.monotonic):
        self.terminal, self.after, self.every, self.clock = terminal, after, every, clock
        self._running: dict[str, _Running] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._watcher = threading.Thread(target=self._watch, name="notebook-progress", daemon=True)

    def __enter__(self) -> Progress:
        self._watcher.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._watcher.join()

    def started(self, name: str, cells: int) -> None:
        """The notebook ``name`` starts: its kernel first.

        Parameters
        ----------
        name : str
            Its path or file name (the lines name its stem).
        cells : int
            Its number of cells in the user's file.
        """
        with self._lock:
            self._running[name] = _Running(cells, self.clock())

    def cell(self, name: str, cell: int) -> None:
        """The notebook ``name`` starts its cell ``cell``; a line is written if one is due.

        Parameters
        ----------
        name : str
            As given to :meth:`started` (a notebook not started is ignored).
        cell : int
            The cell's number, as JupyterLab numbers it.
        """
        with self._lock:
            state = self._running.get(name)
            if state is None:
                return
            state.cell = cell
        self._maybe_line(name)

    def finished(self, name: str) -> None:
        """The notebook ``name`` is done (or failed): no more lines for it.

        Parameters
        ----------
        name : str
            As given to :meth:`started`.
        """
        with self._lock:
            self._running.pop(name, None)

    def _maybe_line(self, name: str) -> None:
        with self._lock:
            state = self._running.get(name)
            now = self.clock()
            if (state is None or now - state.start < self.after
                    or (state.last_line is not None and now - state.last_line < self.every)):
                return
            state.last_line = now
            text = progress_line(name, state.cell, state.cells, now - state.start)
        self.terminal.line(text)

    def _watch(self) -> None:
        # Often enough that a long cell's line comes about on time; a cell that starts writes its own at once.
        tick = max(0.05, min(self.after, self.every) / 4)
        while not self._stop.wait(tick):
            with self._lock:
                names = list(self._running)
            for name in names:
                self._maybe_line(name)
