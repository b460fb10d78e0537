"""The fetch report: its columns and outcomes, as text for a terminal (no escape sequences or control characters), and the exit status."""

from __future__ import annotations

import re

import pandas as pd

__all__ = ["OUTCOMES", "REPORT_COLUMNS", "exit_status", "format_report", "printable"]


OUTCOMES = ("fetched", "would fetch", "skipped", "refused", "failed")
REPORT_COLUMNS = ["doc_ids", "meeting_date", "language", "url", "outcome", "reason", "old_chars",
                  "new_chars", "file"]



_ESCAPE_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]?"                  # CSI: colours, cursor moves, clearing the screen
    r"|\x1b[\]PX^_][^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?"  # OSC (window title, links), DCS, SOS, PM, APC
    r"|\x1b[ -/]*[0-~]?"                          # any other escape sequence
    r"|\x9b[0-?]*[ -/]*[@-~]?"                    # CSI as one C1 character
    r"|[\x90\x98\x9d-\x9f][^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?")  # C1 DCS, SOS, OSC, PM, APC
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
"""C0 and C1 control characters but tab and newline, and the bidirectional overrides and isolates."""


def printable(text) -> str:
    """``text`` without terminal escape sequences or control characters (tab and newline kept).

    Reasons quote page text and addresses the server chose; printed as they
    are, an escape sequence could recolour or clear the terminal, retitle
    its window, or hide the lines before it.

    Parameters
    ----------
    text : object
        What to print (made a string with ``str``).

    Returns
    -------
    str
        The text with escape sequences, C0 and C1 control characters (but tab and newline) and the
        bidirectional overrides and isolates removed.
    """
    return _CONTROL.sub("", _ESCAPE_SEQUENCE.sub("", str(text)))


def format_report(report: pd.DataFrame) -> str:
    """The report as plain text: one line per document, its reason indented below, then the counts.

    Everything printed goes through :func:`printable`; a reason of several
    lines is indented on each.

    Parameters
    ----------
    report : DataFrame
        :func:`~valduchesse.fetch.write.fetch_corpus`'s report.

    Returns
    -------
    str
        A header line, then per document its outcome, ids and characters (``old -> new`` when fetched) and
        its reason below, then the count of each outcome on one line.
    """
    def one_line(value) -> str:
        return printable(value).replace("\n", " ")

    lines = []
    width = max([len(one_line(d)) for d in report["doc_ids"]] + [8])
    lines.append(f"{'outcome':<12} {'document':<{width}} {'chars':>17}")
    for row in report.itertuples(index=False):
        chars = f"{row.old_chars:,}" + (f" -> {row.new_chars:,}" if pd.notna(row.new_chars) else "")
        lines.append(f"{one_line(row.outcome):<12} {one_line(row.doc_ids):<{width}} {chars:>17}")
        lines.extend(f"{'':12} {line}" for line in printable(row.reason).split("\n"))
    counts = report["outcome"].value_counts()
    lines.append(", ".join(f"{counts[o]} {o}" for o in OUTCOMES if o in counts))
    return "\n".join(lines)


def exit_status(report: pd.DataFrame) -> int:
    """0 if every document was fetched, would be, or was skipped; 1 if any was refused or failed.

    Parameters
    ----------
    report : DataFrame
        :func:`~valduchesse.fetch.write.fetch_corpus`'s report.

    Returns
    -------
    int
        The exit status.
    """
    return int(bool(report["outcome"].isin(["refused", "failed"]).any()))
