"""The agenda's restated headline and what stays unknowable, in words (:mod:`valduchesse.agenda`)."""

from __future__ import annotations

import pandas as pd

from ..agenda import COUNTER_TERRORISM, GRAIN_NAMES, domain_entries, judge_agenda
from ..coding import THEMES
from .words import series

__all__ = ["headline_sentences", "unknowables"]


def headline_sentences(units: pd.DataFrame, meetings: list[str], labels: dict | None = None,
                       counter_terrorism=COUNTER_TERRORISM, complete: list[str] | None = None,
                       spoken_in_last=None) -> list[str]:
    """The restated headline, sentence by sentence, from the units only (no number typed by hand).

    ``complete`` lists the meetings held as a complete text (e.g. from the corpus' ``coverage``);
    the others get a sentence saying that what their units do not name may still have been discussed.
    ``spoken_in_last`` (optional) lists the themes the last meeting's complete text speaks of in its
    sentences (e.g. :func:`valduchesse.power.first_sentences`): a counter-terrorism domain named only
    between the first and the last meeting is then said to be, or not to be, in that text.

    Parameters
    ----------
    units : pandas.DataFrame
        :func:`~valduchesse.agenda.read_units`' table (``meeting_date``, ``domain``, ``role``, …).
    meetings : list of str
        The meeting dates (``YYYY-MM-DD``) compared, in order.
    labels : dict, optional
        Theme names -> readable names.
    counter_terrorism : sequence of str
        The domains that are counter-terrorism cooperation (:data:`~valduchesse.agenda.COUNTER_TERRORISM`).
    complete : list of str, optional
        The meetings held as a complete text.
    spoken_in_last : iterable of str, optional
        The themes the last meeting's complete text speaks of.

    Returns
    -------
    list of str
        The domains each meeting's units first name; then why broadening and displacement cannot be told
        apart, or :func:`~valduchesse.agenda.judge_agenda`'s judgement with its counts, what cannot be told
        from units of unequal grain, the verdict, the domains named only between the first and the last
        meeting, and which meetings' units come from texts not held complete.
    """
    labels = labels or {}
    name = lambda d: labels.get(d, d)  # noqa: E731
    judged = judge_agenda(units, meetings, counter_terrorism)
    entries = domain_entries(units, meetings)
    out = []
    for meeting in meetings:
        new = entries.loc[entries["enters"] == meeting, "domain"]
        if len(new):
            out.append(f"First named as an agenda domain in the units of {meeting}: {series(name(d) for d in new)}.")
    if judged["verdict"] is None:
        out.append("No kind of unit is held for every meeting compared (or fewer than two meetings have units), so "
                   "broadening and displacement cannot be told apart.")
        return out
    share = judged["counter_terrorism_share"]
    grain = judged["grain"]
    counts = "; ".join(f"{m}: {share[m][0]} of {share[m][1]}" for m in meetings)
    coarse = [m for m in meetings[:-1] if grain[m] < grain[judged["last"]]]
    out.append(f"Judged from the '{judged['family']}' units (held for every meeting: {', '.join(meetings)}), the "
               f"counter-terrorism domains of {judged['first']} that are still named in {judged['last']}: "
               f"{series(name(d) for d in judged['stayed'])}; that are no longer named: "
               f"{series(name(d) for d in judged['left'] + judged['undetermined_exit'])}. "
               + ("" if judged["undetermined_entry"] else f"Domains named in {judged['last']} and at no earlier "
                  f"meeting: {series(name(d) for d in judged['entered'])}. ")
               + f"Counter-terrorism domains among the domains named per meeting: {counts}.")
    if judged["undetermined_entry"]:
        out.append(f"Named in {judged['last']} and at no earlier meeting: "
                   f"{series(name(d) for d in judged['undetermined_entry'])}. Whether they are new cannot be told: "
                   f"the units of {series(coarse)} divide the agenda more coarsely "
                   f"({series(GRAIN_NAMES[grain[m]] for m in coarse)} against "
                   f"{GRAIN_NAMES[grain[judged['last']]]}), so a domain they do not name may sit inside one of theirs.")
    if judged["undetermined_exit"]:
        out.append(f"{series(name(d) for d in judged['undetermined_exit'])} are not named in {judged['last']}, "
                   "whose units are coarser: whether they left cannot be told.")
    verdicts = {
        "broadening": "broadening: new domains join while the counter-terrorism domains stay on the agenda",
        "displacement": "displacement: new domains join while counter-terrorism domains leave the agenda",
        "narrowing": "narrowing: counter-terrorism domains leave the agenda and none joins",
        "persistence": (f"persistence only: the counter-terrorism domains of {judged['first']} are still on the "
                        f"agenda of {judged['last']}, and no displacement is visible; whether domains were added "
                        "cannot be told from units of unequal grain"),
        "no change seen": "no change: the same domains are named",
    }
    out.append(f"On these units the evidence supports {verdicts[judged['verdict']]}.")
    for domain, meeting in judged["between"].items():
        spoken = ("" if spoken_in_last is None else
                  f"; the complete {judged['last']} text {'does' if domain in set(spoken_in_last) else 'does not'} "
                  "speak of it in its sentences")
        out.append(f"{name(domain)} is named in the units of {meeting} but not in those of {judged['last']}, whose "
                   f"units are coarser (headings, not listed items){spoken}: it is left out of the verdict, "
                   "which compares units of the first and the last declaration.")
    partial = [m for m in meetings if m not in complete] if complete is not None else []
    if partial:
        out.append(f"'Named first in' is not 'dealt with first in': the units of {series(partial)} come from "
                   "texts not held complete (openings, a later excerpt, a later text's summary), so a domain they do "
                   "not name may have been on those agendas too.")
    return out


def unknowables(documents: pd.DataFrame, units: pd.DataFrame, meetings: list[str],
                labels: dict | None = None) -> list[str]:
    """What stays unknowable without the complete texts, one sentence per meeting not held complete.

    For each of ``meetings`` without a ``full text``: what is held (coverage and languages), and the
    codebook themes that none of its units names with role ``agenda`` (they may be in the part not held).

    Parameters
    ----------
    documents : pandas.DataFrame
        :func:`valduchesse.corpus.load_corpus` (``meeting_date``, ``coverage``, ``language``).
    units : pandas.DataFrame
        :func:`~valduchesse.agenda.read_units`' table.
    meetings : list of str
        The meeting dates (``YYYY-MM-DD``) said.
    labels : dict, optional
        Theme names -> readable names.

    Returns
    -------
    list of str
        One sentence per meeting of ``meetings`` held without a full text; ``[]`` if every one is complete.
    """
    labels = labels or {}
    out = []
    dates = documents["meeting_date"].map(lambda v: pd.Timestamp(v).strftime("%Y-%m-%d"))
    for meeting in meetings:
        docs = documents[dates == meeting]
        if (docs["coverage"] == "full text").any():
            continue
        held = ", ".join(f"{c} ({', '.join(sorted(set(g['language'])))})" for c, g in docs.groupby("coverage", sort=True))
        named = set(units.loc[(units["meeting_date"] == meeting) & (units["role"] == "agenda"), "domain"])
        unnamed = [labels.get(t, t) for t in THEMES if t not in named]
        out.append(f"{meeting}: only {held or 'no text'} held; whether its declaration also dealt with "
                   f"{series(unnamed)} cannot be known from its units, which cover only what those excerpts and "
                   "the later texts' summaries say.")
    return out
