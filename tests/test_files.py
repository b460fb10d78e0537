"""valduchesse.files: the one error type, the safe reader, the strict YAML loader, the atomic write."""

import os
import stat

import pytest
import yaml

from valduchesse.fetch.allowlist import ALLOW_LIST_PATH
from valduchesse.files import (InputError, StrictLoader, YAMLRefused, load_yaml, parse_yaml, read_bytes, read_text,
                               replace_atomically, write_atomically)

from conftest import ROOT


def test_an_input_error_names_file_row_field_line_and_column():
    error = InputError.at("a.csv", "the value 'x' is not a number", "write digits", row=3, field="start",
                          field_kind="column")
    assert str(error) == "a.csv, row 3, column 'start': the value 'x' is not a number. Fix: write digits"
    assert (error.path, error.row, error.field, error.line) == ("a.csv", 3, "start", None)
    error = InputError.at("t.txt", "bad", "fix it", field="place", line=4, column=8)
    assert str(error) == "t.txt, field 'place', line 4, column 8: bad. Fix: fix it"
    assert isinstance(error, ValueError)


def test_the_reader_takes_a_bom_and_any_line_ends_and_refuses_what_is_too_big(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(b"\xef\xbb\xbfone\r\ntwo\rthree\n")
    assert read_text(path) == "one\ntwo\nthree\n"
    with pytest.raises(InputError, match=r"a.txt: the file is 18 bytes, more than the limit of 10 bytes"):
        read_bytes(path, max_bytes=10)
    with pytest.raises(InputError, match=r"missing.txt: the file cannot be read \(No such file or directory\)"):
        read_bytes(tmp_path / "missing.txt")


def test_the_strict_loader_reads_the_projects_yaml_as_the_safe_loader_does():
    for path in (ROOT / "themes.yml", ALLOW_LIST_PATH):
        assert load_yaml(path) == yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("text, problem", [
    ("a: &x 1\nb: *x\n", "an anchor ('&x')"),
    ("a: [" * 20 + "]" * 20, "nested more than 16 deep"),
    ("a: 1\na: 2\n", "the key 'a' is written twice in one mapping (lines 1 and 2)"),
    ("{a: 1, a: 2}", "the key 'a' is written twice in one mapping (line 1, columns 2 and 8)"),
    ("x:\n  2016-02-01: y\n", "the key datetime.date(2016, 2, 1) is not text"),
    ("true: 1\n", "the key True is not text"),
])
def test_the_strict_loader_refuses(text, problem):
    with pytest.raises(YAMLRefused) as error:
        parse_yaml(text)
    assert problem in error.value.problem


def test_a_subclass_of_the_loader_keeps_its_own_words():
    class Header(StrictLoader):
        what = "a header"

    with pytest.raises(YAMLRefused, match=r"are not allowed in a header"):
        parse_yaml("a: *x\n", Header)


def test_an_atomic_write_keeps_the_files_permissions_and_a_refusal_keeps_the_old_file(tmp_path):
    path = tmp_path / "run.sh"
    path.write_bytes(b"old")
    os.chmod(path, 0o750)
    write_atomically(path, "new é")
    assert path.read_bytes() == "new é".encode() and stat.S_IMODE(path.stat().st_mode) == 0o750

    def refuse(temporary):
        assert temporary.read_bytes() == b"newer" and temporary.parent == tmp_path
        raise ValueError("not this one")

    with pytest.raises(ValueError, match="not this one"):
        write_atomically(path, b"newer", verify=refuse)
    assert path.read_bytes() == "new é".encode() and sorted(p.name for p in tmp_path.iterdir()) == ["run.sh"]
    made = write_atomically(tmp_path / "new" / "file.txt", b"x")  # folders are made
    assert made.read_bytes() == b"x" and stat.S_IMODE(made.stat().st_mode) & 0o644 == 0o644
    with pytest.raises(RuntimeError):
        replace_atomically(tmp_path / "other.txt", lambda temporary: (_ for _ in ()).throw(RuntimeError()))
    assert not (tmp_path / "other.txt").exists() and sorted(p.name for p in tmp_path.iterdir()) == ["new", "run.sh"]


def test_read_table_reads_a_comma_separated_table_and_names_what_is_wrong(tmp_path):
    from valduchesse.files import read_table
    good = tmp_path / "units.csv"
    good.write_text("unit_id,passage_id\r\na#1,p1\r\na#2,\r\n", encoding="utf-8")
    table = read_table(good, ["unit_id", "passage_id"], "the passages")
    assert table.to_dict("list") == {"unit_id": ["a#1", "a#2"], "passage_id": ["p1", ""]}
    cases = {
        "semicolons.csv": ("unit_id;passage_id\na#1;p1\n".encode(), "row 1: the columns are separated by ';'"),
        "empty.csv": (b"", "the file is empty. Fix: give the passages, with its header line"),
        "latin1.csv": ("unit_id,passage_id\nü#1,p1\n".encode("latin-1"), "is not valid UTF-8"),
        "lacking.csv": (b"unit_id\na#1\n", "row 1: missing column(s) passage_id. Fix: the passages needs the columns"),
        "ragged.csv": (b'unit_id,passage_id\n"a#1,p1\n', "cannot be read as CSV"),
    }
    for name, (data, words) in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(InputError) as caught:
            read_table(path, ["unit_id", "passage_id"], "the passages")
        assert str(caught.value).startswith(str(path)) and words in str(caught.value), (name, str(caught.value))
