"""Hostile inputs and faults (issue 19): nothing lost, nothing overwritten.

Every case asserts its message and, through the autouse fixture ``nothing_tracked_changes``, that no file
git tracks changed: the bytes and the inode of every tracked file are the same after the test as before
(an in-place rewrite or a replacement would both show). The atomic write is killed at seeded random
moments and run out of disk space, both for real in a subprocess.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import nbformat
import pytest

from valduchesse import atomic_write, cli
from valduchesse.atomic_write import WriteError, write_atomically, write_notebook
from valduchesse.coding import CodingError, read_coding
from valduchesse.fetch.allowlist import AllowListError, load_allow_list
from valduchesse.files import InputError
from valduchesse.run.determinism import MARKER, check_reproduction, prepare_folder
from valduchesse.run.guard import WriteRefused
from valduchesse.run.notebooks import committed_notebook, notebook_paths
from valduchesse.run.parameters import ParameterError
from valduchesse.themes import ThemeError, load_themes

from conftest import ROOT, mini_collection

NOTEBOOKS = ROOT / "notebooks"
SENTENCES = ROOT / "coding" / "sentences.csv"
SCRATCH = ROOT / "output" / "hostile-tests"  # in the repository (git ignores output/), for hard links to tracked files


def tracked_state() -> dict[str, tuple[int, str]]:
    """Inode and SHA-256 of every file git tracks in the repository."""
    listing = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z"], capture_output=True, check=True).stdout
    state = {}
    for name in filter(None, listing.decode().split("\0")):
        path = ROOT / name
        if path.is_file() and not path.is_symlink():
            state[name] = (path.stat().st_ino, hashlib.sha256(path.read_bytes()).hexdigest())
    return state


@pytest.fixture(autouse=True)
def nothing_tracked_changes():
    before = tracked_state()
    yield
    after = tracked_state()
    assert after == before, sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))


@pytest.fixture
def scratch(request):
    """A folder inside the repository (under the ignored output/), removed afterwards with the folders above it
    that it made: the test command leaves nothing in the repository."""
    made = [folder for folder in (SCRATCH.parent, SCRATCH) if not folder.exists()]
    folder = SCRATCH / request.node.name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)
    for parent in reversed(made):
        try:
            parent.rmdir()  # only if empty
        except OSError:
            pass


def one_line(text: str) -> str:
    """The text's only non-empty line (fails if there are more: a traceback, say)."""
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 1, text
    assert "Traceback" not in text
    return lines[0]


def run_cli(capsys, *argv) -> tuple[int, str]:
    code = cli.main([str(arg) for arg in argv])
    return code, capsys.readouterr().err


# --- the atomic write: killed at any moment, out of disk space, read-only, interrupted --------------

WRITER = textwrap.dedent("""
    import json, sys
    from pathlib import Path
    from valduchesse.atomic_write import write_atomically
    target = Path(sys.argv[1])
    versions = [json.dumps({"version": v, "data": [v] * 400_000}).encode() for v in ("old", "new")]
    write_atomically(target, versions[0], guard=False)
    print("ready", flush=True)
    i = 1
    while True:
        write_atomically(target, versions[i % 2], guard=False)
        i += 1
""")


@pytest.mark.slow
def test_the_atomic_write_killed_at_any_moment_leaves_the_old_or_the_new_file_whole(tmp_path):
    target = tmp_path / "result.json"
    versions = {json.dumps({"version": v, "data": [v] * 400_000}).encode() for v in ("old", "new")}
    rng = random.Random(19)
    seen = set()
    for _ in range(20):
        child = subprocess.Popen([sys.executable, "-c", WRITER, str(target)], stdout=subprocess.PIPE, text=True)
        assert child.stdout.readline() == "ready\n"
        time.sleep(rng.uniform(0.0, 0.25))
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        child.stdout.close()
        data = target.read_bytes()
        assert data in versions  # never a part of one: it parses, and is one of the two
        seen.add(json.loads(data)["version"])
    assert seen == {"old", "new"}  # the kills landed at different moments of the loop


DISK_FULL_WRITER = textwrap.dedent("""
    import resource, signal, sys
    from pathlib import Path
    from valduchesse.atomic_write import WriteError, write_atomically
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit then fails with EFBIG, as on a full disk
    resource.setrlimit(resource.RLIMIT_FSIZE, (1_000_000, 1_000_000))
    try:
        write_atomically(Path(sys.argv[1]), b"x" * 3_000_000, guard=False)
    except WriteError as err:
        print(err)
        sys.exit(1)
""")


@pytest.mark.slow
def test_a_file_too_big_for_the_disk_keeps_the_old_file_and_says_so_in_one_line(tmp_path):
    target = tmp_path / "figure.png"
    target.write_bytes(b"the old figure")
    result = subprocess.run([sys.executable, "-c", DISK_FULL_WRITER, str(target)], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 1, result.stderr
    line = one_line(result.stdout)
    assert line.startswith(f"cannot write {target}: ") and "the file was not changed" in line
    assert target.read_bytes() == b"the old figure"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["figure.png"]  # the temporary file removed


def test_a_full_disk_keeps_the_old_file_and_names_the_file_and_the_space_needed(tmp_path, monkeypatch):
    target = tmp_path / "notebook.ipynb"
    target.write_bytes(b"{}")

    def full(descriptor, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(atomic_write.os, "write", full)
    with pytest.raises(WriteError) as error:
        write_atomically(target, b"y" * 12_345)
    message = one_line(str(error.value))
    assert message.startswith(f"cannot write {target}: the disk is full (12,345 bytes are needed, ")
    assert "bytes are free" in message and "Fix: free some disk space" in message
    assert target.read_bytes() == b"{}" and [p.name for p in tmp_path.iterdir()] == ["notebook.ipynb"]


def test_a_read_only_checkout_ends_in_one_line(tmp_path, monkeypatch, capsys):
    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr(atomic_write.tempfile, "mkstemp", read_only)
    with pytest.raises(WriteError, match="the file system is read-only; the file was not changed"):
        write_atomically(tmp_path / "a.txt", b"a")
    # the same through a command: one line on stderr, status 1, no traceback
    code, err = run_cli(capsys, "report", NOTEBOOKS / "00_corpus.ipynb", "--output", tmp_path / "site")
    assert code == 1 and one_line(err).startswith("error: cannot write ") and "read-only" in err


def test_ctrl_c_while_writing_leaves_the_old_file_and_a_command_says_what_was_kept(tmp_path, monkeypatch, capsys):
    target = tmp_path / "sheet.csv"
    target.write_bytes(b"old")

    def interrupted(*args):
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(atomic_write.os, "replace", interrupted)
        with pytest.raises(KeyboardInterrupt):
            write_atomically(target, b"new")
        assert target.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["sheet.csv"]
        code, err = run_cli(capsys, "report", NOTEBOOKS / "00_corpus.ipynb", "--output", tmp_path / "site")
    assert code == 130 and one_line(err) == cli.INTERRUPTED


def test_a_full_disk_during_a_command_ends_in_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(atomic_write.os, "write", lambda *args: (_ for _ in ()).throw(OSError(errno.ENOSPC, "No space")))
    code, err = run_cli(capsys, "report", NOTEBOOKS / "00_corpus.ipynb", "--output", tmp_path / "site")
    assert code == 1 and "the disk is full" in one_line(err) and str(tmp_path / "site") in err


def test_a_notebook_is_written_with_the_bytes_nbformat_writes(tmp_path):
    notebook = nbformat.read(NOTEBOOKS / "00_corpus.ipynb", as_version=4)
    nbformat.write(notebook, tmp_path / "plain.ipynb")
    write_notebook(notebook, tmp_path / "atomic.ipynb")
    assert (tmp_path / "atomic.ipynb").read_bytes() == (tmp_path / "plain.ipynb").read_bytes()


# --- hard links, committed folders, tracked files ------------------------------------------------------

def test_a_hard_link_is_never_written_through(tmp_path):
    original, link = tmp_path / "codes.csv", tmp_path / "sheet.csv"
    original.write_bytes(b"hand codes")
    os.link(original, link)
    with pytest.raises(WriteRefused, match=r"has 2 names \(hard links\)"):
        write_atomically(link, b"blank sheet")
    write_atomically(link, b"blank sheet", guard=False)  # even unguarded: the link is replaced, not written into
    assert original.read_bytes() == b"hand codes"


def test_a_symbolic_link_to_a_tracked_file_is_never_written_through(scratch):
    link = scratch / "sheet.csv"
    link.symlink_to(SENTENCES)
    with pytest.raises(WriteRefused, match=rf"refused to write {link}: it is a file that git tracks"):
        write_atomically(link, b"blank sheet")


def test_determinism_refuses_a_file_as_its_folder(tmp_path, capsys):
    (tmp_path / "file").write_text("mine", encoding="utf-8")
    code, err = run_cli(capsys, "determinism", "--output", tmp_path / "file")
    assert code == 2 and one_line(err).startswith(f"error: --output {tmp_path / 'file'} is a file")


def test_run_refuses_a_sheet_hard_linked_to_the_hand_codes(scratch, capsys):
    sheet = scratch / "sheet.csv"
    os.link(SENTENCES, sheet)
    code, err = run_cli(capsys, "run", NOTEBOOKS / "05_your_own_corpus.ipynb", "-p", "SHEET_FILE", sheet,
                        "--output", scratch / "out")
    assert code == 2 and f"is a hard link to {SENTENCES}, a file git tracks" in err
    assert not (scratch / "out").exists()


def test_run_refuses_an_output_notebook_hard_linked_to_a_committed_one(scratch, capsys):
    os.link(NOTEBOOKS / "00_corpus.ipynb", scratch / "00_corpus.ipynb")
    code, err = run_cli(capsys, "run", NOTEBOOKS / "00_corpus.ipynb", "--output", scratch)
    assert code == 2 and f"is a hard link to {NOTEBOOKS / '00_corpus.ipynb'}" in err


@pytest.mark.parametrize("output", [".", "texts", "figures", "notebooks/../figures", "coding/sentences.csv",
                                    "link-to-figures"])
def test_report_never_writes_into_the_committed_collection(output, tmp_path, monkeypatch, capsys):
    (tmp_path / "link-to-figures").symlink_to(ROOT / "figures")
    monkeypatch.chdir(ROOT)
    target = tmp_path / output if output == "link-to-figures" else Path(output)
    code, err = run_cli(capsys, "report", "--folder", "notebooks", "--output", target)
    assert code == 2 and one_line(err).startswith(f"error: refused: --output {target} ")


def test_report_over_its_own_figures_folder_is_no_error(tmp_path, capsys):
    site = tmp_path / "site"
    (site / "figures").mkdir(parents=True)
    shutil.copy(ROOT / "figures" / "themes_by_meeting_hand_coded.png", site / "figures")
    code, err = run_cli(capsys, "report", NOTEBOOKS / "04_themes_hand_coded.ipynb", "--output", site,
                        "--figures", site / "figures")
    assert code == 0, err
    assert (site / "figures" / "themes_by_meeting_hand_coded.png").read_bytes() == (
        ROOT / "figures" / "themes_by_meeting_hand_coded.png").read_bytes()


def test_determinism_deletes_only_the_folder_it_made(tmp_path):
    notes = tmp_path / "collection" / "my_notes.md"
    notes.parent.mkdir()
    notes.write_text("mine", encoding="utf-8")
    with pytest.raises(ParameterError, match=r"is not empty \(it holds my_notes.md, ...\) and was not made by"):
        check_reproduction(notebook_paths(NOTEBOOKS), tmp_path)
    assert notes.read_text(encoding="utf-8") == "mine"
    made = tmp_path / "made"
    prepare_folder(made)
    (made / "old-run.txt").write_text("from an earlier check", encoding="utf-8")
    prepare_folder(made)  # its own folder: emptied and marked again
    assert sorted(p.name for p in made.iterdir()) == [MARKER]
    (tmp_path / "empty").mkdir()
    prepare_folder(tmp_path / "empty")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    with pytest.raises(ParameterError, match="is not a folder the reproduction check made"):
        prepare_folder(tmp_path / "link")


def test_determinism_refuses_the_committed_folders(capsys):
    code, err = run_cli(capsys, "determinism", "--output", ROOT / "notebooks")
    assert code == 2 and "refused: the output folder" in err and "notebooks/ folder" in err


@pytest.mark.parametrize("where", ["notebooks/x.txt", "figures/2023-01-01_fr_x.txt", "texts/../figures/y.txt"])
def test_new_text_never_writes_into_notebooks_or_figures(where, tmp_path, capsys):
    body = tmp_path / "body.txt"
    body.write_text("Un texte.", encoding="utf-8")
    code, err = run_cli(capsys, "new-text", body, ROOT / where, "--meeting-date", "2023-01-01", "--place", "Paris",
                        "--language", "fr", "--kind", "joint declaration", "--title", "T", "--source-url",
                        "https://example.org/", "--coverage", "full text")
    assert code == 2 and one_line(err).startswith(f"error: refused to write {ROOT / where}: it is inside")
    assert not (ROOT / where).exists()


def test_new_text_reads_its_body_like_a_text(tmp_path, capsys):
    fifo = tmp_path / "body.fifo"
    os.mkfifo(fifo)
    for body, problem in [(fifo, "a named pipe (FIFO), not a regular file"),
                          (Path("/dev/zero"), "a character device, not a regular file")]:
        code, err = run_cli(capsys, "new-text", body, tmp_path / "2023-01-01_fr_x.txt", "--meeting-date", "2023-01-01",
                            "--place", "P", "--language", "fr", "--kind", "k", "--title", "T", "--source-url",
                            "https://example.org/", "--coverage", "full text")
        assert code == 2 and one_line(err) == f"error: {body}: {problem}. Fix: give a UTF-8 text file holding the body"


def test_only_the_collections_own_notebooks_are_the_committed_run(tmp_path):
    assert all(committed_notebook(path) for path in notebook_paths(NOTEBOOKS))
    assert not committed_notebook(NOTEBOOKS / "00_corpus-Copy1.ipynb")
    copy = tmp_path / "notebooks" / "00_corpus.ipynb"  # the same name, in another collection's folder without a list
    copy.parent.mkdir()
    shutil.copy(NOTEBOOKS / "00_corpus.ipynb", copy)
    assert not committed_notebook(copy) and not committed_notebook(tmp_path / "00_corpus.ipynb")


COPY_RUN_DRAW = ("from valduchesse.figure_paths import figures_folder\n"
                 "folder = figures_folder(FIGURES_DIR)\nfolder.mkdir(parents=True, exist_ok=True)\n"
                 "for name in ('mini.png', 'mini.svg'):\n    (folder / name).write_text(name)")
"""Writes one figure's two files where :func:`valduchesse.figure_paths.figures_folder` says, as ``save_figure``
does (test_committed_results.py shows that it does), without drawing: what is tested is the permission the runner
gives the kernel, not matplotlib."""


@pytest.mark.slow
def test_a_copy_run_explicitly_is_never_the_committed_run(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("VALDUCHESSE_CACHE_DIR", str(tmp_path / "cache"))
    listed = mini_collection(tmp_path / "repo", COPY_RUN_DRAW)
    copy = listed.with_name("00_mini-Copy1.ipynb")
    figures, elsewhere = tmp_path / "repo" / "figures", tmp_path / "repo" / "output" / "figures" / copy.stem / "runner"
    code, err = run_cli(capsys, "run", copy, "--jobs", "1")
    assert code == 0, err
    assert not list(figures.iterdir()) and sorted(p.name for p in elsewhere.iterdir()) == ["mini.png", "mini.svg"]
    code, err = run_cli(capsys, "run", listed, "--jobs", "1")
    assert code == 0, err
    assert sorted(p.name for p in figures.iterdir()) == ["mini.png", "mini.svg"]


# --- inputs loaded like the texts ---------------------------------------------------------------------

def run_refuses_input(capsys, name, value, kind):
    code, err = run_cli(capsys, "run", NOTEBOOKS / "01_distinctive_terms.ipynb", "-p", name, value,
                        "--output", "unused-output")
    assert code == 2 and one_line(err).startswith(f"error: refused: parameter {name} = '{value}' is {kind}")
    assert not Path("unused-output").exists()


def test_coding_file_at_a_device_or_a_fifo_is_refused_at_once(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    fifo = tmp_path / "codes.fifo"
    os.mkfifo(fifo)
    started = time.monotonic()
    run_refuses_input(capsys, "CODING_FILE", "/dev/zero", "a character device, not a regular file")
    run_refuses_input(capsys, "CODING_FILE", str(fifo), "a named pipe (FIFO), not a regular file")
    for path, kind in [(Path("/dev/zero"), "a character device"), (fifo, "a named pipe (FIFO)"), (tmp_path, "a directory")]:
        with pytest.raises(CodingError, match="^" + re.escape(f"{path}: {kind}, not a regular file. Fix: give the coded sheet")):
            read_coding(path)
    assert time.monotonic() - started < 30


def write_csv(tmp_path, text: str | bytes, name="coded.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


HEADER = "unit_id,start,end,text,coder_a,coder_b,final\n"


@pytest.mark.parametrize("content, message", [
    ("unit_id;start;end;text;coder_a;coder_b;final\na#1;0;4;Test;cyber;cyber;cyber\n",
     r"coded.csv, row 1: the columns are separated by ';', not commas \(spreadsheet software saves CSV with ';' "
     r"in French and Belgian locales\)\. Fix: save the sheet as 'CSV UTF-8 \(comma-delimited\)'"),
    ("", r"coded.csv: the file is empty\. Fix: give the coded sheet"),
    ("\n\n", r"coded.csv: the file is empty"),
    (HEADER.encode() + "a#1,0,4,Sécurité,cyber,cyber,cyber\n".encode("latin-1"),
     r"coded.csv: byte 54 is not valid UTF-8 \(b'\\xe9'; line 2, column 10\)\. Fix: save the sheet as 'CSV UTF-8'"),
    ("unit_id,end,text,coder_a,coder_b,final\na#1,4,Test,cyber,cyber,cyber\n",
     r"coded.csv, row 1: missing column\(s\) start beside end, text\. Fix: keep the header"),
    (HEADER + "a#1,0,4,Test,cyber,cyber,cyber\na#2,zéro,9,Test2,cyber,cyber,cyber\n",
     r"coded.csv, row 3, column 'start': the value 'zéro' is not a whole number\. Fix: write the start offset in digits"),
    (HEADER + "a#1,,4,Test,cyber,cyber,cyber\n", r"coded.csv, row 2, column 'start': the value '' is not a whole number"),
    (HEADER + 'a#1,0,4,"Test,cyber,cyber,cyber\n', r"coded.csv(, row \d+)?: the file cannot be read as CSV"),
])
def test_a_bad_coding_file_is_named_by_file_row_and_column(tmp_path, content, message):
    with pytest.raises(CodingError, match=message) as error:
        read_coding(write_csv(tmp_path, content))
    assert str(tmp_path / "coded.csv") in str(error.value) and isinstance(error.value, InputError)


def test_a_coding_file_with_a_bom_and_windows_line_ends_reads_as_the_plain_one(tmp_path):
    plain = HEADER + "a#1,0,4,Test,cyber,cyber,cyber\n"
    windows = write_csv(tmp_path, "\ufeff" + plain.replace("\n", "\r\n"), "windows.csv")
    assert read_coding(windows).equals(read_coding(write_csv(tmp_path, plain, "plain.csv")))


def write_themes(tmp_path, text: str) -> Path:
    path = tmp_path / "themes.yml"
    path.write_text(text, encoding="utf-8")
    return path


ALIAS_BOMB = textwrap.dedent("""\
    a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]
    b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
    c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
    d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
    e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
    f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
    g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
    themes: {cyber: {en: *g}}
""")


@pytest.mark.parametrize("text, message", [
    (ALIAS_BOMB, r"themes.yml: the file is not valid YAML at line 1, column 4 \(an anchor \('&a'\): anchors \('&'\) "
                 r"and aliases \('\*'\) are not allowed in this file\)\. Fix: write each value out in full"),
    ("base: &base {en: [cyber]}\nthemes:\n  cyber: *base\n", r"at line 1, column 7 \(an anchor \('&base'\)"),
    ("themes:\n  cyber:\n    <<: {en: [cyber]}\n", r"at line 3, column 5 \(a merge key \('<<'\) is not allowed"),
    ("themes:\n  [cyber, police]:\n    en: [cyber]\n", r"at line 2, column 3 \(a list or mapping used as a key\)"),
    ("themes:\n  1:\n    en: [cyber]\n", r"at line 2, column 3 \(the key 1 is not text\)"),
    ("themes:\n  cyber:\n    en: [cyber]\n  cyber:\n    en: [privacy]\n",
     r"at line 4, column 3 \(the key 'cyber' is written twice in one mapping \(lines 2 and 4\)\)"),
])
def test_themes_refuse_anchors_aliases_merge_keys_and_keys_that_are_not_text(tmp_path, text, message):
    started = time.monotonic()
    with pytest.raises(ThemeError, match=message) as error:
        load_themes(write_themes(tmp_path, text))
    assert time.monotonic() - started < 5  # the alias bomb is refused before it grows
    assert isinstance(error.value, InputError) and error.value.line is not None


def test_themes_are_read_like_the_texts(tmp_path):
    path = tmp_path / "themes.yml"
    path.write_bytes(b"themes:\n  cyber:\n    en: [s\xe9curit\xe9]\n")
    with pytest.raises(ThemeError, match=r"themes.yml: byte 27 is not valid UTF-8 \(b'\\xe9'; line 3, column 11\)"):
        load_themes(path)
    with pytest.raises(ThemeError, match=r"^/dev/zero: a character device, not a regular file"):
        load_themes("/dev/zero")


def test_the_allow_list_is_read_by_the_strict_loader(tmp_path):
    path = tmp_path / "domains.yml"
    path.write_text("one: &h premier.fgov.be\nhosts:\n  - *h\n", encoding="utf-8")
    with pytest.raises(AllowListError, match=r"domains.yml, field 'one', line 1, column 6: an anchor \('&h'\)"):
        load_allow_list(path)
    with pytest.raises(AllowListError, match="a character device, not a regular file"):
        load_allow_list("/dev/zero")


@pytest.mark.parametrize("argv, message", [
    (["--retries", "-1"], "argument --retries: '-1' is not a number of retries (a whole number, 0 or more)"),
    (["--retries", "two"], "argument --retries: 'two' is not a number of retries"),
    (["--timeout", "0"], "argument --timeout: '0' is not a number of seconds above 0"),
    (["--timeout", "inf"], "argument --timeout: 'inf' is not a number of seconds above 0"),
    (["--max-bytes", "0"], "argument --max-bytes: '0' is not a number of bytes (a whole number, 1 or more)"),
])
def test_fetch_options_are_checked_before_any_work(argv, message, tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["fetch", "--texts", str(tmp_path / "nowhere"), *argv])
    assert exit_.value.code == 2 and message in capsys.readouterr().err
