"""Kendall's W against R irr (pyirr port, printed output) and scipy's Friedman."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from pyirr import kendall
from scipy import stats

from toolkit.agreement import _kendall
from toolkit.agreement._kendall import _kendall_w_batch, kendall_w
from toolkit.errors import RatingsError, UndefinedCoefficientWarning
from toolkit.ratings import CriterionRatings
from toolkit.scales import Scale


def _random_scores(seed, *, n_units=None, n_raters=None, n_levels=5, missing=0.0):
    """Ordinal scores with a shared call effect, ties, and some cells NaN."""
    rng = np.random.default_rng(seed)
    n_units = n_units or int(rng.integers(3, 30))
    n_raters = n_raters or int(rng.integers(2, 7))
    latent = rng.normal(size=(n_units, 1)) * rng.uniform(0, 2) + rng.normal(
        size=(n_units, n_raters)
    )
    scores = np.clip(np.round(latent + n_levels / 2), 1, n_levels)
    gaps = rng.uniform(size=scores.shape) < missing
    gaps[:3] = False  # at least three complete calls
    scores[gaps] = np.nan
    return scores


# --- published and reference values ------------------------------------------


def test_kendall_w_matches_r_irr_printout():
    # R irr kendall(ratings) with rtr1 <- c(1,6,3,2,5,4); rtr2 <- c(1,5,6,2,4,3);
    # rtr3 <- c(2,3,6,5,4,1), as printed in D. Wollschlaeger's RExRepos
    # (md/interRaterICC.md): W = 0.568, Chisq(5) = 8.52, p-value = 0.13
    ranks = np.array([[1, 6, 3, 2, 5, 4], [1, 5, 6, 2, 4, 3], [2, 3, 6, 5, 4, 1]]).T
    for correct_ties in (True, False):  # no ties: both give the same W
        result = kendall_w(ranks, correct_ties=correct_ties)
        assert result.statistic == pytest.approx(0.568, abs=5e-4)
        assert result.details["chi2"] == pytest.approx(8.52, abs=5e-3)
        assert result.details["df"] == 5
        assert result.p_value == pytest.approx(0.13, abs=5e-3)


@pytest.mark.parametrize("name", ["irr_anxiety", "irr_video"])
@pytest.mark.parametrize("correct_ties", [True, False])
def test_kendall_w_equals_pyirr_on_irr_data(reference, name, correct_ties):
    # pyirr.kendall(ratings, correct) is a port of R irr 0.84 kendall()
    scores = reference(name).to_numpy(dtype=float)
    expected = kendall(scores, correct_ties)
    result = kendall_w(scores, correct_ties=correct_ties)
    assert result.statistic == pytest.approx(expected.value, rel=1e-12)
    assert result.details["chi2"] == pytest.approx(expected.statistic, rel=1e-12)
    assert result.p_value == pytest.approx(expected.pvalue, rel=1e-9)


@pytest.mark.parametrize("seed", range(30))
@pytest.mark.parametrize("correct_ties", [True, False])
def test_kendall_w_equals_pyirr_on_random_scores(seed, correct_ties):
    # pyirr counts subjects before it drops incomplete rows, so it gets
    # complete rows here; our handling of gaps is checked against scipy below.
    # Its correct=False path raises UnboundLocalError unless two calls have the
    # same scores, so both get the first call once more.
    scores = _random_scores(seed, missing=0.1)
    scores = np.vstack([scores, scores[:1]])
    complete = scores[~np.isnan(scores).any(axis=1)]
    if np.ptp(complete, axis=0).max() == 0:
        pytest.skip("every rater tied every call for this seed")
    expected = kendall(complete, correct_ties)
    result = kendall_w(scores, correct_ties=correct_ties)
    assert result.statistic == pytest.approx(expected.value, rel=1e-9, abs=1e-12)
    assert result.details["chi2"] == pytest.approx(
        expected.statistic, rel=1e-9, abs=1e-12
    )


@pytest.mark.parametrize("seed", range(30))
def test_tie_corrected_chi2_is_friedmans_statistic(seed):
    # scipy.stats.friedmanchisquare with calls as treatments and raters as
    # blocks corrects for ties the same way; chi2 = n_raters (n_units - 1) W
    scores = _random_scores(seed, missing=0.1)
    complete = scores[~np.isnan(scores).any(axis=1)]
    if np.ptp(complete, axis=0).max() == 0:
        pytest.skip("every rater tied every call for this seed")
    friedman = stats.friedmanchisquare(*complete)
    result = kendall_w(scores)
    assert result.details["chi2"] == pytest.approx(friedman.statistic, rel=1e-9)
    assert result.p_value == pytest.approx(friedman.pvalue, rel=1e-9)


# --- behaviour ------------------------------------------------------------------


def test_kendall_w_records_options_and_details(reference):
    result = kendall_w(reference("irr_anxiety"), level=0.9)
    assert dict(result.options) == {"correct_ties": True, "missing": "drop_units"}
    assert result.details["df"] == 19
    assert result.details["units_dropped"] == 0
    assert result.details["ties"] > 0
    assert math.isnan(result.standard_error)
    assert math.isnan(result.confidence_interval.low)
    assert result.confidence_interval.level == 0.9
    assert (result.n_units, result.n_raters) == (20, 3)


def test_kendall_w_drops_calls_with_a_missing_score_and_counts_them():
    scores = _random_scores(4, n_units=12, n_raters=4)
    with_gaps = scores.copy()
    with_gaps[[2, 7], [1, 3]] = np.nan
    result = kendall_w(with_gaps)
    expected = kendall_w(np.delete(scores, [2, 7], axis=0))
    assert result.statistic == expected.statistic
    assert result.details["units_dropped"] == 2
    assert result.n_units == 10


def test_kendall_w_depends_only_on_each_raters_order():
    scores = _random_scores(9, n_units=15, n_raters=3)
    stretched = scores.copy()
    stretched[:, 0] = np.exp(stretched[:, 0])
    stretched[:, 1] = 10 * stretched[:, 1] - 3
    assert kendall_w(stretched).statistic == pytest.approx(
        kendall_w(scores).statistic, rel=1e-15
    )


def test_kendall_w_identical_orders_is_one():
    scores = np.repeat(np.arange(1.0, 8.0)[:, None], 4, axis=1)
    scores[:, 1] += 2  # a constant offset keeps the order
    assert kendall_w(scores).statistic == pytest.approx(1, rel=1e-15)


def test_kendall_w_accepts_ordinal_labels_in_declared_order():
    matrix = np.array([["low", "mid"], ["mid", "high"], ["high", "high"]], object)
    ratings = CriterionRatings(
        "next steps",
        Scale("ordinal", levels=("low", "mid", "high")),
        pd.DataFrame(matrix),
    )
    numbers = [[1, 2], [2, 3], [3, 3]]
    assert kendall_w(ratings).statistic == kendall_w(numbers).statistic


# --- batch over resamples --------------------------------------------------------


@pytest.mark.parametrize("correct_ties", [True, False])
def test_batch_equals_kendall_w_on_each_matrix(correct_ties):
    scores = _random_scores(21, n_units=18, n_raters=4, missing=0.05)
    drawn = np.random.default_rng(2).integers(0, len(scores), size=(50, len(scores)))
    stack = scores[drawn]
    batch = _kendall_w_batch(stack, correct_ties=correct_ties)
    assert batch.shape == (50,)
    expected = [
        kendall_w(matrix, correct_ties=correct_ties).statistic for matrix in stack
    ]
    np.testing.assert_allclose(batch, expected, rtol=1e-12, atol=0)


def test_batch_is_nan_without_warning_where_undefined():
    stack = np.array(
        [
            [[1.0, 2.0], [2.0, 1.0], [3.0, 3.0]],  # defined
            [[1.0, 2.0], [np.nan, 1.0], [3.0, np.nan]],  # one complete call
            [[2.0, 4.0], [2.0, 4.0], [2.0, 4.0]],  # every rater ties all calls
        ]
    )
    with np.errstate(all="raise"):
        batch = _kendall_w_batch(stack)
    assert np.isfinite(batch[0])
    assert np.isnan(batch[1:]).all()


def test_batch_rejects_a_single_matrix():
    with pytest.raises(ValueError, match=r"shape \(B, n_units, n_raters\)"):
        _kendall_w_batch(np.ones((4, 3)))


# --- undefined and bad input ------------------------------------------------------


@pytest.mark.parametrize("correct_ties", [True, False])
def test_kendall_w_every_rater_constant_returns_nan_and_warns(correct_ties):
    scores = [[3, 1], [3, 1], [3, 1], [3, 1]]
    with pytest.warns(UndefinedCoefficientWarning, match="same score"):
        result = kendall_w(scores, correct_ties=correct_ties)
    assert math.isnan(result.statistic)


def test_kendall_w_fewer_than_two_complete_calls_returns_nan_and_warns():
    with pytest.warns(UndefinedCoefficientWarning, match="fewer than two calls"):
        result = kendall_w([[1, 2], [2, None], [None, 3]])
    assert result.n_units == 1


def test_kendall_w_correct_ties_must_be_bool():
    with pytest.raises(TypeError, match="correct_ties='yes' is not a bool"):
        kendall_w([[1, 2], [2, 1]], correct_ties="yes")  # type: ignore[arg-type]


def test_kendall_w_bad_level_raises():
    with pytest.raises(ValueError, match=r"level=1\.5 is not a confidence level") as e:
        kendall_w([[1, 2], [2, 1]], level=1.5)
    assert not isinstance(e.value, RatingsError)  # the option, not the data


def test_kendall_w_one_rater_raises():
    with pytest.raises(RatingsError, match="at least two raters"):
        kendall_w([[1], [2], [3]])


def test_kendall_w_nominal_scale_raises(reference):
    ratings = CriterionRatings("greeting", Scale("nominal"), reference("irr_anxiety"))
    with pytest.raises(RatingsError, match="scale is nominal"):
        kendall_w(ratings)


def test_kendall_w_unordered_labels_raise_and_point_to_levels():
    labels = [["low", "high"], ["high", "high"], ["low", "low"], ["high", "low"]]
    with pytest.raises(RatingsError, match=r"order is unknown; pass levels=") as e:
        kendall_w(labels)
    # the message names only options kendall_w accepts
    assert "scale=" not in str(e.value)
    assert kendall_w(labels, levels=["low", "high"]).statistic == pytest.approx(
        kendall_w([[1, 2], [2, 2], [1, 1], [2, 1]]).statistic, rel=1e-15
    )


def test_kendall_w_score_outside_levels_raises():
    with pytest.raises(RatingsError, match="not among the declared levels"):
        kendall_w([["low", "mid"], ["mid", "top"]], levels=["low", "mid", "high"])


def test_module_exports_exist():
    for name in _kendall.__all__:
        assert callable(getattr(_kendall, name))
