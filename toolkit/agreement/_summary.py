"""Per-criterion agreement table: the coefficients that fit each scale."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from toolkit.agreement._bootstrap import bootstrap as bootstrap_interval
from toolkit.agreement._registry import coefficient_spec
from toolkit.agreement._result import AgreementResult, check_level
from toolkit.errors import BootstrapWarning, UndefinedCoefficientWarning
from toolkit.ratings import CriterionRatings, RatingsTable

__all__ = ["SUMMARY_COLUMNS", "agreement_summary", "default_coefficients"]

SUMMARY_COLUMNS = (
    "criterion",
    "scale",
    "levels",
    "coefficient",
    "variant",
    "estimate",
    "ci_low",
    "ci_high",
    "interval",
    "standard_error",
    "n_calls",
    "n_raters",
    "note",
)

# below this many calls an interval says little (toolkit.planning will say more)
_FEW_CALLS = 10


@dataclass(frozen=True)
class _Choice:
    """One coefficient with the options that suit a scale."""

    name: str
    variant: str
    options: dict[str, Any]
    applies: Callable[[CriterionRatings], bool] = lambda ratings: True


def _two_raters(ratings: CriterionRatings) -> bool:
    return ratings.n_raters == 2


_BY_SCALE: dict[str, tuple[_Choice, ...]] = {
    "nominal": (
        _Choice("percent_agreement", "exact, rater pairs", {}),
        _Choice("cohen_kappa", "unweighted", {}, _two_raters),
        _Choice("fleiss_kappa", "unweighted", {}),
        _Choice("gwet_ac1", "unweighted", {}),
        _Choice("krippendorff_alpha", "nominal", {"metric": "nominal"}),
    ),
    "ordinal": (
        _Choice("percent_agreement", "exact, rater pairs", {}),
        _Choice("percent_agreement", "within 1 level, rater pairs", {"tolerance": 1}),
        _Choice(
            "cohen_kappa", "quadratic weights", {"weights": "quadratic"}, _two_raters
        ),
        _Choice("gwet_ac2", "ordinal weights", {"weights": "ordinal"}),
        _Choice("krippendorff_alpha", "ordinal", {"metric": "ordinal"}),
    ),
    "interval": (
        _Choice("krippendorff_alpha", "interval", {"metric": "interval"}),
        _Choice(
            "icc",
            "two-way, agreement, single rater",
            {"model": "twoway", "type": "agreement", "unit": "single"},
        ),
        _Choice(
            "icc",
            "two-way, agreement, average of raters",
            {"model": "twoway", "type": "agreement", "unit": "average"},
        ),
    ),
    "ratio": (
        _Choice("krippendorff_alpha", "ratio", {"metric": "ratio"}),
        _Choice(
            "icc",
            "two-way, agreement, single rater",
            {"model": "twoway", "type": "agreement", "unit": "single"},
        ),
    ),
}


def default_coefficients(ratings: CriterionRatings) -> list[tuple[str, str, dict]]:
    """The (name, variant, options) computed by default for a criterion's scale.

    Nominal criteria get percent agreement, Fleiss' kappa, Gwet's AC1 and
    Krippendorff's alpha (and Cohen's kappa for two raters); ordinal ones
    percent agreement exact and within one level, Gwet's AC2 with ordinal
    weights and ordinal alpha (and quadratic-weighted kappa for two raters);
    interval and ratio ones Krippendorff's alpha and the two-way agreement ICC.
    """
    return [
        (choice.name, choice.variant, dict(choice.options))
        for choice in _BY_SCALE[ratings.scale.kind]
        if choice.applies(ratings)
    ]


def agreement_summary(
    table: RatingsTable,
    *,
    level: float = 0.95,
    coefficients: Sequence[str] | None = None,
    bootstrap: int | None = None,
    rng: int | np.random.Generator | None = None,
) -> pd.DataFrame:
    """One row per criterion and coefficient, with estimate and interval.

    Parameters
    ----------
    table
        A validated ratings table.
    level
        Confidence level of every interval.
    coefficients
        Names to compute instead of the defaults for each scale (see
        :func:`default_coefficients`), each with its own defaults. A name
        that cannot be computed on a criterion (Cohen's kappa with three
        raters, an ICC on text labels) gets a row whose note says why.
    bootstrap
        Number of resamples for percentile bootstrap intervals instead of
        the analytic ones (``None``: analytic).
    rng
        Seed or generator of the bootstrap; each row gets its own stream, so
        adding a coefficient leaves the other rows' intervals unchanged.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SUMMARY_COLUMNS`. ``note`` says why an estimate is
        missing, or how many calls were left out.

    Examples
    --------
    >>> from toolkit.examples import load_example
    >>> summary = agreement_summary(load_example("fleiss1971"))
    >>> row = summary[summary["coefficient"] == "fleiss_kappa"].iloc[0]
    >>> round(float(row["estimate"]), 3)
    0.43
    """
    level = check_level(level)
    if coefficients is not None:
        for name in coefficients:
            coefficient_spec(name)  # an unknown name fails before any work
    seeds = np.random.SeedSequence(
        rng if not isinstance(rng, np.random.Generator) else rng.integers(2**63)
    )

    rows = []
    for ratings in table:
        if coefficients is None:
            chosen = default_coefficients(ratings)
        else:
            chosen = [(name, "", {}) for name in coefficients]
        for (name, variant, options), seed in zip(
            chosen, seeds.spawn(len(chosen)), strict=True
        ):
            rows.append(
                _compute(ratings, name, variant, options, level, bootstrap, seed)
            )
    return pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))


def _compute(
    ratings: CriterionRatings,
    name: str,
    variant: str,
    options: dict[str, Any],
    level: float,
    n_resamples: int | None,
    seed: np.random.SeedSequence,
) -> dict[str, Any]:
    spec = coefficient_spec(name)
    try:
        with warnings.catch_warnings():
            # the reason is reported in the note column instead
            warnings.simplefilter("ignore", UndefinedCoefficientWarning)
            warnings.simplefilter("ignore", BootstrapWarning)
            if n_resamples is None:
                result = spec.function(ratings, level=level, **options)
            else:
                result = bootstrap_interval(
                    ratings,
                    name,
                    n_resamples=n_resamples,
                    level=level,
                    rng=np.random.default_rng(seed),
                    **options,
                )
    except (ValueError, TypeError, NotImplementedError) as exc:
        return _not_computed(ratings, name, variant, str(exc))
    return _row(ratings, name, variant or _describe(result), result)


def _describe(result: AgreementResult) -> str:
    """Short text of the variant a coefficient computed, from its options."""
    shown = [
        f"{key}={value}"
        for key, value in result.options.items()
        if value is not None
        and key not in ("interval", "n_resamples", "seed")
        and not isinstance(value, list | tuple | np.ndarray)
    ]
    return ", ".join(shown[:3])


def _not_computed(
    ratings: CriterionRatings, name: str, variant: str, reason: str
) -> dict[str, Any]:
    return {
        "criterion": ratings.criterion,
        "scale": ratings.scale.kind,
        "levels": _levels(ratings),
        "coefficient": name,
        "variant": variant,
        "estimate": np.nan,
        "ci_low": np.nan,
        "ci_high": np.nan,
        "interval": "",
        "standard_error": np.nan,
        "n_calls": ratings.n_calls,
        "n_raters": ratings.n_raters,
        "note": f"not computed: {reason}",
    }


def _levels(ratings: CriterionRatings) -> str:
    if ratings.scale.levels is None:
        return ""
    return " | ".join(str(level) for level in ratings.scale.levels)


def _row(
    ratings: CriterionRatings, name: str, variant: str, result: AgreementResult
) -> dict[str, Any]:
    notes = []
    if result.undefined_reason is not None:
        notes.append(f"undefined: {result.undefined_reason}")
    else:
        if result.n_units < ratings.n_calls:
            left_out = ratings.n_calls - result.n_units
            notes.append(f"{left_out} call(s) left out (missing or single ratings)")
        if result.n_units < _FEW_CALLS:
            notes.append(f"only {result.n_units} calls: the interval is rough")
        interval_note = result.details.get("interval_note")
        if interval_note:
            notes.append(str(interval_note))
        elif np.isnan(result.confidence_interval.low):
            notes.append("no analytic interval: use --bootstrap")
        undefined_resamples = result.details.get("n_undefined_resamples", 0)
        if undefined_resamples:
            notes.append(
                f"{undefined_resamples} bootstrap resamples undefined, left out"
            )
    interval = str(result.options.get("interval", "analytic"))
    return {
        "criterion": ratings.criterion,
        "scale": ratings.scale.kind,
        "levels": _levels(ratings),
        "coefficient": name,
        "variant": variant,
        "estimate": result.statistic,
        "ci_low": result.confidence_interval.low,
        "ci_high": result.confidence_interval.high,
        "interval": interval if result.is_defined else "",
        "standard_error": result.standard_error,
        "n_calls": result.n_units,
        "n_raters": result.n_raters,
        "note": "; ".join(notes),
    }
