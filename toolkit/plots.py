"""Pictures of a calibration round and of peer / manager divergence.

Every function returns a :class:`matplotlib.figure.Figure` built without
pyplot, so nothing is left open in pyplot's list of figures and no global
style is touched. Pass ``ax`` to draw into an axes of your own figure; the
function then returns that figure.

Names from the data (criteria, raters, calls, reps) are shown as plain text:
a ``$`` in a name is printed, never read as a formula.

Examples
--------
>>> from toolkit.calibration import calibration_report
>>> from toolkit.examples import load_example
>>> round_ = load_example("synthetic_round")
>>> report = calibration_report(round_, rng=7, n_resamples=200,
...                             target_half_width=None)
>>> figure = criteria_figure(report)
>>> [label.get_text() for label in figure.axes[0].get_yticklabels()]
['confirmed primary concern', 'summarised next steps', 'used customer words']
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from toolkit import agreement
from toolkit.calibration import BAND_COLUMNS, BANDS, CalibrationReport
from toolkit.divergence import DivergenceReport
from toolkit.ratings import CriterionRatings, RatingsTable

__all__ = [
    "criteria_figure",
    "disputed_calls_figure",
    "divergence_figure",
    "leniency_figure",
    "rater_agreement_figure",
]

FONT_SIZE = 11
BAND_COLOURS = dict(zip(BANDS, ("#f6cfca", "#fbe6b3", "#cde8cd"), strict=True))
FLAG_COLOURS = {"lenient": "#c0392b", "severe": "#1f5fa6"}
PEER_ABOVE, PEER_BELOW = "#c0392b", "#1f5fa6"
NEUTRAL = "#6b6b6b"


def criteria_figure(report: CalibrationReport, *, ax: Axes | None = None) -> Figure:
    """Each criterion's coefficient with its interval, against the bands.

    The shaded bands are those of the verdicts (*needs a sharper
    definition*, *tentative*, *ready*); the text at the right is the verdict
    and the bootstrap chance that the coefficient lies in its band.

    Parameters
    ----------
    report
        A calibration report.
    ax
        Axes to draw into; a new figure when omitted.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    One horizontal interval per criterion, from ``ci_low`` to ``ci_high``:

    >>> from toolkit.calibration import calibration_report
    >>> from toolkit.examples import load_example
    >>> report = calibration_report(load_example("synthetic_round"), rng=7,
    ...                             n_resamples=200, target_half_width=None)
    >>> ax = criteria_figure(report).axes[0]
    >>> intervals = next(c for c in ax.collections if c.get_gid() == "intervals")
    >>> len(intervals.get_segments())
    3
    """
    _check_report(report, CalibrationReport, "criteria_figure")
    criteria = report.criteria
    own = ax is None
    figure, ax = _canvas(ax, n_rows=len(criteria), width=8.0)
    low, high = report.options["thresholds"]
    rows = np.arange(len(criteria), dtype=float)

    # the axis spans the bands and every interval
    finite = criteria[["estimate", "ci_low", "ci_high"]].to_numpy(dtype=float)
    finite = finite[np.isfinite(finite)]
    left = min(0.0, float(finite.min()) if finite.size else 0.0) - 0.05
    right = max(1.0, float(finite.max()) if finite.size else 1.0) + 0.02
    edges = [left, low, high, right]
    for band, start, end in zip(BANDS, edges[:-1], edges[1:], strict=True):
        ax.axvspan(start, end, color=BAND_COLOURS[band], zorder=0, lw=0)
    ax.set_xlim(left, right)

    ax.hlines(
        rows,
        criteria["ci_low"],
        criteria["ci_high"],
        colors="#222222",
        linewidth=2.5,
        gid="intervals",
    )
    ax.plot(
        criteria["estimate"],
        rows,
        "o",
        color="#222222",
        markersize=8,
        gid="estimates",
    )
    for y, record in zip(rows, criteria.to_dict(orient="records"), strict=True):
        ax.annotate(
            _verdict_text(record),
            xy=(1.0, y),
            xycoords=("axes fraction", "data"),
            xytext=(8, 0),
            textcoords="offset points",
            va="center",
            fontsize=FONT_SIZE - 1,
        )

    names = ", ".join(_words(c) for c in pd.unique(criteria["coefficient"]))
    level = report.options["level"]
    _rows_axis(ax, list(criteria["criterion"]))
    ax.set_xlabel(f"agreement ({names or 'coefficient'}): 1 = perfect, 0 = chance")
    ax.set_title(f"Agreement per criterion, {level:.0%} intervals", loc="left")
    handles = [Patch(color=BAND_COLOURS[band], label=band) for band in BANDS]
    _legend(figure, ax, handles, own=own)
    return figure


def leniency_figure(report: CalibrationReport, *, ax: Axes | None = None) -> Figure:
    """Each rater's offset from the other raters, with its interval.

    Raters are grouped by criterion. An offset above 0 means the rater
    scored higher than the others on the same calls (lenient), below 0
    lower (severe). Flagged raters are drawn in colour, with the flag
    beside them; the others in grey.

    Parameters
    ----------
    report
        A calibration report.
    ax
        Axes to draw into; a new figure when omitted.

    Returns
    -------
    matplotlib.figure.Figure

    Notes
    -----
    Leniency is not defined on a nominal scale; such criteria are listed
    with the words "not defined on a nominal scale" and no intervals.

    Examples
    --------
    >>> from toolkit.calibration import calibration_report
    >>> from toolkit.examples import load_example
    >>> report = calibration_report(load_example("synthetic_round"), rng=7,
    ...                             n_resamples=200, target_half_width=None)
    >>> ax = leniency_figure(report).axes[0]
    >>> flagged = next(c for c in ax.collections if c.get_gid() == "flagged")
    >>> len(flagged.get_segments())  # peer_3 on two criteria
    2
    """
    _check_report(report, CalibrationReport, "leniency_figure")
    raters = report.raters
    blocks = [
        (criterion, list(group["rater"]))
        for criterion, group in raters.groupby("criterion", sort=False)
    ]
    rows, headings = _block_rows(blocks)
    figure, ax = _canvas(ax, n_rows=len(rows) + len(headings), width=8.0)

    # grey intervals for everyone, coloured ones for the flagged raters
    y = np.array(rows, dtype=float)
    flagged = raters["flag"].notna().to_numpy()
    colours = [FLAG_COLOURS.get(flag, NEUTRAL) for flag in raters["flag"]]
    for gid, keep in (("unflagged", ~flagged), ("flagged", flagged)):
        ax.hlines(
            y[keep],
            raters["offset_low"][keep],
            raters["offset_high"][keep],
            colors=[c for c, k in zip(colours, keep, strict=True) if k],
            linewidth=2.5 if gid == "flagged" else 1.8,
            gid=gid,
        )
    ax.scatter(raters["offset"], y, c=colours, s=36, zorder=3, gid="offsets")
    ax.axvline(0, color="#222222", linewidth=1, zorder=1)
    threshold = report.options["leniency_threshold"]
    for side in (-threshold, threshold):
        ax.axvline(side, color=NEUTRAL, linewidth=0.8, linestyle=":", zorder=1)

    for row, record in zip(y, raters.to_dict(orient="records"), strict=True):
        if record["flag"]:
            ax.annotate(
                record["flag"],
                xy=(1.0, row),
                xycoords=("axes fraction", "data"),
                xytext=(6, 0),
                textcoords="offset points",
                va="center",
                color=FLAG_COLOURS[record["flag"]],
                fontsize=FONT_SIZE - 1,
                fontweight="bold",
            )
    _nominal_notes(ax, report, headings)

    labels = _rows_axis(ax, list(raters["rater"]), headings=headings, rows=rows)
    for label, colour, is_flagged in zip(labels, colours, flagged, strict=True):
        if is_flagged:
            label.set_color(colour)
            label.set_fontweight("bold")
    ax.set_xlabel(
        "offset from the other raters' mean on the same calls\n"
        "(in levels; above 0 = lenient, below 0 = severe)"
    )
    level = report.options["level"]
    ax.set_title(f"Rater leniency, {level:.0%} intervals", loc="left")
    return figure


def rater_agreement_figure(
    ratings: RatingsTable | CriterionRatings | pd.DataFrame,
    criterion: str | None = None,
    *,
    ax: Axes | None = None,
) -> Figure:
    """Rater x rater heatmap: how often two raters gave a call the same score.

    Parameters
    ----------
    ratings
        A :class:`~toolkit.ratings.RatingsTable`, the ratings of one
        criterion, or a units x raters matrix. A calibration report holds no
        rater x rater numbers, so it is refused: pass the table it was made
        from.
    criterion
        Which criterion of a RatingsTable; may be omitted when it has one.
    ax
        Axes to draw into; a new figure when omitted.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    TypeError
        For a calibration report or another type.
    ValueError
        When a table has several criteria and none is named.

    Examples
    --------
    >>> import pandas as pd
    >>> matrix = pd.DataFrame({"ana": [1, 2, 3], "ben": [1, 2, 2]})
    >>> image = rater_agreement_figure(matrix).axes[0].images[0]
    >>> image.get_array().filled(-1).round(2).tolist()
    [[-1.0, 0.67], [0.67, -1.0]]
    """
    if isinstance(ratings, CalibrationReport):
        raise TypeError(
            "a CalibrationReport holds no rater x rater numbers; pass the "
            "RatingsTable the report was made from, e.g. "
            "rater_agreement_figure(table, criterion)"
        )
    if isinstance(ratings, RatingsTable):
        if criterion is None and len(ratings.criteria) != 1:
            raise ValueError(
                f"the table has {len(ratings.criteria)} criteria "
                f"{list(ratings.criteria)}; name one, e.g. "
                f"rater_agreement_figure(table, {ratings.criteria[0]!r})"
            )
        ratings = ratings.criterion(criterion or ratings.criteria[0])
    if isinstance(ratings, CriterionRatings):
        criterion = criterion or ratings.criterion
    elif not isinstance(ratings, pd.DataFrame | np.ndarray):
        raise TypeError(
            f"ratings is a {type(ratings).__name__}; pass a RatingsTable, "
            "CriterionRatings or a calls x raters DataFrame"
        )
    shares = agreement.pairwise_agreement(ratings)
    n_raters = len(shares)
    size = max(4.5, 1.0 + 0.6 * n_raters)
    figure, ax = _canvas(ax, n_rows=0, width=size + 1.2, height=size)

    image = ax.imshow(
        np.ma.masked_invalid(shares.to_numpy()),
        cmap=colormaps["Blues"].with_extremes(bad="#eeeeee"),
        vmin=0,
        vmax=1,
        gid="agreement",
    )
    for (i, j), value in np.ndenumerate(shares.to_numpy()):
        text = "—" if math.isnan(value) else f"{value:.0%}"
        colour = "white" if not math.isnan(value) and value > 0.6 else "#222222"
        ax.text(
            j, i, text, ha="center", va="center", color=colour, fontsize=FONT_SIZE - 1
        )

    names = [_plain(r) for r in shares.index]
    ax.set_xticks(np.arange(n_raters), labels=names, rotation=45, ha="right")
    ax.set_yticks(np.arange(n_raters), labels=names)
    ax.tick_params(labelsize=FONT_SIZE)
    bar = figure.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    bar.set_label("share of shared calls scored the same", fontsize=FONT_SIZE)
    title = "Rater agreement"
    if criterion is not None:
        title += f": {_plain(criterion)}"
    ax.set_title(title, loc="left", fontsize=FONT_SIZE + 1)
    return figure


def disputed_calls_figure(
    report: CalibrationReport, n_calls: int = 10, *, ax: Axes | None = None
) -> Figure:
    """The most disputed calls of each criterion, most disputed on top.

    Each bar is a call's disagreement (the mean difference between two of
    its scores); the scores themselves are written beside the bar.

    Parameters
    ----------
    report
        A calibration report.
    n_calls
        How many calls per criterion.
    ax
        Axes to draw into; a new figure when omitted.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from toolkit.calibration import calibration_report
    >>> from toolkit.examples import load_example
    >>> report = calibration_report(load_example("synthetic_round"), rng=7,
    ...                             n_resamples=200, target_half_width=None)
    >>> ax = disputed_calls_figure(report, n_calls=2).axes[0]
    >>> len(ax.patches)  # two calls on each of three criteria
    6
    """
    _check_report(report, CalibrationReport, "disputed_calls_figure")
    if isinstance(n_calls, bool) or not isinstance(n_calls, int) or n_calls < 1:
        raise ValueError(f"n_calls={n_calls!r} must be a whole number, 1 or more")
    calls = report.disputed(n_calls)
    blocks = [
        (criterion, [_call_label(r) for r in group.to_dict(orient="records")])
        for criterion, group in calls.groupby("criterion", sort=False)
    ]
    rows, headings = _block_rows(blocks)
    figure, ax = _canvas(ax, n_rows=len(rows) + len(headings), width=8.0)

    y = np.array(rows, dtype=float)
    ax.barh(y, calls["disagreement"], height=0.6, color="#7a9cc6")
    for row, record in zip(y, calls.to_dict(orient="records"), strict=True):
        ax.annotate(
            f"scores {record['scores']}",
            xy=(record["disagreement"], row),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=FONT_SIZE - 2,
        )
    top = calls["disagreement"].max() if len(calls) else 1.0
    ax.set_xlim(0, (top if top > 0 else 1.0) * 1.45)

    labels = [label for _, items in blocks for label in items]
    _rows_axis(ax, labels, headings=headings, rows=rows)
    ax.set_xlabel("disagreement: mean difference between two scores of the call")
    ax.set_title("Most disputed calls: discuss these first", loc="left")
    return figure


def divergence_figure(report: DivergenceReport, *, ax: Axes | None = None) -> Figure:
    """Per rep and criterion: calls where the peer scored above or below the manager.

    Counts are summed over every period of the report. Bars to the right
    count calls where the peer scored higher than the manager, to the left
    lower (beyond the report's tolerance).

    Parameters
    ----------
    report
        A divergence report.
    ax
        Axes to draw into; a new figure when omitted.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from toolkit.divergence import divergence_report
    >>> from toolkit.synthetic import monthly_scores
    >>> report = divergence_report(monthly_scores(rng=4).table)
    >>> ax = divergence_figure(report).axes[0]
    >>> [bars.get_label() for bars in ax.containers]
    ['peer above manager', 'peer below manager']
    """
    _check_report(report, DivergenceReport, "divergence_figure")
    counts = (
        report.summary.groupby(["rep", "criterion"], sort=False)[
            ["n_peer_above", "n_peer_below", "n_calls"]
        ]
        .sum()
        .reset_index()
    )
    blocks = [
        (rep, list(group["criterion"]))
        for rep, group in counts.groupby("rep", sort=False)
    ]
    rows, headings = _block_rows(blocks)
    own = ax is None
    figure, ax = _canvas(ax, n_rows=len(rows) + len(headings), width=8.0)

    y = np.array(rows, dtype=float)
    ax.barh(
        y,
        counts["n_peer_above"],
        height=0.6,
        color=PEER_ABOVE,
        label="peer above manager",
    )
    ax.barh(
        y,
        -counts["n_peer_below"],
        height=0.6,
        color=PEER_BELOW,
        label="peer below manager",
    )
    ax.axvline(0, color="#222222", linewidth=1)
    reach = float(counts[["n_peer_above", "n_peer_below"]].to_numpy().max(initial=0))
    ax.set_xlim(-(reach + 0.5), reach + 0.5)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.xaxis.set_major_formatter(lambda value, _: f"{abs(value):g}")

    labels = [label for _, items in blocks for label in items]
    _rows_axis(ax, labels, headings=headings, rows=rows)
    ax.set_xlabel("calls: peer scored below the manager  |  peer scored above")
    ax.set_title("Peer vs manager divergence per rep and criterion", loc="left")
    handles, _ = ax.get_legend_handles_labels()
    _legend(figure, ax, handles, own=own)
    return figure


# ------------------------------------------------------------------ helpers


def _check_report(report: Any, kind: type, function: str) -> None:
    if not isinstance(report, kind):
        raise TypeError(
            f"{function} takes a {kind.__name__}, got {type(report).__name__}"
        )


def _canvas(
    ax: Axes | None, *, n_rows: int, width: float, height: float | None = None
) -> tuple[Figure, Axes]:
    """The figure and axes to draw into: the caller's, or a new pair."""
    if ax is not None:
        figure = ax.get_figure()
        if not isinstance(figure, Figure):
            raise TypeError("ax must belong to a matplotlib Figure")
        return figure, ax
    if height is None:
        height = 1.8 + (0.38 if n_rows < 8 else 0.3) * max(n_rows, 2)
    figure = Figure(figsize=(width, height), layout="constrained", dpi=100)
    new = figure.add_subplot()
    new.tick_params(labelsize=FONT_SIZE)
    new.xaxis.label.set_fontsize(FONT_SIZE)
    new.title.set_fontsize(FONT_SIZE + 1)
    return figure, new


def _legend(figure: Figure, ax: Axes, handles: Sequence[Artist], *, own: bool) -> None:
    """A legend under our own figure; inside the caller's axes otherwise."""
    options: dict[str, Any] = {
        "handles": handles,
        "frameon": False,
        "fontsize": FONT_SIZE - 1,
        "ncols": len(handles),
    }
    if own:
        figure.legend(loc="outside lower center", **options)
    else:
        ax.legend(loc="best", **options)


def _block_rows(
    blocks: Sequence[tuple[Any, Sequence[Any]]],
) -> tuple[list[int], list[tuple[int, Any]]]:
    """Row positions of grouped items, each group under a heading row."""
    rows: list[int] = []
    headings: list[tuple[int, Any]] = []
    position = 0
    for name, items in blocks:
        headings.append((position, name))
        rows.extend(range(position + 1, position + 1 + len(items)))
        position += len(items) + 1
    return rows, headings


def _rows_axis(
    ax: Axes,
    labels: Sequence[Any],
    *,
    headings: Sequence[tuple[int, Any]] = (),
    rows: Sequence[int] | None = None,
) -> list[Any]:
    """Label the rows top to bottom; headings in bold. Returns the item labels."""
    positions = list(range(len(labels))) if rows is None else list(rows)
    ticks = positions + [row for row, _ in headings]
    texts = [_plain(x) for x in labels] + [_plain(name) for _, name in headings]
    ax.set_yticks(ticks, labels=texts)
    ax.tick_params(axis="y", length=0)
    ax.set_ylim(max(ticks, default=0) + 0.7, -0.7)
    tick_labels = ax.get_yticklabels()
    for label in tick_labels[len(positions) :]:
        label.set_fontweight("bold")
    return list(tick_labels[: len(positions)])


def _nominal_notes(
    ax: Axes, report: CalibrationReport, headings: Sequence[tuple[int, Any]]
) -> None:
    """Say so beside a criterion whose scale has no leniency."""
    criteria = report.criteria
    scales = dict(zip(criteria["criterion"], criteria["scale"], strict=True))
    for row, name in headings:
        if scales.get(name) == "nominal":
            ax.annotate(
                "not defined on a nominal scale",
                xy=(0.5, row),
                xycoords=("axes fraction", "data"),
                ha="center",
                va="center",
                color=NEUTRAL,
                fontsize=FONT_SIZE - 1,
            )


def _verdict_text(record: Mapping[Any, Any]) -> str:
    verdict = str(record["verdict"])
    column = BAND_COLUMNS.get(verdict)
    if column is None or pd.isna(record[column]):
        return verdict
    return f"{verdict} ({_percent(record[column])} likely)"


def _percent(share: float) -> str:
    """A share as a percentage that never rounds to a certainty."""
    if share > 0.995:
        return ">99%"
    if share < 0.005:
        return "<1%"
    return f"{share:.0%}"


def _call_label(record: Mapping[Any, Any]) -> str:
    if pd.isna(record["round"]):
        return str(record["call"])
    return f"{record['call']} (round {record['round']})"


def _words(name: Any) -> str:
    return str(name).replace("_", " ")


def _plain(value: Any) -> str:
    """A name from the data as matplotlib text: ``$`` is printed, not parsed."""
    return str(value).replace("$", r"\$")
