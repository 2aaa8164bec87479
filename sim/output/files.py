"""Writing files safely: atomic replacement, stable JSON text, the run log."""

from __future__ import annotations

import json
import os
import platform
import re
import tempfile
import time
from pathlib import Path

RUN_LOG = "run-log.jsonl"


_NUMBER_ARRAY = re.compile(r"\[\s*(-?[\d.e+-]+(?:,\s*-?[\d.e+-]+)*)\s*\]")


def json_text(document: dict) -> str:
    """Indented JSON with arrays of numbers (histograms) kept on one line."""
    text = json.dumps(document, indent=1, ensure_ascii=False)
    return _NUMBER_ARRAY.sub(lambda m: "[" + re.sub(r"\s+", " ", m.group(1)) + "]", text) + "\n"


def atomic_write(path: Path, content: str | bytes) -> None:
    """Write to a temporary file in the same folder, then rename it over ``path``.

    An interrupted or failed write leaves the old file untouched and no partial file.
    """
    data = content.encode("utf-8") if isinstance(content, str) else content
    handle = tempfile.NamedTemporaryFile("wb", dir=path.parent, prefix=".tmp-",
                                         suffix=path.suffix, delete=False)
    try:
        with handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        # Temporary files are private (0600); the result gets the usual permissions.
        os.chmod(handle.name, 0o666 & ~_umask())
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def log_run(out_dir: Path, document: dict, seconds: float, workers: int) -> None:
    """Append timings and host details to the git-ignored run log."""
    record = {"time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
              "scenario": document["scenario"]["path"], "draws": document["run"]["draws"],
              "seconds": round(seconds, 3), "workers": workers, "host": platform.node(),
              "python": platform.python_version(), "cpus": os.cpu_count()}
    with open(out_dir / RUN_LOG, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(record) + "\n")
