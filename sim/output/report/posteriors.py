"""The report's sections for ``elsim infer``: what the published count says back about a
scenario's unknowns (one section per posterior document given to the report)."""

from __future__ import annotations

from collections.abc import Iterator

from sim.output.posterior import (
    bayes_factor_lines,
    method_line,
    predictive_table,
    quantity_table,
    source_table,
)
from sim.output.posterior_plots import posterior_figure
from sim.output.report.base import Report, Section, anchor_for, escape, table_html
from sim.output.report.images import image_tag
from sim.output.results import result_stem


def posterior_sections(report: Report) -> Iterator[Section]:
    for document in report.others.get("elsim-posterior", []):
        stem = result_stem(document)
        html = posterior_html(document)
        report.done()
        yield Section(anchor=anchor_for(stem, "posterior-"),
                      title=f"{document['scenario']['title']}: reading the count back",
                      html=html)


def posterior_html(document: dict) -> str:
    """Method, sources and Bayes factors, parameters, derived quantities, the predictive
    check and the picture."""
    parts = [f"<p>Observed: <code>{escape(document['observed']['path'])}</code>. "
             f"{escape(method_line(document))}</p>"]
    if document["sources"]:
        parts += ["<h3>Which poll source</h3>", table_html(*source_table(document))]
        parts += [f"<p>{escape(line)}</p>" for line in bayes_factor_lines(document)]
    parts += ["<h3>Uncertain parameters</h3>",
              table_html(*quantity_table(document["parameters"]))]
    if document["derived"]:
        parts += ["<h3>What the count added</h3>",
                  table_html(*quantity_table(document["derived"], "%"))]
    parts += ["<h3>Posterior predictive check</h3>", table_html(*predictive_table(document)),
              image_tag(posterior_figure(document), "prior and posterior histograms")]
    return "\n".join(parts)
