"""The ``peercoach`` command line: thin, it parses, calls the package, prints.

A toolkit error becomes one line on stderr and exit code 2, with no traceback.
"""

from __future__ import annotations

import json
import logging
import math
import sys
import warnings
from pathlib import Path
from typing import Any

import click
import pandas as pd

from toolkit import __version__
from toolkit.errors import ToolkitError, ToolkitWarning

__all__ = ["main"]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _fail(message: str) -> None:
    click.echo(f"peercoach: error: {message}", err=True)
    sys.exit(2)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="peercoach")
@click.option("-v", "--verbose", count=True, help="Log progress (-vv: debug).")
def cli(verbose: int) -> None:
    """Peer Coaching Toolkit: check a peer-coaching program before launch."""
    if verbose:
        logging.basicConfig(
            level=logging.DEBUG if verbose > 1 else logging.INFO,
            format="%(levelname)s %(name)s: %(message)s",
        )


@cli.command()
def examples() -> None:
    """List the bundled example data sets."""
    from toolkit.examples import EXAMPLES

    for example in EXAMPLES.values():
        click.echo(f"{example.name:26} {example.scale.kind:9} {example.description}")
        click.echo(f"{'':26} source: {example.source}")


@cli.command()
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
    if output and not Path(output).resolve().parent.is_dir():
        _fail(f"--output {output}: the folder {Path(output).parent} does not exist")
    if report_path:
        target = Path(report_path).resolve()
        if file and target == Path(file).resolve():
            _fail(f"--report {report_path} is the input file; write it elsewhere")
        if output and target == Path(output).resolve():
            _fail(f"--report {report_path} is also --output; give two files")
        if not target.parent.is_dir():
            _fail(
                f"--report {report_path}: the folder {Path(report_path).parent} "
                "does not exist"
            )
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
    for caught in captured:
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


def _names(text: str | None) -> list[str] | None:
    if not text:
        return None
    return [name.strip() for name in text.split(",") if name.strip()]


def _parse_levels(
    options: tuple[str, ...],
) -> list[Any] | dict[str, list[Any]] | None:
    """``--levels 1,2,3`` for every criterion, or ``NAME=1,2,3`` for one."""
    if not options:
        return None
    shared: list[Any] | None = None
    per_criterion: dict[str, list[Any]] = {}
    for option in options:
        name, _, text = option.rpartition("=")
        levels = [_level(part.strip()) for part in text.split(",") if part.strip()]
        if name.strip():
            per_criterion[name.strip()] = levels
        elif shared is None:
            shared = levels
        else:
            raise click.UsageError(
                "--levels without a criterion name was given twice; prefix the "
                "levels with the criterion, e.g. --levels 'close=1,2,3,4,5'"
            )
    if shared is not None and per_criterion:
        raise click.UsageError(
            "--levels for every criterion and for named criteria at once is "
            "ambiguous; name the criterion of each, e.g. --levels 'close=1,2,3'"
        )
    return shared if shared is not None else per_criterion


def _level(text: str) -> Any:
    try:
        number = float(text)
    except ValueError:
        return text
    return int(number) if number.is_integer() else number


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
        return _spreadsheet_safe(summary).to_csv(index=False)
    if output_format == "json":
        records = [
            {
                k: (None if isinstance(v, float) and math.isnan(v) else v)
                for k, v in row.items()
            }
            for row in summary.to_dict(orient="records")
        ]
        payload = {
            "source": source,
            "level": confidence,
            "toolkit_version": __version__,
            "coefficients": records,
            **(report.to_dict() if report is not None else {}),
        }
        return json.dumps(payload, indent=2, default=_json_default) + "\n"
    text = _table(summary, source, confidence)
    return text + ("\n" + report.summary() if report is not None else "")


def _json_default(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    return str(value)


def _spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Neutralise cells a spreadsheet would run as a formula."""
    safe = frame.copy()
    for column in safe.columns:
        if not pd.api.types.is_numeric_dtype(safe[column]):
            safe[column] = safe[column].map(_neutralise)
    return safe


def _neutralise(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _number(value: Any) -> str:
    number = float(value)
    return "—" if math.isnan(number) else f"{number:.3f}"


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
        widths = [
            max(len(line[i]) for line in [header, *cells]) for i in range(len(header))
        ]
        for line in [header, *cells]:
            text = "  ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=True))
            lines.append("  " + text.rstrip())
        lines.append("")
    return "\n".join(lines)


@cli.command()
@click.option(
    "--reps",
    "reps_file",
    required=True,
    type=click.Path(dir_okay=False),
    help="CSV with a rep column and optional sub_team and manager columns.",
)
@click.option("--months", default=12, show_default=True, type=click.IntRange(1))
@click.option(
    "--reviews-per-rep",
    default=2,
    show_default=True,
    type=click.IntRange(1),
    help="Reviewers per rep per month (each peer reviews as many reps).",
)
@click.option(
    "--rotation",
    default="3",
    show_default=True,
    metavar="MONTHS|never",
    help="Months between rotations, or 'never'.",
)
@click.option(
    "--conflicts",
    "conflicts_file",
    type=click.Path(dir_okay=False),
    help="CSV of pairs to keep apart: rep_a, rep_b and an optional reason.",
)
@click.option(
    "--method",
    default="assigned",
    show_default=True,
    type=click.Choice(["assigned", "random", "self-selected"]),
)
@click.option("--start", metavar="YYYY-MM", help="First month, to date the rows.")
@click.option(
    "--allow-mutual",
    is_flag=True,
    help="Let two reps review each other in the same month.",
)
@click.option(
    "--seed",
    type=int,
    help="Seed that reproduces the schedule [default: drawn, and printed].",
)
@click.option(
    "--format",
    "output_format",
    default="table",
    show_default=True,
    type=click.Choice(["table", "csv"]),
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False),
    help="Write to this file instead of the screen.",
)
def pairings(
    reps_file: str,
    months: int,
    reviews_per_rep: int,
    rotation: str,
    conflicts_file: str | None,
    method: str,
    start: str | None,
    allow_mutual: bool,
    seed: int | None,
    output_format: str,
    output: str | None,
) -> None:
    """Who reviews whom each month: a rotation schedule for the reps in --reps.

    Pairs never cross a sub-team; without a sub_team column, more than 20 reps
    are split into sub-teams of 5 to 8. Nobody reviews themselves, two reps
    never review each other in the same month, and conflict pairs are kept
    apart.
    """
    from toolkit.pairing import pairing_schedule

    every = None if rotation.strip().lower() == "never" else rotation.strip()
    if every is not None and not (every.isdigit() and int(every) >= 1):
        _fail(f"--rotation {rotation}: give a number of months (1 or more) or never")
    inputs = [name for name in (reps_file, conflicts_file) if name]
    if output and any(Path(output).resolve() == Path(f).resolve() for f in inputs):
        _fail(f"--output {output} is an input file; write the schedule elsewhere")
    captured: list[warnings.WarningMessage] = []
    try:
        with warnings.catch_warnings(record=True) as captured:
            warnings.simplefilter("always", ToolkitWarning)
            schedule = pairing_schedule(
                reps_file,
                n_periods=months,
                reviews_per_rep=reviews_per_rep,
                rotation=None if every is None else int(every),
                method=method.replace("-", "_"),
                conflicts=conflicts_file,
                start=start,
                allow_mutual=allow_mutual,
                rng=seed,
            )
    except (ToolkitError, ValueError, TypeError) as exc:
        _fail(str(exc))
        return
    for caught in captured:
        click.echo(f"peercoach: warning: {caught.message}", err=True)

    if output_format == "csv":
        text = _spreadsheet_safe(schedule.frame).to_csv(index=False)
    else:
        text = _pairings_table(schedule)
    if output:
        Path(output).write_text(text, encoding="utf-8")
        click.echo(f"wrote {len(schedule.frame)} rows to {output}", err=True)
    else:
        click.echo(text, nl=False)
    if seed is None:
        click.echo(
            f"seed {schedule.seed} (--seed {schedule.seed} repeats it)", err=True
        )


def _pairings_table(schedule: Any) -> str:
    """One block per rotation: each rep and who reviews them."""
    every = schedule.rotation or schedule.n_periods
    rotation = f"every {every} month(s)" if schedule.rotation else "never"
    first = schedule.first_repeat()
    lines = [
        f"Pairing schedule: {schedule.n_reps} reps in {len(schedule.sub_teams)} "
        f"sub-team(s), {schedule.reviews_per_rep} reviewer(s) per rep per month, "
        f"rotation {rotation}, {schedule.method.replace('_', '-')}",
        f"first repeated pair: month {first}"
        if first
        else f"no pair repeats in these {schedule.n_periods} months",
        "",
    ]
    labels = schedule.periods["label"].tolist()
    frame = schedule.frame
    for begin in range(1, schedule.n_periods + 1, every):
        end = min(begin + every - 1, schedule.n_periods)
        span = labels[begin - 1] + ("" if end == begin else f" to {labels[end - 1]}")
        lines.append(f"month {span}" if begin == end else f"months {span}")
        rows = frame[frame["period"] == begin]
        cells = [["sub-team", "rep", "reviewed by"]] + [
            [str(team), str(rep), ", ".join(map(str, group["reviewer"]))]
            for (team, rep), group in rows.groupby(["sub_team", "rep"], sort=False)
        ]
        widths = [max(len(line[i]) for line in cells) for i in range(2)]
        for team, rep, by in cells:
            lines.append(f"  {team.ljust(widths[0])}  {rep.ljust(widths[1])}  {by}")
        lines.append("")
    return "\n".join(lines)


# planning arguments as the `plan` command spells them, for its error messages
_PLAN_OPTIONS = {
    "target_half_width": "--half-width",
    "half_width_method": "--half-width-method",
    "n_calls": "--calls",
    "n_raters": "--raters",
    "n_levels": "--levels",
    "expected_agreement": "--agreement",
    "n_simulations": "--simulations",
    "missing_share": "--missing",
    "level": "--level",
}


@cli.command()
@click.option(
    "--calls",
    "n_calls",
    type=int,
    help="Calls in the planned round: print the interval it will give.",
)
@click.option(
    "--half-width",
    "target",
    type=float,
    help="Target interval half-width: print the calls a round needs.",
)
@click.option(
    "--raters", "n_raters", required=True, type=int, help="Raters scoring every call."
)
@click.option(
    "--levels", "n_levels", required=True, type=int, help="Levels of the scale."
)
@click.option(
    "--agreement",
    default=0.8,
    show_default=True,
    type=float,
    help="True alpha of the criterion the round should find.",
)
@click.option(
    "--metric",
    default="ordinal",
    show_default=True,
    type=click.Choice(["ordinal", "interval", "nominal"]),
)
@click.option(
    "--half-width-method",
    "method",
    default="analytic",
    show_default=True,
    type=click.Choice(["analytic", "spread"]),
    help="analytic: mean of the intervals rounds report; spread: how far "
    "estimates stray from the truth.",
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
    "--simulations",
    "n_simulations",
    default=2000,
    show_default=True,
    type=int,
    help="Simulated rounds per round size.",
)
@click.option(
    "--missing",
    "missing_share",
    default=0.0,
    show_default=True,
    type=float,
    help="Share of scores raters skip.",
)
@click.option(
    "--seed",
    type=int,
    default=0,
    show_default=True,
    help="Seed of the simulated rounds (the same seed gives the same answer).",
)
@click.option(
    "--format",
    "output_format",
    default="table",
    show_default=True,
    type=click.Choice(["table", "json"]),
)
def plan(
    n_calls: int | None,
    target: float | None,
    n_raters: int,
    n_levels: int,
    agreement: float,
    metric: str,
    method: str,
    confidence: float,
    n_simulations: int,
    missing_share: float,
    seed: int,
    output_format: str,
) -> None:
    """How wide a calibration round's interval will be, or how many calls it needs.

    With --calls: the interval, range of estimates and verdict shares of a
    round that size. With --half-width: the fewest calls for that interval.
    Both simulate rounds whose true Krippendorff's alpha is --agreement.
    """
    from toolkit import planning

    if (n_calls is None) == (target is None):
        _fail(
            "give either --calls N (the interval a round of N calls gives) or "
            "--half-width H (the calls a round needs for that interval)"
        )
    options: dict[str, Any] = {
        "n_raters": n_raters,
        "n_levels": n_levels,
        "expected_agreement": agreement,
        "metric": metric,
        "half_width_method": method,
        "level": confidence,
        "n_simulations": n_simulations,
        "missing_share": missing_share,
        "rng": seed,
    }
    try:
        result: Any
        if n_calls is not None:
            result = planning.interval_for_round(n_calls=n_calls, **options)
        elif target is not None:
            result = planning.calls_needed(target_half_width=target, **options)
    except (ToolkitError, ValueError) as exc:
        message = str(exc)
        for name, option in _PLAN_OPTIONS.items():
            message = message.replace(f"{name}=", f"{option} ")
        _fail(message)
        return

    if output_format == "json":
        payload = {"toolkit_version": __version__, **result.to_dict()}
        click.echo(json.dumps(payload, indent=2))
    else:
        click.echo(result.summary())


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--threshold",
    default=1.0,
    show_default=True,
    type=click.FloatRange(min=0),
    help="Route a criterion to the rep's one-on-one when peer and manager "
    "scores of a call differ by more than this many levels.",
)
@click.option(
    "--tolerance",
    default=0.0,
    show_default=True,
    type=click.FloatRange(min=0),
    help="Scores at most this many levels apart agree (0: the same level).",
)
@click.option(
    "--period",
    default="month",
    show_default=True,
    type=click.Choice(["week", "month", "quarter", "year", "none"]),
    help="Summarise per period of the call's date; 'none' for the whole file.",
)
@click.option("--role-column", default="role", show_default=True)
@click.option("--rep-column", default="rep", show_default=True)
@click.option(
    "--levels",
    "levels",
    multiple=True,
    metavar="[CRITERION=]L1,L2,...",
    help="Declared levels, lowest first (needed for text labels).",
)
@click.option(
    "--level",
    "confidence",
    default=0.95,
    show_default=True,
    type=float,
    help="Confidence level of the AI anchor's intervals.",
)
@click.option(
    "--agenda",
    "agenda_path",
    type=click.Path(dir_okay=False),
    help="Also write the agenda to this CSV file (safe to open in a spreadsheet).",
)
@click.option(
    "--format",
    "output_format",
    default="table",
    show_default=True,
    type=click.Choice(["table", "csv", "json"]),
    help="csv: the agenda only; json: the whole report.",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False),
    help="Write to this file instead of the screen.",
)
def divergence(
    file: str,
    threshold: float,
    tolerance: float,
    period: str,
    role_column: str,
    rep_column: str,
    levels: tuple[str, ...],
    confidence: float,
    agenda_path: str | None,
    output_format: str,
    output: str | None,
) -> None:
    """Peer, manager and AI scores in FILE compared: the one-on-one agenda.

    FILE has one row per score with columns call, criterion, role (peer,
    manager or ai), rep (whose call) and score; optionally rater, date and
    ai_verdict (a peer's agree / disagree with the AI score). Prints the agenda
    per rep and whether the AI score is still a trustworthy anchor.
    """
    from toolkit.divergence import divergence_report, read_scores

    for option, target in (("--output", output), ("--agenda", agenda_path)):
        if target and Path(target).resolve() == Path(file).resolve():
            _fail(f"{option} {target} is the input file; write elsewhere")
        if target and not Path(target).resolve().parent.is_dir():
            _fail(f"{option} {target}: the folder {Path(target).parent} does not exist")
    captured: list[warnings.WarningMessage] = []
    try:
        with warnings.catch_warnings(record=True) as captured:
            warnings.simplefilter("always", ToolkitWarning)
            columns = {"role": role_column, "rep": rep_column}
            parsed = _parse_levels(levels)
            table = read_scores(file, columns=columns, levels=parsed)
            report = divergence_report(
                table,
                threshold=threshold,
                tolerance=tolerance,
                period=None if period == "none" else period,
                level=confidence,
            )
    except (ToolkitError, KeyError, ValueError, TypeError) as exc:
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        _fail(str(message))
        return
    for caught in captured:
        click.echo(f"peercoach: warning: {caught.message}", err=True)

    if agenda_path:
        agenda_csv = _spreadsheet_safe(report.agenda).to_csv(index=False)
        Path(agenda_path).write_text(agenda_csv, encoding="utf-8")
        click.echo(
            f"wrote {len(report.agenda)} agenda item(s) to {agenda_path}", err=True
        )
    if output_format == "csv":
        text = _spreadsheet_safe(report.agenda).to_csv(index=False)
        for note in report.notes:
            click.echo(f"peercoach: note: {note}", err=True)
    elif output_format == "json":
        text = _divergence_json(report, file, confidence)
    else:
        text = _divergence_table(report, file)
    if output:
        Path(output).write_text(text, encoding="utf-8")
        click.echo(f"wrote the {output_format} report to {output}", err=True)
    else:
        click.echo(text, nl=False)


def _divergence_json(report: Any, source: str, confidence: float) -> str:
    def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
        return [
            {
                str(k): (None if isinstance(v, float) and math.isnan(v) else v)
                for k, v in row.items()
            }
            for row in frame.to_dict(orient="records")
        ]

    annotations = report.annotations
    payload = {
        "source": source,
        "threshold": report.threshold,
        "tolerance": report.tolerance,
        "period": report.period,
        "level": confidence,
        "toolkit_version": __version__,
        "agenda": records(report.agenda),
        "summary": records(report.summary),
        "calls": records(report.calls),
        "anchor": {
            "by_criterion": records(report.anchor.by_criterion),
            "by_period": records(report.anchor.by_period),
        },
        "annotations": None
        if annotations is None
        else {
            "by_criterion": records(annotations.by_criterion),
            "by_peer": records(annotations.by_peer),
        },
        "notes": list(report.notes),
    }
    return json.dumps(payload, indent=2, default=_json_default) + "\n"


def _divergence_table(report: Any, source: str) -> str:
    """Agenda per rep, the AI anchor per criterion, then the notes."""
    limit = f"{report.threshold:g} level{'s' if report.threshold != 1 else ''}"
    lines = [
        f"Divergence in {source}: peer and manager more than {limit} apart "
        f"go on the agenda (period: {report.period or 'whole file'})",
        "",
        "Agenda for the next one-on-one",
    ]
    header = ["rep", "period", "criterion", "calls", "peer", "manager", "ai"]
    cells = [
        [
            str(item.rep) if k == 0 or item.rep != report.agenda["rep"][k - 1] else "",
            str(item.period),
            str(item.criterion),
            str(item.calls),
            *(_level_text(item[c]) for c in ("peer_score", "manager_score")),
            _level_text(item["ai_score"]),
            f"{item['gap']:+g}",
            str(item.direction),
        ]
        for k, item in report.agenda.iterrows()
    ]
    if cells:
        lines.extend(_divergence_columns([*header, "gap", "direction"], cells))
    quiet = [r for r in pd.unique(report.summary["rep"]) if report.agenda_for(r).empty]
    if quiet:
        lines.append(f"  nothing to route: {', '.join(map(str, quiet))}")

    anchor = report.anchor
    lines += ["", f"AI anchor against the manager ({anchor.level:.0%} intervals)"]
    cells = [
        [
            str(row.criterion),
            str(row.n_calls),
            f"{_number(row.mean_bias)} [{_number(row.bias_low)}, "
            f"{_number(row.bias_high)}]",
            _number(row.within_one_level),
            _number(row.weighted_kappa),
            _anchor_flag(row),
        ]
        for _, row in anchor.by_criterion.iterrows()
    ]
    lines.extend(
        _divergence_columns(
            ["criterion", "calls", "mean bias", "within 1", "w. kappa", "flag"],
            cells,
        )
    )

    if report.annotations is not None:
        lines += ["", "Peers' verdicts on the AI score, per criterion"]
        cells = [
            [
                str(row.criterion),
                str(row.n_annotated),
                _number(row.share_disagree),
                f"{row.n_confirmed} of {row.n_confirmed + row.n_unconfirmed}",
                str(row.n_missed),
            ]
            for _, row in report.annotations.by_criterion.iterrows()
        ]
        header = ["criterion", "verdicts", "disagree", "confirmed", "missed"]
        lines.extend(_divergence_columns(header, cells))
    if report.notes:
        lines += ["", "Notes"] + [f"  - {note}" for note in report.notes]
    return "\n".join(lines) + "\n"


def _level_text(value: Any) -> str:
    number = float(value)
    return "—" if math.isnan(number) else f"{number:g}"


def _anchor_flag(row: Any) -> str:
    if row.n_calls < 2:
        return "too few calls to tell"
    flags = []
    if row.biased:
        flags.append(f"biased ({row.mean_bias:+.2f} levels)")
    if row.drifting:
        flags.append(
            f"drifting (within 1 fell {row.largest_drop:.2f} in {row.drop_period})"
        )
    return "; ".join(flags) or "ok"


def _divergence_columns(header: list[str], cells: list[list[str]]) -> list[str]:
    widths = [
        max(len(line[i]) for line in [header, *cells]) for i in range(len(header))
    ]
    return [
        "  " + "  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip()
        for line in [header, *cells]
    ]


def main() -> None:
    """Entry point of the ``peercoach`` console command."""
    cli(prog_name="peercoach")


if __name__ == "__main__":
    main()
