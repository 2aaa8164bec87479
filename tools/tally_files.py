"""What the tally-writing scripts of tools/ share: TOML strings, whole-file writes, and a
command line that turns bad data into one line on stderr and exit code 2, writing nothing.

Standard library only, so that the scripts run without the project installed.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HISTORY = ROOT / "scenarios" / "history"


class DataError(Exception):
    """The CSVs disagree with each other or with a rule (one line naming the file and row)."""


def toml_string(text: str) -> str:
    """A TOML basic string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write(path: Path, text: str) -> None:
    """Replace ``path`` whole: a temporary file renamed over it, never a half-written file."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8", newline="\n")
    temporary.replace(path)


def run(program: str, description: str, data: Path, build: Callable[[Path], dict[str, str]],
        argv: list[str] | None) -> int:
    """Parse ``--data`` and ``--out``, build every tally text from the data folder, then
    write them all (``stem.toml`` in ``--out``); on bad data, one line and exit code 2."""
    parser = argparse.ArgumentParser(prog=program, description=description)
    parser.add_argument("--data", type=Path, default=data, help="folder of the CSVs")
    parser.add_argument("--out", type=Path, default=HISTORY, help="folder for the tallies")
    args = parser.parse_args(argv)
    try:
        texts = build(args.data)
    except KeyError as error:
        print(f"{program}: a CSV has no column {error}", file=sys.stderr)
        return 2
    except (DataError, OSError, ValueError) as error:
        print(f"{program}: {error}", file=sys.stderr)
        return 2
    for stem, text in texts.items():
        write(args.out / f"{stem}.toml", text)
    return 0
