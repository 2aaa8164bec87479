"""The House: the ordered tiers of a parliament, and the one call from votes to seats.

The engine (many draws) and ``elsim allocate`` (one count) both call
:meth:`House.allocate`; nothing outside :mod:`sim.law` knows which rows take seats, how
aggregates count or in what order the tiers depend on each other.

The seats of list ``l`` in draw ``b`` are ``sum over tiers t of seats[t][l, b]``; seats won
by independents and appointed seats belong to no list.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.law.tiers import Count, Tier, TierSeats


@dataclass(frozen=True, slots=True)
class HouseSeats:
    """What a House made of a count, lists first.

    Attributes
    ----------
    seats : ndarray of int64, shape (n_lists, n)
        Every elected seat of each list, over the tiers.
    tiers : dict of str to TierSeats
        Each tier's own seats, in the House's order.
    passed : ndarray of bool, shape (n_lists, n)
        Lists that passed the threshold of the House's list tier (or of its districts).
    admitted : ndarray of intp, shape (n,)
        Row of the list the runner-up rule admitted, -1 where it did not act.
    cap_binding, tie_decided : ndarray of bool, shape (n,)
    independents : ndarray of int64, shape (n,), optional
        Seats won by independents.
    grown : ndarray of int64, shape (n,)
        Seats a compensation rule added to the house (overhang), 0 without one.
    districts : ndarray of int64, shape (n_lists, n_districts, n), optional
        Seats won in each multi-member district (in the order of :meth:`House.districts`).
    """

    seats: np.ndarray
    tiers: dict[str, TierSeats]
    passed: np.ndarray
    admitted: np.ndarray
    cap_binding: np.ndarray
    tie_decided: np.ndarray
    independents: np.ndarray | None = None
    grown: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    districts: np.ndarray | None = None


@dataclass(frozen=True, slots=True)
class House:
    """A parliament's tiers, in the order results show them, and its appointed seats.

    Parameters
    ----------
    lists : tuple of str
        The list ids, in the order of every lists axis.
    tiers : tuple of Tier
    appointed : int
        Seats not elected (credited to blocs).
    """

    lists: tuple[str, ...]
    tiers: tuple[Tier, ...]
    appointed: int = 0

    @property
    def seats(self) -> int:
        """The nominal size of the house: every tier's seats and the appointed ones."""
        return sum(tier.seats for tier in self.tiers) + self.appointed

    def tier_seats(self) -> dict[str, int]:
        """Each tier's nominal seats by its name, in the House's order."""
        return {tier.name: tier.seats for tier in self.tiers}

    def districts(self) -> tuple[tuple[str, int], ...]:
        """Name and magnitude of the multi-member districts (of the first tier that has
        them)."""
        for tier in self.tiers:
            magnitudes = getattr(tier, "magnitudes", None)
            if magnitudes is not None:
                names: tuple[str, ...] = getattr(tier, "names", ())
                return tuple(zip(names, magnitudes))
        return ()

    @property
    def independents(self) -> bool:
        """Whether a tier elects independents."""
        return any(getattr(tier, "independents", False) for tier in self.tiers)

    def allocate(self, count: Count, *, details: bool = False) -> HouseSeats:
        """Seats of every tier for ``count`` (see :class:`~sim.law.tiers.Count`)."""
        done: dict[str, TierSeats] = {}
        for tier in sorted(self.tiers, key=lambda t: t.stage):
            done[tier.name] = tier.allocate(count, done, details=details)
        tiers = {tier.name: done[tier.name] for tier in self.tiers}
        # A House has at least one tier; with one, its seats are the House's (no copy).
        parts = [part.seats for part in tiers.values()]
        seats = parts[0]
        for more in parts[1:]:
            seats = seats + more
        deciding = next((part for part in tiers.values() if part.passed is not None), None)
        n = count.n
        independents = [part.independents for part in tiers.values()
                        if part.independents is not None]
        grown = [part.grown for part in tiers.values() if part.grown is not None]
        by_district = [part.detail["districts"] for part in tiers.values()
                       if "districts" in part.detail]
        return HouseSeats(
            seats=seats, tiers=tiers,
            passed=deciding.passed if deciding is not None and deciding.passed is not None
            else seats > 0,
            admitted=deciding.admitted if deciding is not None and deciding.admitted
            is not None else np.full(n, -1, dtype=np.intp),
            cap_binding=_any(deciding.cap_binding if deciding else None, n),
            tie_decided=_any(deciding.tie_decided if deciding else None, n),
            independents=independents[0] if independents else None,
            grown=grown[0] if grown else np.zeros(n, dtype=np.int64),
            districts=by_district[0] if by_district else None)

    def describe(self) -> list[str]:
        """Every rule in force, one sentence each, tier by tier."""
        return [line for tier in self.tiers for line in tier.describe()]


def _any(flags: np.ndarray | None, n: int) -> np.ndarray:
    return np.zeros(n, dtype=bool) if flags is None else flags
