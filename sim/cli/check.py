"""``elsim check``: re-run scenarios and compare them with their baselines."""

from __future__ import annotations

from pathlib import Path

import click

from sim.cli.common import open_executor, progress_bar, scenario_paths
from sim.cli.group import main
from sim.engine.simulate import simulate
from sim.engine.sweep import run_sweep
from sim.errors import FileProblem, ResultError
from sim.output.files import commit_files, prepare_folder
from sim.output.regression import check_identity, compare_sweep, compare_to_baseline
from sim.output.results import Result, read_record, read_sweep, result_names, result_record
from sim.output.sweeps import scenario_files, sweep_document, sweep_names
from sim.output.text import render
from sim.scenario import Scenario, load_scenario


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

    Without PATHS, every scenario under scenarios/ (history tallies, calibration fragments
    and backtests aside: they are not shipped forecasts). Exit 0 when everything a user
    reads (seat distributions, probabilities, shares, compositions, assumptions, sweep
    tables) is within its Monte Carlo tolerance, 1 with a table of what moved, 2 when a
    baseline is missing, unreadable or not that of the scenario as it is now (its digest,
    seed, draws or rules differ).
    """
    found = scenario_paths(paths or _default_check_paths())
    baseline_dir = Path(baseline)
    scenarios = [load_scenario(path) for path in found]
    if update:
        prepare_folder(baseline_dir)
    else:
        # Every baseline is read, checked and matched to its scenario before anything runs.
        baselines = {path: _baselines(baseline_dir, scenario)
                     for path, scenario in zip(found, scenarios)}
    moved = []
    total = sum(s.draws * (1 + s.sweep_size) for s in scenarios)
    with open_executor(workers, None) as executor, progress_bar(total, quiet) as bar:
        for path, scenario in zip(found, scenarios):
            simulation = simulate(scenario, seed=seed, executor=executor, on_chunk=bar.update)
            fresh = result_record(simulation)
            runs = run_sweep(scenario, draws=None, seed=seed, executor=executor,
                             on_chunk=bar.update) if scenario.sweeps else None
            if update:
                _write(baseline_dir, path, scenario_files(scenario, fresh, runs, None))
                continue
            (json_path, result), sweep = baselines[path]
            check_identity(str(json_path), result.to_dict(), _run_claims(fresh))
            moved += compare_to_baseline(path.stem, result, fresh, simulation)
            if sweep is not None and runs is not None:  # both when the scenario sweeps
                moved += compare_sweep(path.stem, sweep[1], runs)
    if update:
        click.echo(f"updated {len(found)} baselines in {baseline_dir}")
        return
    if moved:
        click.echo(render(["scenario", "metric", "baseline", "now", "tolerance"], [
            [m.scenario, m.metric, _shown(m.baseline), _shown(m.now), _shown(m.tolerance)]
            for m in moved]))
        click.echo(f"{len(moved)} metrics moved beyond Monte Carlo error "
                   f"(see sim/output/regression.py for the tolerance).")
        ctx.exit(1)
    click.echo(f"{len(found)} scenarios match their baselines in {baseline_dir}")


def _baselines(folder: Path, scenario: Scenario):
    """A scenario's baseline result and, when it sweeps, its sweep table (each as (path,
    document)), checked against what the scenario now says."""
    stem = Path(scenario.path).stem
    json_path = folder / result_names(stem)[1]
    result = read_record(json_path)
    check_identity(str(json_path), result.to_dict(), _scenario_claims(scenario))
    if not scenario.sweeps:
        return (json_path, result), None
    sweep_path = folder / sweep_names(stem)[1]
    sweep = read_sweep(sweep_path)
    expected = sweep_document(scenario, [], None)
    check_identity(str(sweep_path), sweep, {
        "scenario.title": expected["scenario"]["title"], "names": expected["names"],
        "axes": expected["axes"], "draws": expected["draws"]})
    variants = [variant.values for variant in scenario.variants]
    rows = [{name: row[name] for name in values} for row, values in
            zip(sweep["rows"], variants)]
    if rows != variants or len(sweep["rows"]) != len(variants):
        raise ResultError(f"{sweep_path}: rows: must be the {len(variants)} variants of the "
                          "sweep in order, what the scenario now says; re-make the baseline "
                          "with elsim check --update")
    return (json_path, result), (sweep_path, sweep)


def _scenario_claims(scenario: Scenario) -> dict[str, object]:
    """What a baseline of ``scenario`` as it is now must say about it, by key path."""
    claims: dict[str, object] = {
        "scenario.digest": scenario.digest, "scenario.title": scenario.title,
        "scenario.notes": scenario.notes, "scenario.group": scenario.group,
        "scenario.order": scenario.order, "run.draws": scenario.draws}
    if scenario.seed is not None:
        claims["run.seed_entropy"] = str(scenario.seed)
    return claims


def _run_claims(fresh: Result) -> dict[str, object]:
    """What a baseline must say that only a run tells: the rules and the chunking."""
    return {"assumptions.rules": list(fresh.assumptions.rules),
            "run.chunk_draws": fresh.run.chunk_draws}


def _write(folder: Path, path: Path, files: dict[str, str]) -> None:
    try:
        commit_files(folder, files)
    except OSError as error:
        raise ResultError(f"{folder}: cannot write the baseline of {path} "
                          f"({error.strerror or error})") from None


# Folders of scenarios/ with no baselines.
NOT_CHECKED = ("history", "calibration", "backtest", "data")


def _default_check_paths() -> list[str]:
    folders = [p for p in sorted(Path("scenarios").iterdir()) if p.is_dir()
               and p.name not in NOT_CHECKED] if Path("scenarios").is_dir() else []
    if not folders:
        raise FileProblem("no scenario folders to check; name the scenarios",
                          file="scenarios")
    return [str(folder) for folder in folders]


def _shown(value) -> str:
    if value is None:
        return "missing"
    return value if isinstance(value, str) else f"{value:.4f}"
