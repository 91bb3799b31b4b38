"""Checks of a pairing request: options, pool sizes, the guide's advice."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from toolkit.errors import GuideWarning, ToolkitError
from toolkit.guide import GUIDE_CADENCE, GUIDE_MIN_TEAM
from toolkit.pairing._pool import Pool
from toolkit.pairing._rounds import max_cadence
from toolkit.pairing._teams import GUIDE_SPLIT_ABOVE, GUIDE_SUB_TEAM_SIZE

__all__ = [
    "GUIDE_CADENCE",
    "GUIDE_MIN_TEAM",
    "METHODS",
    "check_options",
    "check_pool",
    "seeded",
    "warn_guide",
]

METHODS: tuple[str, ...] = ("assigned", "random", "self_selected")


def check_options(
    n_periods: int, cadence: int, rotation: int | None, method: str, freq: str
) -> None:
    for name, value in (("n_periods", n_periods), ("reviews_per_rep", cadence)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer):
            raise TypeError(f"{name} must be a whole number; got {value!r}")
        if value < 1:
            raise ToolkitError(f"{name} must be at least 1; got {value}")
    if rotation is not None and (
        isinstance(rotation, bool)
        or not isinstance(rotation, int | np.integer)
        or rotation < 1
    ):
        raise ToolkitError(
            f"rotation must be a number of periods (1 or more) or None for "
            f"never; got {rotation!r}"
        )
    if method.replace("-", "_") not in METHODS:
        raise ToolkitError(
            f"method {method!r} is not known; use one of {', '.join(METHODS)}"
        )
    if not isinstance(freq, str) or not freq:
        raise ToolkitError(
            f"freq must be a pandas period alias such as 'M'; got {freq!r}"
        )


def seeded(rng: int | np.random.Generator | None) -> tuple[int | None, Any]:
    """The seed to record and the Generator to draw from."""
    if isinstance(rng, np.random.Generator):
        return None, rng
    if rng is None:
        rng = int(np.random.SeedSequence().generate_state(1)[0])
    if isinstance(rng, bool) or not isinstance(rng, int | np.integer):
        raise TypeError(
            f"rng must be None, an int seed or a numpy Generator; got {rng!r}"
        )
    return int(rng), np.random.default_rng(int(rng))


def check_pool(pool: Pool, cadence: int, mutual: bool, method: str) -> None:
    m = pool.size
    need = cadence + 1 if mutual else 2 * cadence + 1
    where = "the team" if pool.name == "all" else f"sub-team {pool.name!r}"
    if m < need:
        how = (
            ""
            if mutual
            else " without mutual pairs (each rep needs "
            f"{cadence} reviewer(s) and reviews {cadence} other rep(s), all "
            "different people)"
        )
        fixes = ["add reps to it"]
        most = max_cadence(m, allow_mutual=mutual)
        if most >= 1:
            fixes.append(f"lower reviews_per_rep to {most}")
        if not mutual:
            fixes.append("allow mutual pairs (allow_mutual=True)")
        raise ToolkitError(
            f"{where} has {m} rep(s); {cadence} review(s) per rep{how} needs at "
            f"least {need} reps. {', '.join(fixes[:-1]).capitalize()} or "
            f"{fixes[-1]} (CLI: --reviews-per-rep, --allow-mutual)"
            if len(fixes) > 1
            else f"{where} has {m} rep(s); {cadence} review(s) per rep{how} "
            f"needs at least {need} reps. Add reps to it"
        )
    if method == "self_selected":
        return

    # each rep needs enough peers outside its conflicts
    free = (m - 1) - pool.conflict.sum(axis=1)
    need_free = cadence if mutual else 2 * cadence
    short = np.nonzero(free < need_free)[0]
    if len(short):
        rep = int(short[0])
        name = pool.members[rep]
        where_rivals = np.nonzero(pool.conflict[rep])[0].tolist()
        rivals = [pool.members[k] for k in where_rivals]
        role = (
            f"{need_free} peers free of conflict with them"
            if mutual
            else f"{need_free} peers free of conflict with them ({cadence} to "
            f"review {name}, {cadence} for {name} to review)"
        )
        raise ToolkitError(
            f"rep {name!r} in {where} is in a conflict pair with {len(rivals)} "
            f"of the {m - 1} other reps ({', '.join(map(repr, rivals[:8]))}); "
            f"{cadence} review(s) per rep needs {role}. Remove some of these "
            f"conflicts, move {name} to another sub-team, or lower "
            "reviews_per_rep"
        )


def warn_guide(
    team: pd.DataFrame,
    method: str,
    cadence: int,
    freq: str,
    split_above: int | None,
    smallest: int,
) -> None:
    if method == "self_selected":
        warnings.warn(
            "self-selected pairs leave the guide's recommendation of manager-"
            "assigned pairs rotated quarterly: peers pick friends, whose scores "
            "run generous, and may review each other",
            GuideWarning,
            stacklevel=3,
        )
    low, high = GUIDE_CADENCE
    if freq.upper().startswith("M") and not low <= cadence <= high:
        why = (
            "feedback below 2 a month moves little"
            if cadence < low
            else "evaluator compliance drops above 4 reviews a month"
        )
        warnings.warn(
            f"{cadence} review(s) per rep per month leaves the guide's range of "
            f"{low} to {high}: {why}",
            GuideWarning,
            stacklevel=3,
        )
    sizes = team.groupby("sub_team", sort=False).size()
    small = sizes[sizes < GUIDE_MIN_TEAM]
    if len(small):
        warnings.warn(
            f"{_pools_text(small)} fewer than {GUIDE_MIN_TEAM} reps; the guide "
            f"recommends at least {GUIDE_MIN_TEAM}, so that peers see enough "
            "different colleagues",
            GuideWarning,
            stacklevel=3,
        )
    large = sizes[sizes > GUIDE_SUB_TEAM_SIZE[1]]
    if len(team) > GUIDE_SPLIT_ABOVE and len(large):
        warnings.warn(
            f"{_pools_text(large)} more than {GUIDE_SUB_TEAM_SIZE[1]} reps in a "
            f"team of {len(team)}; the guide recommends sub-teams of "
            f"{GUIDE_SUB_TEAM_SIZE[0]} to {GUIDE_SUB_TEAM_SIZE[1]} above "
            f"{GUIDE_SPLIT_ABOVE} reps, so that peers know each other's calls"
            + (" (split_above=None kept one pool)" if split_above is None else "")
            + (
                f" ({cadence} reviews per rep need pools of at least {smallest})"
                if smallest > GUIDE_SUB_TEAM_SIZE[0]
                else ""
            ),
            GuideWarning,
            stacklevel=3,
        )


def _pools_text(sizes: pd.Series) -> str:
    shown = ", ".join(f"{name!r} ({size})" for name, size in sizes.head(5).items())
    more = f" and {len(sizes) - 5} more" if len(sizes) > 5 else ""
    return f"pool(s) {shown}{more} have"
