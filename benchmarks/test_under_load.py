"""The test command under load: ``make test`` N times with a CPU hog busy on every core.

Issue 21 asks that the tests never flake: ``make test`` must pass five times in a row while every core
is kept busy by another program. This script starts one hog process per usable core (a busy loop at
normal priority, as another user's build would be), runs the test command ``--runs`` times, and
records each run's exit status, wall time, CPU time (user and system seconds of the test command's
process tree, the hogs' not included), pytest's summary line and the failed tests in
``benchmarks/results/test_under_load.txt``.

The hog is bounded: each hog process stops by itself after ``--hog-limit`` seconds, or as soon as this
script is gone (it watches its parent), so an interrupted benchmark leaves no busy process behind.

    .venv/bin/python benchmarks/test_under_load.py [--runs 5] [--hog-limit 3600]

Exit status 0 if every run passed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import re
import resource
import shlex
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from collection import RESULTS, ROOT, machine  # noqa: E402  (the same description of the machine)

from valduchesse.atomic_write import write_atomically  # noqa: E402

COMMAND = "make test"
OUTPUT = RESULTS / "test_under_load.txt"


def usable_cores() -> int:
    """The cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def hog(deadline: float, parent: int) -> None:
    """Keep one core busy until ``deadline`` (time.monotonic) or until process ``parent`` is gone."""
    checked = 0
    while True:
        for _ in range(200_000):  # about 10 ms of arithmetic between checks
            checked += 1
        if time.monotonic() > deadline or os.getppid() != parent:
            return


def start_hogs(count: int, limit: float) -> list[multiprocessing.Process]:
    """``count`` hog processes, each stopping by itself after ``limit`` seconds."""
    deadline = time.monotonic() + limit
    processes = [multiprocessing.Process(target=hog, args=(deadline, os.getpid()), daemon=True, name=f"hog-{i}")
                 for i in range(count)]
    for process in processes:
        process.start()
    return processes


def stop_hogs(processes: list[multiprocessing.Process]) -> None:
    """Stop the hogs this script started (by their own handles, nothing else)."""
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(10)


def summary_line(output: str) -> str:
    """pytest's last summary line (``N passed, M skipped in T s``), or a note that there was none."""
    lines = [line.strip("= ") for line in output.splitlines() if re.search(r"\d+ (passed|failed|error)", line)]
    return lines[-1] if lines else "(no pytest summary line)"


def failed_tests(output: str) -> list[str]:
    """The ids pytest lists as FAILED or ERROR in its short summary."""
    return [line.split(" - ")[0] for line in output.splitlines() if line.startswith(("FAILED ", "ERROR "))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="how many runs of the test command (default 5)")
    parser.add_argument("--hog-limit", type=float, default=3600.0,
                        help="seconds after which every hog stops by itself (default 3600)")
    parser.add_argument("--output", type=Path, default=OUTPUT, help=f"where to record (default {OUTPUT})")
    parser.add_argument("--command", default=COMMAND,
                        help=f"the test command (default {COMMAND!r}; e.g. a pytest command for a few tests)")
    parser.add_argument("--logs", type=Path, default=None,
                        help="a folder to keep each run's full output in (run-N.log); by default not kept")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.hog_limit <= 0:
        parser.error("--runs must be at least 1 and --hog-limit above 0")
    started = machine()
    cores = usable_cores()
    runs = []
    hogs = start_hogs(cores, args.hog_limit)
    try:
        for number in range(1, args.runs + 1):
            load = os.getloadavg()[0]
            before = resource.getrusage(resource.RUSAGE_CHILDREN)  # the hogs are still running: not counted
            start = time.perf_counter()
            result = subprocess.run(shlex.split(args.command), cwd=ROOT, capture_output=True, text=True, stdin=subprocess.DEVNULL)
            wall = round(time.perf_counter() - start, 1)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = round(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime, 1)
            output = result.stdout + result.stderr
            if args.logs:
                write_atomically(args.logs / f"run-{number}.log", output)
            run = {"run": number, "exit_status": result.returncode, "wall_s": wall, "cpu_s": cpu, "load_before": round(load, 2),
                   "hogs_alive": sum(process.is_alive() for process in hogs), "summary": summary_line(output),
                   "failed": failed_tests(output)}
            runs.append(run)
            print(json.dumps(run), flush=True)
    finally:
        stop_hogs(hogs)
    passed = sum(run["exit_status"] == 0 for run in runs)
    lines = [
        f"# The test command ({args.command}) with a CPU hog busy on every core ({cores} hog processes);",
        "# issue 21's target: five runs in a row, every one passing.",
        f"# machine: {json.dumps(started)}",
        f"# {passed} of {len(runs)} runs passed",
        "",
        *(f"run {run['run']}: {'passed' if run['exit_status'] == 0 else 'FAILED'} (exit {run['exit_status']}) "
          f"in {run['wall_s']} s wall, {run['cpu_s']} s cpu; load average before {run['load_before']}, hogs alive after {run['hogs_alive']}; "
          f"{run['summary']}" + "".join(f"\n    {test}" for test in run["failed"]) for run in runs),
    ]
    args.output.parent.mkdir(parents=True, exist_ok=True)
    existing = args.output.read_text(encoding="utf-8") if args.output.is_file() else ""
    # Each invocation is one block; earlier blocks are kept, newest last, so a series of invocations is recorded.
    write_atomically(args.output, existing + ("\n" if existing else "") + "\n".join(lines) + "\n", guard=False)
    print("\n".join(lines))
    return 0 if passed == len(runs) else 1


if __name__ == "__main__":
    raise SystemExit(main())
