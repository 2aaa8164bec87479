"""Single-member districts: plurality or two rounds, one seat each.

The candidates of a district are the rows ``(n_candidates, ...)``: the lists in the lists'
order, then the independents when the tier has them. A tally gives the votes and the tier
decides each district by its rule (:mod:`sim.law.districts`); a simulation's district model
may give the seats already decided (``Count.decided``): it draws plurality winners in closed
form without making the votes.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from sim.law.districts import first_round, plurality, seats_won
from sim.law.tiers.base import Count, TierSeats

RULES = ("plurality", "two-round")


@dataclass(frozen=True, slots=True)
class SingleMemberTier:
    """``seats`` single-member districts decided by ``rule``."""

    seats: int
    rule: str = "plurality"
    majority: Fraction = Fraction(1, 2)
    independents: bool = False
    kind = "single-member"
    name = "district"
    stage = 0

    def allocate(self, count: Count, earlier: dict[str, TierSeats], *,
                 details: bool = False) -> TierSeats:
        n_lists = count.lists.shape[0]
        if count.decided is not None:
            won = count.decided
            detail: dict = {}
        elif count.candidates is not None:
            winners = self.winners(count.candidates)
            won = seats_won(winners, len(count.candidates))
            detail = {"winners": winners} if details else {}
        else:
            raise ValueError("a single-member tier needs its districts' votes or seats")
        return TierSeats(won[:n_lists], independents=won[n_lists] if self.independents
                         else None, detail=detail)

    def winners(self, votes: np.ndarray) -> np.ndarray:
        """Row of each district's winner ``(n_seats, n)`` from votes ``(n_candidates,
        n_seats, n)``; under two rounds, only where the first round decides (a tally states
        its second round's winner)."""
        if self.rule == "plurality":
            return plurality(votes)
        leader, _second, decided = first_round(votes, self.majority)
        return np.where(decided, leader, -1).astype(np.int8)

    def describe(self) -> list[str]:
        if self.rule == "plurality":
            return [f"{self.seats} single-member districts, each won by the candidate with the "
                    "most votes (a tie goes to the earlier candidate)."]
        return [f"{self.seats} single-member districts in two rounds: more than "
                f"{float(100 * self.majority):g}% of the votes wins in the first round, else "
                "the two leading candidates meet in a second."]
