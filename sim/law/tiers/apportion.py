"""Seats for lists that passed, with alliances that pool for the allocation: the step the
national and the multi-member tiers share."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from sim.law.alliances import unit_votes
from sim.law.allocate import Allocation, allocate_by_list
from sim.law.system import ElectoralSystem


def apportion(votes: np.ndarray, passed: np.ndarray, system: ElectoralSystem, *,
              seats: np.ndarray | None = None, units: list[tuple[int, ...]] | None = None,
              details: bool = False) -> Allocation:
    """Seats ``(n_lists, n)`` of the lists that ``passed``, by the system's method.

    Parameters
    ----------
    votes : ndarray, shape (n_lists, n)
    passed : ndarray of bool, shape (n_lists, n)
    system : ElectoralSystem
        The method, ties, cap and runner-up rule (its threshold is already in ``passed``).
    seats : ndarray of int64, shape (n,), optional
        Seats of each column (a district's magnitude); ``system.seats`` when not given.
    units : list of tuple of int, optional
        From :func:`sim.law.alliances.allocation_units`: rows allocated as one unit, then
        split between them by the same method. None: every list alone.
    details : bool
        Quotas and tied lists too (of the units' allocation, mapped to their lists).
    """
    if units is None or all(len(unit) == 1 for unit in units):
        return allocate_by_list(votes, system, passed=passed, seats=seats, details=details)
    pooled_votes, pooled_passed = unit_votes(votes, passed, units)
    by_unit = allocate_by_list(pooled_votes, system, passed=pooled_passed, seats=seats,
                               details=details)
    result = np.zeros(votes.shape, dtype=np.int64)
    tie_decided = by_unit.tie_decided.copy()
    split_system = replace(system, cap=None, runner_up=None)
    for k, unit in enumerate(units):
        rows = np.array(unit, dtype=np.intp)
        if len(rows) == 1:
            result[unit[0]] = by_unit.seats[k]
            continue
        # The unit's seats shared between its members, where it won any.
        columns = np.flatnonzero(by_unit.seats[k] > 0)
        if columns.size == 0:
            continue
        split = allocate_by_list(np.ascontiguousarray(votes[np.ix_(rows, columns)]),
                                 split_system, passed=passed[np.ix_(rows, columns)],
                                 seats=by_unit.seats[k, columns])
        result[np.ix_(rows, columns)] = split.seats
        tie_decided[columns] |= split.tie_decided
    admitted = np.where(by_unit.admitted >= 0,
                        np.array([min(unit) for unit in units])[by_unit.admitted], -1)
    detail_shape = (len(votes), by_unit.quotas.shape[1])
    quotas, tied = np.zeros(detail_shape), np.zeros(detail_shape, dtype=bool)
    if details:  # a member shows its unit's quota and tie
        for k, unit in enumerate(units):
            quotas[list(unit)] = by_unit.quotas[k]
            tied[list(unit)] = by_unit.tied[k]
    return Allocation(result, passed, quotas, tied, admitted, by_unit.cap_binding, tie_decided)
