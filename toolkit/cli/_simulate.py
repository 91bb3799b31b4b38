"""``peercoach simulate``, ``sweep`` and ``sensitivity``: what-if studies."""

from __future__ import annotations

import json
import sys
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
import pandas as pd

from toolkit._export import spreadsheet_safe
from toolkit.cli._common import _columns, _records, _require_folder
from toolkit.cli._group import _fail
from toolkit.errors import ToolkitError, ToolkitWarning

__all__: list[str] = []


def _run_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """Options every simulation command shares."""
    options = [
        click.argument("scenario_file", type=click.Path(dir_okay=False)),
        click.option(
            "--replications",
            type=click.IntRange(1),
            help="Runs per policy [default: the scenario file's].",
        ),
        click.option(
            "--seed",
            type=click.IntRange(0),
            help="Seed that reproduces the study [default: the scenario file's].",
        ),
        click.option(
            "--jobs",
            type=int,
            help="Local processes (-1: every core) [default: every core for 64 "
            "runs or more].",
        ),
        click.option(
            "--scheduler",
            metavar="tcp://HOST:PORT",
            help="Run on this Dask cluster instead of local processes.",
        ),
        click.option(
            "--progress/--no-progress",
            default=True,
            show_default=True,
            help="Show a progress bar on stderr.",
        ),
    ]
    for option in reversed(options):
        function = option(function)
    return function


@click.command()
@_run_options
@click.option(
    "--format",
    "output_format",
    default="table",
    show_default=True,
    type=click.Choice(["table", "csv", "json"]),
)
@click.option(
    "--output", type=click.Path(dir_okay=False), help="Write the summary here."
)
def simulate(
    scenario_file: str,
    replications: int | None,
    seed: int | None,
    jobs: int | None,
    scheduler: str | None,
    progress: bool,
    output_format: str,
    output: str | None,
) -> None:
    """Simulate the policy of SCENARIO_FILE (TOML) and print its summary.

    Every metric gets its mean over the replications and a 95% interval. A
    scenario's [sweep] is run by ``peercoach sweep``.
    """
    from toolkit.simulation import simulate as run

    scenario = _scenario(scenario_file)
    if output:
        _require_folder("--output", output)
    with _reported():
        result = run(
            scenario.policy,
            replications or scenario.replications,
            behaviour=scenario.behaviour,
            seed=scenario.seed if seed is None else seed,
            n_jobs=jobs,
            scheduler=scheduler,
            progress=progress,
        )
    if scenario.sweep:
        count = len(scenario.points())
        click.echo(
            f"peercoach: note: {scenario_file} also sweeps {count} policies; "
            f"peercoach sweep {scenario_file} --output results.csv runs them",
            err=True,
        )

    summary = result.summary.reset_index()
    first = summary["metric"].isin(scenario.metrics)
    summary = pd.concat([summary[first], summary[~first]], ignore_index=True)
    if output_format == "csv":
        text = spreadsheet_safe(summary).to_csv(index=False)
    elif output_format == "json":
        record = {
            "scenario": scenario.name,
            "policy": result.policy.to_dict(),
            "behaviour": result.behaviour.to_dict(),
            "replications": result.replications,
            "seed": result.seed,
            "toolkit_version": result.toolkit_version,
            "summary": _records(summary),
        }
        text = json.dumps(record, indent=2) + "\n"
    else:
        text = _summary_text(scenario, result, summary)
    _emit(text, output)


@click.command()
@_run_options
@click.option(
    "--output",
    required=True,
    type=click.Path(dir_okay=False),
    help="CSV file that receives every run as it finishes; an interrupted "
    "sweep resumes from it.",
)
@click.option(
    "--figure",
    type=click.Path(dir_okay=False),
    help="PNG of the key metrics with intervals [default: beside --output].",
)
@click.option(
    "--restart",
    is_flag=True,
    help="Refuse to resume: fail if --output exists.",
)
@click.option("--chunk-size", type=click.IntRange(1), help="Runs per saved chunk.")
def sweep(
    scenario_file: str,
    replications: int | None,
    seed: int | None,
    jobs: int | None,
    scheduler: str | None,
    progress: bool,
    output: str,
    figure: str | None,
    restart: bool,
    chunk_size: int | None,
) -> None:
    """Run every policy of SCENARIO_FILE's [sweep] and save the runs.

    Prints the key metrics per policy with 95% intervals and writes a figure.
    Run the same command again after an interruption: finished runs are kept.
    """
    from toolkit.simulation import run_study

    scenario = _scenario(scenario_file)
    _require_folder("--output", output)
    figure_path = Path(figure) if figure else Path(output).with_suffix(".png")
    _require_folder("--figure", str(figure_path))
    try:
        with _reported():
            study = run_study(
                scenario,
                replications=replications,
                seed=seed,
                output=output,
                resume=not restart,
                n_jobs=jobs,
                scheduler=scheduler,
                chunk_size=chunk_size,
                progress=progress,
            )
    except KeyboardInterrupt:
        kept = _count_rows(Path(output))
        click.echo(
            f"peercoach: interrupted: {kept} run(s) kept in {output}; run the "
            "same command again to resume",
            err=True,
        )
        sys.exit(130)

    for label, reason in study.sweep.skipped.items():
        click.echo(f"peercoach: skipped {label}: {reason}", err=True)
    click.echo(_study_text(study), nl=False)
    if len(study.sweep.runs):
        study.figure().savefig(figure_path, dpi=110)
    runs = len(study.sweep.runs)
    click.echo(
        f"wrote {runs} run(s) to {output} ({study.sweep.resumed} resumed); "
        f"figure: {figure_path}",
        err=True,
    )


@click.command()
@_run_options
@click.option("--metric", required=True, help="The metric whose effect is studied.")
@click.option(
    "--compare",
    "change",
    metavar="FIELD=VALUE",
    help="Compare the scenario's policy with this change of one field "
    "(e.g. reviews_per_rep=4) [default: a two-policy [sweep], else the "
    "policy's own metric].",
)
@click.option(
    "--parameters",
    metavar="NAME,NAME",
    help="Assumptions to vary [default: every one].",
)
@click.option(
    "--figure",
    type=click.Path(dir_okay=False),
    help="Write the tornado figure (PNG) here.",
)
@click.option(
    "--output", type=click.Path(dir_okay=False), help="Write the table (CSV) here."
)
def sensitivity(
    scenario_file: str,
    replications: int | None,
    seed: int | None,
    jobs: int | None,
    scheduler: str | None,
    progress: bool,
    metric: str,
    change: str | None,
    parameters: str | None,
    figure: str | None,
    output: str | None,
) -> None:
    """Which assumptions matter: each one at the ends of its range.

    Runs the scenario's policy (or a comparison of two) with every behaviour
    assumption moved to its low and then its high value, one at a time, and
    prints how far the effect moves and whether the conclusion changes.
    """
    from toolkit.simulation import sensitivity as run
    from toolkit.simulation import tornado_figure

    scenario = _scenario(scenario_file)
    for option, path in (("--figure", figure), ("--output", output)):
        if path:
            _require_folder(option, path)
    policies = _policies(scenario, change)
    names = [n.strip() for n in parameters.split(",")] if parameters else None
    with _reported():
        result = run(
            policies,
            metric,
            replications=replications or scenario.replications,
            behaviour=scenario.behaviour,
            parameters=names,
            seed=scenario.seed if seed is None else seed,
            n_jobs=jobs,
            scheduler=scheduler,
            progress=progress,
        )

    click.echo(_sensitivity_text(result), nl=False)
    if output:
        spreadsheet_safe(result.table).to_csv(output, index=False)
        click.echo(f"wrote the table to {output}", err=True)
    if figure:
        tornado_figure(result).savefig(figure, dpi=110)
        click.echo(f"wrote the tornado figure to {figure}", err=True)


# ------------------------------------------------------------------ helpers
def _scenario(path: str) -> Any:
    from toolkit.simulation import load_scenario

    try:
        return load_scenario(path)
    except ToolkitError as exc:
        _fail(str(exc))


@contextmanager
def _reported() -> Iterator[None]:
    """Toolkit warnings as ``peercoach: warning:`` lines; errors as one line."""
    captured: list[warnings.WarningMessage] = []
    try:
        with warnings.catch_warnings(record=True) as captured:
            warnings.simplefilter("always", ToolkitWarning)
            yield
    except (ToolkitError, ValueError, TypeError) as exc:
        _echo_warnings(captured)
        _fail(str(exc))
    _echo_warnings(captured)


def _echo_warnings(captured: list[warnings.WarningMessage]) -> None:
    seen = set()
    for caught in captured:
        text = str(caught.message)
        if text not in seen:
            seen.add(text)
            click.echo(f"peercoach: warning: {text}", err=True)


def _policies(scenario: Any, change: str | None) -> Any:
    if change:
        name, _, value = change.partition("=")
        if not value:
            _fail(f"--compare {change}: write FIELD=VALUE, e.g. reviews_per_rep=4")
        try:
            other = type(scenario.policy).from_dict(
                {**scenario.policy.to_dict(), name.strip(): _value(value.strip())}
            )
        except ToolkitError as exc:
            _fail(f"--compare {change}: {exc}")
        return {"scenario": scenario.policy, change: other}
    points = scenario.points()
    if len(points) == 2:
        return {point.label: point.policy for point in points}
    if len(points) > 2:
        _fail(
            f"{scenario.source} sweeps {len(points)} policies; sensitivity "
            "compares at most two: give --compare FIELD=VALUE"
        )
    return scenario.policy


def _value(text: str) -> Any:
    """A --compare value as TOML would read it (number, true/false, text)."""
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def _emit(text: str, output: str | None) -> None:
    if output:
        Path(output).write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}", err=True)
    else:
        click.echo(text, nl=False)


def _count_rows(path: Path) -> int:
    if not path.exists():
        return 0
    with path.open("rb") as handle:
        return max(0, sum(1 for _ in handle) - 1)


def _interval(row: Any) -> str:
    if row["n"] < 2:
        return "—"
    return f"[{_fmt(row['ci_low'])}, {_fmt(row['ci_high'])}]"


def _fmt(value: float) -> str:
    if pd.isna(value):
        return "—"
    return f"{value:.3g}" if abs(value) >= 1000 else f"{value:.3f}"


def _summary_text(scenario: Any, result: Any, summary: pd.DataFrame) -> str:
    policy = result.policy
    rotation = policy.rotation_months or "never"
    lines = [
        f"{scenario.name}: {policy.team_size} reps, {policy.reviews_per_rep} "
        f"reviews per rep a month, {policy.pairing} pairing rotated every "
        f"{rotation} month(s), {policy.horizon_months} months",
        f"{result.replications} replication(s), seed {result.seed}; mean and 95% "
        "interval over replications (runs: where the metric is defined)",
        "",
    ]
    cells = [
        [row["metric"], _fmt(row["mean"]), _interval(row), str(int(row["n"]))]
        for _, row in summary.iterrows()
    ]
    lines += _columns(["metric", "mean", "95% interval", "runs"], cells)
    return "\n".join(lines) + "\n"


def _study_text(study: Any) -> str:
    scenario = study.scenario
    lines = [
        f"{scenario.name}: {len(study.sweep.points)} policies x "
        f"{scenario.replications} replication(s), seed {scenario.seed}",
        "",
    ]
    key = study.key_metrics()
    for metric in scenario.metrics:
        rows = key[key["metric"] == metric]
        lines.append(f"{metric} (mean, 95% interval, runs)")
        cells = [
            [row["label"], _fmt(row["mean"]), _interval(row), str(int(row["n"]))]
            for _, row in rows.iterrows()
        ]
        lines += _columns(["policy", "mean", "95% interval", "runs"], cells)
        lines.append("")
    return "\n".join(lines)


def _sensitivity_text(result: Any) -> str:
    what = (
        f"difference in {result.metric} ({' minus '.join(reversed(result.policies))})"
        if result.effect_of == "difference"
        else f"{result.metric}"
    )
    low, high = result.effect_ci
    lines = [
        f"Sensitivity of the {what}",
        f"at the default assumptions: {_fmt(result.effect)} [{_fmt(low)}, "
        f"{_fmt(high)}], {result.replications} replication(s) per setting",
        "",
    ]
    cells = [
        [
            row["parameter"],
            f"{row['low']:g} .. {row['high']:g} {row['unit']}",
            _fmt(row["effect_low"]),
            _fmt(row["effect_high"]),
            _fmt(row["swing"]),
            "yes" if row["changes_conclusion"] else "",
        ]
        for _, row in result.table.iterrows()
    ]
    lines += _columns(
        ["assumption", "range", "at low", "at high", "swing", "changes conclusion"],
        cells,
    )
    return "\n".join(lines) + "\n"
