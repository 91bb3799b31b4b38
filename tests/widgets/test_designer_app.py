"""The program designer, driven from Python as a lead drives it.

Expected numbers are computed in each test with ``toolkit.simulation``
(``simulate``, ``compare``, ``ProgramPolicy.departures``) on the same
policy and seed, never copied from a run of the app; means must match to
the bit.
"""

from __future__ import annotations

import base64
import html
import re

import numpy as np
import pandas as pd
import pytest

from toolkit.simulation import ProgramPolicy, Scenario, compare, simulate
from toolkit.widgets._designer import ProgramDesigner, program_designer

REPLICATIONS = 3


def _small(**controls) -> ProgramDesigner:
    """A designer on a small, short program, not yet run."""
    app = program_designer(replications=REPLICATIONS, run=False)
    app.horizon_months.value = 2
    app.team_size.value = 7
    for name, value in controls.items():
        getattr(app, name).value = value
    return app


def _text(widget_html: str) -> str:
    """What a reader sees in an HTML widget: tags gone, entities decoded."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", widget_html)).split())


def test_run_shows_the_means_of_simulate_with_the_same_seed():
    app = _small(seed=11)

    app.run_button.click()

    expected = simulate(app.policy(), replications=REPLICATIONS, seed=11, n_jobs=1)
    pd.testing.assert_frame_equal(app.result.runs, expected.runs)
    table = app.results_table.set_index("metric")
    np.testing.assert_array_equal(
        table["mean"].to_numpy(), expected.summary.loc[table.index, "mean"]
    )
    np.testing.assert_array_equal(
        table["ci_high"].to_numpy(), expected.summary.loc[table.index, "ci_high"]
    )
    cadence = expected.summary.loc["cadence_reached_share", "mean"]
    shown = _text(app.results.value)
    assert "Rep-months reaching the cadence" in shown
    assert f"{cadence:.0%}" in shown
    assert "Days until QA shows the change, criterion 1" in shown


def test_progress_bar_counts_the_replications_run():
    app = _small()

    app.run_button.click()

    assert app.progress.max == REPLICATIONS
    assert app.progress.value == REPLICATIONS
    assert app.progress.bar_style == "success"
    assert "3 simulated teams of 7 reps" in _text(app.message.value)


def test_progress_bar_moves_as_each_chunk_of_runs_ends():
    app = _small(replications=12)
    moves = []
    app.progress.observe(lambda change: moves.append(change["new"]), names="value")

    app.run_button.click()

    assert moves == [2, 4, 6, 8, 10, 12]  # 6 chunks of 2 replications


def test_cadence_6_shows_the_guides_message_beside_the_cadence_control():
    app = _small()
    expected = ProgramPolicy(reviews_per_rep=6).departures()["reviews_per_rep"]

    app.reviews_per_rep.value = 6

    assert expected in _text(app.guide_notes["reviews_per_rep"].value)
    assert app.guide["reviews_per_rep"] == expected
    assert _text(app.guide_notes["criteria_per_review"].value).strip() == ""


def test_guide_note_goes_away_when_the_control_is_back_in_range():
    app = _small()
    app.reviews_per_rep.value = 6

    app.reviews_per_rep.value = 3

    assert app.guide_notes["reviews_per_rep"].value == ""
    assert "reviews_per_rep" not in app.guide


def test_every_departure_shows_beside_the_control_it_concerns():
    app = _small()

    app.team_size.value = 30
    app.sub_teams.value = False
    app.pairing.value = "self_selected"
    app.rotation_months.value = "never"
    app.criteria_per_review.value = 5
    app.calibration.value = False
    app.divergence_threshold.value = 2.0
    app.peer_score_use.value = "performance"

    departures = app.policy().departures()
    assert len(departures) == 7
    for topic, message in departures.items():
        assert message in _text(app.guide_notes[topic].value), topic
    assert app.other_guide.value == ""


def test_a_run_that_leaves_the_guide_warns_only_beside_the_controls():
    app = _small(team_size=11, reviews_per_rep=5, calibration=False)

    app.run_button.click()  # a warning escaping the app would fail the test

    assert app.result is not None
    assert set(app.guide) == {"reviews_per_rep", "calibration"}
    assert app.shown_notes == ()
    assert app.notes.value == ""


def test_team_too_small_for_the_cadence_shows_a_message_not_a_traceback():
    app = _small()
    app.team_size.value = 4

    app.run_button.click()

    shown = _text(app.message.value)
    assert "Problem" in shown
    assert "needs at least 5 reps" in shown
    assert "CLI" not in shown
    assert app.result is None
    assert "cannot pair this team" in _text(app.guide_notes["team_size"].value)


def test_comparison_with_the_baseline_is_the_paired_difference_of_compare():
    app = _small()
    app.run_button.click()
    app.baseline_button.click()
    baseline = app.policy()

    app.reviews_per_rep.value = 3
    app.run_button.click()

    expected = compare(
        {"baseline": baseline, "current": app.policy()},
        replications=REPLICATIONS,
        seed=0,
        n_jobs=1,
    )
    table = app.comparison_table.set_index("metric")
    change = expected.differences.set_index("metric").loc[table.index]
    np.testing.assert_array_equal(table["difference"], change["difference"])
    np.testing.assert_array_equal(table["difference_low"], change["ci_low"])
    summary = expected.summary.set_index(["label", "metric"])
    np.testing.assert_array_equal(
        table["baseline_mean"], summary.loc["baseline"].loc[table.index, "mean"]
    )
    np.testing.assert_array_equal(
        table["current_mean"], summary.loc["current"].loc[table.index, "mean"]
    )
    assert "reviews per rep a month 2 → 3" in _text(app.comparison.value)


def test_baseline_runs_again_on_the_seed_of_the_current_run():
    app = _small()
    app.run_button.click()
    app.baseline_button.click()
    baseline = app.policy()

    app.seed.value = 5
    app.criteria_per_review.value = 1
    app.run_button.click()

    expected = simulate(baseline, replications=REPLICATIONS, seed=5, n_jobs=1)
    pd.testing.assert_frame_equal(app.baseline.runs, expected.runs)
    assert app.progress.value == app.progress.max == 2 * REPLICATIONS
    assert len(app.comparison_table) > 0


def test_results_are_marked_stale_when_a_control_changes():
    app = _small()
    app.run_button.click()

    app.manager_review.value = False

    assert app.stale
    assert app.manager_hours_per_week.disabled
    assert "press Run to update" in _text(app.message.value)


def test_exported_scenario_round_trips_and_is_the_download():
    app = _small(seed=3)
    app.rotation_months.value = 1
    app.manager_hours_per_week.value = 4.5
    app.scenario_name.value = "Monthly rotation"

    text = app.scenario_toml()

    scenario = Scenario.from_toml(text)
    assert scenario.policy == app.policy()
    assert (scenario.name, scenario.seed) == ("Monthly rotation", 3)
    assert scenario.replications == REPLICATIONS
    link = re.search(r'href="data:application/toml;base64,([^"]+)"', app.download.value)
    assert base64.b64decode(link.group(1)).decode("utf-8") == text
    assert 'download="Monthly_rotation.toml"' in app.download.value


def test_starting_policy_keeps_the_fields_without_a_control():
    start = ProgramPolicy(one_on_ones_per_month=4.0, rotation_months=5)

    app = program_designer(policy=start, run=False)

    assert app.policy() == start
    assert app.rotation_months.value == 5


@pytest.mark.parametrize("replications", [2, 7])
def test_chunks_give_the_numbers_of_one_call(replications):
    app = program_designer(replications=replications, run=False)
    app.horizon_months.value = 1
    app.team_size.value = 5

    app.run()

    expected = simulate(app.policy(), replications=replications, n_jobs=1)
    pd.testing.assert_frame_equal(app.result.summary, expected.summary)
