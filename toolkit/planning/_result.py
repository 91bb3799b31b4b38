"""What a planning question answers: simulated figures with their error."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from types import MappingProxyType
from typing import Any

import numpy as np

__all__ = ["VERDICTS", "CallsNeeded", "RoundPlan", "SimulatedFigure"]

# the calibration report's verdict bands, lowest first
VERDICTS: tuple[str, ...] = ("needs a sharper definition", "tentative", "ready")


@dataclass(frozen=True)
class SimulatedFigure:
    """A figure estimated from simulated rounds, with its Monte Carlo error.

    ``monte_carlo_error`` is the standard error of ``value`` from the finite
    number of simulated rounds; more simulations make it smaller.
    """

    value: float
    monte_carlo_error: float

    def __str__(self) -> str:
        """Value and error, to the error's first significant digit.

        Examples
        --------
        >>> print(SimulatedFigure(0.099356, 0.00043))
        0.0994 ± 0.0004
        """
        digits = _decimals(self.monte_carlo_error, least=3)
        return f"{self.value:.{digits}f} ± {self.monte_carlo_error:.{digits}f}"

    def percent(self) -> str:
        """The figure as a share, e.g. ``'47.1% ± 1.1%'``."""
        digits = _decimals(100 * self.monte_carlo_error, least=1)
        return f"{self.value:.{digits}%} ± {self.monte_carlo_error:.{digits}%}"


@dataclass(frozen=True)
class RoundPlan:
    """What a planned calibration round will show, from simulated rounds.

    Attributes
    ----------
    coefficient, metric
        The coefficient simulated and its distance between levels.
    n_calls, n_raters, n_levels
        The planned round and its scale.
    expected_agreement
        True alpha of the generating process.
    latent_correlation
        The model's correlation of two raters' latent scores that gives it.
    level
        Confidence level of the intervals.
    half_width_method
        Which figure ``half_width`` is: ``"analytic"`` or ``"spread"``.
    half_width
        The planning figure, one of the two below.
    analytic_half_width
        Mean over rounds of the half-width of the interval the toolkit
        reports (Gwet's standard error, irrCAC's t interval capped at 1).
    spread_half_width
        The ``level`` quantile of ``|estimate - true alpha|``: the half-width
        an interval centred on the estimate needs to hold the truth that
        often.
    coverage
        Share of rounds whose reported interval holds the true alpha.
    median, estimate_low, estimate_high
        Median and the ``(1 - level) / 2`` and ``(1 + level) / 2`` quantiles
        of the estimate across rounds: the range a lead will see.
    band_probabilities
        Verdict (see ``VERDICTS``) -> share of all rounds whose estimate
        falls in its band; with ``undefined_share`` they sum to 1.
    undefined_share
        Share of rounds whose alpha or interval is undefined (every pairable
        score at one level, or fewer than two calls scored twice).
    thresholds
        Lower ends of the tentative and ready bands.
    missing_share, n_simulations, seed, toolkit_version
        How the rounds were drawn; the seed reproduces them.
    """

    coefficient: str
    metric: str
    n_calls: int
    n_raters: int
    n_levels: int
    expected_agreement: float
    latent_correlation: float
    level: float
    half_width_method: str
    half_width: SimulatedFigure
    analytic_half_width: SimulatedFigure
    spread_half_width: SimulatedFigure
    coverage: SimulatedFigure
    median: SimulatedFigure
    estimate_low: SimulatedFigure
    estimate_high: SimulatedFigure
    band_probabilities: Mapping[str, SimulatedFigure]
    undefined_share: SimulatedFigure
    thresholds: tuple[float, float]
    missing_share: float
    n_simulations: int
    seed: int
    toolkit_version: str = field(repr=False)

    def __post_init__(self) -> None:
        bands = MappingProxyType(dict(self.band_probabilities))
        object.__setattr__(self, "band_probabilities", bands)

    @property
    def true_verdict(self) -> str:
        """The verdict the true alpha deserves."""
        return VERDICTS[
            int(np.searchsorted(self.thresholds, self.expected_agreement, side="right"))
        ]

    def to_dict(self) -> dict[str, Any]:
        """Plain values for JSON: figures as dicts, NaN as None."""
        return _plain(self)

    def summary(self) -> str:
        """What a lead reads: interval, range of estimates, verdict shares."""
        low, tentative = (f"{t:.3f}" for t in self.thresholds)
        labels = {
            "ready": f"ready ({tentative} or more)",
            "tentative": f"tentative ({low} to {tentative})",
            "needs a sharper definition": f"needs a sharper definition (below {low})",
        }
        percent = f"{self.level:.0%}"
        how = {
            "analytic": "mean of the intervals rounds report",
            "spread": f"half-width that holds the true alpha in {percent} of rounds",
        }[self.half_width_method]
        missing = (
            f", {self.missing_share:.0%} of scores missing"
            if self.missing_share
            else ""
        )
        share = self.band_probabilities[self.true_verdict].value
        lines = [
            f"A round of {self.n_calls} calls x {self.n_raters} raters on "
            f"{self.n_levels} levels{missing}, true alpha "
            f"{self.expected_agreement:.3f} ({self.metric})",
            f"  {percent} interval half-width: {self.half_width} ({how})",
            f"  estimate: median {self.median.value:.3f}; {percent} of rounds "
            f"between {self.estimate_low.value:.3f} and "
            f"{self.estimate_high.value:.3f}",
            f"  reported intervals held the true alpha in "
            f"{self.coverage.percent()} of rounds",
            f"  {'verdict a lead will see':44} share of rounds",
        ]
        for verdict in reversed(VERDICTS):
            figure = self.band_probabilities[verdict]
            lines.append(f"    {labels[verdict]:42} {figure.percent()}")
        lines.append(f"    {'undefined':42} {self.undefined_share.percent()}")
        lines.append(
            f"  The true verdict, {self.true_verdict}, comes out in {share:.0%} "
            "of rounds."
        )
        lines.append(
            f"  {self.n_simulations} simulated rounds, seed {self.seed}, "
            f"toolkit {self.toolkit_version}"
        )
        return "\n".join(lines)


@dataclass(frozen=True)
class CallsNeeded:
    """The smallest round whose interval is at most a target half-width.

    Attributes
    ----------
    n_calls
        The answer: the fewest calls whose simulated half-width is at most
        ``target_half_width``.
    n_calls_monte_carlo_error
        Its Monte Carlo error in calls, from ``half_width``'s error and the
        half-width falling as ``1 / sqrt(n_calls)``.
    target_half_width
        The target.
    half_width
        The half-width the answer achieves.
    plan
        The whole :class:`RoundPlan` of the answer.
    evaluations
        ``(n_calls, half_width)`` of every round size the search simulated.
    """

    n_calls: int
    n_calls_monte_carlo_error: float
    target_half_width: float
    half_width: SimulatedFigure
    plan: RoundPlan
    evaluations: tuple[tuple[int, float], ...]

    @property
    def seed(self) -> int:
        """The seed of every simulated round size."""
        return self.plan.seed

    def to_dict(self) -> dict[str, Any]:
        """Plain values for JSON: figures as dicts, NaN as None."""
        return _plain(self)

    def summary(self) -> str:
        """The answer, then what a round of that size will show."""
        plan = self.plan
        return "\n".join(
            [
                f"Calls needed for a {plan.level:.0%} interval half-width of at "
                f"most {self.target_half_width:.3f}: {self.n_calls} calls (± "
                f"{self.n_calls_monte_carlo_error:.1f} from simulation), which "
                f"give {self.half_width}",
                plan.summary(),
            ]
        )


def _decimals(error: float, *, least: int) -> int:
    """Decimals that show an error's first significant digit (at most 6)."""
    if not error > 0 or not math.isfinite(error):
        return least
    return min(6, max(least, -math.floor(math.log10(error))))


def _plain(value: Any) -> Any:
    if isinstance(value, SimulatedFigure | RoundPlan | CallsNeeded):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, float) and math.isnan(value):
        return None
    return value
