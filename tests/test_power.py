"""valduchesse.power on small hand-made corpora: offsets, sources, exact detection curves and sentences."""

import pandas as pd
import pytest

from valduchesse.corpus import load_corpus, write_text_file
from valduchesse.power import (
    DICTIONARY, HAND, comparisons, detection, detection_curve, first_sentences, openings_held, theme_sentences,
)
from valduchesse.prose.power import power_sentences
from valduchesse.themes import load_themes

FULL = ("Opening words here.\n"             # 0..19, no theme
        "The police will work together.\n"  # 20..50, hand-coded police
        "Drug trafficking will be fought.\n"  # 51..83, hand-coded drugs
        "Cyber attacks are a threat.")       # 84..111, not coded: the dictionary says cyber
THEMES_YML = """themes:
  police:
    label: Police
    en: [police]
  drugs:
    label: Drugs
    en: [drug]
  cyber:
    label: Cyber
    en: [cyber]
"""
LABELS = {"police": "Police", "drugs": "Drugs", "cyber": "Cyber"}


def header(date, coverage):
    return dict(meeting_date=date, place="Brussels", language="en", kind="joint declaration",
                title="Test text (test data, not an official text)", source_url="https://example.org/test",
                coverage=coverage)


def opening(n):
    """An English opening of exactly ``n`` characters."""
    return "w" * (n - 1) + "."


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "texts"
    folder.mkdir()
    write_text_file(FULL, folder / "2021-11-22_en_full.txt", **header("2021-11-22", "full text"))
    write_text_file(opening(30), folder / "2016-02-01_en_open.txt", **header("2016-02-01", "opening excerpt"))
    write_text_file(opening(60), folder / "2018-06-11_en_open.txt", **header("2018-06-11", "opening excerpt"))
    themes_file = tmp_path / "themes.yml"
    themes_file.write_text(THEMES_YML, encoding="utf-8")
    return folder, load_themes(themes_file)


def hand_codes(doc_id="2021-11-22_en_full"):
    rows = []
    for text, code in [("Opening words here.", "none"), ("The police will work together.", "police"),
                       ("Drug trafficking will be fought.", "drugs")]:
        start = FULL.index(text)
        rows.append({"doc_id": doc_id, "start": start, "end": start + len(text), "text": text, "final": code})
    return pd.DataFrame(rows)


def test_offsets_and_sources(corpus):
    folder, dictionary = corpus
    documents = load_corpus(folder)
    themed = theme_sentences(documents, hand_codes(), dictionary)
    assert themed[["theme", "start", "source", "first"]].values.tolist() == [
        ["police", 20, HAND, True], ["drugs", 51, HAND, True], ["cyber", 84, DICTIONARY, True]]
    # without a dictionary the uncoded sentence is left out; a stale hand code is not used
    assert theme_sentences(documents, hand_codes(), None)["theme"].tolist() == ["police", "drugs"]
    stale = hand_codes().assign(start=lambda t: t["start"] + 1)
    assert set(theme_sentences(documents, stale, dictionary)["source"]) == {DICTIONARY}


def test_detection_curve_exact_values(corpus):
    folder, dictionary = corpus
    documents = load_corpus(folder)
    first = first_sentences(theme_sentences(documents, hand_codes(), dictionary), documents)
    assert first[["theme", "first_start", "sentences", "chars"]].values.tolist() == [
        ["police", 20, 1, len(FULL)], ["drugs", 51, 1, len(FULL)], ["cyber", 84, 1, len(FULL)]]
    curve = detection_curve(first, [85, 0, 20, 21, 51, 52, 84])
    assert curve["length"].tolist() == [0, 20, 21, 51, 52, 84, 85]
    assert curve["shown"].tolist() == [0, 0, 1, 1, 2, 2, 3]
    assert curve["share"].tolist() == pytest.approx([0, 0, 1 / 3, 1 / 3, 2 / 3, 2 / 3, 1])
    assert curve["shown_themes"].iloc[4] == "police, drugs"
    with pytest.raises(ValueError, match="0 or more"):
        detection_curve(first, [-1])


def test_detection_per_comparison_and_sentence(corpus):
    folder, dictionary = corpus
    documents = load_corpus(folder)
    first = first_sentences(theme_sentences(documents, hand_codes(), dictionary), documents)
    openings = openings_held(documents)
    assert openings["chars"].tolist() == [30, 60]
    assert comparisons(openings)[["comparison", "openings", "shortest", "longest"]].values.tolist() == [
        ["en openings", 2, 30, 60]]
    table = detection(first, openings).set_index("theme")
    assert table.loc["police", "verdict"] == "every opening could show it"
    assert table.loc["drugs", "verdict"] == "some openings could show it"
    assert table.loc["drugs", "reached_by"] == "2018-06-11"
    assert table.loc["cyber", "verdict"] == "no opening could show it"
    [sentence] = power_sentences(first, openings, LABELS)
    assert sentence.startswith("The 2016 and 2018 en openings (≤ 60 chars) could not show 1 of the 3 themes")
    assert "Cyber 84" in sentence and "Police and Drugs" in sentence


def test_a_fetched_full_text_is_used_automatically(corpus):
    folder, dictionary = corpus
    (folder / "2016-02-01_en_open.txt").unlink()
    write_text_file("Cyber attacks are a threat.\nThe police will work together.", folder / "2016-02-01_en_full.txt",
                    **header("2016-02-01", "full text"))
    documents = load_corpus(folder)
    first = first_sentences(theme_sentences(documents, hand_codes(), dictionary), documents)
    assert sorted(set(first["doc_id"])) == ["2016-02-01_en_full", "2021-11-22_en_full"]
    early = first[first["doc_id"] == "2016-02-01_en_full"].set_index("theme")["first_start"].to_dict()
    assert early == {"cyber": 0, "police": 28}
    # one opening left (2018), of one meeting: no cross-meeting comparison of openings remains
    assert comparisons(openings_held(documents)).empty
    assert "No comparison" in power_sentences(first, openings_held(documents), LABELS)[0]


def test_no_complete_text(corpus):
    folder, dictionary = corpus
    (folder / "2021-11-22_en_full.txt").unlink()
    documents = load_corpus(folder)
    themed = theme_sentences(documents, hand_codes(), dictionary)
    assert themed.empty
    first = first_sentences(themed, documents)
    assert power_sentences(first, openings_held(documents))[0].startswith("No theme is located in a complete text")


def test_bad_documents_are_refused():
    with pytest.raises(ValueError, match="load_corpus"):
        openings_held(pd.DataFrame({"doc_id": ["a"]}))


def test_themes_coded_in_an_opening_check_the_stand_in(tmp_path):
    """An opening that speaks of a theme the complete text starts beyond its length breaks the order assumption."""
    from valduchesse.power import observed_in_openings
    folder = tmp_path / "texts"
    folder.mkdir()
    early = "Drug trade grows."  # 0..17: drugs, which the complete text starts at 51
    write_text_file(FULL, folder / "2021-11-22_en_full.txt", **header("2021-11-22", "full text"))
    write_text_file(early + "w" * 12 + ".", folder / "2018-06-11_en_open.txt", **header("2018-06-11", "opening excerpt"))
    write_text_file(opening(30), folder / "2016-02-01_en_open.txt", **header("2016-02-01", "opening excerpt"))
    documents = load_corpus(folder)
    coded = pd.concat([hand_codes(), pd.DataFrame([{"doc_id": "2018-06-11_en_open", "start": 0, "end": len(early),
                                                    "text": early, "final": "drugs"}])], ignore_index=True)
    first = first_sentences(theme_sentences(documents, coded, None), documents)
    observed = observed_in_openings(coded, documents, first)
    assert observed[["doc_id", "theme", "observed_start", "complete_first_start", "order_says", "breaks_order"]
                    ].values.tolist() == [["2018-06-11_en_open", "drugs", 0, 51, "could not show it", True]]
    [said] = power_sentences(first, openings_held(documents), LABELS, observed)
    assert "could not show 0 of" not in said
    before, after = said.split("These figures hold only if")
    assert "could show every other theme" in before and "Drugs" not in before
    assert "Drugs (complete text 51; coded in the 2018 opening at 0)" in after
    # without the check, drugs stays among what the openings could not show
    [plain] = power_sentences(first, openings_held(documents), LABELS)
    assert "Drugs 51" in plain and "These figures" not in plain
    # a text changed since the coding is not checked; no hand codes, nothing to check
    assert observed_in_openings(coded.assign(text="changed"), documents, first).empty
    assert observed_in_openings(None, documents, first).empty
