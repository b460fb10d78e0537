"""Collection run against its floor.

Times executing every numbered notebook with the runner (into a temporary folder, so the committed
files are not touched), against the floor: the same number of notebooks, run the same way in the
same kind of kernel, that only hold each notebook's import statements. The ratio says how much of a run
is the analyses themselves. Prints a table per notebook and writes benchmarks/results/collection.csv.

    .venv/bin/python benchmarks/collection.py
"""

from __future__ import annotations

import ast
import tempfile
from pathlib import Path

import nbformat
import pandas as pd

from valduchesse.runner import execute_notebook, notebook_paths, read_parameters

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"


def import_only_copy(path: Path, folder: Path) -> Path:
    """A copy of the notebook holding only the import statements of its code cells."""
    notebook = nbformat.read(path, as_version=4)
    statements = [node for cell in notebook.cells if cell.cell_type == "code"
                  for node in ast.parse(cell.source).body if isinstance(node, (ast.Import, ast.ImportFrom))]
    notebook.cells = [nbformat.v4.new_code_cell(ast.unparse(ast.Module(statements, type_ignores=[])))]
    copy = folder / f"floor_{path.name}"
    nbformat.write(notebook, copy)
    return copy


def main() -> None:
    paths = notebook_paths(ROOT / "notebooks")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        for path in paths:
            figures = {"FIGURES_DIR": str(out / "figures")} if "FIGURES_DIR" in read_parameters(path) else {}
            seconds = execute_notebook(path, figures, out / path.name)
            floor_copy = import_only_copy(path, out)
            floor = execute_notebook(floor_copy, None, out / floor_copy.name)
            rows.append({"notebook": path.name, "run_s": round(seconds, 2), "floor_s": round(floor, 2)})
    table = pd.DataFrame(rows)
    total = table[["run_s", "floor_s"]].sum()
    table.loc[len(table)] = {"notebook": "all", "run_s": round(total["run_s"], 2), "floor_s": round(total["floor_s"], 2)}
    table["ratio"] = (table["run_s"] / table["floor_s"]).round(2)
    RESULTS.mkdir(parents=True, exist_ok=True)
    table.to_csv(RESULTS / "collection.csv", index=False)
    print(table.to_string(index=False))


if __name__ == "__main__":
    main()
