"""District votes of a house of multi-member districts, from each draw's national vote.

For list ``l``, district ``d`` and draw ``b``, with ``s[l, b]`` the national share of the
list votes, ``p[l, d]`` the list's share of district ``d`` in the profile election and
``P[l] = sum over d of w[d] p[l, d]`` its national share there (``w[d]``: the district's
share of the national list votes), the district vote before noise is

    proportional   v = s p / P
    logit          logit v = logit s + logit p - logit P
    uniform        v = max(s + p - P, 0)

(0 where the list did not stand; ``s`` itself everywhere for a list with no profile). Then

    v[l, d, b] *= exp(sigma[b] e[l, d, b] + tau[b] h[l, r(d), b])

with ``e`` and ``h`` standard normal, ``sigma`` the district spread and ``tau`` the shock
shared by the districts of region ``r(d)``, both drawn once per draw; and the district's
list votes are normalised to ``1 - blank[d]`` of its valid votes, the blank share of the
profile. The noise is in float64, and ``exp`` and ``log`` are :mod:`sim.portable`'s: a
district seat must not depend on the CPU's rounding.
"""

from __future__ import annotations

import numpy as np

from sim import portable
from sim.districts.profile import MultiMemberDistricts


def profile_terms(tier: MultiMemberDistricts) -> tuple[np.ndarray, np.ndarray]:
    """``(p, P)``: the profile ``(n_lists, n_districts, 1)`` and its national shares
    ``(n_lists, 1, 1)``."""
    profile = tier.profile_array()
    national = portable.dot(profile, np.array(tier.weights))
    return profile[:, :, None], national[:, None, None]


def district_votes(list_shares: np.ndarray, tier: MultiMemberDistricts, *,
                   rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Each district's votes, as shares of its valid votes.

    Parameters
    ----------
    list_shares : ndarray, shape (n_lists, n)
        National votes or shares of the lists (any common scale).
    tier : MultiMemberDistricts
    rng : numpy.random.Generator

    Returns
    -------
    votes : ndarray of float64, shape (n_lists, n_districts, n)
    blank : ndarray of float64, shape (n_districts, n)
    """
    n_lists, n = list_shares.shape
    n_districts = len(tier.names)
    votes = swung(list_shares, tier)
    noise = rng.standard_normal((n_lists, n_districts, n))
    noise *= tier.spread.draw(n, rng=rng)
    if tier.regions:
        assert tier.region_spread is not None
        shock = rng.standard_normal((n_lists, len(tier.regions), n)) * \
            tier.region_spread.draw(n, rng=rng)
        for r, region in enumerate(tier.regions):
            noise[:, list(region.districts)] += shock[:, r:r + 1]
    votes = votes * portable.exp(noise)
    blank = np.array(tier.blank)[:, None]
    votes *= (1.0 - blank) / votes.sum(axis=0)
    return votes, np.broadcast_to(blank, (n_districts, n))


def swung(list_shares: np.ndarray, tier: MultiMemberDistricts) -> np.ndarray:
    """The district votes before noise and normalisation ``(n_lists, n_districts, n)``, from
    national list votes ``(n_lists, n)`` by the tier's swing."""
    shares = (list_shares / list_shares.sum(axis=0))[:, None, :]
    profile, national = profile_terms(tier)
    patterned = np.array(tier.patterned)[:, None, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        if tier.swing == "proportional":
            votes = shares * (profile / np.where(national > 0, national, 1.0))
        elif tier.swing == "logit":
            offset = _logit(profile) - _logit(national)
            votes = 1.0 / (1.0 + portable.exp(-(_logit(shares) + offset)))
        else:
            votes = np.maximum(shares + profile - national, 0.0)
    votes = np.where(profile > 0, votes, 0.0)
    return np.where(patterned, votes, shares)


def _logit(p: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore"):
        return portable.log(p) - portable.log(1.0 - p)
