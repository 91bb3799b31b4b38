"""Krippendorff's alpha and its reported interval for many rounds at once.

A stack of rounds is an integer array ``(n_rounds, n_calls, n_raters)`` of
levels 1..q, 0 where a rater did not score a call. Every step works on the
whole stack: the calls' level counts, the distances between levels (per
round for the ordinal metric, whose mid-ranks depend on the round's level
totals), alpha, Gwet's standard error and irrCAC's t interval. The formulas
are those of :func:`toolkit.agreement.krippendorff_alpha` (count path) and
give its numbers to rounding; ``tests/test_planning.py`` checks that.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from scipy import stats

__all__ = ["RoundEstimates", "alpha_of_rounds"]


class RoundEstimates(NamedTuple):
    """Per round: alpha, standard error and reported interval (NaN undefined)."""

    statistic: np.ndarray
    standard_error: np.ndarray
    low: np.ndarray
    high: np.ndarray

    @property
    def half_width(self) -> np.ndarray:
        """Half the reported interval's width, as ``Interval.half_width``."""
        return (self.high - self.low) / 2


def alpha_of_rounds(
    levels: np.ndarray, *, n_levels: int, metric: str, level: float
) -> RoundEstimates:
    """Alpha, Gwet's standard error and the interval of every round of a stack.

    Parameters
    ----------
    levels
        ``(n_rounds, n_calls, n_raters)`` integers, 1..n_levels, 0 missing.
    n_levels
        Levels of the scale.
    metric
        ``"ordinal"``, ``"interval"`` or ``"nominal"``.
    level
        Confidence level of the interval.

    Returns
    -------
    RoundEstimates
        Arrays of shape ``(n_rounds,)``. A round with fewer than two calls
        scored twice, or without expected disagreement, is NaN throughout.
    """
    counts = _call_counts(levels, n_levels)

    # keep calls scored by at least two raters
    m = counts.sum(axis=-1)
    n_rated = (m > 0).sum(axis=-1)
    pairable = m >= 2
    counts = counts * pairable[..., None]
    m = m * pairable
    n_units = pairable.sum(axis=-1)

    # disagreement within each call and expected among all pairable scores
    totals = counts.sum(axis=1)
    n_values = totals.sum(axis=-1)
    delta = _distance(metric, totals)
    unit = ((counts @ delta) * counts).sum(axis=-1)
    expected_total = ((totals[:, None, :] @ delta)[:, 0, :] * totals).sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_distance = (delta @ totals[..., None])[..., 0] / n_values[:, None]
    unit_expected = (counts @ mean_distance[..., None])[..., 0]
    per_unit = unit / np.maximum(m - 1, 1)

    # alpha = 1 - (N - 1) sum_u(Do_u / (m_u - 1)) / De_sum, as in _alpha.py
    with np.errstate(divide="ignore", invalid="ignore"):
        observed = per_unit.sum(axis=-1) / n_values
        expected = expected_total / (n_values * (n_values - 1))
        statistic = 1.0 - observed / expected
        se = _gwet_standard_error(m, n_units, unit, unit_expected, expected_total)
    defined = (n_units >= 2) & (expected_total > 0)
    statistic = np.where(defined, statistic, np.nan)
    se = np.where(defined, se, np.nan)
    low, high = _t_interval(statistic, se, level, n_rated - 1)
    return RoundEstimates(statistic, se, low, high)


def _gwet_standard_error(
    m: np.ndarray,
    n_units: np.ndarray,
    unit: np.ndarray,
    unit_expected: np.ndarray,
    expected_total: np.ndarray,
) -> np.ndarray:
    """Gwet's linearisation standard error per round (irrCAC's formula).

    As ``toolkit.agreement._alpha._gwet_standard_error``, over the pairable
    calls of each round (``m >= 2``); other calls add nothing.
    """
    pairable = m >= 2
    n_values = m.sum(axis=-1)
    rbar = (n_values / n_units)[:, None]
    observed = (unit / np.maximum(m - 1, 1)).sum(axis=-1) / n_values
    expected = expected_total / n_values**2
    alpha_prime = 1 - observed / expected

    dev = (m - rbar) / rbar
    observed, expected = observed[:, None], expected[:, None]
    agreement = 1 - (unit / (rbar * (m - 1)) - observed * dev) / expected
    chance = (m * expected - unit_expected) / (rbar * expected)
    x = agreement - 2 * (1 - alpha_prime[:, None]) * chance
    squares = np.where(pairable, (x - alpha_prime[:, None]) ** 2, 0.0)
    return np.sqrt(squares.sum(axis=-1) / (n_units * (n_units - 1)))


def _t_interval(
    statistic: np.ndarray, se: np.ndarray, level: float, df: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """irrCAC's ``statistic +/- t(df) se``, upper end at most 1."""
    ok = np.isfinite(se) & (df >= 1)
    quantile = np.full(df.shape, np.nan)
    distinct, where = np.unique(df[ok], return_inverse=True)
    quantile[ok] = stats.t.ppf(0.5 + level / 2, distinct)[where]
    low = np.where(ok, statistic - quantile * se, np.nan)
    high = np.where(ok, np.minimum(1.0, statistic + quantile * se), np.nan)
    return low, high


def _call_counts(levels: np.ndarray, q: int) -> np.ndarray:
    """``(n_rounds, n_calls, q)`` number of scores of each level per call."""
    n_rounds, n_calls, _ = levels.shape
    call = np.arange(n_rounds * n_calls).reshape(n_rounds, n_calls, 1)
    flat = (call * (q + 1) + levels).ravel()
    counts = np.bincount(flat, minlength=n_rounds * n_calls * (q + 1))
    return counts.reshape(n_rounds, n_calls, q + 1)[..., 1:].astype(float)


def _distance(metric: str, totals: np.ndarray) -> np.ndarray:
    """Krippendorff's distance between levels: ``(q, q)`` or per round."""
    q = totals.shape[-1]
    if metric == "nominal":
        return 1.0 - np.eye(q)
    if metric == "ordinal":
        rank = np.cumsum(totals, axis=-1) - totals / 2
        return (rank[:, :, None] - rank[:, None, :]) ** 2
    values = np.arange(1.0, q + 1)
    return (values[:, None] - values[None, :]) ** 2
