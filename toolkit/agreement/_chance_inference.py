"""Standard errors, tests and results of the chance-corrected coefficients.

Gwet's (2014) linearisation variance of ``(p_o - p_e) / (1 - p_e)``, the t
and normal p-values, irrCAC's interval capped at 1, and the result objects
built from them. Used by :mod:`toolkit.agreement._chance` and Fleiss' kappa.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy import special

from toolkit.agreement._result import AgreementResult, Interval, undefined

if TYPE_CHECKING:
    from toolkit.agreement._chance import ChanceData

__all__: list[str] = []


def linearised_variance(
    agreement: np.ndarray,
    has_pair: np.ndarray,
    chance: np.ndarray | float,
    unit_chance: np.ndarray | None,
    statistic: np.ndarray | float,
    *,
    population_size: float | None,
) -> np.ndarray:
    """Gwet's linearisation variance of ``(p_o - p_e) / (1 - p_e)``.

    Gwet (2014), chapter 5, with its Fleiss/AC1/Conger variants (irrCAC):
    ``var = (1 - f) / (n (n - 1)) * sum_i (k*_i - k)^2`` with
    ``k_i = (n / n2) (p_o,i - p_e [r_i >= 2]) / (1 - p_e)`` and
    ``k*_i = k_i - 2 (1 - k) (p_e,i - p_e) / (1 - p_e)``, where ``p_e,i`` is
    unit ``i``'s share of the chance agreement. ``unit_chance=None`` means
    ``p_e`` is a constant (Brennan-Prediger), so its term vanishes.

    ``agreement`` and ``unit_chance`` are ``(n,)`` or ``(n, J)`` for J
    coefficients at once (``chance`` and ``statistic`` then ``(J,)``).
    """
    n_units = agreement.shape[0]
    pair = has_pair.astype(float)
    if agreement.ndim == 2:
        pair = pair[:, None]
    n_pairs = pair.sum(axis=0)

    unit_terms = (n_units / n_pairs) * (agreement - chance * pair) / (1 - chance)
    if unit_chance is not None:
        unit_terms = unit_terms - 2 * (1 - statistic) * (unit_chance - chance) / (
            1 - chance
        )
    finite = 0.0 if population_size is None else n_units / population_size
    spread = ((unit_terms - statistic) ** 2).sum(axis=0)
    return (1 - finite) / (n_units * (n_units - 1)) * spread


def t_test_p_value(statistic: float, standard_error: float, df: float) -> float:
    """Two-sided p-value of ``statistic / standard_error`` against t(df)."""
    return float(t_test_p_values(np.asarray(statistic), np.asarray(standard_error), df))


def t_test_p_values(
    statistic: np.ndarray, standard_error: np.ndarray, df: float
) -> np.ndarray:
    """Two-sided t(df) p-values; 0 where the standard error is 0 (not 0/0)."""
    if df <= 0:
        return np.full(np.shape(statistic), np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.abs(statistic / standard_error)
    # scipy.stats.t.sf without its argument checks: the same special function
    p_values = 2 * special.stdtr(df, -ratio)
    return np.where((standard_error == 0) & (statistic == 0), np.nan, p_values)


def z_test_p_values(statistic: np.ndarray, standard_error: float) -> np.ndarray:
    """Two-sided p-values of ``statistic / standard_error`` against N(0, 1)."""
    if not math.isfinite(standard_error) or standard_error <= 0:
        return np.full(np.shape(statistic), np.nan)
    return 2 * special.ndtr(-np.abs(np.asarray(statistic) / standard_error))


def capped_interval(
    statistic: float,
    standard_error: float,
    level: float,
    *,
    df: float | None,
) -> Interval:
    """Wald interval whose upper end is capped at 1, the coefficient's maximum.

    irrCAC caps it the same way; its lower end is left as it is. The quantile
    is scipy.stats' (t or normal) computed by the same special function.
    """
    if df is None:
        quantile = special.ndtri(0.5 + level / 2)
    else:
        quantile = special.stdtrit(df, 0.5 + level / 2) if df > 0 else math.nan
    return Interval(
        low=float(statistic - quantile * standard_error),
        high=min(1.0, float(statistic + quantile * standard_error)),
        level=level,
    )


def chance_result(
    coefficient: str,
    data: ChanceData,
    *,
    statistic: float,
    agreement: float,
    chance: float,
    standard_error: float,
    level: float,
    options: Mapping[str, Any],
    details: Mapping[str, Any] | None = None,
) -> AgreementResult:
    """Result with irrCAC's t(n - 1) interval and two-sided t test."""
    df = data.n_units - 1
    return AgreementResult(
        coefficient=coefficient,
        statistic=float(statistic),
        standard_error=float(standard_error),
        confidence_interval=capped_interval(statistic, standard_error, level, df=df),
        n_units=data.n_units,
        n_raters=data.n_raters,
        p_value=t_test_p_value(statistic, standard_error, df),
        options=options,
        details={
            "percent_agreement": float(agreement),
            "chance_agreement": float(chance),
            "categories": data.categories,
            "test": "gwet_t",
            **(details or {}),
        },
    )


def undefined_result(
    coefficient: str,
    reason: str,
    data: ChanceData,
    *,
    level: float,
    options: Mapping[str, Any],
    depth: int = 1,
) -> AgreementResult:
    """NaN result with ``reason``, warned to the caller of the coefficient.

    ``depth`` is how many toolkit frames lie between the public coefficient
    and this call (1 when the coefficient calls it directly).
    """
    return undefined(
        coefficient,
        reason,
        n_units=data.n_units,
        n_raters=data.n_raters,
        level=level,
        options=options,
        stacklevel=3 + depth,
    )
