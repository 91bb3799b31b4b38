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
    help="Percentile bootstrap intervals from N resamples of the calls.",
)
@click.option(
    "--seed",
    type=int,
    default=0,
    show_default=True,
    help="Seed of the bootstrap (the same seed gives the same intervals).",
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
    confidence: float,
    output_format: str,
    output: str | None,
) -> None:
    """Agreement per criterion for a calibration round in FILE (a long CSV).

    FILE has one row per score with columns call, criterion, rater and score
    (other names via the --*-column options).
    """
    from toolkit.agreement import agreement_summary
    from toolkit.examples import load_example
    from toolkit.ratings import RatingsTable

    if (file is None) == (example is None):
        _fail("give either FILE or --example NAME (see `peercoach examples`)")
    if output and file and Path(output).resolve() == Path(file).resolve():
        _fail(f"--output {output} is the input file; write the results elsewhere")
    if output and not Path(output).resolve().parent.is_dir():
        _fail(f"--output {output}: the folder {Path(output).parent} does not exist")
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
    except (ToolkitError, KeyError, ValueError, TypeError) as exc:
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        _fail(str(message))
        return
    for caught in captured:
        click.echo(f"peercoach: warning: {caught.message}", err=True)

    text = _render(summary, output_format, source, confidence)
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


def _render(
    summary: pd.DataFrame, output_format: str, source: str, confidence: float
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
            "rows": records,
        }
        return json.dumps(payload, indent=2, default=_json_default) + "\n"
    return _table(summary, source, confidence)


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


def main() -> None:
    """Entry point of the ``peercoach`` console command."""
    cli(prog_name="peercoach")


if __name__ == "__main__":
    main()
