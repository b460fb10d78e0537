"""Scaling benchmark: the analysis pipeline on corpora of 1x, 10x, 100x and 1,000x the paragraphs of texts/.

Each larger corpus is built in a temporary folder from the real texts: copy i of a file gets its
meeting date moved i years later and its own file name, so that every document has a distinct id,
date and (meeting, language, part). The pipeline is the one the notebooks run:

  load and validate -> sentences and paragraphs -> TF-IDF per language -> keyness of every text
  against the rest -> NMF topics of the paragraphs (k fixed) -> theme shares with Wilson intervals.

Prints a table (wall time, peak memory per size) and the fitted exponent of time against size,
and writes benchmarks/results/scaling.csv.

    .venv/bin/python benchmarks/scaling.py [--factors 1 10 100 1000] [--profile FACTOR]
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import json
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from valduchesse.atomic_write import write_atomically

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"


def build_corpus(factor: int, folder: Path) -> int:
    """Write ``factor`` copies of every file of texts/ into ``folder``; return the number of files."""
    from valduchesse.corpus import read_text_file

    count = 0
    for path in sorted((ROOT / "texts").glob("*.txt")):
        header, body = read_text_file(path)
        for copy in range(factor):
            fields = dict(header)
            original = dt.date.fromisoformat(str(header["meeting_date"]))
            date = original.replace(year=original.year + copy)
            fields["meeting_date"] = date.isoformat()
            lines = "".join(f"{key}: {json.dumps(value, ensure_ascii=False)}\n" for key, value in fields.items())
            (folder / f"{date.isoformat()}_{path.stem[11:]}_copy{copy}.txt").write_text(
                f"---\n{lines}---\n{body}\n", encoding="utf-8")
            count += 1
    return count


def pipeline(folder: Path) -> dict[str, float]:
    """Run the pipeline on ``folder``; return the seconds each step took."""
    from valduchesse.corpus import load_corpus
    from valduchesse.segment import paragraphs, sentences
    from valduchesse.keyness import keyness_by_group
    from valduchesse.terms import term_matrix
    from valduchesse.themes import load_themes, theme_shares
    from valduchesse.topics import fit_topics, segment_texts

    times, start = {}, time.perf_counter()

    def step(name):
        nonlocal start
        now = time.perf_counter()
        times[name] = now - start
        start = now

    documents = load_corpus(folder)
    step("load")
    sents, paras = sentences(documents), paragraphs(documents)
    step("segment")
    matrices = {lang: term_matrix(docs) for lang, docs in documents.groupby("language")}
    step("tfidf")
    for matrix in matrices.values():
        keyness_by_group(matrix, n=10)
    step("keyness")
    french = paras[paras["language"] == "fr"]
    passages, _ = segment_texts(french)
    fit_topics(term_matrix(passages), 8, "nmf", seed=0)
    step("topics")
    theme_shares(sents, load_themes(ROOT / "themes.yml"), by="doc_id")
    step("themes")
    times["paragraphs"] = len(paras)
    return times


def measure(factor: int) -> dict:
    """Build the corpus and run the pipeline in a fresh process, to measure its peak memory alone."""
    code = (
        "import json, resource, sys, tempfile; from pathlib import Path; sys.path.insert(0, %r)\n"
        "from scaling import build_corpus, pipeline\n"
        "with tempfile.TemporaryDirectory() as folder:\n"
        "    d = Path(folder); n = build_corpus(%d, d)\n"
        "    t = pipeline(d); t['files'] = n\n"
        "t['peak_mib'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
        "print(json.dumps(t))\n"
    ) % (str(Path(__file__).parent), factor)
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    result = json.loads(out.strip().splitlines()[-1])
    result["factor"] = factor
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--factors", type=int, nargs="+", default=[1, 10, 100, 1000])
    parser.add_argument("--profile", type=int, help="profile the pipeline at this factor instead")
    args = parser.parse_args()
    if args.profile:
        profiler = cProfile.Profile()
        with tempfile.TemporaryDirectory() as folder:
            build_corpus(args.profile, Path(folder))
            profiler.runcall(pipeline, Path(folder))
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
        return
    rows = [measure(factor) for factor in args.factors]
    table = pd.DataFrame(rows)
    steps = ["load", "segment", "tfidf", "keyness", "topics", "themes"]
    table["total_s"] = table[steps].sum(axis=1)
    table = table[["factor", "files", "paragraphs", *steps, "total_s", "peak_mib"]].round(2)
    RESULTS.mkdir(parents=True, exist_ok=True)
    write_atomically(RESULTS / "scaling.csv", table.to_csv(index=False), guard=False)  # a tracked result
    print(table.to_string(index=False))
    if len(table) > 1:
        slope = np.polyfit(np.log(table["paragraphs"]), np.log(table["total_s"]), 1)[0]
        print(f"fitted exponent of time against size: {slope:.2f}")


if __name__ == "__main__":
    main()
