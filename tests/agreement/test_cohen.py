"""Tests of Cohen's kappa and Scott's pi (Light's kappa: test_light.py).

References: the papers' own examples (Cohen 1968; Fleiss, Cohen & Everitt
1969), printed output of SAS, R irr and irrCAC, and the independent Python
implementations statsmodels and pyirr on random data.
"""

from __future__ import annotations

import math
import warnings
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pyirr
import pytest
from scipy.linalg import toeplitz
from statsmodels.stats.inter_rater import cohens_kappa

from toolkit.agreement._bootstrap import bootstrap
from toolkit.agreement._cohen import (
    _cohen_kappa_unit_terms,
    _scott_pi_unit_terms,
    cohen_kappa,
    scott_pi,
)
from toolkit.agreement._input import rating_matrix
from toolkit.errors import RatingsError, UndefinedCoefficientWarning
from toolkit.scales import Scale


def ratings_from_table(table) -> np.ndarray:
    """Units x 2 scores 1..q, one call per count of the contingency table."""
    table = np.asarray(table)
    q = table.shape[0]
    cells = [(k + 1, m + 1) for k in range(q) for m in range(q)]
    return np.repeat(cells, table.ravel(), axis=0)


def random_pair(seed: int, n_units: int = 40, n_levels: int = 5, missing=0.1):
    """Two correlated raters scoring 1..n_levels, some scores missing."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(1, n_levels + 1, n_units)
    scores = np.column_stack([truth, truth]) + rng.integers(-1, 2, (n_units, 2))
    scores = np.clip(scores, 1, n_levels).astype(float)
    scores[rng.random(scores.shape) < missing] = np.nan
    return scores


def toeplitz_weights(disagreement) -> np.ndarray:
    """R irr's own weights: a vector indexed by the distance between levels."""
    v = np.asarray(disagreement, dtype=float)
    return toeplitz(1 - (v - v.min()) / (v.max() - v.min()))


def influence_variance(unit_terms, eps: float = 1e-6) -> float:
    """Sum over calls of the squared derivative of the statistic (delta method)."""
    total = unit_terms.terms.sum(axis=0)
    steps = eps * unit_terms.terms
    up = unit_terms.combine(total + steps)
    down = unit_terms.combine(total - steps)
    return float((((up - down) / (2 * eps)) ** 2).sum())


# --- Cohen's kappa: published values --------------------------------------


def test_cohen_1968_kappa_and_weighted_kappa(reference):
    # Cohen (1968) Psychological Bulletin 70:213, Table 1 (200 diagnoses):
    # kappa = .492; weighted kappa = .348 with disagreement weights
    # v = 1 (personality disorder-neurosis), 3 (-psychosis), 6 (neurosis-
    # psychosis); .353 with the asymmetric weights of his second example (as
    # quoted in psych's cohen.kappa documentation).
    data = reference("cohen1968_table")
    v = np.array([[0, 1, 3], [1, 0, 6], [3, 6, 0]])
    v_asymmetric = np.array([[0, 1, 4], [1, 0, 6], [2, 2, 0]])

    assert cohen_kappa(data).statistic == pytest.approx(0.492, abs=5e-4)
    weighted = cohen_kappa(data, weights=1 - v / v.max())
    assert weighted.statistic == pytest.approx(0.348, abs=5e-4)
    asymmetric = cohen_kappa(data, weights=1 - v_asymmetric / v_asymmetric.max())
    assert asymmetric.statistic == pytest.approx(0.353, abs=5e-4)


def test_fleiss_cohen_everitt_1969_weighted_example(reference):
    # Fleiss, Cohen & Everitt (1969) Psychological Bulletin 72:323, worked
    # example (proportions .53 .05 .02 / .11 .14 .05 / .01 .06 .03, n = 200)
    # with the similarity weights they print (.4444, .6667): weighted p_o
    # .787, p_c .567, kappa_w .507, non-null variance .00324823, null variance
    # .004270. Figures as transcribed in Accord.NET's unit test of the example
    # (WeightedConfusionMatrixTest), which quotes the paper.
    w = np.array([[1, 0, 0.4444], [0, 1, 0.6667], [0.4444, 0.6667, 1]])

    result = cohen_kappa(reference("fce1969_table"), weights=w)

    assert result.details["observed_agreement"] == pytest.approx(0.787, abs=5e-4)
    assert result.details["chance_agreement"] == pytest.approx(0.567, abs=5e-4)
    assert result.statistic == pytest.approx(0.507, abs=5e-4)
    assert result.standard_error**2 == pytest.approx(0.00324823, abs=1e-7)
    assert result.details["standard_error_null"] ** 2 == pytest.approx(
        0.004270, abs=5e-6
    )


@pytest.mark.parametrize(
    ("weights", "expected"),
    [
        # kappa, ASE, 95% limits, ASE under H0, Z, two-sided p
        ("unweighted", [0.4842, 0.1380, 0.2137, 0.7547, 0.1484, 3.2626, 0.0011]),
        ("linear", [0.4701, 0.1457, 0.1845, 0.7558, 0.1426, 3.2971, 0.0010]),
    ],
)
def test_matches_sas_proc_freq_printout(weights, expected):
    # SAS PROC FREQ (AGREE) printout for the table [[0, 4, 1], [0, 8, 0],
    # [0, 1, 5]], reproduced in statsmodels' test_inter_rater.py
    # (TestUnweightedCohens, TestWeightedCohens); 4 decimals.
    result = cohen_kappa(
        ratings_from_table([[0, 4, 1], [0, 8, 0], [0, 1, 5]]), weights=weights
    )

    found = [
        result.statistic,
        result.standard_error,
        result.confidence_interval.low,
        result.confidence_interval.high,
        result.details["standard_error_null"],
        result.details["z"],
        result.p_value,
    ]
    np.testing.assert_allclose(found, expected, rtol=0, atol=5e-5)


@pytest.mark.parametrize(
    ("columns", "weights", "kappa", "z", "p_value"),
    [
        # > kappa2(anxiety[,2:3])
        ([1, 2], "unweighted", -0.006289308, -0.0604067, 0.9518317),
        # > kappa2(anxiety[,2:3], "equal")
        ([1, 2], "linear", 0.1459075, 1.282472, 0.1996772),
        # > kappa2(anxiety[,2:3], "squared")
        ([1, 2], "quadratic", 0.2520325, 1.437451, 0.1505898),
        # > kappa2(anxiety[,2:3], c(0,0,1,1,2))
        ([1, 2], toeplitz_weights([0, 0, 1, 1, 2]), 0.2391304, 1.223734, 0.2210526),
        # > kappa2(anxiety[,1:2], c(0,0,0,1,1,1))
        ([0, 1], toeplitz_weights([0, 0, 0, 1, 1, 1]), 0.1891892, 0.5079002, 0.6115233),
        # > kappa2(anxiety[,1:2], c(0,0,1,1,2,2))
        ([0, 1], toeplitz_weights([0, 0, 1, 1, 2, 2]), 0.2820513, 1.257410, 0.2086053),
    ],
)
def test_matches_r_irr_kappa2_on_anxiety(
    reference, columns, weights, kappa, z, p_value
):
    # R irr 0.84 output pasted in statsmodels' test_inter_rater.py
    # (test_cohens_kappa_irr); irr weights the levels either rater used by
    # rank. anxiety[,1:2] is the irr_anxiety_r1r2 set.
    data = reference("irr_anxiety").iloc[:, columns]

    result = cohen_kappa(data, weights=weights)

    # R prints 7 significant digits
    assert result.statistic == pytest.approx(kappa, rel=5e-7)
    assert result.details["z"] == pytest.approx(z, rel=5e-7)
    assert result.p_value == pytest.approx(p_value, rel=5e-7)


def test_irr_anxiety_r1r2_is_the_first_two_anxiety_raters(reference):
    pair = cohen_kappa(reference("irr_anxiety_r1r2"), weights="quadratic")
    columns = cohen_kappa(reference("irr_anxiety").iloc[:, :2], weights="quadratic")

    assert pair.statistic == columns.statistic
    assert pair.statistic == pytest.approx(
        pyirr.kappa2(reference("irr_anxiety_r1r2"), "squared").value, abs=1e-12
    )


def test_gwet_option_matches_irrcac_readme(reference):
    # irrCAC README, kappa2.table(cont3x3abstractors):
    #   coeff.val 0.7964094, coeff.se 0.05891072, coeff.ci (0.68,0.913)
    result = cohen_kappa(reference("gwet2014_abstractors"), standard_error="gwet")

    assert result.statistic == pytest.approx(0.7964094, abs=5e-8)
    assert result.standard_error == pytest.approx(0.05891072, abs=5e-9)
    assert result.confidence_interval.low == pytest.approx(0.68, abs=5e-3)
    assert result.confidence_interval.high == pytest.approx(0.913, abs=5e-4)


@pytest.mark.parametrize(
    ("weights", "kappa", "se", "low", "high"),
    [
        ("quadratic", 0.454545454545, 0.066453681591, 0.323501682242, 0.585589226848),
        ("linear", 0.473684210526, 0.054432309178, 0.366346062225, 0.581022358828),
    ],
)
def test_gwet_option_matches_irrcac_python_weighted(
    reference, weights, kappa, se, low, high
):
    # irrCAC 0.4.4 (Python), in its own venv:
    #   CAC(pd.DataFrame([[88,14,18],[10,40,10],[2,6,12]]), weights=weights,
    #       digits=12).cohen()["est"]
    result = cohen_kappa(
        reference("cohen1968_table"), weights=weights, standard_error="gwet"
    )

    assert result.statistic == pytest.approx(kappa, abs=1e-11)
    assert result.standard_error == pytest.approx(se, abs=1e-11)
    assert result.confidence_interval.low == pytest.approx(low, abs=1e-11)
    assert result.confidence_interval.high == pytest.approx(high, abs=1e-11)


# --- Cohen's kappa: independent implementations ----------------------------


@pytest.mark.parametrize("seed", range(15))
@pytest.mark.parametrize("weights", ["unweighted", "linear", "quadratic"])
def test_matches_statsmodels_on_random_tables(seed, weights):
    rng = np.random.default_rng(seed)
    q = int(rng.integers(2, 6))
    table = rng.integers(0, 9, size=(q, q)) + np.diag(rng.integers(3, 12, q))

    result = cohen_kappa(
        ratings_from_table(table), weights=weights, levels=list(range(1, q + 1))
    )
    wt = None if weights == "unweighted" else weights
    expected = cohens_kappa(table, wt=wt)

    assert result.statistic == pytest.approx(expected.kappa, abs=1e-9)
    assert result.standard_error == pytest.approx(expected.std_kappa, abs=1e-9)
    assert result.details["standard_error_null"] == pytest.approx(
        expected.std_kappa0, abs=1e-9
    )
    assert result.p_value == pytest.approx(expected.pvalue_two_sided, abs=1e-9)


@pytest.mark.parametrize("seed", range(15))
@pytest.mark.parametrize(
    ("weights", "irr_weight"),
    [("unweighted", "unweighted"), ("linear", "equal"), ("quadratic", "squared")],
)
def test_matches_pyirr_kappa2_with_missing_scores(seed, weights, irr_weight):
    ratings = random_pair(seed)

    result = cohen_kappa(ratings, weights=weights)
    expected = pyirr.kappa2(pd.DataFrame(ratings), irr_weight)

    assert result.statistic == pytest.approx(expected.value, abs=1e-9)
    assert result.details["z"] == pytest.approx(expected.statistic, abs=1e-9)
    assert result.p_value == pytest.approx(expected.pvalue, abs=1e-9)
    assert result.n_units == expected.subjects
    assert result.details["n_units_dropped"] == len(ratings) - expected.subjects


def test_weights_by_value_matches_statsmodels_positions():
    # statsmodels' 1-D weights place the levels at those positions
    table = np.array([[10, 3, 1], [2, 8, 3], [1, 2, 9]])
    ratings = ratings_from_table(table)
    ratings = np.where(ratings == 3, 4, ratings)  # levels 1, 2, 4

    by_value = cohen_kappa(ratings, weights="linear", weights_by="value")
    by_rank = cohen_kappa(ratings, weights="linear")
    expected = cohens_kappa(table, weights=[1, 2, 4], wt="linear")

    assert by_value.statistic == pytest.approx(expected.kappa, abs=1e-12)
    assert by_value.standard_error == pytest.approx(expected.std_kappa, abs=1e-12)
    assert by_rank.statistic != pytest.approx(by_value.statistic, abs=1e-3)


def test_numeric_levels_order_as_numbers_not_as_text_like_r_irr():
    # R irr's kappa2 turns numeric scores into factor levels and sorts them as
    # text, so 11 falls between 1 and 3 and linear weights treat 1-11 as one
    # step. Here 1, 3, 11 are ordered as numbers. pyirr orders them as numbers
    # too; the text order is what R irr computes.
    ratings = np.array(
        [
            [1, 1],
            [1, 3],
            [3, 3],
            [3, 11],
            [11, 11],
            [1, 11],
            [3, 1],
            [11, 3],
            [11, 11],
            [1, 1],
        ]
    )

    ours = cohen_kappa(ratings, weights="linear")
    as_text = cohen_kappa(
        ratings.astype(str), weights="linear", levels=["1", "11", "3"]
    )
    pyirr_value = pyirr.kappa2(pd.DataFrame(ratings), "equal").value

    assert ours.statistic == pytest.approx(pyirr_value, abs=1e-12)
    assert ours.statistic != pytest.approx(as_text.statistic, abs=1e-3)


def test_declared_unused_levels_change_weighted_not_unweighted_kappa(reference):
    # raters 2 and 3 of anxiety never use level 5; declaring it puts 4 and 6
    # two steps apart (R irr, weighting observed levels, puts them one apart)
    data = reference("irr_anxiety").iloc[:, 1:3]
    wider = list(range(1, 7))

    assert cohen_kappa(data, levels=wider).statistic == pytest.approx(
        cohen_kappa(data).statistic, abs=1e-15
    )
    assert cohen_kappa(data, weights="linear", levels=wider).statistic != (
        pytest.approx(cohen_kappa(data, weights="linear").statistic, abs=1e-3)
    )


@pytest.mark.parametrize("seed", range(4))
def test_fleiss_cohen_everitt_variance_is_the_delta_method(seed):
    matrix = rating_matrix(random_pair(seed, n_units=30))

    terms = _cohen_kappa_unit_terms(matrix, weights="quadratic")
    result = cohen_kappa(matrix.values, weights="quadratic")

    assert influence_variance(terms) == pytest.approx(
        result.standard_error**2, rel=1e-6
    )


@pytest.mark.parametrize("weights", ["unweighted", "quadratic"])
@pytest.mark.parametrize("standard_error", ["fleiss_cohen_everitt", "gwet"])
def test_perfect_agreement_gives_kappa_one_and_a_collapsed_interval(
    weights, standard_error
):
    # the non-null variance is 0 at kappa = 1: the interval shrinks to [1, 1]
    ratings = [[1, 1], [2, 2], [3, 3], [2, 2], [1, 1], [3, 3], [3, 3]]

    result = cohen_kappa(ratings, weights=weights, standard_error=standard_error)

    assert result.statistic == pytest.approx(1.0, abs=1e-15)
    assert result.standard_error == pytest.approx(0.0, abs=1e-12)
    assert result.confidence_interval.low == pytest.approx(1.0, abs=1e-12)
    assert result.confidence_interval.high == pytest.approx(1.0, abs=1e-12)
    assert result.details["standard_error_null"] > 0
    assert result.p_value < 0.01


def test_options_and_details_record_the_variant(reference):
    result = cohen_kappa(reference("gwet2014_ben_gerry"))

    assert dict(result.options) == {
        "weights": "unweighted",
        "weights_by": "rank",
        "standard_error": "fleiss_cohen_everitt",
        "missing": "drop_units",
    }
    assert result.n_units == 11
    assert result.details["n_units_dropped"] == 1
    assert result.details["table"].sum() == 11
    assert result.details["categories"] == list("abcde")


# --- Cohen's kappa: undefined cases and bad input ----------------------------


def test_one_category_used_by_both_raters_returns_nan_and_warns():
    with pytest.warns(UndefinedCoefficientWarning, match="same score 'yes'"):
        result = cohen_kappa([["yes", "yes"], ["yes", "yes"], ["yes", None]])

    assert math.isnan(result.statistic)
    assert math.isnan(result.standard_error)
    assert "chance is 1" in str(result.undefined_reason)


def test_fewer_than_two_calls_scored_by_both_returns_nan_and_warns():
    with pytest.warns(UndefinedCoefficientWarning, match="fewer than two calls"):
        result = cohen_kappa([[1, 2], [2, np.nan], [np.nan, 1]])

    assert math.isnan(result.statistic)


def test_weights_giving_full_credit_everywhere_return_nan_and_warns():
    with pytest.warns(UndefinedCoefficientWarning, match="full credit"):
        cohen_kappa([[1, 2], [2, 1], [2, 2]], weights=np.ones((2, 2)))


@pytest.mark.parametrize("n_raters", [1, 3])
def test_wrong_number_of_raters_raises_and_names_alternatives(n_raters):
    ratings = np.ones((4, n_raters))

    with pytest.raises(RatingsError, match=f"{n_raters} rater.*light_kappa"):
        cohen_kappa(ratings)


@pytest.mark.parametrize(
    ("options", "match"),
    [
        ({"weights": "cubic"}, "weights='cubic'"),
        ({"weights": np.eye(4)}, "must be 3 x 3"),
        ({"weights_by": "position"}, "weights_by='position'"),
        ({"standard_error": "bootstrap"}, "standard_error='bootstrap'"),
        ({"missing": "pairwise"}, "missing='pairwise'"),
        ({"level": 0}, "level=0"),
    ],
)
def test_bad_options_raise(options, match):
    with pytest.raises(ValueError, match=match):
        cohen_kappa([[1, 2], [2, 2], [3, 3]], **options)


def test_ordered_weights_on_a_nominal_scale_raise():
    criterion = SimpleNamespace(
        matrix=pd.DataFrame({"ann": ["a", "b", "c"], "bo": ["a", "c", "c"]}),
        scale=Scale("nominal"),
    )

    with pytest.raises(ValueError, match="scale is nominal"):
        cohen_kappa(criterion, weights="linear")


# --- Scott's pi ------------------------------------------------------------------


def test_scott_pi_by_hand():
    # table [[20, 5], [10, 15]], n = 50: p_o = 35/50 = .7; margins .5/.5 and
    # .6/.4, pooled .55/.45; p_e = .55^2 + .45^2 = .505;
    # pi = (.7 - .505) / (1 - .505) = .195 / .495
    result = scott_pi(ratings_from_table([[20, 5], [10, 15]]))

    assert result.details["chance_agreement"] == pytest.approx(0.505, abs=1e-15)
    assert result.statistic == pytest.approx(0.195 / 0.495, abs=1e-15)


def test_scott_pi_matches_irrcac_readme(reference):
    # irrCAC README, scott2.table(cont3x3abstractors):
    #   coeff.val 0.7962397, coeff.se 0.05905473, coeff.ci (0.679,0.913)
    result = scott_pi(reference("gwet2014_abstractors"))

    assert result.statistic == pytest.approx(0.7962397, abs=5e-8)
    assert result.standard_error == pytest.approx(0.05905473, abs=5e-9)
    assert result.confidence_interval.low == pytest.approx(0.679, abs=5e-4)
    assert result.confidence_interval.high == pytest.approx(0.913, abs=5e-4)


@pytest.mark.parametrize(
    ("name", "weights", "pi", "se"),
    [
        ("gwet2014_abstractors", "quadratic", 0.892109263891, 0.035395058679),
        ("gwet2014_abstractors", "linear", 0.842801000357, 0.047960699675),
        ("cohen1968_table", "unweighted", 0.487179487179, 0.05228282984),
        ("cohen1968_table", "quadratic", 0.444444444444, 0.070501406169),
    ],
)
def test_scott_pi_matches_irrcac_python(reference, name, weights, pi, se):
    # irrCAC 0.4.4 (Python), in its own venv, with the table in scale order:
    #   CAC(table, weights=weights, digits=12).scott()["est"]
    # (abstractors: Ectopic, AIU, NIU; weights on ranks 1..q)
    levels = ["Ectopic", "AIU", "NIU"] if name == "gwet2014_abstractors" else None

    result = scott_pi(reference(name), weights=weights, levels=levels)

    assert result.statistic == pytest.approx(pi, abs=1e-11)
    assert result.standard_error == pytest.approx(se, abs=1e-11)


def test_scott_pi_one_category_returns_nan_and_warns():
    with pytest.warns(UndefinedCoefficientWarning, match="same score 2"):
        result = scott_pi([[2, 2], [2, 2], [2, 2]])

    assert math.isnan(result.statistic)


def test_scott_pi_needs_two_raters():
    with pytest.raises(RatingsError, match="scott_pi compares exactly two"):
        scott_pi(np.ones((3, 3)))


# --- levels: their order and which calls define them --------------------------


# three labels whose order (low < medium < high) is not alphabetical
LABELS = [
    ["low", "medium"],
    ["medium", "medium"],
    ["high", "high"],
    ["low", "low"],
    ["high", "medium"],
    ["medium", "low"],
]
LABEL_ORDER = ["low", "medium", "high"]


def coded(ratings, order) -> pd.DataFrame:
    """Labels replaced by their rank 1..q in ``order``."""
    return pd.DataFrame([[order.index(s) + 1 for s in row] for row in ratings])


@pytest.mark.parametrize("function", [cohen_kappa, scott_pi])
@pytest.mark.parametrize("weights", ["linear", "quadratic", "ordinal", "circular"])
def test_ordered_weights_on_labels_of_unknown_order_raise(function, weights):
    # sorted as text, high < low < medium, which is not the scale's order
    with pytest.raises(RatingsError, match=f"weights='{weights}' needs ordered"):
        function(LABELS, weights=weights)


def test_weight_matrix_on_labels_of_unknown_order_raises():
    partial = np.array([[1, 0.5, 0], [0.5, 1, 0.5], [0, 0.5, 1]])

    with pytest.raises(RatingsError, match=r"weight matrix.*pass levels="):
        cohen_kappa(LABELS, weights=partial)


def test_declared_label_order_matches_pyirr_on_ranks():
    # pyirr.kappa2 on the labels coded 1, 2, 3 in scale order: 0.5714286
    # (alphabetical order gave 0.25)
    result = cohen_kappa(LABELS, weights="quadratic", levels=LABEL_ORDER)
    expected = pyirr.kappa2(coded(LABELS, LABEL_ORDER), "squared")

    assert result.statistic == pytest.approx(expected.value, abs=1e-12)
    assert result.details["categories"] == LABEL_ORDER


@pytest.mark.parametrize("weights", ["unweighted", "identity", np.eye(3)])
def test_unweighted_kappa_on_labels_needs_no_order(weights):
    result = cohen_kappa(LABELS, weights=weights)
    expected = pyirr.kappa2(coded(LABELS, LABEL_ORDER), "unweighted")

    assert result.statistic == pytest.approx(expected.value, abs=1e-12)


def test_numbers_written_as_text_are_ordered_as_numbers():
    # "11" sorts between "1" and "3" as text; as numbers it is the top level
    ratings = [[1, 1], [1, 3], [3, 3], [3, 11], [11, 11], [1, 11], [3, 1], [11, 3]]
    as_text = [[str(a), str(b)] for a, b in ratings]

    result = cohen_kappa(as_text, weights="linear")
    expected = pyirr.kappa2(pd.DataFrame(ratings), "equal")

    assert result.statistic == pytest.approx(expected.value, abs=1e-12)


def test_level_scored_only_on_a_dropped_call_adds_no_level_like_r_irr():
    # level 3 is scored only on the last call, which the second rater left
    # out; R irr (and pyirr) drop that call before finding the levels:
    # pyirr.kappa2(ratings, "equal") gives 0.6440678 (0.6666667 with level 3)
    ratings = np.array(
        [[1, 1], [2, 2], [4, 5], [4, 4], [2, 4], [1, 2], [5, 5], [3, np.nan]]
    )

    result = cohen_kappa(ratings, weights="linear")
    expected = pyirr.kappa2(pd.DataFrame(ratings), "equal")

    assert result.statistic == pytest.approx(expected.value, abs=1e-12)
    assert result.details["z"] == pytest.approx(expected.statistic, abs=1e-9)
    assert result.details["categories"] == [1, 2, 4, 5]
    assert result.details["n_units_dropped"] == 1


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize(
    ("weights", "irr_weight"), [("linear", "equal"), ("quadratic", "squared")]
)
def test_matches_pyirr_when_levels_occur_only_on_dropped_calls(
    seed, weights, irr_weight
):
    # level 3 (inside the scale) and 6 (above it) only on calls one rater
    # scored: they change the rank steps and the span of the weights
    ratings = random_pair(seed, n_levels=5)
    ratings = np.where(ratings == 3, 2, ratings)
    ratings = np.vstack([ratings, [[3, np.nan], [np.nan, 6], [6, np.nan]]])

    result = cohen_kappa(ratings, weights=weights)
    expected = pyirr.kappa2(pd.DataFrame(ratings), irr_weight)

    assert result.statistic == pytest.approx(expected.value, abs=1e-9)
    assert result.details["z"] == pytest.approx(expected.statistic, abs=1e-9)
    assert result.p_value == pytest.approx(expected.pvalue, abs=1e-9)


def test_declared_levels_keep_levels_scored_only_on_dropped_calls():
    # levels 1..5 declared: level 3 stays a step of the scale, as in the
    # 5 x 5 table statsmodels is given
    ratings = np.array(
        [[1, 1], [2, 2], [4, 5], [4, 4], [2, 4], [1, 2], [5, 5], [3, np.nan]]
    )
    table = np.zeros((5, 5))
    for a, b in ratings[:-1].astype(int):
        table[a - 1, b - 1] += 1

    result = cohen_kappa(ratings, weights="linear", levels=[1, 2, 3, 4, 5])
    expected = cohens_kappa(table, wt="linear")

    assert result.statistic == pytest.approx(expected.kappa, abs=1e-12)
    assert result.details["categories"] == [1, 2, 3, 4, 5]


@pytest.mark.parametrize(
    ("function", "unit_terms"),
    [(cohen_kappa, _cohen_kappa_unit_terms), (scott_pi, _scott_pi_unit_terms)],
)
def test_levels_come_from_calls_both_raters_scored(function, unit_terms):
    ratings = np.array(
        [[1, 1], [2, 2], [4, 5], [4, 4], [2, 4], [1, 2], [5, 5], [3, np.nan]]
    )
    complete = ratings[:-1]

    result = function(ratings, weights="linear")
    terms = unit_terms(rating_matrix(ratings), weights="linear")

    assert result.statistic == pytest.approx(
        function(complete, weights="linear").statistic, abs=1e-15
    )
    assert terms.statistic() == pytest.approx(result.statistic, abs=1e-12)


# --- the interval stays within [-1, 1] ------------------------------------------


def test_normal_interval_is_capped_at_one_and_keeps_the_uncapped_ends():
    # kappa .4 from three calls: the normal interval reaches past 1
    ratings = [[1, 1], [2, 2], [1, 2]]
    expected = cohens_kappa(np.array([[1, 1], [0, 1]]))

    result = cohen_kappa(ratings)
    uncapped = result.details["confidence_interval_uncapped"]

    # statsmodels prints the uncapped normal interval
    assert uncapped.low == pytest.approx(expected.kappa_low, abs=1e-9)
    assert uncapped.high == pytest.approx(expected.kappa_upp, abs=1e-9)
    assert uncapped.high > 1
    assert result.confidence_interval.high == 1.0
    assert result.confidence_interval.low == uncapped.low


@pytest.mark.parametrize("standard_error", ["fleiss_cohen_everitt", "gwet"])
def test_interval_is_capped_at_minus_one(standard_error):
    ratings = [[2, 2], [2, 1], [1, 2], [2, 1]]

    result = cohen_kappa(ratings, standard_error=standard_error)

    assert result.details["confidence_interval_uncapped"].low < -1
    assert result.confidence_interval.low == -1.0


@pytest.mark.parametrize("standard_error", ["fleiss_cohen_everitt", "gwet"])
def test_perfect_agreement_interval_is_exactly_one(standard_error):
    # rounding put the upper end at 1.0000000000000002 before capping
    ratings = [[1, 1], [2, 2], [3, 3], [2, 2], [1, 1], [3, 3], [3, 3]]

    result = cohen_kappa(ratings, standard_error=standard_error)

    assert result.confidence_interval.high == 1.0
    assert result.confidence_interval.low <= 1.0


@pytest.mark.parametrize(
    "ratings",
    [
        [[1, 2], [2, 2], [2, 1], [2, 2], [1, 2]],
        [[2, 1], [2, 2], [1, 2], [1, 1], [1, 2]],
    ],
)
def test_scott_pi_interval_stays_within_minus_one_and_one(ratings):
    result = scott_pi(ratings)
    uncapped = result.details["confidence_interval_uncapped"]

    assert uncapped.low < -1
    assert result.confidence_interval.low == -1.0
    assert result.confidence_interval.high == min(uncapped.high, 1.0)


# --- continuous scores ------------------------------------------------------------


@pytest.mark.parametrize(
    ("function", "unit_terms"),
    [(cohen_kappa, _cohen_kappa_unit_terms), (scott_pi, _scott_pi_unit_terms)],
)
def test_continuous_scores_raise_a_clear_error(function, unit_terms):
    scores = np.random.default_rng(0).normal(size=(500, 2))
    name = function.__name__

    with pytest.raises(RatingsError, match=f"{name} treats every distinct score"):
        function(scores)
    with pytest.raises(RatingsError, match="use icc"):
        unit_terms(rating_matrix(scores))


def test_bootstrap_of_continuous_scores_raises_before_resampling():
    # the reviewer's case: q * q table cells per call took 7 GiB
    scores = np.random.default_rng(0).normal(size=(500, 2))

    with pytest.raises(RatingsError, match="distinct scores"):
        bootstrap(scores, "cohen_kappa", n_resamples=100, rng=1)


def test_many_declared_levels_are_used_as_levels():
    # scores 0..100 on 30 calls: nearly every score distinct, refused as
    # looking continuous unless the levels are declared
    rng = np.random.default_rng(3)
    truth = rng.integers(0, 101, 30)
    scores = np.clip(truth[:, None] + rng.integers(-3, 4, (30, 2)), 0, 100)
    table = np.zeros((101, 101))
    np.add.at(table, (scores[:, 0], scores[:, 1]), 1)

    with pytest.raises(RatingsError, match="distinct scores"):
        cohen_kappa(scores, weights="quadratic")
    result = cohen_kappa(scores, weights="quadratic", levels=list(range(101)))

    expected = cohens_kappa(table, wt="quadratic")
    assert result.statistic == pytest.approx(expected.kappa, abs=1e-9)


# --- unit terms ----------------------------------------------------------------


UNIT_TERM_CASES = [
    (_cohen_kappa_unit_terms, cohen_kappa, "cohen1968_table", {}),
    (
        _cohen_kappa_unit_terms,
        cohen_kappa,
        "irr_anxiety_r1r2",
        {"weights": "quadratic", "levels": list(range(1, 8))},
    ),
    (
        _cohen_kappa_unit_terms,
        cohen_kappa,
        "gwet2014_ben_gerry",
        {"weights": "linear", "levels": list("abcde")},
    ),
    (_scott_pi_unit_terms, scott_pi, "fce1969_table", {"weights": "linear"}),
    (_scott_pi_unit_terms, scott_pi, "gwet2014_ben_gerry", {}),
]


@pytest.mark.parametrize(("unit_terms", "function", "name", "options"), UNIT_TERM_CASES)
def test_unit_terms_sum_to_the_statistic(
    reference, unit_terms, function, name, options
):
    data = reference(name)
    matrix = rating_matrix(data, levels=options.get("levels"))

    terms = unit_terms(matrix, **options)
    result = function(data, **options)

    assert terms.terms.shape[0] == matrix.n_units
    assert terms.statistic() == pytest.approx(result.statistic, abs=1e-12)


@pytest.mark.parametrize(("unit_terms", "function", "name", "options"), UNIT_TERM_CASES)
def test_unit_terms_combine_resamples_at_once(
    reference, unit_terms, function, name, options
):
    data = reference(name)
    matrix = rating_matrix(data, levels=options.get("levels"))
    terms = unit_terms(matrix, **options)
    rng = np.random.default_rng(11)
    drawn = rng.integers(0, matrix.n_units, size=(3, matrix.n_units))
    counts = np.stack([np.bincount(d, minlength=matrix.n_units) for d in drawn])

    combined = terms.combine(counts @ terms.terms)
    direct = [function(data.iloc[d], **options).statistic for d in drawn]

    assert combined.shape == (3,)
    np.testing.assert_allclose(combined, direct, rtol=0, atol=1e-12)


def test_unit_terms_combine_gives_nan_without_warning_when_undefined():
    matrix = rating_matrix(np.array([[1.0, 1.0], [2.0, 2.0]]))
    terms = _cohen_kappa_unit_terms(matrix)

    # the first call drawn twice: one category, chance agreement 1; no calls
    totals = np.stack([2 * terms.terms[0], 0 * terms.terms[0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = terms.combine(totals)

    assert np.isnan(result).all()
