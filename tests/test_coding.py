"""Hand coding: the coded sentences match the texts, reliability, shares, and the dictionary's validation."""

import itertools
import math
import re
import shutil

import pandas as pd
import pytest
from scipy.stats import binomtest

from valduchesse.coding import (
    CODES, FURNITURE, THEMES, UNDECIDABLE, CodingError, check_codes, check_coding, check_quotes, coding_sheet, coding_units,
    commitments, hand_shares, indicators, like_for_like, most_complete_text, read_coding, split_codes, substantive,
    union_codes,
)
from valduchesse.coding_reliability import (
    BLIND_COLUMNS, adjudicate, agreement, blind_sheet, chosen_versions, passage_codes, read_blind, read_passages,
    read_rule_decided, reliability, reliability_without, third_reader_sheet,
)
from valduchesse.crosslingual import (
    KINDS, MEASURES, consistency_summary, crosslingual_consistency, disagreement, version_profiles,
)
from valduchesse.prose.coding import consistency_readings, disagreement_reading
from valduchesse.prose.coding_reliability import adjudication_note
from valduchesse.prose.validation import sample_sentence, validated_sample
from valduchesse.validation import dictionary_validation, sample_validation
from valduchesse.validation_split import split_half
from valduchesse.corpus import load_corpus
from valduchesse.intervals import wilson
from valduchesse.themes import load_themes

from conftest import ROOT, TEXTS

CODING = ROOT / "coding" / "sentences.csv"
CODEBOOK = ROOT / "coding" / "CODEBOOK.md"
PASSAGES = ROOT / "coding" / "passages.csv"
RULE_DECIDED = ROOT / "coding" / "rule_decided.csv"


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


def test_reliability_reaches_the_threshold_on_every_theme_coded_often_enough_counting_passages(coded):
    table = reliability(coded, read_passages(PASSAGES, coded))
    table = table[table["count"] == "per passage"]
    often = table[(table["coded_a"] >= 3) | (table["coded_b"] >= 3)]
    assert not often.empty
    low = often[often["kappa"] < 0.8]
    assert low.empty, (f"kappa per passage below 0.8: {low[['theme', 'kappa']].to_dict('records')}; "
                       "revise the codebook and recode")


def test_the_final_code_is_the_coders_code_where_they_agree_and_a_note_says_why_where_not(coded):
    same = coded["coder_a"].map(split_codes) == coded["coder_b"].map(split_codes)
    assert (coded.loc[same, "final"].map(split_codes) == coded.loc[same, "coder_a"].map(split_codes)).all()
    assert (coded.loc[same, "note"] == "agreed").all() and (coded.loc[same, "third"] == "").all()
    assert coded.loc[~same, "note"].str.startswith("adjudicated").all() and (coded.loc[~same, "third"] != "").all()
    for row in coded[~same].itertuples():  # the procedure of coding/README.md: a code two of the three readers gave
        settled = adjudicate(row.coder_a, row.coder_b, row.third)
        assert row.final == settled.final and row.note.startswith(adjudication_note(settled)), row.unit_id


def test_the_first_coding_is_kept_as_history(coded):
    same = coded["coder_a_v1_1"].map(split_codes) == coded["coder_b_v1_1"].map(split_codes)
    assert (coded.loc[same, "final_v1_1"] == coded.loc[same, "coder_a_v1_1"]).all()
    assert coded.loc[~same, "note_v1_1"].str.startswith("adjudicated").all()
    read_coding(CODING, columns=("coder_a_v1_1", "coder_b_v1_1", "final_v1_1"))


def test_the_coders_columns_are_the_blind_sheets_as_returned(coded):
    key = pd.read_csv(ROOT / "coding" / "raw" / "blind_key_v1_2.csv", dtype=str)
    by_unit = coded.set_index("unit_id")
    for column, name in (("coder_a", "a"), ("coder_b", "b")):
        sheet = read_blind(ROOT / "coding" / "raw" / f"recode_v1_2_{name}.csv", key).set_index("unit_id")
        assert (sheet.loc[by_unit.index, "codes"].map(split_codes) == by_unit[column].map(split_codes)).all(), column
    third_raw = pd.read_csv(ROOT / "coding" / "raw" / "recode_v1_2_third.csv", dtype=str, keep_default_na=False)
    third = read_blind(ROOT / "coding" / "raw" / "recode_v1_2_third.csv", key[key["id"].isin(third_raw["id"])])
    asked = by_unit[by_unit["third"] != ""]
    assert sorted(third["unit_id"]) == sorted(asked.index)
    assert (third.set_index("unit_id").loc[asked.index, "codes"].map(split_codes) == asked["third"].map(split_codes)).all()


def test_the_committed_blind_key_is_the_sheet_blind_sheet_writes(documents):
    _, key = blind_sheet(coding_units(documents), seed=20261206)
    committed = pd.read_csv(ROOT / "coding" / "raw" / "blind_key_v1_2.csv", dtype=str)
    assert key.reset_index(drop=True).equals(committed)


def test_furniture_sentences_are_marked_furniture_in_the_statement_column_too(coded):
    assert ((coded["final"] == FURNITURE) == (coded["statement"] == FURNITURE)).all()


def test_the_codebook_lists_exactly_the_codes_and_the_dictionary_follows_it():
    codes = re.findall(r"^\| `([a-z_]+)` \|", CODEBOOK.read_text(encoding="utf-8"), flags=re.MULTILINE)
    assert tuple(codes) == THEMES + (FURNITURE, UNDECIDABLE)
    assert load_themes(ROOT / "themes.yml").themes == list(THEMES)


def test_every_quote_of_the_decisions_table_is_in_the_texts(coded, documents):
    table = commitments(most_complete_text(coded, documents, "fr"))
    assert len(table) > 0
    assert check_quotes(table, documents) == []


def test_a_quote_that_is_not_in_the_texts_is_reported(documents):
    table = pd.DataFrame({"unit_id": ["2016-02-01_fr_archive-premier-be#3", "nowhere#1"],
                          "quote": ["Les deux pays ont décidé de tout …", "anything"]})
    assert check_quotes(table, documents) == ["2016-02-01_fr_archive-premier-be#3", "nowhere#1"]


def words(text):
    return re.findall(r"\w+", text.lower())


def test_every_coded_sentence_has_exactly_one_passage_and_a_passage_never_spans_meetings(coded):
    passages = pd.read_csv(PASSAGES, dtype=str, keep_default_na=False)
    assert passages["unit_id"].is_unique, "a sentence in two passages"
    assert sorted(passages["unit_id"]) == sorted(coded["unit_id"]), "coding/passages.csv and sentences.csv differ"
    merged = passages.merge(coded[["unit_id", "meeting_date"]], on="unit_id")
    spans = merged.groupby("passage_id")["meeting_date"].nunique()
    assert (spans == 1).all(), f"passages spanning meetings: {list(spans[spans > 1].index)}"
    assert (merged["passage_id"].str[:10] == merged["meeting_date"]).all()


def test_no_passage_holds_two_versions_in_one_language_except_the_two_french_2018_files(coded):
    merged = pd.read_csv(PASSAGES, dtype=str).merge(coded[["unit_id", "doc_id", "language"]], on="unit_id")
    versions = merged.drop_duplicates(["passage_id", "doc_id"])
    twice = versions[versions.duplicated(["passage_id", "language"], keep=False)]
    assert set(twice["doc_id"]) <= {"2018-06-11_fr_gouvernement-fr", "2018-06-11_fr_info-gouv-fr"}


def test_no_example_or_rule_of_the_codebook_quotes_a_run_of_eight_words_of_the_texts(documents):
    grams = set()
    for body in documents["text"]:
        found = words(body)
        grams.update(tuple(found[i:i + 8]) for i in range(len(found) - 7))
    book = words(CODEBOOK.read_text(encoding="utf-8"))
    quoted = {" ".join(book[i:i + 8]) for i in range(len(book) - 7) if tuple(book[i:i + 8]) in grams}
    assert not quoted, f"coding/CODEBOOK.md quotes the texts: {sorted(quoted)}; replace the example by an invented one"


def test_the_blind_sheet_is_shuffled_the_same_way_every_time_and_its_key_leads_back(documents):
    units = coding_units(documents)
    sheet, key = blind_sheet(units, seed=7)
    again, _ = blind_sheet(units, seed=7)
    assert sheet.equals(again) and list(sheet.columns) == BLIND_COLUMNS
    assert sorted(key["unit_id"]) == sorted(units["unit_id"]) and list(key["id"]) == list(sheet["id"])
    assert list(key["unit_id"]) != list(units["unit_id"])  # shuffled
    back = key.merge(units, on="unit_id").set_index("id")
    assert (back.loc[sheet["id"], "text"].to_numpy() == sheet["text"].to_numpy()).all()
    assert not sheet["id"].str.contains("_").any() and (sheet["codes"] == "").all()
    last = sheet[sheet["last_of_excerpt"] == "yes"]
    assert "Beide Länder sind sich der Tatsache bewusst, dass das Schengener" in set(last["text"])
    assert not set(back.loc[last["id"], "coverage"]) & {"full text"}


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
    ("furniture;justice", "'furniture', 'undecidable', 'none' stand alone"),
    ("undecidable;none", "stand alone"),
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


def test_hand_shares_leave_furniture_and_undecidable_out_of_the_denominator():
    coded = pd.DataFrame({"meeting_date": ["m"] * 5,
                          "final": ["furniture", "cyber", "cyber;justice", "none", "undecidable"]})
    assert substantive(coded)["final"].tolist() == ["cyber", "cyber;justice", "none"]
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


def test_codes_hold_the_themes_then_furniture_undecidable_and_none():
    assert CODES[: len(THEMES)] == THEMES and CODES[len(THEMES):] == ("furniture", "undecidable", "none")


def test_a_student_validates_the_dictionary_on_a_sheet_of_their_own_sentences(write_text, tmp_path):
    folder = write_text(body="Les deux pays luttent contre la drogue.\nIls renforcent la coopération policière.")
    dictionary = load_themes(ROOT / "themes.yml")
    units = coding_units(load_corpus(folder))
    sheet = coding_sheet(units, tmp_path / "sheet.csv")
    sheet["codes"] = ["drugs_and_organised_crime", "police_and_intelligence;justice"]  # coded by hand
    sheet.to_csv(tmp_path / "coded.csv", index=False)

    scored, scores = sample_validation(tmp_path / "coded.csv", "codes", units, dictionary)
    message, same = validated_sample(tmp_path / "coded.csv", "codes", units, dictionary)

    assert scored == 2 and same.equals(scores)
    assert message == f"2 hand-coded substantive sentences of {tmp_path / 'coded.csv'} match these texts"
    scores = scores.set_index("theme")
    assert set(scores["part"]) == {"all"}
    assert scores.loc["drugs_and_organised_crime", ["coded", "hits"]].tolist() == [1, 1]
    assert scores.loc["justice", ["coded", "matched", "recall"]].tolist() == [1, 0, 0.0]


def test_a_sheet_that_does_not_match_the_texts_is_said_so_not_scored(write_text, tmp_path):
    folder = write_text(body="Les deux pays luttent contre la drogue.")
    scored, scores = sample_validation(CODING, "final", coding_units(load_corpus(folder)), load_themes(ROOT / "themes.yml"))
    assert scored == 0 and scores.empty
    assert sample_sentence(CODING, scored).startswith(f"none of the hand-coded sentences of {CODING} is in these texts")


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


# --- reliability per passage, and the versions of a passage ------------------------------


def passages_example():
    """Four passages: two held in four languages, coded alike by both coders; two held once, coded apart."""
    rows, links = [], []
    for p, (a, b, languages) in enumerate([("justice", "justice", "de en fr nl"), ("none", "none", "de en fr nl"),
                                           ("justice", "none", "fr"), ("none", "justice", "fr")], 1):
        for language in languages.split():
            unit = f"m_{language}#{p}"
            rows.append({"unit_id": unit, "doc_id": f"m_{language}", "meeting_date": "m", "language": language,
                         "coverage": "full text", "sentence_no": p, "start": p * 10, "text": f"{language} {p}",
                         "coder_a": a, "coder_b": b})
            links.append({"unit_id": unit, "passage_id": f"m/p{p}"})
    return pd.DataFrame(rows), pd.DataFrame(links)


def test_translations_inflate_kappa_and_the_per_passage_count_does_not():
    coded, passages = passages_example()
    table = reliability(coded, passages, themes=("justice",)).set_index("count")
    # per passage: A = 1 0 1 0, B = 1 0 0 1: observed 0.5, expected 0.5, kappa 0
    assert table.loc["per passage", "units"] == 4 and table.loc["per passage", "kappa"] == pytest.approx(0.0)
    # per sentence version: 8 agreeing translations and 2 disagreements: observed 0.8, expected 0.5, kappa 0.6
    assert table.loc["per sentence version", "units"] == 10
    assert table.loc["per sentence version", "kappa"] == pytest.approx(0.6)


def test_one_version_per_passage_complete_first_then_the_preferred_language_then_the_longest_cut():
    rows = [("m_de#1", "m_de", "de", "opening excerpt", 1, "lang lang lang"), ("m_de#2", "m_de", "de", "opening excerpt", 2, "cut off here"),
            ("m_fr#1", "m_fr", "fr", "opening excerpt", 1, "court"), ("m_fr#2", "m_fr", "fr", "opening excerpt", 2, "cut"),
            ("m_nl#1", "m_nl", "nl", "full text", 1, "een"), ("m_nl#2", "m_nl", "nl", "full text", 2, "twee"),
            ("m_nl#3", "m_nl", "nl", "full text", 3, "drie")]
    coded = pd.DataFrame(rows, columns=["unit_id", "doc_id", "language", "coverage", "sentence_no", "text"]).assign(
        meeting_date="m", start=lambda t: t["sentence_no"] * 10)
    passages = pd.DataFrame({"unit_id": coded["unit_id"], "passage_id": ["p1", "p2", "p1", "p2", "p1", "p2", "p3"]})
    chosen = chosen_versions(coded, passages, "fr").set_index("passage_id")["doc_id"]
    # p1: all complete, French preferred; p2: de, fr cut, nl complete; p3: one version
    assert chosen.to_dict() == {"p1": "m_fr", "p2": "m_nl", "p3": "m_nl"}
    assert chosen_versions(coded, passages, "nl").set_index("passage_id").loc["p1", "doc_id"] == "m_nl"
    both_cut = passages[passages["unit_id"].isin(["m_de#2", "m_fr#2"])]
    assert chosen_versions(coded, both_cut, "fr")["doc_id"].tolist() == ["m_de"]  # the cut version holding more


def test_a_version_split_in_several_sentences_counts_once_with_all_its_codes():
    chosen = pd.DataFrame({"passage_id": ["p1", "p1"], "coder_a": ["justice", "cyber"], "coder_b": ["justice", "none"]})
    assert passage_codes(chosen).to_dict("records") == [{"passage_id": "p1", "coder_a": "cyber;justice",
                                                         "coder_b": "justice;none"}]
    assert union_codes(["justice", " cyber ; justice", float("nan")]) == "cyber;justice" and union_codes([]) == ""


def test_a_bad_passages_file_names_the_file_the_field_and_the_fix(tmp_path, coded):
    path = tmp_path / "passages.csv"
    pd.DataFrame({"unit_id": ["a#1", "a#1"], "passage_id": ["x/p1", "x/p2"]}).to_csv(path, index=False)
    with pytest.raises(CodingError, match="a#1 in two passages") as error:
        read_passages(path)
    assert str(path) in str(error.value) and "Fix:" in str(error.value)
    pd.DataFrame({"unit_id": ["a#1"], "passage": ["x"]}).to_csv(path, index=False)
    with pytest.raises(CodingError, match="missing column"):
        read_passages(path)
    pd.DataFrame({"unit_id": coded["unit_id"][1:], "passage_id": "p"}).to_csv(path, index=False)
    with pytest.raises(CodingError, match="have no passage_id"):
        read_passages(path, coded)
    pd.DataFrame({"unit_id": coded["unit_id"], "passage_id": "p"}).to_csv(path, index=False)
    with pytest.raises(CodingError, match="spans two meetings"):
        read_passages(path, coded)


@pytest.mark.parametrize("themes, cut, kind, reading", [
    ({"de": ("justice",), "fr": ("justice",)}, [], "agree", "agree"),
    ({"de": ("undecidable",), "fr": ()}, ["de"], "agree", "agree"),
    ({"de": (), "fr": ("justice",)}, ["de"], "truncation", "truncation: de cut off before the words that carry what fr has"),
    ({"de": ("undecidable",), "fr": ("justice",)}, ["de"], "truncation", "truncation: de cut off"),
    ({"de": (), "fr": ("justice",), "nl": ("justice",)}, ["de"], "truncation", "truncation: de cut off before the words "
     "that carry what fr, nl have"),
    ({"de": ("migration_and_smuggling",), "fr": ()}, ["de", "fr"], "truncation",
     "truncation: every version (de, fr) cut off, at different points"),
    ({"de": ("cyber",), "fr": ("justice",)}, ["de"], "translation", "translation: the same passage, in other words, coded"),
    ({"de": (), "fr": ("justice",)}, [], "translation", "translation"),
    ({"de": ("justice",), "fr": (), "nl": ("justice",)}, ["nl"], "translation", "translation"),
])
def test_what_a_disagreement_between_versions_means(themes, cut, kind, reading):
    assert disagreement(themes, cut) == kind and kind in KINDS
    assert disagreement_reading("hand", kind, list(themes), cut).startswith(reading)


def test_each_measure_says_what_was_done_differently_and_an_unknown_one_is_refused():
    said = {measure: disagreement_reading(measure, "translation", ["de", "fr"], []) for measure in MEASURES}
    assert said == {"hand": "translation: the same passage, in other words, coded differently",
                    "dictionary": "translation: the same passage, in other words, matched by the dictionary differently",
                    "term_themes": "translation: the same passage, in other words, weighted differently"}
    with pytest.raises(ValueError, match="use one of"):
        disagreement_reading("votes", "agree", [], [])
    with pytest.raises(ValueError, match="use one of"):
        disagreement_reading("hand", "cut", [], [])


def test_the_2016_schengen_fragment_was_a_truncation_disagreement_and_is_now_undecidable(coded, documents):
    passages = read_passages(PASSAGES, coded)
    dictionary = load_themes(ROOT / "themes.yml")
    before = crosslingual_consistency(version_profiles(coded, passages, dictionary, column="final_v1_1"))
    now = crosslingual_consistency(version_profiles(coded, passages, dictionary))
    schengen = passages.loc[passages["unit_id"] == "2016-02-01_de_archive-premier-be#9", "passage_id"].iloc[0]
    assert before.set_index("passage_id").loc[schengen, ["cut", "hand_status"]].tolist() == ["de, fr", "truncation"]
    assert consistency_readings(before).set_index("passage_id").loc[schengen, "hand_reading"].startswith(
        "truncation: every version")
    assert now.set_index("passage_id").loc[schengen, "hand"] == "de: undecidable | fr: undecidable"
    assert now.set_index("passage_id").loc[schengen, "hand_status"] == "agree"
    readings = consistency_readings(now)
    assert list(readings.columns) == [c.replace("_status", "_reading") for c in now.columns if c != "cut"]
    assert ((readings["hand_reading"].str.split(":").str[0] == now["hand_status"])).all()
    summary = consistency_summary(now)
    assert (summary[[c for c in summary.columns if c.endswith(": agree") or ": " in c]].sum(axis=1) ==
            3 * summary["passages"]).all()
    assert set(now["versions"].str.count(",")) >= {1} and not (now["versions"].str.count(",") == 0).any()


# --- the blind recoding ---------------------------------------------------------------------


def filled(sheet, codes, tmp_path, name):
    path = tmp_path / name
    sheet.assign(codes=codes).to_csv(path, index=False)
    return path


def test_a_blind_sheet_comes_back_linked_to_its_sentences_and_a_bad_one_is_named(documents, tmp_path):
    units = coding_units(documents).head(4)
    sheet, key = blind_sheet(units, seed=3)
    back = read_blind(filled(sheet, ["justice", "justice; cyber", "furniture", "undecidable"], tmp_path, "a.csv"), key)
    assert list(back["unit_id"]) == list(key["unit_id"]) and back["codes"].tolist()[1] == "cyber;justice"
    with pytest.raises(CodingError, match=r"id s00\d, field 'codes': unknown code 'justise'") as error:
        read_blind(filled(sheet, ["justise", "none", "none", "none"], tmp_path, "b.csv"), key)
    assert "b.csv" in str(error.value) and "Fix:" in str(error.value)
    with pytest.raises(CodingError, match="no code"):
        read_blind(filled(sheet, ["", "none", "none", "none"], tmp_path, "c.csv"), key)
    with pytest.raises(CodingError, match="ids missing"):
        read_blind(filled(sheet.head(3), ["none"] * 3, tmp_path, "d.csv"), key)


@pytest.mark.parametrize("a, b, third, final, reason", [
    ("justice", "justice", None, "justice", "agreed"),
    ("justice;police_and_intelligence", "justice", "justice", "justice",
     "adjudicated by majority with the third reader: police_and_intelligence dropped"),
    ("justice;police_and_intelligence", "justice", "police_and_intelligence;justice", "justice;police_and_intelligence",
     "adjudicated by majority with the third reader: police_and_intelligence kept"),
    ("none", "justice", "none", "none", "adjudicated by majority with the third reader: justice dropped, none kept"),
    ("furniture", "none", "justice", "justice", "adjudicated: three different readings, the third reader's codes taken"),
])
def test_adjudication_keeps_a_code_two_of_three_readers_gave(a, b, third, final, reason):
    settled = adjudicate(a, b, third)
    assert settled.final == final and adjudication_note(settled) == reason


def test_adjudication_returns_the_rule_and_the_disputed_codes_not_words():
    assert adjudicate("justice", "justice") == ("justice", "agreed", ())
    assert adjudicate("none", "justice", "none") == ("none", "majority", (("justice", False), ("none", True)))
    assert adjudicate("furniture", "none", "justice") == ("justice", "third reader", ())


def test_a_disagreement_without_a_third_reading_is_not_settled():
    with pytest.raises(CodingError, match="third reader"):
        adjudicate("justice", "none")


def test_the_third_reader_sees_both_readings_but_not_whose(documents):
    units = coding_units(documents).head(40)
    sheet, key = blind_sheet(units, seed=3)
    first = key.assign(codes="none", note="")
    second = first.assign(codes=["justice" if i % 2 else "none" for i in range(len(first))])
    third = third_reader_sheet(sheet, first, second, seed=1)
    assert len(third) == (second["codes"] != "none").sum()
    assert {"coder_a", "coder_b", "unit_id"}.isdisjoint(third.columns)
    pairs = set(zip(third["reading_1"], third["reading_2"]))
    assert pairs == {("none", "justice"), ("justice", "none")}  # the order is drawn, not the coder's
    assert third.equals(third_reader_sheet(sheet, first, second, seed=1))


def test_no_current_sentence_gives_empty_tables_not_errors(coded):
    none = coded.iloc[:0]
    passages = read_passages(PASSAGES, none)
    assert (reliability(none, passages)["units"] == 0).all()
    decided = read_rule_decided(RULE_DECIDED, coded)
    assert (reliability_without(none, passages, decided)["units"] == 0).all()
    table = crosslingual_consistency(version_profiles(none, passages, load_themes(ROOT / "themes.yml")))
    assert table.empty and "hand_status" in table.columns and "hand_reading" in consistency_readings(table).columns
    assert consistency_summary(table).empty


def test_the_counts_the_readmes_give_of_the_recoding_are_the_data_s(coded):
    differ = int((coded["coder_a"].map(split_codes) != coded["coder_b"].map(split_codes)).sum())
    changed = int((coded["final"].map(split_codes) != coded["final_v1_1"].map(split_codes)).sum())
    undecidable = coded[coded["final"] == UNDECIDABLE]
    methods = " ".join((ROOT / "docs" / "methods.md").read_text(encoding="utf-8").split())  # moved from README.md
    coding_readme = " ".join((ROOT / "coding" / "README.md").read_text(encoding="utf-8").split())
    assert f"On the {differ} sentences where they differed" in methods
    assert f"({changed} sentences have other final codes now)" in methods
    assert f"Where the two code lists differ ({differ} of {len(coded)} sentences)" in coding_readme
    assert f"{changed} sentences have other final codes than under codebook 1.1" in coding_readme
    assert "Both coders coded exactly the five sentences above `undecidable`" in coding_readme
    assert len(undecidable) == 5 and (undecidable["coder_a"] == UNDECIDABLE).all() \
        and (undecidable["coder_b"] == UNDECIDABLE).all() and (coded["coder_a"] == UNDECIDABLE).sum() == 5
    assert not coded["note"].str.startswith("adjudicated: three").any()  # "it did not happen"


# --- agreement told by the rules (referee finding 4) ----------------------------------------


def test_reliability_without_leaves_out_every_passage_a_listed_sentence_is_in():
    coded, passages = passages_example()
    # passage 3 (coded differently by the two coders) is decided by a rule, in one of its versions
    decided = pd.DataFrame({"unit_id": ["m_fr#3"], "rule": ["3"], "why": ["a rule describes it"]})
    table = reliability_without(coded, passages, decided, themes=("justice",)).set_index("count")
    assert table.loc["per passage, all", "units"] == 4
    assert table.loc["per passage, all", "kappa"] == pytest.approx(0.0)
    # left: A = 1 0 0, B = 1 0 1 (passages 1, 2, 4): observed 2/3, expected 4/9, kappa 0.4
    assert table.loc["per passage, rule-decided left out", "units"] == 3
    assert table.loc["per passage, rule-decided left out", "kappa"] == pytest.approx(0.4)
    nothing = reliability_without(coded, passages, decided.iloc[:0], themes=("justice",)).set_index("count")
    assert nothing.loc["per passage, rule-decided left out", "kappa"] == pytest.approx(0.0)


def test_the_committed_rule_decided_list_is_of_coded_sentences_and_holds_every_version_of_its_passages(coded):
    decided = read_rule_decided(RULE_DECIDED, coded)
    passages = read_passages(PASSAGES, coded)
    listed = set(passages.loc[passages["unit_id"].isin(decided["unit_id"]), "passage_id"])
    versions = set(passages.loc[passages["passage_id"].isin(listed), "unit_id"])
    assert versions == set(decided["unit_id"])
    rules = {rule for value in decided["rule"] for rule in value.split(";")}
    assert rules <= {str(n) for n in range(1, 16)} | {"table"}
    # the decisive sentences the referee named are listed: rule 13's 2016 sentence, the 2021 cyber section
    for unit in ("2016-02-01_de_archive-premier-be#8", "2021-11-22_nl_sophiewilmes-be#57",
                 "2021-11-22_nl_sophiewilmes-be#58", "2021-11-22_nl_sophiewilmes-be#28"):
        assert unit in set(decided["unit_id"]), unit


def test_a_bad_rule_decided_file_names_the_file_the_field_and_the_fix(tmp_path, coded):
    path = tmp_path / "rule_decided.csv"
    with pytest.raises(CodingError, match="rule_decided.csv: the file cannot be read .No such file"):
        read_rule_decided(path)
    pd.DataFrame({"unit_id": ["a#1"], "rule": ["3"]}).to_csv(path, index=False)
    with pytest.raises(CodingError, match="missing column.*why.*Fix"):
        read_rule_decided(path)
    pd.DataFrame({"unit_id": ["a#1"], "rule": [""], "why": ["x"]}).to_csv(path, index=False)
    with pytest.raises(CodingError, match="row 1, field 'rule': empty"):
        read_rule_decided(path)
    pd.DataFrame({"unit_id": ["a#1", "a#1"], "rule": ["3", "4"], "why": ["x", "y"]}).to_csv(path, index=False)
    with pytest.raises(CodingError, match="a#1 listed twice"):
        read_rule_decided(path)
    pd.DataFrame({"unit_id": ["a#1"], "rule": ["3"], "why": ["x"]}).to_csv(path, index=False)
    with pytest.raises(CodingError, match="a#1 not coded sentences"):
        read_rule_decided(path, coded)


def test_the_codebook_no_longer_says_a_coder_is_never_told_a_code_and_names_the_list():
    codebook = " ".join(CODEBOOK.read_text(encoding="utf-8").split())
    assert "never told the code" not in codebook
    assert "so a coder is still told the code of those sentences: `coding/rule_decided.csv` lists them" in codebook


def test_without_the_rule_decided_passages_drugs_cyber_sahel_and_financing_have_no_coded_passage(coded, documents):
    """What docs/methods.md and coding/README.md say of agreement without the passages a rule decides."""
    from valduchesse.coding import current_codes as current_of
    current = current_of(coded, coding_units(documents))
    passages = read_passages(PASSAGES, current)
    table = reliability_without(current, passages, read_rule_decided(RULE_DECIDED, current))
    left = table[table["count"] == "per passage, rule-decided left out"].set_index("theme")
    unused = set(left.index[(left["coded_a"] + left["coded_b"]) == 0])
    assert unused == {"drugs_and_organised_crime", "cyber", "sahel_and_coalition", "terrorism_financing"}
    every = table[table["count"] == "per passage, all"].set_index("theme")
    assert (every.loc[sorted(unused), "kappa"] == 1.0).all()  # agreement told by the rules
    for path in (ROOT / "docs" / "methods.md", ROOT / "coding" / "README.md"):
        text = " ".join(path.read_text(encoding="utf-8").split())
        assert "drugs, cyber, the Sahel and terrorism financing have no coded passage left" in text, path


def test_the_readers_name_each_repeated_id_once_sorted_with_the_same_words(tmp_path):
    """read_passages, read_rule_decided and read_blind share one check of repeated ids: the message is exact."""
    ids = ["b#2", "a#1", "b#2", "a#1", "b#2", "c#3"]
    passages = tmp_path / "passages.csv"
    pd.DataFrame({"unit_id": ids, "passage_id": [f"x/p{i}" for i in range(6)]}).to_csv(passages, index=False)
    with pytest.raises(CodingError) as error:
        read_passages(passages)
    assert str(error.value) == f"{passages}: unit_id a#1, b#2 in two passages. Fix: keep one row per sentence"
    decided = tmp_path / "rule_decided.csv"
    pd.DataFrame({"unit_id": ids, "rule": "3", "why": "x"}).to_csv(decided, index=False)
    with pytest.raises(CodingError) as error:
        read_rule_decided(decided)
    assert str(error.value) == f"{decided}: unit_id a#1, b#2 listed twice. Fix: one row per sentence"
    blind = tmp_path / "blind.csv"
    pd.DataFrame({"id": ["s002", "s001", "s002"], "codes": "none"}).to_csv(blind, index=False)
    with pytest.raises(CodingError) as error:
        read_blind(blind, pd.DataFrame({"id": ["s001", "s002"], "unit_id": ["a#1", "b#2"]}))
    assert str(error.value) == f"{blind}: id s002 coded twice. Fix: keep one row per sentence"


def test_the_third_reader_rule_also_settles_a_marker_kept_beside_a_code():
    # adjudicate's second fallback: a reading that mixes a marker with a theme (refused by check_codes) can give
    # a marker and a theme two votes each; the third reader's codes are taken, though the readings share codes.
    assert adjudicate("none", "justice", "justice;none") == ("justice;none", "third reader", ())
    with pytest.raises(CodingError, match="stand alone"):
        check_codes(["justice", "none"], "third reading")


def test_with_checked_readings_the_third_reader_rule_means_readings_sharing_no_code():
    readings = ["none", "furniture", "undecidable", "justice", "justice;police_and_intelligence",
                "police_and_intelligence"]
    taken = 0
    for a, b, third in itertools.product(readings, repeat=3):
        if adjudicate(a, b, third).rule == "third reader":
            taken += 1
            codes = [set(split_codes(reading)) for reading in (a, b, third)]
            assert all(not (x & y) for x, y in itertools.combinations(codes, 2)), (a, b, third)
    assert taken > 0
