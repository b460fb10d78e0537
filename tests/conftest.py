"""Shared fixtures: the project's folders, a writer of small test texts, a fingerprint of the committed results."""

import contextlib
import hashlib
import importlib
import os
import subprocess
import threading
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
    a Python interpreter, a notebook run on generated corpora), waits out a deadline, or builds the whole report of
    the collection a second time."""
    config.addinivalue_line("markers", f"{SLOW}: an end-to-end test (it starts another process, waits out a "
                            "deadline or builds the whole report again); left out of make test, run by make test-slow")


LIGHT_PROGRAMS = frozenset({"git", "make"})
"""Programs a fast test may start: they start no Python, kernel, server or browser and end in milliseconds
(``make`` only as a dry run: :data:`MAKE_DRY_RUN`)."""

MAKE_DRY_RUN = frozenset({"-n", "--dry-run", "--just-print", "--recon"})
"""The options that make ``make`` print its commands without running them; ``make`` without one is refused
(``make run`` would start Python). The Makefile has no ``$(MAKE)`` or ``+`` line, which a dry run would still run."""

REFUSED_ROUTES = ("fork", "forkpty", "system", "startfile",
                  "execl", "execle", "execlp", "execlpe", "execv", "execve", "execvp", "execvpe",
                  "spawnl", "spawnle", "spawnlp", "spawnlpe", "spawnv", "spawnve", "spawnvp", "spawnvpe")
"""The functions of :mod:`os` that start (or become) another program outside :class:`subprocess.Popen`; each
platform has some of them (Windows has no ``fork``, Linux no ``startfile``), the missing ones are skipped."""

SPAWNS = (("os", "posix_spawn"), ("os", "posix_spawnp"), ("_posixsubprocess", "fork_exec"),
          ("_winapi", "CreateProcess"))
"""The primitives :class:`subprocess.Popen` and :mod:`multiprocessing` (its spawn and forkserver starts, so joblib's
loky too) start a program with: allowed only inside a :class:`subprocess.Popen` of a light program."""


class StartedAProcess(AssertionError):
    """A test that is not marked ``slow`` tried to start another process.

    An ``AssertionError`` so that pytest reports the test as failed (not as an error of the suite) with this
    message; code that catches every ``Exception`` around a process it starts would hide it, as it would hide any
    assertion (no test of tests/ does).
    """


def started_program(args, executable=None, shell=False) -> str | None:
    """The refusal of a :class:`subprocess.Popen` of ``args`` (with its ``executable`` and ``shell``), or None if
    the program is light: :data:`LIGHT_PROGRAMS`, ``make`` only with one of :data:`MAKE_DRY_RUN`.

    A program may be given as a string, bytes or a path, alone or first of a list; ``executable``, when given, is
    the program that runs (whatever ``args[0]`` says); a shell may run anything.
    """
    if shell:
        return "a shell (shell=True)"
    single = isinstance(args, (str, bytes, os.PathLike))
    arguments = [args] if single else list(args)
    if not arguments:
        return None  # Popen itself refuses an empty command
    names = {Path(os.fsdecode(program)).name for program in (arguments[0], executable) if program is not None}
    names = {name[:-4] if name.lower().endswith(".exe") else name for name in names}
    for name in sorted(names):
        if name not in LIGHT_PROGRAMS:
            return name
        if name == "make" and not MAKE_DRY_RUN & {os.fsdecode(argument) for argument in arguments[1:]}:
            return "make without -n (it would run the recipes)"
    return None


@contextlib.contextmanager
def process_guard(nodeid: str):
    """Within it, starting a process other than a light one (:func:`started_program`) raises
    :class:`StartedAProcess` naming ``nodeid``."""
    inside_light = threading.local()

    def refuse(what="a process"):
        raise StartedAProcess(f"{nodeid} starts another process ({what}): mark it @pytest.mark.{SLOW} "
                              "(make test-slow runs it), or test the same policy without a process")

    start = subprocess.Popen.__init__

    def light_only(self, args, bufsize=-1, executable=None, *rest, **kwargs):
        refused = started_program(args, executable, kwargs.get("shell", False) or (len(rest) > 5 and rest[5]))
        if refused:
            refuse(refused)
        inside_light.yes = True
        try:
            start(self, args, bufsize, executable, *rest, **kwargs)
        finally:
            inside_light.yes = False

    def refused_route(name):
        def route(*args, **kwargs):
            refuse(f"os.{name}")
        return route

    def spawn_route(module, name, function):
        def route(*args, **kwargs):
            if not getattr(inside_light, "yes", False):
                refuse(f"{module}.{name}")
            return function(*args, **kwargs)
        return route

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(subprocess.Popen, "__init__", light_only)
        for name in REFUSED_ROUTES:
            if hasattr(os, name):  # a function the platform lacks is not added
                patch.setattr(os, name, refused_route(name))
        for module_name, name in SPAWNS:
            try:
                module = importlib.import_module(module_name)
            except ImportError:  # _posixsubprocess on Windows, _winapi elsewhere
                continue
            if hasattr(module, name):
                patch.setattr(module, name, spawn_route(module_name, name, getattr(module, name)))
        yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    """A test of tests/ not marked ``slow`` that starts a process (in the test or in any fixture it sets up, of any
    scope) fails and says to mark it (:func:`process_guard`): ``make test`` stays fast because its tests start no
    kernel, server, browser or interpreter. ``git`` and ``make -n`` (:func:`started_program`) are allowed."""
    if item.get_closest_marker(SLOW) or Path(__file__).parent not in Path(item.path).parents:
        yield
        return
    with process_guard(item.nodeid):
        yield


@pytest.fixture(scope="module")
def documents():
    """The project's texts (``texts/``), loaded once per test module."""
    from valduchesse.corpus import load_corpus

    return load_corpus(TEXTS)


@pytest.fixture(scope="module")
def split_coded(documents):
    """The project's current hand-coded sentences, each with its group and part of the validation split."""
    from valduchesse.coding import coding_units, current_codes, read_coding
    from valduchesse.validation_split import assign_split, read_split

    coding = ROOT / "coding"
    return assign_split(current_codes(read_coding(coding / "sentences.csv"), coding_units(documents)),
                        read_split(coding / "validation_split.csv"))


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
