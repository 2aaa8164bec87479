"""Apportionment methods: a registry of small vectorised functions.

Inside this module the **lists axis comes first**: arrays are ``(n_lists, n_draws)``, so that
every per-list step is one contiguous vector operation over all draws (numpy reductions over
a short last axis are several times slower). :mod:`sim.law.allocate` transposes at the
boundary.

Every method is one function, ``allocate``, with one contract. It receives

``votes``
    ``(n_lists, n_draws)`` int64 counts or float64 shares; lists that may not take seats
    (below the threshold, capped, ...) already have their votes set to zero;
``seats``
    ``(n_draws,)`` int64, the seats to share in each draw;
``prefer``
    a :class:`Preference` that breaks ties between lists;
``ties``
    whether to tell ties;

and ``allocate`` returns ``(n_lists, n_draws)`` int64 seats summing to ``seats`` in every
draw with a positive vote total (zero elsewhere), and, when ``ties``, which lists
``(n_lists, n_draws)`` shared the equal remainder or quotient that decided a seat (else
None). Ties come from the same pass as the seats: telling them afterwards would split the
votes a second time.

With integer counts every comparison is exact: largest-remainder methods work on integer
remainders, and divisor methods compare correctly rounded quotients ``votes / divisor`` with
integer divisors, which order exactly while ``votes * divisor**2 < 2**51``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Allocate = Callable[[np.ndarray, np.ndarray, "Preference", bool],
                    tuple[np.ndarray, np.ndarray | None]]
"""``allocate(votes, seats, prefer, ties) -> (seats, tied or None)``; see the module notes."""


@dataclass(frozen=True, slots=True)
class Preference:
    """Who wins a tie: ``"order"`` (earlier list) or ``"votes"`` (more votes, then order).

    ``votes`` is ``(n_lists, n_draws)``, the lists' full votes.
    """

    tie_break: str
    votes: np.ndarray

    def subset(self, draws: np.ndarray) -> Preference:
        return Preference(self.tie_break, self.votes[:, draws])

    def argbest(self, priority: np.ndarray) -> np.ndarray:
        """Index of the highest ``priority`` per draw, ties broken by the rule."""
        best = priority[0].copy()
        index = np.zeros(best.shape, dtype=np.intp)
        best_votes = self.votes[0].copy() if self.tie_break == "votes" else None
        for i in range(1, len(priority)):
            better = priority[i] > best  # strict: on a tie the earlier list stays
            if best_votes is not None:
                better |= (priority[i] == best) & (self.votes[i] > best_votes)
                np.copyto(best_votes, self.votes[i], where=better)
            np.copyto(best, priority[i], where=better)
            np.copyto(index, i, where=better)
        return index

    def argworst(self, priority: np.ndarray) -> np.ndarray:
        """Index of the lowest ``priority`` per draw; a tie loses the way argbest wins."""
        worst = priority[0].copy()
        index = np.zeros(worst.shape, dtype=np.intp)
        worst_votes = self.votes[0].copy() if self.tie_break == "votes" else None
        for i in range(1, len(priority)):
            if worst_votes is not None:
                worse = (priority[i] < worst) | (
                    (priority[i] == worst) & (self.votes[i] <= worst_votes))
                np.copyto(worst_votes, self.votes[i], where=worse)
            else:
                worse = priority[i] <= worst  # on a tie the later list loses
            np.copyto(worst, priority[i], where=worse)
            np.copyto(index, i, where=worse)
        return index

    def rank(self, priority: np.ndarray) -> np.ndarray:
        """Place of each list per draw, 0 for the best (``(n_lists, n_draws)`` int16).

        Lists whose priority is ``-inf`` in every draw are never ahead of anyone: they are
        skipped and placed last, so below-threshold lists cost nothing.
        """
        rank = np.zeros(priority.shape, dtype=np.int16)
        beats = np.empty(priority.shape[1], dtype=bool)
        active = [i for i in range(len(priority)) if np.isfinite(priority[i]).any()]
        rank[[i for i in range(len(priority)) if i not in active]] = len(priority)
        for i in active:
            for j in active:
                if j == i:
                    continue
                # List j is ahead of list i on a higher priority, or on an equal one when
                # the tie rule prefers j.
                if self.tie_break == "votes":
                    vj, vi = self.votes[j], self.votes[i]
                    ahead = vj > vi if j > i else vj >= vi
                    np.greater(priority[j], priority[i], out=beats)
                    beats |= (priority[j] == priority[i]) & ahead
                elif j < i:
                    np.greater_equal(priority[j], priority[i], out=beats)
                else:
                    np.greater(priority[j], priority[i], out=beats)
                rank[i] += beats
        return rank


def _largest_remainder(quota_split):
    """A largest-remainder method from ``quota_split(votes, seats) -> (whole, remainder)``.

    Lists get the whole part of ``votes / quota``; the leftover seats go one each to the
    largest remainders.
    """

    def split(votes, seats):
        whole, remainder = quota_split(votes, seats)
        eligible = votes > 0
        leftover = seats - whole.sum(axis=0)
        n_eligible = np.maximum(np.count_nonzero(eligible, axis=0), 1)
        # More leftovers than lists only happens with tiny Droop totals: whole rounds first.
        rounds, extra = np.divmod(leftover, n_eligible)
        if rounds.any():
            whole = whole + rounds * eligible
        return whole, np.where(eligible, remainder, -np.inf), extra

    def allocate(votes, seats, prefer, ties=False):
        base, priority, extra = split(votes, seats)
        won = _top(priority, extra, prefer)
        result = base + won
        positive = votes.sum(axis=0) > 0
        result = result if positive.all() else result * positive
        if not ties:
            return result, None
        # A tie decided a seat where the smallest remainder that won one equals the largest
        # that missed.
        last = np.where(won, priority, np.inf).min(axis=0)
        missed = np.where(won, -np.inf, priority).max(axis=0)
        return result, (extra > 0) & (last == missed) & (priority == last)

    return allocate


# Up to this many lists, ranking by pairwise comparison beats sorting each draw's lists.
PAIRWISE_MAX = 8


def _top(priority: np.ndarray, extra: np.ndarray, prefer: Preference) -> np.ndarray:
    """Whether each list is among the ``extra[d]`` highest priorities of draw ``d``.

    Lists with priority ``-inf`` (no votes) rank behind every list with votes, and callers
    keep ``extra`` below the number of those.
    """
    n = len(priority)
    if n <= PAIRWISE_MAX:
        return prefer.rank(priority) < extra
    ordered = np.sort(priority, axis=0)
    draws = np.arange(priority.shape[1])
    lowest_in = ordered[np.minimum(n - extra, n - 1), draws]
    highest_out = ordered[np.maximum(n - extra - 1, 0), draws]
    top = (priority >= lowest_in) & (extra > 0)
    # Equal priorities across the cut: only there does the tie rule decide, by rank.
    tied = np.flatnonzero((extra > 0) & (lowest_in == highest_out))
    if tied.size:
        top[:, tied] = prefer.subset(tied).rank(priority[:, tied]) < extra[tied]
    return top


def _whole_and_fraction(votes, quota):
    """``votes / quota`` split into whole part and remainder, exact for integers."""
    if votes.dtype.kind == "i":
        return np.divmod(votes, quota)
    quotient = votes / quota
    whole = np.floor(quotient)
    return whole.astype(np.int64), quotient - whole


def _hare_split(votes, seats):
    """``votes / (total / seats)``; in integers ``(votes * seats) / total``."""
    total = votes.sum(axis=0)
    if votes.dtype.kind == "i":
        return _whole_and_fraction(votes * seats, np.maximum(total, 1))
    return _whole_and_fraction(votes, np.where(total > 0, total, 1.0) / seats)


def _droop_split(votes, seats):
    """``votes / (floor(total / (seats + 1)) + 1)``.

    For float shares the quota is ``total / (seats + 1)`` enlarged by one part in 10^12, so
    that it can never hand out more than ``seats`` whole seats.
    """
    total = votes.sum(axis=0)
    if votes.dtype.kind == "i":
        return _whole_and_fraction(votes, total // (seats + 1) + 1)
    return _whole_and_fraction(votes, np.where(total > 0, total, 1.0) / (seats + 1) * (1 + 1e-12))


def _divisor_method(divisor: Callable[[np.ndarray], np.ndarray],
                    rounding: Callable[[np.ndarray], np.ndarray]):
    """A highest-averages method from its divisors: ``divisor(s)`` prices seat ``s + 1``.

    Jump and step (Pukelsheim, *Proportional Representation*, 2017, ch. 4): rounding every
    ``votes / (total / seats)`` by the method's rule is already an apportionment of the
    method for some house size; single seats are then added at the highest next quotient or
    taken back at the lowest last quotient until the house size is right.
    """

    def next_quotient(votes, held):
        """The quotient each list's next seat would be won at (0 for lists without votes,
        which therefore never win one while any list has votes)."""
        return votes / divisor(held)

    def last_quotient(votes, held):
        """The quotient each list's last seat was won at (+inf for lists without seats)."""
        return np.where(held > 0, votes / divisor(np.maximum(held - 1, 0)), np.inf)

    def allocate(votes, seats, prefer, ties=False):
        votes = votes.astype(np.float64)
        total = votes.sum(axis=0)
        positive = total > 0
        ideal = votes * (seats / np.where(positive, total, 1.0))
        result = np.where(votes > 0, rounding(ideal), 0).astype(np.int64)
        draws = np.arange(votes.shape[1])
        while True:
            gap = np.where(positive, seats - result.sum(axis=0), 0)
            if not gap.any():
                last, following = last_quotient(votes, result), next_quotient(votes, result)
                weakest, best_missed = last.min(axis=0), following.max(axis=0)
                # Rounding at a float boundary can leave a seat on the wrong side: swap it.
                unbalanced = positive & (weakest < best_missed)
                if not unbalanced.any():
                    if not ties:
                        return result, None
                    # A tie decided a seat where the weakest seat won equals the best missed.
                    return result, (weakest == best_missed) & (
                        (last == weakest) | (following == best_missed))
                gap[unbalanced] = 1  # add the best missed seat now, drop the weakest next
            # Each pass moves one seat in every draw that needs one (at most n_lists passes).
            if (gap > 0).any():
                index = prefer.argbest(next_quotient(votes, result))
                result[index, draws] += gap > 0
            if (gap < 0).any():
                result[prefer.argworst(last_quotient(votes, result)), draws] -= gap < 0

    return allocate


def _sainte_lague_round(ideal: np.ndarray) -> np.ndarray:
    return np.floor(ideal + 0.5)


def _modified_sainte_lague_round(ideal: np.ndarray) -> np.ndarray:
    # First signpost 0.7 (divisor 1.4 against 1, 3, 5, ... for seats 2, 3, 4, ...).
    return np.where(ideal >= 0.7, np.floor(ideal + 0.5), 0.0)


METHODS: dict[str, Allocate] = {
    "hare": _largest_remainder(_hare_split),
    "droop": _largest_remainder(_droop_split),
    "dhondt": _divisor_method(lambda s: s + 1.0, np.floor),
    # Divisors 1, 3, 5, ...: integers, so integer votes divide exactly rounded.
    "sainte-lague": _divisor_method(lambda s: 2.0 * s + 1.0, _sainte_lague_round),
    # Divisors 1.4, 3, 5, ... scaled by 5 to the integers 7, 15, 25, ...
    "modified-sainte-lague": _divisor_method(
        lambda s: np.where(s == 0, 7.0, 10.0 * s + 5.0), _modified_sainte_lague_round),
}
"""Allocation methods by the name used in scenario files."""
