"""Fleiss' kappa for any number of raters, with per-category kappas."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np

from toolkit.agreement import _chance, _chance_data, _chance_inference
from toolkit.agreement._chance_data import CategorySet, ChanceData, Missing, WeightsBy
from toolkit.agreement._input import RatingMatrix
from toolkit.agreement._result import AgreementResult, check_level
from toolkit.agreement._terms import UnitTerms

__all__ = ["fleiss_kappa"]

StandardError = Literal["gwet", "fleiss_null"]
STANDARD_ERRORS: dict[str, str] = {
    "gwet": "Gwet's linearisation, irrCAC",
    "fleiss_null": "Fleiss, Nee & Landis 1979 under no agreement, R irr",
}


def fleiss_kappa(
    data: Any,
    *,
    weights: str | np.ndarray = "identity",
    weights_by: WeightsBy = "value",
    levels: Sequence[Any] | None = None,
    categories: CategorySet = "declared",
    missing: Missing = "available",
    standard_error: StandardError = "gwet",
    population_size: float | None = None,
    level: float = 0.95,
) -> AgreementResult:
    """Fleiss' (1971) kappa: chance-corrected agreement of many raters.

    Chance agreement is ``p_e = sum_kl w_kl pi_k pi_l``, where ``pi_k`` is the
    share of ratings in category ``k`` (averaged over calls), as if every
    rater drew scores from the same pooled distribution.

    Parameters
    ----------
    data
        Units x raters ratings (array-like, wide DataFrame or
        ``CriterionRatings``); NaN or None where a rater did not score a call.
    weights
        Agreement weights: ``"identity"`` (unweighted, the classical kappa),
        ``"linear"``, ``"quadratic"``, ``"ordinal"``, ``"radical"``,
        ``"ratio"``, ``"circular"``, ``"bipolar"`` (Gwet 2014, as irrCAC), or
        a q x q matrix.
    weights_by
        Space categories by their ``"value"`` (irrCAC) or their ``"rank"``
        (R irr, psych, statsmodels). Matters only for unevenly spaced scores.
    levels
        Declared categories in scale order, used or not. Text labels need
        them for any weights but identity (their order is otherwise unknown).
    categories
        ``"declared"`` (default): the declared levels when there are any,
        else the categories observed. ``"observed"``: only the categories in
        the ratings used. Changes weighted kappa only (through the weights).
    missing
        ``"available"`` (default): every available rating, as irrCAC and
        Gwet (2014). ``"drop_units"``: drop calls with a missing rating, as
        R irr ``kappam.fleiss`` and psych.
    standard_error
        ``"gwet"`` (default): Gwet's linearisation (irrCAC's
        ``fleiss.kappa.raw``), valid whatever kappa's value, with a t(n - 1)
        interval. ``"fleiss_null"``: Fleiss, Nee & Landis (1979), the standard
        error under the hypothesis of no agreement (R irr's z test), with a
        normal interval; it needs the same number of ratings on every call
        and unweighted kappa.
    population_size
        Number of calls the sample was drawn from, for the finite-population
        correction of Gwet's variance (irrCAC's ``N``); ``None`` for infinite.
    level
        Confidence level of the interval.

    Returns
    -------
    AgreementResult
        ``p_value`` tests kappa = 0. ``details`` holds ``percent_agreement``
        (p_o), ``chance_agreement`` (p_e), ``categories``, ``z`` and
        ``null_standard_error`` (Fleiss, Nee & Landis), ``test`` (which test
        gave ``p_value``) and ``per_category``: for each category, Fleiss'
        (1971) kappa of that category against all others, with its
        ``standard_error`` (Gwet), ``null_standard_error``, ``z`` and
        ``p_value``.

    Raises
    ------
    ValueError
        On an unknown option value, fewer than two raters,
        ``standard_error="fleiss_null"`` where it is not defined, or weights
        other than identity on a scale declared nominal.
    RatingsError
        On (near-)continuous scores (more than 1,000 distinct ones: use
        ``icc`` or interval alpha), or weights other than identity on text
        labels without declared ``levels``.

    Warns
    -----
    UndefinedCoefficientWarning
        When fewer than two calls have two ratings or more, or when chance
        agreement is 1 (every rating in one category); the result is NaN.

    Notes
    -----
    Which option reproduces which package:

    - irrCAC ``fleiss.kappa.raw(ratings, weights, categ.labels)``: the
      defaults (``missing="available"``, ``standard_error="gwet"``, weights by
      value). Its interval is ours; the p-value in its published examples
      and in the Python ``irrcac`` port is ``details["p_value_gwet"]``, a
      two-sided t test (its current R source prints the one-sided
      ``1 - pt(kappa / se, n - 1)``, half of that when kappa > 0).
    - R irr ``kappam.fleiss(ratings, detail=TRUE)``: the same value on complete
      data (``missing="drop_units"`` reproduces its ``na.omit``); its ``z``
      and p-value are ``details["z"]`` and ``p_value``; its category-wise
      table is ``details["per_category"]`` (``statistic``, ``z``,
      ``p_value``).
    - statsmodels ``fleiss_kappa(table)``: the value, on complete data.

    ``p_value`` comes from the null standard error (the right one for a test
    of no agreement) whenever it is defined: unweighted kappa, the same
    number of ratings on every call. Otherwise it is the two-sided t(n - 1)
    test on Gwet's standard error, and ``details["test"]`` says which.

    The upper end of the interval is capped at 1, as in irrCAC. Units with
    one rating count in the category shares ``pi_k`` but not in ``p_o``
    (Gwet 2014). The standard errors assume calls are independent; several
    calls by one rep are not modelled. Labels that differ only in case are
    different categories (R irrCAC merges them). Where every rating is in one
    category, kappa is NaN (irrCAC reports p_o instead).

    References
    ----------
    Fleiss, J. L. (1971). Measuring nominal scale agreement among many raters.
    Psychological Bulletin, 76(5), 378-382.

    Fleiss, J. L., Nee, J. C. M., & Landis, J. R. (1979). Large sample
    variance of kappa in the case of different sets of raters. Psychological
    Bulletin, 86(5), 974-977.

    Gwet, K. L. (2014). Handbook of Inter-Rater Reliability, 4th ed.
    Advanced Analytics. Chapter 5.

    Examples
    --------
    Krippendorff's (2011) data as irrCAC's ``cac.raw4raters``; irrCAC's
    README gives kappa 0.76117, standard error 0.15302, interval (0.424, 1):

    >>> nan = float("nan")
    >>> ratings = [[1, 1, nan, 1], [2, 2, 3, 2], [3, 3, 3, 3], [3, 3, 3, 3],
    ...            [2, 2, 2, 2], [1, 2, 3, 4], [4, 4, 4, 4], [1, 1, 2, 1],
    ...            [2, 2, 2, 2], [nan, 5, 5, 5], [nan, nan, 1, 1],
    ...            [nan, nan, 3, nan]]
    >>> result = fleiss_kappa(ratings)
    >>> round(result.statistic, 5), round(result.standard_error, 5)
    (0.76117, 0.15302)
    >>> round(result.confidence_interval.low, 3), result.confidence_interval.high
    (0.424, 1.0)
    """
    _check_standard_error(standard_error)
    _chance_data.check_options(
        missing=missing,
        categories=categories,
        population_size=population_size,
        weights_by=weights_by,
    )
    level = check_level(level)

    matrix = _chance_data.read_ratings(data, levels=levels)
    prepared = _chance_data.prepare(
        matrix,
        coefficient="fleiss_kappa",
        weights=weights,
        weights_by=weights_by,
        levels=levels,
        categories=categories,
        missing=missing,
    )
    _chance_data.check_population_size(population_size, prepared.n_units)
    options = {
        "weights": weights,
        "weights_by": weights_by,
        "levels": levels,
        "categories": categories,
        "missing": missing,
        "standard_error": standard_error,
        "population_size": population_size,
    }

    reason = _chance.enough_units_reason(prepared)
    if reason is None:
        pooled = prepared.pooled
        chance = float(pooled @ prepared.weights @ pooled)
        if _chance.is_certain(chance):
            reason = _chance.one_category_reason(prepared)
    if reason is not None:
        return _chance_inference.undefined_result(
            "fleiss_kappa", reason, prepared, level=level, options=options
        )

    # kappa and Gwet's linearisation standard error
    weights_matrix = prepared.weights
    agreement_units = _chance_data.unit_agreement(prepared.counts, weights_matrix)
    agreement = float(prepared.mean_over_pairs(agreement_units))
    statistic = (agreement - chance) / (1 - chance)
    symmetric = (weights_matrix + weights_matrix.T) / 2
    variance = _chance_inference.linearised_variance(
        agreement_units,
        prepared.has_pair,
        chance,
        prepared.shares @ (symmetric @ pooled),
        statistic,
        population_size=population_size,
    )
    gwet_se = math.sqrt(variance)

    # Fleiss, Nee & Landis (1979) standard error under the null
    raters_per_unit = _balanced_raters(prepared.n_ratings)
    unweighted = bool(np.array_equal(weights_matrix, np.eye(len(pooled))))
    null_se = math.nan
    if raters_per_unit is not None and unweighted:
        null_se = _null_standard_error(pooled, prepared.n_units, raters_per_unit)
    if standard_error == "fleiss_null" and math.isnan(null_se):
        raise ValueError(
            "standard_error='fleiss_null' (Fleiss, Nee & Landis 1979) needs "
            "unweighted kappa and the same number of ratings on every call; "
            f"got weights={_chance_data.weights_label(weights)} and "
            f"{_describe_raters(prepared.n_ratings)}. Pass missing='drop_units' "
            "to keep complete calls only, or standard_error='gwet'"
        )

    # the standard error asked for gives the interval; the null one the test
    result_se = gwet_se if standard_error == "gwet" else null_se
    df = prepared.n_units - 1 if standard_error == "gwet" else None
    p_value_gwet = _chance_inference.t_test_p_value(
        statistic, gwet_se, prepared.n_units - 1
    )
    if math.isnan(null_se):
        test, p_value = "gwet_t", p_value_gwet
    else:
        test = "fleiss_null_z"
        p_value = float(
            _chance_inference.z_test_p_values(np.asarray(statistic), null_se)
        )

    return AgreementResult(
        coefficient="fleiss_kappa",
        statistic=float(statistic),
        standard_error=result_se,
        confidence_interval=_chance_inference.capped_interval(
            statistic, result_se, level, df=df
        ),
        n_units=prepared.n_units,
        n_raters=prepared.n_raters,
        p_value=p_value,
        options=options,
        details={
            "percent_agreement": agreement,
            "chance_agreement": chance,
            "categories": prepared.categories,
            "test": test,
            "gwet_standard_error": gwet_se,
            "null_standard_error": null_se,
            "z": statistic / null_se if null_se > 0 else math.nan,
            "p_value_gwet": p_value_gwet,
            "per_category": _per_category(
                prepared, null_raters=raters_per_unit, population_size=population_size
            ),
        },
    )


def _fleiss_kappa_unit_terms(
    matrix: RatingMatrix,
    *,
    weights: str | np.ndarray = "identity",
    weights_by: WeightsBy = "value",
    levels: Sequence[Any] | None = None,
    categories: CategorySet = "declared",
    missing: Missing = "available",
    standard_error: StandardError = "gwet",
    population_size: float | None = None,
) -> UnitTerms:
    """Per-unit terms of :func:`fleiss_kappa` for the bootstrap.

    Columns: ``[used, r_i >= 2, p_o,i, r_i1 / r_i, ..., r_iq / r_i]``, one row
    per unit of ``matrix`` (zeros for units the coefficient leaves out).
    ``levels`` must be the levels the matrix was built with (they decide the
    category set); ``standard_error`` and ``population_size`` do not change
    the statistic and are accepted so that ``result.options`` can be passed.
    """
    _check_standard_error(standard_error)
    _chance_data.check_options(
        missing=missing,
        categories=categories,
        population_size=population_size,
        weights_by=weights_by,
    )
    prepared = _chance_data.prepare(
        matrix,
        coefficient="fleiss_kappa",
        weights=weights,
        weights_by=weights_by,
        levels=levels,
        categories=categories,
        missing=missing,
    )
    shares = _chance.scatter_rows(prepared, prepared.shares)
    terms = np.hstack([_chance.base_unit_terms(prepared), shares])
    weights_matrix = prepared.weights

    def combine(totals: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            pooled = totals[..., 3:] / totals[..., :1]
        chance = np.einsum("...k,kl,...l->...", pooled, weights_matrix, pooled)
        return _chance.combine_ratio(totals, chance)

    return UnitTerms(terms=terms, combine=combine)


def _balanced_raters(n_ratings: np.ndarray) -> int | None:
    """The number of ratings per call when it is the same on every call."""
    if n_ratings.min() == n_ratings.max() >= 2:
        return int(n_ratings[0])
    return None


def _null_standard_error(pooled: np.ndarray, n_units: int, n_raters: int) -> float:
    """Fleiss, Nee & Landis (1979): the standard error of kappa under H0.

    ``var = 2 / (N n (n - 1)) * ((sum p q)^2 - sum p q (q - p)) / (sum p q)^2``
    with ``N`` calls, ``n`` raters per call, ``p_j`` category shares.
    """
    p, q = pooled, 1 - pooled
    spread = float((p * q).sum())
    variance = (
        2
        / (n_units * n_raters * (n_raters - 1))
        * (spread**2 - float((p * q * (q - p)).sum()))
        / spread**2
    )
    return math.sqrt(variance)


def _per_category(
    data: ChanceData,
    *,
    null_raters: int | None,
    population_size: float | None,
) -> dict[Any, dict[str, Any]]:
    """Fleiss' (1971) kappa of each category against all the others.

    Category ``j``'s kappa is Fleiss' kappa of the ratings recoded as "j" or
    "not j": ``1 - mean_i(r_ij (r_i - r_ij) / (r_i (r_i - 1))) / (p_j q_j)``
    over calls with two ratings or more. Its null standard error is
    ``sqrt(2 / (N n (n - 1)))`` (Fleiss, Nee & Landis 1979).
    """
    counts, pooled = data.counts, data.pooled
    n_ratings = data.n_ratings[:, None]

    # the two-category kappa of every category at once: (n, q) arrays
    pairs = np.maximum(n_ratings * (n_ratings - 1), 1)
    agreement_units = 1 - 2 * counts * (n_ratings - counts) / pairs
    if not data.has_pair.all():
        agreement_units[~data.has_pair] = 0.0
    chance = pooled**2 + (1 - pooled) ** 2
    defined = ~_chance.is_certain(chance)
    chance = np.where(defined, chance, 0.0)
    statistic = (data.mean_over_pairs(agreement_units) - chance) / (1 - chance)
    statistic = np.where(defined, statistic, np.nan)
    unit_chance = data.shares * pooled + (1 - data.shares) * (1 - pooled)
    variance = _chance_inference.linearised_variance(
        agreement_units,
        data.has_pair,
        chance,
        unit_chance,
        np.where(defined, statistic, 0.0),
        population_size=population_size,
    )
    standard_error = np.where(defined, np.sqrt(variance), np.nan)

    # the same test as the overall kappa: under the null when it is defined
    null_se = math.nan
    if null_raters is not None:
        null_se = math.sqrt(2 / (data.n_units * null_raters * (null_raters - 1)))
        p_values = _chance_inference.z_test_p_values(statistic, null_se)
    else:
        p_values = _chance_inference.t_test_p_values(
            statistic, standard_error, data.n_units - 1
        )

    table: dict[Any, dict[str, Any]] = {}
    for j, category in enumerate(data.categories):
        table[category] = {
            "statistic": float(statistic[j]),
            "standard_error": float(standard_error[j]),
            "null_standard_error": null_se,
            "z": float(statistic[j] / null_se),
            "p_value": float(p_values[j]),
        }
        if not defined[j]:
            table[category]["undefined_reason"] = (
                f"category {category!r} was used by every rater on every call"
                if pooled[j] > 0.5
                else f"category {category!r} was never used"
            )
    return table


def _check_standard_error(standard_error: str) -> None:
    _chance_data.check_choice("standard_error", standard_error, STANDARD_ERRORS)


def _describe_raters(n_ratings: np.ndarray) -> str:
    low, high = int(n_ratings.min()), int(n_ratings.max())
    if low == high:
        return f"{low} rating(s) on every call"
    return f"between {low} and {high} ratings per call"
