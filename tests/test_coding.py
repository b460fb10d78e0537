"""Hand coding: the coded sentences match the texts, reliability, shares, and the dictionary's validation."""

import math
import re
import shutil

import pandas as pd
import pytest
from scipy.stats import binomtest

from valduchesse.coding import (
    CODES, FURNITURE, THEMES, CodingError, agreement, check_coding, check_quotes, coding_sheet, coding_units,
    commitments, hand_shares, indicators, like_for_like, most_complete_text, read_coding,
)
from valduchesse.validation import (
    dictionary_validation, sample_validation, split_half,
)
from valduchesse.corpus import load_corpus
from valduchesse.intervals import wilson
from valduchesse.themes import load_themes

from conftest import ROOT, TEXTS

CODING = ROOT / "coding" / "sentences.csv"
CODEBOOK = ROOT / "coding" / "CODEBOOK.md"


@pytest.fixture(scope="module")
def documents():
    return load_corpus(TEXTS)


@pytest.fixture(scope="module")
def coded():
    return read_coding(CODING)


# --- the committed coding against the texts ----------------------------------------------


def test_every_sentence_of_the_texts_is_coded_and_every_coded_sentence_is_in_the_texts(coded, documents):
    problems = check_coding(coded, coding_units(documents))
    assert problems.empty, (
        "coding/sentences.csv is stale: " + "; ".join(f"{u} {p}" for u, p in zip(problems["unit_id"], problems["problem"]))
        + ". Fix: " + (problems["fix"].iloc[0] if len(problems) else ""))


def test_coded_offsets_give_the_coded_text(coded, documents):
    bodies = documents.set_index("doc_id")["text"]
    for row in coded.itertuples(index=False):
        assert bodies[row.doc_id][row.start:row.end] == row.text, row.unit_id


def test_reliability_reaches_the_threshold_on_every_theme_coded_often_enough(coded):
    table = agreement(coded)
    often = table[(table["coded_a"] >= 3) | (table["coded_b"] >= 3)]
    assert not often.empty
    low = often[often["kappa"] < 0.8]
    assert low.empty, f"kappa below 0.8: {low[['theme', 'kappa']].to_dict('records')}; revise the codebook and recode"


def test_the_final_code_is_the_coders_code_where_they_agree_and_a_note_says_why_where_not(coded):
    same = coded["coder_a"].map(lambda v: set(v.split(";"))) == coded["coder_b"].map(lambda v: set(v.split(";")))
    assert (coded.loc[same, "final"] == coded.loc[same, "coder_a"]).all()
    assert coded.loc[~same, "note"].str.startswith("adjudicated").all()


def test_furniture_sentences_are_marked_furniture_in_the_statement_column_too(coded):
    assert ((coded["final"] == FURNITURE) == (coded["statement"] == FURNITURE)).all()


def test_the_codebook_lists_exactly_the_codes_and_the_dictionary_follows_it():
    codes = re.findall(r"^\| `([a-z_]+)` \|", CODEBOOK.read_text(encoding="utf-8"), flags=re.MULTILINE)
    assert tuple(codes) == THEMES + (FURNITURE,)
    assert load_themes(ROOT / "themes.yml").themes == list(THEMES)


def test_every_quote_of_the_decisions_table_is_in_the_texts(coded, documents):
    table = commitments(most_complete_text(coded, documents, "fr"))
    assert len(table) > 0
    assert check_quotes(table, documents) == []


def test_a_quote_that_is_not_in_the_texts_is_reported(documents):
    table = pd.DataFrame({"unit_id": ["2016-02-01_fr_archive-premier-be#3", "nowhere#1"],
                          "quote": ["Les deux pays ont décidé de tout …", "anything"]})
    assert check_quotes(table, documents) == ["2016-02-01_fr_archive-premier-be#3", "nowhere#1"]


# --- stale coding: reported, not a crash -------------------------------------------------


def test_a_changed_or_new_text_makes_the_coding_stale_with_a_fix(coded, tmp_path):
    folder = tmp_path / "texts"
    shutil.copytree(TEXTS, folder)
    path = folder / "2016-02-01_fr_archive-premier-be.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("Réunis aujourd’hui", "Réunis hier").replace(
        "chars: 1888", "chars: 1881"), encoding="utf-8")
    problems = check_coding(coded, coding_units(load_corpus(folder)))
    changed = problems[problems["problem"] == "changed"]
    assert "2016-02-01_fr_archive-premier-be#2" in set(changed["unit_id"])
    assert changed["fix"].str.contains("coding/sentences.csv").all()


def test_a_longer_text_after_fetch_leaves_its_new_sentences_uncoded(coded, tmp_path):
    folder = tmp_path / "texts"
    shutil.copytree(TEXTS, folder)
    path = folder / "2016-02-01_fr_archive-premier-be.txt"
    added = "\nLes deux pays coopèrent aussi contre le trafic de drogue."
    text = path.read_text(encoding="utf-8")
    path.write_text(text.rstrip("\n") + added + "\n", encoding="utf-8")
    path.write_text(path.read_text(encoding="utf-8").replace("chars: 1888", f"chars: {1888 + len(added)}"), encoding="utf-8")
    problems = check_coding(coded, coding_units(load_corpus(folder)))
    assert "uncoded" in set(problems["problem"])


def test_a_removed_text_leaves_its_sentences_gone(coded, tmp_path):
    folder = tmp_path / "texts"
    shutil.copytree(TEXTS, folder)
    (folder / "2016-02-01_fr_archive-premier-be.txt").unlink()
    problems = check_coding(coded, coding_units(load_corpus(folder)))
    assert set(problems["problem"]) == {"gone"} and len(problems) == (coded["doc_id"] == "2016-02-01_fr_archive-premier-be").sum()


# --- reading a coded sheet ---------------------------------------------------------------


def write_sheet(tmp_path, rows):
    path = tmp_path / "coded.csv"
    pd.DataFrame(rows, columns=["unit_id", "coder_a", "coder_b", "final"]).to_csv(path, index=False)
    return path


@pytest.mark.parametrize("value, message", [
    ("justise", "unknown code 'justise'"),
    ("furniture;justice", "'furniture' and 'none' stand alone"),
    ("", "no code"),
])
def test_a_bad_code_names_the_file_the_unit_and_the_column(tmp_path, value, message):
    path = write_sheet(tmp_path, [["a#1", "justice", value, "justice"]])
    with pytest.raises(CodingError, match=message) as error:
        read_coding(path)
    assert str(path) in str(error.value) and "unit a#1" in str(error.value) and "'coder_b'" in str(error.value)
    assert "Fix:" in str(error.value)


def test_a_unit_coded_twice_or_a_missing_column_is_an_error(tmp_path):
    with pytest.raises(CodingError, match="a#1 coded twice"):
        read_coding(write_sheet(tmp_path, [["a#1", "cyber", "cyber", "cyber"]] * 2))
    path = tmp_path / "short.csv"
    pd.DataFrame({"unit_id": ["a#1"], "coder_a": ["cyber"]}).to_csv(path, index=False)
    with pytest.raises(CodingError, match="missing column"):
        read_coding(path)


def test_a_coding_sheet_gives_each_sentence_with_the_one_before(documents, tmp_path):
    units = coding_units(documents)
    sheet = coding_sheet(units, tmp_path / "sheet.csv")
    assert list(sheet["unit_id"]) == list(units["unit_id"])
    assert sheet["previous"].iloc[1] == units["text"].iloc[0] and sheet["previous"].iloc[0] == ""
    sample = coding_sheet(units, tmp_path / "sample.csv", sample=20, seed=1)
    assert len(sample) == 20 and sample.index.is_monotonic_increasing
    assert list(pd.read_csv(tmp_path / "sample.csv")["unit_id"]) == list(sample["unit_id"])
    assert list(coding_sheet(units, tmp_path / "again.csv", sample=20, seed=1)["unit_id"]) == list(sample["unit_id"])


def test_coding_units_leave_out_headings_and_keep_offsets(documents):
    units = coding_units(documents)
    assert units["unit_id"].is_unique
    assert not units["text"].str.match(r"^\d\. ").any()
    bodies = documents.set_index("doc_id")["text"]
    assert all(bodies[d][s:e] == t for d, s, e, t in zip(units["doc_id"], units["start"], units["end"], units["text"]))


# --- statistics --------------------------------------------------------------------------


def test_agreement_matches_cohens_kappa_worked_by_hand():
    # 10 sentences; A codes justice on 1-4, B on 1-3 and 5: a=3 both, b=1, c=1, d=5 neither
    a = ["justice"] * 4 + ["none"] * 6
    b = ["justice"] * 3 + ["none", "justice"] + ["none"] * 5
    table = agreement(pd.DataFrame({"coder_a": a, "coder_b": b}), themes=("justice",)).iloc[0]
    observed, expected = 0.8, 0.4 * 0.4 + 0.6 * 0.6
    assert table["agreement"] == pytest.approx(observed)
    assert table["kappa"] == pytest.approx((observed - expected) / (1 - expected))
    # Krippendorff's alpha for two coders, nominal: 1 - (n - 1) * disagreements / expected pairs
    n, pairs_disagree = 20, 2 * 2
    ones = 8
    assert table["alpha"] == pytest.approx(1 - (n - 1) * pairs_disagree / (2 * ones * (n - ones)))


def test_agreement_is_undefined_for_a_theme_nobody_used():
    table = agreement(pd.DataFrame({"coder_a": ["none"], "coder_b": ["none"]}), themes=("cyber",)).iloc[0]
    assert math.isnan(table["kappa"]) and math.isnan(table["alpha"])


def test_wilson_interval_matches_the_formula_and_scipy():
    z = 1.959963984540054
    for k, n in [(0, 6), (2, 3), (3, 6), (10, 61), (11, 11)]:
        p = k / n
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
        low, high = wilson(k, n)
        assert low == pytest.approx(max(0.0, centre - half), abs=1e-9)
        assert high == pytest.approx(min(1.0, centre + half), abs=1e-9)
        reference = binomtest(k, n).proportion_ci(method="wilson")
        assert (low, high) == pytest.approx((reference.low, reference.high), abs=1e-9)
    assert wilson(0, 6)[1] > 0.3  # no interval of width 0 for 0/6
    assert all(math.isnan(v) for v in wilson(0, 0))
    with pytest.raises(ValueError, match="between 0 and 1"):
        wilson(1, 2, confidence=95)


def test_hand_shares_leave_furniture_out_of_the_denominator():
    coded = pd.DataFrame({"meeting_date": ["m"] * 4, "final": ["furniture", "cyber", "cyber;justice", "none"]})
    table = hand_shares(coded, by=["meeting_date"]).set_index("theme")
    assert table.loc["cyber", ["sentences", "coded"]].tolist() == [3, 2]
    assert table.loc["justice", "share"] == pytest.approx(1 / 3)
    assert table.loc["cyber", "low"] < 2 / 3 < table.loc["cyber", "high"]


def test_split_half_is_fixed_by_the_id_and_about_half():
    ids = pd.Series([f"doc#{i}" for i in range(400)])
    split = split_half(ids)
    assert split.equals(split_half(ids)) and 150 < (split == "held-out").sum() < 250
    more = split_half(pd.concat([ids, pd.Series(["new#1", "new#2"])], ignore_index=True))
    assert more.iloc[:400].equals(split)
    assert not split.equals(split_half(ids, seed=1))


def test_dictionary_validation_worked_by_hand():
    truth = pd.DataFrame({"cyber": [1, 1, 1, 0, 0], "justice": [0, 0, 0, 0, 0]})
    predicted = pd.DataFrame({"cyber": [1, 1, 0, 1, 0], "justice": [0, 0, 0, 0, 0]})
    table = dictionary_validation(truth, predicted).set_index("theme")
    assert table.loc["cyber", ["coded", "matched", "hits"]].tolist() == [3, 3, 2]
    assert table.loc["cyber", "precision"] == pytest.approx(2 / 3)
    assert table.loc["cyber", "recall"] == pytest.approx(2 / 3)
    assert table.loc["cyber", "f1"] == pytest.approx(2 / 3)
    assert math.isnan(table.loc["justice", "f1"])


def test_indicators_give_one_column_per_theme():
    table = indicators(pd.Series(["cyber;justice", "none"]), themes=("cyber", "justice", "victims"))
    assert table.to_dict("list") == {"cyber": [1, 0], "justice": [1, 0], "victims": [0, 0]}


def test_most_complete_text_prefers_a_full_text_then_the_longest_version_and_never_pools_translations():
    rows = [
        ("m1", "fr", "opening excerpt", 1, 0), ("m1", "nl", "full text", 1, 0), ("m1", "nl", "full text", 1, 50),
        ("m2", "fr", "opening excerpt", 1, 0), ("m2", "fr", "later excerpt", 2, 0), ("m2", "de", "opening excerpt", 1, 0),
        ("m3", "de", "opening excerpt", 1, 0), ("m3", "en", "opening excerpt", 1, 0), ("m3", "en", "opening excerpt", 1, 9),
        ("m4", "de", "opening excerpt", 1, 0), ("m4", "fr", "opening excerpt", 1, 0),
    ]
    coded = pd.DataFrame(rows, columns=["meeting_date", "language", "coverage", "part", "start"])
    chars = [("m1", "fr", "opening excerpt", 1900), ("m1", "nl", "full text", 13000),
             ("m2", "fr", "opening excerpt", 1800), ("m2", "fr", "later excerpt", 1800), ("m2", "de", "opening excerpt", 1950),
             ("m3", "de", "opening excerpt", 2000), ("m3", "en", "opening excerpt", 1990),
             ("m4", "de", "opening excerpt", 1900), ("m4", "fr", "opening excerpt", 1900)]
    documents = pd.DataFrame(chars, columns=["meeting_date", "language", "coverage", "chars"])
    held = most_complete_text(coded, documents, "fr")
    texts = held.drop_duplicates(["meeting_date", "held"]).set_index("meeting_date")["held"]
    assert texts.to_dict() == {"m1": "full text (nl)", "m2": "opening + later excerpt (fr)", "m3": "opening (de)",
                               "m4": "opening (fr)"}  # the longest version; a tie goes to the preferred language
    assert like_for_like(coded, held, "fr").drop_duplicates("held")["held"].tolist() == ["opening (fr)"]


def test_codes_hold_the_themes_then_furniture_and_none():
    assert CODES[: len(THEMES)] == THEMES and CODES[len(THEMES):] == ("furniture", "none")


def test_a_student_validates_the_dictionary_on_a_sheet_of_their_own_sentences(write_text, tmp_path):
    folder = write_text(body="Les deux pays luttent contre la drogue.\nIls renforcent la coopération policière.")
    dictionary = load_themes(ROOT / "themes.yml")
    units = coding_units(load_corpus(folder))
    sheet = coding_sheet(units, tmp_path / "sheet.csv")
    sheet["codes"] = ["drugs_and_organised_crime", "police_and_intelligence;justice"]  # coded by hand
    sheet.to_csv(tmp_path / "coded.csv", index=False)

    message, scores = sample_validation(tmp_path / "coded.csv", "codes", units, dictionary)

    assert message.startswith("2 hand-coded substantive sentences")
    scores = scores.set_index("theme")
    assert set(scores["part"]) == {"all"}
    assert scores.loc["drugs_and_organised_crime", ["coded", "hits"]].tolist() == [1, 1]
    assert scores.loc["justice", ["coded", "matched", "recall"]].tolist() == [1, 0, 0.0]


def test_a_sheet_that_does_not_match_the_texts_is_said_so_not_scored(write_text, tmp_path):
    folder = write_text(body="Les deux pays luttent contre la drogue.")
    message, scores = sample_validation(CODING, "final", coding_units(load_corpus(folder)), load_themes(ROOT / "themes.yml"))
    assert message.startswith("none of the hand-coded sentences") and scores.empty


def test_a_students_own_theme_is_a_valid_code_of_their_sheet(write_text, tmp_path):
    folder = write_text(body="Les deux pays investissent dans l’hydrogène.")
    themes_file = tmp_path / "themes.yml"
    themes_file.write_text("themes:\n  energy:\n    fr: [hydrogène]\n", encoding="utf-8")
    units = coding_units(load_corpus(folder))
    sheet = coding_sheet(units, tmp_path / "sheet.csv").assign(codes="energy")
    sheet.to_csv(tmp_path / "coded.csv", index=False)
    _, scores = sample_validation(tmp_path / "coded.csv", "codes", units, load_themes(themes_file))
    assert scores.set_index("theme").loc["energy", "f1"] == 1.0
    sheet.assign(codes="cyber").to_csv(tmp_path / "wrong.csv", index=False)
    with pytest.raises(CodingError, match="unknown code 'cyber'"):
        sample_validation(tmp_path / "wrong.csv", "codes", units, load_themes(themes_file))
