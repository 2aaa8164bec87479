"""District votes from national support, and the district seats they give.

The model, for draw ``b``, district ``d`` and candidate ``c`` (the lists, then the
independents), in log-shares of the district's vote:

    log v[c, d, b] = log s[c, b] + offset[c, d] + beta_c * g[c, d, b]

``s`` is the national share: a list's share of the list votes times ``1 - i[b]``, and for the
independents their drawn share ``i[b]``. ``offset`` is the baseline profile (a candidate's
log-share in district ``d`` relative to its mean over districts; 0 without a baseline, and
``-inf`` where it did not stand). ``g`` is standard Gumbel noise, scaled so that each
candidate's noise has the declared sd (``spread``): ``beta = spread * sqrt(6) / pi``. The
Gumbel keeps the tails of the log-ratio between two candidates logistic (sd
``spread * sqrt(2)``), close to a normal, and costs a uniform and two logarithms instead of a
normal's rejection sampling. Against-all votes are left out of the district contest.

Under the two-round rule a second round draws fresh noise of the same spread for the two
finalists. Shares are float32: the order of candidates is all plurality needs.
"""

from __future__ import annotations

import math

import numpy as np

from sim.districts.spec import DistrictTier
from sim.law.districts import first_round, plurality, runoff, seats_won

SMALLEST = np.float32(2.0**-25)  # float32 uniforms lie in [0, 1): 0 becomes this, not -inf


def baseline_offsets(tier: DistrictTier, n_candidates: int) -> np.ndarray:
    """``(n_candidates, n_districts, 1)`` float32 log-share offsets of the baseline profile."""
    if tier.baseline is None:
        return np.zeros((n_candidates, tier.seats, 1), dtype=np.float32)
    shares = np.array(tier.baseline, dtype=np.float64)
    mean = shares.mean(axis=1, keepdims=True)
    with np.errstate(divide="ignore"):
        # A candidate absent everywhere keeps -inf everywhere: it never wins.
        offsets = np.log(shares) - np.log(np.where(mean > 0, mean, 1.0))
    return offsets.astype(np.float32)[:, :, None]


def log_votes(list_shares: np.ndarray, tier: DistrictTier, offsets: np.ndarray, *,
              rng: np.random.Generator) -> np.ndarray:
    """Log-shares of each candidate in each district (up to a constant per district).

    Parameters
    ----------
    list_shares : ndarray, shape (n_lists, n_draws)
        National vote shares of the lists (any common scale).
    tier : DistrictTier
    offsets : ndarray, shape (n_candidates, n_districts, 1)
        From :func:`baseline_offsets`.
    rng : numpy.random.Generator

    Returns
    -------
    ndarray of float32, shape (n_candidates, n_districts, n_draws)
    """
    n_lists, n = list_shares.shape
    national = np.log(list_shares / list_shares.sum(axis=0))
    spreads = [tier.spread] * n_lists
    if tier.independents is not None:
        share = tier.independents.share.draw(n, rng=rng)
        national = np.vstack([national + np.log1p(-share), np.log(share)[None]])
        spreads.append(tier.independents.spread)
    noise = _gumbel((len(spreads), tier.seats, n), rng=rng)
    noise *= np.array(spreads, dtype=np.float32)[:, None, None] * np.float32(
        math.sqrt(6) / math.pi)
    noise += national.astype(np.float32)[:, None, :]
    noise += offsets
    return noise


def district_seats(list_shares: np.ndarray, tier: DistrictTier, offsets: np.ndarray, *,
                   rng: np.random.Generator) -> np.ndarray:
    """District seats won by each candidate (the lists, then the independents) per draw.

    Parameters
    ----------
    list_shares : ndarray, shape (n_lists, n_draws)
    tier : DistrictTier
    offsets : ndarray, shape (n_candidates, n_districts, 1)
    rng : numpy.random.Generator

    Returns
    -------
    ndarray of int64, shape (n_candidates, n_draws)
    """
    votes = log_votes(list_shares, tier, offsets, rng=rng)
    if tier.rule == "plurality":
        winners = plurality(votes)
    else:
        shares = np.exp(votes - votes.max(axis=0))
        leader, second, decided = first_round(shares, tier.majority)
        # Each finalist's log-share plus fresh noise of its spread: the second round.
        spreads = np.array([tier.spread] * (len(votes) - (tier.independents is not None)) +
                           ([tier.independents.spread] if tier.independents else []),
                           dtype=np.float32) * np.float32(math.sqrt(6) / math.pi)
        finals = [np.take_along_axis(votes, row[None].astype(np.intp), axis=0)[0] +
                  spreads[row] * _gumbel(row.shape, rng=rng) for row in (leader, second)]
        winners = runoff(leader, second, decided, *finals)
    return seats_won(winners, len(votes))


def _gumbel(shape: tuple[int, ...], *, rng: np.random.Generator) -> np.ndarray:
    """Standard Gumbel draws, float32, computed in place from uniforms."""
    noise = rng.random(shape, dtype=np.float32)
    np.maximum(noise, SMALLEST, out=noise)
    np.log(noise, out=noise)
    np.negative(noise, out=noise)
    np.log(noise, out=noise)
    np.negative(noise, out=noise)
    return noise
