"""Command line of the collection (``python -m valduchesse``, or the ``valduchesse`` script).

    python -m valduchesse run [NOTEBOOK ...] [--folder DIR] [-p NAME VALUE ...] [--output DIR] [--jobs N]
    python -m valduchesse parameters [NOTEBOOK ...] [--folder DIR]
    python -m valduchesse determinism [NOTEBOOK ...] [--folder DIR] [--output DIR] [--jobs N] [--twice]
    python -m valduchesse report [NOTEBOOK ...] [--folder DIR] [--output DIR] [--figures DIR] [--docs DIR]
    python -m valduchesse new-text BODY.txt OUT.txt --meeting-date D --place P --language L --kind K
                                   --title T --source-url U --coverage C [--part N] [--notes TEXT]
    python -m valduchesse fetch [--texts DIR] [--dry-run] [--allow-list FILE] [--timeout S] [--max-bytes N]
                                [--retries N]
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

from .corpus import MAX_FILE_BYTES, write_text_file
from .corpus_header import COVERAGES, SUPPORTED_LANGUAGES, CorpusError
from .atomic_write import WriteError
from .files import InputError, read_text
from .fetch.allowlist import AllowListError, load_allow_list
from .fetch.client import DEFAULT_MAX_BYTES, DEFAULT_RETRIES, DEFAULT_TIMEOUT
from .fetch.terminal import exit_status, format_report
from .fetch.write import fetch_corpus
from .report.site import build_report
from .run.collection import default_jobs, run_collection
from .run.determinism import check_determinism, check_reproduction
from .run.execute import NotebookFailed
from .run.guard import WriteRefused
from .prose.coding import uncoded_lines
from .run.notebooks import COLLECTION_LIST, collection_root, notebook_paths, outside_collection, where_to_run
from .run.parameters import ParameterError, parse_value, read_parameters

__all__ = ["INTERRUPTED", "main"]


def _whole_number(least: int, what: str):
    """An argparse type: a whole number of at least ``least`` (``what`` names it in the error)."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or value < least:
            raise argparse.ArgumentTypeError(f"{text!r} is not {what} (a whole number, {least} or more)")
        return value
    parse.__name__ = what  # argparse names the type in some messages
    return parse


def _seconds(text: str) -> float:
    """``--timeout``: a finite number of seconds above 0."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds above 0, e.g. 20")
    return value


def _jobs_count(text: str) -> int:
    """``--jobs``: a whole number of notebooks, at least 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of notebooks (1 or more)")
    return value


_JOBS_HELP = ("notebooks executed at a time, each in its own kernel (default: the number of cores, here %(default)s). "
             "The lines still come one per notebook in the notebooks' order; if one fails, no further notebook "
             "starts, those already running finish, and the error is the first failing notebook's")


INTERRUPTED = ("interrupted (Ctrl-C). Kept: every file written before, whole; the file being written, if any, "
               "is as it was before (files are written whole or not at all)")


def main(argv: list[str] | None = None) -> int:
    """Run the command of ``argv``; its exit status. Ctrl-C, a full or read-only disk end in one line.

    Parameters
    ----------
    argv : list of str, optional
        The command line without the program's name (default: ``sys.argv[1:]``, as argparse reads it).

    Returns
    -------
    int
        0 on success; 1 for a failed notebook, a reproduction check that found differences, a fetch that
        refused or failed a document, or a disk error (after one line on stderr); 2 for input the command
        refuses (a missing notebook, a parameter, a body, a header, a refused path; one line on stderr);
        130 after Ctrl-C. argparse exits with 2 itself for a command line it cannot parse.
    """
    try:
        return _main(argv)
    except KeyboardInterrupt:
        print(f"\n{INTERRUPTED}", file=sys.stderr)
        return 130
    except WriteError as err:  # one line already: the file, what happened, what was kept
        print(f"\nerror: {err}", file=sys.stderr)
        return 1
    except OSError as err:
        where = f"{err.filename}: " if err.filename else ""
        print(f"\nerror: {where}{err.strerror or err}. Kept: every file written before, whole; the file being "
              "written, if any, is as it was before", file=sys.stderr)
        return 1


def _main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m valduchesse", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser(
        "run", help="execute notebooks and write their figures",
        description="Execute notebooks, one line each once done, and a progress line now and then for a notebook "
                    "running more than a few seconds (e.g. '03_topic_clusters: cell 4/9, 12 s'; on the terminal only). "
                    "Only the plain run of the notebooks collection.txt names, in place, writes the committed figures/; "
                    "a notebook outside it (a copy such as 00_corpus-Copy1.ipynb) writes them to "
                    "output/figures/<notebook>/runner/, a run with -p or --output to the output folder's figures/, "
                    "and the run says where.")
    run.add_argument("notebooks", nargs="*", type=Path,
                     help="notebooks to run (default: the notebooks named in FOLDER/collection.txt, in its "
                          "order; a numbered notebook it does not name, e.g. 07_mine.ipynb, is not run but named "
                          "in the output; every numbered NN_*.ipynb only in a folder without collection.txt)")
    run.add_argument("--folder", type=Path, default=Path("notebooks"),
                     help="where the numbered notebooks are (default: %(default)s)")
    run.add_argument("-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"),
                     help="set a parameter of the notebooks' parameters cell, e.g. -p LANGUAGE nl; "
                          "the executed copies then go to --output, never over the committed ones")
    run.add_argument("--output", type=Path, default=None,
                     help="folder for the executed copies and their figures (default with -p: output/); "
                          "refused, like any path the run writes, inside the repository's notebooks/, figures/ "
                          "or texts/. A notebook that fails is saved there as NAME.failed.ipynb")
    run.add_argument("-j", "--jobs", type=_jobs_count, default=default_jobs(), metavar="N", help=_JOBS_HELP)
    listing = commands.add_parser("parameters", help="list each notebook's parameters and defaults")
    listing.add_argument("notebooks", nargs="*", type=Path)
    listing.add_argument("--folder", type=Path, default=Path("notebooks"))
    determinism = commands.add_parser(
        "determinism", help="run the notebooks once on a copy of the collection and compare every notebook and "
                            "figure with the committed ones, byte for byte")
    determinism.add_argument("notebooks", nargs="*", type=Path)
    determinism.add_argument("--folder", type=Path, default=Path("notebooks"))
    determinism.add_argument("--output", type=Path, default=Path("output/determinism"),
                             help="folder for the copy of the collection, or for the two runs with --twice "
                                  "(default: %(default)s)")
    determinism.add_argument("-j", "--jobs", type=_jobs_count, default=default_jobs(), metavar="N", help=_JOBS_HELP)
    determinism.add_argument("--twice", action="store_true",
                             help="run the notebooks twice and compare the two runs' outputs instead, for when the "
                                  "committed notebooks and figures are knowingly out of date")
    report = commands.add_parser("report", help="render the executed notebooks to a small HTML site")
    report.add_argument("notebooks", nargs="*", type=Path)
    report.add_argument("--folder", type=Path, default=Path("notebooks"))
    report.add_argument("--figures", type=Path, default=None,
                        help="where the figures are (default: FOLDER/figures if it exists, as 'run --output' "
                             "writes it, else the figures/ folder beside FOLDER)")
    report.add_argument("--output", type=Path, default=Path("build/report"),
                        help="folder of the site (default: %(default)s)")
    report.add_argument("--docs", type=Path, default=None,
                        help="folder of Markdown pages to add to the site (default: the docs/ folder beside FOLDER, "
                             "if it exists)")
    fetch = commands.add_parser("fetch", help="replace the excerpts in texts/ by the full official texts (online)")
    fetch.add_argument("--texts", type=Path, default=Path("texts"), help="the texts folder (default: %(default)s)")
    fetch.add_argument("--dry-run", action="store_true", help="report what would change, write nothing")
    fetch.add_argument("--allow-list", type=Path, default=None,
                       help="file of official hosts to download from (default: the package's official_domains.yml)")
    fetch.add_argument("--timeout", type=_seconds, default=DEFAULT_TIMEOUT, help="seconds for each whole attempt: connection, headers and body (default: %(default)s)")
    fetch.add_argument("--max-bytes", type=_whole_number(1, "a number of bytes"), default=DEFAULT_MAX_BYTES,
                       help="largest page accepted (default: %(default)s)")
    fetch.add_argument("--retries", type=_whole_number(0, "a number of retries"), default=DEFAULT_RETRIES,
                       help="retries on transient errors (default: %(default)s)")
    new_text = commands.add_parser("new-text", help="write a text file with a correct header (chars computed)")
    new_text.add_argument("body", type=Path, help="a UTF-8 file holding only the text, as its source gives it")
    new_text.add_argument("output", type=Path, help="the new file, e.g. texts/2023-10-02_fr_source.txt")
    for field in ("meeting-date", "place", "title", "source-url", "kind"):
        new_text.add_argument(f"--{field}", required=True)
    new_text.add_argument("--language", required=True, choices=sorted(SUPPORTED_LANGUAGES))
    new_text.add_argument("--coverage", required=True, choices=COVERAGES)
    new_text.add_argument("--part", type=_whole_number(1, "a part number"), default=None)
    new_text.add_argument("--notes", default=None)
    args = parser.parse_args(argv)
    if args.command == "fetch":
        return _run_fetch(args)
    if args.command == "new-text":
        return _run_new_text(args)

    paths = args.notebooks or notebook_paths(args.folder)
    missing = [p for p in paths if not p.is_file()]
    if missing or not paths:
        where = missing[0] if missing else args.folder / "NN_*.ipynb"
        hint = where_to_run(where.parent) if not where.parent.is_dir() else ""
        print(f"error: no such notebook: {where}{hint}", file=sys.stderr)
        return 2
    if not args.notebooks and args.command in ("run", "report"):
        left = outside_collection(args.folder)
        if left:
            print(f"not in {COLLECTION_LIST}: {', '.join(p.name for p in left)} (not run; add its name to "
                  f"{args.folder / COLLECTION_LIST} to run it with the collection, or name it: "
                  f"python -m valduchesse {args.command} {left[0]})")
    try:
        if args.command == "parameters":
            for path in paths:
                print(path.name)
                for name, default in read_parameters(path).items():
                    print(f"  {name} = {default!r}")
            return 0
        if args.command == "report":
            figures = args.figures or next((f for f in (args.folder / "figures", args.folder.parent / "figures")
                                            if f.is_dir()), args.folder.parent / "figures")
            if args.docs is not None and not args.docs.is_dir():
                raise ValueError(f"--docs {args.docs} is not a folder (resolved: {args.docs.resolve()}): give the "
                                 "folder of Markdown pages, e.g. --docs docs, or leave --docs out")
            docs = args.docs or args.folder.parent / "docs"
            index = build_report(paths, args.output, figures, docs_dir=docs)
            print(f"report written: {index} ({len(paths)} notebook pages); open it in a browser")
            return 0
        if args.command == "determinism":
            if args.output.exists() and not args.output.is_dir():
                raise ParameterError(f"--output {args.output} is a file; give a folder for the check's copy "
                                     "(it is created if need be), e.g. --output output/determinism")
            check, differs, same = (
                (check_determinism, "differs between the two runs",
                 "deterministic: every figure and notebook output is identical") if args.twice else
                (check_reproduction, "differs from the committed file",
                 "deterministic and reproduced: every notebook and figure is identical to the committed one"))
            differences = check(paths, args.output, jobs=args.jobs)
            for name in differences:
                print(f"{differs}: {name}", file=sys.stderr)
            print(same if not differences else "")
            return 1 if differences else 0
        overrides = {name: parse_value(value) for name, value in args.parameter}
        run_collection(paths, overrides, args.output, jobs=args.jobs)
        if not overrides and args.output is None:  # in place (make run): say which texts no hand code covers
            root = collection_root(paths[0])
            if root and (root / "texts").is_dir() and (root / "coding" / "sentences.csv").is_file():
                for line in uncoded_lines(root / "texts", root / "coding" / "sentences.csv"):
                    print(line)
    except ValueError as err:  # a ParameterError, or a report input that is missing
        print(f"error: {err}", file=sys.stderr)
        return 2
    except NotebookFailed as err:  # the message names the cell and where the failed copy is
        print(f"\nerror: {err}", file=sys.stderr)
        return 1
    return 0


def _run_new_text(args: argparse.Namespace) -> int:
    """``new-text``: write the header above the body; 2 with the reason if the file cannot be made."""
    try:
        body = read_text(args.body, MAX_FILE_BYTES, not_regular_fix="give a UTF-8 text file holding the body")
    except InputError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    fields = {name: getattr(args, name) for name in ("meeting_date", "place", "language", "kind", "title",
                                                     "source_url", "coverage", "part", "notes")}
    try:
        path = write_text_file(body, args.output, **fields)
    except (CorpusError, WriteRefused) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(f"written: {path} ({len(body.rstrip(chr(10))):,} characters); add it to a texts folder and rerun")
    return 0


def _run_fetch(args: argparse.Namespace) -> int:
    """``fetch``: print the report; 1 if a text was refused or failed, 2 if the inputs are broken."""
    try:
        report = fetch_corpus(args.texts, dry_run=args.dry_run, allowed=load_allow_list(args.allow_list),
                              timeout=args.timeout, max_bytes=args.max_bytes, retries=args.retries)
    except (CorpusError, AllowListError, WriteRefused) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(format_report(report))
    return exit_status(report)

