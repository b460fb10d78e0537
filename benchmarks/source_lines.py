"""The package's source lines before issue 21's re-layout and now, by part (issue 21 item 2 asks for the count).

"Before" is commit 2128f17, the last one with the flat package the issue describes (fetch.py 1,121 lines,
runner.py 867, report.py 938); "now" is the working tree. Lines are counted three ways: all lines, docstring
lines (module, class and function docstrings) and code lines (the rest that is neither blank nor a comment).
Parts: the tooling the issue names (fetch, run, report, the pytest plugin and the CLI), plotting, the prose
layer, and the analysis modules (the rest). Issues 18 to 20 added analyses in the same period (agenda, power,
reliability, the explorer, the prose layer), so the analysis part grew for reasons of its own.

    .venv/bin/python benchmarks/source_lines.py [--before 2128f17] [--output benchmarks/results/source_lines.txt]
"""

from __future__ import annotations

import argparse
import ast
import subprocess
from collections import Counter
from pathlib import Path

from valduchesse.atomic_write import write_atomically

ROOT = Path(__file__).resolve().parents[1]
BEFORE = "2128f17"
PARTS = (("tooling: fetch", ("fetch",)), ("tooling: run", ("runner", "run")), ("tooling: report", ("report",)),
         ("tooling: pytest plugin, CLI", ("pytest_plugin", "testing", "cli", "__main__")), ("plotting", ("plotting",)),
         ("prose", ("prose",)))


def part_of(relative: str) -> str:
    """The part a module belongs to, from its path inside src/valduchesse/ (e.g. ``run/execute.py``)."""
    first = relative.split("/")[0].split(".")[0]
    first = first.split("_")[0] if first.startswith("plotting") else first
    return next((name for name, stems in PARTS if first in stems), "analysis")


def count(source: str) -> tuple[int, int, int]:
    """(all lines, docstring lines, code lines) of one module's source."""
    lines = source.splitlines()
    docstrings = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and \
                    isinstance(first.value.value, str):
                docstrings.update(range(first.lineno, first.end_lineno + 1))
    code = sum(1 for number, line in enumerate(lines, 1)
               if number not in docstrings and line.strip() and not line.strip().startswith("#"))
    return len(lines), len(docstrings), code


def tally(files: dict[str, str]) -> dict[str, Counter]:
    """Per part: modules and the three counts."""
    parts: dict[str, Counter] = {}
    for relative, source in sorted(files.items()):
        total, docs, code = count(source)
        parts.setdefault(part_of(relative), Counter()).update(modules=1, lines=total, docstrings=docs, code=code)
    return parts


def files_at(revision: str | None) -> dict[str, str]:
    """The package's Python modules at ``revision`` (None: the working tree's files git tracks), by path inside
    src/valduchesse/."""
    package = ROOT / "src" / "valduchesse"
    if revision is None:  # the tracked modules as they are on disk, not untracked scratch files
        tracked = subprocess.run(["git", "ls-files", "-z", "--", "src/valduchesse"], cwd=ROOT, capture_output=True,
                                 text=True, check=True).stdout.split("\0")
        return {name.removeprefix("src/valduchesse/"): (ROOT / name).read_text(encoding="utf-8")
                for name in sorted(tracked) if name.endswith(".py") and (ROOT / name).is_file()}
    names = subprocess.run(["git", "ls-tree", "-r", "--name-only", revision, "src/valduchesse"], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout.split()
    return {name.removeprefix("src/valduchesse/"): subprocess.run(
        ["git", "show", f"{revision}:{name}"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
        for name in names if name.endswith(".py")}


def table(before: dict[str, Counter], now: dict[str, Counter], revision: str) -> str:
    """The comparison as a Markdown table."""
    rows = [f"| part | modules {revision} | modules now | lines {revision} | lines now | code {revision} | code now "
            f"| docstrings {revision} | docstrings now |", "|---|---|---|---|---|---|---|---|---|"]
    names = [name for name, _ in PARTS] + ["analysis"]
    for name in [*names, "all"]:
        then = sum(before.values(), Counter()) if name == "all" else before.get(name, Counter())
        after = sum(now.values(), Counter()) if name == "all" else now.get(name, Counter())
        rows.append(f"| {name} | {then['modules']} | {after['modules']} | {then['lines']:,} | {after['lines']:,} | "
                    f"{then['code']:,} | {after['code']:,} | {then['docstrings']:,} | {after['docstrings']:,} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", default=BEFORE)
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "results" / "source_lines.txt")
    args = parser.parse_args(argv)
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                          check=True).stdout.strip()
    text = (f"# Source lines of src/valduchesse: {args.before} (before issue 21's re-layout) and the working tree "
            f"(at {head}); made by benchmarks/source_lines.py\n\n"
            + table(tally(files_at(args.before)), tally(files_at(None)), args.before) + "\n")
    print(text, end="")
    write_atomically(args.output, text, guard=False)  # a tracked result: only this script writes it


if __name__ == "__main__":
    main()
