"""Synthetic score tables with known, planted structure.

Real calibration data rarely comes with the truth attached. These generators
draw calibration rounds and months of peer / manager / AI scores from a simple,
stated model, with structure planted on purpose (a lenient rater, an ambiguous
criterion, an AI score biased on one criterion, a peer who scores a friend
generously), so that tests can check the analysis finds what was planted.

The model (an assumption, chosen to be easy to reason about): each call has a
true quality per criterion, ``z ~ N(0, 1)``. A rater's score is the level whose
band contains ``z + leniency + bias + e``, with ``e ~ N(0, noise^2)``; the
bands cut the standard normal into equally likely levels. A clear criterion
has small noise, an ambiguous one large noise.

Examples
--------
>>> round_ = calibration_round(n_calls=8, rng=1)
>>> round_.table.columns.tolist()
['call', 'criterion', 'rater', 'score']
>>> len(round_.table)
120
>>> round_.truth.lenient_rater, round_.truth.ambiguous_criterion
('peer_3', 'used customer words')
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

__all__ = [
    "CalibrationTruth",
    "MonthTruth",
    "SyntheticMonth",
    "SyntheticRound",
    "calibration_round",
    "monthly_scores",
    "score_levels",
]

DEFAULT_CRITERIA: dict[str, float] = {
    "confirmed primary concern": 0.25,
    "summarised next steps": 0.25,
    "used customer words": 1.6,
}


@dataclass(frozen=True)
class CalibrationTruth:
    """What was planted in a synthetic calibration round."""

    noise: Mapping[str, float]
    leniency: Mapping[str, float]
    lenient_rater: str | None
    ambiguous_criterion: str | None
    seed: int | None


@dataclass(frozen=True)
class SyntheticRound:
    """A calibration round: long table (call, criterion, rater, score) + truth."""

    table: pd.DataFrame
    truth: CalibrationTruth
    levels: tuple[int, ...]


@dataclass(frozen=True)
class MonthTruth:
    """What was planted in a synthetic month of peer, manager and AI scores."""

    ai_bias: Mapping[str, float]
    friend_pairs: tuple[tuple[str, str], ...]
    friend_bonus: float
    divergent: pd.DataFrame = field(repr=False)
    seed: int | None = None


@dataclass(frozen=True)
class SyntheticMonth:
    """A month of scores with roles, reps and dates, and what was planted."""

    table: pd.DataFrame
    truth: MonthTruth
    levels: tuple[int, ...]


def score_levels(latent: np.ndarray, n_levels: int) -> np.ndarray:
    """Levels 1..n_levels of latent values, cut into equally likely bands.

    Examples
    --------
    >>> score_levels(np.array([-2.0, -0.1, 0.1, 2.0]), 4).tolist()
    [1, 2, 3, 4]
    """
    cuts = stats.norm.ppf(np.arange(1, n_levels) / n_levels)
    return np.searchsorted(cuts, latent).astype(int) + 1


def calibration_round(
    *,
    n_calls: int = 12,
    n_raters: int = 5,
    n_levels: int = 5,
    criteria: Mapping[str, float] | None = None,
    lenient_rater: int | None = 3,
    leniency: float = 0.9,
    rater_noise: float = 0.1,
    rng: int | np.random.Generator | None = None,
) -> SyntheticRound:
    """Draw a calibration round: every rater scores every call on each criterion.

    Parameters
    ----------
    n_calls, n_raters, n_levels
        Size of the round and of the scale (levels 1..n_levels).
    criteria
        Criterion name -> noise (standard deviation of a rater's error, in
        units of the spread of true quality). The default has two clear
        criteria (0.25) and one ambiguous one (1.6).
    lenient_rater
        Index (1-based) of the rater who scores ``leniency`` higher on the
        latent scale than the others, or ``None`` for nobody.
    leniency
        The planted offset, in units of the spread of true quality.
    rater_noise
        Spread of the small offsets every other rater has.
    rng
        Seed or generator.

    Returns
    -------
    SyntheticRound
        ``table`` (call, criterion, rater, score) and ``truth``.
    """
    _check_positive(n_calls=n_calls, n_raters=n_raters, n_levels=n_levels)
    generator = np.random.default_rng(rng)
    criteria = dict(DEFAULT_CRITERIA if criteria is None else criteria)
    raters = [f"peer_{k}" for k in range(1, n_raters + 1)]
    calls = [f"call_{k:02d}" for k in range(1, n_calls + 1)]

    # planted rater offsets: one lenient rater, small offsets for the rest
    offsets = generator.normal(0.0, rater_noise, size=n_raters)
    if lenient_rater is not None:
        if not 1 <= lenient_rater <= n_raters:
            raise ValueError(
                f"lenient_rater={lenient_rater} is not a rater of this round; "
                f"use 1..{n_raters} or None"
            )
        offsets[lenient_rater - 1] = leniency

    frames = []
    for name, noise in criteria.items():
        truth = generator.normal(size=(n_calls, 1))
        error = generator.normal(0.0, noise, size=(n_calls, n_raters))
        scores = score_levels(truth + offsets + error, n_levels)
        frames.append(_long(calls, name, raters, scores))

    ambiguous = max(criteria, key=lambda c: criteria[c]) if criteria else None
    return SyntheticRound(
        table=pd.concat(frames, ignore_index=True),
        truth=CalibrationTruth(
            noise=criteria,
            leniency=dict(zip(raters, offsets.tolist(), strict=True)),
            lenient_rater=(
                raters[lenient_rater - 1] if lenient_rater is not None else None
            ),
            ambiguous_criterion=ambiguous,
            seed=rng if isinstance(rng, int) else None,
        ),
        levels=tuple(range(1, n_levels + 1)),
    )


def monthly_scores(
    *,
    n_reps: int = 8,
    calls_per_rep: int = 4,
    n_levels: int = 5,
    criteria: Sequence[str] = tuple(DEFAULT_CRITERIA),
    ai_bias: Mapping[str, float] | None = None,
    friend_pairs: Sequence[tuple[str, str]] = (("rep_2", "rep_3"),),
    friend_bonus: float = 1.5,
    peer_noise: float = 0.3,
    manager_noise: float = 0.15,
    ai_noise: float = 0.2,
    month: str = "2026-11",
    rng: int | np.random.Generator | None = None,
) -> SyntheticMonth:
    """Draw a month of peer, manager and AI scores of the same calls.

    Each rep has ``calls_per_rep`` calls; each call is scored on every
    criterion by one peer (the next rep in a ring, ``rep_k`` reviews
    ``rep_{k+1}``, the last reviews ``rep_1``), the manager and the AI.
    Planted: the AI scores one criterion ``ai_bias`` higher (default +1.2 on
    the second criterion), and a peer who is the reviewed rep's friend
    (``friend_pairs``, (reviewer, rep) pairs of that ring) scores
    ``friend_bonus`` higher.

    Returns
    -------
    SyntheticMonth
        ``table`` with columns call, criterion, rater, role, rep, date, score;
        ``truth.divergent`` lists every (rep, criterion, call) whose peer and
        manager scores differ by more than one level.

    Examples
    --------
    >>> month = monthly_scores(rng=4)
    >>> sorted(month.table["role"].unique())
    ['ai', 'manager', 'peer']
    >>> month.truth.friend_pairs
    (('rep_2', 'rep_3'),)
    """
    _check_positive(n_reps=n_reps, calls_per_rep=calls_per_rep, n_levels=n_levels)
    if n_reps < 2:
        raise ValueError(f"n_reps={n_reps}: a peer program needs at least two reps")
    generator = np.random.default_rng(rng)
    criteria = list(criteria)
    if ai_bias is None:
        ai_bias = {criteria[min(1, len(criteria) - 1)]: 1.2}
    reps = [f"rep_{k}" for k in range(1, n_reps + 1)]
    reviewer_of = {reps[(k + 1) % n_reps]: reps[k] for k in range(n_reps)}
    friends = {(a, b) for a, b in friend_pairs}
    for reviewer, rep in friends:
        if reviewer_of.get(rep) != reviewer:
            raise ValueError(
                f"friend pair ({reviewer!r}, {rep!r}) never meets: each rep_k "
                f"reviews rep_(k+1), so {rep!r} is reviewed by "
                f"{reviewer_of.get(rep)!r}; name pairs as (reviewer, rep) from "
                "that ring"
            )
    days = pd.date_range(f"{month}-01", periods=20, freq="B")

    rows: list[dict[str, Any]] = []
    for rep in reps:
        peer = reviewer_of[rep]
        bonus = friend_bonus if (peer, rep) in friends else 0.0
        for k in range(calls_per_rep):
            call = f"{rep}_call_{k + 1}"
            date = days[int(generator.integers(len(days)))].date().isoformat()
            for criterion in criteria:
                truth = generator.normal()
                latent = {
                    ("peer", peer): truth + bonus + generator.normal(0, peer_noise),
                    ("manager", "manager"): truth + generator.normal(0, manager_noise),
                    ("ai", "ai"): truth
                    + ai_bias.get(criterion, 0.0)
                    + generator.normal(0, ai_noise),
                }
                for (role, rater), value in latent.items():
                    rows.append(
                        {
                            "call": call,
                            "criterion": criterion,
                            "rater": rater,
                            "role": role,
                            "rep": rep,
                            "date": date,
                            "score": int(score_levels(np.array([value]), n_levels)[0]),
                        }
                    )

    table = pd.DataFrame(rows)
    wide = table.pivot_table(
        index=["rep", "criterion", "call"], columns="role", values="score"
    ).reset_index()
    divergent = wide[(wide["peer"] - wide["manager"]).abs() > 1]
    return SyntheticMonth(
        table=table,
        truth=MonthTruth(
            ai_bias=dict(ai_bias),
            friend_pairs=tuple(tuple(p) for p in friend_pairs),  # type: ignore[misc]
            friend_bonus=friend_bonus,
            divergent=divergent.reset_index(drop=True),
            seed=rng if isinstance(rng, int) else None,
        ),
        levels=tuple(range(1, n_levels + 1)),
    )


def _long(
    calls: list[str], criterion: str, raters: list[str], scores: np.ndarray
) -> pd.DataFrame:
    n_calls, n_raters = scores.shape
    return pd.DataFrame(
        {
            "call": np.repeat(calls, n_raters),
            "criterion": criterion,
            "rater": np.tile(raters, n_calls),
            "score": scores.ravel(),
        }
    )


def _check_positive(**sizes: int) -> None:
    for name, value in sizes.items():
        if not isinstance(value, int | np.integer) or value < 1:
            raise ValueError(f"{name}={value!r} must be a whole number of at least 1")
