"""The agenda of each meeting from comparable units, and the headline it supports.

Policy-agenda research codes *agenda items* (a heading, a listed commitment) rather than the share
of words a text spends on a subject. The declarations held are mostly openings, but some units say
what a meeting decided or announced and exist, in one form or another, for every meeting:

* the 2018 declaration's own summary of what was decided in 2016 (four strands);
* the numbered headings held (the first one of 2016, the first two of the 2017 communiqué);
* the 2018 list of commitments (a later excerpt, cut inside its fifth item);
* the eight headings of the complete 2021 text;
* the preambles (what each text names as the subject of the cooperation, or as its context).

``coding/agenda_units.csv`` holds these units, one row per unit and domain (a theme of the
codebook, or ``other``), each with an exact quote of its text file (:func:`check_quotes`).
``coding/cap_crosswalk.csv`` maps the themes to the Comparative Agendas Project's major topics and
``coding/portfolios.csv`` lists the portfolios present at each meeting, quoted from the texts.

The functions here read those files and compute, from them only: the agenda table
(:func:`agenda_table`), which domains enter when (:func:`domain_entries`), whether the
counter-terrorism domains stay or leave (:func:`judge_agenda`), the sentences of the restated
headline (:func:`valduchesse.prose.agenda.headline_sentences`) and what stays unknowable without the complete texts
(:func:`valduchesse.prose.agenda.unknowables`). :func:`preamble_themes` compares complete preambles from the hand codes, and
:func:`unit_keyness` with :func:`valduchesse.keyness_power.smallest_passing_count` aims a keyness test at comparable units
with its power stated before it runs.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from scipy.special import chdtri

from .coding import FURNITURE, NONE, THEMES, split_codes
from .segment import paragraphs, sentences
from .keyness import keyness
from .terms import term_matrix
from .files import InputError, read_table
from .keyness_power import smallest_passing_count

__all__ = [
    "UNIT_KINDS", "FAMILIES", "ROLES", "OTHER", "COUNTER_TERRORISM", "GRAIN", "GRAIN_NAMES", "AgendaError",
    "read_units", "check_quotes", "agenda_table", "families_held", "domain_entries", "judge_agenda",
    "read_crosswalk", "cap_topics", "read_portfolios", "portfolio_table",
    "preamble_themes", "unit_texts", "keyness_power", "unit_keyness",
]

UNIT_KINDS = ("2018 summary of 2016 decisions", "headings held", "2018 commitments list", "2021 headings", "preamble")
"""The kinds of unit, in the order of the figure's markers."""
FAMILIES = {
    "2018 summary of 2016 decisions": "decided",
    "headings held": "decided",
    "2018 commitments list": "decided",
    "2021 headings": "decided",
    "preamble": "preamble",
}
"""What each kind of unit is: a list of what a meeting decided or announces (``decided``), or a preamble."""
ROLES = ("agenda", "context")
"""``agenda``: the unit names the domain as a subject of the cooperation; ``context``: as its background."""
OTHER = "other"
"""The domain of a unit that no theme of the codebook fits."""
COUNTER_TERRORISM = ("attacks_and_trials", "police_and_intelligence", "justice", "radicalisation_and_extremism",
                     "foreign_fighters", "sahel_and_coalition", "terrorism_financing", "victims")
"""The codebook's themes that are counter-terrorism cooperation (the default of :func:`judge_agenda`).

``sahel_and_coalition`` is counted: the 2021 heading names the international coalition *against Daesh*
and the section presents itself as part of the fight against terrorism."""
GRAIN = {
    "2018 summary of 2016 decisions": 1,
    "headings held": 2,
    "2021 headings": 2,
    "2018 commitments list": 3,
    "preamble": 2,
}
"""How finely each kind of unit divides an agenda: 1 a summary in a few strands, 2 headings (or a preamble),
3 listed items. A meeting's grain is that of its coarsest unit of the family judged (:func:`judge_agenda`)."""
GRAIN_NAMES = {1: "a summary in a few strands", 2: "headings", 3: "listed items"}
"""What each :data:`GRAIN` is, in words."""
UNIT_COLUMNS = ["meeting_date", "unit_kind", "language", "domain", "role", "quote", "file", "note"]
CROSSWALK_COLUMNS = ["theme", "cap_major_code", "cap_major_topic", "cap_subtopic", "certainty", "justification",
                     "alternative", "evidence"]
PORTFOLIO_COLUMNS = ["meeting_date", "portfolio", "language", "quote", "file", "source"]
PORTFOLIO_SOURCES = ("text", "FACTS.md press-reported")
PORTFOLIO_COUNTRIES = ("both", "Belgium", "France")
"""The optional ``country`` column of the portfolio table: whose minister(s) the row names."""


class AgendaError(InputError):
    """An agenda, crosswalk or portfolio file that cannot be used as it is; the message says how to fix it."""


def _read(path: str | Path, columns: list[str], what: str) -> pd.DataFrame:
    """The table at ``path``, read like the texts (:func:`valduchesse.files.read_table`)."""
    return read_table(path, columns, f"the {what} (coding/ in the project)", error=AgendaError)


def _refuse(path, table: pd.DataFrame, column: str, allowed) -> None:
    bad = table.loc[~table[column].isin(allowed)]
    if len(bad):
        row = bad.index[0]
        raise AgendaError(f"{path}, row {row + 2}, field '{column}': {bad[column].iloc[0]!r} is not allowed. "
                          f"Fix: use one of {', '.join(map(str, allowed))}")


def read_units(path: str | Path, documents: pd.DataFrame | None = None) -> pd.DataFrame:
    """Read ``coding/agenda_units.csv`` and check every field.

    Parameters
    ----------
    path : str or Path
        The agenda units file.
    documents : DataFrame, optional
        :func:`valduchesse.corpus.load_corpus`; if given, every quote must be in its file's body
        (:func:`check_quotes`), else :class:`AgendaError` names the row.

    Returns
    -------
    DataFrame
        The rows, with ``family`` (:data:`FAMILIES`) added, sorted by meeting, kind, language and file.

    Raises
    ------
    AgendaError
        For a missing column, a kind, role, domain or date not allowed, an empty quote, or a quote not
        found in its file; the message names the row and field and says how to fix it.
    """
    table = _read(path, UNIT_COLUMNS, "agenda units")
    _refuse(path, table, "unit_kind", UNIT_KINDS)
    _refuse(path, table, "role", ROLES)
    _refuse(path, table, "domain", THEMES + (OTHER,))
    bad_dates = table.loc[pd.to_datetime(table["meeting_date"], format="%Y-%m-%d", errors="coerce").isna()]
    if len(bad_dates):
        raise AgendaError(f"{path}, row {bad_dates.index[0] + 2}, field 'meeting_date': "
                          f"{bad_dates['meeting_date'].iloc[0]!r} is not a date. Fix: write YYYY-MM-DD")
    empty = table.loc[table["quote"].str.strip() == ""]
    if len(empty):
        raise AgendaError(f"{path}, row {empty.index[0] + 2}, field 'quote': empty. Fix: quote the unit exactly "
                          "as its text file writes it")
    if documents is not None:
        missing = check_quotes(table, documents)
        if missing:
            raise AgendaError(f"{path}: the quote(s) of row(s) {', '.join(str(r + 2) for r in missing)} are not in "
                              "their file's body. Fix: copy the words exactly from texts/ (same file, same spelling)")
    table = table.assign(family=table["unit_kind"].map(FAMILIES))
    return table.sort_values(["meeting_date", "unit_kind", "language", "file"], kind="stable").reset_index(drop=True)


def check_quotes(table: pd.DataFrame, documents: pd.DataFrame) -> list[int]:
    """The row positions of ``table`` whose ``quote`` is not in the body of its ``file``.

    Parameters
    ----------
    table : DataFrame
        Rows with ``file`` (a file name, without folder) and ``quote``.
    documents : DataFrame
        :func:`valduchesse.corpus.load_corpus` (``file`` and ``text``).

    Returns
    -------
    list of int
        Positions (from 0) of the rows whose file is not among the documents or whose quote is not in
        its body; empty if every quote is found.
    """
    bodies = dict(zip(documents["file"].map(lambda f: Path(f).name), documents["text"]))
    return [i for i, (file, quote) in enumerate(zip(table["file"], table["quote"]))
            if file not in bodies or quote not in bodies[file]]


def agenda_table(units: pd.DataFrame, labels: dict | None = None) -> pd.DataFrame:
    """Domains (rows) by meetings (columns); each cell the units that name the domain, with their quotes.

    Parameters
    ----------
    units : DataFrame
        :func:`read_units`.
    labels : dict, optional
        Maps a domain to the label its row is shown with (unlisted domains keep their name).

    Returns
    -------
    DataFrame
        One row per domain named by a unit, in the codebook's order (then ``other``); one column per
        meeting. A cell reads ``[kind, language, role] “quote”``, one line per unit; empty where no
        unit names the domain.
    """
    labels = labels or {}
    cells = units.assign(cell="[" + units["unit_kind"] + ", " + units["language"] + ", " + units["role"] + "] “"
                         + units["quote"] + "”")
    table = cells.groupby(["domain", "meeting_date"])["cell"].agg("\n".join).unstack(fill_value="")
    order = [d for d in THEMES + (OTHER,) if d in table.index]
    table = table.loc[order]
    table.index = [labels.get(d, d) for d in table.index]
    return table


def _complete_preamble_files(documents: pd.DataFrame) -> set:
    """The file names whose text reaches a numbered heading, so that their preamble is held complete."""
    heads = paragraphs(documents).query("is_heading")
    return {Path(f).name for f in heads["file"]}


def families_held(units: pd.DataFrame, meetings: list[str], documents: pd.DataFrame | None = None) -> pd.DataFrame:
    """Which unit families (``decided``, ``preamble``) are held for which of ``meetings``.

    Parameters
    ----------
    units : DataFrame
        :func:`read_units`.
    meetings : list of str
        The meetings (dates) considered.
    documents : DataFrame, optional
        :func:`valduchesse.corpus.load_corpus`. If given, a meeting's preamble counts as held only if
        one of its preamble units comes from a file that reaches a numbered heading (else the text may
        stop inside the preamble): the others are listed as ``partial``.

    Returns
    -------
    DataFrame
        One row per family: ``meetings_held``, ``partial`` (meetings whose only units of the family may
        be incomplete), ``missing`` (meetings without such a unit) and ``every_meeting`` (held, complete,
        for all of ``meetings``).
    """
    complete_files = _complete_preamble_files(documents) if documents is not None else None
    rows = []
    for family in sorted(set(FAMILIES.values())):
        part = units.loc[units["family"] == family]
        present = sorted(set(part["meeting_date"]) & set(meetings))
        if family == "preamble" and complete_files is not None:
            held = sorted(set(part.loc[part["file"].isin(complete_files), "meeting_date"]) & set(meetings))
        else:
            held = present
        rows.append({"family": family, "meetings_held": ", ".join(held),
                     "partial": ", ".join(m for m in present if m not in held),
                     "missing": ", ".join(m for m in meetings if m not in present),
                     "every_meeting": bool(meetings) and len(held) == len(meetings)})
    return pd.DataFrame(rows, columns=["family", "meetings_held", "partial", "missing", "every_meeting"])


def domain_entries(units: pd.DataFrame, meetings: list[str], role: str = "agenda") -> pd.DataFrame:
    """Per domain: the first of ``meetings`` whose units name it (with ``role``), and every meeting that does.

    Parameters
    ----------
    units : DataFrame
        :func:`read_units`.
    meetings : list of str
        The meetings (dates) considered; units of other meetings are ignored.
    role : str
        Only units with this role (:data:`ROLES`) count.

    Returns
    -------
    DataFrame
        Columns ``domain``, ``enters`` (a meeting date), ``meetings`` (joined), ``kinds`` (the unit kinds
        that name it, joined, in :data:`UNIT_KINDS` order), ordered by ``enters`` then the codebook's order.
    """
    part = units[(units["role"] == role) & units["meeting_date"].isin(meetings)]
    rows = []
    for domain, group in part.groupby("domain"):
        held = sorted(set(group["meeting_date"]))
        rows.append({"domain": domain, "enters": held[0], "meetings": ", ".join(held),
                     "kinds": ", ".join(k for k in UNIT_KINDS if k in set(group["unit_kind"]))})
    order = {d: i for i, d in enumerate(THEMES + (OTHER,))}
    table = pd.DataFrame(rows, columns=["domain", "enters", "meetings", "kinds"])
    return table.sort_values(["enters", "domain"], key=lambda s: s.map(order) if s.name == "domain" else s,
                             kind="stable").reset_index(drop=True)


def judge_agenda(units: pd.DataFrame, meetings: list[str], counter_terrorism=COUNTER_TERRORISM,
                 family: str | None = None) -> dict:
    """Broadening, persistence or displacement, judged from the units of one family held for every meeting.

    The units of different meetings are of unequal grain (:data:`GRAIN`: a four-strand summary, headings,
    a list of items). The grain rule is applied both ways: a domain absent from a meeting's units counts
    as absent only where that meeting's units are at least as fine as those of the meeting it is set
    against. So a domain of the last meeting named at no earlier meeting *enters* only if every earlier
    meeting's units are at least as fine as the last's (else its entry is undetermined), and a
    counter-terrorism domain of the first meeting *leaves* only if the last meeting's units are at
    least as fine as the first's.

    Parameters
    ----------
    units : DataFrame
        :func:`read_units`.
    meetings : list of str
        The meetings compared, in date order (e.g. the three declarations).
    counter_terrorism : iterable of str
        The domains that are counter-terrorism proper.
    family : str, optional
        The unit family to judge from; by default the first family (alphabetical) held for every
        meeting (:func:`families_held`). Only units with role ``agenda`` count.

    Returns
    -------
    dict
        ``family``, ``first`` and ``last`` (meetings), ``per_meeting`` (meeting -> sorted domains),
        ``grain`` (meeting -> the :data:`GRAIN` of its coarsest unit), ``counter_terrorism_share``
        (meeting -> (counter-terrorism domains, domains)), ``stayed`` (counter-terrorism domains of the
        first meeting named at the last), ``left`` (absent at the last, whose units are as fine),
        ``undetermined_exit`` (absent at the last, whose units are coarser), ``entered`` (domains of
        the last meeting named at no earlier meeting, all earlier units being as fine),
        ``undetermined_entry`` (the same where some earlier meeting's units are coarser: whether they
        are new cannot be told), ``between`` (counter-terrorism domains named only at a meeting between
        the first and the last, and not at the last: domain -> the latest such meeting; left out of the
        verdict) and ``verdict``: ``broadening`` (domains enter, none of the first meeting's
        counter-terrorism domains leaves), ``displacement`` (domains enter and some leave),
        ``narrowing`` (none enters, some leave), ``persistence`` (none leaves, and whether any enters
        cannot be told from units of this grain) or ``no change seen``; ``None`` as verdict if no
        family is held for every meeting, or fewer than two meetings are compared.
    """
    if len(meetings) < 2:
        return {"family": family, "first": meetings[0] if meetings else None,
                "last": meetings[-1] if meetings else None, "verdict": None}
    held = families_held(units, meetings)
    if family is None:
        every = held.loc[held["every_meeting"], "family"]
        family = every.iloc[0] if len(every) else None
    result = {"family": family, "first": meetings[0], "last": meetings[-1], "verdict": None}
    if family is None or not bool(held.set_index("family").loc[family, "every_meeting"]):
        return result
    part = units[(units["family"] == family) & (units["role"] == "agenda")]
    per = {m: sorted(set(part.loc[part["meeting_date"] == m, "domain"])) for m in meetings}
    kinds = units[units["family"] == family]
    grain = {m: min(GRAIN[k] for k in kinds.loc[kinds["meeting_date"] == m, "unit_kind"]) for m in meetings}
    ct = set(counter_terrorism)
    first, last = per[meetings[0]], per[meetings[-1]]
    earlier = set().union(*[per[m] for m in meetings[:-1]])
    stayed = [d for d in first if d in ct and d in last]
    absent = [d for d in first if d in ct and d not in last]
    exit_seen = grain[meetings[-1]] >= grain[meetings[0]]
    left, undetermined_exit = (absent, []) if exit_seen else ([], absent)
    new = [d for d in last if d not in earlier]
    entry_seen = all(grain[m] >= grain[meetings[-1]] for m in meetings[:-1])
    entered, undetermined_entry = (new, []) if entry_seen else ([], new)
    between = {d: m for m in reversed(meetings[1:-1]) for d in per[m] if d in ct and d not in last and d not in first}
    verdict = ("displacement" if entered and left else "narrowing" if left else "broadening" if entered
               else "persistence" if undetermined_entry or undetermined_exit else "no change seen")
    result.update(per_meeting=per, grain=grain,
                  counter_terrorism_share={m: (len([d for d in per[m] if d in ct]), len(per[m])) for m in meetings},
                  stayed=stayed, left=left, undetermined_exit=undetermined_exit, entered=entered,
                  undetermined_entry=undetermined_entry, verdict=verdict, between=dict(sorted(between.items())))
    return result


def read_crosswalk(path: str | Path, themes) -> pd.DataFrame:
    """Read ``coding/cap_crosswalk.csv``; refuse it unless it maps every theme of ``themes`` (and says how sure).

    Parameters
    ----------
    path : str or Path
        The crosswalk file.
    themes : iterable of str
        The themes that must each have a row.

    Returns
    -------
    DataFrame
        The rows as read.

    Raises
    ------
    AgendaError
        For a missing column or theme, a ``certainty`` other than ``clear`` or ``uncertain``, or an empty
        ``justification``.
    """
    table = _read(path, CROSSWALK_COLUMNS, "CAP crosswalk")
    missing = [t for t in themes if t not in set(table["theme"])]
    if missing:
        raise AgendaError(f"{path}: no row for theme(s) {', '.join(missing)}. Fix: add one row per theme of "
                          "themes.yml with its CAP major topic, how certain, and a one-line justification")
    _refuse(path, table, "certainty", ("clear", "uncertain"))
    blank = table.loc[table["justification"].str.strip() == ""]
    if len(blank):
        raise AgendaError(f"{path}, row {blank.index[0] + 2}, field 'justification': empty. Fix: say in one line why")
    return table


def cap_topics(units: pd.DataFrame, crosswalk: pd.DataFrame) -> pd.DataFrame:
    """Per meeting, the CAP major topics its ``agenda`` units name, through the crosswalk.

    Parameters
    ----------
    units : DataFrame
        :func:`read_units`.
    crosswalk : DataFrame
        :func:`read_crosswalk`.

    Returns
    -------
    DataFrame
        One row per meeting: ``meeting_date`` and ``topics``, each ``code name`` once, with `` (?)`` where
        the theme's mapping is uncertain, in code order (then alphabetical), joined by ``; ``.
    """
    cap = units[units["role"] == "agenda"].merge(crosswalk, left_on="domain", right_on="theme")
    cap = cap.assign(topic=cap["cap_major_code"] + " " + cap["cap_major_topic"]
                     + cap["certainty"].map({"clear": "", "uncertain": " (?)"}))
    joined = cap.groupby("meeting_date")["topic"].agg(
        lambda s: "; ".join(sorted(set(s), key=lambda t: (int(t.split()[0]), t))))
    return joined.rename("topics").reset_index()


def read_portfolios(path: str | Path, documents: pd.DataFrame | None = None) -> pd.DataFrame:
    """Read ``coding/portfolios.csv`` (one row per meeting and portfolio, with an exact quote of the text).

    Parameters
    ----------
    path : str or Path
        The portfolio file.
    documents : DataFrame, optional
        :func:`valduchesse.corpus.load_corpus`; if given, rows whose ``source`` is ``text`` must quote
        their file exactly.

    Returns
    -------
    DataFrame
        The rows as read.

    Raises
    ------
    AgendaError
        For a missing column, a ``source`` or ``country`` not allowed, or a quote not found in its file.
    """
    table = _read(path, PORTFOLIO_COLUMNS, "portfolio table")
    _refuse(path, table, "source", PORTFOLIO_SOURCES)
    if "country" in table.columns:
        _refuse(path, table, "country", PORTFOLIO_COUNTRIES)
    if documents is not None:
        texts = table[table["source"] == "text"]
        missing = check_quotes(texts, documents)
        if missing:
            raise AgendaError(f"{path}: the quote(s) of row(s) {', '.join(str(texts.index[r] + 2) for r in missing)} "
                              "are not in their file's body. Fix: copy the words exactly from texts/")
    return table


def portfolio_table(portfolios: pd.DataFrame) -> pd.DataFrame:
    """Portfolios (rows, in order of first appearance) by meetings (columns): the quote, or empty.

    Where the table has a ``country`` column, a row naming one country's minister only is prefixed
    with that country in brackets (e.g. ``[France] le ministre des Affaires européennes, ...``).

    Parameters
    ----------
    portfolios : DataFrame
        :func:`read_portfolios`.

    Returns
    -------
    DataFrame
        Indexed by portfolio, one column per meeting; a cell joins its quotes, one per line.
    """
    if "country" in portfolios.columns:
        portfolios = portfolios.assign(quote=[q if c == "both" else f"[{c}] {q}"
                                              for q, c in zip(portfolios["quote"], portfolios["country"])])
    table = portfolios.pivot_table(index="portfolio", columns="meeting_date", values="quote", aggfunc="\n".join,
                                   fill_value="")
    return table.loc[list(dict.fromkeys(portfolios.sort_values("meeting_date", kind="stable")["portfolio"]))]


def preamble_themes(coded: pd.DataFrame, documents: pd.DataFrame, column: str = "final") -> pd.DataFrame:
    """Themes of every complete preamble, from the hand codes.

    A preamble (section 0) is complete when the text held goes on to a numbered heading.

    Parameters
    ----------
    coded : DataFrame
        Coded sentences (``doc_id``, ``start``, ``text`` and ``column``), e.g.
        :func:`valduchesse.coding.current_codes`.
    documents : DataFrame
        :func:`valduchesse.corpus.load_corpus`.
    column : str
        The column of ``coded`` that holds the codes.

    Returns
    -------
    DataFrame
        One row per text with a complete, coded preamble: ``meeting_date``, ``doc_id``, ``language``,
        ``coverage``, ``sentences`` (coded, furniture left out), ``themes`` (each theme with its number of
        sentences, codebook order; ``none`` if no theme).
    """
    heads = paragraphs(documents).query("is_heading")
    complete = sorted(set(heads["doc_id"]))
    units = sentences(documents[documents["doc_id"].isin(complete)]).query("section_no == 0 and not is_heading")
    keys = set(zip(units["doc_id"], units["start"].astype(int), units["text"]))
    part = coded[[k in keys for k in zip(coded["doc_id"], coded["start"].astype(int), coded["text"])]]
    rows = []
    for doc_id, group in part.groupby("doc_id", sort=True):
        codes = group[column].map(split_codes)
        substantive = codes[codes.map(lambda c: FURNITURE not in c)]
        counts = {t: int(substantive.map(lambda c, t=t: t in c).sum()) for t in THEMES}
        doc = documents.set_index("doc_id").loc[doc_id]
        rows.append({"meeting_date": pd.Timestamp(doc["meeting_date"]).strftime("%Y-%m-%d"), "doc_id": doc_id,
                     "language": doc["language"], "coverage": doc["coverage"], "sentences": len(substantive),
                     "themes": ", ".join(f"{t} ({n})" for t, n in counts.items() if n) or NONE})
    return pd.DataFrame(rows, columns=["meeting_date", "doc_id", "language", "coverage", "sentences", "themes"])


def unit_texts(units: pd.DataFrame, documents: pd.DataFrame, language: str) -> pd.DataFrame:
    """The comparable units of one language as texts: one row per meeting and unit kind.

    Each unit's text is the paragraph of its file that holds its quote (for a heading, the heading
    line; for a preamble, every paragraph before the first numbered heading), each paragraph once.

    Parameters
    ----------
    units : DataFrame
        :func:`read_units`.
    documents : DataFrame
        :func:`valduchesse.corpus.load_corpus`; units whose file is not among them are left out.
    language : str
        The language of the units kept.

    Returns
    -------
    DataFrame
        Columns ``doc_id`` (``<meeting> <kind>``), ``language``, ``meeting_date``, ``unit_kind`` and
        ``text`` (empty table if no unit is held).
    """
    part = units[units["language"] == language]
    part = part[part["file"].isin(set(documents["file"].map(lambda f: Path(f).name)))]
    if part.empty:
        return pd.DataFrame(columns=["doc_id", "language", "meeting_date", "unit_kind", "text"])
    paras = paragraphs(documents[documents["file"].map(lambda f: Path(f).name).isin(set(part["file"]))])
    paras = paras.assign(name=paras["file"].map(lambda f: Path(f).name))
    rows = []
    for (meeting, kind), group in part.groupby(["meeting_date", "unit_kind"], sort=True):
        held = []
        for file, quote in zip(group["file"], group["quote"]):
            found = paras[(paras["name"] == file) & paras["text"].map(lambda t, q=quote: q in t)]
            if kind == "preamble":  # the whole preamble: every paragraph before the first numbered heading
                found = paras[(paras["name"] == file) & (paras["section_no"] == 0)]
            held += [t for t in found["text"] if t not in held]
        rows.append({"doc_id": f"{meeting} {kind}", "language": language, "meeting_date": meeting,
                     "unit_kind": kind, "text": "\n".join(held)})
    return pd.DataFrame(rows, columns=["doc_id", "language", "meeting_date", "unit_kind", "text"])


def keyness_power(texts: pd.DataFrame, target_kinds, target_meeting: str, alpha: float = 0.05) -> dict:
    """What a keyness test of one meeting's units against the others' could find, before it runs.

    No G² is computed.

    Parameters
    ----------
    texts : DataFrame
        :func:`unit_texts` of one language.
    target_kinds : iterable of str
        The unit kinds of ``target_meeting`` that form the target; every other row is the reference.
    target_meeting : str
        The meeting (date) of the target.
    alpha : float
        The level, Bonferroni-corrected over the terms tested.

    Returns
    -------
    dict
        ``target`` and ``reference`` (ids), ``target_total``, ``reference_total`` (terms), ``tests``
        (distinct terms in either), ``critical_g2`` (Bonferroni at ``alpha``), ``smallest_count``
        (:func:`valduchesse.keyness_power.smallest_passing_count`; ``None``: no term can pass) and
        ``matrix`` (the :class:`~valduchesse.terms.TermMatrix` of ``texts``, for the test).

    Raises
    ------
    ValueError
        If the target or the reference is empty.
    """
    target = [d for d, m, k in zip(texts["doc_id"], texts["meeting_date"], texts["unit_kind"])
              if m == target_meeting and k in set(target_kinds)]
    reference = [d for d in texts["doc_id"] if d not in target]
    if not target or not reference:
        raise ValueError(f"keyness_power: target {target} or reference {reference} is empty. Fix: name unit kinds "
                         f"of {target_meeting} held in this language, and keep units of other meetings")
    matrix = term_matrix(texts[["doc_id", "language", "text"]])
    rows = {d: i for i, d in enumerate(matrix.doc_ids)}
    target_total = int(matrix.totals[[rows[d] for d in target]].sum())
    reference_total = int(matrix.totals[[rows[d] for d in reference]].sum())
    used = np.asarray(matrix.counts[[rows[d] for d in target + reference]].sum(axis=0)).ravel() > 0
    tests = int(used.sum())
    critical = float(chdtri(1, alpha / tests))
    return {"target": target, "reference": reference, "target_total": target_total,
            "reference_total": reference_total, "tests": tests,
            "critical_g2": round(critical, 2),
            "smallest_count": smallest_passing_count(target_total, reference_total, critical),
            "matrix": matrix}


def unit_keyness(texts: pd.DataFrame, target_kinds, target_meeting: str, alpha: float = 0.05) -> dict:
    """Keyness of one meeting's comparable units against the others', with the test's power stated first.

    Parameters
    ----------
    texts : DataFrame
        :func:`unit_texts` of one language.
    target_kinds : iterable of str
        The unit kinds of ``target_meeting`` that form the target (e.g. its headings and preamble);
        every other row of ``texts`` is the reference.
    target_meeting : str
        The meeting (date) of the target.
    alpha : float
        The level, Bonferroni-corrected over the terms tested.

    Returns
    -------
    dict
        What :func:`keyness_power` says before the test (without its matrix), and ``table``
        (:func:`valduchesse.keyness.keyness`, Bonferroni) and ``passing`` (its significant terms, most
        distinctive first).

    Raises
    ------
    ValueError
        If the target or the reference is empty.
    """
    power = keyness_power(texts, target_kinds, target_meeting, alpha)  # the power first, then the test
    table = keyness(power.pop("matrix"), power["target"], power["reference"], correction="bonferroni", alpha=alpha)
    if table.attrs["tests"] != power["tests"]:  # the test counts the terms it tests itself: they must agree
        raise RuntimeError(f"unit_keyness: {table.attrs['tests']} terms tested, {power['tests']} counted before")
    return {**power, "table": table, "passing": table.loc[table["significant"] & (table["g2"] > 0), "term"].tolist()}
