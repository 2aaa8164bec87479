"""``kind = "endorse"``: an endorser backs the first of its targets still running."""

from __future__ import annotations

from dataclasses import dataclass

from sim.campaign.events.base import CampaignEvent, CampaignState, EventContext, known_endorser
from sim.tables import Table


@dataclass(frozen=True, slots=True, kw_only=True)
class Endorse(CampaignEvent):
    kind = "endorse"
    keys = ("endorser",)
    endorser: str

    @classmethod
    def read(cls, entry: Table, day: int, context: EventContext) -> Endorse:
        endorser = entry.string("endorser")
        if endorser is None:
            raise entry.error("kind", cls.kind, "an endorse event needs an endorser")
        return cls(day=day, endorser=known_endorser(entry, context, endorser))

    def act(self, run: CampaignState) -> None:
        run.chains[self.endorser].endorse(run.every_draw())

    def describe(self) -> str:
        return f"day {self.day}: {self.endorser} endorses"
