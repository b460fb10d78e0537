"""The paths a run may write: a run with parameters or ``--output`` never writes into the committed collection.

The protected roots (the notebooks' repository and this package's checkout), their protected folders and
git-tracked files, and the refusal that names what would be written and what to do instead.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from .notebooks import collection_root, failed_copy_path
from .parameters import EXAMPLE_VALUES, FIGURES_PARAMETER, PREFIX_PARAMETERS, ParameterError, is_written_parameter, read_parameters

__all__ = [
    "PACKAGE_CHECKOUT", "PROTECTED_FOLDERS", "check_written_paths", "protected_roots", "refusal", "tracked_paths",
    "written_paths",
]


# The committed collection: a run with parameters or --output never writes into these folders of the
# repository (.git too), nor to the repository's root folder, nor to a file (or folder of files) that git
# tracks. The repository is the parent of a notebook's folder named notebooks/ (see collection_root).
PROTECTED_FOLDERS = ("notebooks", "figures", "texts", ".git")
# The checkout this package was loaded from, protected whatever notebooks are run (if it is one).
PACKAGE_CHECKOUT = Path(__file__).resolve().parents[2]


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
    for each notebook, every parameter it writes to (:func:`~valduchesse.run.parameters.is_written_parameter`),
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
