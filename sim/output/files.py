"""Writing files safely: atomic replacement, files replaced together, stable JSON, the run log.

Every file is first written in full to a temporary file beside it, named
``.elsim-<random>.part``: hidden, and with no suffix a reader looks for, so ``elsim report``
or ``plot`` on the folder never sees one. A scenario's files (JSON, CSV, sweep table; a
posterior and its picture in ``plots/``) are replaced together or not at all
(:func:`commit_files`): once all temporaries are written, a journal
``.elsim-<random>.journal`` listing them is written atomically, the temporaries are renamed
over their targets (the result JSON last), and the journal is removed. A run stopped before
the journal leaves the old files; one stopped after it (a kill, a power cut) leaves the
journal, which the next writer into the folder finishes before it writes anything
(:func:`recover`, called by every commit). A journal never replaces a file newer than
itself: a file written after the journal (by hand, or by an elsim that did not recover) is
kept and that temporary dropped. An interrupt (Ctrl-C) during the renames finishes them
first. :func:`recover` also removes temporaries older than :data:`STALE_SECONDS` that no
journal names, left by a write that was killed.

**One writer at a time.** A commit, and a recovery, hold an advisory lock
(``fcntl.flock``) on the folder itself (an open descriptor of the directory: no lock file
to leave behind), released when the commit ends or the process dies. Two runs into one
folder therefore replace the files one after the other, never mixed; a writer waits at
most :data:`LOCK_SECONDS` for the other's commit (a few milliseconds as a rule), then stops
with one line.
"""

from __future__ import annotations

import fcntl
import json
import os
import platform
import re
import secrets
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sim.errors import ResultError

if TYPE_CHECKING:
    from sim.output.records import Result

RUN_LOG = "run-log.jsonl"
TEMP_PREFIX = ".elsim-"
STALE_SECONDS = 60  # a temporary lives for the moment of one write; older ones are debris
LOCK_SECONDS = 30.0  # the longest a writer waits for another's commit in the same folder
LOCK_POLL_SECONDS = 0.02


# An indented array of numbers: its items on lines of their own. A string never holds a
# raw line break in JSON, so user text that looks like an array ("[ 1 ]") never matches.
_NUMBER_ARRAY = re.compile(r"\[\n\s*(-?[\d.eE+-]+(?:,\n\s*-?[\d.eE+-]+)*)\n\s*\]")


def json_text(document: dict) -> str:
    """Indented JSON with arrays of numbers (histograms) kept on one line."""
    text = json.dumps(document, indent=1, ensure_ascii=False)
    return _NUMBER_ARRAY.sub(lambda m: "[" + re.sub(r",\n\s*", ", ", m.group(1)) + "]",
                             text) + "\n"


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
    (put the file that marks a complete result last); see the module docstring. A name may
    lie in a subfolder (``plots/x.png``), which must exist.

    An OSError before the renames leaves every file as it was; one during them is a
    :class:`ResultError` saying that some files were replaced and the next writer finishes
    the rest."""
    targets = [_inside(folder, name, folder) for name in files]
    with folder_lock(folder):
        _recover(folder)
        written: list[tuple[Path, Path]] = []
        try:
            for target, content in zip(targets, files.values()):
                written.append((_temporary(target.parent, content), target))
            journal = folder / f"{TEMP_PREFIX}{secrets.token_hex(8)}.journal"
            # Names relative to the folder: each temporary lies beside its target.
            atomic_write(journal, json.dumps([[_relative(folder, target.parent / temp.name),
                                               _relative(folder, target)]
                                              for temp, target in written]))
        except BaseException:
            for temporary, _ in written:
                temporary.unlink(missing_ok=True)
            raise
        try:
            _finish(journal, written)
        except OSError as error:
            raise ResultError(f"{folder}: some files were replaced, then writing stopped "
                              f"({error.strerror or error}); the next elsim writing into "
                              "this folder finishes the rest") from None


@contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """Hold the folder's advisory lock (see the module docstring); waits at most
    :data:`LOCK_SECONDS` for another writer."""
    descriptor = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        deadline = time.monotonic() + LOCK_SECONDS
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise ResultError(f"{folder}: another elsim has been writing into this "
                                      f"folder for over {LOCK_SECONDS:g} s; wait for it to "
                                      "finish or write elsewhere (--out)") from None
                time.sleep(LOCK_POLL_SECONDS)
        yield
    finally:
        os.close(descriptor)  # releases the lock


def _inside(folder: Path, name: str, where: Path | str) -> Path:
    """``folder / name`` for a relative name that stays inside ``folder``."""
    relative = Path(name)
    if relative.is_absolute() or ".." in relative.parts or not relative.parts:
        raise ResultError(f"{where}: {name!r} is not a file name inside {folder}")
    return folder / relative


def _relative(folder: Path, path: Path) -> str:
    return path.relative_to(folder).as_posix()


def _finish(journal: Path, renames: list[tuple[Path, Path]], keep_newer: bool = False
            ) -> None:
    """Rename what is left, even when interrupted on the way, then drop the journal; with
    ``keep_newer``, a target newer than the journal is kept and its temporary dropped."""
    written = journal.stat().st_mtime_ns if keep_newer else None
    try:
        for temporary, target in renames:
            if not temporary.exists():
                continue
            if written is not None and _mtime(target) > written:
                temporary.unlink()
            else:
                os.replace(temporary, target)
    except KeyboardInterrupt:
        _finish(journal, renames, keep_newer)
        raise
    journal.unlink(missing_ok=True)


def _mtime(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except FileNotFoundError:
        return -1


def recover(folder: Path) -> None:
    """Finish the commits a killed run left in ``folder`` and remove stale temporaries."""
    if not folder.is_dir():
        return
    with folder_lock(folder):
        _recover(folder)


def _recover(folder: Path) -> None:
    """:func:`recover`, the folder's lock held."""
    for journal in sorted(folder.glob(f"{TEMP_PREFIX}*.journal")):
        try:
            pairs = json.loads(journal.read_text(encoding="utf-8"))
            renames = [(_inside(folder, temp, journal), _inside(folder, target, journal))
                       for temp, target in pairs]
        except (OSError, ValueError, TypeError) as error:
            raise ResultError(f"{journal}: an unfinished write whose journal cannot be read "
                              f"({error}); remove it and re-run") from None
        _finish(journal, renames, keep_newer=True)
    now = time.time()
    for temporary in folder.glob(f"**/{TEMP_PREFIX}*.part"):
        try:
            if now - temporary.stat().st_mtime > STALE_SECONDS:
                temporary.unlink()
        except FileNotFoundError:
            pass  # another run finished with it meanwhile


def prepare_folder(folder: Path) -> None:
    """Make ``folder`` and finish or remove what a killed writer left there; a folder that
    cannot be made is one line."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        recover(folder)
    except OSError as error:
        raise ResultError(f"{folder}: cannot prepare the output folder "
                          f"({error.strerror or error})") from None


def check_writable(folder: Path) -> None:
    """A folder that cannot be made or written is one line, before any long work."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _temporary(folder, b"").unlink()
    except OSError as error:
        raise ResultError(f"{folder}: cannot write there ({error.strerror or error})"
                          ) from None


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


def log_run(out_dir: Path, result: Result, seconds: float, workers: int) -> None:
    """Append timings and host details to the git-ignored run log (never through a link)."""
    record = {"time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
              "scenario": result.scenario.path, "draws": result.run.draws,
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
