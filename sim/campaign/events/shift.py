"""``kind = "shift"``: a list gains (or loses) points of the vote on one day."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.campaign.events.base import CampaignEvent, CampaignState, EventContext, required_list
from sim.params import Param, read_param
from sim.tables import Table


@dataclass(frozen=True, slots=True, kw_only=True)
class Shift(CampaignEvent):
    kind = "shift"
    keys = ("list", "points")
    list: str
    points: Param

    @classmethod
    def read(cls, entry: Table, day: int, context: EventContext) -> Shift:
        return cls(day=day, list=required_list(entry, context, cls.kind),
                   points=read_param(entry, "points", required=True, low=-100.0, high=100.0))

    def act(self, run: CampaignState) -> None:
        """The list's share of the voters moves by ``points``; the other options are rescaled
        so that as many people vote as before. A withdrawn list does not move."""
        row = run.ballot.row(self.list)
        points = run.draw_param(self.points)
        options = run.ballot.voting(run.electorate)
        voting = options.sum(axis=0)
        share = options[row] / np.maximum(voting, 1e-300)
        new = np.where(run.withdrawn[row], share, np.clip(share + points / 100, 0, 1))
        others = np.where(share < 1, (1 - new) / np.maximum(1 - share, 1e-300), 0)
        options *= others
        options[row] = new * voting

    def describe(self) -> str:
        return f"day {self.day}: {self.list} shifts by {self.points.describe()} points"
