"""Krippendorff's alpha for the bootstrap: per-call terms, or a batch.

Most variants decompose into additive per-call terms whose totals give
alpha (``_krippendorff_alpha_unit_terms``); nominal and ordinal alpha on many
distinct scores do not, and are recomputed on a stack of resampled matrices
instead (``_krippendorff_alpha_batch``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from toolkit.agreement._alpha_disagreement import (
    Pairable,
    interval_disagreement,
    level_distance,
    nominal_disagreement,
    pairable,
    unit_counts,
)
from toolkit.agreement._alpha_options import (
    Metric,
    check_options,
    resolve_metric,
    weights_distance,
)
from toolkit.agreement._alpha_ratio import (
    BLOCK,
    Tables,
    exp_table,
    node_centres,
    ratio_nodes,
    ratio_within_units,
)
from toolkit.agreement._input import RatingMatrix
from toolkit.agreement._terms import UnitTerms

__all__: list[str] = []

# most levels for which a categorical decomposition is offered
_MAX_TERM_LEVELS = {"nominal": 1000, "ordinal": 45, "ratio": 256, "weights": 1000}


Combine = Callable[[np.ndarray], np.ndarray]


def _krippendorff_alpha_unit_terms(
    matrix: RatingMatrix,
    *,
    metric: Metric | None = None,
    levels: Sequence[Any] | None = None,
    weights: str | np.ndarray | None = None,
    standard_error: Any = None,
) -> UnitTerms:
    """Per-call additive terms of alpha (``levels`` is already in ``matrix``).

    Calls with fewer than two scores get rows of zeros. The terms are

    - interval: ``m_u``, the sum and sum of squares of the centred scores and
      ``Do_u / (m_u - 1)`` (width 4);
    - nominal, ratio on at most 256 levels, weights: ``Do_u / (m_u - 1)`` and
      the call's level counts (width q + 1), the distance between levels
      being fixed;
    - ordinal on at most 45 levels: the call's level counts and coincidences
      ``n_uc n_uk / (m_u - 1)`` for c < k (width q (q + 1) / 2, 15 for five
      levels), the mid-ranks being recomputed from the totals;
    - ratio on more levels: ``Do_u / (m_u - 1)``, counts of zero and positive
      scores, and per quadrature node the sums ``G_p`` of
      ``exp(-t a) (a - c)**p`` (width 3 + 3 x nodes, about 460).

    Raises
    ------
    NotImplementedError
        For nominal alpha on more than 1,000 levels or ordinal alpha on more
        than 45: bootstrap those with ``_krippendorff_alpha_batch``.
    """
    check_options(metric, weights, None)
    resolved = resolve_metric(matrix, metric, weights)
    kind = "weights" if weights is not None else str(resolved)
    q = matrix.n_categories
    scores = pairable(matrix, (matrix.codes >= 0).sum(axis=1))

    if kind == "interval":
        terms, combine = _interval_terms(scores)
    elif kind == "ratio" and q > _MAX_TERM_LEVELS["ratio"]:
        terms, combine = _ratio_quadrature_terms(scores)
    elif q > _MAX_TERM_LEVELS[kind]:
        raise NotImplementedError(
            f"{kind} alpha on {q} distinct scores has no narrow unit terms "
            f"(limit {_MAX_TERM_LEVELS[kind]}); bootstrap it with "
            f"_krippendorff_alpha_batch(values, metric={resolved!r})"
        )
    elif kind == "ordinal":
        terms, combine = _ordinal_terms(scores, q)
    elif kind == "nominal":
        terms, combine = _count_terms(scores, q, None)
    elif kind == "ratio":
        distance = level_distance("ratio", scores.levels, np.zeros(q))
        terms, combine = _count_terms(scores, q, distance)
    else:
        terms, combine = _count_terms(scores, q, weights_distance(matrix, weights))

    full = np.zeros((matrix.n_units, terms.shape[1]))
    full[scores.keep] = terms
    return UnitTerms(terms=full, combine=combine)


def _alpha_from_totals(
    n_values: np.ndarray, observed: np.ndarray, expected_total: np.ndarray
) -> np.ndarray:
    """``1 - (N - 1) sum_u(Do_u / (m_u - 1)) / De_sum``, NaN where De_sum is 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = 1 - (n_values - 1) * observed / expected_total
    return np.where(expected_total > 0, alpha, np.nan)


def _interval_terms(scores: Pairable) -> tuple[np.ndarray, Combine]:
    parts = interval_disagreement(scores.values)
    xc = scores.values - np.nanmean(scores.values)
    terms = np.column_stack(
        [
            scores.m,
            np.nansum(xc, axis=1),
            np.nansum(xc**2, axis=1),
            parts.unit / (scores.m - 1),
        ]
    )

    def combine(totals: np.ndarray) -> np.ndarray:
        n_values, s1, s2, observed = np.moveaxis(totals, -1, 0)
        return _alpha_from_totals(n_values, observed, 2 * (n_values * s2 - s1**2))

    return terms, combine


def _count_terms(
    scores: Pairable, q: int, delta: np.ndarray | None
) -> tuple[np.ndarray, Combine]:
    """Terms ``[Do_u / (m_u - 1), n_u1 .. n_uq]``; ``delta=None`` is nominal."""
    counts = unit_counts(scores.codes, q)
    if delta is None:
        unit = scores.m**2 - (counts**2).sum(axis=1)
    else:
        unit = ((counts @ delta) * counts).sum(axis=1)
    terms = np.column_stack([unit / (scores.m - 1), counts])

    def combine(totals: np.ndarray) -> np.ndarray:
        observed, levels = totals[..., 0], totals[..., 1:]
        n_values = levels.sum(axis=-1)
        if delta is None:
            expected_total = n_values**2 - (levels**2).sum(axis=-1)
        else:
            expected_total = ((levels @ delta) * levels).sum(axis=-1)
        return _alpha_from_totals(n_values, observed, expected_total)

    return terms, combine


def _ordinal_terms(scores: Pairable, q: int) -> tuple[np.ndarray, Combine]:
    counts = unit_counts(scores.codes, q)
    low, high = np.triu_indices(q, 1)
    coincidences = counts[:, low] * counts[:, high] / (scores.m - 1)[:, None]
    terms = np.column_stack([counts, coincidences])

    def combine(totals: np.ndarray) -> np.ndarray:
        levels, pairs = totals[..., :q], totals[..., q:]
        n_values = levels.sum(axis=-1)
        rank = np.cumsum(levels, axis=-1) - levels / 2
        observed = 2 * (pairs * (rank[..., high] - rank[..., low]) ** 2).sum(-1)
        rank_sum = (levels * rank).sum(axis=-1)
        rank_squares = (levels * rank**2).sum(axis=-1)
        expected_total = 2 * (n_values * rank_squares - rank_sum**2)
        return _alpha_from_totals(n_values, observed, expected_total)

    return terms, combine


def _ratio_quadrature_terms(scores: Pairable) -> tuple[np.ndarray, Combine]:
    """Terms ``[Do_u / (m_u - 1), zeros, positives, G_0, G_1, G_2]`` per call.

    ``G_p`` holds, per quadrature node, the call's sum of
    ``exp(-t a) (a - c)**p`` over its positive scores, c being the node's
    centre on all calls (``node_centres``). Summed over calls they give
    ``De_sum = 2 sum_nodes weight (G_0 G_2 - G_1**2) + 2 zeros positives``.
    """
    x = scores.values
    present = ~np.isnan(x)
    positive = np.where(present, x, 0.0) > 0
    distinct, counts = np.unique(x[positive], return_counts=True)
    t, node_weight = ratio_nodes(float(distinct.min()), float(distinct.max()))
    centre = node_centres(Tables(distinct, t), distinct, counts.astype(float))[1]

    # per call and node, a block of calls at a time
    n, k = x.shape
    sums = np.zeros((n, 3, t.size))
    step = max(1, BLOCK // (k * t.size))
    for start in range(0, n, step):
        block = np.where(positive[start : start + step], x[start : start + step], 0)
        table = exp_table(np.where(block > 0, block, np.inf).ravel(), t)
        table = table.reshape(t.size, *block.shape)
        shifted = np.where(block > 0, block - centre[:, None, None], 0.0)
        for power in range(3):
            sums[start : start + step, power] = (table * shifted**power).sum(2).T

    zeros_and_positives = [(present & ~positive).sum(axis=1), positive.sum(axis=1)]
    unit = ratio_within_units(x) / (scores.m - 1)
    terms = np.column_stack([unit, *zeros_and_positives, sums.reshape(n, -1)])

    def combine(totals: np.ndarray) -> np.ndarray:
        observed, n_zero, n_positive = totals[..., 0], totals[..., 1], totals[..., 2]
        g = totals[..., 3:].reshape(*totals.shape[:-1], 3, t.size)
        spread = g[..., 0, :] * g[..., 2, :] - g[..., 1, :] ** 2
        expected_total = 2 * spread @ node_weight + 2 * n_zero * n_positive
        return _alpha_from_totals(n_zero + n_positive, observed, expected_total)

    return terms, combine


def _krippendorff_alpha_batch(
    values: np.ndarray,
    *,
    metric: Metric | None = None,
    levels: Sequence[Any] | None = None,
    weights: str | np.ndarray | None = None,
    standard_error: Any = None,
) -> np.ndarray:
    """Alpha of each matrix of a ``(B, n_units, n_raters)`` stack (NaN missing).

    For the bootstrap where unit terms are too wide: nominal or ordinal alpha
    on many distinct scores. A bare array carries no scale, so pass the
    metric the point estimate used (``result.options["metric"]``); ``None``
    means interval, as for numbers without a scale. Ordinal alpha ranks the
    values, which must increase with the level order. The work grows as B
    times one alpha; pass a large B in chunks.

    Raises
    ------
    NotImplementedError
        For ratio or weighted alpha, whose unit terms always exist.
    """
    stack = np.asarray(values, dtype=float)
    if stack.ndim != 3:
        raise ValueError(
            f"values must be a (B, n_units, n_raters) stack; got shape {stack.shape}"
        )
    check_options(metric, weights, None)
    if weights is not None or metric == "ratio":
        raise NotImplementedError(
            "ratio and weighted alpha decompose into unit terms; bootstrap "
            "them with _krippendorff_alpha_unit_terms"
        )

    # keep calls scored by at least two raters, in each matrix
    m = (~np.isnan(stack)).sum(axis=-1)
    x = np.where((m >= 2)[..., None], stack, np.nan)
    m = np.where(m >= 2, m, 0)
    if metric == "nominal":
        parts = nominal_disagreement(x)
    elif metric == "ordinal":
        parts = interval_disagreement(_batch_midranks(x))
    else:
        parts = interval_disagreement(x)
    observed = (parts.unit / np.maximum(m - 1, 1)).sum(axis=-1)
    return _alpha_from_totals(m.sum(axis=-1), observed, parts.expected_total)


def _batch_midranks(x: np.ndarray) -> np.ndarray:
    """Mid-ranks (as ``midranks``) within each matrix of a stack."""
    where = np.flatnonzero(~np.isnan(x))
    distinct, codes = np.unique(x.ravel()[where], return_inverse=True)
    batch = where // (x.shape[1] * x.shape[2])
    key = batch * distinct.size + codes.ravel()
    ordered = np.sort(key)
    first = np.searchsorted(ordered, key, side="left")
    after = np.searchsorted(ordered, key, side="right")
    start = np.searchsorted(ordered, batch * distinct.size, side="left")
    ranks = np.full(x.size, np.nan)
    ranks[where] = (first + after) / 2 - start
    return ranks.reshape(x.shape)
