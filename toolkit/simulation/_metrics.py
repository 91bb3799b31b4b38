"""Metrics and tidy tables of one simulation run."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats

from toolkit.simulation._result import RunResult

if TYPE_CHECKING:
    from toolkit.simulation._model import _Run

__all__ = ["QA_TEST_LEVEL", "gini", "qa_detection_month", "run_result"]

#: Times are reported in calendar days of 30-day months, like the guide's
#: "60-90 days"; a simulated month is 21 working days.
CALENDAR_DAYS_PER_MONTH = 30

# skill change is reported after these many days (1, 2 and 3 months)
SKILL_DAYS = (30, 60, 90)

#: One-sided significance level of the QA analyst's test of the change.
QA_TEST_LEVEL = 0.05


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


def qa_detection_month(
    qa: npt.ArrayLike, visible_change: float, *, level: float = QA_TEST_LEVEL
) -> np.ndarray:
    """First month from which QA scores show a change, per criterion.

    The rule a QA analyst would apply to the team's monthly QA scores: a
    month *shows* the change when the mean change of the reps' QA scores
    since launch is at least ``visible_change`` and a one-sided paired t
    test of the per-rep changes (H0: mean change <= 0) rejects at ``level``.
    The change is *detected* in the first month that shows it and whose next
    month shows it too, so one lucky month of noise is not enough. A change
    first shown in the last month cannot be confirmed and is not detected.

    Parameters
    ----------
    qa
        QA scores, shape ``(months + 1, reps, criteria)``: at launch (row 0)
        and at the end of each month; at least 2 reps.
    visible_change
        Smallest mean change (levels) that counts as visible.
    level
        One-sided significance level of the t test, in (0, 1).

    Returns
    -------
    numpy.ndarray
        Per criterion, the month (1, 2, ...) of detection; NaN if none.

    Raises
    ------
    ValueError
        Fewer than 2 reps, or a level outside (0, 1).

    Notes
    -----
    The test statistic is ``t = mean / (sd / sqrt(n))`` over the ``n`` reps'
    changes, compared with the ``1 - level`` quantile of Student's t with
    ``n - 1`` degrees of freedom; written as ``mean * sqrt(n) > t_crit *
    sd``, it needs no division, so reps that all changed alike (``sd = 0``)
    show a positive change. Every month is compared with the same launch
    scores, so the months' tests are not independent, and the test is
    repeated monthly without correction: the confirmation month is what
    keeps chance detections rare.

    Examples
    --------
    Three reps, one criterion, launch and three months; the mean change is
    0.1, 0.2 and 0.3 levels, spread 0.05 between reps:

    >>> import numpy as np
    >>> from toolkit.simulation._metrics import qa_detection_month
    >>> change = np.array([0.0, 0.1, 0.2, 0.3])[:, None] + [-0.05, 0.0, 0.05]
    >>> qa = (3.0 + change)[:, :, None]
    >>> qa_detection_month(qa, 0.15)
    array([2.])
    >>> qa_detection_month(qa[:3], 0.15)  # month 2 is the last: unconfirmed
    array([nan])

    The same means carried by one rep alone are not significant:

    >>> alone = np.array([0.0, 0.3, 0.6, 0.9])[:, None] * [0.0, 0.0, 1.0]
    >>> qa_detection_month((3.0 + alone)[:, :, None], 0.15)
    array([nan])
    """
    qa = np.asarray(qa, dtype=float)
    if qa.ndim != 3 or qa.shape[1] < 2:
        raise ValueError(
            f"qa must have shape (months + 1, reps, criteria) with at least 2 "
            f"reps; got shape {qa.shape}"
        )
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be in (0, 1), e.g. 0.05; got {level!r}")

    # each rep's change since launch: the paired differences
    change = qa[1:] - qa[0]
    n_reps = change.shape[1]
    mean = change.mean(axis=1)
    sd = change.std(axis=1, ddof=1)

    # a month shows the change; detection needs the next month to show it too
    critical = stats.t.ppf(1.0 - level, n_reps - 1)
    shows = (mean >= visible_change) & (mean * np.sqrt(n_reps) > critical * sd)
    confirmed = shows[:-1] & shows[1:]

    if len(confirmed) == 0:
        return np.full(qa.shape[2], np.nan)
    first = np.argmax(confirmed, axis=0) + 1.0
    return np.where(confirmed.any(axis=0), first, np.nan)


def run_result(run: _Run, *, seed: int, version: str) -> RunResult:
    """Collect the metrics and tables of a finished run."""
    calls = _call_ids(run)
    return RunResult(
        metrics=_metrics(run),
        events=_events(run, calls),
        scores=_scores(run, calls),
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
        "manager_hours_per_month": float(run.manager_minutes.mean() / 60 / months),
        "manager_hours_per_month_max": float(run.manager_minutes.max() / 60 / months),
        "latency_median_days": _quantile(latency, 0.5),
        "latency_p90_days": _quantile(latency, 0.9),
        "feedback_gini": gini(per_rep),
        "repeated_pair_share": _repeated_pair_share(run),
        "distinct_reviewers_per_rep": _distinct_reviewers(run, delivered),
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

    # first month from which QA shows the change (a t test, confirmed)
    detect = qa_detection_month(run.qa, run.behaviour.qa_visible_change)
    for k, name in enumerate(run.criteria):
        metrics[f"qa_detect_days_{name}"] = float(detect[k] * CALENDAR_DAYS_PER_MONTH)
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


def _distinct_reviewers(run: _Run, delivered: np.ndarray) -> float:
    """Different peers whose feedback each rep received, mean over reps."""
    pair = np.unique(run.reviewer[delivered] * run.n_reps + run.rep[delivered])
    per_rep = np.bincount(pair % run.n_reps, minlength=run.n_reps)
    return float(per_rep.mean())


def _events(run: _Run, calls: np.ndarray) -> pd.DataFrame:
    names = np.array(run.names, dtype=object)
    review = np.arange(run.n_rows)
    return pd.DataFrame(
        {
            "review": review,
            "month": run.month + 1,
            "call": calls,
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


def _scores(run: _Run, calls: np.ndarray) -> pd.DataFrame:
    names = np.array(run.names, dtype=object)
    criteria = np.array(run.criteria, dtype=object)
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
