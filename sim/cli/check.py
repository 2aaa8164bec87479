"""``elsim check``: re-run scenarios and compare them with their baselines."""

from __future__ import annotations

from pathlib import Path

import click

from sim.cli.common import open_executor, progress_bar, scenario_paths
from sim.cli.group import main
from sim.engine.simulate import simulate
from sim.errors import ResultError, ScenarioError
from sim.output.regression import compare_to_baseline
from sim.output.results import read_result, result_document, write_result
from sim.output.text import render
from sim.scenario import load_scenario


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
    and backtests aside: they are not shipped forecasts). Exit 0 when
    every metric is within its Monte Carlo tolerance, 1 with a table of what moved, 2 when a
    baseline is missing or unreadable.
    """
    found = scenario_paths(paths or _default_check_paths())
    baseline_dir = Path(baseline)
    if not update:
        baselines = {path: read_result(baseline_dir / f"{path.stem}.json") for path in found}
    moved = []
    scenarios = [load_scenario(path) for path in found]
    with open_executor(workers, None) as executor, \
            progress_bar(sum(s.draws for s in scenarios), quiet) as bar:
        for path, scenario in zip(found, scenarios):
            document = result_document(simulate(scenario, seed=seed, executor=executor,
                                                on_chunk=bar.update))
            if update:
                try:
                    write_result(document, baseline_dir)
                except OSError as error:
                    raise ResultError(f"{baseline_dir}: cannot write the baseline of {path} "
                                      f"({error.strerror or error})") from None
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
                   f"(see sim/output/regression.py for the tolerance).")
        ctx.exit(1)
    click.echo(f"{len(found)} scenarios match their baselines in {baseline_dir}")


NOT_CHECKED = ("history", "calibration", "backtest", "data")  # folders with no baselines


def _default_check_paths() -> list[str]:
    folders = [p for p in sorted(Path("scenarios").iterdir()) if p.is_dir()
               and p.name not in NOT_CHECKED] if Path("scenarios").is_dir() else []
    if not folders:
        raise ScenarioError("", None, "no scenario folders to check; name the scenarios",
                            file="scenarios")
    return [str(folder) for folder in folders]


def _number(value) -> str:
    return "missing" if value is None else f"{value:.4f}"
