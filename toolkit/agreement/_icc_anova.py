"""The analysis of variance behind every intraclass correlation.

A complete calls x raters table is summed up call by call: whether the call is
complete, its sum of squared scores, its squared score total, and each rater's
score, all centred on the grand mean. The totals of these per-call terms give
the mean squares of Shrout & Fleiss's one-way and two-way ANOVA, and the mean
squares give each form of the ICC. Because the totals are sums over calls, a
bootstrap over calls needs one matrix product per block of resamples.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

__all__: list[str] = []

# a sum of squares this small relative to the total is rounding, not spread
_RELATIVE_ZERO = 1e-12


class _MeanSquares(NamedTuple):
    """ANOVA of a complete calls x raters table; arrays over leading axes."""

    n_units: np.ndarray
    between_units: np.ndarray  # MSR, between calls
    between_raters: np.ndarray  # MSC, between raters (two-way)
    residual: np.ndarray  # MSE, residual (two-way)
    within_units: np.ndarray  # MSW, within calls (one-way)
    total: np.ndarray  # MST, all scores about the grand mean
    constant: np.ndarray  # True where every score is the same


@dataclass(frozen=True)
class _Anova:
    """The mean squares of the complete calls of one table, for every form."""

    n_raters: int
    n_complete: int
    units_dropped: int
    squares: _MeanSquares

    def mean_squares_dict(self) -> dict[str, float]:
        return {
            "between_units": float(self.squares.between_units),
            "between_raters": float(self.squares.between_raters),
            "residual": float(self.squares.residual),
            "within_units": float(self.squares.within_units),
        }


def _anova(values: np.ndarray, complete: np.ndarray) -> _Anova:
    """Mean squares of the ``complete`` rows of a float calls x raters matrix."""
    terms, magnitude = _call_terms(values, complete)
    totals = terms.sum(axis=0)
    n_raters = values.shape[1]
    n_complete = int(totals[0])
    return _Anova(
        n_raters=n_raters,
        n_complete=n_complete,
        units_dropped=values.shape[0] - n_complete,
        squares=_mean_squares(totals, n_raters, magnitude),
    )


def _call_terms(values: np.ndarray, complete: np.ndarray) -> tuple[np.ndarray, float]:
    """Per-call terms ``[1, sum x^2, (sum x)^2, x_1..x_k]`` and the largest |score|.

    Scores are centred on the mean of the complete calls (no ICC changes when
    every score moves by the same amount); a call outside ``complete`` gets a
    row of zeros.
    """
    if not complete.any():
        return np.zeros((values.shape[0], 3 + values.shape[1])), 0.0

    if complete.all():
        centred = values - values.mean()
        magnitude = float(np.abs(values).max())
    else:
        centred = np.zeros_like(values)
        centred[complete] = values[complete] - values[complete].mean()
        magnitude = float(np.abs(values[complete]).max())
    terms = np.column_stack(
        [
            complete.astype(float),
            (centred**2).sum(axis=1),
            centred.sum(axis=1) ** 2,
            centred,
        ]
    )
    return terms, magnitude


def _mean_squares(totals: np.ndarray, n_raters: int, magnitude: float) -> _MeanSquares:
    """Mean squares from totals ``[n, sum x^2, sum S_i^2, C_1..C_k]`` (..., 3+k).

    ``S_i`` is a call's score total and ``C_j`` a rater's; scores are centred.
    """
    k = n_raters
    n = totals[..., 0]
    sum_squares = totals[..., 1]
    sum_unit_totals_sq = totals[..., 2]
    rater_totals = totals[..., 3:]

    with np.errstate(all="ignore"):
        grand = rater_totals.sum(axis=-1)
        correction = grand**2 / (n * k)
        ss_total = sum_squares - correction
        ss_units = sum_unit_totals_sq / k - correction
        ss_raters = (rater_totals**2).sum(axis=-1) / n - correction

        # differences of sums: clear rounding residue below the total's scale
        zero = _RELATIVE_ZERO * ss_total
        ss_units = np.where(ss_units > zero, ss_units, 0.0)
        ss_raters = np.where(ss_raters > zero, ss_raters, 0.0)
        ss_residual = ss_total - ss_units - ss_raters
        ss_residual = np.where(ss_residual > zero, ss_residual, 0.0)
        ss_within = ss_total - ss_units
        ss_within = np.where(ss_within > zero, ss_within, 0.0)

        # every score equal: only rounding of the centring is left
        constant = ss_total <= n * k * (_RELATIVE_ZERO * magnitude) ** 2

        return _MeanSquares(
            n_units=n,
            between_units=ss_units / (n - 1),
            between_raters=ss_raters / (k - 1),
            residual=ss_residual / ((n - 1) * (k - 1)),
            within_units=ss_within / (n * (k - 1)),
            total=ss_total / (n * k - 1),
            constant=constant,
        )


def _icc_value(
    ms: _MeanSquares, k: int, model: str, type: str, unit: str
) -> tuple[np.ndarray, np.ndarray]:
    """The ICC and its denominator; NaN where undefined (no warning).

    Symbols as in McGraw & Wong (1996): MSR between calls, MSC between
    raters, MSE residual, MSW within calls, ``k`` raters, ``n`` calls.
    """
    n = ms.n_units
    msr = ms.between_units
    error = ms.within_units if model == "oneway" else ms.residual
    with np.errstate(all="ignore"):
        if model == "twoway" and type == "agreement":
            rater_part = (ms.between_raters - ms.residual) / n
            if unit == "single":
                denominator = msr + (k - 1) * ms.residual + k * rater_part
            else:
                denominator = msr + rater_part
        elif unit == "single":
            denominator = msr + (k - 1) * error
        else:
            denominator = msr
        value = (msr - error) / denominator
        usable = np.abs(denominator) > _RELATIVE_ZERO * ms.total
    defined = (n >= 2) & ~ms.constant & usable
    return np.where(defined, value, np.nan), denominator
