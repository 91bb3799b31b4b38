"""Simulation metrics in a lead's words, and their numbers as a lead reads them.

Both simulation apps name a metric the same way (:func:`metric_label`) and
offer the same metrics in the same order (:func:`key_metrics`); the program
designer writes means, intervals and changes with :func:`amount`,
:func:`interval`, :func:`change` and :func:`clear`. Numbers are rounded here,
for the eye only; the apps' tables keep every digit.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from toolkit.simulation import ProgramPolicy

__all__ = [
    "METRICS",
    "amount",
    "change",
    "clear",
    "interval",
    "key_metrics",
    "metric_label",
]

#: Metric -> (what a team lead reads, kind of number). Per-criterion metrics
#: (skill change, QA detection) are named by :func:`metric_label`.
METRICS: dict[str, tuple[str, str]] = {
    "cadence_reached_share": ("Rep-months reaching the cadence", "share"),
    "evaluator_compliance": ("Reviews done of those asked", "share"),
    "late_share": ("Reviews finished after their deadline", "share"),
    "evaluator_hours_per_month": ("Peer hours per rep per month", "hours"),
    "manager_hours_per_month": ("Manager hours per month (each manager)", "hours"),
    "latency_p90_days": (
        "Working days from call to feedback (90th percentile)",
        "days",
    ),
    "repeated_pair_share": (
        "Reviews by a pair back together after a rotation",
        "share",
    ),
    "distinct_reviewers_per_rep": ("Different peers who reviewed each rep", "count"),
    "bias_exposure": ("Reviews written by a friend or quota competitor", "share"),
    "routed_per_month": ("Criteria routed to a one-on-one per month", "count"),
    "coaching_per_month": ("Coaching conversations per month", "count"),
    "feedback_gini": ("Unevenness of feedback across reps (0 = even)", "index"),
}
_SKILL = re.compile(r"skill_change_(\d+)d_(.+)")
_QA = re.compile(r"qa_detect_days_(.+)")


def metric_label(metric: str) -> str:
    """What a team lead reads for a simulation metric.

    Examples
    --------
    >>> metric_label("latency_p90_days")
    'Working days from call to feedback (90th percentile)'
    >>> metric_label("skill_change_90d_criterion_2")
    'Skill change after 90 days (levels), criterion 2'
    """
    if metric in METRICS:
        return METRICS[metric][0]

    skill = _SKILL.fullmatch(metric)
    if skill:
        days, criterion = skill.groups()
        return f"Skill change after {days} days (levels), {_words(criterion)}"
    qa = _QA.fullmatch(metric)
    if qa:
        return f"Days until QA shows the change, {_words(qa.group(1))}"
    return metric


def key_metrics(policy: ProgramPolicy) -> list[str]:
    """The metrics the apps show for ``policy``, in order.

    Skill change is read at 90 days, or at the horizon when it is shorter;
    skill and QA come per criterion, as the guide asks.

    Examples
    --------
    >>> from toolkit.simulation import ProgramPolicy
    >>> key_metrics(ProgramPolicy(horizon_months=2, criteria_per_review=1))[6:8]
    ['skill_change_60d_criterion_1', 'qa_detect_days_criterion_1']
    """
    days = 30 * min(policy.horizon_months, 3)
    criteria = [f"criterion_{k}" for k in range(1, policy.criteria_per_review + 1)]
    first = list(METRICS)[:6]

    return [
        *first,
        *(f"skill_change_{days}d_{c}" for c in criteria[:1]),
        *(f"qa_detect_days_{c}" for c in criteria[:1]),
        *(m for m in METRICS if m not in first),
        *(f"skill_change_{days}d_{c}" for c in criteria[1:]),
        *(f"qa_detect_days_{c}" for c in criteria[1:]),
    ]


def amount(metric: Any, value: Any) -> str:
    """A metric's value as a lead reads it: a percent, levels, hours or days.

    Examples
    --------
    >>> amount("late_share", 0.125), amount("skill_change_90d_criterion_1", 0.3)
    ('12%', '+0.30')
    >>> amount("latency_p90_days", float("nan"))
    '—'
    """
    if pd.isna(value):
        return "—"

    kind = _kind(metric)
    if kind == "share":
        return f"{value:.0%}"
    if kind == "levels":
        return f"{value:+.2f}"
    if kind == "index":
        return f"{value:.2f}"
    return f"{value:.1f}"


def change(metric: Any, value: Any) -> str:
    """A difference of a metric: percentage points for a share, else signed.

    Examples
    --------
    >>> change("late_share", -0.031), change("evaluator_hours_per_month", 0.3)
    ('-3.1 points', '+0.3')
    """
    if pd.isna(value):
        return "—"

    kind = _kind(metric)
    if kind == "share":
        return f"{100 * value:+.1f} points"
    return f"{value:+.2f}" if kind in ("levels", "index") else f"{value:+.1f}"


def interval(metric: Any, low: Any, high: Any) -> str:
    """An interval of a metric, both ends written by :func:`amount`.

    Examples
    --------
    >>> interval("cadence_reached_share", 0.81, 0.9)
    '81% to 90%'
    """
    if pd.isna(low) or pd.isna(high):
        return "—"
    return f"{amount(metric, low)} to {amount(metric, high)}"


def clear(low: Any, high: Any) -> str:
    """Whether an interval of a change excludes 0: ``"yes"`` or ``"no"``.

    Examples
    --------
    >>> clear(0.01, 0.2), clear(-0.1, 0.2)
    ('yes', 'no')
    """
    if pd.isna(low) or pd.isna(high):
        return "—"
    return "yes" if low > 0 or high < 0 else "no"


def _kind(metric: Any) -> str:
    if metric in METRICS:
        return METRICS[metric][1]
    return "levels" if _SKILL.fullmatch(metric) else "days"


def _words(name: str) -> str:
    return name.replace("_", " ")
