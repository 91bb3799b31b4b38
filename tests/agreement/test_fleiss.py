"""Fleiss' kappa against Fleiss (1971), irrCAC, R irr (pyirr) and statsmodels."""

from __future__ import annotations

import math
import tracemalloc
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pyirr import kappam_fleiss
from statsmodels.stats.inter_rater import aggregate_raters
from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss_kappa

from toolkit.agreement import _fleiss
from toolkit.agreement._fleiss import _fleiss_kappa_unit_terms, fleiss_kappa
from toolkit.agreement._input import rating_matrix
from toolkit.errors import RatingsError, UndefinedCoefficientWarning
from toolkit.scales import Scale

nan = math.nan

# Krippendorff (2011) as irrCAC's cac.raw4raters (also our krippendorff2011_c_data)
RAW4RATERS = [
    [1, 1, nan, 1], [2, 2, 3, 2], [3, 3, 3, 3], [3, 3, 3, 3], [2, 2, 2, 2],
    [1, 2, 3, 4], [4, 4, 4, 4], [1, 1, 2, 1], [2, 2, 2, 2], [nan, 5, 5, 5],
    [nan, nan, 1, 1], [nan, nan, 3, nan],
]  # fmt: skip

# unevenly spaced scores with missing ratings (irrcac values below use it)
UNEVEN = pd.DataFrame(
    [
        [1, 2, 2, nan, 4], [4, 4, 7, 4, nan], [1, 1, 1, 2, 1], [7, 7, nan, 7, 4],
        [2, 4, 2, 2, nan], [nan, 1, 1, nan, nan], [4, 4, 4, 7, 7], [2, 2, 1, 2, 2],
        [7, nan, 7, 7, 7], [1, 2, 4, 7, 1], [nan, nan, 2, 2, 4], [4, 2, 4, 4, 4],
        [2, nan, nan, nan, nan], [1, 1, nan, 1, 2],
    ]
)  # fmt: skip

# distrib.6raters has its categories in this column order (weights use it)
DISTRIB_ORDER = [
    "Depression", "Personality.Disorder", "Schizophrenia", "Neurosis", "Other",
]  # fmt: skip


def _data(reference, name):
    return UNEVEN if name == "uneven" else reference(name)


# --- published values ---------------------------------------------------------


def test_fleiss_kappa_matches_fleiss_1971(reference):
    # Fleiss (1971) Psychological Bulletin 76:378, p. 381: kappa = .430 and
    # the per-category kappas .245, .245, .520, .471, .566 (Table 2 data)
    result = fleiss_kappa(reference("fleiss1971_diagnoses"))

    assert result.statistic == pytest.approx(0.430, abs=5e-4)
    per_category = [v["statistic"] for v in result.details["per_category"].values()]
    assert per_category == pytest.approx([0.245, 0.245, 0.520, 0.471, 0.566], abs=5e-4)
    assert result.n_units == 30
    assert result.n_raters == 6


def test_fleiss_kappa_matches_irrcac_readme():
    # irrCAC README: fleiss.kappa.raw(cac.raw4raters)
    # pa 0.8181818 pe 0.2387153 coeff.val 0.76117 coeff.se 0.15302
    # conf.int (0.424,1) p.value 0.000419173
    result = fleiss_kappa(RAW4RATERS)

    assert result.statistic == pytest.approx(0.76117, abs=5e-6)
    assert result.standard_error == pytest.approx(0.15302, abs=5e-6)
    assert result.confidence_interval.low == pytest.approx(0.424, abs=5e-4)
    assert result.confidence_interval.high == 1.0
    assert result.details["percent_agreement"] == pytest.approx(0.8181818, abs=5e-8)
    assert result.details["chance_agreement"] == pytest.approx(0.2387153, abs=5e-8)
    assert result.details["p_value_gwet"] == pytest.approx(0.000419173, rel=1e-6)
    assert result.details["test"] == "gwet_t"  # unbalanced: no null SE


def test_weighted_fleiss_kappa_matches_irrcac_weighting_vignette():
    # irrCAC vignette "weighting": fleiss.kappa.raw(cac.raw4raters,
    # weights = "quadratic")$est -> pe 0.8177083 coeff.val 0.86494
    # coeff.se 0.14603 conf.int (0.544,1) p.value 9.976081e-05
    result = fleiss_kappa(RAW4RATERS, weights="quadratic")

    assert result.statistic == pytest.approx(0.86494, abs=5e-6)
    assert result.standard_error == pytest.approx(0.14603, abs=5e-6)
    assert result.confidence_interval.low == pytest.approx(0.544, abs=5e-4)
    assert result.details["chance_agreement"] == pytest.approx(0.8177083, abs=5e-8)
    assert result.details["p_value_gwet"] == pytest.approx(9.976081e-05, rel=1e-6)


@pytest.mark.parametrize(
    ("weights", "expected"),
    [
        # irrCAC README: fleiss.kappa.dist(distrib.6raters)
        # coeff 0.4139265 stderr 0.08119291 conf.int (0.24,0.588)
        # p.value 0.0001622724 pa 0.5511111 pe 0.2340741
        ("identity", (0.4139265, 0.08119291, 0.240, 0.588, 0.0001622724)),
        # irrCAC vignette "weighting": fleiss.kappa.dist(distrib.6raters,
        # weights = quadratic.weights(1:q)) -> coeff 0.2511909 stderr 0.1457381
        # conf.int (-0.061,0.564) p.value 0.1067865
        ("quadratic", (0.2511909, 0.1457381, -0.061, 0.564, 0.1067865)),
    ],
)
def test_fleiss_kappa_matches_irrcac_distribution_example(reference, weights, expected):
    # fleiss1971_distrib15 is distrib.6raters, one row per rating slot
    result = fleiss_kappa(
        reference("fleiss1971_distrib15"), weights=weights, levels=DISTRIB_ORDER
    )

    value, se, low, high, p_value = expected
    # R prints 7 significant digits
    assert result.statistic == pytest.approx(value, rel=5e-7)
    assert result.standard_error == pytest.approx(se, rel=5e-7)
    assert result.confidence_interval.low == pytest.approx(low, abs=5e-4)
    assert result.confidence_interval.high == pytest.approx(high, abs=5e-4)
    assert result.details["p_value_gwet"] == pytest.approx(p_value, rel=1e-6)


# Python irrcac 0.4.4 in a separate venv (it pins scipy 1.12), full precision:
#   CAC(ratings, digits=15, **options).fleiss()["est"] -> coefficient_value,
#   se, confidence_interval, p_value (two-sided t(n-1)); ratings are the
#   reference data sets as units x raters, or UNEVEN above.
IRRCAC_FLEISS = [
    ("fleiss1971_diagnoses", {}, 0.430244520060141, 0.054198935515333,
     0.319395250572143, 0.541093789548138, 9.369896414312961e-09),
    ("fleiss1971_distrib15", {}, 0.413926499032882, 0.081192909195903,
     0.239785028236262, 0.588067969829503, 0.0001622723605838594),
    ("gwet2014_raw_gender", {}, 0.128888888888889, 0.140501334670144,
     -0.172456503346196, 0.430234281123974, 0.37449251698255837),
    ("gwet2014_raw_g1g2", {}, 0.657245283843749, 0.149918557033983,
     0.33336593220567, 0.981124635481829, 0.0007391126826037375),
    ("gwet2014_dist4cat", {}, 0.346186085498743, 0.117673338528285,
     0.093801875500534, 0.598570295496951, 0.010715788783239866),
    ("gwet2014_raw5obser", {}, 0.45762168677217, 0.120450071940065,
     0.199281975916482, 0.715961397627858, 0.001953643994779819),
    ("gwet2014_raw5obser", {"weights": "quadratic"}, 0.750719128304687,
     0.097320690871542, 0.541987006064526, 0.959451250544849,
     2.0871067945016364e-06),
    ("gwet2014_raw5obser", {"weights": "ordinal"}, 0.701221117632533,
     0.102969361789832, 0.480373801202399, 0.922068434062667,
     8.460069565563444e-06),
    # categories=[0, 1, 2, 3, 4] in irrcac
    ("gwet2014_raw5obser", {"levels": [0, 1, 2, 3, 4]}, 0.45762168677217,
     0.120450071940065, 0.199281975916482, 0.715961397627858,
     0.001953643994779819),
    ("krippendorff2011_c_data", {"weights": "linear"}, 0.817944767097309,
     0.148504355499451, 0.491088884435335, 1.0, 0.00018403925824594936),
    ("krippendorff2011_c_data", {"weights": "radical"}, 0.789924094650654,
     0.150036458289606, 0.459696076483827, 1.0, 0.00026640877388572903),
    ("krippendorff2011_c_data", {"weights": "ratio"}, 0.821338343944728,
     0.152386040560749, 0.485938930066721, 1.0, 0.00022002942947008108),
    ("krippendorff2011_c_data", {"weights": "circular"}, 0.80719977015811,
     0.148944059645329, 0.479376105196231, 1.0, 0.00021034262995645037),
    ("irr_video", {"weights": "quadratic"}, 0.097596861206468, 0.09414694874935,
     -0.099454967175064, 0.294648689587999, 0.31291597787509073),
    ("uneven", {}, 0.355499480830812, 0.112108739772778, 0.113303273310358,
     0.597695688351266, 0.0073673227829342824),
    ("uneven", {"weights": "linear"}, 0.531739631648166, 0.13861674812163,
     0.232276353745645, 0.831202909550688, 0.002061374576290298),
    ("uneven", {"weights": "quadratic"}, 0.672855835031941, 0.147478253670856,
     0.354248438291817, 0.991463231772066, 0.000532948477910189),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "options", "value", "se", "low", "high", "p_value"), IRRCAC_FLEISS
)
def test_fleiss_kappa_matches_irrcac(
    reference, name, options, value, se, low, high, p_value
):
    result = fleiss_kappa(_data(reference, name), **options)

    assert result.statistic == pytest.approx(value, abs=1e-12)
    assert result.details["gwet_standard_error"] == pytest.approx(se, abs=1e-12)
    # the t quantile differs by ~1e-11 between scipy 1.12 (irrcac) and ours
    assert result.confidence_interval.low == pytest.approx(low, abs=1e-10)
    assert result.confidence_interval.high == pytest.approx(high, abs=1e-10)
    # irrcac's 1 - cdf loses digits on tiny p-values; ours uses the survival
    assert result.details["p_value_gwet"] == pytest.approx(p_value, rel=1e-9, abs=1e-12)


def test_finite_population_correction_matches_irrcac():
    # CAC(raw_4raters(), N=40, digits=15).fleiss()["est"]
    # -> se 0.128025050835009, confidence_interval (0.479388038415692, 1)
    result = fleiss_kappa(RAW4RATERS, population_size=40)

    assert result.standard_error == pytest.approx(0.128025050835009, abs=1e-12)
    assert result.confidence_interval.low == pytest.approx(0.479388038415692, abs=1e-10)


# --- R irr (pyirr) and statsmodels --------------------------------------------


def test_null_test_and_categories_match_r_irr_kappam_fleiss(reference):
    # pyirr (port of R irr) kappam_fleiss(ratings, detail=True); R irr
    # prints Kappa = 0.43, z = 17.7 on this data (diagnoses)
    ratings = reference("fleiss1971_diagnoses")
    expected = kappam_fleiss(ratings, detail=True)

    result = fleiss_kappa(ratings)

    assert result.statistic == pytest.approx(expected.value, abs=1e-12)
    assert result.details["z"] == pytest.approx(expected.statistic, rel=1e-12)
    assert result.p_value == pytest.approx(expected.pvalue, abs=1e-15)
    assert result.details["test"] == "fleiss_null_z"
    detail = expected.detail  # rounded to 3 decimals by pyirr, as in R irr
    for category, row in result.details["per_category"].items():
        assert row["statistic"] == pytest.approx(
            detail.loc[category, "Kappa"], abs=5e-4
        )
        assert row["z"] == pytest.approx(detail.loc[category, "z"], abs=5e-4)


def test_fleiss_null_standard_error_is_r_irr_and_gives_a_normal_interval(reference):
    # R irr kappam.fleiss: z = kappa / se0, se0 from Fleiss, Nee & Landis (1979)
    ratings = reference("fleiss1971_diagnoses")
    expected = kappam_fleiss(ratings)

    result = fleiss_kappa(ratings, standard_error="fleiss_null")

    se0 = expected.value / expected.statistic
    assert result.standard_error == pytest.approx(se0, rel=1e-12)
    assert result.confidence_interval.low == pytest.approx(
        expected.value - 1.959963984540054 * se0, rel=1e-12
    )
    assert result.options["standard_error"] == "fleiss_null"


def _random_ratings(seed: int, n_units: int, n_raters: int, n_categories: int):
    rng = np.random.default_rng(seed)
    # a unit-level tendency makes agreement better than chance
    tendency = rng.integers(0, n_categories, size=(n_units, 1))
    noise = rng.integers(0, n_categories, size=(n_units, n_raters))
    keep = rng.random((n_units, n_raters)) < 0.6
    return np.where(keep, tendency, noise).astype(float)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**32 - 1),
    n_units=st.integers(2, 40),
    n_raters=st.integers(2, 8),
    n_categories=st.integers(2, 6),
)
def test_fleiss_kappa_equals_statsmodels_and_pyirr_on_complete_data(
    seed, n_units, n_raters, n_categories
):
    ratings = _random_ratings(seed, n_units, n_raters, n_categories)
    table, _ = aggregate_raters(ratings)
    assume(table.shape[1] >= 2)

    result = fleiss_kappa(ratings)
    expected_irr = kappam_fleiss(pd.DataFrame(ratings), detail=True)

    assert result.statistic == pytest.approx(sm_fleiss_kappa(table), abs=1e-9)
    assert result.statistic == pytest.approx(expected_irr.value, abs=1e-9)
    assert result.details["z"] == pytest.approx(expected_irr.statistic, rel=1e-9)
    kappas = [v["statistic"] for v in result.details["per_category"].values()]
    defined = ~np.isnan(kappas)
    assert np.allclose(
        np.asarray(kappas)[defined],
        expected_irr.detail["Kappa"].to_numpy()[defined],
        atol=5e-4,  # pyirr rounds its table to 3 decimals
    )


def test_drop_units_equals_statsmodels_on_the_complete_calls():
    # statsmodels needs complete data; R irr's kappam.fleiss uses na.omit
    ratings = UNEVEN.to_numpy()
    complete = ratings[~np.isnan(ratings).any(axis=1)]
    table, _ = aggregate_raters(complete)

    result = fleiss_kappa(ratings, missing="drop_units")

    assert result.statistic == pytest.approx(sm_fleiss_kappa(table), abs=1e-12)
    assert result.n_units == len(complete)
    assert result.details["test"] == "fleiss_null_z"


# --- per-category kappas, weights, category sets ------------------------------


def test_per_category_kappa_is_fleiss_kappa_of_that_category_against_the_rest(
    reference,
):
    ratings = reference("gwet2014_raw_g1g2")  # missing ratings: Gwet's SE path
    result = fleiss_kappa(ratings)

    for category, row in result.details["per_category"].items():
        binary = ratings.where(ratings.isna(), ratings == category)
        expected = fleiss_kappa(binary.astype(float))
        assert row["statistic"] == pytest.approx(expected.statistic, abs=1e-12)
        assert row["standard_error"] == pytest.approx(
            expected.standard_error, abs=1e-12
        )


def test_weights_by_rank_equals_value_weights_on_rank_codes():
    ranks = UNEVEN.replace({1: 1, 2: 2, 4: 3, 7: 4})

    by_rank = fleiss_kappa(UNEVEN, weights="quadratic", weights_by="rank")
    on_ranks = fleiss_kappa(ranks, weights="quadratic")
    by_value = fleiss_kappa(UNEVEN, weights="quadratic")

    assert by_rank.statistic == pytest.approx(on_ranks.statistic, abs=1e-12)
    assert by_rank.standard_error == pytest.approx(on_ranks.standard_error, abs=1e-12)
    assert abs(by_rank.statistic - by_value.statistic) > 1e-3


def test_declared_unused_level_changes_weighted_kappa_only_when_declared():
    # circular weights depend on the range of the scale, not only its spacing
    levels = [1, 2, 3, 4, 5, 6]
    declared = fleiss_kappa(RAW4RATERS, weights="circular", levels=levels)
    observed = fleiss_kappa(
        RAW4RATERS, weights="circular", levels=levels, categories="observed"
    )
    plain = fleiss_kappa(RAW4RATERS, weights="circular")

    assert observed.statistic == pytest.approx(plain.statistic, abs=1e-15)
    assert abs(declared.statistic - plain.statistic) > 1e-3
    assert declared.details["categories"] == [1, 2, 3, 4, 5, 6]


def test_string_labels_that_differ_in_case_stay_distinct():
    ratings = [["a", "A"], ["a", "a"], ["b", "b"], ["A", "A"]]

    result = fleiss_kappa(ratings)

    assert result.details["categories"] == ["A", "a", "b"]
    assert result.statistic < 1


def test_options_are_recorded():
    result = fleiss_kappa(RAW4RATERS, missing="drop_units", weights="linear")

    assert result.options["missing"] == "drop_units"
    assert result.options["weights"] == "linear"
    assert result.options["standard_error"] == "gwet"
    assert result.coefficient == "fleiss_kappa"


# --- labels without an order, and continuous scores ----------------------------

# ordered labels given without their order: sorted as text they would be
# high < low < medium
LABELS = [
    ["low", "medium"], ["medium", "medium"], ["high", "high"], ["low", "low"],
    ["high", "medium"], ["medium", "low"],
]  # fmt: skip
CODES = [[{"low": 1, "medium": 2, "high": 3}[s] for s in row] for row in LABELS]


# partial credit between neighbours, in the order the rows are given
NEIGHBOURS = np.array([[1.0, 0.5, 0.0], [0.5, 1.0, 0.5], [0.0, 0.5, 1.0]])


@pytest.mark.parametrize("weights", ["linear", "quadratic", NEIGHBOURS])
def test_weighted_kappa_on_labels_without_levels_raises(weights):
    with pytest.raises(
        RatingsError, match=r"fleiss_kappa.* needs ordered levels.*levels=\["
    ):
        fleiss_kappa(LABELS, weights=weights)
    with pytest.raises(RatingsError, match="needs ordered levels"):
        _fleiss_kappa_unit_terms(rating_matrix(LABELS), weights=weights)


def test_weighted_kappa_on_a_nominal_scale_raises():
    criterion = SimpleNamespace(
        matrix=pd.DataFrame(CODES), scale=Scale("nominal", levels=[1, 2, 3])
    )

    with pytest.raises(ValueError, match="the scale is nominal"):
        fleiss_kappa(criterion, weights="linear")
    assert fleiss_kappa(criterion).statistic == pytest.approx(
        fleiss_kappa(CODES).statistic, abs=1e-15
    )


def test_weighted_kappa_on_labels_with_levels_weighs_their_ranks():
    labelled = fleiss_kappa(
        LABELS, weights="quadratic", levels=["low", "medium", "high"]
    )
    ranked = fleiss_kappa(CODES, weights="quadratic")

    assert labelled.statistic == pytest.approx(ranked.statistic, abs=1e-15)
    assert labelled.standard_error == pytest.approx(ranked.standard_error, abs=1e-15)


def test_unweighted_kappa_on_labels_needs_no_order():
    assert fleiss_kappa(LABELS).statistic == pytest.approx(
        fleiss_kappa(CODES).statistic, abs=1e-15
    )


def test_continuous_scores_raise_before_building_category_arrays():
    # 10,000 calls x 5 raters of normal scores: 50,000 categories, whose
    # q x q weights alone would take 20 GB
    scores = np.random.default_rng(0).normal(size=(10_000, 5))

    tracemalloc.start()
    with pytest.raises(RatingsError, match="fleiss_kappa treats every distinct"):
        fleiss_kappa(scores)
    with pytest.raises(RatingsError, match="fleiss_kappa treats every distinct"):
        _fleiss_kappa_unit_terms(rating_matrix(scores))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()

    assert peak < 50e6


# --- undefined cases and bad input --------------------------------------------


def test_fleiss_kappa_one_category_returns_nan_and_warns():
    with pytest.warns(UndefinedCoefficientWarning, match="every rating is 'yes'"):
        result = fleiss_kappa([["yes", "yes"], ["yes", "yes"], ["yes", None]])

    assert math.isnan(result.statistic)
    assert "chance agreement is 1" in result.undefined_reason


def test_fleiss_kappa_with_one_unit_rated_twice_returns_nan_and_warns():
    ratings = [[1, 2, nan], [2, nan, nan], [nan, 1, nan]]

    with pytest.warns(UndefinedCoefficientWarning, match="fewer than two calls") as w:
        result = fleiss_kappa(ratings)

    assert math.isnan(result.statistic)
    assert not result.is_defined
    assert w[0].filename == __file__


def test_drop_units_leaving_no_unit_returns_nan_and_warns():
    with pytest.warns(UndefinedCoefficientWarning, match="found 0"):
        result = fleiss_kappa(RAW4RATERS[-3:], missing="drop_units")

    assert result.n_units == 0


def test_perfect_agreement_gives_zero_standard_error_without_numpy_warnings():
    result = fleiss_kappa([[1, 1, 1], [2, 2, 2], [3, 3, 3]])

    assert result.statistic == 1.0
    assert result.standard_error == 0.0
    assert result.confidence_interval.low == 1.0


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"standard_error": "normal"}, "standard_error='normal' is not known"),
        ({"missing": "pairwise"}, "missing='pairwise'"),
        ({"categories": "all"}, "categories='all'"),
        ({"population_size": -5}, "population_size=-5"),
        ({"level": 95}, "level=95"),
        ({"weights": "cubic"}, "weights='cubic'"),
        ({"weights": np.eye(5), "weights_by": "values"}, "weights_by='values'"),
    ],
)
def test_bad_options_raise_with_the_argument_named(options, message):
    with pytest.raises(ValueError, match=message):
        fleiss_kappa(RAW4RATERS, **options)


def test_fleiss_null_on_unbalanced_data_raises_and_says_what_to_do():
    with pytest.raises(ValueError, match="missing='drop_units'"):
        fleiss_kappa(RAW4RATERS, standard_error="fleiss_null")


def test_one_rater_raises():
    with pytest.raises(RatingsError, match="at least two raters"):
        fleiss_kappa([[1], [2], [3]])


# --- unit terms for the bootstrap ---------------------------------------------


@pytest.mark.parametrize(
    ("name", "options"),
    [
        ("fleiss1971_diagnoses", {}),
        ("krippendorff2011_c_data", {}),
        ("krippendorff2011_c_data", {"weights": "quadratic"}),
        ("gwet2014_raw5obser", {"levels": [0, 1, 2, 3, 4], "weights": "linear"}),
        ("uneven", {"missing": "drop_units"}),
        ("gwet2014_raw_g1g2", {}),
        ("uneven", {"weights": "ratio", "weights_by": "rank"}),
    ],
)
def test_unit_terms_reproduce_the_statistic(reference, name, options):
    data = _data(reference, name)
    matrix = rating_matrix(data, levels=options.get("levels"))

    result = fleiss_kappa(data, **options)
    terms = _fleiss_kappa_unit_terms(matrix, **result.options)

    assert terms.terms.shape[0] == matrix.n_units
    assert terms.statistic() == pytest.approx(result.statistic, abs=1e-12)


def test_unit_terms_combine_resamples_like_the_coefficient(reference):
    data = reference("gwet2014_raw5obser")
    levels = [0, 1, 2, 3]
    terms = _fleiss_kappa_unit_terms(rating_matrix(data, levels=levels), levels=levels)
    rng = np.random.default_rng(7)
    picks = rng.integers(0, len(data), size=(5, len(data)))
    multiplicity = np.stack([np.bincount(p, minlength=len(data)) for p in picks])

    combined = terms.combine(multiplicity @ terms.terms)

    expected = [fleiss_kappa(data.iloc[p], levels=levels).statistic for p in picks]
    assert combined.shape == (5,)
    assert combined == pytest.approx(expected, abs=1e-12)


def test_unit_terms_combine_gives_nan_without_warnings_where_undefined():
    terms = _fleiss_kappa_unit_terms(rating_matrix(RAW4RATERS))
    only_unit_three = np.zeros((1, terms.terms.shape[0]))
    only_unit_three[0, 2] = 3

    assert np.isnan(terms.combine(only_unit_three @ terms.terms)).all()


def test_module_exports_its_public_names():
    assert _fleiss.__all__ == ["fleiss_kappa"]
    assert all(callable(getattr(_fleiss, name)) for name in _fleiss.__all__)
