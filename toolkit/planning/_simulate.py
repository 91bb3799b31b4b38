"""Seeded rounds of the generating model, a block of rounds per array.

Rounds are drawn in blocks of ``ROUNDS_PER_BLOCK``. Block b draws from its
own streams, spawned from ``SeedSequence(seed)``: one for the calls' true
quality, one for the raters' noise, one for missing scores. Within a block
the draws run call by call, so a round of n calls is the first n calls of a
round of n + 1 calls on the same seed (common random numbers: the planner
compares round sizes on the same luck). Asking for more rounds adds blocks:
the rounds of every full block stay as they were.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np

from toolkit.planning._checks import check_design
from toolkit.planning._model import latent_correlation
from toolkit.synthetic import score_levels

__all__ = ["ROUNDS_PER_BLOCK", "seed_of", "simulate_rounds"]

ROUNDS_PER_BLOCK = 500


def simulate_rounds(
    *,
    n_simulations: int,
    n_calls: int,
    n_raters: int,
    n_levels: int,
    expected_agreement: float,
    metric: str = "ordinal",
    missing_share: float = 0.0,
    rng: int | np.random.Generator | None = None,
) -> np.ndarray:
    """Draw calibration rounds whose true alpha is ``expected_agreement``.

    Parameters
    ----------
    n_simulations, n_calls, n_raters
        Rounds to draw, and calls x raters of each.
    n_levels
        Levels 1..n_levels, equally likely.
    expected_agreement
        True alpha of the process (see :func:`true_alpha`).
    metric
        The metric whose alpha is ``expected_agreement``.
    missing_share
        Chance that a rater skips a call, independently of everything.
    rng
        Seed or generator.

    Returns
    -------
    numpy.ndarray
        ``(n_simulations, n_calls, n_raters)`` levels, NaN where missing.

    Examples
    --------
    >>> rounds = simulate_rounds(
    ...     n_simulations=2, n_calls=3, n_raters=4, n_levels=4,
    ...     expected_agreement=0.8, rng=1,
    ... )
    >>> rounds.shape
    (2, 3, 4)
    >>> rounds[0]
    array([[2., 2., 3., 3.],
           [4., 4., 4., 4.],
           [3., 4., 3., 3.]])
    """
    check_design(
        n_calls=n_calls,
        n_raters=n_raters,
        n_levels=n_levels,
        expected_agreement=expected_agreement,
        n_simulations=n_simulations,
        missing_share=missing_share,
        metric=metric,
        least_simulations=1,
    )
    seed = seed_of(rng)
    rho = latent_correlation(expected_agreement, n_levels=n_levels, metric=metric)
    blocks = level_blocks(
        seed, n_simulations, n_calls, n_raters, n_levels, rho, missing_share
    )
    levels = np.concatenate(list(blocks)).astype(float)
    levels[levels == 0] = np.nan
    return levels


def seed_of(rng: int | np.random.Generator | None) -> int:
    """The seed a result records: ``rng`` itself, or one drawn from it."""
    if isinstance(rng, int | np.integer) and not isinstance(rng, bool):
        return int(rng)
    return int(np.random.default_rng(rng).integers(2**63))


def level_blocks(
    seed: int,
    n_simulations: int,
    n_calls: int,
    n_raters: int,
    n_levels: int,
    rho: float,
    missing_share: float,
) -> Iterator[np.ndarray]:
    """Blocks ``(rounds, n_calls, n_raters)`` of levels 1..q, 0 missing."""
    n_blocks = math.ceil(n_simulations / ROUNDS_PER_BLOCK)
    streams = np.random.SeedSequence(seed).spawn(n_blocks)
    for block, sequence in enumerate(streams):
        size = min(ROUNDS_PER_BLOCK, n_simulations - block * ROUNDS_PER_BLOCK)
        quality, noise, missing = (
            np.random.default_rng(child) for child in sequence.spawn(3)
        )

        # latent scores: sqrt(rho) z + sqrt(1 - rho) e, drawn call by call
        z = quality.standard_normal((n_calls, size, 1))
        e = noise.standard_normal((n_calls, size, n_raters))
        latent = math.sqrt(rho) * z + math.sqrt(1.0 - rho) * e
        levels = score_levels(latent, n_levels)
        if missing_share > 0:
            skipped = missing.random((n_calls, size, n_raters)) < missing_share
            levels[skipped] = 0
        yield np.ascontiguousarray(levels.transpose(1, 0, 2))
