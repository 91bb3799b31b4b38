"""The ratings a chance-corrected coefficient uses, and its options.

Fleiss' kappa, Conger's kappa, Brennan-Prediger and Gwet's AC1/AC2 all read
the ratings the same way: units with a rating, the raters who scored them,
the declared or observed categories, agreement weights and each unit's
weighted agreement ``p_o,i``. Symbols follow Gwet (2014), chapter 5: ``r_ik``
raters who put unit ``i`` in category ``k``, ``r_i`` ratings of unit ``i``,
``pi_k`` the mean over units of ``r_ik / r_i``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal

import numpy as np

from toolkit._scores import is_number
from toolkit.agreement._input import RatingMatrix, rating_matrix
from toolkit.agreement._weights import WEIGHT_KINDS, weight_matrix
from toolkit.errors import RatingsError

__all__: list[str] = []

Missing = Literal["available", "drop_units"]
CategorySet = Literal["declared", "observed"]
WeightsBy = Literal["value", "rank"]
MISSING_RULES: dict[str, str] = {
    "available": "all available ratings, as irrCAC",
    "drop_units": "drop every unit with a missing rating, as R irr and psych",
}
CATEGORY_SETS: dict[str, str] = {
    "declared": "the declared levels, when there are any",
    "observed": "only the categories that occur in the ratings used",
}
WEIGHTS_BY: dict[str, str] = {
    "value": "space categories by their scores, as irrCAC",
    "rank": "by their order, as R irr, psych and statsmodels",
}


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


# --- options -------------------------------------------------------------


def check_choice(
    name: str,
    value: Any,
    choices: Mapping[Any, str] | Sequence[Any],
    *,
    hint: str = "",
) -> None:
    """Raise ``ValueError`` unless ``value`` is one of ``choices``.

    ``choices`` maps each accepted value to what it means, shown in the
    message, or lists the accepted values. ``hint`` ends the message.

    Examples
    --------
    >>> check_choice("missing", "pairwise", {"available": "all ratings"})
    Traceback (most recent call last):
    ...
    ValueError: missing='pairwise' is not known; use 'available' (all ratings)
    """
    if (value is None or isinstance(value, str | int | float)) and value in choices:
        return
    if isinstance(choices, Mapping):
        listed = [f"{c!r} ({meaning})" for c, meaning in choices.items()]
    else:
        listed = [repr(c) for c in choices]
    allowed = listed[0] if len(listed) == 1 else ", ".join(listed[:-1])
    if len(listed) > 1:
        allowed += f" or {listed[-1]}"
    raise ValueError(f"{name}={value!r} is not known; use {allowed}{hint}")


def check_options(
    *,
    missing: str,
    categories: str,
    population_size: float | None,
    weights_by: str = "value",
) -> None:
    """Raise on an option value the chance-corrected family does not know."""
    check_choice("weights_by", weights_by, WEIGHTS_BY)
    check_choice("missing", missing, MISSING_RULES)
    check_choice("categories", categories, CATEGORY_SETS)
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


def needs_order(weights: Any, n_categories: int | None = None) -> bool:
    """True for weights that give partial credit by the categories' order.

    Every weight kind but identity does, on more than two categories (with
    two, every kind is the identity); so does a custom matrix other than the
    identity, whose rows follow the order of the categories. An unknown kind
    is left to :func:`~toolkit.agreement._weights.weight_matrix`.
    """
    if isinstance(weights, str):
        ordered_kind = weights in WEIGHT_KINDS and weights != "identity"
        return ordered_kind and (n_categories is None or n_categories > 2)
    matrix = np.asarray(weights, dtype=float)
    square = matrix.ndim == 2 and matrix.shape[0] == matrix.shape[1]
    return not (square and np.array_equal(matrix, np.eye(len(matrix))))


def require_ordered_scale(matrix: RatingMatrix, what: str) -> None:
    """Refuse an order-based computation on a nominal scale or on labels
    whose order is unknown (no declared levels)."""
    if matrix.scale is not None and not matrix.scale.is_ordered:
        raise ValueError(
            f"{what} needs ordered levels, but the scale is nominal; use "
            "identity weights (nominal agreement), or declare the criterion "
            "ordinal if its levels are ordered"
        )
    matrix.require_order(what)


def weights_label(weights: Any) -> str:
    """How ``weights`` is shown in a message: its kind or "a custom matrix"."""
    return repr(weights) if isinstance(weights, str) else "a custom matrix"


# --- the ratings a coefficient uses ---------------------------------------


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
    coefficient: str,
    weights: str | np.ndarray,
    weights_by: WeightsBy,
    levels: Sequence[Any] | None,
    categories: CategorySet,
    missing: Missing,
) -> ChanceData:
    """Select the units, raters and categories a coefficient uses.

    Units without any rating carry no information and are always left out
    (irrCAC asks its users to remove them); ``missing="drop_units"`` also
    leaves out every unit with a missing rating. Raters without a rating on
    the units left are dropped too.

    Raises
    ------
    RatingsError
        When the scores are (near-)continuous, each one a category of its
        own, or when ``weights`` need an order the labels do not have.
    ValueError
        When ``weights`` need an order and the scale is nominal.
    """
    # refuse what the category arrays cannot hold or the weights cannot mean
    matrix.require_categories(coefficient)
    if needs_order(weights, matrix.n_categories):
        what = (
            f"{coefficient}(weights={weights!r})"
            if isinstance(weights, str)
            else f"{coefficient} with a weight matrix (its rows follow the levels)"
        )
        require_ordered_scale(matrix, what)
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
    return RatingMatrix(
        codes=matrix.codes[:, keep],
        categories=matrix.categories,
        category_values=matrix.category_values,
        values=matrix.values[:, keep],
        units=matrix.units,
        raters=matrix.raters[keep],
        scale=matrix.scale,
        numeric=matrix.numeric,
        declared=matrix.declared,
    )


def _observed_categories(matrix: RatingMatrix, observed: np.ndarray) -> RatingMatrix:
    """The same ratings with the categories nobody used removed."""
    new_code = np.cumsum(observed) - 1
    codes = np.where(matrix.present, new_code[np.maximum(matrix.codes, 0)], -1)
    categories = matrix.categories[observed]
    category_values = matrix.category_values[observed]
    if not (matrix.numeric or all(is_number(c) for c in categories)):
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
        declared=matrix.declared,
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
