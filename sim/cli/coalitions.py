"""``elsim coalitions``: any combination of lists, asked after the run."""

from __future__ import annotations

import json

import click

from sim.cli.common import results_from
from sim.cli.group import main
from sim.output.coalitions import coalition, parse_coalition
from sim.output.text import percent, render


@main.command("coalitions")
@click.argument("result")
@click.argument("coalitions", nargs=-1)
@click.option("--member", "members", multiple=True, metavar="ID",
              help="A member of one more coalition, its id taken as written (repeatable; "
                   'for ids with "+" in them).')
@click.option("--line", "lines", type=click.IntRange(min=1), multiple=True,
              help="Seats a coalition must reach (repeatable); default: the result's "
                   "majority lines.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def coalitions_command(result, coalitions, members, lines, as_json):
    """P(seats >= line) and the seats of coalitions such as "a+b", from a RESULT file
    (.json, or a scenario file, run now). Members are list ids, "independents" (district
    winners of no list) and appointed groups; "--member a --member b" names the coalition
    "a+b" one id at a time.

    Estimated from the per-draw seats of the sample of draws the result keeps (every 10th
    draw of each chunk, from the first chunks on, up to 20,000 draws; docs/results.md);
    each probability comes with its Monte Carlo standard error.
    """
    if not coalitions and not members:
        raise click.UsageError('name a coalition ("a+b") or its members (--member a '
                               "--member b)")
    found = results_from([result], None, None, 1)[0]
    needed = {f">= {n}": n for n in lines} or {
        f"{name} >= {n}": n for name, n in found.summary.parliament.seats_needed.items()}
    asked = [parse_coalition(text) for text in coalitions] + ([list(members)] if members else [])
    answers = [coalition(found, names, needed) for names in asked]
    if as_json:
        click.echo(json.dumps(answers if len(answers) > 1 else answers[0], indent=1))
        return
    headers = ["coalition", "seats", "90% interval"] + [f"P({name})" for name in needed]
    rows = [[" + ".join(a["members"]), f"{a['mean']:.1f}", f"{a['q05']}-{a['q95']}"]
            + [f"{percent(a['lines'][name]['p'])} ± {100 * a['lines'][name]['se']:.1f}"
               for name in needed] for a in answers]
    click.echo(render(headers, rows))
    click.echo(f"From {answers[0]['draws']:,} draws kept in the result; ± is one Monte Carlo "
               "standard error (percentage points).")
