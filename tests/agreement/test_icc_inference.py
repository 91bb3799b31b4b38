"""ICC intervals where McGraw & Wong's formulas give no end, against the references.

psych, pingouin and R irr print such ends as computed, so an interval can be
inverted or miss its own estimate; these tests pin what we give instead.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pingouin
import pytest
from pyirr import intraclass_correlation

from toolkit.agreement._icc import icc, icc_table
from toolkit.errors import UndefinedCoefficientWarning

FORMS = [
    ("oneway", "agreement", "single"),
    ("twoway", "agreement", "single"),
    ("twoway", "consistency", "single"),
    ("oneway", "agreement", "average"),
    ("twoway", "agreement", "average"),
    ("twoway", "consistency", "average"),
]

# three calls, two raters: ICC(A,1)'s lower bound is below -1/(k-1) = -1
THREE_CALLS = np.array([[3, 3], [2, 4], [1.5, 1]])

# a negative ICC(A,1) whose Satterthwaite df is about 1.6e-5
NEAR_ZERO_DF = np.array(
    [
        [0.3, -0.9, 1.2, -1.4],
        [1.0, -0.0, -1.5, -0.4],
        [1.2, -0.6, -1.2, -0.3],
        [-0.8, -1.3, 0.4, 0.8],
    ]
)


def _pingouin_intervals(scores) -> dict[str, dict[str, float]]:
    """pingouin's ICC and unrounded CI95 ends by row label (ICC(A,1), ...)."""
    long = pd.DataFrame(scores).rename_axis("call").reset_index()
    long = long.melt(id_vars="call", var_name="rater", value_name="score")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        table = pingouin.intraclass_corr(
            long, targets="call", raters="rater", ratings="score"
        )
    return {
        row["Type"]: {"ICC": row["ICC"], "low": row["CI95"][0], "high": row["CI95"][1]}
        for row in table.to_dict("records")
    }


@pytest.fixture
def unrounded_pingouin(monkeypatch):
    # pingouin rounds CI95 to 2 decimals through a documented global option
    monkeypatch.setitem(pingouin.options, "round.column.CI95", None)


@pytest.mark.usefixtures("unrounded_pingouin")
def test_average_agreement_lower_end_is_minus_inf_below_spearman_brown_floor():
    # pingouin.intraclass_corr prints ICC(A,1) 0.452 [-1.266171, 0.982367] and
    # ICC(A,k) 0.622 [9.513962, 0.991105]: its Spearman-Brown step took -1.27,
    # below -1/(k-1) = -1, to 9.51. psych computes the same formulas.
    expected = _pingouin_intervals(THREE_CALLS)
    single = icc(THREE_CALLS)
    average = icc(THREE_CALLS, unit="average")

    # the sane ends still match pingouin
    theirs_single, theirs_average = expected["ICC(A,1)"], expected["ICC(A,k)"]
    assert single.confidence_interval.low == pytest.approx(
        theirs_single["low"], rel=1e-9
    )
    assert single.confidence_interval.high == pytest.approx(
        theirs_single["high"], rel=1e-9
    )
    assert single.details["interval_note"] is None
    assert average.statistic == pytest.approx(theirs_average["ICC"], rel=1e-9)
    assert theirs_average["low"] > average.statistic  # theirs is inverted
    assert average.confidence_interval.high == pytest.approx(
        theirs_average["high"], rel=1e-9
    )

    # the lower end is the limit of Spearman-Brown, with a note
    assert average.confidence_interval.low == -math.inf
    assert average.details["interval_note"].startswith(
        "the lower end is -inf: the single-rater lower bound -1.266 is at or "
        "below -1/(k-1) = -1"
    )


def test_average_agreement_lower_end_with_irr_df_is_minus_inf_too():
    # pyirr.intraclass_correlation(x, "twoway", "agreement", "average"), a port
    # of R irr 0.84 icc(), gives 7.196 < ICC < 0.991
    expected = intraclass_correlation(THREE_CALLS, "twoway", "agreement", "average")
    assert expected.lower_bound > expected.value
    result = icc(THREE_CALLS, unit="average", agreement_df="irr")
    assert result.confidence_interval.low == -math.inf
    assert result.confidence_interval.high == pytest.approx(
        expected.upper_bound, rel=1e-9
    )
    assert "-1/(k-1)" in result.details["interval_note"]


@pytest.mark.usefixtures("unrounded_pingouin")
def test_agreement_end_whose_f_quantile_is_below_one_is_nan():
    # pingouin prints ICC(A,1) -0.365164 [-0.365425, -0.365425]: with df near 0
    # the upper F quantile is about 4e-303, and the upper bound falls below
    # the estimate
    expected = _pingouin_intervals(NEAR_ZERO_DF)["ICC(A,1)"]
    result = icc(NEAR_ZERO_DF)
    assert result.statistic == pytest.approx(expected["ICC"], rel=1e-9)
    assert expected["high"] < result.statistic
    assert result.details["interval_df"] == pytest.approx(1.58189e-5, rel=1e-4)

    assert math.isnan(result.confidence_interval.high)
    assert result.confidence_interval.low == pytest.approx(expected["low"], rel=1e-9)
    assert result.details["interval_note"].startswith(
        "the upper end is NaN: its quantile of the F distribution on (1.582e-05, "
        "3) df is 4.22e-303, below 1"
    )


def test_exact_interval_end_whose_f_quantile_is_below_one_is_nan(reference):
    # at a 10% level the lower F quantile of the one-way form, F(5, 18) at
    # 0.55, is 0.992; pyirr.intraclass_correlation(x, "oneway", conf_level=0.1)
    # (R irr icc) then gives a lower bound above the estimate
    scores = reference("shrout_fleiss1979").to_numpy(dtype=float)
    expected = intraclass_correlation(scores, "oneway", conf_level=0.1)
    assert expected.lower_bound > expected.value
    result = icc(scores, model="oneway", level=0.1)
    assert math.isnan(result.confidence_interval.low)
    assert result.confidence_interval.high == pytest.approx(
        expected.upper_bound, rel=1e-9
    )
    assert "the lower end is NaN" in result.details["interval_note"]


@pytest.mark.parametrize("form", FORMS)
def test_interval_note_is_none_when_the_formulas_give_both_ends(reference, form):
    model, type_, unit = form
    result = icc(reference("shrout_fleiss1979"), model=model, type=type_, unit=unit)
    assert result.details["interval_note"] is None


def test_icc_table_carries_the_notes():
    table = icc_table(THREE_CALLS)
    assert table.loc["ICC(A,k)", "low"] == -math.inf
    assert "Spearman-Brown" in str(table.loc["ICC(A,k)", "interval_note"])
    assert table["interval_note"].isna().sum() == 5


def _small_scores(seed: int) -> np.ndarray:
    """3-5 calls, 2-5 raters: integer levels with ties, or rounded normals."""
    rng = np.random.default_rng(seed)
    shape = (int(rng.integers(3, 6)), int(rng.integers(2, 6)))
    if seed % 2:
        return rng.integers(1, 6, size=shape).astype(float)
    return np.round(rng.normal(size=shape), 1)


@pytest.mark.parametrize("seed", range(120))
def test_interval_holds_the_estimate_whenever_both_ends_are_finite(seed):
    scores = _small_scores(seed)
    level = (0.1, 0.5, 0.8, 0.95, 0.99)[seed % 5]
    for agreement_df in ("mcgraw_wong", "irr"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UndefinedCoefficientWarning)
            table = icc_table(scores, level=level, agreement_df=agreement_df)
        for name, row in table.iterrows():
            if not (np.isfinite(row["low"]) and np.isfinite(row["high"])):
                continue
            slack = 1e-9 * max(1.0, abs(row["statistic"]))
            assert row["low"] - slack <= row["statistic"] <= row["high"] + slack, (
                name,
                agreement_df,
                level,
            )
