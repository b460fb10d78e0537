"""The runner executes notebooks in place or into copies, and stops with the cell's number on an error."""

import re
import threading
import time
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from valduchesse.run import collection as collection_module, execute as execute_module, progress as progress_module
from valduchesse.run import times as times_module
from valduchesse.cli import main
from valduchesse.run.collection import run_collection
from valduchesse.run.execute import NotebookFailed, cell_label, execute_notebook
from valduchesse.run.notebooks import notebook_paths
from valduchesse.run.parameters import ParameterError, fit_to_default, parse_value, read_parameters, resolve_paths


@pytest.fixture(autouse=True)
def no_progress_lines(monkeypatch):
    """The lines these tests compare come without progress lines, however slow the machine (see test_runner_progress.py)."""
    monkeypatch.setattr(progress_module, "PROGRESS_AFTER_SECONDS", float("inf"))


def write_notebook(path, *sources):
    notebook = new_notebook(cells=[new_code_cell(source) for source in sources])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, path)
    return path


@pytest.mark.slow
def test_notebook_is_executed_in_its_folder_and_saved(tmp_path):
    path = write_notebook(tmp_path / "01_ok.ipynb", "import os; print(os.getcwd())", "6 * 7")
    execute_notebook(path)
    cells = nbformat.read(path, as_version=4).cells
    assert cells[0].outputs[0]["text"].strip() == str(tmp_path)
    assert cells[1].outputs[0]["data"]["text/plain"] == "42"
    assert "execution" not in cells[1].metadata  # no timings: an unchanged result leaves the file unchanged


@pytest.mark.slow
def test_rerun_gives_identical_bytes(tmp_path):
    path = write_notebook(tmp_path / "01_ok.ipynb", "sorted({'b': 2, 'a': 1}.items())")
    execute_notebook(path)
    first = path.read_bytes()
    execute_notebook(path)
    assert path.read_bytes() == first


@pytest.mark.slow
def test_failing_cell_names_notebook_and_cell(tmp_path):
    path = write_notebook(tmp_path / "02_broken.ipynb", "x = 1", "1 / 0")
    with pytest.raises(NotebookFailed, match=r"02_broken.ipynb, cell 2: ZeroDivisionError: division by zero"):
        execute_notebook(path)


@pytest.mark.slow
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


def write_parameter_notebook(path, parameters="LANGUAGE = 'fr'\nTOP_N = 8\nRATE = 0.5\nRANGE = (1, 2)\nDOC = None\nLEMMAS = True"):
    notebook = new_notebook(cells=[new_code_cell(parameters, metadata={"tags": ["parameters"]}),
                                   new_code_cell("print(LANGUAGE, TOP_N, RATE, RANGE, DOC, LEMMAS)")])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, path)
    return path


def test_parameters_are_read_from_the_tagged_cell(tmp_path):
    path = write_parameter_notebook(tmp_path / "01_p.ipynb")
    assert read_parameters(path) == {"LANGUAGE": "fr", "TOP_N": 8, "RATE": 0.5, "RANGE": (1, 2), "DOC": None,
                                     "LEMMAS": True}


def test_a_parameters_cell_must_hold_literals(tmp_path):
    path = write_parameter_notebook(tmp_path / "01_p.ipynb", "K = list(range(3))")
    with pytest.raises(ParameterError, match=r"01_p.ipynb, parameters cell, line 1: only 'NAME = literal value'"):
        read_parameters(path)


@pytest.mark.parametrize("text, value", [("6", 6), ("0.5", 0.5), ("[1, 2]", [1, 2]), ("None", None), ("nl", "nl"),
                                         ("(1, 1)", (1, 1)), ("True", True)])
def test_command_line_values(text, value):
    assert parse_value(text) == value


@pytest.mark.parametrize("name, value, default, expected", [
    ("RATE", 1, 0.5, 1.0), ("RANGE", [1, 1], (1, 2), (1, 1)), ("DOC", "x", None, "x"), ("LEMMAS", False, True, False)])
def test_values_are_fitted_to_the_type_of_the_default(name, value, default, expected):
    fitted = fit_to_default(name, value, default)
    assert fitted == expected and type(fitted) is type(expected)


@pytest.mark.parametrize("value, default", [("six", 8), (True, 8), (1, True), (3, "fr"), ("x", [1])])
def test_wrong_type_names_the_parameter_and_its_default(value, default):
    with pytest.raises(ParameterError, match=rf"parameter P: .* but its default {re.escape(repr(default))} is a"):
        fit_to_default("P", value, default)


def test_broken_parameter_stops_before_any_notebook_runs(tmp_path, capsys):
    first = write_parameter_notebook(tmp_path / "01_p.ipynb")
    second = write_parameter_notebook(tmp_path / "02_p.ipynb")
    before = first.read_bytes()
    assert main(["run", "--folder", str(tmp_path), "-p", "TOPN", "5", "--output", str(tmp_path / "out")]) == 2
    assert "unknown parameter TOPN: the notebooks run here have DOC, LANGUAGE, LEMMAS, RANGE, RATE, TOP_N" in (
        capsys.readouterr().err)
    assert main(["run", "--folder", str(tmp_path), "-p", "TOP_N", "five", "--output", str(tmp_path / "out")]) == 2
    assert "parameter TOP_N: 'five' is a str, but its default 8 is a int" in capsys.readouterr().err
    assert not (tmp_path / "out").exists() and first.read_bytes() == before and second.exists()


@pytest.mark.slow
def test_overrides_run_copies_into_the_output_folder(tmp_path, capsys):
    path = write_parameter_notebook(tmp_path / "01_p.ipynb")
    before = path.read_bytes()
    assert main(["run", str(path), "-p", "LANGUAGE", "nl", "-p", "RANGE", "[1, 1]",
                 "--output", str(tmp_path / "out")]) == 0
    assert path.read_bytes() == before
    cells = nbformat.read(tmp_path / "out" / "01_p.ipynb", as_version=4).cells
    assert cells[1].metadata["tags"] == ["injected-parameters"]
    assert cells[1].source == "# Parameters given on the command line\nLANGUAGE = 'nl'\nRANGE = (1, 1)"
    assert cells[2].outputs[0]["text"] == "nl 8 0.5 (1, 1) None True\n"
    assert "executed into" in capsys.readouterr().out


def test_relative_paths_are_taken_from_the_current_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert resolve_paths({"TEXTS_DIR": "mine", "THEMES_FILE": "t.yml", "LANGUAGE": "fr"}) == {
        "TEXTS_DIR": str(tmp_path / "mine"), "THEMES_FILE": str(tmp_path / "t.yml"), "LANGUAGE": "fr"}


@pytest.mark.slow
def test_figures_of_a_run_with_parameters_go_to_the_output_folder(tmp_path):
    path = write_parameter_notebook(tmp_path / "01_f.ipynb", "FIGURES_DIR = '../figures'\nLANGUAGE = 'fr'\n"
                                    "TOP_N = 8\nRATE = 0.5\nRANGE = (1, 2)\nDOC = None\nLEMMAS = True")
    run_collection([path], {"TOP_N": 2}, tmp_path / "out", log=lambda *a, **k: None)
    injected = nbformat.read(tmp_path / "out" / "01_f.ipynb", as_version=4).cells[1].source
    assert f"FIGURES_DIR = {str((tmp_path / 'out' / 'figures').resolve())!r}" in injected


def test_a_parameter_pointing_at_a_missing_folder_stops_before_running(tmp_path, capsys, monkeypatch):
    write_parameter_notebook(tmp_path / "01_p.ipynb", "TEXTS_DIR = '../texts'\nLANGUAGE = 'fr'")
    monkeypatch.chdir(tmp_path)
    assert main(["run", "--folder", str(tmp_path), "-p", "TEXTS_DIR", "nowhere"]) == 2
    assert f"no such file or folder: TEXTS_DIR = {tmp_path / 'nowhere'}" in capsys.readouterr().err
    assert not (tmp_path / "output").exists()


@pytest.mark.parametrize("name, text, expected", [
    ("TEXTS_DIR", "42", "parameter TEXTS_DIR: 42 is a number, not a path; give the path of a folder as text, "
                        "relative to where you run the command, e.g. -p TEXTS_DIR my_texts "
                        "(for a folder named 42, write -p TEXTS_DIR ./42)"),
    ("THEMES_FILE", "''", "parameter THEMES_FILE: '' is an empty text, not a path; give the path of a file"),
    ("FIGURES_DIR", "None", "parameter FIGURES_DIR: None is no value, not a path"),
    ("FIGURE_PREFIX", "[1]", "parameter FIGURE_PREFIX: [1] is a list, not a name; give the start of the figure "
                             "file names as text, e.g. -p FIGURE_PREFIX my_corpus"),
])
def test_a_path_parameter_must_be_given_as_text(tmp_path, capsys, monkeypatch, name, text, expected):
    write_parameter_notebook(tmp_path / "01_p.ipynb", "TEXTS_DIR = '../texts'\nFIGURES_DIR = '../figures'\n"
                             "THEMES_FILE = '../themes.yml'\nFIGURE_PREFIX = 'mine'")
    monkeypatch.chdir(tmp_path)
    assert main(["run", "--folder", str(tmp_path), "-p", name, text, "--output", str(tmp_path / "out")]) == 2
    assert expected in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def write_failing_notebook(path):
    """Markdown, parameters, a good cell, a failing one, and one that keeps the output of an earlier run."""
    notebook = new_notebook(cells=[
        new_markdown_cell("# A notebook that fails"),
        new_code_cell("N = 1", metadata={"tags": ["parameters"]}),
        new_code_cell("x = N"),
        new_code_cell("x / 0"),
        new_code_cell("print('after')", outputs=[new_output("stream", name="stdout", text="an earlier run\n")]),
    ])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, path)
    return path


@pytest.mark.slow
@pytest.mark.parametrize("arguments", [[], ["-p", "N", "2"], ["--output", "out"]])
def test_a_failure_names_the_cell_as_the_users_file_numbers_it_and_keeps_the_executed_copy(
        tmp_path, capsys, monkeypatch, arguments):
    path = write_failing_notebook(tmp_path / "05_f.ipynb")
    before = path.read_bytes()
    monkeypatch.chdir(tmp_path)
    assert main(["run", str(path), *arguments]) == 1
    folder = tmp_path if not arguments else tmp_path / ("out" if "--output" in arguments else "output")
    failed = folder / "05_f.failed.ipynb"
    assert (f"05_f.ipynb, cell 4: ZeroDivisionError: division by zero (the executed notebook, with the error, "
            f"is saved as {failed})") in capsys.readouterr().err
    assert path.read_bytes() == before  # the notebook run in place is not rewritten with a failure
    assert not arguments or not (folder / "05_f.ipynb").exists()
    cells = nbformat.read(failed, as_version=4).cells
    if arguments == ["-p", "N", "2"]:
        assert cells.pop(2).metadata["tags"] == ["injected-parameters"]
    assert [o["output_type"] for o in cells[3].outputs] == ["error"]
    assert cells[3].outputs[0]["ename"] == "ZeroDivisionError"
    assert cells[4].outputs == [] and cells[4].execution_count is None  # did not run this time


@pytest.mark.parametrize("index, injected, label", [
    (3, None, "cell 4"), (1, 2, "cell 2"), (3, 2, "cell 3"), (2, 2, "the cell of parameters given on the command line"),
    (None, None, "before its first cell")])
def test_cell_labels(index, injected, label):
    assert cell_label(index, injected) == label


@pytest.mark.slow
def test_a_success_removes_the_failed_copy_of_an_earlier_run(tmp_path):
    path = write_notebook(tmp_path / "01_ok.ipynb", "1")
    (tmp_path / "01_ok.failed.ipynb").write_text("{}")
    assert notebook_paths(tmp_path) == [path]  # failed copies are not part of the collection
    execute_notebook(path)
    assert not (tmp_path / "01_ok.failed.ipynb").exists()


@pytest.mark.slow
def test_a_cell_that_runs_too_long_is_stopped(tmp_path, monkeypatch):
    monkeypatch.setattr(execute_module, "CELL_TIMEOUT_SECONDS", 1)
    path = write_notebook(tmp_path / "01_slow.ipynb", "import time", "time.sleep(30)")
    with pytest.raises(NotebookFailed, match=r"01_slow.ipynb, cell 2: CellTimeoutError: the cell did not finish "
                                             r"within 1 s"):
        execute_notebook(path)
    cells = nbformat.read(tmp_path / "01_slow.failed.ipynb", as_version=4).cells
    assert cells[1].outputs[0]["ename"] == "CellTimeoutError"


def test_a_run_that_fails_before_writing_anything_leaves_no_output_folder(tmp_path, monkeypatch):
    def kernel_does_not_start(*args, **kwargs):
        raise RuntimeError("Kernel didn't respond in 60 seconds")

    monkeypatch.setattr(collection_module, "execute_notebook", kernel_does_not_start)
    path = write_parameter_notebook(tmp_path / "01_p.ipynb")
    with pytest.raises(RuntimeError):
        run_collection([path], {"TOP_N": 2}, tmp_path / "new" / "out", log=lambda *a, **k: None)
    assert not (tmp_path / "new").exists()
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("mine")
    for output in (tmp_path / "mine", tmp_path / "mine" / "out"):
        with pytest.raises(RuntimeError):
            run_collection([path], {"TOP_N": 2}, output, log=lambda *a, **k: None)
    assert [p.name for p in (tmp_path / "mine").iterdir()] == ["notes.txt"]  # there before: kept


def test_the_output_folder_must_be_a_folder(tmp_path, capsys):
    path = write_parameter_notebook(tmp_path / "01_p.ipynb")
    (tmp_path / "out").write_text("a file")
    assert main(["run", str(path), "--output", str(tmp_path / "out")]) == 2
    assert f"--output {tmp_path / 'out'} is a file; give a folder" in capsys.readouterr().err


@pytest.mark.slow
def test_kernels_are_shut_down_and_get_one_thread_per_numerical_library_unless_set(tmp_path, monkeypatch):
    psutil = pytest.importorskip("psutil")
    for name in execute_module.KERNEL_THREAD_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MKL_NUM_THREADS", "3")
    ok = write_notebook(tmp_path / "01_ok.ipynb",
                        "import os, threadpoolctl, numpy\n"
                        "print(os.getpid())\n"
                        "print(os.environ['OMP_NUM_THREADS'], os.environ['OPENBLAS_NUM_THREADS'], "
                        "os.environ['MKL_NUM_THREADS'])\n"
                        "print(sorted({pool['num_threads'] for pool in threadpoolctl.threadpool_info() "
                        "if pool['internal_api'] != 'mkl'}))")
    broken = write_notebook(tmp_path / "02_broken.ipynb", "import os; print(os.getpid())", "1 / 0")
    execute_notebook(ok)
    with pytest.raises(NotebookFailed):
        execute_notebook(broken)
    printed = nbformat.read(ok, as_version=4).cells[0].outputs[0]["text"].split("\n")
    assert printed[1:3] == ["1 1 3", "[1]"]
    pids = [int(printed[0]), int(nbformat.read(tmp_path / "02_broken.failed.ipynb", as_version=4).cells[0].outputs[0]["text"])]

    def running(pid):
        try:
            return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            return False

    assert [pid for pid in pids if running(pid)] == []  # no kernel left behind, after a success or a failure


@pytest.mark.slow
def test_notebooks_run_side_by_side_are_logged_one_line_each_in_their_order(tmp_path):
    paths = [write_notebook(tmp_path / "01_slow.ipynb", "import time; time.sleep(1)"),
             write_notebook(tmp_path / "02_fast.ipynb", "1"),
             write_notebook(tmp_path / "03_fast.ipynb", "2")]
    lines = []
    run_collection(paths, jobs=2, log=lambda *parts, end="\n", **kw: lines.append(" ".join(parts) + end))
    text = "".join(lines).splitlines()
    assert [re.sub(r"[\d.]+ s", "T s", line) for line in text] == [
        "[1/3] 01_slow.ipynb ... done in T s", "[2/3] 02_fast.ipynb ... done in T s",
        "[3/3] 03_fast.ipynb ... done in T s", "3 notebook(s) executed in place in T s, 2 at a time"]
    times = times_module.last_times()  # kept for the next run's start order
    assert times["01_slow.ipynb"] >= 1 and {"02_fast.ipynb", "03_fast.ipynb"} <= set(times)


@pytest.mark.slow
def test_a_failure_among_notebooks_run_side_by_side_is_reported_as_one_at_a_time(tmp_path, capsys):
    # 01 ends only once 02 has failed (its failed copy is written), so 03 could start only if a failure did not stop it
    write_notebook(tmp_path / "01_slow.ipynb", "import pathlib, time\nstart = time.time()\n"
                   "while not pathlib.Path('02_broken.failed.ipynb').exists() and time.time() - start < 60:\n"
                   "    time.sleep(0.05)")
    write_notebook(tmp_path / "02_broken.ipynb", "x = 1", "1 / 0")
    later = write_notebook(tmp_path / "03_later.ipynb", "3")
    assert main(["run", "--folder", str(tmp_path), "--jobs", "2"]) == 1
    captured = capsys.readouterr()
    assert re.fullmatch(r"\[1/3\] 01_slow.ipynb \.\.\. done in [\d.]+ s\n\[2/3\] 02_broken.ipynb \.\.\. ", captured.out)
    assert captured.err == (f"\nerror: 02_broken.ipynb, cell 2: ZeroDivisionError: division by zero (the executed "
                            f"notebook, with the error, is saved as {tmp_path / '02_broken.failed.ipynb'})\n")
    assert nbformat.read(later, as_version=4).cells[0].outputs == []  # not started after the failure


@pytest.mark.slow
def test_the_same_bytes_whatever_the_number_of_notebooks_at_a_time(tmp_path):
    sources = ["import os, sys\nprint(sorted(k for k in os.environ if k.endswith('_NUM_THREADS')))\n"
               "from pathlib import Path\nPath(FIGURES_DIR).mkdir(exist_ok=True)\n"
               f"Path(FIGURES_DIR, 'fig{i}.txt').write_text(str(sum(range({i} * 1000))))\n{{'n': {i}}}"
               for i in range(2)]
    for i, source in enumerate(sources):
        notebook = new_notebook(cells=[new_code_cell("FIGURES_DIR = 'figures'", metadata={"tags": ["parameters"]}),
                                       new_code_cell(source)])
        notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(notebook, tmp_path / f"0{i}_n.ipynb")
    paths = notebook_paths(tmp_path)
    digests = []
    for jobs in (1, 2):
        out = tmp_path / f"jobs-{jobs}"
        run_collection(paths, {}, out, log=lambda *a, **k: None, jobs=jobs)
        # The injected FIGURES_DIR names the output folder; everything else must be the same bytes.
        digests.append({p.relative_to(out).as_posix(): p.read_bytes().replace(str(out).encode(), b"OUT")
                        for p in sorted(out.rglob("*")) if p.is_file()})
    assert len(digests[0]) == 4 and digests[0] == digests[1]
    assert times_module.last_times() == {}  # runs into an output folder do not change the order of the run in place


@pytest.mark.parametrize("name, value", [("LANGUAGE", "xx"), ("CHECK_LANGUAGES", ["fr", "klingon"])])
def test_an_unsupported_language_is_refused_before_anything_runs(tmp_path, name, value):
    notebook = new_notebook(cells=[new_code_cell("LANGUAGE = 'fr'\nCHECK_LANGUAGES = ['nl']", metadata={"tags": ["parameters"]}),
                                   new_code_cell("print('ran')")])
    path = tmp_path / "01_languages.ipynb"
    nbformat.write(notebook, path)
    with pytest.raises(ParameterError, match=f"parameter {name}: .* is not a supported language; give one of de"):
        run_collection([path], {name: value}, tmp_path / "out")
    assert nbformat.read(path, as_version=4).cells[1].outputs == []


def test_the_longest_notebooks_start_first_and_untimed_ones_keep_their_order():
    paths = [Path(f"0{i}_n.ipynb") for i in range(5)]
    assert times_module.start_order(paths, {"01_n.ipynb": 2.0, "03_n.ipynb": 9.5, "other.ipynb": 50}) == [3, 1, 0, 2, 4]
    assert times_module.start_order(paths, {}) == [0, 1, 2, 3, 4]


def test_times_are_kept_between_runs_and_an_unreadable_file_counts_as_none(notebook_times):
    notebook_times.write_text("not json", encoding="utf-8")
    assert times_module.last_times() == {}
    times_module.keep_times({"01_a.ipynb": 3.14159})
    times_module.keep_times({"02_b.ipynb": 1})
    assert times_module.last_times() == {"01_a.ipynb": 3.14, "02_b.ipynb": 1}
    notebook_times.write_text('{"01_a.ipynb": "slow", "02_b.ipynb": true, "03_c.ipynb": 2}', encoding="utf-8")
    assert times_module.last_times() == {"03_c.ipynb": 2.0}


WAIT_SECONDS = 120  # a deadline for events that come at once when nothing is wrong


def record_starts(outcomes: dict[int, object], gates: dict[int, object] | None = None):
    """A stand-in for executing notebook ``i``: logs its start, waits on its gate (if any), returns or raises."""
    started = []
    gates = gates or {}

    def work(index):
        started.append(index)
        if index in gates:
            gates[index]()
        outcome = outcomes[index]
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    return work, started


def test_side_by_side_starts_in_the_order_given_and_yields_in_index_order():
    # The first two calls handed out wait for each other: neither can end (and free a thread) before both started.
    both = threading.Barrier(2, timeout=WAIT_SECONDS)
    work, started = record_starts({i: f"result {i}" for i in range(4)}, {1: both.wait, 3: both.wait})
    yielded = list(collection_module.side_by_side(work, 4, 2, order=[1, 3, 0, 2]))
    assert sorted(started[:2]) == [1, 3] and sorted(started) == [0, 1, 2, 3]
    assert yielded == [(i, f"result {i}") for i in range(4)]


def test_side_by_side_after_a_failure_runs_only_the_calls_before_it_in_index_order():
    failure = RuntimeError("cell 2 failed")
    # Call 0 holds its thread until call 1 starts, which it may only once call 2 has failed: the thread call 2
    # frees must go to 1 (before the failure in the index order), never to 4, next in the start order.
    one_started = threading.Event()
    outcomes = {0: "a", 1: "b", 2: failure, 3: "d", 4: "e"}
    work, started = record_starts(outcomes, {0: lambda: one_started.wait(WAIT_SECONDS), 1: one_started.set})
    yielded = list(collection_module.side_by_side(work, 5, 2, order=[2, 0, 4, 1, 3]))
    assert sorted(started) == [0, 1, 2]  # 3 and 4 come after the failure: never started
    assert yielded == [(0, "a"), (1, "b"), (2, failure)]


def test_side_by_side_yields_the_first_failure_in_index_order_after_the_calls_running_end():
    first, second = RuntimeError("first"), RuntimeError("second")
    # 3 fails first in time, 1 later; a run one at a time would meet 1's failure first.
    three_failed = threading.Event()
    work, started = record_starts({0: "a", 1: first, 2: "c", 3: second},
                                  {1: lambda: three_failed.wait(WAIT_SECONDS), 3: three_failed.set})
    yielded = list(collection_module.side_by_side(work, 4, 2, order=[3, 1, 0, 2]))
    assert yielded == [(0, "a"), (1, first)]
    assert sorted(started) == [0, 1, 3]  # 2 comes after the first failure in the index order


def test_side_by_side_stopped_by_its_caller_starts_nothing_more():
    release = threading.Event()
    work, started = record_starts({i: i for i in range(4)}, {1: lambda: release.wait(WAIT_SECONDS)})
    calls = collection_module.side_by_side(work, 4, 1, order=[0, 1, 2, 3])
    assert next(calls) == (0, 0)
    calls.close()  # the caller leaves (an error, Ctrl-C) while call 1 is handed out or running
    release.set()
    for thread in threading.enumerate():  # the pool's threads end once the call running ends
        if thread.name.startswith("notebook-runner"):
            thread.join(WAIT_SECONDS)
    assert started in ([0], [0, 1])  # 1 ran or was cancelled before it started; 2 and 3 never start


def test_consecutive_stream_outputs_are_merged_and_nothing_else_moves():
    from valduchesse.run.execute import coalesce_streams

    outputs = [new_output("stream", name="stdout", text="a\n"), new_output("stream", name="stdout", text="b\n"),
               new_output("stream", name="stderr", text="warn\n"), new_output("stream", name="stderr", text="more\n"),
               new_output("display_data", data={"text/plain": "figure"}),
               new_output("stream", name="stdout", text="c\r\n"), new_output("execute_result", data={"text/plain": "1"},
                                                                         execution_count=1)]
    notebook = new_notebook(cells=[new_code_cell("x", outputs=outputs), new_markdown_cell("text")])
    merged = coalesce_streams(notebook).cells[0].outputs
    assert [(o.output_type, o.get("name"), o.get("text")) for o in merged] == [
        ("stream", "stdout", "a\nb\n"), ("stream", "stderr", "warn\nmore\n"), ("display_data", None, None),
        ("stream", "stdout", "c\r\n"), ("execute_result", None, None)]


@pytest.mark.slow
def test_prints_split_by_timing_come_back_as_one_stream_output(tmp_path):
    # Two threads print, each flushing, with the kernel's output buffer flushed in between: the kernel sends
    # several stream messages, which the saved notebook holds as one output.
    path = write_notebook(tmp_path / "01_prints.ipynb",
                          "import sys, threading, time\n"
                          "def say(word):\n"
                          "    print(word, flush=True)\n"
                          "    time.sleep(0.3)  # past the kernel's flush interval (0.2 s): a message of its own\n"
                          "for word in ('one', 'two'):\n"
                          "    thread = threading.Thread(target=say, args=(word,)); thread.start(); thread.join()\n"
                          "print('three', flush=True)\n"
                          "sys.stdout.flush(); print('four')")
    execute_notebook(path)
    outputs = nbformat.read(path, as_version=4).cells[0].outputs
    assert [(o.output_type, o.name, o.text) for o in outputs] == [("stream", "stdout", "one\ntwo\nthree\nfour\n")]
