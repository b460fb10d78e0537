"""The theme dictionary: loading and checking it, counting themes, shares with Wilson intervals."""

import pandas as pd
import pytest

from valduchesse.coding import THEMES as CODEBOOK_THEMES
from valduchesse.corpus import load_corpus
from valduchesse.corpus_header import SUPPORTED_LANGUAGES
from valduchesse.intervals import wilson
from valduchesse.segment import sentences
from valduchesse.concordance import find
from valduchesse.themes import (
    ThemeError, load_themes, select, theme_frequencies, theme_matches, theme_shares,
)

from conftest import ROOT, TEXTS

THEMES_FILE = ROOT / "themes.yml"
THEME_ORDER = list(CODEBOOK_THEMES)  # themes.yml follows the codebook (coding/CODEBOOK.md), in its order
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


def test_real_dictionary_has_the_codebook_themes_in_all_languages(themes):
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


# --- shares and their Wilson intervals --------------------------------------------------


def four_sentences():
    texts = ["Drugs arrive by sea.", "The weather is fine.", "The port is busy.", "Nothing here."]
    return pd.DataFrame({"doc_id": "d", "language": "en", "kind": "test", "text": texts})


def test_share_worked_out_by_hand(tiny):
    shares = theme_shares(four_sentences(), tiny)
    drugs = shares[shares["theme"] == "drugs"].iloc[0]
    assert (drugs["units"], drugs["units_with_theme"], drugs["share"]) == (4, 2, 0.5)
    assert drugs["matches"] == 2 and drugs["tokens"] == 4 + 4 + 4 + 2
    assert drugs["per_1000_tokens"] == pytest.approx(round(2000 / 14, 4))
    low, high = wilson(2, 4)
    assert (drugs["share_low"], drugs["share_high"]) == (round(float(low), 4), round(float(high), 4))
    justice = shares[shares["theme"] == "justice"].iloc[0]
    # 0 of 4 sentences: the interval does not collapse to [0, 0] as a bootstrap's would
    assert (justice["share"], justice["share_low"]) == (0.0, 0.0) and justice["share_high"] > 0.4
    assert shares["kind"].tolist() == ["test", "test"]


def test_shares_hold_their_interval_for_every_group_and_theme(themes, corpus_sentences):
    shares = theme_shares(corpus_sentences, themes, by=("meeting_date", "language"), level=0.9)
    assert ((shares["share_low"] <= shares["share"]) & (shares["share"] <= shares["share_high"])).all()
    wider = theme_shares(corpus_sentences, themes, by=("meeting_date", "language"), level=0.99)
    assert (wider["share_high"] - wider["share_low"] >= shares["share_high"] - shares["share_low"]).all()


def test_shares_sorted_by_group_then_theme_order(themes, corpus_sentences):
    shares = theme_shares(corpus_sentences, themes, by=("meeting_date", "language"))
    keys = shares[["meeting_date", "language"]].drop_duplicates()
    assert keys.equals(keys.sort_values(["meeting_date", "language"]))
    assert shares["theme"].tolist() == THEME_ORDER * len(keys)
    assert "kind" in shares.columns  # constant within every meeting
    assert "coverage" not in shares.columns  # 2018 fr: opening and later excerpt


def test_shares_need_the_group_columns(tiny):
    with pytest.raises(ThemeError, match="no column section_no to group by"):
        theme_shares(four_sentences(), tiny, by="section_no")


# --- the dictionary on the text it is meant for ------------------------------------------


def test_the_cyber_section_sentences_match_the_cyber_theme(themes, corpus_sentences):
    section = corpus_sentences[(corpus_sentences["doc_id"] == NL_2021) & (corpus_sentences["section_no"] == 7)]
    matches = theme_matches(section, select(themes, "cyber"))
    # heading; CCB, Cybersecurity, ANSSI; data retention for investigations (codebook rule 3: justice, not cyber)
    assert matches["matches"].tolist()[:3] == [1, 3, 0]


@pytest.mark.parametrize(
    "language, sentence, theme, expected",
    [
        # criminal organisations in a smuggling sentence are not drugs and organised crime (codebook rule 2)
        ("fr", "le démantèlement des organisations criminelles qui organisent l’immigration irrégulière",
         "drugs_and_organised_crime", 0),
        ("nl", "criminele organisaties die de illegale immigratie organiseren", "drugs_and_organised_crime", 0),
        # trafficking of cultural goods funds terrorism (codebook: terrorism_financing)
        ("fr", "la lutte contre le trafic de biens culturels", "drugs_and_organised_crime", 0),
        ("fr", "la lutte contre le trafic de biens culturels", "terrorism_financing", 1),
        # encryption in criminal investigations is justice, not cyber (codebook rule 3)
        ("fr", "les enjeux du numérique et du chiffrement des communications pour les enquêtes pénales", "cyber", 0),
        ("en", "digitalization and encryption of communications for criminal investigations", "cyber", 0),
        # Iraq and Syria named as where the coalition acts are not foreign fighters (codebook rule 4)
        ("nl", "in de eerste plaats in Irak en Syrië, waar de coalitie voornamelijk actief is", "foreign_fighters", 0),
        ("nl", "in de eerste plaats in Irak en Syrië, waar de coalitie voornamelijk actief is", "sahel_and_coalition", 1),
    ],
)
def test_the_dictionary_no_longer_makes_the_miscounts_the_hand_coding_found(themes, language, sentence, theme,
                                                                              expected):
    segment = pd.DataFrame({"doc_id": ["s"], "language": [language], "text": [sentence]})
    matches = theme_matches(segment, themes).set_index("theme")["matches"]
    assert int(matches[theme] > 0) == expected


def test_queries_give_each_themes_entries_as_written(themes):
    queries = themes.queries("nl")
    assert list(queries) == themes.themes
    assert "drugshandel" in queries["drugs_and_organised_crime"]


def test_theme_frequencies_label_each_theme(themes):
    texts = pd.DataFrame({"doc_id": ["x"], "language": ["nl"], "text": ["De drugshandel via de havens van Antwerpen."]})
    table = theme_frequencies(texts, select(themes, ["drugs_and_organised_crime", "cyber"])).set_index("group")
    assert list(table.index) == ["Drugs, ports and organised crime", "Cyber security"]
    assert table.loc["Drugs, ports and organised crime", "matches"] == 3 and table.loc["Cyber security", "matches"] == 0


def test_a_theme_written_without_indentation_is_an_error_not_ignored(tmp_path):
    message = load_error(tmp_path, "themes:\n  cyber:\n    en: [cyber]\nenergy:\n  en: [energy]\n")
    assert "themes.yml: the top-level key(s) 'energy' are not 'themes'" in message
    assert "Fix: indent each theme by two spaces" in message


@pytest.mark.parametrize("entry", ["'\\\\d+'", "'a.*b'", "'[Ss]ahel'", "'attack?'", "'#police'"])
def test_an_entry_that_is_a_pattern_not_words_is_an_error(tmp_path, entry):
    message = load_error(tmp_path, f"themes:\n  cyber:\n    en: [{entry}]\n")
    assert "theme 'cyber', language 'en'" in message and "entries are words, not patterns" in message


@pytest.mark.parametrize("language, entry", [("fr", "de"), ("en", "the"), ("nl", "IS")])
def test_an_entry_that_is_a_stop_word_is_an_error(tmp_path, language, entry):
    message = load_error(tmp_path, f"themes:\n  t:\n    {language}: [{entry}]\n")
    assert f"language '{language}'" in message and "matches only the stop word" in message


def test_an_acronym_that_is_no_word_of_the_language_is_kept(tmp_path):
    path = tmp_path / "themes.yml"
    path.write_text("themes:\n  t:\n    en: [UK, far right]\n", encoding="utf-8")
    assert [e.text for e in load_themes(path).entries["t"]["en"]] == ["UK", "far right"]


def test_theme_frequencies_leave_furniture_names_and_offices_out_of_matches_and_words(themes):
    from valduchesse.tokens import tokens

    text = ("Paris\nLundi 11 juin 2018\nEn présence des ministres de la Justice, Nicole BELLOUBET et Koen GEENS, "
            "les Premiers ministres ont décidé de renforcer la coopération judiciaire.")
    texts = pd.DataFrame({"doc_id": ["t"], "language": ["fr"], "text": [text]})
    cleaned = theme_frequencies(texts, themes).set_index("group")
    everything = theme_frequencies(tokens(texts, remove=()), themes).set_index("group")
    assert cleaned.loc["Justice", "matches"] == 1  # judiciaire, not the Justice of the office
    assert everything.loc["Justice", "matches"] == 1  # the office is Justice, capitalised: the entry is judiciaire
    assert cleaned["tokens"].iloc[0] < everything["tokens"].iloc[0]
    # En présence des | et | les Premiers ministres ont décidé de renforcer la coopération judiciaire
    assert cleaned["tokens"].iloc[0] == 14
