"""Krippendorff's alpha for nominal, ordinal, interval and ratio scores.

Alpha compares the disagreement within calls with the disagreement expected
between any two scores of the study (Krippendorff 2011). Only *pairable*
scores count: those of calls that at least two raters scored. With

    Do_u   = sum of the distance delta over ordered pairs of scores in call u,
    m_u    = number of scores of call u, N = sum of m_u,
    De_sum = sum of delta over ordered pairs of all N scores,

alpha is ``1 - (N - 1) * sum_u(Do_u / (m_u - 1)) / De_sum``. No metric below
builds a values x values matrix:

- few levels (at most 64): the calls' level counts, ``Do_u = n_u' delta n_u``
  (Krippendorff's coincidence matrix, never materialised);
- nominal: ``Do_u = m_u**2 - sum_c n_uc**2``, counted on sorted keys;
- interval: sums of squares, ``Do_u = 2 m_u SS_u`` and ``De_sum = 2 N SS``;
- ordinal: Krippendorff's ordinal distance between levels c < k,
  ``(n_c + ... + n_k - (n_c + n_k) / 2)**2``, is the squared difference of
  their mid-ranks among the pairable scores, so ordinal alpha is interval
  alpha on mid-ranks (exact, ties included);
- ratio: ``(a - b)**2 / (a + b)**2 = (a - b)**2 * integral t exp(-t(a + b)) dt``
  turns ``De_sum`` into sums over scores at the nodes of a trapezoidal rule in
  ``log t`` (relative error about 1e-15; pair by pair up to 1,024 values).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Literal, NamedTuple

import numpy as np
from scipy import stats

from toolkit.agreement._input import RatingMatrix, rating_matrix
from toolkit.agreement._result import (
    AgreementResult,
    Interval,
    check_level,
    undefined,
    wald_interval,
)
from toolkit.agreement._terms import UnitTerms
from toolkit.agreement._weights import weight_matrix
from toolkit.errors import RatingsError

__all__ = ["METRICS", "krippendorff_alpha"]

Metric = Literal["nominal", "ordinal", "interval", "ratio"]
METRICS: tuple[str, ...] = ("nominal", "ordinal", "interval", "ratio")

# weights= builds a q x q matrix; beyond this many levels use metric= instead
_MAX_WEIGHT_LEVELS = 1000
# levels up to which alpha goes through the calls' level counts
_MAX_COUNT_LEVELS = 64
# ratio: distinct values up to which De_sum is summed pair by pair
_MAX_DIRECT_RATIO = 1024
# unit terms: most levels for which a categorical decomposition is offered
_MAX_TERM_LEVELS = {"nominal": 1000, "ordinal": 45, "ratio": 256, "weights": 1000}
# entries per block when a step works on (values x something) arrays (16 MB)
_BLOCK = 1 << 21
# ratio quadrature: nodes per doubling of t; octaves per exact exponential;
# table entries kept between passes (64 MB)
_NODES_PER_DOUBLING = 4
_EXACT_EVERY = 8
_KEEP_TABLE = 1 << 23


def krippendorff_alpha(
    data: Any,
    *,
    metric: Metric | None = None,
    levels: Sequence[Any] | None = None,
    weights: str | np.ndarray | None = None,
    standard_error: Literal["gwet"] | None = "gwet",
    level: float = 0.95,
) -> AgreementResult:
    """Krippendorff's alpha: agreement among any number of raters.

    Parameters
    ----------
    data
        Calls x raters scores, NaN or None where a rater did not score a
        call: anything :func:`~toolkit.agreement._input.rating_matrix`
        accepts. Calls with fewer than two scores are left out (they hold no
        pair to compare); ``details["n_units_dropped"]`` counts them.
    metric
        Krippendorff's distance between two scores: ``"nominal"``,
        ``"ordinal"`` (his rank-based metric, which uses how often each level
        was given), ``"interval"`` or ``"ratio"``. Default: the kind of the
        scale ``data`` carries; without one, ``"interval"`` for numbers (as
        the Python ``krippendorff`` package) and ``"nominal"`` for labels.
        R ``irr::kripp.alpha`` and irrCAC default to nominal; pass
        ``metric="nominal"`` to reproduce them.
    levels
        Declared levels in scale order; unused ones are allowed. They change
        none of the four metrics (an unused level has frequency 0); with
        ``weights=`` they change irrCAC's ordinal weights, as its
        ``categ.labels`` does.
    weights
        irrCAC's weighted alpha, ``krippen.alpha.raw(ratings, weights=...)``:
        a kind of :data:`~toolkit.agreement._weights.WEIGHT_KINDS` or a
        ``(q, q)`` agreement-weight matrix, used as the distance ``1 - w``.
        Identity weights give nominal alpha, quadratic weights interval alpha
        and ratio weights ratio alpha; irrCAC's ``"ordinal"`` weights are
        Gwet's, not Krippendorff's ordinal metric. Exclusive with ``metric``.
    standard_error
        ``"gwet"``: Gwet's (2014) linearisation variance as R irrCAC 1.0
        computes it in ``krippen.alpha.raw``, with its interval
        ``alpha +/- t(n - 1) se`` (n: calls with at least one score; upper end
        capped at 1) and two-sided p-value from the same t. ``None``: none.
    level
        Confidence level of the interval.

    Returns
    -------
    AgreementResult
        ``statistic`` is alpha. ``details`` holds ``observed_disagreement``
        (D_o), ``expected_disagreement`` (D_e), ``n_pairable_values``,
        ``n_units_dropped`` and ``interval_df``; with ``weights=`` also
        irrCAC's ``percent_agreement`` (pa) and ``chance_agreement`` (pe).

    Raises
    ------
    ValueError
        For an unknown option, both ``metric`` and ``weights``, interval or
        ratio alpha on labels, ratio alpha on negative scores, or
        ``weights=`` on more than 1,000 distinct scores.
    RatingsError
        When ``data`` is not a ratings matrix with at least two raters.

    Warns
    -----
    UndefinedCoefficientWarning
        When no call has two scores, or no disagreement is expected (one
        level only); the result is then NaN with the reason.

    Notes
    -----
    The metrics are Krippendorff's (2011) and agree with the Python
    ``krippendorff`` package to rounding. R ``irr::kripp.alpha`` is wrong on
    complete data with more than two raters and is no reference.

    Gwet's variance is written here through disagreements (it is irrCAC's
    formula with its weights ``1 - delta / max(delta)``), so it also serves
    continuous scores without a values x values matrix. It treats the
    distances as fixed: for ordinal alpha, whose distances depend on the
    level frequencies, it ignores their sampling variation; a bootstrap
    interval does not. It assumes calls are independent (several calls of
    one rep are not modelled as a cluster) and needs two pairable calls,
    else it is NaN. irrCAC's p-value tests alpha = 0 with this non-null
    standard error.

    Ratio alpha needs scores of zero or more: two zeros are at distance 0,
    zero and a positive score at distance 1.

    References
    ----------
    Krippendorff, K. (2011). Computing Krippendorff's alpha-reliability.
    Annenberg School for Communication, University of Pennsylvania.

    Gwet, K. L. (2014). Handbook of Inter-Rater Reliability, 4th ed.
    Advanced Analytics. R package irrCAC 1.0, ``krippen.alpha.raw``.

    Examples
    --------
    Krippendorff's (2011) example of four observers, twelve units and
    missing values:

    >>> scores = [
    ...     [1, 1, None, 1], [2, 2, 3, 2], [3, 3, 3, 3], [3, 3, 3, 3],
    ...     [2, 2, 2, 2], [1, 2, 3, 4], [4, 4, 4, 4], [1, 1, 2, 1],
    ...     [2, 2, 2, 2], [None, 5, 5, 5], [None, None, 1, 1],
    ...     [None, None, 3, None],
    ... ]
    >>> for metric in METRICS:
    ...     result = krippendorff_alpha(scores, metric=metric)
    ...     print(metric, round(result.statistic, 3))
    nominal 0.743
    ordinal 0.815
    interval 0.849
    ratio 0.797

    The same data are irrCAC's ``cac.raw4raters``; its README shows
    ``krippen.alpha.raw(cac.raw4raters)``: standard error 0.14548, interval
    (0.423, 1).

    >>> result = krippendorff_alpha(scores, weights="identity")
    >>> print(round(result.standard_error, 5), result.details["interval_df"])
    0.14548 11
    >>> ci = result.confidence_interval
    >>> print(round(ci.low, 3), ci.high)
    0.423 1.0
    """
    level = check_level(level)
    _check_options(metric, weights, standard_error)
    matrix = rating_matrix(data, levels=levels)
    if matrix.n_raters < 2:
        raise RatingsError(
            f"Krippendorff's alpha needs at least two raters; the ratings have "
            f"{matrix.n_raters} column(s); pass a calls x raters matrix"
        )
    resolved = _resolve_metric(matrix, metric, weights)
    delta = _weights_distance(matrix, weights) if weights is not None else None
    options = {
        "metric": resolved,
        "weights": _weights_label(weights),
        "standard_error": standard_error,
    }

    # keep calls scored by at least two raters
    per_call = (matrix.codes >= 0).sum(axis=1)
    scores = _pairable(matrix, per_call)
    n_rated = int(np.count_nonzero(per_call))
    if scores.m.size < 2:
        return undefined(
            "krippendorff_alpha",
            f"{scores.m.size} call(s) scored by two or more raters; agreement "
            "beyond chance needs at least two such calls",
            n_units=int(scores.m.size),
            n_raters=int(scores.n_raters) if scores.m.size else 0,
            level=level,
            options=options,
        )

    parts = _disagreement(scores, resolved, delta)
    n_values = float(scores.m.sum())
    if not parts.expected_total > 0:
        return undefined(
            "krippendorff_alpha",
            _no_disagreement_reason(matrix, scores),
            n_units=scores.m.size,
            n_raters=scores.n_raters,
            level=level,
            options=options,
        )

    observed = float(np.sum(parts.unit / (scores.m - 1))) / n_values
    expected = float(parts.expected_total) / (n_values * (n_values - 1))
    alpha = 1.0 - observed / expected
    details: dict[str, Any] = {
        "observed_disagreement": observed,
        "expected_disagreement": expected,
        "n_pairable_values": int(n_values),
        "n_units_dropped": matrix.n_units - scores.m.size,
        "interval_df": n_rated - 1,
    }
    if delta is not None:
        details["percent_agreement"] = 1.0 - observed * (1.0 - 1.0 / n_values)
        details["chance_agreement"] = 1.0 - expected * (1.0 - 1.0 / n_values)

    se = math.nan
    if standard_error == "gwet":
        se = _gwet_standard_error(scores.m, parts)
        if not np.isfinite(se):
            details["standard_error_note"] = "needs at least two pairable calls"
    interval, p_value = _t_interval(alpha, se, level, n_rated - 1)
    return AgreementResult(
        coefficient="krippendorff_alpha",
        statistic=alpha,
        standard_error=se,
        confidence_interval=interval,
        n_units=scores.m.size,
        n_raters=scores.n_raters,
        p_value=p_value,
        options=options,
        details=details,
    )


def _no_disagreement_reason(matrix: RatingMatrix, scores: _Pairable) -> str:
    used = np.unique(scores.codes[scores.codes >= 0])
    what = (
        f"the same level ({matrix.categories[used[0]]!r})"
        if used.size == 1
        else "at distance 0 from one another under these weights"
    )
    return (
        f"all {int(scores.m.sum())} pairable scores are {what}, so no "
        "disagreement is expected"
    )


# --------------------------------------------------------------------------
# options


def _check_options(metric: Any, weights: Any, standard_error: Any) -> None:
    if metric is not None and metric not in METRICS:
        raise ValueError(
            f"metric={metric!r} is not known; use one of {', '.join(METRICS)}, "
            "or weights=... for irrCAC's weighted alpha"
        )
    if metric is not None and weights is not None:
        raise ValueError(
            f"metric={metric!r} and weights={_weights_label(weights)!r} both "
            "set the distance between scores; pass one of them"
        )
    if standard_error not in ("gwet", None):
        raise ValueError(
            f"standard_error={standard_error!r} is not known; use 'gwet' "
            "(irrCAC's linearisation) or None"
        )


def _weights_label(weights: Any) -> str | None:
    if weights is None or isinstance(weights, str):
        return weights
    return "custom"


def _resolve_metric(
    matrix: RatingMatrix, metric: str | None, weights: Any
) -> str | None:
    """The metric to compute (None with weights), checked against the scores."""
    if weights is not None:
        return None
    if metric is None and matrix.scale is not None:
        metric = matrix.scale.kind
    if metric is None:
        metric = "interval" if matrix.numeric else "nominal"

    if metric in ("interval", "ratio") and not matrix.numeric:
        shown = ", ".join(repr(c) for c in matrix.categories[:4])
        raise ValueError(
            f"metric={metric!r} needs numeric scores; these are labels "
            f"({shown}, ...); use metric='ordinal' or 'nominal', or recode the "
            "labels as numbers"
        )
    lowest = matrix.category_values.min(initial=0.0)
    if metric == "ratio" and lowest < 0:
        raise ValueError(
            f"metric='ratio' needs scores of zero or more (a ratio scale has a "
            f"true zero); the scores go down to {float(lowest)!r}; use "
            "metric='interval'"
        )
    return metric


def _weights_distance(matrix: RatingMatrix, weights: Any) -> np.ndarray:
    """irrCAC's weights as a distance: ``1 - w``, made symmetric."""
    if matrix.n_categories > _MAX_WEIGHT_LEVELS:
        raise ValueError(
            f"weights={_weights_label(weights)!r} needs a q x q matrix but the "
            f"scores take {matrix.n_categories} distinct values (limit "
            f"{_MAX_WEIGHT_LEVELS}); use metric='interval' (the alpha of "
            "quadratic weights) or metric='ratio'"
        )
    w = weight_matrix(weights, matrix.category_values)
    return 1.0 - (w + w.T) / 2


# --------------------------------------------------------------------------
# pairable scores and their disagreement


class _Pairable(NamedTuple):
    """Scores of the calls with at least two of them."""

    codes: np.ndarray  # (n, k) level index, -1 missing
    values: np.ndarray  # (n, k) number of the score, NaN missing
    m: np.ndarray  # (n,) scores per call, all >= 2
    n_raters: int  # raters with at least one pairable score
    levels: np.ndarray  # (q,) the number each level stands for
    keep: np.ndarray  # (n_units,) which calls of the matrix these are


class _Disagreement(NamedTuple):
    """Sums of distances over ordered pairs of scores (leading batch axes)."""

    unit: np.ndarray  # (..., n) Do_u, within each call
    expected_total: Any  # (...) De_sum, over all pairable scores
    unit_expected: np.ndarray  # (..., n) sum over a call's scores v of E(v)


def _pairable(matrix: RatingMatrix, per_call: np.ndarray) -> _Pairable:
    """The calls with at least two scores (``per_call``: scores per call)."""
    keep = per_call >= 2
    codes, values = matrix.codes, matrix.values
    if not keep.all():
        codes, values = codes[keep], values[keep]
    return _Pairable(
        codes=codes,
        values=values,
        m=per_call[keep].astype(float),
        n_raters=int((codes >= 0).any(axis=0).sum()),
        levels=matrix.category_values,
        keep=keep,
    )


def _disagreement(
    scores: _Pairable, metric: str | None, delta: np.ndarray | None
) -> _Disagreement:
    """Within-call and expected disagreement under ``metric`` or ``delta``.

    ``E(v)`` is the mean distance from score v to the N pairable scores;
    Gwet's variance needs its sum over each call.
    """
    q = scores.levels.size
    if delta is not None or q <= _MAX_COUNT_LEVELS:
        counts = _unit_counts(scores.codes, q)
        if delta is None:
            delta = _level_distance(str(metric), scores.levels, counts.sum(axis=0))
        return _count_disagreement(counts, delta)
    if metric == "nominal":
        return _nominal_disagreement(scores.values)
    if metric == "ordinal":
        return _interval_disagreement(_midranks(scores.codes, q))
    if metric == "interval":
        return _interval_disagreement(scores.values)
    return _ratio_disagreement(scores.values)


def _level_distance(metric: str, levels: np.ndarray, totals: np.ndarray) -> np.ndarray:
    """Krippendorff's ``delta`` between levels (``totals``: pairable counts)."""
    if metric == "nominal":
        return 1.0 - np.eye(levels.size)
    if metric == "ratio":
        return _ratio_distance(levels[:, None], levels[None, :])
    if metric == "ordinal":
        levels = np.cumsum(totals) - totals / 2
    return (levels[:, None] - levels[None, :]) ** 2


def _unit_counts(codes: np.ndarray, q: int) -> np.ndarray:
    """``(n, q)`` number of scores of each level in each call."""
    n = codes.shape[0]
    flat = (codes + 1 + (q + 1) * np.arange(n)[:, None]).ravel()
    counts = np.bincount(flat, minlength=n * (q + 1)).reshape(n, q + 1)
    return counts[:, 1:].astype(float)


def _count_disagreement(counts: np.ndarray, delta: np.ndarray) -> _Disagreement:
    totals = counts.sum(axis=0)
    mean_distance = delta @ totals / totals.sum()
    return _Disagreement(
        unit=((counts @ delta) * counts).sum(axis=1),
        expected_total=float(totals @ delta @ totals),
        unit_expected=counts @ mean_distance,
    )


def _nominal_disagreement(x: np.ndarray) -> _Disagreement:
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
    return _Disagreement(
        unit=(m**2 - same.reshape(n_batches, n)).reshape(x.shape[:-1]),
        expected_total=(n_values**2 - squares).reshape(x.shape[:-2]),
        unit_expected=unit_expected.reshape(x.shape[:-1]),
    )


def _midranks(codes: np.ndarray, q: int) -> np.ndarray:
    """Mid-rank of each score among the pairable ones (NaN where missing)."""
    totals = np.bincount(codes[codes >= 0], minlength=q)
    rank = np.cumsum(totals) - totals / 2
    return np.where(codes >= 0, rank[np.maximum(codes, 0)], np.nan)


def _interval_disagreement(x: np.ndarray) -> _Disagreement:
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
        return _Disagreement(
            unit=2 * m * unit_ss,
            expected_total=2 * n_values * total_ss,
            unit_expected=squares + m * (total_ss / n_values)[..., None],
        )


# --------------------------------------------------------------------------
# ratio metric


def _ratio_distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``((a - b) / (a + b))**2``; 0 for two zeros and where a score is missing."""
    total = a + b
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(total > 0, (a - b) / total, 0.0)
    return ratio * ratio


def _ratio_within_units(x: np.ndarray) -> np.ndarray:
    """``Do_u`` over every pair of raters, a block of calls at a time."""
    n, k = x.shape
    first, second = np.triu_indices(k, 1)
    unit = np.zeros(n)
    step = max(1, _BLOCK // max(first.size, 1))
    for start in range(0, n, step):
        block = x[start : start + step]
        pairs = _ratio_distance(block[:, first], block[:, second])
        unit[start : start + step] = 2 * pairs.sum(axis=1)
    return unit


def _ratio_disagreement(x: np.ndarray) -> _Disagreement:
    present = ~np.isnan(x)
    expected_total, mean_distance = _ratio_expected(x[present])
    per_score = np.zeros(x.shape)
    per_score[present] = mean_distance
    unit = _ratio_within_units(x)
    return _Disagreement(unit, expected_total, per_score.sum(axis=1))


def _ratio_expected(
    values: np.ndarray, *, method: Literal["auto", "direct", "quadrature"] = "auto"
) -> tuple[float, np.ndarray]:
    """``De_sum`` and each score's mean distance ``E(v)`` to all N scores."""
    distinct, inverse, counts = np.unique(
        values, return_inverse=True, return_counts=True
    )
    counts = counts.astype(float)
    if method == "quadrature" or (
        method == "auto" and distinct.size > _MAX_DIRECT_RATIO
    ):
        mean_distance = _ratio_mean_distance_quadrature(distinct, counts)
    else:
        mean_distance = np.empty(distinct.size)
        step = max(1, _BLOCK // distinct.size)
        for start in range(0, distinct.size, step):
            rows = distinct[start : start + step, None]
            block = _ratio_distance(rows, distinct[None, :])
            mean_distance[start : start + step] = block @ counts
        mean_distance /= counts.sum()
    total = counts.sum() * float(counts @ mean_distance)
    return total, mean_distance[inverse.ravel()]


def _ratio_nodes(low: float, high: float) -> tuple[np.ndarray, np.ndarray]:
    """Nodes t and weights of ``integral_0^inf f(t) dt`` for ratio pair sums.

    For a pair with ``c = a + b`` in ``[2 low, 2 high]``, ``t exp(-c t)`` is
    integrated by the trapezoidal rule in ``s = log t``, step
    ``h = log(2) / 4``. By Poisson summation the relative error is about
    ``2 |Gamma(2 - 2 pi i / h)|``, below 1e-20 for every c; the range leaves
    out tails below 1e-16. With four nodes per doubling of t, each octave of
    ``exp(-t a)`` is the square of the one before (``_exp_table``).
    """
    step = math.log(2) / _NODES_PER_DOUBLING
    s_low = math.log(1e-8 / (2 * high))
    n_octaves = math.ceil((math.log(45 / (2 * low)) - s_low) / math.log(2)) + 1
    base = np.exp(s_low + step * np.arange(_NODES_PER_DOUBLING))
    t = (2.0 ** np.arange(n_octaves)[:, None] * base).ravel()
    return t, step * t**2


def _exp_table(a: np.ndarray, t: np.ndarray) -> np.ndarray:
    """``exp(-t a)`` as a (nodes, values) table.

    Exponentials are taken every ``_EXACT_EVERY`` octaves of nodes and squared
    in between, so an entry is off by at most about 2**8 units in the last
    place (6e-14 relative).
    """
    size = _NODES_PER_DOUBLING
    table = np.empty((t.size, a.size))
    for octave, start in enumerate(range(0, t.size, size)):
        rows = table[start : start + size]
        if octave % _EXACT_EVERY == 0:
            np.exp(-np.outer(t[start : start + size], a), out=rows)
        else:
            np.square(table[start - size : start], out=rows)
    return table


class _Tables:
    """``_exp_table`` by blocks of values: kept if the whole table has at
    most ``_KEEP_TABLE`` entries, else rebuilt on each pass."""

    def __init__(self, a: np.ndarray, t: np.ndarray) -> None:
        step = max(1, _BLOCK // t.size)
        self.parts = [slice(i, i + step) for i in range(0, a.size, step)]
        self.a, self.t = a, t
        self.kept = list(self._build()) if a.size * t.size <= _KEEP_TABLE else None

    def _build(self) -> Iterator[tuple[slice, np.ndarray]]:
        for part in self.parts:
            yield part, _exp_table(self.a[part], self.t)

    def __iter__(self) -> Iterator[tuple[slice, np.ndarray]]:
        return iter(self.kept) if self.kept is not None else self._build()


def _node_centres(
    tables: _Tables, a: np.ndarray, w: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per node: ``P = sum w exp(-t a)`` and the mean of ``a`` so weighted."""
    sums = sum(table @ np.column_stack([w, w * a])[part] for part, table in tables)
    return sums[:, 0], sums[:, 1] / sums[:, 0]


def _ratio_mean_distance_quadrature(
    distinct: np.ndarray, counts: np.ndarray
) -> np.ndarray:
    """``E(v)`` for every distinct value, without a values x values matrix.

    Per node, with ``e = exp(-t a)``, ``c`` the e-weighted mean of the scores,
    ``P = sum_b w_b e_b`` and ``Q = sum_b w_b e_b (b - c)**2``, the sum
    ``sum_b w_b e_b (a - b)**2`` is ``P (a - c)**2 + Q``: positive terms only,
    so nothing cancels.
    """
    n_values = counts.sum()
    positive = distinct > 0
    a, w = distinct[positive], counts[positive]
    n_zero = n_values - w.sum()
    t, node_weight = _ratio_nodes(float(a.min()), float(a.max()))
    tables = _Tables(a, t)
    p, centre = _node_centres(tables, a, w)

    spread = np.zeros(t.size)
    near = np.empty(a.size)
    for part, table in tables:
        squares = (a[part] - centre[:, None]) ** 2 * table
        spread += squares @ w[part]
        near[part] = squares.T @ (node_weight * p)
    far = np.concatenate([table.T @ (node_weight * spread) for _, table in tables])

    mean_distance = np.full(distinct.size, w.sum() / n_values)
    mean_distance[positive] = (near + far + n_zero) / n_values
    return mean_distance


# --------------------------------------------------------------------------
# standard error and interval


def _gwet_standard_error(m: np.ndarray, parts: _Disagreement) -> float:
    """Gwet's linearisation standard error, as irrCAC's ``krippen.alpha.raw``.

    irrCAC uses weights ``w = 1 - delta / max(delta)``; its per-call terms
    scale with ``1 / max(delta)``, which cancels. In disagreements, with
    ``rbar = N / n``, ``dev_u = (m_u - rbar) / rbar``,
    ``D_o' = sum_u Do_u / (m_u - 1) / N``, ``D_e' = De_sum / N**2`` and
    ``alpha' = 1 - D_o' / D_e'`` (irrCAC's ``krippen.alpha.prime``):

    - ``krippen.ivec = 1 - (Do_u / (rbar (m_u - 1)) - D_o' dev_u) / D_e'``,
    - ``(pe.ivec - pe) / (1 - pe) = (m_u D_e' - sum_v E(v)) / (rbar D_e')``,
    - ``x_u = krippen.ivec - 2 (1 - alpha') (pe.ivec - pe) / (1 - pe)``,

    and the variance is ``sum_u (x_u - alpha')**2 / (n (n - 1))``.
    """
    n_units = m.size
    if n_units < 2:
        return math.nan
    n_values = m.sum()
    rbar = n_values / n_units
    observed = float(np.sum(parts.unit / (m - 1))) / n_values
    expected = float(parts.expected_total) / n_values**2
    alpha_prime = 1 - observed / expected

    dev = (m - rbar) / rbar
    agreement = 1 - (parts.unit / (rbar * (m - 1)) - observed * dev) / expected
    chance = (m * expected - parts.unit_expected) / (rbar * expected)
    x = agreement - 2 * (1 - alpha_prime) * chance
    variance = np.sum((x - alpha_prime) ** 2) / (n_units * (n_units - 1))
    return float(np.sqrt(variance))


def _t_interval(
    alpha: float, se: float, level: float, df: int
) -> tuple[Interval, float]:
    """irrCAC's interval (t with df, upper end at most 1) and two-sided p."""
    if not np.isfinite(se) or df < 1:
        return Interval(math.nan, math.nan, level), math.nan
    wald = wald_interval(alpha, se, level, df=df)
    interval = Interval(wald.low, min(1.0, wald.high), level)
    p_value = float(2 * stats.t.sf(abs(alpha / se), df)) if se > 0 else math.nan
    return interval, p_value


# --------------------------------------------------------------------------
# the bootstrap's view: additive unit terms, or a batch of matrices

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
    _check_options(metric, weights, None)
    resolved = _resolve_metric(matrix, metric, weights)
    kind = "weights" if weights is not None else str(resolved)
    q = matrix.n_categories
    scores = _pairable(matrix, (matrix.codes >= 0).sum(axis=1))

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
        distance = _level_distance("ratio", scores.levels, np.zeros(q))
        terms, combine = _count_terms(scores, q, distance)
    else:
        terms, combine = _count_terms(scores, q, _weights_distance(matrix, weights))

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


def _interval_terms(scores: _Pairable) -> tuple[np.ndarray, Combine]:
    parts = _interval_disagreement(scores.values)
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
    scores: _Pairable, q: int, delta: np.ndarray | None
) -> tuple[np.ndarray, Combine]:
    """Terms ``[Do_u / (m_u - 1), n_u1 .. n_uq]``; ``delta=None`` is nominal."""
    counts = _unit_counts(scores.codes, q)
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


def _ordinal_terms(scores: _Pairable, q: int) -> tuple[np.ndarray, Combine]:
    counts = _unit_counts(scores.codes, q)
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


def _ratio_quadrature_terms(scores: _Pairable) -> tuple[np.ndarray, Combine]:
    """Terms ``[Do_u / (m_u - 1), zeros, positives, G_0, G_1, G_2]`` per call.

    ``G_p`` holds, per quadrature node, the call's sum of
    ``exp(-t a) (a - c)**p`` over its positive scores, c being the node's
    centre on all calls (``_node_centres``). Summed over calls they give
    ``De_sum = 2 sum_nodes weight (G_0 G_2 - G_1**2) + 2 zeros positives``.
    """
    x = scores.values
    present = ~np.isnan(x)
    positive = np.where(present, x, 0.0) > 0
    distinct, counts = np.unique(x[positive], return_counts=True)
    t, node_weight = _ratio_nodes(float(distinct.min()), float(distinct.max()))
    centre = _node_centres(_Tables(distinct, t), distinct, counts.astype(float))[1]

    # per call and node, a block of calls at a time
    n, k = x.shape
    sums = np.zeros((n, 3, t.size))
    step = max(1, _BLOCK // (k * t.size))
    for start in range(0, n, step):
        block = np.where(positive[start : start + step], x[start : start + step], 0)
        table = _exp_table(np.where(block > 0, block, np.inf).ravel(), t)
        table = table.reshape(t.size, *block.shape)
        shifted = np.where(block > 0, block - centre[:, None, None], 0.0)
        for power in range(3):
            sums[start : start + step, power] = (table * shifted**power).sum(2).T

    zeros_and_positives = [(present & ~positive).sum(axis=1), positive.sum(axis=1)]
    unit = _ratio_within_units(x) / (scores.m - 1)
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
    _check_options(metric, weights, None)
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
        parts = _nominal_disagreement(x)
    elif metric == "ordinal":
        parts = _interval_disagreement(_batch_midranks(x))
    else:
        parts = _interval_disagreement(x)
    observed = (parts.unit / np.maximum(m - 1, 1)).sum(axis=-1)
    return _alpha_from_totals(m.sum(axis=-1), observed, parts.expected_total)


def _batch_midranks(x: np.ndarray) -> np.ndarray:
    """Mid-ranks (as ``_midranks``) within each matrix of a stack."""
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
