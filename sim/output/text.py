"""Text views of result documents for the terminal: plain tables and per-scenario summaries."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from sim.output.assumptions import describe_error, describe_source


def scenario_table(document: dict) -> str:
    """A scenario's lists (mean seats, 90% interval, P(>= threshold), P(runner-up), vote
    share) and blocs (majority odds)."""
    summary = document["summary"]
    parliament = summary["parliament"]
    run = document["run"]
    districts = parliament.get("district_seats")
    tiers = f", {districts} from districts" if districts else ""
    lines = [f"{document['scenario']['title']}  ({run['draws']:,} draws, "
             f"{parliament['house']} seats: {parliament['list_seats']} from lists{tiers})"]
    lines.append(render(*list_table(summary)))
    if summary["blocs"]:
        lines += ["", render(*bloc_table(summary))]
    if "turnout" in parliament or summary.get("endorsers"):
        lines.append("")
    if "turnout" in parliament:
        turnout = parliament["turnout"]
        lines.append(f"Official turnout {100 * turnout['mean']:.1f}% (90% interval "
                     f"{100 * turnout['q05']:.1f}-{100 * turnout['q95']:.1f}%).")
    for endorser in summary.get("endorsers", []):
        names = {item["id"]: item["name"] for item in summary["lists"]}
        endorsed = ", ".join(f"{names.get(key, key)} {percent(p)}"
                             for key, p in endorser["endorsed_on_election_day"].items())
        lines.append(f"{endorser['name']} endorses on election day: {endorsed}.")
    if parliament["p_runner_up"] > 0:
        lines.append(f"Runner-up rule triggered in {percent(parliament['p_runner_up'])} of draws.")
    lines += ["", *assumption_lines(document)]
    return "\n".join(lines) + "\n"


def assumption_lines(document: dict, width: int = 92) -> list[str]:
    """What the believed sources measured and what was assumed, and the error model, wrapped."""
    assumptions = document.get("assumptions", {})
    names = {item["id"]: item["name"] for item in document["summary"]["lists"]}
    paragraphs = [describe_source(source, names) for source in assumptions.get("sources", [])
                  if source["weight"] > 0]
    if "model" in assumptions:
        paragraphs.append(describe_error(assumptions["model"]))
    return [line for paragraph in paragraphs
            for line in textwrap.wrap(paragraph, width, subsequent_indent="  ")]


def list_table(summary: dict) -> tuple[list[str], list[list[str]]]:
    """Per list: mean seats, 90% interval, seats by tier with a district tier (and the
    independents' row), P(reaches the threshold), P(admitted by the runner-up rule) where the
    rule was ever used, vote share with its 90% interval; true support and P(withdrew) only
    where the scenario has a count model or a campaign."""
    lists = summary["lists"]
    counted, campaigned = "support" in lists[0], "p_withdrawn" in lists[0]
    tiered = "seats_by_tier" in lists[0]
    runner_up = summary["parliament"]["p_runner_up"] > 0
    headers = ["list", "seats", "90% interval"] + (["list tier", "districts"] if tiered else [])
    headers += ["P(>= threshold)"] + (["P(runner-up)"] if runner_up else [])
    headers += ["official share (90%)" if counted else "vote share (90%)"]
    headers += ["true support"] if counted else []
    headers += ["P(withdrew)"] if campaigned else []
    rows = []
    for item in lists:
        row = [item["name"], f"{item['seats']['mean']:.1f}",
               f"{item['seats']['q05']}-{item['seats']['q95']}"]
        row += [f"{item['seats_by_tier'][tier]['mean']:.1f}" for tier in ("list", "district")] \
            if tiered else []
        row += [percent(item["p_threshold"])]
        row += [percent(item["p_runner_up"])] if runner_up else []
        row += [share_interval(item["share"])]
        row += [f"{100 * item['support']['mean']:.1f}%"] if counted else []
        row += [percent(item["p_withdrawn"])] if campaigned else []
        rows.append(row)
    if "independents" in summary:
        seats = summary["independents"]["seats"]
        rows.append([summary["independents"]["name"], f"{seats['mean']:.1f}",
                     f"{seats['q05']}-{seats['q95']}", "", f"{seats['mean']:.1f}"]
                    + [""] * (len(headers) - 5))
    return headers, rows


def bloc_table(summary: dict) -> tuple[list[str], list[list[str]]]:
    """Per bloc: mean seats and the probability of each majority line."""
    needed = summary["parliament"]["seats_needed"]
    headers = ["bloc", "seats"] + [f"P({line} >= {seats})" for line, seats in needed.items()]
    rows = [[bloc["name"], f"{bloc['seats']['mean']:.1f}"]
            + [percent(bloc["majorities"][line]) for line in needed]
            for bloc in summary["blocs"]]
    return headers, rows


def share_interval(share: dict) -> str:
    """A share's mean and 90% interval, in points: "30.1% (22.4-38.0)"."""
    return f"{100 * share['mean']:.1f}% ({100 * share['q05']:.1f}-{100 * share['q95']:.1f})"


def percent(probability: float | None) -> str:
    """A probability for people: "<0.1%" and ">99.9%" rather than a rounded 0 or 100."""
    if probability is None:
        return ""
    if 0 < probability < 0.001:
        return "<0.1%"
    if 0.999 < probability < 1:
        return ">99.9%"
    return f"{100 * probability:.1f}%"


def render(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """Columns padded to width; the first column left-aligned, the others right-aligned."""
    cells = [list(map(str, headers))] + [[str(cell) for cell in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row):
        return "  ".join(cell.ljust(w) if i == 0 else cell.rjust(w)
                         for i, (cell, w) in enumerate(zip(row, widths))).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(cells[0]), rule] + [line(row) for row in cells[1:]])
