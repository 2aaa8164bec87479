"""Which scenarios the report shows together, and in what order.

A scenario's ``group`` key names its group; without one, scenarios that share the electoral
law and the house (:func:`sim.output.houses.law_and_house`, as ``elsim compare`` groups them)
form a group. Groups
appear in alphabetical order of their names; within a group, scenarios follow their ``order``
key, those without one come after in the order they were given (file names, for a folder).
"""

from __future__ import annotations

import math

from sim.output.houses import law_and_house
from sim.output.records import Result
from sim.output.report.base import Group, anchor_for


def group_documents(documents: list[Result]) -> tuple[Group, ...]:
    """The result documents grouped and ordered for the report."""
    members: dict[str, list[tuple[float, int, Result]]] = {}
    names: dict[str, list[str]] = {}
    for index, document in enumerate(documents):
        scenario = document.scenario
        key = scenario.group or law_and_house(document)
        order = scenario.order
        members.setdefault(key, []).append(
            (math.inf if order is None else order, index, document))
        names.setdefault(key, []).append(scenario.title)
    groups = []
    for key, items in members.items():
        declared = items[0][2].scenario.group
        name = declared or _common_title(names[key]) or key
        groups.append((name, tuple(doc for _, _, doc in sorted(items, key=_place))))
    groups.sort(key=lambda group: group[0].lower())
    return tuple(Group(name=name, anchor=anchor_for(name, f"group-{i}-"), documents=docs)
                 for i, (name, docs) in enumerate(groups, 1))


def short_title(document: Result, group: Group) -> str:
    """The scenario's title without its group's name in front ("Kazakhstan 2021: ...")."""
    title = document.scenario.title
    for separator in (": ", " - ", " — "):
        if title.startswith(group.name + separator):
            return title[len(group.name) + len(separator):]
    return title


def _place(item: tuple[float, int, Result]) -> tuple[float, int]:
    return item[0], item[1]


def _common_title(titles: list[str]) -> str:
    """The words all titles start with before a colon ("Kazakhstan 2021"), if any."""
    heads = {title.split(":", 1)[0].strip() if ":" in title else "" for title in titles}
    return heads.pop() if len(heads) == 1 else ""
