"""``peercoach plan``: the interval a round gives, or the calls it needs."""

from __future__ import annotations

import json
from typing import Any

import click

from toolkit import __version__
from toolkit.cli._group import _fail
from toolkit.errors import ToolkitError

__all__: list[str] = []

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


@click.command()
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
