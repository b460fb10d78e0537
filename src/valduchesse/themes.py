"""Theme dictionaries: how much of a text speaks of attacks, justice, migration, the Sahel…

A **theme dictionary** is a YAML file (the project's own is ``themes.yml``)
that lists, for each theme and language, the words and expressions that
signal the theme. :func:`load_themes` reads and checks it, turning every
entry into the run of terms the package counts (lemmas, lower-cased, French
elisions cut off, exactly as :func:`valduchesse.concordance.query_terms` does for a
concordance query), so that ``attentats`` in a text matches the entry
``attentat`` and ``mandat d'arrêt européen`` matches as a run of three terms.

Then, for a table of segments (sentences or paragraphs from
:mod:`valduchesse.segment`):

- :func:`theme_matches` counts each theme's entries in each segment;
- :func:`theme_shares` gives, per group (a document, a section, a meeting),
  the **share of segments that mention the theme** with a Wilson
  confidence interval, and the theme's matches per 1,000 word tokens;
- :func:`theme_frequencies` gives each theme's matches per 1,000 words.

How far a dictionary's counts agree with careful reading is measured in
:mod:`valduchesse.validation` (precision, recall and F1 against hand codes).

A term sequence belongs to one theme only (the loader refuses a dictionary
that puts it in two), so no occurrence is counted for two themes. A segment
can still mention several themes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
import yaml

from . import lemma_cache
from .corpus_header import LANGUAGE_CHOICES, SUPPORTED_LANGUAGES
from .files import InputError, read_text, resolved_note
from .strict_yaml import YAMLRefused, parse_yaml, yaml_position
from .intervals import wilson
from .preprocess import stop_words
from .concordance import frequencies, query_terms
from .terms import as_tokens
from .preprocessor import Preprocessor
from .tokens import tokens

__all__ = [
    "CARRIED_COLUMNS", "ENTRY_PATTERN", "Entry", "IDENTIFYING_COLUMNS", "LABEL_KEY", "THEMES_KEY", "ThemeDictionary",
    "ThemeError", "load_themes", "select", "theme_frequencies", "theme_matches", "theme_shares",
]

LABEL_KEY = "label"
THEMES_KEY = "themes"
ENTRY_PATTERN = re.compile(r"[^\W\d_][\w'’.\- ]*")
"""What an entry may be: words (letters first), with digits, spaces, hyphens, apostrophes and full stops."""
IDENTIFYING_COLUMNS = (
    "doc_id", "meeting_date", "kind", "language", "coverage",
    "section_no", "section_title", "paragraph_no", "sentence_no",
)
"""Segment columns that :func:`theme_matches` keeps, where present, in this order."""

CARRIED_COLUMNS = ("meeting_date", "kind", "language", "coverage")
"""Columns that :func:`theme_shares` carries over when they are constant within every group."""



class ThemeError(InputError):
    """A theme dictionary (or a request to use it) that cannot work; the message says how to fix it.

    An :class:`~valduchesse.files.InputError`: for a theme file, ``path``, ``field`` (the theme), ``line``
    and ``column`` (where known) are set too.
    """


class Entry(NamedTuple):
    """One dictionary entry: as written in the file, and the run of terms it matches."""

    text: str
    terms: tuple[str, ...]


@dataclass(frozen=True)
class ThemeDictionary:
    """Themes, in file order, with their entries per language.

    Attributes
    ----------
    source : str
        Where the dictionary comes from (the file), for messages.
    labels : dict
        Theme name -> readable label, in the file's order.
    entries : dict
        Theme name -> language -> tuple of :class:`Entry`.
    """

    source: str
    labels: dict
    entries: dict

    @property
    def themes(self) -> list[str]:
        """The theme names, in the dictionary's order."""
        return list(self.labels)

    def languages(self, theme: str) -> list[str]:
        """The languages for which ``theme`` has entries.

        Parameters
        ----------
        theme : str
            A theme name.

        Returns
        -------
        list of str
            The languages, in the dictionary's order.
        """
        return list(self.entries[theme])

    def queries(self, language: str) -> dict[str, list[str]]:
        """Theme name -> its entries in ``language`` as written, for :func:`valduchesse.concordance.frequencies`.

        Parameters
        ----------
        language : str
            The language of the entries.

        Returns
        -------
        dict of str to list of str
            Only the themes with entries in ``language``, in the dictionary's order.
        """
        return {theme: [entry.text for entry in by_language[language]]
                for theme, by_language in self.entries.items() if language in by_language}

    def table(self) -> pd.DataFrame:
        """The dictionary as a table: one row per theme, language and entry, with its ``terms``.

        Returns
        -------
        DataFrame
            ``theme``, ``label``, ``language``, ``entry`` (as written) and ``terms`` (its terms, joined by
            spaces).
        """
        rows = [
            {"theme": theme, "label": self.labels[theme], "language": language,
             "entry": entry.text, "terms": " ".join(entry.terms)}
            for theme, by_language in self.entries.items()
            for language, entries in by_language.items()
            for entry in entries
        ]
        return pd.DataFrame(rows, columns=["theme", "label", "language", "entry", "terms"])


# --- loading and checking ---------------------------------------------------------------


def _fail(source, theme: str | None, problem: str, fix: str, language: str | None = None) -> ThemeError:
    where = str(source)
    if theme is not None:
        where += f", theme '{theme}'"
    if language is not None:
        where += f", language '{language}'"
    return ThemeError(f"{where}: {problem}. Fix: {fix}", path=source, problem=problem, fix=fix, field=theme)


_YAML_FIX = ("check the indentation (spaces, not tabs), write each theme's key once, "
             "and quote an entry that holds ': ' or starts with a special character")


def _read_yaml(path: Path) -> dict:
    """The themes of ``path``, read as a regular UTF-8 file of bounded size by the strict YAML loader."""
    if not path.exists():
        raise _fail(path, None, "the theme file does not exist" + resolved_note(path),
                    "point the path at the theme dictionary (the project's own is themes.yml)")
    text = read_text(path, error=ThemeError, encoding_fix="save it as UTF-8",
                     not_regular_fix="point the path at the theme dictionary, a YAML file")
    try:
        data = parse_yaml(text)
    except yaml.YAMLError as err:
        refused = isinstance(err, YAMLRefused)
        problem = err.problem if refused else yaml_position(err)[0]
        mark = getattr(err, "problem_mark", None)
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (None, None)
        where = f" at line {line}, column {column}" if line is not None else ""
        fix = f"{err.fix} ({_YAML_FIX})" if refused else _YAML_FIX
        raise ThemeError(f"{path}: the file is not valid YAML{where} ({problem}). Fix: {fix}", path=path,
                         problem=problem, fix=fix, line=line, column=column) from None
    if not isinstance(data, dict) or not isinstance(data.get("themes"), dict) or not data["themes"]:
        raise _fail(path, None, "no 'themes:' mapping with at least one theme was found",
                    "start the file with a line 'themes:' and indent each theme under it, "
                    "e.g. 'themes:\\n  cyber:\\n    en: [cybersecurity]'")
    unknown = [key for key in (data if isinstance(data, dict) else {}) if key != THEMES_KEY]
    if unknown:
        raise _fail(path, None, f"the top-level key(s) {', '.join(map(repr, unknown))} are not '{THEMES_KEY}' "
                    "and would be ignored (a theme written without indentation lands here)",
                    f"indent each theme by two spaces under the line '{THEMES_KEY}:', or remove the key(s)")
    return data["themes"]


def _entries(path: Path, theme: str, language: str, values) -> tuple[Entry, ...]:
    if not isinstance(values, list):
        raise _fail(path, theme, f"the entries are not a list ({values!r})",
                    f"write them as a list, e.g. '{language}: [first, second]'", language)
    if not values:
        raise _fail(path, theme, "the list of entries is empty",
                    f"add at least one entry to '{language}: [...]', or remove the '{language}' line",
                    language)
    preprocessor = Preprocessor(language)
    entries, seen = [], {}
    for value in values:
        if not isinstance(value, str):
            raise _fail(path, theme, f"the entry {value!r} is not text",
                        "quote it, e.g. \"'no'\" or \"'2016'\" (YAML reads no, yes, on, off and "
                        "numbers as other things)", language)
        if not ENTRY_PATTERN.fullmatch(value.strip()):
            raise _fail(path, theme, f"the entry {value!r} holds characters other than letters, digits, spaces, "
                        "hyphens, apostrophes and full stops, or does not start with a letter",
                        "write the words as the texts write them: entries are words, not patterns "
                        "(no regular expressions, no wildcards), or remove it", language)
        try:
            terms = tuple(query_terms(value, preprocessor))
        except ValueError:
            raise _fail(path, theme, f"the entry {value!r} holds no word",
                        "write a word or expression that starts with a letter, or remove it",
                        language) from None
        if len(terms) == 1 and terms[0] in stop_words(language) and not _acronym(value, language):
            raise _fail(path, theme, f"the entry {value!r} matches only the stop word '{terms[0]}', "
                        "which almost every text uses", "write a more specific word or expression, or remove it",
                        language)
        if terms in seen:
            raise _fail(path, theme,
                        f"the entries {seen[terms]!r} and {value!r} are the same after lemmatisation "
                        f"(both match '{' '.join(terms)}')",
                        "keep one of them: every spelling of a lemma is matched anyway", language)
        seen[terms] = value
        entries.append(Entry(value, terms))
    return tuple(entries)


def _acronym(value: str, language: str) -> bool:
    """An entry written in capitals whose lower-case form is no word of the language (UK, but not IS in Dutch)."""
    word = value.strip()
    return word.isupper() and len(word) > 1 and not lemma_cache.is_known(word.lower(), language)


def _theme(path: Path, name, spec) -> tuple[str, dict]:
    if not isinstance(name, str) or not name:
        raise _fail(path, str(name), "a theme name must be text", "name the theme with letters and '_'")
    if not isinstance(spec, dict):
        raise _fail(path, name, f"the theme is not a mapping of languages to entries ({spec!r})",
                    f"indent its languages under it, e.g. '{name}:\\n    label: …\\n    fr: [...]'")
    unknown = [key for key in spec if key != LABEL_KEY and key not in SUPPORTED_LANGUAGES]
    if unknown:
        raise _fail(path, name, f"the key {unknown[0]!r} is not a supported language",
                    f"use '{LABEL_KEY}' or one of the language codes {LANGUAGE_CHOICES}")
    label = spec.get(LABEL_KEY, name.replace("_", " ").capitalize())
    if not isinstance(label, str) or not label.strip():
        raise _fail(path, name, f"the label {label!r} is not text", "write 'label: A readable name'")
    by_language = {lang: _entries(path, name, lang, values)
                   for lang, values in spec.items() if lang != LABEL_KEY}
    if not by_language:
        raise _fail(path, name, "the theme has no entries in any language",
                    "add at least one language with entries, e.g. 'fr: [attentat]', or remove the theme")
    return label, by_language


def _check_one_theme_per_entry(path: Path, entries: dict) -> None:
    owner = {}
    for theme, by_language in entries.items():
        for language, theme_entries in by_language.items():
            for entry in theme_entries:
                first = owner.setdefault((language, entry.terms), (theme, entry.text))
                if first[0] != theme:
                    raise _fail(
                        path, theme,
                        f"the entry {entry.text!r} matches '{' '.join(entry.terms)}', as does "
                        f"{first[1]!r} of theme '{first[0]}': a term counts for one theme only",
                        f"remove it from theme '{theme}' or from theme '{first[0]}'", language)


def load_themes(path: str | Path) -> ThemeDictionary:
    """Read and check a theme dictionary (YAML), lemmatising every entry.

    Parameters
    ----------
    path : str or Path
        The YAML file; see ``themes.yml`` for the format.

    Returns
    -------
    ThemeDictionary

    Raises
    ------
    ThemeError
        Naming the file, the theme (and language and entry) and the fix, for:
        a missing file; invalid YAML (including a key written twice); no
        ``themes:`` mapping; a top-level key other than ``themes`` (a theme
        written without indentation); a theme that is not a mapping; a key that is
        neither ``label`` nor a supported language; a theme without entries
        or a language with an empty list; an entry that is not text, holds
        no word, holds other characters than words (``\\d+``, ``a.*b``) or
        matches only a stop word; two entries of one theme and language that lemmatise to the
        same terms; and one term sequence in two themes for one language.
    """
    path = Path(path)
    labels, entries = {}, {}
    for name, spec in _read_yaml(path).items():
        labels[name], entries[name] = _theme(path, name, spec)
    _check_one_theme_per_entry(path, entries)
    return ThemeDictionary(str(path), labels, entries)


def select(dictionary: ThemeDictionary, names) -> ThemeDictionary:
    """A dictionary with only some of the themes, in the order asked for.

    Parameters
    ----------
    dictionary : ThemeDictionary
        The theme dictionary (:func:`load_themes`).
    names : str or list of str
        One theme name, or several.

    Returns
    -------
    ThemeDictionary

    Raises
    ------
    ThemeError
        For a name that is not a theme of the dictionary, listing the known ones.
    """
    names = [names] if isinstance(names, str) else list(names)
    unknown = [name for name in names if name not in dictionary.labels]
    if unknown:
        raise _fail(dictionary.source, unknown[0], "there is no such theme",
                    "use one of " + ", ".join(dictionary.themes))
    return ThemeDictionary(dictionary.source, {n: dictionary.labels[n] for n in names},
                           {n: dictionary.entries[n] for n in names})


# --- counting ----------------------------------------------------------------------------


def _check_segments(segments: pd.DataFrame, dictionary: ThemeDictionary) -> None:
    missing = [c for c in ("doc_id", "language", "text") if c not in segments.columns]
    if missing:
        raise ThemeError(f"the segments have no column {', '.join(missing)}. Fix: pass a table of "
                         "segments, e.g. valduchesse.segment.sentences(documents)")
    unsupported = sorted(set(segments["language"]) - set(SUPPORTED_LANGUAGES))
    if unsupported:
        raise ThemeError(f"the segments include language(s) {', '.join(map(str, unsupported))}, which the "
                         f"package does not support. Fix: keep segments in {', '.join(SUPPORTED_LANGUAGES)}")
    for language in sorted(segments["language"].unique()):
        lacking = [t for t in dictionary.themes if language not in dictionary.entries[t]]
        if lacking:
            name = SUPPORTED_LANGUAGES.get(language, language)
            raise _fail(dictionary.source, lacking[0],
                        f"the theme has no entries in {name}, but the segments include {name} text",
                        f"add a '{language}: [...]' list to the theme(s) {', '.join(lacking)}, "
                        f"or leave out the {language} segments or those themes (themes.select)",
                        language)


def _counts(segments: pd.DataFrame, dictionary: ThemeDictionary) -> tuple[np.ndarray, np.ndarray]:
    """Matches (segments × themes) and word tokens (per segment), in the segments' row order.

    Each language's segments go through the tokens stage once
    (:func:`valduchesse.tokens.tokens` with no removal step: every word of a
    segment counts, as a coder reads it), then
    :func:`valduchesse.concordance.frequencies` counts the entries, with each
    segment's row position standing in for its id.
    """
    _check_segments(segments, dictionary)
    themes = dictionary.themes
    matches = np.zeros((len(segments), len(themes)), dtype=np.int64)
    counted = np.zeros(len(segments), dtype=np.int64)
    languages = segments["language"].to_numpy()
    for language in sorted(set(languages)):
        rows = np.flatnonzero(languages == language)
        part = pd.DataFrame({"doc_id": rows, "language": language,
                             "text": segments["text"].to_numpy()[rows]})
        found = frequencies(tokens(part, remove=()), dictionary.queries(language))
        table = found.pivot(index="doc_id", columns="group", values="matches")
        matches[rows] = table.loc[rows, themes].to_numpy()
        counted[rows] = found.groupby("doc_id")["tokens"].first().loc[rows].to_numpy()
    return matches, counted


def theme_matches(segments: pd.DataFrame, dictionary: ThemeDictionary) -> pd.DataFrame:
    """Count each theme's entries in each segment.

    Parameters
    ----------
    segments : DataFrame
        Columns ``doc_id``, ``language`` and ``text``, and any metadata, e.g.
        :func:`valduchesse.segment.sentences` or ``paragraphs``. Segments may
        be in several languages; each is matched with its language's entries.
    dictionary : ThemeDictionary
        The theme dictionary (:func:`load_themes`).

    Returns
    -------
    DataFrame
        One row per segment and theme, segments in their order and themes in
        the dictionary's: the segment's identifying columns where present
        (:data:`IDENTIFYING_COLUMNS`), ``theme``, ``label``, ``matches``
        (occurrences of the theme's entries; a multi-word entry counts once
        per run) and ``tokens`` (the segment's word tokens, stop words
        included, as in :func:`valduchesse.concordance.frequencies`).

    Raises
    ------
    ThemeError
        If a theme has no entries for a language of the segments.
    """
    matches, tokens = _counts(segments, dictionary)
    themes = dictionary.themes
    keep = [c for c in IDENTIFYING_COLUMNS if c in segments.columns]
    table = segments[keep].iloc[np.repeat(np.arange(len(segments)), len(themes))].reset_index(drop=True)
    table["theme"] = themes * len(segments)
    table["label"] = [dictionary.labels[t] for t in themes] * len(segments)
    table["matches"] = matches.ravel()
    table["tokens"] = np.repeat(tokens, len(themes))
    return table


# --- shares with Wilson intervals ------------------------------------------------------


def _carried(segments: pd.DataFrame, by: list[str]) -> list[str]:
    candidates = [c for c in CARRIED_COLUMNS if c in segments.columns and c not in by]
    grouped = segments.groupby(by, sort=True, dropna=False)
    return [c for c in candidates if (grouped[c].nunique(dropna=False) <= 1).all()]


def theme_shares(
    segments: pd.DataFrame,
    dictionary: ThemeDictionary,
    by=("doc_id",),
    level: float = 0.95,
) -> pd.DataFrame:
    """Per group and theme: the share of segments that mention the theme, with a Wilson interval.

    Parameters
    ----------
    segments : DataFrame
        Sentences or paragraphs (see :func:`theme_matches`); each row is one unit.
    dictionary : ThemeDictionary
        The theme dictionary (:func:`load_themes`).
    by : str or sequence of str
        The columns that make a group, e.g. ``("doc_id",)``,
        ``("doc_id", "section_no")`` or ``("meeting_date", "language")``.
    level : float
        Coverage of the Wilson score interval (:func:`valduchesse.intervals.wilson`).

    Returns
    -------
    DataFrame
        One row per group and theme, sorted by the group columns, then the
        dictionary's theme order: the group columns; ``meeting_date``,
        ``kind``, ``language``, ``coverage`` where constant within every
        group; ``theme``, ``label``; ``units`` (segments in the group),
        ``units_with_theme`` (segments with at least one match), ``share``
        (= units_with_theme / units), ``share_low`` and ``share_high`` (the
        Wilson interval), ``matches``, ``tokens`` (the group's word tokens)
        and ``per_1000_tokens``. Floats are rounded to 4 places.

    Notes
    -----
    The interval treats the segments of a group as independent draws, which
    sentences of one text are not; read it as a measure of how much the share
    rests on a few sentences. Unlike a bootstrap, it does not shrink to
    nothing for 0 of 6 sentences: with so few sentences, a share is uncertain.
    """
    by = [by] if isinstance(by, str) else list(by)
    missing = [c for c in by if c not in segments.columns]
    if missing:
        raise ThemeError(f"the segments have no column {', '.join(missing)} to group by. "
                         f"Fix: group by columns of the table ({', '.join(segments.columns)})")
    if segments.empty:
        raise ThemeError("the segments table is empty. Fix: pass at least one segment")
    if not 0 < level < 1:
        raise ThemeError(f"level={level}. Fix: use 0 < level < 1, e.g. 0.95")
    matches, tokens = _counts(segments, dictionary)
    segments = segments.reset_index(drop=True)
    carried = _carried(segments, by)
    group_no = segments.groupby(by, sort=True, dropna=False).ngroup().to_numpy()
    firsts = segments.assign(_group=group_no).drop_duplicates("_group").sort_values("_group")
    units = np.bincount(group_no)
    with_theme = np.zeros((len(units), matches.shape[1]), dtype=np.int64)
    np.add.at(with_theme, group_no, matches > 0)
    matched = np.zeros_like(with_theme)
    np.add.at(matched, group_no, matches)
    group_tokens = np.bincount(group_no, weights=tokens).astype(np.int64)
    low, high = wilson(with_theme, units[:, None], level)
    themes = dictionary.themes
    table = firsts[by + carried].iloc[np.repeat(np.arange(len(units)), len(themes))].reset_index(drop=True)
    table["theme"] = themes * len(units)
    table["label"] = [dictionary.labels[t] for t in themes] * len(units)
    table["units"] = np.repeat(units, len(themes))
    table["units_with_theme"] = with_theme.ravel()
    table["share"] = (with_theme / units[:, None]).ravel()
    table["share_low"], table["share_high"] = low.ravel(), high.ravel()
    table["matches"] = matched.ravel()
    table["tokens"] = np.repeat(group_tokens, len(themes))
    table["per_1000_tokens"] = np.where(table["tokens"] > 0, 1000 * table["matches"] / table["tokens"].clip(lower=1), 0.0)
    rounded = ["share", "share_low", "share_high", "per_1000_tokens"]
    table[rounded] = table[rounded].astype(float).round(4)
    return table


def theme_frequencies(texts, dictionary: ThemeDictionary, per: int = 1000) -> pd.DataFrame:
    """Occurrences of each theme's entries per ``per`` word tokens in each text (one language).

    A table goes through the tokens stage with its default steps, so page
    furniture, person names and offices are left out of both the matches and
    the word count (build the tokens yourself, e.g. with hand codes, to
    choose). :func:`valduchesse.concordance.frequencies` with the dictionary's
    entries as groups.

    Parameters
    ----------
    texts : DataFrame or Tokens
        A table of texts or a :class:`valduchesse.tokens.Tokens` object.
    dictionary : ThemeDictionary
        The themes and their entries (:func:`load_themes`).
    per : int
        The rate is per this many word tokens.

    Returns
    -------
    DataFrame
        :func:`valduchesse.concordance.frequencies`' table; ``group`` holds each
        theme's label, in the dictionary's order.
    """
    found = as_tokens(texts)
    table = frequencies(found, dictionary.queries(found.language), per=per)
    table["group"] = table["group"].map(dictionary.labels)
    return table
