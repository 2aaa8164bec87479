"""``kind = "boycott"``: a list's supporters, or an endorser's pool, stay home."""

from __future__ import annotations

from dataclasses import dataclass

from sim.campaign.events.base import CampaignEvent, CampaignState, EventContext, known_endorser
from sim.params import Param, read_param
from sim.tables import Table


@dataclass(frozen=True, slots=True, kw_only=True)
class Boycott(CampaignEvent):
    kind = "boycott"
    keys = ("list", "endorser", "stay_home")
    list: str | None
    endorser: str | None
    stay_home: Param
    # The endorser's pool, drawn afresh for the voters it withholds: kept under this event's
    # key path (``campaign.event[3].pool``), apart from the pool its endorsements draw.
    pool: Param | None = None

    @classmethod
    def read(cls, entry: Table, day: int, context: EventContext) -> Boycott:
        list_id, endorser = entry.string("list"), entry.string("endorser")
        if (list_id is None) == (endorser is None):
            raise entry.error("kind", cls.kind,
                              "a boycott event needs a list or endorser (one of them)")
        pool = None
        if endorser is None:
            entry.member("list", list_id, context.ballot.lists)
        else:
            known_endorser(entry, context, endorser)
            pool = context.pools[endorser].at(entry.path("pool"))
        return cls(day=day, list=list_id, endorser=endorser,
                   stay_home=read_param(entry, "stay_home", 1.0, low=0.0, high=1.0),
                   pool=pool)

    def act(self, run: CampaignState) -> None:
        share = run.draw_param(self.stay_home)
        if self.list is not None:
            row = run.ballot.row(self.list)
            amount = run.electorate[row] * share
            run.electorate[row] -= amount
        else:
            # read() gives a boycott a list or an endorser and its pool
            assert self.endorser is not None and self.pool is not None
            amount = run.chains[self.endorser].withhold(run.draw_param(self.pool) * share)
        run.electorate[run.ballot.stay_home_row] += amount

    def describe(self) -> str:
        return f"day {self.day}: {self.list or self.endorser} boycott " \
               f"(stay home {self.stay_home.describe()})"
