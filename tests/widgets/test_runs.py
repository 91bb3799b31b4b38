"""Runs behind a progress bar: one sweep in a few chunks, the package's numbers.

Expected results come from ``simulate`` and ``run_study`` on the same policy,
scenario and seed, computed in each test; they must match to the bit.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import ipywidgets as widgets
import pandas as pd
import pytest

from toolkit.errors import GuideWarning, ToolkitError
from toolkit.simulation import (
    BehaviourModel,
    ProgramPolicy,
    Scenario,
    SweepPoint,
    SweepWarning,
    _replicate,
    _study,
    run_study,
    simulate,
)
from toolkit.widgets import _runs
from toolkit.widgets._runs import (
    CHUNKS,
    chunk_size,
    simulate_with_progress,
    study_with_progress,
    sweep_with_progress,
)

SHORT = ProgramPolicy(horizon_months=1)


def _bar(most: int) -> tuple[widgets.IntProgress, list[int]]:
    """A progress bar and the values it moves through."""
    bar = widgets.IntProgress(value=0, min=0, max=most)
    moves: list[int] = []
    bar.observe(lambda change: moves.append(change["new"]), names="value")
    return bar, moves


@contextmanager
def _team_of_4_warnings() -> Iterator[None]:
    """A team of 4 leaves the guide, and its pairing cannot be built."""
    with (
        pytest.warns(GuideWarning, match="minimum of 5"),
        pytest.warns(SweepWarning, match="cannot run"),
    ):
        yield


@pytest.fixture
def sweeps(monkeypatch) -> list[dict]:
    """The options of every run_sweep call the runs make."""
    calls: list[dict] = []
    real = _runs.run_sweep

    def counted(points, replications, **options):
        calls.append(options)
        return real(points, replications, **options)

    # the apps call run_sweep directly or through simulate and run_study
    for module in (_runs, _replicate, _study):
        monkeypatch.setattr(module, "run_sweep", counted)
    return calls


@pytest.mark.parametrize("replications", [2, 7, 20])
def test_simulate_with_progress_gives_the_numbers_of_simulate(replications):
    bar, _ = _bar(replications)

    result = simulate_with_progress(
        SHORT, BehaviourModel(), replications, seed=4, n_jobs=1, bar=bar
    )

    expected = simulate(SHORT, replications, seed=4, n_jobs=1)
    pd.testing.assert_frame_equal(result.runs, expected.runs)
    pd.testing.assert_frame_equal(result.summary, expected.summary)
    assert (result.seed, result.replications) == (4, replications)


def test_a_run_is_one_sweep_whose_chunks_move_the_bar(sweeps):
    bar, moves = _bar(20)

    simulate_with_progress(SHORT, BehaviourModel(), 20, seed=0, n_jobs=1, bar=bar)

    assert len(sweeps) == 1
    assert sweeps[0]["chunk_size"] == 4  # 20 runs in at most 6 chunks
    assert moves == [4, 8, 12, 16, 20]


def test_a_second_sweep_moves_the_bar_on_from_where_the_first_ended():
    bar, moves = _bar(12)
    point = SweepPoint("policy", SHORT)

    sweep_with_progress([point], 6, seed=0, n_jobs=1, bar=bar, start=6)

    assert moves == [7, 8, 9, 10, 11, 12]


def test_chunk_size_counts_only_the_points_that_can_run():
    points = [
        SweepPoint("10 reps", ProgramPolicy(team_size=10)),
        SweepPoint("12 reps", ProgramPolicy(team_size=12)),
        SweepPoint("4 reps", ProgramPolicy(team_size=4)),  # cannot pair
    ]

    assert chunk_size(points, 30) == 2 * 30 // CHUNKS
    assert chunk_size(points[2:], 30) == 1


def test_a_policy_that_cannot_run_raises_and_fills_the_bar():
    bar, _ = _bar(3)

    with (
        pytest.warns(GuideWarning, match="minimum of 5"),
        pytest.raises(ToolkitError, match="the policy cannot run: the team has 4"),
    ):
        simulate_with_progress(
            ProgramPolicy(team_size=4), BehaviourModel(), 3, seed=0, n_jobs=1, bar=bar
        )
    assert bar.value == 3


def test_study_with_progress_gives_the_summary_of_run_study(sweeps):
    scenario = Scenario(
        name="Team size",
        policy=ProgramPolicy(horizon_months=1),
        replications=3,
        seed=2,
        sweep={"team_size": (4, 8), "split_above": (20, None)},
    )
    bar, moves = _bar(3)

    with _team_of_4_warnings():
        study = study_with_progress(scenario, n_jobs=1, bar=bar)
    assert len(sweeps) == 1

    with _team_of_4_warnings():
        expected = run_study(scenario, n_jobs=1)
    pd.testing.assert_frame_equal(study.summary, expected.summary)
    pd.testing.assert_frame_equal(study.sweep.runs, expected.sweep.runs)
    assert study.sweep.skipped == expected.sweep.skipped
    assert moves[-1] == 3 and len(moves) <= CHUNKS
