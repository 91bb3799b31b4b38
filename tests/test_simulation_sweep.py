"""Replications, comparisons on common random numbers, and sweeps to disk."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from toolkit.errors import GuideWarning, ToolkitError
from toolkit.simulation import (
    BehaviourModel,
    ProgramPolicy,
    SweepPoint,
    SweepWarning,
    compare,
    replication_seeds,
    run_once,
    run_sweep,
    simulate,
)
from toolkit.simulation import _sweep as sweep_module

SHORT = ProgramPolicy(team_size=8, horizon_months=2)


def points(*cadences: int) -> list[SweepPoint]:
    return [
        SweepPoint(f"cadence {c}", SHORT.replace(reviews_per_rep=c)) for c in cadences
    ]


# ------------------------------------------------------------------ seeds
def test_replication_seeds_extend_and_streams_differ():
    assert replication_seeds(4, 3) == replication_seeds(4, 10)[:3]
    assert len(set(replication_seeds(4, 50))) == 50
    assert replication_seeds(4, 3, stream=0) != replication_seeds(4, 3, stream=1)
    assert replication_seeds(4, 3, stream=0) != replication_seeds(4, 3)


@pytest.mark.parametrize("replications", [0, -1, 2.5, True, "3"])
def test_bad_replications_are_refused(replications):
    with pytest.raises(ToolkitError, match="replications must be a whole number"):
        replication_seeds(1, replications)


# ------------------------------------------------------------------ simulate
def test_simulate_runs_are_run_once_on_the_replication_seeds():
    result = simulate(SHORT, replications=3, seed=11, n_jobs=1)

    seeds = replication_seeds(11, 3)
    assert result.runs["seed"].tolist() == seeds
    for row, seed in zip(result.runs.itertuples(index=False), seeds, strict=True):
        expected = run_once(SHORT, seed=seed, warn=False).metrics
        got = {name: getattr(row, name) for name in expected}
        np.testing.assert_array_equal(list(got.values()), list(expected.values()))


def test_simulate_is_reproducible_to_the_bit_and_seed_matters():
    one = simulate(SHORT, replications=4, seed=2, n_jobs=1)
    two = simulate(SHORT, replications=4, seed=2, n_jobs=1)
    other = simulate(SHORT, replications=4, seed=3, n_jobs=1)

    pd.testing.assert_frame_equal(one.runs, two.runs, check_exact=True)
    assert not one.runs.equals(other.runs)


def test_summary_interval_is_the_t_interval_of_the_runs():
    result = simulate(SHORT, replications=6, seed=5, n_jobs=1)

    values = result.runs["evaluator_hours_per_month"].to_numpy()
    low, high = stats.t.interval(
        0.95, len(values) - 1, loc=values.mean(), scale=stats.sem(values)
    )
    row = result.summary.loc["evaluator_hours_per_month"]
    assert row["n"] == 6
    assert row["mean"] == pytest.approx(values.mean(), abs=1e-12)
    assert row["sd"] == pytest.approx(values.std(ddof=1), abs=1e-12)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((low, high), abs=1e-12)


def test_summary_leaves_out_undefined_values_and_counts_them_out_of_n():
    runs = pd.DataFrame(
        {
            "label": "a",
            "replication": [0, 1, 2, 3],
            "seed": [1, 2, 3, 4],
            "days": [60.0, np.nan, 90.0, np.inf],
        }
    )
    from toolkit.simulation import summarise

    row = summarise(runs).iloc[0]
    assert row["n"] == 2
    assert row["mean"] == 75.0


def test_simulate_refuses_a_policy_that_cannot_pair():
    tiny = ProgramPolicy(team_size=4, reviews_per_rep=2)
    with (
        pytest.warns(GuideWarning),
        pytest.raises(ToolkitError, match=r"the policy cannot run: .* at least 5 reps"),
    ):
        simulate(tiny, replications=2)


# ------------------------------------------------------------------ compare
def test_paired_and_welch_intervals_match_scipy():
    policies = {"two": SHORT, "three": SHORT.replace(reviews_per_rep=3)}
    paired = compare(policies, replications=8, seed=1, n_jobs=1)
    unpaired = compare(
        policies, replications=8, seed=1, common_random_numbers=False, n_jobs=1
    )
    metric = "evaluator_hours_per_month"

    def column(result, label):
        runs = result.runs
        return runs.loc[runs["label"] == label, metric].to_numpy()

    a, b = column(paired, "two"), column(paired, "three")
    expected = stats.ttest_rel(b, a).confidence_interval(0.95)
    row = paired.differences.set_index("metric").loc[metric]
    assert row["method"] == "paired"
    assert row["difference"] == pytest.approx((b - a).mean(), abs=1e-12)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx(tuple(expected), abs=1e-12)

    a, b = column(unpaired, "two"), column(unpaired, "three")
    expected = stats.ttest_ind(b, a, equal_var=False).confidence_interval(0.95)
    row = unpaired.differences.set_index("metric").loc[metric]
    assert row["method"] == "welch"
    assert (row["ci_low"], row["ci_high"]) == pytest.approx(tuple(expected), abs=1e-12)


def test_common_random_numbers_give_a_narrower_interval_for_a_difference():
    # the same teams, calls and raters under both cadences: the run-to-run
    # spread cancels in the paired differences
    policies = {"two": SHORT, "three": SHORT.replace(reviews_per_rep=3)}
    paired = compare(policies, replications=20, seed=3, n_jobs=1)
    unpaired = compare(
        policies, replications=20, seed=3, common_random_numbers=False, n_jobs=1
    )

    def width(result, metric):
        row = result.differences.set_index("metric").loc[metric]
        return row["ci_high"] - row["ci_low"]

    for metric in (
        "evaluator_compliance",
        "evaluator_hours_per_month",
        "skill_change_60d_criterion_1",
    ):
        assert width(paired, metric) < width(unpaired, metric), metric
    assert paired.runs["seed"].nunique() == 20
    assert unpaired.runs["seed"].nunique() == 40


def test_compare_checks_its_policies():
    with pytest.raises(ToolkitError, match="two or more"):
        compare({"one": SHORT}, replications=2)
    with pytest.raises(ToolkitError, match="baseline 'x'"):
        compare([SHORT, SHORT], replications=2, baseline="x")
    with pytest.raises(TypeError, match="ProgramPolicy"):
        compare({"a": SHORT, "b": "cadence 3"}, replications=2)


# ------------------------------------------------------------------ sweeps
def test_sweep_file_records_what_reproduces_every_run(tmp_path):
    output = tmp_path / "results.csv"
    behaviour = BehaviourModel(friend_bias=0.6)
    study = [
        SweepPoint("c2", SHORT, behaviour),
        SweepPoint("c3", SHORT.replace(reviews_per_rep=3), behaviour),
    ]
    result = run_sweep(study, 2, seed=9, output=output, n_jobs=1)

    saved = pd.read_csv(output, dtype={"seed": str})
    assert len(saved) == 4
    row = saved.iloc[-1]
    policy = ProgramPolicy.from_dict(json.loads(row["policy"]))
    model = BehaviourModel.from_dict(json.loads(row["behaviour"]))
    assert model == behaviour
    again = run_once(policy, model, seed=int(row["seed"]), warn=False)
    for name, value in again.metrics.items():
        np.testing.assert_equal(row[name], value)
    assert result.output == output
    assert (saved["toolkit_version"] == result.toolkit_version).all()


def test_interrupted_sweep_keeps_finished_chunks_and_resumes(tmp_path, monkeypatch):
    output = tmp_path / "results.csv"
    study = points(2, 3)
    full = run_sweep(study, 5, seed=4, n_jobs=1)

    calls = {"n": 0}
    real = sweep_module.run_chunk

    def stop_on_third(chunk):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return real(chunk)

    monkeypatch.setattr(sweep_module, "run_chunk", stop_on_third)
    with pytest.raises(KeyboardInterrupt):
        run_sweep(study, 5, seed=4, output=output, n_jobs=1, chunk_size=2)
    monkeypatch.undo()

    kept = pd.read_csv(output)
    assert len(kept) == 4  # two chunks of two runs finished
    resumed = run_sweep(study, 5, seed=4, output=output, n_jobs=1, chunk_size=2)
    assert resumed.resumed == 4
    pd.testing.assert_frame_equal(resumed.runs, full.runs, check_exact=True)
    assert len(pd.read_csv(output)) == 10


def test_resume_drops_a_half_written_last_line(tmp_path):
    output = tmp_path / "results.csv"
    study = points(2)
    full = run_sweep(study, 3, seed=4, output=output, n_jobs=1)

    text = output.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    output.write_text("".join(lines[:2]) + lines[2][:40], encoding="utf-8")

    resumed = run_sweep(study, 3, seed=4, output=output, n_jobs=1)
    assert resumed.resumed == 1
    pd.testing.assert_frame_equal(resumed.runs, full.runs, check_exact=True)


def test_resume_refuses_a_file_of_another_study(tmp_path):
    output = tmp_path / "results.csv"
    run_sweep(points(2), 2, seed=4, output=output, n_jobs=1)
    before = output.read_bytes()

    with pytest.raises(ToolkitError, match="line 2: replication 0 of 'cadence 2'"):
        run_sweep(points(2), 2, seed=5, output=output, n_jobs=1)
    with pytest.raises(ToolkitError, match="line 2: the policy of point 'cadence 2'"):
        run_sweep(
            [SweepPoint("cadence 2", SHORT.replace(team_size=9))],
            2,
            seed=4,
            output=output,
            n_jobs=1,
        )
    with pytest.raises(ToolkitError, match="'cadence 2' is not in this study"):
        run_sweep(points(3), 2, seed=4, output=output, n_jobs=1)
    with pytest.raises(ToolkitError, match="exists; remove it"):
        run_sweep(points(2), 2, seed=4, output=output, resume=False, n_jobs=1)
    assert output.read_bytes() == before


def test_sweep_refuses_a_results_file_it_did_not_write(tmp_path):
    other = tmp_path / "ratings.csv"
    other.write_text("call,rater,score\nc1,r1,3\n", encoding="utf-8")
    with pytest.raises(ToolkitError, match="results of another sweep"):
        run_sweep(points(2), 2, output=other, n_jobs=1)
    assert other.read_text(encoding="utf-8") == "call,rater,score\nc1,r1,3\n"


@pytest.mark.parametrize(
    ("output", "message"),
    [("results.txt", "must end in .csv"), ("missing/results.csv", "does not exist")],
)
def test_sweep_output_is_checked(tmp_path, output, message):
    with pytest.raises(ToolkitError, match=message):
        run_sweep(points(2), 2, output=tmp_path / output, n_jobs=1)


def test_sweep_labels_must_be_unique_and_present():
    with pytest.raises(ToolkitError, match="repeated: a"):
        run_sweep([SweepPoint("a", SHORT), SweepPoint("a", SHORT)], 1)
    with pytest.raises(ToolkitError, match="non-empty label"):
        SweepPoint(" ", SHORT)
    with pytest.raises(ToolkitError, match="at least one point"):
        run_sweep([], 1)


def test_a_point_that_cannot_pair_is_skipped_with_its_reason():
    study = [*points(2), SweepPoint("tiny", ProgramPolicy(team_size=4))]
    with (
        pytest.warns(SweepWarning, match="'tiny' cannot run"),
        pytest.warns(GuideWarning),
    ):
        result = run_sweep(study, 2, n_jobs=1)
    assert "needs" in result.skipped["tiny"]
    assert set(result.runs["label"]) == {"cadence 2"}


def test_local_processes_give_the_same_runs_as_one_process():
    study = points(2, 3)
    serial = run_sweep(study, 3, seed=7, n_jobs=1)
    parallel = run_sweep(study, 3, seed=7, n_jobs=2, chunk_size=1)
    pd.testing.assert_frame_equal(parallel.runs, serial.runs, check_exact=True)


def test_the_same_sweep_runs_on_a_dask_local_cluster(tmp_path):
    distributed = pytest.importorskip("distributed")
    study = points(2, 3)
    serial = run_sweep(study, 3, seed=7, n_jobs=1)

    output = tmp_path / "results.csv"
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
    ):
        on_dask = run_sweep(
            study, 3, seed=7, scheduler=cluster.scheduler_address, output=output
        )
    pd.testing.assert_frame_equal(on_dask.runs, serial.runs, check_exact=True)
    assert len(pd.read_csv(output)) == 6


def test_an_unreachable_scheduler_gets_a_clear_error(monkeypatch):
    pytest.importorskip("distributed")
    monkeypatch.setattr(sweep_module, "_CONNECT_TIMEOUT", "1s")
    with pytest.raises(ToolkitError, match="cannot reach the Dask scheduler"):
        run_sweep(points(2), 1, scheduler="tcp://127.0.0.1:9")


def test_on_chunk_reports_each_saved_chunk(tmp_path):
    output = tmp_path / "results.csv"
    study = points(2, 3)
    run_sweep(study, 2, seed=1, output=output, n_jobs=1, chunk_size=3)

    calls = []
    run_sweep(
        study, 5, seed=1, output=output, n_jobs=1, chunk_size=2,
        on_chunk=lambda done, total: calls.append((done, total)),
    )  # fmt: skip
    # 4 runs were on disk already: 6 to do, in chunks of 2
    assert calls == [(2, 6), (4, 6), (6, 6)]
