"""Detection power of the openings: could an opening of a given length show a theme at all?

Only complete texts (``coverage: full text``) say where in a declaration each theme is first
spoken of. This module reads every complete text held (any number, any language; a full 2016 or
2018 text fetched with ``python -m valduchesse fetch`` is used as soon as it is in ``texts/``) and
asks, per theme:

* :func:`theme_sentences`: the character offset of every sentence about the theme, taken from the
  hand codes where the sentence is coded (``coding/sentences.csv``, matched on its offsets and
  text) and from the theme dictionary otherwise (numbered headings, or a newly fetched text not yet
  coded); the ``source`` column says which;
* :func:`first_sentences`: where each theme's first sentence starts;
* :func:`detection_curve`: for an opening of ``L`` characters, the share of the text's themes whose
  first sentence starts within it (starts before ``L``: an upper bound, since a sentence cut by the
  end of an opening may say too little to be coded);
* :func:`openings_held` and :func:`detection`: for each cross-meeting comparison of openings the
  collection makes (the openings held in one language, lengths from the corpus), whether each
  opening reaches each theme's first sentence;
* :func:`observed_in_openings`: the check of the stand-in: every theme actually hand-coded in an
  opening held, where it starts there, and whether the complete text's order says an opening of that
  length could show it (a theme coded in an opening that the order says it could not show breaks the
  assumption that the declaration was ordered like the complete text);
* :func:`valduchesse.prose.power.power_sentences`: the plain sentence per comparison, built from those numbers (and from that
  check, when given).

The complete text stands in for the others: it shows where *its* themes start, not where another
meeting's declaration would have put them; a declaration with a different order could reach a
subject sooner. The sentences say so.
"""

from __future__ import annotations

import pandas as pd

from .coding import FURNITURE, NONE, split_codes
from .segment import sentences

__all__ = [
    "COMPLETE",
    "OPENING",
    "HAND",
    "DICTIONARY",
    "OBSERVED_COLUMNS",
    "complete_texts",
    "theme_sentences",
    "first_sentences",
    "detection_curve",
    "openings_held",
    "comparisons",
    "detection",
    "observed_in_openings",
]

COMPLETE = "full text"
"""The ``coverage`` of a complete text."""
OPENING = "opening excerpt"
"""The ``coverage`` of an opening."""
HAND = "hand code"
DICTIONARY = "dictionary"
SENTENCE_COLUMNS = ["doc_id", "meeting_date", "language", "sentence_no", "section_no", "is_heading", "start", "end",
                    "theme", "source", "first"]
OBSERVED_COLUMNS = ["doc_id", "meeting_date", "language", "chars", "theme", "observed_start", "complete_doc_id",
                    "complete_first_start", "order_says", "breaks_order"]
"""The columns of :func:`observed_in_openings`' table."""
FIRST_COLUMNS = ["doc_id", "meeting_date", "language", "chars", "theme", "first_start", "first_source", "sentences"]


def _date(value) -> str:
    """A meeting date as ``YYYY-MM-DD`` text, whatever type the table holds it in."""
    return pd.Timestamp(value).strftime("%Y-%m-%d")


def _check_documents(documents: pd.DataFrame, where: str) -> None:
    missing = [c for c in ("doc_id", "meeting_date", "language", "coverage", "chars", "text")
               if c not in documents.columns]
    if missing:
        raise ValueError(f"{where}: the documents have no column {', '.join(missing)}. "
                         "Fix: pass the table of valduchesse.corpus.load_corpus(TEXTS_DIR)")


def complete_texts(documents: pd.DataFrame) -> pd.DataFrame:
    """The documents whose ``coverage`` is ``full text``, in date and language order.

    Parameters
    ----------
    documents : DataFrame
        :func:`valduchesse.corpus.load_corpus`.

    Returns
    -------
    DataFrame
        The complete texts, sorted by ``meeting_date``, ``language`` and ``doc_id``.

    Raises
    ------
    ValueError
        If a column of the corpus table is missing.
    """
    _check_documents(documents, "complete_texts")
    full = documents[documents["coverage"] == COMPLETE]
    return full.sort_values(["meeting_date", "language", "doc_id"], kind="stable").reset_index(drop=True)


def _hand_codes(coded: pd.DataFrame | None, column: str) -> dict:
    """(doc_id, start, end, text) -> the sentence's substantive themes, from a coded table."""
    if coded is None or coded.empty:
        return {}
    missing = [c for c in ("doc_id", "start", "end", "text", column) if c not in coded.columns]
    if missing:
        raise ValueError(f"the hand codes have no column {', '.join(missing)}. Fix: pass "
                         "valduchesse.coding.read_coding('coding/sentences.csv') (or None to use the dictionary only)")
    return {(d, int(s), int(e), t): tuple(c for c in split_codes(v) if c not in (FURNITURE, NONE))
            for d, s, e, t, v in zip(coded["doc_id"], coded["start"], coded["end"], coded["text"], coded[column])}


def theme_sentences(documents: pd.DataFrame, coded: pd.DataFrame | None = None, dictionary=None,
                    column: str = "final") -> pd.DataFrame:
    """Every themed sentence of every complete text, with its offsets and where its themes come from.

    Parameters
    ----------
    documents : DataFrame
        :func:`valduchesse.corpus.load_corpus`; only rows with ``coverage == "full text"`` are read.
    coded : DataFrame, optional
        Hand codes (``doc_id``, ``start``, ``end``, ``text`` and ``column``), e.g.
        ``read_coding("coding/sentences.csv")``. A sentence is taken as coded only if its file, offsets
        and text are those of a coded row (a changed text is not coded any more).
    dictionary : ThemeDictionary, optional
        Used for the sentences that are not coded (numbered headings, or a text fetched after the
        coding). Without it those sentences are left out.
    column : str
        The column of ``coded`` that holds the codes (``final``).

    Returns
    -------
    DataFrame
        One row per sentence and theme, in text order: ``doc_id``, ``meeting_date`` (text),
        ``language``, ``sentence_no``, ``section_no``, ``is_heading``, ``start``, ``end`` (offsets in
        the body), ``theme``, ``source`` (``hand code`` or ``dictionary``) and ``first`` (the theme's
        first sentence in that text).
    """
    full = complete_texts(documents)
    if full.empty:
        return pd.DataFrame(columns=SENTENCE_COLUMNS)
    units = sentences(full).reset_index(drop=True)
    hand = _hand_codes(coded, column)
    keys = list(zip(units["doc_id"], units["start"].astype(int), units["end"].astype(int), units["text"]))
    is_coded = pd.Series([key in hand for key in keys], index=units.index)
    themes_of = {i: hand[key] for i, key in enumerate(keys) if key in hand}
    uncoded = units[~is_coded]
    if dictionary is not None and not uncoded.empty:
        from .themes import theme_matches  # imported here: it loads the lemmatiser only when needed

        found = theme_matches(uncoded, dictionary)
        found["_row"] = uncoded.index.repeat(len(dictionary.themes))
        for row, part in found[found["matches"] > 0].groupby("_row", sort=True):
            themes_of[row] = tuple(part["theme"])
    rows = []
    for i, unit in units.iterrows():
        if i not in themes_of:
            continue
        for theme in themes_of[i]:
            rows.append({"doc_id": unit["doc_id"], "meeting_date": _date(unit["meeting_date"]),
                         "language": unit["language"], "sentence_no": int(unit["sentence_no"]),
                         "section_no": int(unit["section_no"]), "is_heading": bool(unit["is_heading"]),
                         "start": int(unit["start"]), "end": int(unit["end"]), "theme": theme,
                         "source": HAND if is_coded[i] else DICTIONARY})
    table = pd.DataFrame(rows, columns=SENTENCE_COLUMNS[:-1])
    table = table.sort_values(["doc_id", "start", "theme"], kind="stable").reset_index(drop=True)
    table["first"] = ~table.duplicated(["doc_id", "theme"])
    return table


def first_sentences(themed: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """Where each theme's first sentence starts in each complete text.

    Parameters
    ----------
    themed : DataFrame
        :func:`theme_sentences`.
    documents : DataFrame
        :func:`valduchesse.corpus.load_corpus` (for each text's ``chars``).

    Returns
    -------
    DataFrame
        One row per complete text and theme it speaks of, ordered by text then offset:
        ``doc_id``, ``meeting_date``, ``language``, ``chars`` (the text's length), ``theme``,
        ``first_start``, ``first_source`` (hand code or dictionary) and ``sentences`` (how many of its
        sentences are about the theme).
    """
    if themed.empty:
        return pd.DataFrame(columns=FIRST_COLUMNS)
    counts = themed.groupby(["doc_id", "theme"]).size().rename("sentences")
    first = themed[themed["first"]].merge(counts.reset_index(), on=["doc_id", "theme"])
    chars = documents.set_index("doc_id")["chars"]
    first = first.assign(chars=first["doc_id"].map(chars).astype(int), first_start=first["start"],
                         first_source=first["source"])
    return first[FIRST_COLUMNS].sort_values(["doc_id", "first_start", "theme"], kind="stable").reset_index(drop=True)


def detection_curve(first: pd.DataFrame, lengths) -> pd.DataFrame:
    """For openings of each length, the share of each complete text's themes they could show.

    A theme counts as shown by an opening of ``L`` characters if its first sentence starts before
    character ``L`` (it starts within the opening). This is an upper bound: a sentence cut by the
    end of the opening may say too little to be coded.

    Parameters
    ----------
    first : DataFrame
        :func:`first_sentences`.
    lengths : iterable of int
        Opening lengths in characters.

    Returns
    -------
    DataFrame
        ``doc_id``, ``length``, ``themes`` (the text's themes), ``shown`` (how many start within the
        opening), ``share`` (shown / themes) and ``shown_themes`` (their names, in text order).
    """
    lengths = sorted({int(n) for n in lengths})
    if any(n < 0 for n in lengths):
        raise ValueError(f"detection_curve: opening lengths must be 0 or more characters, got {lengths}. "
                         "Fix: pass the openings' 'chars'")
    rows = []
    for doc_id, part in first.groupby("doc_id", sort=True):
        for length in lengths:
            shown = part[part["first_start"] < length]
            rows.append({"doc_id": doc_id, "length": length, "themes": len(part), "shown": len(shown),
                         "share": len(shown) / len(part), "shown_themes": ", ".join(shown["theme"])})
    return pd.DataFrame(rows, columns=["doc_id", "length", "themes", "shown", "share", "shown_themes"])


def openings_held(documents: pd.DataFrame) -> pd.DataFrame:
    """The openings held (``coverage`` ``opening excerpt``), one row per file.

    Parameters
    ----------
    documents : DataFrame
        :func:`valduchesse.corpus.load_corpus`.

    Returns
    -------
    DataFrame
        ``meeting_date`` (text), ``language``, ``kind`` (empty if the table has none), ``doc_id`` and
        ``chars``, sorted by language, meeting and id.

    Raises
    ------
    ValueError
        If a column of the corpus table is missing.
    """
    _check_documents(documents, "openings_held")
    held = documents[documents["coverage"] == OPENING]
    table = pd.DataFrame({"meeting_date": held["meeting_date"].map(_date), "language": held["language"],
                          "kind": held["kind"] if "kind" in held.columns else "", "doc_id": held["doc_id"],
                          "chars": held["chars"].astype(int)})
    return table.sort_values(["language", "meeting_date", "doc_id"], kind="stable").reset_index(drop=True)


def comparisons(openings: pd.DataFrame) -> pd.DataFrame:
    """The cross-meeting comparisons of openings the collection makes: the openings of each language.

    Notebooks 01 and 02 compare, language by language, the openings of the meetings held in that
    language.

    Parameters
    ----------
    openings : DataFrame
        :func:`openings_held`.

    Returns
    -------
    DataFrame
        One row per language with openings of two meetings or more: ``comparison``
        (e.g. ``fr openings``), ``language``, ``meetings`` (their dates, joined by ``, ``), ``openings``,
        ``shortest`` and ``longest`` (characters).
    """
    rows = []
    for language, part in openings.groupby("language", sort=True):
        if part["meeting_date"].nunique() < 2:
            continue
        rows.append({"comparison": f"{language} openings", "language": language,
                     "meetings": ", ".join(sorted(set(part["meeting_date"]))), "openings": len(part),
                     "shortest": int(part["chars"].min()), "longest": int(part["chars"].max())})
    return pd.DataFrame(rows, columns=["comparison", "language", "meetings", "openings", "shortest", "longest"])


def detection(first: pd.DataFrame, openings: pd.DataFrame) -> pd.DataFrame:
    """Per comparison, complete text and theme: which of the compared openings reach its first sentence.

    Parameters
    ----------
    first : DataFrame
        :func:`first_sentences`.
    openings : DataFrame
        :func:`openings_held`.

    Returns
    -------
    DataFrame
        One row per comparison (language), complete text and theme: ``comparison``,
        ``language``, ``doc_id`` (the complete text), ``theme``, ``first_start``, ``openings`` (how
        many are compared), ``reach`` (how many start the theme's first sentence within their length),
        ``reached_by`` (their meeting dates) and ``verdict``: ``every opening could show it``,
        ``some openings could show it`` or ``no opening could show it``.
    """
    rows = []
    for comparison in comparisons(openings).itertuples(index=False):
        part = openings[openings["language"] == comparison.language]
        for theme in first.itertuples(index=False):
            reach = part[part["chars"] > theme.first_start]
            verdict = ("every opening could show it" if len(reach) == len(part)
                       else "no opening could show it" if reach.empty else "some openings could show it")
            rows.append({"comparison": comparison.comparison, "language": comparison.language, "doc_id": theme.doc_id,
                         "theme": theme.theme, "first_start": int(theme.first_start), "openings": len(part),
                         "reach": len(reach), "reached_by": ", ".join(sorted(set(reach["meeting_date"]))),
                         "verdict": verdict})
    return pd.DataFrame(rows, columns=["comparison", "language", "doc_id", "theme", "first_start", "openings",
                                       "reach", "reached_by", "verdict"])


def observed_in_openings(coded: pd.DataFrame | None, documents: pd.DataFrame, first: pd.DataFrame,
                         column: str = "final") -> pd.DataFrame:
    """The themes actually hand-coded in each opening held, set against the complete text's order.

    The power figures take a complete text's order as a stand-in for the declarations held only as
    openings. Where an opening's own hand codes show a theme, that stand-in can be checked: if the
    complete text's first sentence on the theme starts at or beyond the opening's length (the order
    says the opening could not show it) while the opening speaks of it, the declaration was not
    ordered like the complete text.

    Parameters
    ----------
    coded : DataFrame or None
        Hand codes (``doc_id``, ``start``, ``end``, ``text`` and ``column``), e.g.
        ``read_coding("coding/sentences.csv")``. ``None`` or empty: nothing can be checked.
    documents : DataFrame
        :func:`valduchesse.corpus.load_corpus`.
    first : DataFrame
        :func:`first_sentences` (of the complete texts).
    column : str
        The column of ``coded`` that holds the codes (``final``).

    Returns
    -------
    DataFrame
        One row per opening, theme coded in it and complete text speaking of that theme, in language,
        meeting and offset order: ``doc_id``, ``meeting_date`` (text), ``language``, ``chars`` (the
        opening's length), ``theme``, ``observed_start`` (the start of the opening's first sentence
        coded with it), ``complete_doc_id``, ``complete_first_start``, ``order_says`` (``could show it``
        or ``could not show it``: what the complete text's order says of an opening this long) and
        ``breaks_order`` (the opening speaks of a theme the order says it could not show).
    """
    openings = openings_held(documents)
    if coded is None or coded.empty or openings.empty or first.empty:
        return pd.DataFrame(columns=OBSERVED_COLUMNS)
    hand = _hand_codes(coded, column)
    bodies = dict(zip(documents["doc_id"], documents["text"]))
    rows = []
    for (doc_id, start, end, text), themes in sorted(hand.items(), key=lambda item: (item[0][0], item[0][1])):
        if doc_id not in set(openings["doc_id"]) or bodies.get(doc_id, "")[start:end] != text:
            continue  # not an opening, or the text changed since the coding
        opening = openings.loc[openings["doc_id"] == doc_id].iloc[0]
        for theme in themes:
            for complete in first[first["theme"] == theme].itertuples(index=False):
                says = "could show it" if complete.first_start < opening["chars"] else "could not show it"
                rows.append({"doc_id": doc_id, "meeting_date": opening["meeting_date"],
                             "language": opening["language"], "chars": int(opening["chars"]), "theme": theme,
                             "observed_start": start, "complete_doc_id": complete.doc_id,
                             "complete_first_start": int(complete.first_start), "order_says": says,
                             "breaks_order": says == "could not show it"})
    table = pd.DataFrame(rows, columns=OBSERVED_COLUMNS)
    table = table.sort_values(["language", "meeting_date", "doc_id", "observed_start", "theme"], kind="stable")
    return table.drop_duplicates(["doc_id", "theme", "complete_doc_id"]).reset_index(drop=True)
