"""Checks of a planned design, with messages that say what to pass instead."""

from __future__ import annotations

import numbers
from typing import Any

from toolkit.errors import ToolkitError
from toolkit.planning._model import PLANNING_METRICS

__all__ = ["MAX_LEVELS", "check_design", "check_whole", "is_number"]

# the count arrays grow as levels squared; peer scales have 2 to 10 levels
MAX_LEVELS = 20


def check_whole(name: str, value: Any, least: int, what: str) -> int:
    """``value`` as an int of at least ``least``, else a ToolkitError."""
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Integral)
        or value < least
    ):
        raise ToolkitError(
            f"{name}={value!r}: {what} must be a whole number of at least "
            f"{least}; pass e.g. {name}={max(least, 4)}"
        )
    return int(value)


def is_number(value: Any) -> bool:
    """True for a real number that is not a bool (NaN included)."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def check_design(
    *,
    n_calls: Any,
    n_raters: Any,
    n_levels: Any,
    expected_agreement: Any,
    n_simulations: Any,
    missing_share: Any,
    metric: Any,
    least_simulations: int = 100,
) -> None:
    """Raise a ToolkitError naming the first argument that cannot be planned."""
    check_whole("n_calls", n_calls, 2, "a round's calls")
    check_whole("n_raters", n_raters, 2, "a round's raters")
    check_whole("n_levels", n_levels, 2, "the scale's levels")
    if n_levels > MAX_LEVELS:
        raise ToolkitError(
            f"n_levels={n_levels}: planning simulates scales of at most "
            f"{MAX_LEVELS} levels; plan a finer scale with n_levels={MAX_LEVELS}, "
            "whose alpha behaves much the same"
        )
    check_whole("n_simulations", n_simulations, least_simulations, "simulated rounds")
    if not is_number(expected_agreement) or not 0 < expected_agreement < 1:
        raise ToolkitError(
            f"expected_agreement={expected_agreement!r} is not a true alpha the "
            "model can plan for; pass a number strictly between 0 and 1, e.g. 0.8"
        )
    if not is_number(missing_share) or not 0 <= missing_share < 1:
        raise ToolkitError(
            f"missing_share={missing_share!r} must be at least 0 and below 1 "
            "(the chance a rater skips a call), e.g. 0.1"
        )
    if metric not in PLANNING_METRICS:
        raise ToolkitError(
            f"metric={metric!r} cannot be planned; use one of "
            f"{', '.join(PLANNING_METRICS)}"
        )
