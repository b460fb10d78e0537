"""The two tiers of the suite: a test that is not marked ``slow`` cannot start a process (``tests/conftest.py``), so
``make test`` stays fast and the end-to-end tests are left to ``make test-slow``."""

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
        with pytest.raises(conftest.StartedAProcess, match=r"tests/test_x.py::test_y starts another process: mark it "
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
