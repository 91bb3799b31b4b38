"""The program designer's results, and their comparison with a baseline.

The results table holds the key metrics of a
:class:`~toolkit.simulation.SimulationResult` with their 95% intervals; the
comparison puts a saved baseline and the current results side by side with
the paired difference of :func:`~toolkit.simulation.differences`, which is
what :func:`~toolkit.simulation.compare` gives on the same seed. The tables
keep every digit; their HTML rounds for the eye.
"""

from __future__ import annotations

import html

import pandas as pd

from toolkit.simulation import ProgramPolicy, SimulationResult, differences
from toolkit.widgets._display import table_html
from toolkit.widgets._sim_results import (
    amount,
    change,
    clear,
    interval,
    key_metrics,
    metric_label,
)

__all__ = [
    "NO_BASELINE",
    "comparison",
    "comparison_rows",
    "empty_results",
    "results_html",
    "same_teams",
    "summary_rows",
]

#: What the comparison tab says before a baseline is saved.
NO_BASELINE = (
    "<p><i>Press <b>Save as baseline</b> under results you want to "
    "keep; change the controls and run again to compare.</i></p>"
)
# what each control is called in the comparison's list of changes
_FIELD_WORDS = {
    "team_size": "team size",
    "split_above": "sub-teams above",
    "reviews_per_rep": "reviews per rep a month",
    "criteria_per_review": "criteria per review",
    "pairing": "pairing",
    "rotation_months": "rotation (months)",
    "calibration": "calibration before launch",
    "manager_review": "manager review",
    "manager_hours_per_week": "manager hours a week",
    "divergence_threshold": "routing threshold",
    "peer_score_use": "use of peer scores",
    "horizon_months": "months simulated",
}


def empty_results() -> pd.DataFrame:
    """The results table before a run: its columns, no rows."""
    return pd.DataFrame(columns=["metric", "what", "n", "mean", "ci_low", "ci_high"])


def summary_rows(result: SimulationResult) -> pd.DataFrame:
    """The key metrics of ``result`` with their 95% intervals, unrounded.

    Columns: ``metric``, ``what`` (its label), ``n``, ``mean``, ``ci_low``,
    ``ci_high``.

    Examples
    --------
    >>> from toolkit.simulation import ProgramPolicy, simulate
    >>> result = simulate(ProgramPolicy(horizon_months=1), 3, seed=1)
    >>> rows = summary_rows(result)
    >>> rows.loc[0, "what"], int(rows.loc[0, "n"])
    ('Rep-months reaching the cadence', 3)
    """
    names = [m for m in key_metrics(result.policy) if m in result.summary.index]
    rows = result.summary.loc[names, ["n", "mean", "ci_low", "ci_high"]]
    rows = rows.reset_index(names="metric")
    rows.insert(1, "what", [metric_label(m) for m in names])
    return rows


def results_html(table: pd.DataFrame, replications: int) -> str:
    """The results tab: :func:`summary_rows` rounded, and how to read them."""
    rows = list(table.itertuples())
    shown = pd.DataFrame(
        {
            "What": table["what"],
            "Mean": [amount(r.metric, r.mean) for r in rows],
            "95% interval": [interval(r.metric, r.ci_low, r.ci_high) for r in rows],
            "Runs": [f"{r.n} of {replications}" for r in rows],
        }
    )
    return (
        table_html(shown)
        + "<p style='font-size:90%'>Mean over the replications and its 95% "
        "interval. <i>Days until QA shows the change</i> is the mean over "
        "the runs in which the team's QA scores showed it within the months "
        "simulated (<i>Runs</i>); in the others it took longer.</p>"
    )


def same_teams(one: SimulationResult, other: SimulationResult) -> bool:
    """Whether two results ran on the same seeds, so they pair run by run."""
    return (
        one.seed == other.seed
        and one.replications == other.replications
        and one.behaviour == other.behaviour
    )


def comparison_rows(
    baseline: SimulationResult, result: SimulationResult
) -> pd.DataFrame:
    """Baseline and current side by side, and the paired difference.

    Examples
    --------
    >>> from toolkit.simulation import ProgramPolicy, simulate
    >>> base = ProgramPolicy(horizon_months=1)
    >>> more = base.replace(reviews_per_rep=3)
    >>> rows = comparison_rows(simulate(base, 3), simulate(more, 3))
    >>> row = rows.set_index("metric").loc["evaluator_hours_per_month"]
    >>> bool(row.difference > 0), int(row.n)
    (True, 3)
    """
    runs = pd.concat(
        [
            baseline.runs.assign(label="baseline"),
            result.runs.assign(label="current"),
        ],
        ignore_index=True,
    )
    difference = differences(runs, "baseline", paired=True).set_index("metric")
    names = [
        m
        for m in key_metrics(result.policy)
        if m in baseline.summary.index and m in result.summary.index
    ]
    base = baseline.summary.loc[names]
    current = result.summary.loc[names]

    return pd.DataFrame(
        {
            "metric": names,
            "what": [metric_label(m) for m in names],
            "baseline_mean": base["mean"].to_numpy(),
            "baseline_low": base["ci_low"].to_numpy(),
            "baseline_high": base["ci_high"].to_numpy(),
            "current_mean": current["mean"].to_numpy(),
            "current_low": current["ci_low"].to_numpy(),
            "current_high": current["ci_high"].to_numpy(),
            "n": difference.loc[names, "n"].to_numpy(),
            "difference": difference.loc[names, "difference"].to_numpy(),
            "difference_low": difference.loc[names, "ci_low"].to_numpy(),
            "difference_high": difference.loc[names, "ci_high"].to_numpy(),
        }
    )


def comparison(
    baseline: SimulationResult, result: SimulationResult
) -> tuple[pd.DataFrame, str]:
    """The comparison table and the comparison tab's HTML.

    The table is empty when there is nothing to compare: the results are
    the baseline itself, or the two ran on other seeds or replications.
    """
    if result is baseline or baseline.policy == result.policy:
        return pd.DataFrame(), (
            "<p><i>The results shown are the baseline itself. Change the "
            "controls and press Run to compare.</i></p>"
        )
    if not same_teams(baseline, result):
        return pd.DataFrame(), (
            "<p><i>The baseline ran on other replications or another seed; "
            "press Run to run both on the same teams.</i></p>"
        )

    table = comparison_rows(baseline, result)
    changes = _changes(baseline.policy, result.policy)
    return table, (
        f"<p>Changed from the baseline: {html.escape(changes)}. Both ran on "
        f"the same {result.replications} simulated teams, so the change is "
        "measured team by team (a paired difference).</p>"
        + table_html(_shown_comparison(table))
        + "<p style='font-size:90%'>A change whose interval excludes 0 is "
        "<i>clear</i>; otherwise these replications cannot tell the two "
        "policies apart on it.</p>"
    )


def _shown_comparison(table: pd.DataFrame) -> pd.DataFrame:
    rows = list(table.itertuples())
    return pd.DataFrame(
        {
            "What": table["what"],
            "Baseline": [
                f"{amount(r.metric, r.baseline_mean)} "
                f"({interval(r.metric, r.baseline_low, r.baseline_high)})"
                for r in rows
            ],
            "Current": [
                f"{amount(r.metric, r.current_mean)} "
                f"({interval(r.metric, r.current_low, r.current_high)})"
                for r in rows
            ],
            "Change": [change(r.metric, r.difference) for r in rows],
            "95% interval of the change": [
                f"{change(r.metric, r.difference_low)} to "
                f"{change(r.metric, r.difference_high)}"
                for r in rows
            ],
            "Clear?": [clear(r.difference_low, r.difference_high) for r in rows],
        }
    )


def _changes(before: ProgramPolicy, after: ProgramPolicy) -> str:
    old, new = before.to_dict(), after.to_dict()
    changed = [
        f"{_FIELD_WORDS.get(name, name)} {old[name]} → {new[name]}"
        for name in new
        if new[name] != old[name]
    ]
    return "; ".join(changed) or "nothing"
