"""How a disagreement between coders was settled, in words (:mod:`valduchesse.coding_reliability`)."""

from __future__ import annotations

from ..coding_reliability import Adjudication

__all__ = ["adjudication_note"]


def adjudication_note(settled: Adjudication) -> str:
    """How one sentence's final codes were settled, as the ``note`` column of ``coding/sentences.csv`` begins.

    Parameters
    ----------
    settled : Adjudication
        :func:`valduchesse.coding_reliability.adjudicate`'s result.

    Returns
    -------
    str
        ``agreed``; ``adjudicated by majority with the third reader: CODE kept, CODE dropped`` (each code
        only one of the two coders gave); or, for the rule ``third reader``, ``adjudicated: three different
        readings, the third reader's codes taken``. That last note is written for both of the rule's cases
        (:func:`valduchesse.coding_reliability.adjudicate`): no code with two votes, which are three
        different readings, and codes with two votes that would put a marker (``furniture``,
        ``undecidable``, ``none``) beside another code (possible only if a reading itself mixes them, which
        :func:`valduchesse.coding.check_codes` refuses), where two readings share codes and the note's
        "three different readings" is not true; the note keeps the wording ``coding/sentences.csv`` logs
        (tests/test_coding.py checks each note against it).

    Raises
    ------
    ValueError
        For a rule other than ``agreed``, ``majority`` and ``third reader``.
    """
    if settled.rule == "agreed":
        return "agreed"
    if settled.rule == "majority":
        said = ", ".join(f"{code} {'kept' if kept else 'dropped'}" for code, kept in settled.disputed)
        return f"adjudicated by majority with the third reader: {said}"
    if settled.rule == "third reader":
        return "adjudicated: three different readings, the third reader's codes taken"
    raise ValueError(f"unknown adjudication rule {settled.rule!r}. Fix: use 'agreed', 'majority' or 'third reader'")
