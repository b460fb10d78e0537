"""Integrity checks: where the stored excerpts are in the fetched text, after white space and quote normalisation."""

from __future__ import annotations

import os
import re

from .errors import Refused

__all__ = ["Mismatch", "full_text_for", "locate_later_part", "locate_opening", "normalise", "normalise_with_index"]


_QUOTES = {"\u2019": "'", "\u2018": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
           "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u00ab": '"', "\u00bb": '"',
           "\u2039": '"', "\u203a": '"'}
_INVISIBLE = frozenset("\u00ad\u200b\u200c\u200d\u2060\ufeff")
_LIST_MARKER = re.compile(r"^\s*[-\u2010-\u2015\u2022*]\s+")



def normalise(text: str) -> str:
    """``text`` as the integrity check compares it: see :func:`normalise_with_index`.

    Parameters
    ----------
    text : str
        A stored body or a page's text.

    Returns
    -------
    str
        The normalised text.
    """
    return normalise_with_index(text)[0]


def normalise_with_index(text: str) -> tuple[str, list[int]]:
    """Normalise ``text`` and give, for each character of the result, its index in ``text``.

    Every run of white space (line breaks and non-breaking spaces included)
    becomes one space and white space at either end goes; soft hyphens and
    zero-width characters go; ’ ‘ ‚ ‛ ′ become ``'`` and “ ” „ ‟ « » ‹ › become
    ``"``. Nothing else changes (dashes, case and accents count).

    Parameters
    ----------
    text : str
        A stored body or a page's text.

    Returns
    -------
    tuple of (str, list of int)
        The normalised text, and for each of its characters the index in ``text`` of the character it comes
        from (for a space, the first white-space character of its run).
    """
    chars: list[str] = []
    index: list[int] = []
    space_at = None
    for i, char in enumerate(text):
        if char in _INVISIBLE:
            continue
        if char.isspace():
            if space_at is None and chars:
                space_at = i
            continue
        if space_at is not None:
            chars.append(" ")
            index.append(space_at)
            space_at = None
        chars.append(_QUOTES.get(char, char))
        index.append(i)
    return "".join(chars), index


class Mismatch(Refused):
    """The stored text is not in the fetched one as it must be; ``progress`` is how far it matched."""

    def __init__(self, message: str, progress: int = 0):
        super().__init__(message)
        self.progress = progress


def _snippet(text: str, at: int, before: int = 25, after: int = 35) -> str:
    start = max(0, at - before)
    piece = text[start:at] + "⟨here⟩" + text[at:at + after]
    return ("…" if start else "") + piece + ("…" if at + after < len(text) else "")


def locate_opening(excerpt: str, page_text: str) -> int:
    """Where the full text starts in ``page_text``: the index at which ``excerpt`` starts.

    After :func:`normalise` on both sides, the excerpt must occur whole in the
    page's text; the full text is the page's text from there on, so the
    normalised excerpt is a prefix of it.

    Parameters
    ----------
    excerpt : str
        The stored opening excerpt.
    page_text : str
        The page's text (:func:`~valduchesse.fetch.extract.extract_texts`).

    Returns
    -------
    int
        The index in ``page_text`` (not normalised) where the excerpt starts.

    Raises
    ------
    Mismatch
        If the excerpt is empty or not in the page, saying at which character of the excerpt (and line) the
        page diverges, with the words on each side, or that the page's text ends first.
    """
    norm_e, index_e = normalise_with_index(excerpt)
    norm_p, index_p = normalise_with_index(page_text)
    if not norm_e:
        raise Mismatch("the stored excerpt is empty")
    found = norm_p.find(norm_e)
    if found >= 0:
        return index_p[found]
    anchor = norm_e[: min(len(norm_e), 30)]
    starts, pos = [], norm_p.find(anchor)
    while pos >= 0 and len(starts) < 100:
        starts.append(pos)
        pos = norm_p.find(anchor, pos + 1)
    if not starts:
        raise Mismatch(f"the excerpt's opening \"{anchor}…\" is nowhere in the page's text, which starts "
                       f"\"{norm_p[:60]}…\"")
    best = max(starts, key=lambda s: len(os.path.commonprefix([norm_e, norm_p[s:]])))
    same = len(os.path.commonprefix([norm_e, norm_p[best:]]))
    at = index_e[same]
    line = excerpt.count("\n", 0, at) + 1
    if best + same >= len(norm_p):
        raise Mismatch(f"the page's text ends at character {at:,} (line {line}) of the stored excerpt, before "
                       f"the excerpt does: the page holds less than the stored text", same)
    raise Mismatch(f"the stored excerpt and the page diverge at character {at:,} (line {line}) of the excerpt: "
                   f"stored \"{_snippet(norm_e, same)}\" / page \"{_snippet(norm_p, best + same)}\"", same)


def locate_later_part(excerpt: str, full_text: str, not_before_end: int = 0, label: str = "the part",
                      preceding: str = "") -> int:
    """Check that a later part's paragraphs are in ``full_text``, in order; return where it ends.

    Each non-empty line of ``excerpt`` (a list marker such as ``- `` at its
    start dropped) must be found in the normalised ``full_text`` after the
    previous one, and the part must end after the part before it, so that parts come in reading order.

    Parameters
    ----------
    excerpt : str
        The later part's stored body.
    full_text : str
        The full text (from where the opening excerpt starts).
    not_before_end : int, optional
        The end of the part before, in normalised characters of ``full_text``.
    label : str, optional
        How the part is named in an error (e.g. ``part 2``).
    preceding : str, optional
        The page's text before the full text starts: it only serves to say when a paragraph is on the page,
        but before part 1.

    Returns
    -------
    int
        Where the part's last paragraph ends, in normalised characters of ``full_text``.

    Raises
    ------
    Mismatch
        Naming the paragraph not found (and whether it is elsewhere on the page), or saying that the part
        is empty or ends before the part preceding it.
    """
    norm_full = normalise(full_text)
    paragraphs = [normalise(_LIST_MARKER.sub("", line)) for line in excerpt.split("\n")]
    paragraphs = [p for p in paragraphs if p]
    if not paragraphs:
        raise Mismatch(f"{label} is empty")
    pos = 0
    for number, paragraph in enumerate(paragraphs, 1):
        found = norm_full.find(paragraph, pos)
        if found < 0:
            if norm_full.find(paragraph) >= 0:
                where = "in the fetched text only before the paragraphs that precede it: not in reading order"
            elif paragraph in normalise(preceding):
                where = "on the page only before where part 1 starts: the parts are not in reading order"
            else:
                where = "not in the fetched text"
            raise Mismatch(f"paragraph {number} of {label} (\"{paragraph[:50]}…\") is {where}",
                           progress=len(normalise(preceding)) + pos)
        pos = found + len(paragraph)
    if pos <= not_before_end:
        raise Mismatch(f"{label} ends before the part preceding it does: the parts are not in reading order")
    return pos


def full_text_for(parts: list[str], candidates: list[str]) -> str:
    """The full text that holds every part, from the first candidate page text that does.

    See :func:`locate_opening` and :func:`locate_later_part`.

    Parameters
    ----------
    parts : list of str
        The stored bodies in part order, the first an opening excerpt.
    candidates : list of str
        Page texts to try, in order (:func:`~valduchesse.fetch.extract.extract_texts`).

    Returns
    -------
    str
        The first candidate that holds every part, from where the opening excerpt starts to its end.

    Raises
    ------
    Mismatch
        That of the candidate that matched furthest (or "the page has no text" without candidates).
    """
    best: Mismatch | None = None
    for candidate in candidates:
        try:
            start = locate_opening(parts[0], candidate)
            full = candidate[start:]
            end = len(normalise(parts[0]))
            for number, part in enumerate(parts[1:], 2):
                end = locate_later_part(part, full, end, f"part {number}", candidate[:start])
            return full
        except Mismatch as err:
            if best is None or err.progress > best.progress:
                best = err
    raise best if best is not None else Mismatch("the page has no text")
