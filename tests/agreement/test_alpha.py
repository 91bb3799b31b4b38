"""Krippendorff's alpha against published values and independent implementations.

References used here:

- Krippendorff (2011), "Computing Krippendorff's alpha-reliability": the worked
  examples, published to three decimals.
- R irrCAC's README (github.com/kgwet/irrCAC) and its vignette "weighting",
  ``krippen.alpha.raw`` and ``krippen.alpha.dist`` outputs, printed to 5
  decimals or 7-10 digits. The two were built with different revisions of
  ``krippen.alpha.raw`` (see ``irrcac_r_reference``), and each figure is
  checked against the revision that printed it.
- The Python ``irrcac`` package 0.4.4 (a port of irrCAC), run in its own venv
  because it pins scipy. It ports the earlier revision, the vignette's, so its
  standard error differs from the current one where calls have unequal
  numbers of ratings; it is checked against that revision below.
- The Python ``krippendorff`` package 0.9, on the same definition: 1e-9.
- ``irrcac_r_reference`` below: a direct transcription of R irrCAC's
  ``krippen.alpha.raw`` matrix algebra (agree.mat, pi.vec, ...), independent of
  the disagreement form the toolkit uses, anchored by the two published
  standard errors (README 0.14548 and vignette 0.12913).

Other test files cover the private steps: ``test_alpha_disagreement.py`` (the
sums without a values x values matrix), ``test_alpha_ratio.py`` (the ratio
quadrature) and ``test_alpha_resample.py`` (the bootstrap's unit terms and
batch).
"""

from __future__ import annotations

from types import SimpleNamespace

import krippendorff
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from toolkit.agreement import _alpha
from toolkit.agreement._alpha import krippendorff_alpha
from toolkit.agreement._alpha_resample import _krippendorff_alpha_unit_terms
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


def irrcac_r_reference(
    scores: np.ndarray, weights: str, *, revision: str = "current"
) -> dict[str, float]:
    """R irrCAC ``krippen.alpha.raw``, transcribed step by step.

    ``revision="current"``: R/agree.coeff3.raw.r as on GitHub and behind the
    README (per-call agreement centred with ``paprime``; t with n0 - 1
    degrees of freedom, n0 the calls with a rating). ``revision="vignette"``:
    the earlier revision (kgwet/irrCAC commit 56411a1) that printed the
    vignette "weighting" and that the Python ``irrcac`` port follows: the
    same but centred with ``pa`` and t with n - 1, n the pairable calls.
    """
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
    centre = paprime if revision == "current" else pa
    pa_i = sum_q / (ri_mean * (ri - 1)) - centre * (ri - ri_mean) / ri_mean
    alpha_i = (pa_i - pe) / (1 - pe)
    pi_w = (w @ pi + w.T @ pi) / 2
    pe_i = agree @ pi_w / ri_mean - pe * (ri - ri_mean) / ri_mean
    x_i = alpha_i - 2 * (1 - alpha_prime) * (pe_i - pe) / (1 - pe)
    se = np.sqrt(np.sum((x_i - alpha_prime) ** 2) / (n * (n - 1)))
    df = n0 - 1 if revision == "current" else n - 1
    t = stats.t.ppf(0.975, df)
    return {
        "alpha": alpha,
        "pa": pa,
        "pe": pe,
        "se": se,
        "low": alpha - t * se,
        "high": min(1.0, alpha + t * se),
        "p": 2 * stats.t.sf(abs(alpha / se), df),
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


def test_weighted_alpha_matches_irrcac_vignette_for_distrib6raters(reference):
    # R irrCAC vignette "weighting": krippen.alpha.dist(distrib.6raters,
    #   weights = quadratic.weights(1:q)) -> coeff 0.259511, pa 0.8560617,
    #   pe 0.8056173 (its .dist variance differs); quadratic weights follow
    #   distrib.6raters' column order
    order = ["Depression", "Personality.Disorder", "Schizophrenia", "Neurosis"]
    result = krippendorff_alpha(
        reference("fleiss1971_distrib15"),
        weights="quadratic",
        levels=[*order, "Other"],
    )
    assert result.statistic == pytest.approx(0.259511, abs=5e-7)
    assert result.details["percent_agreement"] == pytest.approx(0.8560617, abs=5e-8)
    assert result.details["chance_agreement"] == pytest.approx(0.8056173, abs=5e-8)


def test_weighted_alpha_matches_irrcac_weighting_vignette(reference):
    # R irrCAC vignette "weighting":
    #   krippen.alpha.raw(cac.raw4raters, weights = "quadratic")$est
    #   pa 0.9735938 pe 0.825 coeff.val 0.84911 coeff.se 0.12913
    #   conf.int (0.561,1) p.value 6.267448e-05
    scores = reference("krippendorff2011_c_data")
    result = krippendorff_alpha(scores, weights="quadratic")

    assert result.statistic == pytest.approx(0.84911, abs=5e-6)
    assert result.details["percent_agreement"] == pytest.approx(0.9735938, abs=5e-8)
    assert result.details["chance_agreement"] == pytest.approx(0.825, abs=1e-12)

    # the vignette's revision reproduces its standard error, interval and p
    vignette = irrcac_r_reference(
        scores.to_numpy(float), "quadratic", revision="vignette"
    )
    assert vignette["se"] == pytest.approx(0.12913, abs=5e-6)
    assert vignette["low"] == pytest.approx(0.561, abs=5e-4)
    assert vignette["high"] == 1.0
    assert vignette["p"] == pytest.approx(6.267448e-05, rel=5e-7)

    # ours is the current revision, which the README's 0.14548 anchors; the
    # two differ only in the centring of each call's agreement (pa' vs pa)
    # and the degrees of freedom (11 vs 10)
    current = irrcac_r_reference(scores.to_numpy(float), "quadratic")
    assert result.standard_error == pytest.approx(current["se"], abs=1e-12)
    assert result.p_value == pytest.approx(current["p"], rel=1e-9)
    assert result.standard_error == pytest.approx(0.12913, abs=1e-4)


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
    # irrCAC sorts text labels (R's sort); the toolkit needs their order
    # declared before it weights by it
    result = krippendorff_alpha(
        reference("gwet2014_raw_gender"), weights=weights, levels=["a", "b", "c"]
    )
    assert result.statistic == pytest.approx(alpha, abs=1e-11)
    assert result.standard_error == pytest.approx(se, abs=1e-11)


# Python irrcac 0.4.4 in its own venv, full precision:
#   CAC(ratings, weights=w, digits=15).krippendorff()["est"]
#   -> se, confidence_interval[0], p_value
# on reference data with calls of unequal numbers of ratings. Its code
# centres each call's agreement with pa (irrCAC's earlier revision), where
# the current irrCAC and the linearisation of pa' = sum_u(...) / N use pa':
# a bug fixed upstream, not a different definition.
PORT = [
    ("wikipedia_alpha_example", "identity", 0.17134640199266, 0.314227136671907,
     0.0019656475721627764),
    ("wikipedia_alpha_example", "quadratic", 0.140877662097294, 0.500775249148783,
     0.0001273054578034838),
    ("wikipedia_alpha_example", "linear", 0.151238126198377, 0.418988170782242,
     0.0004211429441365322),
    ("krippendorff2011_c_data", "quadratic", 0.129129965714889, 0.561387649294899,
     6.267448311314539e-05),
]  # fmt: skip


@pytest.mark.parametrize(("name", "weights", "se", "low", "p_value"), PORT)
def test_python_irrcac_port_standard_error_is_the_earlier_irrcac_revision(
    reference, name, weights, se, low, p_value
):
    scores = reference(name).to_numpy(float)
    earlier = irrcac_r_reference(scores, weights, revision="vignette")
    current = irrcac_r_reference(scores, weights)
    result = krippendorff_alpha(scores, weights=weights)

    assert earlier["se"] == pytest.approx(se, abs=1e-12)
    assert earlier["low"] == pytest.approx(low, abs=1e-10)
    assert earlier["p"] == pytest.approx(p_value, rel=1e-9)
    assert result.standard_error == pytest.approx(current["se"], abs=1e-12)
    assert abs(result.standard_error - se) > 1e-6


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
# labels whose order is unknown


# ordered labels given without their order: sorted as text they would be
# high < low < medium
LABELS = [
    ["low", "medium"], ["medium", "medium"], ["high", "high"], ["low", "low"],
    ["high", "medium"], ["medium", "low"],
]  # fmt: skip
ORDER = ["low", "medium", "high"]
CODES = [[{"low": 1, "medium": 2, "high": 3}[s] for s in row] for row in LABELS]


@pytest.mark.parametrize(
    "options",
    [{"metric": "ordinal"}, {"weights": "quadratic"}, {"weights": "ordinal"}],
)
def test_order_based_alpha_on_labels_without_levels_raises(options):
    with pytest.raises(RatingsError, match=r"needs ordered levels.*levels=\["):
        krippendorff_alpha(LABELS, **options)
    with pytest.raises(RatingsError, match="needs ordered levels"):
        _krippendorff_alpha_unit_terms(rating_matrix(LABELS), **options)


def test_ordinal_alpha_of_an_ordinal_scale_without_levels_raises():
    criterion = SimpleNamespace(matrix=pd.DataFrame(LABELS), scale=Scale("ordinal"))
    with pytest.raises(RatingsError, match="metric='ordinal'"):
        krippendorff_alpha(criterion)


@pytest.mark.parametrize(
    "options",
    [{"metric": "ordinal"}, {"weights": "quadratic"}, {"weights": "linear"}],
)
def test_order_based_alpha_on_labels_with_levels_is_alpha_of_their_ranks(options):
    labelled = krippendorff_alpha(LABELS, levels=ORDER, **options)
    ranked = krippendorff_alpha(CODES, **options)
    assert labelled.statistic == pytest.approx(ranked.statistic, abs=1e-15)
    assert labelled.standard_error == pytest.approx(ranked.standard_error, abs=1e-15)


@pytest.mark.parametrize("options", [{"metric": "ordinal"}, {"weights": "linear"}])
def test_order_based_alpha_on_two_labels_needs_no_order(options):
    # on two levels the ordinal distance and every weight kind are constant
    ratings = [["no", "yes"], ["yes", "yes"], ["no", "no"], ["yes", "yes"]]
    result = krippendorff_alpha(ratings, **options)
    assert result.statistic == pytest.approx(
        krippendorff_alpha(ratings, metric="nominal").statistic, abs=1e-15
    )


@pytest.mark.parametrize("options", [{"metric": "ordinal"}, {"weights": "linear"}])
def test_order_based_alpha_on_a_nominal_scale_raises(options):
    criterion = SimpleNamespace(
        matrix=pd.DataFrame(CODES), scale=Scale("nominal", levels=[1, 2, 3])
    )
    with pytest.raises(ValueError, match="the scale is nominal"):
        krippendorff_alpha(criterion, **options)


def test_nominal_alpha_and_identity_weights_on_labels_need_no_order():
    nominal = krippendorff_alpha(LABELS)
    identity = krippendorff_alpha(LABELS, weights="identity")
    assert nominal.options["metric"] == "nominal"
    assert identity.statistic == pytest.approx(nominal.statistic, abs=1e-15)


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


def test_ordinal_alpha_on_continuous_scores_still_works():
    # alpha's interval and ratio paths must serve continuous scores; the
    # categorical limit of the kappa family does not apply
    scores = np.random.default_rng(3).gamma(3.0, 2.0, (1500, 3))
    for metric in ("interval", "ratio", "ordinal", "nominal"):
        assert np.isfinite(krippendorff_alpha(scores, metric=metric).statistic)


# --------------------------------------------------------------------------
# module


def test_public_names_import():
    from toolkit.agreement import _alpha as module

    for name in module.__all__:
        assert hasattr(module, name)


def test_bootstrap_paths_import_from_the_old_module():
    # toolkit.agreement._registry imports them from _alpha
    from toolkit.agreement import _alpha_resample

    assert _alpha._krippendorff_alpha_unit_terms is (
        _alpha_resample._krippendorff_alpha_unit_terms
    )
    assert _alpha._krippendorff_alpha_batch is _alpha_resample._krippendorff_alpha_batch
