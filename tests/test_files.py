"""valduchesse.files: the one input-error type and the safe reader (text files and comma-separated tables)."""

import pytest

from valduchesse.files import InputError, read_bytes, read_table, read_text


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


def test_read_table_reads_a_comma_separated_table_and_names_what_is_wrong(tmp_path):
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
