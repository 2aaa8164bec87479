"""The shape of a parliament and the names a summary is labelled with, taken from a scenario
once (so that a summary needs no scenario to say what it counts)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.districts.spec import INDEPENDENTS

if TYPE_CHECKING:
    from sim.scenario import Scenario


@dataclass(frozen=True, slots=True)
class Layout:
    """The shape of a parliament and the names to label a summary with, taken from a
    scenario once."""

    lists: tuple[dict, ...]  # id, name, bloc, color of each list
    blocs: tuple[dict, ...]  # id, name of each bloc
    majorities: dict[str, int]  # majority line -> seats needed in the house
    appointed: dict[str, int]  # appointed group -> its seats
    tiers: dict[str, int]  # each tier's seats by its name, in the House's order
    house: int
    n_options: int
    against_all_row: int | None  # row of the against-all share, if on the ballot
    bloc_members: np.ndarray  # (n_blocs, n_lists) int: 1 where the list belongs to the bloc
    bloc_appointed: np.ndarray  # (n_blocs,) int: appointed seats credited to the bloc
    counted: bool = False  # a count model: genuine support and turnout are tracked
    endorsers: tuple[dict, ...] | None = None  # a campaign: id, name, targets per endorser
    independents: dict | None = None  # name and bloc of the district tier's independents
    districts: tuple[tuple[str, int], ...] = ()  # name and magnitude of multi-member districts

    @property
    def list_seats(self) -> int:
        """Seats of the national list tier."""
        return self.tiers.get("list", 0)

    @property
    def mixed(self) -> bool:
        """A list tier beside single-member districts."""
        return "list" in self.tiers and "district" in self.tiers

    @property
    def district_seats(self) -> int:
        """Seats of the district tier (0 without one)."""
        return self.tiers.get("district", 0)

    @classmethod
    def from_scenario(cls, scenario: Scenario) -> Layout:
        members = np.array([[int(item.bloc == bloc.id) for item in scenario.lists]
                            for bloc in scenario.blocs], dtype=np.int64).reshape(
            len(scenario.blocs), len(scenario.lists))
        appointed = np.array([sum(a.seats for a in scenario.appointed if a.bloc == bloc.id)
                              for bloc in scenario.blocs], dtype=np.int64)
        tier = scenario.single_member
        independents = None if tier is None else tier.independents
        law = scenario.law  # built once: scenario.law and scenario.house each build one
        house = law.seats
        endorsers = None if scenario.campaign is None else tuple(
            {"id": e.id, "name": e.name, "targets": e.targets}
            for e in scenario.campaign.endorsers)
        return cls(
            lists=tuple({"id": item.id, "name": item.name, "bloc": item.bloc,
                         "color": item.color, "aggregate": item.aggregate}
                        for item in scenario.lists),
            blocs=tuple({"id": bloc.id, "name": bloc.name} for bloc in scenario.blocs),
            majorities={line.id: line.seats_needed(house) for line in scenario.majorities},
            appointed={group.id: group.seats for group in scenario.appointed},
            tiers=law.tier_seats(), house=house, districts=law.districts(),
            n_options=scenario.ballot.n_options, against_all_row=scenario.ballot.against_all_row,
            bloc_members=members, bloc_appointed=appointed,
            counted=scenario.count is not None, endorsers=endorsers,
            independents=None if independents is None else {
                "id": INDEPENDENTS, "name": independents.name, "bloc": independents.bloc})
