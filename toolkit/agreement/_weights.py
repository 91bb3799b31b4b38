"""Agreement weights between categories for weighted coefficients.

A weight matrix ``w`` is ``(q, q)`` with ``w[k, l] = 1`` for full agreement and
``0`` for the largest disagreement the scale allows. The formulas follow Gwet
(2014), Handbook of Inter-Rater Reliability, 4th ed., chapter 3 (table 3.6.1),
which irrCAC implements; "linear" and "quadratic" are also Cohen's (1968).
"""

from __future__ import annotations

from typing import Literal

import numpy as np

__all__ = ["WEIGHT_KINDS", "weight_matrix"]

WeightKind = Literal[
    "identity",
    "linear",
    "quadratic",
    "ordinal",
    "radical",
    "ratio",
    "circular",
    "bipolar",
]
WEIGHT_KINDS: tuple[str, ...] = (
    "identity",
    "linear",
    "quadratic",
    "ordinal",
    "radical",
    "ratio",
    "circular",
    "bipolar",
)


def weight_matrix(
    weights: str | np.ndarray,
    category_values: np.ndarray,
    *,
    weights_by: Literal["value", "rank"] = "value",
) -> np.ndarray:
    """The ``(q, q)`` agreement-weight matrix for ``q`` categories.

    Parameters
    ----------
    weights
        A kind from :data:`WEIGHT_KINDS`, ``"unweighted"`` (same as identity),
        or a custom ``(q, q)`` matrix with ones on the diagonal.
    category_values
        The number each category stands for, in scale order.
    weights_by
        ``"value"`` spaces categories by their values (irrCAC); ``"rank"`` by
        their position 1..q (R irr, psych, statsmodels, scikit-learn). The two
        differ only for unevenly spaced numeric categories.

    Examples
    --------
    >>> weight_matrix("linear", np.array([1.0, 2.0, 3.0])).tolist()
    [[1.0, 0.5, 0.0], [0.5, 1.0, 0.5], [0.0, 0.5, 1.0]]
    >>> w = weight_matrix("quadratic", np.array([1.0, 2.0, 4.0]), weights_by="rank")
    >>> float(w[0, 1])
    0.75
    """
    q = len(category_values)
    if not isinstance(weights, str):
        matrix = np.asarray(weights, dtype=float)
        if matrix.shape != (q, q):
            raise ValueError(
                f"a custom weight matrix must be {q} x {q} (one row and column per "
                f"category); got shape {matrix.shape}"
            )
        if not np.allclose(np.diag(matrix), 1.0):
            raise ValueError(
                "a custom weight matrix needs ones on its diagonal (a score agrees "
                f"fully with itself); its diagonal is {np.diag(matrix).tolist()}"
            )
        return matrix
    if weights == "unweighted":
        weights = "identity"
    if weights not in WEIGHT_KINDS:
        raise ValueError(
            f"weights={weights!r} is not known; use one of "
            f"{', '.join(WEIGHT_KINDS)}, 'unweighted' or a q x q matrix"
        )
    if weights_by not in ("value", "rank"):
        raise ValueError(f"weights_by={weights_by!r}: use 'value' or 'rank'")
    if weights == "identity" or q < 2:
        return np.eye(q)

    x = np.asarray(category_values, dtype=float)
    if weights_by == "rank" or weights == "ordinal":
        x = np.arange(1.0, q + 1)
    a, b = x[:, None], x[None, :]
    low, high = x.min(), x.max()

    if weights == "linear":
        return 1 - np.abs(a - b) / (high - low)
    if weights == "quadratic":
        return 1 - (a - b) ** 2 / (high - low) ** 2
    if weights == "radical":
        return 1 - np.sqrt(np.abs(a - b)) / np.sqrt(high - low)
    if weights == "ordinal":
        span = np.abs(a - b) + 1
        raw = span * (span - 1) / 2
    elif weights == "ratio":
        with np.errstate(divide="ignore", invalid="ignore"):
            raw = np.where(a + b == 0, 0.0, ((a - b) / (a + b)) ** 2)
    elif weights == "circular":
        raw = np.sin(np.pi * (a - b) / (high - low + 1)) ** 2
    else:  # bipolar
        with np.errstate(divide="ignore", invalid="ignore"):
            denom = (a + b - 2 * low) * (2 * high - a - b)
            raw = np.where(denom == 0, 0.0, (a - b) ** 2 / denom)
    return 1 - raw / raw.max()
