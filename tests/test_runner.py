"""The runner executes notebooks in place, and stops with the cell's number on an error."""

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from valduchesse.__main__ import main
from valduchesse.runner import NotebookFailed, execute_notebook, notebook_paths


def write_notebook(path, *sources):
    notebook = new_notebook(cells=[new_code_cell(source) for source in sources])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, path)
    return path


def test_notebook_is_executed_in_its_folder_and_saved(tmp_path):
    path = write_notebook(tmp_path / "01_ok.ipynb", "import os; print(os.getcwd())", "6 * 7")
    execute_notebook(path)
    cells = nbformat.read(path, as_version=4).cells
    assert cells[0].outputs[0]["text"].strip() == str(tmp_path)
    assert cells[1].outputs[0]["data"]["text/plain"] == "42"
    assert "execution" not in cells[1].metadata  # no timings: an unchanged result leaves the file unchanged


def test_rerun_gives_identical_bytes(tmp_path):
    path = write_notebook(tmp_path / "01_ok.ipynb", "sorted({'b': 2, 'a': 1}.items())")
    execute_notebook(path)
    first = path.read_bytes()
    execute_notebook(path)
    assert path.read_bytes() == first


def test_failing_cell_names_notebook_and_cell(tmp_path):
    path = write_notebook(tmp_path / "02_broken.ipynb", "x = 1", "1 / 0")
    with pytest.raises(NotebookFailed, match=r"02_broken.ipynb, cell 2: ZeroDivisionError: division by zero"):
        execute_notebook(path)


def test_command_line_exit_status(tmp_path, capsys):
    write_notebook(tmp_path / "01_ok.ipynb", "1")
    write_notebook(tmp_path / "02_broken.ipynb", "raise ValueError('bad parameter')")
    assert main(["run", "--folder", str(tmp_path)]) == 1
    captured = capsys.readouterr()
    assert "[1/2] 01_ok.ipynb ... done in" in captured.out
    assert "02_broken.ipynb, cell 1: ValueError: bad parameter" in captured.err
    assert main(["run", str(tmp_path / "missing.ipynb")]) == 2


def test_only_numbered_notebooks_belong_to_the_collection(tmp_path):
    for name in ("01_b.ipynb", "00_a.ipynb", "scratch.ipynb"):
        write_notebook(tmp_path / name, "1")
    assert [p.name for p in notebook_paths(tmp_path)] == ["00_a.ipynb", "01_b.ipynb"]
