"""Scale of the template: notebook 05 on thousands of texts, with the kernel's memory counted.

Builds a corpus of about N texts from copies of texts/ (as benchmarks/scaling.py does), runs
notebook 05 on it through the runner (``python -m valduchesse run … -p TEXTS_DIR … --output …``) in a
child process, and measures the wall time and the peak resident memory of the whole process tree
(the runner and the kernel it starts), sampled every 0.1 s with psutil. Also reports the size of
every figure the run wrote and of the executed notebook.

Targets (issue 13): 2,000 texts in under 60 s and 2 GiB; no figure file over 2 MB.

    .venv/bin/python benchmarks/template.py [--texts 2000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pandas as pd
import psutil

from valduchesse.atomic_write import write_atomically

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scaling import build_corpus  # noqa: E402  (the same copies as the scaling benchmark)

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
NOTEBOOK = ROOT / "notebooks" / "05_your_own_corpus.ipynb"


def tree_rss(process: psutil.Process) -> int:
    """Resident memory of a process and all its descendants, in bytes."""
    total = 0
    for member in [process, *process.children(recursive=True)]:
        try:
            total += member.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total


def run_measured(command: list[str]) -> tuple[float, int, int]:
    """Run ``command``; return wall seconds, peak RSS of its process tree and the exit status."""
    start = time.perf_counter()
    child = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    process, peak, done = psutil.Process(child.pid), 0, threading.Event()

    def sample():
        nonlocal peak
        while not done.is_set():
            try:
                peak = max(peak, tree_rss(process))
            except psutil.NoSuchProcess:
                return
            time.sleep(0.1)

    sampler = threading.Thread(target=sample)
    sampler.start()
    output, _ = child.communicate()
    done.set()
    sampler.join()
    print(output.strip())
    return time.perf_counter() - start, peak, child.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--texts", type=int, default=2000, help="about how many texts (default: %(default)s)")
    args = parser.parse_args()
    per_copy = len(list((ROOT / "texts").glob("*.txt")))
    factor = max(1, round(args.texts / per_copy))
    with tempfile.TemporaryDirectory() as tmp:
        corpus, out = Path(tmp) / "texts", Path(tmp) / "out"
        corpus.mkdir()
        files = build_corpus(factor, corpus)
        seconds, peak, status = run_measured([sys.executable, "-m", "valduchesse", "run", str(NOTEBOOK),
                                              "-p", "TEXTS_DIR", str(corpus), "--output", str(out)])
        sizes = {p.name: p.stat().st_size for p in sorted(out.rglob("*")) if p.is_file()}
    largest_figure = max((size for name, size in sizes.items() if name.endswith((".png", ".svg"))), default=0)
    row = {"date": dt.date.today().isoformat(), "texts": files, "status": status, "seconds": round(seconds, 1),
           "peak_rss_mib": round(peak / 2**20), "largest_figure_mb": round(largest_figure / 1e6, 2),
           "notebook_mb": round(sizes.get(NOTEBOOK.name, 0) / 1e6, 2)}
    table = pd.DataFrame([row])
    print(table.to_string(index=False))
    print("\n".join(f"  {name}: {size / 1e6:.2f} MB" for name, size in sizes.items()))
    RESULTS.mkdir(parents=True, exist_ok=True)
    write_atomically(RESULTS / "template.csv", table.to_csv(index=False), guard=False)  # a tracked result


if __name__ == "__main__":
    main()
