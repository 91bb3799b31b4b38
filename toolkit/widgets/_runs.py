"""Simulation runs behind a progress bar: one sweep, returned in a few chunks.

An app runs :func:`~toolkit.simulation.run_sweep` once per press of *Run*,
with ``chunk_size`` set so that the runs come back in about :data:`CHUNKS`
chunks, and ``on_chunk`` moving the app's ``IntProgress`` bar after each
one. A run's seed depends only on the sweep's seed and its replication, not
on how the runs are cut into chunks, so the results are those of
:func:`~toolkit.simulation.simulate` and :func:`~toolkit.simulation.run_study`
with the same seed, to the bit.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import ipywidgets as widgets

from toolkit.simulation import (
    BehaviourModel,
    ProgramPolicy,
    Scenario,
    SimulationResult,
    StudyResult,
    SweepPoint,
    SweepResult,
    run_study,
    run_sweep,
    simulate,
)

__all__ = [
    "CHUNKS",
    "chunk_size",
    "simulate_with_progress",
    "study_with_progress",
    "sweep_with_progress",
]

#: Chunks a run is cut into at most: the times the progress bar moves.
CHUNKS = 6


def chunk_size(
    points: Sequence[SweepPoint], replications: int, *, chunks: int = CHUNKS
) -> int:
    """Runs per chunk, so that the points that can run fill ``chunks`` chunks.

    A point whose pairing cannot be built is skipped by the sweep and does
    not count.

    Examples
    --------
    >>> from toolkit.simulation import ProgramPolicy, SweepPoint
    >>> points = [SweepPoint("10 reps", ProgramPolicy(team_size=10)),
    ...           SweepPoint("4 reps", ProgramPolicy(team_size=4))]
    >>> chunk_size(points, 20)  # 20 runs of the first point in 6 chunks
    4
    """
    runnable = sum(point.policy.pairing_problem() is None for point in points)
    return max(1, math.ceil(runnable * replications / chunks))


def sweep_with_progress(
    points: Sequence[SweepPoint],
    replications: int,
    *,
    seed: int,
    n_jobs: int | None,
    bar: widgets.IntProgress,
    start: int = 0,
) -> SweepResult:
    """:func:`~toolkit.simulation.run_sweep` in chunks that move ``bar``.

    The bar counts replications: it goes from ``start`` to ``start +
    replications`` as the runs of every point come back (an app that runs
    two sweeps sets its maximum to both and starts the second at the
    first's end). It ends there also when no point could run.

    Examples
    --------
    >>> import ipywidgets as widgets
    >>> from toolkit.simulation import ProgramPolicy, SweepPoint
    >>> bar = widgets.IntProgress(max=6)
    >>> moves = []
    >>> bar.observe(lambda change: moves.append(change["new"]), names="value")
    >>> point = SweepPoint("policy", ProgramPolicy(horizon_months=1))
    >>> sweep = sweep_with_progress([point], 6, seed=1, n_jobs=1, bar=bar)
    >>> moves
    [1, 2, 3, 4, 5, 6]
    """
    try:
        return run_sweep(
            points,
            replications,
            seed=seed,
            n_jobs=n_jobs,
            chunk_size=chunk_size(points, replications),
            on_chunk=_advance(bar, start, replications),
        )
    finally:
        bar.value = start + replications


def simulate_with_progress(
    policy: ProgramPolicy,
    behaviour: BehaviourModel,
    replications: int,
    *,
    seed: int,
    n_jobs: int | None,
    bar: widgets.IntProgress,
    start: int = 0,
) -> SimulationResult:
    """``simulate(policy, replications, seed=seed)``, moving ``bar``.

    Raises
    ------
    ToolkitError
        The policy cannot run (its pairing cannot be built).

    Examples
    --------
    >>> import ipywidgets as widgets
    >>> from toolkit.simulation import BehaviourModel, ProgramPolicy, simulate
    >>> policy = ProgramPolicy(horizon_months=1)
    >>> bar = widgets.IntProgress(max=4)
    >>> result = simulate_with_progress(
    ...     policy, BehaviourModel(), 4, seed=2, n_jobs=1, bar=bar
    ... )
    >>> bar.value, result.runs.equals(simulate(policy, 4, seed=2).runs)
    (4, True)
    """
    points = [SweepPoint("policy", policy, behaviour)]
    try:
        return simulate(
            policy,
            replications,
            behaviour=behaviour,
            seed=seed,
            n_jobs=n_jobs,
            chunk_size=chunk_size(points, replications),
            on_chunk=_advance(bar, start, replications),
        )
    finally:
        bar.value = start + replications


def study_with_progress(
    scenario: Scenario, *, n_jobs: int | None, bar: widgets.IntProgress
) -> StudyResult:
    """``run_study(scenario)``, moving ``bar`` over the scenario's replications.

    Examples
    --------
    >>> import ipywidgets as widgets
    >>> from toolkit.simulation import ProgramPolicy, Scenario, run_study
    >>> scenario = Scenario(
    ...     name="Cadence", policy=ProgramPolicy(horizon_months=1),
    ...     replications=2, sweep={"reviews_per_rep": (2, 3)},
    ... )
    >>> study = study_with_progress(scenario, n_jobs=1, bar=widgets.IntProgress())
    >>> study.summary.equals(run_study(scenario, n_jobs=1).summary)
    True
    """
    replications = scenario.replications
    try:
        return run_study(
            scenario,
            n_jobs=n_jobs,
            chunk_size=chunk_size(scenario.points(), replications),
            on_chunk=_advance(bar, 0, replications),
        )
    finally:
        bar.value = replications


def _advance(
    bar: widgets.IntProgress, start: int, replications: int
) -> Callable[[int, int], None]:
    """Move ``bar`` from ``start`` by ``replications`` as the runs come back."""

    def advance(done: int, total: int) -> None:
        bar.value = start + replications * done // total

    return advance
