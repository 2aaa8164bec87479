"""List PR in multi-member districts: each district shares its magnitude by the method, among
the lists that passed the threshold nationally (Poland, Turkey) or in the district (Spain).

All districts of all draws are allocated at once: the votes ``(n_lists, n_districts, n)``
are one ``(n_lists, n_districts * n)`` array with each column's own magnitude, so there is
no Python loop over districts or draws.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from sim.law.alliances import Alliance, allocation_units, threshold_pools
from sim.law.system import ElectoralSystem, describe_rules
from sim.law.thresholds import ListRules, passing
from sim.law.tiers.apportion import apportion
from sim.law.tiers.base import Count, TierSeats
from sim.law.votes import votes_beyond_lists


@dataclass(frozen=True, slots=True)
class MultiMemberTier:
    """Districts of the given ``magnitudes`` (summing to ``system.seats``)."""

    system: ElectoralSystem
    magnitudes: tuple[int, ...]
    names: tuple[str, ...]
    rules: ListRules
    alliances: tuple[Alliance, ...] = ()
    kind = "multi-member"
    name = "district"
    stage = 1

    @property
    def seats(self) -> int:
        return self.system.seats

    def allocate(self, count: Count, earlier: dict[str, TierSeats], *,
                 details: bool = False) -> TierSeats:
        if count.districts is None:
            raise ValueError("a multi-member tier needs the votes of its districts")
        votes = count.districts
        n_lists, n_districts, n = votes.shape
        rules = replace(self.rules, pooled=threshold_pools(self.alliances))
        system = self.system
        if system.threshold_scope == "national":
            base = count.lists.sum(axis=0) + votes_beyond_lists(
                system, n, votes.dtype, _total(count.unseated_valid, count.district_blank),
                _total(count.invalid, count.district_invalid))
            regions = None if count.regions is None or count.region_base is None \
                else (count.regions, count.region_base)
            national = passing(count.lists, base, system, rules, regions=regions)
            passed = np.broadcast_to(national[:, None, :], votes.shape).reshape(n_lists, -1)
        else:
            blank = count.district_blank.reshape(-1) if count.district_blank is not None \
                else None
            invalid = count.district_invalid.reshape(-1) \
                if count.district_invalid is not None else None
            flat = votes.reshape(n_lists, -1)
            base = flat.sum(axis=0) + votes_beyond_lists(system, flat.shape[1], votes.dtype,
                                                         blank, invalid)
            passed = passing(flat, base, system, rules)
        magnitudes = np.repeat(np.array(self.magnitudes, dtype=np.int64), n)
        allocation = apportion(np.ascontiguousarray(votes.reshape(n_lists, -1)), passed,
                               replace(system, cap=None, runner_up=None), seats=magnitudes,
                               units=allocation_units(self.alliances, n_lists)
                               if any("allocation" in a.pools for a in self.alliances)
                               else None, details=details)
        by_district = allocation.seats.reshape(n_lists, n_districts, n)
        # The seats per district always (a view, free): the summary keeps them, and an
        # adjustment tier places its seats from them.
        detail = {"districts": by_district}
        if details:
            detail |= {"district_passed": passed.reshape(n_lists, n_districts, n),
                       "district_tied": allocation.tied.reshape(n_lists, n_districts, n)}
        anywhere = np.asarray(passed.reshape(votes.shape).any(axis=1))
        tie_decided = np.asarray(allocation.tie_decided.reshape(n_districts, n).any(axis=0))
        return TierSeats(by_district.sum(axis=1), anywhere, np.full(n, -1, dtype=np.intp),
                         np.zeros(n, dtype=bool), tie_decided, detail=detail)

    def describe(self) -> list[str]:
        rules = describe_rules(self.system)
        rules[0] = (f"{self.system.seats} seats in {len(self.magnitudes)} districts of "
                    f"{min(self.magnitudes)} to {max(self.magnitudes)} seats, each shared "
                    + rules[0].split(" shared ", 1)[1])
        return rules


def _total(national: np.ndarray | None, by_district: np.ndarray | None) -> np.ndarray | None:
    """A national count ``(n,)``: given, or the sum of the districts' ``(n_districts, n)``."""
    if national is not None:
        return national
    return None if by_district is None else by_district.sum(axis=0)
