"""``elsim validate`` and ``elsim allocate``: check scenario files; allocate one count."""

from __future__ import annotations

import json

import click
import numpy as np

from sim.cli.common import scenario_paths
from sim.cli.group import main
from sim.law.allocate import allocate_details
from sim.law.tally import load_tally
from sim.law.votes import votes_beyond_lists
from sim.output.text import render
from sim.scenario import load_scenario


@main.command("validate")
@click.argument("paths", nargs=-1, required=True)
def validate_command(paths):
    """Check scenario files without running them."""
    for path in scenario_paths(paths):
        scenario = load_scenario(path)
        for warning in scenario.warnings:
            click.echo(f"warning: {warning}", err=True)
        click.echo(f"{path}: ok ({len(scenario.lists)} lists, {len(scenario.polls)} polls, "
                   f"{len(scenario.sources)} sources)")


@main.command("allocate")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def allocate_command(files, as_json):
    """Allocate the seats of one count per FILE (a tally file with [system] and [votes])."""
    documents = []
    for path in files:
        tally = load_tally(path)
        result = allocate_details(tally.votes, tally.system, against_all=tally.against_all,
                                  invalid=tally.invalid)
        if as_json:
            documents.append(_allocation_json(tally, result))
        else:
            click.echo(_allocation_table(tally, result))
    if as_json:
        click.echo(json.dumps(documents[0] if len(documents) == 1 else documents, indent=2))


def _allocation_table(tally, result) -> str:
    base = int(tally.votes.sum()) + int(votes_beyond_lists(
        tally.system, 1, np.int64, tally.against_all, tally.invalid)[0])
    headers = ["list", "votes", "share %", "passed", "quota", "seats"]
    if tally.official is not None:
        headers.append("official")
    rows = []
    for i, name in enumerate(tally.lists):
        row = [name, f"{tally.votes[i]:,}", f"{100 * tally.votes[i] / base:.2f}",
               "yes" if result.passed[i] else "no",
               f"{result.quotas[i]:.3f}" if result.passed[i] else "", int(result.seats[i])]
        if tally.official is not None:
            row.append(tally.official.get(name, ""))
        rows.append(row)
    system = tally.system
    title = (f"{tally.title} ({system.seats} seats, {system.method}, threshold "
             f"{100 * system.threshold:g}% of {system.threshold_base} votes)")
    notes = []
    if bool(result.runner_up):
        notes.append("The runner-up rule admitted a second list.")
    if result.tied.any():
        tied = ", ".join(name for name, tied in zip(tally.lists, result.tied) if tied)
        notes.append(f"A tie decided a seat between {tied} (rule: {system.tie_break}).")
    return "\n".join([title, render(headers, rows), *notes, *_district_table(tally), ""])


def _district_table(tally) -> list[str]:
    """The single-member districts of a mixed-house tally: winner by plurality, official."""
    if not tally.districts:
        return []
    headers = ["district", "winner", "votes", "share %"] + \
        (["official"] if any(d.official for d in tally.districts) else [])
    rows = []
    for district in tally.districts:
        winner = district.winner()
        votes = int(district.votes[district.candidates.index(winner)])
        rows.append([district.name, winner, f"{votes:,}",
                     f"{100 * votes / district.votes.sum():.2f}"]
                    + ([district.official or ""] if len(headers) == 5 else []))
    return ["", f"{len(tally.districts)} single-member districts, plurality (a tie goes to "
            "the earlier candidate)", render(headers, rows)]


def _allocation_json(tally, result) -> dict:
    return {
        "file": tally.path,
        "seats": {name: int(s) for name, s in zip(tally.lists, result.seats)},
        "passed": [name for name, p in zip(tally.lists, result.passed) if p],
        "quotas": {name: round(float(q), 6) for name, q, p
                   in zip(tally.lists, result.quotas, result.passed) if p},
        "ties": [name for name, tied in zip(tally.lists, result.tied) if tied],
        "runner_up": bool(result.runner_up),
        **({"districts": {d.name: d.winner() for d in tally.districts}}
           if tally.districts else {}),
    }
