"""The test command's time, and its slowest tests.

Runs ``make test`` (the README's test command, as CI runs it) ``--repeat`` times, with
``PYTEST_ADDOPTS=--durations=N`` so that pytest lists the N slowest tests, and records the wall time
of each run with the load average before it. Target (issue 21): under 60 s on the project's
2-core machine, warm (``.venv`` installed, the lemma-data cache filled: run ``make test`` once first).
Writes ``benchmarks/results/test_command.txt``: the machine, every run's time, and the last run's
slowest tests and summary line.

    .venv/bin/python benchmarks/test_command.py [--repeat 2] [--durations 15]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from collection import ROOT, RESULTS, machine  # noqa: E402  (the same description of the machine)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--durations", type=int, default=15)
    args = parser.parse_args(argv)
    started = machine()
    env = {**os.environ, "PYTEST_ADDOPTS": f"--durations={args.durations}"}
    runs, output = [], ""
    for rep in range(args.repeat):
        load = os.getloadavg()[0]
        start = time.perf_counter()
        result = subprocess.run(["make", "test"], cwd=ROOT, env=env, capture_output=True, text=True)
        wall = round(time.perf_counter() - start, 1)
        if result.returncode:
            raise SystemExit(f"make test failed:\n{result.stdout[-4000:]}\n{result.stderr[-2000:]}")
        output = result.stdout
        runs.append({"wall_s": wall, "load_before": round(load, 2)})
        print(f"run {rep + 1}/{args.repeat}: {wall} s (load average before: {load:.2f})", flush=True)
    slowest = re.search(r"=+ slowest \d+ durations =+\n(.*?)\n(?:\n|=)", output, re.S)
    summary = [line for line in output.splitlines() if re.search(r"\d+ passed", line)]
    lines = [
        "# The test command (make test) on this machine, warm; target (issue 21): under 60 s.",
        f"# machine: {json.dumps(started)}",
        f"# load average at the end: {list(os.getloadavg())}",
        *(f"# run {i + 1}: {run['wall_s']} s wall (load average before: {run['load_before']})"
          for i, run in enumerate(runs)),
        f"# median: {statistics.median(run['wall_s'] for run in runs)} s",
        "",
        f"The last run's slowest {args.durations} tests (pytest --durations; with pytest-xdist each is the time on its",
        "worker, while the other worker ran other tests):",
        slowest.group(1) if slowest else "(pytest printed no durations)",
        *summary,
    ]
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "test_command.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
