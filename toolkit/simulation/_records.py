"""Checks and dict conversion shared by the policy and the behaviour model."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import fields
from typing import Any

import numpy as np

from toolkit.errors import ToolkitError

__all__ = [
    "check_keys",
    "check_number",
    "check_whole",
    "field_names",
    "plain",
]


def field_names(cls: type) -> tuple[str, ...]:
    """The dataclass fields of ``cls``, in declaration order."""
    return tuple(item.name for item in fields(cls))


def check_keys(owner: str, keys: Iterable[str], known: tuple[str, ...]) -> None:
    """Refuse keys that are not fields, naming every one of them."""
    unknown = [key for key in keys if key not in known]
    if unknown:
        raise ToolkitError(
            f"{owner} has no field(s) {', '.join(map(repr, unknown))}; "
            f"known fields: {', '.join(known)}"
        )


def check_whole(
    owner: str, name: str, value: Any, low: int, high: int | None = None
) -> int:
    """A whole number from ``low`` to ``high`` (no upper end when None)."""
    allowed = f"from {low} to {high}" if high is not None else f"{low} or more"
    if (
        isinstance(value, bool)
        or not isinstance(value, int | np.integer)
        or value < low
        or (high is not None and value > high)
    ):
        raise ToolkitError(
            f"{owner}.{name} must be a whole number {allowed}; got {value!r}"
        )
    return int(value)


def check_number(
    owner: str,
    name: str,
    value: Any,
    low: float,
    high: float,
    *,
    unit: str = "",
    open_low: bool = False,
) -> float:
    """A finite number in ``[low, high]`` (``(low, high]`` with ``open_low``)."""
    bracket = "(" if open_low else "["
    allowed = f"{bracket}{low:g}, {high:g}]" + (f" {unit}" if unit else "")
    is_number = not isinstance(value, bool) and isinstance(
        value, int | float | np.integer | np.floating
    )
    if (
        not is_number
        or not math.isfinite(value)
        or value < low
        or value > high
        or (open_low and value == low)
    ):
        raise ToolkitError(
            f"{owner}.{name} must be a number in {allowed}; got {value!r}"
        )
    return float(value)


def plain(value: Any) -> Any:
    """A TOML-friendly copy of a field value: tuples become lists."""
    if isinstance(value, tuple):
        return [plain(item) for item in value]
    return value
