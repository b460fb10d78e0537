"""Hostile or odd input to the loader: each case gives a CorpusError naming the file, the field or entry, and the fix.

Line numbers are the file's: in the ``write_text`` files line 1 is '---',
then meeting_date (2), place (3), language (4), kind (5), title (6),
source_url (7), coverage (8), chars (9) and any further field (10, …).
"""

import os
import signal
import socket
import time
from contextlib import contextmanager

import pytest

from valduchesse.corpus import MAX_FILE_BYTES, load_corpus, read_text_file
from valduchesse.corpus_header import CorpusError, header_problems

from conftest import GOOD_HEADER, header_lines

NAME = "2016-02-01_fr_test.txt"


def error_for(folder, **options) -> str:
    with pytest.raises(CorpusError) as info:
        load_corpus(folder, **options)
    return str(info.value)


# A deadline for blocks that could hang (a FIFO opened, /dev/zero read): generous, so that a loaded machine does not
# fail them; what they must cost is checked in CPU time where it matters.
HANG_SECONDS = 30


@contextmanager
def bounded(seconds):
    """Stop the block with TimeoutError after ``seconds``, so that a regression fails instead of hanging."""
    if not hasattr(signal, "setitimer"):
        pytest.skip("needs signal.setitimer to bound the test")

    def stop(signum, frame):
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# --- dates -----------------------------------------------------------------------------------------

def test_impossible_date_names_file_and_field(write_text):
    message = error_for(write_text(meeting_date="2021-02-30"))
    assert f"{NAME}, field 'meeting_date', line 2, column 15" in message
    assert "2021-02-30 is not a real date (day is out of range for month)" in message
    assert "Fix: correct the date; write the date as YYYY-MM-DD" in message


def test_impossible_quoted_date(write_text):
    message = error_for(write_text(meeting_date="'2021-02-30'"))
    assert f"{NAME}, field 'meeting_date'" in message and "not a real date" in message and "Fix:" in message


def test_impossible_date_in_an_extra_field(write_text):
    message = error_for(write_text(retrieved="2021-13-01"))
    assert f"{NAME}, field 'retrieved', line 10, column 12" in message
    assert "2021-13-01 is not a real date (month must be in 1..12)" in message
    assert "put the value in quotes if it is not a date" in message


def test_a_number_is_not_a_date(write_text):
    message = error_for(write_text(meeting_date="20160201"))
    assert f"{NAME}, field 'meeting_date'" in message and "20160201 is a whole number, not a date" in message
    assert "YYYY-MM-DD" in message


def test_quoted_valid_date_and_date_time_are_still_accepted(write_text):
    write_text("2016-02-01_fr_a.txt", meeting_date="'2016-02-01'")
    documents = load_corpus(write_text("2016-02-01_fr_b.txt", meeting_date="2016-02-01 10:00:00", part=2))
    assert list(documents["meeting_date"].dt.strftime("%Y-%m-%d")) == ["2016-02-01", "2016-02-01"]


# --- anchors, aliases, duplicate keys, nesting, tags -------------------------------------------------

BILLION_LAUGHS = "".join(
    [f'l0: &l0 ["{"lol" * 9}"]\n']
    + [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]\n" for i in range(1, 10)]
)


def test_alias_bomb_is_refused_at_once(tmp_path):
    body = "Les deux pays coopèrent."
    header = header_lines({**GOOD_HEADER, "chars": len(body)}) + BILLION_LAUGHS  # a good header, then the bomb
    (tmp_path / NAME).write_text(f"---\n{header}---\n{body}\n", encoding="utf-8")
    start = time.process_time()  # CPU time: what expanding the aliases would cost, whatever else the machine runs
    with bounded(HANG_SECONDS):
        message = error_for(tmp_path)
    assert time.process_time() - start < 0.5
    assert f"{NAME}, field 'l0', line 10, column 5" in message
    assert "an anchor ('&l0'): anchors ('&') and aliases ('*') are not allowed in a header" in message
    assert "Fix: write each value out in full" in message


def test_alias_alone_is_refused(write_text):
    message = error_for(write_text(notes="*nowhere"))
    assert f"{NAME}, field 'notes', line 10" in message and "an alias ('*nowhere')" in message
    assert "put a value that starts with '&' or '*' in quotes" in message


def test_duplicate_field_is_refused(write_text):
    folder = write_text()
    path = folder / NAME
    path.write_text(path.read_text(encoding="utf-8").replace("chars:", "place: Paris\nchars:"), encoding="utf-8")
    message = error_for(folder)
    assert f"{NAME}, field 'place', line 9, column 1" in message
    assert "the field appears twice (lines 3 and 9)" in message
    assert "Fix: keep only one of them: YAML would silently use the last one" in message


def test_duplicate_key_inside_a_field_is_refused(write_text):
    message = error_for(write_text(excerpt_notes="{a: one, a: two}"))
    assert f"{NAME}, field 'excerpt_notes', line 10" in message
    assert "the key 'a' appears twice in this field (line 10, columns 17 and 25)" in message and "Fix:" in message


def test_merge_key_is_refused(write_text):
    message = error_for(write_text(extra="{<<: {a: 1}}"))
    assert f"{NAME}, field 'extra'" in message and "merge key ('<<') is not allowed" in message and "Fix:" in message


def test_deep_nesting_is_refused_not_a_recursion_error(write_text):
    message = error_for(write_text(extra="[" * 5000 + "]" * 5000))
    assert f"{NAME}, field 'extra'" in message and "nested more than 16 deep" in message
    assert "Fix: keep header values flat" in message


def test_a_tag_that_does_not_fit_the_value(write_text):
    message = error_for(write_text(chars="!!int many"))
    assert f"{NAME}, field 'chars', line 9, column 8" in message
    assert "the value 'many' cannot be read as int" in message and "remove the tag" in message


def test_an_unknown_tag(write_text):
    message = error_for(write_text(extra="!!python/object:os.system echo"))
    assert f"{NAME}, field 'extra', line 10" in message and "could not determine a constructor" in message
    assert "Fix: remove the tag" in message


def test_field_name_that_is_not_text(write_text):
    message = error_for(write_text(**{"2016": "year"}))
    assert f"{NAME}, field '2016', line 10, column 1" in message and "the field name 2016 is not text" in message
    assert "Fix: write field names as words" in message


# --- YAML syntax errors ------------------------------------------------------------------------------

def test_syntax_error_gives_the_whole_problem_with_line_and_column(write_text):
    message = error_for(write_text(title="a: b: c"))
    assert f"{NAME}, line 6, column 9: the YAML header cannot be read: mapping values are not allowed here" in message
    assert "quote a value that holds ': '" in message


def test_syntax_error_keeps_pyyaml_context(write_text):
    message = error_for(write_text(notes='"never closed'))
    assert f"{NAME}, line 11, column 1: the YAML header cannot be read: found unexpected end of stream " \
           "(while scanning a quoted scalar, line 10, column 8)" in message
    assert "Fix: check the header's syntax" in message


def test_line_numbers_count_blank_lines_after_the_opening_line(tmp_path):
    (tmp_path / NAME).write_text("---\n\n\nplace: [unclosed\n---\nTexte.\n", encoding="utf-8")
    message = error_for(tmp_path)
    assert f"{NAME}, line 5, column 1" in message and "(while parsing a flow sequence, line 4, column 8)" in message


# --- field types -------------------------------------------------------------------------------------

@pytest.mark.parametrize("field", ["chars", "part"])
def test_quoted_number_is_refused_with_the_unquoted_line(write_text, field):
    value = "'24'" if field == "chars" else "'2'"
    message = error_for(write_text(**{field: value}))
    assert f"{NAME}, field '{field}'" in message and ", line " in message
    assert f"{value} is quoted text, not a whole number" in message
    assert f"Fix: write the number without quotes, as the line {field}: {value.strip(chr(39))}" in message


def test_chars_as_a_decimal_number(write_text):
    message = error_for(write_text(chars="24.0"))
    assert f"{NAME}, field 'chars', line 9, column 8: 24.0 is a number, not a whole number" in message
    assert "Fix: write the number of characters of the body in digits" in message


def test_part_as_yes_no_value(write_text):
    message = error_for(write_text(part="yes"))
    assert f"{NAME}, field 'part', line 10" in message and "part True is not a whole number from 1 up" in message


@pytest.mark.parametrize("field, value, kind", [
    ("place", "2016", "a whole number"),
    ("title", "1.5", "a number"),
    ("kind", "2016-02-01", "a date"),
    ("source_url", "[https://example.org/a, https://example.org/b]", "a list"),
    ("notes", "yes", "a yes/no value"),
    ("language", "no", "a yes/no value"),
    ("coverage", "{full: text}", "a mapping"),
])
def test_text_fields_must_be_text(write_text, field, value, kind):
    message = error_for(write_text(**{field: value}))
    assert f"{NAME}, field '{field}', line " in message and f"is {kind}" in message and "not text" in message
    assert "Fix: " in message and "in quotes" in message


def test_a_plain_value_is_shown_as_written_in_the_fix(write_text):
    message = error_for(write_text(language="no"))
    assert "'no' is a yes/no value" in message and 'put the value in quotes, as the line language: "no"' in message


def test_empty_notes_field_is_no_notes(write_text):
    documents = load_corpus(write_text(notes=""))
    assert documents.loc[0, "notes"] == ""


def test_every_problem_of_a_header_can_be_listed(write_text):
    folder = write_text(chars="'24'", language="es", title="2016", meeting_date="2021-02-30")
    header, body = read_text_file(folder / NAME)
    problems = [str(problem) for problem in header_problems(folder / NAME, header, body)]
    assert [p.split(",")[1] for p in problems] == [" field 'meeting_date'", " field 'chars'", " field 'title'",
                                                   " field 'language'"]


# --- entries that are not regular files, links, size ---------------------------------------------------

def test_directory_named_like_a_text(write_text):
    folder = write_text()
    (folder / "2017-10-16_fr_folder.txt").mkdir()
    message = error_for(folder)
    assert "2017-10-16_fr_folder.txt: a directory, not a regular text file" in message
    assert "Fix: move the folder out of the texts folder" in message


def test_fifo_is_refused_without_opening_it(write_text):
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this system")
    folder = write_text()
    os.mkfifo(folder / "2017-10-16_fr_pipe.txt")
    with bounded(HANG_SECONDS):
        message = error_for(folder)
        with pytest.raises(CorpusError, match="a named pipe"):
            read_text_file(folder / "2017-10-16_fr_pipe.txt")
    assert "2017-10-16_fr_pipe.txt: a named pipe (FIFO), not a regular text file" in message
    assert "Fix: remove it from the texts folder" in message


def test_socket_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a short relative path: socket paths are limited to about 100 bytes
    os.mkdir("t")
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind("t/2016-02-01_fr_s.txt")
        message = error_for("t")
    finally:
        server.close()
    assert "2016-02-01_fr_s.txt: a socket, not a regular text file" in message and "Fix: remove it" in message


def test_dangling_link(write_text):
    folder = write_text()
    (folder / "2017-10-16_fr_gone.txt").symlink_to("moved-away.txt")
    message = error_for(folder)
    assert "2017-10-16_fr_gone.txt: a symbolic link to moved-away.txt, which does not exist" in message
    assert "Fix: remove the link, or put the text file itself in the texts folder" in message


def test_link_loop(write_text):
    folder = write_text()
    (folder / "2017-10-16_fr_a.txt").symlink_to("2017-10-16_fr_b.txt")
    (folder / "2017-10-16_fr_b.txt").symlink_to("2017-10-16_fr_a.txt")
    message = error_for(folder)
    assert "2017-10-16_fr_a.txt: a symbolic link to 2017-10-16_fr_b.txt that cannot be followed" in message
    assert "Fix: remove the link" in message


@pytest.mark.parametrize("target", ["/dev/zero", "outside"])
def test_link_outside_the_folder(write_text, tmp_path, target):
    folder = write_text()
    if target == "outside":  # a good text, but not in the folder
        target = tmp_path / "elsewhere.txt"
        target.write_bytes((folder / NAME).read_bytes().replace(b"2016-02-01", b"2017-10-16"))
    (folder / "2017-10-16_fr_link.txt").symlink_to(target)
    with bounded(HANG_SECONDS):
        message = error_for(folder, max_bytes=10_000)  # should the check fail, /dev/zero is read no further
    assert f"2017-10-16_fr_link.txt: a symbolic link to {target}, outside the texts folder" in message
    assert "Fix: copy the text file into the texts folder instead of linking to it" in message


def test_link_to_a_regular_file_inside_the_folder_is_read(write_text):
    folder = write_text()
    hidden = folder / ".store"
    hidden.mkdir()
    (folder / NAME).rename(hidden / "kept.txt")
    (folder / NAME).symlink_to(".store/kept.txt")
    assert load_corpus(folder).loc[0, "text"] == "Les deux pays coopèrent."


def test_link_inside_the_folder_to_a_directory(write_text):
    folder = write_text()
    (folder / ".store").mkdir()
    (folder / "2017-10-16_fr_link.txt").symlink_to(".store")
    message = error_for(folder)
    assert "2017-10-16_fr_link.txt: a symbolic link to" in message and "which is a directory" in message


def test_file_over_the_size_limit_is_refused_before_reading(write_text):
    folder = write_text()
    huge = folder / "2017-10-16_fr_huge.txt"
    huge.write_bytes(b"---\n")
    os.truncate(huge, MAX_FILE_BYTES + 1)  # sparse: nothing is written, and nothing must be read
    start = time.process_time()  # CPU time: reading the file would cost it, whatever else the machine runs
    message = error_for(folder)
    assert time.process_time() - start < 0.5
    assert f"2017-10-16_fr_huge.txt: the file is {MAX_FILE_BYTES + 1:,} bytes, more than the limit of " \
           f"{MAX_FILE_BYTES:,} bytes" in message
    assert "raise the limit: load_corpus(folder, max_bytes=…)" in message


def test_max_bytes_lowers_or_raises_the_limit(write_text):
    folder = write_text()
    size = (folder / NAME).stat().st_size
    message = error_for(folder, max_bytes=size - 1)
    assert f"{NAME}: the file is {size:,} bytes, more than the limit of {size - 1:,} bytes" in message
    assert len(load_corpus(folder, max_bytes=size)) == 1
    assert MAX_FILE_BYTES == 100 * 1024 * 1024
