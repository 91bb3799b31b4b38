"""``peercoach examples``: the bundled data sets."""

from __future__ import annotations

import click

__all__: list[str] = []


@click.command()
def examples() -> None:
    """List the bundled example data sets."""
    from toolkit.examples import EXAMPLES

    for example in EXAMPLES.values():
        click.echo(f"{example.name:26} {example.scale.kind:9} {example.description}")
        click.echo(f"{'':26} source: {example.source}")
