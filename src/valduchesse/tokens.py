"""The tokens stage: every text cut into tokens once, with what is removed and why.

quanteda's model is corpus → tokens → document-feature matrix → statistics,
with one tokens object in the middle. :func:`tokens` builds that object here
(:class:`Tokens`): each text of a table is tokenised, each token normalised
and lemmatised (:mod:`valduchesse.preprocess`), and each token gets the
**first removal step** that applies to it, in this order:

``heading``
    a numbered section heading (``7. Cyberveiligheid``): a title, not a passage.
``furniture``
    page furniture: titles, date lines, place lines, attendee lists. Where a
    sentence has been hand-coded (``coding/sentences.csv``, passed as
    ``coded``), its code decides (``furniture`` or not); elsewhere the rules
    decide: the header block of title lines at the top of a document
    (:func:`tokens`), date and place lines
    (:func:`~valduchesse.token_rules.furniture_lines`) and sentences that only
    list who met (:func:`~valduchesse.token_rules.attendee_sentences`).
``person name``
    a person's name, by the rule of :func:`~valduchesse.token_rules.find_names` (plus, if given, the
    names of a per-corpus list).
``office``
    the office written next to a name (``ministre des Affaires étrangères``,
    ``Premierminister``, ``de la Défense`` in a list of ministers).
``number or date``
    a token holding a digit (``2016``, ``1er``), or a month or weekday name
    next to one (``13 novembre 2015``): dates are not terms.
``stop word``
    a word or lemma on the language's stop list.
``short``
    a term shorter than ``min_chars`` characters.

Punctuation is never a token of the statistics. What is left are the
**terms**; every term statistic (:mod:`valduchesse.terms`' matrix, on which :mod:`valduchesse.keyness`
works, :mod:`valduchesse.concordance` and :mod:`valduchesse.themes`) starts from a :class:`Tokens` object, and
:meth:`Tokens.removed` gives the table of what each step took from each text.

The first four steps are *context* steps: they take words out of the text
(a theme's rate is counted without them). The last three are *word* steps:
stop words and numbers are still words of the text, but not terms.

>>> import pandas as pd
>>> texts = pd.DataFrame({"doc_id": ["a"], "language": ["fr"],
...                       "text": ["Paris\\nLundi 11 juin 2018\\nÉdouard PHILIPPE et Charles MICHEL ont salué la coopération."]})
>>> tokens(texts).terms()
[['saluer', 'coopération']]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from . import lemma_cache
from .coding import FURNITURE
from .preprocess import check_language, is_number, is_stop_word, is_word, lemma, normalise, split
from .segment import HEADING, MAX_HEADING_CHARS
from .token_rules import attendee_sentences, date_words, find_names, furniture_lines, name_words, rules

__all__ = [
    "CONTEXT_STEPS", "DEFAULT_STEPS", "FEATURES", "FEATURE_CACHE_SIZE", "FULL_STOPS", "MAX_TITLE_LINE",
    "OPENERS", "ROMAN", "ROW_COLUMNS", "SENTENCE_END", "STEPS", "Tokens", "WORD_STEPS", "build_tokens", "coded_spans",
    "paragraph_terms", "single_language", "token_features", "tokens",
]


STEPS = ("heading", FURNITURE, "person name", "office", "number or date", "stop word", "short")
"""Every removal step, in the order they are tried: a token is removed by the first that applies."""
DEFAULT_STEPS = STEPS[1:]
"""The steps applied unless asked otherwise: all but ``heading`` (numbered lines are kept in openings,
where some, as in the 2017 communiqué, are decisions; section keyness removes them)."""
CONTEXT_STEPS = STEPS[:4]
"""Steps that take words out of the text (furniture, names…), not only out of the terms."""
WORD_STEPS = STEPS[4:]
"""Steps that keep a word in the text but do not count it as a term."""

SENTENCE_END = frozenset(".!?…;:")
"""Punctuation after which the next word starts a sentence or clause (its capital says nothing)."""
OPENERS = SENTENCE_END | frozenset("«“„\"‘(–—-•")
"""Punctuation after which a capitalised word may be capitalised for that reason alone."""
MAX_TITLE_LINE = 250
"""A line of the header block (the title lines at the top of a document) is at most this long."""
FULL_STOPS = frozenset(".!?…")
ROW_COLUMNS = ("file", "source_doc_id", "start", "is_heading", "section_no", "paragraph_no", "sentence_no")
"""The columns of a text's row that the tokens stage reads besides ``doc_id`` and ``text``."""
ROMAN = re.compile(r"^[IVXLC]+$")


# --- the Tokens object --------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Tokens:
    """The tokens of a table of texts in one language, each with its term and its removal step.

    Attributes
    ----------
    language : str
    texts : DataFrame
        The texts' rows without their ``text`` (``doc_id`` first), in order.
    doc : ndarray of int
        For each token, its text's row number in ``texts``.
    type_id : ndarray of int
        For each token, its entry in ``types``.
    step : ndarray of int
        For each token, 0 if it is a term, ``k`` if the ``k``-th step of
        :data:`STEPS` removed it, and -1 for punctuation.
    line : ndarray of int
        For each token, its row in ``lines``.
    lines : DataFrame
        One row per non-blank line of the texts: ``doc`` (row in ``texts``),
        ``start`` and ``end`` (character offsets in the text).
    types : list of str
        The distinct tokens as written.
    type_terms : list of str
        Each type's term (lemma, lower-cased; or the lower-cased word).
    steps : tuple of str
        The removal steps that were applied.
    lemmatize : bool
        Whether terms are lemmas.
    """

    language: str
    texts: pd.DataFrame
    doc: np.ndarray
    type_id: np.ndarray
    step: np.ndarray
    types: list[str]
    type_terms: list[str]
    steps: tuple[str, ...]
    lemmatize: bool
    line: np.ndarray
    lines: pd.DataFrame

    @property
    def doc_ids(self) -> list[str]:
        """The texts' ids, in order."""
        return list(self.texts["doc_id"])

    def _doc_slices(self):
        bounds = np.searchsorted(self.doc, np.arange(len(self.texts) + 1))
        return [slice(bounds[i], bounds[i + 1]) for i in range(len(self.texts))]

    def terms(self) -> list[list[str]]:
        """Each text's terms (tokens no step removed), in order.

        Returns
        -------
        list of list of str
            One list per text, in the table's order.
        """
        terms = np.asarray(self.type_terms, dtype=object)
        kept = self.step == 0
        return [terms[self.type_id[s][kept[s]]].tolist() for s in self._doc_slices()]

    def words(self) -> list[list[str]]:
        """Each text's word tokens as terms, stop words included: what a theme's rate is counted over.

        Punctuation, numbers and the tokens of the context steps (headings,
        furniture, names, offices) are left out.

        Returns
        -------
        list of list of str
            One list per text, in the table's order.
        """
        terms = np.asarray(self.type_terms, dtype=object)
        word = np.isin(self.step, [0] + [STEPS.index(s) + 1 for s in WORD_STEPS if s != "number or date"])
        return [terms[self.type_id[s][word[s]]].tolist() for s in self._doc_slices()]

    def table(self) -> pd.DataFrame:
        """One row per token (punctuation left out), with the step that removed it.

        Returns
        -------
        DataFrame
            ``doc_id``, ``position`` (from 0 within the text), ``token`` (as written), ``term`` and
            ``removed`` (the step, or empty for a term).
        """
        shown = self.step >= 0
        ids = self.type_id[shown]
        docs = self.doc[shown]
        labels = np.asarray(("",) + STEPS, dtype=object)
        return pd.DataFrame({
            "doc_id": np.asarray(self.doc_ids, dtype=object)[docs],
            "position": _positions(docs),
            "token": np.asarray(self.types, dtype=object)[ids],
            "term": np.asarray(self.type_terms, dtype=object)[ids],
            "removed": labels[self.step[shown]],
        })

    def removed(self) -> pd.DataFrame:
        """What each removal step took from each text: one row per text.

        Returns
        -------
        DataFrame
            Columns: ``doc_id``, ``tokens`` (words and numbers, punctuation left
            out), one column per step of :data:`STEPS` (tokens it removed; 0 for
            a step not applied), ``terms`` (what is left) and ``terms_share``
            (terms / tokens, to 3 places).
        """
        shown = self.step >= 0
        counts = np.zeros((len(self.texts), len(STEPS) + 1), dtype=np.int64)
        np.add.at(counts, (self.doc[shown], self.step[shown]), 1)
        table = pd.DataFrame(counts[:, 1:], columns=list(STEPS))
        table.insert(0, "tokens", counts.sum(axis=1))
        table.insert(0, "doc_id", self.doc_ids)
        table["terms"] = counts[:, 0]
        table["terms_share"] = np.round(table["terms"] / table["tokens"].clip(lower=1), 3)
        return table

    def written(self) -> list[list[str]]:
        """Each text's words and numbers as written (punctuation left out), for concordance lines.

        Returns
        -------
        list of list of str
            One list per text, in the table's order.
        """
        types = np.asarray(self.types, dtype=object)
        shown = self.step >= 0
        return [types[self.type_id[s][shown[s]]].tolist() for s in self._doc_slices()]

    def written_steps(self) -> list[np.ndarray]:
        """For each text, the step of each token of :meth:`written` (0: a term).

        Returns
        -------
        list of ndarray of int
            One array per text, aligned with :meth:`written`; a step is its position in :data:`STEPS`
            plus 1.
        """
        shown = self.step >= 0
        return [self.step[s][shown[s]] for s in self._doc_slices()]


def _positions(docs: np.ndarray) -> np.ndarray:
    """0, 1, 2, … within each run of equal values of ``docs``."""
    if len(docs) == 0:
        return np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, docs[1:] != docs[:-1]])
    index = np.arange(len(docs))
    return index - np.repeat(starts, np.diff(np.r_[starts, len(docs)]))


# --- building it ---------------------------------------------------------------------------


FEATURES = ("word", "number", "cap", "allcaps", "unknown", "stop", "particle", "office", "prefix",
            "honorific", "date", "article", "conjunction", "opener", "end", "full_stop", "punct", "short")
"""What the rules know about a distinct token (see :func:`token_features`)."""
FEATURE_CACHE_SIZE = 200_000
"""Distinct tokens whose features are remembered across calls: bounded, so memory stays bounded."""


@lru_cache(maxsize=FEATURE_CACHE_SIZE)
def token_features(token: str, language: str, lemmatize: bool, min_chars: int) -> tuple:
    """The term, the lower-cased word and the :data:`FEATURES` of one distinct token as written.

    Parameters
    ----------
    token : str
        A token as written (:func:`~valduchesse.preprocess.split`).
    language : str
        Its language.
    lemmatize : bool
        The term is the lemma (True) or the lower-cased word.
    min_chars : int
        A term shorter than this gets the ``short`` feature.

    Returns
    -------
    tuple
        ``(term, lower, values)``: the term (lemma or lower-cased word; for a
        non-word, the token lower-cased), the normalised word lower-cased, and
        one bool per feature of :data:`FEATURES`, in that order.
    """
    r = rules(language)
    word_like = is_word(token)
    word = normalise(token, language) if word_like else token
    lower = word.lower()
    term = (lemma(word, language) if lemmatize else lower) if word_like else lower
    title = word_like and word[:1].isupper()
    values = (
        word_like,
        not word_like and is_number(token),
        title,
        title and len(word) >= 3 and word.isupper() and not ROMAN.match(word),
        title and not word.isupper() and not _known(word, language) and not lower.endswith(tuple(r["noun_endings"])),
        word_like and is_stop_word(word, term, language),
        lower in r["particles"] and title,
        word_like and _is_office(term, lower, r, language),
        lower in r["office_prefixes"],
        lower in r["honorifics"],
        lower in r["months"] or lower in r["weekdays"],
        lower in r["articles"] and not title,
        lower in r["conjunctions"] and not title,
        token in OPENERS,
        token in SENTENCE_END,
        token in FULL_STOPS,
        not word_like and not is_number(token),
        len(term) < min_chars,
    )
    return term, lower, values


class _Vocabulary:
    """The distinct tokens met while building one :class:`Tokens` object, with their terms and features.

    Owned by one build and dropped with it; the features of a distinct token
    come from :func:`token_features` (a bounded cache).
    """

    def __init__(self, language: str, lemmatize: bool, min_chars: int):
        self.language, self.lemmatize, self.min_chars = language, lemmatize, min_chars
        self.ids: dict[str, int] = {}
        self.types: list[str] = []
        self.terms: list[str] = []
        self.lowers: list[str] = []
        self.values: list[tuple] = []

    def ids_of(self, found: list[str]) -> list[int]:
        """The vocabulary ids of a list of tokens, adding the new ones."""
        ids = list(map(self.ids.get, found))
        if None in ids:
            ids = [self._add(token) if i is None else i for token, i in zip(found, ids)]
        return ids

    def _add(self, token: str) -> int:
        found = self.ids.get(token)
        if found is None:
            found = self.ids[token] = len(self.types)
            term, lower, values = token_features(token, self.language, self.lemmatize, self.min_chars)
            self.types.append(token)
            self.terms.append(term)
            self.lowers.append(lower)
            self.values.append(values)
        return found

    def features(self, type_id: np.ndarray) -> dict[str, np.ndarray]:
        """Each feature of :data:`FEATURES` for every token of ``type_id``."""
        table = np.asarray(self.values, dtype=bool).reshape(len(self.values), len(FEATURES))[type_id]
        return {name: np.ascontiguousarray(table[:, i]) for i, name in enumerate(FEATURES)}


def _known(word: str, language: str) -> bool:
    """Whether the language's dictionary (simplemma) knows the word, or every part of a hyphenated word."""
    parts = [p for p in word.split("-") if p]
    return bool(parts) and all(lemma_cache.is_known(p, language) for p in parts)


def _is_office(term: str, lower: str, r: dict, language: str) -> bool:
    offices = r["offices"]
    if term in offices or lower in offices:
        return True
    return language in ("de", "nl") and any(lower.endswith(o) and len(lower) > len(o) + 2 for o in ("minister", "ministerin"))


@dataclass
class _Stream:
    """Tokens appended text by text while building: parallel lists, turned into arrays at the end."""

    doc: list[int] = field(default_factory=list)
    type_id: list[int] = field(default_factory=list)
    line: list[int] = field(default_factory=list)
    fixed: list[int] = field(default_factory=list)  # -1: no decision yet; else a step number (0: keep)
    piece: list[int] = field(default_factory=list)
    lines: list[tuple[int, int, int]] = field(default_factory=list)  # (text row, start, end)
    pieces: list[tuple[int, int, int]] = field(default_factory=list)  # (text row, start, end)


def tokens(
    texts: pd.DataFrame,
    lemmatize: bool = True,
    remove=DEFAULT_STEPS,
    min_chars: int = 2,
    coded: pd.DataFrame | None = None,
    coded_column: str = "final",
    names=None,
) -> Tokens:
    """Tokenise, lemmatise and filter every text of ``texts`` once.

    Parameters
    ----------
    texts : DataFrame
        Columns ``doc_id``, ``language`` (one language) and ``text``; any
        other column is kept. Optional columns used: ``is_heading`` (a
        heading segment), ``section_no`` (the number a section's heading
        has), ``file`` or ``source_doc_id`` (the file a text comes from) and
        ``start`` (where the text starts in that file's body), which place
        hand codes; a text without ``start`` is taken to begin its document.
        The header-block rule (title lines at the top) applies to texts that
        begin a document and are not single paragraphs or sentences (tables
        with ``paragraph_no`` or ``sentence_no``).
    lemmatize : bool
        Terms are lemmas (default) or lower-cased words.
    remove : sequence of str
        The steps of :data:`STEPS` to apply (default :data:`DEFAULT_STEPS`:
        all but ``heading``). ``()`` keeps every word.
    min_chars : int
        The ``short`` step removes terms shorter than this.
    coded : DataFrame, optional
        Hand-coded sentences (``doc_id``, ``start``, ``end``, ``text`` and
        ``coded_column``), e.g. :func:`valduchesse.coding.read_coding` of
        ``coding/sentences.csv``. A coded sentence found in a text, with the
        same text at the same place, is furniture if and only if its code
        is ``furniture``; the rule decides only for lines no coded sentence covers.
    coded_column : str
        The column of ``coded`` that holds the codes.
    names : iterable of str, optional
        A per-corpus names list (e.g. :func:`~valduchesse.token_rules.read_names`): these names are
        removed as person names wherever they occur, besides those the rule finds.

    Returns
    -------
    Tokens
        Every token of the texts, with its term and the first step of ``remove`` that applies to it.

    Raises
    ------
    ValueError
        For an unknown step, or texts that are not in exactly one supported language.
    """
    language = single_language(texts)
    unknown = [s for s in remove if s not in STEPS]
    if unknown:
        raise ValueError(f"unknown removal step(s) {', '.join(map(repr, unknown))}; the steps are {', '.join(STEPS)}")
    remove = tuple(s for s in STEPS if s in remove)
    spans = coded_spans(coded, coded_column) if coded is not None and FURNITURE in remove else {}
    return build_tokens(texts, language, lemmatize, remove, min_chars, spans, names)[0]


def build_tokens(texts: pd.DataFrame, language: str, lemmatize: bool, remove: tuple, min_chars: int, spans: dict,
                 names) -> tuple[Tokens, np.ndarray, pd.DataFrame]:
    """Build the tokens of :func:`tokens` from checked arguments, with the pieces the lines were cut into.

    :func:`tokens` checks its arguments and calls this; :func:`valduchesse.rule_agreement.furniture_agreement`
    calls it to cut the lines at the hand-coded sentences and see which of them the furniture rule flags.

    Parameters
    ----------
    texts : DataFrame
        As for :func:`tokens`, in the one ``language``.
    language : str
        The texts' language, checked (:func:`single_language`).
    lemmatize : bool
        Terms are lemmas or lower-cased words.
    remove : tuple of str
        The steps of :data:`STEPS` to apply, in :data:`STEPS`' order.
    min_chars : int
        The ``short`` step removes terms shorter than this.
    spans : dict
        :func:`coded_spans`: per file, the coded sentences (start, end, text, is furniture) at which
        lines are cut; a sentence whose last item is None cuts the lines without deciding furniture.
    names : iterable of str or None
        A per-corpus names list, removed as person names.

    Returns
    -------
    (Tokens, ndarray, DataFrame)
        The tokens; each token's piece (a row of the third item); the pieces, ``doc``, ``start`` and
        ``end``, that the texts' lines were cut into at the coded sentences.
    """
    used = [c for c in ("doc_id", "text", *ROW_COLUMNS) if c in texts.columns]
    stream, vocab, step = _read(texts[used].to_dict("records"), language, lemmatize, remove, min_chars, spans, names)
    lines = pd.DataFrame(stream.lines, columns=["doc", "start", "end"], dtype=np.int64)
    found = Tokens(language, texts.drop(columns="text").reset_index(drop=True), np.asarray(stream.doc, dtype=np.int64),
                   np.asarray(stream.type_id, dtype=np.int64), step, vocab.types, vocab.terms, remove, lemmatize,
                   np.asarray(stream.line, dtype=np.int64), lines)
    pieces = pd.DataFrame(stream.pieces, columns=["doc", "start", "end"], dtype=np.int64)
    return found, np.asarray(stream.piece, dtype=np.int64), pieces


def _read(rows: list[dict], language: str, lemmatize: bool, remove: tuple, min_chars: int, spans: dict, names):
    """Read every row's text into a token stream; return the stream, its vocabulary and each token's step."""
    vocab = _Vocabulary(language, lemmatize, min_chars)
    stream = _Stream()
    line_no = 0
    for row_no, row in enumerate(rows):
        line_no = _add_text(stream, vocab, row_no, row, spans, remove, line_no)
    type_id = np.asarray(stream.type_id, dtype=np.int64)
    step = _steps(vocab, type_id, np.asarray(stream.line, dtype=np.int64), np.asarray(stream.fixed, dtype=np.int64),
                  remove, name_words(names or ()))
    return stream, vocab, step


def paragraph_terms(text: str, language: str, lemmatize: bool = True, min_chars: int = 2,
                    remove=DEFAULT_STEPS) -> list[str]:
    """The terms of one paragraph or sentence: :func:`tokens` of a one-row table, without building tables.

    What :meth:`valduchesse.preprocessor.Preprocessor.terms` returns.

    Parameters
    ----------
    text : str
        The paragraph or sentence.
    language : str
        Its language (:func:`~valduchesse.preprocess.check_language`).
    lemmatize : bool
        Terms are lemmas (default) or lower-cased words.
    min_chars : int
        The ``short`` step removes terms shorter than this.
    remove : sequence of str
        The steps of :data:`STEPS` to apply (unknown names are ignored here).

    Returns
    -------
    list of str
        The terms no step removed, in order.
    """
    remove = tuple(s for s in STEPS if s in remove)
    row = {"doc_id": "text", "language": language, "paragraph_no": 1, "text": text}
    stream, vocab, step = _read([row], check_language(language), lemmatize, remove, min_chars, {}, None)
    return [vocab.terms[t] for t, s in zip(stream.type_id, step.tolist()) if s == 0]


def single_language(texts: pd.DataFrame) -> str:
    """The one language of ``texts``; a ValueError otherwise.

    Parameters
    ----------
    texts : DataFrame
        A table with ``doc_id``, ``language`` and ``text``.

    Returns
    -------
    str
        The language, checked (:func:`~valduchesse.preprocess.check_language`).

    Raises
    ------
    ValueError
        If a column is missing, or the texts are in no language or in more than one.
    """
    missing = [c for c in ("doc_id", "language", "text") if c not in texts.columns]
    if missing:
        raise ValueError(f"the texts have no column {', '.join(missing)}: pass a table with doc_id, language and text")
    languages = sorted(texts["language"].unique())
    if len(languages) != 1:
        raise ValueError(
            f"the texts are in {len(languages)} languages ({', '.join(languages) or 'none'}); "
            "term statistics compare texts of one language: select one, e.g. "
            "texts[texts['language'] == 'fr']"
        )
    return check_language(languages[0])


def _source(row: dict) -> tuple[str, int]:
    """The file a text row comes from (its id) and where the row's text starts in its body."""
    if isinstance(row.get("file"), str) and row["file"]:
        source = Path(row["file"]).stem
    elif isinstance(row.get("source_doc_id"), str):
        source = row["source_doc_id"]
    else:
        source = str(row["doc_id"])
    start = row.get("start")
    return source, int(start) if start is not None and start == start else 0


def coded_spans(coded: pd.DataFrame, column: str) -> dict[str, list[tuple[int, int, str, bool]]]:
    """Hand-coded sentences per file, sorted: (start, end, text, is furniture).

    Parameters
    ----------
    coded : DataFrame
        Coded sentences with ``doc_id``, ``start``, ``end``, ``text`` and ``column``, e.g.
        :func:`valduchesse.coding.read_coding` of ``coding/sentences.csv``.
    column : str
        The column of codes read (``final``): a sentence is furniture when its only code is ``furniture``.

    Returns
    -------
    dict
        File (``doc_id``) -> its coded sentences as (start, end, text, is furniture), sorted. A ValueError
        names the columns ``coded`` lacks.
    """
    missing = [c for c in ("doc_id", "start", "end", "text", column) if c not in coded.columns]
    if missing:
        raise ValueError(f"the coded sentences have no column {', '.join(missing)}: pass a coded sheet "
                         "such as valduchesse.coding.read_coding('coding/sentences.csv')")
    spans: dict[str, list] = {}
    for row in coded[["doc_id", "start", "end", "text", column]].itertuples(index=False):
        codes = {c.strip() for c in str(row[4]).split(";")}
        spans.setdefault(row[0], []).append((int(row[1]), int(row[2]), row[3], codes == {FURNITURE}))
    return {source: sorted(found) for source, found in spans.items()}


def _add_text(stream: _Stream, vocab: _Vocabulary, row_no: int, row: dict, spans: dict, remove: tuple,
              line_no: int) -> int:
    """Append one text's tokens to ``stream``; return the next line number."""
    text = row["text"] if isinstance(row["text"], str) else ""
    source, offset = _source(row)
    coded = [(s - offset, e - offset, furniture) for s, e, written, furniture in spans.get(source, ())
             if 0 <= s - offset and e - offset <= len(text) and text[s - offset : e - offset] == written]
    heading_row = "heading" in remove and row.get("is_heading", False) is True
    section_no = row.get("section_no")
    next_heading = int(section_no) if section_no is not None and section_no == section_no else 1
    segment = "paragraph_no" in row or "sentence_no" in row  # one paragraph or sentence: no header block
    in_header = offset == 0 and FURNITURE in remove and not segment
    for start, line in _lines(text):
        stream.lines.append((row_no, start, start + len(line)))
        heading = HEADING.match(line)
        is_heading = heading_row or bool(
            "heading" in remove and heading and len(line.strip()) <= MAX_HEADING_CHARS
            and int(heading["number"]) == next_heading)
        if is_heading and not heading_row:
            next_heading += 1
        if is_heading:
            stream.pieces.append((row_no, start, start + len(line)))
            _append(stream, vocab, row_no, line_no, split(line), STEPS.index("heading") + 1)
        else:
            pieces = _pieces(line, start, coded)
            title = in_header and len(line) <= MAX_TITLE_LINE and line.rstrip()[-1:] not in ".!?…" \
                and not any(p[1] is not None for p in pieces)
            in_header = in_header and title
            for piece, furniture, piece_start in pieces:
                fixed = STEPS.index(FURNITURE) + 1 if furniture or title else (0 if furniture is False else -1)
                stream.pieces.append((row_no, piece_start, piece_start + len(piece)))
                _append(stream, vocab, row_no, line_no, split(piece), fixed)
        line_no += 1
    return line_no


def _lines(text: str):
    """(offset, line) for every non-blank line of ``text``."""
    for match in re.finditer(r"[^\n]+", text):
        if match.group().strip():
            yield match.start(), match.group()


def _pieces(line: str, start: int, coded: list) -> list[tuple[str, bool | None, int]]:
    """Cut a line at its coded sentences: (piece, furniture, offset of the piece).

    ``furniture`` is True or False for a hand-coded sentence, None for text
    no code covers (and for a sentence given only to cut the line at, as
    :func:`~valduchesse.rule_agreement.furniture_agreement` does).
    """
    end = start + len(line)
    inside = [(max(s, start), min(e, end), f) for s, e, f in coded if s < end and e > start]
    if not inside:
        return [(line, None, start)]
    pieces, cursor = [], start
    for s, e, furniture in inside:
        if s > cursor:
            pieces.append((line[cursor - start : s - start], None, cursor))
        pieces.append((line[s - start : e - start], furniture, s))
        cursor = max(cursor, e)
    if cursor < end:
        pieces.append((line[cursor - start :], None, cursor))
    return pieces


def _append(stream: _Stream, vocab: _Vocabulary, row_no: int, line_no: int, found: list[str], fixed: int) -> None:
    ids = vocab.ids_of(found)
    stream.piece.extend([len(stream.pieces) - 1] * len(ids))
    stream.type_id.extend(ids)
    stream.doc.extend([row_no] * len(ids))
    stream.line.extend([line_no] * len(ids))
    stream.fixed.extend([fixed] * len(ids))


# --- the rules -----------------------------------------------------------------------------


def _steps(vocab: _Vocabulary, type_id, line, fixed, remove: tuple, listed: set) -> np.ndarray:
    """The step of every token: the first removal step of ``remove`` that applies (0: a term, -1: punctuation)."""
    f = vocab.features(type_id)
    step = np.where(fixed > 0, fixed, 0)
    names = offices = dates = None
    if {"person name", "office", FURNITURE} & set(remove):
        names, offices = find_names(f, line, vocab.lowers, type_id, listed)
    if {"number or date", FURNITURE} & set(remove):
        dates = date_words(f, line)
    for name in remove:
        if name == "heading":
            continue  # decided while reading (fixed)
        if name == FURNITURE:
            mask = (fixed < 0) & (furniture_lines(f, line) | attendee_sentences(f, line, names, offices, dates))
        elif name == "person name":
            mask = names
        elif name == "office":
            mask = offices
        elif name == "number or date":
            mask = f["number"] | dates
        elif name == "stop word":
            mask = f["stop"] & f["word"]
        else:
            mask = f["short"] & f["word"]
        step[(step == 0) & mask] = STEPS.index(name) + 1
    step[f["punct"]] = -1
    return step
