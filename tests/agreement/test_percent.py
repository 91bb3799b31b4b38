"""Tests of percent agreement against irrCAC, R irr (pyirr) and hand counts."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pyirr
import pytest
from scipy import stats

from toolkit.agreement._input import rating_matrix
from toolkit.agreement._percent import (
    _percent_agreement_unit_terms,
    percent_agreement,
)
from toolkit.errors import RatingsError, UndefinedCoefficientWarning
from toolkit.scales import Scale


def random_ratings(
    seed: int, n_units: int = 25, n_raters: int = 4, n_levels: int = 5
) -> np.ndarray:
    """Integer scores 1..n_levels with about 15% missing."""
    rng = np.random.default_rng(seed)
    base = rng.integers(1, n_levels + 1, size=(n_units, 1))
    noise = rng.integers(-1, 2, size=(n_units, n_raters))
    scores = np.clip(base + noise, 1, n_levels).astype(float)
    scores[rng.random(scores.shape) < 0.15] = np.nan
    return scores


def gwet_pairs_by_loops(ratings: np.ndarray, tolerance: float) -> tuple[float, float]:
    """Gwet's (2014) percent agreement and standard error, one call at a time.

    Written from the formulas of Gwet's handbook (chapter 2) as irrCAC's
    ``pa.coeff.raw`` applies them: the mean over calls with two or more scores
    of the share of agreeing ordered rater pairs, and the linearised variance
    over every call with a score.
    """
    shares: list[float | None] = []
    counted = 0
    for row in ratings:
        scores = row[~np.isnan(row)]
        if len(scores) == 0:
            continue
        counted += 1
        if len(scores) < 2:
            shares.append(None)
            continue
        agree = sum(
            abs(a - b) <= tolerance
            for i, a in enumerate(scores)
            for j, b in enumerate(scores)
            if i != j
        )
        shares.append(agree / (len(scores) * (len(scores) - 1)))
    used = [s for s in shares if s is not None]
    pa = sum(used) / len(used)
    scaled = [0.0 if s is None else s * counted / len(used) for s in shares]
    variance = sum((s - pa) ** 2 for s in scaled) / (counted * (counted - 1))
    return pa, math.sqrt(variance)


# --- published values ------------------------------------------------------


def test_pairs_matches_irrcac_readme_on_cac_raw4raters(reference):
    # irrCAC README (kgwet/irrCAC), pa.coeff.raw(cac.raw4raters):
    #   pa 0.8181818, coeff.se 0.12561, conf.int (0.542,1)
    # cac.raw4raters is Krippendorff's (2011) 12 x 4 example.
    result = percent_agreement(reference("krippendorff2011_c_data"))

    assert result.statistic == pytest.approx(0.8181818, abs=5e-8)
    assert result.standard_error == pytest.approx(0.12561, abs=5e-6)
    assert result.confidence_interval.low == pytest.approx(0.542, abs=5e-4)
    assert result.confidence_interval.high == 1.0
    assert result.n_units == 11
    assert result.details["n_units_in_variance"] == 12


@pytest.mark.parametrize(("tolerance", "percent"), [(0, 35), (1, 90)])
def test_all_raters_matches_irr_manual_on_video(reference, tolerance, percent):
    # R irr manual, example output of agree(video) and agree(video, 1):
    #   %-agree = 35 and %-agree = 90 (20 subjects, 4 raters)
    result = percent_agreement(
        reference("irr_video"), method="all_raters", tolerance=tolerance
    )

    assert result.statistic == pytest.approx(percent / 100, abs=5e-3)


def test_binomial_standard_error_matches_irrcac_pa2_table(reference):
    # irrCAC README, pa2.table(cont3x3abstractors):
    #   coeff.val 0.89, coeff.se 0.03128898 (sqrt(pa (1 - pa) / n))
    result = percent_agreement(reference("gwet2014_abstractors"), method="all_raters")

    assert result.statistic == pytest.approx(0.89, abs=1e-12)
    assert result.standard_error == pytest.approx(0.03128898, abs=5e-9)


def test_hand_count_on_four_calls():
    # pairs agreeing per call: 6/6, 2/6 (1,1 twice ordered), 0/6, 6/6 at
    # tolerance 0; calls agreeing with all raters: 2 of 4
    ratings = [[1, 1, 1], [1, 1, 2], [1, 2, 3], [3, 3, 3]]

    pairs = percent_agreement(ratings)
    all_raters = percent_agreement(ratings, method="all_raters")

    assert pairs.statistic == pytest.approx((1 + 1 / 3 + 0 + 1) / 4, abs=1e-15)
    assert all_raters.statistic == pytest.approx(0.5, abs=1e-15)
    np.testing.assert_allclose(pairs.details["unit_agreement"], [1, 1 / 3, 0, 1])


# --- independent implementations -----------------------------------------


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("tolerance", [0, 1, 2])
def test_all_raters_matches_pyirr_agree(seed, tolerance):
    ratings = random_ratings(seed)

    result = percent_agreement(
        ratings, method="all_raters", tolerance=tolerance, missing="drop_units"
    )
    expected = pyirr.agree(pd.DataFrame(ratings), tolerance=tolerance)

    if expected.subjects < 2:
        pytest.skip("too few complete calls in this draw")
    assert result.statistic == pytest.approx(expected.value / 100, abs=1e-12)
    assert result.n_units == expected.subjects


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("tolerance", [0, 1])
def test_pairs_matches_gwet_formula_by_loops(seed, tolerance):
    ratings = random_ratings(seed, n_units=18, n_raters=5)

    result = percent_agreement(ratings, tolerance=tolerance)
    pa, se = gwet_pairs_by_loops(ratings, tolerance)

    assert result.statistic == pytest.approx(pa, abs=1e-12)
    assert result.standard_error == pytest.approx(se, abs=1e-12)
    counted = result.details["n_units_in_variance"]
    q = stats.t.ppf(0.975, counted - 1)
    assert result.confidence_interval.low == pytest.approx(
        max(pa - q * se, 0), abs=1e-12
    )


@pytest.mark.parametrize("seed", range(5))
def test_two_raters_pairs_equal_all_raters(seed):
    ratings = random_ratings(seed, n_raters=2)

    pairs = percent_agreement(ratings, tolerance=1)
    all_raters = percent_agreement(ratings, method="all_raters", tolerance=1)

    assert pairs.statistic == pytest.approx(all_raters.statistic, abs=1e-15)


# --- definitions ------------------------------------------------------------


def test_text_labels_count_calls_not_irrs_table_cells():
    # R irr's agree() tabulates each call with apply(); when every call shows
    # two distinct labels apply() returns a matrix and irr counts its cells,
    # reporting 200%. No call here has all raters agreeing.
    ratings = [["yes", "no", "yes"], ["no", "yes", "yes"], ["yes", "yes", "no"]]

    result = percent_agreement(ratings, method="all_raters")

    assert result.statistic == 0.0


def test_tolerance_by_value_and_by_rank_differ_for_uneven_levels():
    # observed levels 1, 2, 4: scores 2 and 4 are 2 apart by value but
    # neighbouring levels by rank
    ratings = [[2, 4], [1, 1], [2, 2], [4, 4]]

    by_value = percent_agreement(ratings, tolerance=1)
    by_rank = percent_agreement(ratings, tolerance=1, tolerance_by="rank")
    declared = percent_agreement(
        ratings, tolerance=1, tolerance_by="rank", levels=[1, 2, 3, 4]
    )

    assert by_value.options["tolerance_by"] == "value"
    assert by_value.statistic == pytest.approx(0.75)
    assert by_rank.statistic == pytest.approx(1.0)
    assert declared.statistic == pytest.approx(0.75)


def test_ordinal_scale_measures_tolerance_in_levels():
    criterion = SimpleNamespace(
        matrix=pd.DataFrame(
            {"ann": ["low", "mid", "high"], "bo": ["mid", "high", "high"]}
        ),
        scale=Scale("ordinal", levels=("low", "mid", "high")),
    )

    result = percent_agreement(criterion, tolerance=1)

    assert result.options["tolerance_by"] == "rank"
    assert result.statistic == 1.0


def test_decimal_scores_within_tolerance_as_written():
    # 0.4 - 0.1 is 0.30000000000000004 in floating point
    result = percent_agreement([[0.1, 0.4], [0.2, 0.2]], tolerance=0.3)

    assert result.statistic == 1.0


def test_perfect_agreement_has_zero_standard_error():
    result = percent_agreement([[1, 1], [2, 2], [3, 3]], method="all_raters")

    assert result.statistic == 1.0
    assert result.standard_error == 0.0
    assert result.confidence_interval.low == result.confidence_interval.high == 1


def test_missing_drop_units_uses_only_complete_calls():
    ratings = [[1, 1, np.nan], [1, 2, 2], [3, 3, 3]]

    available = percent_agreement(ratings, method="all_raters")
    complete = percent_agreement(ratings, method="all_raters", missing="drop_units")

    assert available.statistic == pytest.approx(2 / 3)
    assert complete.statistic == pytest.approx(1 / 2)
    assert complete.details["n_units_dropped"] == 1


def test_options_record_the_variant_computed():
    result = percent_agreement([[1, 2], [2, 2], [3, 3]], method="all_raters")

    assert dict(result.options) == {
        "method": "all_raters",
        "tolerance": 0,
        "tolerance_by": "value",
        "missing": "available",
        "standard_error": "binomial",
    }
    assert math.isnan(result.p_value)


# --- undefined cases and bad input -------------------------------------------


@pytest.mark.parametrize(
    "ratings",
    [[[1, 1], [2, np.nan]], [[1, np.nan], [np.nan, 2]]],
    ids=["one call scored twice", "no call scored twice"],
)
def test_fewer_than_two_usable_calls_returns_nan_and_warns(ratings):
    with pytest.warns(UndefinedCoefficientWarning, match="fewer than two calls"):
        result = percent_agreement(ratings)

    assert math.isnan(result.statistic)
    assert "fewer than two calls" in str(result.undefined_reason)


@pytest.mark.parametrize(
    ("options", "error", "match"),
    [
        ({"method": "majority"}, ValueError, "method='majority'"),
        ({"missing": "pairwise"}, ValueError, "missing='pairwise'"),
        ({"standard_error": "binomial"}, ValueError, "needs method='all_raters'"),
        ({"standard_error": "wald"}, ValueError, "standard_error='wald'"),
        ({"tolerance": -1}, ValueError, "tolerance=-1 is negative"),
        ({"tolerance": "1"}, TypeError, "tolerance='1' is not a number"),
        ({"tolerance": True}, TypeError, "tolerance=True is not a number"),
        ({"tolerance_by": "step"}, ValueError, "tolerance_by='step'"),
        ({"level": 95}, ValueError, "level=95"),
    ],
)
def test_bad_options_raise(options, error, match):
    with pytest.raises(error, match=match):
        percent_agreement([[1, 2], [2, 2], [3, 3]], **options)


def test_tolerance_on_unordered_text_labels_raises():
    with pytest.raises(ValueError, match="pass levels="):
        percent_agreement([["a", "b"], ["b", "b"]], tolerance=1)


def test_tolerance_on_nominal_scale_raises():
    criterion = SimpleNamespace(
        matrix=pd.DataFrame({"ann": [1, 2], "bo": [2, 2]}), scale=Scale("nominal")
    )

    with pytest.raises(ValueError, match="scale is nominal"):
        percent_agreement(criterion, tolerance=1)


# --- unit terms ----------------------------------------------------------------


UNIT_TERM_CASES = [
    ("krippendorff2011_c_data", {}),
    ("krippendorff2011_c_data", {"method": "all_raters", "tolerance": 1}),
    ("irr_video", {"tolerance": 1, "missing": "drop_units"}),
    ("wikipedia_alpha_example", {"method": "all_raters"}),
    ("gwet2014_ben_gerry", {"levels": list("abcde"), "tolerance": 1}),
]


@pytest.mark.parametrize(("name", "options"), UNIT_TERM_CASES)
def test_unit_terms_sum_to_the_statistic(reference, name, options):
    data = reference(name)
    matrix = rating_matrix(data, levels=options.get("levels"))

    terms = _percent_agreement_unit_terms(matrix, **options)
    result = percent_agreement(data, **options)

    assert terms.terms.shape == (matrix.n_units, 2)
    assert terms.statistic() == pytest.approx(result.statistic, abs=1e-12)


@pytest.mark.parametrize(("name", "options"), UNIT_TERM_CASES[:3])
def test_unit_terms_combine_resamples_at_once(reference, name, options):
    data = reference(name)
    matrix = rating_matrix(data, levels=options.get("levels"))
    terms = _percent_agreement_unit_terms(matrix, **options)
    rng = np.random.default_rng(3)
    drawn = rng.integers(0, matrix.n_units, size=(4, matrix.n_units))
    counts = np.stack([np.bincount(d, minlength=matrix.n_units) for d in drawn])

    combined = terms.combine(counts @ terms.terms)
    direct = [percent_agreement(data.iloc[d], **options).statistic for d in drawn]

    np.testing.assert_allclose(combined, direct, rtol=0, atol=1e-12)


@pytest.mark.parametrize("method", ["pairs", "all_raters"])
def test_one_rater_raises_and_names_the_count(method):
    # every other coefficient refuses a single rater; this one returned NaN
    with pytest.raises(RatingsError, match=r"at least two raters.*have 1 rater"):
        percent_agreement([[1], [2], [3]], method=method)
    with pytest.raises(RatingsError, match="at least two raters"):
        _percent_agreement_unit_terms(rating_matrix([[1], [2], [3]]))
