"""Checks of calibration_report's options, with messages that say what to pass."""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np
import pandas as pd

from toolkit.ratings import RatingsTable

__all__ = [
    "as_table",
    "check_fraction",
    "check_number",
    "check_thresholds",
    "check_whole",
    "seed_of",
]


def as_table(table: Any) -> RatingsTable:
    if isinstance(table, RatingsTable):
        return table
    if isinstance(table, pd.DataFrame):
        return RatingsTable.from_long(table)
    raise TypeError(
        "calibration_report needs a RatingsTable or a long DataFrame (call, "
        f"criterion, rater, score); got {type(table).__name__}. Read a file "
        "with RatingsTable.from_csv"
    )


def seed_of(rng: Any) -> int:
    """The seed to record: the int given, or one drawn from ``rng``."""
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        if rng < 0:
            raise ValueError(f"rng={rng} must be a seed of at least 0, e.g. rng=7")
        return int(rng)
    if rng is None or isinstance(rng, np.random.Generator):
        return int(np.random.default_rng(rng).integers(2**63))
    raise TypeError(
        f"rng={rng!r} must be None, an int seed or a numpy.random.Generator"
    )


def check_thresholds(thresholds: Any) -> tuple[float, float]:
    try:
        low, high = (float(t) for t in thresholds)
    except (TypeError, ValueError):
        low, high = math.nan, math.nan
    if not low < high:
        raise ValueError(
            f"thresholds={thresholds!r} must be two increasing numbers, the "
            "lower ends of the tentative and ready bands, e.g. (0.667, 0.8)"
        )
    return low, high


def check_fraction(name: str, value: Any) -> float:
    if not _is_number(value) or not 0 < value < 1:
        raise ValueError(
            f"{name}={value!r} is not a confidence level; pass a number between "
            "0 and 1, e.g. level=0.95"
        )
    return float(value)


def check_whole(name: str, value: Any, least: int) -> None:
    whole = isinstance(value, numbers.Integral) and not isinstance(value, bool)
    if not whole or value < least:
        raise ValueError(
            f"{name}={value!r} must be a whole number of at least {least}; pass "
            f"e.g. {name}={max(least, 1000)}"
        )


def check_number(name: str, value: Any, least: float, *, strict: bool = False) -> None:
    if not _is_number(value) or math.isnan(value):
        below = True
    else:
        below = value <= least if strict else value < least
    if below:
        relation = "above" if strict else "at least"
        raise ValueError(f"{name}={value!r} must be a number {relation} {least}")


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)
