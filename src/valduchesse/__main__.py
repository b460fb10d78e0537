"""Command line of the collection.

    python -m valduchesse run [NOTEBOOK ...] [-p NAME VALUE ...] [--output DIR]
    python -m valduchesse parameters [NOTEBOOK ...]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .runner import NotebookFailed, ParameterError, notebook_paths, parse_value, read_parameters, run_collection


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m valduchesse", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="execute notebooks and write their figures")
    run.add_argument("notebooks", nargs="*", type=Path,
                     help="notebooks to run (default: every numbered notebook in --folder)")
    run.add_argument("--folder", type=Path, default=Path("notebooks"),
                     help="where the numbered notebooks are (default: %(default)s)")
    run.add_argument("-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"),
                     help="set a parameter of the notebooks' parameters cell, e.g. -p LANGUAGE nl; "
                          "the executed copies then go to --output, never over the committed ones")
    run.add_argument("--output", type=Path, default=None,
                     help="folder for the executed copies and their figures (default with -p: output/)")
    listing = commands.add_parser("parameters", help="list each notebook's parameters and defaults")
    listing.add_argument("notebooks", nargs="*", type=Path)
    listing.add_argument("--folder", type=Path, default=Path("notebooks"))
    args = parser.parse_args(argv)

    paths = args.notebooks or notebook_paths(args.folder)
    missing = [p for p in paths if not p.is_file()]
    if missing or not paths:
        print(f"error: no such notebook: {missing[0] if missing else args.folder / 'NN_*.ipynb'}", file=sys.stderr)
        return 2
    try:
        if args.command == "parameters":
            for path in paths:
                print(path.name)
                for name, default in read_parameters(path).items():
                    print(f"  {name} = {default!r}")
            return 0
        overrides = {name: parse_value(value) for name, value in args.parameter}
        run_collection(paths, overrides, args.output)
    except ParameterError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except NotebookFailed as err:
        print(f"\nerror: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
