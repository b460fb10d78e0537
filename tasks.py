"""The collection's verbs without make, on Linux, macOS and Windows (standard library only).

Run it with Python 3.11 from the project's folder::

    python tasks.py setup     create .venv/ and install the pinned packages and this project (once)
    python tasks.py run       set up if needed, execute every notebook in place, write every figure
    python tasks.py test      set up if needed, run the unit tests and strict nbval on every notebook
    python tasks.py test-slow the end-to-end tests (kernels, JupyterLab, the browser, generated corpora)
    python tasks.py lab       open the notebooks in JupyterLab (as root too, as in containers)
    python tasks.py kernel    register this environment's kernel in a JupyterLab you already have
    python tasks.py report    render the executed notebooks to a small HTML site in build/report/

Words after the verb go to the command it runs (``python tasks.py run --jobs 1``, ``python tasks.py test -k
corpus``). Options before the verb:

``--venv DIR``
    the virtual environment to create and use (default ``.venv``).
``--no-venv``
    use the environment of the Python that runs this script (a conda environment made from
    ``environment.yml``): nothing is created; this project's package is installed into it
    (``--no-deps``, editable) only if it cannot import it from here.
``--dry-run``
    print the commands, run none.

The Makefile's targets call this script, so ``make run`` and ``python tasks.py run`` run the same commands.
On Linux the environment gets ``requirements.txt`` (the lock); on macOS and Windows
``requirements-universal.txt``, the same pins plus the packages only those platforms need.
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["ROOT", "Step", "venv_python", "lock_file", "setup_steps", "verb_command", "verb_environment",
           "is_up_to_date", "setup", "main"]

ROOT = Path(__file__).resolve().parent
"""The project's folder: every command runs there."""

LOCK = "requirements.txt"
"""The lock of Linux (``make lock``: a freeze of a fresh environment)."""

UNIVERSAL_LOCK = "requirements-universal.txt"
"""The same pins for every platform, with the packages only macOS or Windows need (``make lock``)."""

MARKER = ".installed"
"""The file in the environment that says setup is done; older than a lock or pyproject.toml, setup runs again."""

VERBS = ("setup", "run", "test", "test-slow", "lab", "kernel", "report")

TEST_ARGUMENTS = ("-m", "pytest", "--nbval", "--nbval-current-env", "-n", "logical", "--dist", "loadscope",
                  "-m", "not slow", "tests", "notebooks")
"""The README's test command after ``python``: unit tests and strict nbval, on every core (the end-to-end tests,
marked ``slow``, are left to ``test-slow``)."""

SLOW_TEST_ARGUMENTS = ("-m", "pytest", "-n", "logical", "--dist", "loadscope", "-m", "slow", "tests")
"""The end-to-end tests after ``python``: those that start a kernel, a Jupyter server, a browser or another Python
(the runner, JupyterLab, the report in Chromium, the collection on generated corpora of many shapes), or wait out
a deadline."""

FOLLOW_UPS = {"run": (("-m", "valduchesse.run.explorer"),)}
"""Commands a verb runs after its own when it is given no notebook, with the environment's Python: after the
collection, the explorer notebook (not one of the collection's) is executed in place, its widget views left out."""

THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
"""One thread per library (unless set), as the runner does for its kernels: the tests and the kernels nbval
starts (which inherit them) then do not ask for more threads than the cores have."""


@dataclass(frozen=True)
class Step:
    """One command of a verb: what it says first, the command, and whether its standard output is dropped."""

    message: str
    argv: tuple[str, ...]
    quiet: bool = False
    environment: dict[str, str] = field(default_factory=dict)


def venv_python(venv: Path, platform: str) -> Path:
    """The Python of a virtual environment.

    Parameters
    ----------
    venv : Path
        The environment's folder.
    platform : str
        A ``sys.platform`` value: ``"win32"`` puts it in ``Scripts\\python.exe``, every other in ``bin/python``.

    Returns
    -------
    Path
        The interpreter's path.
    """
    if platform == "win32":
        return venv / "Scripts" / "python.exe"
    return venv / "bin" / "python"


def lock_file(platform: str) -> str:
    """The lock to install on a platform: ``requirements.txt`` on Linux, the universal lock elsewhere.

    Parameters
    ----------
    platform : str
        A ``sys.platform`` value.

    Returns
    -------
    str
        The lock's file name, in the project's folder.
    """
    return LOCK if platform.startswith("linux") else UNIVERSAL_LOCK


def setup_steps(base_python: str, venv: Path | None, platform: str, package_installed: bool = False) -> list[Step]:
    """The commands that set up the environment.

    Parameters
    ----------
    base_python : str
        The Python that creates the virtual environment (or, with ``venv=None``, the environment's own).
    venv : Path or None
        The virtual environment to create; None uses ``base_python``'s environment as it is (conda).
    platform : str
        A ``sys.platform`` value: which Python path and which lock.
    package_installed : bool
        With ``venv=None``: whether that environment already imports this project's package from here,
        in which case there is nothing to do.

    Returns
    -------
    list of Step
        In order; the last two build matplotlib's font cache and the lemmatiser's tries once.
    """
    caches = [Step("building matplotlib's font cache and the lemmatiser's language tries, once",
                   ("-c", "import matplotlib.pyplot")),
              Step("", ("-m", "valduchesse.lemma_cache"), quiet=True)]
    package = Step("installing this project's package (src/valduchesse, editable, with its extras test and lab; "
                   "--no-deps: every dependency, the extras' included, is already installed at its locked version)",
                   ("-m", "pip", "install", "--quiet", "--no-deps", "--editable", ".[test,lab]"))
    if venv is None:
        if package_installed:
            return []
        return [_with_python(step, base_python) for step in (package, *caches)]
    python = str(venv_python(venv, platform))
    lock = lock_file(platform)
    steps = [Step(f"creating the virtual environment in {venv}/ with {base_python}", ("-m", "venv", str(venv))),
             Step(f"installing the pinned packages of {lock} (about 150 MB the first time; pip shows each)",
                  ("-m", "pip", "install", "--progress-bar", "off", "--requirement", lock)),
             package, *caches]
    return [_with_python(step, base_python if index == 0 else python) for index, step in enumerate(steps)]


def _with_python(step: Step, python: str) -> Step:
    return Step(step.message, (python, *step.argv), step.quiet, step.environment)


def verb_command(verb: str, python: str, platform: str, root_user: bool, arguments: tuple[str, ...] = (),
                 kernel_label: str = ".venv") -> tuple[str, ...]:
    """The command a verb runs once the environment is set up.

    Parameters
    ----------
    verb : str
        One of ``run``, ``test``, ``lab``, ``kernel``, ``report``.
    python : str
        The environment's Python.
    platform : str
        A ``sys.platform`` value (JupyterLab's ``--allow-root`` exists only where users have ids).
    root_user : bool
        Whether the command runs as root: JupyterLab then needs ``--allow-root``.
    arguments : tuple of str
        More arguments, after the verb's own.
    kernel_label : str
        The environment's name in the kernel's display name.

    Returns
    -------
    tuple of str
        The command.
    """
    if verb == "run":
        return (python, "-m", "valduchesse", "run", *arguments)
    if verb == "test":
        return (python, *TEST_ARGUMENTS, *arguments)
    if verb == "test-slow":
        return (python, *SLOW_TEST_ARGUMENTS, *arguments)
    if verb == "lab":
        allow_root = ("--allow-root",) if root_user and platform != "win32" else ()
        return (python, "-m", "jupyter", "lab", "notebooks", *allow_root, *arguments)
    if verb == "kernel":
        return (python, "-m", "ipykernel", "install", "--user", "--name", "valduchesse",
                "--display-name", f"Val Duchesse ({kernel_label})", *arguments)
    if verb == "report":
        return (python, "-m", "valduchesse", "report", *arguments)
    raise ValueError(f"unknown verb {verb!r}: give one of {', '.join(VERBS)}")


def verb_environment(verb: str, environ: dict[str, str]) -> dict[str, str]:
    """The environment variables a verb adds: for ``test``, one thread per numerical library unless set.

    Parameters
    ----------
    verb : str
        The verb.
    environ : dict
        The current environment.

    Returns
    -------
    dict
        The variables to add (the current values win).
    """
    if verb not in ("test", "test-slow"):
        return {}
    return {name: "1" for name in THREAD_VARIABLES if name not in environ}


def is_up_to_date(marker: Path, inputs: list[Path]) -> bool:
    """Whether setup is done and no input changed since, as make decides it (by modification times).

    Parameters
    ----------
    marker : Path
        The file setup writes last.
    inputs : list of Path
        The files setup reads (the lock, pyproject.toml); a missing one does not count.

    Returns
    -------
    bool
        True when the marker exists and is no older than any input.
    """
    if not marker.is_file():
        return False
    made = marker.stat().st_mtime
    return all(not path.exists() or path.stat().st_mtime <= made for path in inputs)


def _imports_package_from_here(python: str) -> bool:
    """Whether ``python`` imports ``valduchesse`` from this folder's ``src/``."""
    probe = "import valduchesse, sys; sys.stdout.write(valduchesse.__file__)"
    found = subprocess.run([python, "-c", probe], cwd=ROOT, capture_output=True, text=True)
    return found.returncode == 0 and Path(found.stdout).resolve().is_relative_to(ROOT / "src")


def _say(text: str) -> None:
    print(text, flush=True)


def _run(step: Step, dry_run: bool) -> int:
    _say(shlex.join(step.argv) + (" > " + os.devnull if step.quiet else ""))
    if dry_run:
        return 0
    environment = {**os.environ, **step.environment}
    done = subprocess.run(step.argv, cwd=ROOT, env=environment,
                          stdout=subprocess.DEVNULL if step.quiet else None)
    return done.returncode


def _python_warning() -> None:
    version = "%d.%d" % sys.version_info[:2]
    if version != "3.11":
        _say(f"warning: {sys.executable} is Python {version}; the lock is made for Python 3.11, another Python "
             "may resolve other versions of the packages and give other numbers (run this script with Python 3.11, "
             "or make with PYTHON=/path/to/python3.11)")


def setup(venv: Path | None, platform: str = sys.platform, dry_run: bool = False) -> tuple[int, str]:
    """Set up the environment if needed.

    Parameters
    ----------
    venv : Path or None
        The virtual environment (relative to the project's folder), or None for the running Python's own.
    platform : str
        A ``sys.platform`` value.
    dry_run : bool
        Print the commands without running them.

    Returns
    -------
    tuple of (int, str)
        The exit status (0 when done) and the environment's Python.
    """
    if venv is None:
        python = sys.executable
        installed = _imports_package_from_here(python)
        _say(f"using the environment of {python} (--no-venv: no virtual environment is created)"
             + ("; this project's package is installed in it" if installed else ""))
        steps = setup_steps(python, None, platform, package_installed=installed)
        marker = None
    else:
        folder = venv if venv.is_absolute() else ROOT / venv
        python = str(venv_python(folder, platform))
        marker = folder / MARKER
        inputs = [ROOT / lock_file(platform), ROOT / "pyproject.toml"]
        if is_up_to_date(marker, inputs):
            return 0, python
        steps = setup_steps(sys.executable, folder, platform)
    if steps:
        _python_warning()
    shown = [step for step in steps if step.message]
    for step in steps:
        if step.message:
            _say(f"[{shown.index(step) + 1}/{len(shown)}] {step.message}")
        status = _run(step, dry_run)
        if status != 0:
            return status, python
    if marker is not None and not dry_run:
        marker.touch()
    return 0, python


def _root_user() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def main(argv: list[str] | None = None) -> int:
    """Run a verb: ``python tasks.py [--venv DIR | --no-venv] [--dry-run] VERB [ARGUMENTS…]``.

    Parameters
    ----------
    argv : list of str, optional
        The arguments (default: the command line's).

    Returns
    -------
    int
        The exit status of the last command run.
    """
    parser = argparse.ArgumentParser(prog="python tasks.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--venv", default=".venv", help="the virtual environment to create and use (default .venv)")
    where.add_argument("--no-venv", action="store_true",
                       help="use the environment of the Python running this script (conda): create nothing")
    parser.add_argument("--dry-run", action="store_true", help="print the commands, run none")
    parser.add_argument("verb", choices=VERBS)
    parser.add_argument("arguments", nargs=argparse.REMAINDER, help="given to the verb's command")
    args = parser.parse_args(argv)
    venv = None if args.no_venv else Path(args.venv)
    status, python = setup(venv, sys.platform, args.dry_run)
    if status != 0 or args.verb == "setup":
        return status
    label = Path(sys.prefix).name if venv is None else venv.name
    command = verb_command(args.verb, python, sys.platform, _root_user(), tuple(args.arguments), label)
    if args.verb == "lab" and "--allow-root" in command:
        _say("running as root (as in containers): JupyterLab is started with --allow-root")
    environment = verb_environment(args.verb, dict(os.environ))
    status = _run(Step("", command, environment=environment), args.dry_run)
    whole_collection = not [a for a in args.arguments if a.endswith(".ipynb")]
    for follow_up in FOLLOW_UPS.get(args.verb, ()) if whole_collection else ():
        if status != 0:
            break
        status = _run(Step("", (python, *follow_up), environment=environment), args.dry_run)
    return status


if __name__ == "__main__":
    sys.exit(main())
