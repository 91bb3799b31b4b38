"""``peercoach calibrate``: agreement and the calibration report of a round."""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import click
import pandas as pd

from toolkit import __version__
from toolkit._export import spreadsheet_safe
from toolkit.cli._common import (
    _columns,
    _json_default,
    _names,
    _number,
    _parse_levels,
    _records,
    _require_folder,
)
from toolkit.cli._group import _fail
from toolkit.errors import ToolkitError, ToolkitWarning

__all__: list[str] = []


@click.command()
@click.argument("file", required=False, type=click.Path(dir_okay=False))
@click.option(
    "--example",
    "example",
    metavar="NAME",
    help="Use a bundled data set instead of FILE (see `peercoach examples`).",
)
@click.option("--call-column", default="call", show_default=True)
@click.option(
    "--criterion-column",
    default="criterion",
    show_default=True,
    help="Without this column the file is one criterion.",
)
@click.option("--rater-column", default="rater", show_default=True)
@click.option("--score-column", default="score", show_default=True)
@click.option(
    "--scale",
    type=click.Choice(["nominal", "ordinal", "interval", "ratio"]),
    help="Scale of every criterion [default: inferred from the scores].",
)
@click.option(
    "--levels",
    "levels",
    multiple=True,
    metavar="[CRITERION=]L1,L2,...",
    help="Declared levels, lowest first, e.g. 1,2,3,4,5; for one criterion "
    "only, 'next steps=no,yes'. Repeat for several criteria.",
)
@click.option(
    "--criteria",
    metavar="NAME,...",
    help="Analyse only these criteria.",
)
@click.option(
    "--coefficients",
    metavar="NAME,...",
    help="Coefficients to compute instead of those that fit the scale.",
)
@click.option(
    "--bootstrap",
    "n_resamples",
    type=click.IntRange(min=100),
    metavar="N",
    help="Percentile bootstrap intervals from N resamples of the calls "
    "(the verdicts always resample: N, or 2000).",
)
@click.option(
    "--seed",
    type=int,
    default=0,
    show_default=True,
    help="Seed of the bootstrap (the same seed gives the same intervals).",
)
@click.option(
    "--verdict-coefficient",
    metavar="NAME",
    help="Coefficient of the verdicts [default: Krippendorff's alpha with the "
    "scale's metric].",
)
@click.option(
    "--thresholds",
    default="0.667,0.8",
    show_default=True,
    metavar="LOW,HIGH",
    help="Lower ends of the tentative and ready bands.",
)
@click.option(
    "--level",
    "confidence",
    default=0.95,
    show_default=True,
    type=float,
    help="Confidence level of the intervals.",
)
@click.option(
    "--format",
    "output_format",
    default="table",
    show_default=True,
    type=click.Choice(["table", "csv", "json"]),
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False),
    help="Write to this file instead of the screen.",
)
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False),
    metavar="FILE.html",
    help="Also write the whole report as one self-contained HTML page with "
    "its figures.",
)
def calibrate(
    file: str | None,
    example: str | None,
    call_column: str,
    criterion_column: str,
    rater_column: str,
    score_column: str,
    scale: str | None,
    levels: tuple[str, ...],
    criteria: str | None,
    coefficients: str | None,
    n_resamples: int | None,
    seed: int,
    verdict_coefficient: str | None,
    thresholds: str,
    confidence: float,
    output_format: str,
    output: str | None,
    report_path: str | None,
) -> None:
    """Agreement per criterion for a calibration round in FILE (a long CSV).

    FILE has one row per score with columns call, criterion, rater and score
    (other names via the --*-column options); a round or date column splits
    it into rounds. The table and JSON formats add the calibration report:
    per criterion a verdict with the chance of each band, lenient and severe
    raters and the most disputed calls (JSON: everything, the coefficients
    under "coefficients"). CSV gives the coefficients only. --report
    writes the report as an HTML page, whatever the format.
    """
    from toolkit.agreement import agreement_summary
    from toolkit.calibration import calibration_report
    from toolkit.examples import load_example
    from toolkit.ratings import RatingsTable

    if (file is None) == (example is None):
        _fail("give either FILE or --example NAME (see `peercoach examples`)")
    if output and file and Path(output).resolve() == Path(file).resolve():
        _fail(f"--output {output} is the input file; write the results elsewhere")
    if output:
        _require_folder("--output", output)
    if report_path:
        target = Path(report_path).resolve()
        if file and target == Path(file).resolve():
            _fail(f"--report {report_path} is the input file; write it elsewhere")
        if output and target == Path(output).resolve():
            _fail(f"--report {report_path} is also --output; give two files")
        _require_folder("--report", report_path)
    captured: list[warnings.WarningMessage] = []
    try:
        with warnings.catch_warnings(record=True) as captured:
            warnings.simplefilter("always", ToolkitWarning)
            if example is not None:
                table = load_example(example)
                source = f"example {example}"
            else:
                table = RatingsTable.from_csv(
                    str(file),
                    call=call_column,
                    criterion=criterion_column,
                    rater=rater_column,
                    score=score_column,
                    scale=scale,
                    levels=_parse_levels(levels),
                    criteria=_names(criteria),
                )
                source = str(file)
            summary = agreement_summary(
                table,
                level=confidence,
                coefficients=_names(coefficients),
                bootstrap=n_resamples,
                rng=seed,
            )
            report = None
            if output_format != "csv" or report_path:
                report = calibration_report(
                    table,
                    coefficient=verdict_coefficient,
                    thresholds=_thresholds(thresholds),
                    level=confidence,
                    n_resamples=n_resamples or 2000,
                    rng=seed,
                )
    except (ToolkitError, KeyError, ValueError, TypeError) as exc:
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        _fail(str(message))
        return
    # a warning the printed report lists under Notes is not said twice
    in_notes = (
        set(report.notes) if report is not None and output_format != "csv" else set()
    )
    for caught in captured:
        if str(caught.message) not in in_notes:
            click.echo(f"peercoach: warning: {caught.message}", err=True)

    if report_path and report is not None:
        from toolkit.report import write_calibration_html

        write_calibration_html(
            report, report_path, title=f"Calibration round: {source}", table=table
        )
        click.echo(f"wrote the HTML report to {report_path}", err=True)
        if output_format == "csv":
            report = None
    text = _render(summary, output_format, source, confidence, report)
    if output:
        Path(output).write_text(text, encoding="utf-8")
        click.echo(f"wrote {len(summary)} rows to {output}", err=True)
    else:
        click.echo(text, nl=False)


def _thresholds(text: str) -> tuple[float, float]:
    """``--thresholds 0.667,0.8`` as two numbers."""
    try:
        low, high = (float(part) for part in text.split(","))
    except ValueError:
        raise click.UsageError(
            f"--thresholds {text!r}: give two numbers, the lower ends of the "
            "tentative and ready bands, e.g. --thresholds 0.667,0.8"
        ) from None
    return low, high


def _render(
    summary: pd.DataFrame,
    output_format: str,
    source: str,
    confidence: float,
    report: Any = None,
) -> str:
    if output_format == "csv":
        return spreadsheet_safe(summary).to_csv(index=False)
    if output_format == "json":
        payload = {
            "source": source,
            "level": confidence,
            "toolkit_version": __version__,
            "coefficients": _records(summary),
            **(report.to_dict() if report is not None else {}),
        }
        return json.dumps(payload, indent=2, default=_json_default) + "\n"
    text = _table(summary, source, confidence)
    return text + ("\n" + report.summary() if report is not None else "")


def _table(summary: pd.DataFrame, source: str, confidence: float) -> str:
    percent = f"{confidence:.0%}"
    kinds = {kind for kind in summary["interval"] if kind}
    how = "bootstrap percentile" if kinds == {"bootstrap percentile"} else "analytic"
    lines = [f"Agreement in {source} ({percent} intervals, {how})", ""]
    for criterion, rows in summary.groupby("criterion", sort=False):
        first = rows.iloc[0]
        levels = f" (levels {first['levels']})" if first["levels"] else ""
        lines.append(
            f"criterion {criterion!s}: {first['scale']} scale{levels}, "
            f"{rows['n_calls'].max()} calls, {rows['n_raters'].max()} raters"
        )
        header = [
            "coefficient",
            "variant",
            "estimate",
            f"{percent} interval",
            "SE",
            "calls",
            "raters",
            "note",
        ]
        cells: list[list[str]] = [
            [
                str(row.coefficient),
                str(row.variant),
                _number(row.estimate),
                f"[{_number(row.ci_low)}, {_number(row.ci_high)}]",
                _number(row.standard_error),
                str(row.n_calls),
                str(row.n_raters),
                str(row.note),
            ]
            for row in rows.itertuples()
        ]
        lines.extend(_columns(header, cells))
        lines.append("")
    return "\n".join(lines)
