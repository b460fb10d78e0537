"""Issue 20, items 2, 3, 6 and 7: what a student meets when adapting or running the collection."""

from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from valduchesse.cli import main
from valduchesse.run.notebooks import notebook_paths
from valduchesse.run.parameters import ParameterError, check_parameters, optional_parameters, read_parameters

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"


def write_parameter_notebook(path, parameters, body="print('ran')"):
    notebook = new_notebook(cells=[new_code_cell(parameters, metadata={"tags": ["parameters"]}),
                                   new_code_cell(body)])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, path)
    return path


# item 3: optional path parameters accept None

def test_a_path_parameter_whose_comment_offers_none_accepts_none(tmp_path):
    path = write_parameter_notebook(tmp_path / "01_p.ipynb",
                                    "TEXTS_DIR = '../texts'  # your folder\n"
                                    "VALIDATION_FILE = '../coding/sentences.csv'   # a sheet; None to skip\n")
    assert optional_parameters(path) == {"VALIDATION_FILE"}
    assert check_parameters([path], {"VALIDATION_FILE": None}) == {path: {"VALIDATION_FILE": None}}
    with pytest.raises(ParameterError, match="parameter TEXTS_DIR: None is no value, not a path"):
        check_parameters([path], {"TEXTS_DIR": None})


def test_every_committed_parameter_offering_none_accepts_it():
    offered = {(path.name, name) for path in notebook_paths(NOTEBOOKS) for name in optional_parameters(path)}
    assert ("05_your_own_corpus.ipynb", "VALIDATION_FILE") in offered
    for path in notebook_paths(NOTEBOOKS):
        defaults = read_parameters(path)
        for name in optional_parameters(path):
            assert name in defaults
            assert check_parameters([path], {name: None})[path][name] is None


def test_none_for_validation_file_is_accepted_on_the_command_line(tmp_path, capsys, monkeypatch):
    write_parameter_notebook(tmp_path / "05_p.ipynb", "VALIDATION_FILE = 'x.csv'   # None to skip\n",
                             "print('validation:', VALIDATION_FILE)")
    monkeypatch.chdir(tmp_path)
    assert main(["run", "--folder", str(tmp_path), "-p", "VALIDATION_FILE", "None",
                 "--output", str(tmp_path / "out")]) == 0
    executed = nbformat.read(tmp_path / "out" / "05_p.ipynb", as_version=4)
    assert executed.cells[-1].outputs[0]["text"] == "validation: None\n"


def test_hints_name_the_parameter_to_set_not_a_function():
    for module in ("validation.py", "coding.py"):
        text = (ROOT / "src" / "valduchesse" / module).read_text(encoding="utf-8")
        assert "(coding_sheet)" not in text and "as coding_sheet wrote it" not in text
