"""``peercoach simulate``, ``sweep`` and ``sensitivity`` on the scenario files."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from toolkit.cli import cli
from toolkit.errors import GuideWarning
from toolkit.simulation import load_scenario, run_study, simulate

SIMULATIONS = Path(__file__).resolve().parents[1] / "simulations"
FILES = sorted(SIMULATIONS.glob("*.toml"))


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_simulate_prints_the_summary_of_the_recommended_policy():
    path = SIMULATIONS / "recommended.toml"
    result = run("simulate", str(path), "--replications", "3", "--no-progress")
    assert result.exit_code == 0, result.output

    scenario = load_scenario(path)
    expected = simulate(scenario.policy, 3, seed=scenario.seed, n_jobs=1).summary
    row = expected.loc["evaluator_compliance"]
    line = next(
        line for line in result.stdout.splitlines() if "evaluator_compliance" in line
    )
    assert line.split()[1] == f"{row['mean']:.3f}"
    assert f"[{row['ci_low']:.3f}, {row['ci_high']:.3f}]" in line
    # the scenario's key metrics come first
    first = result.stdout.splitlines()[4].split()[0]
    assert first == scenario.metrics[0]


def test_simulate_json_records_what_reproduces_it(tmp_path):
    path = SIMULATIONS / "recommended.toml"
    output = tmp_path / "summary.json"
    result = run(
        "simulate", str(path), "--replications", "2", "--seed", "5",
        "--format", "json", "--output", str(output), "--no-progress",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    record = json.loads(output.read_text(encoding="utf-8"))
    assert record["seed"] == 5
    assert record["replications"] == 2
    assert record["policy"] == load_scenario(path).policy.to_dict()
    assert {row["metric"] for row in record["summary"]} >= {"evaluator_compliance"}


def test_simulate_notes_a_sweep_it_does_not_run():
    result = run(
        "simulate", str(SIMULATIONS / "rotation.toml"), "--replications", "2",
        "--no-progress",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "also sweeps 3 policies" in result.stderr


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_every_scenario_file_runs_as_a_sweep(path, tmp_path):
    output = tmp_path / "results.csv"
    result = run(
        "sweep", str(path), "--output", str(output), "--replications", "2",
        "--no-progress", "--jobs", "1",
    )  # fmt: skip
    assert result.exit_code == 0, result.output

    scenario = load_scenario(path)
    runs = pd.read_csv(output)
    skipped = result.stderr.count("peercoach: skipped")
    assert len(runs) == 2 * (len(scenario.points()) - skipped)
    assert output.with_suffix(".png").stat().st_size > 10_000
    for metric in scenario.metrics:
        assert f"{metric} (mean, 95% interval, runs)" in result.stdout


def test_team_size_study_reports_the_teams_too_small_to_pair(tmp_path):
    result = run(
        "sweep", str(SIMULATIONS / "team_size.toml"), "--output",
        str(tmp_path / "r.csv"), "--replications", "1", "--no-progress",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "skipped team_size=3, split_above=20" in result.stderr
    assert "needs at least 5 reps" in result.stderr


def test_an_interrupted_sweep_resumes_to_the_same_runs(tmp_path):
    scenario_path = SIMULATIONS / "cadence.toml"
    output = tmp_path / "results.csv"
    command = [
        sys.executable, "-m", "toolkit.cli", "sweep", str(scenario_path),
        "--output", str(output), "--replications", "8", "--jobs", "1",
        "--chunk-size", "1", "--no-progress",
    ]  # fmt: skip

    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and _rows(output) < 3:
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    kept = _rows(output)
    assert 3 <= kept < 48
    assert f"{kept} run(s) kept" in stderr

    again = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert f"({kept} resumed)" in again.stderr

    with pytest.warns(GuideWarning):  # cadence 1, 5 and 6 leave the guide
        expected = run_study(load_scenario(scenario_path), replications=8, n_jobs=1)
    resumed = pd.read_csv(output).sort_values(["label", "replication"])
    expected_runs = expected.sweep.runs.sort_values(["label", "replication"])
    assert len(resumed) == 48
    for metric in ("evaluator_compliance", "skill_change_90d_criterion_1"):
        assert resumed[metric].tolist() == expected_runs[metric].tolist()


def _rows(path: Path) -> int:
    if not path.exists():
        return 0
    return max(0, len(path.read_text(encoding="utf-8").splitlines()) - 1)


def test_sensitivity_prints_the_table_and_writes_the_tornado(tmp_path):
    figure, table = tmp_path / "tornado.png", tmp_path / "table.csv"
    result = run(
        "sensitivity", str(SIMULATIONS / "recommended.toml"),
        "--metric", "evaluator_hours_per_month",
        "--compare", "reviews_per_rep=3",
        "--parameters", "review_minutes,friend_bias",
        "--replications", "2", "--jobs", "1", "--no-progress",
        "--figure", str(figure), "--output", str(table),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "difference in evaluator_hours_per_month" in result.stdout
    saved = pd.read_csv(table)
    assert saved["parameter"].tolist() == ["review_minutes", "friend_bias"]
    assert figure.stat().st_size > 5_000


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["simulate", "missing.toml"], "no scenario file at missing.toml"),
        (
            ["sweep", "SIM/cadence.toml", "--output", "r.txt"],
            "must end in .csv",
        ),
        (
            ["sweep", "SIM/cadence.toml", "--output", "nowhere/r.csv"],
            "nowhere",
        ),
        (
            ["sensitivity", "SIM/cadence.toml", "--metric", "late_share"],
            "sweeps 6 policies",
        ),
        (
            ["sensitivity", "SIM/recommended.toml", "--metric", "late_share",
             "--compare", "reviews_per_rep"],
            "write FIELD=VALUE",
        ),
        (
            ["sensitivity", "SIM/recommended.toml", "--metric", "late_share",
             "--compare", "cadence=3"],
            "no field\\(s\\) 'cadence'",
        ),
    ],
)  # fmt: skip
def test_bad_requests_fail_in_one_line(args, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    args = [a.replace("SIM", str(SIMULATIONS)) for a in args]
    result = run(*args, "--no-progress")
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert pytest.importorskip("re").search(message, result.stderr), result.stderr


def test_a_broken_scenario_file_is_named_with_its_line(tmp_path):
    broken = tmp_path / "broken.toml"
    broken.write_text("name = 'x'\n[policy]\nteam_size = ten\n", encoding="utf-8")
    result = run("simulate", str(broken), "--no-progress")
    assert result.exit_code == 2
    assert "broken.toml: not valid TOML" in result.stderr
    assert "line 3" in result.stderr
    assert os.path.exists(broken)
