"""simplemma's language data comes from tries built once per machine, saved safely, with the same lemmas."""

import os
import subprocess
import sys

import pytest
import simplemma
from simplemma.strategies import DefaultStrategy
from simplemma.strategies.dictionaries.dictionary_factory import DEFAULT_DICTIONARY_FACTORY, DefaultDictionaryFactory

from valduchesse import cache, lemma_cache


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.ENV_FOLDER, str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_a_trie_is_built_once_then_loaded_from_the_cache(folder, monkeypatch):
    path = lemma_cache.trie_file("fr")
    assert folder in path.parents and f"simplemma-{simplemma.__version__}" in str(path)
    built = lemma_cache.CachedTries().get_dictionary("fr")
    assert path.is_file() and [p.name for p in path.parent.iterdir()] == ["fr.dic"]  # no temporary file left

    def build_again(self, lang):
        raise AssertionError("built again although cached")

    monkeypatch.setattr(lemma_cache.CachedTries, "_build_trie", build_again)
    loaded = lemma_cache.CachedTries().get_dictionary("fr")
    assert len(loaded) == len(built) and loaded.get("attentats") == built.get("attentats") == "attentat"


def test_lemmas_and_language_scores_are_the_same_with_the_tries(folder, monkeypatch):
    text = ("Les deux ministres ont signé des déclarations communes sur les attentats terroristes. "
            "The ministers agreed on closer cooperation between the police services.")
    words = simplemma.simple_tokenizer(text)

    def results(factory):
        lemmatizer = simplemma.Lemmatizer(lemmatization_strategy=DefaultStrategy(dictionary_factory=factory))
        detector = simplemma.LanguageDetector(("fr", "en"), lemmatization_strategy=DefaultStrategy(
            dictionary_factory=factory))
        return [lemmatizer.lemmatize(w, "fr") for w in words], [lemmatizer.lemmatize(w, "en") for w in words], \
            detector.proportion_in_each_language(text)

    plain = results(DefaultDictionaryFactory())  # simplemma's own dictionaries, decoded in memory
    assert results(lemma_cache.CachedTries()) == plain  # builds the tries
    assert results(lemma_cache.CachedTries()) == plain  # loads them
    every = DefaultDictionaryFactory().get_dictionary("en")
    tries = lemma_cache.CachedTries().get_dictionary("en")
    assert len(tries) == len(every) and all(tries.get(word) == every.get(word) for word in list(every)[::97])


def test_install_points_simplemma_at_the_tries_unless_switched_off(folder, monkeypatch):
    monkeypatch.setattr(DEFAULT_DICTIONARY_FACTORY, "_get_dictionary", DEFAULT_DICTIONARY_FACTORY._get_dictionary)
    monkeypatch.setenv(lemma_cache.ENV_SWITCH, "off")
    before = DEFAULT_DICTIONARY_FACTORY._get_dictionary
    assert not lemma_cache.install() and DEFAULT_DICTIONARY_FACTORY._get_dictionary is before
    monkeypatch.delenv(lemma_cache.ENV_SWITCH)
    assert lemma_cache.install()
    dictionary = DEFAULT_DICTIONARY_FACTORY.get_dictionary("fr")  # what simplemma's module-level functions use
    assert type(dictionary).__name__ == "TrieWrapDict" and dictionary.get("attentats") == "attentat"
    assert lemma_cache.trie_file("fr").is_file()


@pytest.mark.parametrize("content", [b"", b"not a trie", b"\x00" * 4096])
def test_a_broken_trie_file_is_rebuilt(folder, content):
    path = lemma_cache.trie_file("en")
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    assert lemma_cache.CachedTries().get_dictionary("en").get("services") == "service"
    assert path.read_bytes() != content and lemma_cache.CachedTries().get_dictionary("en").get("services") == "service"


def test_a_new_simplemma_version_gets_its_own_files(folder, monkeypatch):
    before = lemma_cache.trie_file("en")
    monkeypatch.setattr(lemma_cache, "SIMPLEMMA_VERSION", "99.0")
    after = lemma_cache.trie_file("en")
    assert after.parent.parent == folder / "lemma-data" / "simplemma-99.0" and after.parent != before.parent


def test_an_unwritable_cache_folder_only_costs_time(tmp_path, monkeypatch):
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(cache.ENV_FOLDER, str(blocker))
    assert lemma_cache.CachedTries().get_dictionary("en").get("services") == "service"


@pytest.mark.slow
def test_processes_filling_the_cache_at_once_leave_one_whole_file(folder):
    env = {**os.environ, cache.ENV_FOLDER: str(folder)}
    command = [sys.executable, "-m", "valduchesse.lemma_cache", "en"]
    processes = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE) for _ in range(2)]
    assert [p.wait(timeout=120) for p in processes] == [0, 0]
    assert list(lemma_cache.cache_folder().iterdir()) == [lemma_cache.trie_file("en")]  # no temporary file left
    assert lemma_cache.CachedTries().get_dictionary("en").get("services") == "service"


def test_an_unknown_language_is_still_simplemma_s_error(folder):
    with pytest.raises(ValueError):
        lemma_cache.CachedTries().get_dictionary("xx")
