"""The fixed validation split by groups of passages: the committed split, its checks, the earlier split by sentence."""

import pandas as pd
import pytest

from valduchesse.coding import substantive
from valduchesse.validation_split import (
    PARTS, SPLIT_COLUMNS, SplitError, assign_split, read_split, split_half, split_summary,
)

from conftest import ROOT

SPLIT = ROOT / "coding" / "validation_split.csv"


# --- the committed split ---------------------------------------------------------------------


def test_every_current_sentence_is_in_one_group_and_each_part_has_sentences(split_coded):
    unassigned = split_coded.loc[split_coded["split"] == "unassigned", "unit_id"].tolist()
    assert unassigned == []
    assert set(split_coded["split"]) == set(PARTS)


def test_every_language_version_of_an_opening_is_in_its_meeting_s_group(split_coded):
    openings = split_coded[split_coded["coverage"] == "opening excerpt"]
    assert (openings.groupby("meeting_date")["group"].nunique() == 1).all()
    languages = openings.groupby("group")["language"].nunique()
    assert (languages >= 2).sum() >= 3  # 2016, 2017 and 2018: their translations sit together


def test_the_2021_french_opening_and_the_start_of_the_complete_text_share_a_group(split_coded):
    day = split_coded[split_coded["meeting_date"].astype(str).str.startswith("2021-11-22")]
    french = day[day["coverage"] == "opening excerpt"]
    start = day[(day["coverage"] == "full text") & (day["section_no"] <= french["section_no"].max())]
    assert french["group"].nunique() == 1 and set(start["group"]) == set(french["group"])
    later = day[(day["coverage"] == "full text") & (day["section_no"] > french["section_no"].max())]
    assert (later.groupby("section_no")["group"].nunique() == 1).all()
    assert later["group"].nunique() == later["section_no"].nunique()  # one group per later section


def test_the_split_follows_its_written_rule_alternately_development_and_test_in_document_order():
    split = read_split(SPLIT)
    groups = split.drop_duplicates("group").sort_values("order")
    assert groups["order"].tolist() == list(range(1, len(groups) + 1))
    expected = ["development" if order % 2 else "test" for order in groups["order"]]
    assert groups["part"].tolist() == expected
    assert split["rule"].nunique() == 1 and "alternately development and test" in split["rule"].iloc[0]
    keys = list(zip(groups["meeting_date"], groups["coverage"].map(
        {"opening excerpt": 0, "later excerpt": 1, "full text": 2}), groups["first"]))
    assert keys == sorted(keys)  # document order: meeting, then opening, later excerpt, complete text's sections


# --- reading the split: clear errors ----------------------------------------------------------


def write_split(tmp_path, rows, header=SPLIT_COLUMNS):
    path = tmp_path / "split.csv"
    lines = [",".join(header)] + [",".join(row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


GOOD = [("a", "1", "development", "2016-02-01", "opening excerpt", "all", "r"),
        ("b", "2", "test", "2021-11-22", "full text", "2-3", "r")]


def test_a_good_split_is_read_with_its_section_ranges(tmp_path):
    split = read_split(write_split(tmp_path, GOOD)).set_index("group")
    assert split.loc["a", "first"] == 0 and split.loc["a", "last"] is None
    assert (split.loc["b", "first"], split.loc["b", "last"]) == (2, 3)


@pytest.mark.parametrize("row, column, words", [
    (("a", "1", "dev", "2016-02-01", "opening excerpt", "all", "r"), "part", "'dev' is not a part"),
    (("a", "x", "development", "2016-02-01", "opening excerpt", "all", "r"), "order", "not a whole number"),
    (("a", "1", "development", "1.2.2016", "opening excerpt", "all", "r"), "meeting_date", "YYYY-MM-DD"),
    (("a", "1", "development", "2016-02-01", "opening", "all", "r"), "coverage", "not a coverage"),
    (("a", "1", "development", "2016-02-01", "opening excerpt", "one", "r"), "sections", "not a section list"),
    (("a", "1", "development", "2016-02-01", "full text", "3-1", "r"), "sections", "ends before it starts"),
    (("a", "1", "development", "2016-02-01", "opening excerpt", "all", ""), "rule", "empty"),
])
def test_a_bad_cell_is_named_by_file_row_and_column(tmp_path, row, column, words):
    path = write_split(tmp_path, [row, GOOD[1]])
    with pytest.raises(SplitError, match=f"split.csv, row 1, column '{column}'") as error:
        read_split(path)
    assert words in str(error.value) and "Fix:" in str(error.value)


def test_a_missing_column_a_missing_file_a_mixed_group_and_an_empty_part_are_refused(tmp_path):
    with pytest.raises(SplitError, match="missing column.*part"):
        read_split(write_split(tmp_path, [row[:2] + row[3:] for row in GOOD],
                               header=[c for c in SPLIT_COLUMNS if c != "part"]))
    with pytest.raises(SplitError, match="the file cannot be read .No such file"):
        read_split(tmp_path / "absent.csv")
    mixed = [GOOD[0], ("a", "1", "test", "2016-02-01", "later excerpt", "all", "r"), GOOD[1]]
    with pytest.raises(SplitError, match="rows 1, 2, column 'part'"):
        read_split(write_split(tmp_path, mixed))
    with pytest.raises(SplitError, match="no group in test"):
        read_split(write_split(tmp_path, [GOOD[0]]))


def test_a_sentence_in_two_groups_is_refused_and_one_in_none_is_unassigned(tmp_path):
    coded = pd.DataFrame({"unit_id": ["x#1", "x#2", "y#1"], "meeting_date": ["2021-11-22"] * 2 + ["2030-01-01"],
                          "coverage": ["full text"] * 3, "section_no": [2, 4, 0]})
    split = read_split(write_split(tmp_path, GOOD))
    assigned = assign_split(coded, split)
    assert assigned["split"].tolist() == ["test", "unassigned", "unassigned"]
    assert assigned["group"].tolist() == ["b", "", ""]
    overlapping = read_split(write_split(tmp_path, GOOD + [("c", "3", "development", "2021-11-22", "full text", "3", "r")]))
    with pytest.raises(SplitError, match="in two groups"):
        assign_split(coded.assign(section_no=[3, 4, 0]), overlapping)


# --- the earlier split by sentence, which guided revision 1 ----------------------------------


def test_split_half_the_first_revision_s_split_is_fixed_by_the_id():
    ids = pd.Series([f"doc#{i}" for i in range(400)])
    split = split_half(ids)
    assert split.equals(split_half(ids)) and 150 < (split == "held-out").sum() < 250


def test_split_summary_counts_each_group_s_sentences_and_those_that_guided_revision_1(split_coded):
    split = read_split(SPLIT)
    summary = split_summary(split_coded, split)
    kept = substantive(split_coded)
    assert summary["order"].tolist() == sorted(summary["order"]) and summary["sentences"].sum() == len(kept)
    guided = split_half(kept["unit_id"], 0) == "development"
    assert summary["in_revision_1_development"].sum() == guided.sum()
    test = summary[summary["part"] == "test"]
    assert test["in_revision_1_development"].sum() > 0  # revision 1 was guided by sentences now in the test part
    assert "in_revision_1_development" not in split_summary(split_coded, split, revision_seed=None).columns
