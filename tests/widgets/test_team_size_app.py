"""The team-size what-if, driven from Python as a lead drives it.

Expected summaries come from ``run_study`` on the app's own scenario with
the same seed, and expected first repeats from ``pairing_schedule``, both
computed in the test.
"""

from __future__ import annotations

import html
import re

import pandas as pd
import pytest

from toolkit.errors import ToolkitError, ToolkitWarning
from toolkit.pairing import pairing_schedule
from toolkit.simulation import run_study
from toolkit.widgets._team_size import TeamSizeWhatIf, team_size_what_if

REPLICATIONS = 3


def _small(**options) -> TeamSizeWhatIf:
    """Sizes 3 to 8, 3 months rotated monthly, 2 reviews per rep."""
    settings = {
        "sizes": (3, 8),
        "horizon_months": 3,
        "rotation_months": 1,
        "replications": REPLICATIONS,
    }
    return team_size_what_if(**{**settings, **options})


def _text(widget_html: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", widget_html)).split())


def _first_repeat(team_size: int, split_above: int | None) -> int | str | None:
    try:
        schedule = pairing_schedule(
            team_size,
            n_periods=3,
            reviews_per_rep=2,
            rotation=1,
            split_above=split_above,
            rng=0,
        )
    except ToolkitError:
        return "not possible"
    return schedule.first_repeat()


@pytest.fixture(scope="module")
def ran() -> TeamSizeWhatIf:
    app = _small()
    app.run_button.click()
    return app


def test_summary_is_run_studys_with_the_same_seed(ran):
    with pytest.warns(ToolkitWarning):  # small teams leave the guide
        expected = run_study(ran.scenario(), n_jobs=1)

    pd.testing.assert_frame_equal(ran.study.summary, expected.summary)
    assert ran.progress.value == ran.progress.max == REPLICATIONS
    assert ran.study.scenario.sweep == {
        "team_size": (3, 4, 5, 6, 8),
        "split_above": (20, None),
    }


def test_teams_too_small_to_pair_are_listed_as_not_possible(ran):
    with pytest.warns(ToolkitWarning):
        expected = run_study(ran.scenario(), n_jobs=1)

    assert len(ran.not_possible) == len(expected.sweep.skipped) == 4
    assert set(ran.not_possible["team_size"]) == {3, 4}
    shown = _text(ran.not_possible_html.value)
    assert "3 reps (with and without sub-teams): not possible" in shown
    assert "needs at least 5 reps" in shown
    assert set(ran.summary["team size"]) == {5, 6, 8}


def test_first_repeats_per_size_are_the_pairing_schedules(ran):
    for row in ran.repeats.itertuples():
        expected = _first_repeat(row.team_size, 20 if row.sub_teams else None)
        if expected == "not possible":
            assert not row.possible
        elif expected is None:
            assert row.possible and pd.isna(row.first_repeat)
        else:
            assert row.first_repeat == expected


def test_dotted_line_marks_the_smallest_team_without_a_repeat(ran):
    expected = next(n for n in range(3, 9) if _first_repeat(n, None) is None)

    assert ran.no_repeat_from == expected == 7
    lines = [
        line
        for line in ran.plot.axes[0].get_lines()
        if line.get_linestyle() == ":" and list(line.get_xdata()) == [7, 7]
    ]
    assert len(lines) == 1
    assert "Dotted line at 7 reps" in _text(ran.caption.value)


def test_choosing_another_metric_redraws_without_running_again(ran):
    study = ran.study

    ran.metric.value = "cadence_reached_share"

    assert ran.study is study
    assert "Rep-months reaching the cadence" in ran.plot.axes[0].get_ylabel()
    ran.metric.value = "repeated_pair_share"


def test_above_20_reps_sub_teams_and_one_pool_are_two_lines():
    app = _small(sizes=(20, 24), horizon_months=1, replications=2)

    app.run()

    series = app.summary.groupby("team size")["sub-teams"].unique()
    assert sorted(series[24]) == ["no (one pool)", "yes (5-8 reps each above 20)"]
    assert len(app.plot.axes[0].get_legend().get_texts()) == 2


def test_no_team_size_possible_shows_a_message():
    app = _small(sizes=(3, 4))

    app.run_button.click()

    assert "no team size from 3 to 4 reps can be paired" in _text(app.message.value)
    assert set(app.not_possible["team_size"]) == {3, 4}


def test_pairs_that_never_rotate_get_no_mark_and_a_caption():
    app = _small(sizes=(5, 6), rotation_months=None, replications=2)

    app.run()

    assert app.no_repeat_from is None
    assert app.marks == {}
    assert "Pairs never rotate" in _text(app.caption.value)


def test_a_shorter_horizon_offers_skill_change_at_its_end():
    app = _small(metric="skill_change_90d_criterion_1")

    app.horizon_months.value = 2

    assert app.metric.value == "skill_change_60d_criterion_1"
    assert "Press Run" in _text(app.message.value)
