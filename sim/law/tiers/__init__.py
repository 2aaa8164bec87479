"""Tiers of a House: small strategies with one contract, in a registry.

A tier turns a :class:`Count` into seats per list. Arrays are **lists first** and ``n`` is
the number of draws (1 for one tally):

``Tier.allocate(count, earlier, details) -> TierSeats``
    ``count`` holds every vote the House was given; ``earlier`` the seats of the tiers
    allocated before this one (a compensation tier tops them up; New Zealand's threshold
    counts the districts won); ``details`` asks for per-district seats, quotas and ties.

Tiers are allocated in the order of their ``stage`` (single-member districts first, since
list tiers may depend on them) and shown in the House's order.

========================  ====================================================
``TIERS`` key              tier
========================  ====================================================
``list``                   one national list tier (:mod:`.national`)
``multi-member``           list PR in each district (:mod:`.multi_member`)
``single-member``          plurality or two rounds in each district (:mod:`.single_member`)
``adjustment``             levelling seats placed in the districts (:mod:`.adjustment`)
========================  ====================================================

Appointed seats are not elected: the House counts them in its size, and blocs count them
(:class:`sim.law.house.AppointedSeats`).
"""

from __future__ import annotations

from sim.law.tiers.adjustment import AdjustmentTier
from sim.law.tiers.base import Count, Tier, TierSeats
from sim.law.tiers.multi_member import MultiMemberTier
from sim.law.tiers.national import NationalTier
from sim.law.tiers.single_member import SingleMemberTier

TIERS: dict[str, type] = {
    NationalTier.kind: NationalTier,
    MultiMemberTier.kind: MultiMemberTier,
    SingleMemberTier.kind: SingleMemberTier,
    AdjustmentTier.kind: AdjustmentTier,
}
"""Tier classes by kind."""

__all__ = ["TIERS", "AdjustmentTier", "Count", "MultiMemberTier", "NationalTier",
           "SingleMemberTier", "Tier", "TierSeats"]
