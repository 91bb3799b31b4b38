"""The result of one simulation run: metrics, tidy tables and provenance."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from toolkit.pairing import PairingSchedule

__all__ = ["RunResult"]


@dataclass(frozen=True, eq=False)
class RunResult:
    """One run of a policy under a behaviour model, and what reproduces it.

    Attributes
    ----------
    metrics
        Metric name -> value (see :func:`toolkit.simulation.run_once` for the
        list). NaN where a metric is undefined, e.g. no latency when no
        feedback was delivered, or no QA detection within the horizon.
        Manager hours are per manager (the mean, and the busiest).
    events
        One row per review assignment of the pairing schedule: ``review``,
        ``month`` (1, 2, ...), ``call``, ``rep``, ``reviewer``,
        ``relationship`` (``"none"``, ``"friend"``, ``"competitor"``),
        ``requested``, ``done``, ``call_day``, ``finished_day``, ``late``,
        ``delivered``, ``delivered_day`` and ``latency_days`` (NaN where a
        step did not happen). Days are working days from launch.
    scores
        Every score given, in the toolkit's long ratings format: ``call``,
        ``criterion``, ``rater``, ``role`` (``"peer"``, ``"manager"``,
        ``"ai"``), ``score`` (levels), ``rep`` and ``day``.
    monthly
        One row per month and criterion: ``month``, ``criterion``,
        ``routed`` (reps whose criterion went on the one-on-one agenda),
        ``coaching`` (coaching conversations held), ``skill_change`` (mean
        true change of skill since launch, levels) and ``qa_change`` (mean
        change of the observed QA score since launch, levels).
    schedule
        The pairing schedule the run drew (who may review whom, per month);
        ``toolkit.pairing.check_review_log(result.schedule, result.events)``
        checks the reviews against it. Its ``team`` gives each rep's
        sub-team: each sub-team has its own manager, who reviews the feedback
        on its reps' calls (one manager for an unsplit team).
    seed
        The seed of the run.
    policy, behaviour
        The policy and behaviour model as dicts (``to_dict()``), which
        ``from_dict`` turns back into the objects.
    toolkit_version
        The toolkit version that produced the run.
    """

    metrics: dict[str, float]
    events: pd.DataFrame
    scores: pd.DataFrame
    monthly: pd.DataFrame
    schedule: PairingSchedule
    seed: int
    policy: dict[str, Any]
    behaviour: dict[str, float]
    toolkit_version: str

    def metric_frame(self) -> pd.DataFrame:
        """The metrics as a two-column table, ``metric`` and ``value``."""
        return pd.DataFrame(
            {"metric": list(self.metrics), "value": list(self.metrics.values())}
        )
