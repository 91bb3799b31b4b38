"""Peer Coaching Toolkit: design and check a peer-coaching program.

Measure how well peers agree when they score the same calls
(:mod:`toolkit.agreement`), read ratings tables (:mod:`toolkit.ratings`) and run
calibration rounds from the command line (``peercoach``).
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("peer-coaching-toolkit")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
