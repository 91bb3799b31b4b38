"""``peercoach divergence``: peer, manager and AI scores; the one-on-one agenda."""

from __future__ import annotations

import json
import math
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
    _number,
    _parse_levels,
    _records,
    _require_folder,
)
from toolkit.cli._group import _fail
from toolkit.divergence import anchor_flag
from toolkit.errors import ToolkitError, ToolkitWarning

__all__: list[str] = []


@click.command()
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
        if target:
            _require_folder(option, target)
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
        agenda_csv = spreadsheet_safe(report.agenda).to_csv(index=False)
        Path(agenda_path).write_text(agenda_csv, encoding="utf-8")
        click.echo(
            f"wrote {len(report.agenda)} agenda item(s) to {agenda_path}", err=True
        )
    if output_format == "csv":
        text = spreadsheet_safe(report.agenda).to_csv(index=False)
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
    annotations = report.annotations
    payload = {
        "source": source,
        "threshold": report.threshold,
        "tolerance": report.tolerance,
        "period": report.period,
        "level": confidence,
        "toolkit_version": __version__,
        "agenda": _records(report.agenda),
        "summary": _records(report.summary),
        "calls": _records(report.calls),
        "anchor": {
            "by_criterion": _records(report.anchor.by_criterion),
            "by_period": _records(report.anchor.by_period),
        },
        "annotations": None
        if annotations is None
        else {
            "by_criterion": _records(annotations.by_criterion),
            "by_peer": _records(annotations.by_peer),
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
        lines.extend(_columns([*header, "gap", "direction"], cells))
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
            anchor_flag(row),
        ]
        for _, row in anchor.by_criterion.iterrows()
    ]
    lines.extend(
        _columns(
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
        lines.extend(_columns(header, cells))
    if report.notes:
        lines += ["", "Notes"] + [f"  - {note}" for note in report.notes]
    return "\n".join(lines) + "\n"


def _level_text(value: Any) -> str:
    number = float(value)
    # a mean over several calls: two decimals at most, 4.5 stays 4.5
    return "—" if math.isnan(number) else f"{round(number, 2):g}"
