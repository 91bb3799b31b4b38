"""Per-criterion agreement table: the coefficients that fit each scale."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from toolkit.agreement._registry import coefficient_spec
from toolkit.agreement._result import AgreementResult, check_level
from toolkit.errors import UndefinedCoefficientWarning
from toolkit.ratings import CriterionRatings, RatingsTable

__all__ = ["SUMMARY_COLUMNS", "agreement_summary", "default_coefficients"]

SUMMARY_COLUMNS = (
    "criterion",
    "scale",
    "coefficient",
    "variant",
    "estimate",
    "ci_low",
    "ci_high",
    "standard_error",
    "n_calls",
    "n_raters",
    "note",
)


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
        :func:`default_coefficients`); a name that does not fit a criterion's
        scale is computed all the same with its own defaults.

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
    rows = []
    for ratings in table:
        if coefficients is None:
            chosen = default_coefficients(ratings)
        else:
            chosen = [(name, "default", {}) for name in coefficients]
        for name, variant, options in chosen:
            spec = coefficient_spec(name)
            with warnings.catch_warnings():
                # the reason is reported in the note column instead
                warnings.simplefilter("ignore", UndefinedCoefficientWarning)
                result = spec.function(ratings, level=level, **options)
            rows.append(_row(ratings, name, variant, result))
    return pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))


def _row(
    ratings: CriterionRatings, name: str, variant: str, result: AgreementResult
) -> dict[str, Any]:
    note = ""
    if result.undefined_reason is not None:
        note = f"undefined: {result.undefined_reason}"
    elif result.n_units < ratings.n_calls:
        left_out = ratings.n_calls - result.n_units
        note = f"{left_out} call(s) left out (missing or single ratings)"
    return {
        "criterion": ratings.criterion,
        "scale": ratings.scale.kind,
        "coefficient": name,
        "variant": variant,
        "estimate": result.statistic,
        "ci_low": result.confidence_interval.low,
        "ci_high": result.confidence_interval.high,
        "standard_error": result.standard_error,
        "n_calls": result.n_units,
        "n_raters": result.n_raters,
        "note": note,
    }
