"""The ``peercoach`` command line: thin, it parses, calls the package, prints.

A toolkit error becomes one line on stderr and exit code 2, with no traceback.
The group and its failure are in ``_group``, shared helpers in ``_common`` and
each command in its own module.
"""

from __future__ import annotations

from toolkit.cli._calibrate import calibrate
from toolkit.cli._divergence import divergence
from toolkit.cli._examples import examples
from toolkit.cli._group import cli
from toolkit.cli._lab import lab
from toolkit.cli._pairings import pairings
from toolkit.cli._plan import plan
from toolkit.cli._simulate import sensitivity, simulate, sweep

__all__ = ["cli", "main"]

for _command in (
    examples,
    calibrate,
    pairings,
    plan,
    divergence,
    simulate,
    sweep,
    sensitivity,
    lab,
):
    cli.add_command(_command)


def main() -> None:
    """Entry point of the ``peercoach`` console command."""
    cli(prog_name="peercoach")
