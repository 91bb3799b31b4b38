"""Per call: how much its raters disagree. Per rater: how they used the scale."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from toolkit import agreement
from toolkit.calibration._raters import scale_positions
from toolkit.ratings import CriterionRatings

__all__ = [
    "CALL_COLUMNS",
    "MAX_SCALE_USE_LEVELS",
    "SCALE_USE_COLUMNS",
    "call_rows",
    "disagreement",
    "scale_use_rows",
]

CALL_COLUMNS: tuple[str, ...] = (
    "criterion",
    "round",
    "call",
    "n_scores",
    "scores",
    "disagreement",
    "rank",
)
SCALE_USE_COLUMNS: tuple[str, ...] = (
    "criterion",
    "rater",
    "level",
    "position",
    "count",
    "share",
)
# an interval criterion with more distinct scores is not counted level by level
MAX_SCALE_USE_LEVELS = 20


def disagreement(ratings: CriterionRatings) -> np.ndarray:
    """Per call: mean absolute difference over pairs of its scores.

    Ordinal scores count in levels (positions on the scale), interval and
    ratio scores in their own units. A nominal call's score is the share of
    its pairs of scores that differ: 1 minus the share that agree.

    Examples
    --------
    >>> import pandas as pd
    >>> from toolkit.scales import Scale
    >>> matrix = pd.DataFrame({"ana": [1.0, 2.0], "ben": [3.0, 2.0],
    ...                        "cy": [3.0, None]})
    >>> ratings = CriterionRatings("close", Scale("ordinal", (1, 2, 3)), matrix)
    >>> [round(float(v), 3) for v in disagreement(ratings)]
    [1.333, 0.0]
    """
    positions = scale_positions(ratings)
    if positions is None:
        codes = agreement.rating_matrix(ratings).codes
        present = codes >= 0
        same = (codes[:, :, None] == codes[:, None, :]) & present[:, :, None]
        same &= present[:, None, :]
        n_scores = present.sum(axis=1)
        pairs = n_scores * (n_scores - 1)
        agreeing = same.sum(axis=(1, 2)) - n_scores  # a score matches itself
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(pairs > 0, 1.0 - agreeing / pairs, np.nan)
    present = ~np.isnan(positions)
    gaps = np.abs(positions[:, :, None] - positions[:, None, :])
    both = present[:, :, None] & present[:, None, :]
    n_scores = present.sum(axis=1)
    pairs = n_scores * (n_scores - 1)
    total = np.where(both, gaps, 0.0).sum(axis=(1, 2))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(pairs > 0, total / pairs, np.nan)


def call_rows(ratings: CriterionRatings) -> list[dict[str, Any]]:
    """One row per call, most disputed first (ties in call order)."""
    if ratings.n_calls == 0:
        return []
    matrix = agreement.rating_matrix(ratings)
    scores = disagreement(ratings)
    order = np.argsort(-np.nan_to_num(scores, nan=-1.0), kind="stable")
    rows = []
    for position in order:
        key = ratings.matrix.index[position]
        round_, call = key if isinstance(key, tuple) else (None, key)
        codes = np.sort(matrix.codes[position][matrix.codes[position] >= 0])
        rows.append(
            {
                "criterion": ratings.criterion,
                "round": round_,
                "call": call,
                "n_scores": int(codes.size),
                "scores": ", ".join(_text(matrix.categories[c]) for c in codes),
                "disagreement": float(scores[position]),
            }
        )
    _rank(rows)
    return rows


def scale_use_rows(ratings: CriterionRatings) -> tuple[list[dict[str, Any]], str]:
    """Counts of each level per rater, with a note when they are not counted."""
    if ratings.n_calls == 0:
        return [], ""
    matrix = agreement.rating_matrix(ratings)
    n_levels = len(matrix.categories)
    if not ratings.scale.is_categorical and n_levels > MAX_SCALE_USE_LEVELS:
        return [], (
            f"criterion {ratings.criterion!r}: {n_levels} distinct scores, too "
            "many to count level by level; scale use is left out"
        )
    rows = []
    for j, rater in enumerate(ratings.matrix.columns):
        codes = matrix.codes[:, j]
        counts = np.bincount(codes[codes >= 0], minlength=n_levels)
        total = int(counts.sum())
        for k, level in enumerate(matrix.categories):
            rows.append(
                {
                    "criterion": ratings.criterion,
                    "rater": rater,
                    "level": _plain(level),
                    "position": k + 1,
                    "count": int(counts[k]),
                    "share": counts[k] / total if total else math.nan,
                }
            )
    return rows, ""


def _rank(rows: list[dict[str, Any]]) -> None:
    """Rank 1 = most disputed; tied calls share the better rank."""
    previous, rank = None, 0
    for position, row in enumerate(rows, start=1):
        value = row["disagreement"]
        if value != previous:
            rank, previous = position, value
        row["rank"] = rank


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _text(value: Any) -> str:
    value = _plain(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
