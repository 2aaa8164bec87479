"""The HTML report: one self-contained page (pictures inline, nothing fetched when viewed).

The page is a list of sections, each made by a *section builder*: a function that takes the
:class:`~sim.output.report.base.Report` (the result documents, grouped and ordered, plus any
other elsim documents given) and yields :class:`~sim.output.report.base.Section` objects, or
nothing when it has nothing to show. :data:`SECTIONS` lists the builders in page order; a new
kind of result adds its builder there (docs/architecture.md, "The report").
"""

from __future__ import annotations

from collections.abc import Callable

from sim.output import plots
from sim.output.records import Result
from sim.output.report.base import Builder, Report, Section
from sim.output.report.elections import election_sections
from sim.output.report.groups import group_documents
from sim.output.report.inputs import sort_inputs, sweep_beside
from sim.output.report.page import page_html
from sim.output.report.posteriors import posterior_sections
from sim.output.report.summary import summary_sections

SECTIONS: list[Builder] = [summary_sections, election_sections, posterior_sections]


def report_html(documents: list[Result], sweeps: dict[str, dict] | None = None,
                others: dict[str, list[dict]] | None = None,
                sections: list[Builder] | None = None,
                done: Callable[[], object] | None = None) -> str:
    """The report of result ``documents``.

    Parameters
    ----------
    documents : results (:class:`~sim.output.records.Result`), in any order
    sweeps : a scenario's path → its sweep table, drawn in its section
    others : other elsim documents by ``format``, for the builders that show them
    sections : the builders to use (default :data:`SECTIONS`)
    done : called after each document is shown (a result or a posterior), for progress
    """
    groups = group_documents(documents)
    ordered = tuple(document for group in groups for document in group.documents)
    report = Report(documents=ordered, groups=groups, sweeps=sweeps or {},
                    others=others or {}, colors=plots.list_colors(list(ordered)),
                    done=done or (lambda: None))
    built: list[Section] = [section for build in (sections or SECTIONS)
                            for section in build(report)]
    count = len(documents)
    lede = (f"{count} scenario{'s' if count != 1 else ''} in {len(groups)} "
            f"group{'s' if len(groups) != 1 else ''}: what each set of assumptions means in seats.")
    return page_html("elsim report", lede, built)


__all__ = ["SECTIONS", "Builder", "Report", "Section", "report_html", "sort_inputs",
           "sweep_beside"]
