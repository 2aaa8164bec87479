"""The ``elsim`` command: a thin translation layer between the shell and the library.

Every :class:`~sim.errors.SimError` becomes one line on stderr and exit code 2.
"""

from __future__ import annotations

import json
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import click
import numpy as np
from tqdm import tqdm

from sim import __version__
from sim.compare import FORMATS, comparison, format_comparison
from sim.distributed import DaskExecutor
from sim.engine import executor_workers, local_executor, simulate
from sim.errors import ScenarioError, SimError
from sim.regression import compare_to_baseline
from sim.results import (FORMAT, atomic_write, log_run, read_result, result_document,
                         write_result)
from sim.rules import allocate_details, votes_beyond_lists
from sim.scenario import load_scenario
from sim.sweep import SWEEP_FORMAT, run_sweep, write_sweep
from sim.tally import load_tally
from sim.textable import render
from sim.views import scenario_table


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


def scenario_paths(paths) -> list[Path]:
    """Scenario files from files and folders; in a folder, every ``*.toml`` not starting
    with ``_`` (those are partial bases for ``extends``), in sorted order."""
    found = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            found += sorted(p for p in path.rglob("*.toml") if not p.name.startswith("_"))
        elif path.exists():
            found.append(path)
        else:
            raise ScenarioError("", None, "no such file or folder", file=name)
    stems: dict[str, Path] = {}
    for path in found:
        if path.stem in stems:
            raise ScenarioError("", None, f"has the same name as {stems[path.stem]}: their "
                                "results would overwrite each other", file=str(path))
        stems[path.stem] = path
    return found


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
    documents = []
    # The scenario itself, then each sweep variant: the progress bar's total.
    total = sum((draws or scenario.draws) * (1 + scenario.sweep_size) for scenario in scenarios)
    try:
        with _executor(workers, dask_address) as executor, \
                tqdm(total=total, unit="draw", unit_scale=True, delay=0.5, file=sys.stderr,
                     disable=quiet, leave=False) as bar:
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
        write_sweep(run_sweep(scenario, draws=draws, seed=seed, executor=executor,
                              on_chunk=bar.update), out)
    log_run(out, document, time.perf_counter() - started, executor_workers(executor))
    return document


@contextmanager
def _executor(workers: int, dask_address: str | None):
    executor = DaskExecutor(dask_address, workers) if dask_address else local_executor(workers)
    try:
        yield executor
    finally:
        executor.close()


def _documents(inputs, draws, seed, workers) -> list[dict]:
    """Result documents from result files (``.json``) or scenarios (run now, not written)."""
    documents = []
    with _executor(workers, None) as executor:
        for name in inputs:
            if name.endswith(".json"):
                documents.append(read_result(name))
            else:
                simulation = simulate(load_scenario(name), draws=draws, seed=seed,
                                      executor=executor)
                documents.append(result_document(simulation))
    return documents


@main.command("compare")
@click.argument("inputs", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table",
              show_default=True)
@click.option("--draws", type=click.IntRange(min=1), help="Draws for scenario files.")
@click.option("--seed", type=click.IntRange(min=0), help="Seed for scenario files.")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True)
def compare_command(inputs, fmt, draws, seed, workers):
    """Compare results side by side: scenario files (run now) or result files (.json).

    Per list: mean seats, 90% interval and P(pass); per bloc: the probability of each
    majority line; each with its difference from the first input.
    """
    click.echo(format_comparison(comparison(_documents(inputs, draws, seed, workers)), fmt),
               nl=False)


@main.command("check")
@click.argument("paths", nargs=-1)
@click.option("--baseline", type=click.Path(file_okay=False), default="results",
              show_default=True, help="Folder of the baseline result files.")
@click.option("--seed", type=click.IntRange(min=0),
              help="Re-run with this seed instead of each file's run.seed.")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True)
@click.option("--update", is_flag=True, help="Rewrite the baselines instead of checking.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.pass_context
def check_command(ctx, paths, baseline, seed, workers, update, quiet):
    """Re-run scenarios and compare them with their baselines in results/.

    Without PATHS, every scenario under scenarios/ (history tallies aside). Exit 0 when
    every metric is within its Monte Carlo tolerance, 1 with a table of what moved, 2 when a
    baseline is missing or unreadable.
    """
    found = scenario_paths(paths or _default_check_paths())
    baseline_dir = Path(baseline)
    if not update:
        baselines = {path: read_result(baseline_dir / f"{path.stem}.json") for path in found}
    moved = []
    scenarios = [load_scenario(path) for path in found]
    with _executor(workers, None) as executor, \
            tqdm(total=sum(s.draws for s in scenarios), unit="draw", unit_scale=True,
                 delay=0.5, file=sys.stderr, disable=quiet, leave=False) as bar:
        for path, scenario in zip(found, scenarios):
            document = result_document(simulate(scenario, seed=seed, executor=executor,
                                                on_chunk=bar.update))
            if update:
                write_result(document, baseline_dir)
            else:
                moved += compare_to_baseline(path.stem, baselines[path], document)
    if update:
        click.echo(f"updated {len(found)} baselines in {baseline_dir}")
        return
    if moved:
        click.echo(render(["scenario", "metric", "baseline", "now", "tolerance"], [
            [m.scenario, m.metric, _number(m.baseline), _number(m.now), _number(m.tolerance)]
            for m in moved]))
        click.echo(f"{len(moved)} metrics moved beyond Monte Carlo error "
                   f"(see sim/regression.py for the tolerance).")
        ctx.exit(1)
    click.echo(f"{len(found)} scenarios match their baselines in {baseline_dir}")


def _default_check_paths() -> list[str]:
    folders = [p for p in sorted(Path("scenarios").iterdir()) if p.is_dir()
               and p.name != "history"] if Path("scenarios").is_dir() else []
    if not folders:
        raise ScenarioError("", None, "no scenario folders to check; name the scenarios",
                            file="scenarios")
    return [str(folder) for folder in folders]


def _number(value) -> str:
    return "missing" if value is None else f"{value:.4f}"


def _plotting():
    """sim.plots, which needs the optional matplotlib."""
    try:
        from sim import plots
    except ImportError:
        raise SimError("pictures need matplotlib: pip install 'elsim[plot]'") from None
    return plots


def _json_files(paths) -> list[str]:
    """Files as given; a folder stands for the ``*.json`` files in it, in sorted order."""
    found = []
    for name in paths:
        path = Path(name)
        found += sorted(map(str, path.glob("*.json"))) if path.is_dir() else [name]
    return found


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
    for name in _json_files(files):
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
    folders of them); a result's sweep table beside it is drawn too."""
    _plotting()
    from sim.report import report_html, sweep_beside

    inputs = [name for name in _json_files(inputs) if not name.endswith("-sweep.json")]
    documents = _documents(inputs, draws, seed, 1)
    sweeps = {}
    for name, document in zip(inputs, documents):
        beside = sweep_beside(Path(name))
        if name.endswith(".json") and beside.exists():
            sweeps[document["scenario"]["path"]] = read_result(beside, formats=(SWEEP_FORMAT,))
    atomic_write(Path(out), report_html(documents, sweeps))
    click.echo(f"wrote {out}")


@main.command("validate")
@click.argument("paths", nargs=-1, required=True)
def validate_command(paths):
    """Check scenario files without running them."""
    for path in scenario_paths(paths):
        scenario = load_scenario(path)
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
