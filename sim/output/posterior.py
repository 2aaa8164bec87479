"""Posterior files (``<stem>-posterior.json`` and ``.csv``, written atomically) and their
text tables, from :func:`sim.inference.posterior.posterior_document`."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from sim.output.files import commit_files, json_text
from sim.output.results import result_stem
from sim.output.text import percent, render

CSV_COLUMNS = ("kind", "id", "label", "prior_mean", "prior_q05", "prior_q95",
               "posterior_mean", "posterior_sd", "posterior_mc_error", "posterior_q05",
               "posterior_q95")
PLOTS = "plots"  # the pictures' subfolder


def posterior_stem(document: dict) -> str:
    return f"{result_stem(document)}-posterior"


def write_posterior(document: dict, out_dir: Path, picture: bytes | None = None) -> Path:
    """Write ``<stem>-posterior.csv`` and ``.json`` into ``out_dir`` and the ``picture``
    (PNG) into ``out_dir/plots``, replaced together (the JSON last, as for results), so that
    a killed run never leaves a new posterior beside an old picture; returns the JSON path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = posterior_stem(document)
    files: dict[str, str | bytes] = {f"{stem}.csv": posterior_csv(document)}
    if picture is not None:
        (out_dir / PLOTS).mkdir(exist_ok=True)
        files[f"{PLOTS}/{stem}.png"] = picture
    commit_files(out_dir, {**files, f"{stem}.json": json_text(document)})
    return out_dir / f"{stem}.json"


def posterior_csv(document: dict) -> str:
    """One row per parameter and derived quantity: prior and posterior summaries."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for kind in ("parameters", "derived"):
        for item in document[kind]:
            prior, posterior = item["prior"], item["posterior"]
            writer.writerow([kind, item["id"], item["label"], prior["mean"], prior["q05"],
                             prior["q95"], posterior["mean"], posterior["sd"],
                             posterior["mc_error"], posterior["q05"], posterior["q95"]])
    return buffer.getvalue()


def quantity_table(items: list[dict], unit: str = "") -> tuple[list[str], list[list[str]]]:
    """Prior and posterior (mean, 90% interval) of parameters or derived quantities."""
    digits = 1 if unit else 3

    def number(value):
        return f"{round(value, digits) + 0.0:.{digits}f}"  # + 0.0: no "-0.0"

    def interval(stats):
        return f"{number(stats['q05'])} to {number(stats['q95'])}{unit}"

    rows = [[item["label"], number(item["prior"]["mean"]) + unit, interval(item["prior"]),
             number(item["posterior"]["mean"]) + unit, interval(item["posterior"])]
            for item in items]
    return ["", "prior mean", "prior 90%", "posterior mean", "posterior 90%"], rows


def source_table(document: dict) -> tuple[list[str], list[list[str]]]:
    """Each poll source's prior and posterior probability and acceptance rate."""
    rows = [[s["name"], percent(s["prior"]), percent(s["posterior"]),
             f"{s['accepted']:,} of {s['draws']:,}"] for s in document["sources"]]
    return ["poll source", "prior", "posterior", "accepted draws"], rows


def predictive_table(document: dict) -> tuple[list[str], list[list[str]]]:
    """Observed figures against the prior's and the accepted draws' official figures."""
    rows = [[p["label"], f"{p['observed']:.2f}%",
             f"{p['prior']['q05']:.1f}-{p['prior']['q95']:.1f}%",
             f"{p['posterior']['q05']:.1f}-{p['posterior']['q95']:.1f}%"]
            for p in document["predictive"]]
    return ["official figure", "observed", "prior 90%", "accepted 90%"], rows


def bayes_factor_lines(document: dict) -> list[str]:
    """Each Bayes factor in words, with its Monte Carlo range."""
    names = {s["id"]: s["name"] for s in document["sources"]}
    lines = []
    for factor in document["bayes_factors"]:
        pair = f"{names[factor['for']]} over {names[factor['against']]}"
        if "at_least" in factor:
            lines.append(f"Bayes factor {pair}: at least {factor['at_least']:,.0f} (no draw "
                         f"of the latter was accepted).")
        else:
            lines.append(f"Bayes factor {pair}: {factor['value']:.1f} (Monte Carlo range "
                         f"{factor['low']:.1f}-{factor['high']:.1f}).")
    return lines


def method_line(document: dict) -> str:
    method = document["method"]
    protocols = document["observed"].get("protocols")
    return (f"{method['accepted']:,} of {method['draws']:,} draws accepted "
            f"(rate {method['acceptance_rate']:.2e}), every official figure within "
            f"{method['tolerance']:.2f} points of the observed one"
            + ("" if protocols is None else f", every figure of the {protocols['stations']} "
               f"protocols within {method['tolerance']:.2f} standard errors")
            + f"; effective sample size {method['effective_sample_size']:,}.")


def posterior_text(document: dict) -> str:
    """The terminal view: method, sources, parameters, derived quantities, predictive check."""
    protocols = document["observed"].get("protocols")
    given = document["observed"]["path"] + ("" if protocols is None else
                                            f" and {protocols['path']}")
    parts = [f"{document['scenario']['title']}: posterior given {given}",
             method_line(document), ""]
    if document["sources"]:
        parts += [render(*source_table(document)), *bayes_factor_lines(document), ""]
    parts += [render(*quantity_table(document["parameters"])), ""]
    if document["derived"]:
        parts += [render(*quantity_table(document["derived"], "%")), ""]
    parts.append(render(*predictive_table(document)))
    return "\n".join(parts) + "\n"
