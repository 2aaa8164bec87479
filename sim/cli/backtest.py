"""``elsim backtest``: score scenarios against the count that really happened."""

from __future__ import annotations

from pathlib import Path

import click
import numpy as np

from sim.cli.common import engine_options, open_executor, plotting, progress_bar, scenario_paths
from sim.cli.group import main
from sim.engine.simulate import simulate
from sim.errors import SimError
from sim.inference.backtest import DistrictScore, ListScore, district_scores, score, summary_row
from sim.law.tally import load_tally
from sim.output.backtest import districts_csv, scores_csv, summary_csv
from sim.output.files import atomic_write
from sim.output.text import render
from sim.scenario import load_scenario


def _observed_for(paths: list[Path], observed: tuple[str, ...]) -> dict[Path, str]:
    """The tally of each scenario: ``FOLDER=TALLY`` for the scenarios of a folder (by its
    name), or one ``TALLY`` for all."""
    plain = [o for o in observed if "=" not in o]
    by_folder = dict(o.split("=", 1) for o in observed if "=" in o)
    if len(plain) > 1 or not observed:
        raise SimError("--observed: give one TALLY for all scenarios, or FOLDER=TALLY per "
                       "folder of scenarios")
    found = {}
    for path in paths:
        tally = by_folder.get(path.parent.name, plain[0] if plain else None)
        if tally is None:
            raise SimError(f"{path}: no --observed tally for its folder {path.parent.name!r}")
        found[path] = tally
    return found


def _percent(value: float) -> str:
    return f"{100 * value:.1f}%"


def _list_table(scores: list[ListScore]) -> str:
    rows = [[s.list, f"{100 * s.official_share:.2f}", f"{100 * s.share_mean:.1f}",
             f"{100 * s.share_low:.1f}-{100 * s.share_high:.1f}",
             "yes" if s.share_inside else "NO", f"{s.share_pit:.2f}", s.official_seats,
             f"{s.seats_mean:.1f}", f"{s.seats_low}-{s.seats_high}",
             "yes" if s.seats_inside else "NO", f"{s.seats_pit:.2f}"] for s in scores]
    return render(["list", "official %", "mean %", "90% interval", "inside", "PIT",
                   "official seats", "mean", "90% interval", "inside", "PIT"], rows)


def _summary_table(groups: dict[str, list[ListScore]]) -> str:
    rows = []
    for name, scores in groups.items():
        row = summary_row(scores)
        rows.append([name, row["lists"], _percent(row["share_coverage"]),
                     _percent(row["seat_coverage"]), f"{row['log_score']:.2f}",
                     f"{100 * row['crps']:.2f}", f"{100 * row['largest_width']:.1f}"])
    return render(["scenario", "lists", "shares in 90%", "seats in 90%", "log score (seats)",
                   "CRPS (points)", "largest list's width (points)"], rows)


def _district_table(groups: dict[str, list[DistrictScore]]) -> str:
    """Per scenario: how often a list's official seats in a district fell in its 90%
    interval there, and the mean log score of those seats."""
    rows = [[name, len(cells), _percent(float(np.mean([c.seats_inside for c in cells]))),
             f"{np.mean([c.log_score for c in cells]):.2f}"] for name, cells in groups.items()]
    return render(["scenario", "list-district cells", "seats in 90%", "log score (seats)"],
                  rows)


@main.command("backtest")
@click.argument("paths", nargs=-1, required=True)
@click.option("--observed", multiple=True, metavar="[FOLDER=]TALLY",
              help="The real count (a tally file): one for all, or one per folder.")
@click.option("--draws", type=click.IntRange(min=100), help="Draws per scenario "
              "(default: the scenario's run.draws).")
@engine_options
@click.option("--out", type=click.Path(file_okay=False),
              help="Write backtest.csv, backtest-summary.csv and calibration.png here.")
@click.option("--quiet", is_flag=True, help="Only the summary table; no progress bar.")
def backtest_command(paths, observed, draws, seed, workers, dask_address, out, quiet):
    """Run scenarios and score them against what really happened.

    Per list: official share and seats, the 90% intervals, inside or not, and the PIT; per
    scenario: coverage of the 90% intervals, mean log score of the official seats and mean
    CRPS of the official shares (docs/backtest.md).
    """
    found = scenario_paths(paths)
    tallies = {path: load_tally(name) for path, name in _observed_for(found, observed).items()}
    scenarios = {path: load_scenario(path) for path in found}
    results: dict[str, list[ListScore]] = {}
    in_districts: dict[str, list[DistrictScore]] = {}
    total = sum(draws or s.draws for s in scenarios.values())
    with open_executor(workers, dask_address) as executor, progress_bar(total, quiet) as bar:
        for path, scenario in scenarios.items():
            simulation = simulate(scenario, draws=draws, seed=seed, executor=executor,
                                  on_chunk=bar.update)
            results[path.stem] = score(simulation, tallies[path], name=path.stem)
            in_districts[path.stem] = district_scores(simulation, tallies[path],
                                                      name=path.stem)
    if not quiet:
        for path, scenario in scenarios.items():
            click.echo(f"{path.stem}: {scenario.title}")
            click.echo(_list_table(results[path.stem]) + "\n")
    everything = [s for scores in results.values() for s in scores]
    groups = {**results}
    for structural, label in ((False, ""), (True, ", structural prior")):
        kept = [s for s in everything if s.structural == structural]
        groups["all single-source" + label] = [s for s in kept if s.single_source]
        groups["all with several sources" + label] = [s for s in kept if not s.single_source]
    groups = {name: scores for name, scores in groups.items() if scores}
    click.echo(_summary_table(groups))
    in_districts = {name: cells for name, cells in in_districts.items() if cells}
    if in_districts:
        click.echo("\n" + _district_table(in_districts))
    if out is not None:
        _write(Path(out), everything, groups)
        if in_districts:
            atomic_write(Path(out) / "backtest-districts.csv", districts_csv(in_districts))


def _write(folder: Path, scores: list[ListScore], groups: dict[str, list[ListScore]]) -> None:
    plots = plotting()
    from sim.inference.pictures import calibration_figure
    folder.mkdir(parents=True, exist_ok=True)
    atomic_write(folder / "backtest.csv", scores_csv(scores))
    summaries = {name: summary_row(group) for name, group in groups.items()}
    atomic_write(folder / "backtest-summary.csv", summary_csv(summaries))
    pictured = {k: v for k, v in groups.items() if k.startswith("all ")}
    atomic_write(folder / "calibration.png", plots.image_bytes(calibration_figure(pictured)))
