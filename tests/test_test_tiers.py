"""The two tiers of the suite: a test that is not marked ``slow`` cannot start a process (``tests/conftest.py``), so
``make test`` stays fast and the end-to-end tests are left to ``make test-slow``."""

import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

import conftest


def guarded(marked: bool, path: Path = Path(conftest.__file__).parent / "test_x.py"):
    """The hook's guard entered for a test of ``path``, marked ``slow`` or not (what pytest hands the hook)."""
    item = SimpleNamespace(nodeid="tests/test_x.py::test_y", path=path,
                           get_closest_marker=lambda name: object() if marked and name == conftest.SLOW else None)
    guard = conftest.pytest_runtest_protocol(item, None)
    next(guard)
    return guard


def test_a_test_not_marked_slow_cannot_start_python_and_is_told_to_mark_it():
    guard = guarded(marked=False)
    try:
        with pytest.raises(conftest.StartedAProcess, match=r"tests/test_x.py::test_y starts another process \(python[\d.]*\): mark it "
                                                            r"@pytest.mark.slow \(make test-slow runs it\)"):
            subprocess.run([sys.executable, "-c", "pass"], check=True)
    finally:
        guard.close()


def test_git_and_make_are_light_enough_for_a_fast_test():
    guard = guarded(marked=False)
    try:
        assert subprocess.run(["git", "--version"], capture_output=True, check=True).stdout.startswith(b"git version")
    finally:
        guard.close()


def test_the_guard_leaves_slow_tests_and_notebooks_alone():
    before = subprocess.Popen.__init__
    for guard in (guarded(marked=True), guarded(marked=False, path=conftest.ROOT / "notebooks" / "00_corpus.ipynb")):
        assert subprocess.Popen.__init__ is before  # nothing patched
        guard.close()


def test_the_guard_is_undone_after_the_test():
    before = subprocess.Popen.__init__
    guard = guarded(marked=False)
    assert subprocess.Popen.__init__ is not before
    guard.close()
    assert subprocess.Popen.__init__ is before


def refused(guard_nodeid="tests/test_x.py::test_y"):
    return pytest.raises(conftest.StartedAProcess, match=rf"{guard_nodeid} starts another process")


@pytest.mark.skipif(shutil.which("make") is None, reason="no make here")
def test_make_is_allowed_only_as_a_dry_run():
    guard = guarded(marked=False)
    try:
        for option in sorted(conftest.MAKE_DRY_RUN):
            done = subprocess.run(["make", "--no-print-directory", option, "setup"], cwd=conftest.ROOT,
                                  capture_output=True, text=True, check=True)
            assert "tasks.py" in done.stdout
        with pytest.raises(conftest.StartedAProcess, match=r"starts another process \(make without -n"):
            subprocess.run(["make", "setup"], cwd=conftest.ROOT)
    finally:
        guard.close()


def test_the_program_is_read_from_a_path_bytes_and_the_executable_argument():
    assert conftest.started_program(Path("/usr/bin/git")) is None
    assert conftest.started_program([Path("/usr/bin/git"), "status"]) is None
    assert conftest.started_program([b"git", b"status"]) is None
    assert conftest.started_program(["git.exe", "status"]) is None
    assert conftest.started_program([Path(sys.executable), "-c", "pass"]) == Path(sys.executable).name
    assert conftest.started_program(["git"], executable=sys.executable) == Path(sys.executable).name
    assert conftest.started_program(["make", "-n"], executable="/bin/sh") == "sh"
    assert conftest.started_program("git status", shell=True) == "a shell (shell=True)"
    assert conftest.started_program(["make", "run"]) == "make without -n (it would run the recipes)"
    assert conftest.started_program(["make", "-n", "run"]) is None


def test_a_light_name_given_with_another_executable_is_refused():
    guard = guarded(marked=False)
    try:
        with refused():
            subprocess.Popen(["git", "--version"], executable=sys.executable)
        with refused():
            subprocess.Popen(["git", "--version"], -1, sys.executable)  # positional, as Popen takes it too
        with refused():
            subprocess.run("git --version", shell=True)
        with refused():
            subprocess.run([Path(sys.executable), "-c", "pass"])
    finally:
        guard.close()


@pytest.mark.parametrize("name", ["fork", "forkpty", "system", "execv", "spawnv", "posix_spawn", "posix_spawnp"])
def test_the_routes_around_popen_are_refused(name):
    if not hasattr(os, name):
        pytest.skip(f"no os.{name} on this platform")
    original = getattr(os, name)
    guard = guarded(marked=False)
    try:
        assert getattr(os, name) is not original  # else the call below would fork or replace this process
        with refused():
            if name == "system":
                os.system("true")
            elif name.startswith("posix_spawn"):
                getattr(os, name)(sys.executable, [sys.executable, "-c", "pass"], os.environ)
            elif name == "execv" or name == "spawnv":
                getattr(os, name)(*([os.P_NOWAIT] if name == "spawnv" else []), sys.executable, [sys.executable])
            else:
                getattr(os, name)()
    finally:
        guard.close()


def test_multiprocessing_cannot_start_a_process():
    import multiprocessing

    guard = guarded(marked=False)
    try:
        for method in multiprocessing.get_all_start_methods():
            with refused():
                process = multiprocessing.get_context(method).Process(target=print)
                process.start()
                process.join()  # reached only if the guard let it through
    finally:
        guard.close()


def test_every_route_is_restored_after_the_test():
    import importlib

    routes = {name: getattr(os, name) for name in conftest.REFUSED_ROUTES if hasattr(os, name)}
    spawns = {}
    for module_name, name in conftest.SPAWNS:
        try:
            spawns[module_name, name] = getattr(importlib.import_module(module_name), name)
        except (ImportError, AttributeError):
            continue
    guard = guarded(marked=False)
    assert all(getattr(os, name) is not function for name, function in routes.items())
    assert all(getattr(importlib.import_module(module), name) is not function
               for (module, name), function in spawns.items())
    guard.close()
    assert {name: getattr(os, name) for name in routes} == routes
    assert {key: getattr(importlib.import_module(key[0]), key[1]) for key in spawns} == spawns
