"""``python -m toolkit.cli``, as the console command ``peercoach``."""

from toolkit.cli import main

main()
