"""Cohen's kappa and Scott's pi: chance-corrected agreement of two raters.

``cohen_kappa`` (Cohen 1960, weighted: Cohen 1968) and ``scott_pi`` (Scott 1955)
start from the ``q x q`` table that counts the calls the first rater put in
level ``k`` and the second rater in level ``l`` (tables, margins and the
variance terms are in :mod:`toolkit.agreement._pair_tables`). Light's kappa,
which averages Cohen's kappa over pairs of raters, is in
:mod:`toolkit.agreement._light` and re-exported here.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
from scipy import stats

from toolkit.agreement._input import RatingMatrix, rating_matrix

# Light's kappa lives in _light; these names stay importable from here
from toolkit.agreement._light import (
    _light_kappa_unit_terms as _light_kappa_unit_terms,
)
from toolkit.agreement._light import light_kappa
from toolkit.agreement._pair_tables import (
    _check_choice,
    _kappa_parts,
    _labels,
    _margin_terms,
    _margins,
    _pair_table,
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
from toolkit.agreement._weights import weight_matrix
from toolkit.errors import RatingsError

__all__ = ["cohen_kappa", "light_kappa", "scott_pi"]

Weights = str | np.ndarray | Sequence[Sequence[float]]
WeightsBy = Literal["rank", "value"]

COHEN_STANDARD_ERRORS = ("fleiss_cohen_everitt", "gwet")


def cohen_kappa(
    data: Any,
    *,
    weights: Weights = "unweighted",
    weights_by: WeightsBy = "rank",
    levels: Sequence[Any] | None = None,
    standard_error: Literal["fleiss_cohen_everitt", "gwet"] = ("fleiss_cohen_everitt"),
    missing: Literal["drop_units"] = "drop_units",
    level: float = 0.95,
) -> AgreementResult:
    """Cohen's kappa, weighted or not, between exactly two raters.

    Parameters
    ----------
    data
        Units x 2 ratings: array-like (NaN or None where a rater did not score
        a call), wide DataFrame, or ``CriterionRatings``.
    weights
        ``"unweighted"`` (default; same as ``"identity"``), a kind of
        :func:`toolkit.agreement._weights.weight_matrix` (``"linear"``,
        ``"quadratic"``, ``"ordinal"``, ``"radical"``, ``"ratio"``,
        ``"circular"``, ``"bipolar"``), or a ``q x q`` matrix of agreement
        weights with ones on the diagonal, rows and columns in the order of
        the levels. R irr's ``"equal"`` and ``"squared"`` are ``"linear"``
        and ``"quadratic"``. Every kind but ``"unweighted"``, and a matrix
        other than the identity, needs levels in a known order: numbers, or
        text labels declared with ``levels`` or an ordinal scale.
    weights_by
        ``"rank"`` (default): levels one step apart, as R irr, psych,
        statsmodels and scikit-learn weight them. ``"value"``: spaced by the
        scores themselves, as irrCAC does. They differ only for unevenly
        spaced numeric levels.
    levels
        Declared levels in scale order. A level nobody used can change
        weighted kappa: between used levels it adds a step by rank. By
        default the levels are those either rater used on the calls both
        scored, as in R irr (a score on a call left out adds no level).
    standard_error
        ``"fleiss_cohen_everitt"`` (default): the large-sample non-null
        variance of Fleiss, Cohen & Everitt (1969) and a normal interval, as
        statsmodels (``std_kappa``), psych and SAS. ``"gwet"``: the same
        variance (Gwet 2014 writes it differently) with a Student t(n - 1)
        interval, as irrCAC ``kappa2.table``. Either interval is kept
        within [-1, 1] (see Notes).
    missing
        ``"drop_units"``: calls not scored by both raters are left out (R
        irr, psych, statsmodels); the only rule a two-rater table allows.
    level
        Confidence level of the interval.

    Returns
    -------
    AgreementResult
        ``p_value`` is the two-sided z test of kappa = 0 with the null
        standard error of Fleiss, Cohen & Everitt (1969), as R irr
        ``kappa2`` and statsmodels (``std_kappa0``). ``details`` holds
        ``observed_agreement``, ``chance_agreement``, ``standard_error_null``,
        ``z``, ``table`` (first rater in rows), ``categories``, ``weights``,
        ``n_units_dropped`` and ``confidence_interval_uncapped`` (the
        interval before it is kept within [-1, 1]).

    Raises
    ------
    RatingsError
        When the ratings do not have exactly two raters; when ordered
        weights (or a weight matrix) meet text labels whose order is
        unknown; when the scores look continuous (more than 20 distinct
        scores and fewer than two scores per distinct score, or more than
        1000): use ``icc`` or Krippendorff's alpha there, or declare
        ``levels`` if they really are levels.
    ValueError
        For an unknown option or weight kind, a weight matrix of the wrong
        shape, or ordered weights on a nominal scale.

    Warns
    -----
    UndefinedCoefficientWarning
        When fewer than two calls were scored by both raters, or chance
        agreement is 1 (both raters used one and the same level).

    Notes
    -----
    Kappa is ``(p_o - p_e) / (1 - p_e)`` with ``p_o = sum(w * p)`` and
    ``p_e = sum(w * outer(r, c))``.

    R irr's ``kappa2`` orders numeric levels as text (``"11"`` before
    ``"3"``), which changes weighted kappa when levels have different numbers
    of digits; here numeric levels are ordered as numbers.

    Kappa lies in [-1, 1], and so does the interval: its ends are capped
    there, as the project's other coefficients cap theirs at 1. SAS,
    statsmodels and psych print the uncapped normal interval, and irrCAC
    caps only the upper end; ``details["confidence_interval_uncapped"]``
    holds the interval before capping for comparison.

    When the raters agree on every call and use more than one level, kappa
    is 1 and the non-null standard error is 0, so the interval collapses to
    [1, 1]. That says nothing about the uncertainty of a small sample; use a
    bootstrap interval there. The standard errors assume calls are
    independent (several calls by one rep are not modelled).

    References
    ----------
    Cohen, J. (1960). A coefficient of agreement for nominal scales.
    *Educational and Psychological Measurement*, 20, 37-46.
    Cohen, J. (1968). Weighted kappa. *Psychological Bulletin*, 70, 213-220.
    Fleiss, J. L., Cohen, J., Everitt, B. S. (1969). Large sample standard
    errors of kappa and weighted kappa. *Psychological Bulletin*, 72, 323-327.
    Gwet, K. L. (2014). *Handbook of Inter-Rater Reliability*, 4th ed.

    Examples
    --------
    Cohen's (1968) table of 200 diagnoses by two judges; he reports kappa
    .492 and, with disagreement weights 1, 3 and 6, weighted kappa .348:

    >>> import numpy as np
    >>> cells = [(k, l) for k in (1, 2, 3) for l in (1, 2, 3)]
    >>> counts = [88, 14, 18, 10, 40, 10, 2, 6, 12]
    >>> ratings = np.repeat(cells, counts, axis=0)
    >>> round(cohen_kappa(ratings).statistic, 3)
    0.492
    >>> disagreement = np.array([[0, 1, 3], [1, 0, 6], [3, 6, 0]])
    >>> round(cohen_kappa(ratings, weights=1 - disagreement / 6).statistic, 3)
    0.348
    """
    level = check_level(level)
    _check_choice("standard_error", standard_error, COHEN_STANDARD_ERRORS)
    _check_choice("missing", missing, ("drop_units",))
    matrix, w = _pair_levels_and_weights(
        rating_matrix(data, levels=levels), "cohen_kappa", weights, weights_by
    )
    options = {
        "weights": _weights_option(weights),
        "weights_by": weights_by,
        "standard_error": standard_error,
        "missing": missing,
    }

    table, n_dropped = _pair_table(matrix)
    n_units = int(table.sum())
    reason = _undefined_reason(table, w, matrix, "both raters")
    if reason is not None:
        return undefined(
            "cohen_kappa",
            reason,
            n_units=n_units,
            n_raters=2,
            level=level,
            options=options,
        )

    parts = _kappa_parts(table[None], w)
    kappa = float(parts["kappa"][0])
    se = math.sqrt(max(float(parts["variance"][0]), 0.0))
    se_null = math.sqrt(max(float(parts["variance_null"][0]), 0.0))
    df = None if standard_error == "fleiss_cohen_everitt" else n_units - 1
    interval = wald_interval(kappa, se, level, df=df)

    return AgreementResult(
        coefficient="cohen_kappa",
        statistic=kappa,
        standard_error=se,
        confidence_interval=_within_bounds(interval),
        n_units=n_units,
        n_raters=2,
        p_value=z_test_p_value(kappa, se_null),
        options=options,
        details={
            "observed_agreement": float(parts["observed"][0]),
            "chance_agreement": float(parts["chance"][0]),
            "standard_error_null": se_null,
            "z": kappa / se_null if se_null > 0 else math.nan,
            "table": table,
            "categories": _labels(matrix.categories),
            "weights": w,
            "n_units_dropped": n_dropped,
            "confidence_interval_uncapped": interval,
        },
    )


def scott_pi(
    data: Any,
    *,
    weights: Weights = "unweighted",
    weights_by: WeightsBy = "rank",
    levels: Sequence[Any] | None = None,
    standard_error: Literal["gwet"] = "gwet",
    missing: Literal["drop_units"] = "drop_units",
    level: float = 0.95,
) -> AgreementResult:
    """Scott's pi, weighted or not, between exactly two raters.

    Like Cohen's kappa, but chance agreement uses one distribution of levels
    for both raters: ``p_e = sum(w * outer(m, m))`` with ``m = (r + c) / 2``.

    Parameters
    ----------
    data
        Units x 2 ratings (see :func:`cohen_kappa`).
    weights, weights_by, levels
        As for :func:`cohen_kappa`. irrCAC's ``scott2.table`` takes the
        weight matrix it is given; its examples build it on ranks 1..q.
    standard_error
        ``"gwet"``: Gwet's (2014) variance for two raters, as irrCAC
        ``scott2.table``, with a Student t(n - 1) interval kept within
        [-1, 1] (irrCAC caps only the upper end, at 1).
    missing
        ``"drop_units"``: calls not scored by both raters are left out.
    level
        Confidence level of the interval.

    Returns
    -------
    AgreementResult
        ``p_value`` is two-sided, from ``statistic / standard_error`` against
        Student t(n - 1), as irrCAC's functions for raw ratings (its table
        functions print the one-sided value). ``details`` holds
        ``observed_agreement``, ``chance_agreement``, ``table``,
        ``categories``, ``weights``, ``n_units_dropped`` and
        ``confidence_interval_uncapped``.

    Raises
    ------
    RatingsError
        When the ratings do not have exactly two raters, ordered weights
        meet text labels whose order is unknown, or the scores look
        continuous (as for :func:`cohen_kappa`).
    ValueError
        For an unknown option or weight kind.

    Warns
    -----
    UndefinedCoefficientWarning
        When fewer than two calls were scored by both raters, or chance
        agreement is 1 (both raters used one and the same level).

    Notes
    -----
    Gwet's standard error is a non-null (linearised) one; the p-value built
    on it follows irrCAC and is not a test under independence. The standard
    error assumes calls are independent.

    References
    ----------
    Scott, W. A. (1955). Reliability of content analysis: the case of nominal
    scale coding. *Public Opinion Quarterly*, 19, 321-325.
    Gwet, K. L. (2014). *Handbook of Inter-Rater Reliability*, 4th ed.,
    chapter 2.

    Examples
    --------
    irrCAC's ``cont3x3abstractors`` (Gwet 2014); irrCAC's README prints
    ``scott2.table(cont3x3abstractors)`` as 0.7962397, standard error
    0.05905473:

    >>> import numpy as np
    >>> cells = [(k, l) for k in (1, 2, 3) for l in (1, 2, 3)]
    >>> counts = [13, 0, 0, 0, 20, 7, 0, 4, 56]
    >>> result = scott_pi(np.repeat(cells, counts, axis=0))
    >>> round(result.statistic, 7), round(result.standard_error, 8)
    (0.7962397, 0.05905473)
    """
    level = check_level(level)
    _check_choice("standard_error", standard_error, ("gwet",))
    _check_choice("missing", missing, ("drop_units",))
    matrix, w = _pair_levels_and_weights(
        rating_matrix(data, levels=levels), "scott_pi", weights, weights_by
    )
    options = {
        "weights": _weights_option(weights),
        "weights_by": weights_by,
        "standard_error": standard_error,
        "missing": missing,
    }

    table, n_dropped = _pair_table(matrix)
    n_units = int(table.sum())
    reason = _undefined_reason(table, w, matrix, "both raters", scott=True)
    if reason is not None:
        return undefined(
            "scott_pi",
            reason,
            n_units=n_units,
            n_raters=2,
            level=level,
            options=options,
        )

    statistic, observed, chance, variance = _scott_parts(table, w)
    se = math.sqrt(max(variance, 0.0))
    interval = wald_interval(statistic, se, level, df=n_units - 1)
    p_value = math.nan
    if se > 0:
        p_value = float(2 * stats.t.sf(abs(statistic / se), n_units - 1))

    return AgreementResult(
        coefficient="scott_pi",
        statistic=statistic,
        standard_error=se,
        confidence_interval=_within_bounds(interval),
        n_units=n_units,
        n_raters=2,
        p_value=p_value,
        options=options,
        details={
            "observed_agreement": observed,
            "chance_agreement": chance,
            "table": table,
            "categories": _labels(matrix.categories),
            "weights": w,
            "n_units_dropped": n_dropped,
            "confidence_interval_uncapped": interval,
        },
    )


# --- per-call terms for the bootstrap -------------------------------------


def _cohen_kappa_unit_terms(
    matrix: RatingMatrix,
    *,
    weights: Weights = "unweighted",
    weights_by: WeightsBy = "rank",
    levels: Sequence[Any] | None = None,
    standard_error: str = "fleiss_cohen_everitt",
    missing: str = "drop_units",
) -> UnitTerms:
    """Per call: its agreement weight, both raters' levels and a call count.

    Takes the options of :func:`cohen_kappa` except ``level``; ``levels``
    is already in ``matrix`` and the standard error does not change the
    statistic. One row per unit of ``matrix``; calls not scored by both
    raters have a row of zeros. ``2q + 2`` columns (see
    :func:`toolkit.agreement._pair_tables._margin_terms`).
    """
    _check_choice("standard_error", standard_error, COHEN_STANDARD_ERRORS)
    _check_choice("missing", missing, ("drop_units",))
    matrix, w = _pair_levels_and_weights(matrix, "cohen_kappa", weights, weights_by)
    terms = _margin_terms(matrix, [(0, 1)], np.ones(matrix.n_units, bool), w)

    def combine(totals: np.ndarray) -> np.ndarray:
        return _statistic_from_margins(totals, w, 1)[..., 0]

    return UnitTerms(terms=terms, combine=combine)


def _scott_pi_unit_terms(
    matrix: RatingMatrix,
    *,
    weights: Weights = "unweighted",
    weights_by: WeightsBy = "rank",
    levels: Sequence[Any] | None = None,
    standard_error: str = "gwet",
    missing: str = "drop_units",
) -> UnitTerms:
    """The terms of :func:`_cohen_kappa_unit_terms`; combine gives Scott's pi."""
    _check_choice("standard_error", standard_error, ("gwet",))
    _check_choice("missing", missing, ("drop_units",))
    matrix, w = _pair_levels_and_weights(matrix, "scott_pi", weights, weights_by)
    terms = _margin_terms(matrix, [(0, 1)], np.ones(matrix.n_units, bool), w)

    def combine(totals: np.ndarray) -> np.ndarray:
        return _statistic_from_margins(totals, w, 1, scott=True)[..., 0]

    return UnitTerms(terms=terms, combine=combine)


# --- Scott's pi from its table ----------------------------------------------


def _scott_parts(table: np.ndarray, w: np.ndarray) -> tuple[float, float, float, float]:
    """Scott's pi, p_o, p_e and Gwet's (2014) variance for one table."""
    n, p, r, c = _margins(table.astype(float))
    m = (r + c) / 2
    observed = float((p * w).sum())
    chance = float(m @ w @ m)
    pi = (observed - chance) / (1 - chance)

    # Gwet's p-bar: mean of the weighted margins of both raters
    p_bar = (w @ c + w.T @ r) / 2
    term = w - (1 - pi) * (p_bar[:, None] + p_bar[None, :])
    mean = observed - 2 * (1 - pi) * chance
    variance = ((p * term**2).sum() - mean**2) / (float(n) * (1 - chance) ** 2)
    return float(pi), observed, chance, float(variance)


# --- checks -----------------------------------------------------------------


def _pair_levels_and_weights(
    matrix: RatingMatrix, coefficient: str, weights: Weights, weights_by: str
) -> tuple[RatingMatrix, np.ndarray]:
    """Check two raters' ratings; their levels and agreement weights."""
    _require_two_raters(matrix, coefficient)
    _require_categories(matrix, coefficient)
    matrix = _levels_both_scored(matrix)
    return matrix, _agreement_weights(matrix, weights, weights_by)


def _levels_both_scored(matrix: RatingMatrix) -> RatingMatrix:
    """Without declared levels, keep those scored on calls both raters scored.

    R irr's ``kappa2`` drops the incomplete calls first, so a score on a call
    only one rater scored adds no level (and no step to ordered weights).
    Such scores become missing here; their calls are left out anyway.
    """
    both = matrix.present.all(axis=1)
    used = np.zeros(matrix.n_categories, dtype=bool)
    used[matrix.codes[both].ravel()] = True
    if matrix.declared or used.all() or not used.any():
        return matrix

    new_code = np.where(used, np.cumsum(used) - 1, -1)
    codes = np.where(matrix.present, new_code[np.maximum(matrix.codes, 0)], -1)
    return dataclasses.replace(
        matrix,
        codes=codes,
        categories=matrix.categories[used],
        category_values=matrix.category_values[used],
        values=np.where(codes >= 0, matrix.values, np.nan),
    )


def _require_two_raters(matrix: RatingMatrix, coefficient: str) -> None:
    if matrix.n_raters != 2:
        raise RatingsError(
            f"{coefficient} compares exactly two raters; the ratings have "
            f"{matrix.n_raters} rater(s) ({_labels(matrix.raters)!r}). For more "
            "raters use fleiss_kappa, conger_kappa or light_kappa, or select "
            "two raters' columns"
        )


def _agreement_weights(
    matrix: RatingMatrix, weights: Weights, weights_by: str
) -> np.ndarray:
    """The ``q x q`` agreement weights, refusing an order the levels lack."""
    _check_choice("weights_by", weights_by, ("rank", "value"))
    q = matrix.n_categories
    if isinstance(weights, str):
        ordered = weights not in ("unweighted", "identity")
        if ordered and matrix.scale is not None and not matrix.scale.is_ordered:
            raise ValueError(
                f"weights={weights!r} needs ordered levels, but the scale is "
                "nominal; use weights='unweighted' or a q x q weight matrix"
            )
        if ordered:
            matrix.require_order(f"weights={weights!r}")
        return weight_matrix(
            weights,
            matrix.category_values,
            weights_by=weights_by,  # type: ignore[arg-type]
        )

    # a matrix's rows follow the levels, so they need a known order
    custom = np.asarray(weights, dtype=float)
    if custom.shape != (q, q):
        raise ValueError(
            f"the weight matrix must be {q} x {q}, a row and column per level "
            f"in order ({_labels(matrix.categories)!r}); got shape "
            f"{custom.shape}. Without declared levels the levels are those "
            "scored on calls both raters scored; pass levels=[...] to fix them"
        )
    if not np.array_equal(custom, np.eye(q)):
        matrix.require_order("a weight matrix (its rows follow the levels)")
    return weight_matrix(custom, matrix.category_values)


def _weights_option(weights: Weights) -> Any:
    """The weights as recorded in ``result.options``: a name or nested lists."""
    if isinstance(weights, str):
        return weights
    return np.asarray(weights, dtype=float).tolist()
