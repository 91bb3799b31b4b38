"""Scenario files (TOML) and the studies they describe."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.errors import ToolkitError
from toolkit.simulation import (
    BehaviourModel,
    ProgramPolicy,
    Scenario,
    load_scenario,
    run_study,
    simulate,
)

SIMULATIONS = Path(__file__).resolve().parents[1] / "simulations"
FILES = sorted(SIMULATIONS.glob("*.toml"))


def test_the_studies_the_issue_asks_for_are_there():
    assert {path.stem for path in FILES} >= {
        "recommended",
        "cadence",
        "team_size",
        "rotation",
        "pairing",
        "score_use",
    }


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_every_scenario_file_loads(path):
    scenario = load_scenario(path)
    assert scenario.name
    assert scenario.description
    assert all(isinstance(p.policy, ProgramPolicy) for p in scenario.points())


def test_the_sweeps_cover_the_ranges_asked_for():
    cadence = load_scenario(SIMULATIONS / "cadence.toml")
    assert [p.policy.reviews_per_rep for p in cadence.points()] == [1, 2, 3, 4, 5, 6]

    team = load_scenario(SIMULATIONS / "team_size.toml")
    sizes = {p.policy.team_size for p in team.points()}
    assert min(sizes) == 3 and max(sizes) == 40
    assert {p.policy.split_above for p in team.points()} == {20, None}
    assert team.x == "team_size" and team.series == "split_above"

    rotation = load_scenario(SIMULATIONS / "rotation.toml")
    assert [p.policy.rotation_months for p in rotation.points()] == [None, 1, 3]
    pairing = load_scenario(SIMULATIONS / "pairing.toml")
    assert [p.policy.pairing for p in pairing.points()] == ["assigned", "self_selected"]
    use = load_scenario(SIMULATIONS / "score_use.toml")
    assert [p.policy.peer_score_use for p in use.points()] == [
        "coaching",
        "performance",
    ]
    recommended = load_scenario(SIMULATIONS / "recommended.toml")
    assert recommended.policy.departures() == {}


def test_a_scenario_round_trips_through_toml():
    scenario = Scenario(
        "Ours",
        ProgramPolicy(team_size=30, rotation_months=None, split_above=None),
        BehaviourModel(friend_bias=0.7),
        description="a test",
        replications=7,
        seed=3,
        metrics=("bias_exposure",),
        sweep={"reviews_per_rep": (2, 3), "recalibration_months": (None, 6)},
    )
    again = Scenario.from_toml(scenario.to_toml())
    assert again == scenario
    assert "friend_bias = 0.7" in scenario.to_toml()
    assert "review_minutes" not in scenario.to_toml()  # defaults stay out


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name = 'x'\nteam_size = \n", r"not valid TOML \(.*line 2"),
        ("nme = 'x'\n", "unknown key\\(s\\) 'nme'"),
        ("[policy]\nteam_sise = 10\n", "no field\\(s\\) 'team_sise'"),
        (
            "[policy]\nteam_size = 1\n",
            "team_size must be a whole number 2 or more; got 1",
        ),
        ("[behaviour]\nfriend_bias = -3\n", "friend_bias"),
        ("replications = 0\n", "replications must be a whole number 1 or more"),
        ("seed = -1\n", "seed must be a whole number 0 or more"),
        ("metrics = 3\n", "metrics must be a list"),
        ("policy = 3\n", r"\[policy\] must be a table"),
        ("[sweep]\nteam_size = 10\n", "must be a non-empty list"),
        ("[sweep]\nteam_size = []\n", "must be a non-empty list"),
        ("[sweep]\nfriend_bias = [0.1]\n", "varied by peercoach sensitivity"),
        (
            "[sweep]\nreviews_per_rep = [2, 0]\n",
            "sweep point reviews_per_rep=0: ProgramPolicy.reviews_per_rep",
        ),
    ],
)
def test_bad_scenarios_get_errors_that_say_where(text, message):
    with pytest.raises(ToolkitError, match=message) as caught:
        Scenario.from_toml(text, source="study.toml")
    assert str(caught.value).startswith("study.toml")


def test_unreadable_scenario_files(tmp_path):
    with pytest.raises(ToolkitError, match="no scenario file"):
        load_scenario(tmp_path / "missing.toml")
    latin = tmp_path / "latin.toml"
    latin.write_bytes("name = 'Équipe'\n".encode("latin-1"))
    with pytest.raises(ToolkitError, match="not UTF-8"):
        load_scenario(latin)


def test_a_study_summarises_every_point_with_its_swept_values():
    scenario = Scenario.from_toml(
        """
        name = "Cadence"
        replications = 3
        seed = 4
        metrics = ["evaluator_compliance"]
        [policy]
        team_size = 8
        horizon_months = 2
        [sweep]
        reviews_per_rep = [2, 3]
        """
    )
    study = run_study(scenario, n_jobs=1)

    key = study.key_metrics().set_index("reviews_per_rep")
    for cadence in (2, 3):
        alone = simulate(
            ProgramPolicy(team_size=8, horizon_months=2, reviews_per_rep=cadence),
            replications=3,
            seed=4,
            n_jobs=1,
        )
        expected = alone.summary.loc["evaluator_compliance"]
        assert key.loc[cadence, "mean"] == expected["mean"]
        assert key.loc[cadence, "ci_low"] == expected["ci_low"]

    figure = study.figure()
    assert len(figure.axes) == 1
    assert figure.axes[0].get_xlabel() == "reviews_per_rep"


def test_a_study_names_an_unknown_metric_before_running():
    scenario = Scenario.from_toml("metrics = ['compliance']\n", source="s.toml")
    with pytest.raises(
        ToolkitError, match=r"s\.toml: unknown metric\(s\) 'compliance'"
    ):
        run_study(scenario, replications=1, n_jobs=1)


def test_a_study_writes_no_period_as_never_and_keeps_whole_numbers():
    scenario = Scenario.from_toml(
        """
        metrics = ["repeated_pair_share"]
        [policy]
        horizon_months = 1
        [sweep]
        team_size = [6, 8]
        split_above = [8, "never"]
        """
    )
    summary = run_study(scenario, replications=1, n_jobs=1).key_metrics()

    assert summary["split_above"].tolist() == [8, "never", 8, "never"]
    assert summary["team_size"].tolist() == [6, 6, 8, 8]
    assert summary["team_size"].dtype.kind == "i"
