"""tasks.py, the verbs without make (Windows, macOS, conda), and the Makefile that delegates to it.

The commands are built by pure functions, checked here for win32, darwin and linux; the Makefile's targets are
checked to call tasks.py, and tasks.py with --no-venv to use the running Python and create no environment.
"""

import importlib.util
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT

TASKS = ROOT / "tasks.py"


def load_tasks():
    spec = importlib.util.spec_from_file_location("tasks", TASKS)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("tasks", module)
    spec.loader.exec_module(module)
    return module


tasks = load_tasks()


def test_tasks_py_uses_the_standard_library_only():
    import ast
    tree = ast.parse(TASKS.read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert imported <= set(sys.stdlib_module_names) | {"__future__"}, sorted(imported - set(sys.stdlib_module_names))


@pytest.mark.parametrize("platform, python", [("win32", Path(".venv", "Scripts", "python.exe")),
                                              ("darwin", Path(".venv", "bin", "python")),
                                              ("linux", Path(".venv", "bin", "python"))])
def test_the_environment_s_python_is_where_venv_puts_it(platform, python):
    assert tasks.venv_python(Path(".venv"), platform) == python


@pytest.mark.parametrize("platform, lock", [("win32", "requirements-universal.txt"),
                                            ("darwin", "requirements-universal.txt"),
                                            ("linux", "requirements.txt")])
def test_macos_and_windows_install_the_universal_lock_linux_the_freeze(platform, lock):
    steps = tasks.setup_steps("python3.11", Path(".venv"), platform)
    install = [step.argv for step in steps if "--requirement" in step.argv]
    assert install == [(str(tasks.venv_python(Path(".venv"), platform)), "-m", "pip", "install", "--progress-bar",
                        "off", "--requirement", lock)]
    assert (ROOT / lock).is_file()


@pytest.mark.parametrize("platform", ["win32", "darwin", "linux"])
def test_setup_creates_the_venv_with_the_given_python_then_uses_the_venv_s_python(platform):
    steps = tasks.setup_steps("C:/Python311/python.exe", Path(".venv"), platform)
    assert steps[0].argv == ("C:/Python311/python.exe", "-m", "venv", ".venv")
    venv_python = str(tasks.venv_python(Path(".venv"), platform))
    assert all(step.argv[0] == venv_python for step in steps[1:])
    rest = [step.argv[1:] for step in steps[1:]]
    assert ("-m", "pip", "install", "--quiet", "--no-deps", "--editable", ".[test,lab]") in rest
    assert rest[-2:] == [("-c", "import matplotlib.pyplot"), ("-m", "valduchesse.lemma_cache")]


def test_with_no_venv_setup_creates_nothing_and_uses_the_given_python():
    steps = tasks.setup_steps("/opt/conda/envs/valduchesse/bin/python", None, "linux")
    assert all(step.argv[0] == "/opt/conda/envs/valduchesse/bin/python" for step in steps)
    assert not any("venv" in step.argv or "--requirement" in step.argv for step in steps)
    assert steps[0].argv[1:] == ("-m", "pip", "install", "--quiet", "--no-deps", "--editable", ".[test,lab]")
    assert tasks.setup_steps("python", None, "win32", package_installed=True) == []


@pytest.mark.parametrize("platform", ["win32", "darwin", "linux"])
def test_the_verbs_run_what_the_readme_documents(platform):
    python = str(tasks.venv_python(Path(".venv"), platform))
    assert tasks.verb_command("run", python, platform, False, ("--jobs", "1")) == \
        (python, "-m", "valduchesse", "run", "--jobs", "1")
    assert tasks.verb_command("test", python, platform, False) == \
        (python, "-m", "pytest", "--nbval", "--nbval-current-env", "-n", "logical", "--dist", "loadscope",
         "-m", "not slow", "tests", "notebooks")
    assert tasks.verb_command("test-slow", python, platform, False) == \
        (python, "-m", "pytest", "-n", "logical", "--dist", "loadscope", "-m", "slow", "tests")
    assert tasks.verb_command("report", python, platform, False) == (python, "-m", "valduchesse", "report")
    assert tasks.verb_command("kernel", python, platform, False) == \
        (python, "-m", "ipykernel", "install", "--user", "--name", "valduchesse", "--display-name",
         "Val Duchesse (.venv)")
    assert tasks.verb_command("lab", python, platform, False) == (python, "-m", "jupyter", "lab", "notebooks")
    with pytest.raises(ValueError, match="unknown verb 'build': give one of setup, run"):
        tasks.verb_command("build", python, platform, False)


@pytest.mark.parametrize("platform, allow_root", [("linux", True), ("darwin", True), ("win32", False)])
def test_lab_allows_root_exactly_when_run_as_root(platform, allow_root):
    as_root = tasks.verb_command("lab", "python", platform, True)
    assert ("--allow-root" in as_root) == allow_root
    assert "--allow-root" not in tasks.verb_command("lab", "python", platform, False)


def test_the_test_verb_runs_the_numerical_libraries_on_one_thread_unless_set():
    assert tasks.verb_environment("test", {}) == {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
                                                  "MKL_NUM_THREADS": "1"}
    assert tasks.verb_environment("test", {"OMP_NUM_THREADS": "4"}) == {"OPENBLAS_NUM_THREADS": "1",
                                                                        "MKL_NUM_THREADS": "1"}
    assert tasks.verb_environment("run", {}) == {}


def test_setup_runs_again_when_the_lock_or_pyproject_is_newer_than_the_marker(tmp_path):
    lock, pyproject, marker = tmp_path / "requirements.txt", tmp_path / "pyproject.toml", tmp_path / ".installed"
    lock.write_text("a==1\n")
    pyproject.write_text("[project]\n")
    assert not tasks.is_up_to_date(marker, [lock, pyproject])
    marker.touch()
    later = time.time() + 10
    assert tasks.is_up_to_date(marker, [lock, pyproject])
    os.utime(lock, (later, later))
    assert not tasks.is_up_to_date(marker, [lock, pyproject])


def run_tasks(*arguments, cwd=ROOT):
    return subprocess.run([sys.executable, str(TASKS), *arguments], cwd=cwd, capture_output=True, text=True,
                          timeout=120)


@pytest.mark.slow
def test_no_venv_uses_the_running_python_and_creates_no_environment(tmp_path):
    # this test's Python imports valduchesse from src/ (installed editable): nothing to install, nothing created
    venv = tmp_path / "venv"
    done = run_tasks("--no-venv", "--dry-run", "run", "--jobs", "1")
    assert done.returncode == 0, done.stderr
    assert f"using the environment of {sys.executable} (--no-venv: no virtual environment is created)" in done.stdout
    assert f"{sys.executable} -m valduchesse run --jobs 1" in done.stdout
    assert " venv " not in done.stdout and "--requirement" not in done.stdout
    done = run_tasks("--no-venv", "setup")
    assert done.returncode == 0, done.stderr
    assert "this project's package is installed in it" in done.stdout
    assert not venv.exists()
    assert run_tasks("--no-venv", "--venv", str(venv), "setup").returncode == 2  # one or the other


@pytest.mark.slow
def test_a_fresh_venv_s_setup_installs_the_lock_then_the_package(tmp_path):
    venv = tmp_path / "fresh"
    done = run_tasks("--venv", str(venv), "--dry-run", "test", "-k", "corpus")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    python = str(tasks.venv_python(venv, sys.platform))
    assert f"{sys.executable} -m venv {venv}" in lines
    assert f"{python} -m pip install --progress-bar off --requirement {tasks.lock_file(sys.platform)}" in lines
    assert lines[-1].startswith(f"{python} -m pytest --nbval") and lines[-1].endswith("notebooks -k corpus")
    assert not venv.exists()


MAKE_VARIABLES = {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES"}
"""What a make passes to the commands it runs (the test command is one): a make started here must not inherit it."""

needs_make = pytest.mark.skipif(shutil.which("make") is None, reason="no make here: tasks.py is the path without it")


def make_dry_run(*arguments) -> list[str]:
    """The commands ``make -n`` prints, as a make of its own (not a sub-make of the test command's)."""
    environment = {name: value for name, value in os.environ.items() if name not in MAKE_VARIABLES}
    done = subprocess.run(["make", "--no-print-directory", "-n", *arguments], cwd=ROOT, env=environment,
                          capture_output=True, text=True, check=True)
    return [line.rstrip() for line in done.stdout.splitlines()]


@needs_make
@pytest.mark.parametrize("target, verb", [("run", "run"), ("test", "test"), ("lab", "lab"), ("kernel", "kernel"),
                                          ("report", "report"), ("setup", "setup"),
                                          ("test-slow", "test-slow")])
def test_every_make_verb_delegates_to_tasks_py(target, verb):
    assert make_dry_run(target) == [f"python3.11 tasks.py --venv .venv {verb}"]


@needs_make
def test_make_with_a_given_interpreter_and_no_venv_uses_that_environment():
    assert make_dry_run("run", "NO_VENV=1", "PYTHON=/opt/conda/bin/python", "JOBS=1") == \
        ["/opt/conda/bin/python tasks.py --no-venv run --jobs 1"]
    assert make_dry_run("test", "VENV=/tmp/elsewhere") == ["python3.11 tasks.py --venv /tmp/elsewhere test"]


@pytest.mark.slow
def test_run_of_the_whole_collection_then_executes_the_explorer_but_a_run_of_named_notebooks_does_not(capsys):
    assert tasks.main(["--no-venv", "--dry-run", "run", "--jobs", "1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[-2].endswith(" -m valduchesse run --jobs 1") and lines[-1].endswith(" -m valduchesse.run.explorer")
    assert tasks.main(["--no-venv", "--dry-run", "run", "notebooks/01_distinctive_terms.ipynb"]) == 0
    assert not capsys.readouterr().out.rstrip().endswith("valduchesse.run.explorer")
