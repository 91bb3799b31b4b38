"""Kendall's coefficient of concordance W: do raters put the calls in one order?

Each rater's scores are turned into ranks of the calls (tied scores share the
mean rank). If all raters order the calls alike, the calls' rank totals spread
as far as they can and W = 1; if the orders are unrelated, W is near 0.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy import stats

from toolkit.agreement._input import RatingMatrix, rating_matrix
from toolkit.agreement._result import (
    AgreementResult,
    Interval,
    check_level,
    undefined,
)
from toolkit.errors import RatingsError

__all__ = ["kendall_w"]


def kendall_w(
    data: Any,
    *,
    correct_ties: bool = True,
    levels: Sequence[Any] | None = None,
    level: float = 0.95,
) -> AgreementResult:
    """Kendall's W: agreement of raters on the order of the calls.

    Parameters
    ----------
    data
        Units x raters scores (2-D array-like with NaN or None for a missing
        score, wide DataFrame, or ``CriterionRatings``) on an ordered scale.
        Only each rater's order of the calls matters, not the score values.
    correct_ties
        ``True`` (default): correct W for tied scores within a rater (Kendall
        1948), as R irr ``kendall(ratings, correct=TRUE)``. ``False``: the
        uncorrected W of irr's default ``correct=FALSE``, which is too small
        when raters give tied scores, as raters on a short scale always do.
    levels
        The scale's levels, lowest first; needed when the scores are text
        labels (``["poor", "fair", "good"]``), which have no order of their
        own. A score outside the levels raises ``RatingsError``. ``None``
        (default): the scale's levels of a ``CriterionRatings``, else the
        scores as numbers.
    level
        Confidence level of the interval (which is NaN, see Notes); kept so
        every coefficient takes the same arguments.

    Returns
    -------
    AgreementResult
        ``statistic`` is W, ``p_value`` the upper tail of the chi-square test
        of no concordance, ``standard_error`` and ``confidence_interval`` NaN.
        ``details`` holds ``chi2`` (``n_raters (n_units - 1) W``), ``df``
        (``n_units - 1``), ``ties`` (the sum over raters of ``t**3 - t`` over
        groups of ``t`` tied calls) and ``units_dropped``.

    Raises
    ------
    RatingsError
        A ``ValueError`` about the scores: fewer than two raters, a nominal
        scale, text labels with no declared order, or a score outside
        ``levels``.
    ValueError
        For a ``level`` out of range.
    TypeError
        For a ``correct_ties`` that is not a bool.

    Warns
    -----
    UndefinedCoefficientWarning
        When fewer than two calls have a score from every rater, or every
        rater gave all calls the same score; the result is then NaN.

    Notes
    -----
    Missing scores: calls with a missing score are left out (listwise, as irr
    does) and counted in ``details["units_dropped"]``; each rater's ranks are
    taken over the complete calls only.

    The chi-square test (Friedman's test with raters as blocks) is a
    large-sample approximation; irr's documentation says it is valid only for
    large samples. irr reports no standard error of W and none is in common
    use, so ``standard_error`` and the interval are NaN. Use the bootstrap
    over calls, ``bootstrap(data, "kendall_w", ...)``, which reranks every
    resample (``_kendall_w_batch``).

    W measures agreement on the order of the calls, not on the scores: raters
    who score every call two levels apart but in the same order have W = 1.
    For agreement on the levels themselves use an ICC (``type="agreement"``)
    or Krippendorff's alpha.

    References
    ----------
    Kendall, M. G. (1948). Rank Correlation Methods. London: Griffin.

    Kendall, M. G., & Babington Smith, B. (1939). The problem of m rankings.
    Annals of Mathematical Statistics, 10(3), 275-287.

    Examples
    --------
    Six calls ranked by three raters without ties; R irr's
    ``kendall(ratings)`` gives W = 0.568, Chisq(5) = 8.52, p = 0.13.

    >>> ranks = [[1, 1, 2], [6, 5, 3], [3, 6, 6], [2, 2, 5], [5, 4, 4], [4, 3, 1]]
    >>> result = kendall_w(ranks)
    >>> round(result.statistic, 3), round(result.details["chi2"], 2)
    (0.568, 8.52)
    >>> round(result.p_value, 2)
    0.13
    """
    level = check_level(level)
    _check_correct_ties(correct_ties)
    matrix = rating_matrix(data, levels=levels)
    values = _ordered_values(matrix)
    options = {"correct_ties": correct_ties, "missing": "drop_units"}

    # keep calls scored by every rater
    complete = ~np.isnan(values).any(axis=1)
    values = values[complete]
    n_units, n_raters = values.shape
    units_dropped = matrix.n_units - n_units

    if n_units < 2:
        return undefined(
            "kendall_w",
            f"fewer than two calls were scored by every rater ({n_units} "
            f"complete; {units_dropped} call(s) with a missing score were left "
            "out)",
            n_units=n_units,
            n_raters=n_raters,
            level=level,
            options=options,
        )
    w, ties = _concordance(values[None], correct_ties)
    if not np.isfinite(w[0]):
        return undefined(
            "kendall_w",
            "every rater gave all calls the same score, so no rater orders the calls",
            n_units=n_units,
            n_raters=n_raters,
            level=level,
            options=options,
        )

    statistic = float(w[0])
    chi2 = n_raters * (n_units - 1) * statistic
    df = n_units - 1
    return AgreementResult(
        coefficient="kendall_w",
        statistic=statistic,
        standard_error=math.nan,
        confidence_interval=Interval(math.nan, math.nan, level),
        n_units=n_units,
        n_raters=n_raters,
        p_value=float(stats.chi2.sf(chi2, df)),
        options=options,
        details={
            "chi2": chi2,
            "df": df,
            "ties": float(ties[0]),
            "units_dropped": units_dropped,
        },
    )


def _kendall_w_batch(values: np.ndarray, *, correct_ties: bool = True) -> np.ndarray:
    """Kendall's W of every matrix in a stack ``(B, n_units, n_raters)``.

    NaN marks a missing score; in each matrix the calls with a missing score
    are left out, as :func:`kendall_w` does. Returns ``(B,)`` values, NaN
    (without a warning) where W is undefined.
    """
    _check_correct_ties(correct_ties)
    values = np.asarray(values, dtype=float)
    if values.ndim != 3:
        raise ValueError(
            f"values must be a stack of shape (B, n_units, n_raters); got shape "
            f"{values.shape}"
        )
    w, _ = _concordance(values, correct_ties)
    return w


def _concordance(
    values: np.ndarray, correct_ties: bool
) -> tuple[np.ndarray, np.ndarray]:
    """W and the tie sum for a stack ``(B, n, k)``; NaN where undefined."""
    n_raters = values.shape[2]

    # a call missing one score is left out entirely
    values = np.where(np.isnan(values).any(axis=2, keepdims=True), np.nan, values)
    complete = ~np.isnan(values[..., 0])
    n_units = complete.sum(axis=1).astype(float)

    # ranks within each rater; a tie group of t calls spans ranks min..max
    low = stats.rankdata(values, method="min", axis=1, nan_policy="omit")
    high = stats.rankdata(values, method="max", axis=1, nan_policy="omit")
    ranks = (low + high) / 2
    group_size = high - low + 1

    # S: squared deviations of the calls' rank totals from their mean
    totals = np.where(complete, np.nansum(ranks, axis=2), 0.0)
    mean_total = n_raters * (n_units + 1) / 2
    deviations = np.where(complete, totals - mean_total[:, None], 0.0)
    spread = (deviations**2).sum(axis=1)

    # each call in a tie group of t adds t**2 - 1, so a group adds t**3 - t
    ties = np.nansum(group_size**2 - 1, axis=(1, 2))
    most = n_raters**2 * (n_units**3 - n_units)
    denominator = most - n_raters * ties if correct_ties else most

    # undefined: under two calls, or every rater's scores one tie group
    all_tied = ties >= n_raters * (n_units**3 - n_units)
    with np.errstate(divide="ignore", invalid="ignore"):
        w = 12 * spread / denominator
    return np.where((n_units >= 2) & ~all_tied, w, np.nan), ties


def _check_correct_ties(correct_ties: Any) -> None:
    if not isinstance(correct_ties, bool | np.bool_):
        raise TypeError(
            f"correct_ties={correct_ties!r} is not a bool; pass correct_ties=True "
            "(tie-corrected W) or correct_ties=False (irr's default)"
        )


def _ordered_values(matrix: RatingMatrix) -> np.ndarray:
    """Scores whose order means something; reject nominal and unordered labels."""
    if matrix.n_raters < 2:
        raise RatingsError(
            f"data has {matrix.n_raters} rater column(s); Kendall's W needs at "
            "least two raters who scored the same calls"
        )
    if matrix.scale is not None and not matrix.scale.is_ordered:
        raise RatingsError(
            "the scale is nominal, so the scores have no order to agree on; use "
            "fleiss_kappa or krippendorff_alpha(..., metric='nominal'), or "
            "declare the criterion ordinal"
        )
    matrix.require_order("Kendall's W")
    return matrix.values
