"""Captions and alt texts: computed from the data a figure shows, no machine path, coverage said once, the subject first."""

import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from conftest import ROOT  # noqa: E402

from valduchesse.corpus import load_corpus  # noqa: E402
from valduchesse.corpus_views import comparable_openings  # noqa: E402
from valduchesse.plotting.captions import (  # noqa: E402
    agenda_caption, availability_caption, coverage_phrase, detection_caption, figure_description, figure_subject,
    folder_label, hand_shares_caption,
)
from valduchesse.plotting.style import empty_figure, save_figure  # noqa: E402
from valduchesse.report.png import png_description  # noqa: E402

FIGURES = ROOT / "figures"
COVERAGES = ("full text", "opening excerpt", "later excerpt")


def rows(*texts):
    """A comparison table: (coverage, characters compared, characters of the text) per text."""
    return pd.DataFrame(texts, columns=["coverage", "chars", "original_chars"])


def test_the_subject_of_a_figure_is_its_title():
    fig, ax = plt.subplots()
    ax.set_title("Counts per meeting")
    assert figure_subject(fig) == "Counts per meeting"
    fig.suptitle("Terms of  each text\ndotted: G² = 3.84")
    assert figure_subject(fig) == "Terms of each text"  # the first line: the others are legends
    plt.close(fig)
    untitled, _ = plt.subplots()
    assert figure_subject(untitled) is None
    assert figure_description(untitled, "How it was made.") == (None, "How it was made.")
    plt.close(untitled)


def test_the_description_says_what_the_figure_shows_then_how():
    fig = empty_figure("Shares per theme", "Nothing to plot.")
    assert figure_description(fig, "Sentences coded by hand.") == (
        "Shares per theme", "Shares per theme. Sentences coded by hand.")
    assert figure_description(fig, "Shares per theme, per meeting.")[1] == "Shares per theme, per meeting."
    plt.close(fig)


def test_save_figure_writes_the_title_and_a_description_that_starts_with_it(tmp_path):
    fig = empty_figure("What is shown", "Nothing to plot.")
    png, _ = save_figure(fig, "f", tmp_path, "How it was computed.")
    data = png.read_bytes()
    assert png_description(data, "Title") == "What is shown"
    assert png_description(data) == "What is shown. How it was computed."


@pytest.mark.parametrize("path, label", [
    ("../texts", "texts"), ("/home/ana/thesis/my_texts", "my_texts"), ("my_texts/", "my_texts"),
    ("../coding/sentences.csv", "coding/sentences.csv"), ("/srv/data/coding/mine.csv", "coding/mine.csv"),
    ("sheet.csv", "sheet.csv"),
])
def test_folders_are_named_without_the_machines_path(path, label):
    assert folder_label(path) == label


def test_coverage_is_said_once():
    # the default cut: the shortest text sets the length, the others are cut to it
    shortest = rows(("opening excerpt", 1779, 1779), ("opening excerpt", 1775, 1900), ("opening excerpt", 1770, 1908))
    assert coverage_phrase(shortest) == "opening excerpts, each cut at a word end within 1,779 characters"
    whole = rows(("opening excerpt", 1779, 1779), ("opening excerpt", 1908, 1908))
    assert coverage_phrase(whole) == "opening excerpts, whole (1,779–1,908 characters)"
    mixed = rows(("full text", 1957, 13323), ("opening excerpt", 1960, 1960), ("opening excerpt", 1957, 1981))
    assert coverage_phrase(mixed) == "full text and opening excerpts, each cut at a word end within 1,960 characters"
    one = rows(("full text", 642, 642))
    assert coverage_phrase(one) == "full text, whole (642 characters)"
    for table in (shortest, whole, mixed, one):
        phrase = coverage_phrase(table)
        for coverage in COVERAGES:
            assert phrase.count(coverage) <= 1, phrase
    without_cut = pd.DataFrame({"coverage": ["full text", "full text"], "chars": [500, 800]})
    assert coverage_phrase(without_cut) == "full texts, whole (500–800 characters)"


def test_coverage_of_the_projects_openings_is_said_once():
    documents = load_corpus(ROOT / "texts")
    for language in sorted(set(documents["language"])):
        phrase = coverage_phrase(comparable_openings(documents, language))
        assert all(phrase.count(coverage) <= 1 for coverage in COVERAGES), phrase
        assert "within" in phrase or "whole" in phrase


def test_hand_shares_caption_states_only_what_its_texts_are():
    shares = pd.DataFrame({"meeting_date": pd.to_datetime(["2030-01-01", "2031-05-02"]),
                           "held": ["opening (fr)", "full text (en)"]})
    caption = hand_shares_caption(shares, 0.9, "/home/ana/my_codes/sheet.csv")
    assert "except the full text of 2031-05-02" in caption and "90% Wilson" in caption
    assert "my_codes/sheet.csv" in caption and "/home" not in caption
    assert not re.search(r"20(16|17|18|21)|Val Duchesse|declaration", caption), caption
    assert "Every meeting is held as a full text" in hand_shares_caption(shares.iloc[1:], 0.95, "codes.csv")
    assert "no full text is held" in hand_shares_caption(shares.iloc[:1], 0.95, "codes.csv")
    empty = hand_shares_caption(shares.iloc[:0], 0.95, "../coding/sentences.csv")
    assert "No sentence of these texts is coded in coding/sentences.csv" in empty and "CODING_FILE" in empty
    assert not re.search(r"20(16|17|18|21)|Val Duchesse", empty)


def test_availability_and_agenda_captions_come_from_the_data():
    documents = pd.DataFrame({"file": ["/x/a.txt", "/x/b.txt", "/x/c.txt"], "coverage": ["full text"] * 3,
                              "kind": ["report", "report", "letter"],
                              "meeting_date": pd.to_datetime(["2030-01-01", "2031-01-01", "2032-01-01"])})
    assert availability_caption(documents, "/abs/where/my_texts").startswith(
        "Files in my_texts/: 3 (every one a full text).")
    units = pd.DataFrame({"meeting_date": ["2030-01-01", "2031-01-01", "2032-01-01"],
                          "file": ["a.txt", "b.txt", "c.txt"]})
    caption = agenda_caption(units, documents, ["headings"])
    assert caption.endswith("The 2032-01-01 column is a letter, not a report; every unit comes from a complete text.")
    assert not re.search(r"20(16|17|18|21)|Val Duchesse|communiqu", caption), caption


def test_committed_figures_describe_their_subject_first_without_paths_or_repeated_coverage():
    pngs = sorted(FIGURES.glob("*.png"))
    assert pngs
    for path in pngs:
        data = path.read_bytes()
        title, description = png_description(data, "Title"), png_description(data)
        assert title and description and description.startswith(title), path.name
        assert not re.search(r"(^|[\s(])(/\w|\.\./|~/|[A-Z]:\\)", description), (path.name, description)
        for coverage in COVERAGES:
            assert len(re.findall(rf"{coverage}s?\b,? (?:cut|whole)", description)) <= 1, (path.name, description)


def test_detection_caption_names_its_complete_texts_and_counts_the_openings_held():
    themed = pd.DataFrame({"doc_id": ["a_nl", "a_nl"]})
    openings = pd.DataFrame({"meeting_date": ["2020-01-01", "2021-01-01"], "language": ["fr", "fr"], "chars": [900, 1800]})
    caption = detection_caption(themed, openings)
    assert caption.startswith("Complete text held: a_nl. One mark per sentence about a theme")
    assert "the lengths of the 2 openings held" in caption
    assert caption.endswith("the complete text stands in for the texts held only as openings.")
    two = detection_caption(pd.DataFrame({"doc_id": ["b", "a"]}), openings.iloc[:1])
    assert two.startswith("Complete texts held: a, b.") and "the 1 opening held" in two and "texts stand in" in two
    assert detection_caption(themed, openings.iloc[:0]).endswith("No opening is held: no dashed line.")
    assert detection_caption(themed.iloc[:0], openings).startswith("No complete text is held")
    assert not any("declaration" in text for text in (caption, two))  # nothing of this project's genre
