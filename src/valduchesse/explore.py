"""The explorer: one term or one theme, across the texts, in three views.

A student picks a **term** (any word or run of words, matched as a concordance query: lemmas,
lower-cased, French elisions cut off) or a **theme** of the theme dictionary (``themes.yml``: every
entry of the theme in each language), and a language and a meeting (or all of them). :func:`explore`
returns, for that selection:

- the **concordance** (keyword in context, :func:`valduchesse.concordance.concordance`) in every text
  selected;
- the **counts by meeting**: one row per text, with its matches, its word tokens and the rate per
  1,000 tokens (:func:`valduchesse.concordance.frequencies`), and the text's **coverage** beside them
  (``full text``, ``opening excerpt`` or ``later excerpt``, and the characters held), since a count
  in an excerpt says nothing of the rest of the text;
- the **hand-coded sentences**: for a theme, the sentences whose final code
  (``coding/sentences.csv``, column ``final``) includes it; for a term, the coded sentences that hold it,
  with their final codes. Only sentences still in the texts as coded count
  (:func:`valduchesse.coding.current_codes`).

The data are those of the collection, read by its loaders: :func:`load_explorer` reads the texts folder
(:func:`valduchesse.corpus.load_corpus`), the theme dictionary (:func:`valduchesse.themes.load_themes`)
and the coded sheet (:func:`valduchesse.coding.read_coding`). This module returns data only (tables,
counts, which languages lack entries); the words that say them (the title, the notes, the ``held``
column) and the display are :mod:`valduchesse.prose.explore`, whose ``show`` and ``panel`` the notebook
``notebooks/explorer.ipynb`` calls with the widgets of :func:`controls`. It is not one of the collection's notebooks (not in
``notebooks/collection.txt``); :func:`valduchesse.run.explorer.execute_explorer`
(``python -m valduchesse.run.explorer``, which ``make run`` calls) executes it in place.

Matches and tokens are counted as in notebook 02: over the words that no context step of the tokens
stage removed (page furniture, person names, offices; hand codes decide which sentences are furniture).
A concordance line whose match such a step removed is shown, with the step in ``removed``, and not
counted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .coding import coding_units, current_codes, read_coding, split_codes
from .concordance import concordance, frequencies, query_terms
from .corpus import load_corpus
from .corpus_header import SUPPORTED_LANGUAGES
from .corpus_views import meeting_labels
from .files import InputError
from .preprocessor import Preprocessor
from .themes import ThemeDictionary, load_themes
from .tokens import Tokens, tokens

__all__ = [
    "ALL", "KINDS", "Exploration", "ExploreError", "Explorer", "coded_sentences", "concordance_lines", "controls",
    "counts_by_meeting", "explore", "language_choices", "load_explorer", "meeting_choices", "queries", "select_texts",
]

ALL = "all"
"""The choice of every language, or every meeting."""
KINDS = ("term", "theme")
"""What a student looks for: a term (free text) or a theme of the dictionary."""


class ExploreError(InputError):
    """A selection the explorer cannot show (unknown theme, language or meeting; a term with no word)."""


@dataclass
class Explorer:
    """The collection's data as the explorer reads them, with each language's tokens built once.

    Attributes
    ----------
    documents : DataFrame
        :func:`valduchesse.corpus.load_corpus` of the texts folder.
    themes : ThemeDictionary
        The theme dictionary.
    coded : DataFrame or None
        The hand-coded sentences still in the texts as coded (:func:`valduchesse.coding.current_codes`),
        or None when no coded sheet was given.
    coded_rows : int
        Rows of the coded sheet (0 without one).
    source : dict
        Where each input was read from (``texts``, ``themes``, ``coding``), for messages.
    """

    documents: pd.DataFrame
    themes: ThemeDictionary
    coded: pd.DataFrame | None
    coded_rows: int
    source: dict
    _tokens: dict = field(default_factory=dict, repr=False)

    def tokens(self, language: str) -> Tokens:
        """The tokens stage of the texts in ``language`` (default steps; hand codes decide furniture), built once.

        Parameters
        ----------
        language : str
            A language code of the texts.

        Returns
        -------
        Tokens
            :func:`valduchesse.tokens.tokens` of the texts in ``language``, kept for the next call.
        """
        if language not in self._tokens:
            texts = self.documents[self.documents["language"] == language].reset_index(drop=True)
            self._tokens[language] = tokens(texts, coded=self.coded)
        return self._tokens[language]


@dataclass(frozen=True)
class Exploration:
    """What :func:`explore` found for one selection: the three views and the facts the notes say.

    :func:`valduchesse.prose.explore.title` and :func:`valduchesse.prose.explore.notes` say it in words.

    Attributes
    ----------
    query : str
        The term or the theme's name, stripped.
    kind : {"term", "theme"}
        Whether ``query`` is a term or a theme.
    label : str or None
        The theme's readable name (``themes.yml``), None for a term.
    language, meeting : str
        The language code and the meeting date selected, or :data:`ALL`.
    languages : list of str
        The languages of the texts selected, sorted.
    lacking : list of str
        For a theme, the languages of the texts selected in which it has no entries (their texts are left
        out); ``[]`` for a term.
    concordance : DataFrame
        :func:`concordance_lines`.
    counts : DataFrame
        :func:`counts_by_meeting`.
    coded : DataFrame or None
        :func:`coded_sentences`, None without hand codes.
    coded_units : int or None
        The hand-coded sentences still in the texts as coded (all texts, not only those selected), None
        without hand codes.
    themes_source : str or Path
        Where the theme dictionary was read from.
    coding_source : str or None
        Where the hand codes were read from, None without them.
    """

    query: str
    kind: str
    label: str | None
    language: str
    meeting: str
    languages: list[str]
    lacking: list[str]
    concordance: pd.DataFrame
    counts: pd.DataFrame
    coded: pd.DataFrame | None
    coded_units: int | None
    themes_source: object
    coding_source: str | None


def load_explorer(texts_dir: str | Path, themes_file: str | Path, coding_file: str | Path | None = None) -> Explorer:
    """Read the texts, the theme dictionary and (optionally) the hand-coded sentences.

    Parameters
    ----------
    texts_dir : str or Path
        The texts folder (the collection's is ``texts/``).
    themes_file : str or Path
        The theme dictionary (``themes.yml``).
    coding_file : str or Path, optional
        The hand-coded sentences (``coding/sentences.csv``); None to explore without hand codes.

    Returns
    -------
    Explorer
        The texts, the dictionary, the hand-coded sentences still in the texts as coded and where each was read.

    Raises
    ------
    CorpusError, ThemeError, CodingError
        From the loaders, naming the file, the field and the fix.
    """
    documents = load_corpus(texts_dir)
    dictionary = load_themes(themes_file)
    coded, rows = None, 0
    if coding_file is not None:
        sheet = read_coding(coding_file)
        rows = len(sheet)
        coded = current_codes(sheet, coding_units(documents))
    return Explorer(documents, dictionary, coded, rows,
                    {"texts": str(texts_dir), "themes": str(themes_file),
                     "coding": None if coding_file is None else str(coding_file)})


def language_choices(explorer: Explorer) -> list[tuple[str, str]]:
    """``(label, value)`` pairs for a language menu: every language, then each language of the texts.

    Parameters
    ----------
    explorer : Explorer
        :func:`load_explorer`.

    Returns
    -------
    list of (str, str)
        ``("all languages", ALL)``, then ``("French (fr)", "fr")`` and so on, the codes sorted.
    """
    languages = sorted(explorer.documents["language"].unique())
    return [("all languages", ALL)] + [(f"{SUPPORTED_LANGUAGES.get(code, code)} ({code})", code) for code in languages]


def meeting_choices(explorer: Explorer) -> list[tuple[str, str]]:
    """``(label, value)`` pairs for a meeting menu: every meeting, then each date in order, labelled with its kinds of text.

    The value is the date (``YYYY-MM-DD``), as :func:`select_texts` takes it; a date with texts of two
    kinds is one choice, labelled with both (``2017-10-16 joint communiqué / joint declaration``).

    Parameters
    ----------
    explorer : Explorer
        :func:`load_explorer`.

    Returns
    -------
    list of (str, str)
        ``("all meetings", ALL)``, then one ``(label, date)`` per meeting date, in date order.
    """
    dates = explorer.documents["meeting_date"].dt.strftime("%Y-%m-%d")
    kinds = explorer.documents.groupby(dates)["kind"].agg(lambda values: " / ".join(sorted(set(values))))
    return [("all meetings", ALL)] + [(f"{date} {kind}", date) for date, kind in sorted(kinds.items())]


def select_texts(explorer: Explorer, language: str = ALL, meeting: str = ALL) -> pd.DataFrame:
    """The texts of one language and one meeting (``ALL`` for every one), in the corpus's order.

    Parameters
    ----------
    explorer : Explorer
        :func:`load_explorer`.
    language : str
        A language code of the texts, or :data:`ALL`.
    meeting : str
        A meeting date (``YYYY-MM-DD``) of the texts, or :data:`ALL`.

    Returns
    -------
    DataFrame
        The rows of ``explorer.documents`` selected, index reset.

    Raises
    ------
    ExploreError
        For a language or meeting date (``YYYY-MM-DD``) that no text has, or a meeting without a text in
        the language, listing those there are.
    """
    documents = explorer.documents
    dates = documents["meeting_date"].dt.strftime("%Y-%m-%d")
    if language != ALL and language not in set(documents["language"]):
        raise ExploreError(f"{explorer.source['texts']}: no text in language {language!r}. Fix: set the language "
                           f"(LANGUAGE) to one of {', '.join(sorted(set(documents['language'])))} or {ALL!r}")
    if meeting != ALL and meeting not in set(dates):
        raise ExploreError(f"{explorer.source['texts']}: no text of a meeting on {meeting!r}. Fix: set the meeting "
                           f"(MEETING) to one of {', '.join(sorted(set(dates)))} or {ALL!r}")
    keep = ((documents["language"] == language) | (language == ALL)) & ((dates == meeting) | (meeting == ALL))
    if not keep.any():
        held = sorted(documents.loc[dates == meeting, "language"].unique())
        raise ExploreError(f"{explorer.source['texts']}: no text in language {language!r} of the meeting of "
                           f"{meeting}. Fix: set the language (LANGUAGE) to one of {', '.join(held)} or {ALL!r}, "
                           "or choose another meeting (MEETING)")
    return documents[keep].reset_index(drop=True)


def queries(explorer: Explorer, query: str, kind: str, language: str) -> list[str]:
    """What is looked for in ``language``: the term itself, or the theme's entries in that language.

    A theme without entries in ``language`` gives ``[]``.

    Parameters
    ----------
    explorer : Explorer
        :func:`load_explorer`.
    query : str
        A term, or a theme's name.
    kind : {"term", "theme"}
        Whether ``query`` is a term or a theme.
    language : str
        The language code whose entries a theme gives (a term is the same in every language).

    Returns
    -------
    list of str
        ``[query.strip()]`` for a term; the theme's entries in ``language`` as written in ``themes.yml``.

    Raises
    ------
    ExploreError
        For a kind other than ``term`` or ``theme``, an unknown theme (listing the known ones), or a term
        that holds no word.
    """
    if kind not in KINDS:
        raise ExploreError(f"kind {kind!r}. Fix: set the kind (KIND) to 'term' or 'theme'")
    if kind == "theme":
        if query not in explorer.themes.labels:
            raise ExploreError(f"{explorer.themes.source}: there is no theme {query!r}. Fix: set the theme (QUERY) "
                               f"to one of {', '.join(explorer.themes.themes)}", path=explorer.themes.source,
                               field=query)
        return [entry.text for entry in explorer.themes.entries[query].get(language, ())]
    try:
        query_terms(query, Preprocessor(language))
    except ValueError:
        raise ExploreError(f"the term {query!r} holds no word. Fix: type a word (letters), e.g. 'terrorisme', "
                           "or a run of words, e.g. \"mandat d'arrêt\"") from None
    return [query.strip()]


def _languages(texts: pd.DataFrame) -> list[str]:
    return sorted(texts["language"].unique())


def concordance_lines(explorer: Explorer, query: str, kind: str = "term", language: str = ALL, meeting: str = ALL,
                      window: int = 6) -> pd.DataFrame:
    """Every passage of the selected texts where the term (or an entry of the theme) occurs.

    Parameters
    ----------
    explorer : Explorer
        :func:`load_explorer`.
    query : str
        A term (a word or a run of words), or a theme's name.
    kind : {"term", "theme"}
        Whether ``query`` is a term or a theme.
    language, meeting : str
        A language code and a meeting date (``YYYY-MM-DD``), or :data:`ALL`.
    window : int
        Words shown on each side of the match.

    Returns
    -------
    DataFrame
        ``meeting``, ``language``, ``doc_id``, ``coverage``, ``entry`` (the term or theme entry matched),
        ``left``, ``match``, ``right`` and ``removed`` (the step that took the match out of the counts, or
        empty), the texts in the corpus's order, each text's lines in the entries' order then the text's.
    """
    texts = select_texts(explorer, language, meeting)
    columns = ["meeting", "language", "doc_id", "coverage", "entry", "left", "match", "right", "removed"]
    tables = []
    for code in _languages(texts):
        found = explorer.tokens(code)
        for entry in queries(explorer, query, kind, code):
            lines = concordance(found, entry, window=window)
            tables.append(lines[lines["doc_id"].isin(texts["doc_id"])].assign(entry=entry))
    if not tables:
        return pd.DataFrame(columns=columns)
    lines = pd.concat(tables, ignore_index=True)
    order = {doc_id: i for i, doc_id in enumerate(texts["doc_id"])}
    info = texts.set_index("doc_id")
    lines["meeting"] = meeting_labels(info.loc[lines["doc_id"]]).to_numpy()
    lines["language"] = info.loc[lines["doc_id"], "language"].to_numpy()
    lines["coverage"] = info.loc[lines["doc_id"], "coverage"].to_numpy()
    lines = lines.assign(_order=lines["doc_id"].map(order)).sort_values("_order", kind="stable")
    return lines[columns].reset_index(drop=True)


def counts_by_meeting(explorer: Explorer, query: str, kind: str = "term", language: str = ALL,
                      meeting: str = ALL) -> pd.DataFrame:
    """Matches of the term (or the theme's entries) per text, with the rate per 1,000 tokens and the text's coverage.

    :func:`valduchesse.prose.explore.counts_table` shows the coverage and characters in words (``held``).

    Parameters
    ----------
    explorer : Explorer
        :func:`load_explorer`.
    query : str
        A term, or a theme's name.
    kind : {"term", "theme"}
        Whether ``query`` is a term or a theme.
    language, meeting : str
        A language code and a meeting date (``YYYY-MM-DD``), or :data:`ALL`.

    Returns
    -------
    DataFrame
        One row per selected text, in the corpus's order (meeting date, language, part): ``meeting``,
        ``language``, ``doc_id``, ``coverage`` and ``chars`` (the text's coverage and the characters held:
        an excerpt is never a full text), ``matches``, ``tokens`` (word tokens no context step removed)
        and ``per_1000_tokens`` (rounded to 2 places). A text in a language where the theme has no
        entries has no row.
    """
    texts = select_texts(explorer, language, meeting)
    columns = ["meeting", "language", "doc_id", "coverage", "chars", "matches", "tokens", "per_1000_tokens"]
    tables = []
    for code in _languages(texts):
        entries = queries(explorer, query, kind, code)
        if entries:
            found = frequencies(explorer.tokens(code), {query: entries})
            tables.append(found[found["doc_id"].isin(texts["doc_id"])])
    if not tables:
        return pd.DataFrame(columns=columns)
    found = pd.concat(tables, ignore_index=True).set_index("doc_id")
    table = texts[texts["doc_id"].isin(found.index)].copy()
    table["meeting"] = meeting_labels(table)
    table["matches"] = found.loc[table["doc_id"], "matches"].to_numpy()
    table["tokens"] = found.loc[table["doc_id"], "tokens"].to_numpy()
    table["per_1000_tokens"] = found.loc[table["doc_id"], "per_1000"].to_numpy()
    return table[columns].reset_index(drop=True)


def coded_sentences(explorer: Explorer, query: str, kind: str = "term", language: str = ALL,
                    meeting: str = ALL) -> pd.DataFrame | None:
    """The hand-coded sentences of the selection, with their text and meeting (None without hand codes).

    For a theme: the sentences whose final code includes it. For a term: the coded sentences that hold
    it (matched as in :func:`concordance_lines`, every word counted), with their final codes.

    Parameters
    ----------
    explorer : Explorer
        :func:`load_explorer`.
    query : str
        A term, or a theme's name.
    kind : {"term", "theme"}
        Whether ``query`` is a term or a theme.
    language, meeting : str
        A language code and a meeting date (``YYYY-MM-DD``), or :data:`ALL`.

    Returns
    -------
    DataFrame or None
        ``meeting``, ``language``, ``unit_id``, ``coverage``, ``final`` (the adjudicated codes) and
        ``text`` (the sentence exactly as in the text), in the corpus's order.
    """
    if explorer.coded is None:
        return None
    texts = select_texts(explorer, language, meeting)
    columns = ["meeting", "language", "unit_id", "coverage", "final", "text"]
    coded = explorer.coded[explorer.coded["doc_id"].isin(texts["doc_id"])].copy()
    if kind == "theme":
        queries(explorer, query, kind, ALL)  # refuses an unknown theme
        coded = coded[coded["final"].map(lambda value: query in split_codes(value)).astype(bool)]
    else:
        keep = []
        for code in sorted(coded["language"].unique()):
            part = coded[coded["language"] == code]
            units = pd.DataFrame({"doc_id": part["unit_id"], "language": code, "text": part["text"]})
            found = frequencies(tokens(units, remove=()), {query: queries(explorer, query, kind, code)})
            keep += found.loc[found["matches"] > 0, "doc_id"].tolist()
        coded = coded[coded["unit_id"].isin(keep)]
    coded["meeting"] = meeting_labels(coded) if len(coded) else pd.Series(dtype=str)
    order = {doc_id: i for i, doc_id in enumerate(texts["doc_id"])}
    coded = coded.assign(_doc=coded["doc_id"].map(order)).sort_values(["_doc", "sentence_no"], kind="stable")
    return coded[columns].reset_index(drop=True)


def explore(explorer: Explorer, query: str, kind: str = "term", language: str = ALL, meeting: str = ALL,
            window: int = 6) -> Exploration:
    """The three views of one selection, and the facts that say what they cover and what is empty.

    :func:`valduchesse.prose.explore.notes` says those facts in words, and
    :func:`valduchesse.prose.explore.show` displays it all in a notebook.

    Parameters
    ----------
    explorer : Explorer
        :func:`load_explorer`.
    query : str
        A term (a word or a run of words) or a theme's name (``kind="theme"``).
    kind : {"term", "theme"}
        Whether ``query`` is a term or a theme.
    language, meeting : str
        A language code and a meeting date (``YYYY-MM-DD``), or :data:`ALL`.
    window : int
        Words on each side of a concordance match.

    Returns
    -------
    Exploration
        The concordance, the counts and the coded sentences of the selection, with the languages left out.

    Raises
    ------
    ExploreError
        For an unknown theme, language or meeting, or a term with no word; the message names the choice
        (and the notebook's parameter) to change.
    """
    query = query.strip() if isinstance(query, str) else query
    if not isinstance(query, str) or not query:
        raise ExploreError("nothing to look for. Fix: type a term (QUERY), or pick a theme")
    texts = select_texts(explorer, language, meeting)
    languages = _languages(texts)
    queries(explorer, query, kind, ALL if kind == "theme" else languages[0])  # checks the query
    lacking = [code for code in languages if not queries(explorer, query, kind, code)] if kind == "theme" else []
    return Exploration(
        query=query, kind=kind, label=explorer.themes.labels[query] if kind == "theme" else None,
        language=language, meeting=meeting, languages=languages, lacking=lacking,
        concordance=concordance_lines(explorer, query, kind, language, meeting, window),
        counts=counts_by_meeting(explorer, query, kind, language, meeting),
        coded=coded_sentences(explorer, query, kind, language, meeting),
        coded_units=None if explorer.coded is None else len(explorer.coded),
        themes_source=explorer.themes.source, coding_source=explorer.source["coding"])


def controls(explorer: Explorer, query: str, kind: str = "theme", language: str = ALL, meeting: str = ALL,
             window: int = 6) -> dict:
    """The explorer's widgets, set to a selection where it is one they offer (else to their first choice).

    Parameters
    ----------
    explorer : Explorer
        :func:`load_explorer`.
    query, kind, language, meeting : str
        The starting selection, as for :func:`explore` (the notebook's parameters); a value the menus
        do not offer starts them at their first choice.
    window : int
        Words on each side of a concordance match, clipped to the slider's 1 to 20.

    Returns
    -------
    dict
        ``kind`` (toggle: term or theme), ``term`` (text, read when Enter is pressed or the box is
        left), ``theme`` (menu of the dictionary's themes), ``language`` and ``meeting`` (menus of
        :func:`language_choices` and :func:`meeting_choices`) and ``window`` (slider), as
        :func:`valduchesse.prose.explore.panel` shows them.
    """
    import ipywidgets as widgets

    def valid(value, options):
        values = [option[1] if isinstance(option, tuple) else option for option in options]
        return value if value in values else values[0]

    themes = explorer.themes.themes
    languages, meetings = language_choices(explorer), meeting_choices(explorer)
    return {
        "kind": widgets.ToggleButtons(options=list(KINDS), value=valid(kind, KINDS), description="look for"),
        "term": widgets.Text(value=query if kind == "term" else "", placeholder="a word, e.g. terrorisme",
                             description="term", continuous_update=False),
        "theme": widgets.Dropdown(options=themes, value=valid(query, themes), description="theme"),
        "language": widgets.Dropdown(options=languages, value=valid(language, languages), description="language"),
        "meeting": widgets.Dropdown(options=meetings, value=valid(meeting, meetings), description="meeting"),
        "window": widgets.IntSlider(value=min(max(int(window), 1), 20), min=1, max=20, description="window"),
    }
