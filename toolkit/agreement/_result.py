"""The result objects every agreement coefficient returns."""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
from scipy import stats

from toolkit.errors import UndefinedCoefficientWarning

__all__ = ["AgreementResult", "Interval"]


@dataclass(frozen=True)
class Interval:
    """A confidence interval: ``low`` to ``high`` at confidence ``level``."""

    low: float
    high: float
    level: float

    @property
    def half_width(self) -> float:
        """Half the interval's width (NaN when either end is undefined)."""
        return (self.high - self.low) / 2


@dataclass(frozen=True)
class AgreementResult:
    """What an agreement coefficient found.

    Attributes
    ----------
    coefficient
        Name of the coefficient, e.g. ``"fleiss_kappa"``.
    statistic
        The coefficient's value; NaN when undefined (see ``undefined_reason``).
    standard_error
        Standard error of ``statistic`` under the method named in ``options``;
        NaN when not available.
    confidence_interval
        Interval at the requested level.
    n_units, n_raters
        Calls (units) and raters the value was computed from.
    undefined_reason
        Why ``statistic`` is NaN, or ``None`` when it is defined.
    p_value
        p-value of the coefficient's own test of no agreement beyond chance
        (its docstring says which test and whether it is one- or two-sided);
        NaN when it has none.
    options
        The variant computed (standard error method, missing-rating rule,
        weights, ...), so that a reader can reproduce it.
    details
        Coefficient-specific extras, e.g. per-category kappas or the F test of
        an ICC.
    """

    coefficient: str
    statistic: float
    standard_error: float
    confidence_interval: Interval
    n_units: int
    n_raters: int
    undefined_reason: str | None = None
    p_value: float = math.nan
    options: Mapping[str, Any] = field(default_factory=dict)
    details: Mapping[str, Any] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "options", MappingProxyType(dict(self.options)))
        object.__setattr__(self, "details", MappingProxyType(dict(self.details)))

    @property
    def is_defined(self) -> bool:
        """True when ``statistic`` is a number."""
        return self.undefined_reason is None

    def __str__(self) -> str:
        """One line a reader can quote, rounded to three decimals.

        Examples
        --------
        >>> ci = Interval(0.319, 0.541, 0.95)
        >>> print(AgreementResult("fleiss_kappa", 0.4302, 0.0566, ci, 30, 6))
        fleiss_kappa = 0.430 (95% CI 0.319 to 0.541, SE 0.057; 30 units, 6 raters)
        """
        counts = f"{self.n_units} units, {self.n_raters} raters"
        if not self.is_defined:
            return f"{self.coefficient} undefined: {self.undefined_reason} ({counts})"
        ci = self.confidence_interval
        return (
            f"{self.coefficient} = {self.statistic:.3f} ({ci.level:.0%} CI "
            f"{ci.low:.3f} to {ci.high:.3f}, SE {self.standard_error:.3f}; {counts})"
        )


def check_level(level: float) -> float:
    """Return ``level`` if it is a valid confidence level, else raise."""
    if not isinstance(level, int | float) or not 0 < level < 1:
        raise ValueError(
            f"level={level!r} is not a confidence level; pass a number between "
            "0 and 1, e.g. level=0.95"
        )
    return float(level)


def wald_interval(
    statistic: float,
    standard_error: float,
    level: float,
    *,
    df: float | None = None,
) -> Interval:
    """Interval ``statistic +/- q * standard_error``.

    ``q`` is the normal quantile, or Student's t with ``df`` degrees of freedom
    when ``df`` is given (Gwet's irrCAC uses t with n_units - 1).
    """
    if df is None:
        q = stats.norm.ppf(0.5 + level / 2)
    else:
        q = stats.t.ppf(0.5 + level / 2, df) if df > 0 else math.nan
    return Interval(
        low=float(statistic - q * standard_error),
        high=float(statistic + q * standard_error),
        level=level,
    )


def z_test_p_value(statistic: float, standard_error: float) -> float:
    """Two-sided p-value of ``statistic / standard_error`` against N(0, 1)."""
    if not np.isfinite(standard_error) or standard_error <= 0:
        return math.nan
    return float(2 * stats.norm.sf(abs(statistic / standard_error)))


def undefined(
    coefficient: str,
    reason: str,
    *,
    n_units: int,
    n_raters: int,
    level: float,
    options: Mapping[str, Any] | None = None,
    details: Mapping[str, Any] | None = None,
    stacklevel: int = 3,
) -> AgreementResult:
    """Warn that ``coefficient`` is undefined and return a NaN result."""
    warnings.warn(
        f"{coefficient} is undefined: {reason}",
        UndefinedCoefficientWarning,
        stacklevel=stacklevel,
    )
    return AgreementResult(
        coefficient=coefficient,
        statistic=math.nan,
        standard_error=math.nan,
        confidence_interval=Interval(math.nan, math.nan, level),
        n_units=n_units,
        n_raters=n_raters,
        undefined_reason=reason,
        options=options or {},
        details=details or {},
    )
