"""The practitioner guide's recommendations, as numbers the toolkit checks.

They are defaults and warnings, never hard limits (see ``../shared/DESIGN.md``):
a policy or a schedule that leaves them still runs, with a
:class:`~toolkit.errors.GuideWarning` that says which one and why it matters.

Examples
--------
>>> GUIDE_CADENCE
(2, 4)
"""

from __future__ import annotations

__all__ = [
    "GUIDE_CADENCE",
    "GUIDE_MAX_CRITERIA",
    "GUIDE_MIN_TEAM",
    "GUIDE_SPLIT_ABOVE",
    "GUIDE_SUB_TEAM_SIZE",
]

# reviews per rep per month: at least 2; above 4 evaluator compliance drops
GUIDE_CADENCE: tuple[int, int] = (2, 4)

# a peer program needs at least 5 reps
GUIDE_MIN_TEAM = 5

# above 20 reps, pair inside sub-teams of 5 to 8
GUIDE_SPLIT_ABOVE = 20
GUIDE_SUB_TEAM_SIZE: tuple[int, int] = (5, 8)

# peers score 1 to 3 narrow, observable behaviours
GUIDE_MAX_CRITERIA = 3
