"""``python -m sim``: the same as the ``elsim`` command."""

from sim.cli import main

main()
