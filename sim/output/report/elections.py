"""One section per group of scenarios: the comparison chart, the numbers behind it, then
each scenario in order."""

from __future__ import annotations

from collections.abc import Iterator

from sim.output.compare import comparison, comparison_tables
from sim.output.report.base import Report, Section, scenario_anchor, table_html
from sim.output.report.charts import group_chart
from sim.output.report.groups import short_title
from sim.output.report.images import image_tag
from sim.output.report.scenario import scenario_html


def election_sections(report: Report) -> Iterator[Section]:
    for group in report.groups:
        parts = []
        if len(group.documents) > 1:
            parts.append(image_tag(group_chart(group, report.colors),
                                   f"Seats by scenario: {group.name}"))
            tables = comparison_tables(comparison(list(group.documents)))
            parts.append("<details><summary>The numbers behind the chart</summary>"
                         + "".join(table_html(headers, rows, caption=caption)
                                   for caption, headers, rows in tables) + "</details>")
        for document in group.documents:
            parts.append(scenario_html(document, report.colors,
                                       report.sweeps.get(document.scenario.path)))
            report.done()
        entries = tuple((scenario_anchor(doc), short_title(doc, group))
                        for doc in group.documents)
        yield Section(anchor=group.anchor, title=group.name, html="\n".join(parts),
                      entries=entries)
