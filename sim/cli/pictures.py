"""``elsim plot`` and ``elsim report``: pictures and the HTML report (need matplotlib)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from sim.cli.common import plotting, progress_bar, result_inputs, results_from
from sim.cli.group import main
from sim.errors import ResultError
from sim.output.files import atomic_write
from sim.output.records import SWEEP_FORMAT, Result
from sim.output.results import read_document, read_record, read_sweep, result_stem


@contextmanager
def _drawing(target: Path):
    """Names are drawn as written (a "$" is not maths); a folder or disk that cannot be
    written is one line naming the file (or ``target`` when the error names none). Result
    files were checked when read, so any other error here is a bug and shows as one."""
    import matplotlib

    try:
        with matplotlib.rc_context({"text.parse_math": False}):
            yield
    except OSError as error:
        raise ResultError(f"{error.filename or target}: cannot write "
                          f"({error.strerror or error})") from None


@main.command("plot")
@click.argument("files", nargs=-1, required=True)
@click.option("--out", type=click.Path(file_okay=False), default="results/plots",
              show_default=True, help="Folder for the pictures.")
@click.option("--format", "fmt", type=click.Choice(["png", "svg"]), default="png",
              show_default=True)
@click.option("--draws", type=click.IntRange(min=1), help="Draws for scenario files.")
@click.option("--seed", type=click.IntRange(min=0), help="Seed for scenario files.")
def plot_command(files, out, fmt, draws, seed):
    """Draw result files (.json) or scenarios (run now), or folders of either: seat
    distributions and a hemicycle for each, a comparison when there are several, and a
    chart for each sweep table (*-sweep.json)."""
    plots = plotting()
    # The report package draws pictures: imported once matplotlib is known to be there.
    from sim.output.report import sort_inputs

    with _drawing(Path(out)):
        # Other elsim documents in a folder (posteriors, ...) are not drawn here.
        _plot(plots, sort_inputs(result_inputs(files))[0], Path(out), fmt, draws, seed)


def _plot(plots, names: list[str], folder: Path, fmt: str, draws, seed) -> None:
    results: list[Result] = []
    sweeps: list[dict] = []
    for name in names:
        if not name.endswith(".json"):
            results += results_from([name], draws, seed, 1)
        elif _is_sweep(name):
            sweeps.append(read_sweep(name))
        else:
            results.append(read_record(name))
    colors = plots.list_colors(results)
    # Each picture is drawn, written and closed in turn: one figure in memory at a time.
    drawings: list[tuple[str, Callable, Any]] = []
    for result in results:
        drawings += [(f"{result.stem}-seats", plots.seat_distributions, result),
                     (f"{result.stem}-hemicycle", plots.hemicycle, result)]
    if len(results) > 1:
        drawings.append(("comparison", plots.comparison, results))
    for sweep in sweeps:
        drawings.append((f"{result_stem(sweep)}-sweep", plots.sweep, sweep))
    folder.mkdir(parents=True, exist_ok=True)
    with progress_bar(len(drawings), False, "picture") as bar:
        for name, draw, data in drawings:
            atomic_write(folder / f"{name}.{fmt}", plots.image_bytes(draw(data, colors), fmt))
            bar.update()
    click.echo(f"wrote {len(drawings)} pictures to {folder}")


def _is_sweep(name: str) -> bool:
    """Whether a JSON file says it is a sweep table (else it is read as a result)."""
    document = read_document(name)
    return isinstance(document, dict) and document.get("format") == SWEEP_FORMAT


@main.command("report")
@click.argument("inputs", nargs=-1, required=True)
@click.option("--out", type=click.Path(dir_okay=False), default="results/report.html",
              show_default=True,
              help="The page to write (beside the results, like the other commands' files).")
@click.option("--draws", type=click.IntRange(min=1), help="Draws for scenario files.")
@click.option("--seed", type=click.IntRange(min=0), help="Seed for scenario files.")
def report_command(inputs, out, draws, seed):
    """One self-contained HTML report of scenarios (run now) or result files (.json), or
    folders of either; a result's sweep table beside it is drawn too, and posteriors
    (from elsim infer) get a section of their own."""
    plotting()
    from sim.output.report import report_html, sort_inputs, sweep_beside

    inputs, others = sort_inputs([name for name in result_inputs(inputs)
                                  if not name.endswith("-sweep.json")])
    if not inputs:
        raise ResultError("nothing to show: only sweep tables were given; give the results "
                          "or scenarios they belong to")
    results = results_from(inputs, draws, seed, 1)
    sweeps = {}
    for name, result in zip(inputs, results):
        beside = sweep_beside(Path(name))
        if name.endswith(".json") and beside.exists():
            sweeps[result.scenario.path] = read_sweep(beside)
    shown = len(results) + len(others.get("elsim-posterior", []))
    with _drawing(Path(out)), progress_bar(shown, False, "document") as bar:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        atomic_write(Path(out), report_html(results, sweeps, others, done=bar.update))
    click.echo(f"wrote {out}")
