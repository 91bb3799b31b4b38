"""F tests and confidence intervals of the intraclass correlations.

McGraw & Wong (1996) give every form an F test of ``ICC = r0`` and an
interval. The one-way and consistency forms are exact: ``MSR / error``
follows a scaled F distribution. The two-way agreement forms are approximate:
their error term ``a MSC + b MSE`` gets Satterthwaite's degrees of freedom,
and the interval of ICC(A,k) is that of ICC(A,1) through Spearman-Brown.

Two things can put an interval end where it means nothing, and the reference
implementations print such ends as computed: an F quantile below 1 puts a
bound on the wrong side of the estimate, and Spearman-Brown has no value at
or below ``-1/(k-1)``. :func:`_interval` leaves the first end NaN and maps the
second to its limit, and says so in a note.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from scipy import special

from toolkit.agreement._icc_anova import _Anova, _icc_value, _MeanSquares

__all__: list[str] = []

# (model, type, unit, McGraw & Wong name, Shrout & Fleiss name), psych's order
_FORMS = (
    ("oneway", "agreement", "single", "ICC(1)", "ICC(1,1)"),
    ("twoway", "agreement", "single", "ICC(A,1)", "ICC(2,1)"),
    ("twoway", "consistency", "single", "ICC(C,1)", "ICC(3,1)"),
    ("oneway", "agreement", "average", "ICC(k)", "ICC(1,k)"),
    ("twoway", "agreement", "average", "ICC(A,k)", "ICC(2,k)"),
    ("twoway", "consistency", "average", "ICC(C,k)", "ICC(3,k)"),
)


@dataclass(frozen=True)
class _Form:
    """One form's numbers, or the reason it is undefined."""

    name: str
    shrout_fleiss: str
    statistic: float = math.nan
    f_statistic: float = math.nan
    df1: float = math.nan
    df2: float = math.nan
    p_value: float = math.nan
    low: float = math.nan
    high: float = math.nan
    interval_df: float = math.nan
    interval_note: str | None = None
    reason: str | None = None


class _Bounds(NamedTuple):
    """Interval ends, the df of their F quantiles, and what was done to them."""

    low: float
    high: float
    df: float
    notes: tuple[str, ...] = ()


def _form_values(
    anova: _Anova,
    model: str,
    type: str,
    unit: str,
    level: float,
    null_value: float,
    agreement_df: str,
) -> _Form:
    """ICC, F test and interval of one form, or why it is undefined."""
    name, sf_name = _form_names(model, type, unit)
    ms = anova.squares
    k = anova.n_raters
    n = anova.n_complete

    # the undefined cases, most basic first
    if n < 2:
        dropped = anova.units_dropped
        return _Form(
            name,
            sf_name,
            reason=f"fewer than two calls were scored by every rater ({n} "
            f"complete; {dropped} call(s) with a missing score were left out); "
            "the ICC needs complete rows",
        )
    if bool(ms.constant):
        return _Form(
            name,
            sf_name,
            reason="every score is the same, so there is no variance to "
            "apportion between calls and raters",
        )
    value, _ = _icc_value(ms, k, model, type, unit)
    if not np.isfinite(value):
        return _Form(
            name,
            sf_name,
            reason=f"the denominator of {name} is zero for these scores (mean "
            f"squares: between calls {float(ms.between_units):.4g}, between "
            f"raters {float(ms.between_raters):.4g}, residual "
            f"{float(ms.residual):.4g})",
        )

    f_statistic, df1, df2 = _f_test(ms, k, model, type, unit, null_value)
    bounds = _interval(ms, k, model, type, unit, level)
    if model == "twoway" and type == "agreement" and agreement_df == "irr":
        # irr: one df for test and interval (estimate if single, r0 if average)
        if unit == "single":
            df2 = bounds.df
        else:
            bounds = _agreement_interval(ms, k, unit, level, df2)
    with np.errstate(divide="ignore", invalid="ignore"):
        p_value = float(special.fdtrc(df1, df2, f_statistic))

    return _Form(
        name,
        sf_name,
        statistic=float(value),
        f_statistic=float(f_statistic),
        df1=float(df1),
        df2=float(df2),
        p_value=p_value,
        low=bounds.low,
        high=bounds.high,
        interval_df=float(bounds.df),
        interval_note="; ".join(bounds.notes) or None,
    )


def _form_names(model: str, type: str, unit: str) -> tuple[str, str]:
    for form in _FORMS:
        if form[:3] == (model, type, unit):
            return form[3], form[4]
    raise AssertionError("unreachable: options are checked first")


def _f_test(
    ms: _MeanSquares,
    k: int,
    model: str,
    type: str,
    unit: str,
    null_value: float,
) -> tuple[float, float, float]:
    """F statistic and df of the test of ICC = ``null_value`` (McGraw & Wong)."""
    n = np.float64(ms.n_units)
    msr = np.float64(ms.between_units)
    msc = np.float64(ms.between_raters)
    mse = np.float64(ms.residual)
    r0 = float(null_value)
    df1 = n - 1

    if model == "twoway" and type == "agreement":
        # the test of ICC(A,k) = r0 is the test of ICC(A,1) = its single-rater r0
        rho = r0 if unit == "single" else r0 / (k - (k - 1) * r0)
        weight_raters, weight_error = _agreement_weights(rho, n, k)
        denominator = weight_raters * msc + weight_error * mse
        with np.errstate(divide="ignore", invalid="ignore"):
            f_statistic = n * (1 - rho) * msr / denominator
        df2 = _satterthwaite_df(rho, ms, k)
        return f_statistic, df1, df2

    if model == "oneway":
        error, df2 = np.float64(ms.within_units), n * (k - 1)
    else:
        error, df2 = mse, (n - 1) * (k - 1)
    scale = (1 - r0) / (1 + (k - 1) * r0) if unit == "single" else 1 - r0
    with np.errstate(divide="ignore", invalid="ignore"):
        f_statistic = msr / error * scale
    return f_statistic, df1, df2


def _interval(
    ms: _MeanSquares,
    k: int,
    model: str,
    type: str,
    unit: str,
    level: float,
) -> _Bounds:
    """Interval of the ICC and the df of its F quantiles (McGraw & Wong 1996)."""
    if model == "twoway" and type == "agreement":
        single, _ = _icc_value(ms, k, "twoway", "agreement", "single")
        df = _satterthwaite_df(float(single), ms, k)
        return _agreement_interval(ms, k, unit, level, df)
    return _exact_interval(ms, k, model, unit, level)


def _exact_interval(
    ms: _MeanSquares, k: int, model: str, unit: str, level: float
) -> _Bounds:
    """One-way and consistency forms: ``MSR / error`` is a scaled F variable."""
    n = float(ms.n_units)
    if model == "oneway":
        error, df2 = float(ms.within_units), n * (k - 1)
    else:
        error, df2 = float(ms.residual), (n - 1) * (k - 1)
    tail = 0.5 + level / 2
    q_low = _f_quantile(tail, n - 1, df2)
    q_high = _f_quantile(tail, df2, n - 1)

    notes: list[str] = []
    low = high = math.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        observed = np.float64(ms.between_units) / error
        if _quantile_usable(q_low, "lower", (n - 1, df2), notes):
            low = _from_f(observed / q_low, k, unit)
        if _quantile_usable(q_high, "upper", (df2, n - 1), notes):
            high = _from_f(observed * q_high, k, unit)
    return _Bounds(low, high, df2, tuple(notes))


def _agreement_interval(
    ms: _MeanSquares, k: int, unit: str, level: float, df: float
) -> _Bounds:
    """McGraw & Wong's interval of ICC(A,1), Spearman-Brown'd for ICC(A,k).

    Their bounds ``n (MSR - F MSE) / (F rest + n MSR)`` and ``n (F MSR - MSE)
    / (rest + n F MSR)``, ``rest = k MSC + (kn - k - n) MSE``, are written
    divided through by the quantile ``F``, which stays finite as ``F`` grows.
    """
    n = float(ms.n_units)
    msr = float(ms.between_units)
    msc = float(ms.between_raters)
    mse = float(ms.residual)
    tail = 0.5 + level / 2
    q_low = _f_quantile(tail, n - 1, df)
    q_high = _f_quantile(tail, df, n - 1)
    rest = k * msc + (k * n - k - n) * mse

    notes: list[str] = []
    low = high = math.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        if _quantile_usable(q_low, "lower", (n - 1, df), notes):
            low = float(n * (msr / q_low - mse) / np.float64(rest + n * msr / q_low))
        if _quantile_usable(q_high, "upper", (df, n - 1), notes):
            high = float(n * (msr - mse / q_high) / np.float64(rest / q_high + n * msr))

    if unit == "average":
        low, high = _spearman_brown(low, high, k, notes)
    return _Bounds(low, high, float(df), tuple(notes))


def _quantile_usable(
    quantile: float, end: str, dfs: tuple[float, float], notes: list[str]
) -> bool:
    """True for an F quantile of at least 1; else note why the end is NaN.

    Each bound is monotone in its quantile and equals the estimate at 1, so a
    quantile below 1 (tiny Satterthwaite df, or a level well under 50%) puts
    the bound on the wrong side of the estimate.
    """
    if quantile >= 1:
        return True
    where = f"the F distribution on ({dfs[0]:.4g}, {dfs[1]:.4g}) df"
    if math.isnan(quantile):
        notes.append(f"the {end} end is NaN: {where} has no quantile")
    else:
        notes.append(
            f"the {end} end is NaN: its quantile of {where} is {quantile:.4g}, "
            "below 1, so the bound would lie on the wrong side of the estimate"
        )
    return False


def _spearman_brown(
    low: float, high: float, k: int, notes: list[str]
) -> tuple[float, float]:
    """Single-rater interval ends as ends for the average of ``k`` raters.

    ``k r / (1 + (k - 1) r)`` rises from -inf to 1 as ``r`` goes from
    ``-1/(k-1)`` to 1 and has no value at or below ``-1/(k-1)`` (beyond it the
    formula jumps above 1). A lower end there becomes -inf, the limit; an
    upper end there leaves no interval above it, and becomes NaN.
    """
    floor = -1 / (k - 1)
    where = f"at or below -1/(k-1) = {floor:.4g}, where Spearman-Brown for {k} raters"
    if low > floor:
        low = k * low / (1 + (k - 1) * low)
    elif not math.isnan(low):
        notes.append(
            f"the lower end is -inf: the single-rater lower bound {low:.4g} is "
            f"{where} tends to -inf"
        )
        low = -math.inf
    if high > floor:
        high = k * high / (1 + (k - 1) * high)
    elif not math.isnan(high):
        notes.append(
            f"the upper end is NaN: the single-rater upper bound {high:.4g} is "
            f"{where} has no value"
        )
        high = math.nan
    return low, high


def _f_quantile(probability: float, df1: float, df2: float) -> float:
    """Quantile of the F distribution (``scipy.stats.f.ppf`` without its checks)."""
    return float(special.fdtri(df1, df2, probability))


def _from_f(f_value: float, k: int, unit: str) -> float:
    """The ICC whose expected F ratio is ``f_value`` (1 when it is infinite)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        if unit == "single":
            return float(1 - k / (f_value + k - 1))
        return float(1 - 1 / np.float64(f_value))


def _agreement_weights(rho: float, n: float, k: int) -> tuple[float, float]:
    """McGraw & Wong's ``a`` and ``b`` times ``n (1 - rho)`` (finite at rho=1)."""
    return k * rho, n * (1 + (k - 1) * rho) - k * rho


def _satterthwaite_df(rho: float, ms: _MeanSquares, k: int) -> float:
    """Satterthwaite df of ``a MSC + b MSE`` at ICC(A,1) = ``rho``."""
    n = np.float64(ms.n_units)
    df_error = (n - 1) * (k - 1)
    if rho == 0:
        return float(df_error)
    weight_raters, weight_error = _agreement_weights(rho, n, k)
    raters = weight_raters * np.float64(ms.between_raters)
    error = weight_error * np.float64(ms.residual)
    spread = raters**2 / (k - 1) + error**2 / df_error
    if spread == 0:
        return float(df_error)
    with np.errstate(invalid="ignore"):
        return float((raters + error) ** 2 / spread)
