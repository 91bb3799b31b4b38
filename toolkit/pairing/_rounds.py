"""Rounds: one reviewer for every rep, the building block of a rotation.

A pool of ``m`` reps sits at positions ``0 .. m-1`` of a circle. A *round* is a
permutation ``reviewer[x]``: the peer at position ``reviewer[x]`` reviews the
rep at position ``x``. A round never has a fixed point (self-review), so every
peer reviews exactly one rep and every rep gets exactly one reviewer. A period
with a cadence of ``c`` reviews per rep is ``c`` rounds that share no pair, so
the review load is exactly ``c`` for everyone.

The family of rounds for a pool is a *decomposition* of every ordered pair
(reviewer, rep): each pair lies in exactly one round (the one exception is
``m = 4`` without mutual pairs, where every pair lies in two). Using the rounds
in turn therefore reviews each rep by every other peer before any pair repeats.

* Odd ``m``: round ``t`` (``t = 1 .. m-1``) is the shift ``reviewer = x + t``
  (mod ``m``). Its reverse is round ``m - t``; the two may not share a period,
  which would make every pair in them mutual.
* Even ``m``: shift ``m/2`` pairs everyone with the rep opposite, in both
  directions at once, so it cannot be a round on its own. Shifts ``1``, ``m/2``
  and ``m/2 + 1`` are regrouped into three rounds A, B and C (see
  :func:`_gadget`), and the other shifts stay as they are.
* With mutual pairs allowed, the rounds are the plain shifts ``1 .. m-1``.

Two rounds *clash* when one holds a pair and the other its reverse; clashing
rounds never share a period. :func:`select_rounds` picks ``c`` rounds that do
not clash, least used first, so use stays even over time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import permutations

import numpy as np

__all__ = ["RoundFamily", "round_family", "select_rounds"]

IntArray = np.ndarray


@dataclass(frozen=True)
class RoundFamily:
    """The rounds of a pool of ``size`` reps, in the order they are first used.

    ``keys[i]`` is ``("shift", t)`` or ``("gadget", "A" | "B" | "C")`` (or
    ``("cycle", k)`` for four reps); ``clashes[i]`` lists the rounds that may
    not share a period with round ``i``.
    """

    size: int
    keys: tuple[tuple[str, int | str], ...]
    clashes: tuple[frozenset[int], ...]
    _cycles: tuple[tuple[int, ...], ...] = field(default=(), repr=False)

    def __len__(self) -> int:
        return len(self.keys)

    def reviewers(self, index: int) -> IntArray:
        """Round ``index`` as ``reviewer[x]`` for every rep position ``x``."""
        kind, value = self.keys[index]
        m = self.size
        if kind == "shift":
            return (np.arange(m) + int(value)) % m
        if kind == "gadget":
            return _gadget(m, str(value))
        return np.asarray(self._cycles[int(value)])


def round_family(size: int, *, allow_mutual: bool = False) -> RoundFamily:
    """The rounds of a pool of ``size`` reps (at least 3, or 2 with mutual)."""
    m = size
    if allow_mutual or m % 2 == 1:
        shifts = _shift_order(m, allow_mutual)
        keys = tuple(("shift", t) for t in shifts)
        position = {t: i for i, t in enumerate(shifts)}
        clashes = tuple(
            frozenset() if allow_mutual else frozenset({position[m - t]})
            for t in shifts
        )
        return RoundFamily(m, keys, clashes)
    if m == 4:
        return _four()
    return _even(m)


def select_rounds(
    family: RoundFamily,
    cadence: int,
    uses: IntArray,
    last_used: IntArray,
    order: IntArray | None = None,
) -> list[int]:
    """``cadence`` rounds that do not clash: least used, then least recent.

    ``uses`` and ``last_used`` (block index, -1 for never) are per round;
    ``order`` breaks the remaining ties (the family order by default).
    """
    tie = np.arange(len(family)) if order is None else order
    ranked = np.lexsort((tie, last_used, uses))
    chosen: list[int] = []
    blocked: set[int] = set()
    for index in ranked.tolist():
        if index in blocked:
            continue
        chosen.append(index)
        blocked |= family.clashes[index]
        if len(chosen) == cadence:
            return chosen
    # unreachable for cadence <= max_cadence(size); kept as a clear failure
    raise RuntimeError(
        f"only {len(chosen)} of {cadence} rounds fit one period for "
        f"{family.size} reps; this is a bug in toolkit.pairing"
    )


def max_cadence(size: int, *, allow_mutual: bool = False) -> int:
    """Most reviews per rep per period a pool of ``size`` reps can give."""
    if allow_mutual:
        return size - 1
    return (size - 1) // 2


# ------------------------------------------------------------------ families
def _shift_order(m: int, allow_mutual: bool) -> list[int]:
    if allow_mutual:
        return list(range(1, m))
    # 1 .. h, then m-1 .. h+1: a shift and its reverse sit h places apart, so
    # any h consecutive rounds are free of mutual pairs
    half = (m - 1) // 2
    return list(range(1, half + 1)) + list(range(m - 1, half, -1))


def _gadget(m: int, name: str) -> IntArray:
    """Rounds A, B, C that share out shifts 1, m/2 and m/2 + 1 (even ``m``).

    A: the lower half is reviewed by the rep opposite; upper reps by shift
    m/2 + 1, except the last, by shift 1. B mirrors A. C: shift 1, except reps
    m/2 - 1 and m - 1, by shift m/2 + 1. Together they hold every pair of the
    three shifts exactly once, and none holds a pair and its reverse (m >= 6).
    """
    half = m // 2
    x = np.arange(m)
    shift_one = (x + 1) % m
    shift_far = (x + half + 1) % m
    opposite = (x + half) % m
    lower = x < half
    if name == "A":
        reviewer = np.where(lower, opposite, shift_far)
        reviewer[m - 1] = shift_one[m - 1]
    elif name == "B":
        reviewer = np.where(lower, shift_far, opposite)
        reviewer[half - 1] = shift_one[half - 1]
    else:
        reviewer = shift_one.copy()
        reviewer[[half - 1, m - 1]] = shift_far[[half - 1, m - 1]]
    return reviewer


def _even(m: int) -> RoundFamily:
    half = m // 2
    # shifts paired with their reverse; then the two shifts that clash with
    # the gadget (m-1 reverses shift 1, half-1 reverses shift half+1)
    lows = list(range(2, half - 1))
    highs = [m - t for t in lows]
    keys: list[tuple[str, int | str]] = [("gadget", "A"), ("gadget", "C")]
    keys += [("shift", t) for t in lows]
    keys += [("shift", m - 1), ("shift", half - 1)]
    keys += [("shift", t) for t in highs]
    keys += [("gadget", "B")]
    position = {key: i for i, key in enumerate(keys)}

    gadget = {position[("gadget", g)] for g in "ABC"}
    reverses = {position[("shift", m - 1)], position[("shift", half - 1)]}
    clashes: list[frozenset[int]] = []
    for key in keys:
        kind, value = key
        if kind == "gadget":
            own = reverses | (
                {position[("gadget", "B" if value == "A" else "A")]}
                if value in ("A", "B")
                else set()
            )
        elif position[key] in reverses:
            own = gadget
        else:
            own = {position[("shift", m - int(value))]}
        clashes.append(frozenset(own))
    return RoundFamily(m, tuple(keys), tuple(clashes))


def _four() -> RoundFamily:
    """Four reps: the six directed 4-cycles, each pair in two of them.

    No three rounds share out the twelve pairs of four reps, so a pair repeats
    after two periods at the latest; a cycle follows its reverse, so the first
    two periods are always repeat-free.
    """
    cycles: list[tuple[int, ...]] = []
    for order in permutations(range(1, 4)):
        path = (0, *order)
        reviewer = [0] * 4
        for i, rep in enumerate(path):
            reviewer[rep] = path[(i + 1) % 4]
        cycles.append(tuple(reviewer))
    # pair each cycle with its reverse: permutations() lists them apart
    ordered = [cycles[0], cycles[5], cycles[1], cycles[3], cycles[2], cycles[4]]
    keys = tuple(("cycle", k) for k in range(6))
    # cadence is 1 for 4 reps, so no two rounds ever share a period
    clashes: tuple[frozenset[int], ...] = tuple(frozenset() for _ in ordered)
    return RoundFamily(4, keys, clashes, tuple(ordered))
