"""Disagreement sums of alpha without a values x values matrix.

Alpha goes through the calls' level counts on few levels and through sums
(sorted keys, sums of squares, mid-ranks) on many; both paths are checked
against each other and against the ``krippendorff`` package 0.9.
"""

from __future__ import annotations

import tracemalloc

import krippendorff
import numpy as np
import pytest

from tests.agreement.test_alpha import random_scores
from toolkit.agreement import _alpha_disagreement, _alpha_ratio
from toolkit.agreement._alpha import krippendorff_alpha


@pytest.mark.parametrize("metric", ["nominal", "ordinal", "interval", "ratio"])
def test_alpha_matches_krippendorff_package_on_many_distinct_scores(
    monkeypatch, metric
):
    # ~190 distinct scores with the thresholds lowered, so that ratio goes by
    # quadrature and the others by sums, as for continuous scores (the
    # package itself needs calls x values x values memory)
    monkeypatch.setattr(_alpha_disagreement, "_MAX_COUNT_LEVELS", 16)
    monkeypatch.setattr(_alpha_ratio, "_MAX_DIRECT_RATIO", 16)
    rng = np.random.default_rng(11)
    scores = np.round(rng.lognormal(2.0, 1.0, (60, 4)), 3)
    scores[rng.random(scores.shape) < 0.2] = np.nan
    assert np.unique(scores[~np.isnan(scores)]).size > 150
    expected = krippendorff.alpha(scores.T, level_of_measurement=metric)
    result = krippendorff_alpha(scores, metric=metric)
    assert result.statistic == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("metric", ["nominal", "ordinal", "interval", "ratio"])
@pytest.mark.parametrize("seed", range(10))
def test_level_counts_and_sums_give_the_same_alpha(monkeypatch, seed, metric):
    scores = random_scores(seed + 200)
    if np.unique(scores[~np.isnan(scores)]).size < 2:
        pytest.skip("one level only")
    by_counts = krippendorff_alpha(scores, metric=metric)
    monkeypatch.setattr(_alpha_disagreement, "_MAX_COUNT_LEVELS", 0)
    monkeypatch.setattr(_alpha_ratio, "_MAX_DIRECT_RATIO", 0)
    by_sums = krippendorff_alpha(scores, metric=metric)
    assert by_sums.statistic == pytest.approx(by_counts.statistic, abs=1e-12)
    assert by_sums.standard_error == pytest.approx(by_counts.standard_error, abs=1e-12)


def test_continuous_alpha_builds_no_values_by_values_matrix():
    # 15,000 distinct scores: a values x values matrix would take 1.8 GB
    rng = np.random.default_rng(8)
    scores = rng.gamma(5.0, 2.0, (3000, 5)) + rng.normal(0, 1, (3000, 1)) ** 2
    for metric in ("interval", "ratio", "ordinal", "nominal"):
        tracemalloc.start()
        krippendorff_alpha(scores, metric=metric)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert peak < 150e6, (metric, peak)
