"""Figures of runs other than the documented one go to a folder per notebook run (issue 20 item 8).

A copy made in JupyterLab, an edited notebook under another name, a notebook run by hand in a kernel of
JupyterLab: each writes the figures meant for the committed figures/ into output/figures/<notebook>/<run>/,
so that no run overwrites another's figures, and says where. Only `make run` writes figures/.
"""

import os
import re
from pathlib import Path

import nbformat
import pytest
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient

from valduchesse import cli
from valduchesse.figure_paths import (
    CHECKED_FIGURES_VARIABLE, COMMITTED_RUN_VARIABLE, RUNNER_NOTEBOOK_VARIABLE, SESSION_VARIABLE, figures_folder,
    run_folder,
)
from valduchesse.run import progress as progress_module
from valduchesse.run.execute import ThisEnvironmentKernels, coalesce_streams, kernel_environment

from conftest import mini_collection

LAB_RUN = re.compile(r"\d{4}-\d\d-\d\d_\d\d-\d\d-\d\d_pid\d+")
SAID = "The figures of this run are saved in "


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """A one-notebook collection that draws one figure into ../figures, with two JupyterLab copies of it."""
    monkeypatch.setattr(progress_module, "PROGRESS_AFTER_SECONDS", float("inf"))
    for name in (COMMITTED_RUN_VARIABLE, CHECKED_FIGURES_VARIABLE, RUNNER_NOTEBOOK_VARIABLE, SESSION_VARIABLE):
        monkeypatch.delenv(name, raising=False)
    root = tmp_path / "repo"
    mini_collection(root, "import matplotlib.pyplot as plt\nfrom valduchesse.plotting.style import save_figure\n"
                          "fig, ax = plt.subplots()\nax.set_xlabel('x')\nax.set_ylabel('y')\n"
                          "paths = save_figure(fig, 'mini', FIGURES_DIR, 'A test figure.')",
                    copies=("00_mini-Copy1.ipynb", "00_mini-Copy2.ipynb"))
    monkeypatch.chdir(root)
    return root


def files(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def run(capsys, *argv):
    code = cli.main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


@pytest.mark.slow
def test_copies_run_by_the_runner_get_a_folder_each_and_the_run_says_where(repo, capsys):
    out = run(capsys, "run", "notebooks/00_mini-Copy1.ipynb", "--jobs", "1")
    first = repo / "output" / "figures" / "00_mini-Copy1" / "runner"
    assert sorted(files(first)) == ["mini.png", "mini.svg"] and files(repo / "figures") == {}
    assert "figures of 00_mini-Copy1.ipynb: output/figures/00_mini-Copy1/runner/ (not figures/" in out
    before = files(first)
    out = run(capsys, "run", "notebooks/00_mini-Copy2.ipynb", "--jobs", "1")
    assert "figures of 00_mini-Copy2.ipynb: output/figures/00_mini-Copy2/runner/" in out
    assert sorted(files(repo / "output" / "figures" / "00_mini-Copy2" / "runner")) == ["mini.png", "mini.svg"]
    assert files(first) == before  # the first copy's figures are untouched
    assert SAID not in (repo / "notebooks" / "00_mini-Copy1.ipynb").read_text(encoding="utf-8")  # said on the terminal


@pytest.mark.slow
def test_the_documented_run_writes_figures_and_says_nothing_of_other_folders(repo, capsys):
    out = run(capsys, "run", "--jobs", "1")
    assert sorted(files(repo / "figures")) == ["mini.png", "mini.svg"] and not (repo / "output" / "figures").exists()
    assert "figures of" not in out and "figures:" not in out


@pytest.mark.slow
def test_a_run_with_an_output_folder_names_its_figures_folder(repo, capsys):
    out = run(capsys, "run", "notebooks/00_mini.ipynb", "--output", "output/try", "--jobs", "1")
    assert sorted(files(repo / "output" / "try" / "figures")) == ["mini.png", "mini.svg"]
    assert f"figures: {repo / 'output' / 'try' / 'figures'}/" in out and files(repo / "figures") == {}


def lab_kernel_run(notebook: Path) -> nbformat.NotebookNode:
    """Run ``notebook`` as JupyterLab would: a kernel in its folder, told the notebook's path, nothing else."""
    executed = nbformat.read(notebook, as_version=4)
    environment = {**kernel_environment(), SESSION_VARIABLE: str(notebook)}
    environment.pop(RUNNER_NOTEBOOK_VARIABLE, None)
    manager = AsyncKernelManager(kernel_name="python3", kernel_spec_manager=ThisEnvironmentKernels())
    client = NotebookClient(executed, km=manager, timeout=300,
                            resources={"metadata": {"path": str(notebook.parent)}})
    client.execute(cleanup_kc=True, env=environment)
    return coalesce_streams(executed)  # what a cell printed is one output, however the kernel's flushes split it


@pytest.mark.slow
def test_each_kernel_of_jupyterlab_gets_a_folder_of_its_own_and_says_it(repo):
    copy = repo / "notebooks" / "00_mini-Copy1.ipynb"
    said = []
    for _ in range(2):  # the same copy run twice, as after a restart of its kernel
        executed = lab_kernel_run(copy)
        said.append(executed.cells[1].outputs[0]["text"])
    runs = sorted((repo / "output" / "figures" / "00_mini-Copy1").iterdir())
    assert len(runs) == 2 and all(LAB_RUN.fullmatch(folder.name) for folder in runs)
    assert all(sorted(files(folder)) == ["mini.png", "mini.svg"] for folder in runs)
    assert files(repo / "figures") == {}
    for folder in runs:
        assert sum(text.startswith(f"{SAID}output/figures/00_mini-Copy1/{folder.name}/ ({folder})") for text in said) == 1


def test_the_policy_in_each_environment(repo, monkeypatch):
    committed = repo / "figures"
    assert figures_folder("../elsewhere") == Path("../elsewhere")  # any folder but a committed figures/ is kept
    monkeypatch.setenv(COMMITTED_RUN_VARIABLE, "1")
    assert figures_folder(committed) == committed
    monkeypatch.delenv(COMMITTED_RUN_VARIABLE)
    monkeypatch.setenv(RUNNER_NOTEBOOK_VARIABLE, "00_mini-Copy1.ipynb")
    assert figures_folder(committed) == repo / "output" / "figures" / "00_mini-Copy1" / "runner"
    assert run_folder(repo, "00_mini-Copy1.ipynb") == figures_folder(committed)  # what the runner names
    monkeypatch.setenv(CHECKED_FIGURES_VARIABLE, str(repo / "scratch"))
    assert figures_folder(committed) == repo / "scratch" / committed.relative_to(committed.anchor)
    monkeypatch.delenv(CHECKED_FIGURES_VARIABLE)
    monkeypatch.delenv(RUNNER_NOTEBOOK_VARIABLE)
    monkeypatch.setenv(SESSION_VARIABLE, str(repo / "notebooks" / "mine.ipynb"))
    lab = figures_folder(committed)
    assert lab.parent == repo / "output" / "figures" / "mine" and LAB_RUN.fullmatch(lab.name)
    assert lab.name.endswith(f"_pid{os.getpid()}") and figures_folder(committed) == lab  # one run per process
    for session in ("", "..", "/"):
        monkeypatch.setenv(SESSION_VARIABLE, session)
        assert figures_folder(committed).parent == repo / "output" / "figures" / "unnamed"
