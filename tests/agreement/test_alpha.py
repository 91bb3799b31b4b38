"""Krippendorff's alpha against published values and independent implementations.

References used here:

- Krippendorff (2011), "Computing Krippendorff's alpha-reliability": the worked
  examples, published to three decimals.
- R irrCAC 1.0 README (github.com/kgwet/irrCAC), ``krippen.alpha.raw`` and
  ``krippen.alpha.dist`` outputs, printed to 5 decimals or 7-10 digits.
- The Python ``irrcac`` package 0.4.4 (a port of irrCAC), run in its own venv
  because it pins scipy; it differs from R irrCAC in the standard error when
  calls have unequal numbers of ratings (it uses pa where R uses pa'), so only
  its alpha, pa and pe, and its standard error on complete data, are used.
- The Python ``krippendorff`` package 0.9, on the same definition: 1e-9.
- ``irrcac_r_reference`` below: a direct transcription of R irrCAC 1.0's
  ``krippen.alpha.raw`` matrix algebra (agree.mat, pi.vec, ...), independent of
  the disagreement form the toolkit uses.
"""

from __future__ import annotations

import tracemalloc
from types import SimpleNamespace

import krippendorff
import numpy as np
import pytest
from scipy import stats

from toolkit.agreement import _alpha
from toolkit.agreement._alpha import (
    _krippendorff_alpha_batch,
    _krippendorff_alpha_unit_terms,
    _ratio_expected,
    krippendorff_alpha,
)
from toolkit.agreement._input import rating_matrix
from toolkit.agreement._weights import weight_matrix
from toolkit.errors import RatingsError, UndefinedCoefficientWarning
from toolkit.scales import Scale

WEIGHTS = (
    "identity",
    "quadratic",
    "ordinal",
    "linear",
    "radical",
    "ratio",
    "circular",
    "bipolar",
)


def random_scores(
    seed: int, *, continuous: bool = False, max_units: int = 40
) -> np.ndarray:
    """A calls x raters matrix with 0-50% missing scores."""
    rng = np.random.default_rng(seed)
    n_units, n_raters = rng.integers(2, max_units), rng.integers(2, 7)
    if continuous:
        scores = np.round(rng.gamma(2.0, 3.0, (n_units, n_raters)), 2)
    else:
        top = rng.integers(3, 8)
        scores = rng.integers(1, top, (n_units, n_raters)).astype(float)
    scores[rng.random(scores.shape) < rng.random() / 2] = np.nan
    return scores


def irrcac_r_reference(scores: np.ndarray, weights: str) -> dict[str, float]:
    """R irrCAC 1.0 ``krippen.alpha.raw``, transcribed step by step."""
    levels = np.unique(scores[~np.isnan(scores)])
    agree = (scores[:, :, None] == levels).sum(axis=1).astype(float)
    w = weight_matrix(weights, levels)
    n0 = np.count_nonzero((~np.isnan(scores)).any(axis=1))
    agree_w = (w @ agree.T).T
    ri = agree.sum(axis=1)
    agree, agree_w, ri = agree[ri >= 2], agree_w[ri >= 2], ri[ri >= 2]
    ri_mean, n = ri.mean(), agree.shape[0]
    epsi = 1 / ri.sum()
    sum_q = (agree * (agree_w - 1)).sum(axis=1)
    paprime = np.sum(sum_q / (ri_mean * (ri - 1))) / n
    pa = (1 - epsi) * paprime + epsi
    pi = (agree / ri_mean).mean(axis=0)
    pe = np.sum(w * np.outer(pi, pi))
    alpha = (pa - pe) / (1 - pe)
    alpha_prime = (paprime - pe) / (1 - pe)
    pa_i = sum_q / (ri_mean * (ri - 1)) - paprime * (ri - ri_mean) / ri_mean
    alpha_i = (pa_i - pe) / (1 - pe)
    pi_w = (w @ pi + w.T @ pi) / 2
    pe_i = agree @ pi_w / ri_mean - pe * (ri - ri_mean) / ri_mean
    x_i = alpha_i - 2 * (1 - alpha_prime) * (pe_i - pe) / (1 - pe)
    se = np.sqrt(np.sum((x_i - alpha_prime) ** 2) / (n * (n - 1)))
    t = stats.t.ppf(0.975, n0 - 1)
    return {
        "alpha": alpha,
        "pa": pa,
        "pe": pe,
        "se": se,
        "low": alpha - t * se,
        "high": min(1.0, alpha + t * se),
        "p": 2 * stats.t.sf(abs(alpha / se), n0 - 1),
    }


# --------------------------------------------------------------------------
# published values


@pytest.mark.parametrize(
    ("name", "metric", "published"),
    [
        # Krippendorff (2011), binary data, two observers: alpha = 0.095
        ("krippendorff2011_binary", "nominal", 0.095),
        # same paper, nominal data, two observers, no missing data: 0.692
        ("krippendorff2011_nominal_2obs", "nominal", 0.692),
        # same paper, four observers with missing data: nominal 0.743,
        # ordinal 0.815, interval 0.849, ratio 0.797
        ("krippendorff2011_c_data", "nominal", 0.743),
        ("krippendorff2011_c_data", "ordinal", 0.815),
        ("krippendorff2011_c_data", "interval", 0.849),
        ("krippendorff2011_c_data", "ratio", 0.797),
        # Wikipedia, "Krippendorff's alpha", worked example: 0.691 and 0.811
        ("wikipedia_alpha_example", "nominal", 0.691),
        ("wikipedia_alpha_example", "interval", 0.811),
    ],
)
def test_alpha_matches_published_value(reference, name, metric, published):
    result = krippendorff_alpha(reference(name), metric=metric)
    assert result.statistic == pytest.approx(published, abs=5e-4)


def test_alpha_matches_irrcac_readme_for_raw4raters(reference):
    # R irrCAC README: krippen.alpha.raw(cac.raw4raters)
    #   pa 0.805, pe 0.24, coeff.val 0.74342, coeff.se 0.14548,
    #   conf.int (0.423,1), p.value 0.0003386245
    result = krippendorff_alpha(
        reference("krippendorff2011_c_data"), weights="unweighted"
    )
    assert result.details["percent_agreement"] == pytest.approx(0.805, abs=5e-4)
    assert result.details["chance_agreement"] == pytest.approx(0.24, abs=5e-3)
    assert result.statistic == pytest.approx(0.74342, abs=5e-6)
    assert result.standard_error == pytest.approx(0.14548, abs=5e-6)
    assert result.confidence_interval.low == pytest.approx(0.423, abs=5e-4)
    assert result.confidence_interval.high == 1.0
    assert result.p_value == pytest.approx(0.0003386245, abs=5e-11)


def test_alpha_matches_irrcac_readme_for_distrib6raters(reference):
    # R irrCAC README: krippen.alpha.dist(distrib.6raters)$coeff = 0.4204384
    # (the first 15 patients of Fleiss 1971; the .dist variance differs)
    result = krippendorff_alpha(reference("fleiss1971_distrib15"), metric="nominal")
    assert result.statistic == pytest.approx(0.4204384, abs=5e-8)


# Python irrcac 0.4.4, rounded by it to 12 digits:
#   CAC(datasets.raw_4raters(), weights=w, digits=12).krippendorff()["est"]
RAW4RATERS = {
    "quadratic": (0.849107142857, 0.97359375, 0.825),
    "ordinal": (0.833638025594, 0.965875, 0.794875),
    "ratio": (0.797402774712, 0.950788201531, 0.757095397534),
    "linear": (0.800383877159, 0.935, 0.674375),
}


@pytest.mark.parametrize("weights", sorted(RAW4RATERS))
def test_weighted_alpha_matches_python_irrcac(reference, weights):
    alpha, pa, pe = RAW4RATERS[weights]
    result = krippendorff_alpha(reference("krippendorff2011_c_data"), weights=weights)
    assert result.statistic == pytest.approx(alpha, abs=1e-11)
    assert result.details["percent_agreement"] == pytest.approx(pa, abs=1e-11)
    assert result.details["chance_agreement"] == pytest.approx(pe, abs=1e-11)


# Python irrcac 0.4.4 on complete data, where its standard error is R's:
#   CAC(datasets.raw_gender(), weights=w, digits=12).krippendorff()["est"]
#   -> coefficient_value, se
RAW_GENDER = {
    "identity": (0.143407407407, 0.14050133467),
    "quadratic": (0.086195286195, 0.170997671169),
    "ordinal": (0.096790123457, 0.159317657726),
    "ratio": (0.082349638268, 0.147654538475),
    "linear": (0.113439153439, 0.145998556946),
}


@pytest.mark.parametrize("weights", sorted(RAW_GENDER))
def test_weighted_standard_error_matches_python_irrcac(reference, weights):
    alpha, se = RAW_GENDER[weights]
    result = krippendorff_alpha(reference("gwet2014_raw_gender"), weights=weights)
    assert result.statistic == pytest.approx(alpha, abs=1e-11)
    assert result.standard_error == pytest.approx(se, abs=1e-11)


# --------------------------------------------------------------------------
# independent implementations on many random matrices


@pytest.mark.parametrize("seed", range(40))
@pytest.mark.parametrize("metric", ["nominal", "ordinal", "interval", "ratio"])
def test_alpha_matches_krippendorff_package(seed, metric):
    scores = random_scores(seed, continuous=seed % 4 == 0)
    observed = scores[~np.isnan(scores)]
    if (~np.isnan(scores)).sum(axis=1).max() < 2 or np.unique(observed).size < 2:
        pytest.skip("no pairable disagreement in this draw")
    expected = krippendorff.alpha(scores.T, level_of_measurement=metric)
    result = krippendorff_alpha(scores, metric=metric)
    assert result.statistic == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("metric", ["nominal", "ordinal", "interval", "ratio"])
def test_alpha_matches_krippendorff_package_on_many_distinct_scores(
    monkeypatch, metric
):
    # ~190 distinct scores with the thresholds lowered, so that ratio goes by
    # quadrature and the others by sums, as for continuous scores (the
    # package itself needs calls x values x values memory)
    monkeypatch.setattr(_alpha, "_MAX_COUNT_LEVELS", 16)
    monkeypatch.setattr(_alpha, "_MAX_DIRECT_RATIO", 16)
    rng = np.random.default_rng(11)
    scores = np.round(rng.lognormal(2.0, 1.0, (60, 4)), 3)
    scores[rng.random(scores.shape) < 0.2] = np.nan
    assert np.unique(scores[~np.isnan(scores)]).size > 150
    expected = krippendorff.alpha(scores.T, level_of_measurement=metric)
    result = krippendorff_alpha(scores, metric=metric)
    assert result.statistic == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("seed", range(25))
@pytest.mark.parametrize("weights", WEIGHTS)
def test_weighted_alpha_matches_irrcac_r_transcription(seed, weights):
    scores = random_scores(seed + 100)
    with np.errstate(all="ignore"):
        expected = irrcac_r_reference(scores, weights)
    if not expected["se"] > 1e-10 or not 0 < expected["pe"] < 1:
        pytest.skip("irrCAC's formula is undefined or degenerate for this draw")
    result = krippendorff_alpha(scores, weights=weights)
    assert result.statistic == pytest.approx(expected["alpha"], abs=1e-9)
    assert result.details["percent_agreement"] == pytest.approx(expected["pa"])
    assert result.details["chance_agreement"] == pytest.approx(expected["pe"])
    assert result.standard_error == pytest.approx(expected["se"], abs=1e-9)
    assert result.confidence_interval.low == pytest.approx(expected["low"])
    assert result.confidence_interval.high == pytest.approx(expected["high"])
    assert result.p_value == pytest.approx(expected["p"], rel=1e-7, abs=1e-15)


@pytest.mark.parametrize(
    ("metric", "weights"),
    [("nominal", "identity"), ("interval", "quadratic"), ("ratio", "ratio")],
)
@pytest.mark.parametrize("seed", range(10))
def test_metric_standard_error_is_irrcacs_for_matching_weights(seed, metric, weights):
    scores = random_scores(seed + 300)
    with np.errstate(all="ignore"):
        expected = irrcac_r_reference(scores, weights)
    if not np.isfinite(expected["se"]) or not 0 < expected["pe"] < 1:
        pytest.skip("irrCAC's formula is undefined for this draw")
    result = krippendorff_alpha(scores, metric=metric)
    assert result.statistic == pytest.approx(expected["alpha"], abs=1e-9)
    assert result.standard_error == pytest.approx(expected["se"], abs=1e-9)


@pytest.mark.parametrize("metric", ["nominal", "ordinal", "interval", "ratio"])
@pytest.mark.parametrize("seed", range(10))
def test_level_counts_and_sums_give_the_same_alpha(monkeypatch, seed, metric):
    scores = random_scores(seed + 200)
    if np.unique(scores[~np.isnan(scores)]).size < 2:
        pytest.skip("one level only")
    by_counts = krippendorff_alpha(scores, metric=metric)
    monkeypatch.setattr(_alpha, "_MAX_COUNT_LEVELS", 0)
    monkeypatch.setattr(_alpha, "_MAX_DIRECT_RATIO", 0)
    by_sums = krippendorff_alpha(scores, metric=metric)
    assert by_sums.statistic == pytest.approx(by_counts.statistic, abs=1e-12)
    assert by_sums.standard_error == pytest.approx(by_counts.standard_error, abs=1e-12)


@pytest.mark.parametrize(
    "values",
    [
        np.random.default_rng(1).random(2000) * 100,
        np.random.default_rng(2).lognormal(0, 3, 2000),
        100 + np.random.default_rng(3).random(2000) * 0.01,
        np.r_[np.zeros(200), np.random.default_rng(4).random(2000)],
        np.random.default_rng(5).integers(1, 10_000, 2000).astype(float),
    ],
    ids=["uniform", "lognormal", "clustered", "zeros", "integers"],
)
def test_ratio_quadrature_matches_pair_by_pair_sums(values):
    total, mean_distance = _ratio_expected(values, method="direct")
    total_q, mean_distance_q = _ratio_expected(values, method="quadrature")
    assert total_q == pytest.approx(total, rel=1e-13)
    np.testing.assert_allclose(mean_distance_q, mean_distance, rtol=1e-11)


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


# --------------------------------------------------------------------------
# options, defaults and details


def test_default_metric_is_interval_for_numbers_and_nominal_for_labels():
    numbers = krippendorff_alpha([[1, 2], [2, 2], [3, 4]])
    labels = krippendorff_alpha([["a", "b"], ["b", "b"]])
    assert numbers.options["metric"] == "interval"
    assert labels.options["metric"] == "nominal"


def test_default_metric_follows_the_scale_the_data_carry(reference):
    frame = reference("krippendorff2011_c_data")
    criterion = SimpleNamespace(matrix=frame, scale=Scale("ordinal"))
    result = krippendorff_alpha(criterion)
    assert result.options["metric"] == "ordinal"
    assert result.statistic == pytest.approx(
        krippendorff_alpha(frame, metric="ordinal").statistic, abs=1e-15
    )


def test_unused_declared_levels_leave_ordinal_alpha_unchanged(reference):
    frame = reference("krippendorff2011_c_data")
    declared = krippendorff_alpha(frame, metric="ordinal", levels=range(0, 9))
    observed = krippendorff_alpha(frame, metric="ordinal")
    assert declared.statistic == pytest.approx(observed.statistic, abs=1e-15)


def test_ordinal_alpha_on_labels_uses_the_declared_order(reference):
    frame = reference("krippendorff2011_c_data")
    names = {1: "poor", 2: "fair", 3: "good", 4: "great", 5: "superb"}
    labelled = frame.apply(lambda column: column.map(names))
    result = krippendorff_alpha(labelled, metric="ordinal", levels=list(names.values()))
    assert result.statistic == pytest.approx(0.815, abs=5e-4)


def test_calls_with_one_score_are_dropped_and_counted(reference):
    result = krippendorff_alpha(reference("krippendorff2011_c_data"))
    assert result.n_units == 11
    assert result.details["n_units_dropped"] == 1
    assert result.details["n_pairable_values"] == 40
    assert result.details["interval_df"] == 11


def test_result_records_the_variant_computed():
    result = krippendorff_alpha(
        [[1, 2], [2, 2], [3, 3]], weights=np.eye(3), standard_error=None
    )
    assert dict(result.options) == {
        "metric": None,
        "weights": "custom",
        "standard_error": None,
    }
    assert np.isnan(result.standard_error)
    assert np.isnan(result.confidence_interval.low)


def test_one_pairable_call_returns_nan_and_warns():
    # the formula gives 0 on one call (D_o = D_e), which says nothing about
    # agreement beyond chance; the issue asks for NaN below two usable calls
    with pytest.warns(UndefinedCoefficientWarning, match="1 call"):
        result = krippendorff_alpha([[1, 2], [3, np.nan]], metric="interval")
    assert np.isnan(result.statistic)
    assert result.n_units == 1


def test_ratio_alpha_puts_zero_at_distance_one_from_any_positive_score():
    scores = np.array([[0.0, 0.0], [0.0, 3.0], [2.0, 2.0], [5.0, 1.0]])
    expected = krippendorff.alpha(scores.T, level_of_measurement="ratio")
    assert krippendorff_alpha(scores, metric="ratio").statistic == pytest.approx(
        expected, abs=1e-12
    )


# --------------------------------------------------------------------------
# undefined and bad input


def test_one_level_only_returns_nan_and_warns():
    with pytest.warns(UndefinedCoefficientWarning, match=r"same level \(3"):
        result = krippendorff_alpha([[3, 3], [3, 3], [3, np.nan]])
    assert np.isnan(result.statistic)
    assert "no disagreement is expected" in str(result.undefined_reason)


def test_no_call_with_two_scores_returns_nan_and_warns():
    with pytest.warns(UndefinedCoefficientWarning, match="0 call"):
        result = krippendorff_alpha([[1, np.nan], [np.nan, 2]])
    assert np.isnan(result.statistic)


def test_weights_that_put_all_levels_at_distance_zero_return_nan_and_warn():
    with pytest.warns(UndefinedCoefficientWarning, match="under these weights"):
        krippendorff_alpha([[1, 2], [2, 1]], weights=np.ones((2, 2)))


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"metric": "likert"}, r"metric='likert' is not known"),
        ({"metric": "ordinal", "weights": "linear"}, "pass one of them"),
        ({"standard_error": "jackknife"}, "standard_error='jackknife'"),
        ({"weights": "cubic"}, "weights='cubic' is not known"),
        ({"level": 95}, "level=95"),
    ],
)
def test_bad_option_raises_with_the_value(options, message):
    with pytest.raises(ValueError, match=message):
        krippendorff_alpha([[1, 2], [2, 3]], **options)


def test_interval_alpha_on_labels_raises():
    with pytest.raises(ValueError, match="metric='interval' needs numeric"):
        krippendorff_alpha([["a", "b"], ["b", "c"]], metric="interval")


def test_ratio_alpha_on_negative_scores_raises():
    with pytest.raises(ValueError, match=r"go down to -2\.0"):
        krippendorff_alpha([[-2, 1], [1, 3]], metric="ratio")


def test_one_rater_raises():
    with pytest.raises(RatingsError, match="at least two raters"):
        krippendorff_alpha([[1], [2], [3]])


def test_weights_on_continuous_scores_raise():
    scores = np.random.default_rng(0).random((600, 2))
    with pytest.raises(ValueError, match="1200 distinct values"):
        krippendorff_alpha(scores, weights="quadratic")


# --------------------------------------------------------------------------
# the bootstrap's paths


UNIT_TERM_CASES = [
    ({"metric": "nominal"}, "krippendorff2011_c_data"),
    ({"metric": "ordinal"}, "krippendorff2011_c_data"),
    ({"metric": "interval"}, "krippendorff2011_c_data"),
    ({"metric": "ratio"}, "krippendorff2011_c_data"),
    ({"weights": "ordinal"}, "krippendorff2011_c_data"),
    ({"metric": "nominal"}, "gwet2014_raw_gender"),
    ({"metric": "ordinal"}, "gwet2014_raw5obser"),
    ({"metric": "interval"}, "wikipedia_alpha_example"),
    ({"weights": "circular"}, "gwet2014_raw_g1g2"),
]


@pytest.mark.parametrize(("options", "name"), UNIT_TERM_CASES)
def test_unit_terms_sum_to_the_statistic(reference, options, name):
    frame = reference(name)
    terms = _krippendorff_alpha_unit_terms(rating_matrix(frame), **options)
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


def test_public_names_import():
    from toolkit.agreement import _alpha as module

    for name in module.__all__:
        assert hasattr(module, name)
