"""Keeping conflict pairs apart without breaking any other rule.

A period's assignment is ``has[reviewer, rep]``, with ``cadence`` ones in every
row and column. Without mutual pairs it is an orientation of a simple graph
``edge`` in which every rep has ``2 * cadence`` partners, half reviewing them
and half reviewed by them. The repair works on that graph:

1. Drop a conflict edge ``a - b``; both ends now lack a partner. Search an
   alternating path ``a + x1 - x2 + x3 ... + b`` (``+`` adds an allowed edge,
   ``-`` removes one), which gives both their partner back and leaves every
   other rep's count as it was. The search is depth-limited and greedy (it
   prefers pairs that met least), so it can miss a solution; then, for pools
   of up to :data:`EXACT_UP_TO` reps, an exhaustive search settles whether any
   assignment exists.
2. Orient the new graph: kept pairs keep their direction, new ones take the
   direction that met less, and paths are reversed until every rep reviews
   exactly ``cadence`` reps.

With mutual pairs allowed, the assignment is a bipartite matching with
``cadence`` places per side, and an augmenting path (Kuhn's algorithm) is
enough.
"""

from __future__ import annotations

import itertools
from collections import deque

import numpy as np

from toolkit.errors import ToolkitError
from toolkit.pairing._pool import Pool

__all__ = ["EXACT_UP_TO", "as_rounds", "repair"]

EXACT_UP_TO = 12
_EXACT_STEPS = 200_000

IntArray = np.ndarray
BoolArray = np.ndarray


def repair(
    reviewers: IntArray,
    pool: Pool,
    block: int,
    history: IntArray,
    allow_mutual: bool,
) -> IntArray:
    """``reviewers`` (``(cadence, m)``) with every conflict pair exchanged away."""
    cadence, m = reviewers.shape
    has = np.zeros((m, m), dtype=bool)
    has[reviewers, np.arange(m)] = True
    if not (has & pool.conflict).any():
        return reviewers
    if allow_mutual:
        return as_rounds(_bipartite(has, pool, block, history, cadence), cadence)

    edge = has | has.T
    allowed = ~pool.conflict & ~np.eye(m, dtype=bool)
    weight = history + history.T
    for a, b in zip(*np.nonzero(np.triu(edge & pool.conflict)), strict=True):
        if not edge[a, b]:
            continue  # an earlier path already let this pair go
        edge[a, b] = edge[b, a] = False
        search = _AlternatingPath(edge, allowed, weight)
        if not any(search.run(int(a), int(b), depth) for depth in range(m)):
            edge = _exact_or_fail(pool, block, cadence, int(b), allowed, weight)
            break
    return as_rounds(_orient(edge, has, history, cadence), cadence)


def as_rounds(has: BoolArray, cadence: int) -> IntArray:
    """``has[reviewer, rep]`` (``cadence`` per column) as ``(cadence, m)`` rows."""
    m = has.shape[0]
    order = np.argsort(~has, axis=0, kind="stable")[:cadence]
    if not has[order, np.arange(m)].all():
        raise RuntimeError("a rep lost a reviewer; this is a bug in toolkit.pairing")
    return order


# ------------------------------------------------------------ without mutual
class _AlternatingPath:
    """Depth-limited search for an alternating path, editing ``edge`` in place."""

    def __init__(self, edge: BoolArray, allowed: BoolArray, weight: IntArray):
        self.edge = edge
        self.allowed = allowed
        self.weight = weight
        self.seen: set[int] = set()

    def run(self, start: int, end: int, depth: int) -> bool:
        self.seen = {start, end}
        return self._extend(start, end, depth)

    def _extend(self, rep: int, end: int, depth: int) -> bool:
        """Give ``rep`` a new partner so that, in the end, ``end`` gets one."""
        edge = self.edge
        if self.allowed[rep, end] and not edge[rep, end]:
            edge[rep, end] = edge[end, rep] = True
            return True
        if depth == 0:
            return False
        options = np.nonzero(self.allowed[rep] & ~edge[rep])[0]
        options = options[np.argsort(self.weight[rep, options], kind="stable")]
        for peer in options.tolist():
            if peer in self.seen:
                continue
            self.seen.add(peer)
            edge[rep, peer] = edge[peer, rep] = True
            # the peer now has one partner too many: let one go
            for other in np.nonzero(edge[peer])[0].tolist():
                if other in (rep, end):
                    continue
                edge[peer, other] = edge[other, peer] = False
                if self._extend(other, end, depth - 1):
                    return True
                edge[peer, other] = edge[other, peer] = True
            edge[rep, peer] = edge[peer, rep] = False
        return False


def _exact_or_fail(
    pool: Pool,
    block: int,
    cadence: int,
    rep: int,
    allowed: BoolArray,
    weight: IntArray,
) -> BoolArray:
    """Every rep with ``2 * cadence`` allowed partners, or a clear error."""
    m = pool.size
    found, proven = (None, False)
    if m <= EXACT_UP_TO:
        found, proven = _exact_factor(allowed, 2 * cadence, weight)
    if found is not None:
        return found

    free = allowed.sum(axis=1)
    if proven:
        rep = int(np.argmin(free))
    name = pool.members[rep]
    rivals = [pool.members[k] for k in np.nonzero(pool.conflict[rep])[0].tolist()]
    shown = ", ".join(map(repr, rivals[:6])) + (" ..." if len(rivals) > 6 else "")
    where = f"{pool.block_names[block]}, sub-team {pool.name!r}"
    if proven:
        why = (
            f"no assignment gives all {m} reps {cadence} reviewer(s) each while "
            "keeping every conflict pair apart and no two reps reviewing each "
            f"other (every possibility was checked). Rep {name!r} has the "
            f"fewest peers free of conflict ({int(free[rep])} of {m - 1}; "
            f"conflicts with {shown})"
        )
    else:
        why = (
            f"rep {name!r} cannot get {cadence} reviewer(s): no exchange of "
            "pairs found one without a self-review, a mutual pair or a conflict "
            f"({name} has conflicts with {shown})"
        )
    raise ToolkitError(
        f"{where}: {why}. Remove one of these conflicts, move a rep to another "
        "sub-team, or lower reviews_per_rep"
    )


def _exact_factor(
    allowed: BoolArray, degree: int, weight: IntArray
) -> tuple[BoolArray | None, bool]:
    """A spanning subgraph of ``allowed`` with every degree ``degree``.

    Returns the graph (or ``None``) and whether the answer is certain (the
    search stops after a fixed number of steps).
    """
    m = allowed.shape[0]
    pairs = [(a, b) for a in range(m) for b in range(a + 1, m) if allowed[a, b]]
    pairs.sort(key=lambda p: weight[p[0], p[1]])
    have = [0] * m
    left = [int(allowed[v].sum()) for v in range(m)]
    chosen: list[tuple[int, int]] = []
    steps = 0

    def fits() -> bool:
        return all(have[v] + left[v] >= degree for v in range(m))

    def search(i: int) -> bool:
        nonlocal steps
        steps += 1
        if steps > _EXACT_STEPS:
            return False
        if all(d == degree for d in have):
            return True
        if i == len(pairs):
            return False
        a, b = pairs[i]
        left[a] -= 1
        left[b] -= 1
        if have[a] < degree and have[b] < degree:
            have[a] += 1
            have[b] += 1
            chosen.append((a, b))
            if fits() and search(i + 1):
                return True
            chosen.pop()
            have[a] -= 1
            have[b] -= 1
        if fits() and search(i + 1):
            return True
        left[a] += 1
        left[b] += 1
        return False

    if not search(0):
        return None, steps <= _EXACT_STEPS
    edge = np.zeros((m, m), dtype=bool)
    for a, b in chosen:
        edge[a, b] = edge[b, a] = True
    return edge, True


def _orient(
    edge: BoolArray, before: BoolArray, history: IntArray, cadence: int
) -> BoolArray:
    """Directions for ``edge`` so that every rep reviews ``cadence`` reps."""
    if (edge.sum(axis=1) != 2 * cadence).any():
        raise RuntimeError("a rep lost a partner; this is a bug in toolkit.pairing")
    upper = np.triu(edge)
    keep = upper & before
    flip = upper & before.T
    new = upper & ~before & ~before.T
    forward = new & (history <= history.T)
    has = keep | flip.T | forward | (new & ~forward).T

    # reverse a path from a rep reviewing too many to one reviewing too few
    out = has.sum(axis=1)
    while (out > cadence).any():
        source = int(np.argmax(out > cadence))
        path = _path_to_short(has, source, out, cadence)
        for x, y in itertools.pairwise(path):
            has[x, y], has[y, x] = False, True
        out[source] -= 1
        out[path[-1]] += 1
    return has


def _path_to_short(
    has: BoolArray, source: int, out: IntArray, cadence: int
) -> list[int]:
    parent = {source: source}
    queue = deque([source])
    while queue:
        x = queue.popleft()
        for y in np.nonzero(has[x])[0].tolist():
            if y in parent:
                continue
            parent[y] = x
            if out[y] < cadence:
                path = [y]
                while path[-1] != source:
                    path.append(parent[path[-1]])
                return path[::-1]
            queue.append(y)
    raise RuntimeError("no path to balance the load; bug in toolkit.pairing")


# ------------------------------------------------------------ with mutual
def _bipartite(
    has: BoolArray, pool: Pool, block: int, history: IntArray, cadence: int
) -> BoolArray:
    """Move conflict pairs by augmenting paths; mutual pairs are allowed."""
    m = has.shape[0]
    index = np.arange(m)
    for u, v in zip(*np.nonzero(has & pool.conflict), strict=True):
        if not has[u, v]:
            continue  # an earlier path already moved this pair
        has[u, v] = False
        seen: set[int] = set()

        def augment(rep: int, free: int = int(u), seen: set[int] = seen) -> bool:
            ok = ~pool.conflict[:, rep] & ~has[:, rep] & (index != rep)
            peers = index[ok]
            peers = peers[np.argsort(history[peers, rep], kind="stable")]
            if free in peers:
                has[free, rep] = True
                return True
            for peer in peers.tolist():
                if peer in seen:
                    continue
                seen.add(peer)
                for other in np.nonzero(has[peer])[0].tolist():
                    has[peer, other], has[peer, rep] = False, True
                    if augment(other):
                        return True
                    has[peer, other], has[peer, rep] = True, False
            return False

        if not augment(int(v)):
            has[u, v] = True
            raise ToolkitError(
                f"{pool.block_names[block]}, sub-team {pool.name!r}: rep "
                f"{pool.members[int(v)]!r} cannot get {cadence} reviewer(s) "
                "outside their conflict pairs; remove one of their conflicts, "
                "move a rep to another sub-team, or lower reviews_per_rep"
            )
    return has
