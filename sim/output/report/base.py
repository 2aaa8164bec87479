"""What every report section works from (:class:`Report`) and gives back (:class:`Section`),
and the HTML helpers they share."""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sim.output.records import Result


@dataclass(frozen=True, slots=True, kw_only=True)
class Group:
    """Scenarios that the report shows together: one election (law and house)."""

    name: str
    anchor: str
    documents: tuple[Result, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Report:
    """The input of every section builder.

    ``documents`` are the scenario results (:class:`~sim.output.records.Result`) in report
    order (by group, then by declared order); ``groups`` the same documents grouped;
    ``sweeps`` maps a scenario path to its sweep table; ``others`` holds every other elsim
    JSON document given to the report, by its ``format`` (today only ``elsim-posterior`` has
    a section); ``colors`` maps list ids to colours. A builder calls ``done()`` after each
    document it has shown (progress).
    """

    documents: tuple[Result, ...]
    groups: tuple[Group, ...]
    sweeps: dict[str, dict] = field(default_factory=dict)
    others: dict[str, list[dict]] = field(default_factory=dict)
    colors: dict[str, str] = field(default_factory=dict)
    done: Callable[[], object] = lambda: None


@dataclass(frozen=True, slots=True, kw_only=True)
class Section:
    """One part of the page: ``<section id=anchor><h2>title</h2>html</section>``.

    ``entries`` are the (anchor, title) pairs of its subsections, listed under it in the
    contents.
    """

    anchor: str
    title: str
    html: str
    entries: tuple[tuple[str, str], ...] = ()


Builder = Callable[[Report], Iterable[Section]]
"""A section builder: the sections it adds to the page, in order (none is fine)."""


def escape(text: Any) -> str:
    return html.escape(str(text))


def anchor_for(text: str, prefix: str = "") -> str:
    """An HTML id from a name: its words in lower case (letters of any script and digits)
    joined by dashes. Where the words do not spell the name exactly ("a b", "A-b", "ақ жол"),
    a hash of the name follows after a double dash, which no exact spelling contains: two
    names never share an id, and a name keeps its id from one report to the next."""
    words = re.sub(r"[\W_]+", "-", text.lower()).strip("-")
    if words == text:
        return prefix + words
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return f"{prefix}{words}--{digest}"


def scenario_anchor(document: Result) -> str:
    return anchor_for(document.stem, "scenario-")


def table_html(headers: Sequence[str], rows: Iterable[Sequence[Any]], *,
               caption: str | None = None, css: str = "") -> str:
    """A table of escaped text cells; the first column reads as the row's header."""
    head = "".join(f"<th scope=col>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>"
                   for row in rows)
    title = f"<caption>{escape(caption)}</caption>" if caption else ""
    klass = f' class="{css}"' if css else ""
    return f"<table{klass}>{title}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
