"""A criterion's coefficient, its bootstrap, band probabilities and verdict.

The bands cut the coefficient's range at two thresholds (Krippendorff's 0.667
and 0.800 by default): below the first a criterion *needs a sharper
definition*, between them it is *tentative*, from the second up it is *ready*.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from toolkit import agreement
from toolkit.errors import BootstrapWarning, UndefinedCoefficientWarning
from toolkit.ratings import CriterionRatings

__all__ = [
    "BANDS",
    "BAND_COLUMNS",
    "VERDICTS",
    "Choice",
    "assess",
    "band_of",
    "choose",
    "point_estimate",
]

BANDS: tuple[str, ...] = ("needs a sharper definition", "tentative", "ready")
VERDICTS: tuple[str, ...] = (*BANDS, "too few calls to tell", "undefined")
BAND_COLUMNS: dict[str, str] = {
    "needs a sharper definition": "p_needs_sharper_definition",
    "tentative": "p_tentative",
    "ready": "p_ready",
}
_METRICS = {
    "nominal": "nominal",
    "ordinal": "ordinal",
    "interval": "interval",
    "ratio": "ratio",
}


@dataclass(frozen=True)
class Choice:
    """The coefficient a verdict rests on, with its options."""

    name: str
    options: Mapping[str, Any]

    @property
    def variant(self) -> str:
        return ", ".join(f"{key}={value}" for key, value in self.options.items())


def choose(
    ratings: CriterionRatings,
    coefficient: str | None,
    options: Mapping[str, Any] | None,
) -> Choice:
    """Alpha with the scale's metric, or the named coefficient.

    A named coefficient gets the options :func:`agreement.default_coefficients`
    gives it for this scale (e.g. ordinal weights for Gwet's AC2 on an ordinal
    criterion), then ``options`` on top.
    """
    if coefficient is None:
        chosen = {"metric": _METRICS[ratings.scale.kind]}
        return Choice("krippendorff_alpha", {**chosen, **(options or {})})
    defaults = [
        extra
        for name, _, extra in agreement.default_coefficients(ratings)
        if name == coefficient
    ]
    return Choice(coefficient, {**(defaults[0] if defaults else {}), **(options or {})})


def point_estimate(ratings: CriterionRatings, choice: Choice, level: float) -> float:
    """The coefficient's value, NaN when undefined or not computable here."""
    if ratings.n_calls == 0 or ratings.n_raters < 2:
        return math.nan
    function = getattr(agreement, choice.name)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UndefinedCoefficientWarning)
            result = function(ratings, level=level, **choice.options)
    except (ValueError, TypeError, NotImplementedError):
        return math.nan
    return float(result.statistic)


def band_of(value: float, thresholds: tuple[float, float]) -> str:
    """The band a coefficient value falls in (``value`` must be a number)."""
    return BANDS[int(np.searchsorted(thresholds, value, side="right"))]


def assess(
    ratings: CriterionRatings,
    choice: Choice,
    *,
    thresholds: tuple[float, float],
    level: float,
    n_resamples: int,
    seed: np.random.SeedSequence,
) -> dict[str, Any]:
    """Estimate, bootstrap interval, band probabilities and verdict."""
    row: dict[str, Any] = {
        "coefficient": choice.name,
        "variant": choice.variant,
        "estimate": math.nan,
        "ci_low": math.nan,
        "ci_high": math.nan,
        "standard_error": math.nan,
        "n_calls": ratings.n_calls,
        "n_raters": ratings.n_raters,
        **dict.fromkeys(BAND_COLUMNS.values(), math.nan),
        "bootstrap_shift": math.nan,
        "n_undefined_resamples": 0,
    }
    if ratings.n_calls == 0:
        return _judged(row, thresholds, "no call was scored by two raters")

    # the bootstrap gives the estimate, the interval and the distribution
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UndefinedCoefficientWarning)
            warnings.simplefilter("ignore", BootstrapWarning)
            result = agreement.bootstrap(
                ratings,
                choice.name,
                n_resamples=n_resamples,
                level=level,
                rng=np.random.default_rng(seed),
                **choice.options,
            )
    except (ValueError, TypeError, NotImplementedError) as exc:
        return _judged(row, thresholds, f"{choice.name} not computed: {exc}")
    row.update(n_calls=result.n_units, n_raters=result.n_raters)
    if not result.is_defined:
        return _judged(row, thresholds, f"undefined: {result.undefined_reason}")

    # band probabilities: shares of the defined resamples in each band
    distribution = np.asarray(result.details["bootstrap_distribution"], dtype=float)
    defined = distribution[np.isfinite(distribution)]
    row.update(
        estimate=result.statistic,
        ci_low=result.confidence_interval.low,
        ci_high=result.confidence_interval.high,
        standard_error=result.standard_error,
        n_undefined_resamples=int(distribution.size - defined.size),
    )
    if defined.size:
        row.update(band_probabilities(defined, thresholds))
        row["bootstrap_shift"] = float(defined.mean() - result.statistic)
    return _judged(row, thresholds, None)


def band_probabilities(
    values: np.ndarray, thresholds: tuple[float, float]
) -> dict[str, float]:
    """Share of ``values`` in each band, keyed by the band's column name."""
    low, high = thresholds
    shares = (
        np.mean(values < low),
        np.mean((values >= low) & (values < high)),
        np.mean(values >= high),
    )
    return {
        BAND_COLUMNS[band]: float(share)
        for band, share in zip(BANDS, shares, strict=True)
    }


def _judged(
    row: dict[str, Any], thresholds: tuple[float, float], undefined: str | None
) -> dict[str, Any]:
    """Add the verdict and the reason for it, in words."""
    low, high = thresholds
    estimate, ci_low, ci_high = row["estimate"], row["ci_low"], row["ci_high"]
    if undefined is not None or math.isnan(estimate):
        verdict, reason = "undefined", undefined or "undefined"
    elif math.isnan(ci_low) or math.isnan(ci_high):
        verdict = "too few calls to tell"
        reason = "no interval: too few informative calls to resample"
    elif ci_low < low and ci_high >= high:
        verdict = "too few calls to tell"
        reason = (
            f"the interval {ci_low:.3f} to {ci_high:.3f} reaches all three "
            f"bands (below {low:.3f} and {high:.3f} or more)"
        )
    else:
        verdict = band_of(estimate, thresholds)
        reason = {
            "needs a sharper definition": f"estimate {estimate:.3f} below {low:.3f}",
            "tentative": f"estimate {estimate:.3f} from {low:.3f} to below {high:.3f}",
            "ready": f"estimate {estimate:.3f} at least {high:.3f}",
        }[verdict]
    return {**row, "verdict": verdict, "reason": reason}
