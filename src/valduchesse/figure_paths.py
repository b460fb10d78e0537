"""Where a figure goes: the one place of the figure-path policy (imports no plotting library).

Only the documented run of the collection (``make run``, whose kernels the runner starts with
:data:`COMMITTED_RUN_VARIABLE` set) writes the committed ``figures/``; strict nbval in the test command
writes to the scratch folder named by :data:`CHECKED_FIGURES_VARIABLE`; any other run writes to
``output/figures/``. Used by :mod:`valduchesse.plotting.style` (saving), :mod:`valduchesse.run.execute`
(the kernels' environment) and :mod:`valduchesse.testing.pytest_plugin` (the figure check).
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["CHECKED_FIGURES_VARIABLE", "COMMITTED_RUN_VARIABLE", "figures_folder"]


COMMITTED_RUN_VARIABLE = "VALDUCHESSE_COMMITTED_RUN"
"""Set to 1 by the runner in the kernels of the documented run (``make run``): only then may a figure
go to the collection's committed ``figures/``; :func:`figures_folder` sends it elsewhere otherwise."""
CHECKED_FIGURES_VARIABLE = "VALDUCHESSE_CHECKED_FIGURES"
"""Set by the test command (:mod:`valduchesse.testing.pytest_plugin`) to a scratch folder: the figures that strict
nbval's kernels draw for the committed ``figures/`` go there, to be compared with the committed ones."""


def figures_folder(folder: str | Path) -> Path:
    """Where a figure asked for in ``folder`` is written.

    ``folder`` itself, except when it is the collection's committed
    ``figures/`` (the folder beside ``notebooks/`` and ``pyproject.toml``)
    and the figure is not drawn by the documented run that regenerates the
    collection (``make run``, which sets :data:`COMMITTED_RUN_VARIABLE`): a
    notebook run in JupyterLab or a copy of one then writes to
    ``output/figures/`` beside it (ignored by git), so that no other run
    changes a committed figure. Strict nbval in the test command writes to
    the scratch folder named by :data:`CHECKED_FIGURES_VARIABLE` instead,
    under the committed folder's absolute path, so that each figure can be
    compared with the committed file it stands for.
    """
    folder = Path(folder)
    resolved = folder.resolve()
    committed = (resolved.name == "figures" and (resolved.parent / "notebooks").is_dir()
                 and (resolved.parent / "pyproject.toml").is_file())
    if committed and os.environ.get(COMMITTED_RUN_VARIABLE) != "1":
        checked = os.environ.get(CHECKED_FIGURES_VARIABLE)
        if checked:
            return Path(checked) / resolved.relative_to(resolved.anchor)
        return resolved.parent / "output" / "figures"
    return folder
