"""Wording shared by the prose modules."""

from __future__ import annotations


__all__ = ["series"]


def series(items) -> str:
    """A list in words: ``a``, ``a and b``, ``a, b and c``; ``none`` when it is empty.

    Parameters
    ----------
    items : iterable of str
        The items, in the order said.

    Returns
    -------
    str
        The items joined by commas, the last by "and".
    """
    items = list(items)
    if not items:
        return "none"
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
