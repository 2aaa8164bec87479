"""Writing files safely: atomic replacement, files replaced together, stable JSON, the run log.

Every file is first written in full to a temporary file beside it, named
``.elsim-<random>.part``: hidden, and with no suffix a reader looks for, so ``elsim report``
or ``plot`` on the folder never sees one. A scenario's files (JSON, CSV, sweep table) are
replaced together or not at all (:func:`commit_files`): once all temporaries are written,
a journal ``.elsim-<random>.journal`` listing them is written atomically, the temporaries are
renamed over their targets (the result JSON last), and the journal is removed. A run stopped
before the journal leaves the old files; one stopped after it (a kill, a power cut) leaves
the journal, and :func:`recover` finishes its renames when the next run starts. An interrupt
(Ctrl-C) during the renames finishes them first. :func:`recover` also removes temporaries
older than :data:`STALE_SECONDS` that no journal names, left by a write that was killed.
"""

from __future__ import annotations

import json
import os
import platform
import re
import secrets
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

from sim.errors import ResultError

RUN_LOG = "run-log.jsonl"
TEMP_PREFIX = ".elsim-"
STALE_SECONDS = 60  # a temporary lives for the moment of one write; older ones are debris


_NUMBER_ARRAY = re.compile(r"\[\s*(-?[\d.e+-]+(?:,\s*-?[\d.e+-]+)*)\s*\]")


def json_text(document: dict) -> str:
    """Indented JSON with arrays of numbers (histograms) kept on one line."""
    text = json.dumps(document, indent=1, ensure_ascii=False)
    return _NUMBER_ARRAY.sub(lambda m: "[" + re.sub(r"\s+", " ", m.group(1)) + "]", text) + "\n"


def atomic_write(path: Path, content: str | bytes) -> None:
    """Write to a temporary file in the same folder, then rename it over ``path``.

    An interrupted or failed write leaves the old file untouched and no partial file.
    """
    temporary = _temporary(path.parent, content)
    try:
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def commit_files(folder: Path, files: Mapping[str, str | bytes]) -> None:
    """Replace the files ``name -> content`` of ``folder`` together, in the given order
    (put the file that marks a complete result last); see the module docstring."""
    written: list[tuple[Path, Path]] = []
    try:
        for name, content in files.items():
            written.append((_temporary(folder, content), folder / name))
        journal = folder / f"{TEMP_PREFIX}{secrets.token_hex(8)}.journal"
        atomic_write(journal, json.dumps([[temp.name, target.name]
                                          for temp, target in written]))
    except BaseException:
        for temporary, _ in written:
            temporary.unlink(missing_ok=True)
        raise
    _finish(journal, written)


def _finish(journal: Path, renames: list[tuple[Path, Path]]) -> None:
    """Rename what is left, even when interrupted on the way, then drop the journal."""
    try:
        for temporary, target in renames:
            if temporary.exists():
                os.replace(temporary, target)
    except KeyboardInterrupt:
        _finish(journal, renames)
        raise
    journal.unlink(missing_ok=True)


def recover(folder: Path) -> None:
    """Finish the commits a killed run left in ``folder`` and remove stale temporaries."""
    if not folder.is_dir():
        return
    for journal in sorted(folder.glob(f"{TEMP_PREFIX}*.journal")):
        try:
            pairs = json.loads(journal.read_text(encoding="utf-8"))
            renames = [(folder / Path(temp).name, folder / Path(target).name)
                       for temp, target in pairs]
        except (OSError, ValueError, TypeError) as error:
            raise ResultError(f"{journal}: an unfinished write whose journal cannot be read "
                              f"({error}); remove it and re-run") from None
        _finish(journal, renames)
    now = time.time()
    for temporary in folder.glob(f"{TEMP_PREFIX}*.part"):
        try:
            if now - temporary.stat().st_mtime > STALE_SECONDS:
                temporary.unlink()
        except FileNotFoundError:
            pass  # another run finished with it meanwhile


def _temporary(folder: Path, content: str | bytes) -> Path:
    """A complete, synced temporary file in ``folder`` holding ``content``."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    handle = tempfile.NamedTemporaryFile("wb", dir=folder, prefix=TEMP_PREFIX, suffix=".part",
                                         delete=False)
    try:
        with handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        # Temporary files are private (0600); the result gets the usual permissions.
        os.chmod(handle.name, 0o666 & ~_umask())
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
    return Path(handle.name)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def log_run(out_dir: Path, document: dict, seconds: float, workers: int) -> None:
    """Append timings and host details to the git-ignored run log (never through a link)."""
    record = {"time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
              "scenario": document["scenario"]["path"], "draws": document["run"]["draws"],
              "seconds": round(seconds, 3), "workers": workers, "host": platform.node(),
              "python": platform.python_version(), "cpus": os.cpu_count()}
    descriptor = os.open(out_dir / RUN_LOG,
                         os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW, 0o666)
    with open(descriptor, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(record) + "\n")


def check_run_log(out_dir: Path) -> None:
    """A run log that is a symbolic link is an error before anything runs."""
    if (out_dir / RUN_LOG).is_symlink():
        raise ResultError(f"{out_dir / RUN_LOG}: is a symbolic link; elsim appends only to a "
                          "plain file there: remove the link")
