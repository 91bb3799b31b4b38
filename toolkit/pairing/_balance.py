"""Evening out pair use once the rounds start to repeat.

The rounds of an odd pool are used in perfect turn. In an even pool at a high
cadence, the rounds that share out the opposite pairs (see
:mod:`toolkit.pairing._rounds`) can only go together in a few ways, so some
pairs would meet far more often than others. After the rounds are chosen, a
local search lowers the total earlier use of the period's pairs with two moves
that keep every rule:

* a swap: ``a`` reviews ``b`` and ``c`` reviews ``d`` become ``a`` reviews
  ``d`` and ``c`` reviews ``b`` (every load and cadence stays);
* a reversal of a cycle of reviews (every load stays; the pairs keep their
  partners but change direction), found as a negative cycle by Bellman-Ford.

A move is made only when it strictly lowers the total, so periods made of
pairs that never met (the first rotation cycle) are left exactly as they are.
"""

from __future__ import annotations

import numpy as np

__all__ = ["BALANCE_UP_TO", "rebalance"]

BALANCE_UP_TO = 40
_MAX_MOVES = 200

IntArray = np.ndarray
BoolArray = np.ndarray


def rebalance(
    has: BoolArray, history: IntArray, allowed: BoolArray, allow_mutual: bool
) -> BoolArray:
    """``has[reviewer, rep]`` with its pairs' earlier use lowered, if it can be.

    ``history[x, y]`` counts the periods in which ``x`` reviewed ``y`` before;
    ``allowed`` is False for self-review and conflict pairs. Pools larger than
    :data:`BALANCE_UP_TO` are returned as they are.
    """
    m = has.shape[0]
    off_diagonal = ~np.eye(m, dtype=bool)
    if m > BALANCE_UP_TO or history[has].max() <= history[off_diagonal].min():
        return has  # every pair of the period is among the least used
    has = has.copy()
    for _ in range(_MAX_MOVES):
        if _swap(has, history, allowed, allow_mutual):
            continue
        if not allow_mutual and _reverse_cycle(has, history):
            continue
        break
    return has


def _swap(
    has: BoolArray, history: IntArray, allowed: BoolArray, allow_mutual: bool
) -> bool:
    """Make the best swap that lowers the total use; False when there is none."""
    arcs = np.argwhere(has)
    # a swap gains only if one of its two pairs met more than the least-met
    # pair, so the first pair is taken among those ("hot") only
    off_diagonal = ~np.eye(has.shape[0], dtype=bool)
    hot = arcs[history[arcs[:, 0], arcs[:, 1]] > history[off_diagonal].min()]
    a, b = hot[:, 0][:, None], hot[:, 1][:, None]
    c, d = arcs[:, 0][None, :], arcs[:, 1][None, :]
    gain = history[a, b] + history[c, d] - history[a, d] - history[c, b]
    ok = (gain > 0) & (a != c) & allowed[a, d] & allowed[c, b]
    ok &= ~has[a, d] & ~has[c, b]
    if not allow_mutual:
        ok &= ~has[d, a] & ~has[b, c]
    if not ok.any():
        return False
    i, j = np.unravel_index(np.argmax(np.where(ok, gain, -1)), ok.shape)
    (x, y), (u, v) = hot[i], arcs[j]
    has[x, y] = has[u, v] = False
    has[x, v] = has[u, y] = True
    return True


def _reverse_cycle(has: BoolArray, history: IntArray) -> bool:
    """Reverse a cycle of reviews whose reversal lowers the total use."""
    m = has.shape[0]
    arcs = np.argwhere(has).tolist()
    # reversing x -> y changes the total by history[y, x] - history[x, y]
    weight = [int(history[y, x] - history[x, y]) for x, y in arcs]
    distance = [0] * m
    parent = [-1] * m
    changed = -1
    for _ in range(m):
        changed = -1
        for (x, y), w in zip(arcs, weight, strict=True):
            if distance[x] + w < distance[y]:
                distance[y] = distance[x] + w
                parent[y] = x
                changed = y
        if changed < 0:
            return False

    # walk back m steps to land on the cycle, then collect it
    node = changed
    for _ in range(m):
        node = parent[node]
    cycle = [node]
    step = parent[node]
    while step != node:
        cycle.append(step)
        step = parent[step]
    cycle.reverse()
    for x, y in zip(cycle, cycle[1:] + cycle[:1], strict=True):
        has[x, y], has[y, x] = False, True
    return True
