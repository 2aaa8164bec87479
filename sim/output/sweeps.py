"""Sweep tables as files: ``<stem>-sweep.json`` and ``<stem>-sweep.csv``."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from sim.engine.simulate import Simulation
from sim.output.files import json_text
from sim.output.records import SWEEP_FORMAT, Result
from sim.output.results import FORMAT_VERSION, result_files, result_stem, safe_cell
from sim.scenario import Scenario


def sweep_document(scenario: Scenario, runs: list[tuple[dict, Simulation]],
                   draws: int | None) -> dict:
    """The sweep table: for each variant, mean seats, P(reaches the threshold) and P(admitted as
    runner-up) per list and the majority
    probabilities per bloc."""
    rows = []
    for values, simulation in runs:
        summary = simulation.to_dict()
        rows.append({
            **values,
            "lists": {item["id"]: {"seats": item["seats"]["mean"], "q05": item["seats"]["q05"],
                                   "q95": item["seats"]["q95"],
                                   "p_threshold": item["p_threshold"],
                                   "p_runner_up": item["p_runner_up"]}
                      for item in summary["lists"]},
            "blocs": {bloc["id"]: {"seats": bloc["seats"]["mean"], **bloc["majorities"]}
                      for bloc in summary["blocs"]},
        })
    return {
        "format": SWEEP_FORMAT,
        "format_version": FORMAT_VERSION,
        "scenario": {"path": Path(scenario.path).as_posix(), "title": scenario.title},
        "names": {item.id: item.name for item in scenario.lists},
        "axes": [{"id": axis.id, "key": axis.key, "complement": axis.complement,
                  "values": list(axis.values)} for axis in scenario.sweeps],
        "draws": draws or scenario.draws,
        "rows": rows,
    }


def sweep_csv(document: dict) -> str:
    """One row per variant: the swept values, then ``list.metric`` and ``bloc.metric``."""
    axes = [axis["id"] for axis in document["axes"]]
    first = document["rows"][0]
    columns = [(section, item, metric) for section in ("lists", "blocs")
               for item, metrics in first[section].items() for metric in metrics]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([safe_cell(name) for name in
                     axes + [f"{item}.{metric}" for _, item, metric in columns]])
    for row in document["rows"]:
        writer.writerow([row[axis] for axis in axes]
                        + [row[section][item][metric] for section, item, metric in columns])
    return buffer.getvalue()


def sweep_names(stem: str) -> tuple[str, str]:
    """A sweep table's file names: ``<stem>-sweep.csv`` and ``<stem>-sweep.json``."""
    return f"{stem}-sweep.csv", f"{stem}-sweep.json"


def sweep_files(document: dict) -> dict[str, str]:
    """The files of a sweep table, by name: its CSV and JSON."""
    csv_name, json_name = sweep_names(result_stem(document))
    return {csv_name: sweep_csv(document), json_name: json_text(document)}



def scenario_files(scenario: Scenario, result: Result,
                   runs: list[tuple[dict, Simulation]] | None, draws: int | None
                   ) -> dict[str, str]:
    """A scenario's files, by name, in commit order: its sweep table's when it has one, then
    its result's (the JSON, which marks a complete result, last)."""
    files = sweep_files(sweep_document(scenario, runs, draws)) if runs else {}
    return {**files, **result_files(result)}
