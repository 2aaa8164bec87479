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

from sim.engine.simulate import Simulation
from sim.errors import ResultError
from sim.output.assumptions import assumptions
from sim.output.files import commit_files, json_text
from sim.output.records import (
    FORMAT,
    FORMAT_VERSION,
    SWEEP_FORMAT,
    Assumptions,
    Independents,
    ListResult,
    Result,
    RunInfo,
    ScenarioInfo,
    Summary,
    check_format_version,
)
from sim.output.validate import check_sweep
from sim.versions import versions

__all__ = ["FORMAT", "FORMAT_VERSION", "Result", "csv_text", "read_record", "read_result",
           "result_document", "result_files", "result_record", "write_result"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_COLUMNS = ("scenario", "list", "name", "bloc", "seats_mean", "seats_sd", "seats_q05",
               "seats_q25", "seats_q50", "seats_q75", "seats_q95", "p_threshold",
               "p_runner_up", "share_mean", "share_q05", "share_q95")
def result_record(simulation: Simulation) -> Result:
    """Everything a result file holds: the summary and how it was made, as a record (checked
    as a file read back is, so elsim never writes what it would refuse to read)."""
    scenario = simulation.scenario
    where = f"the result of {scenario.path}"
    return Result(
        scenario=ScenarioInfo(path=Path(scenario.path).as_posix(), title=scenario.title,
                              notes=scenario.notes, group=scenario.group, order=scenario.order,
                              digest=scenario.digest),
        # A text: 128-bit entropy does not survive JSON readers that use doubles.
        run=RunInfo(seed_entropy=str(simulation.entropy), draws=simulation.draws,
                    chunk_draws=simulation.chunk_draws, versions=versions()),
        assumptions=Assumptions.from_plain(assumptions(scenario, simulation.support),
                                           "assumptions", where),
        summary=Summary.from_plain(simulation.to_dict(), "summary", where))


def result_document(simulation: Simulation) -> dict:
    """The result file's document (JSON data) of a simulation."""
    return result_record(simulation).to_dict()


def csv_text(result: Result) -> str:
    """The tidy table: one row per list, and one for the independents of a district tier."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    stem = result.stem
    summary = result.summary
    for item in summary.lists:
        share = item.share
        writer.writerow([safe_cell(cell) for cell in _seat_row(stem, item)
                         + [item.p_threshold, item.p_runner_up, share.mean,
                            share.q05, share.q95]])
    if summary.independents is not None:
        # District-only candidates: seats, but no list vote, threshold or share.
        writer.writerow([safe_cell(cell) for cell in
                         _seat_row(stem, summary.independents) + [""] * 5])
    return buffer.getvalue()


def _seat_row(stem: str, item: ListResult | Independents) -> list:
    """The CSV columns up to the seat quantiles of one row of the summary."""
    seats = item.seats
    return [stem, item.id, item.name, item.bloc or "", seats.mean, seats.sd,
            seats.q05, seats.q25, seats.q50, seats.q75, seats.q95]


def safe_cell(value):
    """A text cell a spreadsheet would run as a formula, made plain text; else ``value``."""
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value
    return value


def result_stem(document: dict) -> str:
    """The name a result's (or sweep table's) files take after: its scenario file's stem."""
    return Path(document["scenario"]["path"]).stem


def result_names(stem: str) -> tuple[str, str]:
    """A result's file names: the CSV, then the JSON (written last)."""
    return f"{stem}.csv", f"{stem}.json"


def result_files(result: Result) -> dict[str, str]:
    """The files of a result, by name: the CSV, then the JSON (written last)."""
    csv_name, json_name = result_names(result.stem)
    return {csv_name: csv_text(result), json_name: json_text(result.to_dict())}


def write_result(result: Result | dict, out_dir: Path) -> Path:
    """Write ``<stem>.json`` and ``<stem>.csv`` into ``out_dir``; returns the JSON path.
    (A document, as :func:`result_document` gives, is read into its record first.)"""
    if isinstance(result, dict):
        result = Result.from_dict(result, "the result document")
    out_dir.mkdir(parents=True, exist_ok=True)
    files = result_files(result)
    commit_files(out_dir, files)
    return out_dir / list(files)[-1]


def read_document(path: str | Path) -> dict:
    """A JSON file's document; a missing or unreadable one is a ResultError."""
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except FileNotFoundError:
        raise ResultError(f"{path}: no such result file") from None
    except (OSError, json.JSONDecodeError) as error:
        raise ResultError(f"{path}: not a readable result file ({error})") from None


def read_record(path: str | Path) -> Result:
    """A result file's record, checked once (:meth:`Result.from_dict`); a missing,
    unreadable, foreign or malformed file is a ResultError naming the file and the field."""
    return Result.from_dict(read_document(path), str(path))


def read_sweep(path: str | Path) -> dict:
    """A sweep table's document, checked once (:func:`sim.output.validate.check_sweep`)."""
    return read_result(path, formats=(SWEEP_FORMAT,))


def read_result(path: str | Path, formats: tuple[str, ...] = (FORMAT,)) -> dict:
    """A result file's document (JSON data), checked once as :func:`read_record` does.

    ``formats`` may add ``"elsim-sweep"`` to accept sweep tables too.
    """
    document = read_document(path)
    if not isinstance(document, dict) or document.get("format") not in formats:
        raise ResultError(f"{path}: not an elsim result file")
    if document["format"] == FORMAT:
        return Result.from_dict(document, str(path)).to_dict()
    check_format_version(str(path), document.get("format_version"))
    check_sweep(document, str(path))
    return document
