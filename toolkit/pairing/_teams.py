"""Sub-teams: the pools inside which reps review each other.

The guide's rule: a team of more than 20 reps is split into sub-teams of 5 to
8, and pairs never cross a sub-team. A manager's own grouping (a ``sub_team``
column) always wins; without it, each manager's reps form a pool (one pool
when no manager is given), and a pool above the threshold is split.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from toolkit.errors import ToolkitError
from toolkit.guide import GUIDE_SPLIT_ABOVE, GUIDE_SUB_TEAM_SIZE

__all__ = ["plan_sub_teams"]


def plan_sub_teams(
    team: pd.DataFrame,
    conflicts: pd.DataFrame,
    *,
    split_above: int | None = GUIDE_SPLIT_ABOVE,
    sub_team_size: tuple[int, int] = GUIDE_SUB_TEAM_SIZE,
    smallest: int = 1,
    rng: np.random.Generator,
) -> pd.Series:
    """The pool (sub-team name) of every rep, indexed like ``team``.

    A split pool of ``n`` reps becomes the fewest sub-teams whose sizes stay
    within ``sub_team_size``, balanced to within one rep. Reps are placed in a
    random order (from ``rng``), each into the open sub-team where it has the
    fewest conflict pairs, so conflicts end up across sub-teams where they can.
    A cadence that needs pools of at least ``smallest`` reps raises the lower
    end of the range to ``smallest``. When no number of sub-teams fits the
    range (26 reps in sub-teams of 7 to 8), the sizes stay at least the lower
    end and some exceed the upper one.
    """
    if team["sub_team"].notna().all():
        return team["sub_team"].astype(object)
    _check_rule(split_above, sub_team_size)
    sizes_range = (
        max(sub_team_size[0], smallest),
        max(sub_team_size[1], smallest),
    )

    groups = team["manager"] if team["manager"].notna().all() else None
    pool = pd.Series("all" if groups is None else groups, index=team.index)
    labels = pool.astype(object).copy()
    for group, members in pool.groupby(pool, sort=False):
        size = len(members)
        if split_above is None or size <= split_above:
            continue
        sizes = _sizes(size, sizes_range)
        prefix = "T" if groups is None else f"{group}-"
        placed = _place(list(members.index), sizes, team, conflicts, rng)
        for k, index in placed:
            labels[index] = f"{prefix}{k + 1}"
    return labels


def _check_rule(split_above: int | None, sub_team_size: tuple[int, int]) -> None:
    low, high = sub_team_size
    if not 2 <= low <= high:
        raise ToolkitError(
            f"sub_team_size {sub_team_size!r} is not a range of sizes; give "
            "(smallest, largest) with 2 <= smallest <= largest, e.g. (5, 8)"
        )
    if split_above is not None and split_above < high:
        raise ToolkitError(
            f"split_above={split_above} is below the largest sub-team size "
            f"{high}; a pool is only split when it is larger than a sub-team"
        )


def _sizes(size: int, sub_team_size: tuple[int, int]) -> list[int]:
    """Balanced sizes of the fewest sub-teams that fit the size range."""
    low, high = sub_team_size
    count = math.ceil(size / high)
    if size // count < low:
        count = max(1, size // low)  # no count fits: keep the lower end
    base, extra = divmod(size, count)
    return [base + 1] * extra + [base] * (count - extra)


def _place(
    members: list[int],
    sizes: list[int],
    team: pd.DataFrame,
    conflicts: pd.DataFrame,
    rng: np.random.Generator,
) -> list[tuple[int, int]]:
    """(sub-team, member) pairs: each rep where it has the fewest conflicts."""
    name_of = team["rep"]
    against: dict[str, set[str]] = {}
    for a, b in zip(conflicts["rep_a"], conflicts["rep_b"], strict=True):
        against.setdefault(a, set()).add(b)
        against.setdefault(b, set()).add(a)

    room = list(sizes)
    inside: list[set[str]] = [set() for _ in sizes]
    placed: list[tuple[int, int]] = []
    for index in rng.permutation(members).tolist():
        name = name_of[index]
        rivals = against.get(name, set())
        open_teams = [k for k, left in enumerate(room) if left > 0]
        best = min(open_teams, key=lambda k: (len(rivals & inside[k]), -room[k], k))
        room[best] -= 1
        inside[best].add(name)
        placed.append((best, index))
    return placed
