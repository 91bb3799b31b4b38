"""Percent agreement: how often raters give the same score, without chance correction.

Two definitions are in use and both are offered:

``method="all_raters"``
    A call agrees when every rater who scored it gave the same level (or, with a
    tolerance, when the highest and lowest score are at most ``tolerance``
    apart). The statistic is the share of calls that agree: R irr's
    ``agree(ratings, tolerance)``, reported there in percent.
``method="pairs"``
    Per call, the share of rater pairs that agree; the statistic is the mean
    over calls: Gwet's (2014) percent agreement, irrCAC's ``pa.coeff.raw``.

For two raters the two coincide.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np

from toolkit.agreement._input import RatingMatrix, rating_matrix
from toolkit.agreement._result import (
    AgreementResult,
    Interval,
    check_level,
    undefined,
    wald_interval,
)
from toolkit.agreement._terms import UnitTerms
from toolkit.errors import RatingsError

__all__ = ["percent_agreement"]

Method = Literal["pairs", "all_raters"]
ToleranceBy = Literal["auto", "rank", "value"]
Missing = Literal["available", "drop_units"]
StandardError = Literal["gwet", "binomial"]

METHODS = ("pairs", "all_raters")
TOLERANCE_BY = ("auto", "rank", "value")
MISSING = ("available", "drop_units")
STANDARD_ERRORS = ("gwet", "binomial")


def percent_agreement(
    data: Any,
    *,
    method: Method = "pairs",
    tolerance: float = 0,
    tolerance_by: ToleranceBy = "auto",
    levels: Sequence[Any] | None = None,
    missing: Missing = "available",
    standard_error: StandardError | None = None,
    level: float = 0.95,
) -> AgreementResult:
    """Share of agreeing scores, exact or within ``tolerance`` levels.

    Parameters
    ----------
    data
        Units x raters ratings: array-like (NaN or None where a rater did not
        score a call), wide DataFrame, or ``CriterionRatings``.
    method
        ``"pairs"`` (default): mean over calls of the share of rater pairs that
        agree (Gwet 2014; irrCAC ``pa.coeff.raw``). ``"all_raters"``: share of
        calls on which every rater agrees (R irr ``agree``).
    tolerance
        How far apart two scores may be and still agree; 0 means the same
        level. Measured as set by ``tolerance_by``.
    tolerance_by
        ``"rank"``: in steps of the ordered scale (1 means neighbouring
        levels, declared but unused levels count as steps). ``"value"``: in
        score units (1 means scores at most 1 apart; R irr). ``"auto"``
        (default): by value for interval and ratio scales and for numeric
        scores without a scale; by rank for ordinal scales and for text
        labels, whose order must then be declared with ``levels`` or the
        scale. A nominal scale accepts only ``tolerance=0``.
    levels
        Declared levels in scale order, for unused levels and for the order
        of text labels.
    missing
        ``"available"`` (default): every call scored by at least two raters
        counts, with the raters who scored it (irrCAC). ``"drop_units"``: only
        calls scored by every rater count (R irr).
    standard_error
        ``"gwet"``: Gwet's (2014) linearised variance over calls with a
        Student t(n - 1) interval (irrCAC ``pa.coeff.raw``). ``"binomial"``:
        ``sqrt(p (1 - p) / n)`` over the calls used, normal interval; only for
        ``method="all_raters"``, whose calls agree or not. ``None`` (default)
        takes ``"gwet"`` for pairs and ``"binomial"`` for all raters.
    level
        Confidence level of the interval.

    Returns
    -------
    AgreementResult
        ``statistic`` is a proportion in [0, 1] (R irr prints percent).
        ``p_value`` is NaN: no-agreement is not a hypothesis worth testing
        for a proportion without chance correction. ``details`` holds
        ``unit_agreement`` (per call, NaN for calls not used),
        ``n_units_dropped`` and ``n_units_in_variance``.

    Raises
    ------
    RatingsError
        When the ratings have fewer than two raters.
    ValueError
        For an unknown option, a negative tolerance, or a tolerance on a
        nominal scale or on text labels with no declared order.

    Warns
    -----
    UndefinedCoefficientWarning
        When fewer than two calls were scored by two or more raters.

    Notes
    -----
    The default is ``method="pairs"``: in a calibration round with several
    peers one outlying rater turns a call into a disagreement under
    ``"all_raters"``, and the all-raters share falls towards zero as raters
    are added even when most pairs agree, so it says little about how well
    the criterion is defined. With two raters both methods give the same
    value.

    Tolerance by value compares scores with a relative slack of 1e-9, so that
    decimal scores such as 0.1 and 0.4 are 0.3 apart as written.

    R irr's ``agree`` reports over 100% for text labels when every call
    shows the same number of distinct labels (it counts table cells, not
    calls); this function counts calls.

    The interval is clipped to [0, 1]; irrCAC caps only the upper end. For
    ``"gwet"`` the number of calls in the variance is every call with at
    least one score, as irrCAC counts the rows it is given. The standard
    errors assume calls are independent.

    References
    ----------
    Gwet, K. L. (2014). *Handbook of Inter-Rater Reliability*, 4th ed.,
    Advanced Analytics, chapter 2.
    Gamer, M., Lemon, J., Fellows, I., Singh, P. (2019). irr: Various
    Coefficients of Interrater Reliability and Agreement, R package 0.84.1.

    Examples
    --------
    irrCAC's ``cac.raw4raters`` (Krippendorff 2011); irrCAC's README prints
    ``pa.coeff.raw(cac.raw4raters)`` as 0.8181818 with standard error
    0.12561:

    >>> nan = float("nan")
    >>> ratings = [[1, 1, nan, 1], [2, 2, 3, 2], [3, 3, 3, 3], [3, 3, 3, 3],
    ...            [2, 2, 2, 2], [1, 2, 3, 4], [4, 4, 4, 4], [1, 1, 2, 1],
    ...            [2, 2, 2, 2], [nan, 5, 5, 5], [nan, nan, 1, 1],
    ...            [nan, nan, 3, nan]]
    >>> result = percent_agreement(ratings)
    >>> round(result.statistic, 7), round(result.standard_error, 5)
    (0.8181818, 0.12561)

    Eight of the eleven calls scored twice or more have no disagreement at
    all; within one level, call 6 (scores 1, 2, 3, 4) keeps 3 of its 6 pairs:

    >>> round(percent_agreement(ratings, method="all_raters").statistic, 4)
    0.7273
    >>> round(percent_agreement(ratings, tolerance=1).statistic, 4)
    0.9545
    """
    level = check_level(level)
    _check_choice("method", method, METHODS)
    _check_choice("missing", missing, MISSING)
    se_method = _resolve_standard_error(standard_error, method)
    matrix = rating_matrix(data, levels=levels)
    _require_raters(matrix)
    declared = levels is not None or (
        matrix.scale is not None and matrix.scale.levels is not None
    )
    measured_by = _resolve_tolerance_by(
        matrix, tolerance, tolerance_by, declared=declared
    )
    options = {
        "method": method,
        "tolerance": tolerance,
        "tolerance_by": measured_by,
        "missing": missing,
        "standard_error": se_method,
    }

    scores, used, counted = _unit_scores(
        matrix,
        method=method,
        tolerance=tolerance,
        tolerance_by=measured_by,
        missing=missing,
    )
    n_used = int(used.sum())
    if n_used < 2:
        return undefined(
            "percent_agreement",
            f"fewer than two calls were scored by two or more raters "
            f"(found {n_used}); score more calls",
            n_units=n_used,
            n_raters=matrix.n_raters,
            level=level,
            options=options,
        )

    statistic = float(scores[used].mean())
    se, interval, n_in_variance = _standard_error(
        scores, used, counted, statistic, se_method, level
    )

    return AgreementResult(
        coefficient="percent_agreement",
        statistic=statistic,
        standard_error=se,
        confidence_interval=interval,
        n_units=n_used,
        n_raters=matrix.n_raters,
        options=options,
        details={
            "unit_agreement": np.where(used, scores, np.nan),
            "n_units_dropped": matrix.n_units - n_used,
            "n_units_in_variance": n_in_variance,
        },
    )


def _percent_agreement_unit_terms(
    matrix: RatingMatrix,
    *,
    method: Method = "pairs",
    tolerance: float = 0,
    tolerance_by: ToleranceBy = "auto",
    levels: Sequence[Any] | None = None,
    missing: Missing = "available",
    standard_error: StandardError | None = None,
) -> UnitTerms:
    """Per-call terms ``[agreement, used]`` whose totals give the statistic.

    Takes the options of :func:`percent_agreement` except ``level``;
    ``levels`` only tells whether text labels have a declared order (the
    matrix already holds the levels) and ``standard_error`` does not change
    the statistic. One row per unit of ``matrix``; calls not used have a row
    of zeros.
    """
    _check_choice("method", method, METHODS)
    _check_choice("missing", missing, MISSING)
    _resolve_standard_error(standard_error, method)
    _require_raters(matrix)
    declared = levels is not None or (
        matrix.scale is not None and matrix.scale.levels is not None
    )
    measured_by = _resolve_tolerance_by(
        matrix, tolerance, tolerance_by, declared=declared
    )
    scores, used, _ = _unit_scores(
        matrix,
        method=method,
        tolerance=tolerance,
        tolerance_by=measured_by,
        missing=missing,
    )
    terms = np.column_stack([np.where(used, scores, 0.0), used.astype(float)])
    return UnitTerms(terms=terms, combine=_combine_share)


def _combine_share(totals: np.ndarray) -> np.ndarray:
    """Agreeing share from totals ``[sum of agreement, calls used]``."""
    totals = np.asarray(totals, dtype=float)
    agreeing, used = totals[..., 0], totals[..., 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(used >= 2, agreeing / used, np.nan)


def _unit_scores(
    matrix: RatingMatrix,
    *,
    method: str,
    tolerance: float,
    tolerance_by: str,
    missing: str,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-call agreement, the calls used, and the calls the variance counts."""
    present = matrix.present
    n_scores = present.sum(axis=1)
    # calls the variance counts; of those, calls with two scores are used
    all_scored = n_scores == matrix.n_raters
    counted = all_scored if missing == "drop_units" else n_scores >= 1
    used = counted & (n_scores >= 2)

    # position of each score on the scale the tolerance is measured in
    if tolerance_by == "value":
        position = np.where(present, matrix.values, 0.0)
    else:
        position = np.where(present, matrix.codes, 0).astype(float)
    slack = tolerance + 1e-9 * max(1.0, abs(tolerance), np.abs(position).max())

    if method == "all_raters":
        highest = np.where(present, position, -np.inf).max(axis=1)
        lowest = np.where(present, position, np.inf).min(axis=1)
        with np.errstate(invalid="ignore"):
            scores = (highest - lowest <= slack).astype(float)
    else:
        both = present[:, :, None] & present[:, None, :]
        gap = np.abs(position[:, :, None] - position[:, None, :])
        close_pairs = (both & (gap <= slack)).sum(axis=(1, 2)) - n_scores
        ordered_pairs = n_scores * (n_scores - 1)
        with np.errstate(divide="ignore", invalid="ignore"):
            scores = np.where(ordered_pairs > 0, close_pairs / ordered_pairs, 0.0)
    return scores, used, counted


def _standard_error(
    scores: np.ndarray,
    used: np.ndarray,
    counted: np.ndarray,
    statistic: float,
    standard_error: str,
    level: float,
) -> tuple[float, Interval, int]:
    """Standard error, interval clipped to [0, 1], and calls in the variance."""
    n_used = int(used.sum())
    if standard_error == "binomial":
        se = math.sqrt(statistic * (1 - statistic) / n_used)
        interval = wald_interval(statistic, se, level)
        return se, _clip(interval), n_used

    # Gwet (2014): linearised variance of the mean over the calls counted,
    # where a call without two scores contributes zero agreement
    n_counted = int(counted.sum())
    per_unit = np.where(used, scores, 0.0)[counted] * (n_counted / n_used)
    variance = ((per_unit - statistic) ** 2).sum() / (n_counted * (n_counted - 1))
    se = math.sqrt(variance)
    interval = wald_interval(statistic, se, level, df=n_counted - 1)
    return se, _clip(interval), n_counted


def _clip(interval: Interval) -> Interval:
    return Interval(
        low=min(max(interval.low, 0.0), 1.0),
        high=min(max(interval.high, 0.0), 1.0),
        level=interval.level,
    )


def _require_raters(matrix: RatingMatrix) -> None:
    if matrix.n_raters < 2:
        raters = [r.item() if isinstance(r, np.generic) else r for r in matrix.raters]
        raise RatingsError(
            f"percent_agreement needs at least two raters; the ratings have "
            f"{matrix.n_raters} rater(s) ({raters!r}); add the other raters' "
            "columns"
        )


def _resolve_standard_error(standard_error: str | None, method: str) -> str:
    if standard_error is None:
        return "gwet" if method == "pairs" else "binomial"
    _check_choice("standard_error", standard_error, STANDARD_ERRORS)
    if standard_error == "binomial" and method == "pairs":
        raise ValueError(
            "standard_error='binomial' needs method='all_raters': the rater "
            "pairs of one call are not independent trials; use "
            "standard_error='gwet' for method='pairs'"
        )
    return standard_error


def _resolve_tolerance_by(
    matrix: RatingMatrix, tolerance: float, tolerance_by: str, *, declared: bool
) -> str:
    """``"rank"`` or ``"value"``: how the tolerance is measured for these data."""
    if isinstance(tolerance, bool) or not isinstance(tolerance, int | float):
        raise TypeError(
            f"tolerance={tolerance!r} is not a number; pass how many levels "
            "apart two scores may be and still agree, e.g. tolerance=1"
        )
    if not tolerance >= 0:
        raise ValueError(
            f"tolerance={tolerance!r} is negative or NaN; pass 0 for exact "
            "agreement or a positive number of levels"
        )
    _check_choice("tolerance_by", tolerance_by, TOLERANCE_BY)

    scale = matrix.scale
    if tolerance > 0 and scale is not None and not scale.is_ordered:
        raise ValueError(
            f"tolerance={tolerance!r} needs ordered levels, but the scale is "
            "nominal; use tolerance=0 or declare an ordinal scale"
        )
    if tolerance_by != "auto":
        return tolerance_by
    if scale is not None and scale.kind in ("interval", "ratio"):
        return "value"
    if scale is not None and scale.kind == "ordinal":
        return "rank"
    if matrix.numeric:
        return "value"
    if tolerance > 0 and not declared:
        raise ValueError(
            f"tolerance={tolerance!r} needs the order of the text labels "
            f"{list(matrix.categories)!r}; pass levels=[...] in scale order "
            "or an ordinal scale"
        )
    return "rank"


def _check_choice(name: str, value: object, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise ValueError(
            f"{name}={value!r} is not known; use one of "
            f"{', '.join(repr(c) for c in choices)}"
        )
