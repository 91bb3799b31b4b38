"""The pairing schedule: who reviews whom in every period, and its summaries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from toolkit import __version__
from toolkit.pairing import _build as build
from toolkit.pairing._checks import (
    METHODS,
    check_options,
    check_pool,
    seeded,
    warn_guide,
)
from toolkit.pairing._input import (
    ConflictsSource,
    RepsSource,
    read_conflicts,
    read_reps,
)
from toolkit.pairing._methods import (
    assigned_blocks,
    random_blocks,
    self_selected_blocks,
)
from toolkit.pairing._teams import (
    GUIDE_SPLIT_ABOVE,
    GUIDE_SUB_TEAM_SIZE,
    plan_sub_teams,
)

if TYPE_CHECKING:
    from toolkit.pairing._access import AccessList

__all__ = ["METHODS", "PairingSchedule", "pairing_schedule"]


@dataclass(frozen=True, eq=False)
class PairingSchedule:
    """Who reviews whom in every period, and what the schedule was made from.

    Attributes
    ----------
    frame
        One row per review assignment: ``period`` (1, 2, ...), then ``start``
        and ``end`` (first and last day) when the schedule has a start date,
        ``sub_team``, ``reviewer`` and ``rep``. Sorted by period, sub-team and
        rep (in input order).
    team
        Every rep with its ``sub_team`` (the pool it is paired in) and
        ``manager``.
    conflicts
        The conflict pairs (``rep_a``, ``rep_b``, ``reason``).
    periods
        ``period``, ``label`` (e.g. ``2025-03``, or the number), ``start`` and
        ``end`` (``NaT`` without a start date).
    reviews_per_rep
        The cadence: reviewers per rep (and reps per reviewer) per period.
    rotation
        Periods between rotations, or ``None`` for pairs that never rotate.
    method
        ``"assigned"``, ``"random"`` or ``"self_selected"``.
    allow_mutual
        Whether two reps may review each other in the same period.
    seed
        The seed that reproduces the schedule (``None`` when a Generator was
        passed).
    toolkit_version
        The toolkit version that made it.
    """

    frame: pd.DataFrame
    team: pd.DataFrame
    conflicts: pd.DataFrame
    periods: pd.DataFrame
    reviews_per_rep: int
    rotation: int | None
    method: str
    allow_mutual: bool
    seed: int | None
    toolkit_version: str

    @property
    def n_periods(self) -> int:
        return len(self.periods)

    @property
    def n_reps(self) -> int:
        return len(self.team)

    @property
    def sub_teams(self) -> tuple[str, ...]:
        """Pool names in the order of their first rep."""
        return tuple(pd.unique(self.team["sub_team"]).tolist())

    @property
    def dated(self) -> bool:
        return bool(self.periods["start"].notna().all())

    def rotation_block(self, period: Any) -> Any:
        """Rotation block (0, 1, ...) of ``period`` (a number or an array)."""
        every = self.rotation or self.n_periods
        return (np.asarray(period) - 1) // every

    def pair_counts(self) -> pd.DataFrame:
        """How often each (reviewer, rep) pair is assigned and repeats.

        Returns
        -------
        pandas.DataFrame
            ``sub_team``, ``reviewer``, ``rep``, ``n_periods`` (periods
            together), ``n_rotations`` (rotation blocks together),
            ``repeats`` (``n_rotations - 1``: a pair kept within one block
            does not repeat), ``first_period`` and ``last_period``.
        """
        rows = self.frame.assign(block=self.rotation_block(self.frame["period"]))
        counts = rows.groupby(["sub_team", "reviewer", "rep"], sort=False).agg(
            n_periods=("period", "size"),
            n_rotations=("block", "nunique"),
            first_period=("period", "min"),
            last_period=("period", "max"),
        )
        counts.insert(2, "repeats", counts["n_rotations"] - 1)
        return counts.reset_index()

    def repeats_by_period(self) -> pd.DataFrame:
        """Per period, how many assigned pairs were already paired before.

        A pair counts as repeated in a period when it was assigned in an
        earlier rotation block; staying together within a block is not a
        repeat.
        """
        rows = self.frame[["period", "reviewer", "rep"]].copy()
        rows["block"] = self.rotation_block(rows["period"])
        first = rows.groupby(["reviewer", "rep"], sort=False)["block"].transform("min")
        rows["repeated"] = rows["block"] > first
        table = rows.groupby("period").agg(
            n_pairs=("repeated", "size"), n_repeated=("repeated", "sum")
        )
        return table.reset_index()

    def first_repeat(self) -> int | None:
        """The first period in which a pair meets again, or ``None``.

        This is the point where rotation starts to repeat pairs: until then,
        every block brings each rep new reviewers.
        """
        table = self.repeats_by_period()
        repeated = table.loc[table["n_repeated"] > 0, "period"]
        return int(repeated.iloc[0]) if len(repeated) else None

    def load(self) -> pd.DataFrame:
        """Reps each peer reviews in each period (``n_reps``)."""
        load = self.frame.groupby(["period", "sub_team", "reviewer"], sort=False)
        return load.size().rename("n_reps").reset_index()

    def access_list(self, *, grace_days: int = 0) -> AccessList:
        """Which peer may open which rep's calls, and when.

        See :class:`toolkit.pairing.AccessList`.
        """
        from toolkit.pairing._access import AccessList

        return AccessList.from_schedule(self, grace_days=grace_days)


def pairing_schedule(
    reps: RepsSource,
    *,
    n_periods: int = 12,
    reviews_per_rep: int = 2,
    rotation: int | None = 3,
    method: str = "assigned",
    conflicts: ConflictsSource = None,
    split_above: int | None = GUIDE_SPLIT_ABOVE,
    sub_team_size: tuple[int, int] = GUIDE_SUB_TEAM_SIZE,
    allow_mutual: bool = False,
    start: str | date | pd.Period | None = None,
    freq: str = "M",
    rng: int | np.random.Generator | None = None,
) -> PairingSchedule:
    """Who reviews whom, period by period, in sub-teams, with rotation.

    Parameters
    ----------
    reps
        The team: a CSV file or DataFrame with a ``rep`` column and optional
        ``sub_team`` and ``manager`` columns, a list of names, or a number of
        reps (see :func:`read_reps`).
    n_periods
        Periods to schedule (months by default).
    reviews_per_rep
        The cadence: reviewers per rep per period. Each peer reviews as many
        reps as they get reviewers, so the load is even.
    rotation
        Periods between rotations (3: quarterly, the guide's advice); ``None``
        keeps the first pairs for good.
    method
        ``"assigned"`` (the manager's round-robin rotation, recommended),
        ``"random"`` (random pairs at each rotation, same rules) or
        ``"self_selected"`` (peers sign up; a model for comparison).
    conflicts
        Pairs to keep apart (friends, quota competitors): a CSV file or
        DataFrame with ``rep_a``, ``rep_b`` and an optional ``reason``, or
        tuples (see :func:`read_conflicts`). Self-selection reads the pairs
        whose reason contains "friend" as friendships instead (and does not
        split a large team so as to keep friends apart).
    split_above
        A pool (the team, or each manager's reps) larger than this is split
        into sub-teams; ``None`` never splits. Ignored when ``reps`` has a
        ``sub_team`` column.
    sub_team_size
        Smallest and largest size of a sub-team made by a split.
    allow_mutual
        Allow two reps to review each other in the same period (off: such
        pairs tend to trade generous scores).
    start, freq
        The first period (e.g. ``"2025-01"``) and the pandas period frequency
        (``"M"`` months, ``"W"`` weeks, ``"Q"`` quarters); without ``start``
        the periods are only numbered.
    rng
        Seed or Generator for the seating order, the sub-team split and the
        random and self-selected methods.

    Returns
    -------
    PairingSchedule

    Raises
    ------
    ToolkitError
        Bad input; a pool too small for the cadence (without mutual pairs a
        rep needs ``reviews_per_rep`` reviewers and as many other reps to
        review, so a pool needs ``2 * reviews_per_rep + 1`` reps); a rep whose
        conflicts leave too few peers; or a period that the conflicts make
        impossible (the message names the rep).

    Warns
    -----
    GuideWarning
        Self-selection; a monthly cadence below 2 or above 4; a pool of fewer
        than 5 reps; a team of more than 20 reps paired in pools larger than 8.

    Notes
    -----
    The assigned rotation seats each pool's reps round a circle and cycles
    through *rounds* (one reviewer per rep, one rep per reviewer) that together
    hold every (reviewer, rep) pair once. With ``m`` reps and cadence ``c``,
    monthly rotation gives ``floor((m - 1) / c)`` months without a repeated
    pair, the most possible (four reps: 2), so each rep is first reviewed by
    that many times ``c`` different peers. After that, swaps keep each rep's
    reviewers even: within one review of each other in an odd pool, within
    two or three in an even pool near its highest cadence (measured up to 20
    reps). Conflict pairs are exchanged away period by period; the exchanges
    keep every rule but can bring a repeat earlier.

    A cadence of ``c`` needs pools of ``2c + 1`` reps, so a split raises its
    smallest sub-team to that. Self-selection allows mutual pairs (a sign-up
    sheet does not prevent them). Leave, new hires and review deadlines are
    not modelled: every rep is available in every period.

    Examples
    --------
    >>> schedule = pairing_schedule(
    ...     ["ana", "ben", "cy", "dee", "eve"], n_periods=4, rotation=1, rng=7
    ... )
    >>> schedule.load()["n_reps"].unique().tolist()
    [2]
    >>> schedule.first_repeat()
    3
    """
    check_options(n_periods, reviews_per_rep, rotation, method, freq)
    method = method.replace("-", "_")
    seed, generator = seeded(rng)
    team = read_reps(reps)
    pairs = read_conflicts(conflicts, team["rep"].tolist())
    mutual = allow_mutual or method == "self_selected"
    smallest = reviews_per_rep + 1 if mutual else 2 * reviews_per_rep + 1
    split_rng, pools_rng = generator.spawn(2)
    # self-selecting peers act on friendships; the split does not see them
    kept_apart = pairs
    if method == "self_selected":
        friendly = pairs["reason"].str.lower().str.contains("friend")
        kept_apart = pairs[~friendly.to_numpy(bool)]
    team["sub_team"] = plan_sub_teams(
        team,
        kept_apart,
        split_above=split_above,
        sub_team_size=sub_team_size,
        smallest=smallest,
        rng=split_rng,
    )
    periods = build.periods(n_periods, start, freq)
    every = rotation or n_periods
    block_names = [
        build.period_name(periods, b * every) for b in range(-(-n_periods // every))
    ]
    pools = build.pools(team, pairs, block_names)
    for pool in pools:
        check_pool(pool, reviews_per_rep, mutual, method)
    warn_guide(team, method, reviews_per_rep, freq, split_above, smallest)

    parts = []
    for pool, pool_rng in zip(pools, pools_rng.spawn(len(pools)), strict=True):
        if method == "assigned":
            blocks = assigned_blocks(
                pool, reviews_per_rep, allow_mutual=mutual, rng=pool_rng
            )
        elif method == "random":
            blocks = random_blocks(
                pool, reviews_per_rep, allow_mutual=mutual, rng=pool_rng
            )
        else:
            blocks = self_selected_blocks(pool, reviews_per_rep, rng=pool_rng)
        parts.append(build.pool_rows(pool, blocks, n_periods, every))
    frame = build.frame(parts, periods)

    return PairingSchedule(
        frame=frame,
        team=team,
        conflicts=pairs,
        periods=periods,
        reviews_per_rep=reviews_per_rep,
        rotation=rotation,
        method=method,
        allow_mutual=mutual,
        seed=seed,
        toolkit_version=__version__,
    )
