"""One scenario's part of the report: its tables, pictures, assumptions and provenance."""

from __future__ import annotations

from collections.abc import Sequence

from sim.output import plots
from sim.output.assumptions import describe_error, describe_source
from sim.output.records import Assumptions, ListResult, Result
from sim.output.report.base import escape, scenario_anchor, table_html
from sim.output.report.images import image_tag
from sim.output.stations import station_lines
from sim.output.text import bloc_table, list_table, monte_carlo_line


def scenario_html(document: Result, colors: dict[str, str], sweep: dict | None) -> str:
    """The scenario's ``<article>``, headed by its title (an ``h3``)."""
    scenario, summary, run = document.scenario, document.summary, document.run
    title = scenario.title
    parts = [f'<article id="{scenario_anchor(document)}"><h3>{escape(title)}</h3>',
             f"<p class=notes>{escape(scenario.notes)}</p>" if scenario.notes else "",
             table_html(*list_table(summary), caption="Lists")]
    if summary.blocs:
        parts.append(table_html(*bloc_table(summary), caption="Blocs"))
    parts += [image_tag(plots.seat_distributions(document, colors),
                        f"Seat distribution of each list and bloc: {title}"),
              image_tag(plots.hemicycle(document, colors),
                        f"A house that occurred, the sampled draw nearest every list's median "
                        f"seats: {title}")]
    if summary.stations is not None:
        names = {item.id: item.name for item in summary.lists}
        parts += ["<h4>Polling stations</h4>", "<ul>" + "".join(
            f"<li>{escape(line)}</li>" for line in station_lines(summary.stations, names,
                                                                  width=None)) + "</ul>"]
    if sweep is not None:
        parts += ["<h4>Sweep</h4>",
                  image_tag(plots.sweep(sweep, colors), f"Sweep: {title}")]
    parts += ["<h4>Assumptions</h4>",
              assumptions_html(document.assumptions, summary.lists),
              "<h4>How this was made</h4>",
              f"<p>{run.draws:,} draws in chunks of {run.chunk_draws:,}; seed entropy "
              f"<code>{escape(run.seed_entropy)}</code>; scenario "
              f"<code>{escape(scenario.path)}</code> (sha256 "
              f"<code>{escape(scenario.digest[:16])}…</code>); "
              + escape(", ".join(f"{k} {v}" for k, v in run.versions.items())) + ". "
              + escape(monte_carlo_line(summary)) + "</p>",
              "</article>"]
    return "\n".join(part for part in parts if part)


def assumptions_html(assumptions: Assumptions, lists: Sequence[ListResult]) -> str:
    """The assumptions block of a result document as a bulleted list: what was measured and
    what assumed, source by source (``lists`` name the lists)."""
    items = []
    system = assumptions.system
    items.append(escape(
        f"{system.seats} list seats, {system.method}, threshold "
        f"{100 * system.threshold:g}% of {system.threshold_base} votes"
        + (", runner-up rule" if system.runner_up else "")
        + "".join(f"; {name}: {n} seats" for name, n in system.appointed.items())))
    items += [escape(rule) for rule in assumptions.rules]
    names = {item.id: item.name for item in lists}
    for source in assumptions.sources:
        polls = "; ".join(f"{poll.pollster or 'poll'} (n = {poll.n:,}, "
                          f"{poll.fieldwork_end or 'undated'})" for poll in source.polls)
        items.append(escape(f"{describe_source(source, names)} Polls: {polls}."))
    model = assumptions.model
    items.append(escape(f"Sources combined as a {model.combine}; undecided "
                        f"{model.undecided}. {describe_error(model, names)}"))
    campaign = assumptions.campaign
    if campaign:
        items.append(escape(
            f"Campaign of {campaign.days} days, drift sd {campaign.drift_sd}/day; "
            f"events: {'; '.join(campaign.events)}; endorsers: "
            + "; ".join(f"{k} ({v})" for k, v in campaign.endorsers.items())))
    count = assumptions.count
    if count:
        # The multipliers and the inflation are shown as their documents' tables.
        items.append(escape(
            f"Count: {count.registered:,} registered, turnout {count.turnout}, "
            f"invalid {count.invalid}"
            + (f", turnout multipliers {dict(count.turnout_multipliers)}"
               if count.turnout_multipliers else "")
            + (f", inflation {count.inflation.to_dict()}" if count.inflation else "")))
    return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"
