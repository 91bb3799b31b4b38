"""Per-unit additive terms: the shape that lets the bootstrap run without loops.

Most agreement coefficients are a smooth function of sums over units: counts of
agreeing pairs, category totals, sums of squares. A coefficient that can be
written that way provides a ``UnitTerms``: one row of numbers per unit such that

    statistic == combine(terms.sum(axis=0))

A bootstrap resample of units is then a vector of multiplicities ``c`` (how many
times each unit was drawn), and the resampled statistic is
``combine(c @ terms)``; for B resamples at once, ``combine(C @ terms)`` with
``C`` of shape ``(B, n_units)``: one matrix product instead of B recomputations.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

__all__ = ["UnitTerms"]


@dataclass(frozen=True)
class UnitTerms:
    """Additive per-unit terms of a coefficient.

    Attributes
    ----------
    terms
        ``(n_units, m)`` float array.
    combine
        Maps totals of shape ``(..., m)`` to the statistic of shape ``(...)``.
        It must be vectorised over the leading axes, return NaN (without
        warning) where the statistic is undefined, and satisfy
        ``combine(terms.sum(axis=0)) == statistic`` of the coefficient.
    """

    terms: np.ndarray
    combine: Callable[[np.ndarray], np.ndarray]

    def statistic(self) -> float:
        """The statistic on all units (the terms summed once)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return float(self.combine(self.terms.sum(axis=0)))
