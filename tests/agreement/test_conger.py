"""Conger's kappa: what is its own beyond the family's shared estimate.

Conger's values against irrCAC, R irr (pyirr) and the Python ``irrcac`` port
are tested with AC1/AC2 and Brennan-Prediger in ``test_gwet.py``, which share
its estimate; here are its chance agreement's own paths.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from toolkit.agreement import _conger
from toolkit.agreement._chance_data import prepare
from toolkit.agreement._conger import _conger_kappa_unit_terms, conger_kappa
from toolkit.agreement._input import rating_matrix
from toolkit.errors import RatingsError, UndefinedCoefficientWarning

nan = math.nan

# Krippendorff (2011) as irrCAC's cac.raw4raters (also our krippendorff2011_c_data)
RAW4RATERS = [
    [1, 1, nan, 1], [2, 2, 3, 2], [3, 3, 3, 3], [3, 3, 3, 3], [2, 2, 2, 2],
    [1, 2, 3, 4], [4, 4, 4, 4], [1, 1, 2, 1], [2, 2, 2, 2], [nan, 5, 5, 5],
    [nan, nan, 1, 1], [nan, nan, 3, nan],
]  # fmt: skip


def test_conger_leaves_out_a_rater_without_ratings():
    with_idle = [[*row, nan] for row in RAW4RATERS]

    result = conger_kappa(with_idle)

    assert result.n_raters == 4
    assert result.statistic == pytest.approx(conger_kappa(RAW4RATERS).statistic)


def test_conger_with_one_of_two_declared_levels_used_returns_nan_and_warns():
    ratings = [["yes", "yes"], ["yes", "yes"], ["yes", None]]

    with pytest.warns(UndefinedCoefficientWarning, match="every rating is 'yes'"):
        result = conger_kappa(ratings, levels=["yes", "no"])

    assert math.isnan(result.statistic)


def test_conger_unit_terms_give_nan_when_a_rater_drops_out_of_a_resample():
    terms = _conger_kappa_unit_terms(rating_matrix(RAW4RATERS))
    # units 11 and 12 were scored by raters 3 and 4 only
    multiplicity = np.zeros((1, len(RAW4RATERS)))
    multiplicity[0, [10, 11]] = 2

    with np.errstate(all="raise"):
        combined = terms.combine(multiplicity @ terms.terms)

    assert np.isnan(combined).all()


@pytest.mark.parametrize("weights", ["quadratic", "ratio", "bipolar"])
def test_weight_rows_are_the_indicators_times_the_weights(weights):
    # the gather that replaced an (n r q) x (q q) product
    rng = np.random.default_rng(5)
    scores = rng.integers(1, 8, size=(40, 4)).astype(float)
    scores[rng.random(scores.shape) < 0.3] = nan
    data = prepare(
        rating_matrix(scores),
        coefficient="conger_kappa",
        weights=weights,
        weights_by="value",
        levels=None,
        categories="declared",
        missing="available",
    )

    product = _conger._rater_indicators(data) @ data.weights.T

    np.testing.assert_allclose(_conger._weight_rows(data), product, atol=1e-15)


def test_near_continuous_scores_are_refused_with_advice():
    # 990 distinct scores among 990: each score its own category, which no
    # categorical coefficient can use; the error points to the right tools
    scores = np.random.default_rng(0).normal(size=(330, 3)).round(6)

    with pytest.raises(RatingsError, match=r"990 distinct scores.*icc"):
        conger_kappa(scores, weights="quadratic")


def test_module_exports_its_public_names():
    assert _conger.__all__ == ["conger_kappa"]
    assert callable(_conger.conger_kappa)
