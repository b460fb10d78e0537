"""Turn a text into the terms that the analyses count, one language at a time.

The steps, each from a maintained package where one exists:

1. **Tokenise** with simplemma's tokenizer; keep the tokens that start with
   a letter (numbers such as ``2016`` or ``1er`` and punctuation go).
2. **Split French elisions** (``l’Intérieur`` → ``Intérieur``, ``d'information``
   → ``information``), whose articles would otherwise glue to every noun.
3. **Lemmatise** with simplemma's dictionaries for the language (switch off
   with ``lemmatize=False``), then lower-case.
4. **Drop stop words** from the ``stop-words`` package's list for the
   language, tested on the word and on its lemma.

>>> Preprocessor("fr").terms("Les attentats ont durement touché la Belgique.")
['attentat', 'durement', 'toucher', 'belgique']
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import simplemma
from stop_words import get_stop_words

from .corpus import LANGUAGE_CHOICES, SUPPORTED_LANGUAGES

FRENCH_ELISION = re.compile(r"^(?:[cdjlmnst]|qu|jusqu|lorsqu|puisqu)['’](?=\w)", re.IGNORECASE)
APOSTROPHES = str.maketrans({"’": "'", "‘": "'"})


def check_language(language: str) -> str:
    """Return ``language`` if the package supports it, else raise a clear ValueError."""
    if language not in SUPPORTED_LANGUAGES:
        raise ValueError(f"language {language!r} is not supported; use one of {LANGUAGE_CHOICES}")
    return language


def words(text: str, numbers: bool = False) -> list[str]:
    """The word tokens of ``text`` as written: simplemma's tokens that start with a letter.

    With ``numbers=True``, tokens holding a digit (``2016``, ``1er``) are kept too.
    """
    def wanted(token: str) -> bool:
        return token[0].isalpha() or (numbers and any(c.isdigit() for c in token))

    return [token for token in simplemma.simple_tokenizer(text) if wanted(token)]


def strip_elision(word: str, language: str) -> str:
    """Cut a French elided article or pronoun off ``word`` (``l’Union`` → ``Union``)."""
    return FRENCH_ELISION.sub("", word) if language == "fr" else word


def tokenize(text: str, language: str) -> list[str]:
    """Split ``text`` into word tokens, in order, keeping their case.

    Tokens that do not start with a letter are dropped; French elided
    articles and pronouns are cut off the word they stand before.
    """
    check_language(language)
    return [strip_elision(word, language) for word in words(text)]


@cache
def stop_words(language: str) -> frozenset[str]:
    """The stop-word list of the ``stop-words`` package for ``language``, lower-cased."""
    check_language(language)
    return frozenset(word.lower().translate(APOSTROPHES) for word in get_stop_words(language))


def _lemma(word: str, language: str) -> str:
    return simplemma.lemmatize(word, lang=language).lower()


@dataclass(frozen=True)
class Preprocessor:
    """Settings for turning a text into terms; call :meth:`terms` on a text.

    Parameters
    ----------
    language : str
        ISO 639-1 code: ``fr``, ``nl``, ``en`` or ``de``.
    lemmatize : bool
        Replace each word by its simplemma lemma (default True).
    remove_stop_words : bool
        Drop the words (and lemmas) on the language's stop-word list.
    min_chars : int
        Drop terms shorter than this many characters.
    """

    language: str
    lemmatize: bool = True
    remove_stop_words: bool = True
    min_chars: int = 2

    def __post_init__(self) -> None:
        check_language(self.language)

    def term(self, word: str) -> str:
        """The term a single word token counts as: its lemma (or itself), lower-cased."""
        known = _TERMS.setdefault((self.language, self.lemmatize), {})
        if word not in known:
            known[word] = _lemma(word, self.language) if self.lemmatize else word.lower()
        return known[word]

    def is_kept(self, word: str, term: str) -> bool:
        """Whether a word token with this term is counted at all."""
        if len(term) < self.min_chars:
            return False
        if not self.remove_stop_words:
            return True
        stops = stop_words(self.language)
        return word.lower().translate(APOSTROPHES) not in stops and term.translate(APOSTROPHES) not in stops

    def terms(self, text: str) -> list[str]:
        """The terms of ``text``, in order: usable as a scikit-learn ``analyzer``.

        Each distinct word is looked up once per setting (a word's term does
        not depend on its context), which keeps large corpora fast.
        """
        known = _KEPT_TERMS.setdefault(self, {})
        kept = []
        for word in tokenize(text, self.language):
            if word not in known:
                term = self.term(word)
                known[word] = term if self.is_kept(word, term) else None
            if known[word] is not None:
                kept.append(known[word])
        return kept


_TERMS: dict[tuple[str, bool], dict[str, str]] = {}
"""Per language and lemmatisation switch, each word seen so far and its term."""
_KEPT_TERMS: dict[Preprocessor, dict[str, str | None]] = {}
"""Per setting, each word seen so far and the term it counts as (None: not counted)."""
