"""The settings for turning one text into terms: :class:`Preprocessor`.

The tokens stage (:func:`valduchesse.tokens.tokens`) applied to a single text
or word, with its language, lemmatisation, stop words and minimum length.
"""

from __future__ import annotations

from dataclasses import dataclass

from .preprocess import check_language, is_stop_word, lemma, normalise
from .tokens import DEFAULT_STEPS, paragraph_terms

__all__ = [
    "Preprocessor",
]


@dataclass(frozen=True)
class Preprocessor:
    """Settings for turning a text into terms, and the term of a single word.

    To count terms in texts, use :func:`valduchesse.tokens.tokens`, which
    also removes furniture and names and reports what it removed;
    :meth:`terms` is that stage applied to one text.

    Parameters
    ----------
    language : str
        ISO 639-1 code: ``fr``, ``nl``, ``en`` or ``de``.
    lemmatize : bool
        Replace each word by its lemma (default True).
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
        """The term a single word token counts as: its lemma (or itself), lower-cased.

        Parameters
        ----------
        word : str
            A word token as written (normalised here: French elision cut, hyphen of an elided compound
            removed).

        Returns
        -------
        str
            Its lemma with ``lemmatize``, else the normalised word lower-cased.
        """
        word = normalise(word, self.language)
        return lemma(word, self.language) if self.lemmatize else word.lower()

    def is_kept(self, word: str, term: str) -> bool:
        """Whether a word token with this term is counted, by stop words and length alone.

        Parameters
        ----------
        word : str
            The word token as written.
        term : str
            Its term (:meth:`term`).

        Returns
        -------
        bool
            False if the term is shorter than ``min_chars``, or (with ``remove_stop_words``) the word or
            term is a stop word; else True.
        """
        if len(term) < self.min_chars:
            return False
        return not (self.remove_stop_words and is_stop_word(word, term, self.language))

    def terms(self, text: str) -> list[str]:
        """The terms of ``text``, in order, as :func:`valduchesse.tokens.tokens` counts them in a paragraph.

        The default removal steps apply (date and place lines, attendee lists,
        person names and offices, numbers and dates, stop words if
        ``remove_stop_words``, short terms), so that a segment with no terms
        here has none in :func:`valduchesse.terms.term_matrix` either.

        Parameters
        ----------
        text : str
            One paragraph or sentence.

        Returns
        -------
        list of str
            Its terms (:func:`valduchesse.tokens.paragraph_terms`).
        """
        steps = DEFAULT_STEPS if self.remove_stop_words else tuple(s for s in DEFAULT_STEPS if s != "stop word")
        return paragraph_terms(text, self.language, self.lemmatize, self.min_chars, steps)
