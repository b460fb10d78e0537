"""Confidence intervals of proportions that stay honest for the small counts of these texts.

A share such as 0 of 6 sentences or 2 of 3 is common here. A bootstrap of so few sentences gives
[0.00–0.00] for 0/6 (every resample is 0) and [0.00–1.00] for 2/3; the normal approximation fails
too. The **Wilson score interval** (Wilson 1927; recommended by Brown, Cai & DasGupta 2001) does
not: 0/6 gives [0.00–0.39], 2/3 gives [0.21–0.94]. :func:`wilson` computes it for arrays of counts.
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtri

__all__ = ["wilson"]


def wilson(successes, trials, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of ``successes / trials``, element by element.

    Parameters
    ----------
    successes, trials : array-like of int
        Counts of the same shape; ``0 <= successes <= trials``.
    confidence : float
        Coverage of the interval, e.g. 0.95.

    Returns
    -------
    (low, high) : arrays of float
        NaN where ``trials`` is 0.
    """
    if not 0 < confidence < 1:
        raise ValueError(f"confidence={confidence}. Fix: give a value between 0 and 1, e.g. 0.95")
    k = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    z = ndtri(0.5 + confidence / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        denominator = 1 + z * z / n
        centre = (p + z * z / (2 * n)) / denominator
        half = z / denominator * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
        low, high = np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)
    # at the bounds the exact values are 0 and 1 (the formula leaves rounding dust)
    low, high = np.where(k == 0, 0.0, low), np.where(k == n, 1.0, high)
    return np.where(n > 0, low, np.nan), np.where(n > 0, high, np.nan)
