"""The district tier's vote model: district votes from national support (a stochastic stage).

:func:`draw_districts` is the stage's one entry: what the district model makes of a block's
national vote, as the fields of a :class:`sim.law.tiers.Count`.
"""

from __future__ import annotations

import numpy as np

from sim.districts.model import baseline_offsets, district_seats
from sim.districts.profile import MultiMemberDistricts
from sim.districts.spec import DistrictTier
from sim.districts.swing import district_votes


def district_model(tier: DistrictTier | MultiMemberDistricts, n_lists: int) -> object:
    """What the model needs once per chunk (the baseline offsets of single-member
    districts)."""
    if isinstance(tier, MultiMemberDistricts):
        return None
    return baseline_offsets(tier, n_lists + (tier.independents is not None))


def draw_districts(tier: DistrictTier | MultiMemberDistricts, list_shares: np.ndarray,
                   prepared: object, *, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """The districts of a block ``(n_lists, n)`` of national shares: multi-member district
    votes and blank ballots (``districts``, ``district_blank``), or single-member seats
    drawn in closed form (``decided``)."""
    if isinstance(tier, MultiMemberDistricts):
        votes, blank = district_votes(list_shares, tier, rng=rng)
        return {"districts": votes, "district_blank": blank}
    assert isinstance(prepared, np.ndarray)
    return {"decided": district_seats(list_shares, tier, prepared, rng=rng)}
