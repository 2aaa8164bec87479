"""``elsim run``: run scenarios and write their results."""

from __future__ import annotations

import json
import time
from pathlib import Path

import click

from sim.cli.common import open_executor, progress_bar, scenario_paths
from sim.cli.group import main
from sim.engine.executors import executor_workers
from sim.engine.simulate import simulate
from sim.engine.sweep import run_sweep
from sim.errors import SimError
from sim.output.files import log_run
from sim.output.results import result_document, write_result
from sim.output.sweeps import sweep_document, write_sweep
from sim.output.text import scenario_table
from sim.scenario import load_scenario


@main.command("run")
@click.argument("paths", nargs=-1, required=True)
@click.option("--draws", type=click.IntRange(min=1),
              help="Draws per scenario (default: the file's run.draws).")
@click.option("--seed", type=click.IntRange(min=0),
              help="Root seed (default: the file's run.seed, else fresh entropy).")
@click.option("--out", type=click.Path(file_okay=False), default="results", show_default=True,
              help="Folder for the result files.")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="Local processes to run chunks on (or workers of --dask local).")
@click.option("--dask", "dask_address", metavar="ADDRESS",
              help="Run chunks on a Dask scheduler at ADDRESS, or 'local' for a local cluster.")
@click.option("--json", "as_json", is_flag=True,
              help="Print the results as JSON instead of tables.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.pass_context
def run_command(ctx, paths, draws, seed, out, workers, dask_address, as_json, quiet):
    """Run scenario files (or every scenario in folders) and write results/<name>.json.

    A scenario that fails is reported at the end and the others still run: the exit code is
    then 1 (2 when no scenario could be read at all). Ctrl-C stops cleanly with exit code
    130: finished scenarios keep their results and no partial file is left.
    """
    scenarios, failures = _load_all(scenario_paths(paths))
    for warning in (text for scenario in scenarios for text in scenario.warnings):
        click.echo(f"warning: {warning}", err=True)
    documents = []
    # The scenario itself, then each sweep variant: the progress bar's total.
    total = sum((draws or scenario.draws) * (1 + scenario.sweep_size) for scenario in scenarios)
    try:
        with open_executor(workers, dask_address) as executor, \
                progress_bar(total, quiet) as bar:
            for scenario in scenarios:
                document = _run_one(scenario, draws, seed, Path(out), executor, bar, failures)
                if document is None:
                    continue
                documents.append(document)
                if not as_json:
                    bar.clear()
                    click.echo(scenario_table(document))
    except KeyboardInterrupt:
        click.echo(f"interrupted: {len(documents)} of {len(scenarios)} scenarios finished "
                   "and written; nothing else was changed", err=True)
        ctx.exit(130)
    if as_json:
        click.echo(json.dumps(documents[0] if len(documents) == 1 else documents, indent=1))
    if failures:
        for path, error in failures:
            # A SimError names its file already; anything else gets the scenario's path.
            click.echo(f"error: {error}" if isinstance(error, SimError)
                       else f"error: {path}: {error}", err=True)
        ctx.exit(2 if not documents and all(isinstance(e, SimError) for _, e in failures)
                 else 1)


def _load_all(paths):
    """The scenarios that load, and (path, error) for those that do not."""
    scenarios, failures = [], []
    for path in paths:
        try:
            scenarios.append(load_scenario(path))
        except SimError as error:
            failures.append((path, error))
    return scenarios, failures


def _run_one(scenario, draws, seed, out: Path, executor, bar, failures) -> dict | None:
    """Simulate, write and log one scenario; a failure is noted and the batch goes on."""
    started = time.perf_counter()
    try:
        simulation = simulate(scenario, draws=draws, seed=seed, executor=executor,
                              on_chunk=bar.update)
    except SimError as error:
        failures.append((scenario.path, error))
        return None
    except Exception as error:  # noqa: BLE001 - one scenario's failure must not stop the batch
        failures.append((scenario.path, f"{type(error).__name__}: {error}"))
        return None
    document = result_document(simulation)
    write_result(document, out)
    if scenario.sweeps:
        runs = run_sweep(scenario, draws=draws, seed=seed, executor=executor,
                         on_chunk=bar.update)
        write_sweep(sweep_document(scenario, runs, draws), out)
    log_run(out, document, time.perf_counter() - started, executor_workers(executor))
    return document
