"""Shared machinery of the multi-rater chance-corrected coefficients.

Fleiss' kappa, Conger's kappa, Brennan-Prediger and Gwet's AC1/AC2 all have the
form ``(p_o - p_e) / (1 - p_e)`` in Gwet's (2014) framework: the same observed
agreement ``p_o`` over units rated by two raters or more, computed from all
available ratings with agreement weights (:mod:`~toolkit.agreement._chance_data`),
and a chance agreement ``p_e`` that differs by coefficient. Their standard
errors all come from Gwet's linearisation
(:mod:`~toolkit.agreement._chance_inference`), which only needs each unit's
share of ``p_o`` and of ``p_e``. Here: when the coefficient is undefined, the
estimate shared by AC1/AC2, Brennan-Prediger and Conger, and the unit terms of
the bootstrap.

Symbols follow Gwet (2014), chapter 5 (and irrCAC's source): ``r_ik`` raters
who put unit ``i`` in category ``k``, ``r_i`` ratings of unit ``i``, ``n``
units with at least one rating, ``n2`` units with two ratings or more,
``pi_k`` the mean over units of ``r_ik / r_i``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from toolkit.agreement._chance_data import (
    CategorySet,
    ChanceData,
    Missing,
    WeightsBy,
    check_options,
    check_population_size,
    prepare,
    read_ratings,
    unit_agreement,
)
from toolkit.agreement._chance_inference import (
    chance_result,
    linearised_variance,
    undefined_result,
)
from toolkit.agreement._input import RatingMatrix
from toolkit.agreement._result import AgreementResult, check_level
from toolkit.agreement._terms import UnitTerms

__all__: list[str] = []

# p_e this close to 1 makes (p_o - p_e) / (1 - p_e) a ratio of rounding errors
CHANCE_TOLERANCE = 1e-12


# --- when a coefficient is undefined -------------------------------------


def enough_units_reason(data: ChanceData) -> str | None:
    """Why the coefficient is undefined for lack of units, or ``None``."""
    n_pairs = int(data.has_pair.sum())
    if n_pairs >= 2:
        return None
    return (
        f"fewer than two calls were scored by two raters or more (found {n_pairs}); "
        "agreement needs calls that several raters scored"
    )


def one_category_reason(data: ChanceData) -> str:
    """The reason to give when chance agreement is 1."""
    used = np.flatnonzero(data.counts.sum(axis=0) > 0)
    if len(used) == 1:
        category = data.categories[used[0]]
        return (
            f"every rating is {category!r}, so chance agreement is 1 and the "
            "coefficient is 0/0; it measures nothing until raters use two or "
            "more categories"
        )
    return (
        "chance agreement is 1 under these weights, so the coefficient is 0/0; "
        "use weights that give less than full credit to some disagreements"
    )


def is_certain(chance: np.ndarray | float) -> np.ndarray:
    """True where a chance agreement is 1 (to rounding)."""
    return np.abs(1 - np.asarray(chance)) <= CHANCE_TOLERANCE


def is_identity(weights: np.ndarray) -> bool:
    return bool(np.array_equal(weights, np.eye(len(weights))))


# --- one estimate for AC1/AC2, Brennan-Prediger and Conger -----------------


@dataclass(frozen=True)
class ChanceRule:
    """How one coefficient computes chance agreement.

    ``name(weights)`` is the coefficient's name for the weights used;
    ``estimate(data)`` gives ``p_e`` and each unit's share ``p_e,i``
    (``None`` when ``p_e`` is a constant); ``unit_columns(data)`` the extra
    per-unit terms and ``from_totals(data)`` the function of their totals
    giving ``p_e``.
    """

    name: Callable[[np.ndarray], str]
    estimate: Callable[[ChanceData], tuple[float, np.ndarray | None]]
    unit_columns: Callable[[ChanceData], np.ndarray]
    from_totals: Callable[[ChanceData], Callable[[np.ndarray], np.ndarray]]


def family_options(
    *,
    weights: str | np.ndarray,
    weights_by: WeightsBy,
    levels: Sequence[Any] | None,
    categories: CategorySet,
    missing: Missing,
    population_size: float | None,
) -> dict[str, Any]:
    """The options of the family, as recorded in ``result.options``."""
    return {
        "weights": weights,
        "weights_by": weights_by,
        "levels": levels,
        "categories": categories,
        "missing": missing,
        "population_size": population_size,
    }


def _checked_data(
    called: str, matrix: RatingMatrix, options: Mapping[str, Any]
) -> ChanceData:
    check_options(
        missing=options["missing"],
        categories=options["categories"],
        population_size=options["population_size"],
        weights_by=options["weights_by"],
    )
    return prepare(
        matrix,
        coefficient=called,
        weights=options["weights"],
        weights_by=options["weights_by"],
        levels=options["levels"],
        categories=options["categories"],
        missing=options["missing"],
    )


def estimate(
    called: str,
    rule: ChanceRule,
    data: Any,
    options: dict[str, Any],
    level: float,
) -> AgreementResult:
    """The coefficient, Gwet's standard error and irrCAC's interval.

    ``called`` names the public function for messages; undefined results
    warn at the caller of that function.
    """
    level = check_level(level)
    matrix = read_ratings(data, levels=options["levels"])
    prepared = _checked_data(called, matrix, options)
    check_population_size(options["population_size"], prepared.n_units)
    name = rule.name(prepared.weights)

    # undefined: too few units, too few categories, or certain chance agreement
    reason = enough_units_reason(prepared)
    if reason is None and prepared.counts.shape[1] < 2:
        reason = (
            f"only one category ({prepared.categories[0]!r}) is possible, so "
            "chance agreement is undefined; if raters could have chosen other "
            "levels, declare them with levels=[...]"
        )
    if reason is None:
        chance, unit_chance = rule.estimate(prepared)
        if is_certain(chance):
            reason = one_category_reason(prepared)
    if reason is not None:
        return undefined_result(
            name, reason, prepared, level=level, options=options, depth=2
        )

    agreement_units = unit_agreement(prepared.counts, prepared.weights)
    agreement = float(prepared.mean_over_pairs(agreement_units))
    statistic = (agreement - chance) / (1 - chance)
    variance = linearised_variance(
        agreement_units,
        prepared.has_pair,
        chance,
        unit_chance,
        statistic,
        population_size=options["population_size"],
    )
    return chance_result(
        name,
        prepared,
        statistic=statistic,
        agreement=agreement,
        chance=chance,
        standard_error=float(np.sqrt(variance)),
        level=level,
        options=options,
    )


def unit_terms(
    called: str, rule: ChanceRule, matrix: RatingMatrix, options: dict[str, Any]
) -> UnitTerms:
    """Per-unit ``[used, r_i >= 2, p_o,i]`` and the rule's columns, with the
    combine that gives the coefficient from their totals."""
    prepared = _checked_data(called, matrix, options)
    extra = scatter_rows(prepared, rule.unit_columns(prepared))
    terms = np.hstack([base_unit_terms(prepared), extra])
    chance_of = rule.from_totals(prepared)

    def combine(totals: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            chance = chance_of(totals)
        return combine_ratio(totals, chance)

    return UnitTerms(terms=terms, combine=combine)


# --- unit terms for the bootstrap -----------------------------------------


def base_unit_terms(data: ChanceData) -> np.ndarray:
    """Per-unit ``[used, r_i >= 2, p_o,i]`` on the rows of the matrix as given.

    Units the coefficient does not use get a row of zeros, so that rows stay
    aligned with the caller's units.
    """
    terms = np.zeros((data.used.shape[0], 3))
    n_ratings = data.counts.sum(axis=1)
    terms[data.used, 0] = 1.0
    terms[data.used, 1] = n_ratings >= 2
    terms[data.used, 2] = unit_agreement(data.counts, data.weights)
    return terms


def scatter_rows(data: ChanceData, rows: np.ndarray) -> np.ndarray:
    """``rows`` of the units used, placed on the rows of the matrix as given."""
    full = np.zeros((data.used.shape[0], rows.shape[1]))
    full[data.used] = rows
    return full


def combine_ratio(totals: np.ndarray, chance: np.ndarray) -> np.ndarray:
    """``(p_o - p_e) / (1 - p_e)`` from summed base terms, NaN where undefined."""
    n_pairs = totals[..., 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        agreement = totals[..., 2] / n_pairs
        statistic = (agreement - chance) / (1 - chance)
    defined = (n_pairs >= 2) & ~is_certain(chance)
    return np.where(defined, statistic, np.nan)


# --- docstring parts shared by AC1/AC2, Brennan-Prediger and Conger --------

SHARED_PARAMETERS = """
    weights_by
        Space categories by their ``"value"`` (irrCAC) or their ``"rank"``
        (R irr, psych, statsmodels). Matters only for unevenly spaced scores.
    levels
        Declared categories in scale order, used or not. Text labels need
        them for any weights but identity (their order is otherwise unknown).
    categories
        ``"declared"`` (default): the declared levels when there are any, else
        the categories observed (irrCAC with and without ``categ.labels``).
        ``"observed"``: only the categories in the ratings used.
    missing
        ``"available"`` (default): every available rating, as irrCAC and Gwet
        (2014). ``"drop_units"``: drop calls with a missing rating first.
    population_size
        Number of calls the sample was drawn from, for the finite-population
        correction of the variance (irrCAC's ``N``); ``None`` for infinite.
    level
        Confidence level of the interval."""

SHARED_RETURNS = """
    Returns
    -------
    AgreementResult
        Standard error from Gwet's linearisation, t(n - 1) interval with its
        upper end capped at 1, and the two-sided t(n - 1) p-value of the test
        of no agreement beyond chance (all as irrCAC). ``details`` holds
        ``percent_agreement`` (p_o), ``chance_agreement`` (p_e) and
        ``categories``.

    Raises
    ------
    ValueError
        On an unknown option value, fewer than two raters, or weights other
        than identity on a scale declared nominal.
    RatingsError
        On (near-)continuous scores (more than 1,000 distinct ones: use
        ``icc`` or interval alpha), or weights other than identity on text
        labels without declared ``levels``.

    Warns
    -----
    UndefinedCoefficientWarning
        When fewer than two calls have two ratings or more, or chance
        agreement is 1; the result is NaN."""


def fill_docstring(function: Callable[..., Any]) -> None:
    """Put the shared parameters and returns into ``function``'s docstring."""
    function.__doc__ = (function.__doc__ or "").format(
        shared=SHARED_PARAMETERS.strip("\n").lstrip(),
        returns=SHARED_RETURNS.strip("\n").lstrip(),
    )
