"""Alliances: lists that stand together for the threshold, for the allocation, or both.

- Pooled for the **threshold** (Turkey since 2018): a member passes when the alliance's votes
  reach the threshold (:mod:`sim.law.thresholds`).
- Pooled for the **allocation** (Israel's surplus-vote agreements, apparentement): the
  alliance's passing members are one unit when the seats are shared; the unit's seats are
  then shared between them by the same method. In Israel (Knesset Elections Law s. 81-82,
  the Bader-Ofer method, which is D'Hondt) an agreement holds only between lists that both
  passed; a member that did not pass brings no votes to the unit, so the other stands alone.

Read from ``[alliances.<id>]`` tables: ``members`` (list ids) and ``pools`` (``"threshold"``,
``"allocation"``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.tables import Table

POOLS = ("threshold", "allocation")


@dataclass(frozen=True, slots=True)
class Alliance:
    """Lists that pool their votes; ``members`` are their rows in the lists' order."""

    id: str
    members: tuple[int, ...]
    pools: tuple[str, ...]


def read_alliances(table: Table, lists: tuple[str, ...],
                   aggregates: tuple[str, ...] = ()) -> tuple[Alliance, ...]:
    """The ``[alliances]`` table; every member a list of ``lists``, in one alliance at most,
    and none of the ``aggregates`` (several parties, which take no seat)."""
    alliances = []
    seen: dict[str, str] = {}
    for alliance_id, entry in table.entries():
        entry.check_keys(("members", "pools"))
        members = entry.raw("members", required=True)
        if not isinstance(members, list) or len(members) < 2 or \
                not all(isinstance(m, str) for m in members):
            raise entry.error("members", members, "must be a list of two or more list ids")
        for member in members:
            entry.member("members", member, lists, "list of this file")
            if member in aggregates:
                raise entry.error("members", member, "is an aggregate list (several "
                                  "parties): it cannot join an alliance")
            if member in seen:
                raise entry.error("members", member, f"is already a member of alliance "
                                  f"{seen[member]!r}: a list joins one alliance at most")
            seen[member] = alliance_id
        pools = entry.raw("pools", ["threshold", "allocation"])
        if not isinstance(pools, list) or not pools or any(p not in POOLS for p in pools):
            raise entry.error("pools", pools, f"must be a list of {' and/or '.join(POOLS)}")
        alliances.append(Alliance(alliance_id, tuple(lists.index(m) for m in members),
                                  tuple(dict.fromkeys(pools))))
    return tuple(alliances)


def threshold_pools(alliances: tuple[Alliance, ...]) -> tuple[tuple[int, ...], ...]:
    """Members of the alliances that pool their votes for the threshold."""
    return tuple(a.members for a in alliances if "threshold" in a.pools)


def allocation_units(alliances: tuple[Alliance, ...], n_lists: int) -> list[tuple[int, ...]]:
    """The units of an allocation: each allocation alliance, and every other list alone,
    in the order of their first list (ties between units follow that order); members in the
    lists' order, so that a tie inside a unit goes to the earlier list, not the first
    written."""
    pooled = [tuple(sorted(a.members)) for a in alliances if "allocation" in a.pools]
    inside = {row for members in pooled for row in members}
    units = pooled + [(row,) for row in range(n_lists) if row not in inside]
    return sorted(units, key=min)


def unit_votes(votes: np.ndarray, passed: np.ndarray,
               units: list[tuple[int, ...]]) -> tuple[np.ndarray, np.ndarray]:
    """Votes ``(n_units, n)`` of each unit's passing members, and whether it takes part:
    whether they have any votes (a list with none passes a zero threshold and takes no seat).

    A unit that takes no part takes no seat whatever its votes: it keeps all its members'
    votes, so that a column where no list with votes passed is not all zero (which the
    allocation refuses as a count without votes)."""
    counted = np.where(passed, votes, 0)
    pooled = np.stack([counted[list(unit)].sum(axis=0) for unit in units])
    taking_part = pooled > 0
    return (np.where(taking_part, pooled, np.stack([votes[list(unit)].sum(axis=0)
                                                    for unit in units])), taking_part)
