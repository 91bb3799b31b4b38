"""Tests of Light's kappa: R irr's manual, pyirr, and its own definition.

Light's kappa is the mean of Cohen's kappa over pairs of raters, so several
tests compare it with :func:`cohen_kappa` on each pair.
"""

from __future__ import annotations

import math
from itertools import combinations

import numpy as np
import pandas as pd
import pyirr
import pytest

from toolkit.agreement import _cohen
from toolkit.agreement._cohen import cohen_kappa
from toolkit.agreement._input import rating_matrix
from toolkit.agreement._light import _light_kappa_unit_terms, light_kappa
from toolkit.errors import RatingsError, UndefinedCoefficientWarning


def influence_variance(unit_terms, eps: float = 1e-6) -> float:
    """Sum over calls of the squared derivative of the statistic (delta method)."""
    total = unit_terms.terms.sum(axis=0)
    steps = eps * unit_terms.terms
    up = unit_terms.combine(total + steps)
    down = unit_terms.combine(total - steps)
    return float((((up - down) / (2 * eps)) ** 2).sum())


# --- Light's kappa -----------------------------------------------------------------


def test_light_kappa_matches_irr_manual_on_diagnoses(reference):
    # R irr manual, example output of kappam.light(diagnoses):
    #   Kappa = 0.459, z = 2.31, p-value = 0.0211
    result = light_kappa(reference("fleiss1971_diagnoses"))

    assert result.statistic == pytest.approx(0.459, abs=5e-4)
    assert result.details["z"] == pytest.approx(2.31, abs=5e-3)
    assert result.p_value == pytest.approx(0.0211, abs=5e-5)
    assert result.details["test"] == "irr_light"


@pytest.mark.parametrize("name", ["fleiss1971_diagnoses", "irr_anxiety", "irr_video"])
def test_light_kappa_matches_pyirr(reference, name):
    data = reference(name)

    result = light_kappa(data)
    with np.errstate(invalid="ignore"):
        expected = pyirr.kappam_light(data)

    assert result.statistic == pytest.approx(expected.value, abs=1e-12)
    if math.isnan(expected.statistic):
        # irr's chance term is negative here; irr and pyirr give NaN too
        assert math.isnan(result.p_value)
    else:
        assert result.details["z"] == pytest.approx(expected.statistic, rel=1e-9)
        assert result.p_value == pytest.approx(expected.pvalue, abs=1e-9)


@pytest.mark.parametrize("seed", range(10))
def test_light_kappa_matches_pyirr_on_random_data_with_missing(seed):
    rng = np.random.default_rng(seed)
    n_raters = int(rng.integers(2, 6))
    truth = rng.integers(1, 4, 40)
    flips = rng.random((40, n_raters)) < 0.3
    ratings = np.where(flips, rng.integers(1, 4, (40, n_raters)), truth[:, None])
    ratings = ratings.astype(float)
    ratings[rng.random(ratings.shape) < 0.03] = np.nan

    result = light_kappa(ratings)
    # pyirr counts the calls before dropping incomplete ones in its test (R
    # irr counts after na.omit), so it is given the complete calls only
    complete = pd.DataFrame(ratings).dropna()
    with np.errstate(invalid="ignore"):
        expected = pyirr.kappam_light(complete)

    assert result.statistic == pytest.approx(expected.value, abs=1e-12)
    assert result.n_units == len(complete)
    if math.isnan(expected.statistic):
        assert math.isnan(result.p_value)
    else:
        assert result.p_value == pytest.approx(expected.pvalue, abs=1e-9)


def test_light_kappa_of_two_raters_is_cohen_kappa(reference):
    data = reference("irr_anxiety_r1r2")

    light = light_kappa(data)
    cohen = cohen_kappa(data)

    assert light.statistic == pytest.approx(cohen.statistic, abs=1e-15)
    assert light.standard_error == pytest.approx(cohen.standard_error, abs=1e-15)


def test_light_kappa_pairwise_averages_each_pairs_own_calls(reference):
    data = reference("wikipedia_alpha_example")

    result = light_kappa(data, missing="pairwise")
    kappas = [
        cohen_kappa(data.iloc[:, [i, j]]).statistic
        for i, j in combinations(range(data.shape[1]), 2)
    ]

    assert result.statistic == pytest.approx(np.mean(kappas), abs=1e-15)
    assert math.isnan(result.p_value)
    assert result.details["test"] is None


@pytest.mark.parametrize(
    ("name", "missing"),
    [
        ("fleiss1971_diagnoses", "drop_units"),
        ("irr_video", "drop_units"),
        ("wikipedia_alpha_example", "pairwise"),
    ],
)
def test_light_delta_standard_error_is_the_delta_method(reference, name, missing):
    data = reference(name)
    matrix = rating_matrix(data)

    terms = _light_kappa_unit_terms(matrix, missing=missing)
    result = light_kappa(data, missing=missing)

    assert influence_variance(terms) == pytest.approx(
        result.standard_error**2, rel=1e-6
    )


def test_light_kappa_with_a_one_category_pair_returns_nan_and_warns():
    ratings = [[1, 1, 1], [1, 1, 2], [1, 1, 2]]

    with pytest.warns(UndefinedCoefficientWarning, match="raters 0 and 1 gave"):
        result = light_kappa(ratings)

    assert math.isnan(result.statistic)


def test_light_kappa_needs_two_raters_and_known_options():
    with pytest.raises(RatingsError, match="at least two raters"):
        light_kappa([[1], [2]])
    with pytest.raises(ValueError, match="missing='listwise'"):
        light_kappa([[1, 2], [2, 2]], missing="listwise")  # type: ignore[arg-type]


# --- unit terms ----------------------------------------------------------------


UNIT_TERM_CASES = [
    ("fleiss1971_diagnoses", {}),
    ("irr_video", {}),
    ("wikipedia_alpha_example", {"missing": "pairwise"}),
]


@pytest.mark.parametrize(("name", "options"), UNIT_TERM_CASES)
def test_unit_terms_sum_to_the_statistic(reference, name, options):
    data = reference(name)
    matrix = rating_matrix(data)

    terms = _light_kappa_unit_terms(matrix, **options)
    result = light_kappa(data, **options)

    assert terms.terms.shape[0] == matrix.n_units
    assert terms.statistic() == pytest.approx(result.statistic, abs=1e-12)


@pytest.mark.parametrize(("name", "options"), UNIT_TERM_CASES)
def test_unit_terms_combine_resamples_at_once(reference, name, options):
    data = reference(name)
    matrix = rating_matrix(data)
    terms = _light_kappa_unit_terms(matrix, **options)
    rng = np.random.default_rng(11)
    drawn = rng.integers(0, matrix.n_units, size=(3, matrix.n_units))
    counts = np.stack([np.bincount(d, minlength=matrix.n_units) for d in drawn])

    combined = terms.combine(counts @ terms.terms)
    direct = [light_kappa(data.iloc[d], **options).statistic for d in drawn]

    assert combined.shape == (3,)
    np.testing.assert_allclose(combined, direct, rtol=0, atol=1e-12)


def test_cohen_module_still_exports_light_kappa():
    # toolkit.agreement and its registry import these from _cohen
    assert _cohen.light_kappa is light_kappa
    assert _cohen._light_kappa_unit_terms is _light_kappa_unit_terms


# --- missing raters, the interval, continuous scores ------------------------------


@pytest.mark.parametrize("missing", ["drop_units", "pairwise"])
def test_light_kappa_names_the_rater_who_scored_nothing(missing):
    # rater 2 scored no call; raters 0 and 1 share four calls
    nan = np.nan
    ratings = [[1, 2, nan], [2, 2, nan], [3, 3, nan], [1, 1, nan]]

    with pytest.warns(UndefinedCoefficientWarning, match=r"rater\(s\) 2 scored none"):
        result = light_kappa(ratings, missing=missing)

    assert math.isnan(result.statistic)
    assert "raters 0 and 1" not in str(result.undefined_reason)
    assert "remove their column" in str(result.undefined_reason)


def test_light_kappa_with_too_few_complete_calls_suggests_pairwise():
    # no call has all three scores, but every pair shares two calls
    nan = np.nan
    ratings = [
        [1, 2, nan],
        [2, nan, 2],
        [nan, 3, 3],
        [1, 1, nan],
        [2, nan, 1],
        [nan, 1, 2],
    ]

    with pytest.warns(
        UndefinedCoefficientWarning,
        match=r"scored by all 3 raters \(found 0\); pass missing='pairwise'",
    ):
        light_kappa(ratings)
    pairwise = light_kappa(ratings, missing="pairwise")

    kappas = [
        cohen_kappa(np.asarray(ratings, dtype=float)[:, [i, j]]).statistic
        for i, j in combinations(range(3), 2)
    ]
    assert pairwise.statistic == pytest.approx(np.mean(kappas), abs=1e-15)


def test_light_kappa_interval_is_capped_at_one():
    ratings = [[2, 2, 2], [2, 2, 1], [1, 1, 1], [1, 1, 2], [1, 1, 1]]

    result = light_kappa(ratings)
    uncapped = result.details["confidence_interval_uncapped"]

    assert uncapped.high > 1
    assert result.confidence_interval.high == 1.0
    assert result.confidence_interval.low == uncapped.low


def test_light_kappa_of_continuous_scores_raises_a_clear_error():
    scores = np.random.default_rng(0).normal(size=(100, 3))

    with pytest.raises(RatingsError, match="light_kappa treats every distinct"):
        light_kappa(scores)
    with pytest.raises(RatingsError, match="use icc"):
        _light_kappa_unit_terms(rating_matrix(scores))
