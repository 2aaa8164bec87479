"""What every campaign event kind has: a day, a reader, an action and a description, and
what an action may read and change (:class:`CampaignState`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Protocol

import numpy as np

from sim.ballot import Ballot
from sim.params import Param
from sim.tables import Table

if TYPE_CHECKING:
    from sim.campaign.transfer import Transfer


class Endorsement(Protocol):
    """What an event may ask of an endorser's backing (:class:`sim.campaign.chains.Chain`)."""

    def endorse(self, draws: np.ndarray) -> None:
        """Direct part of the endorser's pool to its first target still running."""

    def withhold(self, wanted: np.ndarray) -> np.ndarray:
        """Take up to ``wanted`` (per draw) out of where the endorser's voters are; returns
        the voters taken per draw."""


class CampaignState(Protocol):
    """What a campaign event may read and change, in every draw of a chunk at once
    (:class:`sim.campaign.run.CampaignRun` is the one implementation): the electorate
    ``(n_options + 1, n)`` (its last row those who stay home) and who withdrew
    ``(n_lists, n)``, and the moves that keep the chains and reactions in step."""

    @property
    def ballot(self) -> Ballot: ...

    @property
    def electorate(self) -> np.ndarray: ...

    @property
    def withdrawn(self) -> np.ndarray: ...

    @property
    def rng(self) -> np.random.Generator: ...

    @property
    def chains(self) -> Mapping[str, Endorsement]: ...

    def every_draw(self) -> np.ndarray:
        """The indices of every draw, ``(n,)``."""

    def draw_param(self, param: Param, draws: np.ndarray | None = None) -> np.ndarray:
        """One value of ``param`` per draw, ``(n,)`` (or per index of ``draws``), kept under
        its key path (:attr:`Param.key`)."""

    def take(self, rows: np.ndarray, draws: np.ndarray, wanted: np.ndarray,
             exclude: np.ndarray | None = None) -> np.ndarray:
        """Take up to ``wanted`` from ``rows`` in proportion in ``draws``; returns what was
        taken per draw."""

    def withdraw(self, row: int, draws: np.ndarray, transfer: Transfer) -> None:
        """The list of ``row`` leaves the ballot in ``draws``; its voters go by
        ``transfer``."""


@dataclass(frozen=True, slots=True, kw_only=True)
class EventContext:
    """What an event's reader may check its keys against."""

    ballot: Ballot
    start: dt.date | None
    days: int
    endorsers: tuple[str, ...]
    pools: Mapping[str, Param]  # each endorser's pool, for an event that draws it afresh


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

    def act(self, run: CampaignState) -> None:
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
