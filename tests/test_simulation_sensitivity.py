"""One-at-a-time sensitivity analysis and its tornado figure."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from toolkit.errors import ToolkitError
from toolkit.simulation import (
    PARAMETERS,
    BehaviourModel,
    ProgramPolicy,
    sensitivity,
    study_figure,
    tornado_figure,
)

POLICY = ProgramPolicy(team_size=8, horizon_months=2)
HOURS = "evaluator_hours_per_month"
RANGE = {row.name: (row.low, row.high) for row in PARAMETERS}


@pytest.fixture(scope="module")
def hours():
    return sensitivity(
        POLICY,
        HOURS,
        replications=4,
        parameters=["review_minutes", "minutes_per_criterion", "friend_bias"],
        n_jobs=1,
    )


def test_review_time_scales_review_hours_by_the_ratio_of_durations(hours):
    # common seeds: the same reviews are done at every setting, so review hours
    # scale with the minutes one review takes, review_minutes + 2 * per criterion
    model = BehaviourModel()
    table = hours.table.set_index("parameter")
    for name in ("review_minutes", "minutes_per_criterion"):
        low, high = RANGE[name]
        minutes = {
            side: float(model.replace(**{name: value}).review_duration(2))
            for side, value in (("low", low), ("high", high))
        }
        default = float(model.review_duration(2))
        row = table.loc[name]
        assert row["low"] == low
        assert row["high"] == high
        assert row["effect_low"] == pytest.approx(
            hours.effect * minutes["low"] / default, rel=1e-12
        )
        assert row["effect_high"] == pytest.approx(
            hours.effect * minutes["high"] / default, rel=1e-12
        )


def test_an_assumption_the_metric_does_not_use_has_no_swing(hours):
    row = hours.table.set_index("parameter").loc["friend_bias"]
    assert row["swing"] == 0.0
    assert not row["changes_conclusion"]
    assert hours.table["parameter"].iloc[-1] == "friend_bias"  # largest swing first


def test_each_end_is_judged_against_the_default_interval(hours):
    assert hours.effect_of == "mean"
    low, high = hours.effect_ci
    assert hours.conclusion(low, high) == "as at the defaults"
    assert hours.conclusion(high + 0.01, high + 1) == "higher than at the defaults"
    assert hours.conclusion(low - 1, low - 0.01) == "lower than at the defaults"

    table = hours.table.set_index("parameter")
    row = table.loc["review_minutes"]
    # 10 against 18 minutes: far below the default's narrow interval
    assert row["effect_low_ci_high"] < low
    assert row["changes_conclusion"]


def test_a_comparison_is_judged_by_the_sign_of_its_interval():
    result = sensitivity(
        {"two": POLICY, "three": POLICY.replace(reviews_per_rep=3)},
        HOURS,
        replications=3,
        parameters=["review_minutes"],
        n_jobs=1,
    )
    assert result.effect_of == "difference"
    assert result.conclusion(0.1, 0.3) == "higher"
    assert result.conclusion(-0.3, -0.1) == "lower"
    assert result.conclusion(-0.1, 0.3) == "no clear difference"

    # three reviews a month take more hours than two whatever a review takes
    row = result.table.iloc[0]
    assert row["effect_low"] > 0 and row["effect_high"] > 0
    assert row["effect_high"] > row["effect_low"]
    assert not row["changes_conclusion"]

    runs = result.runs
    assert set(runs["label"]) == {
        f"{policy} | {variant}"
        for policy in ("two", "three")
        for variant in ("default", "review_minutes=low", "review_minutes=high")
    }
    # every setting reuses the same seeds
    assert runs.groupby("label")["seed"].apply(tuple).nunique() == 1


def test_bad_requests_are_refused():
    with pytest.raises(ToolkitError, match="unknown behaviour parameter"):
        sensitivity(POLICY, HOURS, parameters=["review_time"], replications=2)
    with pytest.raises(ToolkitError, match="one policy or two"):
        sensitivity([POLICY] * 3, HOURS, replications=2)
    with pytest.raises(ToolkitError, match="unknown metric 'hours'"):
        sensitivity(
            POLICY, "hours", parameters=["review_minutes"], replications=2, n_jobs=1
        )


def test_tornado_draws_each_end_from_the_default_effect(hours):
    figure = tornado_figure(hours)
    ax = figure.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    table = hours.table.iloc[::-1].reset_index(drop=True)
    expected = [
        f"{name} *" if flips else name
        for name, flips in zip(
            table["parameter"], table["changes_conclusion"], strict=True
        )
    ]
    assert labels == expected

    low_bars, high_bars = ax.containers[0], ax.containers[1]
    for bars, column in ((low_bars, "effect_low"), (high_bars, "effect_high")):
        starts = [bar.get_x() for bar in bars]
        ends = [bar.get_x() + bar.get_width() for bar in bars]
        np.testing.assert_allclose(starts, hours.effect)
        np.testing.assert_allclose(ends, table[column], rtol=1e-12)


def test_study_figure_plots_means_with_intervals_per_series():
    summary = pd.DataFrame(
        {
            "metric": "hours",
            "team_size": [5, 10, 5, 10],
            "split": ["yes", "yes", "no", "no"],
            "mean": [1.0, 2.0, 1.5, 2.5],
            "ci_low": [0.9, 1.8, 1.4, 2.0],
            "ci_high": [1.1, 2.2, 1.6, 3.0],
        }
    )
    figure = study_figure(
        summary, "hours", x="team_size", series="split", marks={"repeat": 8}
    )
    ax = figure.axes[0]
    lines = [line for line in ax.lines if line.get_marker() == "o"]
    assert [list(line.get_ydata()) for line in lines] == [[1.0, 2.0], [1.5, 2.5]]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "split = yes",
        "split = no",
    ]
    caps = ax.containers[1].lines[2][0].get_segments()
    assert [tuple(seg[:, 1]) for seg in caps] == [(1.4, 1.6), (2.0, 3.0)]
