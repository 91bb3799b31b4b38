"""Krippendorff's ratio distance summed over all pairs of scores, fast.

The ratio metric is ``((a - b) / (a + b))**2``. Summed pair by pair it costs
values x values; for continuous scores that is too much. Writing

    (a - b)**2 / (a + b)**2 = (a - b)**2 * integral_0^inf t exp(-t (a + b)) dt

and integrating by the trapezoidal rule in ``log t`` turns the double sum into
sums over the scores at each node (a few hundred nodes), relative error about
1e-15. Up to ``_MAX_DIRECT_RATIO`` distinct values the pairs are summed
directly, in blocks.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Literal

import numpy as np

__all__: list[str] = []

# distinct values up to which the expected disagreement is summed pair by pair
_MAX_DIRECT_RATIO = 1024
# entries per block when a step works on (values x something) arrays (16 MB)
BLOCK = 1 << 21
# quadrature: nodes per doubling of t; octaves per exact exponential; table
# entries kept between passes (64 MB)
_NODES_PER_DOUBLING = 4
_EXACT_EVERY = 8
_KEEP_TABLE = 1 << 23


def ratio_distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``((a - b) / (a + b))**2``; 0 for two zeros and where a score is missing."""
    total = a + b
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(total > 0, (a - b) / total, 0.0)
    return ratio * ratio


def ratio_within_units(x: np.ndarray) -> np.ndarray:
    """``Do_u`` over every pair of raters, a block of calls at a time."""
    n, k = x.shape
    first, second = np.triu_indices(k, 1)
    unit = np.zeros(n)
    step = max(1, BLOCK // max(first.size, 1))
    for start in range(0, n, step):
        block = x[start : start + step]
        pairs = ratio_distance(block[:, first], block[:, second])
        unit[start : start + step] = 2 * pairs.sum(axis=1)
    return unit


def ratio_expected(
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
        mean_distance = ratio_mean_distance_quadrature(distinct, counts)
    else:
        mean_distance = np.empty(distinct.size)
        step = max(1, BLOCK // distinct.size)
        for start in range(0, distinct.size, step):
            rows = distinct[start : start + step, None]
            block = ratio_distance(rows, distinct[None, :])
            mean_distance[start : start + step] = block @ counts
        mean_distance /= counts.sum()
    total = counts.sum() * float(counts @ mean_distance)
    return total, mean_distance[inverse.ravel()]


def ratio_nodes(low: float, high: float) -> tuple[np.ndarray, np.ndarray]:
    """Nodes t and weights of ``integral_0^inf f(t) dt`` for ratio pair sums.

    For a pair with ``c = a + b`` in ``[2 low, 2 high]``, ``t exp(-c t)`` is
    integrated by the trapezoidal rule in ``s = log t``, step
    ``h = log(2) / 4``. By Poisson summation the relative error is about
    ``2 |Gamma(2 - 2 pi i / h)|``, below 1e-20 for every c; the range leaves
    out tails below 1e-16. With four nodes per doubling of t, each octave of
    ``exp(-t a)`` is the square of the one before (``exp_table``).
    """
    step = math.log(2) / _NODES_PER_DOUBLING
    s_low = math.log(1e-8 / (2 * high))
    n_octaves = math.ceil((math.log(45 / (2 * low)) - s_low) / math.log(2)) + 1
    base = np.exp(s_low + step * np.arange(_NODES_PER_DOUBLING))
    t = (2.0 ** np.arange(n_octaves)[:, None] * base).ravel()
    return t, step * t**2


def exp_table(a: np.ndarray, t: np.ndarray) -> np.ndarray:
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


class Tables:
    """``exp_table`` by blocks of values: kept if the whole table has at
    most ``_KEEP_TABLE`` entries, else rebuilt on each pass."""

    def __init__(self, a: np.ndarray, t: np.ndarray) -> None:
        step = max(1, BLOCK // t.size)
        self.parts = [slice(i, i + step) for i in range(0, a.size, step)]
        self.a, self.t = a, t
        self.kept = list(self._build()) if a.size * t.size <= _KEEP_TABLE else None

    def _build(self) -> Iterator[tuple[slice, np.ndarray]]:
        for part in self.parts:
            yield part, exp_table(self.a[part], self.t)

    def __iter__(self) -> Iterator[tuple[slice, np.ndarray]]:
        return iter(self.kept) if self.kept is not None else self._build()


def node_centres(
    tables: Tables, a: np.ndarray, w: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per node: ``P = sum w exp(-t a)`` and the mean of ``a`` so weighted."""
    sums = sum(table @ np.column_stack([w, w * a])[part] for part, table in tables)
    return sums[:, 0], sums[:, 1] / sums[:, 0]


def ratio_mean_distance_quadrature(
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
    t, node_weight = ratio_nodes(float(a.min()), float(a.max()))
    tables = Tables(a, t)
    p, centre = node_centres(tables, a, w)

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
