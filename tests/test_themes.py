"""The theme dictionary: loading and checking it, counting themes, bootstrap shares, language differences."""

import numpy as np
import pandas as pd
import pytest

from valduchesse.corpus import SUPPORTED_LANGUAGES, load_corpus
from valduchesse.segment import sentences
from valduchesse.terms import find
from valduchesse.themes import (
    ThemeError, bootstrap_intervals, difference_summary, format_shares, theme_frequencies, language_differences, load_themes, select, single_language_rows,
    theme_contexts,
    theme_matches, theme_shares,
)

from conftest import ROOT, TEXTS

THEMES_FILE = ROOT / "themes.yml"
THEME_ORDER = [
    "attacks_and_trials", "police_and_intelligence", "justice", "radicalisation_and_extremism",
    "foreign_fighters", "migration_and_smuggling", "drugs_and_organised_crime", "cyber",
    "sahel_and_coalition", "victims",
]
NL_2021 = "2021-11-22_nl_sophiewilmes-be"

# A tiny dictionary and sentences written for these tests (not official texts).
TINY_YAML = """\
themes:
  justice:
    label: Justice
    fr: ["mandat d'arrêt européen", procureur]
    nl: [Europees aanhoudingsbevel, procureur]
    en: [European arrest warrant, prosecutor]
    de: [Europäischer Haftbefehl, Staatsanwalt]
  drugs:
    fr: [drogue, port]
    nl: [drugs, haven]
    en: [drugs, port]
    de: [Drogen, Hafen]
"""
TINY_SENTENCES = pd.DataFrame(
    {
        "doc_id": ["t_fr", "t_nl", "t_en", "t_de"],
        "language": ["fr", "nl", "en", "de"],
        "text": [
            "Le procureur a émis un mandat d’arrêt européen ; un second mandat d'arrêt européen suit.",
            "De procureur vaardigde een Europees aanhoudingsbevel uit; de drugs kwamen via de haven.",
            "The prosecutor issued a European arrest warrant for drugs seized in the port.",
            "Der Staatsanwalt erließ einen Europäischen Haftbefehl wegen Drogen im Hafen.",
        ],
    }
)


def write_yaml(tmp_path, text, name="themes.yml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def load_error(tmp_path, text) -> str:
    with pytest.raises(ThemeError) as info:
        load_themes(write_yaml(tmp_path, text))
    return str(info.value)


@pytest.fixture(scope="module")
def themes():
    return load_themes(THEMES_FILE)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return load_themes(write_yaml(tmp_path_factory.mktemp("tiny"), TINY_YAML))


@pytest.fixture(scope="module")
def corpus_sentences():
    return sentences(load_corpus(TEXTS))


# --- loader errors -----------------------------------------------------------------------


def test_missing_file(tmp_path):
    with pytest.raises(ThemeError, match=r"nowhere\.yml: the theme file does not exist\. Fix: point"):
        load_themes(tmp_path / "nowhere.yml")


def test_invalid_yaml(tmp_path):
    message = load_error(tmp_path, "themes:\n  cyber:\n    en: [cyber\n    fr: [cyber]\n")
    assert "themes.yml: the file is not valid YAML" in message and "line" in message
    assert "Fix: check the indentation" in message


def test_a_key_written_twice_is_invalid_yaml(tmp_path):
    message = load_error(tmp_path, "themes:\n  cyber:\n    en: [cyber]\n    en: [privacy]\n")
    assert "themes.yml: the file is not valid YAML" in message and "'en' is written twice" in message
    assert "write each theme's key once" in message


@pytest.mark.parametrize("text", ["cyber:\n  en: [cyber]\n", "themes: [cyber]\n", "themes:\n", "- a\n"])
def test_no_themes_mapping(tmp_path, text):
    message = load_error(tmp_path, text)
    assert "themes.yml: no 'themes:' mapping" in message
    assert "Fix: start the file with a line 'themes:'" in message


def test_theme_that_is_not_a_mapping(tmp_path):
    message = load_error(tmp_path, "themes:\n  cyber: [cybersecurity, privacy]\n")
    assert "themes.yml, theme 'cyber': the theme is not a mapping" in message
    assert "Fix: indent its languages under it" in message


def test_unknown_language_key(tmp_path):
    message = load_error(tmp_path, "themes:\n  cyber:\n    label: Cyber\n    es: [ciberseguridad]\n")
    assert "themes.yml, theme 'cyber': the key 'es' is not a supported language" in message
    assert "Fix: use 'label' or one of the language codes" in message
    assert all(code in message for code in SUPPORTED_LANGUAGES)


def test_theme_without_entries(tmp_path):
    message = load_error(tmp_path, "themes:\n  cyber:\n    label: Cyber security\n")
    assert "themes.yml, theme 'cyber': the theme has no entries in any language" in message
    assert "Fix: add at least one language with entries" in message


def test_empty_list_for_a_language(tmp_path):
    message = load_error(tmp_path, "themes:\n  cyber:\n    en: [cyber]\n    fr: []\n")
    assert "themes.yml, theme 'cyber', language 'fr': the list of entries is empty" in message
    assert "Fix: add at least one entry to 'fr: [...]', or remove the 'fr' line" in message


def test_entry_that_is_not_text(tmp_path):
    message = load_error(tmp_path, "themes:\n  cyber:\n    en: [cyber, no]\n")
    assert "themes.yml, theme 'cyber', language 'en': the entry False is not text" in message
    assert "Fix: quote it" in message


def test_duplicate_entry_after_lemmatisation(tmp_path):
    message = load_error(tmp_path, "themes:\n  attacks:\n    fr: [attentat, procès, attentats]\n")
    assert "themes.yml, theme 'attacks', language 'fr'" in message
    assert "the entries 'attentat' and 'attentats' are the same after lemmatisation" in message
    assert "Fix: keep one of them" in message


def test_same_entry_in_two_themes(tmp_path):
    message = load_error(
        tmp_path,
        "themes:\n  cyber:\n    en: [cybersecurity]\n  police:\n    en: [police, cyber-security]\n",
    )
    assert "themes.yml, theme 'police', language 'en'" in message
    assert "'cyber-security'" in message and "'cybersecurity' of theme 'cyber'" in message
    assert "a term counts for one theme only" in message
    assert "Fix: remove it from theme 'police' or from theme 'cyber'" in message


def test_same_word_in_two_languages_is_allowed(tmp_path):
    dictionary = load_themes(write_yaml(tmp_path, "themes:\n  cyber:\n    en: [ANSSI]\n  other:\n    fr: [ANSSI]\n"))
    assert dictionary.themes == ["cyber", "other"]


def test_select_unknown_theme(tiny):
    with pytest.raises(ThemeError) as info:
        select(tiny, ["drugs", "weather"])
    message = str(info.value)
    assert "theme 'weather': there is no such theme" in message and "Fix: use one of justice, drugs" in message
    assert select(tiny, ["drugs", "justice"]).themes == ["drugs", "justice"]
    assert select(tiny, "drugs").themes == ["drugs"]


# --- the project's dictionary ------------------------------------------------------------


def test_real_dictionary_has_the_ten_themes_in_all_languages(themes):
    assert themes.themes == THEME_ORDER
    for theme in themes.themes:
        assert sorted(themes.languages(theme)) == sorted(SUPPORTED_LANGUAGES), theme
        assert themes.labels[theme]
    table = themes.table()
    assert list(table.columns) == ["theme", "label", "language", "entry", "terms"]
    assert table.loc[table["entry"] == "mandat d'arrêt européen", "terms"].tolist() == ["mandat arrêt européen"]


def test_real_dictionary_has_no_entry_inside_another(themes):
    """No entry is part of a longer entry of the same language, so no word is counted twice."""
    for language, table in themes.table().groupby("language"):
        runs = [(row.entry, row.terms.split()) for row in table.itertuples()]
        nested = [(short, long) for short, a in runs for long, b in runs if a != b and find(b, a)]
        assert nested == [], language


# --- counting ----------------------------------------------------------------------------


def test_counts_on_a_sentence_per_language(tiny):
    table = theme_matches(TINY_SENTENCES, tiny)
    counts = table.pivot(index="language", columns="theme", values="matches")
    # fr: procureur + "mandat d'arrêt européen" twice (once with a typographic apostrophe).
    assert counts.loc["fr", "justice"] == 3 and counts.loc["fr", "drugs"] == 0
    for language in ("nl", "en", "de"):
        assert counts.loc[language, "justice"] == 2, language
        assert counts.loc[language, "drugs"] == 2, language
    assert table["tokens"].tolist()[:2] == [14, 14]  # d’ and d' are cut off, not words
    assert list(table.columns) == ["doc_id", "language", "theme", "label", "matches", "tokens"]
    assert table["theme"].tolist()[:2] == ["justice", "drugs"]


def test_multi_word_entry_needs_the_whole_run(tiny):
    text = pd.DataFrame({"doc_id": ["x"], "language": ["fr"],
                         "text": ["Un mandat européen et un arrêt européen, mais pas de mandat d'arrêt."]})
    assert theme_matches(text, tiny)["matches"].tolist() == [0, 0]


def test_language_without_entries_is_an_error(tmp_path):
    dictionary = load_themes(write_yaml(tmp_path, "themes:\n  drugs:\n    fr: [drogue]\n    en: [drugs]\n"))
    with pytest.raises(ThemeError) as info:
        theme_matches(TINY_SENTENCES, dictionary)
    message = str(info.value)
    assert "theme 'drugs', language 'de': the theme has no entries in German" in message
    assert "Fix: add a 'de: [...]' list to the theme(s) drugs" in message


def test_matches_keep_the_segment_columns(themes, corpus_sentences):
    table = theme_matches(corpus_sentences, themes)
    assert len(table) == len(corpus_sentences) * len(THEME_ORDER)
    for column in ("doc_id", "meeting_date", "kind", "language", "coverage", "section_no",
                   "paragraph_no", "sentence_no"):
        assert column in table.columns


# --- shares and the bootstrap ------------------------------------------------------------


def four_sentences():
    texts = ["Drugs arrive by sea.", "The weather is fine.", "The port is busy.", "Nothing here."]
    return pd.DataFrame({"doc_id": "d", "language": "en", "kind": "test", "text": texts})


def test_share_worked_out_by_hand(tiny):
    shares = theme_shares(four_sentences(), tiny, n_boot=200)
    drugs = shares[shares["theme"] == "drugs"].iloc[0]
    assert (drugs["units"], drugs["units_with_theme"], drugs["share"]) == (4, 2, 0.5)
    assert drugs["matches"] == 2 and drugs["tokens"] == 4 + 4 + 4 + 2
    assert drugs["per_1000_tokens"] == pytest.approx(round(2000 / 14, 4))
    assert drugs["share_low"] <= 0.5 <= drugs["share_high"] and drugs["share_low"] < drugs["share_high"]
    justice = shares[shares["theme"] == "justice"].iloc[0]
    assert (justice["share"], justice["share_low"], justice["share_high"]) == (0.0, 0.0, 0.0)
    assert shares["kind"].tolist() == ["test", "test"]


def test_bootstrap_is_reproducible_and_seeded(themes, corpus_sentences):
    first = theme_shares(corpus_sentences, themes, n_boot=300, seed=0)
    again = theme_shares(corpus_sentences, themes, n_boot=300, seed=0)
    other = theme_shares(corpus_sentences, themes, n_boot=300, seed=1)
    pd.testing.assert_frame_equal(first, again)
    assert not first[["share_low", "share_high"]].equals(other[["share_low", "share_high"]])
    assert first["share"].equals(other["share"])
    assert ((first["share_low"] <= first["share"]) & (first["share"] <= first["share_high"])).all()


def test_bootstrap_interval_matches_a_direct_resampling_of_the_sentences(tiny):
    units = four_sentences()
    shares = theme_shares(units, tiny, n_boot=20000, seed=7, level=0.8)
    present = np.array([1, 0, 1, 0])  # the drugs theme: 2 of 4 sentences
    draws = np.random.default_rng(3).integers(0, 4, size=(20000, 4))
    low, high = np.quantile(present[draws].mean(axis=1), [0.1, 0.9])
    drugs = shares[shares["theme"] == "drugs"].iloc[0]
    assert (drugs["share_low"], drugs["share_high"]) == (low, high) == (0.25, 0.75)


def test_bootstrap_intervals_of_many_groups_at_once():
    units = np.array([4, 10, 1])
    counts = np.array([[2, 0], [10, 5], [1, 0]])
    low, high = bootstrap_intervals(units, counts, 500, np.random.default_rng(0), 0.95)
    assert low.shape == high.shape == (3, 2)
    assert (low[:, 1][[0, 2]] == 0).all() and (high[1, 0], low[1, 0]) == (1.0, 1.0) and (low[2, 0], high[2, 0]) == (1, 1)
    assert low[1, 1] < 0.5 < high[1, 1]


def test_shares_sorted_by_group_then_theme_order(themes, corpus_sentences):
    shares = theme_shares(corpus_sentences, themes, by=("meeting_date", "language"), n_boot=50)
    keys = shares[["meeting_date", "language"]].drop_duplicates()
    assert keys.equals(keys.sort_values(["meeting_date", "language"]))
    assert shares["theme"].tolist() == THEME_ORDER * len(keys)
    assert "kind" in shares.columns  # constant within every meeting
    assert "coverage" not in shares.columns  # 2018 fr: opening and later excerpt


def test_shares_need_the_group_columns(tiny):
    with pytest.raises(ThemeError, match="no column section_no to group by"):
        theme_shares(four_sentences(), tiny, by="section_no")


# --- differences between languages -------------------------------------------------------


def test_language_differences_worked_out_by_hand():
    shares = pd.DataFrame(
        {
            "meeting_date": ["m1"] * 6 + ["m2"] * 2,
            "theme": ["a", "b"] * 3 + ["a", "b"],
            "label": ["A", "B"] * 4,
            "language": ["fr", "fr", "nl", "nl", "en", "en", "fr", "fr"],
            "share": [0.5, 0.1, 0.25, 0.1, 0.4, 0.3, 0.9, 0.0],
        }
    )
    table = language_differences(shares)
    assert table["theme"].tolist() == ["a", "b"] and (table["meeting_date"] == "m1").all()
    assert table["max_abs_difference"].tolist() == [0.25, 0.2]
    assert table["languages"].tolist() == ["en, fr, nl", "en, fr, nl"]
    assert table[["lowest", "highest"]].values.tolist() == [["nl", "fr"], ["fr", "en"]]
    assert table[["share_en", "share_fr", "share_nl"]].values.tolist() == [[0.4, 0.5, 0.25], [0.3, 0.1, 0.1]]
    alone = single_language_rows(shares)
    assert alone[["meeting_date", "theme", "language"]].values.tolist() == [["m2", "a", "fr"], ["m2", "b", "fr"]]
    summary = difference_summary(table)
    assert summary.columns.tolist()[:4] == ["theme", "label", "comparisons", "largest_difference"]
    assert summary["largest_difference"].tolist() == [0.25, 0.2]


def test_language_differences_refuse_two_rows_for_one_language():
    shares = pd.DataFrame({"meeting_date": ["m1"] * 3, "theme": ["a"] * 3,
                           "language": ["fr", "fr", "nl"], "share": [0.1, 0.2, 0.3]})
    with pytest.raises(ThemeError, match="several rows for meeting_date m1, theme a, language fr"):
        language_differences(shares)


def test_language_differences_on_the_2017_communique(themes, corpus_sentences):
    communique = corpus_sentences[corpus_sentences["meeting_date"] == "2017-10-16"]
    shares = theme_shares(communique, themes, by=("meeting_date", "language"), n_boot=50)
    table = language_differences(shares)
    assert len(table) == len(THEME_ORDER) and (table["languages"] == "de, en, fr, nl").all()
    justice = table[table["theme"] == "justice"].iloc[0]
    assert justice["min_share"] >= 0.4  # the communiqué opens with judicial cooperation, in every language


# --- the dictionary on the text it is meant for ------------------------------------------


@pytest.fixture(scope="module")
def nl_2021_sections(themes, corpus_sentences):
    # headings left out: each names its section's subject, which would make the test circular
    text = corpus_sentences[(corpus_sentences["doc_id"] == NL_2021) & ~corpus_sentences["is_heading"]]
    shares = theme_shares(text, themes, by=("doc_id", "section_no"), n_boot=50)
    return shares.pivot(index="section_no", columns="theme", values="share")


@pytest.mark.parametrize(
    "section, theme",
    [(1, "attacks_and_trials"), (2, "police_and_intelligence"), (3, "migration_and_smuggling"),
     (4, "justice"), (5, "radicalisation_and_extremism"), (6, "foreign_fighters"), (7, "cyber"),
     (8, "sahel_and_coalition")],
)
def test_each_section_of_the_2021_dutch_text_is_about_its_theme(nl_2021_sections, section, theme):
    shares = nl_2021_sections.loc[section]
    assert shares[theme] >= 0.5
    assert shares.idxmax() == theme


def test_the_cyber_section_sentences_match_the_cyber_theme(themes, corpus_sentences):
    section = corpus_sentences[(corpus_sentences["doc_id"] == NL_2021) & (corpus_sentences["section_no"] == 7)]
    matches = theme_matches(section, select(themes, "cyber"))
    assert matches["matches"].tolist()[:3] == [1, 3, 2]  # heading; CCB, Cybersecurity, ANSSI; privacy, logingegevens


def test_queries_give_each_themes_entries_as_written(themes):
    queries = themes.queries("nl")
    assert list(queries) == themes.themes
    assert "drugshandel" in queries["drugs_and_organised_crime"]


def test_theme_contexts_show_every_match_with_its_entry(themes, corpus_sentences):
    dutch = corpus_sentences[corpus_sentences["doc_id"] == "2021-11-22_nl_sophiewilmes-be"]
    lines = theme_contexts(dutch, themes, "cyber", window=3)
    counted = theme_matches(dutch, select(themes, ["cyber"]))["matches"].sum()
    assert len(lines) == counted > 0
    assert set(lines["entry"]) <= set(themes.queries("nl")["cyber"])
    assert "ANSSI" in set(lines["match"])


def test_shares_formatted_for_reading(tiny):
    table = format_shares(theme_shares(four_sentences(), tiny, n_boot=200), "label", "doc_id")
    cell = table.iloc[0, 0]
    assert cell.startswith("0.50 [") and cell.endswith("] 2/4")


def test_theme_frequencies_label_each_theme(themes):
    texts = pd.DataFrame({"doc_id": ["x"], "language": ["nl"], "text": ["De drugshandel via de havens van Antwerpen."]})
    table = theme_frequencies(texts, select(themes, ["drugs_and_organised_crime", "cyber"])).set_index("group")
    assert list(table.index) == ["Drugs, ports and organised crime", "Cyber security"]
    assert table.loc["Drugs, ports and organised crime", "matches"] == 3 and table.loc["Cyber security", "matches"] == 0
