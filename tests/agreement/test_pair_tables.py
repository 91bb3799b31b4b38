"""Tests of the two-rater tables shared by Cohen's, Scott's and Light's kappas.

The additive per-call terms are checked against the tables they summarise;
the interval and continuous-score guards against their stated rules.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from toolkit.agreement._cohen import _cohen_kappa_unit_terms
from toolkit.agreement._input import rating_matrix
from toolkit.agreement._pair_tables import (
    _kappa_statistic,
    _kept_calls,
    _margin_terms,
    _pair_tables,
    _rater_pairs,
    _require_categories,
    _scott_statistic,
    _statistic_from_margins,
    _within_bounds,
)
from toolkit.agreement._result import Interval
from toolkit.agreement._weights import weight_matrix
from toolkit.errors import RatingsError


def random_ratings(seed: int, n_units: int = 30, n_raters: int = 4) -> np.ndarray:
    """Scores 1..5 close to a true level per call, about 15% missing."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(1, 6, n_units)
    scores = truth[:, None] + rng.integers(-1, 2, (n_units, n_raters))
    scores = np.clip(scores, 1, 5).astype(float)
    scores[rng.random(scores.shape) < 0.15] = np.nan
    return scores


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("missing", ["drop_units", "pairwise"])
@pytest.mark.parametrize("weights", ["identity", "quadratic"])
def test_margin_terms_give_each_pairs_table_statistics(seed, missing, weights):
    matrix = rating_matrix(random_ratings(seed))
    pairs = _rater_pairs(matrix.n_raters)
    w = weight_matrix(weights, matrix.category_values)

    tables, _, _ = _pair_tables(matrix, pairs, missing)
    terms = _margin_terms(matrix, pairs, _kept_calls(matrix, missing), w)
    totals = terms.sum(axis=0)

    np.testing.assert_allclose(
        _statistic_from_margins(totals, w, len(pairs)),
        _kappa_statistic(tables, w),
        rtol=0,
        atol=1e-12,
    )
    np.testing.assert_allclose(
        _statistic_from_margins(totals, w, len(pairs), scott=True),
        _scott_statistic(tables, w),
        rtol=0,
        atol=1e-12,
    )


def test_unit_terms_grow_with_the_levels_not_their_square():
    # 300 declared levels: one-hot table cells would be 90 000 columns a call
    rng = np.random.default_rng(0)
    scores = rng.integers(0, 300, (40, 2))
    matrix = rating_matrix(scores, levels=list(range(300)))

    terms = _cohen_kappa_unit_terms(matrix, weights="linear", levels=range(300))

    assert terms.terms.shape == (40, 2 * 300 + 2)


@pytest.mark.parametrize(
    ("low", "high", "capped"),
    [
        (-1.2, 0.3, (-1.0, 0.3)),
        (0.4, 1.1, (0.4, 1.0)),
        (-1.5, 1.5, (-1.0, 1.0)),
        (0.2, 0.6, (0.2, 0.6)),
    ],
)
def test_within_bounds_caps_both_ends(low, high, capped):
    interval = _within_bounds(Interval(low, high, 0.9))

    assert (interval.low, interval.high) == capped
    assert interval.level == 0.9


def test_within_bounds_keeps_nan():
    interval = _within_bounds(Interval(math.nan, math.nan, 0.95))

    assert math.isnan(interval.low) and math.isnan(interval.high)


@pytest.mark.parametrize(
    ("n_distinct", "n_units", "refused"),
    [
        (20, 10, False),  # 20 distinct scores are always accepted
        (30, 15, True),  # 30 distinct among 30 scores: one each
        (21, 21, False),  # 21 distinct among 42 scores: two each on average
        (22, 21, True),  # 22 distinct among 42 scores: fewer than two each
        (60, 40, True),
    ],
)
def test_observed_scores_look_continuous_when_each_is_nearly_unique(
    n_distinct, n_units, refused
):
    scores = np.resize(np.arange(n_distinct, dtype=float), 2 * n_units)
    matrix = rating_matrix(scores.reshape(n_units, 2))

    if refused:
        with pytest.raises(RatingsError, match="distinct scores"):
            _require_categories(matrix, "cohen_kappa")
    else:
        _require_categories(matrix, "cohen_kappa")


def test_declared_levels_are_trusted_up_to_a_thousand():
    scores = np.array([[0, 1], [2, 3]])

    _require_categories(rating_matrix(scores, levels=range(1000)), "cohen_kappa")
    with pytest.raises(RatingsError, match="1001 distinct scores"):
        _require_categories(rating_matrix(scores, levels=range(1001)), "cohen_kappa")
