"""Gwet's AC1/AC2 and Brennan-Prediger for many raters.

Both share Fleiss' observed agreement ``p_o`` (all available ratings,
agreement weights) and differ in chance agreement ``p_e``:

- Gwet's AC1/AC2: ``T_w / (q (q - 1)) * sum_k pi_k (1 - pi_k)``, chance as the
  propensity to rate at random on hard-to-score calls (Gwet 2008);
- Brennan-Prediger: ``T_w / q**2``, every category equally likely.

``T_w`` is the sum of the weights and ``q`` the number of categories.
Standard errors are Gwet's linearisation, as irrCAC's ``*.raw`` functions.
Conger's kappa, the third of the family, is in
:mod:`toolkit.agreement._conger` and importable from here too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from toolkit.agreement import _chance
from toolkit.agreement._chance import ChanceRule
from toolkit.agreement._chance_data import (
    CategorySet,
    ChanceData,
    Missing,
    WeightsBy,
)
from toolkit.agreement._conger import (
    _conger_kappa_unit_terms as _conger_kappa_unit_terms,
)
from toolkit.agreement._conger import conger_kappa
from toolkit.agreement._input import RatingMatrix
from toolkit.agreement._result import AgreementResult
from toolkit.agreement._terms import UnitTerms

__all__ = ["brennan_prediger", "conger_kappa", "gwet_ac", "gwet_ac1", "gwet_ac2"]


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
    options = _chance.family_options(
        weights=weights,
        weights_by=weights_by,
        levels=levels,
        categories=categories,
        missing=missing,
        population_size=population_size,
    )
    return _chance.estimate("gwet_ac", _AC, data, options, level)


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
    options = _chance.family_options(
        weights="identity",
        weights_by="value",
        levels=levels,
        categories=categories,
        missing=missing,
        population_size=population_size,
    )
    return _chance.estimate("gwet_ac1", _AC, data, options, level)


def gwet_ac2(
    data: Any,
    *,
    weights: str | np.ndarray = "quadratic",
    weights_by: WeightsBy = "value",
    levels: Sequence[Any] | None = None,
    categories: CategorySet = "declared",
    missing: Missing = "available",
    population_size: float | None = None,
    level: float = 0.95,
) -> AgreementResult:
    """Gwet's AC2: :func:`gwet_ac` with agreement weights, quadratic by default.

    Parameters
    ----------
    data
        Units x raters ratings; NaN or None where a rater did not score a call.
        Text labels need their order: pass ``levels=[...]`` lowest first.
    weights
        A weight kind (``"quadratic"``, ``"linear"``, ``"ordinal"``,
        ``"radical"``, ``"ratio"``, ``"circular"``, ``"bipolar"``) or a q x q
        matrix. Default ``"quadratic"``: the weights of Gwet's (2014,
        chapter 3) and irrCAC's worked AC2 examples, the most used for
        ordered scores (with them weighted agreement is close to an
        intraclass correlation). irrCAC's own ``weights`` default,
        ``"unweighted"``, gives AC1; ``"identity"`` here gives AC1 too.
    weights_by, levels, categories, missing, population_size, level
        As in :func:`gwet_ac`.

    Returns
    -------
    AgreementResult
        As :func:`gwet_ac`; ``options["weights"]`` records the weights used.

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
    irrCAC's vignette "weighting" gives AC2 0.914 (standard error 0.10396)
    for ``gwet.ac1.raw(cac.raw4raters, weights = "quadratic")``, and the
    Python ``irrcac`` port's own example (``CAC(raw_4raters(),
    weights="bipolar").gwet()``) 0.90037 on the same data:

    >>> nan = float("nan")
    >>> ratings = [[1, 1, nan, 1], [2, 2, 3, 2], [3, 3, 3, 3], [3, 3, 3, 3],
    ...            [2, 2, 2, 2], [1, 2, 3, 4], [4, 4, 4, 4], [1, 1, 2, 1],
    ...            [2, 2, 2, 2], [nan, 5, 5, 5], [nan, nan, 1, 1],
    ...            [nan, nan, 3, nan]]
    >>> result = gwet_ac2(ratings)
    >>> round(result.statistic, 3), round(result.standard_error, 5)
    (0.914, 0.10396)
    >>> round(gwet_ac2(ratings, weights="bipolar").statistic, 5)
    0.90037
    """
    options = _chance.family_options(
        weights=weights,
        weights_by=weights_by,
        levels=levels,
        categories=categories,
        missing=missing,
        population_size=population_size,
    )
    return _chance.estimate("gwet_ac2", _AC, data, options, level)


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
    options = _chance.family_options(
        weights=weights,
        weights_by=weights_by,
        levels=levels,
        categories=categories,
        missing=missing,
        population_size=population_size,
    )
    return _chance.estimate("brennan_prediger", _BP, data, options, level)


_chance.fill_docstring(gwet_ac)
_chance.fill_docstring(brennan_prediger)


# --- Gwet's AC1/AC2 -------------------------------------------------------


def _gwet_scale(data: ChanceData) -> float:
    """``T_w / (q (q - 1))``, NaN with fewer than two categories."""
    q = data.weights.shape[0]
    return float(data.weights.sum()) / (q * (q - 1)) if q >= 2 else float("nan")


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


def _ac_name(weights: np.ndarray) -> str:
    return "gwet_ac1" if _chance.is_identity(weights) else "gwet_ac2"


_AC = ChanceRule(
    name=_ac_name,
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


_BP = ChanceRule(
    name=lambda weights: "brennan_prediger",
    estimate=lambda data: (_bp_chance(data), None),
    unit_columns=lambda data: np.zeros((data.n_units, 0)),
    from_totals=_bp_from_totals,
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
    options = _chance.family_options(
        weights=weights,
        weights_by=weights_by,
        levels=levels,
        categories=categories,
        missing=missing,
        population_size=population_size,
    )
    return _chance.unit_terms("gwet_ac", _AC, matrix, options)


# AC1 is AC with identity weights: the same terms
_gwet_ac1_unit_terms = _gwet_ac_unit_terms


def _gwet_ac2_unit_terms(
    matrix: RatingMatrix,
    *,
    weights: str | np.ndarray = "quadratic",
    weights_by: WeightsBy = "value",
    levels: Sequence[Any] | None = None,
    categories: CategorySet = "declared",
    missing: Missing = "available",
    population_size: float | None = None,
) -> UnitTerms:
    """Per-unit terms of :func:`gwet_ac2`: those of :func:`gwet_ac`, with
    :func:`gwet_ac2`'s default weights."""
    options = _chance.family_options(
        weights=weights,
        weights_by=weights_by,
        levels=levels,
        categories=categories,
        missing=missing,
        population_size=population_size,
    )
    return _chance.unit_terms("gwet_ac2", _AC, matrix, options)


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
    options = _chance.family_options(
        weights=weights,
        weights_by=weights_by,
        levels=levels,
        categories=categories,
        missing=missing,
        population_size=population_size,
    )
    return _chance.unit_terms("brennan_prediger", _BP, matrix, options)
