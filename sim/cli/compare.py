"""``elsim compare``: results side by side."""

from __future__ import annotations

import click

from sim.cli.common import results_from
from sim.cli.group import main
from sim.output.compare import FORMATS, comparison, format_comparison


@main.command("compare")
@click.argument("inputs", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table",
              show_default=True)
@click.option("--draws", type=click.IntRange(min=1), help="Draws for scenario files.")
@click.option("--seed", type=click.IntRange(min=0), help="Seed for scenario files.")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True)
def compare_command(inputs, fmt, draws, seed, workers):
    """Compare results side by side: scenario files (run now) or result files (.json).

    Scenario by scenario, per list: mean seats, 90% interval, P(>= threshold) and
    P(admitted as runner-up); per bloc: the probability of each majority line; each with its
    difference from the first input (of the same house and rules): seats, or percentage
    points (pp) of probability. The table fits 100 columns; --format csv is for
    spreadsheets (a text cell that would run as a formula is written as text).
    """
    click.echo(format_comparison(comparison(results_from(inputs, draws, seed, workers)), fmt),
               nl=False)
