"""``kind = "withdraw"``: a list leaves the ballot with some probability."""

from __future__ import annotations

from dataclasses import dataclass

from sim.campaign.events.base import CampaignEvent, CampaignState, EventContext, required_list
from sim.campaign.transfer import Transfer, read_transfer
from sim.params import Param, read_param
from sim.tables import Table


@dataclass(frozen=True, slots=True, kw_only=True)
class Withdraw(CampaignEvent):
    kind = "withdraw"
    keys = ("list", "probability", "transfer")
    list: str
    probability: Param
    transfer: Transfer

    @classmethod
    def read(cls, entry: Table, day: int, context: EventContext) -> Withdraw:
        return cls(day=day, list=required_list(entry, context, cls.kind),
                   probability=read_param(entry, "probability", 1.0, low=0.0, high=1.0),
                   transfer=read_transfer(entry, context.ballot))

    def act(self, run: CampaignState) -> None:
        draws = run.every_draw()
        chance = run.draw_param(self.probability)
        run.withdraw(run.ballot.row(self.list), draws[run.rng.random(draws.size) < chance],
                     self.transfer)

    def describe(self) -> str:
        return f"day {self.day}: {self.list} withdraws (probability " \
               f"{self.probability.describe()})"
