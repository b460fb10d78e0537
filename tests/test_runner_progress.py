"""Progress within long notebooks (issue 20 item 11): lines on the terminal, named by the notebook, never in it."""

import re
import threading
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from valduchesse.run import progress as progress_module
from valduchesse.run.collection import run_collection
from valduchesse.run.progress import Progress, Terminal, progress_line

WAIT = 120  # seconds a test waits for an event at most (never reached unless something is broken)
PROGRESS = re.compile(r"(?P<name>\w+): (starting its kernel|cell (?P<cell>\d+)/(?P<cells>\d+)), \d+ s")


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_a_line_comes_only_after_the_first_seconds_and_then_at_most_every_few_seconds():
    lines, clock = [], Clock()
    progress = Progress(Terminal(lambda text, **kw: lines.append(text)), after=5, every=10, clock=clock)
    progress.started("03_topic_clusters.ipynb", 9)
    for now, cell in [(1, 2), (4, 3), (12, 4), (15, 5), (22, 6), (30, 7)]:
        clock.now = now
        progress.cell("03_topic_clusters.ipynb", cell)
    progress.finished("03_topic_clusters.ipynb")
    clock.now = 60
    progress.cell("03_topic_clusters.ipynb", 8)  # after the end: nothing
    assert lines == ["03_topic_clusters: cell 4/9, 12 s", "03_topic_clusters: cell 6/9, 22 s"]
    assert progress_line("00_corpus.ipynb", None, 5, 6.4) == "00_corpus: starting its kernel, 6 s"


def test_a_progress_line_never_shares_a_line_with_the_notebook_being_run():
    written = []
    terminal = Terminal(lambda text="", end="\n", **kw: written.append(text + end))
    terminal.open("[4/7] 03_topic_clusters.ipynb ...")
    terminal.line("03_topic_clusters: cell 4/9, 12 s")
    terminal.line("03_topic_clusters: cell 6/9, 22 s")
    terminal.close("done in 31.2 s")
    terminal.open("[5/7] 04_themes_hand_coded.ipynb ...")
    terminal.close("done in 3.0 s")
    assert [line.rstrip() for line in "".join(written).splitlines()] == [
        "[4/7] 03_topic_clusters.ipynb ...", "03_topic_clusters: cell 4/9, 12 s", "03_topic_clusters: cell 6/9, 22 s",
        "[4/7] 03_topic_clusters.ipynb ... done in 31.2 s", "[5/7] 04_themes_hand_coded.ipynb ... done in 3.0 s"]


def waiting_notebook(path: Path, release: str) -> Path:
    """A notebook of four cells (one markdown) whose third cell waits until the file ``release`` exists."""
    notebook = new_notebook(cells=[
        new_markdown_cell("# Waits"), new_code_cell("x = 1"),
        new_code_cell("import pathlib, time\nstart = time.time()\n"
                      f"while not pathlib.Path({release!r}).exists() and time.time() - start < {WAIT}:\n"
                      "    time.sleep(0.05)"),
        new_code_cell("print('done')")])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, path)
    return path


class Log:
    """The runner's log, kept; ``wait_for(pattern)`` waits on an event until a line matches."""

    def __init__(self):
        self.parts, self.changed = [], threading.Condition()

    def __call__(self, *parts, end="\n", **kw):
        with self.changed:
            self.parts.append(" ".join(parts) + end)
            self.changed.notify_all()

    def lines(self):
        with self.changed:
            return [line.rstrip() for line in "".join(self.parts).splitlines()]

    def wait_for(self, pattern):
        with self.changed:
            assert self.changed.wait_for(lambda: any(re.fullmatch(pattern, line) for line in "".join(self.parts).splitlines()),
                                         timeout=WAIT), self.parts


def run_in_background(*args, **kwargs):
    errors = []

    def target():
        try:
            run_collection(*args, **kwargs)
        except BaseException as err:  # noqa: BLE001 - handed to the test
            errors.append(err)

    thread = threading.Thread(target=target)
    thread.start()
    return thread, errors


@pytest.mark.slow
def test_a_long_notebook_shows_its_cell_on_the_terminal_and_not_in_the_notebook(tmp_path):
    path = waiting_notebook(tmp_path / "00_wait.ipynb", "release")
    log = Log()
    thread, errors = run_in_background([path], log=log, jobs=1, progress_after=0, progress_every=0.2)
    log.wait_for(r"00_wait: cell 3/4, \d+ s")  # the cell that waits, as JupyterLab numbers it
    (tmp_path / "release").touch()
    thread.join(WAIT)
    assert not thread.is_alive() and not errors
    lines = log.lines()
    progress = [PROGRESS.fullmatch(line) for line in lines[1:-2]]
    assert lines[0] == "[1/1] 00_wait.ipynb ..." and all(progress), lines
    assert {match["name"] for match in progress} == {"00_wait"} and {match["cells"] for match in progress} <= {None, "4"}
    cells = [int(match["cell"]) for match in progress if match["cell"]]
    assert cells == sorted(cells) and set(cells) <= {2, 3, 4}  # code cells only, in order
    assert re.fullmatch(r"\[1/1\] 00_wait.ipynb \.\.\. done in [\d.]+ s", lines[-2])
    assert re.fullmatch(r"1 notebook\(s\) executed in place in [\d.]+ s", lines[-1])
    saved = path.read_text(encoding="utf-8")
    assert "00_wait:" not in saved and "cell 3/4" not in saved  # the terminal only
    assert nbformat.read(path, as_version=4).cells[3].outputs[0]["text"] == "done\n"


@pytest.mark.slow
def test_notebooks_side_by_side_have_their_progress_lines_named_and_never_mixed(tmp_path):
    paths = [waiting_notebook(tmp_path / f"0{i}_wait.ipynb", f"release{i}") for i in range(2)]
    log = Log()
    thread, errors = run_in_background(paths, log=log, jobs=2, progress_after=0, progress_every=0.2)
    for i in range(2):
        log.wait_for(rf"0{i}_wait: cell 3/4, \d+ s")
    for i in (1, 0):
        (tmp_path / f"release{i}").touch()
    thread.join(WAIT)
    assert not thread.is_alive() and not errors
    lines = log.lines()
    done = [line for line in lines if line.startswith("[")]
    assert [re.sub(r"[\d.]+ s", "T s", line) for line in done] == [
        "[1/2] 00_wait.ipynb ... done in T s", "[2/2] 01_wait.ipynb ... done in T s"]
    others = [line for line in lines if not line.startswith("[")][:-1]
    assert others and all(PROGRESS.fullmatch(line) for line in others), lines
    assert {PROGRESS.fullmatch(line)["name"] for line in others} == {"00_wait", "01_wait"}


@pytest.mark.slow
def test_a_short_notebook_gets_no_progress_line(tmp_path, monkeypatch):
    monkeypatch.setattr(progress_module, "PROGRESS_AFTER_SECONDS", float("inf"))  # whatever the machine's load
    path = waiting_notebook(tmp_path / "00_wait.ipynb", "release")
    (tmp_path / "release").touch()
    log = Log()
    run_collection([path], log=log, jobs=1)
    assert [re.sub(r"[\d.]+ s", "T s", line) for line in log.lines()] == [
        "[1/1] 00_wait.ipynb ... done in T s", "1 notebook(s) executed in place in T s"]


def test_the_defaults_are_a_few_seconds():
    after, every = progress_module.PROGRESS_AFTER_SECONDS, progress_module.PROGRESS_EVERY_SECONDS
    assert 1 <= after <= 10 and after <= every <= 30
