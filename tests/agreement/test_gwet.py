"""Gwet's AC1/AC2, Brennan-Prediger and Conger's kappa against irrCAC, R irr
(pyirr) and statsmodels.

The three share one estimate (``toolkit.agreement._chance``) and are tested
together here; what is Conger's own is in ``test_conger.py``.
"""

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

from toolkit.agreement import _conger, _gwet
from toolkit.agreement._gwet import (
    _brennan_prediger_unit_terms,
    _conger_kappa_unit_terms,
    _gwet_ac1_unit_terms,
    _gwet_ac2_unit_terms,
    _gwet_ac_unit_terms,
    brennan_prediger,
    conger_kappa,
    gwet_ac,
    gwet_ac1,
    gwet_ac2,
)
from toolkit.agreement._input import rating_matrix
from toolkit.agreement._registry import coefficient_spec
from toolkit.errors import RatingsError, UndefinedCoefficientWarning
from toolkit.scales import Scale

nan = math.nan

COEFFICIENTS = {"gwet": gwet_ac, "conger": conger_kappa, "bp": brennan_prediger}
UNIT_TERMS = {
    "gwet": _gwet_ac_unit_terms,
    "conger": _conger_kappa_unit_terms,
    "bp": _brennan_prediger_unit_terms,
}

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

DISTRIB_ORDER = [
    "Depression", "Personality.Disorder", "Schizophrenia", "Neurosis", "Other",
]  # fmt: skip


def _data(reference, name):
    return UNEVEN if name == "uneven" else reference(name)


# --- published values ---------------------------------------------------------

# irrCAC README (raw ratings, unweighted) and vignette "weighting" (quadratic):
#   gwet.ac1.raw(cac.raw4raters)   AC1 pe 0.1903212 coeff.val 0.77544
#       coeff.se 0.14295 conf.int (0.461,1) p.value 0.000208721
#   conger.kappa.raw(cac.raw4raters) pe 0.2334252 coeff.val 0.76282
#       coeff.se 0.14917 conf.int (0.435,1) p.value 0.0003367066
#   bp.coeff.raw(cac.raw4raters)   pe 0.2 coeff.val 0.77273
#       coeff.se 0.14472 conf.int (0.454,1) p.value 0.0002375609
#   gwet.ac1.raw(cac.raw4raters, weights = "quadratic")$est  AC2 pe 0.7137044
#       coeff.val 0.914 coeff.se 0.10396 conf.int (0.685,1) p.value 2.634438e-06
#   conger.kappa.raw(cac.raw4raters, weights = "quadratic")$est pe 0.8269638
#       coeff.val 0.85771 coeff.se 0.14367 conf.int (0.541,1) p.value 9.319979e-05
#   bp.coeff.raw(cac.raw4raters, weights = "quadratic")$est pe 0.75
#       coeff.val 0.90152 coeff.se 0.11089 conf.int (0.657,1) p.value 5.60548e-06
README_RAW = [
    ("gwet", "identity", "gwet_ac1", 0.1903212, 0.77544, 0.14295, 0.461, 0.000208721),
    ("conger", "identity", "conger_kappa", 0.2334252, 0.76282, 0.14917, 0.435,
     0.0003367066),
    ("bp", "identity", "brennan_prediger", 0.2, 0.77273, 0.14472, 0.454, 0.0002375609),
    ("gwet", "quadratic", "gwet_ac2", 0.7137044, 0.91400, 0.10396, 0.685,
     2.634438e-06),
    ("conger", "quadratic", "conger_kappa", 0.8269638, 0.85771, 0.14367, 0.541,
     9.319979e-05),
    ("bp", "quadratic", "brennan_prediger", 0.75, 0.90152, 0.11089, 0.657,
     5.60548e-06),
]  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "weights", "name", "chance", "value", "se", "low", "p_value"), README_RAW
)
def test_coefficients_match_irrcac_published_raw_examples(
    kind, weights, name, chance, value, se, low, p_value
):
    result = COEFFICIENTS[kind](RAW4RATERS, weights=weights)

    assert result.coefficient == name
    assert result.details["chance_agreement"] == pytest.approx(chance, abs=5e-8)
    assert result.statistic == pytest.approx(value, abs=5e-6)
    assert result.standard_error == pytest.approx(se, abs=5e-6)
    assert result.confidence_interval.low == pytest.approx(low, abs=5e-4)
    assert result.confidence_interval.high == 1.0
    assert result.p_value == pytest.approx(p_value, rel=5e-6)  # R: 7 digits


# irrCAC README and vignette "weighting", distribution of 6 raters:
#   gwet.ac1.dist(distrib.6raters)  coeff 0.4448007 stderr 0.08418757
#       conf.int (0.264,0.625) p.value 0.0001155927 pe 0.1914815
#   bp.coeff.dist(distrib.6raters)  coeff 0.4388889 stderr 0.08312142
#       conf.int (0.261,0.617) p.value 0.0001163 pe 0.2
#   gwet.ac1.dist(distrib.6raters, weights = quadratic.weights(1:q))
#       coeff 0.4837438 stderr 0.1058227 conf.int (0.257,0.711)
#       p.value 0.0004356618 pe 0.7180556
#   bp.coeff.dist(distrib.6raters, weights = quadratic.weights(1:q))
#       coeff 0.4177778 stderr 0.1067493 conf.int (0.189,0.647)
#       p.value 0.001559352 pe 0.75
README_DIST = [
    ("gwet", "identity", 0.4448007, 0.08418757, 0.264, 0.625, 0.0001155927),
    ("bp", "identity", 0.4388889, 0.08312142, 0.261, 0.617, 0.0001163),
    ("gwet", "quadratic", 0.4837438, 0.1058227, 0.257, 0.711, 0.0004356618),
    ("bp", "quadratic", 0.4177778, 0.1067493, 0.189, 0.647, 0.001559352),
]


@pytest.mark.parametrize(
    ("kind", "weights", "value", "se", "low", "high", "p_value"), README_DIST
)
def test_coefficients_match_irrcac_published_distribution_examples(
    reference, kind, weights, value, se, low, high, p_value
):
    # fleiss1971_distrib15 is distrib.6raters, one row per rating slot
    ratings = reference("fleiss1971_distrib15")

    result = COEFFICIENTS[kind](ratings, weights=weights, levels=DISTRIB_ORDER)

    assert result.statistic == pytest.approx(value, rel=5e-7)  # R: 7 digits
    assert result.standard_error == pytest.approx(se, rel=5e-7)
    assert result.confidence_interval.low == pytest.approx(low, abs=5e-4)
    assert result.confidence_interval.high == pytest.approx(high, abs=5e-4)
    assert result.p_value == pytest.approx(p_value, rel=5e-4)


def test_ac1_matches_irrcac_readme_on_dist4cat(reference):
    # irrCAC README: gwet.ac1.dist(cac.dist4cat[,2:4])$coeff -> 0.3518903
    result = gwet_ac1(reference("gwet2014_dist4cat"))

    assert result.statistic == pytest.approx(0.3518903, abs=5e-8)


# Python irrcac 0.4.4 in a separate venv (it pins scipy 1.12), full precision:
#   getattr(CAC(ratings, digits=15, **options), kind)()["est"] ->
#   coefficient_value, se, confidence_interval, p_value. Its p_value is the
#   two-sided t(n-1) test for gwet and conger, one-sided for bp (doubled
#   here). irrcac's categories=[...] is our levels=[...].
IRRCAC = [
    ("fleiss1971_diagnoses", {}, "gwet", 0.447884515844564, 0.055662141681618,
     0.334042653732729, 0.561726377956399, 7.124492551469075e-09),
    ("fleiss1971_diagnoses", {}, "conger", 0.441808540329333, 0.050794406013078,
     0.337922315496862, 0.545694765161804, 1.414161898694033e-09),
    ("fleiss1971_diagnoses", {}, "bp", 0.444444444444444, 0.05512283585575,
     0.33170558659385, 0.557183302295039, 2 * 3.4185630992666916e-09),
    ("fleiss1971_distrib15", {}, "conger", 0.427221172022684, 0.075729939866124,
     0.264796605121071, 0.589645738924298, 6.083709137061355e-05),
    ("gwet2014_raw_gender", {}, "gwet", 0.208080808080808, 0.090696815943318,
     0.013555484609129, 0.402606131552487, 0.037759879036350696),
    ("gwet2014_raw_gender", {}, "conger", 0.16572077185017, 0.12120596165007,
     -0.09424016119307, 0.42568170489341, 0.19309410870766675),
    ("gwet2014_raw_gender", {}, "bp", 0.183333333333333, 0.101964824311256,
     -0.035359464485238, 0.402026131151904, 2 * 0.046884427846722976),
    ("gwet2014_raw_g1g2", {}, "gwet", 0.684603818747768, 0.133533173469305,
     0.39612293618691, 0.973084701308627, 0.00019438446809427745),
    ("gwet2014_raw_g1g2", {}, "conger", 0.658588993673152, 0.145997488296626,
     0.343180596035088, 0.973997391311217, 0.0005854324178404813),
    ("gwet2014_raw_g1g2", {}, "bp", 0.679487179487179, 0.136237526148553,
     0.385163898162057, 0.973810460812302, 2 * 0.0001241869184069877),
    ("gwet2014_dist4cat", {}, "conger", 0.372990353697749, 0.103733029377358,
     0.150505133191897, 0.595475574203601, 0.002923458446103755),
    ("gwet2014_raw5obser", {}, "gwet", 0.496622054872614, 0.121973368005297,
     0.235015198894462, 0.758228910850767, 0.0011439711445893064),
    ("gwet2014_raw5obser", {}, "conger", 0.469274278592656, 0.116663454859817,
     0.219056053642923, 0.71949250354239, 0.0012593642748883749),
    ("gwet2014_raw5obser", {}, "bp", 0.487407407407407, 0.120891586234043,
     0.228120742571471, 0.746694072243344, 2 * 0.0006183013903303669),
    ("gwet2014_raw5obser", {"weights": "quadratic"}, "gwet", 0.830433572654576,
     0.058246405164524, 0.70550745823869, 0.955359687070463,
     9.945981815917548e-10),
    ("gwet2014_raw5obser", {"weights": "quadratic"}, "conger", 0.761788060509111,
     0.092504821352817, 0.563384951103455, 0.960191169914767,
     9.759132035824791e-07),
    ("gwet2014_raw5obser", {"weights": "quadratic"}, "bp", 0.806222222222222,
     0.058595435352011, 0.680547512506532, 0.931896931937913,
     2 * 7.931081347223312e-10),
    ("gwet2014_raw5obser", {"weights": "ordinal"}, "gwet", 0.785341793553322,
     0.068187570829048, 0.639093999357786, 0.931589587748857,
     1.5812970488582323e-08),
    ("gwet2014_raw5obser", {"weights": "ordinal"}, "conger", 0.713119042280698,
     0.098489098658965, 0.501880934572013, 0.924357149989383,
     4.285929194658422e-06),
    ("gwet2014_raw5obser", {"levels": [0, 1, 2, 3, 4]}, "gwet", 0.532759010031277,
     0.112252151407996, 0.292002090001371, 0.773515930061182,
     0.0003127467399364203),
    ("gwet2014_raw5obser", {"levels": [0, 1, 2, 3, 4]}, "conger",
     0.469274278592656, 0.116663454859817, 0.219056053642923, 0.71949250354239,
     0.0012593642748883749),
    ("gwet2014_raw5obser", {"levels": [0, 1, 2, 3, 4]}, "bp", 0.519444444444444,
     0.113335862094415, 0.276363196160754, 0.762525692728135,
     2 * 0.0002129219155453388),
    ("krippendorff2011_c_data", {"weights": "linear"}, "gwet", 0.858739136432611,
     0.117329021881364, 0.600499700424682, 1.0, 1.506030853248852e-05),
    ("krippendorff2011_c_data", {"weights": "linear"}, "conger",
     0.813776319966141, 0.145085402493167, 0.494445502134019, 1.0,
     0.0001581874902067959),
    ("krippendorff2011_c_data", {"weights": "radical"}, "gwet", 0.819811702197997,
     0.128355524616986, 0.53730309730135, 1.0, 5.1724454927848385e-05),
    ("krippendorff2011_c_data", {"weights": "radical"}, "bp", 0.81262707950358,
     0.132779374984979, 0.520381645596552, 1.0, 2 * 3.759569195294077e-05),
    ("krippendorff2011_c_data", {"weights": "ratio"}, "gwet", 0.857367557829635,
     0.122071330135143, 0.588690371730598, 1.0, 2.201140692226211e-05),
    ("krippendorff2011_c_data", {"weights": "ratio"}, "conger", 0.811965175869552,
     0.148600701756109, 0.484897236526444, 1.0, 0.00019660867954529593),
    ("krippendorff2011_c_data", {"weights": "circular"}, "gwet",
     0.830195139460961, 0.132651377254352, 0.538231426659567, 1.0,
     6.186372615490932e-05),
    ("krippendorff2011_c_data", {"weights": "circular"}, "conger",
     0.805348881366914, 0.147478317146655, 0.48075129389312, 1.0,
     0.00019758526751889605),
    ("krippendorff2011_c_data", {"levels": [1, 2, 3, 4, 5, 6, 7]}, "gwet",
     0.791760186789184, 0.136113821438378, 0.492175685721134, 1.0,
     0.00011637763455540906),
    ("krippendorff2011_c_data", {"levels": [1, 2, 3, 4, 5, 6, 7]}, "bp",
     0.787878787878788, 0.138112446943307, 0.483895341733825, 1.0,
     2 * 6.862571554744346e-05),
    ("irr_video", {"weights": "quadratic"}, "gwet", 0.892124291577096,
     0.042904304967757, 0.802324549241912, 0.98192403391228,
     1.5765166949677223e-14),
    ("irr_video", {"weights": "quadratic"}, "conger", 0.15024630541872,
     0.069869092291873, 0.004008614592159, 0.296483996245282,
     0.044609218737113876),
    ("irr_video", {"weights": "quadratic"}, "bp", 0.77, 0.069832715736498,
     0.623838446178856, 0.916161553821145, 2 * 5.33391664170324e-10),
    ("uneven", {}, "gwet", 0.366919445581784, 0.098058138799155,
     0.155077716009187, 0.578761175154382, 0.002465400241564053),
    ("uneven", {}, "conger", 0.36501218851571, 0.105241707483175,
     0.137651302316619, 0.5923730747148, 0.004159254861954231),
    ("uneven", {}, "bp", 0.364102564102564, 0.101041736998847, 0.145815162495877,
     0.582389965709251, 2 * 0.0016051898519853225),
    ("uneven", {"weights": "linear"}, "gwet", 0.585187836907032, 0.10003244279238,
     0.369080882869144, 0.80129479094492, 5.68551085962099e-05),
    ("uneven", {"weights": "linear"}, "conger", 0.548765740519482,
     0.124193402753004, 0.280462205872655, 0.81706927516631, 0.000693457836884015),
    ("uneven", {"weights": "linear"}, "bp", 0.577435897435898, 0.102997506376266,
     0.35492331296697, 0.799948481904826, 2 * 4.266961152699089e-05),
    ("uneven", {"weights": "quadratic"}, "gwet", 0.729406916690548,
     0.105941044599522, 0.500535204505002, 0.958278628876095,
     1.1100079777115468e-05),
    ("uneven", {"weights": "quadratic"}, "conger", 0.685654905294979,
     0.132168109083315, 0.400123065047666, 0.971186745542293,
     0.00017477858800707402),
    ("uneven", {"weights": "quadratic"}, "bp", 0.720634920634921,
     0.108649013584456, 0.485912997131656, 0.955356844138186,
     2 * 8.154747237920645e-06),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "options", "kind", "value", "se", "low", "high", "p_value"), IRRCAC
)
def test_coefficients_match_irrcac(
    reference, name, options, kind, value, se, low, high, p_value
):
    result = COEFFICIENTS[kind](_data(reference, name), **options)

    assert result.statistic == pytest.approx(value, abs=1e-12)
    assert result.standard_error == pytest.approx(se, abs=1e-12)
    # the t quantile differs by ~1e-11 between scipy 1.12 (irrcac) and ours
    assert result.confidence_interval.low == pytest.approx(low, abs=1e-10)
    assert result.confidence_interval.high == pytest.approx(high, abs=1e-10)
    # irrcac's 1 - cdf loses digits on tiny p-values; ours uses the survival
    assert result.p_value == pytest.approx(p_value, rel=1e-9, abs=1e-12)


@pytest.mark.parametrize(
    ("kind", "se"),
    [
        # CAC(raw_4raters(), N=40, digits=15).gwet() / .conger() / .bp()
        ("gwet", 0.119600509496147),
        ("conger", 0.124803030412101),
        ("bp", 0.121078611045023),
    ],
)
def test_finite_population_correction_matches_irrcac(kind, se):
    result = COEFFICIENTS[kind](RAW4RATERS, population_size=40)

    assert result.standard_error == pytest.approx(se, abs=1e-12)


# --- statsmodels and R irr (pyirr) on complete data ---------------------------


def _random_ratings(seed: int, n_units: int, n_raters: int, n_categories: int):
    rng = np.random.default_rng(seed)
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
def test_brennan_prediger_equals_statsmodels_randolph_and_conger_equals_irr_exact(
    seed, n_units, n_raters, n_categories
):
    ratings = _random_ratings(seed, n_units, n_raters, n_categories)
    table, _ = aggregate_raters(ratings)
    assume(table.shape[1] >= 2)

    bp = brennan_prediger(ratings)
    conger = conger_kappa(ratings)

    # statsmodels' table has one column per observed category
    assert bp.statistic == pytest.approx(
        sm_fleiss_kappa(table, method="randolph"), abs=1e-9
    )
    # R irr kappam.fleiss(exact = TRUE) is Conger's (1980) kappa
    exact = kappam_fleiss(pd.DataFrame(ratings), exact=True)
    assert conger.statistic == pytest.approx(exact.value, abs=1e-9)


# --- options ------------------------------------------------------------------


def test_declared_levels_lower_ac1_chance_and_observed_ignores_them():
    levels = [1, 2, 3, 4, 5, 6, 7]

    declared = gwet_ac1(RAW4RATERS, levels=levels)
    observed = gwet_ac1(RAW4RATERS, levels=levels, categories="observed")
    plain = gwet_ac1(RAW4RATERS)

    assert observed.statistic == pytest.approx(plain.statistic, abs=1e-15)
    assert declared.statistic > plain.statistic
    assert declared.details["categories"] == levels


def test_levels_of_a_criterion_scale_count_as_declared():
    # what toolkit.ratings' CriterionRatings carries: a matrix and its scale
    criterion = SimpleNamespace(
        matrix=pd.DataFrame(RAW4RATERS), scale=Scale("ordinal", levels=range(1, 8))
    )

    from_scale = gwet_ac1(criterion)
    from_levels = gwet_ac1(RAW4RATERS, levels=[1, 2, 3, 4, 5, 6, 7])

    assert from_scale.statistic == pytest.approx(from_levels.statistic, abs=1e-15)


def test_ac1_is_one_when_everyone_uses_one_of_two_declared_levels():
    ratings = [["pass", "pass"], ["pass", "pass"], ["pass", "pass"]]

    result = gwet_ac1(ratings, levels=["pass", "fail"])

    assert result.statistic == 1.0
    assert result.standard_error == 0.0
    assert result.details["chance_agreement"] == 0.0


def test_brennan_prediger_is_one_when_everyone_uses_one_of_two_declared_levels():
    # p_o = 1 and p_e = 1/q = 1/2 whatever the raters chose
    ratings = [["pass", "pass"], ["pass", "pass"], ["pass", None]]

    result = brennan_prediger(ratings, levels=["pass", "fail"])

    assert result.statistic == 1.0
    assert result.details["chance_agreement"] == 0.5


def test_gwet_ac1_and_ac2_are_gwet_ac():
    ac1 = gwet_ac1(RAW4RATERS)
    ac2 = gwet_ac2(RAW4RATERS, weights="linear")

    assert ac1 == gwet_ac(RAW4RATERS)
    assert ac2 == gwet_ac(RAW4RATERS, weights="linear")
    assert (ac1.coefficient, ac2.coefficient) == ("gwet_ac1", "gwet_ac2")


def test_custom_weight_matrix_equals_the_named_kind():
    matrix = 1 - np.abs(np.subtract.outer(np.arange(5), np.arange(5))) / 4

    custom = conger_kappa(RAW4RATERS, weights=matrix)
    named = conger_kappa(RAW4RATERS, weights="linear")

    assert custom.statistic == pytest.approx(named.statistic, abs=1e-15)
    assert custom.standard_error == pytest.approx(named.standard_error, abs=1e-15)


def test_custom_weight_matrix_follows_categories_left_after_dropping_calls():
    # category 5 occurs only on a call with a missing rating
    matrix = 1 - np.abs(np.subtract.outer(np.arange(5), np.arange(5))) / 4

    custom = gwet_ac2(RAW4RATERS, weights=matrix, missing="drop_units")
    subset = gwet_ac2(
        np.asarray(RAW4RATERS)[1:9], weights=matrix[:4, :4], missing="drop_units"
    )

    assert custom.details["categories"] == [1, 2, 3, 4]
    assert custom.statistic == pytest.approx(subset.statistic, abs=1e-15)


def test_weights_by_rank_equals_value_weights_on_rank_codes():
    ranks = UNEVEN.replace({1: 1, 2: 2, 4: 3, 7: 4})

    by_rank = gwet_ac2(UNEVEN, weights="quadratic", weights_by="rank")
    on_ranks = gwet_ac2(ranks, weights="quadratic")

    assert by_rank.statistic == pytest.approx(on_ranks.statistic, abs=1e-12)
    assert by_rank.standard_error == pytest.approx(on_ranks.standard_error, abs=1e-12)


def test_drop_units_uses_complete_calls_only():
    complete = UNEVEN.dropna()

    result = brennan_prediger(UNEVEN, missing="drop_units", levels=[1, 2, 4, 7])

    assert result.n_units == len(complete)
    expected = brennan_prediger(complete, levels=[1, 2, 4, 7])
    assert result.statistic == pytest.approx(expected.statistic, abs=1e-15)
    assert result.options["missing"] == "drop_units"


# --- gwet_ac2's default weights ------------------------------------------------


def test_gwet_ac2_defaults_to_quadratic_weights_as_irrcac_weighting_vignette():
    # irrCAC vignette "weighting": gwet.ac1.raw(cac.raw4raters,
    #   weights = "quadratic")$est -> AC2 pe 0.7137044 coeff.val 0.914
    #   coeff.se 0.10396 conf.int (0.685,1) p.value 2.634438e-06
    result = gwet_ac2(RAW4RATERS)

    assert result.coefficient == "gwet_ac2"
    assert result.options["weights"] == "quadratic"
    assert result.details["chance_agreement"] == pytest.approx(0.7137044, abs=5e-8)
    assert result.statistic == pytest.approx(0.914, abs=5e-4)
    assert result.standard_error == pytest.approx(0.10396, abs=5e-6)
    assert result.p_value == pytest.approx(2.634438e-06, rel=5e-6)


def test_gwet_ac2_by_name_needs_no_options():
    # what `peercoach calibrate --coefficients gwet_ac2` calls
    spec = coefficient_spec("gwet_ac2")

    result = spec.function(RAW4RATERS)
    terms = spec.unit_terms(rating_matrix(RAW4RATERS))

    assert result.statistic == pytest.approx(
        gwet_ac2(RAW4RATERS, weights="quadratic").statistic, abs=1e-15
    )
    assert terms.statistic() == pytest.approx(result.statistic, abs=1e-12)


def test_ac2_unit_terms_default_to_ac2_weights():
    terms = _gwet_ac2_unit_terms(rating_matrix(RAW4RATERS))

    assert terms.statistic() == pytest.approx(gwet_ac2(RAW4RATERS).statistic, abs=1e-12)


# --- labels without an order, and continuous scores ----------------------------

# ordered labels given without their order: sorted as text they would be
# high < low < medium
LABELS = [
    ["low", "medium"], ["medium", "medium"], ["high", "high"], ["low", "low"],
    ["high", "medium"], ["medium", "low"],
]  # fmt: skip
ORDER = ["low", "medium", "high"]
CODES = [[{"low": 1, "medium": 2, "high": 3}[s] for s in row] for row in LABELS]
LINEAR_3 = 1 - np.abs(np.subtract.outer(np.arange(3), np.arange(3))) / 2

ORDERED_WEIGHTS = [
    (gwet_ac2, {}),
    (gwet_ac, {"weights": "linear"}),
    (conger_kappa, {"weights": "quadratic"}),
    (brennan_prediger, {"weights": "ordinal"}),
    (gwet_ac, {"weights": "circular"}),
    (conger_kappa, {"weights": LINEAR_3}),
]


@pytest.mark.parametrize(("coefficient", "options"), ORDERED_WEIGHTS)
def test_ordered_weights_on_labels_without_levels_raise(coefficient, options):
    with pytest.raises(RatingsError, match=r"needs ordered levels.*levels=\["):
        coefficient(LABELS, **options)


@pytest.mark.parametrize(("coefficient", "options"), ORDERED_WEIGHTS)
def test_ordered_weights_on_labels_with_levels_weigh_their_ranks(coefficient, options):
    labelled = coefficient(LABELS, levels=ORDER, **options)
    ranked = coefficient(CODES, **options)

    assert labelled.statistic == pytest.approx(ranked.statistic, abs=1e-15)
    assert labelled.standard_error == pytest.approx(ranked.standard_error, abs=1e-15)


@pytest.mark.parametrize("kind", ["gwet", "conger", "bp"])
def test_unit_terms_of_ordered_weights_on_labels_without_levels_raise(kind):
    with pytest.raises(RatingsError, match="needs ordered levels"):
        UNIT_TERMS[kind](rating_matrix(LABELS), weights="linear")


@pytest.mark.parametrize(("coefficient", "options"), ORDERED_WEIGHTS)
def test_ordered_weights_on_a_nominal_scale_raise(coefficient, options):
    # declared levels of a nominal scale are a list, not an order
    criterion = SimpleNamespace(
        matrix=pd.DataFrame(LABELS), scale=Scale("nominal", levels=ORDER)
    )

    with pytest.raises(ValueError, match="the scale is nominal"):
        coefficient(criterion, **options)


@pytest.mark.parametrize("coefficient", [gwet_ac2, conger_kappa, brennan_prediger])
def test_ordered_weights_on_two_labels_need_no_order(coefficient):
    # with two categories every weight kind is the identity: a yes/no
    # criterion gets AC2's default weights without declaring levels
    ratings = [["no", "yes"], ["yes", "yes"], ["no", "no"], ["yes", "yes"]]

    weighted = coefficient(ratings, weights="quadratic")
    unweighted = coefficient(ratings, weights="identity")

    assert weighted.statistic == pytest.approx(unweighted.statistic, abs=1e-15)


@pytest.mark.parametrize("coefficient", [gwet_ac1, conger_kappa, brennan_prediger])
def test_unweighted_coefficients_on_labels_need_no_order(coefficient):
    labelled = coefficient(LABELS)
    ranked = coefficient(CODES)

    assert labelled.statistic == pytest.approx(ranked.statistic, abs=1e-15)


@pytest.mark.parametrize(
    "coefficient", [gwet_ac, gwet_ac1, gwet_ac2, conger_kappa, brennan_prediger]
)
def test_continuous_scores_raise_before_building_category_arrays(coefficient):
    # every score distinct: 6,000 categories would need q x q weights and
    # (units x raters x q) indicators (Conger)
    scores = np.random.default_rng(0).normal(size=(2000, 3))
    name = coefficient.__name__

    tracemalloc.start()
    with pytest.raises(RatingsError, match=f"{name} treats every distinct score"):
        coefficient(scores)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()

    assert peak < 20e6


# --- undefined cases and bad input --------------------------------------------


@pytest.mark.parametrize("kind", ["gwet", "conger", "bp"])
def test_one_category_returns_nan_and_warns(kind):
    ratings = [["yes", "yes"], ["yes", "yes"], ["yes", None]]

    with pytest.warns(UndefinedCoefficientWarning, match="only one category"):
        result = COEFFICIENTS[kind](ratings)

    assert math.isnan(result.statistic)
    assert math.isnan(result.confidence_interval.low)


@pytest.mark.parametrize(
    "coefficient",
    [gwet_ac, gwet_ac1, conger_kappa, brennan_prediger],
)
def test_fewer_than_two_rated_calls_return_nan_and_warn_at_the_caller(coefficient):
    ratings = [[1, 2, nan], [2, nan, nan], [nan, 1, nan]]

    with pytest.warns(UndefinedCoefficientWarning, match="fewer than two calls") as w:
        result = coefficient(ratings)

    assert not result.is_defined
    assert w[0].filename == __file__


def test_weights_giving_full_credit_everywhere_return_nan_and_warn():
    with pytest.warns(UndefinedCoefficientWarning, match="under these weights"):
        result = conger_kappa(RAW4RATERS, weights=np.ones((5, 5)))

    assert math.isnan(result.statistic)


@pytest.mark.parametrize("kind", ["gwet", "conger", "bp"])
@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"missing": "pairwise"}, "missing='pairwise'"),
        ({"categories": "all"}, "categories='all'"),
        ({"population_size": 0}, "population_size=0"),
        ({"level": 0}, "level=0"),
        ({"weights": "cubic"}, "weights='cubic'"),
        ({"weights": np.eye(5), "weights_by": "values"}, "weights_by='values'"),
        ({"weights": np.eye(3)}, "must be 5 x 5"),
    ],
)
def test_bad_options_raise_with_the_argument_named(kind, options, message):
    with pytest.raises(ValueError, match=message):
        COEFFICIENTS[kind](RAW4RATERS, **options)


def test_one_rater_raises():
    with pytest.raises(RatingsError, match="at least two raters"):
        conger_kappa([[1], [2]])


# --- unit terms for the bootstrap ---------------------------------------------

TERM_CASES = [
    ("fleiss1971_diagnoses", {}),
    ("krippendorff2011_c_data", {}),
    ("krippendorff2011_c_data", {"weights": "quadratic"}),
    ("gwet2014_raw5obser", {"levels": [0, 1, 2, 3, 4], "weights": "bipolar"}),
    ("gwet2014_raw_g1g2", {}),
    ("uneven", {"missing": "drop_units"}),
    ("uneven", {"weights": "ratio", "weights_by": "rank"}),
]


@pytest.mark.parametrize("kind", ["gwet", "conger", "bp"])
@pytest.mark.parametrize(("name", "options"), TERM_CASES)
def test_unit_terms_reproduce_the_statistic(reference, kind, name, options):
    data = _data(reference, name)
    matrix = rating_matrix(data, levels=options.get("levels"))

    result = COEFFICIENTS[kind](data, **options)
    terms = UNIT_TERMS[kind](matrix, **result.options)

    assert terms.terms.shape[0] == matrix.n_units
    assert terms.statistic() == pytest.approx(result.statistic, abs=1e-12)


@pytest.mark.parametrize("kind", ["gwet", "conger", "bp"])
def test_unit_terms_combine_resamples_like_the_coefficient(reference, kind):
    data = reference("gwet2014_raw_gender")
    levels = ["a", "b", "c"]
    terms = UNIT_TERMS[kind](rating_matrix(data, levels=levels), levels=levels)
    rng = np.random.default_rng(11)
    picks = rng.integers(0, len(data), size=(6, len(data)))
    multiplicity = np.stack([np.bincount(p, minlength=len(data)) for p in picks])

    combined = terms.combine(multiplicity @ terms.terms)

    coefficient = COEFFICIENTS[kind]
    expected = [coefficient(data.iloc[p], levels=levels).statistic for p in picks]
    assert combined.shape == (6,)
    assert combined == pytest.approx(expected, abs=1e-12)


def test_ac1_unit_terms_take_the_options_of_an_ac1_result():
    result = gwet_ac1(RAW4RATERS, levels=[1, 2, 3, 4, 5, 6])

    terms = _gwet_ac1_unit_terms(
        rating_matrix(RAW4RATERS, levels=[1, 2, 3, 4, 5, 6]), **result.options
    )

    assert terms.statistic() == pytest.approx(result.statistic, abs=1e-12)


def test_module_exports_its_public_names():
    assert sorted(_gwet.__all__) == [
        "brennan_prediger", "conger_kappa", "gwet_ac", "gwet_ac1", "gwet_ac2",
    ]  # fmt: skip
    assert all(callable(getattr(_gwet, name)) for name in _gwet.__all__)


def test_conger_imports_from_the_old_module():
    # toolkit.agreement.__init__ and _registry import it from _gwet
    assert _gwet.conger_kappa is _conger.conger_kappa
    assert _gwet._conger_kappa_unit_terms is _conger._conger_kappa_unit_terms
