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
    ``(n_draws,)`` int64, the seats to share in each draw: any number from 1, its own in
    each draw (a column may be one district of one draw), more than the lists included;
``prefer``
    a :class:`Preference` that breaks ties between lists;
``ties``
    whether to tell ties;

and ``allocate`` returns ``(n_lists, n_draws)`` int64 seats summing to ``seats`` in every
draw with a positive vote total (zero elsewhere), and, when ``ties``, which lists
``(n_lists, n_draws)`` shared the equal remainder or quotient that decided a seat (else
None). Ties come from the same pass as the seats: telling them afterwards would split the
votes a second time.

:data:`METHODS` maps the name used in scenario files to a :class:`Method`: the label that
rules and reports print, its ``allocate`` and its kind, ``"quota"`` (largest remainders) or
``"divisor"`` (highest averages). Each method's definition and source are in the docstring
of the function that makes it.

**Exactness.** With integer counts (at most :data:`sim.limits.MAX_VOTES` = 10**10 a draw)
every comparison is exact:

- Quota methods work in integers: Hare, Hagenbach-Bischoff and Imperiali divide
  ``votes * (seats + k)`` by the total (in doubles, exactly: :func:`_integer_parts`), Droop
  divides the votes by its integer quota. The remainders of one draw share one
  denominator, so comparing them compares integers, below 2**53 and therefore exact as
  float64 priorities. Where a block's draws have at most 2**24 votes each, the remainders
  (integers below the total) are ranked as float32, which holds every integer up to 2**24
  exactly: the same comparisons.
- Divisor methods with integer divisors (D'Hondt ``s + 1``, Sainte-Laguë ``2s + 1``,
  modified Sainte-Laguë 7, 15, 25, ... (scaled by 5), Danish ``3s + 1``, Adams ``s``)
  compare float quotients ``a / b`` of integers. Equal fractions round to equal floats.
  When ``a / b > c / d``, the difference is at least ``1 / (b d)``, while rounding moves
  each quotient by at most ``u = 2**-53`` of itself; the floats keep the order when
  ``a/b - c/d > u (a/b + c/d)``, which holds when ``a d < 1 / (2u) = 2**52``. Here
  ``a <= 10**10`` and ``d <= 10 * MAX_SEATS + 5``: ``a d`` is about 10**15, below 2**52.
- Huntington-Hill's divisors ``sqrt(s (s + 1))`` are irrational and Dean's
  ``2s (s + 1) / (2s + 1)`` have denominators too large for that bound. Their float
  quotients (one rounded square root or division, then one rounded division: within
  ``2.01 u`` of the true value) decide a draw only where the weakest seat won beats the
  best seat missed by more than 2**-48 of itself, far beyond that error. A draw where they
  do not (a tie or a near-tie at the last seat) is settled again in exact rationals,
  comparing ``v**2 / (s (s + 1))`` or ``v (2s + 1) / (2s (s + 1))`` as Fractions.

Float shares are compared as floats (equal shares are a measure-zero event).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

import numpy as np

Allocate = Callable[[np.ndarray, np.ndarray, "Preference", bool],
                    tuple[np.ndarray, np.ndarray | None]]
"""``allocate(votes, seats, prefer, ties) -> (seats, tied or None)``; see the module notes."""


@dataclass(frozen=True, slots=True)
class Method:
    """One apportionment method of the registry.

    ``label`` names it in rules and reports ("D'Hondt"); ``kind`` is ``"quota"`` for
    largest-remainder methods and ``"divisor"`` for highest-averages ones.
    """

    label: str
    allocate: Allocate
    kind: Literal["quota", "divisor"]


@dataclass(frozen=True, slots=True)
class Preference:
    """Who wins a tie: ``"order"`` (earlier list) or ``"votes"`` (more votes, then order).

    ``votes`` is ``(n_lists, n_draws)``, the lists' full votes. Only ``"votes"`` reads
    them: under ``"order"`` :meth:`subset` and :meth:`lists` return the rule as it is,
    with no copy of votes that nothing would read.
    """

    tie_break: str
    votes: np.ndarray

    def subset(self, draws: np.ndarray) -> Preference:
        if self.tie_break != "votes":
            return self
        return Preference(self.tie_break, self.votes[:, draws])

    def lists(self, rows: np.ndarray) -> Preference:
        """The rule among the lists ``rows`` (ascending): the order of lists is kept, so
        each tie goes the same way."""
        if self.tie_break != "votes":
            return self
        return Preference(self.tie_break, self.votes[rows])

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

    def prefers(self, first: np.ndarray, second: np.ndarray) -> np.ndarray:
        """Whether the rule gives a tie between list ``first[d]`` and list ``second[d]`` to
        the first, per draw ``d`` (False where they are the same list)."""
        earlier = first < second
        if self.tie_break != "votes":
            return earlier
        draws = np.arange(len(first))
        ahead, behind = self.votes[first, draws], self.votes[second, draws]
        return (ahead > behind) | ((ahead == behind) & earlier)

    def key(self, draw: int) -> Callable[[int], tuple]:
        """Python sort key of the lists in one draw: of equal priorities, the larger key wins
        (:meth:`argbest`) and the smaller loses (:meth:`argworst`)."""
        if self.tie_break == "votes":
            votes = self.votes[:, draw].tolist()
            return lambda i: (votes[i], -i)
        return lambda i: (-i,)

    def rank(self, priority: np.ndarray, active: np.ndarray | None = None) -> np.ndarray:
        """Place of each list per draw, 0 for the best (``(n_lists, n_draws)`` int8: at most
        :data:`sim.limits.MAX_LISTS` = 60 lists).

        Lists whose priority is ``-inf`` in every draw (or outside ``active``, a bool per
        list, when given) are never ahead of anyone: they are skipped and placed last, so
        below-threshold lists cost nothing. Each pair of the others is compared once: the
        tie rule orders equal priorities, so of two lists exactly one is ahead, and a
        later list's place loses what an earlier one's gains. List ``i`` is compared with
        all the later lists at once (three calls per list, not per pair).
        """
        n = len(priority)
        if active is None:
            active = priority.max(axis=1) > -np.inf
        rows = np.flatnonzero(active)
        m = len(rows)
        if m == 0:
            return np.full(priority.shape, n, dtype=np.int8)
        kept = priority[rows] if m < n else priority
        votes = None
        if self.tie_break == "votes":
            votes = self.votes[rows] if m < n else self.votes
        # Every list starts behind all the earlier ones; the comparisons below move it up.
        places = np.repeat(np.arange(m, dtype=np.int8)[:, None], priority.shape[1], axis=1)
        for i in range(m - 1):
            # The later lists ahead of list i: a higher priority, or with the votes rule an
            # equal one and more votes; on any other tie list i is ahead.
            later = kept[i + 1:] > kept[i]
            if votes is not None:
                later |= (kept[i + 1:] == kept[i]) & (votes[i + 1:] > votes[i])
            gain = later.view(np.int8)
            places[i] += np.add.reduce(gain, axis=0, dtype=np.int8)
            places[i + 1:] -= gain
        if m == n:
            return places
        rank = np.full(priority.shape, n, dtype=np.int8)
        rank[rows] = places
        return rank


def _largest_remainder(quota_split, whole_rounds: bool = False):
    """A largest-remainder method from ``quota_split(votes, seats) -> (whole, remainder,
    total)`` (remainders as float64, exact integers for integer votes; ``total`` the votes
    of each draw).

    Lists get the whole part of ``votes / quota``; the leftover seats go one each to the
    largest remainders. ``quota_split`` never gives more whole seats than ``seats``; with a
    quota of at most ``total / seats`` (Hare, Hagenbach-Bischoff, Imperiali) the leftover is
    below the number of lists with votes (each has a remainder below one quota), and only
    Droop's larger quota asks for ``whole_rounds``.

    With such a quota the remainders add up to at least ``leftover`` quotas, each below one,
    so more than ``leftover`` lists have a positive remainder (for float shares, whose sum
    is off by rounding only, at least ``leftover``): the leftover seats go to positive
    remainders, and lists without votes (remainder 0) need no mask. Droop's masks them.
    """

    def allocate(votes, seats, prefer, ties=False):
        whole, priority, total = quota_split(votes, seats)
        # A column without votes (a district where no list may take seats) gets none.
        extra = np.where(total > 0, seats - whole.sum(axis=0), 0)
        if whole_rounds:
            eligible = votes > 0
            # More leftovers than lists only happens with tiny Droop totals: whole rounds
            # first.
            n_eligible = np.maximum(np.count_nonzero(eligible, axis=0), 1)
            rounds, extra = np.divmod(extra, n_eligible)
            if rounds.any():
                whole += rounds * eligible
            priority = np.where(eligible, priority, -np.inf)  # a select: faster than a copy
        if votes.dtype.kind == "i" and total.max(initial=0) <= _FLOAT32_EXACT:
            # Integer remainders below the total: exact in float32 up to 2**24 votes a draw,
            # and half as many bytes for the ranking's comparisons to read.
            priority = priority.astype(np.float32)
        won, tied = _top_and_ties(priority, extra, prefer, ties)
        whole += won
        return whole, tied

    return allocate


# Integers up to 2**24 are exact in float32 (a 24-bit significand).
_FLOAT32_EXACT = 2**24


def _top_and_ties(priority, extra, prefer, ties):
    """:func:`_top`, and when ``ties`` the lists in a tie that decided a seat: where the
    smallest priority that won one equals the largest that missed (the last seat awarded
    against the first refused), compared in the pass that decides them where that pass
    has them (the sort), else from one reduction each."""
    won, cut = _top(priority, extra, prefer, ties)
    if not ties:
        return won, None
    if cut is None:
        # A select, then a plain reduction: twice as fast as a masked one (``where=``).
        infinity = priority.dtype.type(np.inf)
        last = np.where(won, priority, infinity).min(axis=0)
        missed = np.where(won, -infinity, priority).max(axis=0)
    else:
        last, missed = cut
    tied = np.zeros(priority.shape, dtype=bool)
    # Ties are rare: the lists at the tied level are looked for in those draws only.
    level = np.flatnonzero((extra > 0) & (last == missed))
    if level.size:
        tied[:, level] = priority[:, level] == last[level]
    return won, tied


# Up to this many lists with votes, ranking them by pairwise comparison (n (n - 1) / 2
# comparisons of two rows) beats sorting each draw's lists: measured on 12 lists of which 9
# passed, 2,730 draws, 125 against 190 us; the sort wins from about 13.
PAIRWISE_MAX = 12


def _top(priority: np.ndarray, extra: np.ndarray, prefer: Preference, cut: bool = False
         ) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray] | None]:
    """Whether each list is among the ``extra[d]`` highest priorities of draw ``d``; with
    ``cut``, also the lowest priority among them and the highest outside them per draw
    where the sort finds them anyway (else None).

    Lists with priority ``-inf`` or 0 rank behind every list with a positive one, and
    callers keep ``extra`` at most the number of those (lists with priority ``-inf`` in
    every draw are skipped).
    """
    n = len(priority)
    active = priority.max(axis=1) > -np.inf
    if np.count_nonzero(active) <= PAIRWISE_MAX:
        # Places are at most n: a smaller type for the comparison, with the same answers.
        return prefer.rank(priority, active) < np.minimum(extra, n + 1).astype(np.int8), None
    ordered = np.sort(priority, axis=0)
    draws = np.arange(priority.shape[1])
    lowest_in = ordered[np.minimum(n - extra, n - 1), draws]
    # Where every list wins a seat, none was refused one: no priority is outside the cut.
    highest_out = np.where(extra < n, ordered[np.maximum(n - extra - 1, 0), draws], -np.inf)
    top = (priority >= lowest_in) & (extra > 0)
    # Equal priorities across the cut: only there does the tie rule decide, by rank.
    tied = np.flatnonzero((extra > 0) & (lowest_in == highest_out))
    if tied.size:
        top[:, tied] = prefer.subset(tied).rank(priority[:, tied]) < extra[tied]
    return top, ((lowest_in, highest_out) if cut else None)


def _whole_and_fraction(votes, quota):
    """``votes / quota`` split into whole part and remainder, exact for integers."""
    if votes.dtype.kind == "i":
        return np.divmod(votes, quota)
    quotient = votes / quota
    whole = np.floor(quotient)
    return whole.astype(np.int64), quotient - whole


def _hare_split(votes, seats):
    """The Hare quota ``total / seats`` (Hamilton, Hare-Niemeyer): in integers
    ``(votes * seats) / total``."""
    return _quota_parts(votes, seats, 0)


def _hagenbach_bischoff_split(votes, seats):
    """The Hagenbach-Bischoff quota ``total / (seats + 1)``, with largest remainders (the
    "Droop" quota of Gallagher, "Comparing proportional representation electoral systems",
    *British Journal of Political Science* 22, 1992). Its whole parts exceed ``seats`` only
    when every list's votes are a multiple of the quota; then the Hare quota decides."""
    return _quota_parts(votes, seats, 1)


def _imperiali_split(votes, seats):
    """The Imperiali quota ``total / (seats + 2)``, with largest remainders (Italy's Chamber
    of Deputies from 1956 to 1993 and Italian regional councils; Gallagher 1992). When its
    whole parts exceed ``seats``, the divisor is lowered by one (see :func:`_quota_parts`)."""
    return _quota_parts(votes, seats, 2)


def _quota_parts(votes, seats, added: int):
    """Whole parts and remainders of ``votes`` over the quota ``total / (seats + added)``; in
    integers, of ``(votes * (seats + added)) / total``.

    A quota below ``total / seats`` can give more whole seats than there are (Imperiali on
    50, 49 and 1 votes for 3 seats: quota 20, whole parts 2, 2 and 0). The Italian statutes
    that use the Imperiali quota say what then: "the operations are repeated with a new
    quota obtained by lowering the divisor by one" (South Tyrol's provincial council, as the
    province publishes it: https://civis.bz.it/vote/landtag2003/percosasivota_i.htm). So
    does elsim, draw by draw, down to the Hare quota at most, whose whole parts always fit
    (``floor(votes * seats / total)`` adds up to at most ``seats``): [50, 49, 1] and 3 seats
    get the quota 25 and the seats 2, 1, 0. The statute also drops the quota's fraction of
    a vote; elsim keeps the exact quota, as for Hare. (votelib's
    ``QuotaDistributor(on_overaward="subtract")`` instead takes the surplus seats back from
    the smallest remainders: a library's reading, not a statute's.)
    """
    total = votes.sum(axis=0)
    divisor = seats + added
    while True:
        if votes.dtype.kind == "i":
            whole, remainder = _integer_parts(votes, divisor, total)
        else:
            whole, remainder = _whole_and_fraction(
                votes, np.where(total > 0, total, 1.0) / divisor)
        if added == 0:
            return whole, remainder, total
        over = (whole.sum(axis=0) > seats) & (divisor > seats)
        if not over.any():
            return whole, remainder, total
        divisor = divisor - over


def _integer_parts(votes, divisor, total):
    """``votes * divisor`` divided by ``total`` (integers): the whole part as int64 and the
    remainder as float64, exactly, without integer division (several times slower).

    ``votes * divisor`` is below 10**10 * 10**4 < 2**53 (:mod:`sim.limits`), so it is exact
    in a double, and so are ``whole * total`` and the difference. The rounded quotient
    never reaches the next integer: the true quotient is at least ``1 / total`` (10**-10)
    below it, more than half a unit in the last place of a quotient below 2**14.
    """
    # Convert, then multiply in doubles: a mixed int64 product cast to float64 is slower.
    scaled = votes.astype(np.float64)
    scaled *= np.asarray(divisor, dtype=np.float64)
    denominator = np.maximum(total, 1).astype(np.float64)
    whole = scaled / denominator
    np.floor(whole, out=whole)
    remainder = scaled
    remainder -= whole * denominator
    return whole.astype(np.int64), remainder


def _droop_split(votes, seats):
    """``votes / (floor(total / (seats + 1)) + 1)``.

    For float shares the quota is ``total / (seats + 1)`` enlarged by one part in 10^12, so
    that it can never hand out more than ``seats`` whole seats.
    """
    total = votes.sum(axis=0)
    if votes.dtype.kind == "i":
        whole, remainder = _whole_and_fraction(votes, total // (seats + 1) + 1)
        return whole, remainder.astype(np.float64), total
    return (*_whole_and_fraction(votes, np.where(total > 0, total, 1.0) / (seats + 1)
                                 * (1 + 1e-12)), total)


def _divisor_method(divisor: Callable[[np.ndarray], np.ndarray],
                    rounding: Callable[[np.ndarray], np.ndarray],
                    exact: Callable[[int, int], Fraction | float] | None = None,
                    jump: float = 0.0):
    """A highest-averages method from its divisors: ``divisor(s)`` prices seat ``s + 1``.

    Jump and step (Pukelsheim, *Proportional Representation*, 2017, ch. 4): rounding every
    ``votes / (total / seats)`` by the method's rule is already an apportionment of the
    method for some house size; single seats are then added at the highest next quotient or
    taken back at the lowest last quotient until the house size is right, and a seat moves
    while the weakest seat won is below the best missed, or equal to it with the tie rule
    preferring the list that missed it.

    A first divisor of 0 (Adams, Dean, Huntington-Hill) makes every first seat's quotient
    infinite: each list with votes gets one seat before any list gets a second. Where a
    draw has fewer seats than lists with votes, the first seats go to the lists with the
    most votes (the order of ``votes / d`` as ``d`` falls to 0), equal votes by the tie rule.

    ``exact(v, s)``, for methods whose float quotients are not exact (see the module
    notes), is a number ordered as ``v / divisor(s)``, exactly; draws where the floats do
    not decide by a clear margin are settled again with it.

    ``jump`` sets where the jump lands: the votes are rounded at ``(seats + jump *
    n_lists) / total`` per vote. Any multiplier gives an apportionment of the method (for
    the house size it adds up to), so the steps end at the same seats; the one closest on
    average to ``seats`` leaves the fewest steps: ``n_lists / 2`` for D'Hondt, whose
    rounding down loses half a seat per list (Pukelsheim, ch. 6).
    """
    zero_first = divisor(np.zeros(1))[0] == 0

    def next_quotient(votes, held):
        """The quotient each list's next seat would be won at (0 for lists without votes,
        which therefore never win one while any list has votes)."""
        if not zero_first:
            return votes / divisor(held)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(votes > 0, votes / divisor(held), 0.0)

    def last_quotient(votes, held):
        """The quotient each list's last seat was won at (+inf for lists without seats)."""
        with np.errstate(divide="ignore", invalid="ignore"):  # a first divisor of 0
            return np.where(held > 0, votes / divisor(np.maximum(held - 1, 0)), np.inf)

    def allocate(votes, seats, prefer, ties=False):
        counts = votes.dtype.kind == "i"
        votes = votes.astype(np.float64)
        total = votes.sum(axis=0)
        positive = total > 0
        target = seats + jump * np.count_nonzero(votes > 0, axis=0) if jump else seats
        ideal = votes * (target / np.where(positive, total, 1.0))
        result = np.where(votes > 0, rounding(ideal), 0).astype(np.int64)
        few = np.zeros_like(positive)
        if zero_first:
            # More lists with votes than seats: the largest take one each, and nothing else
            # is left to share.
            few = seats < np.count_nonzero(votes > 0, axis=0)
        active = positive & ~few
        while True:
            gap = np.where(active, seats - result.sum(axis=0), 0)
            if not gap.any():
                last, following = last_quotient(votes, result), next_quotient(votes, result)
                weakest, best_missed = last.min(axis=0), following.max(axis=0)
                # Rounding at a float boundary can leave a seat on the wrong side, or, at a
                # tie, with a list the rule does not prefer (Sainte-Laguë on 96131 and 9303
                # votes, 17 seats: 15.5 computed a hair low): swap it.
                unbalanced = active & (weakest < best_missed)
                level = np.flatnonzero(active & (weakest == best_missed))
                if level.size:
                    rule = prefer.subset(level)
                    unbalanced[level] |= rule.prefers(rule.argbest(following[:, level]),
                                                      rule.argworst(last[:, level]))
                if not unbalanced.any():
                    break
                gap[unbalanced] = 1  # add the best missed seat now, drop the weakest next
            # Each pass moves one seat in every draw that needs one (at most n_lists passes),
            # looking only at those draws: in small districts most are done after the jump.
            need = np.flatnonzero(gap)
            rule, held, short = prefer.subset(need), result[:, need], gap[need]
            if (short > 0).any():
                held[rule.argbest(next_quotient(votes[:, need], held)),
                     np.arange(need.size)] += short > 0
            if (short < 0).any():
                held[rule.argworst(last_quotient(votes[:, need], held)),
                     np.arange(need.size)] -= short < 0
            result[:, need] = held
        tied = (weakest == best_missed) & ((last == weakest) | (following == best_missed)) \
            if ties else None
        if few.any():
            _first_seats(votes, seats, prefer, few, result, tied)
        if exact is not None and counts:
            # Within the floats' error of a tie: the exact quotients decide.
            unsure = np.flatnonzero(active & ~(weakest > best_missed * (1 + 2.0**-48)))
            for draw in unsure:
                result[:, draw], draw_tied = _exact_balance(
                    votes[:, draw], seats[draw], result[:, draw], prefer.key(draw), exact)
                if tied is not None:
                    tied[:, draw] = draw_tied
        return result, tied

    return allocate


def _first_seats(votes, seats, prefer, few, result, tied) -> None:
    """One seat each to the ``seats`` lists with the most votes, in the draws ``few``, into
    ``result`` (and their ties into ``tied`` when it is given)."""
    draws = np.flatnonzero(few)
    priority = np.where(votes[:, draws] > 0, votes[:, draws], -np.inf)
    won, won_tied = _top_and_ties(priority, seats[draws], prefer.subset(draws),
                                  tied is not None)
    result[:, draws] = won
    if tied is not None:
        tied[:, draws] = won_tied


def _exact_balance(votes, seats, held, key, exact):
    """One draw's seats, moved as in jump and step but with exact quotients
    ``exact(v, s)``, from ``held`` (near the answer); returns the seats and the tied lists.

    Seats go to the highest ``(quotient, key)`` in lexicographic order, which is the order in
    which counting seat by seat with the tie rule awards them.
    """
    votes = [int(v) for v in votes]
    held = [int(h) for h in held]
    lists = range(len(votes))

    def following(i):
        return exact(votes[i], held[i]) if votes[i] else 0

    def last(i):
        return exact(votes[i], held[i] - 1) if held[i] else math.inf

    while True:
        gap = seats - sum(held)
        best = max((i for i in lists if votes[i]), key=lambda i: (following(i), key(i)))
        if gap > 0:
            held[best] += 1
            continue
        worst = min((i for i in lists if held[i]), key=lambda i: (last(i), key(i)))
        if gap < 0:
            held[worst] -= 1
        elif (last(worst), key(worst)) < (following(best), key(best)):
            held[best] += 1
            held[worst] -= 1
        else:
            level = last(worst) == following(best)
            return held, [level and (last(i) == last(worst) or following(i) == following(best))
                          for i in lists]


def _signposts(signpost: Callable[[np.ndarray], np.ndarray]):
    """Rounding at the method's signposts: ``x`` in ``[n, n + 1)`` rounds up from
    ``signpost(n)``, the divisor of seat ``n + 1`` in seats (the jump's start)."""

    def rounding(ideal: np.ndarray) -> np.ndarray:
        whole = np.floor(ideal)
        return whole + (ideal >= signpost(whole))

    return rounding


def _sainte_lague_round(ideal: np.ndarray) -> np.ndarray:
    return np.floor(ideal + 0.5)


def _modified_sainte_lague_round(ideal: np.ndarray) -> np.ndarray:
    # First signpost 0.7 (divisor 1.4 against 1, 3, 5, ... for seats 2, 3, 4, ...).
    return np.where(ideal >= 0.7, np.floor(ideal + 0.5), 0.0)


def _huntington_hill_square(v: int, s: int) -> Fraction | float:
    """``(v / sqrt(s (s + 1)))**2``, exactly: squares order as the positive quotients do."""
    return Fraction(v * v, s * (s + 1)) if s else math.inf


def _dean_quotient(v: int, s: int) -> Fraction | float:
    """``v / (2s (s + 1) / (2s + 1))``, exactly."""
    return Fraction(v * (2 * s + 1), 2 * s * (s + 1)) if s else math.inf


def _danish(s: np.ndarray) -> np.ndarray:
    """Danish divisors 1, 4, 7, 10, ...: the method Denmark uses to place a party's
    compensatory seats in the constituencies of a region (the Lijphart Elections Archive's
    page on Denmark calls it "another divisor method", after Johansen 1979, p. 46)."""
    return 3.0 * s + 1.0


def _adams(s: np.ndarray) -> np.ndarray:
    """Adams, smallest divisors 0, 1, 2, ... (Balinski and Young, *Fair Representation*,
    2nd ed., 2001)."""
    return s.astype(np.float64)


def _huntington_hill(s: np.ndarray) -> np.ndarray:
    """Huntington-Hill, equal proportions: the geometric means ``sqrt(s (s + 1))`` (the US
    House of Representatives since 1941, 2 U.S.C. § 2a; Balinski and Young 2001)."""
    return np.sqrt(s * (s + 1.0))


def _dean(s: np.ndarray) -> np.ndarray:
    """Dean, harmonic mean: ``2 s (s + 1) / (2 s + 1)`` (Balinski and Young 2001)."""
    return 2.0 * s * (s + 1.0) / (2.0 * s + 1.0)


METHODS: dict[str, Method] = {
    "hare": Method("Hare quota with largest remainders",
                   _largest_remainder(_hare_split), "quota"),
    "droop": Method("Droop quota with largest remainders",
                    _largest_remainder(_droop_split, whole_rounds=True), "quota"),
    "hagenbach-bischoff": Method("Hagenbach-Bischoff quota with largest remainders",
                                 _largest_remainder(_hagenbach_bischoff_split), "quota"),
    "imperiali": Method("Imperiali quota with largest remainders",
                        _largest_remainder(_imperiali_split), "quota"),
    "dhondt": Method("D'Hondt", _divisor_method(lambda s: s + 1.0, np.floor, jump=0.5),
                     "divisor"),
    # Divisors 1, 3, 5, ...: integers, so integer votes divide exactly rounded.
    "sainte-lague": Method("Sainte-Laguë", _divisor_method(
        lambda s: 2.0 * s + 1.0, _sainte_lague_round), "divisor"),
    # Divisors 1.4, 3, 5, ... scaled by 5 to the integers 7, 15, 25, ...
    "modified-sainte-lague": Method("modified Sainte-Laguë (first divisor 1.4)", _divisor_method(
        lambda s: np.where(s == 0, 7.0, 10.0 * s + 5.0), _modified_sainte_lague_round),
        "divisor"),
    "danish": Method("the Danish method (divisors 1, 4, 7, 10, ...)", _divisor_method(
        _danish, _signposts(lambda n: n + 1 / 3)), "divisor"),
    "huntington-hill": Method("Huntington-Hill (equal proportions)", _divisor_method(
        _huntington_hill, _signposts(_huntington_hill), _huntington_hill_square), "divisor"),
    "adams": Method("Adams (smallest divisors)", _divisor_method(
        _adams, _signposts(_adams)), "divisor"),
    "dean": Method("Dean (harmonic mean)", _divisor_method(
        _dean, _signposts(_dean), _dean_quotient), "divisor"),
}
"""Allocation methods by the name used in scenario files."""
