"""Result files: ``<stem>.json`` and ``<stem>.csv``, written atomically, and reading them back.

A result holds only what the scenario and seed determine, so re-running an unchanged
scenario rewrites identical files; timings and host details go to the git-ignored
``run-log.jsonl`` beside them.
"""

from __future__ import annotations

import csv
import io
import json
import os
import platform
import re
import tempfile
import time
from pathlib import Path

import numpy
import scipy
import simpy

from sim import __version__
from sim.engine import Simulation
from sim.errors import ResultError
from sim.priors import scenario_priors

FORMAT = "elsim-result"
FORMAT_VERSION = 1
RUN_LOG = "run-log.jsonl"
CSV_COLUMNS = ("scenario", "list", "name", "bloc", "seats_mean", "seats_sd", "seats_q05",
               "seats_q25", "seats_q50", "seats_q75", "seats_q95", "p_pass", "share_mean",
               "share_q05", "share_q95")


def versions() -> dict[str, str]:
    return {"elsim": __version__, "numpy": numpy.__version__, "scipy": scipy.__version__,
            "simpy": simpy.__version__}


def result_document(simulation: Simulation) -> dict:
    """Everything a result file holds: the summary and how it was made."""
    scenario = simulation.scenario
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "scenario": {
            "path": Path(scenario.path).as_posix(),
            "title": scenario.title,
            "notes": scenario.notes,
            "digest": scenario.digest,
        },
        "run": {
            # A string: 128-bit entropy does not survive JSON readers that use doubles.
            "seed_entropy": str(simulation.entropy),
            "draws": simulation.draws,
            "chunk_draws": simulation.chunk_draws,
            "versions": versions(),
        },
        "assumptions": assumptions(scenario),
        "summary": simulation.summary.to_dict(scenario),
    }


def assumptions(scenario) -> dict:
    """What the scenario assumes, in words and numbers, for reports."""
    weights = sum(source.weight for source in scenario.sources)
    priors, _ = scenario_priors(scenario)
    document = {
        "system": {"seats": scenario.system.seats, "threshold": scenario.system.threshold,
                   "threshold_base": scenario.system.threshold_base,
                   "method": scenario.system.method,
                   "runner_up": scenario.system.runner_up is not None,
                   "appointed": {a.name: a.seats for a in scenario.appointed}},
        "sources": [{
            "name": source.name, "weight": round(source.weight / weights, 6),
            "undecided": round(prior.undecided, 6),
            "house_effects": source.house_effects, "fill": source.fill,
            "polls": [{"pollster": poll.pollster, "n": poll.n,
                       "fieldwork_end": poll.fieldwork_end and poll.fieldwork_end.isoformat(),
                       "shares": poll.shares} for poll in scenario.polls
                      if poll.source == source.id],
        } for source, prior in zip(scenario.sources, priors)],
        "model": {"combine": scenario.model.combine,
                  "systematic_sd": scenario.model.systematic_sd,
                  "undecided": scenario.model.undecided},
    }
    if scenario.campaign is not None:
        document["campaign"] = {
            "days": scenario.campaign.days,
            "drift_sd": scenario.campaign.drift_sd.describe(),
            "events": [" ".join(filter(None, (f"day {e.day}: {e.kind}", e.list, e.endorser)))
                       for e in scenario.campaign.events],
            "endorsers": {e.name: f"pool {e.pool.describe()}, follows {e.fraction.describe()}"
                          f", targets {', '.join(e.targets)}"
                          for e in scenario.campaign.endorsers},
        }
    if scenario.count is not None:
        count = scenario.count
        document["count"] = {
            "registered": count.registered, "turnout": count.turnout.describe(),
            "invalid": count.invalid.describe(),
            "turnout_multipliers": {k: v.describe() for k, v in
                                    count.turnout_multipliers.items()},
            "inflation": None if count.inflation is None else {
                "list": count.inflation.list,
                "stuffing": count.inflation.stuffing and count.inflation.stuffing.describe(),
                "misrecording": count.inflation.misrecording
                and count.inflation.misrecording.describe()},
        }
    return document


_NUMBER_ARRAY = re.compile(r"\[\s*(-?[\d.e+-]+(?:,\s*-?[\d.e+-]+)*)\s*\]")


def json_text(document: dict) -> str:
    """Indented JSON with arrays of numbers (histograms) kept on one line."""
    text = json.dumps(document, indent=1, ensure_ascii=False)
    return _NUMBER_ARRAY.sub(lambda m: "[" + re.sub(r"\s+", " ", m.group(1)) + "]", text) + "\n"


def csv_text(document: dict) -> str:
    """The tidy table: one row per list."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    stem = Path(document["scenario"]["path"]).stem
    for item in document["summary"]["lists"]:
        seats, share = item["seats"], item["share"]
        writer.writerow([stem, item["id"], item["name"], item["bloc"] or "", seats["mean"],
                         seats["sd"], seats["q05"], seats["q25"], seats["q50"], seats["q75"],
                         seats["q95"], item["p_pass"], share["mean"], share["q05"],
                         share["q95"]])
    return buffer.getvalue()


def write_result(document: dict, out_dir: Path) -> Path:
    """Write ``<stem>.json`` and ``<stem>.csv`` into ``out_dir``; returns the JSON path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = Path(document["scenario"]["path"]).stem
    json_path = out_dir / f"{stem}.json"
    atomic_write(json_path, json_text(document))
    atomic_write(out_dir / f"{stem}.csv", csv_text(document))
    return json_path


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


def read_result(path: str | Path, formats: tuple[str, ...] = (FORMAT,)) -> dict:
    """A result file's document; a missing, unreadable or foreign file is a ResultError.

    ``formats`` may add ``"elsim-sweep"`` to accept sweep tables too.
    """
    try:
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
    except FileNotFoundError:
        raise ResultError(f"{path}: no such result file") from None
    except (OSError, json.JSONDecodeError) as error:
        raise ResultError(f"{path}: not a readable result file ({error})") from None
    if not isinstance(document, dict) or document.get("format") not in formats:
        raise ResultError(f"{path}: not an elsim result file")
    if document.get("format_version") != FORMAT_VERSION:
        raise ResultError(f"{path}: result format version {document.get('format_version')!r}"
                          f" is not {FORMAT_VERSION}; re-run the scenario to update it")
    return document
