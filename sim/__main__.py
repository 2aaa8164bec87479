"""``python -m sim`` and the ``elsim`` command.

Ctrl-C at any moment is one line and exit code 130, never a traceback: also while the
command is still importing numpy and the rest (the first second or so), before click runs.
"""

import os
import signal
import sys


def main() -> None:
    # Ctrl-C while importing is kept for after the imports: raised inside a C extension's
    # initialisation it becomes an ImportError, which a library's optional import may even
    # swallow (the command then ran on as if never interrupted).
    interrupted: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda number, frame: interrupted.append(number))
    try:
        from sim.cli import main as command
    finally:
        signal.signal(signal.SIGINT, previous)
    try:
        if interrupted:
            raise KeyboardInterrupt
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
