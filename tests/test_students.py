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


@pytest.mark.slow
def test_none_for_validation_file_is_accepted_on_the_command_line(tmp_path, capsys, monkeypatch):
    write_parameter_notebook(tmp_path / "05_p.ipynb", "VALIDATION_FILE = 'x.csv'   # None to skip\n",
                             "print('validation:', VALIDATION_FILE)")
    monkeypatch.chdir(tmp_path)
    assert main(["run", "--folder", str(tmp_path), "-p", "VALIDATION_FILE", "None",
                 "--output", str(tmp_path / "out")]) == 0
    executed = nbformat.read(tmp_path / "out" / "05_p.ipynb", as_version=4)
    assert executed.cells[-1].outputs[0]["text"] == "validation: None\n"


@pytest.mark.parametrize("header, row", [
    ("unit_id,start,final", "a#1,0,none"),  # offsets without the text
    ("unit_id,start,end,text,final", "a#1,zero,5,Texte,none"),  # an offset not in digits
    ("id,final", "a#1,none"),  # no unit_id
])
def test_a_broken_sheet_names_the_parameter_that_writes_one_not_a_function(tmp_path, header, row):
    from valduchesse.coding import CodingError, read_coding
    path = tmp_path / "my_sheet.csv"
    path.write_text(f"{header}\n{row}\n", encoding="utf-8")
    with pytest.raises(CodingError) as caught:
        read_coding(path, columns=("final",))
    message = str(caught.value)
    assert "as it was written (SHEET_FILE of notebook 05)" in message and "coding_sheet" not in message


def test_a_sheet_of_other_texts_is_answered_with_the_parameters_to_set():
    from valduchesse.prose.validation import sample_sentence
    said = sample_sentence("my_sheet.csv", 0)
    assert said == ("none of the hand-coded sentences of my_sheet.csv is in these texts: set SHEET_FILE to write a "
                    "sheet of your sentences, code it by hand, then set VALIDATION_FILE to it and "
                    'VALIDATION_COLUMN = "codes"')
    assert "coding_sheet" not in said


# item 6: paths, subfolders, the help and notebooks outside collection.txt

def test_a_missing_relative_path_shows_where_it_was_looked_for_and_in_a_notebook_relative_to_notebooks(
        tmp_path, monkeypatch):
    from valduchesse.themes import ThemeError, load_themes
    (tmp_path / "notebooks").mkdir()
    monkeypatch.chdir(tmp_path / "notebooks")
    with pytest.raises(ThemeError) as caught:
        load_themes("my_themes.yml")
    message = str(caught.value)
    assert message.startswith(f"my_themes.yml: the theme file does not exist; resolved: "
                              f"{tmp_path / 'notebooks' / 'my_themes.yml'} (in a notebook, paths are relative to "
                              "notebooks/")
    from valduchesse.coding import CodingError, read_coding
    with pytest.raises(CodingError, match="; resolved: .*my_sheet.csv \\(in a notebook, paths are relative"):
        read_coding("my_sheet.csv")
    with pytest.raises(ThemeError) as caught:  # an absolute path is shown as it is, without a note
        load_themes(tmp_path / "none.yml")
    assert str(caught.value).startswith(f"{tmp_path / 'none.yml'}: the theme file does not exist")


def test_running_from_inside_notebooks_gives_a_hint(tmp_path, capsys, monkeypatch):
    (tmp_path / "notebooks").mkdir()
    monkeypatch.chdir(tmp_path / "notebooks")
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert "no such notebook: notebooks/NN_*.ipynb" in err
    assert f"you are in {tmp_path / 'notebooks'}: run the command from {tmp_path}" in err


def test_run_help_says_only_the_notebooks_of_collection_txt_run_by_default(capsys):
    with pytest.raises(SystemExit):
        main(["run", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "default: the notebooks named in FOLDER/collection.txt" in help_text
    assert "every numbered notebook in --folder)" not in help_text


@pytest.mark.slow
def test_a_numbered_notebook_outside_collection_txt_is_named_in_the_run(tmp_path, capsys):
    write_parameter_notebook(tmp_path / "01_a.ipynb", "N = 1")
    write_parameter_notebook(tmp_path / "07_mine.ipynb", "N = 1", "print('mine ran')")
    (tmp_path / "collection.txt").write_text("01_a.ipynb\n", encoding="utf-8")
    assert main(["run", "--folder", str(tmp_path), "--output", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert "not in collection.txt: 07_mine.ipynb (not run;" in out
    assert not (tmp_path / "out" / "07_mine.ipynb").exists()
    assert main(["run", "--folder", str(tmp_path), str(tmp_path / "07_mine.ipynb"),
                 "--output", str(tmp_path / "out")]) == 0  # named, it runs, without the note
    assert "not in collection.txt" not in capsys.readouterr().out


# item 7: make run names the texts no hand code covers

@pytest.mark.slow
def test_a_run_in_place_names_the_texts_whose_sentences_are_not_hand_coded(tmp_path, capsys):
    import shutil
    shutil.copytree(ROOT / "texts", tmp_path / "texts")
    (tmp_path / "coding").mkdir()
    shutil.copy(ROOT / "coding" / "sentences.csv", tmp_path / "coding" / "sentences.csv")
    (tmp_path / "notebooks").mkdir()
    write_parameter_notebook(tmp_path / "notebooks" / "01_a.ipynb", "N = 1")
    assert main(["run", "--folder", str(tmp_path / "notebooks"), "--jobs", "1"]) == 0
    assert "not hand-coded" not in capsys.readouterr().out  # the committed texts are all coded
    source = (ROOT / "texts" / "2021-11-22_nl_sophiewilmes-be.txt").read_text(encoding="utf-8")
    new = tmp_path / "texts" / "2023-03-01_nl_mine.txt"
    new.write_text(source.replace("meeting_date: 2021-11-22", "meeting_date: 2023-03-01", 1), encoding="utf-8")
    assert main(["run", "--folder", str(tmp_path / "notebooks"), "--jobs", "1"]) == 0
    out = capsys.readouterr().out
    from valduchesse.coding import coding_units
    from valduchesse.corpus import load_corpus
    units = coding_units(load_corpus(tmp_path / "texts"))
    count = int((units["file"] == new.name).sum())
    assert count > 0
    assert "texts with sentences not hand-coded" in out
    assert f"  {tmp_path / 'texts' / new.name}: {count} of {count} sentence(s) not hand-coded" in out
    assert "sophiewilmes" not in out  # only the new text
    assert 'coding/README.md, section "When the texts change"' in out
    assert "When the texts change" in (ROOT / "coding" / "README.md").read_text(encoding="utf-8")


# item 2: notebook 05 keeps whole texts of one coverage; a cut says what it drops

def test_texts_of_one_coverage_are_compared_whole(write_text):
    from valduchesse.corpus import load_corpus
    from valduchesse.prose.like_with_like import openings_compared
    long_body = "La sécurité des deux pays. " * 40
    write_text("2016-02-01_fr_a.txt", "Les deux pays coopèrent.", coverage="full text")
    folder = write_text("2018-06-11_fr_b.txt", long_body.strip(), coverage="full text", meeting_date="2018-06-11")
    rows, lines = openings_compared(load_corpus(folder), "fr")
    assert list(rows["text"]) == ["Les deux pays coopèrent.", long_body.strip()]
    assert list(rows["chars"]) == list(rows["original_chars"])
    assert set(rows["compared_as"]) == {"full text, whole"}
    assert lines == ["every text compared whole (full text): texts of one coverage are not cut"]


def test_texts_of_different_coverage_are_cut_and_the_cut_is_told_per_text(write_text):
    from valduchesse.corpus import load_corpus
    from valduchesse.prose.like_with_like import openings_compared
    long_body = ("La sécurité des deux pays. " * 40).strip()
    write_text("2016-02-01_fr_a.txt", "Les deux pays coopèrent bien.", coverage="opening excerpt")
    folder = write_text("2018-06-11_fr_b.txt", long_body, coverage="full text", meeting_date="2018-06-11")
    rows, lines = openings_compared(load_corpus(folder), "fr")
    kept = len(rows["text"].iloc[1])
    assert kept <= len("Les deux pays coopèrent bien.") and long_body.startswith(rows["text"].iloc[1])
    assert lines[0].startswith("openings cut to one length, as the coverage differs (full text, opening excerpt)")
    assert lines[1] == "  2016-02-01 joint declaration (2016-02-01_fr_a.txt): 29 of 29 characters kept (100%), whole"
    assert lines[2] == (f"  2018-06-11 joint declaration (2018-06-11_fr_b.txt): {kept} of {len(long_body):,} "
                        f"characters kept ({kept / len(long_body):.0%}), {len(long_body) - kept:,} dropped")


def test_the_hint_for_stale_codes_points_at_the_readme_not_a_function():
    from valduchesse.coding import UPDATE_HINT
    assert "coding_sheet" not in UPDATE_HINT and '"When the texts change"' in UPDATE_HINT
    assert "## When the texts change" in (ROOT / "coding" / "README.md").read_text(encoding="utf-8")
