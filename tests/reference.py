"""A plain, per-draw reference allocation in exact fractions, written for the tests.

Deliberately simple and slow, :class:`fractions.Fraction` everywhere; the methods themselves
are :mod:`tests.law.methods_reference` (seat by seat, or exact quotas and remainders).
"""

from __future__ import annotations

from fractions import Fraction

from tests.law.methods_reference import reference_seats


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
    votes = [int(v) for v in votes]  # integer counts: thresholds only zero some of them
    return reference_seats(system.method, votes, seats, system.tie_break)[0]


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
