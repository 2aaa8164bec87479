"""``elsim stations``: the fingerprints of published station results beside a clean model."""

from __future__ import annotations

import json
from pathlib import Path

import click
import numpy as np

from sim.cli.common import plotting
from sim.cli.group import main
from sim.errors import FileProblem, SimError
from sim.output.files import atomic_write

DEFAULT_DRAWS = 10  # about a second each for 100,000 stations
DEFAULT_RESAMPLES = 10
FORMAT = "elsim-stations"


@main.command("stations")
@click.argument("file")
@click.option("--columns", metavar="MAPPING",
              help="Column roles: role=column,... (registered, ballots, invalid, issued, "
                   "region, leader) or a TOML file with a [columns] table.")
@click.option("--model", type=click.Path(dir_okay=False),
              help="A file with a [stations] table: the clean model's heterogeneity and "
                   "strata, and for a file with regions a [regions] table (between, within) "
                   "(default: the shipped calibration/stations-heterogeneity); its frame, "
                   "manipulation and observers are not used.")
@click.option("--draws", type=click.IntRange(min=1, max=10_000), default=DEFAULT_DRAWS,
              show_default=True, help="Clean-model draws.")
@click.option("--resamples", type=click.IntRange(min=1, max=10_000),
              default=DEFAULT_RESAMPLES, show_default=True,
              help="Binomial resamples of the integer-percentage test, per draw.")
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True,
              help="Root seed: the same file, options and seed print the same figures.")
@click.option("--plot", "plot_path", type=click.Path(dir_okay=False),
              help="Write the turnout-share picture to this PNG: published, a clean draw and a "
                   "clean draw with the comet's excess stuffed in.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def stations_command(file, columns, model, draws, resamples, seed, plot_path, as_json):
    """Fingerprints of the published station results in FILE (a CSV, plain or gzip; or a
    shipped one, e.g. data/russia/duma-2021-stations.csv.gz), each beside its range over
    clean-model draws: how unusual the published figure is for a clean election."""
    from sim.stations.published import read_columns, read_published
    from sim.stations.screen import clean_model, screen

    published = read_published(_station_file(file), read_columns(columns))
    clean = clean_model(published, model)
    plots = plotting() if plot_path else None
    result = screen(published, clean, draws=draws, seed=seed, resamples=resamples)
    document = stations_document(published, result)
    if plots is not None:
        from sim.stations.pictures import turnout_share_figure
        from sim.stations.screen import manipulated_histogram

        leader = published.lists[published.leader]
        excess = result.real["comet_excess"]
        stuffed = manipulated_histogram(published, clean, excess, seed=seed)
        figure = turnout_share_figure(
            [("published", result.histogram_real),
             ("clean model (one draw)", result.histogram_clean),
             (f"clean + {excess / 1e6:.1f}M stuffed (illustration)", stuffed)], leader)
        try:
            atomic_write(Path(plot_path), plots.image_bytes(figure))
        except OSError as error:
            raise SimError(f"{plot_path}: cannot write ({error.strerror or error})") from None
    click.echo(json.dumps(document, indent=2) if as_json else stations_text(document))


def _station_file(name: str) -> Path:
    """A path, else a shipped file of that name (as `elsim examples` lists it)."""
    path = Path(name)
    if path.exists() or not name.startswith("data/"):
        return path
    from sim.packaged import example

    try:
        return example(name).path
    except SimError:
        raise FileProblem("no such file (nor a shipped one: `elsim examples` lists them)",
                          file=name) from None


def stations_document(published, result) -> dict:
    """The screening as a JSON-ready document (format ``elsim-stations``)."""
    from sim.stations.screen import FINGERPRINTS

    counts = published.counts
    ballots, votes = counts.totals()
    rows = {}
    for item in FINGERPRINTS:
        clean = result.clean[item.key]
        rows[item.key] = {
            "label": item.label, "unit": item.unit,
            "published": _number(result.real[item.key]),
            "clean": {"median": _number(np.median(clean)),
                      "p05": _number(np.quantile(clean, 0.05)),
                      "p95": _number(np.quantile(clean, 0.95))},
            "tail": round(result.tail[item.key], 6)}
    return {
        "format": FORMAT, "file": published.file, "stations": counts.n_stations,
        "leader": published.lists[published.leader],
        # Turnout as the CEC reports it: ballots issued (the ballots without that column).
        "turnout": _number(published.issued.sum() / max(int(counts.registered.sum()), 1)),
        "leader_share": _number(votes[published.leader] / max(int(ballots), 1)),
        "draws": result.draws, "resamples": result.resamples, "seed": result.seed,
        "region_effects": result.regional,
        "fingerprints": rows,
        "comet": {"mode_turnout_percent": int(result.real["mode_turnout"]),
                  "leader_share_without_excess": _number(result.real["clean_share"])},
        "integer": {"observed": int(result.real["integer_observed"]),
                    "expected": _number(result.real["integer_expected"])},
        "last_digit_p_value": float(f"{result.real['last_digit_p']:.3g}"),
    }


def _number(value) -> float:
    return float(f"{float(value):.6g}")


def stations_text(document: dict) -> str:
    """The screening as a terminal table."""
    lines = [f"{document['file']}: {document['stations']:,} stations, turnout "
             f"{100 * document['turnout']:.2f}%, {document['leader']} "
             f"{100 * document['leader_share']:.2f}% of ballots",
             f"clean model: {document['draws']} draws"
             + (", fresh region effects in each" if document["region_effects"] else "")
             + f", {document['resamples']} resamples per draw for the integer test, seed "
             f"{document['seed']}", "",
             f"{'fingerprint':<40} {'published':>10} {'clean 90% range':>22} {'tail':>6}"]
    for row in document["fingerprints"].values():
        clean = row["clean"]
        band = f"{_shown(clean['p05'], row['unit'])} to {_shown(clean['p95'], row['unit'])}"
        lines.append(f"{row['label']:<40} {_shown(row['published'], row['unit']):>10} "
                     f"{band:>22} {row['tail']:>6.3f}")
    comet, integer = document["comet"], document["integer"]
    lines += ["",
              f"comet: the other lists' votes peak at {comet['mode_turnout_percent']}% "
              f"turnout; without the excess the leader has "
              f"{100 * comet['leader_share_without_excess']:.1f}% of ballots",
              f"integer percentages: {integer['observed']:,} stations observed, "
              f"{integer['expected']:,.1f} expected by binomial resampling",
              f"last digits: nominal p-value {document['last_digit_p_value']:.3g} (read the "
              "clean range instead: small counts tilt the digits)",
              "tail: the share of clean draws at or above the published figure (1/(1 + "
              "draws) when none reached it)."]
    return "\n".join(lines)


def _shown(value: float, unit: str) -> str:
    if unit == "share":
        return f"{100 * value:.2f}%"
    if unit == "votes":
        return f"{value / 1e6:.2f}M" if abs(value) >= 1e5 else f"{value:,.0f}"
    if unit == "count":
        return f"{value:,.0f}"
    return f"{value:.3f}"
