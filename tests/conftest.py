"""Shared fixtures: the project's folders, a writer of small test texts, a fingerprint of the committed results."""

import hashlib
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TEXTS = ROOT / "texts"

GOOD_HEADER = {
    "meeting_date": "2016-02-01",
    "place": "Brussels",
    "language": "fr",
    "kind": "joint declaration",
    "title": "Test text (test data, not an official text)",
    "source_url": "https://example.org/test",
    "coverage": "opening excerpt",
}


def committed_results() -> dict[Path, str]:
    """SHA-256 of each committed result: every file in figures/, and the collection's notebooks and list.

    No test writes into the repository's notebooks/ or figures/, so this is the same before and after any test.
    """
    from valduchesse.run.notebooks import notebook_paths

    notebooks = ROOT / "notebooks"
    files = [*notebook_paths(notebooks), notebooks / "collection.txt", *sorted((ROOT / "figures").rglob("*"))]
    return {path: hashlib.sha256(path.read_bytes()).hexdigest() for path in files if path.is_file()}


SLOW = "slow"
"""The marker of the end-to-end tests: ``make test`` leaves them out (``-m "not slow"``), ``make test-slow`` runs them."""


def pytest_configure(config):
    """The marker of this suite: ``slow``, a test that starts another process (a kernel, a Jupyter server, a browser,
    a Python interpreter, a notebook run on generated corpora) or waits out a deadline."""
    config.addinivalue_line("markers", f"{SLOW}: an end-to-end test (it starts another process or waits out a "
                            "deadline); left out of make test, run by make test-slow")


LIGHT_PROGRAMS = frozenset({"git", "make"})
"""Programs a fast test may start: they start no Python, kernel, server or browser and end in milliseconds."""


class StartedAProcess(AssertionError):
    """A test that is not marked ``slow`` tried to start another process."""


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    """A test of tests/ not marked ``slow`` that starts a process (in the test or in any fixture it sets up, of any
    scope) fails and says to mark it: ``make test`` stays fast because its tests start no kernel, server, browser or
    interpreter. ``git`` and ``make`` (:data:`LIGHT_PROGRAMS`) are allowed."""
    if item.get_closest_marker(SLOW) or Path(__file__).parent not in Path(item.path).parents:
        yield
        return

    def refuse(*args, **kwargs):
        raise StartedAProcess(f"{item.nodeid} starts another process: mark it @pytest.mark.{SLOW} "
                              "(make test-slow runs it), or test the same policy without a process")

    start = subprocess.Popen.__init__

    def light_only(self, args, *rest, **kwargs):
        program = args if isinstance(args, (str, bytes, os.PathLike)) else args[0]
        if Path(os.fsdecode(program)).name not in LIGHT_PROGRAMS:
            refuse()
        start(self, args, *rest, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(subprocess.Popen, "__init__", light_only)
        for name in ("fork", "posix_spawn", "posix_spawnp"):
            patch.setattr(os, name, refuse)
        yield


def header_lines(fields: dict) -> str:
    return "".join(f"{key}: {value}\n" for key, value in fields.items())


@pytest.fixture
def write_text(tmp_path):
    """Write a text file into a fresh folder: ``write_text(name, body, **header changes)``.

    A header value of None leaves the field out; ``chars`` defaults to the
    body's length. Returns the folder.
    """
    folder = tmp_path / "texts"
    folder.mkdir()

    def write(name="2016-02-01_fr_test.txt", body="Les deux pays coopèrent.", **changes):
        fields = {**GOOD_HEADER, "chars": len(body), **changes}
        fields = {key: value for key, value in fields.items() if value is not None}
        (folder / name).write_text(f"---\n{header_lines(fields)}---\n{body}\n", encoding="utf-8")
        return folder

    return write


@pytest.fixture(autouse=True)
def notebook_times(tmp_path_factory, monkeypatch):
    """Runs started by a test keep their notebooks' times in a file of that test, not the user's cache."""
    from valduchesse.run import times as times_module

    path = tmp_path_factory.mktemp("cache") / "notebook-times.json"
    monkeypatch.setattr(times_module, "times_file", lambda: path)
    return path


def mini_collection(root: Path, draw: str, copies: tuple[str, ...] = ("00_mini-Copy1.ipynb",)) -> Path:
    """A repository of the collection's layout in ``root``: ``pyproject.toml``, an empty ``figures/`` and one listed
    notebook ``notebooks/00_mini.ipynb`` (a parameters cell ``FIGURES_DIR = "../figures"``, then ``draw``), with
    copies of it named ``copies`` (as JupyterLab names them) that ``collection.txt`` does not list.

    Returns the listed notebook's path.
    """
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    (root / "notebooks").mkdir(parents=True)
    (root / "figures").mkdir()
    (root / "pyproject.toml").write_text("[project]\nname = 'mini'\n", encoding="utf-8")
    (root / "notebooks" / "collection.txt").write_text("00_mini.ipynb\n", encoding="utf-8")
    notebook = new_notebook(cells=[new_code_cell('FIGURES_DIR = "../figures"', metadata={"tags": ["parameters"]}),
                                   new_code_cell(draw)])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    for name in ("00_mini.ipynb", *copies):
        nbformat.write(notebook, root / "notebooks" / name)
    return root / "notebooks" / "00_mini.ipynb"
