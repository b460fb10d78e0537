"""The test command's time, in wall seconds and CPU seconds, and its slowest tests.

Runs ``make test`` (the README's test command, as CI runs it) ``--repeat`` times (default 3), with
``PYTEST_ADDOPTS=--durations=N`` so that pytest lists the N slowest tests, and records for each run its
wall time, its CPU time (user and system seconds of the whole process tree: pytest, its pytest-xdist
workers, the kernels and every other process the tests start and wait for; from ``getrusage`` of the
children of this script) and the load average before it; then the medians. Target (issue 21): under
60 s wall on the project's 2-core machine when idle, warm (``.venv`` installed, the lemma-data cache
filled: run ``make test`` once first). On a shared machine the wall time says little; the CPU time
says what the tests cost whatever else runs.

Writes ``benchmarks/results/test_command.txt`` (or ``--output``): the machine, every run's times, the
medians, and the last run's slowest tests and summary line.

    .venv/bin/python benchmarks/test_command.py [--repeat 3] [--durations 15] [--command "make test"]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shlex
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from collection import ROOT, RESULTS, machine  # noqa: E402  (the same description of the machine)

from valduchesse.atomic_write import write_atomically  # noqa: E402

COMMAND = "make test"


def timed_run(command: list[str], env: dict[str, str]) -> tuple[subprocess.CompletedProcess, dict[str, float]]:
    """Run ``command`` from the repository; its wall seconds and the CPU seconds of its process tree.

    CPU time is what ``getrusage(RUSAGE_CHILDREN)`` adds while the command runs: every descendant that
    was waited for (a process whose parent never waits for it is not counted).
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load = os.getloadavg()[0]
    start = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    user, system = after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime
    return result, {"wall_s": round(wall, 1), "user_s": round(user, 1), "sys_s": round(system, 1),
                    "cpu_s": round(user + system, 1), "load_before": round(load, 2)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--durations", type=int, default=15)
    parser.add_argument("--command", default=COMMAND, help=f"the test command (default {COMMAND!r})")
    parser.add_argument("--output", type=Path, default=RESULTS / "test_command.txt")
    args = parser.parse_args(argv)
    started = machine()
    env = {**os.environ, "PYTEST_ADDOPTS": f"--durations={args.durations}"}
    runs, output = [], ""
    for rep in range(args.repeat):
        result, run = timed_run(shlex.split(args.command), env)
        run["exit_status"] = result.returncode  # a failed run is recorded too, with its failures
        run["failed"] = [line.split(" - ")[0] for line in result.stdout.splitlines() if line.startswith(("FAILED ", "ERROR "))]
        output = result.stdout
        runs.append(run)
        print(f"run {rep + 1}/{args.repeat}: {json.dumps(run)}", flush=True)
    slowest = re.search(r"=+ slowest \d+ durations =+\n(.*?)\n(?:\n|=)", output, re.S)
    summary = [line for line in output.splitlines() if re.search(r"\d+ passed", line)]
    median = {key: round(statistics.median(run[key] for run in runs), 1) for key in ("wall_s", "user_s", "sys_s", "cpu_s")}
    lines = [
        f"# The test command ({args.command}) on this machine, warm"
        + ("; target (issue 21): under 60 s wall when idle." if args.command == COMMAND else "."),
        "# cpu = user + sys seconds of the whole process tree (pytest, workers, kernels, subprocesses).",
        f"# machine: {json.dumps(started)}",
        f"# load average at the end: {[round(value, 2) for value in os.getloadavg()]}",
        *(f"# run {i + 1}: {run['wall_s']} s wall, {run['cpu_s']} s cpu (user {run['user_s']}, sys {run['sys_s']}); "
          f"load average before: {run['load_before']}; exit {run['exit_status']}" + "".join(f"; {test}" for test in run["failed"])
          for i, run in enumerate(runs)),
        f"# median of {len(runs)}: {median['wall_s']} s wall, {median['cpu_s']} s cpu "
        f"(user {median['user_s']}, sys {median['sys_s']})",
        "",
        f"The last run's slowest {args.durations} tests (pytest --durations; with pytest-xdist each is the time on its",
        "worker, while the other worker ran other tests):",
        slowest.group(1) if slowest else "(pytest printed no durations)",
        *summary,
    ]
    args.output.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(args.output, "\n".join(lines) + "\n", guard=False)  # a tracked result: only this script writes it
    print("\n".join(lines))


if __name__ == "__main__":
    main()
