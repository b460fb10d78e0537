"""Notebook 06's "Reading." is written in words; each of its claims is checked here against the data.

Each check names the words of the notebook it stands for (``says``). If the notebook's words change, the check
fails and says so: rewrite the check with them. If the texts, the codes or the agenda tables change (a full
text fetched, a recoding), a claim that no longer holds fails here with what the data now say: rewrite the
Reading. The computations are those of the notebook, with its default parameters.
"""

from pathlib import Path

import nbformat
import pytest

from valduchesse import agenda, power
from valduchesse.prose import power as power_prose
from valduchesse.coding import read_coding
from valduchesse.corpus import load_corpus
from valduchesse.run.parameters import read_parameters
from valduchesse.themes import load_themes

from conftest import ROOT

NOTEBOOK = ROOT / "notebooks" / "06_agenda_and_power.ipynb"
NEW = ["drugs_and_organised_crime", "migration_and_smuggling", "cyber", "sahel_and_coalition"]
EARLIER = ["2016-02-01", "2018-06-11"]


@pytest.fixture(scope="module")
def data():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    readings = [c.source for c in notebook.cells if c.cell_type == "markdown" and c.source.startswith("**Reading.**")]
    defaults = read_parameters(NOTEBOOK)
    here = NOTEBOOK.parent
    documents = load_corpus(here / defaults["TEXTS_DIR"])
    themes = load_themes(here / defaults["THEMES_FILE"])
    coded = read_coding(here / defaults["CODING_FILE"])
    tables = {name: (here / defaults["CODING_FILE"]).parent / file for name, file in defaults["AGENDA_TABLES"].items()}
    first = power.first_sentences(power.theme_sentences(documents, coded, themes), documents)
    units = agenda.read_units(tables["units"], documents)
    declarations = sorted(set(documents.loc[documents["kind"] == "joint declaration", "meeting_date"]
                              .dt.strftime("%Y-%m-%d")) & set(units["meeting_date"]))
    return {"prose": " ".join(" ".join(readings).split()), "defaults": defaults, "documents": documents,
            "themes": themes,
            "coded": coded, "first": first.set_index("theme")["first_start"], "openings": power.openings_held(documents),
            "units": units, "declarations": declarations, "tables": tables}


def says(data, words: str) -> None:
    assert " ".join(words.split()) in data["prose"], f"notebook 06 no longer says {words!r}: rewrite this check"


def longest_earlier_opening(data) -> int:
    openings = data["openings"]
    return int(openings.loc[openings["meeting_date"].isin(EARLIER), "chars"].max())


LATE = ("drugs_and_organised_crime", "foreign_fighters", "cyber", "sahel_and_coalition")


def facts_of(*numbers: str) -> str:
    """The sections of texts/FACTS.md (a secondary source) on the meetings numbered ``numbers`` there."""
    parts = (ROOT / "texts" / "FACTS.md").read_text(encoding="utf-8").split("\n## ")
    return " ".join(part for part in parts if part.split(".")[0] in numbers)


def test_new_subjects_start_beyond_every_earlier_opening(data):
    says(data, "In the complete 2021 text the first sentences on drugs, foreign fighters, cyber security and the Sahel "
               "all start beyond the longest 2016 and 2018 opening held in every language")
    longest = longest_earlier_opening(data)
    for theme in LATE:
        assert data["first"][theme] >= longest, theme


def test_radicalisation_is_coded_in_the_openings_it_could_not_show(data):
    says(data, "radicalisation, whose first sentence in the complete 2021 text starts beyond every opening held, is "
               "hand-coded in the 2016 and 2018 openings themselves")
    says(data, "so for them the power figures are an assumption, not a measurement.")
    first = power.first_sentences(power.theme_sentences(data["documents"], data["coded"], data["themes"]),
                                  data["documents"])
    observed = power.observed_in_openings(data["coded"], data["documents"], first)
    radical = observed[(observed["theme"] == "radicalisation_and_extremism") & observed["breaks_order"]]
    assert {"2016-02-01", "2018-06-11"} <= set(radical["meeting_date"])
    assert data["first"]["radicalisation_and_extremism"] >= data["openings"]["chars"].max()
    # and the printed power sentences no longer count it among what the openings could not show
    said = " ".join(power_prose.power_sentences(first, data["openings"], None, observed))
    assert "could not show" in said and "radicalisation_and_extremism 7" not in said.split("These figures")[0]


def test_of_the_new_subjects_only_migration_starts_within_an_opening(data):
    says(data, "Of the four subjects said to be new (drugs, migration, cyber security, the Sahel), only migration starts "
               "within that length: the 2021 preamble names it.")
    says(data, "press reports say France asked to add irregular migration in 2021")
    within = [t for t in NEW if data["first"][t] < longest_earlier_opening(data)]
    assert within == ["migration_and_smuggling"]
    preamble = data["units"].query("unit_kind == 'preamble' and meeting_date == '2021-11-22' and role == 'agenda'")
    assert "migration_and_smuggling" in set(preamble["domain"])
    assert "France asked to add irregular migration" in facts_of("4")


def test_the_2016_summary_and_the_2021_headings(data):
    says(data, "The 2018 text's summary of 2016 names police and intelligence, judicial cooperation and violent "
               "extremism; the 2021 headings name all three again.")
    units = data["units"]
    summary = set(units.query("unit_kind == '2018 summary of 2016 decisions' and role == 'agenda'")["domain"])
    assert summary - {agenda.OTHER} == {"police_and_intelligence", "justice", "radicalisation_and_extremism"}
    headings = set(units.query("unit_kind == '2021 headings'")["domain"])
    assert summary - {agenda.OTHER} <= headings


def test_six_of_eight_headings_and_persistence(data):
    says(data, "Six of the eight 2021 headings are counter-terrorism domains, heading 8 included (it names the "
               "international coalition against Daesh beside the Coalition for the Sahel).")
    says(data, "*On the units held for every declaration: counter-terrorism persists and no displacement is visible; "
               "whether domains were added cannot be told.*")
    judged = agenda.judge_agenda(data["units"], data["declarations"], data["defaults"]["COUNTER_TERRORISM"])
    headings = data["units"].query("unit_kind == '2021 headings'")
    assert len(headings) == 8
    [eighth] = headings.loc[headings["quote"].str.startswith("8."), "quote"]
    assert "Coalitie tegen Daesh" in eighth and "sahel_and_coalition" in data["defaults"]["COUNTER_TERRORISM"]
    assert judged["counter_terrorism_share"]["2021-11-22"] == (6, 8)
    assert judged["verdict"] == "persistence" and judged["left"] == [] and judged["entered"] == []


def test_the_grain_rule_both_ways(data):
    says(data, "migration, foreign fighters, cyber security and the Sahel, which the 2021 headings name and no earlier "
               "unit does, cannot be called new, because the 2016 units are a four-strand summary whose strands on "
               "citizens' safety and on reform of the European area of freedom, security and justice could hold them.")
    units = data["units"]
    judged = agenda.judge_agenda(units, data["declarations"], data["defaults"]["COUNTER_TERRORISM"])
    assert {"migration_and_smuggling", "foreign_fighters", "cyber", "sahel_and_coalition"} <= set(
        judged["undetermined_entry"])
    assert judged["grain"]["2016-02-01"] < judged["grain"]["2021-11-22"] < judged["grain"]["2018-06-11"]
    summary = units.query("unit_kind == '2018 summary of 2016 decisions' and language == 'en'")
    assert len(summary) == 4
    assert summary["quote"].str.contains("citizens’ safety").any()
    assert summary["quote"].str.contains("Freedom, Security and Justice").any()


def test_what_press_reports_add(data):
    says(data, "For 2016 they report stronger checks at the Schengen external borders, terrorism financing and the "
               "fingerprints of Syria fighters in a single database; for 2017 and 2018, returning foreign fighters and "
               "minors returning from Iraq and Syria; for 2018, migration as a side topic.")
    assert all(w in facts_of("1") for w in ("stronger checks at the EU's external borders", "Terrorism financing",
                                            "fingerprints of Syria fighters into a single database"))
    assert "returning foreign fighters" in facts_of("2")
    assert "minors returning from Iraq and Syria" in facts_of("3")
    assert "Side topics: migration" in facts_of("3")


def test_portfolios_widen_in_2021(data):
    says(data, "The interior and justice ministers attended in 2016 and 2018; in 2021 both countries added their "
               "defence ministers, Belgium its minister of foreign and European affairs, and France a minister of "
               "European affairs")
    portfolios = agenda.read_portfolios(data["tables"]["portfolios"], data["documents"])
    held = portfolios.groupby("meeting_date")["portfolio"].agg(set)
    for meeting in EARLIER:
        assert held[meeting] == {"prime ministers", "interior", "justice"}
    assert held["2021-11-22"] - held["2018-06-11"] == {"foreign affairs", "european affairs", "defence"}
    countries = portfolios[portfolios["meeting_date"] == "2021-11-22"].groupby("portfolio")["country"].agg(set)
    assert countries["defence"] == {"both"}
    assert countries["foreign affairs"] == {"Belgium"}
    assert countries["european affairs"] == {"Belgium", "France"}
    assert set(portfolios["source"]) == {"text"}


def test_preamble_against_preamble(data):
    says(data, "The complete 2016 preamble is coded with the attacks only; the complete 2021 preamble with the "
               "attacks and migration. The 2018 opening paragraphs are a partial preamble")
    table = agenda.preamble_themes(data["coded"], data["documents"])
    themes = table.groupby("meeting_date")["themes"].agg(
        lambda cells: {part.split(" (")[0] for cell in cells for part in cell.split(", ")})
    assert themes["2016-02-01"] == {"attacks_and_trials"}
    assert themes["2021-11-22"] == {"attacks_and_trials", "migration_and_smuggling"}
    held = agenda.families_held(data["units"], data["declarations"], data["documents"]).set_index("family")
    assert held.loc["preamble", "partial"] == "2018-06-11" and not held.loc["preamble", "every_meeting"]


def test_drugs_are_named_by_no_unit(data):
    says(data, "The 2021 text speaks of drugs inside its police section; no heading names them")
    assert "drugs_and_organised_crime" not in set(data["units"]["domain"])
    themed = power.theme_sentences(data["documents"], data["coded"], None)
    drugs = themed[themed["theme"] == "drugs_and_organised_crime"]
    assert set(drugs["section_no"]) == {2}


def test_the_keyness_test_on_units_cannot_inform(data):
    says(data, "No term of the 2021 headings and preamble passes the threshold against the 2016 summary; the smallest "
               "count that could pass was larger than any term's count in the target.")
    assert "## 4. Keyness aimed at comparable units: with units this short it cannot pass any term (descriptive only)" \
        in all_prose(data)
    defaults = data["defaults"]
    texts = agenda.unit_texts(data["units"], data["documents"], defaults["KEYNESS_LANGUAGE"])
    result = agenda.unit_keyness(texts, defaults["KEYNESS_TARGET"], data["declarations"][-1], defaults["ALPHA"])
    assert result["reference"] == ["2016-02-01 2018 summary of 2016 decisions"]
    assert result["passing"] == []
    assert result["smallest_count"] is None or result["smallest_count"] > result["table"]["target_count"].max()


def test_the_margin_is_larger_than_half_an_opening(data):
    says(data, "the nearest of them, drugs, starts more than half an opening's length beyond it")
    longest = longest_earlier_opening(data)
    late = {t: data["first"][t] for t in LATE}
    assert min(late, key=late.get) == "drugs_and_organised_crime"
    assert late["drugs_and_organised_crime"] - longest > longest / 2


def test_terrorism_financing_is_a_2018_item_and_inside_the_2021_police_section(data):
    says(data, "terrorism financing, an item of the finer-grained 2018 list, is no 2021 heading but is treated in the "
               "2021 text's police section, and is left out because the 2021 units are coarser")
    units = data["units"]
    assert "terrorism_financing" in set(units.query("unit_kind == '2018 commitments list'")["domain"])
    assert "terrorism_financing" not in set(units.query("meeting_date == '2021-11-22'")["domain"])
    judged = agenda.judge_agenda(units, data["declarations"], data["defaults"]["COUNTER_TERRORISM"])
    assert judged["between"] == {"terrorism_financing": "2018-06-11"}
    themed = power.theme_sentences(data["documents"], data["coded"], None)
    financing = themed[(themed["theme"] == "terrorism_financing") & (themed["meeting_date"] == "2021-11-22")]
    assert set(financing["section_no"]) == {2}


def all_prose(data) -> str:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    return " ".join(" ".join(c.source for c in notebook.cells if c.cell_type == "markdown").split())


def test_the_numbers_of_the_notebooks_other_prose(data):
    prose = all_prose(data)
    for words in ("held only as openings of about 2,000 characters", "the 2016 agenda is the 2018 text's own "
                  "four-strand summary and the first heading; the 2018 list of commitments is a later excerpt cut "
                  "inside its fifth item; the 2021 headings are all eight of a complete text",
                  "the counter-terrorism themes are mapped to CAP major topics 12 and 19, with 16 as an alternative for "
                  "intelligence. That terrorism has no major topic of its own in the CAP master codebook, and whether its "
                  "Defense topic holds a homeland-security subtopic for domestic counter-terrorism, is unverified"):
        assert words in prose, f"notebook 06 no longer says {words!r}: rewrite this check"
    openings = data["openings"]
    assert openings.loc[openings["meeting_date"].isin(EARLIER), "chars"].between(1500, 2500).all()
    units = data["units"]
    summary = units.query("unit_kind == '2018 summary of 2016 decisions'")
    assert summary.groupby("language").size().to_dict() == {"en": 4, "nl": 4}
    later = data["documents"].query("coverage == 'later excerpt'")
    [body] = later["text"]
    assert sum(line.startswith("- ") for line in body.splitlines()) == 5
    assert len(units.query("unit_kind == '2021 headings'")) == 8
    crosswalk = agenda.read_crosswalk(data["tables"]["crosswalk"], data["defaults"]["COUNTER_TERRORISM"])
    ct = crosswalk[crosswalk["theme"].isin(data["defaults"]["COUNTER_TERRORISM"])]
    assert set(ct["cap_major_code"]) == {"12", "19"}
    assert ct.loc[ct["theme"] == "police_and_intelligence", "alternative"].str.startswith("16 ").all()


def test_the_readme_states_the_same_headline(data):
    """The README's finding repeats notebook 06's claims; each is checked against the same data."""
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    for words in ("the first sentences on drugs, foreign fighters, cyber security and the Sahel all start beyond every "
                  "2016 and 2018 opening held",
                  "radicalisation, which the 2021 text first speaks of beyond every opening's length, is coded in the "
                  "2016 and 2018 openings themselves",
                  "six of the eight 2021 headings are counter-terrorism domains, the one on the coalition against Daesh "
                  "and the Sahel included",
                  "So the 2016 counter-terrorism domains persist in 2021 and **no displacement is visible**",
                  "Whether migration, foreign fighters, cyber security and the Sahel are new cannot be told from a "
                  "four-strand summary",
                  "names the attacks only in 2016 and the attacks and migration in 2021 (the 2018 opening paragraphs are "
                  "a partial preamble)",
                  "in 2021 both countries added their defence ministers, Belgium its minister of foreign and European "
                  "affairs and France a minister of European affairs",
                  "stronger checks at the Schengen external borders, terrorism financing and the fingerprints of Syria "
                  "fighters in a single database; that returning foreign fighters were discussed in 2017 and 2018; and "
                  "that migration was a side topic in 2018"):
        assert words in readme, f"README.md no longer says {words!r}: rewrite this check"
    longest = longest_earlier_opening(data)
    for theme in LATE:
        assert data["first"][theme] > longest, theme
    assert data["first"]["migration_and_smuggling"] < longest
    judged = agenda.judge_agenda(data["units"], data["declarations"], data["defaults"]["COUNTER_TERRORISM"])
    assert judged["counter_terrorism_share"]["2021-11-22"] == (6, 8) and judged["verdict"] == "persistence"
    assert set(LATE) - {"drugs_and_organised_crime"} <= set(judged["undetermined_entry"])
    assert "France asked to add irregular migration" in facts_of("4")
    assert "returning foreign fighters" in facts_of("2") and "minors returning from Iraq and Syria" in facts_of("3")
    table = agenda.preamble_themes(data["coded"], data["documents"])
    assert set(table.loc[table["meeting_date"] == "2016-02-01", "themes"]) == {"attacks_and_trials (1)"}
