"""Krippendorff's alpha: checking its options and resolving its metric."""

from __future__ import annotations

from typing import Any, Literal

import numpy as np

from toolkit.agreement._chance_data import (
    check_choice,
    needs_order,
    require_ordered_scale,
)
from toolkit.agreement._input import RatingMatrix
from toolkit.agreement._weights import weight_matrix

__all__: list[str] = []

Metric = Literal["nominal", "ordinal", "interval", "ratio"]
METRICS: tuple[str, ...] = ("nominal", "ordinal", "interval", "ratio")
STANDARD_ERRORS: dict[Any, str] = {
    "gwet": "irrCAC's linearisation",
    None: "none",
}

# weights= builds a q x q matrix; beyond this many levels use metric= instead
_MAX_WEIGHT_LEVELS = 1000


def check_options(metric: Any, weights: Any, standard_error: Any) -> None:
    """Raise on an unknown metric or standard error, or metric with weights."""
    if metric is not None:
        check_choice(
            "metric",
            metric,
            METRICS,
            hint=", or weights=... for irrCAC's weighted alpha",
        )
    if metric is not None and weights is not None:
        raise ValueError(
            f"metric={metric!r} and weights={weights_label(weights)!r} both "
            "set the distance between scores; pass one of them"
        )
    check_choice("standard_error", standard_error, STANDARD_ERRORS)


def weights_label(weights: Any) -> str | None:
    """``weights`` as recorded in ``result.options``: its kind or "custom"."""
    if weights is None or isinstance(weights, str):
        return weights
    return "custom"


def resolve_metric(
    matrix: RatingMatrix, metric: str | None, weights: Any
) -> str | None:
    """The metric to compute (None with weights), checked against the scores.

    Raises
    ------
    RatingsError
        When ordinal alpha, or weights other than identity, meet text labels
        whose order is unknown (no declared levels).
    ValueError
        For interval or ratio alpha on labels, ratio alpha on negative
        scores.
    """
    if weights is not None:
        if needs_order(weights, matrix.n_categories):
            require_ordered_scale(
                matrix, f"krippendorff_alpha(weights={weights_label(weights)!r})"
            )
        return None
    if metric is None and matrix.scale is not None:
        metric = matrix.scale.kind
    if metric is None:
        metric = "interval" if matrix.numeric else "nominal"

    if metric in ("interval", "ratio") and not matrix.numeric:
        shown = ", ".join(repr(c) for c in matrix.categories[:4])
        raise ValueError(
            f"metric={metric!r} needs numeric scores; these are labels "
            f"({shown}, ...); use metric='ordinal' or 'nominal', or recode the "
            "labels as numbers"
        )
    if metric == "ordinal" and matrix.n_categories > 2:
        # on two levels the ordinal distance is a constant, as the nominal
        require_ordered_scale(matrix, "krippendorff_alpha(metric='ordinal')")
    lowest = matrix.category_values.min(initial=0.0)
    if metric == "ratio" and lowest < 0:
        raise ValueError(
            f"metric='ratio' needs scores of zero or more (a ratio scale has a "
            f"true zero); the scores go down to {float(lowest)!r}; use "
            "metric='interval'"
        )
    return metric


def weights_distance(matrix: RatingMatrix, weights: Any) -> np.ndarray:
    """irrCAC's weights as a distance: ``1 - w``, made symmetric."""
    if matrix.n_categories > _MAX_WEIGHT_LEVELS:
        raise ValueError(
            f"weights={weights_label(weights)!r} needs a q x q matrix but the "
            f"scores take {matrix.n_categories} distinct values (limit "
            f"{_MAX_WEIGHT_LEVELS}); use metric='interval' (the alpha of "
            "quadratic weights) or metric='ratio'"
        )
    w = weight_matrix(weights, matrix.category_values)
    return 1.0 - (w + w.T) / 2
