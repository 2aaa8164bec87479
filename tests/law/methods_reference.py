"""A slow, exact reference for every apportionment method, written for the tests.

One draw at a time, plain loops, :class:`fractions.Fraction` everywhere: divisor methods
award seats one by one at the highest exact quotient; quota methods take exact quotas and
remainders. Nothing here comes from :mod:`sim.law.methods`.
"""

from __future__ import annotations

import math
from fractions import Fraction


def _over(d):
    """The priority of a seat at divisor ``d``: ``v / d``, infinite for ``d = 0``."""
    return lambda v: math.inf if d == 0 else Fraction(v) / d


# Each divisor method: the priority of list's seat s + 1, as a function of its votes.
# Huntington-Hill's divisor sqrt(s (s + 1)) is irrational: its priority is the square of the
# quotient, which orders the same way.
PRIORITIES = {
    "dhondt": lambda s: _over(s + 1),
    "sainte-lague": lambda s: _over(2 * s + 1),
    "modified-sainte-lague": lambda s: _over(Fraction(7, 5) if s == 0 else 2 * s + 1),
    "danish": lambda s: _over(3 * s + 1),
    "adams": lambda s: _over(s),
    "dean": lambda s: _over(Fraction(2 * s * (s + 1), 2 * s + 1)),
    "huntington-hill": lambda s: (lambda v: math.inf if s == 0 else Fraction(v * v, s * (s + 1))),
}

# Quota methods: the quota's divisor for the total, as seats + this.
QUOTA_ADDED = {"hare": 0, "hagenbach-bischoff": 1, "imperiali": 2}


def tie_key(i, votes, tie_break):
    """Of equal priorities, the larger key wins: the earlier list, or more votes first."""
    return (votes[i], -i) if tie_break == "votes" else (-i,)


def reference_seats(method, votes, seats, tie_break="order"):
    """``(seats per list, whether a tie decided a seat)`` for one draw of integer votes."""
    if not any(votes):
        return [0] * len(votes), False
    if method in PRIORITIES:
        return _seat_by_seat(PRIORITIES[method], votes, seats, tie_break)
    return _largest_remainders(method, votes, seats, tie_break)


def _seat_by_seat(priority, votes, seats, tie_break):
    """Each seat to the highest priority; an infinite priority (a first divisor of 0) goes
    by votes, so that the largest lists get the first seats."""
    held = [0] * len(votes)

    def order(i):
        value = priority(held[i])(votes[i])
        return (value, votes[i] if value == math.inf else 0)

    def best():
        return max((i for i in range(len(votes)) if votes[i] > 0),
                   key=lambda i: (order(i), tie_key(i, votes, tie_break)))

    last_won = None
    for _ in range(seats):
        winner = best()
        last_won = order(winner)
        held[winner] += 1
    # A tie decided a seat where the best seat missed is worth what the last seat won was.
    return held, order(best()) == last_won


def _largest_remainders(method, votes, seats, tie_break):
    total = sum(votes)
    if method == "droop":
        quotas = [Fraction(total // (seats + 1) + 1)]
    else:  # the divisor lowered by one while the whole parts are too many, down to seats
        quotas = [Fraction(total, seats + added)
                  for added in range(QUOTA_ADDED[method], -1, -1)]
    for quota in quotas:
        whole = [int(Fraction(v) // quota) for v in votes]
        if sum(whole) <= seats:
            break
    remainder = [Fraction(v) / quota - w for v, w in zip(votes, whole)]
    order = sorted((i for i in range(len(votes)) if votes[i] > 0),
                   key=lambda i: (remainder[i], tie_key(i, votes, tie_break)), reverse=True)
    left = seats - sum(whole)
    while left >= len(order):  # tiny Droop totals: a seat for every list, round after round
        for i in order:
            whole[i] += 1
        left -= len(order)
    for i in order[:left]:
        whole[i] += 1
    tied = 0 < left and remainder[order[left - 1]] == remainder[order[left]]
    return whole, tied
