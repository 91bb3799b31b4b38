"""ProgramPolicy: allowed values, the guide's recommendations, dict round trip."""

from __future__ import annotations

import warnings

import pytest

from toolkit.errors import GuideWarning, ToolkitError
from toolkit.pairing import METHODS
from toolkit.simulation import ProgramPolicy


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"team_size": 1}, r"team_size must be a whole number 2 or more; got 1"),
        ({"team_size": 8.5}, r"team_size .* got 8\.5"),
        ({"team_size": True}, r"team_size .* got True"),
        ({"split_above": 6}, r"split_above must be at least .* 8.*got 6"),
        ({"sub_team_size": (1, 8)}, r"sub_team_size .*2 <= smallest.*\(1, 8\)"),
        ({"sub_team_size": (8, 5)}, r"sub_team_size .*got \(8, 5\)"),
        ({"reviews_per_rep": 0}, r"reviews_per_rep .* from 1 to 20; got 0"),
        ({"reviews_per_rep": 21}, r"reviews_per_rep .* from 1 to 20; got 21"),
        ({"criteria_per_review": 0}, r"criteria_per_review .* 1 to 10; got 0"),
        ({"pairing": "friends"}, r"pairing must be one of assigned, .*'friends'"),
        ({"rotation_months": 0}, r"rotation_months .* 1 to 120, or None.*got 0"),
        ({"calibration": "yes"}, r"calibration must be True or False; got 'yes'"),
        ({"recalibration_months": -3}, r"recalibration_months .* got -3"),
        ({"manager_review": 1}, r"manager_review must be True or False; got 1"),
        ({"manager_hours_per_week": 0}, r"manager_hours_per_week .*\(0, 40\]"),
        ({"manager_minutes_per_review": 200}, r"per_review .*\(0, 120\] .*200"),
        ({"one_on_ones_per_month": -1}, r"one_on_ones_per_month .*\[0, 8\].*-1"),
        ({"divergence_threshold": float("nan")}, r"divergence_threshold .*nan"),
        ({"peer_score_use": "bonus"}, r"peer_score_use .*coaching, performance"),
        ({"horizon_months": 0}, r"horizon_months .* from 1 to 120; got 0"),
    ],
)
def test_invalid_value_raises_naming_field_value_and_range(changes, match):
    with pytest.raises(ToolkitError, match=match):
        ProgramPolicy(**changes)


def test_errors_are_value_errors():
    with pytest.raises(ValueError, match="team_size"):
        ProgramPolicy(team_size=0)


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"reviews_per_rep": 1}, r"range of 2 to 4: feedback below 2 .*little"),
        ({"reviews_per_rep": 5}, r"compliance drops above 4 reviews a month"),
        ({"team_size": 4}, r"4 reps is below the guide's minimum of 5"),
        ({"team_size": 30, "split_above": None}, r"sub-teams of 5 to 8"),
        ({"team_size": 30, "sub_team_size": (10, 15)}, r"pools of more than 8"),
        ({"pairing": "self_selected"}, r"self-selected pairs .*friends"),
        ({"rotation_months": None}, r"rotated never .*quarterly rotation"),
        ({"rotation_months": 6}, r"every 6 months .*quarterly rotation"),
        ({"criteria_per_review": 4}, r"4 criteria .*1 to 3 observable"),
        ({"calibration": False}, r"no calibration .*3-4 sample calls"),
        ({"divergence_threshold": 2}, r"above 2 levels .*more than 1 level"),
        ({"peer_score_use": "performance"}, r"performance ratings .*retaliation"),
    ],
)
def test_departure_from_the_guide_warns_once_saying_why(changes, match):
    policy = ProgramPolicy(**changes)

    with pytest.warns(GuideWarning, match=match) as caught:
        policy.check()

    assert len(caught) == 1


@pytest.mark.parametrize("team_size", [5, 10, 20, 21, 200])
def test_recommended_policy_warns_nothing(team_size):
    policy = ProgramPolicy.recommended(team_size=team_size)

    assert policy.check() is policy
    assert policy.departures() == {}


def test_defaults_are_the_recommended_policy_and_reuse_pairing_rules():
    policy = ProgramPolicy()

    assert policy == ProgramPolicy.recommended()
    assert (policy.split_above, policy.sub_team_size) == (20, (5, 8))
    assert policy.pairing in METHODS


def test_construction_and_copies_do_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        policy = ProgramPolicy(pairing="self_selected", calibration=False)
        policy.replace(reviews_per_rep=6)
        ProgramPolicy.from_dict(policy.to_dict())


def test_several_departures_warn_one_each_in_field_order():
    policy = ProgramPolicy(reviews_per_rep=6, peer_score_use="performance")

    with pytest.warns(GuideWarning) as caught:
        policy.check()

    assert [str(w.message)[:2] for w in caught] == ["6 ", "pe"]


@pytest.mark.parametrize("method", METHODS)
def test_every_pairing_method_is_accepted(method):
    assert ProgramPolicy(pairing=method).pairing == method


def test_pairing_accepts_hyphenated_name():
    assert ProgramPolicy(pairing="self-selected").pairing == "self_selected"


@pytest.mark.parametrize(
    "policy",
    [
        ProgramPolicy(),
        ProgramPolicy(
            team_size=40,
            split_above=None,
            sub_team_size=(6, 7),
            rotation_months=None,
            recalibration_months=2,
            manager_review=False,
            one_on_ones_per_month=4.33,
            peer_score_use="performance",
        ),
    ],
)
def test_dict_round_trip_gives_the_same_policy(policy):
    assert ProgramPolicy.from_dict(policy.to_dict()) == policy


def test_to_dict_is_toml_friendly():
    record = ProgramPolicy(rotation_months=None).to_dict()

    assert record["rotation_months"] == "never"
    assert record["recalibration_months"] == "never"
    assert record["sub_team_size"] == [5, 8]
    assert None not in record.values()


def test_from_dict_keeps_defaults_for_missing_fields():
    policy = ProgramPolicy.from_dict({"reviews_per_rep": 3, "split_above": None})

    assert policy == ProgramPolicy(reviews_per_rep=3, split_above=None)


def test_from_dict_names_every_unknown_key():
    with pytest.raises(ToolkitError, match=r"no field\(s\) 'cadence', 'teams'"):
        ProgramPolicy.from_dict({"cadence": 2, "reviews_per_rep": 2, "teams": 3})


def test_replace_changes_one_field_and_refuses_unknown_names():
    policy = ProgramPolicy()

    assert policy.replace(rotation_months=1).rotation_months == 1
    assert policy.rotation_months == 3
    with pytest.raises(ToolkitError, match=r"no field\(s\) 'cadence'"):
        policy.replace(cadence=3)


def test_replace_checks_the_new_value():
    with pytest.raises(ToolkitError, match=r"reviews_per_rep .* got 0"):
        ProgramPolicy().replace(reviews_per_rep=0)
