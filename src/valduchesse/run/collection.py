"""Run many notebooks: checked parameters and paths, then ``jobs`` notebooks side by side, lines in order."""

from __future__ import annotations

import os
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from pathlib import Path

from .execute import execute_notebook
from .guard import check_written_paths, committed_notebook
from .parameters import FIGURES_PARAMETER, INPUT_PATH_PARAMETERS, ParameterError, check_parameters, read_parameters, resolve_paths
from .times import keep_times, last_times, start_order

__all__ = ["default_jobs", "run_collection", "side_by_side"]


def default_jobs() -> int:
    """How many notebooks to execute at a time by default: the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def run_collection(paths: list[Path], overrides: dict[str, object] | None = None,
                   output_dir: str | Path | None = None, log=print, roots: list[Path] | None = None,
                   jobs: int | None = None) -> None:
    """Execute ``paths``, ``jobs`` at a time, logging one line per notebook, in their order, with its time.

    Without ``overrides`` and ``output_dir`` the notebooks are executed in
    place. Otherwise the executed copies go to ``output_dir`` (default
    ``output/``) and, unless ``FIGURES_DIR`` is among the overrides, the
    figures to its ``figures/`` subfolder. Parameters are checked first;
    relative paths given for ``*_DIR`` and ``*_FILE`` parameters are taken
    from the current folder. Then every path the run would write is checked
    (:func:`~valduchesse.run.guard.check_written_paths`, against the repositories ``roots``,
    default :func:`~valduchesse.run.guard.protected_roots`): such a run never writes into the
    committed collection.

    The notebooks are independent, each in its own kernel: with ``jobs``
    above 1 (default :func:`default_jobs`) several run side by side, and
    each one's line is logged once it and every notebook before it are
    done, so the lines keep the notebooks' order. They start longest first
    (:func:`.times.start_order` on :func:`.times.last_times`); each one's time is kept for
    the next run (:func:`~valduchesse.run.times.keep_times`) if the run is in place: runs with
    parameters, on other texts, do not change the order of ``make run``.
    When a notebook fails no notebook after
    it in the order starts; those already running finish (and keep their
    outputs), and the error raised is that of the first failing notebook in
    the order, as a run one at a time would raise it.
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

    def execute(index: int) -> float:
        path = paths[index]
        return execute_notebook(path, values[path], None if in_place else output_dir / path.name,
                                committed=in_place and committed_notebook(path))

    start = time.perf_counter()
    times = {}
    try:
        if jobs == 1:
            for i, path in enumerate(paths, 1):
                log(f"[{i}/{len(paths)}] {path.name} ...", end=" ", flush=True)
                times[path.name] = execute(i - 1)
                log(f"done in {times[path.name]:.1f} s")
        else:
            order = start_order(paths, last_times())
            for index, outcome in side_by_side(execute, len(paths), jobs, order):
                log(f"[{index + 1}/{len(paths)}] {paths[index].name} ...", end=" ", flush=True)
                if isinstance(outcome, BaseException):
                    raise outcome
                times[paths[index].name] = outcome
                log(f"done in {outcome:.1f} s")
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
