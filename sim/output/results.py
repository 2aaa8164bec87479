"""Result files: ``<stem>.json`` and ``<stem>.csv``, written atomically, and reading them back.

A result holds only what the scenario and seed determine, so re-running an unchanged
scenario rewrites identical files; timings and host details go to the git-ignored
``run-log.jsonl`` beside them.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy
import scipy
import simpy

from sim import __version__
from sim.engine.simulate import Simulation
from sim.errors import ResultError
from sim.output.assumptions import assumptions
from sim.output.files import atomic_write, json_text

FORMAT = "elsim-result"
FORMAT_VERSION = 1
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
        "assumptions": assumptions(scenario, simulation.priors),
        "summary": simulation.to_dict(),
    }


def csv_text(document: dict) -> str:
    """The tidy table: one row per list, and one for the independents of a district tier."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    stem = Path(document["scenario"]["path"]).stem
    for item in document["summary"]["lists"]:
        share = item["share"]
        writer.writerow(_seat_row(stem, item) + [item["p_pass"], share["mean"], share["q05"],
                                                 share["q95"]])
    if "independents" in document["summary"]:
        # District-only candidates: seats, but no list vote, threshold or share.
        writer.writerow(_seat_row(stem, document["summary"]["independents"]) + [""] * 4)
    return buffer.getvalue()


def _seat_row(stem: str, item: dict) -> list:
    """The CSV columns up to the seat quantiles of one row of the summary."""
    seats = item["seats"]
    return [stem, item["id"], item["name"], item["bloc"] or "", seats["mean"], seats["sd"],
            seats["q05"], seats["q25"], seats["q50"], seats["q75"], seats["q95"]]


def write_result(document: dict, out_dir: Path) -> Path:
    """Write ``<stem>.json`` and ``<stem>.csv`` into ``out_dir``; returns the JSON path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = Path(document["scenario"]["path"]).stem
    json_path = out_dir / f"{stem}.json"
    atomic_write(json_path, json_text(document))
    atomic_write(out_dir / f"{stem}.csv", csv_text(document))
    return json_path


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
