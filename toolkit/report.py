"""A calibration report as one self-contained HTML page.

The page holds the verdicts with the chance of each band, the raters, the
most disputed calls, scale use, rounds and notes, with the figures of
:mod:`toolkit.plots` embedded as PNG images. It needs nothing else: no
stylesheet, script, font or image is fetched, so it can be mailed or opened
offline. Every name from the data is escaped, so a criterion called
``<script>`` is shown as text, never run.

Examples
--------
>>> from toolkit.calibration import calibration_report
>>> from toolkit.examples import load_example
>>> report = calibration_report(load_example("synthetic_round"), rng=7,
...                             n_resamples=200, target_half_width=None)
>>> page = calibration_html(report, title="March round")
>>> page.startswith("<!DOCTYPE html>"), page.count('src="data:image/png')
(True, 3)
"""

from __future__ import annotations

import base64
import html
import io
import math
from collections.abc import Callable, Sequence
from os import PathLike
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from toolkit import plots
from toolkit.calibration import BAND_COLUMNS, BANDS, CalibrationReport
from toolkit.ratings import RatingsTable

__all__ = ["calibration_html", "write_calibration_html"]

Column = tuple[str, str, Callable[[Any], str]]

_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       max-width: 62rem; margin: 2rem auto; padding: 0 1rem; color: #222;
       line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.25rem; margin-top: 2.2rem; border-bottom: 1px solid #ddd; }
h3 { font-size: 1.05rem; margin-bottom: 0.3rem; }
.meta { color: #555; font-size: 0.9rem; }
table { border-collapse: collapse; margin: 0.6rem 0 1rem; font-size: 0.9rem; }
th, td { border-bottom: 1px solid #e3e3e3; padding: 0.3rem 0.6rem;
         text-align: left; vertical-align: top; }
th { background: #f4f4f4; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
.flagged td { background: #fdecea; }
.verdict { font-weight: 600; }
img { max-width: 100%; height: auto; display: block; margin: 0.8rem 0; }
"""


def calibration_html(
    report: CalibrationReport,
    *,
    title: str | None = None,
    table: RatingsTable | None = None,
    n_disputed: int = 5,
) -> str:
    """The report as one HTML page with its figures embedded.

    Parameters
    ----------
    report
        A calibration report.
    title
        The page's heading; "Calibration round" when omitted.
    table
        The ratings the report was made from. With it, the page adds a rater
        x rater agreement heatmap per criterion (the report itself holds no
        pairwise numbers).
    n_disputed
        How many of the most disputed calls per criterion to list and draw.

    Returns
    -------
    str
        A complete HTML document.

    Raises
    ------
    TypeError
        When ``report`` is not a CalibrationReport.

    Examples
    --------
    A criterion's name is escaped wherever it appears:

    >>> import pandas as pd
    >>> from toolkit.calibration import calibration_report
    >>> scores = pd.DataFrame({
    ...     "call": [c for c in "abcdef" for _ in range(3)],
    ...     "criterion": "<b>close</b>",
    ...     "rater": ["ana", "ben", "cy"] * 6,
    ...     "score": [1, 1, 2, 2, 2, 2, 3, 3, 3, 1, 2, 1, 3, 3, 2, 2, 2, 2]})
    >>> report = calibration_report(scores, rng=1, n_resamples=200,
    ...                             target_half_width=None)
    >>> page = calibration_html(report)
    >>> "<b>close" in page, "&lt;b&gt;close&lt;/b&gt;" in page
    (False, True)
    """
    if not isinstance(report, CalibrationReport):
        raise TypeError(
            f"calibration_html takes a CalibrationReport, got {type(report).__name__}"
        )
    title = title or "Calibration round"

    sections = [
        _verdicts(report),
        _raters(report),
        _agreement(report, table) if table is not None else "",
        _disputed(report, n_disputed),
        _scale_use(report),
        _rounds(report),
        _notes(report),
    ]
    body = "\n".join(section for section in sections if section)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{_text(title)}</title>\n<style>{_STYLE}</style>\n</head>\n"
        f"<body>\n<h1>{_text(title)}</h1>\n{_meta(report)}\n{body}\n"
        "</body>\n</html>\n"
    )


def write_calibration_html(
    report: CalibrationReport,
    path: str | PathLike[str],
    *,
    title: str | None = None,
    table: RatingsTable | None = None,
) -> Path:
    """Write :func:`calibration_html` to ``path`` (UTF-8); returns the path.

    Raises
    ------
    FileNotFoundError
        When the folder of ``path`` does not exist.
    """
    target = Path(path)
    if not target.resolve().parent.is_dir():
        raise FileNotFoundError(
            f"{target}: the folder {target.parent} does not exist; create it "
            "or write the report elsewhere"
        )
    target.write_text(
        calibration_html(report, title=title, table=table), encoding="utf-8"
    )
    return target


# ------------------------------------------------------------------ sections


def _meta(report: CalibrationReport) -> str:
    options = report.options
    low, high = options["thresholds"]
    return (
        '<p class="meta">'
        f"{options['level']:.0%} bootstrap percentile intervals from "
        f"{options['n_resamples']} resamples of the calls (seed {report.seed}). "
        f"Bands: <em>needs a sharper definition</em> below {low:.3f}, "
        f"<em>tentative</em> {low:.3f} to {high:.3f}, <em>ready</em> {high:.3f} "
        f"or more. Made by peer-coaching-toolkit {_text(report.toolkit_version)}."
        "</p>"
    )


def _verdicts(report: CalibrationReport) -> str:
    columns: list[Column] = [
        ("criterion", "criterion", _text),
        ("verdict", "verdict", _text),
        ("coefficient", "coefficient", _text),
        ("estimate", "estimate", _number),
        ("interval", "interval", _text),
        ("n_calls", "calls", _count),
        ("n_raters", "raters", _count),
        *[(BAND_COLUMNS[band], f"chance: {band}", _chance) for band in BANDS],
        ("estimate_without_flagged", "without flagged raters", _number),
        ("reason", "why", _text),
    ]
    criteria = report.criteria.assign(interval=_intervals(report.criteria))
    return (
        "<h2>Verdicts per criterion</h2>\n"
        "<p>Is each criterion defined well enough for peers to score it the "
        "same way? The chance of each band comes from the bootstrap.</p>\n"
        + _table(criteria, columns)
        + _image(plots.criteria_figure(report), "agreement per criterion")
    )


def _raters(report: CalibrationReport) -> str:
    columns: list[Column] = [
        ("criterion", "criterion", _text),
        ("rater", "rater", _text),
        ("n_calls", "calls", _count),
        ("offset", "offset (levels)", _signed),
        ("interval", "interval", _text),
        ("flag", "flag", _text),
        ("exact_agreement", "same score as others", _share),
        ("coefficient_without", "agreement without them", _number),
        ("change_without", "change without them", _signed),
        ("range", "levels used", _text),
    ]
    raters = report.raters.assign(
        interval=_intervals(report.raters, "offset_low", "offset_high"),
        range=[
            f"{low} to {high}" if not pd.isna(low) else "—"
            for low, high in zip(
                report.raters["lowest_level"],
                report.raters["highest_level"],
                strict=True,
            )
        ],
    )
    flagged = raters["flag"].notna().tolist()
    return (
        "<h2>Raters</h2>\n"
        "<p>Offset: how far a rater scores above (lenient) or below (severe) "
        "the other raters on the same calls. A positive change without them "
        "means agreement rises when they are left out.</p>\n"
        + _image(plots.leniency_figure(report), "rater leniency")
        + _table(raters, columns, flagged=flagged)
    )


def _agreement(report: CalibrationReport, table: RatingsTable) -> str:
    parts = [
        "<h2>Rater agreement</h2>\n<p>How often two raters gave a call the same "
        "score, of the calls both scored.</p>"
    ]
    for criterion in report.criteria["criterion"]:
        if criterion in table.criteria:
            figure = plots.rater_agreement_figure(table, criterion)
            parts.append(_image(figure, f"rater agreement on {criterion}"))
    return "\n".join(parts)


def _disputed(report: CalibrationReport, n_disputed: int) -> str:
    columns: list[Column] = [
        ("criterion", "criterion", _text),
        ("call", "call", _text),
        ("round", "round", _text),
        ("scores", "scores", _text),
        ("disagreement", "disagreement", _number),
        ("rank", "rank", _count),
    ]
    calls = report.disputed(n_disputed)
    if calls.empty:
        return "<h2>Most disputed calls</h2>\n<p>No call was scored twice.</p>"
    if calls["round"].isna().all():
        columns = [column for column in columns if column[0] != "round"]
    return (
        "<h2>Most disputed calls</h2>\n<p>Discuss these first. Disagreement is "
        "the mean difference between two scores of the call.</p>\n"
        + _image(plots.disputed_calls_figure(report, n_disputed), "most disputed calls")
        + _table(calls, columns)
    )


def _scale_use(report: CalibrationReport) -> str:
    use = report.scale_use
    if use.empty:
        return ""
    parts = [
        "<h2>Scale use</h2>\n<p>How many scores each rater gave at each level. "
        "A rater who never uses a level the others use shows here.</p>"
    ]
    for criterion, group in use.groupby("criterion", sort=False):
        counts = group.pivot_table(
            index="rater", columns="position", values="count", sort=False
        )
        levels = group.drop_duplicates("position").set_index("position")["level"]
        header = "".join(f"<th>{_text(levels[p])}</th>" for p in counts.columns)
        rows = "".join(
            f"<tr><td>{_text(rater)}</td>"
            + "".join(f'<td class="number">{_count(v)}</td>' for v in values)
            + "</tr>\n"
            for rater, values in zip(counts.index, counts.to_numpy(), strict=True)
        )
        parts.append(
            f"<h3>{_text(criterion)}</h3>\n<table>\n<tr><th>rater</th>{header}"
            f"</tr>\n{rows}</table>"
        )
    return "\n".join(parts)


def _rounds(report: CalibrationReport) -> str:
    if report.rounds.empty:
        return (
            "<h2>Rounds</h2>\n<p>One round: no round or date column, so there "
            "is no drift to show.</p>"
        )
    columns: list[Column] = [
        ("criterion", "criterion", _text),
        ("round", "round", _text),
        ("estimate", "estimate", _number),
        ("interval", "interval", _text),
        ("n_calls", "calls", _count),
        ("verdict", "verdict", _text),
        ("change", "change from previous round", _signed),
    ]
    rounds = report.rounds.assign(interval=_intervals(report.rounds))
    last = "".join(
        f"<li>{_text(name)}: last ready "
        f"{'never' if pd.isna(r) else 'in round ' + _text(r)}</li>"
        for name, r in zip(
            report.criteria["criterion"],
            report.criteria["last_ready_round"],
            strict=True,
        )
    )
    return (
        "<h2>Rounds</h2>\n<p>How agreement moved from round to round.</p>\n"
        + _table(rounds, columns)
        + f"<ul>{last}</ul>"
    )


def _notes(report: CalibrationReport) -> str:
    if not report.notes:
        return ""
    items = "".join(f"<li>{_text(note)}</li>\n" for note in report.notes)
    return f"<h2>Notes</h2>\n<ul>\n{items}</ul>"


# ------------------------------------------------------------------ pieces


def _table(
    frame: pd.DataFrame,
    columns: Sequence[Column],
    *,
    flagged: Sequence[bool] | None = None,
) -> str:
    """An HTML table of ``frame``; every cell goes through its formatter."""
    header = "".join(f"<th>{_text(heading)}</th>" for _, heading, _ in columns)
    numeric = {_number, _count, _share, _chance, _signed}
    rows = []
    records = frame.to_dict(orient="records")
    for i, record in enumerate(records):
        cells = "".join(
            f'<td class="number">{show(record[name])}</td>'
            if show in numeric
            else f"<td>{show(record[name])}</td>"
            for name, _, show in columns
        )
        marked = ' class="flagged"' if flagged is not None and flagged[i] else ""
        rows.append(f"<tr{marked}>{cells}</tr>")
    return "<table>\n<tr>" + header + "</tr>\n" + "\n".join(rows) + "\n</table>\n"


def _image(figure: Figure, description: str) -> str:
    """The figure as an embedded PNG ``<img>``."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100)
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img src="data:image/png;base64,{encoded}" alt="{_text(description)}">\n'


def _intervals(
    frame: pd.DataFrame, low: str = "ci_low", high: str = "ci_high"
) -> list[str]:
    return [
        f"{_number(a)} to {_number(b)}"
        for a, b in zip(frame[low], frame[high], strict=True)
    ]


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return html.escape(str(value))


def _number(value: Any) -> str:
    return "—" if _missing(value) else f"{float(value):.3f}"


def _signed(value: Any) -> str:
    if _missing(value):
        return "—"
    number = float(value)
    return "0.00" if abs(number) < 0.005 else f"{number:+.2f}"


def _share(value: Any) -> str:
    return "—" if _missing(value) else f"{float(value):.0%}"


def _chance(value: Any) -> str:
    """A probability that never rounds to a certainty."""
    if _missing(value):
        return "—"
    if value > 0.995:
        return "&gt;99%"
    return "&lt;1%" if value < 0.005 else f"{float(value):.0%}"


def _count(value: Any) -> str:
    return "—" if _missing(value) else f"{float(value):g}"


def _missing(value: Any) -> bool:
    return value is None or bool(pd.isna(value))
