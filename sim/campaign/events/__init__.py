"""Campaign event kinds, a registry: ``kind = "..."`` in an ``[[campaign.event]]`` table names
one of :data:`EVENT_KINDS`.

A new kind is one class in one module of this package: its keys, how it reads and checks
them, what it does to the electorate on its day, and how it is described in a result. An
unknown kind is an error when the scenario is read, so it can never reach the engine.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from sim.campaign.events.base import CampaignEvent, EventContext, event_day
from sim.campaign.events.boycott import Boycott
from sim.campaign.events.endorse import Endorse
from sim.campaign.events.shift import Shift
from sim.campaign.events.withdraw import Withdraw
from sim.params import Param
from sim.tables import Table

EVENT_KINDS: dict[str, type[CampaignEvent]] = {
    kind.kind: kind for kind in (Shift, Endorse, Withdraw, Boycott)}

__all__ = ["EVENT_KINDS", "CampaignEvent", "EventContext", "read_event"]


def read_event(entry: Table, context: EventContext) -> CampaignEvent:
    """The event an ``[[campaign.event]]`` table describes, each of its parameters labelled
    by the event's description and its key (``day 5: adal shifts by normal(2, 1) points:
    points``)."""
    kind = EVENT_KINDS[entry.string("kind", required=True, choices=EVENT_KINDS)]
    entry.check_keys(("kind", "date", "day") + kind.keys)
    event = kind.read(entry, event_day(entry, context), context)
    labelled: dict[str, Any] = {
        item.name: value.labelled(f"{event.describe()}: {value.key.rsplit('.', 1)[-1]}")
        for item in dataclasses.fields(event)
        if isinstance(value := getattr(event, item.name), Param)}
    return dataclasses.replace(event, **labelled)
