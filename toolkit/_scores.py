"""What a single score is: a number, a label, or missing.

One definition for the ratings table and the agreement input, so that the
score ``2`` and the text ``"2"`` are the same level everywhere.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = ["as_number", "is_number", "score_key"]


def is_number(value: Any) -> bool:
    """True for int and float values (numpy ones too), never for booleans."""
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(
        value, bool | np.bool_
    )


def as_number(value: Any) -> int | float | None:
    """``value`` as an int or float when it is, or reads as, a finite number.

    Examples
    --------
    >>> as_number(" 3 "), as_number("2.5"), as_number("three"), as_number(True)
    (3, 2.5, None, None)
    """
    if is_number(value):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return None
    else:
        return None
    if not math.isfinite(number):
        return None
    return int(number) if number.is_integer() else number


def score_key(value: Any) -> Any:
    """Hashable key under which equal scores match: 2, 2.0 and "2" alike.

    Examples
    --------
    >>> score_key(2) == score_key("2.0") == score_key(np.float64(2))
    True
    >>> score_key(" yes ")
    'yes'
    """
    number = as_number(value)
    if number is not None:
        return float(number)
    return str(value).strip()
