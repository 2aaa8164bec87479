"""``elsim infer``: the posterior of a scenario's unknowns given an observed count."""

from __future__ import annotations

import json
from pathlib import Path

import click

from sim.cli.common import engine_options, open_executor
from sim.cli.group import main
from sim.inference.abc import MAX_TOLERANCE, infer
from sim.inference.observed import observed_figures
from sim.inference.posterior import posterior_document
from sim.inference.protocols import observed_protocols, read_protocols
from sim.law.tally import load_tally
from sim.output.files import check_writable
from sim.output.posterior import PLOTS, posterior_stem, posterior_text, write_posterior
from sim.scenario import load_scenario

DEFAULT_ACCEPT = 4000


@main.command("infer")
@click.argument("scenario", type=click.Path(dir_okay=False))
@click.option("--observed", required=True, type=click.Path(dir_okay=False),
              help="Tally file of the published count (e.g. scenarios/history/kz-2021.toml).")
@click.option("--protocols", type=click.Path(dir_okay=False),
              help="CSV of observers' protocols (station, stratum, votes per option; "
                   "optional invalid, observed_voters): needs a scenario with [stations].")
@click.option("--draws", type=click.IntRange(min=1),
              help="Draws from the prior (default: 20 times the file's run.draws).")
@click.option("--accept", type=click.IntRange(min=1), default=DEFAULT_ACCEPT,
              show_default=True, help="Draws to accept: the closest ones.")
@click.option("--tolerance", type=click.FloatRange(min=0, min_open=True),
              help="Accept every draw within this many points instead, stopping once "
                   "--accept draws are in.")
@click.option("--max-tolerance", type=click.FloatRange(min=0, min_open=True),
              default=MAX_TOLERANCE, show_default=True,
              help="Never accept a draw further than this many points from a figure.")
@click.option("--out", type=click.Path(file_okay=False), default="results", show_default=True,
              help="Folder for <name>-posterior.json/.csv; pictures go to OUT/plots.")
@engine_options
@click.option("--json", "as_json", is_flag=True, help="Print the posterior as JSON.")
def infer_command(scenario, observed, protocols, draws, accept, tolerance, max_tolerance, seed, out,
                  workers, dask_address, as_json):
    """Infer SCENARIO's uncertain parameters and poll source from an observed count.

    Approximate Bayesian computation (docs/inference.md): draws whose official figures all
    come within the tolerance of the observed ones are kept (with --protocols, and whose
    protocols at the same stations come within as many standard errors of the observers').
    Fewer than 100 such draws is no posterior: the command says so and exits 1.
    """
    loaded = load_scenario(scenario)
    figures = observed_figures(load_tally(observed), loaded)
    given = None if protocols is None else \
        observed_protocols(read_protocols(protocols, loaded), loaded)
    draws = draws or 20 * loaded.draws
    check_writable(Path(out))  # before the inference, which may take minutes
    with open_executor(workers, dask_address) as executor:
        inference = infer(loaded, figures, draws=draws, accept=accept, executor=executor,
                          seed=seed, tolerance=tolerance, max_tolerance=max_tolerance,
                          protocols=given)
    document = posterior_document(inference)
    picture = _picture(document)
    write_posterior(document, Path(out), picture)
    written = Path(out) / PLOTS / f"{posterior_stem(document)}.png"
    click.echo(json.dumps(document, indent=1) if as_json else posterior_text(document)
               + (f"\nwrote {written}" if picture else ""))


def _picture(document: dict) -> bytes | None:
    """The prior/posterior picture (PNG), when matplotlib is installed."""
    try:
        from sim.output.plots import image_bytes
        from sim.output.posterior_plots import posterior_figure
    except ImportError:
        return None
    return image_bytes(posterior_figure(document))
