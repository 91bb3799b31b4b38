"""The ``peercoach`` click group and the one-line failure of every command."""

from __future__ import annotations

import logging
import sys

import click

from toolkit import __version__

__all__: list[str] = []


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
