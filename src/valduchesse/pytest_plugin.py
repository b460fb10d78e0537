"""The collection's pytest plugin (``-p valduchesse.pytest_plugin`` in pyproject.toml's pytest options).

Strict nbval checks only the collection's notebooks, those named in ``notebooks/collection.txt``: a copy
made in JupyterLab (``04_x-Copy1.ipynb``) is not collected. When a notebook's outputs differ from the
committed ones, it says what to do: restore the committed results, accept the change on purpose, or try
it in an output folder.
"""

from pathlib import Path

HINT = """\
Notebook outputs differ from the committed ones (strict nbval). Either:
  - restore the committed results:  git checkout -- notebooks figures   (and the file you edited);
  - accept the change on purpose:   make run   then commit the notebooks and figures with it;
  - or try it without touching them: python -m valduchesse run -p NAME VALUE --output output/try
See README.md, "When a test fails"."""


def pytest_ignore_collect(collection_path: Path, config):
    """Leave out a notebook that its folder's collection.txt does not name (None: let pytest decide)."""
    if collection_path.suffix != ".ipynb":
        return None
    from .runner import collection_list

    names = collection_list(collection_path.parent)
    return True if names is not None and collection_path.name not in names else None


def pytest_terminal_summary(terminalreporter):
    """After the run: the hint, if a notebook's check failed."""
    failed = terminalreporter.stats.get("failed", [])
    if any(".ipynb" in report.nodeid for report in failed):
        terminalreporter.write_sep("-", "what to do")
        terminalreporter.write_line(HINT)
