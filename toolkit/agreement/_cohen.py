"""Kappa-type coefficients built on two-rater contingency tables.

``cohen_kappa`` (Cohen 1960, weighted: Cohen 1968) and ``scott_pi`` (Scott 1955)
compare exactly two raters; ``light_kappa`` (Light 1971) averages Cohen's kappa
over every pair of raters. All three start from the ``q x q`` table that counts
the calls a first rater put in level ``k`` and a second rater in level ``l``.

Notation (Fleiss, Cohen & Everitt 1969): ``p`` the table as proportions, ``r``
and ``c`` its row and column margins, ``w`` the agreement weights, ``p_o`` the
weighted observed agreement and ``p_e`` the weighted agreement expected by
chance.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
from scipy import stats

from toolkit.agreement._input import RatingMatrix, rating_matrix
from toolkit.agreement._result import (
    AgreementResult,
    Interval,
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
LIGHT_MISSING = ("drop_units", "pairwise")

# p_e this close to 1 means every rating pair gets full credit by chance
_CHANCE_TOLERANCE = 1e-12


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
        and ``"quadratic"``.
    weights_by
        ``"rank"`` (default): levels one step apart, as R irr, psych,
        statsmodels and scikit-learn weight them. ``"value"``: spaced by the
        scores themselves, as irrCAC does. They differ only for unevenly
        spaced numeric levels.
    levels
        Declared levels in scale order. A level nobody used can change
        weighted kappa: between used levels it adds a step by rank. By
        default the levels are those either rater used, as in R irr.
    standard_error
        ``"fleiss_cohen_everitt"`` (default): the large-sample non-null
        variance of Fleiss, Cohen & Everitt (1969) and a normal interval, as
        statsmodels (``std_kappa``), psych and SAS. ``"gwet"``: the same
        variance (Gwet 2014 writes it differently) with a Student t(n - 1)
        interval whose upper end is capped at 1, as irrCAC ``kappa2.table``.
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
        ``z``, ``table`` (first rater in rows), ``categories``, ``weights``
        and ``n_units_dropped``.

    Raises
    ------
    RatingsError
        When the ratings do not have exactly two raters.
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
    matrix = rating_matrix(data, levels=levels)
    _require_two_raters(matrix, "cohen_kappa")
    w = _agreement_weights(matrix, weights, weights_by)
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
    if standard_error == "fleiss_cohen_everitt":
        interval = wald_interval(kappa, se, level)
    else:
        interval = _cap_high(wald_interval(kappa, se, level, df=n_units - 1))

    return AgreementResult(
        coefficient="cohen_kappa",
        statistic=kappa,
        standard_error=se,
        confidence_interval=interval,
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
        ``scott2.table``, with a Student t(n - 1) interval whose upper end is
        capped at 1.
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
        ``categories``, ``weights`` and ``n_units_dropped``.

    Raises
    ------
    RatingsError
        When the ratings do not have exactly two raters.
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
    matrix = rating_matrix(data, levels=levels)
    _require_two_raters(matrix, "scott_pi")
    w = _agreement_weights(matrix, weights, weights_by)
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
    interval = _cap_high(wald_interval(statistic, se, level, df=n_units - 1))
    p_value = math.nan
    if se > 0:
        p_value = float(2 * stats.t.sf(abs(statistic / se), n_units - 1))

    return AgreementResult(
        coefficient="scott_pi",
        statistic=statistic,
        standard_error=se,
        confidence_interval=interval,
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
        },
    )


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
        Units x raters ratings, two raters or more (see :func:`cohen_kappa`).
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
        normal.
    level
        Confidence level of the interval.

    Returns
    -------
    AgreementResult
        ``p_value`` is R irr's z test (see Notes); NaN where that test is
        undefined or with ``missing="pairwise"``. ``details`` holds
        ``pair_kappas`` (a dict keyed by pairs of rater labels), ``z``,
        ``standard_error_null`` (irr's), ``test`` and ``n_units_dropped``.

    Raises
    ------
    RatingsError
        When there are fewer than two raters.
    ValueError
        For an unknown option.

    Warns
    -----
    UndefinedCoefficientWarning
        When a pair of raters has fewer than two calls in common, or both of
        its raters used one and the same level.

    Notes
    -----
    Kappas are unweighted, as in R irr. R irr's test, reproduced here and
    named ``"irr_light"`` in ``details["test"]``: with ``P`` pairs of raters,
    ``n`` calls and ``p_e`` each pair's chance agreement, it sets
    ``chance = 1 - P * prod(1 - p_e)``, ``se = sqrt(chance / (n (1 - chance)))``
    and ``z = kappa / se``. That chance term can fall below 0 (often with three
    or four raters), and R irr then returns NaN; so does this function. It
    is not a standard result from Light (1971); prefer the interval.

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
    if matrix.n_raters < 2:
        raise RatingsError(
            f"light_kappa needs at least two raters; the ratings have "
            f"{matrix.n_raters} rater(s) ({_labels(matrix.raters)!r})"
        )
    options = {"missing": missing, "standard_error": standard_error}

    pairs = _rater_pairs(matrix.n_raters)
    tables, in_pair, n_dropped = _pair_tables(matrix, pairs, missing)
    n_units = int(in_pair.any(axis=1).sum())
    w = np.eye(matrix.n_categories)
    raters = [_label(rater) for rater in matrix.raters]
    for (i, j), table in zip(pairs, tables, strict=True):
        names = f"raters {raters[i]!r} and {raters[j]!r}"
        reason = _undefined_reason(table, w, matrix, names)
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
    pair_kappas = parts["kappa"]
    statistic = float(pair_kappas.mean())
    se = _light_delta_se(matrix, pairs, in_pair, parts)
    se_null, z, p_value = math.nan, math.nan, math.nan
    if missing == "drop_units":
        se_null, z, p_value = _irr_light_test(statistic, parts, n_units)

    return AgreementResult(
        coefficient="light_kappa",
        statistic=statistic,
        standard_error=se,
        confidence_interval=wald_interval(statistic, se, level),
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
    """One-hot ``q * q`` table cell per call; combine gives kappa.

    Takes the options of :func:`cohen_kappa` except ``level``; ``levels``
    is already in ``matrix`` and the standard error does not change the
    statistic. One row per unit of ``matrix``; calls not scored by both
    raters have a row of zeros.
    """
    _check_choice("standard_error", standard_error, COHEN_STANDARD_ERRORS)
    _check_choice("missing", missing, ("drop_units",))
    _require_two_raters(matrix, "cohen_kappa")
    w = _agreement_weights(matrix, weights, weights_by)
    terms = _one_hot_cells(matrix, [(0, 1)], np.ones(matrix.n_units, bool))
    q = matrix.n_categories

    def combine(totals: np.ndarray) -> np.ndarray:
        tables = np.asarray(totals, dtype=float).reshape(*np.shape(totals)[:-1], q, q)
        return _kappa_statistic(tables, w)

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
    """One-hot ``q * q`` table cell per call; combine gives Scott's pi."""
    _check_choice("standard_error", standard_error, ("gwet",))
    _check_choice("missing", missing, ("drop_units",))
    _require_two_raters(matrix, "scott_pi")
    w = _agreement_weights(matrix, weights, weights_by)
    terms = _one_hot_cells(matrix, [(0, 1)], np.ones(matrix.n_units, bool))
    q = matrix.n_categories

    def combine(totals: np.ndarray) -> np.ndarray:
        tables = np.asarray(totals, dtype=float).reshape(*np.shape(totals)[:-1], q, q)
        return _scott_statistic(tables, w)

    return UnitTerms(terms=terms, combine=combine)


def _light_kappa_unit_terms(
    matrix: RatingMatrix,
    *,
    missing: str = "drop_units",
    standard_error: str = "delta",
) -> UnitTerms:
    """One-hot table cell per call and pair (``n_pairs * q * q`` columns)."""
    _check_choice("missing", missing, LIGHT_MISSING)
    _check_choice("standard_error", standard_error, ("delta",))
    pairs = _rater_pairs(matrix.n_raters)
    keep = np.asarray(matrix.present.all(axis=1) | (missing == "pairwise"))
    terms = _one_hot_cells(matrix, pairs, keep)
    q, n_pairs = matrix.n_categories, len(pairs)
    w = np.eye(q)

    def combine(totals: np.ndarray) -> np.ndarray:
        tables = np.asarray(totals, dtype=float).reshape(
            *np.shape(totals)[:-1], n_pairs, q, q
        )
        return _kappa_statistic(tables, w).mean(axis=-1)

    return UnitTerms(terms=terms, combine=combine)


# --- tables ---------------------------------------------------------------


def _rater_pairs(n_raters: int) -> list[tuple[int, int]]:
    first, second = np.triu_indices(n_raters, 1)
    return [(int(i), int(j)) for i, j in zip(first, second, strict=True)]


def _pair_table(matrix: RatingMatrix) -> tuple[np.ndarray, int]:
    """Contingency table of raters 0 (rows) and 1, and the calls left out."""
    tables, in_pair, _ = _pair_tables(matrix, [(0, 1)], "drop_units")
    return tables[0], matrix.n_units - int(in_pair.sum())


def _pair_tables(
    matrix: RatingMatrix, pairs: list[tuple[int, int]], missing: str
) -> tuple[np.ndarray, np.ndarray, int]:
    """``(n_pairs, q, q)`` tables, which calls each pair uses, calls left out."""
    first = np.array([i for i, _ in pairs])
    second = np.array([j for _, j in pairs])
    a, b = matrix.codes[:, first], matrix.codes[:, second]
    complete = np.asarray(matrix.present.all(axis=1))
    in_pair = (a >= 0) & (b >= 0) & (complete | (missing == "pairwise"))[:, None]

    # count the cells of every pair's table at once
    q = matrix.n_categories
    cell = np.arange(len(pairs))[None, :] * q * q + a * q + b
    counts = np.bincount(cell[in_pair], minlength=len(pairs) * q * q)
    n_dropped = matrix.n_units - int(in_pair.any(axis=1).sum())
    return counts.reshape(len(pairs), q, q), in_pair, n_dropped


def _one_hot_cells(
    matrix: RatingMatrix, pairs: list[tuple[int, int]], keep: np.ndarray
) -> np.ndarray:
    """``(n_units, n_pairs * q * q)``: a one in each call's cell of each pair."""
    q = matrix.n_categories
    first = np.array([i for i, _ in pairs])
    second = np.array([j for _, j in pairs])
    a, b = matrix.codes[:, first], matrix.codes[:, second]
    in_pair = (a >= 0) & (b >= 0) & keep[:, None]

    terms = np.zeros((matrix.n_units, len(pairs) * q * q))
    units, pair = np.nonzero(in_pair)
    terms[units, pair * q * q + a[in_pair] * q + b[in_pair]] = 1.0
    return terms


# --- the coefficients from tables -----------------------------------------


def _margins(tables: np.ndarray) -> tuple[np.ndarray, ...]:
    """Calls, proportions, row and column margins of ``(..., q, q)`` tables."""
    n = tables.sum(axis=(-2, -1))
    with np.errstate(divide="ignore", invalid="ignore"):
        p = tables / n[..., None, None]
    return n, p, p.sum(axis=-1), p.sum(axis=-2)


def _kappa_statistic(tables: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Kappa of ``(..., q, q)`` count tables; NaN where undefined."""
    n, p, r, c = _margins(tables)
    observed = (p * w).sum(axis=(-2, -1))
    chance = np.einsum("...i,ij,...j->...", r, w, c)
    return _chance_corrected(observed, chance, n)


def _scott_statistic(tables: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Scott's pi of ``(..., q, q)`` count tables; NaN where undefined."""
    n, p, r, c = _margins(tables)
    m = (r + c) / 2
    observed = (p * w).sum(axis=(-2, -1))
    chance = np.einsum("...i,ij,...j->...", m, w, m)
    return _chance_corrected(observed, chance, n)


def _chance_corrected(
    observed: np.ndarray, chance: np.ndarray, n: np.ndarray
) -> np.ndarray:
    defined = (n >= 2) & (np.abs(1 - chance) > _CHANCE_TOLERANCE)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(defined, (observed - chance) / (1 - chance), np.nan)


def _kappa_parts(tables: np.ndarray, w: np.ndarray) -> dict[str, np.ndarray]:
    """Kappa of ``(n_pairs, q, q)`` defined tables with its FCE (1969) terms.

    ``influence[t, k, l]`` is ``n`` times the change in kappa when one call
    in cell ``(k, l)`` is added (to first order): the non-null variance is
    ``sum(table * influence**2) / n**2``.
    """
    n, p, r, c = _margins(tables.astype(float))
    observed = (p * w).sum(axis=(-2, -1))
    chance = np.einsum("ti,ij,tj->t", r, w, c)
    kappa = (observed - chance) / (1 - chance)

    # w_bar[k] over the second rater's margin, w_bar[l] over the first's
    w_row = np.einsum("kl,tl->tk", w, c)
    w_col = np.einsum("kl,tk->tl", w, r)
    spread = w_row[:, :, None] + w_col[:, None, :]
    shrink = (1 - kappa)[:, None, None]
    h = (w - shrink * spread) / (1 - chance)[:, None, None]
    influence = h - (p * h).sum(axis=(-2, -1))[:, None, None]
    variance = (tables * influence**2).sum(axis=(-2, -1)) / n**2

    # null variance: the same terms under independent margins
    independent = r[:, :, None] * c[:, None, :]
    variance_null = (
        (independent * (w - spread) ** 2).sum(axis=(-2, -1)) - chance**2
    ) / (n * (1 - chance) ** 2)

    return {
        "kappa": kappa,
        "observed": observed,
        "chance": chance,
        "n": n,
        "influence": influence,
        "variance": variance,
        "variance_null": variance_null,
    }


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


def _light_delta_se(
    matrix: RatingMatrix,
    pairs: list[tuple[int, int]],
    in_pair: np.ndarray,
    parts: dict[str, np.ndarray],
) -> float:
    """Delta-method standard error of the mean of the pairwise kappas."""
    first = np.array([i for i, _ in pairs])
    second = np.array([j for _, j in pairs])
    a = np.maximum(matrix.codes[:, first], 0)
    b = np.maximum(matrix.codes[:, second], 0)

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


# --- checks ---------------------------------------------------------------


def _undefined_reason(
    table: np.ndarray,
    w: np.ndarray,
    matrix: RatingMatrix,
    who: str,
    *,
    scott: bool = False,
) -> str | None:
    """Why the coefficient of ``table`` is undefined, or ``None``."""
    n = int(table.sum())
    if n < 2:
        return (
            f"fewer than two calls were scored by {who} (found {n}); score more calls"
        )
    statistic = _scott_statistic(table, w) if scott else _kappa_statistic(table, w)
    if np.isfinite(statistic):
        return None
    used = np.flatnonzero(table.sum(axis=0) + table.sum(axis=1))
    if len(used) == 1:
        score = _label(matrix.categories[used[0]])
        return (
            f"{who} gave every call the same score {score!r}, so agreement "
            "expected by chance is 1 and kappa is 0/0"
        )
    return (
        "the weights give full credit to every pair of scores used, so "
        "agreement expected by chance is 1"
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
    _check_choice("weights_by", weights_by, ("rank", "value"))
    ordered = isinstance(weights, str) and weights not in ("unweighted", "identity")
    if ordered and matrix.scale is not None and not matrix.scale.is_ordered:
        raise ValueError(
            f"weights={weights!r} needs ordered levels, but the scale is "
            "nominal; use weights='unweighted' or a q x q weight matrix"
        )
    if not isinstance(weights, str):
        weights = np.asarray(weights, dtype=float)
    return weight_matrix(
        weights,
        matrix.category_values,
        weights_by=weights_by,  # type: ignore[arg-type]
    )


def _label(value: Any) -> Any:
    """A rater or level label as a plain Python value (1, not np.int64(1))."""
    return value.item() if isinstance(value, np.generic) else value


def _labels(values: np.ndarray) -> list[Any]:
    return [_label(value) for value in values]


def _weights_option(weights: Weights) -> Any:
    """The weights as recorded in ``result.options``: a name or nested lists."""
    if isinstance(weights, str):
        return weights
    return np.asarray(weights, dtype=float).tolist()


def _cap_high(interval: Interval) -> Interval:
    """Cap the upper end at 1, as irrCAC does."""
    return Interval(interval.low, min(interval.high, 1.0), interval.level)


def _check_choice(name: str, value: object, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise ValueError(
            f"{name}={value!r} is not known; use one of "
            f"{', '.join(repr(c) for c in choices)}"
        )
