"""Run the collection: execute notebooks in a kernel of this environment, with parameters.

``python -m valduchesse run`` executes every numbered notebook in
``notebooks/`` (or the ones named), top to bottom. Without parameters it
writes each back in place with its new outputs, and the notebooks rewrite the
figures; cell timings are not recorded, so that an unchanged result leaves the
files unchanged.

With parameters (``-p NAME VALUE``, papermill's convention) or an output
folder (``--output``) the committed notebooks and figures are never touched:
the values are checked against each notebook's cell tagged ``parameters``
before anything runs, injected in a cell tagged ``injected-parameters`` right
after it, and the executed copies go to the output folder, with the figures
in its ``figures/`` subfolder. Every path such a run writes (the output
folder, and the parameters the notebooks write to, see
``OUTPUT_PATH_PARAMETERS``) is resolved and refused if it falls inside the
repository's ``notebooks/``, ``figures/`` or ``texts/``, or is its root or a
file git tracks; parameters that are only read (``INPUT_PATH_PARAMETERS``)
may point anywhere.

A failing cell (an error, a timeout, a dead kernel) stops the run with the
notebook's name, the cell's number as JupyterLab shows the user's file
(every cell counts, from 1; the injected cell does not) and the error. The
executed notebook is then saved as ``<name>.failed.ipynb`` next to the output
(for a run in place, in the repository's ``output/``), with the error in its
outputs; the notebook itself is left as it was, and an output folder the run
created is removed if nothing was written into it.

The notebooks are independent: ``--jobs N`` (default: the number of cores)
executes N at a time, each in its own kernel, shut down after its last cell,
with one thread per numerical library; the progress lines still come one per
notebook, in the notebooks' order. The longest notebooks start first (their
times in the last run in place on this machine, kept in the per-machine
cache folder as ``notebook-times.json``; a notebook never timed counts as the
shortest),
so that no core is left with one long notebook at the end.
:func:`check_reproduction` runs the collection once on a copy and lists every
notebook or figure that differs from the committed one;
:func:`check_determinism` runs it twice and lists every figure or notebook
output that differs between the runs.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

from .corpus import LANGUAGE_CHOICES, SUPPORTED_LANGUAGES
from .cache import user_cache_folder, write_atomically
from .plotting import COMMITTED_RUN_VARIABLE

KERNEL_NAME = "python3"
CELL_TIMEOUT_SECONDS = 600
PARAMETERS_TAG = "parameters"
INJECTED_TAG = "injected-parameters"
FIGURES_PARAMETER = "FIGURES_DIR"

# Which parameters are paths, and which of those the notebooks write to. Every path the runner or a
# notebook writes is checked before anything runs (:func:`check_written_paths`); a path that is only
# read may point anywhere, the committed texts/ and themes.yml included. The lists go by name:
INPUT_PATH_PARAMETERS = ("TEXTS_DIR", "THEMES_FILE", "CODING_FILE", "VALIDATION_FILE", "THEMES_BEFORE_FILE",
                         "THEMES_REVISION_1_FILE", "SPLIT_FILE")  # only read by the notebooks
OUTPUT_PATH_PARAMETERS = ("FIGURES_DIR", "OUTPUT_DIR")  # folders the notebooks write into
PREFIX_PARAMETERS = ("FIGURE_PREFIX",)  # start of the names of the files a notebook writes into FIGURES_DIR
# Any other NAME_DIR or NAME_FILE is a path too, and counts as written to (the safe side): add it to
# INPUT_PATH_PARAMETERS if the notebooks only read it.
PATH_SUFFIXES = ("_DIR", "_FILE")
FAILED_SUFFIX = ".failed.ipynb"
# The committed collection: a run with parameters or --output never writes into these folders of the
# repository (.git too), nor to the repository's root folder, nor to a file (or folder of files) that git
# tracks. The repository is the parent of a notebook's folder named notebooks/ (see collection_root).
PROTECTED_FOLDERS = ("notebooks", "figures", "texts", ".git")
# The checkout this package was loaded from, protected whatever notebooks are run (if it is one).
PACKAGE_CHECKOUT = Path(__file__).resolve().parents[2]
EXAMPLE_VALUES = {"TEXTS_DIR": "my_texts", "THEMES_FILE": "my_themes.yml", "FIGURES_DIR": "output/my_figures",
                  "OUTPUT_DIR": "output/mine", "FIGURE_PREFIX": "my_corpus"}


# One thread per numerical library (OpenMP, OpenBLAS, MKL, ...) in every kernel the runner starts: the
# analyses are small, so threads mostly wait on each other, and notebooks run side by side (--jobs) would
# ask for more threads than there are cores. The same count whatever --jobs and the number of cores, so
# that it cannot change a result. A value set in the environment is kept.
KERNEL_THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS",
                           "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS")


class NotebookFailed(RuntimeError):
    """A notebook cell raised an error; the message names the notebook and the cell."""


class ParameterError(ValueError):
    """A parameter given on the command line does not fit the notebooks."""


class _ThisEnvironmentKernels(KernelSpecManager):
    """Start every kernel with this Python, whatever kernels the user has installed."""

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        return KernelSpec(
            # The kernel application's own log (e.g. its notice that it talks to us over local TCP)
            # would break up the progress lines; errors in cells still reach the notebook.
            argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}", "--IPKernelApp.log_level=ERROR"],
            display_name="Python 3 (valduchesse)",
            language="python",
        )


def kernel_environment(committed: bool = False) -> dict[str, str]:
    """The environment of a kernel: this process's, with one thread per numerical library unless set.

    With ``committed`` (the documented run of the collection in place), the kernel may write the
    committed figures (:func:`valduchesse.plotting.figures_folder`); otherwise it may not.
    """
    environment = {**{name: "1" for name in KERNEL_THREAD_VARIABLES}, **os.environ}
    environment.pop(COMMITTED_RUN_VARIABLE, None)
    return {**environment, COMMITTED_RUN_VARIABLE: "1"} if committed else environment


COLLECTION_LIST = "collection.txt"
"""The file, in a notebooks folder, that names the collection's notebooks in reading order."""


def collection_list(folder: str | Path) -> list[str] | None:
    """The notebook names listed in ``folder``/collection.txt (``#`` starts a comment), or None without one."""
    listing = Path(folder) / COLLECTION_LIST
    if not listing.is_file():
        return None
    lines = (line.split("#", 1)[0].strip() for line in listing.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line]


def notebook_paths(folder: str | Path) -> list[Path]:
    """The collection's notebooks in ``folder``, in reading order.

    Those named in ``folder``/collection.txt, if the folder has one (a copy made in JupyterLab, such as
    ``04_x-Copy1.ipynb``, is then never run, reported or tested as part of the collection); otherwise
    every ``NN_*.ipynb``, in number order (not the failed copies).
    """
    folder = Path(folder)
    names = collection_list(folder)
    if names is None:
        return sorted(p for p in folder.glob("[0-9][0-9]_*.ipynb") if not p.name.endswith(FAILED_SUFFIX))
    missing = [name for name in names if not (folder / name).is_file()]
    if missing:
        raise ParameterError(f"{folder / COLLECTION_LIST} names {missing[0]}, which is not in {folder}: "
                             "remove the line, or restore the notebook")
    return [folder / name for name in names]


def read_parameters(path: str | Path) -> dict[str, object]:
    """The parameters of a notebook: name -> default value, from its cell tagged ``parameters``.

    The cell must hold only assignments of literal values (numbers, strings,
    lists, tuples, dicts, True/False/None), so that the defaults can be read
    without running anything. A notebook without such a cell has none.
    """
    path = Path(path)
    notebook = nbformat.read(path, as_version=4)
    cells = [c for c in notebook.cells if PARAMETERS_TAG in c.metadata.get("tags", [])]
    if not cells:
        return {}
    parameters = {}
    for node in ast.parse(cells[0].source).body:
        target = node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 else None
        try:
            if not isinstance(target, ast.Name):
                raise ValueError
            parameters[target.id] = ast.literal_eval(node.value)
        except ValueError:
            raise ParameterError(
                f"{path.name}, parameters cell, line {node.lineno}: only 'NAME = literal value' lines are "
                "allowed there (numbers, strings, lists, tuples, True, False, None)"
            ) from None
    return parameters


def parse_value(text: str) -> object:
    """A command-line value as Python: ``6`` -> 6, ``[1, 2]`` -> list, ``None``; anything else stays text."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def is_path_parameter(name: str) -> bool:
    """Whether the parameter ``name`` holds a path (or, for FIGURE_PREFIX, the start of file names)."""
    return name.endswith(PATH_SUFFIXES) or name in PREFIX_PARAMETERS


def is_written_parameter(name: str) -> bool:
    """Whether a notebook writes to the path held by ``name``, so that the runner must check it.

    The names in ``OUTPUT_PATH_PARAMETERS`` and ``PREFIX_PARAMETERS``; and,
    on the safe side, any other ``*_DIR`` or ``*_FILE`` that
    ``INPUT_PATH_PARAMETERS`` does not list as only read.
    """
    if name in INPUT_PATH_PARAMETERS:
        return False
    return name in OUTPUT_PATH_PARAMETERS or name in PREFIX_PARAMETERS or name.endswith(PATH_SUFFIXES)


def check_path_value(name: str, value: object, default: object = "") -> None:
    """A ParameterError unless ``value``, given for the path parameter ``name``, is a path as text.

    None is accepted only where the notebook's default is None. A number is
    refused rather than turned into a folder name: ``-p TEXTS_DIR 42`` is
    more likely a slip than a folder called 42 (``./42`` names that one).
    """
    if (value is None and default is None) or (isinstance(value, str) and value.strip()):
        return
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    kind = ("a number" if number else "an empty text" if isinstance(value, str) else
            "no value" if value is None else f"a {type(value).__name__}")
    example = EXAMPLE_VALUES.get(name, "my_folder" if name.endswith("_DIR") else "my_file")
    if name in PREFIX_PARAMETERS:
        raise ParameterError(f"parameter {name}: {value!r} is {kind}, not a name; give the start of the "
                             f"figure file names as text, e.g. -p {name} {example}")
    noun = "folder" if name.endswith("_DIR") else "file"
    named = f" (for a {noun} named {value}, write -p {name} ./{value})" if number else ""
    raise ParameterError(f"parameter {name}: {value!r} is {kind}, not a path; give the path of a {noun} as text, "
                         f"relative to where you run the command, e.g. -p {name} {example}{named}")


def fit_to_default(name: str, value: object, default: object) -> object:
    """``value`` converted to the type of ``default``, or a ParameterError saying what was expected.

    A default of None accepts any value; an int is accepted for a float, a
    list for a tuple and a tuple for a list; True/False only for a bool.
    """
    if default is None or value is None:
        return value
    expected = type(default)
    if isinstance(default, bool) or isinstance(value, bool):
        ok = isinstance(value, bool) and isinstance(default, bool)
    elif isinstance(default, float):
        ok = isinstance(value, (int, float))
        value = float(value) if ok else value
    elif isinstance(default, (list, tuple)):
        ok = isinstance(value, (list, tuple))
        value = expected(value) if ok else value
    else:
        ok = isinstance(value, expected)
    if not ok:
        raise ParameterError(
            f"parameter {name}: {value!r} is a {type(value).__name__}, but its default {default!r} is a "
            f"{expected.__name__}; give a {expected.__name__}, e.g. -p {name} {default!r}"
        )
    return value


def resolve_paths(overrides: dict[str, object]) -> dict[str, object]:
    """Make relative paths given for ``*_DIR`` and ``*_FILE`` parameters absolute, from the current folder.

    The notebooks run in ``notebooks/``, so their defaults (``../texts``) are
    relative to it; a path typed on the command line is meant from where it
    was typed.
    """
    return {
        name: str(Path(value).resolve()) if name.endswith(PATH_SUFFIXES) and isinstance(value, str) else value
        for name, value in overrides.items()
    }


def check_parameters(paths: list[Path], overrides: dict[str, object]) -> dict[Path, dict[str, object]]:
    """The values to inject into each notebook, checked before anything runs.

    A name that no selected notebook has is an error listing the names they
    have; a value of the wrong type is an error naming the parameter and its
    default, and a path parameter must be given as text. A notebook gets only
    the overrides it has parameters for.
    """
    defaults = {path: read_parameters(path) for path in paths}
    known = sorted({name for parameters in defaults.values() for name in parameters})
    unknown = [name for name in overrides if name not in known]
    if unknown:
        raise ParameterError(
            f"unknown parameter {unknown[0]}: the notebooks run here have {', '.join(known) or 'no parameters'} "
            "(names are case-sensitive)"
        )
    for path, parameters in defaults.items():
        for name, value in overrides.items():
            if name in parameters and is_path_parameter(name):
                check_path_value(name, value, parameters[name])
            if name in parameters and is_language_parameter(name):
                check_language_value(name, value)
    return {
        path: {name: fit_to_default(name, value, parameters[name])
               for name, value in overrides.items() if name in parameters}
        for path, parameters in defaults.items()
    }


def is_language_parameter(name: str) -> bool:
    """``LANGUAGE`` and ``*_LANGUAGE`` hold one language code, ``*_LANGUAGES`` a list of them."""
    return name == "LANGUAGE" or name.endswith(("_LANGUAGE", "_LANGUAGES"))


def check_language_value(name: str, value: object) -> None:
    """Refuse, before anything runs, a language the package does not support (None means 'from the texts')."""
    values = value if isinstance(value, (list, tuple)) else [value]
    wrong = [v for v in values if v is not None and v not in SUPPORTED_LANGUAGES]
    if wrong:
        raise ParameterError(f"parameter {name}: {wrong[0]!r} is not a supported language; give one of "
                             f"{LANGUAGE_CHOICES}" + (", as a list, e.g. \"['fr', 'nl']\"" if name.endswith("S") else ""))


def collection_root(notebook: str | Path) -> Path | None:
    """The repository a notebook belongs to: the parent of its folder if that is called ``notebooks``.

    That is this collection's layout, and what the notebooks' defaults
    (``../texts``, ``../figures``) are relative to.
    """
    folder = Path(notebook).resolve().parent
    return folder.parent if folder.name == "notebooks" else None


def protected_roots(paths: list[Path]) -> list[Path]:
    """The repositories whose committed collection a run must not write: the notebooks' own, and this package's."""
    roots = [collection_root(path) for path in paths]
    if (PACKAGE_CHECKOUT / "notebooks").is_dir() and (PACKAGE_CHECKOUT / "pyproject.toml").is_file():
        roots.append(PACKAGE_CHECKOUT)
    return list(dict.fromkeys(root for root in roots if root is not None))


def tracked_paths(root: Path) -> set[Path]:
    """The files git tracks under ``root``, and the folders holding them; empty if git cannot tell."""
    try:
        listing = subprocess.run(["git", "-C", str(root), "ls-files", "-z"], capture_output=True, check=True,
                                 timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return set()
    tracked = set()
    for name in listing.decode("utf-8", "surrogateescape").split("\0"):
        if name:
            file = root / name
            tracked.add(file)
            tracked.update(folder for folder in file.parents if folder == root or root in folder.parents)
    return tracked


def refusal(path: str | Path, roots: list[Path], tracked: dict[Path, set[Path]]) -> str | None:
    """Why writing ``path`` would touch the committed collection of one of ``roots``, or None.

    ``path`` is resolved first (symbolic links and ``..``), so that no
    spelling of a protected place gets through.
    """
    path = Path(path).resolve()
    for root in roots:
        if path == root:
            return f"is the root folder of the repository {root}"
        for name in PROTECTED_FOLDERS:
            folder = (root / name).resolve()
            if path == folder:
                return f"is the repository's {name}/ folder"
            if folder in path.parents:
                return f"is inside the repository's {name}/ folder ({folder})"
        if path in tracked.get(root, ()):
            return f"is {'a folder of files' if path.is_dir() else 'a file'} that git tracks in the repository {root}"
    return None


def written_paths(paths: list[Path], values: dict[Path, dict[str, object]],
                  output_dir: Path) -> list[tuple[str, Path, str]]:
    """Every place a run with parameters or ``--output`` writes: (what, path, what to do instead).

    The output folder and the executed copies in it (failed ones included);
    for each notebook, every parameter it writes to (:func:`is_written_parameter`),
    with its given value or else its default (relative to the notebook's
    folder); and whatever is already in those folders as a symbolic link,
    which a notebook would write through.
    """
    elsewhere = "give --output a folder outside the repository's notebooks/, figures/ and texts/, e.g. --output output"
    places = [(f"the output folder {output_dir}", output_dir, elsewhere)]
    folders = [output_dir]
    for path in paths:
        for copy in (output_dir / path.name, failed_copy_path(path, output_dir / path.name)):
            places.append((f"the executed copy {copy}", copy, elsewhere))
        for name, default in read_parameters(path).items():
            value = values[path].get(name, default)
            if not is_written_parameter(name) or not isinstance(value, str) or name in PREFIX_PARAMETERS:
                continue
            given = name in values[path]
            target = Path(value) if given else path.parent / value
            what = f"parameter {name} = {value!r}" + ("" if given else f" (default of {path.name})")
            advice = f"give -p {name} a path outside the repository's notebooks/, figures/ and texts/" + (
                " (or leave it out: the figures then go to the output folder's figures/)"
                if name == FIGURES_PARAMETER else "")
            places.append((what, target, advice))
            folders.append(target)
    for folder in folders:
        if folder.is_dir():
            places.extend((f"the existing link {entry}", entry, "remove the link, or choose another folder")
                          for entry in sorted(folder.iterdir()) if entry.is_symlink())
    return places


def check_written_paths(paths: list[Path], values: dict[Path, dict[str, object]], output_dir: str | Path,
                        roots: list[Path] | None = None) -> None:
    """Refuse, before anything runs, a run that would write into the committed collection.

    Every path of :func:`written_paths` is resolved and checked against the
    repositories ``roots`` (default: :func:`protected_roots`): nothing may go
    into their ``notebooks/``, ``figures/`` or ``texts/``, nor be their root
    folder or a file (or folder of files) that git tracks, nor overwrite a
    notebook being run. FIGURE_PREFIX must be a plain name, so that the
    figures stay in FIGURES_DIR. Only a plain ``run`` (no parameters, no
    output folder) rewrites the committed notebooks and figures.
    """
    roots = protected_roots(paths) if roots is None else [Path(root).resolve() for root in roots]
    tracked = {root: tracked_paths(root) for root in roots}
    sources = {path.resolve() for path in paths}
    for path in paths:
        for name, default in read_parameters(path).items():
            value = values[path].get(name, default)
            if name in PREFIX_PARAMETERS and isinstance(value, str) and any(sep in value for sep in "/\\"):
                raise ParameterError(
                    f"parameter {name} = {value!r}: it is the start of the figure file names, not a path; give a "
                    f"name without / or \\, e.g. -p {name} {EXAMPLE_VALUES.get(name, 'mine')}, and choose the "
                    f"folder with -p {FIGURES_PARAMETER}")
    if Path(output_dir).exists() and not Path(output_dir).is_dir():
        raise ParameterError(f"--output {output_dir} is a file; give a folder (it is created if need be)")
    for what, target, advice in written_paths(paths, values, Path(output_dir)):
        if target.resolve() in sources:
            raise ParameterError(f"refused: {what} would overwrite the notebook it runs; {advice}")
        reason = refusal(target, roots, tracked)
        if reason:
            raise ParameterError(
                f"refused: {what} {reason}. A run with parameters or --output never writes into the committed "
                f"collection (only a plain 'python -m valduchesse run' rewrites it): {advice}")


def failed_copy_path(path: str | Path, output: str | Path | None = None) -> Path:
    """Where the executed copy of the notebook ``path`` is saved if it fails: ``<name>.failed.ipynb``.

    Next to its ``output``; for a notebook executed in place, in the
    ``output/`` folder of its repository (which git ignores, and where
    nbval, run on ``notebooks/``, does not collect it), or next to the
    notebook if it belongs to no repository.
    """
    path = Path(path)
    name = path.name.removesuffix(".ipynb") + FAILED_SUFFIX
    if output is not None:
        return Path(output).with_name(name)
    root = collection_root(path)
    return root / "output" / name if root else path.with_name(name)


def inject_parameters(notebook: nbformat.NotebookNode, values: dict[str, object]) -> int:
    """Insert a cell tagged ``injected-parameters`` assigning ``values``, right after the parameters cell.

    Returns the position of the new cell (from 0).
    """
    lines = ["# Parameters given on the command line"] + [f"{name} = {value!r}" for name, value in values.items()]
    # A fixed id (nbformat would draw a random one), so that a rerun writes the same bytes.
    cell = nbformat.v4.new_code_cell("\n".join(lines), metadata={"tags": [INJECTED_TAG]}, id=INJECTED_TAG)
    tagged = [i for i, c in enumerate(notebook.cells) if PARAMETERS_TAG in c.metadata.get("tags", [])]
    position = tagged[0] + 1 if tagged else 0
    notebook.cells.insert(position, cell)
    return position


def cell_label(index: int | None, injected: int | None) -> str:
    """The cell at ``index`` of an executed notebook, as the user's own file numbers it.

    Every cell counts, from 1, as in JupyterLab; the cell of injected
    parameters (at ``injected``) is not in the user's file, so the cells
    after it move back by one.
    """
    if index is None:
        return "before its first cell"
    if index == injected:
        return "the cell of parameters given on the command line"
    return f"cell {index + 1 - (injected is not None and index > injected)}"


def record_failure(notebook: nbformat.NotebookNode, index: int | None, err: Exception, timeout: float) -> str:
    """Leave the failure visible in ``notebook`` and return it as ``Name: message``.

    A cell error is already in the failing cell's outputs; a timeout or a
    dead kernel is added there as an error output. The code cells after it,
    which did not run, lose the outputs of an earlier run.
    """
    if isinstance(err, CellExecutionError):
        ename, evalue = err.ename, err.evalue
    else:
        if isinstance(err, CellTimeoutError):
            ename, evalue = "CellTimeoutError", f"the cell did not finish within {timeout:g} s"
        else:
            ename, evalue = "DeadKernelError", "the kernel died while running the cell (out of memory?)"
        if index is not None:
            # Stopping the kernel interrupts it first: a KeyboardInterrupt it may send back is ours, not the cell's.
            cell = notebook.cells[index]
            cell.outputs = [o for o in cell.outputs if o.get("ename") != "KeyboardInterrupt"]
            cell.outputs.append(
                nbformat.v4.new_output("error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"]))
    for cell in notebook.cells[(index if index is not None else -1) + 1:]:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return f"{ename}: {evalue}" if evalue else ename


def execute_notebook(path: str | Path, values: dict[str, object] | None = None,
                     output: str | Path | None = None, failed_output: str | Path | None = None,
                     committed: bool = False) -> float:
    """Execute the notebook at ``path`` in its own folder and save it.

    ``values`` are injected after its parameters cell; the executed notebook
    is written to ``output`` (default: ``path`` itself). Returns the seconds
    it took. If a cell fails (an error, a timeout, a dead kernel), the
    executed notebook, with the error in the failing cell's outputs, is
    saved to ``failed_output`` (default: :func:`failed_copy_path`), ``path``
    and ``output`` are left as they were, and :class:`NotebookFailed` names
    the cell as the user's file numbers it. A success removes a failed copy
    left by an earlier run.
    """
    path = Path(path)
    notebook = nbformat.read(path, as_version=4)
    injected = inject_parameters(notebook, values) if values else None
    failed = Path(failed_output) if failed_output else failed_copy_path(path, output)
    running: dict[str, int] = {}
    # nbclient waits for a cell's reply and its outputs side by side; with a blocking (non-async) kernel
    # manager the wait for outputs holds everything up, and the cell timeout never fires.
    manager = AsyncKernelManager(kernel_name=KERNEL_NAME, kernel_spec_manager=_ThisEnvironmentKernels())
    client = NotebookClient(
        notebook,
        km=manager,
        timeout=CELL_TIMEOUT_SECONDS,
        record_timing=False,
        resources={"metadata": {"path": str(path.parent.resolve())}},
        on_cell_execute=lambda cell, cell_index: running.update(index=cell_index),
    )
    start = time.perf_counter()
    try:
        # The kernel manager is ours, so nbclient would leave the kernel running: shut it down after the last
        # cell (or the failure), so that no idle kernel is left behind while the next notebooks run.
        client.execute(cleanup_kc=True, env=kernel_environment(committed))
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as err:
        index = running.get("index")
        error = record_failure(notebook, index, err, client.timeout)
        failed.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, failed)
        raise NotebookFailed(f"{path.name}, {cell_label(index, injected)}: {error} "
                             f"(the executed notebook, with the error, is saved as {failed})") from None
    nbformat.write(notebook, Path(output) if output else path)
    if failed.is_file() and not failed.is_symlink():
        failed.unlink()
    return time.perf_counter() - start


def default_jobs() -> int:
    """How many notebooks to execute at a time by default: the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


TIMES_FILE = "notebook-times.json"
"""In the per-machine cache folder: each notebook's time (s) in its last run, by file name."""


def times_file() -> Path:
    """Where the notebooks' last times are kept (:data:`TIMES_FILE` in the per-machine cache folder)."""
    return user_cache_folder() / TIMES_FILE


def last_times() -> dict[str, float]:
    """Each notebook's time in its last run on this machine, by file name; empty if none was kept or readable."""
    try:
        times = json.loads(times_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(times, dict):
        return {}
    return {name: float(value) for name, value in times.items()
            if isinstance(name, str) and isinstance(value, (int, float)) and not isinstance(value, bool)}


def keep_times(times: dict[str, float]) -> None:
    """Add ``times`` (seconds by notebook file name) to the kept times; a cache that cannot be written is skipped
    (only the order the notebooks start in depends on it)."""
    kept = {**last_times(), **{name: round(seconds, 2) for name, seconds in times.items()}}
    write_atomically(times_file(), json.dumps(kept, sort_keys=True, indent=1).encode("utf-8"))


def start_order(paths: list[Path], times: dict[str, float]) -> list[int]:
    """The indices of ``paths``, longest last time first; ties and notebooks never timed keep their order."""
    return sorted(range(len(paths)), key=lambda index: (-times.get(paths[index].name, 0.0), index))


def run_collection(paths: list[Path], overrides: dict[str, object] | None = None,
                   output_dir: str | Path | None = None, log=print, roots: list[Path] | None = None,
                   jobs: int | None = None) -> None:
    """Execute ``paths``, ``jobs`` at a time, logging one line per notebook, in their order, with its time.

    Without ``overrides`` and ``output_dir`` the notebooks are executed in
    place. Otherwise the executed copies go to ``output_dir`` (default
    ``output/``) and, unless ``FIGURES_DIR`` is among the overrides, the
    figures to its ``figures/`` subfolder. Parameters are checked first;
    relative paths given for ``*_DIR`` and ``*_FILE`` parameters are taken
    from the current folder. Then every path the run would write is checked
    (:func:`check_written_paths`, against the repositories ``roots``,
    default :func:`protected_roots`): such a run never writes into the
    committed collection.

    The notebooks are independent, each in its own kernel: with ``jobs``
    above 1 (default :func:`default_jobs`) several run side by side, and
    each one's line is logged once it and every notebook before it are
    done, so the lines keep the notebooks' order. They start longest first
    (:func:`start_order` on :func:`last_times`); each one's time is kept for
    the next run (:func:`keep_times`) if the run is in place: runs with
    parameters, on other texts, do not change the order of ``make run``.
    When a notebook fails no notebook after
    it in the order starts; those already running finish (and keep their
    outputs), and the error raised is that of the first failing notebook in
    the order, as a run one at a time would raise it.
    """
    overrides = overrides or {}
    in_place = not overrides and output_dir is None
    values = {path: resolve_paths(given) for path, given in check_parameters(paths, overrides).items()}
    missing = [f"{name} = {value}" for given in values.values() for name, value in given.items()
               if name in INPUT_PATH_PARAMETERS and value is not None and not Path(value).exists()]
    if missing:
        raise ParameterError(f"no such file or folder: {missing[0]}; give a path that exists, "
                             "relative to where you run the command")
    if not in_place:
        output_dir = Path(output_dir or "output").resolve()
        for path in paths:
            if FIGURES_PARAMETER in read_parameters(path) and FIGURES_PARAMETER not in overrides:
                values[path] = {**values[path], FIGURES_PARAMETER: str(output_dir / "figures")}
        check_written_paths(paths, values, output_dir, roots)
    created = None if in_place else first_missing_folder(output_dir)
    if created:
        output_dir.mkdir(parents=True)
    jobs = max(1, min(jobs or default_jobs(), len(paths)))

    def execute(index: int) -> float:
        path = paths[index]
        return execute_notebook(path, values[path], None if in_place else output_dir / path.name,
                                committed=in_place)

    start = time.perf_counter()
    times = {}
    try:
        if jobs == 1:
            for i, path in enumerate(paths, 1):
                log(f"[{i}/{len(paths)}] {path.name} ...", end=" ", flush=True)
                times[path.name] = execute(i - 1)
                log(f"done in {times[path.name]:.1f} s")
        else:
            order = start_order(paths, last_times())
            for index, outcome in side_by_side(execute, len(paths), jobs, order):
                log(f"[{index + 1}/{len(paths)}] {paths[index].name} ...", end=" ", flush=True)
                if isinstance(outcome, BaseException):
                    raise outcome
                times[paths[index].name] = outcome
                log(f"done in {outcome:.1f} s")
    except BaseException:
        if created:
            remove_empty_folders(created)  # a run that failed before writing anything leaves no trace
        raise
    finally:
        if in_place:
            keep_times(times)
    where = "in place" if in_place else f"into {output_dir}"
    at_a_time = f", {jobs} at a time" if jobs > 1 else ""
    log(f"{len(paths)} notebook(s) executed {where} in {time.perf_counter() - start:.1f} s{at_a_time}")


def side_by_side(work, count: int, jobs: int, order: list[int]):
    """Run ``work(0)`` ... ``work(count - 1)`` on ``jobs`` threads; yield ``(index, result or exception)`` in order.

    The calls start in ``order`` (a permutation of the indices, e.g.
    :func:`start_order`). Each call waits on its own kernel, so threads are enough.
    Once a call raises, no call after it in the index order starts (those
    before it still run, so that the first exception in the index order is
    the one a run one at a time would meet), and the exception is yielded
    (last) only after the calls still running have finished.
    """
    waiting = list(order)
    done: dict[int, object] = {}
    state = {"first_failure": count, "interrupted": False}
    changed = threading.Condition()

    def worker() -> None:
        while True:
            with changed:
                startable = [index for index in waiting if index < state["first_failure"]]
                if state["interrupted"] or not startable:
                    return
                index = startable[0]
                waiting.remove(index)
            try:
                outcome = work(index)
            except BaseException as err:  # handed to the caller, in order
                outcome = err
            with changed:
                done[index] = outcome
                if isinstance(outcome, BaseException):
                    state["first_failure"] = min(state["first_failure"], index)
                changed.notify_all()

    # Daemon threads: an interrupted run (Ctrl-C) does not wait for the notebooks still running.
    threads = [threading.Thread(target=worker, name=f"notebook-runner-{i}", daemon=True) for i in range(jobs)]
    for thread in threads:
        thread.start()
    try:
        for index in range(count):
            with changed:
                changed.wait_for(lambda: index in done)
                outcome = done[index]
            if isinstance(outcome, BaseException):
                for thread in threads:
                    thread.join()
            yield index, outcome
            if isinstance(outcome, BaseException):
                return
    finally:
        with changed:
            state["interrupted"] = True


def first_missing_folder(folder: Path) -> Path | None:
    """The topmost folder that creating ``folder`` would create, or None if it exists."""
    if folder.exists():
        return None
    while not folder.parent.exists():
        folder = folder.parent
    return folder


def remove_empty_folders(top: Path) -> None:
    """Remove ``top`` and the folders in it, as far as they are empty; never a file."""
    for folder, _, _ in os.walk(top, topdown=False):
        try:
            os.rmdir(folder)
        except OSError:
            pass


def output_digests(folder: Path) -> dict[str, str]:
    """SHA-256 of every figure file and of every notebook's outputs in a run's output folder."""
    digests = {}
    for path in sorted((folder / "figures").glob("*")):
        digests[f"figures/{path.name}"] = hashlib.sha256(path.read_bytes()).hexdigest()
    for path in sorted(folder.glob("*.ipynb")):
        outputs = [cell.get("outputs", []) for cell in nbformat.read(path, as_version=4).cells]
        digests[path.name] = hashlib.sha256(json.dumps(outputs, sort_keys=True).encode()).hexdigest()
    return digests


def check_determinism(paths: list[Path], workdir: str | Path, log=print, jobs: int | None = None) -> list[str]:
    """Run ``paths`` twice into ``workdir``/run-1 and run-2; return the files whose outputs differ.

    Every figure (PNG and SVG bytes) and every notebook's outputs are
    compared by SHA-256; a file made by one run only counts as a difference.
    The committed notebooks and figures are not touched. For when the
    committed files are knowingly out of date; otherwise
    :func:`check_reproduction` checks more in one run.
    """
    runs = [Path(workdir) / "run-1", Path(workdir) / "run-2"]
    for run in runs:
        log(f"run {run.name}:")
        run_collection(paths, {}, run, log=log, jobs=jobs)
    return differing(*(output_digests(run) for run in runs))


def differing(first: dict[str, str], second: dict[str, str]) -> list[str]:
    """The names whose digests differ between two :func:`output_digests`, a name in one only included; sorted."""
    return sorted(name for name in first.keys() | second.keys() if first.get(name) != second.get(name))


def copy_collection(paths: list[Path], target: Path) -> list[Path]:
    """Copy the notebooks ``paths`` of one collection, and what they read, into ``target``, as a fresh clone would.

    The copy keeps the collection's layout: the notebooks in ``notebooks/``,
    every other file git tracks in the repository (texts, themes, coding
    sheets, ...) but those in the folders the notebooks write to (their
    ``FIGURES_DIR`` and other written defaults), and the inputs their
    defaults name (``INPUT_PATH_PARAMETERS``) even if git does not track
    them. Running the copies in place there is then what a run in place in
    the repository does, with everything written inside ``target``.
    Returns the copied notebooks.
    """
    roots = {collection_root(path) for path in paths}
    if None in roots or len(roots) != 1:
        raise ParameterError("the notebooks to check must all be in the notebooks/ folder of one collection")
    root = roots.pop()
    written, inputs = [root / "notebooks"], []
    for path in paths:
        for name, default in read_parameters(path).items():
            if not isinstance(default, str) or not is_path_parameter(name) or name in PREFIX_PARAMETERS:
                continue
            source = (path.parent / default).resolve()
            if root not in source.parents:
                raise ParameterError(f"{path.name}: the default {name} = {default!r} is outside the collection "
                                     f"{root}, so a copy of the collection cannot hold it")
            (written if is_written_parameter(name) else inputs).append(source)
    files = [file for file in tracked_paths(root) if file.is_file() and not file.is_symlink()
             and not any(folder == file or folder in file.parents for folder in written)]
    for source in files + [source for source in inputs if source.exists()]:
        inside = target / source.relative_to(root)
        if source.is_dir():
            shutil.copytree(source, inside, dirs_exist_ok=True)
        elif not inside.exists():
            inside.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, inside)
    copies = []
    for path in paths:
        copy = target / "notebooks" / path.name
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, copy)
        copies.append(copy)
    return copies


def check_reproduction(paths: list[Path], workdir: str | Path, log=print, jobs: int | None = None) -> list[str]:
    """Run ``paths`` once, on a copy of their collection in ``workdir``, and list what differs from the committed files.

    The notebooks (with the inputs they read) are copied to
    ``workdir``/collection and executed in place there, as ``make run``
    executes the repository's, ``jobs`` at a time. Then every executed
    notebook is compared byte for byte with the committed one, and every
    file the run wrote into the notebooks' ``FIGURES_DIR`` with the
    committed file of that name: a difference, or a figure the repository
    does not hold, is listed. As the committed files came from an earlier
    run, this checks determinism and reproduction at once. The committed
    notebooks and figures are not touched.
    """
    workdir = Path(workdir).resolve()
    target = workdir / "collection"
    roots = protected_roots(paths)
    reason = refusal(target, roots, {root: tracked_paths(root) for root in roots})
    if reason:
        raise ParameterError(f"refused: the output folder {target} {reason}. The check never writes into the "
                             "committed collection: give --output a folder outside the repository's notebooks/, "
                             "figures/ and texts/, e.g. --output output/determinism")
    if target.exists():
        shutil.rmtree(target)
    copies = copy_collection(paths, target)
    run_collection(copies, {}, None, log=log, jobs=jobs)
    differences = [f"notebooks/{path.name}" for path, copy in zip(paths, copies)
                   if copy.read_bytes() != path.read_bytes()]
    folders = {}
    for path, copy in zip(paths, copies):
        default = read_parameters(path).get(FIGURES_PARAMETER)
        if isinstance(default, str):
            folders[(copy.parent / default).resolve()] = (path.parent / default).resolve()
    for made, committed in folders.items():
        for file in sorted(made.rglob("*")) if made.is_dir() else []:
            original = committed / file.relative_to(made)
            if file.is_file() and (not original.is_file() or original.read_bytes() != file.read_bytes()):
                differences.append(f"{committed.name}/{file.relative_to(made)}")
    return differences
