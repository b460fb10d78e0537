"""simplemma's language data comes from tries built once per machine, saved safely, with the same lemmas,
through the collection's own objects: importing the package changes nothing of simplemma."""

import importlib
import importlib.util
import inspect
import logging
import os
import subprocess
import sys
import types
from pathlib import Path

import pytest
import simplemma
from simplemma.strategies import DEFAULT_DICTIONARY_FACTORY, DefaultDictionaryFactory

import valduchesse
from valduchesse import cache, lemma_cache
from valduchesse.corpus import load_corpus
from valduchesse.corpus_header import SUPPORTED_LANGUAGES
from valduchesse.preprocess import split

from conftest import TEXTS


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.ENV_FOLDER, str(tmp_path / "cache"))
    monkeypatch.delenv(lemma_cache.ENV_SWITCH, raising=False)
    return tmp_path / "cache"


def test_a_trie_is_built_once_then_loaded_from_the_cache(folder, monkeypatch):
    path = lemma_cache.trie_file("fr")
    assert folder in path.parents and f"simplemma-{simplemma.__version__}" in str(path)
    built = lemma_cache.CachedTries().get_dictionary("fr")
    assert path.is_file() and [p.name for p in path.parent.iterdir()] == ["fr.dic"]  # no temporary file left

    def build_again(lang):
        raise AssertionError("built again although cached")

    monkeypatch.setattr(lemma_cache.CachedTries, "build", staticmethod(build_again))
    loaded = lemma_cache.CachedTries().get_dictionary("fr")
    assert len(loaded) == len(built) and loaded.get("attentats") == built.get("attentats") == "attentat"


def _corpus_words() -> list[str]:
    documents = load_corpus(TEXTS)
    return sorted({word for text in documents["text"] for word in split(text) if word.strip()})


def test_a_fixed_sample_of_lemmas_and_known_words_is_simplemma_s_own(folder):
    # The fast tier's check: every 25th word of texts/ (sorted, so the same sample each run), in French and
    # English, on tries built in a temporary cache folder, against simplemma's module-level functions.
    data = lemma_cache.LanguageData(lemma_cache.CachedTries())
    sample = _corpus_words()[::25]
    assert len(sample) > 40
    for language in ("fr", "en"):
        ours = [(data.lemmatize(w, language), data.is_known(w, language)) for w in sample]
        assert ours == [(simplemma.lemmatize(w, language), simplemma.is_known(w, language)) for w in sample], language
    assert sorted(path.name for path in folder.rglob("*.dic")) == ["en.dic", "fr.dic"]  # not the machine's cache


@pytest.mark.slow
def test_lemmas_known_words_and_language_scores_are_simplemma_s_own(folder):
    # End to end: the collection's objects on tries built in a temporary cache folder against simplemma's
    # module-level functions on its own data: every word of texts/ in every language, each paragraph.
    data = lemma_cache.LanguageData(lemma_cache.CachedTries())
    documents = load_corpus(TEXTS)
    words = _corpus_words()
    codes = tuple(SUPPORTED_LANGUAGES)
    for language in codes:
        ours = [(data.lemmatize(w, language), data.is_known(w, language)) for w in words]
        assert ours == [(simplemma.lemmatize(w, language), simplemma.is_known(w, language)) for w in words], language
    paragraphs = [line for text in documents["text"] for line in text.split("\n") if line.strip()]
    assert [data.langdetect(p, codes) for p in paragraphs] == [simplemma.langdetect(p, codes) for p in paragraphs]
    assert len(words) > 1000 and len(paragraphs) > 100  # the comparison covered the corpus
    every = DefaultDictionaryFactory().get_dictionary("en")
    tries = data.dictionary_factory.get_dictionary("en")
    assert len(tries) == len(every) and all(tries[word] == every[word] for word in list(every)[::97])


def test_a_tie_in_language_scores_is_broken_as_simplemma_breaks_it():
    data = lemma_cache.LanguageData(DEFAULT_DICTIONARY_FACTORY)
    # French and English tie on the first sample of "ministre cyber-police"; the relaxed one keeps "cyber-police"
    assert data.langdetect("ministre cyber-police", ("fr", "en")) == [("fr", 1.0), ("en", 0.5), ("unk", 0.0)]
    for text in ("", "the", "Bundesregierung und Regierung", "la police de la police", "x y z", "ministre sub-police"):
        for languages in (("fr", "en"), ("de", "nl", "en", "fr"), "en"):
            assert data.langdetect(text, languages) == simplemma.langdetect(text, languages)


def test_the_module_functions_use_the_tries_unless_switched_off(folder, monkeypatch):
    assert isinstance(lemma_cache.language_data().dictionary_factory, lemma_cache.CachedTries)
    assert lemma_cache.language_data() is lemma_cache.language_data()  # made once
    assert lemma_cache.lemmatize("attentats", "fr") == "attentat" and lemma_cache.trie_file("fr").is_file()
    assert lemma_cache.is_known("services", "en") and lemma_cache.trie_file("en").is_file()
    assert lemma_cache.langdetect("The ministers signed the declarations", ("fr", "en"))[0][0] == "en"
    assert sorted(path.name for path in lemma_cache.cache_folder().iterdir()) == ["en.dic", "fr.dic"]
    monkeypatch.setenv(lemma_cache.ENV_SWITCH, "off")
    assert lemma_cache.language_data().dictionary_factory is DEFAULT_DICTIONARY_FACTORY  # simplemma's own data
    assert lemma_cache.lemmatize("Erklärungen", "de") == "Erklärung" and not lemma_cache.trie_file("de").exists()


def _simplemma_state() -> dict:
    """Every global of simplemma's modules, and every attribute of each (a class's, an object's slots), by identity."""
    state = {}
    for name, module in list(sys.modules.items()):
        if name != "simplemma" and not name.startswith("simplemma."):
            continue
        for key, value in vars(module).items():
            state[name, key] = id(value)
            if isinstance(value, types.ModuleType):
                continue
            inner = dict(vars(value)) if hasattr(value, "__dict__") else {}
            for cls in type(value).__mro__:
                slots = getattr(cls, "__slots__", ())
                for slot in [slots] if isinstance(slots, str) else slots:
                    if hasattr(value, slot):
                        inner[slot] = getattr(value, slot)
            state.update({(name, key, attribute): id(v) for attribute, v in inner.items()})
    return state


def test_importing_the_package_changes_nothing_of_simplemma():
    # Each module of the package is imported (if it was not yet); those that name simplemma or lemma_cache (the
    # only ones that can reach simplemma's objects) are run again as a fresh copy, as a first import runs them:
    # simplemma's module globals, its classes' members and its default objects' slots (the default dictionary
    # factory's included) are the same objects afterwards. The slow test below imports every module in a
    # fresh interpreter. (The module enumeration is also written in test_environment and test_imports: kept
    # there, as tests/conftest.py, where one helper would go, is another change's.)
    package = Path(valduchesse.__file__).parent
    paths = {".".join(("valduchesse", *path.relative_to(package).with_suffix("").parts)).removesuffix(".__init__"): path
             for path in package.rglob("*.py") if path.name != "__main__.py"}
    reaching = sorted(name for name, path in paths.items()
                      if any(word in path.read_text(encoding="utf-8") for word in ("simplemma", "lemma_cache")))
    assert "valduchesse.lemma_cache" in reaching and len(reaching) < len(paths)
    before = _simplemma_state()
    assert ("simplemma.strategies.dictionaries.dictionary_factory", "DEFAULT_DICTIONARY_FACTORY") in before
    for name in sorted(paths):
        importlib.import_module(name)
    for name in reaching:
        spec = importlib.util.find_spec(name)
        spec.loader.exec_module(importlib.util.module_from_spec(spec))
    assert _simplemma_state() == before


@pytest.mark.parametrize("content", [b"", b"not a trie", b"\x00" * 4096])
def test_a_broken_trie_file_is_rebuilt(folder, content, caplog):
    path = lemma_cache.trie_file("en")
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    with caplog.at_level(logging.WARNING, logger=lemma_cache.__name__):
        assert lemma_cache.CachedTries().get_dictionary("en").get("services") == "service"
    assert str(path) in caplog.text and "built again" in caplog.text
    assert path.read_bytes() != content and lemma_cache.CachedTries().get_dictionary("en").get("services") == "service"


def test_a_new_simplemma_version_gets_its_own_files(folder, monkeypatch):
    before = lemma_cache.trie_file("en")
    monkeypatch.setattr(lemma_cache, "SIMPLEMMA_VERSION", "99.0")
    after = lemma_cache.trie_file("en")
    assert after.parent.parent == folder / "lemma-data" / "simplemma-99.0" and after.parent != before.parent


def test_an_unwritable_cache_folder_only_costs_time(tmp_path, monkeypatch, caplog):
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(cache.ENV_FOLDER, str(blocker))
    with caplog.at_level(logging.WARNING, logger=lemma_cache.__name__):
        assert lemma_cache.CachedTries().get_dictionary("en").get("services") == "service"
    assert "kept in memory only" in caplog.text
    assert blocker.read_text() == "not a folder"


def test_a_trie_reads_as_the_mapping_simplemma_looks_words_up_in(folder):
    tries = lemma_cache.CachedTries().get_dictionary("en")
    assert "services" in tries and "xqzw" not in tries and 3 not in tries
    assert tries["services"] == tries.get("services") == "service" and tries.get("xqzw", "none") == "none"
    with pytest.raises(KeyError):
        tries["xqzw"]
    first = next(iter(tries))
    assert first in tries and len(tries) > 10_000


@pytest.mark.slow
def test_processes_filling_the_cache_at_once_leave_one_whole_file(folder):
    env = {**os.environ, cache.ENV_FOLDER: str(folder)}
    command = [sys.executable, "-m", "valduchesse.lemma_cache", "en"]
    processes = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE) for _ in range(2)]
    assert [p.wait(timeout=120) for p in processes] == [0, 0]
    assert list(lemma_cache.cache_folder().iterdir()) == [lemma_cache.trie_file("en")]  # no temporary file left
    assert lemma_cache.CachedTries().get_dictionary("en").get("services") == "service"


@pytest.mark.slow
def test_a_fresh_interpreter_importing_every_module_leaves_simplemma_as_it_was(tmp_path):
    script = tmp_path / "check.py"
    # The state function is copied into the script: importing this test module would import the package first.
    script.write_text(
        "import importlib, pathlib, sys, types\n"
        "import simplemma, simplemma.strategies\n"
        f"{inspect.getsource(_simplemma_state)}\n"
        "before = _simplemma_state()\n"
        "assert not any(name.startswith('valduchesse') for name in sys.modules)\n"
        "import valduchesse\n"
        "package = pathlib.Path(valduchesse.__file__).parent\n"
        "for path in sorted(package.rglob('*.py')):\n"
        "    if path.name != '__main__.py':\n"
        "        importlib.import_module('.'.join(('valduchesse', *path.relative_to(package).with_suffix('').parts))"
        ".removesuffix('.__init__'))\n"
        "sys.exit(0 if _simplemma_state() == before else 1)\n", encoding="utf-8")
    assert subprocess.run([sys.executable, str(script)], cwd=tmp_path, timeout=300).returncode == 0


@pytest.mark.parametrize("language", ["xx", "../en", ""])
def test_an_unknown_language_is_still_simplemma_s_error(folder, language):
    with pytest.raises(ValueError, match="Unsupported language") as raised:
        lemma_cache.CachedTries().get_dictionary(language)
    assert repr(language) in str(raised.value) and "Fix: use one of simplemma's language codes: " in str(raised.value)
    assert ", fr," in str(raised.value)


def test_the_command_refuses_an_unknown_language_with_the_codes_to_use(folder, capsys):
    assert lemma_cache.main(["fr", "xx"]) == 2
    said = capsys.readouterr()
    assert "simplemma has no data for 'xx'" in said.err and "Fix: use one of simplemma's language codes:" in said.err
    assert said.out == "" and not folder.exists()  # nothing built


def test_the_command_prints_each_saved_trie(folder, capsys):
    assert lemma_cache.main(["en"]) == 0
    assert capsys.readouterr().out == f"en: {lemma_cache.trie_file('en')}\n" and lemma_cache.trie_file("en").is_file()


def test_the_command_says_a_trie_it_could_not_save(tmp_path, monkeypatch, capsys):
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(cache.ENV_FOLDER, str(blocker))
    assert lemma_cache.main(["en"]) == 0  # the collection still runs: each process builds the trie again
    out = capsys.readouterr().out
    assert out.startswith("en: not saved: ") and "could not be written" in out
    assert str(lemma_cache.trie_file("en")) not in out


def test_a_word_nothing_knows_comes_back_as_written_but_lower_cased_in_simplemma_s_lower_languages():
    data = lemma_cache.LanguageData(DEFAULT_DICTIONARY_FACTORY)
    assert data.lemmatize("Qxzwvk", "fr") == simplemma.lemmatize("Qxzwvk", "fr") == "Qxzwvk"
    assert data.lemmatize("Qxzwvk", "es") == simplemma.lemmatize("Qxzwvk", "es") == "qxzwvk"
