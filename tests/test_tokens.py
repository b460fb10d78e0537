"""The tokens stage: lemma corrections, names, furniture, what each step removes, on real texts."""

import sys
from pathlib import Path

import pandas as pd
import pytest
import simplemma
import yaml

from valduchesse import (
    concordance, keyness, lemma_cache, preprocess, preprocessor, rule_agreement, terms, themes, token_rules,
)
from valduchesse import tokens as tokens_module
from valduchesse.coding import coding_units, current_codes, read_coding
from valduchesse.corpus import load_corpus
from valduchesse.corpus_views import comparable_openings
from valduchesse.preprocess import CORRECTIONS_FILE, LEMMA_CACHE_SIZE, lemma, normalise
from valduchesse.segment import section_labels, sections
from valduchesse.keyness import keyness_by_group
from valduchesse.terms import term_matrix, top_terms
from valduchesse.preprocessor import Preprocessor
from valduchesse.rule_agreement import furniture_agreement, names_agreement
from valduchesse.token_rules import name_words, read_names, rules
from valduchesse.tokens import STEPS, tokens

from conftest import ROOT, TEXTS

DOCUMENTS = load_corpus(TEXTS)
CODED = current_codes(read_coding(ROOT / "coding" / "sentences.csv"), coding_units(DOCUMENTS))
NAMES = read_names()


def one(text: str, language: str = "fr", **options):
    return tokens(pd.DataFrame({"doc_id": ["t"], "language": [language], "text": [text]}), **options)


# --- language data ------------------------------------------------------------------------------

# Every lemma artefact known: those the issue found and those found by reading every lemma of texts/.
ARTEFACTS = [
    ("fr", "violente", "violent"),        # was violenter
    ("fr", "active", "actif"),
    ("fr", "mise", "mise"),
    ("fr", "criminelles", "criminel"),
    ("fr", "traite", "traite"),           # "traite des êtres humains" was "trait un"
    ("fr", "des", "de"),
    ("fr", "menées", "mener"),
    ("fr", "décidées", "décider"),
    ("fr", "touchés", "toucher"),
    ("fr", "communes", "commun"),
    ("fr", "commune", "commun"),
    ("fr", "bilatérale", "bilatéral"),
    ("nl", "internet", "internet"),       # was internetten
    ("nl", "aansluiten", "aansluiten"),   # was aan_sluiten
    ("nl", "aangesloten", "aansluiten"),
    ("nl", "samenwerken", "samenwerken"),
    ("nl", "Franse", "frans"),            # was fransman
    ("nl", "Belgische", "belgisch"),
    ("nl", "verder", "verder"),           # was ver
    ("nl", "Eerste", "eerste"),           # was één
    ("nl", "gevangenen", "gevangene"),
    ("nl", "gevaren", "gevaar"),
    ("nl", "leden", "lid"),
    ("nl", "roepen", "roepen"),
    ("nl", "stellen", "stellen"),
    ("nl", "zetten", "zetten"),
    ("nl", "voeren", "voeren"),
    ("nl", "delen", "delen"),
    ("nl", "wens", "wens"),
    ("nl", "Sahel-", "sahel"),            # an elided compound: "Sahel- en West-Afrikaanse landen"
    ("nl", "Politie-", "politie"),        # "Politie- en Douanesamenwerking"
    ("de", "ausgezeichnete", "ausgezeichnet"),
    ("de", "bilaterale", "bilateral"),
    ("de", "Gemeinsame", "gemeinsam"),
    ("de", "Innen-", "innen"),
    ("en", "developed", "develop"),
    ("en", "meeting", "meeting"),
]


@pytest.mark.parametrize("language, word, expected", ARTEFACTS)
def test_no_known_lemma_artefact_comes_back(language, word, expected):
    assert lemma(normalise(word, language), language) == expected
    assert one(word, language, remove=()).terms() == [[expected]]


def test_every_correction_is_still_needed_and_listed_as_an_artefact():
    table = yaml.safe_load(CORRECTIONS_FILE.read_text(encoding="utf-8"))
    listed = {(language, word.lower()) for language, word, _ in ARTEFACTS}
    for language, entries in table.items():
        for word, fixed in entries.items():
            raw = {simplemma.lemmatize(form, lang=language).lower().replace("_", "") for form in (word, word.capitalize())}
            assert raw != {fixed}, f"{language} {word}: simplemma now gives {fixed}; remove the correction"
            assert (language, word) in listed, f"{language} {word}: add it to ARTEFACTS"


def test_the_lemma_cache_is_bounded_and_no_module_keeps_a_growing_cache():
    assert lemma.cache_info().maxsize == LEMMA_CACHE_SIZE
    for module in (concordance, keyness, preprocess, preprocessor, rule_agreement, terms, themes, token_rules,
                   tokens_module):
        growing = [name for name, value in vars(module).items()
                   if isinstance(value, (dict, list, set)) and not name.isupper() and not name.startswith("__")]
        assert growing == [], f"{module.__name__} keeps module-level containers {growing}"


def test_every_stage_tokenises_and_lemmatises_through_preprocess(monkeypatch):
    # Every call that reaches simplemma's tokeniser or lemmatiser while the stages run comes from preprocess
    # (which applies the corrections, the lemma cache and the stop words the same way for every stage).
    callers = []
    spied = [(simplemma, name) for name in ("simple_tokenizer", "lemmatize", "text_lemmatizer", "lemma_iterator")]
    for owner, name in [*spied, (lemma_cache, "lemmatize")]:
        def spy(*args, _original=getattr(owner, name), **kwargs):
            callers.append(sys._getframe(1).f_globals.get("__name__"))
            return _original(*args, **kwargs)
        monkeypatch.setattr(owner, name, spy)
    preprocess.lemma.cache_clear()
    try:
        french = DOCUMENTS[DOCUMENTS["language"] == "fr"].head(3)
        matrix = term_matrix(french)
        keyness_by_group(matrix)
        top_terms(matrix)
        themes.theme_frequencies(french, themes.load_themes(ROOT / "themes.yml"))
        furniture_agreement(french, CODED)
        names_agreement(french, NAMES)
    finally:
        preprocess.lemma.cache_clear()  # nothing the spies returned stays cached for other tests
    assert callers and set(callers) == {"valduchesse.preprocess"}


# --- the Tokens object -------------------------------------------------------------------------


def test_the_doctest_example():
    text = "Paris\nLundi 11 juin 2018\nÉdouard PHILIPPE et Charles MICHEL ont salué la coopération."
    found = one(text)
    assert found.terms() == [["saluer", "coopération"]]
    table = found.table()
    assert table.set_index("token").loc[["Paris", "Lundi", "PHILIPPE", "ont", "11"], "removed"].tolist() == [
        "furniture", "furniture", "person name", "stop word", "furniture"]


def test_the_removal_report_accounts_for_every_token():
    found = tokens(DOCUMENTS[DOCUMENTS["language"] == "fr"])
    report = found.removed()
    assert list(report.columns) == ["doc_id", "tokens", *STEPS, "terms", "terms_share"]
    assert (report["heading"] == 0).all()  # not a default step
    assert report["terms"].tolist() == [len(t) for t in found.terms()]


def test_steps_can_be_chosen_and_unknown_steps_are_refused():
    text = "Paris\nLes Premiers ministres Jean Castex et Alexander De Croo ont décidé."
    assert one(text, remove=()).removed()["terms"].iloc[0] == one(text, remove=()).removed()["tokens"].iloc[0]
    assert "castex" in one(text, remove=("stop word",)).terms()[0]
    assert "castex" not in one(text).terms()[0]
    with pytest.raises(ValueError, match="unknown removal step.s. 'names'"):
        one(text, remove=("names",))
    with pytest.raises(ValueError, match="2 languages"):
        tokens(pd.DataFrame({"doc_id": ["a", "b"], "language": ["fr", "nl"], "text": ["a", "b"]}))


def test_headings_are_removed_when_asked_and_follow_the_numbering():
    text = "Préambule.\n1. Suivi des procès\nLe procès s'est ouvert.\n3. Pas un titre\n2. Cybersécurité"
    table = one(text, remove=STEPS).table()
    removed = table.groupby("removed")["token"].apply(list)
    assert removed["heading"] == ["1", "Suivi", "des", "procès", "2", "Cybersécurité"]


# --- names ------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, names", [
    ("les ministres, Alexander De Croo et Jean Castex, ont décidé", ["Alexander", "De", "Croo", "Jean", "Castex"]),
    ("entre Édouard PHILIPPE et Charles MICHEL", ["Édouard", "PHILIPPE", "Charles", "MICHEL"]),
    ("le port du Havre et le port de Le Havre", []),
    ("le Premier ministre du Royaume de Belgique", []),
    ("la lutte contre la Wagner Group au Mali", []),
    ("il a reçu M. Dupont hier", ["Dupont"]),
])
def test_the_names_rule_on_sentences(text, names):
    table = one(text, remove=("person name",)).table()
    assert table.loc[table["removed"] == "person name", "token"].tolist() == names


def test_the_names_rule_finds_every_listed_person_in_the_texts():
    listed = removed = both = 0
    for _, texts in DOCUMENTS.groupby("language"):
        found = names_agreement(texts, NAMES)
        assert found["missed"].empty, found["missed"]
        listed, removed, both = listed + found["listed"], removed + found["removed"], both + found["both"]
    assert both == listed == 138
    assert both / removed > 0.9  # what else it takes: "Val Duchesse", "No Money For Terror", "Cybersecurity België"


def test_offices_next_to_names_go_with_them():
    text = ("Ils se sont réunis.\nLes Premiers ministres du Royaume de Belgique et de la République française, Alexander De Croo et "
            "Jean Castex, en présence de la ministre des Affaires étrangères et européennes, Sophie Wilmès, "
            "ont confirmé la profonde amitié")
    found = one(text)
    offices = found.table().query("removed == 'office'")["token"].tolist()
    assert offices[:2] == ["Premiers", "ministres"] and "Affaires" in offices and "étrangères" in offices
    assert found.terms()[0] == ["réunir", "présence", "confirmer", "profond", "amitié"]


def test_a_names_list_removes_names_the_rule_cannot_see():
    text = "Elle a parlé.\nLa présidente Ursula von der Leyen a parlé."
    assert "leyen" in one(text, remove=("person name",)).terms()[0]
    assert "leyen" not in one(text, remove=("person name",), names=["Ursula von der Leyen"]).terms()[0]


# --- furniture --------------------------------------------------------------------------------


def test_the_furniture_rule_agrees_with_the_hand_codes():
    summary, table = furniture_agreement(DOCUMENTS, CODED)
    assert summary["sentences"] == len(CODED) == 171
    assert summary["rule_only"] == 0  # the rule never takes a substantive sentence for furniture
    assert summary["agreement"] > 0.98 and summary["kappa"] > 0.9
    # attendee-only sentences inside a paragraph are found by the attendee rule
    assert {"2016-02-01_de_archive-premier-be#2", "2021-11-22_nl_sophiewilmes-be#1"} <= set(
        table.loc[table["hand"] & table["rule"], "unit_id"])


def test_hand_codes_decide_where_they_exist():
    dutch = DOCUMENTS[DOCUMENTS["doc_id"] == "2021-11-22_nl_sophiewilmes-be"]
    units = CODED[CODED["doc_id"] == "2021-11-22_nl_sophiewilmes-be"]
    first, second = units.iloc[0], units.iloc[1]  # the attendee list (furniture), then a substantive sentence
    assert (first["final"], second["final"]) == ("furniture", "none")
    by_rule = tokens(dutch).removed()["furniture"].iloc[0]
    assert tokens(dutch, coded=units).removed()["furniture"].iloc[0] == by_rule  # the rule finds the list too
    swapped = units.assign(final=["none", "furniture", *units["final"].iloc[2:]])
    table = tokens(dutch, coded=swapped).table()
    removed = table.loc[table["removed"] == "furniture", "token"].tolist()
    assert removed[:2] == ["Ze", "bevestigden"] and "Castex" not in removed
    stale = units.assign(text=units["text"] + " (changed)", final="furniture")
    assert tokens(dutch, coded=stale).removed()["furniture"].iloc[0] == by_rule  # a stale code is not used


@pytest.mark.parametrize("line, furniture", [
    ("Paris", True), ("Lundi 11 juin 2018", True), ("Paris, 11 juin 2018", True), ("16/10/2017", True),
    ("Le procès s'est ouvert en septembre 2021 à Paris.", False), ("Nous avons décidé de coopérer", False),
])
def test_date_and_place_lines(line, furniture):
    found = one("Un texte commence ici.\n" + line)
    assert (found.removed()["furniture"].iloc[0] > 0) == furniture


def test_title_lines_at_the_top_are_furniture_not_numbered_decisions_further_down():
    text = "Déclaration conjointe\nsur la coopération\nLes deux pays coopèrent.\n1 - Nous avons décidé de créer un groupe"
    table = one(text).table()
    assert set(table.loc[table["removed"] == "furniture", "token"]) == {"Déclaration", "conjointe", "sur", "la",
                                                                         "coopération"}


# --- the done criterion: clean top terms over the real texts -------------------------------------

FURNITURE_TERMS = {word for language in ("fr", "nl", "de", "en") for key in ("months", "weekdays")
                   for word in rules(language)[key]} | {"affaire", "zaak", "lundi"}


def _top_terms(found, n=20) -> dict[str, tuple[set, set]]:
    """Per opening: the words of its top ``n`` TF-IDF terms (unigrams and bigrams) and its top ``n`` keyness terms."""
    tfidf = top_terms(term_matrix(found, ngram_range=(1, 2)), n=n)
    key = keyness_by_group(term_matrix(found), n=n)
    return {doc_id: (set(tfidf.loc[tfidf["doc_id"] == doc_id, "term"].str.split().explode()),
                     set(key.loc[key["group"] == doc_id, "term"])) for doc_id in found.doc_ids}


def _only_in_furniture(openings: pd.DataFrame) -> dict[str, set]:
    """Per opening, the terms that occur in it only inside hand-coded furniture sentences."""
    everything = tokens(openings, remove=())
    furniture = tokens(openings, remove=("furniture",), coded=CODED)
    result = {}
    for doc_id, all_terms, kept in zip(everything.doc_ids, everything.terms(), furniture.terms()):
        result[doc_id] = set(all_terms) - set(kept)
    return result


@pytest.mark.parametrize("with_communique", [False, True])
@pytest.mark.parametrize("language", ["fr", "de", "nl", "en"])
@pytest.mark.parametrize("hand_codes", [True, False])
def test_no_name_and_no_furniture_among_the_top_20_terms_of_any_opening(language, with_communique, hand_codes):
    documents = DOCUMENTS if with_communique else DOCUMENTS[DOCUMENTS["kind"] == "joint declaration"]
    openings = comparable_openings(documents, language) if (documents["language"] == language).any() else None
    if openings is None or len(openings) < 2:
        pytest.skip(f"fewer than two openings in {language}")
    found = tokens(openings, coded=CODED if hand_codes else None)
    names = {word for run in name_words(NAMES) for word in run}
    only_furniture = _only_in_furniture(openings)
    for doc_id, (tfidf, key) in _top_terms(found).items():
        for which, top in (("TF-IDF", tfidf), ("keyness", key)):
            assert not top & names, f"{doc_id}: names among the top {which} terms: {sorted(top & names)}"
            assert not top & FURNITURE_TERMS, f"{doc_id}: furniture words among the top {which} terms"
            assert not top & only_furniture[doc_id], \
                f"{doc_id}: terms found only in its furniture among the top {which}: {sorted(top & only_furniture[doc_id])}"


def test_section_keyness_leaves_the_headings_out():
    full = DOCUMENTS[DOCUMENTS["coverage"] == "full text"]
    parts = sections(full).assign(doc_id=lambda t: section_labels(t))
    found = tokens(parts, remove=STEPS, coded=CODED)
    key = keyness_by_group(term_matrix(found), n=20)
    headings = {term for title in parts["section_title"] for term in Preprocessor("nl").terms(title)}
    body = tokens(parts, remove=("heading",))
    in_body = {term for doc_terms in body.terms() for term in doc_terms}
    assert not (set(key["term"]) & (headings - in_body))
    assert not {"cyberveiligheid", "foreign", "fighter", "ftf"} & set(key["term"])


def test_headings_are_kept_by_default_and_removed_on_request():
    full = DOCUMENTS[DOCUMENTS["coverage"] == "full text"]
    assert (tokens(full).removed()["heading"] == 0).all()
    assert (tokens(full, remove=STEPS).removed()["heading"] > 0).all()


@pytest.mark.parametrize("body, message", [
    ("names:\n  - Charles Michel\n - Jean Castex\n", r"line 3, column 2: the file is not valid YAML.*Fix: check the indentation"),
    ("names: &who\n  - Charles Michel\nothers: *who\n", r"field 'names'.*an anchor.*Fix: "),
    ("people:\n  - Charles Michel\n", r"field 'names': no 'names:' list found\. Fix: write 'names:'"),
])
def test_a_malformed_names_file_is_an_input_error_naming_file_field_and_fix(tmp_path, body, message):
    from valduchesse.files import InputError

    path = tmp_path / "names.yml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(InputError, match=message) as caught:
        read_names(path)
    assert str(caught.value).startswith(str(path))
