"""District votes from national support, and the district seats they give.

The model, for draw ``b``, district ``d`` and candidate ``c`` (the lists, then the
independents), in log-shares of the district's vote:

    log v[c, d, b] = log s[c, b] + offset[c, d] + beta * g[c, d, b]

``s`` is the national share: a list's share of the list votes times ``1 - i[b]``, and for the
independents their drawn share ``i[b]``. ``offset`` is the baseline profile (a candidate's
log-share in district ``d`` relative to its mean over districts; 0 without a baseline, and
``-inf`` where it did not stand). ``g`` is standard Gumbel noise, independent across
candidates, districts and draws, scaled so that each candidate's noise has the declared sd
(``spread``): ``beta = spread * sqrt(6) / pi``. The log-ratio of two candidates then varies
around its national value with a logistic distribution of sd ``spread * sqrt(2)`` (close to
a normal). The Gumbel is chosen because it makes the plurality winner a closed-form draw
(:func:`plurality_seats`): one uniform per district instead of a noise term per candidate,
which keeps a 29-district house within twice the time of the list tier. Against-all votes
are left out of the district contest.

Under the two-round rule the votes are made explicitly (float32: the order of candidates is
all the rules need) and a second round draws fresh noise of the same spread for the two
finalists.
"""

from __future__ import annotations

import math

import numpy as np

from sim import portable
from sim.districts.spec import DistrictTier
from sim.law.districts import first_round, runoff, seats_won

SMALLEST = np.float32(2.0**-25)  # float32 uniforms lie in [0, 1): 0 becomes this, not -inf


def baseline_offsets(tier: DistrictTier, n_candidates: int) -> np.ndarray:
    """``(n_candidates, n_districts, 1)`` float32 log-share offsets of the baseline profile."""
    if tier.baseline is None:
        return np.zeros((n_candidates, tier.seats, 1), dtype=np.float32)
    shares = np.array(tier.baseline, dtype=np.float64)
    mean = shares.mean(axis=1, keepdims=True)
    # A candidate absent everywhere keeps -inf everywhere: it never wins.
    offsets = portable.log(shares) - portable.log(np.where(mean > 0, mean, 1.0))
    return offsets.astype(np.float32)[:, :, None]


def national_log_shares(list_shares: np.ndarray, tier: DistrictTier, *,
                        rng: np.random.Generator) -> np.ndarray:
    """Log of each candidate's national share of the district vote.

    Parameters
    ----------
    list_shares : ndarray, shape (n_lists, n_draws)
        National vote shares of the lists (any common scale).
    tier : DistrictTier
    rng : numpy.random.Generator
        Draws the independents' share (one per draw), when the tier has them.

    Returns
    -------
    ndarray of float32, shape (n_candidates, n_draws)
    """
    # A list with no votes has log-share -inf: it never wins.
    national = portable.log((list_shares / list_shares.sum(axis=0)).astype(np.float32))
    if tier.independents is None:
        return national
    share = tier.independents.share.draw(list_shares.shape[1], rng=rng)
    return np.vstack([national + portable.log((1 - share).astype(np.float32)),
                      portable.log(share.astype(np.float32))[None]])


def log_votes(national: np.ndarray, tier: DistrictTier, offsets: np.ndarray, *,
              rng: np.random.Generator) -> np.ndarray:
    """Log-shares of each candidate in each district (up to a constant per district).

    Parameters
    ----------
    national : ndarray, shape (n_candidates, n_draws)
        From :func:`national_log_shares`.
    tier : DistrictTier
    offsets : ndarray, shape (n_candidates, n_districts, 1)
        From :func:`baseline_offsets`.
    rng : numpy.random.Generator

    Returns
    -------
    ndarray of float32, shape (n_candidates, n_districts, n_draws)
    """
    votes = _gumbel((len(national), tier.seats, national.shape[1]), rng=rng)
    votes *= np.float32(_scale(tier))
    votes += national[:, None, :]
    votes += offsets
    return votes


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
    national = national_log_shares(list_shares, tier, rng=rng)
    if tier.rule == "plurality":
        return plurality_seats(national, tier, offsets, rng=rng)
    votes = log_votes(national, tier, offsets, rng=rng)
    shares = portable.exp(votes - votes.max(axis=0))
    leader, second, decided = first_round(shares, tier.majority)
    # The second round: each finalist's log-share plus fresh noise of the same spread.
    finals = [np.take_along_axis(votes, row[None].astype(np.intp), axis=0)[0] +
              np.float32(_scale(tier)) * _gumbel(row.shape, rng=rng) for row in (leader, second)]
    return seats_won(runoff(leader, second, decided, *finals), len(votes))


def plurality_seats(national: np.ndarray, tier: DistrictTier, offsets: np.ndarray, *,
                    rng: np.random.Generator) -> np.ndarray:
    """Plurality seats of each candidate, drawn without making the district votes.

    With independent Gumbel noise of one scale ``beta``, the candidate with the most votes
    in a district is candidate ``c`` with probability proportional to
    ``exp((national[c] + offset[c, d]) / beta)`` (the Gumbel-max property, exact), so one
    uniform per district and draw decides it, instead of a noise term per candidate. The
    result has the distribution of :func:`sim.law.districts.plurality` applied to
    :func:`log_votes` (``tests/districts/test_model.py`` checks it).

    Returns
    -------
    ndarray of int64, shape (n_candidates, n_draws)
    """
    scale = _scale(tier)
    # Both factors are scaled to at most 1 (per draw, per district): no overflow. float32
    # halves the memory traffic; with spread >= 0.2 a weight underflows only for a share a
    # million times below the leader's, in the national vote and the baseline at once.
    national = portable.exp((national - national.max(axis=0)) / np.float32(scale))
    local = offsets[:, :, 0].astype(np.float64)
    local = portable.exp((local - local.max(axis=0)) / scale).astype(np.float32)
    # The weight of candidate c in district d is local[c, d] * national[c, b]; a uniform
    # point in [0, total) falls in the winner's stretch of the running sum of weights.
    # The sums are elementwise, candidate by candidate, never a BLAS product: the winner
    # turns on a comparison with the sum, whose last bit a BLAS kernel would decide.
    weight = np.empty((tier.seats, national.shape[1]), dtype=np.float32)
    total = np.zeros_like(weight)
    for c in range(len(national)):
        total += np.multiply(local[c][:, None], national[c][None, :], out=weight)
    pick = rng.random(weight.shape, dtype=np.float32)
    pick *= total
    running = np.zeros_like(pick)
    seats = np.empty(national.shape, dtype=np.int64)
    before = tier.seats  # districts whose winner is this candidate or a later one
    for c in range(len(national) - 1):
        running += np.multiply(local[c][:, None], national[c][None, :], out=weight)
        after = np.count_nonzero(pick >= running, axis=0)
        seats[c] = before - after
        before = after
    seats[-1] = before
    return seats


def _scale(tier: DistrictTier) -> float:
    """The Gumbel scale whose sd is the tier's spread."""
    return tier.spread * math.sqrt(6) / math.pi


def _gumbel(shape: tuple[int, ...], *, rng: np.random.Generator) -> np.ndarray:
    """Standard Gumbel draws, float32, computed in place from uniforms."""
    noise = rng.random(shape, dtype=np.float32)
    np.maximum(noise, SMALLEST, out=noise)
    noise = portable.log(noise)
    np.negative(noise, out=noise)
    noise = portable.log(noise)
    np.negative(noise, out=noise)
    return noise
