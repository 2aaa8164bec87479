"""Result files: ``<stem>.json`` and ``<stem>.csv``, written atomically, and reading them back.

CSV cells are for spreadsheets, which run a cell starting with ``=``, ``+``, ``-``, ``@`` (or
a tab or carriage return) as a formula: such a text cell (a list named ``=HYPERLINK(...)``)
is written with a leading apostrophe, which spreadsheets show as text. Numbers are written
as they are.

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
from sim.output.files import commit_files, json_text
from sim.output.validate import check_result, check_sweep

FORMAT = "elsim-result"
FORMAT_VERSION = 2  # 2: P(pass) split in two; the poll model's assumptions
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_COLUMNS = ("scenario", "list", "name", "bloc", "seats_mean", "seats_sd", "seats_q05",
               "seats_q25", "seats_q50", "seats_q75", "seats_q95", "p_threshold",
               "p_runner_up", "share_mean", "share_q05", "share_q95")


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
            "group": scenario.group,
            "order": scenario.order,
            "digest": scenario.digest,
        },
        "run": {
            # A string: 128-bit entropy does not survive JSON readers that use doubles.
            "seed_entropy": str(simulation.entropy),
            "draws": simulation.draws,
            "chunk_draws": simulation.chunk_draws,
            "versions": versions(),
        },
        "assumptions": assumptions(scenario, simulation.support),
        "summary": simulation.to_dict(),
    }


def csv_text(document: dict) -> str:
    """The tidy table: one row per list, and one for the independents of a district tier."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    stem = result_stem(document)
    for item in document["summary"]["lists"]:
        share = item["share"]
        writer.writerow([safe_cell(cell) for cell in _seat_row(stem, item)
                         + [item["p_threshold"], item["p_runner_up"], share["mean"],
                            share["q05"], share["q95"]]])
    if "independents" in document["summary"]:
        # District-only candidates: seats, but no list vote, threshold or share.
        writer.writerow([safe_cell(cell) for cell in
                         _seat_row(stem, document["summary"]["independents"]) + [""] * 5])
    return buffer.getvalue()


def _seat_row(stem: str, item: dict) -> list:
    """The CSV columns up to the seat quantiles of one row of the summary."""
    seats = item["seats"]
    return [stem, item["id"], item["name"], item["bloc"] or "", seats["mean"], seats["sd"],
            seats["q05"], seats["q25"], seats["q50"], seats["q75"], seats["q95"]]


def safe_cell(value):
    """A text cell a spreadsheet would run as a formula, made plain text; else ``value``."""
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value
    return value


def result_stem(document: dict) -> str:
    """The name a result's files take after: its scenario file's stem."""
    return Path(document["scenario"]["path"]).stem


def result_names(stem: str) -> tuple[str, str]:
    """A result's file names: the CSV, then the JSON (written last)."""
    return f"{stem}.csv", f"{stem}.json"


def result_files(document: dict) -> dict[str, str]:
    """The files of a result, by name: the CSV, then the JSON (written last)."""
    csv_name, json_name = result_names(result_stem(document))
    return {csv_name: csv_text(document), json_name: json_text(document)}


def write_result(document: dict, out_dir: Path) -> Path:
    """Write ``<stem>.json`` and ``<stem>.csv`` into ``out_dir``; returns the JSON path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    files = result_files(document)
    commit_files(out_dir, files)
    return out_dir / list(files)[-1]


def read_result(path: str | Path, formats: tuple[str, ...] = (FORMAT,)) -> dict:
    """A result file's document, checked once (:mod:`sim.output.validate`); a missing,
    unreadable, foreign or malformed file is a ResultError naming the file and the field.

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
    _check_format_version(path, document.get("format_version"))
    (check_result if document["format"] == FORMAT else check_sweep)(document, str(path))
    return document


def _check_format_version(path: str | Path, version: object) -> None:
    """A result of another format version is refused with what to do about it (the
    changes between versions are in CHANGELOG.md)."""
    if version == FORMAT_VERSION:
        return
    if isinstance(version, int) and not isinstance(version, bool) and version > FORMAT_VERSION:
        raise ResultError(f"{path}: result format version {version} is newer than this elsim "
                          f"reads ({FORMAT_VERSION}); upgrade elsim: pip install -U elsim-seats")
    raise ResultError(f"{path}: result format version {version!r} is older than this elsim "
                      f"reads ({FORMAT_VERSION}); re-run its scenario to write it anew "
                      f"(elsim run SCENARIO, or elsim check --update for baselines)")
