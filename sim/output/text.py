"""Text views of result documents for the terminal: plain tables and per-scenario summaries."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence

from sim.output.assumptions import describe_error, describe_source
from sim.output.houses import seats_words
from sim.output.records import Result, ShareStats, Summary
from sim.output.stations import station_lines


def scenario_table(result: Result) -> str:
    """A scenario's lists (mean seats, 90% interval, P(>= threshold), P(runner-up), vote
    share) and blocs (majority odds)."""
    summary = result.summary
    turnout = summary.parliament.turnout
    lines = [f"{result.scenario.title}  ({result.run.draws:,} draws, "
             f"{seats_words(summary)})"]
    lines.append(render(*list_table(summary)))
    if summary.blocs:
        lines += ["", render(*bloc_table(summary))]
    lines += ["", monte_carlo_line(summary)]
    if turnout is not None or summary.endorsers:
        lines.append("")
    if turnout is not None:
        lines.append(f"Official turnout {100 * turnout.mean:.1f}% (90% interval "
                     f"{100 * turnout.q05:.1f}-{100 * turnout.q95:.1f}%).")
    names = {item.id: item.name for item in summary.lists}
    for endorser in summary.endorsers or ():
        endorsed = ", ".join(f"{names.get(key, key)} {percent(p)}"
                             for key, p in endorser.endorsed_on_election_day.items())
        lines.append(f"{endorser.name} endorses on election day: {endorsed}.")
    if summary.stations is not None:
        lines += ["", *station_lines(summary.stations, names)]
    lines += ["", "Rules in force:"] + [f"- {rule}" for rule in result.assumptions.rules]
    acted = rules_acted(result)
    if acted:
        lines.append(f"Special rules acted: {acted}.")
    lines += ["", *assumption_lines(result)]
    return "\n".join(lines) + "\n"


def monte_carlo_line(summary: Summary) -> str:
    """How far the figures above may move on a re-run with another seed: one standard error
    of a probability (at most, at 50%) and of a mean number of seats (at most: the most
    spread list, bloc or independents)."""
    draws = summary.draws
    sd = max((item.seats.sd for item in summary.seated), default=0.0)
    return (f"Monte Carlo error ({draws:,} draws, one standard error): at most "
            f"{50 / math.sqrt(draws):.2g} points on a probability, "
            f"{sd / math.sqrt(draws):.2g} seats on a mean.")


def rules_acted(result: Result) -> str:
    """How often the runner-up rule, the cap and ties decided seats: each rule in force, and
    any rule that acted."""
    rules = result.summary.parliament.rules
    system = result.assumptions.system
    in_force = {"runner_up": system.runner_up, "cap": system.cap is not None, "tie": False}
    words = {"runner_up": "runner-up rule", "cap": "cap", "tie": "a tie decided a seat",
             "unfilled": "seats left empty (too few lists passed, or the cap held them "
                         "back; no rule of this law fills them)"}
    return ", ".join(f"{words[name]} in {percent(p)} of draws" for name, p in rules.items()
                     if p > 0 or in_force.get(name))


def assumption_lines(result: Result, width: int = 92) -> list[str]:
    """What the believed sources measured and what was assumed, and the error model, wrapped."""
    assumptions = result.assumptions
    names = {item.id: item.name for item in result.summary.lists}
    paragraphs = [describe_source(source, names) for source in assumptions.sources
                  if source.weight > 0]
    paragraphs.append(describe_error(assumptions.model, names))
    # Ids such as nur-otan are not broken at their hyphen.
    return [line for paragraph in paragraphs
            for line in textwrap.wrap(paragraph, width, subsequent_indent="  ",
                                      break_on_hyphens=False)]


def list_table(summary: Summary) -> tuple[list[str], list[list[str]]]:
    """Per list: mean seats, median seats, 90% interval, seats by tier with a district tier (and the
    independents' row), P(reaches the threshold), P(admitted by the runner-up rule) where the
    rule was ever used, vote share with its 90% interval; true support and P(withdrew) only
    where the scenario has a count model or a campaign."""
    lists = summary.lists
    counted, campaigned = lists[0].support is not None, lists[0].p_withdrawn is not None
    tiered = lists[0].seats_by_tier is not None
    runner_up = summary.parliament.p_runner_up > 0
    headers = ["list", "seats", "median", "90% interval"]
    headers += ["list tier", "districts"] if tiered else []
    headers += ["P(>= threshold)"] + (["P(runner-up)"] if runner_up else [])
    headers += ["official share (90%)" if counted else "vote share (90%)"]
    headers += ["true support"] if counted else []
    headers += ["P(withdrew)"] if campaigned else []
    rows = []
    for item in lists:
        seated = not item.aggregate  # an aggregate such as "others" takes no seats
        row = [item.name + ("" if seated else " (no seats)")]
        row += [f"{item.seats.mean:.1f}", f"{item.seats.q50}",
                f"{item.seats.q05}-{item.seats.q95}"] if seated else ["-", "-", "-"]
        if tiered:
            row += [f"{item.seats_by_tier[tier].mean:.1f}" if seated and item.seats_by_tier
                    else "-" for tier in ("list", "district")]
        row += [percent(item.p_threshold) if seated else "-"]
        row += [percent(item.p_runner_up) if seated else "-"] if runner_up else []
        row += [share_interval(item.share)]
        row += [f"{100 * item.support.mean:.1f}%" if item.support else ""] if counted else []
        row += [percent(item.p_withdrawn)] if campaigned else []
        rows.append(row)
    if summary.independents is not None:
        seats = summary.independents.seats
        rows.append([summary.independents.name, f"{seats.mean:.1f}", f"{seats.q50}",
                     f"{seats.q05}-{seats.q95}", "", f"{seats.mean:.1f}"]
                    + [""] * (len(headers) - 6))
    if summary.against_all is not None:
        # Against-all takes no seats; its share is part of the threshold base.
        share = headers.index("official share (90%)" if counted else "vote share (90%)")
        rows.append(["Against all (no seats)"] + ["-"] * (share - 1)
                    + [share_interval(summary.against_all.share)]
                    + [""] * (len(headers) - share - 1))
    return headers, rows


def bloc_table(summary: Summary) -> tuple[list[str], list[list[str]]]:
    """Per bloc: mean seats and the probability of each majority line."""
    needed = summary.parliament.seats_needed
    headers = ["bloc", "seats"] + [f"P({line} >= {seats})" for line, seats in needed.items()]
    rows = [[bloc.name, f"{bloc.seats.mean:.1f}"]
            + [percent(bloc.majorities[line]) for line in needed]
            for bloc in summary.blocs]
    return headers, rows


def share_interval(share: ShareStats) -> str:
    """A share's mean and 90% interval, in points: "30.1% (22.4-38.0)"."""
    return f"{100 * share.mean:.1f}% ({100 * share.q05:.1f}-{100 * share.q95:.1f})"


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
