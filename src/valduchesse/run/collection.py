"""Run many notebooks: checked parameters and paths, then ``jobs`` notebooks side by side, lines in order."""

from __future__ import annotations

import os
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from pathlib import Path

import nbformat

from ..figure_paths import run_folder
from .execute import execute_notebook
from .notebooks import collection_root, committed_notebook
from .paths import check_written_paths
from .parameters import FIGURES_PARAMETER, INPUT_PATH_PARAMETERS, ParameterError, check_parameters, read_parameters, resolve_paths
from . import progress as progress_module
from .progress import Progress, Terminal
from .times import keep_times, last_times, start_order

__all__ = ["default_jobs", "figures_written", "run_collection", "side_by_side"]


def default_jobs() -> int:
    """How many notebooks to execute at a time by default: the cores this process may use.

    Returns
    -------
    int
        The number of cores in this process's CPU affinity (``os.cpu_count()`` where there is none), at least 1.
    """
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def run_collection(paths: list[Path], overrides: dict[str, object] | None = None,
                   output_dir: str | Path | None = None, log=print, roots: list[Path] | None = None,
                   jobs: int | None = None, progress_after: float | None = None,
                   progress_every: float | None = None) -> None:
    """Execute ``paths``, ``jobs`` at a time, logging one line per notebook, in their order, with its time.

    Without ``overrides`` and ``output_dir`` the notebooks are executed in
    place. Otherwise the executed copies go to ``output_dir`` and, unless ``FIGURES_DIR`` is among the
    overrides, the figures to its ``figures/`` subfolder. Parameters are checked first;
    relative paths given for ``*_DIR`` and ``*_FILE`` parameters are taken
    from the current folder. Then every path the run would write is checked
    (:func:`~valduchesse.run.paths.check_written_paths`, against the repositories ``roots``): such a run
    never writes into the committed collection.

    The notebooks are independent, each in its own kernel: with ``jobs`` above 1 several run side by
    side, and each one's line is logged once it and every notebook before it are
    done, so the lines keep the notebooks' order. They start longest first
    (:func:`.times.start_order` on :func:`.times.last_times`); each one's time is kept for
    the next run (:func:`~valduchesse.run.times.keep_times`) if the run is in place: runs with
    parameters, on other texts, do not change the order of ``make run``.
    When a notebook fails no notebook after
    it in the order starts; those already running finish (and keep their
    outputs), and the error raised is that of the first failing notebook in
    the order, as a run one at a time would raise it.

    A notebook that runs for more than ``progress_after`` seconds also gets a line now and then, at most
    one in ``progress_every`` seconds, named by the notebook, with its cell and time so far
    (:class:`.progress.Progress`; on the log only, never in a notebook). Where the figures went is said
    at the end, for every run but the documented one: a notebook executed in
    place that is not part of the collection (a copy, an edited notebook
    under another name) writes the figures it draws for the committed
    ``figures/`` to ``output/figures/<notebook>/runner/``
    (:func:`~valduchesse.figure_paths.run_folder`), a run with parameters or
    ``--output`` to the output folder's ``figures/``.

    Parameters
    ----------
    paths : list of Path
        The notebooks, in the collection's order.
    overrides : dict of str to object, optional
        Parameter values by name (:func:`~valduchesse.run.parameters.check_parameters`).
    output_dir : str or Path, optional
        Where the executed copies go; with ``overrides`` and no ``output_dir``, ``output/``.
    log : callable, optional
        Called with each line (default: ``print``).
    roots : list of Path, optional
        The repositories to protect (default: :func:`~valduchesse.run.guard.protected_roots` of the
        notebooks').
    jobs : int, optional
        How many notebooks run at a time (default: :func:`default_jobs`; never more than there are notebooks).
    progress_after, progress_every : float, optional
        Seconds (defaults :data:`.progress.PROGRESS_AFTER_SECONDS` and
        :data:`.progress.PROGRESS_EVERY_SECONDS`).

    Raises
    ------
    ParameterError
        If a parameter, an input path or a written path is refused (nothing has run then).
    NotebookFailed
        The first failing notebook's error, in the order.
    """
    overrides = overrides or {}
    in_place = not overrides and output_dir is None
    values = {path: resolve_paths(given) for path, given in check_parameters(paths, overrides).items()}
    missing = [f"{name} = {value}" for given in values.values() for name, value in given.items()
               if name in INPUT_PATH_PARAMETERS and value is not None and not Path(value).exists()]
    if missing:
        raise ParameterError(f"no such file or folder: {missing[0]}; give a path that exists, "
                             "relative to where you run the command")
    if not in_place:
        output_dir = Path(output_dir or "output").resolve()
        for path in paths:
            if FIGURES_PARAMETER in read_parameters(path) and FIGURES_PARAMETER not in overrides:
                values[path] = {**values[path], FIGURES_PARAMETER: str(output_dir / "figures")}
        check_written_paths(paths, values, output_dir, roots)
    created = None if in_place else _first_missing_folder(output_dir)
    if created:
        output_dir.mkdir(parents=True)
    jobs = max(1, min(jobs or default_jobs(), len(paths)))

    committed = {path: in_place and committed_notebook(path) for path in paths}
    terminal = Terminal(log)
    progress = Progress(terminal, progress_module.PROGRESS_AFTER_SECONDS if progress_after is None else progress_after,
                        progress_module.PROGRESS_EVERY_SECONDS if progress_every is None else progress_every)

    def execute(index: int) -> float:
        path = paths[index]
        key = str(path)  # two notebooks of one name in two folders are two notebooks; the lines name the stem
        progress.started(key, len(nbformat.read(path, as_version=4).cells))
        try:
            return execute_notebook(path, values[path], None if in_place else output_dir / path.name,
                                    committed=committed[path], on_cell=lambda cell, _: progress.cell(key, cell))
        finally:
            progress.finished(key)

    start, started = time.perf_counter(), time.time()
    times = {}
    try:
        with progress:
            if jobs == 1:
                for i, path in enumerate(paths, 1):
                    terminal.open(f"[{i}/{len(paths)}] {path.name} ...")
                    times[path.name] = execute(i - 1)
                    terminal.close(f"done in {times[path.name]:.1f} s")
            else:
                order = start_order(paths, last_times())
                for index, outcome in side_by_side(execute, len(paths), jobs, order):
                    started_line = f"[{index + 1}/{len(paths)}] {paths[index].name} ..."
                    if isinstance(outcome, BaseException):
                        terminal.open(started_line)
                        raise outcome
                    times[paths[index].name] = outcome
                    terminal.line(f"{started_line} done in {outcome:.1f} s")  # one write: no progress line inside
    except BaseException:
        if created:
            _remove_empty_folders(created)  # a run that failed before writing anything leaves no trace
        raise
    finally:
        if in_place:
            keep_times(times)
    where = "in place" if in_place else f"into {output_dir}"
    at_a_time = f", {jobs} at a time" if jobs > 1 else ""
    log(f"{len(paths)} notebook(s) executed {where} in {time.perf_counter() - start:.1f} s{at_a_time}")
    for line in figures_written(paths, committed, None if in_place else output_dir, started):
        log(line)


def figures_written(paths: list[Path], committed: dict[Path, bool], output_dir: Path | None,
                    since: float) -> list[str]:
    """Where the figures of a run went, one line per folder written since ``since`` (a :func:`time.time`).

    Nothing for the documented run (``committed``, in place: the committed
    ``figures/``); for a notebook executed in place outside the collection,
    its folder ``output/figures/<notebook>/runner/`` (:func:`~valduchesse.figure_paths.run_folder`);
    for a run into ``output_dir``, its ``figures/``. A folder nothing was
    written into during the run is not named.

    Parameters
    ----------
    paths : list of Path
        The notebooks run.
    committed : dict of Path to bool
        Whether each was the documented run's.
    output_dir : Path or None
        The output folder of a run with parameters or ``--output``; None for a run in place.
    since : float
        When the run started (seconds since the epoch).

    Returns
    -------
    list of str
        E.g. ``figures of 00_corpus-Copy1.ipynb: output/figures/00_corpus-Copy1/runner/ (not figures/:
        only 'make run' of the collection writes them)``.
    """
    def written(folder: Path) -> bool:
        try:
            return folder.is_dir() and any(file.stat().st_mtime >= since - 1 for file in folder.iterdir())
        except OSError:
            return False

    if output_dir is not None:
        folder = output_dir / "figures"
        return [f"figures: {folder}/"] if written(folder) else []
    lines = []
    for path in paths:
        root = collection_root(path)
        if committed.get(path) or root is None:
            continue
        folder = run_folder(root, path.name)
        if written(folder):
            shown = folder.relative_to(Path.cwd()) if Path.cwd() in folder.parents else folder
            lines.append(f"figures of {path.name}: {shown.as_posix()}/ (not figures/: only the run of the notebooks "
                         "collection.txt names, in place, writes the committed figures)")
    return lines


def side_by_side(work, count: int, jobs: int, order: list[int]):
    """Run ``work(0)`` ... ``work(count - 1)``, ``jobs`` at a time; yield ``(index, result or exception)`` in order.

    The calls run on a :class:`concurrent.futures.ThreadPoolExecutor` of
    ``jobs`` threads (each call waits on its own kernel, so threads are
    enough) and start in ``order`` (a permutation of the indices, e.g.
    :func:`~valduchesse.run.times.start_order`): a call is handed to the pool
    only when a thread is free, so that the order holds. Once a call raises,
    no call after it in the index order starts (those before it still run,
    so that the first exception in the index order is the one a run one at a
    time would meet), and the exception is yielded (last) only after the
    calls still running have finished. If the caller stops early (an error,
    Ctrl-C), no further call starts; the calls already running finish before
    the process exits (a notebook is written only once it has run through).

    Parameters
    ----------
    work : callable
        ``work(index)`` returns a result or raises.
    count : int
        How many calls (indices 0 to ``count - 1``).
    jobs : int
        How many calls at a time.
    order : list of int
        The order the calls start in.

    Yields
    ------
    tuple of (int, object)
        Each index, in increasing order, with its result or the exception it
        raised; after an exception, nothing more.
    """
    waiting = list(order)
    running: dict[Future, int] = {}
    done: dict[int, object] = {}
    first_failure = count
    pool = ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="notebook-runner")

    def start_startable() -> None:
        while len(running) < jobs:
            index = next((i for i in waiting if i < first_failure), None)
            if index is None:
                return
            waiting.remove(index)
            running[pool.submit(work, index)] = index

    def settle(block_until) -> None:
        """Collect finished calls and start the next ones until ``block_until()`` holds."""
        nonlocal first_failure
        while not block_until():
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in sorted(finished, key=running.get):
                index = running.pop(future)
                error = future.exception()
                done[index] = error if error is not None else future.result()
                if error is not None:
                    first_failure = min(first_failure, index)
            start_startable()

    try:
        start_startable()
        for index in range(count):
            settle(lambda: index in done)
            outcome = done[index]
            if isinstance(outcome, BaseException):
                settle(lambda: not running)
            yield index, outcome
            if isinstance(outcome, BaseException):
                return
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def _first_missing_folder(folder: Path) -> Path | None:
    """The topmost folder that creating ``folder`` would create, or None if it exists."""
    if folder.exists():
        return None
    while not folder.parent.exists():
        folder = folder.parent
    return folder


def _remove_empty_folders(top: Path) -> None:
    """Remove ``top`` and the folders in it, as far as they are empty; never a file."""
    for folder, _, _ in os.walk(top, topdown=False):
        try:
            os.rmdir(folder)
        except OSError:
            pass
