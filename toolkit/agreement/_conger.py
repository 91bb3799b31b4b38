"""Conger's (1980) kappa: Cohen's kappa generalised to many raters.

It shares Fleiss' observed agreement ``p_o`` (all available ratings,
agreement weights); its chance agreement ``p_e`` is the mean over pairs of
raters of Cohen's chance agreement, from each rater's own category shares.
Its standard error is Gwet's (2014) linearisation, as irrCAC's
``conger.kappa.raw``.
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
from toolkit.agreement._input import RatingMatrix
from toolkit.agreement._result import AgreementResult
from toolkit.agreement._terms import UnitTerms

__all__ = ["conger_kappa"]


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
    options = _chance.family_options(
        weights=weights,
        weights_by=weights_by,
        levels=levels,
        categories=categories,
        missing=missing,
        population_size=population_size,
    )
    return _chance.estimate("conger_kappa", _CONGER, data, options, level)


_chance.fill_docstring(conger_kappa)


def _rater_indicators(data: ChanceData) -> np.ndarray:
    """``(n, r, q)`` array: 1 where rater g put unit i in category k."""
    q = data.counts.shape[1]
    return (data.matrix.codes[..., None] == np.arange(q)).astype(float)


def _weight_rows(data: ChanceData) -> np.ndarray:
    """``(n, r, q)`` array: ``w[k, c_ig]`` for rater g's category ``c_ig`` of
    unit i, 0 where g did not score i (the indicators times ``w.T``, gathered
    in O(n r q) instead of multiplied in O(n r q**2))."""
    codes = data.matrix.codes
    rows = data.weights.T[np.maximum(codes, 0)]
    return np.where((codes >= 0)[..., None], rows, 0.0)


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
    weights = data.weights
    n_units, n_raters = data.n_units, data.n_raters
    rated = data.matrix.present.astype(float)
    per_rater = rated.sum(axis=0)
    shares = _rater_indicators(data).sum(axis=0) / per_rater[:, None]
    chance = float(_pairwise_chance(shares, weights))

    # each unit's share of p_e (Gwet 2014, chapter 5; irrCAC's lambda_ig)
    deviation = _weight_rows(data) - (rated - per_rater / n_units)[..., None] * (
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


_CONGER = ChanceRule(
    name=lambda weights: "conger_kappa",
    estimate=_conger_estimate,
    unit_columns=lambda data: _rater_indicators(data).reshape(data.n_units, -1),
    from_totals=_conger_from_totals,
)


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
    options = _chance.family_options(
        weights=weights,
        weights_by=weights_by,
        levels=levels,
        categories=categories,
        missing=missing,
        population_size=population_size,
    )
    return _chance.unit_terms("conger_kappa", _CONGER, matrix, options)
