"""BehaviourModel: documented assumptions, ranges, and the guide's claims."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from toolkit.errors import ToolkitError
from toolkit.simulation import PARAMETERS, BehaviourModel

FIELDS = [item.name for item in dataclasses.fields(BehaviourModel)]
DAYS_PER_MONTH = 365.25 / 12


def test_compliance_is_high_up_to_four_reviews_a_month():
    compliance = BehaviourModel().compliance(np.arange(0, 4.01, 0.25))

    assert (compliance >= 0.9).all()


def test_compliance_matches_hand_checked_values_and_falls_beyond_four():
    # 0.97 / (1 + exp(1.2 * (load - 6.5))), e.g. load 5: 0.97 / (1 + e^-1.8)
    loads = [1, 4, 5, 6, 8]
    expected = [0.96868, 0.92400, 0.83240, 0.62629, 0.13760]

    compliance = BehaviourModel().compliance(loads)

    np.testing.assert_allclose(compliance, expected, atol=5e-6)
    assert (np.diff(compliance) < 0).all()
    assert compliance[2] < 0.9


def test_compliance_of_a_huge_load_is_zero_without_overflow_warning():
    assert BehaviourModel().compliance(1e6) == pytest.approx(0.0)


def test_negative_load_is_refused():
    with pytest.raises(ToolkitError, match="load must be 0 or more"):
        BehaviourModel().compliance([2, -1])


def test_feedback_below_two_a_month_never_becomes_visible():
    model = BehaviourModel()

    months = model.months_to_visible(feedback_per_month=[0, 0.5, 1])
    plateau = model.skill_gain(np.inf, feedback_per_month=1)

    assert np.isinf(months).all()
    assert plateau < model.qa_visible_change


@pytest.mark.parametrize("delivered", [2.0, 0.95 * 2])
def test_two_feedbacks_a_month_become_visible_after_60_to_90_days(delivered):
    model = BehaviourModel()

    days = model.months_to_visible(feedback_per_month=delivered) * DAYS_PER_MONTH
    gain_at_days = model.skill_gain(
        np.array([60, 90]) / DAYS_PER_MONTH, feedback_per_month=delivered
    )

    assert 60 <= days <= 90
    assert gain_at_days[0] < model.qa_visible_change < gain_at_days[1]


def test_skill_gain_closed_form_matches_an_euler_integration():
    model = BehaviourModel()
    step = 1e-4
    gain = 0.0
    for _ in range(int(3 / step)):
        inflow = model.skill_gain_per_feedback * 2
        inflow += model.skill_gain_per_coaching * 0.5
        gain += step * (inflow - model.forgetting_per_month * gain)

    closed = model.skill_gain(3.0, feedback_per_month=2, coaching_per_month=0.5)

    assert closed == pytest.approx(gain, rel=1e-3)


def test_coaching_shortens_the_time_to_a_visible_change():
    model = BehaviourModel()

    alone = model.months_to_visible(feedback_per_month=2)
    coached = model.months_to_visible(feedback_per_month=2, coaching_per_month=0.5)

    assert coached < alone


def test_calibration_factor_halves_its_effect_each_half_life():
    model = BehaviourModel()

    factor = model.calibration_factor([0.0, 3.0, np.inf])

    np.testing.assert_allclose(factor, [0.5, 0.75, 1.0])
    np.testing.assert_allclose(model.noise_sd([0.0, np.inf]), [0.4, 0.8])
    np.testing.assert_allclose(model.leniency_sd(0.0), 0.25)


def test_review_duration_grows_with_criteria():
    np.testing.assert_allclose(BehaviourModel().review_duration([1, 3]), [18, 24])


def test_retaliation_is_likelier_when_scores_feed_performance():
    model = BehaviourModel()

    coaching = model.retaliation_probability("coaching")
    performance = model.retaliation_probability("performance")

    assert coaching < performance
    with pytest.raises(ToolkitError, match=r"peer_score_use .* got 'bonus'"):
        model.retaliation_probability("bonus")


def test_every_field_has_a_parameter_row_in_order():
    assert [row.name for row in PARAMETERS] == FIELDS


@pytest.mark.parametrize("row", PARAMETERS, ids=lambda row: row.name)
def test_parameter_row_is_complete_and_default_lies_in_its_range(row):
    assert row.low < row.high
    assert row.low <= row.default <= row.high
    assert row.bounds[0] <= row.low and row.high <= row.bounds[1]
    assert row.unit.strip()
    assert row.description.strip()
    assert row.source == "assumption" or (
        row.source.startswith("guide:") and "assumption" in row.source
    )
    assert getattr(BehaviourModel(), row.name) == row.default


@pytest.mark.parametrize("name", FIELDS)
def test_docstring_documents_every_assumption(name):
    assert name in BehaviourModel.__doc__


def test_parameters_make_a_table():
    table = pd.DataFrame(PARAMETERS)

    assert {"name", "default", "unit", "low", "high", "source"} <= set(table)
    assert len(table) == len(FIELDS)


def test_one_at_a_time_changes_exactly_one_assumption_to_each_end():
    base = BehaviourModel()

    variants = base.one_at_a_time()

    assert len(variants) == 2 * len(FIELDS)
    for name, side, model in variants:
        changed = {
            key for key, value in model.to_dict().items() if value != getattr(base, key)
        }
        row = next(row for row in PARAMETERS if row.name == name)
        assert getattr(model, name) == getattr(row, side)
        assert changed <= {name}


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"rater_noise_sd": -0.1}, r"rater_noise_sd must be a number in \[0, inf\]"),
        ({"compliance_max": 1.2}, r"compliance_max .*\[0, 1\] share; got 1\.2"),
        ({"competitor_bias": 0.3}, r"competitor_bias .*\[-inf, 0\]"),
        ({"calibration_half_life_months": 0}, r"half_life_months .*\(0, inf\]"),
        ({"forgetting_per_month": 0.0}, r"forgetting_per_month .*got 0\.0"),
        ({"review_minutes": "15"}, r"review_minutes .*got '15'"),
    ],
)
def test_invalid_assumption_raises_naming_field_and_range(changes, match):
    with pytest.raises(ToolkitError, match=match):
        BehaviourModel(**changes)


def test_dict_round_trip_and_unknown_keys():
    model = BehaviourModel(friend_bias=0.8, late_delivered_share=0.0)

    assert BehaviourModel.from_dict(model.to_dict()) == model
    with pytest.raises(ToolkitError, match=r"no field\(s\) 'friendship'"):
        BehaviourModel.from_dict({"friendship": 1.0})
    with pytest.raises(ToolkitError, match=r"no field\(s\) 'noise'"):
        model.replace(noise=1.0)
