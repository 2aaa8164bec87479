"""The ``elsim`` command: a thin translation layer between the shell and the library.

One module per command group; each registers its commands on :data:`main` when imported
below. Every :class:`~sim.errors.SimError` becomes one line on stderr and exit code 2.
"""

from sim.cli import (  # noqa: F401  (each registers its commands)
    backtest,
    calibrate,
    check,
    coalitions,
    compare,
    districts,
    examples,
    infer,
    pictures,
    run,
    stations,
    tally,
)
from sim.cli.group import main

__all__ = ["main"]
