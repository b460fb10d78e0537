"""Command line: ``python -m valduchesse run [NOTEBOOK ...]``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .runner import NotebookFailed, notebook_paths, run_collection


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m valduchesse", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="execute notebooks in place and write their figures")
    run.add_argument(
        "notebooks", nargs="*", type=Path,
        help="notebooks to run (default: every numbered notebook in notebooks/)",
    )
    run.add_argument("--folder", type=Path, default=Path("notebooks"),
                     help="where the numbered notebooks are (default: %(default)s)")
    args = parser.parse_args(argv)
    paths = args.notebooks or notebook_paths(args.folder)
    missing = [p for p in paths if not p.is_file()]
    if missing or not paths:
        print(f"error: no such notebook: {missing[0] if missing else args.folder / 'NN_*.ipynb'}",
              file=sys.stderr)
        return 2
    try:
        run_collection(paths)
    except NotebookFailed as err:
        print(f"\nerror: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
