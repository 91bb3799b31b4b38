"""One run of the program simulation: reproducibility, mechanics, guide claims."""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator

import numpy as np
import pandas as pd
import pytest

from toolkit import __version__
from toolkit.errors import GuideWarning, ToolkitError
from toolkit.pairing import check_review_log
from toolkit.simulation import (
    BehaviourModel,
    ProgramPolicy,
    RunResult,
    run_once,
)

# compliance 1 at any load: the logistic's knee far beyond any cadence
ALWAYS = BehaviourModel(compliance_max=1.0, compliance_knee=1e9)


def _same(a: dict[str, float], b: dict[str, float]) -> bool:
    values_a, values_b = np.array(list(a.values())), np.array(list(b.values()))
    return list(a) == list(b) and np.array_equal(values_a, values_b, equal_nan=True)


def test_same_seed_reproduces_the_run_to_the_bit():
    policy = ProgramPolicy(team_size=12, horizon_months=4)

    first, second = run_once(policy, seed=11), run_once(policy, seed=11)

    assert _same(first.metrics, second.metrics)
    pd.testing.assert_frame_equal(first.events, second.events, check_exact=True)
    pd.testing.assert_frame_equal(first.scores, second.scores, check_exact=True)
    pd.testing.assert_frame_equal(first.monthly, second.monthly, check_exact=True)


def test_different_seeds_give_different_runs():
    policy = ProgramPolicy(team_size=12, horizon_months=4)

    first, second = run_once(policy, seed=1), run_once(policy, seed=2)

    assert not _same(first.metrics, second.metrics)


def test_result_records_seed_policy_behaviour_and_version():
    policy = ProgramPolicy(team_size=8, horizon_months=2)
    behaviour = BehaviourModel(deadline_days=7.0)

    result = run_once(policy, behaviour, seed=3)

    assert isinstance(result, RunResult)
    assert result.seed == 3
    assert ProgramPolicy.from_dict(result.policy) == policy
    assert BehaviourModel.from_dict(result.behaviour) == behaviour
    assert result.toolkit_version == __version__
    assert set(result.metric_frame()["metric"]) == set(result.metrics)


def test_tiny_team_with_full_compliance_gets_exactly_the_cadence():
    # 5 reps x 2 reviewers x 1 month, every review done and delivered
    policy = ProgramPolicy(team_size=5, horizon_months=1, manager_review=False)

    result = run_once(policy, ALWAYS, seed=5)

    delivered = result.events[result.events["delivered"]]
    assert delivered.groupby("rep").size().to_dict() == {
        f"rep{i:02d}": 2 for i in range(1, 6)
    }
    assert result.metrics["cadence_reached_share"] == 1.0
    assert result.metrics["evaluator_compliance"] == 1.0
    assert result.metrics["feedback_gini"] == 0.0
    assert result.metrics["manager_hours_per_month"] == 0.0
    # 2 reviews of 15 + 3 x 2 minutes by each of 5 peers in one month
    assert result.metrics["evaluator_hours_per_month"] == pytest.approx(42 / 60)


def test_without_manager_review_nothing_is_routed_or_scored_by_a_manager():
    policy = ProgramPolicy(team_size=8, horizon_months=3, manager_review=False)

    result = run_once(policy, seed=4)

    assert result.metrics["routed_per_month"] == 0.0
    assert "manager" not in set(result.scores["role"])
    assert result.monthly["routed"].sum() == 0


def test_overloaded_manager_delays_feedback():
    ample = ProgramPolicy(team_size=10, horizon_months=3, manager_hours_per_week=40)
    tiny = ample.replace(manager_hours_per_week=0.2)

    fast, slow = run_once(ample, seed=9), run_once(tiny, seed=9)

    assert slow.metrics["latency_median_days"] > fast.metrics["latency_median_days"]
    assert slow.metrics["latency_p90_days"] > 2 * fast.metrics["latency_p90_days"]


def test_compliance_falls_above_four_reviews_a_month_with_default_assumptions():
    # guide: above 4 reviews a month evaluator compliance drops
    policy = ProgramPolicy(team_size=12, horizon_months=6)
    compliance = {}
    for cadence in (1, 2, 5):
        changed = policy.replace(reviews_per_rep=cadence)
        with pytest.warns(GuideWarning) if cadence != 2 else _quiet():
            result = run_once(changed, seed=21)
        compliance[cadence] = result.metrics["evaluator_compliance"]

    assert compliance[1] > 0.9 and compliance[2] > 0.9
    assert compliance[5] < min(compliance[1], compliance[2]) - 0.08


@pytest.mark.parametrize("pairing", ["assigned", "random", "self_selected"])
def test_no_review_is_a_self_review_or_outside_the_pairing_schedule(pairing):
    policy = ProgramPolicy(team_size=9, horizon_months=4, pairing=pairing)

    result = run_once(policy, seed=17, warn=False)

    done = result.events[result.events["done"]].rename(columns={"month": "period"})
    assert len(done) > 0
    check = check_review_log(result.schedule, done)
    assert check.ok, check.violations
    assert check.n_reviews == len(done)


def test_a_new_draw_in_one_stream_leaves_the_others_unchanged():
    policy = ProgramPolicy(team_size=10, horizon_months=3, manager_review=False)

    base = run_once(policy, seed=8)
    noisier_ai = run_once(policy, BehaviourModel(ai_noise_sd=0.9), seed=8)

    peer = base.scores[base.scores["role"] == "peer"].reset_index(drop=True)
    same = noisier_ai.scores[noisier_ai.scores["role"] == "peer"]
    pd.testing.assert_frame_equal(peer, same.reset_index(drop=True))
    ai = base.scores[base.scores["role"] == "ai"]["score"].to_numpy()
    assert not np.array_equal(
        ai, noisier_ai.scores[noisier_ai.scores["role"] == "ai"]["score"]
    )


def test_policy_departure_warns_and_warn_false_is_quiet():
    policy = ProgramPolicy(team_size=8, horizon_months=1, calibration=False)

    with pytest.warns(GuideWarning, match="no calibration before launch"):
        run_once(policy, seed=1)
    with _quiet():
        run_once(policy, seed=1, warn=False)


@pytest.mark.parametrize("seed", [-1, 1.5, "7", True])
def test_bad_seed_is_refused_with_the_value(seed):
    with pytest.raises(ToolkitError, match=r"seed must be a whole number .* got"):
        run_once(ProgramPolicy(), seed=seed)


def test_skill_grows_over_the_horizon_and_is_reported_per_criterion():
    result = run_once(ProgramPolicy(team_size=10, horizon_months=3), seed=2)

    for name in ("criterion_1", "criterion_2"):
        changes = [result.metrics[f"skill_change_{d}d_{name}"] for d in (30, 60, 90)]
        assert 0 < changes[0] < changes[1] < changes[2]


# ------------------------------------------------------------------ helpers
@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Fail the test on any warning inside the block."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield
