"""What every tier takes and gives: the :class:`Count`, :class:`TierSeats`, the protocol."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import numpy as np


@dataclass(frozen=True, slots=True)
class Count:
    """The votes a House allocates, lists axis first; ``n`` is draws (1 for one tally).

    Attributes
    ----------
    lists : ndarray, shape (n_lists, n)
        National votes (counts or shares) of each list, aggregates included.
    against_all, blank, invalid : ndarray, shape (n,), optional
        Ballots that take no seat: against-all and blank count in the "valid" threshold
        base, invalid ones only in the "ballots" base.
    districts : ndarray, shape (n_lists, n_districts, n), optional
        Votes in each multi-member district; ``lists`` is then their sum.
    district_blank, district_invalid : ndarray, shape (n_districts, n), optional
    candidates : ndarray, shape (n_candidates, n_seats, n), optional
        Votes of every candidate row (the lists, then independents) in each single-member
        district, for the tier to decide by its rule.
    decided : ndarray of int, shape (n_candidates, n), optional
        Single-member seats already decided by a district model (which draws the winners in
        closed form, without making the votes: :func:`sim.districts.model.plurality_seats`).
    regions : ndarray, shape (n_lists, n_regions, n), optional
        Votes by region, for a regional threshold (and their bases ``region_base``
        ``(n_regions, n)``).
    """

    lists: np.ndarray
    against_all: np.ndarray | None = None
    blank: np.ndarray | None = None
    invalid: np.ndarray | None = None
    districts: np.ndarray | None = None
    district_blank: np.ndarray | None = None
    district_invalid: np.ndarray | None = None
    candidates: np.ndarray | None = None
    decided: np.ndarray | None = None
    regions: np.ndarray | None = None
    region_base: np.ndarray | None = None

    @property
    def n(self) -> int:
        return self.lists.shape[1]

    @property
    def unseated_valid(self) -> np.ndarray | None:
        """Against-all plus blank ballots ``(n,)``: valid votes that take no seat."""
        parts = [part for part in (self.against_all, self.blank) if part is not None]
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else parts[0] + parts[1]


@dataclass(frozen=True, slots=True)
class TierSeats:
    """A tier's seats, lists first.

    Attributes
    ----------
    seats : ndarray of int64, shape (n_lists, n)
    passed : ndarray of bool, shape (n_lists, n), optional
        Lists that met the tier's threshold (or were admitted by a rule).
    admitted : ndarray of intp, shape (n,), optional
        Row of the list the runner-up rule admitted, -1 where it did not act.
    cap_binding, tie_decided : ndarray of bool, shape (n,), optional
    independents : ndarray of int64, shape (n,), optional
        Seats won by independents (single-member districts).
    grown : ndarray of int64, shape (n,), optional
        Seats added to the house (overhang kept or levelled by a compensation rule).
    detail : dict
        With ``details``: per-district seats ``(n_lists, n_districts, n)`` (``"districts"``),
        district winners, quotas and tied lists, as the tier has them.
    """

    seats: np.ndarray
    passed: np.ndarray | None = None
    admitted: np.ndarray | None = None
    cap_binding: np.ndarray | None = None
    tie_decided: np.ndarray | None = None
    independents: np.ndarray | None = None
    grown: np.ndarray | None = None
    detail: dict = field(default_factory=dict)


class Tier(Protocol):
    """One tier; see :mod:`sim.law.tiers`."""

    @property
    def kind(self) -> str:
        """The registry key."""
        ...

    @property
    def name(self) -> str:
        """How results name its seats ("list", "district")."""
        ...

    @property
    def seats(self) -> int:
        """Nominal seats."""
        ...

    @property
    def stage(self) -> int:
        """Allocation order: lower first."""
        ...

    def allocate(self, count: Count, earlier: dict[str, TierSeats], *,
                 details: bool = False) -> TierSeats: ...

    def describe(self) -> list[str]:
        """The tier's rules, one sentence each."""
        ...
