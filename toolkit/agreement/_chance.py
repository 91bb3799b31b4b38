"""Shared machinery of the multi-rater chance-corrected coefficients.

Fleiss' kappa, Conger's kappa, Brennan-Prediger and Gwet's AC1/AC2 all have the
form ``(p_o - p_e) / (1 - p_e)`` in Gwet's (2014) framework: the same observed
agreement ``p_o`` over units rated by two raters or more, computed from all
available ratings with agreement weights, and a chance agreement ``p_e`` that
differs by coefficient. Their standard errors all come from Gwet's
linearisation, which only needs each unit's share of ``p_o`` and of ``p_e``.

Symbols follow Gwet (2014), chapter 5 (and irrCAC's source): ``r_ik`` raters
who put unit ``i`` in category ``k``, ``r_i`` ratings of unit ``i``, ``n``
units with at least one rating, ``n2`` units with two ratings or more,
``pi_k`` the mean over units of ``r_ik / r_i``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal

import numpy as np
from scipy import special

from toolkit.agreement._input import RatingMatrix, rating_matrix
from toolkit.agreement._result import AgreementResult, Interval, undefined
from toolkit.agreement._weights import weight_matrix
from toolkit.errors import RatingsError

__all__: list[str] = []

Missing = Literal["available", "drop_units"]
CategorySet = Literal["declared", "observed"]
MISSING_RULES: tuple[str, ...] = ("available", "drop_units")
CATEGORY_SETS: tuple[str, ...] = ("declared", "observed")

# p_e this close to 1 makes (p_o - p_e) / (1 - p_e) a ratio of rounding errors
CHANCE_TOLERANCE = 1e-12


@dataclass(frozen=True)
class ChanceData:
    """Ratings ready for a chance-corrected coefficient.

    Attributes
    ----------
    matrix
        The ratings of the units used, restricted to the raters who scored at
        least one of them and to the category set asked for.
    used
        Boolean mask over the units of the matrix as given: the units used.
    counts
        ``(n, q)`` float array ``r_ik``.
    weights
        ``(q, q)`` agreement weights.
    """

    matrix: RatingMatrix
    used: np.ndarray
    counts: np.ndarray
    weights: np.ndarray

    @property
    def n_units(self) -> int:
        return self.matrix.n_units

    @property
    def n_raters(self) -> int:
        return self.matrix.n_raters

    @property
    def categories(self) -> list[Any]:
        return list(self.matrix.categories)

    @cached_property
    def n_ratings(self) -> np.ndarray:
        """``r_i``: ratings per unit."""
        return self.counts.sum(axis=1)

    @cached_property
    def has_pair(self) -> np.ndarray:
        """Units with two ratings or more, the ones ``p_o`` averages over."""
        return self.n_ratings >= 2

    @cached_property
    def shares(self) -> np.ndarray:
        """``r_ik / r_i``: each unit's ratings spread over the categories."""
        return self.counts / self.n_ratings[:, None]

    @cached_property
    def pooled(self) -> np.ndarray:
        """``pi_k``: the mean over units of ``r_ik / r_i``."""
        return self.shares.mean(axis=0)

    def mean_over_pairs(self, values: np.ndarray) -> np.ndarray:
        """Mean of per-unit ``values`` over the units with two ratings or more."""
        if self.has_pair.all():
            return values.mean(axis=0)
        return values[self.has_pair].mean(axis=0)


def check_options(
    *,
    missing: str,
    categories: str,
    population_size: float | None,
    weights_by: str = "value",
) -> None:
    """Raise on an option value the chance-corrected family does not know."""
    if weights_by not in ("value", "rank"):
        raise ValueError(
            f"weights_by={weights_by!r} is not known; use 'value' (space "
            "categories by their scores, as irrCAC) or 'rank' (by their order, "
            "as R irr, psych and statsmodels)"
        )
    if missing not in MISSING_RULES:
        raise ValueError(
            f"missing={missing!r} is not a missing-rating rule; use 'available' "
            "(all available ratings, as irrCAC) or 'drop_units' (drop every unit "
            "with a missing rating, as R irr and psych)"
        )
    if categories not in CATEGORY_SETS:
        raise ValueError(
            f"categories={categories!r} is not a category set; use 'declared' "
            "(the declared levels, when there are any) or 'observed' (only the "
            "categories that occur in the ratings used)"
        )
    if population_size is not None and (
        not isinstance(population_size, int | float)
        or isinstance(population_size, bool)
        or not population_size > 0
    ):
        raise ValueError(
            f"population_size={population_size!r} is not a population size; pass "
            "the number of calls the sample was drawn from, or None for an "
            "infinite population"
        )


def check_population_size(population_size: float | None, n_units: int) -> None:
    """Raise when the population is smaller than the sample drawn from it."""
    if population_size is not None and population_size < n_units:
        raise ValueError(
            f"population_size={population_size!r} is smaller than the {n_units} "
            "calls used; pass the number of calls the sample was drawn from "
            "(at least the sample), or None for an infinite population"
        )


def read_ratings(data: Any, *, levels: Sequence[Any] | None) -> RatingMatrix:
    """The ratings as a matrix, with at least two raters."""
    matrix = rating_matrix(data, levels=levels)
    if matrix.n_raters < 2:
        raise RatingsError(
            f"agreement needs at least two raters; the ratings have "
            f"{matrix.n_raters} column(s). Pass a units x raters matrix with one "
            "column per rater"
        )
    return matrix


def prepare(
    matrix: RatingMatrix,
    *,
    weights: str | np.ndarray,
    weights_by: Literal["value", "rank"],
    levels: Sequence[Any] | None,
    categories: CategorySet,
    missing: Missing,
) -> ChanceData:
    """Select the units, raters and categories a coefficient uses.

    Units without any rating carry no information and are always left out
    (irrCAC asks its users to remove them); ``missing="drop_units"`` also
    leaves out every unit with a missing rating. Raters without a rating on
    the units left are dropped too.
    """
    present = matrix.present

    # keep units with a rating (all ratings under drop_units), and their raters
    rule = np.all if missing == "drop_units" else np.any
    used: np.ndarray = rule(present, axis=1)
    kept = matrix if used.all() else matrix.select_units(used)
    rated: np.ndarray = np.any(kept.present, axis=0)
    if not rated.all():
        kept = _select_raters(kept, rated)
    counts = kept.counts().astype(float)
    weights_matrix = weight_matrix(weights, kept.category_values, weights_by=weights_by)

    # restrict to the observed categories unless levels were declared
    declared = levels is not None or (
        matrix.scale is not None and matrix.scale.levels is not None
    )
    observed = counts.sum(axis=0) > 0
    if (categories == "observed" or not declared) and not observed.all():
        kept = _observed_categories(kept, observed)
        counts = counts[:, observed]
        if isinstance(weights, str):
            # a kind's weights depend on the range of the categories kept
            weights_matrix = weight_matrix(
                weights, kept.category_values, weights_by=weights_by
            )
        else:
            # a custom matrix is given for the matrix's categories: subset it
            weights_matrix = weights_matrix[np.ix_(observed, observed)]

    return ChanceData(matrix=kept, used=used, counts=counts, weights=weights_matrix)


def _select_raters(matrix: RatingMatrix, keep: np.ndarray) -> RatingMatrix:
    if keep.all():
        return matrix
    return RatingMatrix(
        codes=matrix.codes[:, keep],
        categories=matrix.categories,
        category_values=matrix.category_values,
        values=matrix.values[:, keep],
        units=matrix.units,
        raters=matrix.raters[keep],
        scale=matrix.scale,
        numeric=matrix.numeric,
    )


def _observed_categories(matrix: RatingMatrix, observed: np.ndarray) -> RatingMatrix:
    """The same ratings with the categories nobody used removed."""
    new_code = np.cumsum(observed) - 1
    codes = np.where(matrix.present, new_code[np.maximum(matrix.codes, 0)], -1)
    categories = matrix.categories[observed]
    category_values = matrix.category_values[observed]
    if not all(_is_number(c) for c in categories):
        # labels are spaced by rank, and the ranks are among those observed
        category_values = np.arange(1.0, len(categories) + 1)
    return RatingMatrix(
        codes=codes,
        categories=categories,
        category_values=category_values,
        values=matrix.values,
        units=matrix.units,
        raters=matrix.raters,
        scale=matrix.scale,
        numeric=matrix.numeric,
    )


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(
        value, bool
    )


def unit_agreement(counts: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Each unit's weighted agreement ``p_o,i`` (0 where ``r_i < 2``).

    ``p_o,i = sum_k r_ik (sum_l w_kl r_il - 1) / (r_i (r_i - 1))``: the share of
    ordered pairs of the unit's ratings that agree, with partial credit from
    the weights. ``counts`` may have leading axes.
    """
    n_ratings = counts.sum(axis=-1)
    agreeing = (counts * (counts @ weights.T - 1)).sum(axis=-1)
    pairs = n_ratings * (n_ratings - 1)
    return np.divide(agreeing, pairs, out=np.zeros_like(agreeing), where=pairs > 0)


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


def linearised_variance(
    agreement: np.ndarray,
    has_pair: np.ndarray,
    chance: np.ndarray | float,
    unit_chance: np.ndarray | None,
    statistic: np.ndarray | float,
    *,
    population_size: float | None,
) -> np.ndarray:
    """Gwet's linearisation variance of ``(p_o - p_e) / (1 - p_e)``.

    Gwet (2014), chapter 5, with its Fleiss/AC1/Conger variants (irrCAC):
    ``var = (1 - f) / (n (n - 1)) * sum_i (k*_i - k)^2`` with
    ``k_i = (n / n2) (p_o,i - p_e [r_i >= 2]) / (1 - p_e)`` and
    ``k*_i = k_i - 2 (1 - k) (p_e,i - p_e) / (1 - p_e)``, where ``p_e,i`` is
    unit ``i``'s share of the chance agreement. ``unit_chance=None`` means
    ``p_e`` is a constant (Brennan-Prediger), so its term vanishes.

    ``agreement`` and ``unit_chance`` are ``(n,)`` or ``(n, J)`` for J
    coefficients at once (``chance`` and ``statistic`` then ``(J,)``).
    """
    n_units = agreement.shape[0]
    pair = has_pair.astype(float)
    if agreement.ndim == 2:
        pair = pair[:, None]
    n_pairs = pair.sum(axis=0)

    unit_terms = (n_units / n_pairs) * (agreement - chance * pair) / (1 - chance)
    if unit_chance is not None:
        unit_terms = unit_terms - 2 * (1 - statistic) * (unit_chance - chance) / (
            1 - chance
        )
    finite = 0.0 if population_size is None else n_units / population_size
    spread = ((unit_terms - statistic) ** 2).sum(axis=0)
    return (1 - finite) / (n_units * (n_units - 1)) * spread


def t_test_p_value(statistic: float, standard_error: float, df: float) -> float:
    """Two-sided p-value of ``statistic / standard_error`` against t(df)."""
    return float(t_test_p_values(np.asarray(statistic), np.asarray(standard_error), df))


def t_test_p_values(
    statistic: np.ndarray, standard_error: np.ndarray, df: float
) -> np.ndarray:
    """Two-sided t(df) p-values; 0 where the standard error is 0 (not 0/0)."""
    if df <= 0:
        return np.full(np.shape(statistic), np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.abs(statistic / standard_error)
    # scipy.stats.t.sf without its argument checks: the same special function
    p_values = 2 * special.stdtr(df, -ratio)
    return np.where((standard_error == 0) & (statistic == 0), np.nan, p_values)


def z_test_p_values(statistic: np.ndarray, standard_error: float) -> np.ndarray:
    """Two-sided p-values of ``statistic / standard_error`` against N(0, 1)."""
    if not math.isfinite(standard_error) or standard_error <= 0:
        return np.full(np.shape(statistic), np.nan)
    return 2 * special.ndtr(-np.abs(np.asarray(statistic) / standard_error))


def capped_interval(
    statistic: float,
    standard_error: float,
    level: float,
    *,
    df: float | None,
) -> Interval:
    """Wald interval whose upper end is capped at 1, the coefficient's maximum.

    irrCAC caps it the same way; its lower end is left as it is. The quantile
    is scipy.stats' (t or normal) computed by the same special function.
    """
    if df is None:
        quantile = special.ndtri(0.5 + level / 2)
    else:
        quantile = special.stdtrit(df, 0.5 + level / 2) if df > 0 else math.nan
    return Interval(
        low=float(statistic - quantile * standard_error),
        high=min(1.0, float(statistic + quantile * standard_error)),
        level=level,
    )


def chance_result(
    coefficient: str,
    data: ChanceData,
    *,
    statistic: float,
    agreement: float,
    chance: float,
    standard_error: float,
    level: float,
    options: Mapping[str, Any],
    details: Mapping[str, Any] | None = None,
) -> AgreementResult:
    """Result with irrCAC's t(n - 1) interval and two-sided t test."""
    df = data.n_units - 1
    return AgreementResult(
        coefficient=coefficient,
        statistic=float(statistic),
        standard_error=float(standard_error),
        confidence_interval=capped_interval(statistic, standard_error, level, df=df),
        n_units=data.n_units,
        n_raters=data.n_raters,
        p_value=t_test_p_value(statistic, standard_error, df),
        options=options,
        details={
            "percent_agreement": float(agreement),
            "chance_agreement": float(chance),
            "categories": data.categories,
            "test": "gwet_t",
            **(details or {}),
        },
    )


def undefined_result(
    coefficient: str,
    reason: str,
    data: ChanceData,
    *,
    level: float,
    options: Mapping[str, Any],
    depth: int = 1,
) -> AgreementResult:
    """NaN result with ``reason``, warned to the caller of the coefficient.

    ``depth`` is how many toolkit frames lie between the public coefficient
    and this call (1 when the coefficient calls it directly).
    """
    return undefined(
        coefficient,
        reason,
        n_units=data.n_units,
        n_raters=data.n_raters,
        level=level,
        options=options,
        stacklevel=3 + depth,
    )


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
