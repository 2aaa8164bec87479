"""The ``[campaign]`` table of a scenario: drift, events, endorsers and their targets' reactions.

Only the description lives here (frozen dataclasses read from TOML); the event kinds are in
:mod:`sim.campaign.events` and :mod:`sim.campaign.run` runs it all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from sim.ballot import STAY_HOME, Ballot
from sim.campaign.events import CampaignEvent, EventContext, read_event
from sim.campaign.transfer import Transfer, read_transfer
from sim.limits import MAX_DAYS, MAX_DRIFT_SD
from sim.params import Param, read_param
from sim.tables import Table, is_number


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
class Campaign:
    """From the polls (day 0) to election day (day ``days``)."""

    days: int
    drift_sd: Param
    events: tuple[CampaignEvent, ...]
    endorsers: tuple[Endorser, ...]
    reactions: dict[str, Reaction]


def read_campaign(table: Table, ballot: Ballot, election_date: dt.date | None,
                  names: Mapping[str, str] | None = None) -> Campaign:
    """A :class:`Campaign` from the ``[campaign]`` table; ``names`` (list id -> name) words
    its parameters' labels."""
    names = names or {}
    table.check_keys(("start", "days", "drift_sd", "endorsers", "reactions", "event"))
    start = table.date("start", "2020-12-15")
    if start is not None and election_date is not None:
        days = (election_date - start).days
        if days < 0:
            raise table.error("start", start, f"must not be after model.election_date "
                              f"({election_date})")
    else:
        days = table.integer("days", required=True, low=0, high=MAX_DAYS)
    if days > MAX_DAYS:
        raise table.error("start", start, f"must be at most {MAX_DAYS} days before election day")
    endorsers = tuple(_endorser(name, entry, ballot.lists)
                      for name, entry in table.table("endorsers").entries())
    reactions_table = table.table("reactions")
    reactions_table.check_names(ballot.lists)
    reactions = {name: _reaction(entry, ballot, names.get(name, name))
                 for name, entry in reactions_table.entries()}
    context = EventContext(ballot=ballot, start=start, days=days,
                           endorsers=tuple(e.id for e in endorsers),
                           pools={e.id: e.pool for e in endorsers})
    events = tuple(read_event(entry, context) for entry in table.tables("event"))
    return Campaign(days=days, drift_sd=read_param(table, "drift_sd", 0.0, low=0.0,
                                                   high=MAX_DRIFT_SD,
                                                   label="campaign drift (sd per day)"),
                    events=events, endorsers=endorsers, reactions=reactions)


def _endorser(endorser_id: str, entry: Table, lists: tuple[str, ...]) -> Endorser:
    entry.check_keys(("name", "pool", "fraction", "from", "targets"))
    source = entry.raw("from", "all")
    if isinstance(source, str) and source in ("all", STAY_HOME):
        sources = (source,)
    elif isinstance(source, list) and source and all(isinstance(s, str) for s in source):
        sources = tuple(entry.member("from", s, lists) for s in source)
    else:
        raise entry.error("from", source, 'must be "all", "abstain" or an array of list ids')
    targets = entry.raw("targets", required=True)
    if not isinstance(targets, list) or not targets:
        raise entry.error("targets", targets, "must be a non-empty array of list ids")
    name = entry.string("name", endorser_id)
    return Endorser(id=endorser_id, name=name,
                    pool=read_param(entry, "pool", required=True, low=0.0, high=1.0,
                                    label=f"{name}: pool (share of the electorate)"),
                    fraction=read_param(entry, "fraction", 1.0, low=0.0, high=1.0,
                                        label=f"{name}: share of its pool that follows"),
                    source=sources,
                    targets=tuple(entry.member("targets", t, lists) for t in targets))


def _reaction(entry: Table, ballot: Ballot, name: str) -> Reaction:
    entry.check_keys(("withdraw", "delay", "transfer"))
    delay = entry.raw("delay", [0, 0])
    if not (isinstance(delay, list) and len(delay) == 2
            and all(is_number(d) and isinstance(d, int) for d in delay)
            and 0 <= delay[0] <= delay[1] <= MAX_DAYS):
        raise entry.error("delay", delay, "must be [first, last] whole days, "
                          f"0 <= first <= last <= {MAX_DAYS}")
    return Reaction(probability=read_param(entry, "withdraw", required=True, low=0.0, high=1.0,
                                           label=f"chance {name} withdraws once endorsed"),
                    delay=(delay[0], delay[1]), transfer=read_transfer(entry, ballot))
