"""``elsim plot`` and ``elsim report``: pictures and the HTML report (need matplotlib)."""

from __future__ import annotations

from pathlib import Path

import click

from sim.cli.common import documents_from, json_files
from sim.cli.group import main
from sim.errors import SimError
from sim.output.files import atomic_write
from sim.output.report.inputs import sort_inputs
from sim.output.results import FORMAT, read_result
from sim.output.sweeps import SWEEP_FORMAT


def _plotting():
    """sim.output.plots, which needs the optional matplotlib."""
    try:
        from sim.output import plots
    except ImportError:
        raise SimError("pictures need matplotlib: pip install 'elsim-seats[plot]'") from None
    return plots


@main.command("plot")
@click.argument("files", nargs=-1, required=True)
@click.option("--out", type=click.Path(file_okay=False), default="results/plots",
              show_default=True, help="Folder for the pictures.")
@click.option("--format", "fmt", type=click.Choice(["png", "svg"]), default="png",
              show_default=True)
def plot_command(files, out, fmt):
    """Draw result files (.json, or folders of them): seat distributions and a hemicycle for
    each, a comparison when there are several, and a chart for each sweep (*-sweep.json)."""
    plots = _plotting()

    documents, sweeps = [], []
    # Other elsim documents in a folder (posteriors, ...) have their own pictures.
    for name in sort_inputs(json_files(files))[0]:
        document = read_result(name, formats=(FORMAT, SWEEP_FORMAT))
        (sweeps if document["format"] == SWEEP_FORMAT else documents).append(document)
    colors = plots.list_colors(documents + sweeps)
    # Each picture is drawn, written and closed in turn: one figure in memory at a time.
    drawings = []
    for document in documents:
        stem = Path(document["scenario"]["path"]).stem
        drawings += [(f"{stem}-seats", plots.seat_distributions, document),
                     (f"{stem}-hemicycle", plots.hemicycle, document)]
    if len(documents) > 1:
        drawings.append(("comparison", plots.comparison, documents))
    for sweep in sweeps:
        drawings.append((f"{Path(sweep['scenario']['path']).stem}-sweep", plots.sweep, sweep))
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    for name, draw, data in drawings:
        atomic_write(folder / f"{name}.{fmt}", plots.image_bytes(draw(data, colors), fmt))
    click.echo(f"wrote {len(drawings)} pictures to {folder}")


@main.command("report")
@click.argument("inputs", nargs=-1, required=True)
@click.option("--out", type=click.Path(dir_okay=False), default="report.html",
              show_default=True)
@click.option("--draws", type=click.IntRange(min=1), help="Draws for scenario files.")
@click.option("--seed", type=click.IntRange(min=0), help="Seed for scenario files.")
def report_command(inputs, out, draws, seed):
    """One self-contained HTML report of scenarios (run now) or result files (.json, or
    folders of them); a result's sweep table beside it is drawn too, and other elsim
    documents given (backtests, calibrations, ...) get their own sections."""
    _plotting()
    from sim.output.report import report_html, sort_inputs, sweep_beside

    inputs, others = sort_inputs([name for name in json_files(inputs)
                                  if not name.endswith("-sweep.json")])
    documents = documents_from(inputs, draws, seed, 1)
    sweeps = {}
    for name, document in zip(inputs, documents):
        beside = sweep_beside(Path(name))
        if name.endswith(".json") and beside.exists():
            sweeps[document["scenario"]["path"]] = read_result(beside, formats=(SWEEP_FORMAT,))
    atomic_write(Path(out), report_html(documents, sweeps, others))
    click.echo(f"wrote {out}")
