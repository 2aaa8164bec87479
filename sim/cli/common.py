"""What several commands share: finding scenario and result files, executors, and running
scenarios given where results are expected."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path

import click
from tqdm import tqdm

from sim.engine.distributed import DaskExecutor
from sim.engine.executors import local_executor
from sim.engine.simulate import simulate
from sim.errors import FileProblem, ResultError, SimError
from sim.output.results import Result, read_record, result_record
from sim.scenario import load_scenario


def scenario_paths(paths) -> list[Path]:
    """Scenario files from files and folders; in a folder, every ``*.toml`` not starting
    with ``_`` (those are partial bases for ``extends``), in sorted order."""
    found = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            inside = sorted(p for p in path.rglob("*.toml")
                            if not p.name.startswith("_") and p.is_file())
            if not inside:
                raise FileProblem("is a folder with no scenario file (*.toml not "
                                  "starting with _)", file=name)
            found += inside
        elif path.exists():
            found.append(path)
        else:
            raise FileProblem("no such file or folder", file=name)
    stems: dict[str, Path] = {}
    for path in found:
        if path.stem in stems:
            raise FileProblem(f"has the same name as {stems[path.stem]}: their "
                              "results would overwrite each other", file=str(path))
        stems[path.stem] = path
    return found


def engine_options(command):
    """``--seed``, ``--workers`` and ``--dask``: the options of every command that runs the
    engine."""
    options = [
        click.option("--seed", type=click.IntRange(min=0),
                     help="Root seed (default: the file's run.seed, else fresh entropy)."),
        click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
                     help="Local processes to run chunks on (or workers of --dask local)."),
        click.option("--dask", "dask_address", metavar="ADDRESS",
                     help="Run chunks on a Dask scheduler at ADDRESS, or 'local' for a local "
                          "cluster."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@contextmanager
def open_executor(workers: int, dask_address: str | None):
    """Local processes, or Dask at ``dask_address``; closed when the block ends."""
    executor = DaskExecutor(dask_address, workers) if dask_address else local_executor(workers)
    try:
        yield executor
    finally:
        executor.close()


def results_from(inputs, draws, seed, workers) -> list[Result]:
    """Results from result files (``.json``) or scenarios (run now, not written)."""
    results = []
    with open_executor(workers, None) as executor:
        for name in inputs:
            if name.endswith(".json"):
                results.append(read_record(name))
            else:
                simulation = simulate(load_scenario(name), draws=draws, seed=seed,
                                      executor=executor)
                results.append(result_record(simulation))
    return results


def result_inputs(paths) -> list[str]:
    """Files as given; a folder stands for its result files (``*.json``, in sorted order),
    or, when it has none, for its scenario files; a folder with neither is an error."""
    found = []
    for name in paths:
        path = Path(name)
        if not path.is_dir():
            found.append(name)
            continue
        inside = sorted(str(p) for p in path.glob("*.json") if not p.name.startswith(".")) or \
            sorted(str(p) for p in path.rglob("*.toml") if not p.name.startswith(("_", ".")))
        if not inside:
            raise ResultError(f"{name}: nothing to show: no result files (*.json) and no "
                              "scenario files (*.toml) in this folder")
        found += inside
    return found


def progress_bar(total: int, quiet: bool, unit: str = "draw") -> tqdm:
    """Draws (or pictures...) done, on stderr, shown only when the work takes more than a
    moment."""
    return tqdm(total=total, unit=unit, unit_scale=unit == "draw", delay=0.5, file=sys.stderr,
                disable=quiet, leave=False)


def plotting():
    """sim.output.plots, which needs the optional matplotlib."""
    try:
        from sim.output import plots
    except ImportError:
        raise SimError("pictures need matplotlib: pip install 'elsim-seats[plot]'") from None
    return plots
