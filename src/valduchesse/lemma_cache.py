"""simplemma's language data as tries, built once per machine instead of decoded in every process.

simplemma ships each language's dictionary compressed and front-coded, and every process that
lemmatises (or detects languages) decodes it anew into a Python dictionary: a second or more for
German (1.1 million entries), a fraction of that for the others, in every kernel of every notebook.
This module gives the collection its own dictionary factory (:class:`CachedTries`, implementing
simplemma's public ``DictionaryFactory`` protocol on the `marisa-trie` package), with each language's
trie saved once in the per-machine cache folder (:mod:`valduchesse.cache`): a kernel then loads a
language in a millisecond or two, and looks a word up in a few microseconds. The tries hold the same
data and are looked up the same way, so every lemma and every language score is the same; only the
time changes.

- **Where:** ``lemma-data/simplemma-VERSION/marisa-trie-VERSION/LANG.dic`` in the cache folder, so
  that a new simplemma (new data) or marisa-trie (new file format) gets new files. About 12 MB for de,
  en, fr and nl. Old versions' folders are left alone (another environment may use them).
- **Safe with several processes:** a trie is saved under a temporary name and renamed into place, so
  a reader sees a whole file or none; two processes missing the cache at once both build it, and the
  last rename wins with the same content. A file that cannot be loaded is rebuilt (with a logged
  warning). If the cache folder cannot be written, each process builds the tries in memory.
- **Off switch:** ``VALDUCHESSE_LEMMA_CACHE=off`` makes :func:`lemmatize`, :func:`is_known` and
  :func:`langdetect` use simplemma's own default data.

The collection lemmatises, looks words up and detects languages through :func:`lemmatize`,
:func:`is_known` and :func:`langdetect` (simplemma's lemmatiser and language detector, configured as
simplemma's module-level functions configure theirs, on this module's dictionaries); importing the
module changes nothing of simplemma. ``python -m valduchesse.lemma_cache [LANGUAGE ...]`` builds the
tries ahead of time (default: the collection's languages) and prints where they are; ``make`` does it
at setup.

**What this module takes from simplemma beyond its public API.** The list of languages simplemma has
data for, ``SUPPORTED_LANGUAGES``, is imported from simplemma's internal module
``simplemma.strategies.dictionaries.dictionary_factory`` (it is not in simplemma's ``__all__``), and
two pieces of simplemma's own code are copied here rather than called, because simplemma's versions
read its global default data: :meth:`LanguageData.is_known`'s input checks and look-up (those of
``simplemma.is_known``), and :meth:`LanguageData.langdetect`'s tie-break (a second, relaxed sample of
words when the top two languages tie, as ``simplemma.langdetect`` does). A new simplemma may move the
list or change either; the pinned version is the one this was checked against, and
``tests/test_lemma_cache.py`` compares the lemmas, the look-ups and the language scores (ties included)
with simplemma's own functions, so that such a change fails a test rather than changing a result.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator, Mapping
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

import marisa_trie
import simplemma
from simplemma.strategies import (
    DEFAULT_DICTIONARY_FACTORY,
    DefaultDictionaryFactory,
    DefaultStrategy,
    DictionaryFactory,
    DictionaryLookupStrategy,
)
from simplemma.strategies.dictionaries.dictionary_factory import SUPPORTED_LANGUAGES as SIMPLEMMA_LANGUAGES
from simplemma.utils import normalize_token, validate_lang_input

from .atomic_write import replace_atomically
from .cache import ENV_FOLDER, user_cache_folder
from .corpus_header import SUPPORTED_LANGUAGES

__all__ = [
    "ENV_SWITCH", "CachedTries", "LanguageData", "TrieMapping", "cache_folder", "is_known", "langdetect",
    "language_data", "lemmatize", "main", "trie_file",
]

ENV_SWITCH = "VALDUCHESSE_LEMMA_CACHE"
SIMPLEMMA_VERSION = simplemma.__version__
MARISA_VERSION = version("marisa-trie")
_OFF = ("0", "off", "no", "false")

_log = logging.getLogger(__name__)


def cache_folder() -> Path:
    """The folder of this simplemma and marisa-trie version's tries.

    Returns
    -------
    Path
        ``lemma-data/simplemma-VERSION/marisa-trie-VERSION/`` in the per-machine cache folder.
    """
    return (user_cache_folder() / "lemma-data" / f"simplemma-{SIMPLEMMA_VERSION}"
            / f"marisa-trie-{MARISA_VERSION}")


def trie_file(language: str) -> Path:
    """The cached trie of ``language``.

    Parameters
    ----------
    language : str
        A language code of simplemma (e.g. ``fr``).

    Returns
    -------
    Path
        ``LANGUAGE.dic`` in :func:`cache_folder`.
    """
    return cache_folder() / f"{language}.dic"


class TrieMapping(Mapping):
    """A marisa ``BytesTrie`` of UTF-8 lemmas, read as the word → lemma mapping simplemma looks words up in.

    Parameters
    ----------
    trie : marisa_trie.BytesTrie
        Each word with one value, its lemma encoded as UTF-8.
    """

    __slots__ = ("trie",)

    def __init__(self, trie: marisa_trie.BytesTrie) -> None:
        self.trie = trie

    def get(self, key: str, default=None):
        """The lemma of ``key``, or ``default`` if the trie does not hold it (without raising on a miss)."""
        values = self.trie.get(key)
        return values[0].decode() if values else default

    def __getitem__(self, key: str) -> str:
        values = self.trie.get(key)
        if not values:
            raise KeyError(key)
        return values[0].decode()

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key in self.trie

    def __iter__(self) -> Iterator[str]:
        return iter(self.trie.iterkeys())

    def __len__(self) -> int:
        return len(self.trie)


class CachedTries(DictionaryFactory):
    """simplemma's language data as tries, each built once and saved atomically in a folder.

    A dictionary factory (simplemma's public ``DictionaryFactory`` protocol): give it to simplemma's
    ``DefaultStrategy(dictionary_factory=...)``. A language's trie is loaded from ``folder`` if it is
    there and whole; otherwise it is built from simplemma's own data (``DefaultDictionaryFactory``,
    decoded once) and saved with :func:`valduchesse.atomic_write.replace_atomically`, so that a process
    reading it at the same time sees the whole file or none.

    Parameters
    ----------
    folder : str or Path, optional
        Where the tries are saved; default :func:`cache_folder`.
    languages_in_memory : int, default 8
        How many languages' tries stay loaded (as simplemma's own factories keep 8).
    """

    __slots__ = ("folder", "_dictionary")

    def __init__(self, folder: str | Path | None = None, languages_in_memory: int = 8) -> None:
        self.folder = Path(folder) if folder is not None else cache_folder()
        self._dictionary = lru_cache(maxsize=languages_in_memory)(self._load_or_build)

    def get_dictionary(self, lang: str) -> Mapping[str, str]:
        """The word → lemma mapping of ``lang``.

        Parameters
        ----------
        lang : str
            One of simplemma's language codes.

        Returns
        -------
        Mapping of str to str
            A :class:`TrieMapping` with the same words and lemmas as simplemma's own dictionary.

        Raises
        ------
        ValueError
            If simplemma has no data for ``lang`` (simplemma's own wording, ``Unsupported language``, with the
            codes it has).
        """
        return self._dictionary(lang)

    def _load_or_build(self, lang: str) -> TrieMapping:
        if lang not in SIMPLEMMA_LANGUAGES:
            raise ValueError(f"Unsupported language: {lang!r} (simplemma has no data for it). "
                             f"Fix: use one of simplemma's language codes: {', '.join(sorted(SIMPLEMMA_LANGUAGES))}")
        path = self.folder / f"{lang}.dic"
        if path.is_file():
            try:
                return TrieMapping(marisa_trie.BytesTrie().load(str(path)))
            except Exception as err:  # marisa raises several types for a truncated or foreign file
                _log.warning("the trie %s cannot be loaded (%s); it is built again", path, err)
        trie = self.build(lang)
        try:
            replace_atomically(path, lambda temporary: trie.save(str(temporary)))
        except Exception as err:  # an unwritable cache folder (or a refused path) only costs time
            _log.warning("the trie of %s is kept in memory only (%s)", lang, err)
        return TrieMapping(trie)

    @staticmethod
    def build(lang: str) -> marisa_trie.BytesTrie:
        """``lang``'s trie, built from simplemma's shipped data (a second or more for German).

        Parameters
        ----------
        lang : str
            One of simplemma's language codes.

        Returns
        -------
        marisa_trie.BytesTrie
            Every word of simplemma's dictionary with its lemma, as UTF-8.
        """
        words = DefaultDictionaryFactory(cache_max_size=1).get_dictionary(lang)
        return marisa_trie.BytesTrie(((word, lemma.encode()) for word, lemma in words.items()),
                                     cache_size=marisa_trie.HUGE_CACHE)


class LanguageData:
    """simplemma's lemmatiser, word look-up and language detector on one dictionary factory.

    Each is configured as simplemma's module-level ``lemmatize``, ``is_known`` and ``langdetect``
    configure theirs (``DefaultStrategy`` not greedy, simplemma's default tokenizer, fallback and
    token samplers), so that with the same data they give the same answers; only the dictionaries'
    source differs, and nothing of simplemma's global defaults is used or changed.

    Parameters
    ----------
    dictionary_factory : simplemma DictionaryFactory
        Where the language data comes from, e.g. :class:`CachedTries` or simplemma's own
        ``DEFAULT_DICTIONARY_FACTORY``.
    """

    def __init__(self, dictionary_factory: DictionaryFactory) -> None:
        self.dictionary_factory = dictionary_factory
        self._strategy = DefaultStrategy(greedy=False, dictionary_factory=dictionary_factory)
        self._lemmatizer = simplemma.Lemmatizer(lemmatization_strategy=self._strategy)
        self._lookup = DictionaryLookupStrategy(dictionary_factory)
        self._detectors = lru_cache(maxsize=8)(self._new_detectors)

    def lemmatize(self, word: str, language: str | tuple[str, ...]) -> str:
        """The lemma of ``word``, as ``simplemma.lemmatize(word, language)`` gives it.

        Parameters
        ----------
        word : str
            A token.
        language : str or tuple of str
            simplemma's language code(s), tried in order.

        Returns
        -------
        str
            The lemma: from the dictionary, else from simplemma's rules and affix, hyphen and prefix
            strategies; if none knows the word, simplemma's fallback gives the word back as written, or
            lower-cased only for the languages simplemma lower-cases (its ``BETTER_LOWER``: bg, es, hy, lt,
            lv, pt, sk, uk; not de, en, fr or nl).
        """
        return self._lemmatizer.lemmatize(word, language)

    def is_known(self, word: str, language: str | tuple[str, ...]) -> bool:
        """Whether a language's dictionary holds ``word``, as ``simplemma.is_known(word, language)`` says.

        Parameters
        ----------
        word : str
            A non-empty token.
        language : str or tuple of str
            simplemma's language code(s); any of them may know the word.

        Returns
        -------
        bool
            True if ``word`` (or the same word with its first letter's case reversed) is in a dictionary.
        """
        if not isinstance(word, str):
            raise TypeError(f"Wrong input type, expected string, got {type(word)}")
        if word == "":
            raise ValueError("Wrong input value: empty string")
        word = normalize_token(word)
        return any(self._lookup.get_lemma(word, code) is not None for code in validate_lang_input(language))

    def langdetect(self, text: str, languages: str | tuple[str, ...]) -> list[tuple[str, float]]:
        """Each language's share of ``text``'s words, as ``simplemma.langdetect(text, languages)`` gives them.

        Parameters
        ----------
        text : str
            The text to read.
        languages : str or tuple of str
            simplemma's language codes to try.

        Returns
        -------
        list of (str, float)
            Each language and ``"unk"`` with the share of sampled words its dictionary knows, highest
            first (``"unk"`` last); a tie at the top is broken by a second, relaxed sample of words.
        """
        results: list[tuple[str, float]] = []
        for detector in self._detectors(validate_lang_input(languages)):
            shares = detector.proportion_in_each_language(text)
            results = sorted(shares.items(), key=lambda item: (item[0] == "unk", -item[1]))
            if len(results) == 1 or results[0][1] != results[1][1]:
                return results
        return results

    def _new_detectors(self, languages: tuple[str, ...]) -> tuple[simplemma.LanguageDetector, ...]:
        return tuple(simplemma.LanguageDetector(languages, sampler, self._strategy)
                     for sampler in (simplemma.MostCommonTokenSampler(), simplemma.RelaxedMostCommonTokenSampler()))


def language_data() -> LanguageData:
    """The collection's lemmatiser, look-up and detector: on the cached tries, or simplemma's data if switched off.

    Made at the first call (not at import) and kept for the process; made again if ``VALDUCHESSE_LEMMA_CACHE``
    or ``VALDUCHESSE_CACHE_DIR`` changes.

    Returns
    -------
    LanguageData
        On :class:`CachedTries` in :func:`cache_folder`, or, with ``VALDUCHESSE_LEMMA_CACHE=off``, on
        simplemma's own ``DEFAULT_DICTIONARY_FACTORY``.
    """
    return _language_data(os.environ.get(ENV_SWITCH, "").strip().lower() in _OFF, os.environ.get(ENV_FOLDER))


@lru_cache(maxsize=4)
def _language_data(switched_off: bool, folder_setting: str | None) -> LanguageData:
    return LanguageData(DEFAULT_DICTIONARY_FACTORY if switched_off else CachedTries())


def lemmatize(word: str, language: str) -> str:
    """The lemma of ``word`` in ``language``: :meth:`LanguageData.lemmatize` of :func:`language_data`.

    Parameters
    ----------
    word : str
        The word, as written.
    language : str
        A language code of simplemma.

    Returns
    -------
    str
        Its lemma, from the dictionary or simplemma's rules and affix strategies; if none knows the word,
        the word as written (lower-cased only in the languages simplemma lower-cases; see
        :meth:`LanguageData.lemmatize`).
    """
    return language_data().lemmatize(word, language)


def is_known(word: str, language: str) -> bool:
    """Whether ``language``'s dictionary knows ``word``: :meth:`LanguageData.is_known` of :func:`language_data`.

    Parameters
    ----------
    word : str
        The word.
    language : str
        A language code of simplemma.

    Returns
    -------
    bool
        True if the dictionary has it (as simplemma's ``is_known`` says).
    """
    return language_data().is_known(word, language)


def langdetect(text: str, languages: tuple[str, ...]) -> list[tuple[str, float]]:
    """Each language's share of ``text``: :meth:`LanguageData.langdetect` of :func:`language_data`.

    Parameters
    ----------
    text : str
        The text.
    languages : tuple of str
        The language codes to score.

    Returns
    -------
    list of (str, float)
        (language, share of the text's sampled words it knows), highest first, as simplemma's ``langdetect``.
    """
    return language_data().langdetect(text, languages)


def main(argv: list[str] | None = None) -> int:
    """Build the tries of ``argv``'s languages (default: the collection's) in :func:`cache_folder`; print each file.

    For each language, prints ``LANGUAGE: FILE`` once its trie is saved, or, where the cache folder could
    not be written, ``LANGUAGE: not saved ...`` (the trie was built in memory only; each process then
    builds it again, which costs time but changes no result, so the status stays 0).

    Parameters
    ----------
    argv : list of str, optional
        Language codes; default the command line's.

    Returns
    -------
    int
        2 if a language is not one of simplemma's (nothing is built; the message on standard error names
        the codes to use), else 0.
    """
    languages = (argv if argv is not None else sys.argv[1:]) or sorted(SUPPORTED_LANGUAGES)
    unknown = [language for language in languages if language not in SIMPLEMMA_LANGUAGES]
    if unknown:
        print(f"python -m valduchesse.lemma_cache: simplemma has no data for {', '.join(map(repr, unknown))}. "
              f"Fix: use one of simplemma's language codes: {', '.join(sorted(SIMPLEMMA_LANGUAGES))}",
              file=sys.stderr)
        return 2
    tries = CachedTries()
    for language in languages:
        tries.get_dictionary(language)
        path = trie_file(language)
        if path.is_file():
            print(f"{language}: {path}")
        else:
            print(f"{language}: not saved: {path.parent} could not be written (see the warning above); the trie "
                  "is built again in each process that needs it")
    return 0


if __name__ == "__main__":
    sys.exit(main())
