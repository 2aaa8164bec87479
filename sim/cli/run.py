"""``elsim run``: run scenarios and write their results."""

from __future__ import annotations

import json
import time
from pathlib import Path

import click

from sim.cli.common import engine_options, open_executor, progress_bar, scenario_paths
from sim.cli.group import main
from sim.engine.executors import executor_workers
from sim.engine.simulate import simulate
from sim.engine.sweep import run_sweep
from sim.errors import FileProblem, InvalidValue, ResultError, SimError
from sim.limits import check_draws
from sim.output.files import check_run_log, commit_files, log_run, prepare_folder
from sim.output.results import FORMAT, Result, result_names, result_record
from sim.output.sweeps import SWEEP_FORMAT, scenario_files, sweep_names
from sim.output.text import scenario_table
from sim.scenario import load_scenario


@main.command("run")
@click.argument("paths", nargs=-1, required=True)
@click.option("--draws", type=click.IntRange(min=1),
              help="Draws per scenario (default: the file's run.draws).")
@click.option("--out", type=click.Path(file_okay=False), default="results", show_default=True,
              help="Folder for the result files.")
@engine_options
@click.option("--json", "as_json", is_flag=True,
              help="Print the results as JSON instead of tables.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.pass_context
def run_command(ctx, paths, draws, seed, out, workers, dask_address, as_json, quiet):
    """Run scenario files (or every scenario in folders) and write results/<name>.json.

    A scenario that fails (or whose files cannot be written) is reported at the end and the
    others still run: the exit code is then 1 (2 when no scenario could be read at all).
    Ctrl-C stops cleanly with exit code 130: finished scenarios keep their results and no
    partial file is left. A scenario's files are replaced together, once all its runs (its
    sweep included) are done.
    """
    if draws is not None:
        check_draws(draws, "--draws")
    scenarios, failures = _load_all(scenario_paths(paths))
    _check_output_names(scenarios, Path(out))
    if scenarios:
        _prepare(Path(out))
    warnings = [text for scenario in scenarios for text in scenario.warnings]
    rerun = [Path(path).stem for path, _ in failures]  # their old results are not others'
    for warning in warnings + _other_results(scenarios, rerun, Path(out)):
        click.echo(f"warning: {warning}", err=True)
    results: list[Result] = []
    # The scenario itself, then each sweep variant: the progress bar's total.
    total = sum((draws or scenario.draws) * (1 + scenario.sweep_size) for scenario in scenarios)
    try:
        with open_executor(workers, dask_address) as executor, \
                progress_bar(total, quiet) as bar:
            for scenario in scenarios:
                result = _run_one(scenario, draws, seed, Path(out), executor, bar, failures)
                if result is None:
                    continue
                results.append(result)
                bar.clear()
                if not as_json:
                    click.echo(scenario_table(result))
                written = ", ".join(str(Path(out) / name) for name in _output_names(scenario))
                click.echo(f"wrote {written}" + ("" if as_json else "\n"), err=as_json)
    except KeyboardInterrupt:
        click.echo(f"interrupted: {len(results)} of {len(scenarios)} scenarios finished "
                   "and written; nothing else was changed", err=True)
        ctx.exit(130)
    if as_json:
        documents = [result.to_dict() for result in results]
        click.echo(json.dumps(documents[0] if len(documents) == 1 else documents, indent=1))
    if failures:
        for path, error in failures:
            # A SimError names its file already; anything else gets the scenario's path.
            click.echo(f"error: {error}" if isinstance(error, SimError)
                       else f"error: {path}: {error}", err=True)
        ctx.exit(2 if not results and all(isinstance(e, SimError) for _, e in failures)
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


def _output_names(scenario) -> list[str]:
    stem = Path(scenario.path).stem
    return [*result_names(stem), *(sweep_names(stem) if scenario.sweeps else ())]


def _check_output_names(scenarios, out: Path) -> None:
    """Two scenarios whose files would overwrite each other (``x-sweep`` and the sweep table
    of ``x``), or a sweep table over another scenario's result: an error before any run."""
    owners: dict[str, str] = {}
    for scenario in scenarios:
        for name in _output_names(scenario):
            if name in owners:
                raise FileProblem(f"its file {name} would overwrite that of "
                                  f"{owners[name]}: rename one of them", file=scenario.path)
            owners[name] = scenario.path
            wanted = SWEEP_FORMAT if name.endswith("-sweep.json") else FORMAT
            if name.endswith(".json") and _format_of(out / name) not in (None, wanted):
                raise FileProblem(f"its file {name} would overwrite another "
                                  f"scenario's in {out}: rename one of them",
                                  file=scenario.path)


def _other_results(scenarios, rerun: list[str], out: Path) -> list[str]:
    """A warning when ``out`` already holds results of other scenarios (the shipped
    baselines, say), which a later ``elsim plot``, ``report`` or ``check`` of the folder
    would mix with this run's. Results of the scenarios named in the batch are not other
    ones, those in ``rerun`` (stems of files that failed to load) included."""
    ours = {name for scenario in scenarios for name in _output_names(scenario)}
    ours |= {name for stem in rerun for name in (*result_names(stem), *sweep_names(stem))}
    others = sorted(path.stem for path in out.glob("*.json")
                    if path.name not in ours and _format_of(path) == FORMAT)
    if not others:
        return []
    listed = ", ".join(others[:4]) + (", ..." if len(others) > 4 else "")
    scenarios_word = "scenario" if len(others) == 1 else "scenarios"
    return [f"{out} already holds the results of {len(others)} other {scenarios_word} "
            f"({listed}), such as baselines that elsim check compares against; this run's "
            "files go beside them (use --out to keep them apart)"]


def _format_of(path: Path) -> str | None:
    """The ``format`` of an existing elsim JSON file; None when there is no such file."""
    try:
        return json.loads(path.read_text(encoding="utf-8")).get("format")
    except (OSError, ValueError, AttributeError):
        return None


def _prepare(out: Path) -> None:
    """The output folder, with what a killed run left there finished or removed."""
    prepare_folder(out)
    check_run_log(out)


def _run_one(scenario, draws, seed, out: Path, executor, bar, failures) -> Result | None:
    """Simulate (sweep included), write and log one scenario; a failure is noted and the
    batch goes on."""
    started = time.perf_counter()
    try:
        simulation = simulate(scenario, draws=draws, seed=seed, executor=executor,
                              on_chunk=bar.update)
        runs = run_sweep(scenario, draws=draws, seed=seed, executor=executor,
                         on_chunk=bar.update) if scenario.sweeps else None
    except InvalidValue as error:
        failures.append((scenario.path, error if error.file else str(error)))
        return None
    except Exception as error:  # noqa: BLE001 - one scenario's failure must not stop the batch
        failures.append((scenario.path, str(error) if isinstance(error, SimError)
                         else f"{type(error).__name__}: {error}"))
        return None
    result = result_record(simulation)
    try:
        commit_files(out, scenario_files(scenario, result, runs, draws))
    except OSError as error:  # before any file was replaced
        failures.append((scenario.path, f"cannot write its results to {out} "
                         f"({error.strerror or error}); nothing of it was changed"))
        return None
    except ResultError as error:  # busy folder, or stopped during the renames
        failures.append((scenario.path, str(error)))
        return None
    try:
        log_run(out, result, time.perf_counter() - started, executor_workers(executor))
    except OSError as error:
        failures.append((scenario.path, f"results written, but not the run log "
                         f"({error.strerror or error})"))
    return result
