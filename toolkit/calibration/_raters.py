"""Rater diagnostics: leniency, agreement with the group, effect on agreement.

Scores are read on the scale's own footing: an ordinal score as its position
among the declared levels (1 = lowest), so offsets are in levels; an interval
or ratio score as its number; a nominal score only as its category.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from toolkit import agreement
from toolkit.calibration._verdict import Choice, point_estimate
from toolkit.ratings import CriterionRatings

__all__ = [
    "RATER_COLUMNS",
    "leniency",
    "offsets_from_others",
    "rater_frame",
    "rater_rows",
    "scale_positions",
    "without",
]

_NO_OFFSET: dict[str, Any] = {
    "offset": math.nan,
    "offset_low": math.nan,
    "offset_high": math.nan,
    "flag": None,
}
RATER_COLUMNS: tuple[str, ...] = (
    "criterion",
    "rater",
    "n_calls",
    "offset",
    "offset_low",
    "offset_high",
    "flag",
    "exact_agreement",
    "pairwise_agreement",
    "coefficient_without",
    "change_without",
    "lowest_level",
    "highest_level",
    "never_lowest",
    "never_highest",
)


def scale_positions(ratings: CriterionRatings) -> np.ndarray | None:
    """Calls x raters positions (ordinal) or numbers; ``None`` when nominal."""
    if ratings.scale.kind == "nominal" or ratings.n_calls == 0:
        return None
    matrix = agreement.rating_matrix(ratings)
    if ratings.scale.kind == "ordinal":
        return np.where(matrix.codes >= 0, matrix.codes + 1.0, np.nan)
    return np.asarray(matrix.values, dtype=float)


def offsets_from_others(
    values: np.ndarray, leave_out: frozenset[int] = frozenset()
) -> np.ndarray:
    """Each score minus the mean of the other raters' scores of its call.

    Raters (columns) in ``leave_out`` are left out of the others' mean; on a
    call where only they scored besides the rater, all others count. NaN
    where the rater did not score the call or nobody else did.

    Examples
    --------
    >>> offsets_from_others(np.array([[1.0, 2.0, 3.0]])).tolist()
    [[-1.5, 0.0, 1.5]]
    >>> offsets_from_others(np.array([[1.0, 2.0, 3.0]]), frozenset({2})).tolist()
    [[-1.0, 1.0, 1.5]]
    """
    present = ~np.isnan(values)
    filled = np.where(present, values, 0.0)
    offsets = np.full(values.shape, np.nan)
    for j in range(values.shape[1]):
        others = [k for k in range(values.shape[1]) if k != j]
        trusted = [k for k in others if k not in leave_out]
        reference = _row_mean(filled[:, trusted], present[:, trusted])
        fallback = _row_mean(filled[:, others], present[:, others])
        reference = np.where(np.isnan(reference), fallback, reference)
        offsets[:, j] = np.where(present[:, j], values[:, j] - reference, np.nan)
    return offsets


def _row_mean(filled: np.ndarray, present: np.ndarray) -> np.ndarray:
    counts = present.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, filled.sum(axis=1) / counts, np.nan)


def leniency(
    values: np.ndarray | None, *, level: float, threshold: float
) -> list[dict[str, Any]]:
    """Per rater: mean offset, its t interval and flag.

    One at a time, the most extreme newly flagged rater is left out of the
    others' mean and the offsets recomputed, until no new rater is flagged;
    so one lenient rater does not make the others look severe.
    """
    if values is None:
        return []
    left_out: frozenset[int] = frozenset()
    rows: list[dict[str, Any]] = []
    for _ in range(values.shape[1]):
        offsets = offsets_from_others(values, left_out)
        rows = [
            _leniency(offsets[:, j], level, threshold) for j in range(values.shape[1])
        ]
        new = [j for j, row in enumerate(rows) if row["flag"] and j not in left_out]
        if not new:
            break
        worst = max(new, key=lambda j: abs(rows[j]["offset"]))
        left_out = left_out | {worst}
    return rows


def without(ratings: CriterionRatings, raters: list[Any]) -> CriterionRatings:
    """The ratings without ``raters``, keeping calls still scored twice."""
    matrix = ratings.matrix.drop(columns=raters)
    matrix = matrix[matrix.notna().sum(axis=1) >= 2]
    return CriterionRatings(ratings.criterion, ratings.scale, matrix)


def rater_rows(
    ratings: CriterionRatings,
    choice: Choice,
    *,
    estimate: float,
    level: float,
    leniency_threshold: float,
) -> list[dict[str, Any]]:
    """One row per rater of a criterion (see the report's ``raters``)."""
    if ratings.n_calls == 0:
        return []
    positions = scale_positions(ratings)
    raters = list(ratings.matrix.columns)
    codes = agreement.rating_matrix(ratings).codes

    # the coefficient of every pair of raters, computed once
    pairs: dict[frozenset, float] = {}
    for j, first in enumerate(raters):
        for second in raters[j + 1 :]:
            others = [r for r in raters if r not in (first, second)]
            pairs[frozenset((first, second))] = point_estimate(
                without(ratings, others), choice, level
            )

    # every rater's offset, agreement share and coefficient without them
    rows = []
    offsets = leniency(positions, level=level, threshold=leniency_threshold)
    shares = _exact_agreement(codes)
    for j, rater in enumerate(raters):
        row: dict[str, Any] = {
            "criterion": ratings.criterion,
            "rater": rater,
            "n_calls": int(ratings.matrix[rater].notna().sum()),
        }
        row.update(offsets[j] if offsets else _NO_OFFSET)
        pair_values = [pairs[frozenset((rater, r))] for r in raters if r != rater]
        without_rater = (
            point_estimate(without(ratings, [rater]), choice, level)
            if len(raters) > 2
            else math.nan
        )
        row.update(
            exact_agreement=shares[j],
            pairwise_agreement=_mean(pair_values),
            coefficient_without=without_rater,
            change_without=without_rater - estimate,
        )
        row.update(_range_use(ratings, positions, j))
        rows.append(row)
    return rows


def _leniency(offsets: np.ndarray, level: float, threshold: float) -> dict:
    """Mean offset with its t interval over calls, and the flag it earns."""
    values = offsets[~np.isnan(offsets)]
    if values.size == 0:
        return dict(_NO_OFFSET)
    mean = float(values.mean())
    if values.size < 2:
        return {**_NO_OFFSET, "offset": mean}
    quantile = stats.t.ppf(0.5 + level / 2, values.size - 1)
    margin = float(quantile * values.std(ddof=1) / math.sqrt(values.size))
    low, high = mean - margin, mean + margin
    flag = None
    if low > 0 and mean >= threshold:
        flag = "lenient"
    elif high < 0 and mean <= -threshold:
        flag = "severe"
    return {"offset": mean, "offset_low": low, "offset_high": high, "flag": flag}


def _exact_agreement(codes: np.ndarray) -> list[float]:
    """Per rater: share of their pairs with other raters on a call that match."""
    present = codes >= 0
    both = present[:, :, None] & present[:, None, :]
    both &= ~np.eye(codes.shape[1], dtype=bool)[None, :, :]
    same = both & (codes[:, :, None] == codes[:, None, :])
    pairs = both.sum(axis=(0, 2))
    agreeing = same.sum(axis=(0, 2))
    return [
        float(a / p) if p else math.nan for a, p in zip(agreeing, pairs, strict=True)
    ]


def _range_use(
    ratings: CriterionRatings, positions: np.ndarray | None, j: int
) -> dict[str, Any]:
    """Lowest and highest level used, and whether others went further."""
    if positions is None:
        return dict.fromkeys(
            ("lowest_level", "highest_level", "never_lowest", "never_highest")
        )
    own = positions[:, j][~np.isnan(positions[:, j])]
    rest = np.delete(positions, j, axis=1)
    rest = rest[~np.isnan(rest)]
    return {
        "lowest_level": _level(ratings, own.min()),
        "highest_level": _level(ratings, own.max()),
        "never_lowest": bool(rest.size and rest.min() < own.min()),
        "never_highest": bool(rest.size and rest.max() > own.max()),
    }


def _level(ratings: CriterionRatings, position: float) -> Any:
    if ratings.scale.kind == "ordinal" and ratings.scale.levels is not None:
        return ratings.scale.levels[int(position) - 1]
    return float(position)


def _mean(values: list[float]) -> float:
    defined = [v for v in values if not math.isnan(v)]
    return float(np.mean(defined)) if defined else math.nan


def rater_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """The rows as a frame with every column, even when there are none."""
    frame = pd.DataFrame(rows, columns=list(RATER_COLUMNS))
    frame["flag"] = frame["flag"].astype(object).where(frame["flag"].notna(), None)
    return frame
