"""Pictures of a posterior document (prior against posterior histograms) and its section of
the HTML report. Needs matplotlib, like :mod:`sim.output.plots`."""

from __future__ import annotations

import base64
import html

import numpy as np

from sim.output.plots import _subplots, image_bytes
from sim.output.posterior import (bayes_factor_lines, method_line, predictive_table,
                                  quantity_table, source_table)

PRIOR_COLOR = "#bdbdbd"
POSTERIOR_COLOR = "#1f77b4"


def posterior_figure(document: dict, *, columns: int = 3):
    """One panel per parameter and per derived quantity that is not a small list's: the
    prior's and the posterior's histograms as densities on common bins, the posterior's 90%
    interval shaded."""
    items = document["parameters"] + [item for item in document["derived"]
                                      if not item["id"].startswith("genuine.")
                                      or item["posterior"]["mean"] >= 10]
    items = [item for item in items if not item["id"].startswith("added.")
             or abs(item["posterior"]["mean"]) >= 3]
    rows = -(-len(items) // columns)
    figure, axes = _subplots(rows, columns, figsize=(4 * columns, 2.6 * rows), squeeze=False)
    for ax, item in zip(axes.flat, items):
        edges = np.array(item["bins"])
        for stats, color, label in ((item["prior"], PRIOR_COLOR, "prior"),
                                    (item["posterior"], POSTERIOR_COLOR, "posterior")):
            counts = np.array(stats["histogram"], dtype=float)
            density = counts / max(counts.sum(), 1) / np.diff(edges)
            ax.stairs(density, edges, fill=label == "prior", color=color, lw=1.5, label=label)
        ax.axvspan(item["posterior"]["q05"], item["posterior"]["q95"], color=POSTERIOR_COLOR,
                   alpha=0.1, lw=0)
        ax.set_title(item["label"], fontsize=9)
        ax.set_yticks([])
    for ax in list(axes.flat)[len(items):]:
        ax.set_visible(False)
    axes.flat[0].legend(fontsize=8, frameon=False)
    figure.suptitle(f"{document['scenario']['title']}: prior (grey) and posterior (blue)",
                    fontsize=11)
    figure.tight_layout()
    return figure


def posterior_section_html(document: dict) -> str:
    """The report's section for one posterior document: method, sources, Bayes factors,
    parameters, derived quantities, the predictive check and the picture."""
    parts = [f"<h2>{_e(document['scenario']['title'])}: reading the count back</h2>",
             f"<p>Observed: <code>{_e(document['observed']['path'])}</code>. "
             f"{_e(method_line(document))}</p>"]
    if document["sources"]:
        parts += ["<h3>Which poll source</h3>", _table(*source_table(document))]
        parts += [f"<p>{_e(line)}</p>" for line in bayes_factor_lines(document)]
    parts += ["<h3>Uncertain parameters</h3>", _table(*quantity_table(document["parameters"]))]
    if document["derived"]:
        parts += ["<h3>What the count added</h3>",
                  _table(*quantity_table(document["derived"], "%"))]
    parts += ["<h3>Posterior predictive check</h3>", _table(*predictive_table(document))]
    data = base64.b64encode(image_bytes(posterior_figure(document))).decode("ascii")
    parts.append(f'<img alt="prior and posterior histograms" src="data:image/png;base64,'
                 f'{data}">')
    return "<section>" + "\n".join(parts) + "</section>"


def _table(headers, rows) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _e(text) -> str:
    return html.escape(str(text))
