"""Cut documents into sections, paragraphs and sentences.

A **section** starts at a numbered heading line such as
``1. Opvolging van de terrorismeprocessen``, ``  1. Coopération policière et
de renseignement`` or ``1 - Nous avons décidé …``: a line that starts with a
number, then ``.``, ``-`` or ``–``, then words. To tell headings from other
lines that happen to start with a number, headings must count up from 1
without a gap, and be at most :data:`MAX_HEADING_CHARS` long. Text before the
first heading is section 0, the preamble.

A **paragraph** is a non-blank line of the body (the texts put one paragraph
per line); heading lines are paragraphs too, flagged ``is_heading``.
A **sentence** comes from simplemma's rule-based sentence splitter, applied to
one paragraph at a time, so that no sentence crosses a paragraph, a section or
a gap between two parts.

Every table keeps the document's metadata columns (all but the text) and the
character offsets of each segment in the body, so that any number can be
traced back to the text.
"""

from __future__ import annotations

import re

import pandas as pd
import simplemma

__all__ = [
    "HEADING", "MAX_HEADING_CHARS", "PREAMBLE", "paragraphs", "section_labels", "sections", "segment_counts",
    "sentences",
]

HEADING = re.compile(r"^\s*(?P<number>\d{1,2})\s*[.\-–]\s+(?P<title>\S.*?)\s*$")
MAX_HEADING_CHARS = 200
PREAMBLE = "(preamble)"


_SEGMENT_COLUMNS = ["doc_id", "section_no", "section_title", "paragraph_no", "is_heading", "start", "end", "text"]


def paragraphs(documents: pd.DataFrame) -> pd.DataFrame:
    """One row per paragraph (a non-empty line), with its section, in reading order.

    A line is a heading if it is numbered (:data:`HEADING`) with the number after the current
    section's, and at most :data:`MAX_HEADING_CHARS` long.

    Parameters
    ----------
    documents : DataFrame
        :func:`valduchesse.corpus.load_corpus`, or any table with ``doc_id``, ``text`` and metadata.

    Returns
    -------
    DataFrame
        Columns: the document metadata, ``section_no`` (0 for the preamble),
        ``section_title``, ``paragraph_no`` (1, 2, … within the document),
        ``is_heading``, ``start`` and ``end`` (character offsets in the body) and
        ``text``.
    """
    rows = []
    for doc in documents.itertuples(index=False):
        section_no, section_title, paragraph_no = 0, PREAMBLE, 0
        for match in re.finditer(r"[^\n]+", doc.text):
            line = match.group()
            if not line.strip():
                continue
            heading = HEADING.match(line)
            is_heading = bool(
                heading
                and int(heading["number"]) == section_no + 1
                and len(line.strip()) <= MAX_HEADING_CHARS
            )
            if is_heading:
                section_no, section_title = int(heading["number"]), heading["title"]
            paragraph_no += 1
            offset = len(line) - len(line.lstrip())
            rows.append(
                {
                    "doc_id": doc.doc_id,
                    "section_no": section_no,
                    "section_title": section_title,
                    "paragraph_no": paragraph_no,
                    "is_heading": is_heading,
                    "start": match.start() + offset,
                    "end": match.start() + len(line.rstrip()),
                    "text": line.strip(),
                }
            )
    return _with_metadata(documents, pd.DataFrame(rows, columns=_SEGMENT_COLUMNS))  # columns: no text, no row


def sections(documents: pd.DataFrame) -> pd.DataFrame:
    """One row per section (the preamble is section 0), with its text.

    Parameters
    ----------
    documents : DataFrame
        :func:`valduchesse.corpus.load_corpus`, or any table with ``doc_id``, ``text`` and metadata.

    Returns
    -------
    DataFrame
        Columns: the document metadata, ``section_no``, ``section_title``,
        ``paragraphs`` (how many, the heading included), ``start``, ``end``,
        ``section_chars`` (the length of its span in the body) and ``text`` (that span).
    """
    paras = paragraphs(documents)
    texts = documents.set_index("doc_id")["text"]
    grouped = paras.groupby(["doc_id", "section_no", "section_title"], sort=False)
    table = grouped.agg(paragraphs=("paragraph_no", "size"), start=("start", "min"), end=("end", "max"))
    table = table.reset_index()
    table["section_chars"] = table["end"] - table["start"]
    table["text"] = [texts[d][s:e] for d, s, e in zip(table["doc_id"], table["start"], table["end"])]
    return _with_metadata(documents, table)


def sentences(documents: pd.DataFrame) -> pd.DataFrame:
    """One row per sentence, in reading order, split within each paragraph (simplemma's sentence splitter).

    Parameters
    ----------
    documents : DataFrame
        :func:`valduchesse.corpus.load_corpus`, or any table with ``doc_id``, ``language``, ``text`` and
        metadata.

    Returns
    -------
    DataFrame
        Columns: the paragraph columns, ``sentence_no`` (1, 2, … within the
        document), ``start`` and ``end`` (character offsets in the body) and
        ``text``. A heading is one sentence, flagged ``is_heading``.

    Raises
    ------
    ValueError
        If a sentence the splitter returns is not found in its paragraph (a guard: it never rewrites text).
    """
    paras = paragraphs(documents)
    rows = []
    for para in paras.itertuples(index=False):
        pieces = [para.text] if para.is_heading else simplemma.split_sentences(para.text, para.language)
        cursor = 0
        for piece in pieces:
            found = para.text.find(piece, cursor)
            if found < 0:  # the splitter never rewrites text; guard the offsets all the same
                raise ValueError(f"{para.doc_id}: sentence {piece!r} not found in its paragraph")
            cursor = found + len(piece)
            rows.append(
                {
                    "doc_id": para.doc_id,
                    "section_no": para.section_no,
                    "section_title": para.section_title,
                    "paragraph_no": para.paragraph_no,
                    "is_heading": para.is_heading,
                    "start": para.start + found,
                    "end": para.start + cursor,
                    "text": piece,
                }
            )
    table = pd.DataFrame(rows, columns=_SEGMENT_COLUMNS)
    table.insert(4, "sentence_no", table.groupby("doc_id").cumcount() + 1)
    return _with_metadata(documents, table)


def _with_metadata(documents: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    """Put the documents' metadata columns in front of a segment table."""
    metadata = documents.drop(columns="text")
    return metadata.merge(table, on="doc_id", how="right", validate="one_to_many")


def segment_counts(documents: pd.DataFrame) -> pd.DataFrame:
    """How many sections, paragraphs and sentences each document has.

    Parameters
    ----------
    documents : DataFrame
        :func:`valduchesse.corpus.load_corpus`, or any table with ``doc_id``, ``language`` and ``text``.

    Returns
    -------
    DataFrame
        One row per document, in the documents' order: ``doc_id``, ``headings`` (the numbered headings
        found; 0 where the text shows none), ``paragraphs`` and ``sentences``.
    """
    paras = paragraphs(documents)
    counts = pd.DataFrame(
        {
            "headings": paras.groupby("doc_id")["is_heading"].sum(),
            "paragraphs": paras.groupby("doc_id").size(),
            "sentences": sentences(documents).groupby("doc_id").size(),
        }
    )
    return counts.reindex(documents["doc_id"]).reset_index()


def section_labels(table: pd.DataFrame, width: int = 40) -> pd.Series:
    """Short labels for the rows of :func:`sections`: ``§2 Samenwerking tussen politie en…``.

    Parameters
    ----------
    table : DataFrame
        Rows with ``section_no`` and ``section_title`` (e.g. :func:`sections`).
    width : int
        Titles longer than this are cut to ``width`` characters, ending in ``…``.

    Returns
    -------
    Series of str
        One label per row, ``§<section_no> <title>``.
    """
    titles = table["section_title"].where(table["section_title"].str.len() <= width,
                                          table["section_title"].str[: width - 1] + "…")
    return "§" + table["section_no"].astype(str) + " " + titles
