"""The practitioner guide's checks of a round: criteria scored and calls needed.

The guide asks peers to score one to three narrow, observable behaviours, and
:mod:`toolkit.planning` says how many calls a verdict needs. A round that
leaves either gets a :class:`~toolkit.errors.GuideWarning`; the report raises
them, these helpers only write the messages.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from toolkit import agreement, planning
from toolkit.calibration._input import Prepared
from toolkit.errors import ToolkitError
from toolkit.guide import GUIDE_MAX_CRITERIA
from toolkit.ratings import CriterionRatings

__all__ = [
    "MAX_CRITERIA",
    "PLANNING_AGREEMENT_RANGE",
    "PLANNING_MAX_CALLS",
    "calls_needed_for",
    "too_few_calls",
    "too_many_criteria",
]

MAX_CRITERIA = GUIDE_MAX_CRITERIA
# planning needs a true alpha strictly between 0 and 1; observed values
# outside this range are planned at its nearest end
PLANNING_AGREEMENT_RANGE = (0.05, 0.95)
PLANNING_MAX_CALLS = 1000
_PLANNING_METRICS = {
    "nominal": "nominal",
    "ordinal": "ordinal",
    "interval": "interval",
    "ratio": "interval",
}


def too_many_criteria(prepared: Prepared) -> list[str]:
    """A message per round that scores more criteria than the guide's three."""
    messages = []
    for label in prepared.rounds:
        if prepared.rounds_by is None:
            scored = list(prepared.pooled)
            where = "the round scores"
        else:
            scored = [c for c in prepared.pooled if (c, label) in prepared.by_round]
            where = f"round {label} scores"
        if len(scored) > MAX_CRITERIA:
            messages.append(
                f"{where} {len(scored)} criteria ({', '.join(scored)}); the "
                "practitioner guide recommends one to three narrow, observable "
                "behaviours per round, so peers can score each with care"
            )
    return messages


def calls_needed_for(
    ratings: CriterionRatings,
    estimate: float,
    *,
    target_half_width: float,
    level: float,
    n_simulations: int,
    seed: np.random.SeedSequence,
) -> float:
    """Calls :func:`toolkit.planning.calls_needed` gives at the observed value.

    The planned round has the criterion's raters, levels (2 to 20) and share
    of missing scores. ``inf`` when even ``PLANNING_MAX_CALLS`` calls are not
    enough; NaN when the estimate is undefined.
    """
    if math.isnan(estimate) or ratings.n_calls == 0:
        return math.nan
    n_levels = len(agreement.rating_matrix(ratings).categories)
    cells = ratings.n_calls * ratings.n_raters
    low, high = PLANNING_AGREEMENT_RANGE
    try:
        needed = planning.calls_needed(
            target_half_width=target_half_width,
            n_raters=ratings.n_raters,
            n_levels=int(np.clip(n_levels, 2, 20)),
            expected_agreement=float(np.clip(estimate, low, high)),
            metric=_PLANNING_METRICS[ratings.scale.kind],
            level=level,
            n_simulations=n_simulations,
            missing_share=float(np.clip(1 - ratings.n_scores / cells, 0.0, 0.9)),
            max_calls=PLANNING_MAX_CALLS,
            rng=np.random.default_rng(seed),
        )
    except ToolkitError:
        return math.inf
    return float(needed.n_calls)


def too_few_calls(
    criterion: str,
    short: list[tuple[Any, int]],
    needed: float,
    *,
    estimate: float,
    coefficient: str,
    ratings: CriterionRatings,
    target_half_width: float,
    level: float,
) -> str:
    """The message for rounds of a criterion with fewer calls than needed."""
    if short[0][0] is None:
        where = f"the round has {short[0][1]} calls"
    else:
        rounds = ", ".join(str(label) for label, _ in short)
        counts = ", ".join(str(n) for _, n in short)
        plural = len(short) > 1
        where = f"round{'s' if plural else ''} {rounds} {'have' if plural else 'has'}"
        where += f" {counts} calls"
    wanted = (
        f"more than {PLANNING_MAX_CALLS}" if math.isinf(needed) else f"{needed:.0f}"
    )
    return (
        f"criterion {criterion!r}: {where}, fewer than the {wanted} that "
        f"toolkit.planning.calls_needed gives for a {level:.0%} interval "
        f"half-width of {target_half_width:g} at the observed {coefficient} "
        f"{estimate:.2f} ({ratings.n_raters} raters); the verdict is "
        "provisional: score more calls, or pool rounds"
    )
