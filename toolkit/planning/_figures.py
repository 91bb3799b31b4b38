"""Figures of simulated rounds and their Monte Carlo errors.

Means and shares carry their standard error. A quantile's error is half the
distance between the order statistics one binomial standard deviation either
side of it (about one standard error of the quantile, without a density
estimate).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from toolkit.planning._batch import RoundEstimates
from toolkit.planning._result import VERDICTS, SimulatedFigure

__all__ = ["round_figures"]


def round_figures(
    rounds: RoundEstimates,
    *,
    truth: float,
    level: float,
    thresholds: tuple[float, float],
) -> dict[str, Any]:
    """Every simulated figure of a RoundPlan from the rounds' estimates."""
    estimate = rounds.statistic
    defined = np.isfinite(estimate) & np.isfinite(rounds.low)
    defined &= np.isfinite(rounds.high)
    shown = estimate[defined]
    covered = (rounds.low <= truth) & (truth <= rounds.high)

    # verdict bands over all rounds; an undefined round has no verdict
    band = np.searchsorted(thresholds, shown, side="right")
    n_rounds = estimate.size
    bands = {
        verdict: _share(int(np.count_nonzero(band == k)), n_rounds)
        for k, verdict in enumerate(VERDICTS)
    }
    tail = (1 - level) / 2
    return {
        "analytic_half_width": _mean(rounds.half_width[defined]),
        "spread_half_width": _quantile(np.abs(shown - truth), level),
        "coverage": _share(int(np.count_nonzero(covered[defined])), shown.size),
        "median": _quantile(shown, 0.5),
        "estimate_low": _quantile(shown, tail),
        "estimate_high": _quantile(shown, 1 - tail),
        "band_probabilities": bands,
        "undefined_share": _share(n_rounds - shown.size, n_rounds),
    }


def _mean(values: np.ndarray) -> SimulatedFigure:
    if values.size < 2:
        return SimulatedFigure(math.nan, math.nan)
    error = values.std(ddof=1) / math.sqrt(values.size)
    return SimulatedFigure(float(values.mean()), float(error))


def _share(count: int, total: int) -> SimulatedFigure:
    if total == 0:
        return SimulatedFigure(math.nan, math.nan)
    p = count / total
    return SimulatedFigure(p, math.sqrt(p * (1 - p) / total))


def _quantile(values: np.ndarray, p: float) -> SimulatedFigure:
    """Quantile with half the gap between the order statistics ±1 SD away."""
    if values.size < 2:
        return SimulatedFigure(math.nan, math.nan)
    ordered = np.sort(values)
    n = values.size
    spread = math.sqrt(n * p * (1 - p))
    below = ordered[max(0, math.floor(n * p - spread))]
    above = ordered[min(n - 1, math.ceil(n * p + spread))]
    value = float(np.quantile(ordered, p))
    return SimulatedFigure(value, float(above - below) / 2)
