"""Views of the loaded texts: documents joined from their parts, what text there is, openings to compare.

:func:`join_parts` gives the document-level view, in which the parts of one
document in one language (the 2018 French declaration has an opening and a
later excerpt, from two official copies) are joined, with a column saying that
the join is not known to be contiguous. :func:`availability` lists what text
there is per meeting and language (:func:`meeting_labels` names the meetings),
and :func:`comparable_openings` cuts the texts of one language to openings of
one length, to compare like with like. :func:`check_languages` checks that
every paragraph is in the file's language.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import lemma_cache
from .corpus_header import SUPPORTED_LANGUAGES, corpus_error

__all__ = [
    "LANGUAGE_CHECK_MIN_CHARS", "PART_GAP", "availability", "check_languages", "comparable_openings", "compared_texts",
    "cut_opening", "join_parts", "meeting_labels",
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

    Columns: ``meeting`` (date and kind, e.g. ``2017-10-16 joint communiqué``),
    ``language``, ``coverage``, ``part``, ``chars`` and ``doc_id``.
    """
    table = documents[["language", "coverage", "part", "chars", "doc_id"]].copy()
    table.insert(0, "meeting", meeting_labels(documents))
    return table.reset_index(drop=True)


def meeting_labels(table: pd.DataFrame) -> pd.Series:
    """Each row's meeting as a label: its date and the kind of text, e.g. ``2017-10-16 joint communiqué``."""
    return table["meeting_date"].dt.strftime("%Y-%m-%d") + " " + table["kind"]


def cut_opening(text: str, length: int) -> str:
    """The first ``length`` characters of ``text`` at most, cut after the last whole word.

    A text no longer than ``length`` comes back unchanged.
    """
    if len(text) <= length:
        return text
    head = text[: length + 1]
    cut = max(head.rfind(" "), head.rfind("\n"))
    return text[: cut if cut > 0 else length].rstrip()


def compared_texts(documents: pd.DataFrame, language: str, include_communique: bool = False,
                   main_kind: str = "joint declaration") -> tuple[pd.DataFrame, str, list[str]]:
    """The texts a cross-meeting comparison compares, its language, and what was decided, in words.

    By default only texts of ``main_kind`` are compared (the 2017 communiqué is another genre); with
    ``include_communique`` every kind. A corpus with no text of ``main_kind`` compares all its texts, and
    a ``language`` none of them is in falls back to the language most of them are in (the alphabetically
    first on a tie), so that a student's corpus gets a comparison and is told why.

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
    (DataFrame, str, list of str)
        The texts compared, the language, and the lines to print (what was compared and kept apart, and
        any fallback).
    """
    notes = []
    compared = documents if include_communique else documents[documents["kind"] == main_kind]
    if compared.empty:
        notes.append(f"no text of kind {main_kind!r}: every text is compared "
                     f"({', '.join(sorted(set(documents['kind'])))})")
        compared = documents
    if language not in set(compared["language"]):
        fallback = compared["language"].mode().min()
        notes.append(f"no text in {language!r}: the main comparison is in {fallback!r}")
        language = fallback
    left_apart = sorted(set(documents["kind"]) - set(compared["kind"]))
    notes.append(f"compared: {', '.join(sorted(set(compared['kind'])))}; kept apart: {', '.join(left_apart) or 'nothing'}")
    return compared, language, notes


def comparable_openings(documents: pd.DataFrame, language: str, length: int | None = None) -> pd.DataFrame:
    """The openings of every meeting's text in ``language``, cut to one length.

    Takes each document's first part whose coverage is ``opening excerpt``
    or ``full text`` (a later excerpt is not an opening) and cuts every one,
    at a word end, to ``length`` characters: by default the length of the
    shortest of them, so that all compare the same amount of opening text.
    Adds ``original_chars``, sets ``chars`` to the length compared, and
    ``compared_as`` says what each row is (e.g. ``full text, cut at the
    last word end within 1,960 characters``). As there is one opening per
    meeting, ``doc_id`` becomes the meeting's label (:func:`meeting_labels`);
    the file it comes from stays in ``file``.
    """
    rows = documents[
        (documents["language"] == language)
        & (documents["part"] == 1)
        & documents["coverage"].isin(["opening excerpt", "full text"])
    ].copy()
    if rows.empty:
        raise ValueError(f"no opening or full text in language {language!r}")
    length = int(rows["chars"].min()) if length is None else length
    rows["original_chars"] = rows["chars"]
    rows["text"] = [cut_opening(text, length) for text in rows["text"]]
    rows["chars"] = rows["text"].str.len()
    rows["compared_as"] = [
        f"{coverage}, cut at the last word end within {length:,} characters" if original > length
        else f"{coverage}, whole ({original:,} characters)"
        for coverage, original in zip(rows["coverage"], rows["original_chars"])
    ]
    rows["doc_id"] = meeting_labels(rows)
    return rows.reset_index(drop=True)


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
