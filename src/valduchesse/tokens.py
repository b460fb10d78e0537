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
    (:func:`tokens`), date and place lines (:func:`furniture_lines`) and
    sentences that only list who met (:func:`attendee_sentences`).
``person name``
    a person's name, by the rule of :func:`find_names` (plus, if given, the
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
**terms**; every term statistic of :mod:`valduchesse.terms` and
:mod:`valduchesse.themes` starts from a :class:`Tokens` object, and
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
from functools import cache, lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import simplemma
import yaml

from .preprocess import check_language, is_number, is_stop_word, is_word, lemma, normalise, split
from .segment import HEADING, MAX_HEADING_CHARS

__all__ = [
    "ATTENDEE_MAX_WORDS", "ATTENDEE_MIN_NAMES", "CONTEXT_STEPS", "DEFAULT_STEPS", "FEATURES", "FEATURE_CACHE_SIZE",
    "FULL_STOPS", "FURNITURE", "MAX_LIST_WORDS", "MAX_OFFICE_WORDS", "MAX_PLACE_WORDS", "MAX_TITLE_LINE", "NAMES_FILE",
    "OPENERS", "Preprocessor", "ROMAN", "ROW_COLUMNS", "RULES_FILE", "SENTENCE_END", "STEPS", "Tokens", "WORD_STEPS",
    "attendee_sentences", "date_words", "find_names", "furniture_agreement", "furniture_lines", "listed_names",
    "name_words", "names_agreement", "names_table", "paragraph_terms", "read_names", "rules", "single_language",
    "token_features", "tokens",
]

STEPS = ("heading", "furniture", "person name", "office", "number or date", "stop word", "short")
"""Every removal step, in the order they are tried: a token is removed by the first that applies."""
DEFAULT_STEPS = STEPS[1:]
"""The steps applied unless asked otherwise: all but ``heading`` (numbered lines are kept in openings,
where some, as in the 2017 communiqué, are decisions; section keyness removes them)."""
CONTEXT_STEPS = STEPS[:4]
"""Steps that take words out of the text (furniture, names…), not only out of the terms."""
WORD_STEPS = STEPS[4:]
"""Steps that keep a word in the text but do not count it as a term."""
RULES_FILE = Path(__file__).with_name("language_rules.yml")
NAMES_FILE = Path(__file__).with_name("person_names.yml")
FURNITURE = "furniture"

SENTENCE_END = frozenset(".!?…;:")
"""Punctuation after which the next word starts a sentence or clause (its capital says nothing)."""
OPENERS = SENTENCE_END | frozenset("«“„\"‘(–—-•")
"""Punctuation after which a capitalised word may be capitalised for that reason alone."""
MAX_TITLE_LINE = 250
"""A line of the header block (the title lines at the top of a document) is at most this long."""
MAX_PLACE_WORDS = 3
"""A line of at most this many capitalised words, without a sentence end, is a place line (``Paris``)."""
MAX_OFFICE_WORDS = 12
"""An office written before a name is at most this many words long (from the office word to the name)."""
MAX_LIST_WORDS = 5
"""Between two names, a chunk of at most this many words, all capitalised or stop words, is an office (``de la Défense``)."""
ATTENDEE_MIN_NAMES = 4
"""A sentence naming at least this many people … """
ATTENDEE_MAX_WORDS = 8
"""… and holding at most this many other words (not stop words, offices, numbers or dates) is an attendee list."""
FULL_STOPS = frozenset(".!?…")
ROW_COLUMNS = ("file", "source_doc_id", "start", "is_heading", "section_no", "paragraph_no", "sentence_no")
"""The columns of a text's row that the tokens stage reads besides ``doc_id`` and ``text``."""
ROMAN = re.compile(r"^[IVXLC]+$")


# --- language data ------------------------------------------------------------------------


@cache
def rules(language: str) -> dict[str, frozenset[str]]:
    """The word lists of ``language_rules.yml`` for ``language``, lower-cased."""
    check_language(language)
    data = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
    return {key: frozenset(str(word).lower() for word in words) for key, words in data[language].items()}


def read_names(path: str | Path = NAMES_FILE) -> list[str]:
    """The names of a names file (YAML with a ``names:`` list), e.g. the project's ``person_names.yml``."""
    path = Path(path)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("names"), list):
        raise ValueError(f"{path}: no 'names:' list found. Fix: write 'names:' and one '- First Last' line per person")
    return [str(name) for name in data["names"]]


def name_words(names) -> set[tuple[str, ...]]:
    """Each name as the tuple of its lower-cased word tokens: ``("charles", "michel")``."""
    runs = set()
    for name in names:
        run = tuple(w.lower() for w in split(name) if is_word(w))
        if run:
            runs.add(run)
    return runs


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
        """Each text's terms (tokens no step removed), in order."""
        terms = np.asarray(self.type_terms, dtype=object)
        kept = self.step == 0
        return [terms[self.type_id[s][kept[s]]].tolist() for s in self._doc_slices()]

    def words(self) -> list[list[str]]:
        """Each text's word tokens as terms, stop words included: what a theme's rate is counted over.

        Punctuation, numbers and the tokens of the context steps (headings,
        furniture, names, offices) are left out.
        """
        terms = np.asarray(self.type_terms, dtype=object)
        word = np.isin(self.step, [0] + [STEPS.index(s) + 1 for s in WORD_STEPS if s != "number or date"])
        return [terms[self.type_id[s][word[s]]].tolist() for s in self._doc_slices()]

    def table(self) -> pd.DataFrame:
        """One row per token (punctuation left out): ``doc_id``, ``position``, ``token`` (as written), ``term``, ``removed``."""
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

        Columns: ``doc_id``, ``tokens`` (words and numbers, punctuation left
        out), one column per step of :data:`STEPS` (tokens it removed; 0 for
        a step not applied), ``terms`` (what is left) and ``terms_share``
        (terms / tokens).
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
        """Each text's words and numbers as written (punctuation left out), for concordance lines."""
        types = np.asarray(self.types, dtype=object)
        shown = self.step >= 0
        return [types[self.type_id[s][shown[s]]].tolist() for s in self._doc_slices()]

    def written_steps(self) -> list[np.ndarray]:
        """For each text, the step of each token of :meth:`written` (0: a term)."""
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
    """The term, the lower-cased word and the :data:`FEATURES` of one distinct token as written."""
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
    return bool(parts) and all(simplemma.is_known(p, lang=language) for p in parts)


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
    names : iterable of str, optional
        A per-corpus names list (e.g. :func:`read_names`): these names are
        removed as person names wherever they occur, besides those the rule finds.

    Returns
    -------
    Tokens
    """
    language = single_language(texts)
    unknown = [s for s in remove if s not in STEPS]
    if unknown:
        raise ValueError(f"unknown removal step(s) {', '.join(map(repr, unknown))}; the steps are {', '.join(STEPS)}")
    remove = tuple(s for s in STEPS if s in remove)
    spans = _coded_spans(coded, coded_column) if coded is not None and FURNITURE in remove else {}
    return _build(texts, language, lemmatize, remove, min_chars, spans, names)[0]


def _build(texts: pd.DataFrame, language: str, lemmatize: bool, remove: tuple, min_chars: int, spans: dict,
           names) -> tuple[Tokens, np.ndarray, pd.DataFrame]:
    """Build the tokens; also return each token's piece and the pieces (doc, start, end) the lines were cut into."""
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

    What :meth:`valduchesse.tokens.Preprocessor.terms` returns.
    """
    remove = tuple(s for s in STEPS if s in remove)
    row = {"doc_id": "text", "language": language, "paragraph_no": 1, "text": text}
    stream, vocab, step = _read([row], check_language(language), lemmatize, remove, min_chars, {}, None)
    return [vocab.terms[t] for t, s in zip(stream.type_id, step.tolist()) if s == 0]


def single_language(texts: pd.DataFrame) -> str:
    """The one language of ``texts`` (with ``doc_id``, ``language`` and ``text``); a ValueError otherwise."""
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


def _coded_spans(coded: pd.DataFrame, column: str) -> dict[str, list[tuple[int, int, str, bool]]]:
    """Hand-coded sentences per file: (start, end, text, is furniture)."""
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
    :func:`furniture_agreement` does).
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


def date_words(f: dict[str, np.ndarray], line: np.ndarray, reach: int = 3) -> np.ndarray:
    """Month and weekday names that are part of a date: within ``reach`` tokens of a number or of such a name.

    ``le 13 novembre 2015``, ``Lundi 11 juin``, ``en janvier et en novembre 2015``:
    like the numbers, they are not terms. A month name far from any number
    (``la marche de mars``) stays a word.
    """
    dates = np.zeros(len(line), dtype=bool)
    if not f["date"].any():
        return dates
    anchors = f["number"].copy()
    for _ in range(len(line)):
        near = np.any([_next_to(anchors, line, k) for k in range(-reach, reach + 1) if k], axis=0)
        found = f["date"] & near
        if (found == dates).all():
            break
        dates = found
        anchors = f["number"] | dates
    return dates


def attendee_sentences(f: dict[str, np.ndarray], line: np.ndarray, names: np.ndarray, offices: np.ndarray,
                       dates: np.ndarray) -> np.ndarray:
    """Tokens of sentences that list who met and say little else (page furniture), by rule.

    A sentence (within a line, cut after ``.``, ``!`` or ``?`` but not
    after an honorific such as ``M.``) is an attendee list if it names at
    least :data:`ATTENDEE_MIN_NAMES` people and, besides names, offices,
    stop words, numbers and dates, has at most :data:`ATTENDEE_MAX_WORDS`
    words ("Auf Einladung Belgiens trafen sich heute in Brüssel der
    französische Premierminister Manuel Valls und sein belgischer Kollege
    Charles Michel in Begleitung ihrer Innenminister, …").
    """
    if names.sum() < ATTENDEE_MIN_NAMES:
        return np.zeros(len(line), dtype=bool)
    after_honorific = _next_to(f["honorific"], line, -1)
    cut = f["full_stop"] & ~after_honorific
    starts = ~_next_to(np.ones(len(line), dtype=bool), line, -1) | _next_to(cut, line, -1)
    sentence = np.cumsum(starts) - 1
    first_of_name = names & ~_next_to(names, line, -1)
    content = f["word"] & ~f["stop"] & ~names & ~offices & ~dates
    people = np.bincount(sentence, weights=first_of_name)
    words = np.bincount(sentence, weights=content)
    listing = (people >= ATTENDEE_MIN_NAMES) & (words <= ATTENDEE_MAX_WORDS)
    return listing[sentence]


def _next_to(mask: np.ndarray, line: np.ndarray, shift: int) -> np.ndarray:
    """Whether the token ``shift`` places away (-2: two before, 1: the next), on the same line, is in ``mask``."""
    out = np.zeros(len(mask), dtype=bool)
    k = abs(shift)
    if k >= len(mask):
        return out
    if shift < 0:
        out[k:] = mask[:-k] & (line[k:] == line[:-k])
    else:
        out[:-k] = mask[k:] & (line[:-k] == line[k:])
    return out


def furniture_lines(f: dict[str, np.ndarray], line: np.ndarray) -> np.ndarray:
    """Tokens on a line that is a date line or a place line (page furniture), by rule.

    * a **date line** holds a month or weekday name or a date written in
      figures (``16/10/2017``), and otherwise only numbers, punctuation,
      particles and at most :data:`MAX_PLACE_WORDS` capitalised words:
      ``Lundi 11 juin 2018``, ``Paris, 11 juin 2018``;
    * a **place line** is at most :data:`MAX_PLACE_WORDS` words, all
      capitalised, with no sentence end: ``Paris``, ``Brussel``.

    Title lines at the top of a document (the header block) are found while
    the texts are read (:func:`tokens`). Returns a boolean per token.
    """
    if len(line) == 0:
        return np.zeros(0, dtype=bool)
    inverse = line - line.min()
    size = int(inverse.max()) + 1

    def per_line(mask):
        return np.bincount(inverse, weights=mask, minlength=size)
    words = per_line(f["word"])
    dates = per_line(f["word"] & f["date"])
    figures = per_line(f["number"])
    capitals = per_line(f["word"] & f["cap"] & ~f["date"])
    small = per_line(f["word"] & f["stop"] & ~f["cap"] & ~f["date"])
    other = words - dates - capitals - small
    ends = per_line(f["end"] & f["punct"])
    date_line = (((dates > 0) & (other == 0) & (capitals <= MAX_PLACE_WORDS))
                 | ((words == 0) & (figures > 0)))
    place_line = (words > 0) & (words <= MAX_PLACE_WORDS) & (capitals == words) & (ends == 0) & (figures == 0)
    return (date_line | place_line)[inverse]


def find_names(f: dict[str, np.ndarray], line: np.ndarray, lowers: list[str], type_id: np.ndarray,
               listed: set) -> tuple[np.ndarray, np.ndarray]:
    """Person names, and the offices written next to them, by rule.

    A **name** is a run of two or more capitalised words (name particles
    such as *de*, *van*, *von* may stand inside it), not stop words, with no
    punctuation between them, in which at least one word is unknown to the
    language's dictionary (simplemma) or is written in capitals
    (``Charles MICHEL``, ``Jean Castex``, ``Alexander De Croo``). A single
    capitalised word after an honorific (``M.``, ``Mme``, ``Herr``) is a
    name too. A name found this way anywhere in the texts is then removed
    wherever the same words stand as a run of capitalised words
    (``Charles Michel`` once ``Charles MICHEL`` is found), and so are the
    names of ``listed`` (a per-corpus list).

    An **office** is the office written before a name, from an office word
    (``language_rules.yml``: ``ministre``, ``minister``, ``Premierminister``)
    to the name, at most :data:`MAX_OFFICE_WORDS` words without a sentence
    end between them (``Premiers ministres du Royaume de Belgique … ,
    Alexander De Croo``); a chunk of at most :data:`MAX_LIST_WORDS` words,
    all capitalised or stop words, between two names of a list (``…,
    de la Défense, Ludivine Dedonder``); and an office word with its
    complement right after a name (``Charles MICHEL, Premier ministre du
    Royaume de Belgique,``).

    Returns two boolean arrays over the tokens: name, office.
    """
    n = len(type_id)
    names = np.zeros(n, dtype=bool)
    capital = f["word"] & f["cap"] & ~f["stop"] & ~f["particle"] & ~f["date"] & ~f["office"]
    if capital.sum() < 2 and not listed and not f["honorific"].any():
        return names, names.copy()
    same_line_prev = _next_to(np.ones(n, dtype=bool), line, -1)
    prev_opener = _next_to(f["opener"], line, -1) | ~same_line_prev
    inner = f["word"] & f["particle"]
    runs = _runs(capital, inner, line)
    lower = np.asarray(lowers, dtype=object)
    evidence = (f["unknown"] & ~prev_opener) | f["allcaps"]
    candidates = []
    for s, e in runs:
        members = [s + i for i, c in enumerate(capital[s:e].tolist()) if c]
        if len(members) > 2 and _after_office(f, line, s):
            s = members[-2]  # "ministers van Binnenlandse Zaken Gérard Collomb": the office ends the run
            members = members[-2:]
        after_article = s > 0 and line[s - 1] == line[s] and f["article"][s - 1]
        if len(members) >= 2 and not f["allcaps"][s:e].all() and not after_article:
            candidates.append((s, e))
    key = {run: tuple(lower[type_id[run[0]:run[1]]]) for run in candidates}
    named = {run for run in candidates if evidence[run[0]:run[1]].any() or _office_right_before(f, line, run[0])}
    named |= _coordinated(candidates, named, f, line)
    found = {key[run] for run in named}
    longest = max((len(r) for r in found), default=0)
    for s, e in (runs if found else ()):
        key = tuple(lower[type_id[s:e]])
        for i in range(s, e):
            for length in range(min(longest, e - i), 1, -1):
                if key[i - s : i - s + length] in found:
                    names[i : i + length] = True
                    break
    names |= _listed(listed, f, line, lower[type_id])
    honorific_next = _next_to(f["honorific"], line, -1) | (_next_to(f["honorific"], line, -2)
                                                           & _next_to(f["end"], line, -1))
    names |= capital & honorific_next & same_line_prev & ~f["particle"]
    offices = _offices(f, line, names)
    return names, offices & ~names


def _after_office(f: dict[str, np.ndarray], line: np.ndarray, start: int) -> bool:
    """Whether an office word (and stop words after it) stands right before the run at ``start``."""
    i = start - 1
    while i >= 0 and line[i] == line[start] and f["word"][i] and f["stop"][i] and not f["office"][i]:
        i -= 1
    return i >= 0 and line[i] == line[start] and bool(f["office"][i])


def _listed(listed: set, f: dict[str, np.ndarray], line: np.ndarray, lower: np.ndarray) -> np.ndarray:
    """The tokens of the names of a names list, matched as runs of words (punctuation and case ignored)."""
    found = np.zeros(len(lower), dtype=bool)
    words = np.flatnonzero(f["word"])
    sequence, lines = lower[words], line[words]
    for run in listed:
        n = len(run)
        for i in np.flatnonzero(sequence[: len(sequence) - n + 1] == run[0]):
            if tuple(sequence[i : i + n]) == run and lines[i] == lines[i + n - 1]:
                found[words[i : i + n]] = True
    return found


def _office_right_before(f: dict[str, np.ndarray], line: np.ndarray, start: int) -> bool:
    """Whether an office word stands right before ``start`` (a comma may stand between)."""
    i = start - 1
    if i >= 0 and line[i] == line[start] and f["punct"][i] and not f["end"][i]:
        i -= 1
    return i >= 0 and line[i] == line[start] and bool(f["office"][i])


def _coordinated(candidates: list, named: set, f: dict[str, np.ndarray], line: np.ndarray) -> set:
    """Candidate runs joined by a conjunction to a named run, repeatedly ("X Y et Z W et …")."""
    by_start = {s: (s, e) for s, e in candidates}
    by_end = {e: (s, e) for s, e in candidates}
    found, changed = set(named), True
    while changed:
        changed = False
        for s, e in list(found):
            for other in (by_start.get(e + 1), by_end.get(s - 1)):
                joint = e if other is not None and other[0] == e + 1 else s - 1
                if other is not None and other not in found and f["conjunction"][joint] \
                        and line[joint] == line[s]:
                    found.add(other)
                    changed = True
    return found - named


def _runs(capital: np.ndarray, inner: np.ndarray, line: np.ndarray) -> list[tuple[int, int]]:
    """(start, end) of every maximal run of capitalised words, particles allowed inside, on one line.

    Only runs of at least two capitalised words are returned (one word alone is never taken for a name
    by the run rule); particles at either end of a run are left out of it.
    """
    member = np.flatnonzero(capital | inner)
    if len(member) == 0:
        return []
    breaks = np.flatnonzero((np.diff(member) != 1) | (line[member[1:]] != line[member[:-1]])) + 1
    starts, ends = member[np.r_[0, breaks]], member[np.r_[breaks - 1, len(member) - 1]] + 1
    counts = np.cumsum(np.r_[0, capital.astype(np.int64)])
    several = (counts[ends] - counts[starts]) >= 2
    runs = []
    for start, end in zip(starts[several].tolist(), ends[several].tolist()):
        while not capital[start]:
            start += 1
        while not capital[end - 1]:
            end -= 1
        runs.append((start, end))
    return runs


def _offices(f: dict[str, np.ndarray], line: np.ndarray, names: np.ndarray) -> np.ndarray:
    """The offices written next to the names (see :func:`find_names`)."""
    n = len(names)
    offices = np.zeros(n, dtype=bool)
    starts = np.flatnonzero(names & ~np.r_[False, names[:-1]])
    ends = np.flatnonzero(names & ~np.r_[names[1:], False]) + 1
    for start, end in zip(starts, ends):
        _office_before(f, line, names, offices, start)
        _office_after(f, line, names, offices, end)
    return offices


def _office_before(f, line, names, offices, start) -> None:
    """Mark the office written before the name that starts at ``start``."""
    words, i, office_at = [], start - 1, None
    while i >= 0 and line[i] == line[start] and len(words) < MAX_OFFICE_WORDS:
        if names[i] or (f["end"][i] and f["punct"][i]):
            break
        if f["word"][i]:
            words.append(i)
            if f["office"][i] and office_at is None:
                office_at = i
        i -= 1
    if office_at is not None:
        first = office_at
        while first - 1 >= 0 and line[first - 1] == line[start] and f["prefix"][first - 1]:
            first -= 1
        for j in range(first, start):
            offices[j] = offices[j] or bool(f["word"][j])
        return
    stopped_at_name = i >= 0 and names[i] and line[i] == line[start]
    listed = [j for j in words if f["cap"][j] or f["stop"][j]]
    capitalised = any(f["cap"][j] for j in words)
    if stopped_at_name and capitalised and 0 < len(words) <= MAX_LIST_WORDS and len(listed) == len(words):
        offices[words] = True


def _office_after(f, line, names, offices, end) -> None:
    """Mark an office written right after the name that ends at ``end`` (``…, Premier ministre du …,``)."""
    i, n = end, len(names)
    while i < n and line[i] == line[end - 1] and f["punct"][i] and not f["end"][i]:
        i += 1
    j = i
    while j < n and line[j] == line[end - 1] and f["prefix"][j]:
        j += 1
    if not (j < n and line[j] == line[end - 1] and f["office"][j]):
        return
    k, count = i, 0
    while k < n and line[k] == line[end - 1] and not f["punct"][k] and not names[k] and count < MAX_OFFICE_WORDS:
        offices[k] = True
        count += 1
        k += 1


# --- validation ----------------------------------------------------------------------------


def listed_names(found: Tokens, names) -> np.ndarray:
    """Which tokens of ``found`` belong to a name of ``names`` (matched as runs of words, ignoring case)."""
    runs = name_words(names)
    lower = np.asarray([t.lower() for t in found.types], dtype=object)
    hit = np.zeros(len(found.type_id), dtype=bool)
    words = np.flatnonzero(found.step >= 0)  # punctuation breaks no run here: names hold none
    sequence = lower[found.type_id[words]]
    docs = found.doc[words]
    for run in runs:
        n = len(run)
        for i in range(len(sequence) - n + 1):
            if sequence[i] == run[0] and tuple(sequence[i : i + n]) == run and docs[i] == docs[i + n - 1]:
                hit[words[i : i + n]] = True
    return hit


def names_agreement(texts: pd.DataFrame, names) -> dict:
    """How well the names rule finds the people of a names list (e.g. ``person_names.yml``), on ``texts``.

    The rule alone is applied (no furniture step, no names list), so that
    every name it finds or misses is counted. Returns ``listed`` (tokens of
    the listed names in the texts), ``removed`` (tokens the rule takes for
    names), ``both``, ``precision`` (both / removed), ``recall`` (both /
    listed), ``missed`` (listed words the rule does not take, with the step
    that removed them otherwise) and ``extra`` (words it takes for names
    that are not listed).
    """
    found = tokens(texts, remove=("person name", "office"))
    listed = listed_names(found, names)
    removed = found.step == STEPS.index("person name") + 1
    both = int((listed & removed).sum())
    shown = found.step >= 0
    table = found.table().assign(listed=listed[shown], name=removed[shown])
    return {
        "listed": int(listed.sum()), "removed": int(removed.sum()), "both": both,
        "precision": both / removed.sum() if removed.any() else float("nan"),
        "recall": both / listed.sum() if listed.any() else float("nan"),
        "missed": table[table["listed"] & ~table["name"]][["doc_id", "token", "removed"]].reset_index(drop=True),
        "extra": table[~table["listed"] & table["name"]][["doc_id", "token"]].reset_index(drop=True),
    }


def furniture_agreement(documents: pd.DataFrame, coded: pd.DataFrame, column: str = "final") -> tuple[dict, pd.DataFrame]:
    """How far the furniture rule agrees with the hand codes, sentence by sentence.

    The rule alone (no hand codes) is applied to the whole ``documents``
    (the header block needs a document's first lines), the lines cut at the
    coded sentences; a coded sentence is furniture by rule if any of its
    tokens is. ``coded`` is a coded
    sheet with ``unit_id``, ``doc_id``, ``language``, ``start``, ``end``,
    ``text`` and ``column`` (e.g. :func:`valduchesse.coding.current_codes`
    of ``coding/sentences.csv``).

    Returns
    -------
    summary : dict
        ``sentences``, ``agree``, ``agreement`` (share), ``kappa`` (Cohen),
        ``both`` (furniture by hand and rule), ``hand_only``, ``rule_only``.
    table : DataFrame
        One row per coded sentence: ``unit_id``, ``hand`` and ``rule``
        (furniture or not), ``text``.
    """
    rows = []
    for language, docs in documents.groupby("language", sort=True):
        units = coded[coded["language"] == language]
        cut_only = {source: [(s, e, text, None) for s, e, text, _ in spans]
                    for source, spans in _coded_spans(units, column).items()}
        found, piece, pieces = _build(docs, language, True, (FURNITURE,), 2, cut_only, None)
        flagged = np.bincount(piece, weights=found.step == STEPS.index(FURNITURE) + 1, minlength=len(pieces))
        pieces = pieces.assign(doc_id=np.asarray(found.doc_ids, dtype=object)[pieces["doc"]], rule=flagged > 0)
        verdict = pieces.set_index(["doc_id", "start", "end"])["rule"]
        for unit in units.itertuples(index=False):
            key = (unit.doc_id, int(unit.start), int(unit.end))
            if key in verdict.index:
                rows.append({"unit_id": unit.unit_id, "hand": getattr(unit, column) == FURNITURE,
                             "rule": bool(verdict.loc[key]), "text": unit.text})
    table = pd.DataFrame(rows, columns=["unit_id", "hand", "rule", "text"])
    hand, rule = table["hand"].to_numpy(bool), table["rule"].to_numpy(bool)
    summary = {"sentences": len(table), "agree": int((hand == rule).sum()),
               "agreement": float((hand == rule).mean()) if len(table) else float("nan"),
               "kappa": _kappa(hand, rule), "both": int((hand & rule).sum()),
               "hand_only": int((hand & ~rule).sum()), "rule_only": int((~hand & rule).sum())}
    return summary, table


def _kappa(a: np.ndarray, b: np.ndarray) -> float:
    """Cohen's kappa of two yes/no codings (:func:`sklearn.metrics.cohen_kappa_score`).

    NaN where kappa is undefined: no codings, or both codings giving the same
    single answer throughout (chance alone would agree on everything).
    """
    from sklearn.metrics import cohen_kappa_score  # here: importing tokens does not load scikit-learn's metrics

    a, b = np.asarray(a, dtype=bool), np.asarray(b, dtype=bool)
    if len(a) == 0 or (len(np.unique(a)) == 1 and np.array_equal(np.unique(a), np.unique(b))):
        return float("nan")
    return float(cohen_kappa_score(a, b, labels=[False, True]))


def names_table(documents: pd.DataFrame, names) -> pd.DataFrame:
    """:func:`names_agreement` for each language of ``documents``, as one table.

    Columns: ``language``, ``listed`` (words of listed names in the texts),
    ``taken`` (words the rule takes for names), ``both``, ``precision``,
    ``recall``, ``missed`` and ``not_listed`` (the words, as written, each once).
    """
    rows = []
    for language, texts in documents.groupby("language", sort=True):
        found = names_agreement(texts, names)
        rows.append({"language": language, "listed": found["listed"], "taken": found["removed"],
                     "both": found["both"], "precision": round(found["precision"], 3),
                     "recall": round(found["recall"], 3),
                     "missed": " ".join(dict.fromkeys(found["missed"]["token"])),
                     "not_listed": " ".join(dict.fromkeys(found["extra"]["token"]))})
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class Preprocessor:
    """Settings for turning a text into terms, and the term of a single word.

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

    To count terms in texts, use :func:`valduchesse.tokens.tokens`, which
    also removes furniture and names and reports what it removed;
    :meth:`terms` is that stage applied to one text.
    """

    language: str
    lemmatize: bool = True
    remove_stop_words: bool = True
    min_chars: int = 2

    def __post_init__(self) -> None:
        check_language(self.language)

    def term(self, word: str) -> str:
        """The term a single word token counts as: its lemma (or itself), lower-cased."""
        word = normalise(word, self.language)
        return lemma(word, self.language) if self.lemmatize else word.lower()

    def is_kept(self, word: str, term: str) -> bool:
        """Whether a word token with this term is counted, by stop words and length alone."""
        if len(term) < self.min_chars:
            return False
        return not (self.remove_stop_words and is_stop_word(word, term, self.language))

    def terms(self, text: str) -> list[str]:
        """The terms of ``text``, in order, as :func:`valduchesse.tokens.tokens` counts them in a paragraph.

        The default removal steps apply (date and place lines, attendee lists,
        person names and offices, numbers and dates, stop words if
        ``remove_stop_words``, short terms), so that a segment with no terms
        here has none in :func:`valduchesse.terms.term_matrix` either.
        """
        steps = DEFAULT_STEPS if self.remove_stop_words else tuple(s for s in DEFAULT_STEPS if s != "stop word")
        return paragraph_terms(text, self.language, self.lemmatize, self.min_chars, steps)
