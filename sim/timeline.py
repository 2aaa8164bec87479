"""The ``[campaign]`` table of a scenario: drift, events, endorsers and their targets' reactions.

Only the description lives here (frozen dataclasses read from TOML); :mod:`sim.campaign`
runs it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sim.config import Table
from sim.errors import ScenarioError
from sim.params import Param, read_param

STAY_HOME = "abstain"
EVENT_KINDS = ("shift", "endorse", "withdraw", "boycott")


@dataclass(frozen=True, slots=True, kw_only=True)
class Transfer:
    """Where a withdrawing list's support goes: fixed fractions to named options or to
    ``"abstain"``, the rest to the remaining options in proportion to their support."""

    fractions: dict[str, float]


@dataclass(frozen=True, slots=True, kw_only=True)
class Endorser:
    """Someone who can move voters: ``pool`` (share of the electorate) drawn ``source``
    (``"abstain"``: people who would stay home; ``"all"``: every list's voters; or named
    lists), of which ``fraction`` follows, to the first list of ``targets`` still running."""

    id: str
    name: str
    pool: Param
    fraction: Param
    source: tuple[str, ...]
    targets: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Reaction:
    """What a list does once endorsed: withdraw with ``probability`` after a delay of
    ``delay`` days (uniform over the whole days of the window)."""

    probability: Param
    delay: tuple[int, int]
    transfer: Transfer


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    """A dated event; which fields matter depends on ``kind``."""

    kind: str
    day: int
    list: str | None = None
    endorser: str | None = None
    points: Param | None = None
    probability: Param | None = None
    stay_home: Param | None = None
    transfer: Transfer | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Campaign:
    """From the polls (day 0) to election day (day ``days``)."""

    days: int
    drift_sd: Param
    events: tuple[Event, ...]
    endorsers: tuple[Endorser, ...]
    reactions: dict[str, Reaction]


def read_campaign(table: Table, lists: tuple[str, ...], options: tuple[str, ...],
                  election_date: dt.date | None) -> Campaign:
    """A :class:`Campaign` from the ``[campaign]`` table."""
    table.check_keys(("start", "days", "drift_sd", "endorsers", "reactions", "event"))
    start = table.raw("start")
    if start is not None and not isinstance(start, dt.date):
        raise table.error("start", start, "must be a date (2020-12-15)")
    if start is not None and election_date is not None:
        days = (election_date - start).days
        if days < 0:
            raise table.error("start", start, f"must not be after model.election_date "
                              f"({election_date})")
    else:
        days = table.integer("days", required=True, low=0)
    endorsers = tuple(_endorser(name, entry, lists) for name, entry in _named(table, "endorsers"))
    reactions = {}
    for name, entry in _named(table, "reactions"):
        if name not in lists:
            raise table.table("reactions").error(name, entry.data, "names no list of this "
                                                 f"scenario ({', '.join(lists)})")
        reactions[name] = _reaction(entry, options)
    known = {e.id for e in endorsers}
    events = tuple(_event(entry, start, days, lists, options, known)
                   for entry in table.tables("event"))
    return Campaign(days=days, drift_sd=read_param(table, "drift_sd", 0.0, low=0.0),
                    events=events, endorsers=endorsers, reactions=reactions)


def _named(table: Table, name: str) -> list[tuple[str, Table]]:
    group = table.table(name)
    return [(key, group.table(key)) for key in group.names()]


def _check_list(entry: Table, key: str, lists: tuple[str, ...], value: str) -> str:
    if value not in lists:
        raise entry.error(key, value, f"names no list of this scenario ({', '.join(lists)})")
    return value


def _endorser(endorser_id: str, entry: Table, lists: tuple[str, ...]) -> Endorser:
    entry.check_keys(("name", "pool", "fraction", "from", "targets"))
    source = entry.raw("from", "all")
    if isinstance(source, str) and source in ("all", STAY_HOME):
        sources = (source,)
    elif isinstance(source, list) and source and all(isinstance(s, str) for s in source):
        sources = tuple(_check_list(entry, "from", lists, s) for s in source)
    else:
        raise entry.error("from", source, 'must be "all", "abstain" or an array of list ids')
    targets = entry.raw("targets", required=True)
    if not isinstance(targets, list) or not targets:
        raise entry.error("targets", targets, "must be a non-empty array of list ids")
    return Endorser(id=endorser_id, name=entry.string("name", endorser_id),
                    pool=read_param(entry, "pool", required=True, low=0.0, high=1.0),
                    fraction=read_param(entry, "fraction", 1.0, low=0.0, high=1.0),
                    source=sources,
                    targets=tuple(_check_list(entry, "targets", lists, t) for t in targets))


def _reaction(entry: Table, options: tuple[str, ...]) -> Reaction:
    entry.check_keys(("withdraw", "delay", "transfer"))
    delay = entry.raw("delay", [0, 0])
    if not (isinstance(delay, list) and len(delay) == 2
            and all(isinstance(d, int) and not isinstance(d, bool) for d in delay)
            and 0 <= delay[0] <= delay[1]):
        raise entry.error("delay", delay, "must be [first, last] whole days, 0 <= first <= last")
    return Reaction(probability=read_param(entry, "withdraw", required=True, low=0.0, high=1.0),
                    delay=(delay[0], delay[1]), transfer=_transfer(entry, options))


def _transfer(entry: Table, options: tuple[str, ...]) -> Transfer:
    value = entry.raw("transfer", "proportional")
    if value == "proportional":
        return Transfer(fractions={})
    if value == STAY_HOME:
        return Transfer(fractions={STAY_HOME: 1.0})
    if not isinstance(value, dict):
        raise entry.error("transfer", value, 'must be "proportional", "abstain" or a table '
                          "of option -> fraction")
    table = entry.table("transfer")
    fractions = {}
    for option in table.names():
        if option not in options + (STAY_HOME,):
            raise table.error(option, table.data[option], "names no option of this scenario "
                              f"({', '.join(options + (STAY_HOME,))})")
        fractions[option] = table.number(option, low=0.0, high=1.0)
    if sum(fractions.values()) > 1 + 1e-9:
        raise entry.error("transfer", value, "fractions must not add up to more than 1")
    return Transfer(fractions=fractions)


def _event(entry: Table, start, days, lists, options, endorsers) -> Event:
    kind = entry.string("kind", required=True, choices=EVENT_KINDS)
    allowed = {"shift": ("list", "points"), "endorse": ("endorser",),
               "withdraw": ("list", "probability", "transfer"),
               "boycott": ("list", "endorser", "stay_home")}[kind]
    entry.check_keys(("kind", "date", "day") + allowed)
    day = _day(entry, start, days)
    list_id = entry.string("list")
    if list_id is not None:
        _check_list(entry, "list", lists, list_id)
    endorser = entry.string("endorser")
    if endorser is not None and endorser not in endorsers:
        raise entry.error("endorser", endorser, "names no endorser in [campaign.endorsers] "
                          f"({', '.join(sorted(endorsers)) or 'none declared'})")
    needs = {"shift": "list", "withdraw": "list", "endorse": "endorser"}.get(kind)
    if needs and entry.raw(needs) is None or kind == "boycott" and (list_id is None) == (
            endorser is None):
        what = needs or "list or endorser (one of them)"
        raise entry.error("kind", kind, f"a {kind} event needs a {what}")
    return Event(kind=kind, day=day, list=list_id, endorser=endorser,
                 points=read_param(entry, "points", required=kind == "shift",
                                   low=-100.0, high=100.0),
                 probability=read_param(entry, "probability", 1.0, low=0.0, high=1.0),
                 stay_home=read_param(entry, "stay_home", 1.0, low=0.0, high=1.0),
                 transfer=_transfer(entry, options) if kind == "withdraw" else None)


def _day(entry: Table, start, days) -> int:
    date, day = entry.raw("date"), entry.raw("day")
    if date is not None:
        if not isinstance(date, dt.date) or start is None:
            raise entry.error("date", date, "must be a date, with campaign.start given")
        day = (date - start).days
    elif day is None or isinstance(day, bool) or not isinstance(day, int):
        raise entry.error("day", day, "an event needs a date or a whole day number")
    if not 0 <= day <= days:
        raise entry.error("date" if date is not None else "day", date or day,
                          f"must fall within the campaign (day 0 to {days})")
    return day
