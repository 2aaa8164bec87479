"""``elsim validate`` and ``elsim allocate``: check scenario files; allocate one count."""

from __future__ import annotations

import json
from pathlib import Path

import click

from sim.cli.common import scenario_paths
from sim.cli.group import main
from sim.law.tally import load_tally
from sim.output.tally import DISTRICT_ROWS, allocate_tally, outcome_json, outcome_text
from sim.packaged import describe
from sim.scenario import load_scenario


@main.command("validate")
@click.argument("paths", nargs=-1, required=True)
def validate_command(paths):
    """Check scenario files without running them (a tally file is checked as a tally)."""
    for path in scenario_paths(paths):
        if describe(Path(path), Path(path).name).kind == "tally":
            tally = load_tally(path)
            for warning in tally.warnings:
                click.echo(f"warning: {warning}", err=True)
            districts = len(tally.pr_districts) + len(tally.districts)
            click.echo(f"{path}: ok (a tally file: {len(tally.lists)} lists"
                       + (f", {districts} districts" if districts else "")
                       + "; elsim allocate gives its seats)")
            continue
        scenario = load_scenario(path)
        for warning in scenario.warnings:
            click.echo(f"warning: {warning}", err=True)
        click.echo(f"{path}: ok ({len(scenario.lists)} lists, {len(scenario.polls)} polls, "
                   f"{len(scenario.sources)} sources)")


@main.command("allocate")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
@click.option("--districts", "all_districts", is_flag=True,
              help="List every district (by default only those that differ from the official "
                   f"result when there are more than {DISTRICT_ROWS}).")
def allocate_command(files, as_json, all_districts):
    """Allocate the seats of one count per FILE (a tally file: [system], and [votes] or
    multi-member [[district]] tables).

    Seats that differ from the tally's official result are marked [official]; the exit code
    is then 1 (0 when every seat matches, or the tally gives none).
    """
    documents, differ = [], False
    for path in files:
        tally = load_tally(path)
        for warning in tally.warnings:
            click.echo(f"warning: {warning}", err=True)
        outcome = allocate_tally(tally)
        differ |= bool(outcome.mismatches)
        if as_json:
            documents.append(outcome_json(outcome))
        else:
            click.echo(outcome_text(outcome, all_districts=all_districts))
    if as_json:
        click.echo(json.dumps(documents[0] if len(documents) == 1 else documents, indent=2))
    if differ:
        raise click.exceptions.Exit(1)
