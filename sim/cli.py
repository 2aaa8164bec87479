"""The ``elsim`` command: a thin translation layer between the shell and the library.

Every :class:`~sim.errors.SimError` becomes one line on stderr and exit code 2.
"""

from __future__ import annotations

import json

import click

from sim import __version__
from sim.errors import SimError
from sim.rules import allocate_details
from sim.tally import load_tally
from sim.textable import render


class _Group(click.Group):
    """Turns a user error anywhere below into one line and exit code 2, no traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except SimError as error:
            click.echo(f"error: {error}", err=True)
            ctx.exit(2)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="elsim")
def main():
    """elsim: what poll assumptions mean in seats, under the real electoral law."""


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


def _threshold_base(tally) -> int:
    base = int(tally.votes.sum())
    if tally.system.threshold_base in ("valid", "ballots"):
        base += tally.against_all or 0
    if tally.system.threshold_base == "ballots":
        base += tally.invalid or 0
    return base


def _allocation_table(tally, result) -> str:
    base = _threshold_base(tally)
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
    return "\n".join([title, render(headers, rows), *notes, ""])


def _allocation_json(tally, result) -> dict:
    return {
        "file": tally.path,
        "seats": {name: int(s) for name, s in zip(tally.lists, result.seats)},
        "passed": [name for name, p in zip(tally.lists, result.passed) if p],
        "quotas": {name: round(float(q), 6) for name, q, p
                   in zip(tally.lists, result.quotas, result.passed) if p},
        "ties": [name for name, tied in zip(tally.lists, result.tied) if tied],
        "runner_up": bool(result.runner_up),
    }
