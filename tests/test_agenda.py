"""valduchesse.agenda and the files of coding/ it reads: quotes in the texts, a crosswalk for every theme,
the judgment of broadening and displacement on small hand-made unit tables, and the power of a keyness test."""

import os

import pandas as pd
import pytest

from conftest import ROOT
from valduchesse.agenda import (
    FAMILIES, OTHER, AgendaError, cap_topics, check_quotes, domain_entries, families_held, judge_agenda,
    keyness_power, preamble_themes, read_crosswalk, read_portfolios, read_units, unit_keyness,
)
from valduchesse.prose.agenda import headline_sentences, unknowables
from valduchesse.coding import THEMES, read_coding
from valduchesse.keyness_power import smallest_passing_count
from valduchesse.keyness import log_likelihood, threshold
from valduchesse.themes import load_themes

CODING = ROOT / "coding"


def test_every_agenda_quote_is_in_its_text(documents):
    units = pd.read_csv(CODING / "agenda_units.csv", dtype=str, keep_default_na=False)
    assert check_quotes(units, documents) == []
    read_units(CODING / "agenda_units.csv", documents)  # and every field is allowed


def test_every_portfolio_quote_is_in_its_text(documents):
    portfolios = read_portfolios(CODING / "portfolios.csv", documents)
    texts = portfolios[portfolios["source"] == "text"]
    assert check_quotes(texts, documents) == []


def test_a_quote_not_in_its_text_is_refused(documents, tmp_path):
    units = pd.read_csv(CODING / "agenda_units.csv", dtype=str, keep_default_na=False)
    units.loc[0, "quote"] = units.loc[0, "quote"] + " (paraphrased)"
    path = tmp_path / "units.csv"
    units.to_csv(path, index=False)
    with pytest.raises(AgendaError, match=r"row\(s\) 2 are not in their file's body"):
        read_units(path, documents)


def test_a_bad_field_is_refused_with_its_row(tmp_path):
    units = pd.read_csv(CODING / "agenda_units.csv", dtype=str, keep_default_na=False)
    units.loc[3, "domain"] = "terrorism"
    path = tmp_path / "units.csv"
    units.to_csv(path, index=False)
    with pytest.raises(AgendaError, match="row 5, field 'domain'"):
        read_units(path)


def test_the_crosswalk_covers_every_theme_of_themes_yml():
    themes = load_themes(ROOT / "themes.yml").themes
    crosswalk = read_crosswalk(CODING / "cap_crosswalk.csv", themes)
    assert set(themes) <= set(crosswalk["theme"])
    assert OTHER in set(crosswalk["theme"])  # the domain no theme fits is mapped too
    assert crosswalk["cap_major_code"].str.fullmatch(r"\d{1,2}").all()


def test_a_crosswalk_without_a_theme_is_refused(tmp_path):
    crosswalk = pd.read_csv(CODING / "cap_crosswalk.csv", dtype=str, keep_default_na=False)
    path = tmp_path / "cap.csv"
    crosswalk[crosswalk["theme"] != "cyber"].to_csv(path, index=False)
    with pytest.raises(AgendaError, match="no row for theme"):
        read_crosswalk(path, THEMES)


def units(rows):
    table = pd.DataFrame(rows, columns=["meeting_date", "unit_kind", "domain", "role"])
    return table.assign(family=table["unit_kind"].map(FAMILIES), language="en", quote="q", file="f.txt")


def test_broadening_displacement_and_no_family():
    meetings = ["2016", "2018", "2021"]
    base = [("2016", "headings held", "police_and_intelligence", "agenda"),
            ("2016", "headings held", "justice", "agenda"),
            ("2018", "2018 commitments list", "justice", "agenda")]
    broad = units(base + [("2021", "2021 headings", "police_and_intelligence", "agenda"),
                          ("2021", "2021 headings", "justice", "agenda"),
                          ("2021", "2021 headings", "cyber", "agenda")])
    judged = judge_agenda(broad, meetings)
    assert (judged["verdict"], judged["stayed"], judged["left"], judged["entered"]) == (
        "broadening", ["justice", "police_and_intelligence"], [], ["cyber"])
    assert judged["counter_terrorism_share"] == {"2016": (2, 2), "2018": (1, 1), "2021": (2, 3)}
    assert judged["between"] == {}
    middle = units(base + [("2018", "2018 commitments list", "terrorism_financing", "agenda"),
                           ("2021", "2021 headings", "police_and_intelligence", "agenda"),
                           ("2021", "2021 headings", "justice", "agenda")])
    assert judge_agenda(middle, meetings)["between"] == {"terrorism_financing": "2018"}
    said = headline_sentences(middle, meetings, spoken_in_last=["terrorism_financing"])
    assert "terrorism_financing is named in the units of 2018 but not in those of 2021" in said[-1]
    assert "the complete 2021 text does speak of it" in said[-1]
    displaced = units(base + [("2021", "2021 headings", "justice", "agenda"), ("2021", "2021 headings", "cyber", "agenda")])
    assert judge_agenda(displaced, meetings)["left"] == ["police_and_intelligence"]
    assert judge_agenda(displaced, meetings)["verdict"] == "displacement"
    # a context mention does not keep a domain on the agenda
    context = units(base + [("2021", "2021 headings", "justice", "agenda"),
                            ("2021", "preamble", "police_and_intelligence", "context")])
    assert judge_agenda(context, meetings)["verdict"] == "narrowing"
    missing = units(base)
    assert not families_held(missing, meetings)["every_meeting"].any()
    assert judge_agenda(missing, meetings)["verdict"] is None
    assert "cannot be told apart" in headline_sentences(missing, meetings)[-1]
    assert not families_held(missing, [])["every_meeting"].any()
    assert judge_agenda(missing, [])["verdict"] is None and judge_agenda(missing, ["2016"])["verdict"] is None
    assert "cannot be told apart" in headline_sentences(missing, [])[-1]


def test_entries_and_headline_from_the_units():
    meetings = ["2016", "2021"]
    table = units([("2016", "headings held", "justice", "agenda"), ("2021", "2021 headings", "justice", "agenda"),
                   ("2021", "2021 headings", "cyber", "agenda"), ("2021", "preamble", "victims", "context")])
    entries = domain_entries(table, meetings)
    assert entries[["domain", "enters"]].values.tolist() == [["justice", "2016"], ["cyber", "2021"]]
    sentences = headline_sentences(table, meetings, {"cyber": "Cyber"}, complete=["2021"])
    assert sentences[0] == "First named as an agenda domain in the units of 2016: justice."
    assert sentences[1] == "First named as an agenda domain in the units of 2021: Cyber."
    assert "1 of 1" in sentences[2] and "1 of 2" in sentences[2]
    assert sentences[3].endswith("stay on the agenda.")
    assert "units of 2016 come from texts not held complete" in sentences[4]


def test_unknowables_name_the_meetings_not_held_complete(documents):
    table = read_units(CODING / "agenda_units.csv", documents)
    said = unknowables(documents, table, ["2016-02-01", "2018-06-11", "2021-11-22"])
    assert [s[:10] for s in said] == ["2016-02-01", "2018-06-11"]
    assert "cyber" in said[0] and "police_and_intelligence" not in said[0]


def test_complete_preambles_are_those_followed_by_a_heading(documents):
    coded = read_coding(CODING / "sentences.csv")
    table = preamble_themes(coded, documents)
    # the 2018 texts hold no numbered heading: their preamble is not known to be complete
    assert "2018-06-11" not in set(table["meeting_date"])
    assert {"2016-02-01", "2021-11-22"} <= set(table["meeting_date"])


def test_smallest_passing_count_is_the_first_count_above_the_threshold():
    target, reference, tests = 40, 32, 59
    critical = threshold(tests, "bonferroni", 0.05)["critical_g2"]
    smallest = smallest_passing_count(target, reference, critical)
    assert log_likelihood(smallest, 0, target, reference) > critical
    assert log_likelihood(smallest - 1, 0, target, reference) <= critical
    assert smallest_passing_count(3, 3, threshold(1000, "bonferroni", 0.05)["critical_g2"]) is None  # 3 words, 1000 tests


def test_cap_topics_are_listed_once_in_code_order():
    table = units([("2021", "2021 headings", "cyber", "agenda"), ("2021", "2021 headings", "justice", "agenda"),
                   ("2021", "2021 headings", "victims", "agenda"), ("2021", "preamble", "migration_and_smuggling",
                                                                    "context")])
    crosswalk = read_crosswalk(CODING / "cap_crosswalk.csv", THEMES)
    [row] = cap_topics(table, crosswalk).to_dict("records")
    assert row["topics"] == "12 Law and Crime; 12 Law and Crime (?); 17 Technology (?)"


def test_keyness_power_is_stated_before_and_agrees_with_the_test():
    texts = pd.DataFrame({
        "doc_id": ["2016 summary", "2021 headings", "2021 preamble"], "language": "en",
        "meeting_date": ["2016", "2021", "2021"], "unit_kind": ["2018 summary of 2016 decisions", "2021 headings",
                                                                "preamble"],
        "text": ["Police cooperation and judicial cooperation.", "Cyber security. Migration. Police cooperation.",
                 "The governments met to discuss migration and smuggling."]})
    before = keyness_power(texts, ["2021 headings", "preamble"], "2021")
    assert (before["target"], before["reference"]) == (["2021 headings", "2021 preamble"], ["2016 summary"])
    critical = threshold(before["tests"], "bonferroni", 0.05)["critical_g2"]
    assert before["smallest_count"] == smallest_passing_count(before["target_total"], before["reference_total"], critical)
    after = unit_keyness(texts, ["2021 headings", "preamble"], "2021")
    assert after["tests"] == before["tests"] == len(after["table"])
    assert after["passing"] == []
    with pytest.raises(ValueError, match="is empty"):
        keyness_power(texts, ["2021 headings"], "2030")


def test_the_grain_rule_applies_both_ways():
    meetings = ["2016", "2018", "2021"]
    # 2016 known only from a four-strand summary (coarser than the 2021 headings): nothing can be said to enter
    coarse_first = units([("2016", "2018 summary of 2016 decisions", "justice", "agenda"),
                          ("2018", "2018 commitments list", "justice", "agenda"),
                          ("2021", "2021 headings", "justice", "agenda"), ("2021", "2021 headings", "cyber", "agenda")])
    judged = judge_agenda(coarse_first, meetings)
    assert (judged["verdict"], judged["entered"], judged["undetermined_entry"]) == ("persistence", [], ["cyber"])
    assert judged["grain"] == {"2016": 1, "2018": 3, "2021": 2}
    said = headline_sentences(coarse_first, meetings)
    assert any("Whether they are new cannot be told" in s and "a summary in a few strands against headings" in s
               for s in said)
    assert said[-1].startswith("On these units the evidence supports persistence only")
    # and the other way: the last meeting's units coarser than the first's, a domain absent there has not left
    coarse_last = units([("2016", "2021 headings", "justice", "agenda"), ("2016", "2021 headings", "police_and_intelligence",
                                                                           "agenda"),
                         ("2018", "2018 commitments list", "justice", "agenda"),
                         ("2021", "2018 summary of 2016 decisions", "justice", "agenda")])
    judged = judge_agenda(coarse_last, meetings)
    assert (judged["left"], judged["undetermined_exit"]) == ([], ["police_and_intelligence"])
    assert judged["verdict"] == "persistence"


def test_a_preamble_without_a_heading_after_it_is_partial(documents):
    table = read_units(CODING / "agenda_units.csv", documents)
    meetings = ["2016-02-01", "2018-06-11", "2021-11-22"]
    held = families_held(table, meetings, documents).set_index("family")
    assert held.loc["preamble", "partial"] == "2018-06-11" and not held.loc["preamble", "every_meeting"]
    assert held.loc["preamble", "meetings_held"] == "2016-02-01, 2021-11-22"
    # without the documents the preamble of every meeting counts as held (the old reading)
    assert families_held(table, meetings).set_index("family").loc["preamble", "every_meeting"]


def test_a_portfolio_country_must_be_known(documents, tmp_path):
    table = pd.read_csv(CODING / "portfolios.csv", dtype=str, keep_default_na=False)
    table.loc[0, "country"] = "Luxembourg"
    path = tmp_path / "portfolios.csv"
    table.to_csv(path, index=False)
    with pytest.raises(AgendaError, match="row 2, field 'country'"):
        read_portfolios(path)
    wilmes = read_portfolios(CODING / "portfolios.csv", documents).query("quote.str.contains('Wilmès')")
    assert set(wilmes["portfolio"]) == {"foreign affairs", "european affairs"} and set(wilmes["country"]) == {"Belgium"}


def test_an_agenda_table_saved_by_a_spreadsheet_with_semicolons_is_refused_with_how_to_save_it(tmp_path):
    path = tmp_path / "agenda_units.csv"
    path.write_text(";".join(["meeting_date", "unit_kind", "language", "domain", "role", "quote", "file", "note"]) + "\n",
                    encoding="utf-8")
    with pytest.raises(AgendaError, match=r"agenda_units.csv, row 1: the columns are separated by ';'"):
        read_units(path)
    fifo = tmp_path / "fifo.csv"
    os.mkfifo(fifo)
    with pytest.raises(AgendaError, match="named pipe"):
        read_units(fifo)
