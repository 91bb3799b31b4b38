"""``peercoach pairings``: who reviews whom each month."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import click

from toolkit._export import spreadsheet_safe
from toolkit.cli._group import _fail
from toolkit.errors import ToolkitError, ToolkitWarning

__all__: list[str] = []


@click.command()
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
        text = spreadsheet_safe(schedule.frame).to_csv(index=False)
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
