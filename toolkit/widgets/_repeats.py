"""When pairs meet again: first repeats per team size, for the team-size app.

A rotation gives each rep new reviewers until the team runs out of new
pairs; from then on some peer reviews a rep they reviewed before. Per team
size, with and without sub-teams, :func:`repeats_table` gives the month
that first happens in one seating of the team
(:meth:`toolkit.pairing.PairingSchedule.first_repeat`), and
:func:`no_repeat_from` the smallest team paired as one pool that goes the
whole horizon without it (the dotted line of the what-if's figure).
"""

from __future__ import annotations

import html
import warnings

import pandas as pd

from toolkit.errors import GuideWarning, ToolkitError
from toolkit.pairing import pairing_schedule
from toolkit.simulation import ProgramPolicy
from toolkit.widgets._display import table_html

__all__ = [
    "caption_html",
    "first_repeat",
    "no_repeat_from",
    "repeats_table",
    "repeats_table_html",
]


def first_repeat(policy: ProgramPolicy, team_size: int) -> int | None:
    """The month the first pair meets again in a team of ``team_size``.

    The pairing of ``policy`` (cadence, rotation, method, sub-teams) for
    ``policy.horizon_months`` months, by
    :meth:`toolkit.pairing.PairingSchedule.first_repeat`, for one seating of
    the team (seed 0).

    Returns
    -------
    int or None
        The month (1, 2, ...), or ``None`` when no pair meets again within
        the horizon.

    Raises
    ------
    ToolkitError
        The pairing cannot fill the cadence in a team of that size.

    Examples
    --------
    >>> from toolkit.simulation import ProgramPolicy
    >>> monthly = ProgramPolicy(rotation_months=1, horizon_months=6)
    >>> first_repeat(monthly, 5), first_repeat(monthly, 13)
    (3, None)
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GuideWarning)
        schedule = pairing_schedule(
            team_size,
            n_periods=policy.horizon_months,
            reviews_per_rep=policy.reviews_per_rep,
            rotation=policy.rotation_months,
            method=policy.pairing,
            split_above=policy.split_above,
            sub_team_size=policy.sub_team_size,
            rng=0,
        )
    return schedule.first_repeat()


def repeats_table(
    policy: ProgramPolicy, team_sizes: list[int], *, split_above: int
) -> pd.DataFrame:
    """First repeats per team size, with and without sub-teams.

    Teams split into sub-teams above ``split_above`` reps in the first row
    of each size, and are paired as one pool in the second.

    Returns
    -------
    pandas.DataFrame
        ``team_size``, ``sub_teams`` (bool), ``possible`` and
        ``first_repeat`` (the month, NaN for none within the horizon).

    Examples
    --------
    >>> from toolkit.simulation import ProgramPolicy
    >>> monthly = ProgramPolicy(rotation_months=1, horizon_months=6)
    >>> table = repeats_table(monthly, [4, 5], split_above=20)
    >>> table[["team_size", "possible", "first_repeat"]].to_numpy().tolist()
    [[4, False, nan], [4, False, nan], [5, True, 3.0], [5, True, 3.0]]
    """
    rows = []
    for size in team_sizes:
        for split in (split_above, None):
            try:
                month = first_repeat(policy.replace(split_above=split), size)
            except ToolkitError:
                possible, month = False, None
            else:
                possible = True
            rows.append(
                {
                    "team_size": size,
                    "sub_teams": split is not None,
                    "possible": possible,
                    "first_repeat": float("nan") if month is None else month,
                }
            )
    return pd.DataFrame(rows)


def no_repeat_from(policy: ProgramPolicy, low: int, high: int) -> int | None:
    """The smallest team, paired as one pool, that never repeats a pair.

    Team sizes from ``low`` to ``high`` reps are searched for the smallest
    that goes the whole horizon without a repeated pair (``None``: none of
    them does). The search halves the range, so it assumes a larger pool never repeats
    sooner, which holds for the manager-assigned rotation. Pairs that never
    rotate have no repeats to avoid: ``None``.

    Examples
    --------
    >>> from toolkit.simulation import ProgramPolicy
    >>> monthly = ProgramPolicy(rotation_months=1, horizon_months=3)
    >>> no_repeat_from(monthly, 3, 8)
    7
    """
    if policy.rotation_months is None:
        return None
    pool = policy.replace(split_above=None)
    if not _no_repeat(pool, high):
        return None

    while low < high:  # more reps, more rounds before a repeat
        middle = (low + high) // 2
        if _no_repeat(pool, middle):
            high = middle
        else:
            low = middle + 1
    return high


def repeats_table_html(repeats: pd.DataFrame, months: int) -> str:
    """:func:`repeats_table` as the what-if shows it: one row per team size."""

    def cell(row: pd.Series) -> str:
        if not row["possible"]:
            return "not possible"
        if pd.isna(row["first_repeat"]):
            return f"none in {months} months"
        return f"month {int(row['first_repeat'])}"

    table = repeats.assign(shown=repeats.apply(cell, axis=1))
    wide = pd.DataFrame(
        {
            "Team size": table.loc[table["sub_teams"], "team_size"].to_numpy(),
            "With sub-teams": table.loc[table["sub_teams"], "shown"].to_numpy(),
            "One pool": table.loc[~table["sub_teams"], "shown"].to_numpy(),
        }
    )
    return (
        "<p><b>When does the first pair meet again?</b> The month in which "
        "some peer is assigned a rep they reviewed in an earlier rotation "
        "(one seating of the team).</p>" + table_html(wide)
    )


def caption_html(
    policy: ProgramPolicy, line_at: int | None, *, split_above: int, largest: int
) -> str:
    """What the figure shows and what its dotted line at ``line_at`` means.

    ``largest`` is the largest team size shown, ``split_above`` the size
    above which teams split into sub-teams.

    Examples
    --------
    >>> from toolkit.simulation import ProgramPolicy
    >>> policy = ProgramPolicy(rotation_months=None)
    >>> "Pairs never rotate" in caption_html(policy, None, split_above=20,
    ...                                      largest=8)
    True
    """
    months = policy.horizon_months
    cadence = policy.reviews_per_rep
    if policy.rotation_months is None:
        text = (
            f"Pairs never rotate: each rep hears from the same {cadence} "
            f"peer(s) for all {months} months. No pair meets 'again', so "
            "no line is drawn, but every review comes from a familiar peer."
        )
    elif line_at is not None:
        text = (
            f"Dotted line at {line_at} reps: from this size up, "
            "a team paired as one pool rotates "
            f"{_every(policy.rotation_months)} for all {months} months "
            "without any peer reviewing the same rep again. Smaller teams "
            "run out of new pairs and repeat some. Sub-teams are small "
            f"pools, so above {split_above} reps they repeat pairs as a team "
            "of their size does (see the table)."
        )
    else:
        text = (
            f"Every team size shown repeats some pair within {months} "
            f"months at {cadence} review(s) per rep, rotated "
            f"{_every(policy.rotation_months)}: a team paired as one pool "
            f"needs more than {largest} reps to avoid it."
        )

    return (
        f"<p style='font-size:90%'>Points: mean of the replications; bars: "
        f"95% interval. Up to {split_above} reps the two lines are the same "
        f"teams (no split happens). {html.escape(text)}</p>"
    )


def _no_repeat(policy: ProgramPolicy, team_size: int) -> bool:
    """Whether a team of this size can be paired and never repeats a pair."""
    try:
        return first_repeat(policy, team_size) is None
    except ToolkitError:
        return False


def _every(months: int | None) -> str:
    if months == 1:
        return "monthly"
    if months == 3:
        return "quarterly"
    return f"every {months} months"
