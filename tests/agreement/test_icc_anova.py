"""Mean squares of the ICC's analysis of variance against statsmodels' ANOVA."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from statsmodels.stats.anova import anova_lm

from toolkit.agreement._icc_anova import _anova, _call_terms


def _scores(seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    n_units, n_raters = int(rng.integers(3, 12)), int(rng.integers(2, 6))
    return (
        rng.normal(size=(n_units, 1))
        + rng.normal(size=(1, n_raters))
        + rng.normal(size=(n_units, n_raters))
    )


def _statsmodels_mean_squares(scores: np.ndarray) -> dict[str, float]:
    """Two-way (call + rater) and one-way (call) ANOVA of a complete table."""
    long = pd.DataFrame(scores).rename_axis("call").reset_index()
    long = long.melt(id_vars="call", var_name="rater", value_name="score")
    two_way = anova_lm(smf.ols("score ~ C(call) + C(rater)", data=long).fit())
    one_way = anova_lm(smf.ols("score ~ C(call)", data=long).fit())
    return {
        "between_units": two_way.loc["C(call)", "mean_sq"],
        "between_raters": two_way.loc["C(rater)", "mean_sq"],
        "residual": two_way.loc["Residual", "mean_sq"],
        "within_units": one_way.loc["Residual", "mean_sq"],
    }


@pytest.mark.parametrize("seed", range(4))
def test_mean_squares_equal_statsmodels_anova(seed):
    # statsmodels anova_lm (type I sums of squares; balanced, so any type)
    scores = _scores(seed)
    anova = _anova(scores, np.ones(len(scores), dtype=bool))
    expected = _statsmodels_mean_squares(scores)
    for name, value in anova.mean_squares_dict().items():
        assert value == pytest.approx(expected[name], rel=1e-9), name


def test_incomplete_calls_add_nothing():
    scores = _scores(7)
    with_gaps = np.vstack([scores, [[np.nan] * scores.shape[1]]])
    with_gaps[-1, 0] = 4.0
    complete = ~np.isnan(with_gaps).any(axis=1)
    anova = _anova(with_gaps, complete)
    assert (anova.n_complete, anova.units_dropped) == (len(scores), 1)
    expected = _statsmodels_mean_squares(scores)
    assert anova.mean_squares_dict()["residual"] == pytest.approx(
        expected["residual"], rel=1e-9
    )
    terms, _ = _call_terms(with_gaps, complete)
    assert not terms[-1].any()
