"""A plain, per-draw reference allocation in exact fractions, written for the tests.

Deliberately simple and slow: seat by seat for divisor methods, sorted remainders for
largest-remainder methods, and :class:`fractions.Fraction` everywhere.
"""

from __future__ import annotations

from fractions import Fraction

DIVISORS = {
    "dhondt": lambda s: Fraction(s + 1),
    "sainte-lague": lambda s: Fraction(2 * s + 1),
    "modified-sainte-lague": lambda s: Fraction(7, 5) if s == 0 else Fraction(2 * s + 1),
}


def reference_allocate(votes, system, against_all=0, invalid=0):
    votes = [Fraction(v) for v in votes]
    base = sum(votes)
    if system.threshold_base in ("valid", "ballots"):
        base += Fraction(against_all or 0)
    if system.threshold_base == "ballots":
        base += Fraction(invalid or 0)
    threshold = system.threshold_fraction
    passed = [v >= threshold * base for v in votes]
    if system.runner_up is not None and sum(passed) == 1:
        admitted = _runner_up(votes, passed, system)
        if admitted is not None:
            return admitted
    eligible = [v if p else Fraction(0) for v, p in zip(votes, passed)]
    return _capped(eligible, system.seats, system)


def _capped(eligible, seats, system):
    capped = [False] * len(eligible)
    while True:
        shared = [Fraction(0) if c else v for v, c in zip(eligible, capped)]
        left = seats - system.cap * sum(capped) if system.cap else seats
        result = _method(shared, left, system)
        result = [system.cap if c else s for s, c in zip(result, capped)]
        over = [system.cap is not None and s > system.cap for s in result]
        if not any(over):
            return result
        capped = [c or o for c, o in zip(capped, over)]


def _key(i, votes, system):
    """Sort key that puts the tie-break winner first among equals."""
    return (-votes[i], i) if system.tie_break == "votes" else (i,)


def _method(votes, seats, system):
    n = len(votes)
    total = sum(votes)
    if total == 0:
        return [0] * n
    if system.method in DIVISORS:
        divisor = DIVISORS[system.method]
        result = [0] * n
        for _ in range(seats):
            best = min((i for i in range(n) if votes[i] > 0),
                       key=lambda i: (-votes[i] / divisor(result[i]), *_key(i, votes, system)))
            result[best] += 1
        return result
    if system.method == "hare":
        quota = total / seats
    else:  # droop
        quota = Fraction(int(total) // (seats + 1) + 1) if all(v.denominator == 1 for v in votes) \
            else total / (seats + 1)
    whole = [int(v // quota) for v in votes]
    remainder = [v / quota - w for v, w in zip(votes, whole)]
    order = sorted((i for i in range(n) if votes[i] > 0),
                   key=lambda i: (-remainder[i], *_key(i, votes, system)))
    left = seats - sum(whole)
    while left > 0:
        for i in order[:left]:
            whole[i] += 1
        left -= min(left, len(order))
    return whole


def _runner_up(votes, passed, system):
    leader = passed.index(True)
    candidates = [i for i in range(len(votes)) if not passed[i] and votes[i] > 0]
    if not candidates:
        return None
    runner = min(candidates, key=lambda i: (-votes[i], *_key(i, votes, system)))
    factor = Fraction(repr(float(system.runner_up.factor)))
    runner_seats = int(factor * votes[runner] * system.seats / (votes[leader] + votes[runner]))
    runner_seats = min(max(runner_seats, system.runner_up.min_seats), system.seats - 1)
    result = [0] * len(votes)
    result[leader] = system.seats - runner_seats
    result[runner] = runner_seats
    return result
