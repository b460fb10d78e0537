"""Views of the loaded texts: documents joined from their parts, what text there is, openings to compare.

:func:`join_parts` gives the document-level view, in which the parts of one
document in one language (the 2018 French declaration has an opening and a
later excerpt, from two official copies) are joined, with a column saying that
the join is not known to be contiguous. :func:`availability` lists what text
there is per meeting and language (:func:`meeting_labels` names the meetings),
and :func:`comparable_openings` cuts the texts of one language to openings of
one length, to compare like with like; :func:`compared_texts` chooses the
texts a cross-meeting comparison compares. :func:`check_languages` checks that
every paragraph is in the file's language. What was chosen and cut is said in
words by :mod:`valduchesse.prose.corpus_views`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import lemma_cache
from .corpus_header import SUPPORTED_LANGUAGES, corpus_error

__all__ = [
    "LANGUAGE_CHECK_MIN_CHARS", "PART_GAP", "Comparison", "availability", "check_languages", "comparable_openings",
    "compared_texts", "cut_opening", "join_parts", "meeting_labels",
]


LANGUAGE_CHECK_MIN_CHARS = 150
"""Paragraphs shorter than this are not checked for their language (titles and names are ambiguous)."""

PART_GAP = "\n\n[…]\n\n"
"""What stands between two parts in the document-level view."""


def join_parts(documents: pd.DataFrame) -> pd.DataFrame:
    """Document-level view: one row per meeting, language and kind.

    The parts of a document are joined in part order with :data:`PART_GAP`
    between them. ``parts`` counts them, ``part_ids`` lists their ids, and
    ``contiguous`` is False where several parts were joined, because parts
    from different copies are not known to follow on from each other.
    ``coverage`` lists each part's coverage, in order.

    Parameters
    ----------
    documents : DataFrame
        :func:`~valduchesse.corpus.load_corpus`'s table, one row per file (part).

    Returns
    -------
    DataFrame
        One row per meeting date, language and kind, sorted by them: ``doc_id`` (the file's id, or
        ``DATE_LANGUAGE_parts-1-2``), ``meeting_date``, ``place``, ``language``, ``kind``, ``title``,
        ``coverage``, ``parts``, ``part_ids``, ``contiguous``, ``chars`` (summed) and ``text``.
    """
    key = ["meeting_date", "language", "kind"]
    rows = []
    for _, group in documents.sort_values(key + ["part"]).groupby(key, sort=True):
        first = group.iloc[0]
        rows.append(
            {
                "doc_id": first["doc_id"] if len(group) == 1 else
                f"{first['meeting_date']:%Y-%m-%d}_{first['language']}_parts-"
                + "-".join(str(p) for p in group["part"]),
                "meeting_date": first["meeting_date"],
                "place": first["place"],
                "language": first["language"],
                "kind": first["kind"],
                "title": first["title"],
                "coverage": " + ".join(group["coverage"]),
                "parts": len(group),
                "part_ids": ", ".join(group["doc_id"]),
                "contiguous": len(group) == 1,
                "chars": int(group["chars"].sum()),
                "text": PART_GAP.join(group["text"]),
            }
        )
    return pd.DataFrame(rows)



def availability(documents: pd.DataFrame) -> pd.DataFrame:
    """What text there is for each meeting and language, one row per file.

    Parameters
    ----------
    documents : DataFrame
        :func:`~valduchesse.corpus.load_corpus`'s table.

    Returns
    -------
    DataFrame
        In the order of ``documents``: ``meeting`` (date and kind, e.g. ``2017-10-16 joint communiqué``),
        ``language``, ``coverage``, ``part``, ``chars`` and ``doc_id``.
    """
    table = documents[["language", "coverage", "part", "chars", "doc_id"]].copy()
    table.insert(0, "meeting", meeting_labels(documents))
    return table.reset_index(drop=True)


def meeting_labels(table: pd.DataFrame) -> pd.Series:
    """Each row's meeting as a label: its date and the kind of text, e.g. ``2017-10-16 joint communiqué``.

    Parameters
    ----------
    table : DataFrame
        Rows with ``meeting_date`` (datetimes) and ``kind``.

    Returns
    -------
    pandas.Series of str
        ``YYYY-MM-DD KIND`` per row, on ``table``'s index.
    """
    return table["meeting_date"].dt.strftime("%Y-%m-%d") + " " + table["kind"]


def cut_opening(text: str, length: int) -> str:
    """The first ``length`` characters of ``text`` at most, cut after the last whole word.

    A text no longer than ``length`` comes back unchanged.

    Parameters
    ----------
    text : str
        The text to cut.
    length : int
        The most characters kept.

    Returns
    -------
    str
        The text up to the last space or line break within ``length + 1`` characters, trailing spaces
        removed (cut at ``length`` if there is none).
    """
    if len(text) <= length:
        return text
    head = text[: length + 1]
    cut = max(head.rfind(" "), head.rfind("\n"))
    return text[: cut if cut > 0 else length].rstrip()


@dataclass(frozen=True)
class Comparison:
    """What :func:`compared_texts` chose; :func:`valduchesse.prose.corpus_views.comparison_lines` says it.

    Attributes
    ----------
    main_kind : str
        The kind compared by default.
    every_kind : bool
        True where no text is of ``main_kind`` (and every kind was not asked for), so every text is compared.
    kinds : tuple of str
        Every kind of text of the corpus, sorted.
    compared_kinds : tuple of str
        The kinds compared, sorted.
    kept_apart : tuple of str
        The kinds left out of the comparison, sorted.
    requested : str
        The language asked for.
    language : str
        The language of the comparison: ``requested``, or the fallback where no text compared is in it.
    """

    main_kind: str
    every_kind: bool
    kinds: tuple[str, ...]
    compared_kinds: tuple[str, ...]
    kept_apart: tuple[str, ...]
    requested: str
    language: str


def compared_texts(documents: pd.DataFrame, language: str, include_communique: bool = False,
                   main_kind: str = "joint declaration") -> tuple[pd.DataFrame, str, Comparison]:
    """The texts a cross-meeting comparison compares, its language, and what was decided.

    By default only texts of ``main_kind`` are compared (the 2017 communiqué is another genre); with
    ``include_communique`` every kind. A corpus with no text of ``main_kind`` compares all its texts, and
    a ``language`` none of them is in falls back to the language most of them are in (the alphabetically
    first on a tie), so that a student's corpus gets a comparison and is told why
    (:func:`valduchesse.prose.corpus_views.texts_compared` gives the lines to print).

    Parameters
    ----------
    documents : DataFrame
        :func:`~valduchesse.corpus.load_corpus`.
    language : str
        The preferred language of the comparison.
    include_communique : bool
        Compare every kind of text.
    main_kind : str
        The kind compared by default.

    Returns
    -------
    (DataFrame, str, Comparison)
        The texts compared, the language, and what was compared and kept apart and whether it fell back.
    """
    compared = documents if include_communique else documents[documents["kind"] == main_kind]
    every_kind = compared.empty
    if every_kind:
        compared = documents
    requested = language
    if language not in set(compared["language"]):
        language = compared["language"].mode().min()
    kinds = tuple(sorted(set(documents["kind"])))
    compared_kinds = tuple(sorted(set(compared["kind"])))
    choice = Comparison(main_kind, every_kind, kinds, compared_kinds,
                        tuple(sorted(set(kinds) - set(compared_kinds))), requested, language)
    return compared, language, choice


def comparable_openings(documents: pd.DataFrame, language: str, length: int | None = None) -> pd.DataFrame:
    """The openings of every meeting's text in ``language``, cut to one length.

    Takes each document's first part whose coverage is ``opening excerpt``
    or ``full text`` (a later excerpt is not an opening) and cuts every one,
    at a word end, to ``length`` characters: by default the length of the
    shortest of them, so that all compare the same amount of opening text.
    :func:`valduchesse.prose.corpus_views.with_compared_as` says what each
    row is (e.g. ``full text, cut at the last word end within 1,960 characters``).

    Parameters
    ----------
    documents : DataFrame
        :func:`~valduchesse.corpus.load_corpus`'s table.
    language : str
        The language of the openings.
    length : int, optional
        The characters to cut to; by default the ``chars`` of the shortest opening.

    Returns
    -------
    DataFrame
        The rows of the openings, index reset, with ``original_chars`` (the text's characters), ``chars``
        (those compared) and ``text`` cut; as there is one opening per meeting, ``doc_id`` becomes the
        meeting's label (:func:`meeting_labels`), the file it comes from stays in ``file``. ``attrs["length"]``
        holds the length cut to.

    Raises
    ------
    ValueError
        If no opening or full text is in ``language``.
    """
    rows = documents[
        (documents["language"] == language)
        & (documents["part"] == 1)
        & documents["coverage"].isin(["opening excerpt", "full text"])
    ].copy()
    if rows.empty:
        available = sorted(set(documents.loc[(documents["part"] == 1)
                                             & documents["coverage"].isin(["opening excerpt", "full text"]),
                                             "language"]))
        raise ValueError(f"no opening or full text in language {language!r} among the texts' first parts (header "
                         f"fields 'language', 'part', 'coverage'). Fix: compare one of the languages that have one: "
                         f"{', '.join(available) or 'none; give a text part: 1 with coverage: full text or opening excerpt'}")
    length = int(rows["chars"].min()) if length is None else length
    rows["original_chars"] = rows["chars"]
    rows["text"] = [cut_opening(text, length) for text in rows["text"]]
    rows["chars"] = rows["text"].str.len()
    rows["doc_id"] = meeting_labels(rows)
    rows = rows.reset_index(drop=True)
    rows.attrs["length"] = length
    return rows


def check_languages(documents: pd.DataFrame, min_chars: int = LANGUAGE_CHECK_MIN_CHARS, margin: float = 0.2) -> int:
    """Check that every paragraph reads as its file's declared ``language``; return how many were checked.

    Each paragraph (line) of at least ``min_chars`` characters goes through
    simplemma's language detector over the supported languages; a paragraph
    whose best language beats the declared one by ``margin`` or more (share
    of words each language's dictionary knows) is a :class:`~valduchesse.corpus_header.CorpusError`
    naming the file, the paragraph and the language it reads as. Shorter
    lines (titles, names) are too ambiguous to judge. Kept out of
    :func:`~valduchesse.corpus.load_corpus` because it costs about a third of a millisecond per
    paragraph; notebooks 00 and 05 run it.

    Parameters
    ----------
    documents : DataFrame
        :func:`~valduchesse.corpus.load_corpus`'s table (``file``, ``language``, ``text``).
    min_chars : int
        Paragraphs shorter than this are not checked.
    margin : float
        How far another language's share of known words must beat the declared one's to be an error.

    Returns
    -------
    int
        The number of paragraphs checked.

    Raises
    ------
    CorpusError
        For the first paragraph that reads as another language.
    """
    codes = tuple(SUPPORTED_LANGUAGES)
    checked = 0
    for doc in documents.itertuples(index=False):
        lines = [line.strip() for line in doc.text.split("\n") if line.strip()]
        for number, line in enumerate(lines, 1):
            if len(line) < min_chars:
                continue
            checked += 1
            scores = dict(lemma_cache.langdetect(line, codes))
            best = max(codes, key=lambda code: (scores.get(code, 0.0), code == doc.language))
            if best != doc.language and scores[best] - scores.get(doc.language, 0.0) >= margin:
                raise corpus_error(
                    Path(doc.file), "language",
                    f"paragraph {number} reads as {SUPPORTED_LANGUAGES[best]} ({best}, {scores[best]:.2f} of its "
                    f"words) rather than {SUPPORTED_LANGUAGES[doc.language]} ({doc.language}, "
                    f"{scores.get(doc.language, 0.0):.2f}): \"{line[:60]}…\"",
                    "keep one language per file: move that text to a file of its own language, "
                    "or correct the 'language' field",
                )
    return checked
