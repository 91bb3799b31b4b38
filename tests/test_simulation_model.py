"""One run of the program simulation: reproducibility, mechanics, guide claims."""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator

import numpy as np
import pandas as pd
import pytest
import simpy

from toolkit import __version__
from toolkit.errors import GuideWarning, ToolkitError
from toolkit.pairing import check_review_log
from toolkit.simulation import (
    DAYS_PER_MONTH,
    BehaviourModel,
    ProgramPolicy,
    RunResult,
    run_once,
)
from toolkit.simulation._metrics import qa_detection_month
from toolkit.simulation._model import first_come_first_served

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


def test_skill_change_is_the_sum_of_decayed_feedback_gains():
    # no manager, no one-on-ones: skill moves by feedback alone, each gain a
    # decaying a * exp(-lambda * (t - delivered)) with lambda per working day
    policy = ProgramPolicy(
        team_size=5, horizon_months=2, manager_review=False, one_on_ones_per_month=0
    )
    behaviour = BehaviourModel()
    result = run_once(policy, behaviour, seed=6)

    delivered = result.events.loc[result.events["delivered"], "delivered_day"]
    rate = behaviour.forgetting_per_month / DAYS_PER_MONTH
    for month in (1, 2):
        end = month * DAYS_PER_MONTH
        before = delivered[delivered <= end].to_numpy()
        total = behaviour.skill_gain_per_feedback * np.exp(-rate * (end - before))
        expected = total.sum() / policy.team_size
        simulated = result.monthly.loc[result.monthly["month"] == month]
        np.testing.assert_allclose(simulated["skill_change"], expected, rtol=1e-9)


# ------------------------------------------------------------------ queues
def test_first_come_first_served_matches_a_simpy_resource():
    # the reference: one simpy.Resource of capacity 1 per server
    rng = np.random.default_rng(0)
    arrival = rng.uniform(0, 20, 60)
    server = rng.integers(0, 3, 60)
    env = simpy.Environment()
    desks = [simpy.Resource(env, capacity=1) for _ in range(3)]
    finished = np.empty(60)

    def job(k: int) -> Iterator[simpy.Event]:
        yield env.timeout(arrival[k])
        with desks[server[k]].request() as turn:
            yield turn
            yield env.timeout(0.7)
        finished[k] = env.now

    for k in range(60):
        env.process(job(k))
    env.run()

    computed = first_come_first_served(arrival, server, 0.7)

    np.testing.assert_allclose(computed, finished, rtol=0, atol=1e-12)


def test_first_come_first_served_of_no_jobs_is_empty():
    none = np.array([], dtype=float)

    assert first_come_first_served(none, none.astype(int), 1.0).shape == (0,)


# ------------------------------------------------------------------ managers
def test_each_sub_team_has_its_own_manager_and_hours_are_per_manager():
    # 40 reps are split into 5 sub-teams of 8, each with a manager who spends
    # manager_minutes_per_review on each review that reaches the rep
    policy = ProgramPolicy.recommended(team_size=40, horizon_months=2)
    result = run_once(policy, seed=13)

    team = result.schedule.team.set_index("rep")["sub_team"]
    delivered = result.events[result.events["delivered"]]
    per_manager = delivered["rep"].map(team).value_counts()
    hours = per_manager * policy.manager_minutes_per_review / 60 / 2
    assert len(per_manager) == 5
    assert result.metrics["manager_hours_per_month"] == pytest.approx(hours.mean())
    assert result.metrics["manager_hours_per_month_max"] == pytest.approx(hours.max())


def test_an_unsplit_team_has_one_manager():
    policy = ProgramPolicy(team_size=12, horizon_months=2)
    result = run_once(policy, seed=13)

    n_delivered = int(result.events["delivered"].sum())
    hours = n_delivered * policy.manager_minutes_per_review / 60 / 2
    assert result.metrics["manager_hours_per_month"] == pytest.approx(hours)
    assert result.metrics["manager_hours_per_month_max"] == pytest.approx(hours)


def test_one_manager_for_a_large_team_falls_behind_where_sub_teams_keep_up():
    # 40 reps x 2 reviews = 80 reviews a month reach the managers. At 0.5
    # hours a week a manager has 6 minutes a working day, so a 5-minute
    # review takes 5/6 day: one manager could do 21 / (5/6) = 25.2 reviews a
    # month, far below 80 (load 3.2: the queue grows for the whole run),
    # while each of 5 sub-team managers gets about 16 (load 0.63, a queue
    # of M/D/1 type whose mean wait is 0.63 * 5/6 / (2 * 0.37) = 0.7 days)
    sub_teams = ProgramPolicy(
        team_size=40, horizon_months=3, manager_hours_per_week=0.5
    )
    one_pool = sub_teams.replace(split_above=None)

    split = run_once(sub_teams, seed=4)
    with pytest.warns(GuideWarning, match="pools of more than"):
        single = run_once(one_pool, seed=4)

    # peer 1.75 days + manager 0.83 days + a short wait; the single manager's
    # backlog by the end (1 - 1 / 3.2 of 3 months' arrivals) takes months
    assert split.metrics["latency_p90_days"] < 10
    assert single.metrics["latency_p90_days"] > 2 * DAYS_PER_MONTH
    # about the same reviews (other pairs, so not exactly), one manager not 5
    assert single.metrics["manager_hours_per_month"] == pytest.approx(
        5 * split.metrics["manager_hours_per_month"], rel=0.1
    )


# ------------------------------------------------------------------ QA rule
def _qa(changes: list[list[float]]) -> np.ndarray:
    """QA scores (months + 1, reps, 1) from per-month per-rep changes."""
    rows = np.array([[0.0] * len(changes[0]), *changes])
    return (3.0 + rows)[:, :, None]


# per-rep changes of 4 reps; t = mean * sqrt(4) / sd against t(0.95, 3) = 2.353
SIGNIFICANT = [0.1, 0.3, 0.2, 0.2]  # mean 0.2, sd 0.0816, t = 4.90
NOISY = [0.5, -0.1, 0.3, 0.1]  # mean 0.2, sd 0.258, t = 1.55
SMALL = [0.09, 0.11, 0.1, 0.1]  # mean 0.1 < 0.15, sd 0.0082, t = 24.5


def test_qa_detection_needs_a_significant_visible_change_two_months_running():
    qa = _qa([NOISY, SIGNIFICANT, SIGNIFICANT, SMALL])

    assert qa_detection_month(qa, 0.15) == [2.0]


@pytest.mark.parametrize(
    ("months", "why"),
    [
        ([NOISY, NOISY, NOISY], "visible but never significant"),
        ([SMALL, SMALL, SMALL], "significant but below the visible change"),
        ([SIGNIFICANT, SMALL, SIGNIFICANT], "never two months running"),
        ([SMALL, SMALL, SIGNIFICANT], "shown in the last month only"),
        ([SIGNIFICANT], "a one-month horizon confirms nothing"),
    ],
)
def test_qa_detection_is_nan_when_the_rule_never_holds(months, why):
    assert np.isnan(qa_detection_month(_qa(months), 0.15)).all(), why


def test_qa_detection_level_is_the_one_sided_t_quantile():
    # t = 1.55 passes at level 0.2 (t(0.8, 3) = 0.978), not at 0.05
    qa = _qa([NOISY, NOISY])

    assert qa_detection_month(qa, 0.15, level=0.2) == [1.0]
    assert np.isnan(qa_detection_month(qa, 0.15, level=0.05)).all()


def test_qa_detection_counts_reps_who_all_changed_alike_as_significant():
    same = [0.2, 0.2, 0.2, 0.2]  # sd 0: no division, a sure change

    assert qa_detection_month(_qa([same, same]), 0.15) == [1.0]


def test_qa_detection_runs_per_criterion_at_once():
    first, second = _qa([SIGNIFICANT, SIGNIFICANT]), _qa([NOISY, NOISY])

    detected = qa_detection_month(np.concatenate([first, second], axis=2), 0.15)

    np.testing.assert_array_equal(detected, [1.0, np.nan])


@pytest.mark.parametrize(
    ("qa", "level", "match"),
    [
        (np.zeros((3, 1, 2)), 0.05, r"at least 2 reps; got shape \(3, 1, 2\)"),
        (np.zeros((3, 4)), 0.05, r"shape \(months \+ 1, reps, criteria\)"),
        (np.zeros((3, 4, 1)), 1.5, r"level must be in \(0, 1\).*got 1\.5"),
    ],
)
def test_qa_detection_refuses_bad_input_with_the_value(qa, level, match):
    with pytest.raises(ValueError, match=match):
        qa_detection_month(qa, 0.15, level=level)


def test_run_reports_qa_detection_in_30_day_months_per_criterion():
    policy = ProgramPolicy.recommended(team_size=40, horizon_months=6)
    result = run_once(policy.replace(reviews_per_rep=4), seed=3)

    days = [result.metrics[f"qa_detect_days_criterion_{k}"] for k in (1, 2)]
    assert not any(key.startswith("qa_visible") for key in result.metrics)
    # a month m in 1..5 is reported as 30 * m; month 6 has no next month
    assert all(day in (30.0, 60.0, 90.0, 120.0, 150.0) for day in days)


# ------------------------------------------------------------------ helpers
@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Fail the test on any warning inside the block."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


@pytest.mark.parametrize(
    ("rotation", "expected"),
    # 10 reps, 2 reviewers a month, 6 months, every review delivered: fixed
    # pairs give 2 peers; quarterly rotation, 2 blocks x 2 new peers = 4
    [(None, 2.0), (3, 4.0)],
)
def test_distinct_reviewers_follow_the_rotation(rotation, expected):
    policy = ProgramPolicy(team_size=10, horizon_months=6, rotation_months=rotation)
    model = BehaviourModel(compliance_max=1.0, compliance_knee=50.0, calls_per_day=20)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GuideWarning)
        result = run_once(policy, model, seed=3)

    assert result.metrics["distinct_reviewers_per_rep"] == expected
