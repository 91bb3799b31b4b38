"""Disagreement within calls and expected between scores, for any metric.

Only *pairable* scores count: those of calls that at least two raters
scored. With ``Do_u`` the sum of the distance delta over ordered pairs of
scores in call u and ``De_sum`` the same sum over ordered pairs of all N
pairable scores, alpha is ``1 - (N - 1) sum_u(Do_u / (m_u - 1)) / De_sum``.
No metric here builds a values x values matrix:

- few levels (at most ``_MAX_COUNT_LEVELS``): the calls' level counts,
  ``Do_u = n_u' delta n_u`` (Krippendorff's coincidence matrix, never
  materialised);
- nominal: ``Do_u = m_u**2 - sum_c n_uc**2``, counted on sorted keys;
- interval: sums of squares, ``Do_u = 2 m_u SS_u`` and ``De_sum = 2 N SS``;
- ordinal: Krippendorff's ordinal distance between levels c < k,
  ``(n_c + ... + n_k - (n_c + n_k) / 2)**2``, is the squared difference of
  their mid-ranks among the pairable scores, so ordinal alpha is interval
  alpha on mid-ranks (exact, ties included);
- ratio: see :mod:`toolkit.agreement._alpha_ratio`.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from toolkit.agreement._alpha_ratio import (
    ratio_distance,
    ratio_expected,
    ratio_within_units,
)
from toolkit.agreement._input import RatingMatrix

__all__: list[str] = []

# levels up to which alpha goes through the calls' level counts
_MAX_COUNT_LEVELS = 64


class Pairable(NamedTuple):
    """Scores of the calls with at least two of them."""

    codes: np.ndarray  # (n, k) level index, -1 missing
    values: np.ndarray  # (n, k) number of the score, NaN missing
    m: np.ndarray  # (n,) scores per call, all >= 2
    n_raters: int  # raters with at least one pairable score
    levels: np.ndarray  # (q,) the number each level stands for
    keep: np.ndarray  # (n_units,) which calls of the matrix these are


class Disagreement(NamedTuple):
    """Sums of distances over ordered pairs of scores (leading batch axes)."""

    unit: np.ndarray  # (..., n) Do_u, within each call
    expected_total: Any  # (...) De_sum, over all pairable scores
    unit_expected: np.ndarray  # (..., n) sum over a call's scores v of E(v)


def pairable(matrix: RatingMatrix, per_call: np.ndarray) -> Pairable:
    """The calls with at least two scores (``per_call``: scores per call)."""
    keep = per_call >= 2
    codes, values = matrix.codes, matrix.values
    if not keep.all():
        codes, values = codes[keep], values[keep]
    return Pairable(
        codes=codes,
        values=values,
        m=per_call[keep].astype(float),
        n_raters=int((codes >= 0).any(axis=0).sum()),
        levels=matrix.category_values,
        keep=keep,
    )


def disagreement(
    scores: Pairable, metric: str | None, delta: np.ndarray | None
) -> Disagreement:
    """Within-call and expected disagreement under ``metric`` or ``delta``.

    ``E(v)`` is the mean distance from score v to the N pairable scores;
    Gwet's variance needs its sum over each call.
    """
    q = scores.levels.size
    if delta is not None or q <= _MAX_COUNT_LEVELS:
        counts = unit_counts(scores.codes, q)
        if delta is None:
            delta = level_distance(str(metric), scores.levels, counts.sum(axis=0))
        return count_disagreement(counts, delta)
    if metric == "nominal":
        return nominal_disagreement(scores.values)
    if metric == "ordinal":
        return interval_disagreement(midranks(scores.codes, q))
    if metric == "interval":
        return interval_disagreement(scores.values)
    return ratio_disagreement(scores.values)


def level_distance(metric: str, levels: np.ndarray, totals: np.ndarray) -> np.ndarray:
    """Krippendorff's ``delta`` between levels (``totals``: pairable counts)."""
    if metric == "nominal":
        return 1.0 - np.eye(levels.size)
    if metric == "ratio":
        return ratio_distance(levels[:, None], levels[None, :])
    if metric == "ordinal":
        levels = np.cumsum(totals) - totals / 2
    return (levels[:, None] - levels[None, :]) ** 2


def unit_counts(codes: np.ndarray, q: int) -> np.ndarray:
    """``(n, q)`` number of scores of each level in each call."""
    n = codes.shape[0]
    flat = (codes + 1 + (q + 1) * np.arange(n)[:, None]).ravel()
    counts = np.bincount(flat, minlength=n * (q + 1)).reshape(n, q + 1)
    return counts[:, 1:].astype(float)


def count_disagreement(counts: np.ndarray, delta: np.ndarray) -> Disagreement:
    totals = counts.sum(axis=0)
    mean_distance = delta @ totals / totals.sum()
    return Disagreement(
        unit=((counts @ delta) * counts).sum(axis=1),
        expected_total=float(totals @ delta @ totals),
        unit_expected=counts @ mean_distance,
    )


def nominal_disagreement(x: np.ndarray) -> Disagreement:
    """Equal scores counted on sorted keys; ``x`` is (..., n, k), NaN missing.

    ``Do_u = m_u**2 - sum_c n_uc**2`` and ``De_sum = N**2 - sum_c n_c**2``.
    """
    stack = x.reshape(-1, *x.shape[-2:])
    n_batches, n, k = stack.shape
    where = np.flatnonzero(~np.isnan(stack))
    codes = np.unique(stack.ravel()[where], return_inverse=True)[1].ravel()
    q = int(codes.max(initial=0)) + 1
    call = where // k

    def repeats(group: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
        """Per group, sum of squared level counts; per score, its level's count."""
        keys, inverse, sizes = np.unique(
            group * q + codes, return_inverse=True, return_counts=True
        )
        sizes = sizes.astype(float)
        squares = np.bincount(keys // q, weights=sizes**2, minlength=size)
        return squares, sizes[inverse.ravel()]

    same, _ = repeats(call, n_batches * n)
    squares, share = repeats(call // n, n_batches)
    m = (~np.isnan(stack)).sum(axis=-1)
    n_values = m.sum(axis=-1).astype(float)
    per_score = np.zeros(stack.size)
    per_score[where] = share / n_values[call // n]
    unit_expected = m - per_score.reshape(stack.shape).sum(axis=-1)
    return Disagreement(
        unit=(m**2 - same.reshape(n_batches, n)).reshape(x.shape[:-1]),
        expected_total=(n_values**2 - squares).reshape(x.shape[:-2]),
        unit_expected=unit_expected.reshape(x.shape[:-1]),
    )


def midranks(codes: np.ndarray, q: int) -> np.ndarray:
    """Mid-rank of each score among the pairable ones (NaN where missing)."""
    totals = np.bincount(codes[codes >= 0], minlength=q)
    rank = np.cumsum(totals) - totals / 2
    return np.where(codes >= 0, rank[np.maximum(codes, 0)], np.nan)


def interval_disagreement(x: np.ndarray) -> Disagreement:
    """Squared differences through sums of squares; ``x`` is (..., n, k).

    Within call u the ordered pairs sum to ``2 m_u SS_u`` and over all N
    scores to ``2 N SS`` (SS: sum of squares about the mean), and
    ``E(v) = (v - mean)**2 + SS / N``.
    """
    m = (~np.isnan(x)).sum(axis=-1)
    n_values = m.sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        centre = np.nansum(x, axis=(-2, -1)) / n_values
        xc = x - centre[..., None, None]
        unit_mean = np.nansum(xc, axis=-1) / m
        unit_ss = np.nansum((xc - unit_mean[..., None]) ** 2, axis=-1)
        squares = np.nansum(xc**2, axis=-1)
        total_ss = squares.sum(axis=-1)
        return Disagreement(
            unit=2 * m * unit_ss,
            expected_total=2 * n_values * total_ss,
            unit_expected=squares + m * (total_ss / n_values)[..., None],
        )


def ratio_disagreement(x: np.ndarray) -> Disagreement:
    present = ~np.isnan(x)
    expected_total, mean_distance = ratio_expected(x[present])
    per_score = np.zeros(x.shape)
    per_score[present] = mean_distance
    unit = ratio_within_units(x)
    return Disagreement(unit, expected_total, per_score.sum(axis=1))
