"""The rules of the tokens stage that find page furniture, person names and offices.

Word lists per language (``language_rules.yml``), names lists (``person_names.yml``)
and the rules over a text's token features: date and place lines
(:func:`furniture_lines`), attendee lists (:func:`attendee_sentences`), dates
(:func:`date_words`), names and the offices written next to them
(:func:`find_names`). :func:`valduchesse.tokens.tokens` applies them; how far
they agree with names lists and hand codes is measured in
:mod:`valduchesse.rule_agreement`.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np

from .files import InputError
from .strict_yaml import load_yaml
from .preprocess import check_language, is_word, split

__all__ = [
    "ATTENDEE_MAX_WORDS", "ATTENDEE_MIN_NAMES", "MAX_LIST_WORDS", "MAX_OFFICE_WORDS", "MAX_PLACE_WORDS", "NAMES_FILE",
    "RULES_FILE", "attendee_sentences", "date_words", "find_names", "furniture_lines", "name_words", "read_names",
    "rules",
]


RULES_FILE = Path(__file__).with_name("language_rules.yml")
NAMES_FILE = Path(__file__).with_name("person_names.yml")
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


# --- language data ------------------------------------------------------------------------


@cache
def rules(language: str) -> dict[str, frozenset[str]]:
    """The word lists of ``language_rules.yml`` for ``language``, lower-cased.

    The file is read by the project's strict YAML loader (:func:`valduchesse.strict_yaml.load_yaml`).

    Parameters
    ----------
    language : str
        The language (:func:`~valduchesse.preprocess.check_language`).

    Returns
    -------
    dict of str to frozenset of str
        Each list of the language (``offices``, ``particles``, ``months``, …) as a set of lower-cased words.

    Raises
    ------
    valduchesse.files.InputError
        If the file is not valid YAML, is refused by the strict loader, or holds no word lists for
        ``language``.
    """
    check_language(language)
    data = load_yaml(RULES_FILE)
    if not isinstance(data, dict) or not isinstance(data.get(language), dict):
        raise InputError.at(RULES_FILE, f"no word lists for {language!r}",
                            f"write '{language}:' and the word lists under it", field=language)
    return {key: frozenset(str(word).lower() for word in words) for key, words in data[language].items()}


def read_names(path: str | Path = NAMES_FILE) -> list[str]:
    """The names of a names file (YAML with a ``names:`` list), e.g. the project's ``person_names.yml``.

    The file is read by the project's strict YAML loader (:func:`valduchesse.strict_yaml.load_yaml`).

    Parameters
    ----------
    path : str or Path
        The names file; by default the project's (:data:`NAMES_FILE`).

    Returns
    -------
    list of str
        The names, in the file's order.

    Raises
    ------
    valduchesse.files.InputError
        If the file cannot be read, is not valid YAML, is refused by the strict loader, or has no
        ``names:`` list; the message names the file, the line or field, and the fix.
    """
    path = Path(path)
    data = load_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("names"), list):
        raise InputError.at(path, "no 'names:' list found", "write 'names:' and one '- First Last' line per person",
                            field="names")
    return [str(name) for name in data["names"]]


def name_words(names) -> set[tuple[str, ...]]:
    """Each name as the tuple of its lower-cased word tokens: ``("charles", "michel")``.

    Parameters
    ----------
    names : iterable of str
        Names as written (e.g. :func:`read_names`).

    Returns
    -------
    set of tuple of str
        One tuple per name that holds a word.
    """
    runs = set()
    for name in names:
        run = tuple(w.lower() for w in split(name) if is_word(w))
        if run:
            runs.add(run)
    return runs


def date_words(f: dict[str, np.ndarray], line: np.ndarray, reach: int = 3) -> np.ndarray:
    """Month and weekday names that are part of a date: within ``reach`` tokens of a number or of such a name.

    ``le 13 novembre 2015``, ``Lundi 11 juin``, ``en janvier et en novembre 2015``:
    like the numbers, they are not terms. A month name far from any number
    (``la marche de mars``) stays a word.

    Parameters
    ----------
    f : dict of str to ndarray of bool
        The token features (:data:`valduchesse.tokens.FEATURES`), one value per token; ``date`` and
        ``number`` are read.
    line : ndarray of int
        Each token's line; tokens on different lines are never near.
    reach : int
        How many tokens away a number (or a month or weekday name of a date) may stand.

    Returns
    -------
    ndarray of bool
        Whether each token is a month or weekday name of a date.
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

    Parameters
    ----------
    f : dict of str to ndarray of bool
        The token features (:data:`valduchesse.tokens.FEATURES`), one value per token.
    line : ndarray of int
        Each token's line.
    names, offices : ndarray of bool
        The tokens of names and of offices (:func:`find_names`).
    dates : ndarray of bool
        The month and weekday names of dates (:func:`date_words`).

    Returns
    -------
    ndarray of bool
        Whether each token is in an attendee list.
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
    the texts are read (:func:`~valduchesse.tokens.tokens`).

    Parameters
    ----------
    f : dict of str to ndarray of bool
        The token features (:data:`valduchesse.tokens.FEATURES`), one value per token.
    line : ndarray of int
        Each token's line.

    Returns
    -------
    ndarray of bool
        Whether each token is on a date line or a place line.
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

    Parameters
    ----------
    f : dict of str to ndarray of bool
        The token features (:data:`valduchesse.tokens.FEATURES`), one value per token.
    line : ndarray of int
        Each token's line.
    lowers : list of str
        The lower-cased form of each distinct token (indexed by ``type_id``).
    type_id : ndarray of int
        Each token's distinct-token id.
    listed : set of tuple of str
        Names of a names list as runs of lower-cased words (:func:`name_words`); may be empty.

    Returns
    -------
    names : ndarray of bool
        Whether each token is part of a name.
    offices : ndarray of bool
        Whether each token is part of an office (never a name token too).
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
