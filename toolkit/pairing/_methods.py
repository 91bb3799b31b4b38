"""The three ways pairs are formed in one pool: assigned, random, self-selected.

Each function returns ``reviewers`` of shape ``(n_blocks, cadence, m)``:
``reviewers[b, j, x]`` is the member reviewing member ``x`` (its ``j``-th
reviewer) in rotation block ``b``. Members are indices into the pool's list of
names; a block is the run of periods between two rotations.
"""

from __future__ import annotations

import numpy as np

from toolkit.pairing._balance import rebalance
from toolkit.pairing._pool import Pool
from toolkit.pairing._repair import as_rounds, repair
from toolkit.pairing._rounds import round_family, select_rounds

__all__ = ["assigned_blocks", "random_blocks", "self_selected_blocks"]

IntArray = np.ndarray
BoolArray = np.ndarray


def assigned_blocks(
    pool: Pool, cadence: int, *, allow_mutual: bool, rng: np.random.Generator
) -> IntArray:
    """Manager-assigned rotation: the pool's rounds in turn, least used first.

    The reps are seated once, in a random order; each block takes the
    ``cadence`` rounds used least (then longest ago) that share no mutual
    pair, so every rep meets every peer before any pair repeats. Conflict
    pairs are then exchanged away (:func:`toolkit.pairing._repair.repair`),
    and once pairs repeat, swaps even out their use
    (:func:`toolkit.pairing._balance.rebalance`).
    """
    m, n_blocks = pool.size, len(pool.block_names)
    family = round_family(m, allow_mutual=allow_mutual)
    seat = rng.permutation(m)
    uses = np.zeros(len(family), dtype=np.int64)
    last_used = np.full(len(family), -1, dtype=np.int64)
    history = np.zeros((m, m), dtype=np.int64)

    blocks = np.empty((n_blocks, cadence, m), dtype=np.int64)
    for block in range(n_blocks):
        chosen = select_rounds(family, cadence, uses, last_used)
        uses[chosen] += 1
        last_used[chosen] = block
        for j, index in enumerate(chosen):
            blocks[block, j, seat] = seat[family.reviewers(index)]
        blocks[block] = repair(blocks[block], pool, block, history, allow_mutual)
        blocks[block] = _even_out(blocks[block], pool, history, allow_mutual)
        _count(history, blocks[block])
    return blocks


def random_blocks(
    pool: Pool, cadence: int, *, allow_mutual: bool, rng: np.random.Generator
) -> IntArray:
    """Random pairs each block, with the same rules but no memory of the past.

    Every block seats the reps afresh and takes ``cadence`` random rounds that
    share no mutual pair; pairs repeat by chance, not by design.
    """
    m, n_blocks = pool.size, len(pool.block_names)
    family = round_family(m, allow_mutual=allow_mutual)
    flat = np.zeros(len(family), dtype=np.int64)
    history = np.zeros((m, m), dtype=np.int64)

    blocks = np.empty((n_blocks, cadence, m), dtype=np.int64)
    for block in range(n_blocks):
        seat = rng.permutation(m)
        order = rng.permutation(len(family))
        chosen = select_rounds(family, cadence, flat, flat, order=order)
        for j, index in enumerate(chosen):
            blocks[block, j, seat] = seat[family.reviewers(index)]
        blocks[block] = repair(blocks[block], pool, block, history, allow_mutual)
    return blocks


def self_selected_blocks(
    pool: Pool, cadence: int, *, rng: np.random.Generator
) -> IntArray:
    """Peers sign up for the reps they review, on a sheet with fixed places.

    At each rotation the peers, in a random order, take turns picking one rep
    at a time until each reviews ``cadence`` reps and each rep has ``cadence``
    reviewers. A peer picks a friend first, then a rep they reviewed in the
    previous block, then anyone (at random). Only the sheet's rules hold: no
    self-review and fixed places; mutual pairs and conflict pairs may occur.
    """
    m, n_blocks = pool.size, len(pool.block_names)
    previous = np.zeros((m, m), dtype=bool)
    blocks = np.empty((n_blocks, cadence, m), dtype=np.int64)
    for block in range(n_blocks):
        has = _sign_up(pool, cadence, previous, rng)
        blocks[block] = as_rounds(has, cadence)
        previous = has
    return blocks


# ------------------------------------------------------------------ helpers
def _even_out(
    reviewers: IntArray, pool: Pool, history: IntArray, allow_mutual: bool
) -> IntArray:
    cadence, m = reviewers.shape
    has = np.zeros((m, m), dtype=bool)
    has[reviewers, np.arange(m)] = True
    allowed = ~pool.conflict & ~np.eye(m, dtype=bool)
    balanced = rebalance(has, history, allowed, allow_mutual)
    return reviewers if balanced is has else as_rounds(balanced, cadence)


def _count(history: IntArray, reviewers: IntArray) -> None:
    m = reviewers.shape[1]
    for row in reviewers:
        history[row, np.arange(m)] += 1


# ------------------------------------------------------------------ sign-up
def _sign_up(
    pool: Pool, cadence: int, previous: BoolArray, rng: np.random.Generator
) -> BoolArray:
    """One sign-up sheet: ``has[peer, rep]`` with ``cadence`` per row and column."""
    m = pool.size
    has = np.zeros((m, m), dtype=bool)
    places = np.full(m, cadence)
    index = np.arange(m)
    for _ in range(cadence):
        for peer in rng.permutation(m).tolist():
            open_reps = (places > 0) & ~has[peer] & (index != peer)
            if not open_reps.any():
                _swap_for(peer, has, places)
                continue
            # friends first, then last block's reps, then chance
            rank = 2.0 * pool.friend[peer] + 1.0 * previous[peer] + rng.random(m)
            rank[~open_reps] = -np.inf
            rep = int(np.argmax(rank))
            has[peer, rep] = True
            places[rep] -= 1
    return has


def _swap_for(peer: int, has: BoolArray, places: IntArray) -> None:
    """``peer`` found no open rep: take one from a peer who can take an open one."""
    m = has.shape[0]
    for rep in np.nonzero(places > 0)[0].tolist():
        for other in range(m):
            if other in (peer, rep) or has[other, rep]:
                continue
            for given in np.nonzero(has[other])[0].tolist():
                if given != peer and not has[peer, given]:
                    has[other, given] = False
                    has[peer, given] = True
                    has[other, rep] = True
                    places[rep] -= 1
                    return
    raise RuntimeError("the sign-up sheet cannot be filled; bug in toolkit.pairing")
