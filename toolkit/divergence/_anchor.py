"""Is the AI score still a trustworthy anchor? Its agreement with the manager.

Per criterion, over the whole table and per period, the AI's scores are
compared with the manager's on the calls both scored: the mean signed bias
(AI minus manager, in levels) with a Student t interval, the share of calls
within one level (:func:`toolkit.agreement.percent_agreement` with
``tolerance=1``), and quadratic-weighted Cohen's kappa
(:func:`toolkit.agreement.cohen_kappa`). Two flags say when to stop trusting
the anchor: a *bias* on a criterion, and a *drift* from one period to the next.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from toolkit.agreement import cohen_kappa, percent_agreement
from toolkit.errors import UndefinedCoefficientWarning

__all__ = ["AnchorQuality", "anchor_flag", "anchor_quality"]

_SLACK = 1e-9
_COEFFICIENTS = (
    *("within_one_level", "within_one_low", "within_one_high"),
    *("weighted_kappa", "kappa_low", "kappa_high"),
)


@dataclass(frozen=True)
class AnchorQuality:
    """How well the AI score agrees with the manager's, per criterion.

    Attributes
    ----------
    by_criterion
        One row per criterion over the whole table: ``n_calls`` scored by both
        AI and manager; ``mean_bias`` (AI minus manager, in levels) with its
        interval ``bias_low`` to ``bias_high``; ``within_one_level`` (share of
        calls at most one level apart) with ``within_one_low`` and
        ``within_one_high``; ``weighted_kappa`` (quadratic weights) with
        ``kappa_low`` and ``kappa_high``; ``biased`` and ``drifting`` flags;
        ``largest_drop`` (the largest fall of ``within_one_level`` from one
        period to the next, NaN with a single period) and ``drop_period``
        (the period it fell into); ``note`` saying why a value is NaN.
    by_period
        The same measures per criterion and period, periods in order, with
        ``drop`` (fall of ``within_one_level`` since the previous period) and
        per-period ``biased`` and ``drifting`` flags.
    level
        Confidence level of every interval.
    bias_threshold, drift_threshold
        The flags' thresholds (levels of bias; fall of the within-one share).
    """

    by_criterion: pd.DataFrame
    by_period: pd.DataFrame
    level: float
    bias_threshold: float
    drift_threshold: float

    @property
    def flagged(self) -> pd.DataFrame:
        """The criteria whose AI score is biased or drifting."""
        rows = self.by_criterion["biased"] | self.by_criterion["drifting"]
        return self.by_criterion[rows].reset_index(drop=True)


def anchor_quality(
    wide: pd.DataFrame,
    *,
    levels: Mapping[str, tuple[float, ...]],
    level: float,
    bias_threshold: float,
    drift_threshold: float,
) -> AnchorQuality:
    """Agreement of AI and manager per criterion and per period, with flags."""
    pairs = wide.dropna(subset=["ai", "manager"])
    criteria = list(pd.unique(wide["criterion"]))

    # per criterion and period, periods in order
    per_period = [
        {"criterion": c, "period": p, **_agreement(rows, levels[c], level)}
        for c in criteria
        for p, rows in _periods_of(pairs[pairs["criterion"] == c])
    ]
    by_period = pd.DataFrame(per_period, columns=_columns(["criterion", "period"]))
    by_period["biased"] = _biased(by_period, bias_threshold)
    previous = by_period.groupby("criterion", sort=False)["within_one_level"].shift()
    by_period["drop"] = previous - by_period["within_one_level"]
    by_period["drifting"] = (by_period["drop"] > drift_threshold + _SLACK).to_numpy()

    # over the whole table, with the largest fall between periods
    overall = [
        {
            "criterion": c,
            **_agreement(pairs[pairs["criterion"] == c], levels[c], level),
        }
        for c in criteria
    ]
    by_criterion = pd.DataFrame(overall, columns=_columns(["criterion"]))
    by_criterion["biased"] = _biased(by_criterion, bias_threshold)
    by_criterion = by_criterion.merge(_drops(by_period), on="criterion", how="left")
    by_criterion["drifting"] = by_criterion["drifting"].eq(True)
    note = by_criterion.pop("note")
    by_criterion["note"] = note

    return AnchorQuality(
        by_criterion=by_criterion,
        by_period=by_period,
        level=level,
        bias_threshold=bias_threshold,
        drift_threshold=drift_threshold,
    )


def _columns(keys: list[str]) -> list[str]:
    return [
        *keys,
        *("n_calls", "mean_bias", "bias_low", "bias_high"),
        *("within_one_level", "within_one_low", "within_one_high"),
        *("weighted_kappa", "kappa_low", "kappa_high", "note"),
    ]


def _periods_of(rows: pd.DataFrame) -> list[tuple[Any, pd.DataFrame]]:
    # period labels are ISO-like (2026-11, 2026Q4), so text order is time order
    return sorted(rows.groupby("period", sort=False), key=lambda item: str(item[0]))


def _agreement(
    rows: pd.DataFrame, levels: tuple[float, ...], level: float
) -> dict[str, Any]:
    """Bias, within-one share and weighted kappa of AI against manager."""
    ai = rows["ai"].to_numpy(dtype=float)
    manager = rows["manager"].to_numpy(dtype=float)
    n_calls = len(ai)
    bias, low, high = _mean_interval(ai - manager, level)

    found: dict[str, Any] = {
        "n_calls": n_calls,
        "mean_bias": bias,
        "bias_low": low,
        "bias_high": high,
        **dict.fromkeys(_COEFFICIENTS, math.nan),
    }
    if n_calls < 2:
        found["note"] = f"{n_calls} call(s) scored by both AI and manager"
        return found

    # the coefficients warn when undefined; the reason goes in the note
    matrix = np.column_stack([ai, manager])
    scale = sorted(set(levels) | set(ai.tolist()) | set(manager.tolist()))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedCoefficientWarning)
        within = percent_agreement(
            matrix, tolerance=1, tolerance_by="value", level=level
        )
        kappa = cohen_kappa(matrix, weights="quadratic", levels=scale, level=level)
    for name, result in (("within_one", within), ("kappa", kappa)):
        value = "within_one_level" if name == "within_one" else "weighted_kappa"
        found[value] = result.statistic
        found[f"{name}_low"] = result.confidence_interval.low
        found[f"{name}_high"] = result.confidence_interval.high
    found["note"] = "; ".join(
        f"{r.coefficient}: {r.undefined_reason}"
        for r in (within, kappa)
        if r.undefined_reason is not None
    )
    return found


def _mean_interval(values: np.ndarray, level: float) -> tuple[float, float, float]:
    """Mean with a Student t interval; NaN ends below two values."""
    if len(values) == 0:
        return math.nan, math.nan, math.nan
    mean = float(values.mean())
    if len(values) < 2:
        return mean, math.nan, math.nan
    half = stats.t.ppf(0.5 + level / 2, len(values) - 1) * (
        values.std(ddof=1) / math.sqrt(len(values))
    )
    return mean, float(mean - half), float(mean + half)


def _biased(frame: pd.DataFrame, threshold: float) -> np.ndarray:
    """Interval excludes 0 and the bias is at least ``threshold`` levels."""
    excludes_zero = (frame["bias_low"] > 0) | (frame["bias_high"] < 0)
    large = frame["mean_bias"].abs() >= threshold - _SLACK
    return (excludes_zero & large).to_numpy(dtype=bool)


def _drops(by_period: pd.DataFrame) -> pd.DataFrame:
    """Per criterion: the largest fall between periods, and whether it drifts."""
    rows = []
    for criterion, periods in by_period.groupby("criterion", sort=False):
        drops = periods["drop"].to_numpy(dtype=float)
        at = int(np.nanargmax(drops)) if not np.isnan(drops).all() else None
        rows.append(
            {
                "criterion": criterion,
                "drifting": bool(periods["drifting"].any()),
                "largest_drop": drops[at] if at is not None else math.nan,
                "drop_period": periods["period"].iloc[at] if at is not None else None,
            }
        )
    columns = ["criterion", "drifting", "largest_drop", "drop_period"]
    return pd.DataFrame(rows, columns=columns)


def anchor_flag(row: Any) -> str:
    """What a lead reads for one row of ``AnchorQuality.criteria``.

    ``"too few calls to tell"``, ``"ok"``, or the problems found: a bias of
    the AI score, and a drop of its agreement with the manager.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> from toolkit.divergence import anchor_flag
    >>> anchor_flag(SimpleNamespace(n_calls=40, biased=True, mean_bias=0.62,
    ...     drifting=True, largest_drop=0.25, drop_period="2025-03"))
    'biased (+0.62 levels); drifting (agreement within 1 level fell 25% in 2025-03)'
    """
    if row.n_calls < 2:
        return "too few calls to tell"
    flags = []
    if row.biased:
        flags.append(f"biased ({row.mean_bias:+.2f} levels)")
    if row.drifting:
        flags.append(
            f"drifting (agreement within 1 level fell {row.largest_drop:.0%} "
            f"in {row.drop_period})"
        )
    return "; ".join(flags) or "ok"
