"""simplemma's language data is decoded once per machine, cached safely, and gives the same lemmas."""

import os
import pickle
import subprocess
import sys

import pytest
import simplemma
from simplemma.strategies import DefaultStrategy
from simplemma.strategies.dictionaries.dictionary_factory import DefaultDictionaryFactory

from valduchesse import lemma_cache


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv(lemma_cache.ENV_FOLDER, str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_a_dictionary_is_decoded_once_then_read_from_the_cache(cache, monkeypatch):
    decoded = lemma_cache._DECODE("fr")
    path = lemma_cache.cache_file("fr")
    assert cache in path.parents and f"simplemma-{simplemma.__version__}" in str(path)
    assert lemma_cache.load_dictionary("fr") == decoded and path.is_file()

    def decode_again(language):
        raise AssertionError("decoded again although cached")

    monkeypatch.setattr(lemma_cache, "_DECODE", decode_again)
    assert lemma_cache.load_dictionary("fr") == decoded
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left


def test_lemmas_and_language_scores_are_the_same_with_the_cache(cache, monkeypatch):
    text = ("Les deux ministres ont signé des déclarations communes sur les attentats terroristes. "
            "The ministers agreed on closer cooperation between the police services.")
    words = simplemma.simple_tokenizer(text)

    def results():
        factory = DefaultDictionaryFactory()  # a fresh in-memory cache, so that each run loads the data
        lemmatizer = simplemma.Lemmatizer(lemmatization_strategy=DefaultStrategy(dictionary_factory=factory))
        detector = simplemma.LanguageDetector(("fr", "en"), lemmatization_strategy=DefaultStrategy(
            dictionary_factory=factory))
        return [lemmatizer.lemmatize(w, "fr") for w in words], [lemmatizer.lemmatize(w, "en") for w in words], \
            detector.proportion_in_each_language(text)

    monkeypatch.setenv(lemma_cache.ENV_SWITCH, "off")
    assert not lemma_cache.install()
    monkeypatch.setattr(lemma_cache._factory, "_load_dictionary_from_disk", lemma_cache._DECODE)
    plain = results()
    monkeypatch.delenv(lemma_cache.ENV_SWITCH)
    assert lemma_cache.install()
    first, second = results(), results()  # the first fills the cache, the second reads it
    assert first == plain and second == plain
    assert sorted(p.name.split("-")[0] for p in lemma_cache.cache_folder().iterdir()) == ["en", "fr"]


@pytest.mark.parametrize("content", [b"", b"not a pickle", pickle.dumps(["a list"]), pickle.dumps({"k": "v"})])
def test_a_broken_cache_file_is_rebuilt(cache, content):
    path = lemma_cache.cache_file("en")
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    assert lemma_cache.load_dictionary("en") == lemma_cache._DECODE("en")
    assert lemma_cache.read_cached(path) == lemma_cache._DECODE("en")


class _Runs:
    def __reduce__(self):
        return (os.mkdir, (self.target,))


def test_a_cache_file_that_names_a_function_is_refused_not_run(cache, tmp_path):
    payload = _Runs()
    payload.target = str(tmp_path / "created_by_the_cache_file")
    path = lemma_cache.cache_file("en")
    path.parent.mkdir(parents=True)
    path.write_bytes(pickle.dumps({b"a": payload}))
    assert lemma_cache.read_cached(path) is None
    assert not (tmp_path / "created_by_the_cache_file").exists()


def test_a_new_simplemma_version_gets_its_own_files(cache, monkeypatch):
    before = lemma_cache.cache_file("en")
    monkeypatch.setattr(lemma_cache, "SIMPLEMMA_VERSION", "99.0")
    assert lemma_cache.cache_file("en").parent == cache / "lemma-data" / "simplemma-99.0" != before.parent


def test_an_unwritable_cache_folder_only_costs_time(tmp_path, monkeypatch):
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(lemma_cache.ENV_FOLDER, str(blocker))
    assert lemma_cache.load_dictionary("en") == lemma_cache._DECODE("en")


def test_processes_filling_the_cache_at_once_leave_one_whole_file(cache):
    env = {**os.environ, lemma_cache.ENV_FOLDER: str(cache)}
    command = [sys.executable, "-m", "valduchesse.lemma_cache", "en"]
    processes = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE) for _ in range(2)]
    assert [p.wait(timeout=120) for p in processes] == [0, 0]
    files = list(lemma_cache.cache_folder().iterdir())
    assert files == [lemma_cache.cache_file("en")]  # whole, and no temporary file left behind
    assert lemma_cache.read_cached(files[0]) == lemma_cache._DECODE("en")


def test_an_unknown_language_is_still_simplemma_s_error(cache):
    with pytest.raises(ValueError):
        lemma_cache.load_dictionary("xx")
