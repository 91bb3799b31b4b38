"""Metrics and tidy tables of one simulation run."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import pandas as pd

from toolkit.simulation._result import RunResult

if TYPE_CHECKING:
    from toolkit.simulation._model import _Run

__all__ = ["gini", "run_result"]

# skill change is reported after these many days (30-day months) ...
SKILL_DAYS = (30, 60, 90)


def gini(values: npt.ArrayLike) -> float:
    """Gini coefficient of non-negative ``values``: 0 even, near 1 unequal.

    ``sum_ij |x_i - x_j| / (2 n^2 mean)``; NaN when every value is 0.

    Examples
    --------
    >>> from toolkit.simulation._metrics import gini
    >>> gini([2, 2, 2, 2]), gini([0, 0, 0, 4])
    (0.0, 0.75)
    """
    x = np.sort(np.asarray(values, dtype=float))
    n_values, total = len(x), x.sum()
    if n_values == 0 or total == 0:
        return float("nan")

    # sorted form of the mean absolute difference
    rank = np.arange(1, n_values + 1)
    return float(np.sum((2 * rank - n_values - 1) * x) / (n_values * total))


def run_result(run: _Run, *, seed: int, version: str) -> RunResult:
    """Collect the metrics and tables of a finished run."""
    return RunResult(
        metrics=_metrics(run),
        events=_events(run),
        scores=_scores(run),
        monthly=_monthly(run),
        schedule=run.schedule,
        seed=int(seed),
        policy=run.policy.to_dict(),
        behaviour=run.behaviour.to_dict(),
        toolkit_version=version,
    )


def _metrics(run: _Run) -> dict[str, float]:
    delivered = ~np.isnan(run.delivered_day)
    n_done = int(run.done.sum())
    n_requested = int(run.requested.sum())
    months, n_reps = run.n_months, run.n_reps

    # cadence: delivered feedback on each rep's calls of each month
    per_rep_month = np.bincount(
        run.month[delivered] * n_reps + run.rep[delivered],
        minlength=months * n_reps,
    )
    latency = (run.delivered_day - run.call_day)[delivered]
    related = run.relationship[run.reviewer, run.rep] != 0
    per_rep = np.bincount(run.rep[delivered], minlength=n_reps)

    metrics = {
        "cadence_reached_share": float(
            np.mean(per_rep_month >= run.policy.reviews_per_rep)
        ),
        "evaluator_compliance": _share(n_done, n_requested),
        "late_share": _share(int(run.late.sum()), n_done),
        "evaluator_hours_per_month": run.peer_minutes / 60 / months / n_reps,
        "manager_hours_per_month": run.manager_minutes / 60 / months,
        "latency_median_days": _quantile(latency, 0.5),
        "latency_p90_days": _quantile(latency, 0.9),
        "feedback_gini": gini(per_rep),
        "repeated_pair_share": _repeated_pair_share(run),
        "bias_exposure": _share(int(related[run.done].sum()), n_done),
        "routed_per_month": float(run.routed.sum() / months),
        "coaching_per_month": float(run.coaching.sum() / months),
    }

    # skill change at 30, 60, 90 days (1, 2, 3 months), mean over reps
    mean_skill = run.skill.mean(axis=1)
    for days in SKILL_DAYS:
        month = days // 30
        for k, name in enumerate(run.criteria):
            value = mean_skill[month, k] if month <= months else np.nan
            metrics[f"skill_change_{days}d_{name}"] = float(value)

    # first month whose mean QA score is visibly above launch
    qa_change = (run.qa[1:] - run.qa[0]).mean(axis=1)
    visible = qa_change >= run.behaviour.qa_visible_change
    for k, name in enumerate(run.criteria):
        hits = np.flatnonzero(visible[:, k])
        first = float(hits[0] + 1) if len(hits) else np.nan
        metrics[f"qa_visible_month_{name}"] = first
    return metrics


def _share(part: int, whole: int) -> float:
    return part / whole if whole else float("nan")


def _quantile(values: np.ndarray, q: float) -> float:
    return float(np.quantile(values, q)) if len(values) else float("nan")


def _repeated_pair_share(run: _Run) -> float:
    """Assignments to a pair already assigned in an earlier rotation block."""
    every = run.policy.rotation_months or run.n_months
    block = run.month // every
    pair = run.reviewer * run.n_reps + run.rep
    _, which = np.unique(pair, return_inverse=True)
    first = np.full(which.max() + 1, np.iinfo(np.int64).max)
    np.minimum.at(first, which, block)
    return float(np.mean(block > first[which]))


def _events(run: _Run) -> pd.DataFrame:
    names = np.array(run.names, dtype=object)
    review = np.arange(run.n_rows)
    return pd.DataFrame(
        {
            "review": review,
            "month": run.month + 1,
            "call": _call_ids(run),
            "rep": names[run.rep],
            "reviewer": names[run.reviewer],
            "relationship": np.array(["none", "friend", "competitor"], dtype=object)[
                run.relationship[run.reviewer, run.rep]
            ],
            "requested": run.requested,
            "done": run.done,
            "call_day": np.where(run.requested, run.call_day, np.nan),
            "finished_day": run.finished_day,
            "late": run.late,
            "delivered": ~np.isnan(run.delivered_day),
            "delivered_day": run.delivered_day,
            "latency_days": run.delivered_day - run.call_day,
        }
    )


def _call_ids(run: _Run) -> np.ndarray:
    ids = [
        f"{run.names[r]}-m{m + 1:02d}-{k + 1:03d}"
        for r, m, k in zip(
            run.rep.tolist(), run.month.tolist(), run.call_index.tolist(), strict=True
        )
    ]
    return np.array(ids, dtype=object)


def _scores(run: _Run) -> pd.DataFrame:
    names = np.array(run.names, dtype=object)
    criteria = np.array(run.criteria, dtype=object)
    calls = _call_ids(run)
    parts = []
    for role, table, rater in (
        ("peer", run.peer_score, names[run.reviewer]),
        ("manager", run.manager_score, np.full(run.n_rows, "manager", object)),
        ("ai", run.ai_score, np.full(run.n_rows, "ai", object)),
    ):
        row, k = np.nonzero(~np.isnan(table))
        day = run.finished_day if role == "peer" else run.call_day
        if role == "manager":
            day = run.delivered_day
        parts.append(
            pd.DataFrame(
                {
                    "call": calls[row],
                    "criterion": criteria[k],
                    "rater": rater[row],
                    "role": role,
                    "score": table[row, k],
                    "rep": names[run.rep[row]],
                    "day": day[row],
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def _monthly(run: _Run) -> pd.DataFrame:
    months, n_criteria = run.n_months, run.n_criteria
    skill = run.skill[1:].mean(axis=1)
    qa = (run.qa[1:] - run.qa[0]).mean(axis=1)
    return pd.DataFrame(
        {
            "month": np.repeat(np.arange(1, months + 1), n_criteria),
            "criterion": np.tile(np.array(run.criteria, dtype=object), months),
            "routed": run.routed.ravel(),
            "coaching": run.coaching.ravel(),
            "skill_change": skill.ravel(),
            "qa_change": qa.ravel(),
        }
    )
