"""The bootstrap's paths for alpha: additive unit terms and the batch."""

from __future__ import annotations

import numpy as np
import pytest

from toolkit.agreement._alpha import krippendorff_alpha
from toolkit.agreement._alpha_resample import (
    _krippendorff_alpha_batch,
    _krippendorff_alpha_unit_terms,
)
from toolkit.agreement._input import rating_matrix

UNIT_TERM_CASES = [
    ({"metric": "nominal"}, "krippendorff2011_c_data"),
    ({"metric": "ordinal"}, "krippendorff2011_c_data"),
    ({"metric": "interval"}, "krippendorff2011_c_data"),
    ({"metric": "ratio"}, "krippendorff2011_c_data"),
    ({"weights": "ordinal"}, "krippendorff2011_c_data"),
    ({"metric": "nominal"}, "gwet2014_raw_gender"),
    ({"metric": "ordinal"}, "gwet2014_raw5obser"),
    ({"metric": "interval"}, "wikipedia_alpha_example"),
    ({"weights": "circular", "levels": list("abcde")}, "gwet2014_raw_g1g2"),
]


@pytest.mark.parametrize(("options", "name"), UNIT_TERM_CASES)
def test_unit_terms_sum_to_the_statistic(reference, options, name):
    frame = reference(name)
    matrix = rating_matrix(frame, levels=options.get("levels"))
    terms = _krippendorff_alpha_unit_terms(matrix, **options)
    assert terms.terms.shape[0] == frame.shape[0]
    assert terms.statistic() == pytest.approx(
        krippendorff_alpha(frame, **options).statistic, abs=1e-12
    )


@pytest.mark.parametrize("metric", ["nominal", "ordinal", "interval", "ratio"])
@pytest.mark.parametrize("continuous", [False, True])
def test_unit_terms_give_the_alpha_of_each_resample(metric, continuous):
    rng = np.random.default_rng(21)
    if continuous:
        scores = np.round(rng.gamma(3.0, 2.0, (120, 4)), 3)
        if metric == "ordinal":
            pytest.skip("ordinal alpha on many levels goes through the batch")
    else:
        scores = rng.integers(1, 6, (120, 4)).astype(float)
    scores[rng.random(scores.shape) < 0.2] = np.nan
    matrix = rating_matrix(scores)
    terms = _krippendorff_alpha_unit_terms(matrix, metric=metric)

    # three resamples of calls, as multiplicities and as matrices
    drawn = rng.integers(0, scores.shape[0], (3, scores.shape[0]))
    counts = np.stack([np.bincount(d, minlength=scores.shape[0]) for d in drawn])
    resampled = terms.combine(counts @ terms.terms)
    direct = [
        krippendorff_alpha(scores[d], metric=metric, standard_error=None).statistic
        for d in drawn
    ]
    np.testing.assert_allclose(resampled, direct, rtol=0, atol=1e-10)


def test_ratio_unit_terms_on_continuous_scores_use_the_quadrature():
    rng = np.random.default_rng(5)
    scores = rng.lognormal(1.0, 1.0, (400, 3))
    terms = _krippendorff_alpha_unit_terms(rating_matrix(scores), metric="ratio")
    assert terms.terms.shape[1] > 100
    assert terms.statistic() == pytest.approx(
        krippendorff_alpha(scores, metric="ratio").statistic, abs=1e-12
    )


def test_unit_terms_combine_returns_nan_without_warning_when_undefined():
    terms = _krippendorff_alpha_unit_terms(
        rating_matrix([[1, 2], [2, 1]]), metric="ordinal"
    )
    totals = np.vstack([terms.terms.sum(axis=0), np.zeros(terms.terms.shape[1])])
    combined = terms.combine(totals)
    assert np.isfinite(combined[0]) and np.isnan(combined[1])


def test_unit_terms_for_ordinal_alpha_on_many_levels_are_not_implemented():
    scores = np.arange(100.0).reshape(50, 2)
    with pytest.raises(NotImplementedError, match="_krippendorff_alpha_batch"):
        _krippendorff_alpha_unit_terms(rating_matrix(scores), metric="ordinal")


@pytest.mark.parametrize("metric", ["nominal", "ordinal", "interval"])
@pytest.mark.parametrize("continuous", [False, True])
def test_batch_gives_the_alpha_of_each_matrix(metric, continuous):
    rng = np.random.default_rng(4)
    shape = (30, 4)
    stack = np.stack(
        [
            np.where(
                rng.random(shape) < 0.2,
                np.nan,
                np.round(rng.gamma(2.0, 2.0, shape), 1 if continuous else 0),
            )
            for _ in range(4)
        ]
    )
    batch = _krippendorff_alpha_batch(stack, metric=metric)
    one_by_one = [krippendorff_alpha(s, metric=metric).statistic for s in stack]
    np.testing.assert_allclose(batch, one_by_one, rtol=0, atol=1e-12)


def test_batch_refers_ratio_and_weights_to_unit_terms():
    with pytest.raises(NotImplementedError, match="unit terms"):
        _krippendorff_alpha_batch(np.ones((2, 3, 2)), metric="ratio")
