"""Gwet's AC1/AC2, Brennan-Prediger and Conger's kappa for many raters.

The three share Fleiss' observed agreement ``p_o`` (all available ratings,
agreement weights) and differ in chance agreement ``p_e``:

- Gwet's AC1/AC2: ``T_w / (q (q - 1)) * sum_k pi_k (1 - pi_k)``, chance as the
  propensity to rate at random on hard-to-score calls (Gwet 2008);
- Brennan-Prediger: ``T_w / q**2``, every category equally likely;
- Conger's kappa: the mean over pairs of raters of Cohen's chance agreement,
  from each rater's own category shares (Conger 1980).

``T_w`` is the sum of the weights and ``q`` the number of categories.
Standard errors are Gwet's linearisation, as irrCAC's ``*.raw`` functions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from toolkit.agreement import _chance
from toolkit.agreement._chance import CategorySet, ChanceData, Missing
from toolkit.agreement._input import RatingMatrix
from toolkit.agreement._result import AgreementResult, check_level
from toolkit.agreement._terms import UnitTerms

__all__ = ["brennan_prediger", "conger_kappa", "gwet_ac", "gwet_ac1", "gwet_ac2"]

WeightsBy = Literal["value", "rank"]

_SHARED_PARAMETERS = """
    weights_by
        Space categories by their ``"value"`` (irrCAC) or their ``"rank"``
        (R irr, psych, statsmodels). Matters only for unevenly spaced scores.
    levels
        Declared categories in scale order, used or not.
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

_SHARED_RETURNS = """
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
        On an unknown option value or fewer than two raters.

    Warns
    -----
    UndefinedCoefficientWarning
        When fewer than two calls have two ratings or more, or chance
        agreement is 1; the result is NaN."""


@dataclass(frozen=True)
class _Chance:
    """How one coefficient computes chance agreement.

    ``estimate(data)`` gives ``p_e`` and each unit's share ``p_e,i`` (``None``
    when ``p_e`` is a constant); ``unit_columns(data)`` the extra per-unit
    terms and ``from_totals(data)`` the function of their totals giving
    ``p_e``.
    """

    estimate: Callable[[ChanceData], tuple[float, np.ndarray | None]]
    unit_columns: Callable[[ChanceData], np.ndarray]
    from_totals: Callable[[ChanceData], Callable[[np.ndarray], np.ndarray]]


def gwet_ac(
    data: Any,
    *,
    weights: str | np.ndarray = "identity",
    weights_by: WeightsBy = "value",
    levels: Sequence[Any] | None = None,
    categories: CategorySet = "declared",
    missing: Missing = "available",
    population_size: float | None = None,
    level: float = 0.95,
) -> AgreementResult:
    """Gwet's AC1 (unweighted) or AC2 (weighted) agreement coefficient.

    Parameters
    ----------
    data
        Units x raters ratings (array-like, wide DataFrame or
        ``CriterionRatings``); NaN or None where a rater did not score a call.
    weights
        ``"identity"`` gives AC1; any other kind (``"linear"``,
        ``"quadratic"``, ``"ordinal"``, ``"radical"``, ``"ratio"``,
        ``"circular"``, ``"bipolar"``) or a q x q matrix gives AC2.
    {shared}

    {returns}

    Notes
    -----
    Reproduces irrCAC ``gwet.ac1.raw(ratings, weights, categ.labels)`` with the
    default options: value, standard error and interval; our p-value is the
    two-sided t test of its published examples and of the Python ``irrcac``
    port (its current R source prints the one-sided p-value, half of ours
    when AC1 > 0). Chance agreement depends on the number of categories ``q``:
    declaring a scale's unused levels lowers it. With one category possible,
    AC1 is undefined (irrCAC reports p_o); where two or more are possible but
    every rating is in one, AC1 is 1. Labels that differ only in case are
    different categories (R irrCAC merges them). Calls are assumed
    independent.

    References
    ----------
    Gwet, K. L. (2008). Computing inter-rater reliability and its variance in
    the presence of high agreement. British Journal of Mathematical and
    Statistical Psychology, 61, 29-48.

    Gwet, K. L. (2014). Handbook of Inter-Rater Reliability, 4th ed.
    Advanced Analytics. Chapters 2 and 5.

    Examples
    --------
    Krippendorff's (2011) data as irrCAC's ``cac.raw4raters``; irrCAC's
    README gives AC1 0.77544, standard error 0.14295:

    >>> nan = float("nan")
    >>> ratings = [[1, 1, nan, 1], [2, 2, 3, 2], [3, 3, 3, 3], [3, 3, 3, 3],
    ...            [2, 2, 2, 2], [1, 2, 3, 4], [4, 4, 4, 4], [1, 1, 2, 1],
    ...            [2, 2, 2, 2], [nan, 5, 5, 5], [nan, nan, 1, 1],
    ...            [nan, nan, 3, nan]]
    >>> result = gwet_ac(ratings)
    >>> result.coefficient, round(result.statistic, 5)
    ('gwet_ac1', 0.77544)
    >>> round(result.standard_error, 5)
    0.14295
    """
    options = {
        "weights": weights,
        "weights_by": weights_by,
        "levels": levels,
        "categories": categories,
        "missing": missing,
        "population_size": population_size,
    }
    return _estimate("gwet_ac", _AC, data, options, level)


def gwet_ac1(
    data: Any,
    *,
    levels: Sequence[Any] | None = None,
    categories: CategorySet = "declared",
    missing: Missing = "available",
    population_size: float | None = None,
    level: float = 0.95,
) -> AgreementResult:
    """Gwet's AC1: :func:`gwet_ac` without weights.

    Parameters
    ----------
    data
        Units x raters ratings; NaN or None where a rater did not score a call.
    levels, categories, missing, population_size, level
        As in :func:`gwet_ac`.

    Returns
    -------
    AgreementResult
        As :func:`gwet_ac` with ``weights="identity"``.

    Notes
    -----
    irrCAC ``gwet.ac1.raw(ratings)``; see :func:`gwet_ac` for the options.

    References
    ----------
    Gwet, K. L. (2008). Computing inter-rater reliability and its variance in
    the presence of high agreement. British Journal of Mathematical and
    Statistical Psychology, 61, 29-48.

    Examples
    --------
    Two raters, one disagreement in four calls: p_o = 0.75, category shares
    0.625 and 0.375, so p_e = 2 * 0.625 * 0.375 = 0.46875 and
    AC1 = (0.75 - 0.46875) / (1 - 0.46875):

    >>> result = gwet_ac1([["a", "a"], ["a", "b"], ["b", "b"], ["a", "a"]])
    >>> round(result.statistic, 4)
    0.5294
    """
    options = {
        "weights": "identity",
        "weights_by": "value",
        "levels": levels,
        "categories": categories,
        "missing": missing,
        "population_size": population_size,
    }
    return _estimate("gwet_ac", _AC, data, options, level)


def gwet_ac2(
    data: Any,
    *,
    weights: str | np.ndarray,
    weights_by: WeightsBy = "value",
    levels: Sequence[Any] | None = None,
    categories: CategorySet = "declared",
    missing: Missing = "available",
    population_size: float | None = None,
    level: float = 0.95,
) -> AgreementResult:
    """Gwet's AC2: :func:`gwet_ac` with the ``weights`` you name.

    Parameters
    ----------
    data
        Units x raters ratings; NaN or None where a rater did not score a call.
    weights
        A weight kind (``"linear"``, ``"quadratic"``, ``"ordinal"``,
        ``"radical"``, ``"ratio"``, ``"circular"``, ``"bipolar"``) or a q x q
        matrix; required, since AC2 without weights is AC1.
    weights_by, levels, categories, missing, population_size, level
        As in :func:`gwet_ac`.

    Returns
    -------
    AgreementResult
        As :func:`gwet_ac`.

    Notes
    -----
    irrCAC ``gwet.ac1.raw(ratings, weights = "quadratic")`` and the like; the
    weight kinds are Gwet's (2014, chapter 3), spaced by category value.

    References
    ----------
    Gwet, K. L. (2014). Handbook of Inter-Rater Reliability, 4th ed.
    Advanced Analytics. Chapter 3.

    Examples
    --------
    The Python ``irrcac`` port's own example (``CAC(raw_4raters(),
    weights="bipolar").gwet()``) gives AC2 0.90037 on the data of
    :func:`gwet_ac`:

    >>> nan = float("nan")
    >>> ratings = [[1, 1, nan, 1], [2, 2, 3, 2], [3, 3, 3, 3], [3, 3, 3, 3],
    ...            [2, 2, 2, 2], [1, 2, 3, 4], [4, 4, 4, 4], [1, 1, 2, 1],
    ...            [2, 2, 2, 2], [nan, 5, 5, 5], [nan, nan, 1, 1],
    ...            [nan, nan, 3, nan]]
    >>> round(gwet_ac2(ratings, weights="bipolar").statistic, 5)
    0.90037
    """
    options = {
        "weights": weights,
        "weights_by": weights_by,
        "levels": levels,
        "categories": categories,
        "missing": missing,
        "population_size": population_size,
    }
    return _estimate("gwet_ac", _AC, data, options, level)


def brennan_prediger(
    data: Any,
    *,
    weights: str | np.ndarray = "identity",
    weights_by: WeightsBy = "value",
    levels: Sequence[Any] | None = None,
    categories: CategorySet = "declared",
    missing: Missing = "available",
    population_size: float | None = None,
    level: float = 0.95,
) -> AgreementResult:
    """Brennan & Prediger's (1981) coefficient: chance is ``1/q`` per category.

    Parameters
    ----------
    data
        Units x raters ratings (array-like, wide DataFrame or
        ``CriterionRatings``); NaN or None where a rater did not score a call.
    weights
        Agreement weights: a kind name or a q x q matrix.
    {shared}

    {returns}

    Notes
    -----
    Chance agreement is ``T_w / q**2``, so the value depends on how many
    categories count: with ``categories="declared"`` and a declared scale it
    is the scale's levels, used or not (irrCAC ``bp.coeff.raw`` with
    ``categ.labels``); otherwise the categories observed (irrCAC without
    ``categ.labels``; statsmodels ``fleiss_kappa(table, method="randolph")``,
    whose table has one column per observed category). Also called
    Randolph's free-marginal kappa. The current R irrCAC source and the
    Python ``irrcac`` port compute a one-sided p-value; ours is two-sided,
    as in irrCAC's published examples. Calls are assumed independent.

    References
    ----------
    Brennan, R. L., & Prediger, D. J. (1981). Coefficient kappa: some uses,
    misuses, and alternatives. Educational and Psychological Measurement,
    41, 687-699.

    Gwet, K. L. (2014). Handbook of Inter-Rater Reliability, 4th ed.
    Advanced Analytics. Chapters 2 and 5.

    Examples
    --------
    irrCAC's README gives 0.77273 (standard error 0.14472) for
    ``bp.coeff.raw(cac.raw4raters)``:

    >>> nan = float("nan")
    >>> ratings = [[1, 1, nan, 1], [2, 2, 3, 2], [3, 3, 3, 3], [3, 3, 3, 3],
    ...            [2, 2, 2, 2], [1, 2, 3, 4], [4, 4, 4, 4], [1, 1, 2, 1],
    ...            [2, 2, 2, 2], [nan, 5, 5, 5], [nan, nan, 1, 1],
    ...            [nan, nan, 3, nan]]
    >>> result = brennan_prediger(ratings)
    >>> round(result.statistic, 5), round(result.standard_error, 5)
    (0.77273, 0.14472)
    """
    options = {
        "weights": weights,
        "weights_by": weights_by,
        "levels": levels,
        "categories": categories,
        "missing": missing,
        "population_size": population_size,
    }
    return _estimate("brennan_prediger", _BP, data, options, level)


def conger_kappa(
    data: Any,
    *,
    weights: str | np.ndarray = "identity",
    weights_by: WeightsBy = "value",
    levels: Sequence[Any] | None = None,
    categories: CategorySet = "declared",
    missing: Missing = "available",
    population_size: float | None = None,
    level: float = 0.95,
) -> AgreementResult:
    """Conger's (1980) kappa: Cohen's kappa generalised to many raters.

    Parameters
    ----------
    data
        Units x raters ratings (array-like, wide DataFrame or
        ``CriterionRatings``); NaN or None where a rater did not score a call.
    weights
        Agreement weights: a kind name or a q x q matrix.
    {shared}

    {returns}

    Notes
    -----
    Chance agreement averages, over every pair of raters, the chance that the
    two agree given each one's own category shares (each rater's shares over
    the calls that rater scored). Raters who scored none of the calls used are
    left out. Reproduces irrCAC ``conger.kappa.raw`` (value, standard error,
    interval; our p-value is two-sided as in its published examples, its
    current R source prints a one-sided one) and, on complete data, R irr
    ``kappam.fleiss(ratings, exact=TRUE)``. Calls are assumed independent.

    References
    ----------
    Conger, A. J. (1980). Integration and generalization of kappas for
    multiple raters. Psychological Bulletin, 88, 322-328.

    Gwet, K. L. (2014). Handbook of Inter-Rater Reliability, 4th ed.
    Advanced Analytics. Chapter 5.

    Examples
    --------
    irrCAC's README gives 0.76282 (standard error 0.14917) for
    ``conger.kappa.raw(cac.raw4raters)``:

    >>> nan = float("nan")
    >>> ratings = [[1, 1, nan, 1], [2, 2, 3, 2], [3, 3, 3, 3], [3, 3, 3, 3],
    ...            [2, 2, 2, 2], [1, 2, 3, 4], [4, 4, 4, 4], [1, 1, 2, 1],
    ...            [2, 2, 2, 2], [nan, 5, 5, 5], [nan, nan, 1, 1],
    ...            [nan, nan, 3, nan]]
    >>> result = conger_kappa(ratings)
    >>> round(result.statistic, 5), round(result.standard_error, 5)
    (0.76282, 0.14917)
    """
    options = {
        "weights": weights,
        "weights_by": weights_by,
        "levels": levels,
        "categories": categories,
        "missing": missing,
        "population_size": population_size,
    }
    return _estimate("conger_kappa", _CONGER, data, options, level)


for _function in (gwet_ac, brennan_prediger, conger_kappa):
    _function.__doc__ = (_function.__doc__ or "").format(
        shared=_SHARED_PARAMETERS.strip("\n").lstrip(),
        returns=_SHARED_RETURNS.strip("\n").lstrip(),
    )


# --- estimation shared by the three coefficients -------------------------


def _estimate(
    name: str,
    chance_rule: _Chance,
    data: Any,
    options: dict[str, Any],
    level: float,
) -> AgreementResult:
    _chance.check_options(
        missing=options["missing"],
        categories=options["categories"],
        population_size=options["population_size"],
        weights_by=options["weights_by"],
    )
    level = check_level(level)

    matrix = _chance.read_ratings(data, levels=options["levels"])
    prepared = _prepare(matrix, options)
    _chance.check_population_size(options["population_size"], prepared.n_units)
    if name == "gwet_ac":
        name = "gwet_ac1" if _is_identity(prepared.weights) else "gwet_ac2"

    # undefined: too few units, too few categories, or certain chance agreement
    reason = _chance.enough_units_reason(prepared)
    if reason is None and prepared.counts.shape[1] < 2:
        reason = (
            f"only one category ({prepared.categories[0]!r}) is possible, so "
            "chance agreement is undefined; if raters could have chosen other "
            "levels, declare them with levels=[...]"
        )
    if reason is None:
        chance, unit_chance = chance_rule.estimate(prepared)
        if _chance.is_certain(chance):
            reason = _chance.one_category_reason(prepared)
    if reason is not None:
        return _chance.undefined_result(
            name, reason, prepared, level=level, options=options, depth=2
        )

    agreement_units = _chance.unit_agreement(prepared.counts, prepared.weights)
    agreement = float(prepared.mean_over_pairs(agreement_units))
    statistic = (agreement - chance) / (1 - chance)
    variance = _chance.linearised_variance(
        agreement_units,
        prepared.has_pair,
        chance,
        unit_chance,
        statistic,
        population_size=options["population_size"],
    )
    return _chance.chance_result(
        name,
        prepared,
        statistic=statistic,
        agreement=agreement,
        chance=chance,
        standard_error=float(np.sqrt(variance)),
        level=level,
        options=options,
    )


def _prepare(matrix: RatingMatrix, options: dict[str, Any]) -> ChanceData:
    return _chance.prepare(
        matrix,
        weights=options["weights"],
        weights_by=options["weights_by"],
        levels=options["levels"],
        categories=options["categories"],
        missing=options["missing"],
    )


def _unit_terms(
    chance_rule: _Chance, matrix: RatingMatrix, options: dict[str, Any]
) -> UnitTerms:
    _chance.check_options(
        missing=options["missing"],
        categories=options["categories"],
        population_size=options["population_size"],
        weights_by=options["weights_by"],
    )
    prepared = _prepare(matrix, options)
    extra = _chance.scatter_rows(prepared, chance_rule.unit_columns(prepared))
    terms = np.hstack([_chance.base_unit_terms(prepared), extra])
    chance_of = chance_rule.from_totals(prepared)

    def combine(totals: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            chance = chance_of(totals)
        return _chance.combine_ratio(totals, chance)

    return UnitTerms(terms=terms, combine=combine)


def _is_identity(weights: np.ndarray) -> bool:
    return bool(np.array_equal(weights, np.eye(len(weights))))


def _gwet_scale(data: ChanceData) -> float:
    """``T_w / (q (q - 1))``, NaN with fewer than two categories."""
    q = data.weights.shape[0]
    return float(data.weights.sum()) / (q * (q - 1)) if q >= 2 else float("nan")


# --- Gwet's AC1/AC2 -------------------------------------------------------


def _ac_estimate(data: ChanceData) -> tuple[float, np.ndarray]:
    pooled = data.pooled
    scale = _gwet_scale(data)
    chance = scale * float((pooled * (1 - pooled)).sum())
    return chance, scale * (data.shares @ (1 - pooled))


def _ac_from_totals(data: ChanceData) -> Callable[[np.ndarray], np.ndarray]:
    scale = _gwet_scale(data)

    def chance(totals: np.ndarray) -> np.ndarray:
        pooled = totals[..., 3:] / totals[..., :1]
        return scale * (pooled * (1 - pooled)).sum(axis=-1)

    return chance


_AC = _Chance(
    estimate=_ac_estimate,
    unit_columns=lambda data: data.shares,
    from_totals=_ac_from_totals,
)


# --- Brennan-Prediger -----------------------------------------------------


def _bp_chance(data: ChanceData) -> float:
    q = data.weights.shape[0]
    return float(data.weights.sum()) / q**2


def _bp_from_totals(data: ChanceData) -> Callable[[np.ndarray], np.ndarray]:
    chance = _bp_chance(data)
    return lambda totals: np.full(totals.shape[:-1], chance)


_BP = _Chance(
    estimate=lambda data: (_bp_chance(data), None),
    unit_columns=lambda data: np.zeros((data.n_units, 0)),
    from_totals=_bp_from_totals,
)


# --- Conger's kappa -------------------------------------------------------


def _rater_indicators(data: ChanceData) -> np.ndarray:
    """``(n, r, q)`` array: 1 where rater g put unit i in category k."""
    q = data.counts.shape[1]
    return (data.matrix.codes[..., None] == np.arange(q)).astype(float)


def _pairwise_chance(shares: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Mean over ordered rater pairs g != h of ``sum_kl w_kl p_gk p_hl``.

    ``shares`` is ``(..., r, q)``; equals irrCAC's
    ``sum w * (pbar pbar' - S2 / r)`` with ``S2`` the between-rater covariance.
    """
    n_raters = shares.shape[-2]
    total = shares.sum(axis=-2)
    all_pairs = np.einsum("...k,kl,...l->...", total, weights, total)
    same_rater = np.einsum("...gk,kl,...gl->...", shares, weights, shares)
    return (all_pairs - same_rater) / (n_raters * (n_raters - 1))


def _conger_estimate(data: ChanceData) -> tuple[float, np.ndarray]:
    indicators = _rater_indicators(data)
    weights = data.weights
    n_units, n_raters = data.n_units, data.n_raters
    rated = data.matrix.present.astype(float)
    per_rater = rated.sum(axis=0)
    shares = indicators.sum(axis=0) / per_rater[:, None]
    chance = float(_pairwise_chance(shares, weights))

    # each unit's share of p_e (Gwet 2014, chapter 5; irrCAC's lambda_ig)
    deviation = indicators @ weights.T - (rated - per_rater / n_units)[..., None] * (
        shares @ weights.T
    )
    deviation *= (n_units / per_rater)[None, :, None]
    spread = n_raters * shares.mean(axis=0) - shares
    lam = (deviation * spread).sum(axis=-1)
    return chance, lam.sum(axis=1) / (n_raters * (n_raters - 1))


def _conger_from_totals(data: ChanceData) -> Callable[[np.ndarray], np.ndarray]:
    n_raters, q = data.n_raters, data.counts.shape[1]
    weights = data.weights

    def chance(totals: np.ndarray) -> np.ndarray:
        counts = totals[..., 3:].reshape(*totals.shape[:-1], n_raters, q)
        shares = counts / counts.sum(axis=-1, keepdims=True)
        return _pairwise_chance(shares, weights)

    return chance


_CONGER = _Chance(
    estimate=_conger_estimate,
    unit_columns=lambda data: _rater_indicators(data).reshape(data.n_units, -1),
    from_totals=_conger_from_totals,
)


# --- unit terms for the bootstrap -----------------------------------------


def _gwet_ac_unit_terms(
    matrix: RatingMatrix,
    *,
    weights: str | np.ndarray = "identity",
    weights_by: WeightsBy = "value",
    levels: Sequence[Any] | None = None,
    categories: CategorySet = "declared",
    missing: Missing = "available",
    population_size: float | None = None,
) -> UnitTerms:
    """Per-unit terms of :func:`gwet_ac`.

    Columns ``[used, r_i >= 2, p_o,i, r_i1 / r_i, ..., r_iq / r_i]``, one row
    per unit of ``matrix`` (zeros for units left out). ``levels`` must be the
    levels the matrix was built with; ``population_size`` does not change
    the statistic.
    """
    options = {
        "weights": weights,
        "weights_by": weights_by,
        "levels": levels,
        "categories": categories,
        "missing": missing,
        "population_size": population_size,
    }
    return _unit_terms(_AC, matrix, options)


# AC1 is AC with identity weights, AC2 with others: the same terms
_gwet_ac1_unit_terms = _gwet_ac_unit_terms
_gwet_ac2_unit_terms = _gwet_ac_unit_terms


def _brennan_prediger_unit_terms(
    matrix: RatingMatrix,
    *,
    weights: str | np.ndarray = "identity",
    weights_by: WeightsBy = "value",
    levels: Sequence[Any] | None = None,
    categories: CategorySet = "declared",
    missing: Missing = "available",
    population_size: float | None = None,
) -> UnitTerms:
    """Per-unit terms of :func:`brennan_prediger`: ``[used, r_i >= 2, p_o,i]``."""
    options = {
        "weights": weights,
        "weights_by": weights_by,
        "levels": levels,
        "categories": categories,
        "missing": missing,
        "population_size": population_size,
    }
    return _unit_terms(_BP, matrix, options)


def _conger_kappa_unit_terms(
    matrix: RatingMatrix,
    *,
    weights: str | np.ndarray = "identity",
    weights_by: WeightsBy = "value",
    levels: Sequence[Any] | None = None,
    categories: CategorySet = "declared",
    missing: Missing = "available",
    population_size: float | None = None,
) -> UnitTerms:
    """Per-unit terms of :func:`conger_kappa`.

    Columns ``[used, r_i >= 2, p_o,i]`` then, for each rater g (raters who
    scored a unit used, in matrix order) and category k, 1 if g put the unit
    in k: ``3 + n_raters * q`` columns. A resample in which a rater scored
    nothing gives NaN.
    """
    options = {
        "weights": weights,
        "weights_by": weights_by,
        "levels": levels,
        "categories": categories,
        "missing": missing,
        "population_size": population_size,
    }
    return _unit_terms(_CONGER, matrix, options)
