"""Figures of simulation results: a study's key metric, and a tornado."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

if TYPE_CHECKING:
    from toolkit.simulation._sensitivity import SensitivityResult

__all__ = ["study_figure", "tornado_figure"]

_LOW, _HIGH, _REFERENCE = "#4c72b0", "#dd8452", "#555555"


def study_figure(
    summary: pd.DataFrame,
    metrics: str | Sequence[str],
    *,
    x: str,
    series: str | None = None,
    title: str = "",
    marks: dict[str, float] | None = None,
) -> Figure:
    """Metrics' means and 95% intervals across the points of a study.

    Parameters
    ----------
    summary
        One row per point and metric, as from
        :func:`toolkit.simulation.summarise`, joined with the columns named by
        ``x`` and ``series`` (the swept policy fields).
    metrics
        The metric to plot, or several (one panel each, stacked).
    x
        The column on the x axis; numbers are spaced by value, other values
        in the order given.
    series
        A column whose values get one line each (e.g. with and without
        sub-teams).
    title
        The figure's title.
    marks
        Label -> x value of vertical reference lines (e.g. where rotation
        starts to repeat pairs).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> from toolkit.simulation import study_figure
    >>> summary = pd.DataFrame({"metric": "hours", "team_size": [5, 10],
    ...     "mean": [1.0, 2.0], "ci_low": [0.8, 1.7], "ci_high": [1.2, 2.3]})
    >>> figure = study_figure(summary, "hours", x="team_size")
    >>> figure.axes[0].get_xlabel()
    'team_size'
    """
    names = [metrics] if isinstance(metrics, str) else list(metrics)
    figure = Figure(figsize=(7, 1.0 + 3.0 * len(names)), layout="constrained")
    axes = figure.subplots(len(names), 1, squeeze=False)[:, 0]
    for ax, metric in zip(axes, names, strict=True):
        rows = summary[summary["metric"] == metric]
        _draw_study(ax, rows, metric, x=x, series=series, marks=marks or {})
    if title:
        figure.suptitle(title)
    return figure


def _draw_study(
    ax: Axes,
    rows: pd.DataFrame,
    metric: str,
    *,
    x: str,
    series: str | None,
    marks: dict[str, float],
) -> None:
    groups = [(None, rows)] if series is None else rows.groupby(series, sort=False)
    positions = _positions(rows[x])
    for name, group in groups:
        where = positions.loc[group.index]
        low = group["mean"] - group["ci_low"]
        high = group["ci_high"] - group["mean"]
        ax.errorbar(
            where,
            group["mean"],
            yerr=np.vstack([low.to_numpy(), high.to_numpy()]),
            marker="o",
            capsize=3,
            label=None if name is None else f"{series} = {name!s}",
        )
    for label, value in marks.items():
        at = _position_of(rows[x], value)
        ax.axvline(at, color=_REFERENCE, linestyle=":")
        ax.annotate(
            label,
            (at, 1.0),
            xycoords=("data", "axes fraction"),
            rotation=90,
            va="top",
            ha="right",
            fontsize=8,
            color=_REFERENCE,
        )
    if not pd.api.types.is_numeric_dtype(rows[x]):
        ticks = list(dict.fromkeys(rows[x].astype(str)))
        ax.set_xticks(range(len(ticks)), ticks)
    ax.set_xlabel(x)
    ax.set_ylabel(f"{metric}\n(mean, 95% interval)", fontsize=9)
    if series is not None:
        ax.legend(fontsize=8)


def tornado_figure(result: SensitivityResult, *, top: int = 15) -> Figure:
    """Each assumption's low and high end as bars around the default effect.

    The longest bars (the assumptions the result depends on most) are at the
    top; a star marks an assumption that changes the conclusion.

    Examples
    --------
    >>> from toolkit.simulation import ProgramPolicy, sensitivity
    >>> from toolkit.simulation._figures import tornado_figure
    >>> result = sensitivity(ProgramPolicy(horizon_months=1),
    ...     "evaluator_hours_per_month", replications=2,
    ...     parameters=["review_minutes"], n_jobs=1)
    >>> [t.get_text() for t in tornado_figure(result).axes[0].get_yticklabels()]
    ['review_minutes']
    """
    table = result.table.head(top).iloc[::-1]
    figure = Figure(figsize=(7, 1.2 + 0.35 * len(table)), layout="constrained")
    ax = figure.add_subplot()
    rows = np.arange(len(table))
    base = result.effect

    for column, colour, name in (
        ("effect_low", _LOW, "parameter at its low end"),
        ("effect_high", _HIGH, "parameter at its high end"),
    ):
        ax.barh(rows, table[column] - base, left=base, color=colour, label=name)
    ax.axvline(base, color=_REFERENCE, linewidth=1)
    if result.effect_of == "difference":
        ax.axvline(0.0, color=_REFERENCE, linestyle=":", linewidth=1)

    labels = [
        f"{name} *" if flips else name
        for name, flips in zip(
            table["parameter"], table["changes_conclusion"], strict=True
        )
    ]
    ax.set_yticks(rows, labels)
    what = (
        f"{result.metric}: difference"
        if result.effect_of == "difference"
        else result.metric
    )
    ax.set_xlabel(f"{what} (default {base:.3g})")
    ax.set_title("One assumption at a time (* changes the conclusion)", fontsize=10)
    ax.legend(loc="lower right", fontsize=8)
    return figure


def _positions(values: pd.Series) -> pd.Series:
    if pd.api.types.is_numeric_dtype(values):
        return values.astype(float)
    order = {value: i for i, value in enumerate(dict.fromkeys(values.astype(str)))}
    return values.astype(str).map(order).astype(float)


def _position_of(values: pd.Series, value: float) -> float:
    if pd.api.types.is_numeric_dtype(values):
        return float(value)
    order = list(dict.fromkeys(values.astype(str)))
    return float(order.index(str(value)))
