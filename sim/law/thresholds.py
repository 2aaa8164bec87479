"""Who may take seats: thresholds, by kind of list, with exemptions, alternatives, regional
requirements and alliances that pool their votes for the threshold.

A list passes when

    votes[l] (or its alliance's votes, when the alliance pools for the threshold)
        >= threshold(kind of l) * base                                   (1)
    and, with a regional threshold r, votes[l, region] >= r * base[region] in every region
    or it is exempt (Poland's national minorities), or it won at least
    ``threshold_or_districts`` single-member districts (New Zealand, Germany).

Aggregates ("others") never pass. Arrays are lists first: ``votes`` is ``(n_lists, n)``
where ``n`` is draws, or districts times draws for a threshold met in each district.

With integer counts (1) is exact: ``votes * q >= p * base`` for the threshold ``p / q``, in
integers as ``votes >= ceil(p * base / q)`` (``p * base`` below 2**63: :mod:`sim.limits`).
Shares are decimal numbers stored in binary, so with floats one part in 10**12 of rounding is
allowed on the line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from sim.law.system import ElectoralSystem


@dataclass(frozen=True, slots=True)
class ListRules:
    """What the law says of each list, in the lists' order.

    Attributes
    ----------
    kinds : tuple of str or None
        Each list's kind for ``thresholds_by_kind`` (None: an ordinary list).
    exempt : tuple of bool
        Lists exempt from the threshold.
    aggregate : tuple of bool
        Lists that stand for several parties: they count in the base and take no seat.
    pooled : tuple of tuple of int
        Alliances that pool their votes for the threshold: the rows of their members.
    """

    kinds: tuple[str | None, ...]
    exempt: tuple[bool, ...]
    aggregate: tuple[bool, ...]
    pooled: tuple[tuple[int, ...], ...] = field(default=())

    @classmethod
    def plain(cls, n_lists: int, aggregate: tuple[bool, ...] | None = None) -> ListRules:
        """``n_lists`` ordinary lists."""
        return cls((None,) * n_lists, (False,) * n_lists,
                   aggregate if aggregate is not None else (False,) * n_lists)

    @property
    def ordinary(self) -> bool:
        """No kind, exemption, aggregate or pooling: the threshold alone decides."""
        return not (any(self.kinds) or any(self.exempt) or any(self.aggregate) or self.pooled)


def reaches(votes: np.ndarray, base: np.ndarray, fraction: Fraction) -> np.ndarray:
    """``votes >= fraction * base`` (1), exactly for integer counts.

    Parameters
    ----------
    votes : ndarray, shape (n_lists, n)
    base : ndarray, shape (n,)
    fraction : Fraction

    Returns
    -------
    ndarray of bool, shape (n_lists, n)
    """
    if votes.dtype.kind == "i" and base.dtype.kind == "i":
        # votes * q >= p * base holds for an integer count exactly when votes >= the
        # ceiling of p * base / q: one product per draw, not per list and draw.
        needed = -(-fraction.numerator * base // fraction.denominator)
        return votes >= needed
    needed = fraction.numerator * base * (1 - 1e-12)
    return votes * fraction.denominator >= needed


def passing(votes: np.ndarray, base: np.ndarray, system: ElectoralSystem, rules: ListRules, *,
            districts_won: np.ndarray | None = None,
            regions: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """Which lists pass (1) and the rules beside it.

    Parameters
    ----------
    votes : ndarray, shape (n_lists, n)
    base : ndarray, shape (n,)
        The threshold base (list votes plus what ``system.threshold_base`` adds).
    system : ElectoralSystem
    rules : ListRules
    districts_won : ndarray of int, shape (n_lists, n), optional
        Single-member districts each list won, for ``threshold_or_districts``.
    regions : (ndarray, ndarray), optional
        Votes ``(n_lists, n_regions, n)`` and bases ``(n_regions, n)`` of the regions, for
        ``regional_threshold``.

    Returns
    -------
    ndarray of bool, shape (n_lists, n)
    """
    if rules.ordinary and not system.thresholds_by_kind:
        passed = reaches(votes, base, system.threshold_fraction)
    else:
        counted = votes
        if rules.pooled:
            counted = votes.copy()
            for members in rules.pooled:
                counted[list(members)] = votes[list(members)].sum(axis=0)
        passed = np.empty(votes.shape, dtype=bool)
        for kind in dict.fromkeys(rules.kinds):
            rows = [i for i, k in enumerate(rules.kinds) if k == kind]
            passed[rows] = reaches(counted[rows], base, system.threshold_of(kind))
    if system.regional_threshold is not None and regions is not None:
        region_votes, region_base = regions
        everywhere = reaches(region_votes.reshape(len(votes), -1), region_base.reshape(-1),
                             system.regional_threshold).reshape(region_votes.shape).all(axis=1)
        passed &= everywhere
    if any(rules.exempt):  # an exempt list passes with any votes at all
        exempt = list(np.flatnonzero(rules.exempt))
        passed[exempt] = votes[exempt] > 0
    if system.threshold_or_districts is not None and districts_won is not None:
        passed |= districts_won >= system.threshold_or_districts
    if any(rules.aggregate):
        passed[list(np.flatnonzero(rules.aggregate))] = False
    return passed
