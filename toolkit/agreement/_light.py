"""Light's kappa: Cohen's kappa averaged over every pair of raters.

The pair tables and the Fleiss, Cohen & Everitt (1969) terms of each pair's
kappa come from :mod:`toolkit.agreement._pair_tables`; this module averages
them, gives the delta-method standard error of the average and R irr's test.
"""

from __future__ import annotations

import math
from typing import Any, Literal

import numpy as np

from toolkit.agreement._input import RatingMatrix, rating_matrix
from toolkit.agreement._pair_tables import (
    _check_choice,
    _kappa_parts,
    _kept_calls,
    _label,
    _labels,
    _margin_terms,
    _pair_codes,
    _pair_tables,
    _rater_pairs,
    _require_categories,
    _statistic_from_margins,
    _undefined_reason,
    _within_bounds,
)
from toolkit.agreement._result import (
    AgreementResult,
    check_level,
    undefined,
    wald_interval,
    z_test_p_value,
)
from toolkit.agreement._terms import UnitTerms
from toolkit.errors import RatingsError

__all__ = ["light_kappa"]

LIGHT_MISSING = ("drop_units", "pairwise")


def light_kappa(
    data: Any,
    *,
    missing: Literal["drop_units", "pairwise"] = "drop_units",
    standard_error: Literal["delta"] = "delta",
    level: float = 0.95,
) -> AgreementResult:
    """Light's kappa: the mean of Cohen's kappa over every pair of raters.

    Parameters
    ----------
    data
        Units x raters ratings, two raters or more (see
        :func:`toolkit.agreement.cohen_kappa`).
    missing
        ``"drop_units"`` (default): only calls scored by every rater count,
        as R irr ``kappam.light``. ``"pairwise"``: each pair of raters uses
        the calls both scored, as psy ``lkappa``.
    standard_error
        ``"delta"``: large-sample (delta-method) standard error. Each pair's
        kappa is linearised as in Fleiss, Cohen & Everitt (1969), the
        per-call terms are averaged over pairs, and the variance is that of
        the average; it accounts for pairs sharing calls and reduces to the
        Fleiss-Cohen-Everitt standard error for two raters. The interval is
        normal, kept within [-1, 1].
    level
        Confidence level of the interval.

    Returns
    -------
    AgreementResult
        ``p_value`` is R irr's z test (see Notes); NaN where that test is
        undefined or with ``missing="pairwise"``. ``details`` holds
        ``pair_kappas`` (a dict keyed by pairs of rater labels), ``z``,
        ``standard_error_null`` (irr's), ``test``, ``n_units_dropped`` and
        ``confidence_interval_uncapped`` (the normal interval before it is
        kept within [-1, 1]).

    Raises
    ------
    RatingsError
        When there are fewer than two raters, or the scores look continuous
        (more than 20 distinct scores and fewer than two scores per distinct
        score, or more than 1000): use ``icc`` or Krippendorff's alpha there.
    ValueError
        For an unknown option.

    Warns
    -----
    UndefinedCoefficientWarning
        When a rater scored no call, when fewer than two calls were scored
        by every rater (``missing="drop_units"``), when a pair of raters has
        fewer than two calls in common, or when both raters of a pair used
        one and the same level.

    Notes
    -----
    Kappas are unweighted, as in R irr. R irr's test, reproduced here and
    named ``"irr_light"`` in ``details["test"]``: with ``P`` pairs of raters,
    ``n`` calls and ``p_e`` each pair's chance agreement, it sets
    ``chance = 1 - P * prod(1 - p_e)``, ``se = sqrt(chance / (n (1 - chance)))``
    and ``z = kappa / se``. That chance term can fall below 0 (often with three
    or four raters), and R irr then returns NaN; so does this function. It
    is not a standard result from Light (1971); prefer the interval.

    The standard error assumes calls are independent (several calls by one
    rep are not modelled).

    References
    ----------
    Light, R. J. (1971). Measures of response agreement for qualitative data:
    some generalizations and alternatives. *Psychological Bulletin*, 76,
    365-377.
    Conger, A. J. (1980). Integration and generalization of kappas for
    multiple raters. *Psychological Bulletin*, 88, 322-328.

    Examples
    --------
    Three raters: the first two agree on every call (kappa 1), the third
    agrees with them on half the calls, no better than chance (kappa 0):

    >>> ratings = [[1, 1, 1], [1, 1, 2], [2, 2, 2], [2, 2, 1]]
    >>> result = light_kappa(ratings)
    >>> round(result.statistic, 4)
    0.3333
    >>> [round(k, 4) for k in result.details["pair_kappas"].values()]
    [1.0, 0.0, 0.0]
    """
    level = check_level(level)
    _check_choice("missing", missing, LIGHT_MISSING)
    _check_choice("standard_error", standard_error, ("delta",))
    matrix = rating_matrix(data)
    _require_raters(matrix)
    _require_categories(matrix, "light_kappa")
    options = {"missing": missing, "standard_error": standard_error}

    pairs = _rater_pairs(matrix.n_raters)
    tables, in_pair, n_dropped = _pair_tables(matrix, pairs, missing)
    n_units = int(in_pair.any(axis=1).sum())
    w = np.eye(matrix.n_categories)
    reason = _missing_reason(matrix, missing) or _pair_reason(matrix, pairs, tables, w)
    if reason is not None:
        return undefined(
            "light_kappa",
            reason,
            n_units=n_units,
            n_raters=matrix.n_raters,
            level=level,
            options=options,
        )

    parts = _kappa_parts(tables, w)
    raters = _labels(matrix.raters)
    pair_kappas = parts["kappa"]
    statistic = float(pair_kappas.mean())
    se = _light_delta_se(matrix, pairs, in_pair, parts)
    se_null, z, p_value = math.nan, math.nan, math.nan
    if missing == "drop_units":
        se_null, z, p_value = _irr_light_test(statistic, parts, n_units)
    interval = wald_interval(statistic, se, level)

    return AgreementResult(
        coefficient="light_kappa",
        statistic=statistic,
        standard_error=se,
        confidence_interval=_within_bounds(interval),
        n_units=n_units,
        n_raters=matrix.n_raters,
        p_value=p_value,
        options=options,
        details={
            "pair_kappas": {
                (raters[i], raters[j]): float(k)
                for (i, j), k in zip(pairs, pair_kappas, strict=True)
            },
            "z": z,
            "standard_error_null": se_null,
            "test": "irr_light" if missing == "drop_units" else None,
            "n_units_dropped": n_dropped,
            "confidence_interval_uncapped": interval,
        },
    )


def _light_kappa_unit_terms(
    matrix: RatingMatrix,
    *,
    missing: str = "drop_units",
    standard_error: str = "delta",
) -> UnitTerms:
    """Per call and pair: agreement, both raters' levels and a call count.

    ``n_pairs * (2q + 2)`` columns (see
    :func:`toolkit.agreement._pair_tables._margin_terms`); combine gives the
    mean of the pairs' kappas.
    """
    _check_choice("missing", missing, LIGHT_MISSING)
    _check_choice("standard_error", standard_error, ("delta",))
    _require_raters(matrix)
    _require_categories(matrix, "light_kappa")
    pairs = _rater_pairs(matrix.n_raters)
    w = np.eye(matrix.n_categories)
    terms = _margin_terms(matrix, pairs, _kept_calls(matrix, missing), w)

    def combine(totals: np.ndarray) -> np.ndarray:
        return _statistic_from_margins(totals, w, len(pairs)).mean(axis=-1)

    return UnitTerms(terms=terms, combine=combine)


def _require_raters(matrix: RatingMatrix) -> None:
    if matrix.n_raters < 2:
        raise RatingsError(
            f"light_kappa needs at least two raters; the ratings have "
            f"{matrix.n_raters} rater(s) ({_labels(matrix.raters)!r})"
        )


def _missing_reason(matrix: RatingMatrix, missing: str) -> str | None:
    """Why missing scores leave no pair table to average, or ``None``."""
    scored = matrix.present.sum(axis=0)
    empty = [_label(rater) for rater in matrix.raters[scored == 0]]
    if empty:
        who = ", ".join(repr(rater) for rater in empty)
        return (
            f"rater(s) {who} scored none of the calls, so no pair with them "
            "has calls in common; remove their column(s) from the ratings"
        )

    n_complete = int(matrix.present.all(axis=1).sum())
    if missing == "drop_units" and n_complete < 2:
        return (
            f"fewer than two calls were scored by all {matrix.n_raters} raters "
            f"(found {n_complete}); pass missing='pairwise' to use the calls "
            "each pair of raters scored"
        )
    return None


def _pair_reason(
    matrix: RatingMatrix,
    pairs: list[tuple[int, int]],
    tables: np.ndarray,
    w: np.ndarray,
) -> str | None:
    """Why the first pair whose kappa is undefined has none, or ``None``."""
    raters = _labels(matrix.raters)
    for (i, j), table in zip(pairs, tables, strict=True):
        names = f"raters {raters[i]!r} and {raters[j]!r}"
        reason = _undefined_reason(table, w, matrix, names)
        if reason is not None:
            return reason
    return None


def _light_delta_se(
    matrix: RatingMatrix,
    pairs: list[tuple[int, int]],
    in_pair: np.ndarray,
    parts: dict[str, np.ndarray],
) -> float:
    """Delta-method standard error of the mean of the pairwise kappas."""
    a, b, _ = _pair_codes(matrix, pairs, np.ones(matrix.n_units, dtype=bool))

    # each call's first-order effect on each pair's kappa, then on the mean
    pair_index = np.arange(len(pairs))[None, :]
    effect = parts["influence"][pair_index, a, b] / parts["n"][None, :]
    per_call = np.where(in_pair, effect, 0.0).mean(axis=1)
    return math.sqrt(float((per_call**2).sum()))


def _irr_light_test(
    statistic: float, parts: dict[str, np.ndarray], n_units: int
) -> tuple[float, float, float]:
    """R irr ``kappam.light``'s standard error, z and p-value (see Notes)."""
    n_pairs = len(parts["chance"])
    chance = 1 - n_pairs * float(np.prod(1 - parts["chance"]))
    if not 0 < chance < 1:
        return math.nan, math.nan, math.nan
    se = math.sqrt(chance / (n_units * (1 - chance)))
    return se, statistic / se, z_test_p_value(statistic, se)
