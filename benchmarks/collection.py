"""The collection against its floor, and one version of the code against another.

Every run goes through the runner's command line (``python -m valduchesse run --output TMP``), in a
fresh temporary folder, so the committed notebooks and figures are never touched. The **floor** is the
same number of notebooks, run the same way in the same kind of kernel, that only hold each
notebook's import statements: what a run would cost if the analyses and figures took no time.

Floor mode (the default) times, ``--repeat`` times and in alternating order:

- the collection run serially (``--jobs 1``), with each notebook's time as the runner reports it;
- the import-only copies run serially (the serial floor);
- the collection run with ``--jobs N`` (default: the number of cores), wall time;
- the import-only copies run with ``--jobs N`` (the floor run the same way);

and reports medians: each notebook against its floor, the serial run against the serial floor, and the
parallel run against both floors. Writes ``benchmarks/results/collection.csv`` and, with the machine
and every repetition's timings, ``benchmarks/results/collection.json``.

Compare mode (``--before REV``) times the collection with the code (``src/``) of a git revision or
folder against the working tree's (or ``--after REV|DIR``), alternately (before, after, after,
before, ...), ``--jobs`` applied to each version whose runner has the option, and
``--before-env``/``--after-env NAME=VALUE`` to compare settings of one version. Writes
``benchmarks/results/change_LABEL.csv`` and ``.json``. This is how each cost was measured, one change
at a time.

Timings are wall times on a shared machine: the table gives medians and the JSON every run, with the
load average before and after. An untimed warm-up run of each version comes first (``--warmup 0`` to
skip): it compiles the code and fills the caches a second run on the same machine would find
(the operating system's file cache, matplotlib's font cache, the lemma-data cache).

    .venv/bin/python benchmarks/collection.py [--repeat 3] [--jobs N]
    .venv/bin/python benchmarks/collection.py --before HEAD~1 [--after DIR] [--jobs 1] --label kernels
"""

from __future__ import annotations

import argparse
import ast
import io
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import nbformat
import pandas as pd

from valduchesse.atomic_write import write_atomically
from valduchesse.run.collection import default_jobs
from valduchesse.run.notebooks import notebook_paths  # the collection's notebooks (collection.txt)

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
DONE = re.compile(r"\[\d+/\d+\] (\S+\.ipynb) \.\.\. done in ([\d.]+) s")


def import_only_copy(path: Path, folder: Path) -> Path:
    """A copy of the notebook, under the same name in ``folder``, holding only its import statements."""
    notebook = nbformat.read(path, as_version=4)
    statements = [node for cell in notebook.cells if cell.cell_type == "code"
                  for node in ast.parse(cell.source).body if isinstance(node, (ast.Import, ast.ImportFrom))]
    notebook.cells = [nbformat.v4.new_code_cell(ast.unparse(ast.Module(statements, type_ignores=[])))]
    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / path.name
    nbformat.write(notebook, copy)
    return copy


def source_tree(spec: str | None, folder: Path) -> Path:
    """The ``src/`` folder of a version: the working tree's (None), a folder's, or a git revision's."""
    if spec is None:
        return ROOT / "src"
    given = Path(spec)
    if given.is_dir():
        return given / "src" if (given / "src" / "valduchesse").is_dir() else given
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", spec, "src"], capture_output=True, check=True).stdout
    target = folder / re.sub(r"[^\w.-]", "_", spec)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    return target / "src"


def has_jobs_option(src: Path) -> bool:
    # The command line is in cli.py since the tooling moved into subpackages, in __main__.py before.
    files = (src / "valduchesse" / "cli.py", src / "valduchesse" / "__main__.py")
    return any("--jobs" in file.read_text(encoding="utf-8") for file in files if file.is_file())


def run(src: Path, notebooks: list[Path], output: Path, jobs: int | None, extra_env: dict | None = None) -> dict:
    """Run ``notebooks`` with the runner of ``src`` into ``output``: wall time and each notebook's seconds."""
    command = [sys.executable, "-m", "valduchesse", "run", *map(str, notebooks), "--output", str(output)]
    if jobs is not None and has_jobs_option(src):
        command += ["--jobs", str(jobs)]
    env = {**os.environ, **(extra_env or {}), "PYTHONPATH": str(src)}
    load = os.getloadavg()[0]
    start = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=err, text=True)
        kernels, memory = watch(process)
        wall = time.perf_counter() - start
        out.seek(0), err.seek(0)
        stdout, stderr = out.read(), err.read()
    if process.returncode:
        raise RuntimeError(f"{' '.join(command)} failed:\n{stdout}\n{stderr}")
    return {"wall_s": round(wall, 2), "notebooks": {name: float(s) for name, s in DONE.findall(stdout)},
            "peak_kernels": kernels, "peak_mib": memory, "load_before": load}


def watch(process: subprocess.Popen, every: float = 0.25) -> tuple[int, int]:
    """Wait for ``process``; the most kernels it had alive at once, and the most memory (RSS, MiB) of all of it."""
    try:
        import psutil  # comes with ipykernel
    except ImportError:  # pragma: no cover
        process.wait()
        return 0, 0
    top = psutil.Process(process.pid)
    kernels = memory = 0
    while process.poll() is None:
        try:
            children = [c for c in top.children(recursive=True) if c.status() != psutil.STATUS_ZOMBIE]
            alive = [c for c in children if "ipykernel_launcher" in " ".join(c.cmdline())]
            rss = sum(p.memory_info().rss for p in [top, *children])
        except psutil.Error:
            continue
        kernels, memory = max(kernels, len(alive)), max(memory, rss)
        time.sleep(every)
    return kernels, round(memory / 2**20)


def machine() -> dict:
    """What the timings were taken on."""
    cpu = ""
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name"))
    except (OSError, StopIteration):
        cpu = platform.processor()
    memory = ""
    try:
        kib = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                       if line.startswith("MemTotal")))
        memory = f"{kib / 2**20:.0f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    return {"date": time.strftime("%Y-%m-%d"), "cpu": cpu, "cores": os.cpu_count(),
            "usable_cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
            "memory": memory, "system": f"{platform.system()} {platform.machine()}",
            "python": platform.python_version(), "load_average_at_start": list(os.getloadavg())}


def median(values: list[float]) -> float:
    return round(statistics.median(values), 2)


def floor_mode(args: argparse.Namespace, tmp: Path, started: dict) -> None:
    src = source_tree(args.after, tmp)
    paths = [ROOT / "notebooks" / name for name in args.notebooks] if args.notebooks else notebook_paths(ROOT / "notebooks")
    floors = [import_only_copy(path, tmp / "floor") for path in paths]
    jobs = args.jobs or default_jobs()
    kinds = {"run_serial": (paths, 1), "floor_serial": (floors, 1), "run_parallel": (paths, jobs),
             "floor_parallel": (floors, jobs)}
    for _ in range(args.warmup):
        run(src, paths, tmp / "warmup", jobs)
    timings = {kind: [] for kind in kinds}
    for rep in range(args.repeat):
        order = list(kinds) if rep % 2 == 0 else list(reversed(kinds))
        for kind in order:
            notebooks, n = kinds[kind]
            timings[kind].append(run(src, notebooks, tmp / f"{kind}-{rep}", n))
            print(f"repeat {rep + 1}/{args.repeat} {kind}: {timings[kind][-1]['wall_s']} s", flush=True)
    rows = []
    for path in paths:
        run_s = median([t["notebooks"][path.name] for t in timings["run_serial"]])
        floor_s = median([t["notebooks"][path.name] for t in timings["floor_serial"]])
        rows.append({"notebook": path.stem, "run_s": run_s, "floor_s": floor_s})
    walls = {kind: median([t["wall_s"] for t in timings[kind]]) for kind in kinds}
    peaks = {kind: (max(t["peak_kernels"] for t in timings[kind]), max(t["peak_mib"] for t in timings[kind]))
             for kind in ("run_serial", "run_parallel")}
    rows.append({"notebook": "all, one at a time (--jobs 1)", "run_s": walls["run_serial"],
                 "floor_s": walls["floor_serial"], "kernels_at_once": peaks["run_serial"][0],
                 "peak_mib": peaks["run_serial"][1]})
    rows.append({"notebook": f"all, {jobs} at a time (--jobs {jobs})", "run_s": walls["run_parallel"],
                 "floor_s": walls["floor_parallel"], "kernels_at_once": peaks["run_parallel"][0],
                 "peak_mib": peaks["run_parallel"][1]})
    table = pd.DataFrame(rows)
    table["ratio"] = (table["run_s"] / table["floor_s"]).round(2)
    table["ratio_to_serial_floor"] = (table["run_s"] / walls["floor_serial"]).round(2)
    table.loc[table.index[:-1], "ratio_to_serial_floor"] = table["ratio"]
    table = table[["notebook", "run_s", "floor_s", "ratio", "ratio_to_serial_floor", "kernels_at_once", "peak_mib"]]
    write(table, "collection", {"machine": started, "repeat": args.repeat, "jobs": jobs, "timings": timings})


def compare_mode(args: argparse.Namespace, tmp: Path, started: dict) -> None:
    versions = {"before": source_tree(args.before, tmp), "after": source_tree(args.after, tmp)}
    envs = {"before": dict(item.split("=", 1) for item in args.before_env),
            "after": dict(item.split("=", 1) for item in args.after_env)}
    paths = [ROOT / "notebooks" / name for name in args.notebooks] if args.notebooks else notebook_paths(ROOT / "notebooks")
    for _ in range(args.warmup):
        for name, src in versions.items():
            run(src, paths, tmp / f"warmup-{name}", args.jobs, envs[name])
    timings = {name: [] for name in versions}
    for rep in range(args.repeat):
        order = list(versions) if rep % 2 == 0 else list(reversed(versions))
        for name in order:
            timings[name].append(run(versions[name], paths, tmp / f"{name}-{rep}", args.jobs, envs[name]))
            print(f"repeat {rep + 1}/{args.repeat} {name}: {timings[name][-1]['wall_s']} s", flush=True)
    rows = [{"notebook": path.stem, **{f"{name}_s": median([t["notebooks"][path.name] for t in timings[name]])
                                       for name in versions}} for path in paths]
    rows.append({"notebook": "all (wall)", **{f"{name}_s": median([t["wall_s"] for t in timings[name]])
                                               for name in versions}})
    for key, what in (("peak_kernels", "kernels alive at once (most)"), ("peak_mib", "memory of the run, MiB (peak RSS)")):
        rows.append({"notebook": what, **{f"{name}_s": max(t[key] for t in timings[name]) for name in versions}})
    table = pd.DataFrame(rows)
    table["after/before"] = (table["after_s"] / table["before_s"]).round(2)
    write(table, f"change_{args.label}", {
        "machine": started, "before": args.before, "after": args.after or "working tree", "jobs": args.jobs,
        "before_env": envs["before"], "after_env": envs["after"],
        "repeat": args.repeat, "timings": timings})


def write(table: pd.DataFrame, name: str, record: dict) -> None:
    record["load_average_at_end"] = list(os.getloadavg())
    RESULTS.mkdir(parents=True, exist_ok=True)
    write_atomically(RESULTS / f"{name}.csv", table.to_csv(index=False), guard=False)  # a tracked result
    write_atomically(RESULTS / f"{name}.json", json.dumps(record, indent=1) + "\n", guard=False)
    print(table.to_string(index=False))
    print(f"machine: {json.dumps(record['machine'])}; load average at the end: {record['load_average_at_end']}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each kind (default: %(default)s)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed runs of each version first (default: %(default)s)")
    parser.add_argument("--jobs", type=int, default=None,
                        help="notebooks at a time (floor mode: the parallel runs, default the number of cores; "
                             "compare mode: every run, default the runner's default)")
    parser.add_argument("--before", default=None, help="compare mode: git revision or folder of the code before")
    parser.add_argument("--after", default=None, help="git revision or folder of the code after (default: the working tree)")
    parser.add_argument("--before-env", action="append", default=[], metavar="NAME=VALUE",
                        help="compare mode: an environment variable for the runs before (repeatable)")
    parser.add_argument("--after-env", action="append", default=[], metavar="NAME=VALUE",
                        help="compare mode: an environment variable for the runs after (repeatable)")
    parser.add_argument("--label", default="latest", help="compare mode: name of the result files (default: %(default)s)")
    parser.add_argument("notebooks", nargs="*", help="notebook file names (default: every numbered notebook)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="valduchesse-bench-") as tmp:
        (compare_mode if args.before else floor_mode)(args, Path(tmp), machine())


if __name__ == "__main__":
    main()
