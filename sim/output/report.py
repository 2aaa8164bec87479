"""One self-contained HTML report: tables, embedded pictures and how each result was made."""

from __future__ import annotations

import base64
import html
from pathlib import Path

from sim.output import plots
from sim.output.compare import comparison, comparison_tables
from sim.output.text import bloc_table, list_table


def report_html(documents: list[dict], sweeps: dict[str, dict]) -> str:
    """The report for result documents; ``sweeps`` maps a scenario path to its sweep table."""
    colors = plots.list_colors(documents)
    parts = [f"<h1>elsim report: {len(documents)} scenario{'s' if len(documents) > 1 else ''}"
             "</h1>"]
    if len(documents) > 1:
        parts += ["<h2>Comparison</h2>", _image(plots.comparison(documents, colors))]
        parts += [_table(*table) for table in comparison_tables(comparison(documents))]
    for document in documents:
        parts.append(_scenario(document, colors, sweeps.get(document["scenario"]["path"])))
    return PAGE.format(body="\n".join(parts))


def _scenario(document: dict, colors: dict[str, str], sweep: dict | None) -> str:
    scenario, summary, run = document["scenario"], document["summary"], document["run"]
    parts = [f"<h2>{_e(scenario['title'])}</h2>",
             f"<p class=notes>{_e(scenario['notes'])}</p>" if scenario["notes"] else "",
             "<h3>Seats</h3>", _table(*list_table(summary)),
             _table(*bloc_table(summary)) if summary["blocs"] else "",
             _image(plots.seat_distributions(document, colors)),
             _image(plots.hemicycle(document, colors))]
    if sweep is not None:
        parts += ["<h3>Sweep</h3>", _image(plots.sweep(sweep, colors))]
    parts += ["<h3>Assumptions</h3>", _assumptions(document.get("assumptions", {})),
              "<h3>How this was made</h3>",
              f"<p>{run['draws']:,} draws in chunks of {run['chunk_draws']:,}; seed entropy "
              f"<code>{_e(run['seed_entropy'])}</code>; scenario <code>{_e(scenario['path'])}"
              f"</code> (sha256 <code>{_e(scenario['digest'][:16])}…</code>); "
              + _e(", ".join(f"{k} {v}" for k, v in run["versions"].items())) + ".</p>"]
    return "<section>" + "\n".join(parts) + "</section>"


def _assumptions(assumptions: dict) -> str:
    items = []
    system = assumptions.get("system")
    if system:
        items.append(f"{system['seats']} list seats, {system['method']}, threshold "
                     f"{100 * system['threshold']:g}% of {system['threshold_base']} votes"
                     + (", runner-up rule" if system["runner_up"] else "")
                     + "".join(f"; {name}: {n} seats" for name, n in system["appointed"].items()))
    for source in assumptions.get("sources", []):
        polls = "; ".join(f"{poll['pollster'] or 'poll'} (n = {poll['n']:,}, "
                          f"{poll['fieldwork_end'] or 'undated'})" for poll in source["polls"])
        items.append(f"Source <b>{source['name']}</b>, weight {source['weight']:.0%}: "
                     f"{polls}; undecided {source['undecided']:.0%}"
                     + (f"; fill {source['fill']}" if source["fill"] else ""))
    model = assumptions.get("model")
    if model:
        items.append(f"Sources combined as a {model['combine']}; systematic error sd "
                     f"{model['systematic_sd']:g} (log-share); undecided {model['undecided']}.")
    campaign = assumptions.get("campaign")
    if campaign:
        items.append(f"Campaign of {campaign['days']} days, drift sd {campaign['drift_sd']}/day;"
                     f" events: {'; '.join(campaign['events'])}; endorsers: "
                     + "; ".join(f"{k} ({v})" for k, v in campaign["endorsers"].items()))
    count = assumptions.get("count")
    if count:
        items.append(f"Count: {count['registered']:,} registered, turnout {count['turnout']}, "
                     f"invalid {count['invalid']}"
                     + (f", turnout multipliers {count['turnout_multipliers']}"
                        if count["turnout_multipliers"] else "")
                     + (f", inflation {count['inflation']}" if count["inflation"] else ""))
    return "<ul>" + "".join(f"<li>{_e_keep(item)}</li>" for item in items) + "</ul>"


def _table(headers, rows) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{_e(str(c))}</td>" for c in row) + "</tr>"
                   for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _image(figure) -> str:
    data = base64.b64encode(plots.image_bytes(figure, "png")).decode("ascii")
    return f'<img alt="" src="data:image/png;base64,{data}">'


def _e(text) -> str:
    return html.escape(str(text))


def _e_keep(text: str) -> str:
    """Escape, keeping the <b> tags this module wrote itself."""
    return _e(text).replace("&lt;b&gt;", "<b>").replace("&lt;/b&gt;", "</b>")


def sweep_beside(path: Path) -> Path:
    """Where the sweep table of a result file would be."""
    return path.with_name(f"{path.stem}-sweep.json")


PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>elsim report</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 1200px; margin: 2em auto; color: #222; }}
table {{ border-collapse: collapse; margin: 1em 0; }}
th, td {{ border-bottom: 1px solid #ddd; padding: 0.25em 0.8em; text-align: right; }}
th:first-child, td:first-child {{ text-align: left; }}
img {{ max-width: 100%; display: block; margin: 1em 0; }}
section {{ border-top: 2px solid #444; margin-top: 2em; }}
.notes {{ white-space: pre-line; color: #555; }}
</style></head>
<body>
{body}
</body></html>
"""
