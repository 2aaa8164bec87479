"""National adjustment (levelling) seats placed in the multi-member districts: Norway's
Storting, the variant with the clearest official description.

The rule (Election Act 2002, valgloven ss. 11-4 to 11-6, as in force for the 2021 election;
the Directorate of Elections' "Fordeling av utjevningsmandater", valg.no):

1. **Who qualifies** (s. 11-5 (1)): lists with at least ``threshold`` (4%) of the national
   votes. The others keep the district seats they won and take no adjustment seat.
2. **How many** (s. 11-5 (2)-(4)): the seats of the whole house that the qualifying lists
   share (169, less the district seats of the lists that did not qualify) are apportioned
   among them by ``method`` (modified Sainte-Laguë) as if the country were one district. A
   list with more district seats than that share is set aside with its district seats, and
   the remaining seats are apportioned again among the remaining lists, until no list is
   over. Each list's adjustment seats are its share less its district seats.
3. **Where** (s. 11-6): for each list with adjustment seats, its votes in each district are
   divided by ``2 × (seats it won there) + 1`` (1 where it won none), and that quotient by
   the district's seat price: the district's votes over its district seats. The highest
   such quotient of all lists and districts takes the first adjustment seat; a district
   that has its ``per_district`` adjustment seats (one in Norway) and a list that has all
   its own drop out; the next highest takes the next, until all are placed.

Readings elsim had to make, each checked against the 2021 count (every seat reproduces,
``scenarios/history/no-2021.toml``):

- The seat price uses the votes for lists in the district (aggregates included, blank
  ballots not) over the district seats (Østfold 2021: 8, not 9).
- Several lists over their share in one calculation are all set aside at once.
- The qualifying lists share their own district seats plus the adjustment seats; with
  every district seat filled that is the law's "169 less the other lists' district seats".
- With ``per_district`` above 1, a seat placed in a district counts as won there for the
  next quotient of that list in that district.
- Equal quotients, which the law leaves to lot: in the national calculation the system's
  ``tie_break``; in the placement the earlier list, then the earlier district.

Lists first and vectorised over draws: the national calculation is one apportionment per
round of setting aside (at most one round per list), the placement one step per adjustment
seat over the ``(n_lists, n_districts, n)`` quotients. With integer votes it is exact: the
quotients are compared as correctly rounded doubles of exact integer ratios (rounding never
reverses an order), and where the highest double is shared the tied candidates are
compared again as exact integers.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from sim.law.allocate import allocate_by_list, block_draws
from sim.law.methods import METHODS
from sim.law.system import Adjustment, ElectoralSystem, threshold_words
from sim.law.thresholds import ListRules, reaches
from sim.law.tiers.base import Count, TierSeats
from sim.law.tiers.multi_member import _total
from sim.law.votes import votes_beyond_lists

DISTRICT = "district"  # the name results give the seats of the multi-member tier


@dataclass(frozen=True, slots=True)
class AdjustmentTier:
    """``rule.seats`` levelling seats on top of a multi-member tier's seats (``system`` is
    that tier's: its seats, threshold base and tie rule).

    ``magnitudes`` are the district seats of the multi-member tier (the seat price's
    denominator), in its districts' order.
    """

    system: ElectoralSystem
    rule: Adjustment
    magnitudes: tuple[int, ...]
    rules: ListRules
    kind = "adjustment"
    name = "adjustment"
    stage = 2  # after the multi-member tier, whose seats it levels

    @property
    def seats(self) -> int:
        return self.rule.seats

    def allocate(self, count: Count, earlier: dict[str, TierSeats], *,
                 details: bool = False) -> TierSeats:
        district_tier = earlier.get(DISTRICT)
        if count.districts is None or district_tier is None \
                or "districts" not in district_tier.detail:
            raise ValueError("an adjustment tier needs a multi-member tier and its votes")
        won_by_district = district_tier.detail["districts"]
        qualified = self._qualified(count)
        levelling, entitled = self._levelling(count.lists, district_tier.seats, qualified)
        placed = self._place(count.districts, won_by_district, levelling)
        detail = {"districts": placed, "entitled": entitled} if details else {}
        return TierSeats(placed.sum(axis=1), qualified, detail=detail)

    def _qualified(self, count: Count) -> np.ndarray:
        """Lists with ``threshold`` of the national votes ``(n_lists, n)``; the base is the
        multi-member tier's national base (list votes, and blank and invalid ballots as
        ``threshold_base`` says)."""
        system, votes = self.system, count.lists
        base = votes.sum(axis=0) + votes_beyond_lists(
            system, votes.shape[1], votes.dtype,
            _total(count.unseated_valid, count.district_blank),
            _total(count.invalid, count.district_invalid))
        qualified = reaches(votes, base, self.rule.threshold)
        if any(self.rules.aggregate):
            qualified[list(np.flatnonzero(self.rules.aggregate))] = False
        return qualified

    def _levelling(self, votes: np.ndarray, won: np.ndarray, qualified: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray]:
        """Adjustment seats per list ``(n_lists, n)`` and the national shares they level to
        (step 2 of the module notes)."""
        rule = self.rule
        national = replace(self.system, method=rule.method, cap=None, runner_up=None)
        active = qualified.copy()
        total = (won * qualified).sum(axis=0) + rule.seats
        while True:
            entitled = allocate_by_list(votes, national, passed=active, seats=total).seats
            over = active & (won > entitled)
            if not over.any():
                break
            total = total - (won * over).sum(axis=0)
            active &= ~over
        return np.where(active, entitled - won, 0), np.where(active, entitled, 0)

    def _place(self, votes: np.ndarray, won: np.ndarray, levelling: np.ndarray) -> np.ndarray:
        """Adjustment seats per list and district ``(n_lists, n_districts, n)`` (step 3),
        block by block of draws, over the lists that level in the block only."""
        placed = np.zeros(votes.shape, dtype=np.int64)
        n_districts, n = votes.shape[1:]
        step = block_draws(max(1, len(votes) * n_districts))
        for start in range(0, n, step):
            block = slice(start, min(start + step, n))
            rows = np.flatnonzero(levelling[:, block].any(axis=1))
            if rows.size:
                placed[rows, :, block] = self._place_block(
                    votes[rows, :, block], votes[:, :, block].sum(axis=0),
                    won[rows, :, block], levelling[rows, block])
        return placed

    def _place_block(self, votes: np.ndarray, district_votes: np.ndarray, won: np.ndarray,
                     levelling: np.ndarray) -> np.ndarray:
        """Step 3 for one block: ``votes``, ``won`` ``(n_rows, n_districts, n)`` of the
        lists that level, ``district_votes`` ``(n_districts, n)`` of every list."""
        _, n_districts, n = votes.shape
        magnitudes = np.array(self.magnitudes, dtype=np.int64)[None, :, None]
        # quotient = votes / (2 won + 1) / (district votes / magnitude), as one ratio; the
        # district votes are positive (the district tier refuses a district without any)
        numerator = votes * magnitudes
        denominator = (2 * won + 1) * district_votes[None]
        # lists with nothing to place in a draw never take a seat there
        quotient = np.where((levelling > 0)[:, None, :], numerator / denominator, -np.inf)
        placed = np.zeros(votes.shape, dtype=np.int64)
        remaining = levelling.copy()
        room = np.full((n_districts, n), self.rule.per_district, dtype=np.int64)
        for _ in range(self.seats):
            best = _exact_argmax(quotient.reshape(-1, n), numerator.reshape(-1, n),
                                 denominator.reshape(-1, n))
            found = np.flatnonzero(best >= 0)
            if not found.size:
                break
            row, column = np.divmod(best[found], n_districts)
            placed[row, column, found] += 1
            remaining[row, found] -= 1
            room[column, found] -= 1
            # the seat counts as won there for the next quotient (per_district > 1) ...
            denominator[row, column, found] += 2 * district_votes[column, found]
            quotient[row, column, found] = numerator[row, column, found] / denominator[
                row, column, found]
            # ... and a list with all its seats, a district with all its own, drop out
            done = remaining[row, found] == 0
            quotient[row[done], :, found[done]] = -np.inf
            full = room[column, found] == 0
            quotient[:, column[full], found[full]] = -np.inf
        return placed

    def describe(self) -> list[str]:
        rule = self.rule
        house = self.system.seats + rule.seats
        method = METHODS[rule.method].label
        per = "one" if rule.per_district == 1 else f"up to {rule.per_district}"
        return [
            f"{rule.seats} adjustment seats, {per} per district, for the lists with at least "
            f"{threshold_words(rule.threshold)} of the national votes: each such list's share "
            f"of the {house} seats (less the district seats of the other lists) is found by "
            f"{method}, a list with more district seats than its share is set aside with "
            "them and the shares found again, and a list's adjustment seats are its share "
            "less its district seats.",
            "They are placed one at a time at the highest quotient of a list's votes in a "
            "district over 2 x its seats there + 1, divided by the district's votes per "
            "district seat; a district with its adjustment seats and a list with all its own "
            "drop out (equal quotients: the earlier list, then the earlier district)."]


def _exact_argmax(quotient: np.ndarray, numerator: np.ndarray, denominator: np.ndarray
                  ) -> np.ndarray:
    """Row of the highest ``numerator / denominator`` per column ``(n,)``, the earliest on
    an exact tie, -1 where every ``quotient`` is ``-inf``.

    ``quotient`` holds the correctly rounded ratios (or ``-inf`` where not eligible).
    Rounding keeps the order of distinct ratios or makes them equal, so the exact maximum
    is among the rows that share the highest double; only where several do are they
    compared again, as Python integers (products of two counts do not fit 64 bits).
    """
    best = quotient.argmax(axis=0)
    top = quotient[best, np.arange(quotient.shape[1])]
    shared = (quotient == top) & np.isfinite(top)
    columns = np.flatnonzero(shared.sum(axis=0) > 1)
    if columns.size:
        tied = shared[:, columns]
        numerators = numerator[:, columns].astype(object)
        denominators = denominator[:, columns].astype(object)
        winner = best[columns].copy()
        within = np.arange(columns.size)
        for row in range(len(quotient)):
            # strictly greater: on an exact tie the earlier row stays
            greater = (numerators[row] * denominators[winner, within]
                       > numerators[winner, within] * denominators[row]).astype(bool)
            winner = np.where(tied[row] & greater, row, winner)
        best[columns] = winner
    return np.where(np.isfinite(top), best, -1)
