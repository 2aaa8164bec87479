"""The house: lists on the ballot, blocs, appointed seats and majority lines.

Read from a scenario's ``[lists]``, ``[blocs]``, ``[appointed]`` and ``[majorities]``
tables; the seat allocation itself is in :mod:`sim.law.allocate`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Protocol

from sim.ballot import RESERVED_IDS
from sim.errors import ScenarioError
from sim.limits import MAX_LISTS, MAX_SEATS
from sim.tables import Table


@dataclass(frozen=True, slots=True, kw_only=True)
class PartyList:
    """A list on the ballot, in registration order."""

    id: str
    name: str
    bloc: str | None
    color: str | None
    aggregate: bool = False  # stands for several parties: counts in the base, takes no seats


@dataclass(frozen=True, slots=True, kw_only=True)
class Bloc:
    id: str
    name: str


@dataclass(frozen=True, slots=True, kw_only=True)
class AppointedSeats:
    """Seats not elected from the lists (e.g. chosen by the Assembly of People), credited to
    a bloc."""

    id: str
    name: str
    seats: int
    bloc: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class MajorityLine:
    """A share of the house a bloc may reach: more than it (``at_least=False``) or at least it;
    or a number of seats (``seats``: at least that many).

    ``of`` counts the share of a nominal house size instead of the seats filled (Ukraine:
    226 of the 450 seats of the law, while 424 were filled).
    """

    id: str
    fraction: Fraction
    at_least: bool
    seats: int | None = None
    of: int | None = None

    def seats_needed(self, house: int) -> int:
        if self.seats is not None:
            return self.seats
        line = self.fraction * (house if self.of is None else self.of)
        if self.at_least:
            return -(-line.numerator // line.denominator)
        return line.numerator // line.denominator + 1


def read_blocs(table: Table) -> tuple[Bloc, ...]:
    blocs = []
    for bloc_id, entry in table.entries():
        entry.check_keys(("name",))
        blocs.append(Bloc(id=bloc_id, name=entry.string("name", bloc_id)))
    return tuple(blocs)


def _bloc_of(entry: Table, blocs: tuple[Bloc, ...]) -> str | None:
    bloc = entry.string("bloc")
    if bloc is not None:
        entry.member("bloc", bloc, (b.id for b in blocs), "bloc in [blocs]")
    return bloc


def read_lists(table: Table, blocs: tuple[Bloc, ...]) -> tuple[PartyList, ...]:
    lists = []
    for list_id, entry in table.entries():
        entry.check_keys(("name", "bloc", "color", "aggregate"))
        if list_id in RESERVED_IDS:
            raise table.error(list_id, entry.data, "is a reserved name, not a list id")
        lists.append(PartyList(id=list_id, name=entry.string("name", list_id),
                               bloc=_bloc_of(entry, blocs), color=_color(entry),
                               aggregate=entry.boolean("aggregate", False)))
    if not lists:
        raise ScenarioError("lists", {}, "must declare at least one list")
    if len(lists) > MAX_LISTS:
        raise ScenarioError("lists", f"{len(lists)} lists", f"may declare at most {MAX_LISTS}")
    if all(item.aggregate for item in lists):
        raise ScenarioError("lists", [item.id for item in lists],
                            "every list is an aggregate: at least one must be able to win seats")
    return tuple(lists)


def _color(entry: Table) -> str | None:
    """A colour for pictures: "#rrggbb" (or "#rgb", with an optional alpha)."""
    color = entry.string("color")
    if color is not None and not re.fullmatch(r"#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}"
                                              r"|[0-9a-fA-F]{8})", color):
        raise entry.error("color", color, 'must be a hex colour such as "#1f77b4"')
    return color


_AGGREGATE_WORDS = re.compile(r"\b(others?|other parties|small parties|the rest)\b",
                              re.IGNORECASE)


class Named(Protocol):
    """What :func:`aggregate_warnings` reads of a list (a scenario's or a tally's)."""

    @property
    def id(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def aggregate(self) -> bool: ...


def aggregate_warnings(lists: Sequence[Named]) -> list[str]:
    """Lists whose id or name reads like "others" but that may win seats."""
    return [f"lists.{item.id}: {item.name!r} reads like an aggregate of several parties but "
            "may win seats; if it stands for them, add aggregate = true to [lists."
            f"{item.id}] (it then counts in the threshold base and takes no seats)"
            for item in lists if not item.aggregate
            and (_AGGREGATE_WORDS.search(item.id.replace("-", " ").replace("_", " "))
                 or _AGGREGATE_WORDS.search(item.name))]


def read_appointed(table: Table, blocs: tuple[Bloc, ...]) -> tuple[AppointedSeats, ...]:
    appointed = []
    for entry_id, entry in table.entries():
        entry.check_keys(("name", "seats", "bloc"))
        appointed.append(AppointedSeats(
            id=entry_id, name=entry.string("name", entry_id),
            seats=entry.integer("seats", required=True, low=1, high=MAX_SEATS),
            bloc=_bloc_of(entry, blocs)))
    return tuple(appointed)


def read_majorities(table: Table) -> tuple[MajorityLine, ...]:
    lines = []
    for line_id, entry in table.entries():
        entry.check_keys(("fraction", "rule", "seats", "of"))
        if ("fraction" in entry) == ("seats" in entry):
            raise entry.error("fraction", entry.raw("fraction"), "give a fraction of the house "
                              "or a number of seats (seats = 226), one of them")
        seats = entry.integer("seats", low=1, high=MAX_SEATS)
        if seats is not None:
            for key in ("rule", "of"):
                if key in entry:
                    raise entry.error(key, entry.raw(key), "goes with a fraction: a line in "
                                      "seats is always at least that many seats")
            lines.append(MajorityLine(id=line_id, fraction=Fraction(0), at_least=True,
                                      seats=seats))
            continue
        rule = entry.string("rule", "more-than", choices=("more-than", "at-least"))
        lines.append(MajorityLine(id=line_id, fraction=entry.fraction("fraction", required=True),
                                  at_least=rule == "at-least",
                                  of=entry.integer("of", low=1, high=MAX_SEATS)))
    return tuple(lines)
