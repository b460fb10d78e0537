"""Words, lemmas and stop words of one language: what the tokens stage is built from.

Everything that looks at a single word lives here; what needs a word's
context (is it a name, a date line, a heading?) lives in
:mod:`valduchesse.tokens`, which calls these functions once per distinct word.

1. **Tokenise** with simplemma's tokenizer (:func:`split`): words,
   numbers and punctuation, in order.
2. **Normalise a word** (:func:`normalise`): cut a French elided article or
   pronoun off (``l’Intérieur`` → ``Intérieur``) and a hyphen off the end of a
   Dutch or German elided compound (``Politie- en Douanesamenwerking``:
   ``Politie-`` counts as ``Politie``; ``Innen- und Sicherheitskräfte``).
3. **Lemmatise** (:func:`lemma`) with simplemma's dictionary for the
   language, then lower-case; the project's table of corrections
   (``lemma_corrections.yml``) comes first, and Dutch separable verbs lose
   simplemma's underscore (``aan_sluiten`` → ``aansluiten``).
4. **Stop words** (:func:`stop_words`): the ``stop-words`` package's list,
   joined for Dutch and German with the fuller list of ``stopwordsiso``
   (stopwords-iso): Dutch 106 → 413 words, German 263 → 623.

>>> from valduchesse.preprocessor import Preprocessor
>>> Preprocessor("fr").terms("Les attentats ont durement touché la Belgique.")
['attentat', 'durement', 'toucher', 'belgique']
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from pathlib import Path

import simplemma
import stopwordsiso
from stop_words import get_stop_words

from . import lemma_cache
from .corpus_header import LANGUAGE_CHOICES, SUPPORTED_LANGUAGES
from .files import InputError
from .strict_yaml import load_yaml

__all__ = [
    "APOSTROPHES", "CORRECTIONS_FILE", "FRENCH_ELISION", "FULLER_STOP_LISTS", "LEMMA_CACHE_SIZE", "check_language",
    "corrections", "is_number", "is_stop_word", "is_word", "lemma", "normalise", "split", "stop_words",
    "strip_elision", "tokenize", "words",
]

FRENCH_ELISION = re.compile(r"^(?:[cdjlmnst]|qu|jusqu|lorsqu|puisqu)['’](?=\w)", re.IGNORECASE)
APOSTROPHES = str.maketrans({"’": "'", "‘": "'"})
CORRECTIONS_FILE = Path(__file__).with_name("lemma_corrections.yml")
FULLER_STOP_LISTS = ("nl", "de")
"""Languages whose stop list adds stopwords-iso's to the stop-words package's (see :func:`stop_words`)."""
LEMMA_CACHE_SIZE = 200_000
"""Distinct (word, language) pairs whose lemma is remembered: bounded, so memory stays bounded."""


def check_language(language: str) -> str:
    """Return ``language`` if the package supports it, else raise a clear ValueError.

    Parameters
    ----------
    language : str
        A language code, e.g. ``"fr"``.

    Returns
    -------
    str
        ``language`` itself.

    Raises
    ------
    ValueError
        If the language is not supported, naming those that are.
    """
    if language not in SUPPORTED_LANGUAGES:
        raise ValueError(f"language {language!r} is not supported; use one of {LANGUAGE_CHOICES}")
    return language


def split(text: str) -> list[str]:
    """Every token of ``text``, punctuation included, as simplemma's tokenizer cuts it.

    Parameters
    ----------
    text : str
        The text.

    Returns
    -------
    list of str
        The tokens, in order.
    """
    return simplemma.simple_tokenizer(text)


def is_word(token: str) -> bool:
    """A word starts with a letter (``2016``, ``1er`` and punctuation are not words).

    Parameters
    ----------
    token : str
        A token (:func:`split`).

    Returns
    -------
    bool
        Whether its first character is a letter.
    """
    return token[:1].isalpha()


def is_number(token: str) -> bool:
    """A token that holds a digit: ``2016``, ``1er``, ``16/10/2017``.

    Parameters
    ----------
    token : str
        A token (:func:`split`).

    Returns
    -------
    bool
        Whether it holds a digit.
    """
    return any(c.isdigit() for c in token)


def words(text: str, numbers: bool = False) -> list[str]:
    """The word tokens of ``text`` as written (with ``numbers=True``, numbers too).

    Parameters
    ----------
    text : str
        The text.
    numbers : bool
        Keep the tokens that hold a digit too.

    Returns
    -------
    list of str
        The tokens kept, in order, as written.
    """
    return [t for t in split(text) if is_word(t) or (numbers and is_number(t))]


def strip_elision(word: str, language: str) -> str:
    """Cut a French elided article or pronoun off ``word`` (``l’Union`` → ``Union``).

    Parameters
    ----------
    word : str
        A word as written.
    language : str
        Only ``"fr"`` cuts anything (:data:`FRENCH_ELISION`).

    Returns
    -------
    str
        The word without its elided article or pronoun.
    """
    return FRENCH_ELISION.sub("", word) if language == "fr" else word


def normalise(word: str, language: str) -> str:
    """The word a token counts as: French elision cut, the hyphen of an elided compound removed.

    Parameters
    ----------
    word : str
        A word as written.
    language : str
        Its language.

    Returns
    -------
    str
        The word, its case kept.
    """
    word = strip_elision(word, language)
    if len(word) > 1 and word.endswith("-") and word[-2].isalpha():
        word = word.rstrip("-")
    return word


def tokenize(text: str, language: str) -> list[str]:
    """Split ``text`` into word tokens, in order, keeping their case (normalised, see :func:`normalise`).

    Parameters
    ----------
    text : str
        The text.
    language : str
        Its language (:func:`check_language`).

    Returns
    -------
    list of str
        The normalised words, in order.
    """
    check_language(language)
    return [normalise(word, language) for word in words(text)]


@cache
def corrections(language: str) -> dict[str, str]:
    """The project's lemma corrections for ``language`` (``lemma_corrections.yml``): word → lemma.

    The file is read by the project's strict YAML loader (:func:`valduchesse.strict_yaml.load_yaml`).

    Parameters
    ----------
    language : str
        The language (:func:`check_language`).

    Returns
    -------
    dict of str to str
        Each lower-cased word and its lemma; empty if the file lists none for ``language``.

    Raises
    ------
    valduchesse.files.InputError
        If the file is not valid YAML, is refused by the strict loader, or is not a mapping of
        languages to mappings of word to lemma; the message names file, line or field, and the fix.
    """
    check_language(language)
    table = load_yaml(CORRECTIONS_FILE) or {}
    if not isinstance(table, dict):
        raise InputError.at(CORRECTIONS_FILE, "the file is not a mapping of languages",
                            "write one 'fr:', 'nl:', … line per language, with 'word: lemma' lines under it")
    listed = table.get(language) or {}
    if not isinstance(listed, dict):
        raise InputError.at(CORRECTIONS_FILE, "the corrections are not a mapping of word to lemma",
                            f"write one 'word: lemma' line per correction under '{language}:'", field=language)
    return {str(word): str(lemma) for word, lemma in listed.items()}


@lru_cache(maxsize=LEMMA_CACHE_SIZE)
def lemma(word: str, language: str) -> str:
    """The lemma of a (normalised) word, lower-cased: the corrections table first, then simplemma.

    A correction from ``lemma_corrections.yml`` is lower-cased too, as simplemma's lemma is (the
    corrections the project lists are all written lower-case, so this changes none of them). Dutch
    lemmas lose simplemma's underscore (``aan_sluiten`` → ``aansluiten``).

    Parameters
    ----------
    word : str
        A normalised word (:func:`normalise`).
    language : str
        Its language.

    Returns
    -------
    str
        The lemma, lower-cased (a correction as well as simplemma's lemma).
    """
    fixed = corrections(language).get(word.lower())
    if fixed is not None:
        return fixed.lower()
    found = lemma_cache.lemmatize(word, language).lower()
    return found.replace("_", "") if language == "nl" else found


@cache
def stop_words(language: str) -> frozenset[str]:
    """The stop words of ``language``, lower-cased, apostrophes made straight.

    The ``stop-words`` package's list; for Dutch and German (its lists are
    short: 106 and 263 words, without ``zullen`` or ``tussen``) joined with
    stopwords-iso's (``stopwordsiso`` package), which gives 413 and 623.

    Parameters
    ----------
    language : str
        The language (:func:`check_language`).

    Returns
    -------
    frozenset of str
        The stop words.
    """
    check_language(language)
    listed = set(get_stop_words(language))
    if language in FULLER_STOP_LISTS:
        listed |= set(stopwordsiso.stopwords(language))
    return frozenset(word.lower().translate(APOSTROPHES) for word in listed)


def is_stop_word(word: str, term: str, language: str) -> bool:
    """Whether a word (or its lemma ``term``) is on the language's stop list.

    Parameters
    ----------
    word : str
        The word as written (lower-cased here).
    term : str
        Its term (lemma or lower-cased word).
    language : str
        The language of the stop list (:func:`stop_words`).

    Returns
    -------
    bool
        Whether ``word`` or ``term``, apostrophes made straight, is a stop word.
    """
    stops = stop_words(language)
    return word.lower().translate(APOSTROPHES) in stops or term.translate(APOSTROPHES) in stops
