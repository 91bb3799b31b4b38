"""A what-if study: every point of a scenario's sweep, summarised and drawn."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from toolkit.errors import ToolkitError
from toolkit.simulation._figures import study_figure
from toolkit.simulation._policy import NEVER
from toolkit.simulation._replicate import summarise
from toolkit.simulation._scenario import Scenario
from toolkit.simulation._sweep import SweepResult, metric_columns, run_sweep

__all__ = ["StudyResult", "run_study"]


@dataclass(frozen=True, eq=False)
class StudyResult:
    """The runs of a scenario's points and their summary.

    Attributes
    ----------
    scenario
        The study that was run (with the replications and seed used).
    sweep
        Every run, the skipped points and what reproduces them.
    summary
        One row per point and metric: ``label``, the swept fields, ``metric``,
        ``n``, ``mean``, ``sd``, ``ci_low``, ``ci_high``.
    """

    scenario: Scenario
    sweep: SweepResult
    summary: pd.DataFrame

    def key_metrics(self) -> pd.DataFrame:
        """The summary of the scenario's ``metrics`` only, one row per point."""
        rows = self.summary[self.summary["metric"].isin(self.scenario.metrics)]
        return rows.reset_index(drop=True)

    def figure(self) -> Figure:
        """The scenario's metrics across its points, with 95% intervals."""
        scenario = self.scenario
        x = scenario.x or "label"
        figure = study_figure(
            self.summary,
            list(scenario.metrics),
            x=x,
            series=scenario.series,
            title=scenario.name,
        )
        if self.sweep.skipped:
            skipped = "; ".join(self.sweep.skipped)
            figure.text(
                0.01,
                0.0,
                f"Not run (the pairing cannot be built): {skipped}",
                fontsize=8,
                va="bottom",
            )
        return figure


def run_study(
    scenario: Scenario,
    *,
    replications: int | None = None,
    seed: int | None = None,
    output: str | os.PathLike[str] | None = None,
    resume: bool = True,
    n_jobs: int | None = None,
    scheduler: Any = None,
    chunk_size: int | None = None,
    progress: bool = False,
    on_chunk: Callable[[int, int], None] | None = None,
) -> StudyResult:
    """Run every point of ``scenario`` and summarise its metrics.

    ``replications`` and ``seed`` override the file's; the other options are
    those of :func:`toolkit.simulation.run_sweep` (``output`` appends every
    finished chunk to a CSV file and resumes an interrupted study).

    Raises
    ------
    ToolkitError
        A metric the scenario names that the simulation does not report, or
        an error of :func:`toolkit.simulation.run_sweep`.

    Examples
    --------
    >>> from toolkit.simulation import Scenario, run_study
    >>> scenario = Scenario.from_toml('''
    ... name = "Cadence"
    ... metrics = ["evaluator_compliance"]
    ... [policy]
    ... horizon_months = 2
    ... [sweep]
    ... reviews_per_rep = [2, 3]
    ... ''')
    >>> study = run_study(scenario, replications=2, n_jobs=1)
    >>> study.key_metrics()[["label", "reviews_per_rep", "n"]]
                   label  reviews_per_rep  n
    0  reviews_per_rep=2                2  2
    1  reviews_per_rep=3                3  2
    """
    if not isinstance(scenario, Scenario):
        raise TypeError(f"scenario must be a Scenario; got {type(scenario)!r}")
    changes: dict[str, Any] = {}
    if replications is not None:
        changes["replications"] = replications
    if seed is not None:
        changes["seed"] = seed
    if changes:
        scenario = Scenario.from_dict(
            {**scenario.to_dict(), **changes}, source=scenario.source
        )

    points = scenario.points()
    known = metric_columns(points)
    unknown = [m for m in scenario.metrics if m not in known]
    if unknown:
        raise ToolkitError(
            f"{scenario.source}: unknown metric(s) {', '.join(map(repr, unknown))}; "
            f"the metrics are: {', '.join(known)}"
        )

    sweep = run_sweep(
        points,
        scenario.replications,
        seed=scenario.seed,
        output=output,
        resume=resume,
        n_jobs=n_jobs,
        scheduler=scheduler,
        chunk_size=chunk_size,
        progress=progress,
        on_chunk=on_chunk,
    )

    summary = summarise(sweep.runs)
    # "never" in words, as the scenario file writes it (None would read as NaN)
    words = {
        label: {name: NEVER if value is None else value for name, value in row.items()}
        for label, row in scenario.sweep_values().items()
    }
    values = pd.DataFrame.from_dict(words, orient="index").infer_objects()
    if not values.empty:
        summary = summary.merge(values, left_on="label", right_index=True)
        swept = list(scenario.sweep)
        summary = summary[["label", *swept, *summary.columns.drop(["label", *swept])]]
    return StudyResult(scenario=scenario, sweep=sweep, summary=summary)
