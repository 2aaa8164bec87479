"""The first screen: one table per group, one row per scenario, with the numbers a reader
asks for first (the leading bloc's seats and majority chances, the lists likely to pass)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from sim.output.houses import seats_words
from sim.output.records import Bloc, ListResult, Result
from sim.output.report.base import Group, Report, Section, escape, scenario_anchor
from sim.output.report.groups import short_title
from sim.output.text import percent

LIKELY = 0.5  # a list "likely to pass" passes in at least half of the draws
SURE = 0.9    # below this, its chance is shown beside its name

HOW_TO_READ = (
    "How to read: each row is one scenario. Seats are those of the first bloc the scenario "
    "declares (appointed seats included): the mean over all simulated draws, and the 90% "
    "interval (5% of draws give fewer seats, 5% more). P(line): the share of draws in which "
    "that bloc holds at least the seats the line needs. Where the scenarios declare a second "
    "bloc, its mean seats and its chance of the first line follow. Lists likely to pass: "
    "those that pass "
    "the threshold (or are let in by the runner-up rule) in at least half of the draws, "
    "their chance in brackets when below 90%.")


def summary_sections(report: Report) -> Iterator[Section]:
    """One section with a summary table per group."""
    if not report.groups:
        return
    tables = "\n".join(group_table(group) for group in report.groups)
    yield Section(anchor="summary", title="Summary",
                  html=f"{tables}\n<p class=legend>{escape(HOW_TO_READ)}</p>")


def lead(document: Result) -> tuple[str, Bloc | ListResult]:
    """The bloc the summary follows (the first the scenario declares, by convention the
    ruling one) as (name, summary entry); the first list when there are no blocs."""
    summary = document.summary
    item = summary.blocs[0] if summary.blocs else summary.lists[0]
    return item.name, item


def group_lines(group: Group) -> list[str]:
    """The majority lines of the group's scenarios, in declared order."""
    return list(dict.fromkeys(line for document in group.documents
                              for line in document.summary.parliament.seats_needed))


def lead_title(documents) -> str:
    """The name of the leading bloc (or list) when every document has the same one."""
    leads = {lead(document)[0] for document in documents}
    return leads.pop() if len(leads) == 1 else "Leading bloc"


def group_table(group: Group) -> str:
    lines = group_lines(group)
    who = lead_title(group.documents)
    needed = {line: {doc.summary.parliament.seats_needed.get(line)
                     for doc in group.documents} for line in lines}
    heads = [("scenario", "Scenario", ""), ("seats", who, "seats"),
             ("interval", "90% interval", "seats")]
    for line in lines:
        seats = needed[line] - {None}
        heads.append((f"p-{line}", f"P({line})", f"{seats.pop()}+ seats" if len(seats) == 1
                      else ""))
    rival = rival_title(group.documents)
    if rival is not None and lines:
        heads += [("rival-seats", rival, "seats"), ("rival-p", f"P({lines[0]})", "")]
    heads += [("passing", "Lists likely to pass", ""), ("assumes", "What it assumes", "")]
    head = "".join(f'<th scope=col class="{escape(key)}">{escape(text)}'
                   + (f"<small>{escape(note)}</small>" if note else "") + "</th>"
                   for key, text, note in heads)
    rows = "\n".join(_row(document, group, lines, rival is not None)
                     for document in group.documents)
    return (f'<table class=summary data-group="{escape(group.name)}"><caption>'
            f'<a href="#{group.anchor}">{escape(group.name)}</a>{_house(group)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>\n{rows}\n</tbody></table>")


def _house(group: Group) -> str:
    """The house the majority lines count in, when the group's scenarios share one."""
    houses = {seats_words(doc.summary) for doc in group.documents}
    if len(houses) != 1:
        return ""
    return f" <small>house of {escape(houses.pop())}</small>"


def rival_title(documents) -> str | None:
    """The name of the second bloc, when every document declares the same one."""
    rivals = {doc.summary.blocs[1].name if len(doc.summary.blocs) > 1 else None
              for doc in documents}
    return rivals.pop() if len(rivals) == 1 else None


def _row(document: Result, group: Group, lines: list[str], rival: bool = False) -> str:
    _, item = lead(document)
    seats = item.seats
    majorities = item.majorities if isinstance(item, Bloc) else {}
    cells = [f'<th scope=row class=scenario><a href="#{scenario_anchor(document)}">'
             f"{escape(short_title(document, group))}</a></th>",
             _cell("seats", f"{seats.mean:.1f}", seats.mean),
             _cell("interval", f"{seats.q05}–{seats.q95}", f"{seats.q05} {seats.q95}")]
    cells += [_cell(f"p-{line}", percent(majorities.get(line)), majorities.get(line))
              for line in lines]
    if rival and lines:
        second = document.summary.blocs[1]
        chance = second.majorities.get(lines[0])
        cells += [_cell("rival-seats", f"{second.seats.mean:.1f}",
                        second.seats.mean),
                  _cell("rival-p", percent(chance), chance)]
    cells += [f"<td class=passing>{escape(likely_to_pass(document))}</td>",
              f"<td class=assumes>{escape(assumes(document))}</td>"]
    path = escape(document.scenario.path)
    return f'<tr data-scenario="{path}">' + "".join(cells) + "</tr>"


def _cell(key: str, text: str, value: object) -> str:
    data = "" if value is None else f' data-value="{escape(value)}"'
    return f'<td class="{escape(key)}"{data}>{escape(text) or "–"}</td>'


def likely_to_pass(document: Result) -> str:
    """Names of the lists that win list seats (reach the threshold, or are admitted by the
    runner-up rule) in at least half of the draws, in declared order."""
    names = []
    for item in document.summary.lists:
        chance = item.p_threshold + item.p_runner_up
        if chance >= LIKELY:
            names.append(item.name + ("" if chance >= SURE else f" ({percent(chance)})"))
    return ", ".join(names) or "none"


_SENTENCE = re.compile(r"^(.+?[.!?])(?:\s+(?=[A-Z(\"'])|$)", re.DOTALL)


def assumes(document: Result) -> str:
    """One sentence of what the scenario assumes: the first of its notes; without notes, the
    weights of its poll sources."""
    notes = " ".join((document.scenario.notes or "").split())
    match = _SENTENCE.match(notes)
    if match:
        return match.group(1)
    if notes:
        return notes
    sources = document.assumptions.sources
    return "Polls: " + ", ".join(f"{source.name} ({source.weight:.0%})"
                                 for source in sources) + "." if sources else ""
