"""A run with parameters or --output never writes into the committed collection, however the path is spelled.

Each test builds a throwaway repository in tmp_path (notebooks/, figures/, texts/, themes.yml and one small
notebook with the collection's path parameters) and types the command from its root, as a user would.
"""

import shutil
import subprocess

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from valduchesse.run import determinism as determinism_module, guard as guard_module
from valduchesse.run import parameters as parameters_module
from valduchesse.cli import main
from valduchesse.run.collection import run_collection
from valduchesse.run.paths import check_written_paths
from valduchesse.run.parameters import ParameterError

PARAMETERS = ("TEXTS_DIR = '../texts'\nFIGURES_DIR = '../figures'\nTHEMES_FILE = '../themes.yml'\n"
              "FIGURE_PREFIX = 'mine'\nOUTPUT_DIR = '../output/tables'\nN = 1")
# Reads its inputs, writes one "figure" into FIGURES_DIR and one table into OUTPUT_DIR.
BODY = ("from pathlib import Path\n"
        "assert Path(TEXTS_DIR, 'a.txt').is_file() and Path(THEMES_FILE).is_file()\n"
        "for folder, name in ((FIGURES_DIR, f'{FIGURE_PREFIX}_shift.png'), (OUTPUT_DIR, 'table.csv')):\n"
        "    Path(folder).mkdir(parents=True, exist_ok=True)\n"
        "    Path(folder, name).write_text(f'N = {N}')")


def write_notebook(path, parameters=PARAMETERS, body=BODY):
    notebook = new_notebook(cells=[new_code_cell(parameters, metadata={"tags": ["parameters"]}), new_code_cell(body)])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, path)
    return path


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """A repository with the collection's layout; the current folder is its root."""
    root = tmp_path / "repo"
    for folder in ("notebooks", "figures", "texts", "src"):
        (root / folder).mkdir(parents=True)
    (root / "figures" / "mine_shift.png").write_text("committed figure")
    (root / "texts" / "a.txt").write_text("committed text")
    (root / "themes.yml").write_text("themes: {}\n")
    (root / "README.md").write_text("readme\n")
    (root / "src" / "module.py").write_text("")
    write_notebook(root / "notebooks" / "05_t.ipynb")
    monkeypatch.chdir(root)
    return root


def snapshot(folder):
    """Every file and folder under ``folder`` with its content, links as their target."""
    return {str(p.relative_to(folder)):
            str(p.readlink()) if p.is_symlink() else p.read_bytes() if p.is_file() else None
            for p in sorted(folder.rglob("*"))}


def git(root, *args):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


NOTEBOOK = "notebooks/05_t.ipynb"


@pytest.mark.parametrize("arguments, message", [
    # the cases of the adversarial pass
    (["-p", "TEXTS_DIR", "texts", "--output", "notebooks"], "the output folder {root}/notebooks is the repository's "
                                                              "notebooks/ folder"),
    (["--output", "notebooks"], "the output folder {root}/notebooks is the repository's notebooks/ folder"),
    (["--output", "output/../notebooks"], "the output folder {root}/notebooks is the repository's notebooks/ folder"),
    (["-p", "N", "2", "--output", "output/../notebooks"], "the output folder {root}/notebooks is the repository's"),
    (["--output", "."], "the output folder {root} is the root folder of the repository {root}"),
    (["-p", "FIGURES_DIR", "figures", "--output", "elsewhere"], "parameter FIGURES_DIR = '{root}/figures' is the "
                                                                "repository's figures/ folder"),
    (["-p", "FIGURE_PREFIX", "../../../repo/figures/emphasis_shift"],
     "parameter FIGURE_PREFIX = '../../../repo/figures/emphasis_shift': it is the start of the figure file names, "
     "not a path"),
    # other spellings of the same places
    (["--output", "figures/new"], "the output folder {root}/figures/new is inside the repository's figures/ folder"),
    (["--output", "texts"], "the output folder {root}/texts is the repository's texts/ folder"),
    (["-p", "FIGURES_DIR", "output/../figures/sub"], "parameter FIGURES_DIR = '{root}/figures/sub' is inside the "
                                                     "repository's figures/ folder"),
    (["-p", "FIGURES_DIR", "."], "parameter FIGURES_DIR = '{root}' is the root folder of the repository"),
    (["-p", "OUTPUT_DIR", "texts"], "parameter OUTPUT_DIR = '{root}/texts' is the repository's texts/ folder"),
    (["-p", "FIGURE_PREFIX", "..\\figures\\x"], "parameter FIGURE_PREFIX = '..\\\\figures\\\\x': it is the start"),
])
def test_runs_that_would_write_into_the_collection_are_refused(repo, capsys, arguments, message):
    before = snapshot(repo)
    assert main(["run", NOTEBOOK, *arguments]) == 2
    err = capsys.readouterr().err
    assert message.format(root=repo) in err
    assert "only a plain 'python -m valduchesse run' rewrites it" in err or "FIGURE_PREFIX" in err
    assert snapshot(repo) == before  # nothing written, no output folder created


@pytest.mark.slow
def test_reading_parameters_may_point_into_the_collection(repo):
    before = snapshot(repo)
    assert main(["run", NOTEBOOK, "-p", "TEXTS_DIR", "texts", "-p", "THEMES_FILE", "themes.yml", "-p", "N", "2",
                 "--output", "out"]) == 0
    assert (repo / "out" / "figures" / "mine_shift.png").read_text() == "N = 2"
    assert (repo / "output" / "tables" / "table.csv").read_text() == "N = 2"  # OUTPUT_DIR's default, outside
    after = snapshot(repo)
    assert {name: after[name] for name in before} == before
    assert not [name for name in after if name not in before and not name.startswith(("out", "output"))]


@pytest.mark.slow
def test_a_plain_run_still_rewrites_the_collection_in_place(repo):
    assert main(["run"]) == 0
    assert (repo / "figures" / "mine_shift.png").read_text() == "N = 1"
    assert nbformat.read(repo / NOTEBOOK, as_version=4).cells[1].execution_count == 2


@pytest.mark.slow
def test_a_notebook_of_the_collection_that_fails_in_place_leaves_its_copy_in_output(repo, capsys):
    (repo / "texts" / "a.txt").unlink()  # the notebook's assertion on its input fails
    before = snapshot(repo)
    assert main(["run"]) == 1
    failed = repo / "output" / "05_t.failed.ipynb"
    assert f"05_t.ipynb, cell 2: AssertionError (the executed notebook, with the error, is saved as {failed})" in (
        capsys.readouterr().err)
    assert nbformat.read(failed, as_version=4).cells[1].outputs[0]["ename"] == "AssertionError"
    assert {name: value for name, value in snapshot(repo).items() if not name.startswith("output")} == before
    (repo / "texts" / "a.txt").write_text("committed text")
    assert main(["run"]) == 0
    assert not failed.exists()  # a success removes the failed copy of an earlier run


def test_a_default_that_writes_into_the_collection_is_refused(repo, capsys):
    write_notebook(repo / NOTEBOOK, PARAMETERS.replace("'../output/tables'", "'../figures/tables'"))
    before = snapshot(repo)
    assert main(["run", NOTEBOOK, "-p", "N", "2"]) == 2
    assert (f"parameter OUTPUT_DIR = '../figures/tables' (default of 05_t.ipynb) is inside the repository's figures/ "
            f"folder ({repo}/figures)") in capsys.readouterr().err
    assert snapshot(repo) == before


def test_links_are_followed(repo, tmp_path, capsys):
    (tmp_path / "link").symlink_to(repo / "figures")
    assert main(["run", NOTEBOOK, "--output", str(tmp_path / "link")]) == 2
    assert f"the output folder {repo}/figures is the repository's figures/ folder" in capsys.readouterr().err
    # the output folder is fine, but its figures/ is a link to the committed figures
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "figures").symlink_to(repo / "figures")
    assert main(["run", NOTEBOOK, "--output", str(tmp_path / "out")]) == 2
    assert f"parameter FIGURES_DIR = '{tmp_path}/out/figures' is the repository's figures/ folder" in (
        capsys.readouterr().err)
    # a file already in the output folder links to a committed notebook
    (tmp_path / "out" / "figures").unlink()
    (tmp_path / "out" / "05_t.ipynb").symlink_to(repo / NOTEBOOK)
    assert main(["run", NOTEBOOK, "--output", str(tmp_path / "out")]) == 2
    assert f"the executed copy {tmp_path}/out/05_t.ipynb would overwrite the notebook it runs" in (
        capsys.readouterr().err)
    (tmp_path / "out" / "05_t.ipynb").unlink()
    (tmp_path / "out" / "mine_shift.png").symlink_to(repo / "figures" / "mine_shift.png")
    assert main(["run", NOTEBOOK, "-p", "FIGURES_DIR", str(tmp_path / "out")]) == 2
    assert f"the existing link {tmp_path}/out/mine_shift.png is inside the repository's figures/ folder" in (
        capsys.readouterr().err)


def test_files_and_folders_that_git_tracks_are_refused(repo, capsys):
    git(repo, "init", "-q")
    git(repo, "add", "README.md", "src/module.py", "themes.yml")
    before = snapshot(repo)
    assert main(["run", NOTEBOOK, "--output", "src"]) == 2
    assert f"the output folder {repo}/src is a folder of files that git tracks in the repository {repo}" in (
        capsys.readouterr().err)
    assert main(["run", NOTEBOOK, "-p", "OUTPUT_DIR", "themes.yml"]) == 2
    assert f"parameter OUTPUT_DIR = '{repo}/themes.yml' is a file that git tracks" in capsys.readouterr().err
    assert snapshot(repo) == before
    # a folder of the repository that git does not track is fine
    notebook = repo / NOTEBOOK
    check_written_paths([notebook], {notebook: {"FIGURES_DIR": str(repo / "build" / "figures")}}, repo / "build")


def test_a_notebook_outside_a_repository_is_not_overwritten_by_its_copy(tmp_path, capsys):
    path = write_notebook(tmp_path / "01_t.ipynb", "N = 1", "N")
    before = path.read_bytes()
    assert main(["run", str(path), "-p", "N", "2", "--output", str(tmp_path)]) == 2
    assert f"the executed copy {tmp_path}/01_t.ipynb would overwrite the notebook it runs" in capsys.readouterr().err
    assert path.read_bytes() == before


def test_the_checkout_of_the_package_is_protected_whatever_notebook_runs(repo, tmp_path, monkeypatch):
    monkeypatch.setattr(guard_module, "PACKAGE_CHECKOUT", repo)
    (repo / "pyproject.toml").write_text("")
    path = write_notebook(tmp_path / "01_t.ipynb", "N = 1", "N")
    with pytest.raises(ParameterError, match="the output folder .* is the repository's figures/ folder"):
        run_collection([path], {"N": 2}, repo / "figures", log=lambda *a, **k: None)


def test_the_repositories_to_protect_can_be_given(tmp_path):
    path = write_notebook(tmp_path / "01_t.ipynb", "N = 1", "N")
    check_written_paths([path], {path: {}}, tmp_path / "elsewhere" / "notebooks")
    with pytest.raises(ParameterError, match="is the repository's notebooks/ folder"):
        check_written_paths([path], {path: {}}, tmp_path / "elsewhere" / "notebooks", roots=[tmp_path / "elsewhere"])


def test_determinism_runs_are_checked_too(repo, capsys):
    before = snapshot(repo)
    assert main(["determinism", NOTEBOOK, "--output", "figures"]) == 2
    assert f"the output folder {repo}/figures/collection is inside the repository's figures/ folder" in (
        capsys.readouterr().err)
    assert main(["determinism", NOTEBOOK, "--output", "figures", "--twice"]) == 2
    assert f"the output folder {repo}/figures/run-1 is inside the repository's figures/ folder" in (
        capsys.readouterr().err)
    assert snapshot(repo) == before


@pytest.mark.slow
def test_the_determinism_check_runs_a_copy_of_the_collection_and_names_what_differs(repo, tmp_path, capsys):
    path = repo / NOTEBOOK
    assert main(["run", NOTEBOOK]) == 0  # in place: the committed notebook and figure now come from a run
    (repo / "figures" / "gone.png").write_text("a figure no notebook makes any more")
    git(repo, "init", "-q")
    git(repo, "add", "README.md", "src", "figures")
    before = snapshot(repo)
    assert main(["determinism", NOTEBOOK, "--output", str(tmp_path / "check")]) == 0
    assert "every notebook and figure is identical to the committed one" in capsys.readouterr().out
    copy = tmp_path / "check" / "collection"
    assert (copy / "texts" / "a.txt").read_text() == "committed text"  # the inputs it reads, copied
    assert (copy / "README.md").is_file() and (copy / "src" / "module.py").is_file()  # what git tracks, too
    assert sorted(p.name for p in (copy / "figures").iterdir()) == ["mine_shift.png"]  # only what the run made
    assert (copy / "figures" / "mine_shift.png").read_text() == "N = 1"
    assert not (copy / ".git").exists()
    assert snapshot(repo) == before  # nothing of the repository rewritten
    (repo / "figures" / "mine_shift.png").write_text("an older figure")
    notebook = nbformat.read(path, as_version=4)
    notebook.cells[1].execution_count = 7  # as if edited and not rerun
    nbformat.write(notebook, path)
    assert main(["determinism", NOTEBOOK, "--output", str(tmp_path / "check")]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "differs from the committed file: notebooks/05_t.ipynb", "differs from the committed file: figures/mine_shift.png"]


@pytest.mark.parametrize("name, written", [
    ("FIGURES_DIR", True), ("OUTPUT_DIR", True), ("FIGURE_PREFIX", True), ("TEXTS_DIR", False),
    ("THEMES_FILE", False), ("CACHE_DIR", True), ("REPORT_FILE", True), ("LANGUAGE", False)])
def test_which_parameters_are_written_to(name, written):
    assert parameters_module.is_written_parameter(name) is written


def test_the_default_output_folder_is_checked_from_where_the_command_is_typed(repo, capsys, monkeypatch):
    monkeypatch.chdir(repo / "notebooks")
    before = snapshot(repo)
    assert main(["run", "05_t.ipynb", "-p", "N", "2"]) == 2
    assert f"the output folder {repo}/notebooks/output is inside the repository's notebooks/ folder" in (
        capsys.readouterr().err)
    assert snapshot(repo) == before


def test_a_difference_between_two_runs_is_named(tmp_path):
    for run, colour in (("run-1", b"red"), ("run-2", b"blue")):
        (tmp_path / run / "figures").mkdir(parents=True)
        (tmp_path / run / "figures" / "a.svg").write_bytes(colour)
        (tmp_path / run / "figures" / "b.svg").write_bytes(b"same")
    (tmp_path / "run-2" / "figures" / "c.svg").write_bytes(b"made by the second run only")
    first = determinism_module.output_digests(tmp_path / "run-1")
    second = determinism_module.output_digests(tmp_path / "run-2")
    assert determinism_module.differing(first, second) == ["figures/a.svg", "figures/c.svg"]


def test_the_package_checkout_is_this_repository():
    assert (guard_module.PACKAGE_CHECKOUT / "pyproject.toml").is_file()
    assert (guard_module.PACKAGE_CHECKOUT / "notebooks" / "collection.txt").is_file()
    assert guard_module.PACKAGE_CHECKOUT in guard_module.protected_roots()
