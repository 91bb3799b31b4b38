"""Intraclass correlations against Shrout & Fleiss, psych, pingouin and irr."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import pingouin
import pytest
from pyirr import intraclass_correlation

from toolkit.agreement import _icc
from toolkit.agreement._icc import _icc_unit_terms, icc, icc_table
from toolkit.agreement._input import rating_matrix
from toolkit.errors import RatingsError, UndefinedCoefficientWarning
from toolkit.ratings import CriterionRatings
from toolkit.scales import Scale

# (model, type, unit) in psych's row order, with pingouin's row label
FORMS = [
    ("oneway", "agreement", "single", "ICC(1,1)"),
    ("twoway", "agreement", "single", "ICC(A,1)"),
    ("twoway", "consistency", "single", "ICC(C,1)"),
    ("oneway", "agreement", "average", "ICC(1,k)"),
    ("twoway", "agreement", "average", "ICC(A,k)"),
    ("twoway", "consistency", "average", "ICC(C,k)"),
]
OPTIONS = [form[:3] for form in FORMS]


def _options(form) -> dict[str, Any]:
    model, type_, unit = form[:3]
    return {"model": model, "type": type_, "unit": unit}


def _random_scores(seed, *, n_units=None, n_raters=None, missing=0.0):
    """Scores with a call effect, rater offsets and noise; some cells NaN."""
    rng = np.random.default_rng(seed)
    n_units = n_units or int(rng.integers(4, 40))
    n_raters = n_raters or int(rng.integers(2, 7))
    scores = (
        rng.normal(size=(n_units, 1)) * rng.uniform(0, 2)
        + rng.normal(size=(1, n_raters)) * rng.uniform(0, 1)
        + rng.normal(size=(n_units, n_raters))
    )
    if rng.uniform() < 0.5:
        scores = np.round(2 * scores + 3)  # integer levels, with ties
    gaps = rng.uniform(size=scores.shape) < missing
    gaps[:3] = False  # at least three complete calls
    scores[gaps] = np.nan
    return scores


def _pingouin_table(scores):
    """pingouin's six ICCs with the interval left unrounded."""
    long = pd.DataFrame(scores).rename_axis("call").reset_index()
    long = long.melt(id_vars="call", var_name="rater", value_name="score")
    table = pingouin.intraclass_corr(
        long, targets="call", raters="rater", ratings="score", nan_policy="omit"
    )
    return table.set_index("Type")


@pytest.fixture
def unrounded_pingouin(monkeypatch):
    # pingouin rounds CI95 to 2 decimals through a documented global option
    monkeypatch.setitem(pingouin.options, "round.column.CI95", None)


# --- published values ---------------------------------------------------------


@pytest.mark.parametrize(
    ("form", "published"),
    # Shrout & Fleiss (1979), Psychological Bulletin 86:420-428, the values the
    # paper reports for its Table 2 data: ICC(1,1), (2,1), (3,1), (1,4), (2,4),
    # (3,4) (listed in shared/data/README.md)
    list(zip(FORMS, [0.17, 0.29, 0.71, 0.44, 0.62, 0.91], strict=True)),
)
def test_icc_matches_shrout_fleiss_1979_table(reference, form, published):
    result = icc(reference("shrout_fleiss1979"), **_options(form))
    assert result.statistic == pytest.approx(published, abs=0.005)


# psych::ICC(ratings) on the Shrout & Fleiss data, as printed in D. Wollschlaeger's
# "Inter-rater-reliability and Intra-class-correlation" (github.com/dwoll/RExRepos,
# md/interRaterICC.md):
#   Single_raters_absolute   ICC1 0.17  1.8  5 18 0.16477  -0.133  0.72
#   Single_random_raters     ICC2 0.29 11.0  5 15 0.00013   0.019  0.76
#   Single_fixed_raters      ICC3 0.71 11.0  5 15 0.00013   0.342  0.95
#   Average_raters_absolute ICC1k 0.44  1.8  5 18 0.16477  -0.884  0.91
#   Average_random_raters   ICC2k 0.62 11.0  5 15 0.00013   0.071  0.93
#   Average_fixed_raters    ICC3k 0.91 11.0  5 15 0.00013   0.676  0.99
PSYCH_SHROUT_FLEISS = [
    (1.8, 5, 18, 0.16477, -0.133, 0.72),
    (11.0, 5, 15, 0.00013, 0.019, 0.76),
    (11.0, 5, 15, 0.00013, 0.342, 0.95),
    (1.8, 5, 18, 0.16477, -0.884, 0.91),
    (11.0, 5, 15, 0.00013, 0.071, 0.93),
    (11.0, 5, 15, 0.00013, 0.676, 0.99),
]


@pytest.mark.parametrize(
    ("form", "printed"), list(zip(FORMS, PSYCH_SHROUT_FLEISS, strict=True))
)
def test_icc_test_and_interval_match_psych_printout(reference, form, printed):
    f_statistic, df1, df2, p_value, low, high = printed
    result = icc(reference("shrout_fleiss1979"), **_options(form))
    assert result.details["f_statistic"] == pytest.approx(f_statistic, abs=0.05)
    assert (result.details["df1"], result.details["df2"]) == (df1, df2)
    assert result.p_value == pytest.approx(p_value, abs=5e-6)
    assert result.confidence_interval.low == pytest.approx(low, abs=5e-4)
    assert result.confidence_interval.high == pytest.approx(high, abs=5e-3)


# pingouin's docstring of intraclass_corr on its "icc" data set (wine, 8 x 4):
#   ICC(1,1) 0.728 11.680 7 24 [0.43, 0.93]    ICC(1,k) 0.914 11.680 7 24 [0.75, 0.98]
#   ICC(A,1) 0.728 11.787 7 21 [0.43, 0.93]    ICC(A,k) 0.914 11.787 7 21 [0.75, 0.98]
#   ICC(C,1) 0.729 11.787 7 21 [0.43, 0.93]    ICC(C,k) 0.915 11.787 7 21 [0.75, 0.98]
PINGOUIN_WINE = [
    (0.728, 11.680, 24, 0.43, 0.93),
    (0.728, 11.787, 21, 0.43, 0.93),
    (0.729, 11.787, 21, 0.43, 0.93),
    (0.914, 11.680, 24, 0.75, 0.98),
    (0.914, 11.787, 21, 0.75, 0.98),
    (0.915, 11.787, 21, 0.75, 0.98),
]


@pytest.mark.parametrize(
    ("form", "printed"), list(zip(FORMS, PINGOUIN_WINE, strict=True))
)
def test_icc_matches_pingouin_documented_wine_example(reference, form, printed):
    statistic, f_statistic, df2, low, high = printed
    result = icc(reference("pingouin_wine_icc"), **_options(form))
    assert result.statistic == pytest.approx(statistic, abs=5e-4)
    assert result.details["f_statistic"] == pytest.approx(f_statistic, abs=5e-4)
    assert result.details["df2"] == df2
    assert result.confidence_interval.low == pytest.approx(low, abs=5e-3)
    assert result.confidence_interval.high == pytest.approx(high, abs=5e-3)


# --- independent implementations ----------------------------------------------


def _assert_same_as_pingouin(scores):
    table = _pingouin_table(scores)
    for form in FORMS:
        row = table.loc[form[3]]
        result = icc(scores, **_options(form))
        assert result.statistic == pytest.approx(row["ICC"], rel=1e-9, abs=1e-12)
        assert result.details["f_statistic"] == pytest.approx(row["F"], rel=1e-9)
        assert result.details["df1"] == row["df1"]
        assert result.details["df2"] == row["df2"]
        assert result.p_value == pytest.approx(row["pval"], rel=1e-9, abs=1e-300)
        low, high = row["CI95"]
        assert result.confidence_interval.low == pytest.approx(low, rel=1e-9, abs=1e-12)
        assert result.confidence_interval.high == pytest.approx(
            high, rel=1e-9, abs=1e-12
        )


@pytest.mark.usefixtures("unrounded_pingouin")
@pytest.mark.parametrize("name", ["shrout_fleiss1979", "pingouin_wine_icc"])
def test_icc_equals_pingouin_on_reference_data(reference, name):
    _assert_same_as_pingouin(reference(name).to_numpy(dtype=float))


@pytest.mark.usefixtures("unrounded_pingouin")
@pytest.mark.parametrize("seed", range(25))
def test_icc_equals_pingouin_on_random_scores_with_missing(seed):
    # pingouin intraclass_corr(nan_policy="omit") drops incomplete calls too
    scores = _random_scores(seed, missing=0.04)
    _assert_same_as_pingouin(scores)


def _irr(scores, form, r0=0.0):
    model, type_, unit = form[:3]
    irr_type = "consistency" if model == "oneway" else type_
    return intraclass_correlation(scores, model, irr_type, unit, r0=r0)


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("r0", [0.0, 0.3])
@pytest.mark.parametrize("seed", range(6))
def test_icc_with_irr_df_equals_pyirr_port_of_r_irr(form, r0, seed):
    # pyirr.intraclass_correlation(ratings, model, type, unit, r0) is a port of
    # R irr 0.84 icc(); agreement_df="irr" copies its agreement df choices
    scores = _random_scores(100 + seed)
    expected = _irr(scores, form, r0)
    result = icc(scores, null_value=r0, agreement_df="irr", **_options(form))
    assert result.statistic == pytest.approx(expected.value, rel=1e-9)
    assert result.details["f_statistic"] == pytest.approx(expected.Fvalue, rel=1e-9)
    assert result.details["df2"] == pytest.approx(expected.df2, rel=1e-9)
    # pyirr takes 1 - cdf, which is exact only to about 1e-16 absolute
    assert result.p_value == pytest.approx(expected.pvalue, rel=1e-7, abs=1e-14)
    assert result.confidence_interval.low == pytest.approx(
        expected.lower_bound, rel=1e-9, abs=1e-12
    )
    assert result.confidence_interval.high == pytest.approx(
        expected.upper_bound, rel=1e-9, abs=1e-12
    )


@pytest.mark.parametrize("form", [f for f in FORMS if f[1] != "agreement"] + FORMS[:1])
def test_agreement_df_changes_nothing_outside_two_way_agreement(form):
    scores = _random_scores(7)
    ours = icc(scores, null_value=0.2, **_options(form))
    irr = icc(scores, null_value=0.2, agreement_df="irr", **_options(form))
    assert ours.p_value == irr.p_value
    assert ours.confidence_interval == irr.confidence_interval


@pytest.mark.parametrize("seed", range(5))
def test_mcgraw_wong_single_agreement_test_is_irr_average_test(seed):
    # The test of ICC(A,1) = r0 is the test of ICC(A,k) = k r0 / (1 + (k-1) r0);
    # irr computes the average form's df at r0 (McGraw & Wong's df), so it checks
    # our default single-rater df, where irr itself uses the estimate instead.
    scores = _random_scores(200 + seed)
    n_raters = scores.shape[1]
    r0 = 0.25
    r0_average = n_raters * r0 / (1 + (n_raters - 1) * r0)
    expected = intraclass_correlation(
        scores, "twoway", "agreement", "average", r0=r0_average
    )
    result = icc(scores, null_value=r0)
    assert result.details["f_statistic"] == pytest.approx(expected.Fvalue, rel=1e-9)
    assert result.details["df2"] == pytest.approx(expected.df2, rel=1e-9)
    assert result.p_value == pytest.approx(expected.pvalue, rel=1e-7, abs=1e-14)


def test_default_agreement_test_df_is_the_residual_df_not_irrs(reference):
    # McGraw & Wong (1996), test of ICC(A,1) = 0: F = MSR/MSE on (n-1)(k-1) df,
    # as psych and pingouin print (15 for Shrout & Fleiss); irr uses 4.79
    scores = reference("shrout_fleiss1979")
    assert icc(scores).details["df2"] == 15
    assert icc(scores, agreement_df="irr").details["df2"] == pytest.approx(
        4.785143862212764, rel=1e-9
    )


# --- shape of the result ------------------------------------------------------


def test_icc_records_options_and_details(reference):
    result = icc(reference("shrout_fleiss1979"), unit="average", level=0.9)
    assert dict(result.options) == {
        "model": "twoway",
        "type": "agreement",
        "unit": "average",
        "missing": "drop_units",
        "null_value": 0.0,
        "agreement_df": "mcgraw_wong",
    }
    assert result.details["form"] == "ICC(A,k)"
    assert result.details["shrout_fleiss"] == "ICC(2,k)"
    assert result.details["units_dropped"] == 0
    assert math.isnan(result.standard_error)
    assert result.confidence_interval.level == 0.9
    assert (result.n_units, result.n_raters) == (6, 4)


def test_icc_drops_calls_with_a_missing_score_and_counts_them():
    scores = _random_scores(3, n_units=12, n_raters=4)
    with_gaps = scores.copy()
    with_gaps[[1, 5], [0, 2]] = np.nan
    result = icc(with_gaps)
    expected = icc(np.delete(scores, [1, 5], axis=0))
    assert result.statistic == pytest.approx(expected.statistic, rel=1e-12)
    assert result.details["units_dropped"] == 2
    assert result.n_units == 10


def test_icc_missing_raise_names_the_first_incomplete_call_by_its_label():
    scores = pd.DataFrame(
        _random_scores(3, n_units=6, n_raters=3),
        index=[f"c{i}" for i in range(1, 7)],
        columns=["Ann", "Bo", "Cy"],
    )
    scores.loc["c5", "Bo"] = np.nan
    scores.loc["c6", "Ann"] = np.nan
    with pytest.raises(
        RatingsError, match=r"2 call\(s\) .* first is call 'c5', .* rater 'Bo'"
    ):
        icc(scores, missing="raise")
    with pytest.raises(RatingsError, match=r"first is call 4, .* rater 1"):
        icc(scores.to_numpy()[[0, 1, 2, 3, 4]], missing="raise")


def test_icc_does_not_change_when_every_score_moves():
    scores = _random_scores(5)
    for form in OPTIONS:
        options = _options(form)
        assert icc(scores + 1e4, **options).statistic == pytest.approx(
            icc(scores, **options).statistic, rel=1e-9
        )


def test_icc_accepts_criterion_ratings_on_an_interval_scale(reference):
    wide = reference("shrout_fleiss1979")
    ratings = CriterionRatings("clarity", Scale("interval"), wide)
    assert icc(ratings).statistic == pytest.approx(icc(wide).statistic, rel=1e-15)


def test_icc_table_rows_equal_icc_of_each_form(reference):
    scores = reference("pingouin_wine_icc")
    table = icc_table(scores, level=0.9)
    assert list(table.index) == [
        "ICC(1)",
        "ICC(A,1)",
        "ICC(C,1)",
        "ICC(k)",
        "ICC(A,k)",
        "ICC(C,k)",
    ]
    for name, row in table.iterrows():
        result = icc(
            scores, level=0.9, model=row["model"], type=row["type"], unit=row["unit"]
        )
        assert result.details["form"] == name
        assert row["statistic"] == result.statistic
        assert row["p_value"] == result.p_value
        assert (row["low"], row["high"]) == (
            result.confidence_interval.low,
            result.confidence_interval.high,
        )
    assert table.attrs["level"] == 0.9
    assert table.attrs["n_units"] == 8


# --- unit terms -----------------------------------------------------------------


@pytest.mark.parametrize("form", OPTIONS)
@pytest.mark.parametrize("seed", range(4))
def test_unit_terms_sum_to_the_icc(form, seed):
    scores = _random_scores(300 + seed, missing=0.05)
    options = _options(form)
    terms = _icc_unit_terms(rating_matrix(scores), **options)
    assert terms.terms.shape[0] == len(scores)
    assert terms.statistic() == pytest.approx(
        icc(scores, **options).statistic, rel=1e-12, abs=1e-12
    )


@pytest.mark.parametrize("form", OPTIONS)
def test_unit_terms_combine_is_vectorised_and_equals_recomputation(reference, form):
    scores = _random_scores(17, n_units=15, n_raters=3, missing=0.05)
    options = _options(form)
    terms = _icc_unit_terms(rating_matrix(scores), **options)
    counts = np.random.default_rng(1).multinomial(
        len(scores), np.full(len(scores), 1 / len(scores)), size=(2, 5)
    )
    fast = terms.combine(counts @ terms.terms)
    assert fast.shape == (2, 5)
    for index in np.ndindex(2, 5):
        resample = np.repeat(scores, counts[index], axis=0)
        expected = icc(resample, **options).statistic
        assert fast[index] == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_unit_terms_combine_is_nan_without_warning_when_undefined():
    scores = np.array([[1.0, 1.0], [2.0, 2.0], [np.nan, 3.0]])
    terms = _icc_unit_terms(rating_matrix(scores))
    only_first = np.array([1.0, 0.0, 0.0]) @ terms.terms
    only_missing = np.array([0.0, 0.0, 4.0]) @ terms.terms
    with np.errstate(all="raise"):
        assert np.isnan(terms.combine(np.stack([only_first, only_missing]))).all()


# --- degenerate scores ------------------------------------------------------------


@pytest.mark.parametrize("form", OPTIONS)
def test_icc_every_score_equal_returns_nan_and_warns(form):
    options = _options(form)
    with pytest.warns(UndefinedCoefficientWarning, match="every score is the same"):
        result = icc(np.full((5, 3), 0.1), **options)
    assert math.isnan(result.statistic)
    assert "every score is the same" in str(result.undefined_reason)


def test_icc_fewer_than_two_complete_calls_returns_nan_and_warns():
    scores = [[1, 2, 3], [2, None, 3], [4, 5, None]]
    with pytest.warns(UndefinedCoefficientWarning, match="fewer than two calls"):
        result = icc(scores)
    assert result.n_units == 1
    assert "2 call(s) with a missing score" in str(result.undefined_reason)


def test_icc_zero_denominator_returns_nan_and_warns():
    # call means equal and rater means equal: ICC(A,1)'s denominator is 0
    scores = [[1, 2], [2, 1]]
    with pytest.warns(UndefinedCoefficientWarning, match="denominator of ICC"):
        result = icc(scores)
    assert math.isnan(result.statistic)
    assert icc(scores, type="consistency").statistic == pytest.approx(-1)


def test_icc_table_warns_once_for_the_undefined_forms():
    with pytest.warns(UndefinedCoefficientWarning, match=r"ICC\(A,1\)") as record:
        table = icc_table([[1, 2], [2, 1]])
    assert len(record) == 1
    # ICC(A,k)'s denominator is MSR + (MSC - MSE) / n = -MSE / 2, not zero
    assert table["statistic"].isna().tolist() == [
        False,
        True,
        False,
        True,
        False,
        True,
    ]


@pytest.mark.parametrize("form", OPTIONS)
def test_icc_identical_raters_is_one_with_interval_one(form):
    scores = np.repeat([[1.0], [3.0], [2.0], [5.0], [4.0]], 3, axis=1)
    options = _options(form)
    result = icc(scores, **options)
    assert result.statistic == pytest.approx(1, abs=1e-12)
    assert result.p_value == 0
    assert result.confidence_interval.low == pytest.approx(1, abs=1e-12)
    assert result.confidence_interval.high == pytest.approx(1, abs=1e-12)


# --- bad input ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"model": "threeway"}, r"model='threeway' is not an option"),
        ({"type": "absolute"}, r"type='absolute' is not an option"),
        ({"unit": "mean"}, r"unit='mean' is not an option"),
        ({"missing": "pairwise"}, r"missing='pairwise' is not an option"),
        ({"agreement_df": "spss"}, r"agreement_df='spss' is not an option"),
        ({"model": "oneway", "type": "consistency"}, r"needs model='twoway'"),
        ({"null_value": 1.0}, r"null_value=1.0 is not a null ICC"),
        ({"null_value": -0.1}, r"null_value=-0.1"),
        ({"level": 95}, r"level=95 is not a confidence level"),
    ],
)
def test_icc_bad_option_raises_value_error(options, message):
    with pytest.raises(ValueError, match=message) as raised:
        icc([[1, 2], [3, 4], [5, 5]], **options)
    assert not isinstance(raised.value, RatingsError)  # the option, not the data


def test_icc_available_missing_rule_is_not_implemented():
    with pytest.raises(NotImplementedError, match="krippendorff_alpha"):
        icc([[1, 2], [3, None], [5, 5]], model="oneway", missing="available")


def test_icc_one_rater_raises():
    with pytest.raises(RatingsError, match="at least two raters"):
        icc([[1], [2], [3]])


def test_icc_nominal_scale_raises(reference):
    ratings = CriterionRatings(
        "greeting", Scale("nominal"), reference("shrout_fleiss1979")
    )
    with pytest.raises(RatingsError, match="scale is nominal"):
        icc(ratings)


def test_icc_unordered_labels_raise_and_point_to_levels():
    labels = [["low", "high"], ["high", "high"], ["low", "low"]]
    with pytest.raises(RatingsError, match=r"order is unknown; pass levels=") as raised:
        icc(labels)
    # the message names only options icc accepts
    assert "scale=" not in str(raised.value)
    assert icc(labels, levels=["low", "high"]).statistic == pytest.approx(
        icc([[1, 2], [2, 2], [1, 1]]).statistic, rel=1e-15
    )


def test_icc_text_levels_count_as_their_ranks_in_declared_order():
    labels = [["poor", "good"], ["fair", "good"], ["poor", "fair"], ["good", "good"]]
    ranks = [[1, 3], [2, 3], [1, 2], [3, 3]]
    table = icc_table(labels, levels=["poor", "fair", "good"])
    expected = icc_table(ranks)
    pd.testing.assert_series_equal(table["statistic"], expected["statistic"])


def test_icc_score_outside_levels_raises():
    with pytest.raises(RatingsError, match=r"score 6(\.0)? .* not among the declared"):
        icc([[1, 2], [3, 6], [5, 5]], levels=[1, 2, 3, 4, 5])


def test_icc_infinite_score_raises():
    # rating_matrix refuses it; the old fast path let inf reach the formulas
    scores = np.array([[1.0, 2.0], [3.0, np.inf], [5.0, 5.0]])
    with pytest.raises(RatingsError, match="is infinite"):
        icc(scores)


def test_icc_numeric_text_equals_numbers(reference):
    scores = reference("shrout_fleiss1979")
    as_text = scores.astype(str)
    assert icc(as_text).statistic == icc(scores).statistic


def test_module_exports_exist():
    for name in _icc.__all__:
        assert callable(getattr(_icc, name))
