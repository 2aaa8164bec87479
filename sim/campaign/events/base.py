"""What every campaign event kind has: a day, a reader, an action and a description."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from sim.ballot import Ballot
from sim.tables import Table

if TYPE_CHECKING:
    from sim.campaign.run import CampaignRun


@dataclass(frozen=True, slots=True, kw_only=True)
class EventContext:
    """What an event's reader may check its keys against."""

    ballot: Ballot
    start: dt.date | None
    days: int
    endorsers: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class CampaignEvent:
    """An event on day ``day`` of the campaign. Subclasses set :attr:`kind` and :attr:`keys`
    and implement :meth:`read`, :meth:`act` and :meth:`describe`."""

    kind: ClassVar[str]
    keys: ClassVar[tuple[str, ...]]  # the table keys besides kind, date and day
    day: int

    @classmethod
    def read(cls, entry: Table, day: int, context: EventContext) -> CampaignEvent:
        raise NotImplementedError

    def act(self, run: CampaignRun) -> None:
        """Change the electorate of every draw, on the event's day."""
        raise NotImplementedError

    def describe(self) -> str:
        raise NotImplementedError


def event_day(entry: Table, context: EventContext) -> int:
    """The event's day from its ``date`` (with ``campaign.start``) or its ``day``."""
    date, day = entry.date("date", "2021-01-05"), entry.raw("day")
    if date is not None:
        if context.start is None:
            raise entry.error("date", date, "needs campaign.start, the day the campaign "
                              "begins (or give the event a day number)")
        day = (date - context.start).days
    elif day is None or isinstance(day, bool) or not isinstance(day, int):
        raise entry.error("day", day, "an event needs a date or a whole day number")
    if not 0 <= day <= context.days:
        raise entry.error("date" if date is not None else "day", date or day,
                          f"must fall within the campaign (day 0 to {context.days})")
    return day


def required_list(entry: Table, context: EventContext, kind: str) -> str:
    """The event's ``list`` key: required, and a list of the scenario."""
    list_id = entry.string("list")
    if list_id is None:
        raise entry.error("kind", kind, f"a {kind} event needs a list")
    return entry.member("list", list_id, context.ballot.lists)


def known_endorser(entry: Table, context: EventContext, endorser: str) -> str:
    return entry.member("endorser", endorser, context.endorsers,
                        "endorser in [campaign.endorsers]")
