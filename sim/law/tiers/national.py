"""The national list tier: one threshold over the national votes, one allocation; with the
list seats compensating the single-member districts when the system says so (MMP)."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from sim.law.alliances import Alliance, allocation_units, threshold_pools
from sim.law.allocate import Allocation, allocate_by_list
from sim.law.system import ElectoralSystem, describe_rules
from sim.law.thresholds import ListRules, passing
from sim.law.tiers.apportion import apportion
from sim.law.tiers.base import Count, TierSeats
from sim.law.votes import votes_beyond_lists

DISTRICT = "district"  # the name results give the seats of a district tier


@dataclass(frozen=True, slots=True)
class NationalTier:
    """``system.seats`` seats shared among the lists by their national votes.

    Aggregates (``rules.aggregate``) count in the threshold base and take no seat: they are
    left out of the allocation and their votes added to the base, as the ballot's
    against-all line is.
    """

    system: ElectoralSystem
    rules: ListRules
    alliances: tuple[Alliance, ...] = ()
    kind = "list"
    name = "list"
    stage = 1

    @property
    def seats(self) -> int:
        return self.system.seats

    def allocate(self, count: Count, earlier: dict[str, TierSeats], *,
                 details: bool = False) -> TierSeats:
        votes, rules = count.lists, self.rules
        seat_rows = np.flatnonzero(~np.array(rules.aggregate)) if any(rules.aggregate) else None
        unseated = None if seat_rows is None else \
            votes[np.flatnonzero(rules.aggregate)].sum(axis=0)
        seated = votes if seat_rows is None else np.ascontiguousarray(votes[seat_rows])
        passed = self._passed(count, seated, unseated, earlier, seat_rows)
        if self.system.compensation is not None:
            allocation, grown = self._compensate(seated, passed, earlier, seat_rows, details)
        elif passed is None:  # the threshold alone: the allocation applies it itself
            allocation = allocate_by_list(seated, self.system, invalid=count.invalid,
                                          against_all=count.unseated_valid, unseated=unseated,
                                          details=details)
            grown = None
        else:
            allocation = apportion(seated, passed, self.system, details=details,
                                   units=self._units(seat_rows, len(seated)))
            grown = None
        return _lists_rows(allocation, seat_rows, len(votes), grown, details)

    def _passed(self, count, seated, unseated, earlier, seat_rows) -> np.ndarray | None:
        """Who passes by :func:`sim.law.thresholds.passing`; None when the system's plain
        threshold decides alone (the allocation then applies it, as it always has)."""
        system, rules = self.system, self.rules
        won = earlier.get(DISTRICT)
        special = any(rules.kinds) or any(rules.exempt) or self.alliances or \
            system.thresholds_by_kind or system.regional_threshold is not None or \
            system.compensation is not None or \
            (system.threshold_or_districts is not None and won is not None)
        if not special:
            return None
        base = seated.sum(axis=0) + votes_beyond_lists(
            system, seated.shape[1], seated.dtype, count.unseated_valid, count.invalid,
            unseated)
        keep = slice(None) if seat_rows is None else seat_rows
        seated_rules = ListRules(
            tuple(np.array(rules.kinds, dtype=object)[keep]),
            tuple(np.array(rules.exempt)[keep]), (False,) * len(seated),
            _renumbered(threshold_pools(self.alliances), seat_rows))
        regions = None
        if count.regions is not None and count.region_base is not None:
            regions = (count.regions[keep], count.region_base)
        return passing(seated, base, system, seated_rules, regions=regions,
                       districts_won=None if won is None else won.seats[keep])

    def _units(self, seat_rows, n_seated) -> list[tuple[int, ...]] | None:
        pooled = [a for a in self.alliances if "allocation" in a.pools]
        if not pooled:
            return None
        renumbered = tuple(replace(a, members=members) for a, members in
                           zip(pooled, _renumbered(tuple(a.members for a in pooled),
                                                   seat_rows)))
        return allocation_units(renumbered, n_seated)

    def _compensate(self, seated, passed, earlier, seat_rows, details):
        """Mixed-member proportional: each passing list's share of the whole house, less
        the districts it won (:class:`sim.law.system.Compensation`)."""
        system = self.system
        won_tier = earlier.get(DISTRICT)
        keep = slice(None) if seat_rows is None else seat_rows
        won = np.zeros(seated.shape, dtype=np.int64) if won_tier is None \
            else won_tier.seats[keep]
        district_seats = 0 if won_tier is None else int(won_tier.seats[:, 0].sum() + (
            0 if won_tier.independents is None else won_tier.independents[0]))
        # Districts won by independents, by lists that did not pass and by lists without list
        # votes (no share to top up or level to) are not compensated: they leave the seats to
        # share (New Zealand, Electoral Act 1993 s. 191(4)).
        compensated = passed & (seated > 0)
        outside = (won * ~compensated).sum(axis=0)
        if won_tier is not None and won_tier.independents is not None:
            outside = outside + won_tier.independents
        total = system.seats + district_seats - outside
        shared = replace(system, cap=None, runner_up=None)
        entitled = apportion(seated, passed, shared, seats=total, units=self._units(
            seat_rows, len(seated)), details=details)
        assert system.compensation is not None  # only a compensating tier compensates
        if system.compensation.overhang == "levelled":
            while True:  # the house grows until every passing list's share covers its seats
                short = ((entitled.seats < won) & compensated).any(axis=0)
                if not short.any():
                    break
                total = total + short
                entitled = apportion(seated, passed, shared, seats=total, units=self._units(
                    seat_rows, len(seated)), details=details)
        list_seats = np.where(passed, np.maximum(entitled.seats - won, 0), 0)
        overhang = (np.maximum(won - entitled.seats, 0) * compensated).sum(axis=0)
        grown = total + outside + overhang - system.seats - district_seats
        return replace(entitled, seats=list_seats), grown

    def describe(self) -> list[str]:
        return describe_rules(self.system)


def _renumbered(groups: tuple[tuple[int, ...], ...],
                seat_rows: np.ndarray | None) -> tuple[tuple[int, ...], ...]:
    """Rows of the lists as rows among the seat-taking lists (aggregates left out)."""
    if seat_rows is None:
        return groups
    place = {int(row): i for i, row in enumerate(seat_rows)}
    return tuple(tuple(place[row] for row in group if row in place) for group in groups)


def _lists_rows(allocation: Allocation, seat_rows: np.ndarray | None, n_lists: int,
                grown: np.ndarray | None, details: bool) -> TierSeats:
    """The allocation of the seat-taking lists on the rows of every list."""
    detail = {"quotas": allocation.quotas, "tied": allocation.tied} if details else {}
    if seat_rows is None:
        return TierSeats(allocation.seats, allocation.passed, allocation.admitted,
                         allocation.cap_binding, allocation.tie_decided, grown=grown,
                         detail=detail)
    shape = (n_lists, allocation.seats.shape[1])
    seats, passed = np.zeros(shape, dtype=np.int64), np.zeros(shape, dtype=bool)
    seats[seat_rows], passed[seat_rows] = allocation.seats, allocation.passed
    if details:
        for key in detail:
            full = np.zeros(shape, dtype=detail[key].dtype)
            full[seat_rows] = detail[key]
            detail[key] = full
    admitted = np.where(allocation.admitted >= 0, seat_rows[allocation.admitted], -1)
    return TierSeats(seats, passed, admitted, allocation.cap_binding, allocation.tie_decided,
                     grown=grown, detail=detail)
