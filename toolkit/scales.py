"""Measurement scales of a criterion: nominal, ordinal, interval, ratio."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["SCALE_KINDS", "Scale"]

ScaleKind = Literal["nominal", "ordinal", "interval", "ratio"]
SCALE_KINDS: tuple[ScaleKind, ...] = ("nominal", "ordinal", "interval", "ratio")


@dataclass(frozen=True)
class Scale:
    """How a criterion is scored.

    Parameters
    ----------
    kind
        ``"nominal"`` (unordered labels), ``"ordinal"`` (ordered levels),
        ``"interval"`` or ``"ratio"`` (numbers).
    levels
        The declared levels, in order for an ordinal scale. Levels nobody used
        are allowed and count wherever a coefficient depends on the number of
        categories. ``None`` means "the levels observed in the data".

    Examples
    --------
    >>> Scale("ordinal", levels=(1, 2, 3, 4)).is_categorical
    True
    >>> Scale("interval").levels is None
    True
    """

    kind: ScaleKind = "nominal"
    levels: tuple[Any, ...] | None = None

    def __post_init__(self) -> None:
        if self.kind not in SCALE_KINDS:
            raise ValueError(
                f"scale kind {self.kind!r} is not known; use one of "
                f"{', '.join(SCALE_KINDS)}"
            )
        if self.levels is not None:
            levels = tuple(self.levels)
            if len(set(levels)) != len(levels):
                raise ValueError(
                    f"the levels {list(levels)!r} repeat a value; list each level once"
                )
            object.__setattr__(self, "levels", levels)

    @property
    def is_categorical(self) -> bool:
        """True for nominal and ordinal scales."""
        return self.kind in ("nominal", "ordinal")

    @property
    def is_ordered(self) -> bool:
        """True for every scale but nominal."""
        return self.kind != "nominal"

    @classmethod
    def of(cls, kind: str | Scale, levels: Sequence[Any] | None = None) -> Scale:
        """Build a scale from a kind name (or return a ``Scale`` unchanged)."""
        if isinstance(kind, Scale):
            return kind
        return cls(kind, None if levels is None else tuple(levels))  # type: ignore[arg-type]
