"""Tokens, stop words and lemmas, on real sentences from the texts."""

import pytest

from valduchesse.preprocess import stop_words, tokenize
from valduchesse.preprocessor import Preprocessor


def test_french_sentence_from_2016():
    sentence = ("A la suite des attentats qui ont durement touché la Belgique en 2014, "
                "et la France en 2015, les deux pays réaffirment leur intention")
    assert Preprocessor("fr").terms(sentence) == [
        "suite", "attentat", "durement", "toucher", "belgique", "france", "pays", "réaffirmer", "intention"]


def test_french_elisions_are_split():
    assert tokenize("l’excellence de la coopération, d'information", "fr") == [
        "excellence", "de", "la", "coopération", "information"]


def test_dutch_sentence_from_2021():
    sentence = ("De samenwerking zal meer bepaald worden versterkt op het vlak van de strijd tegen "
                "de internationale drugshandel")
    # "bepaald" (meer bepaald: in particular) is on the fuller Dutch stop list
    assert Preprocessor("nl").terms(sentence) == [
        "samenwerking", "versterken", "vlak", "strijd", "internationaal", "drugshandel"]


def test_german_sentence_from_2016_keeps_nouns_as_lemmas():
    sentence = "Infolge der Attentate, von denen Belgien 2014 und Frankreich 2015 schwer betroffen waren"
    assert Preprocessor("de").terms(sentence) == [
        "infolge", "attentat", "belgien", "frankreich", "schwer", "betreffen"]


def test_english_sentence_from_2017():
    sentence = "We will work together to fight violent radicalization in prisons"
    # "work" is on the package's (long) English stop-word list
    assert Preprocessor("en").terms(sentence) == ["fight", "violent", "radicalization", "prison"]


def test_lemmatisation_can_be_switched_off():
    sentence = "les attentats terroristes"
    assert Preprocessor("fr", lemmatize=False).terms(sentence) == ["attentats", "terroristes"]
    assert Preprocessor("fr").terms(sentence) == ["attentat", "terroriste"]


def test_stop_words_can_be_kept():
    assert Preprocessor("nl", remove_stop_words=False).terms("de strijd tegen") == ["de", "strijd", "tegen"]


def test_numbers_and_punctuation_are_not_terms():
    assert tokenize("Le 22 mars 2016, à Bruxelles.", "fr") == ["Le", "mars", "à", "Bruxelles"]


@pytest.mark.parametrize("language", ["fr", "nl", "en", "de"])
def test_stop_word_lists_come_from_the_package(language):
    assert len(stop_words(language)) > 100


@pytest.mark.parametrize("language, size, words", [
    ("nl", 400, ["zullen", "tussen", "verder", "beide"]),
    ("de", 600, ["zwischen", "werden", "beide"]),
])
def test_dutch_and_german_stop_lists_add_stopwords_iso(language, size, words):
    from stop_words import get_stop_words
    import stopwordsiso

    listed = stop_words(language)
    assert len(listed) > size
    assert set(get_stop_words(language)) | set(stopwordsiso.stopwords(language)) == set(listed)
    assert all(word in listed for word in words)


def test_elided_compounds_count_as_their_full_word():
    assert tokenize("het Centrum voor Politie- en Douanesamenwerking", "nl")[-3:] == [
        "Politie", "en", "Douanesamenwerking"]
    assert "sahel" in Preprocessor("nl").terms("de Sahel- en West-Afrikaanse landen")
    assert "innen" in Preprocessor("de").terms("zwischen unseren Innen- und Sicherheitskräften")


def test_unsupported_language_names_the_supported_ones():
    with pytest.raises(ValueError, match=r"'es' is not supported; use one of de \(German\)"):
        Preprocessor("es")


def test_a_correction_is_returned_lower_cased_as_simplemma_s_lemmas_are(tmp_path, monkeypatch):
    from valduchesse import preprocess

    table = tmp_path / "lemma_corrections.yml"
    table.write_text("fr:\n  tribunaux: Tribunal\n", encoding="utf-8")
    monkeypatch.setattr(preprocess, "CORRECTIONS_FILE", table)
    preprocess.corrections.cache_clear()
    preprocess.lemma.cache_clear()
    try:
        assert preprocess.corrections("fr") == {"tribunaux": "Tribunal"}
        assert preprocess.lemma("tribunaux", "fr") == preprocess.lemma("Tribunaux", "fr") == "tribunal"
    finally:
        preprocess.corrections.cache_clear()
        preprocess.lemma.cache_clear()


def test_the_project_s_corrections_are_written_lower_case():
    from valduchesse import preprocess

    for language in ("de", "en", "fr", "nl"):
        listed = preprocess.corrections(language)
        assert listed and all(lemma == lemma.lower() for lemma in listed.values()), language


def test_a_malformed_lemma_corrections_file_is_an_input_error_naming_file_line_and_fix(tmp_path, monkeypatch):
    from valduchesse import preprocess
    from valduchesse.files import InputError

    broken = tmp_path / "lemma_corrections.yml"
    broken.write_text("fr:\n  tribunaux: tribunal\n  tribunaux: cour\n", encoding="utf-8")
    monkeypatch.setattr(preprocess, "CORRECTIONS_FILE", broken)
    preprocess.corrections.cache_clear()
    try:
        with pytest.raises(InputError, match=r"lemma_corrections\.yml.*line 3.*written twice.*Fix: "):
            preprocess.corrections("fr")
        broken.write_text("fr:\n  - tribunal\n", encoding="utf-8")
        with pytest.raises(InputError, match=r"field 'fr': the corrections are not a mapping.*Fix: write one"):
            preprocess.corrections("fr")
    finally:
        preprocess.corrections.cache_clear()
