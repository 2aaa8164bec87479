"""``python -m sim`` and the ``elsim`` command.

Ctrl-C at any moment is one line and exit code 130, never a traceback: also while the
command is still importing numpy and the rest (the first second or so), before click runs.
"""

import os
import sys


def main() -> None:
    try:
        from sim.cli import main as command

        command()
    except KeyboardInterrupt:
        # Nothing is half-done here (a command that writes handles Ctrl-C itself). Exit at
        # once: under ``python -m`` a normal exit after an interrupted import can end by
        # SIGINT instead of with this exit code.
        sys.stderr.write("interrupted\n")
        sys.stderr.flush()
        sys.stdout.flush()
        os._exit(130)


if __name__ == "__main__":
    main()
