"""The clean station model: each draw's national count split over the stations.

Given a block of draws' national counts (:class:`NationalTotals`: ballots, invalid ballots,
votes per option), :func:`simulate_stations` draws every station's counts so that

1. the station totals add up **exactly** to the national ones, draw by draw (the count model
   of :mod:`sim.count` stays the single source of truth);
2. each station's turnout and support vary around the draw's national values, by stratum
   and station, correlated; and
3. within a station, the counts have binomial (multinomial) counting noise.

The equations, for draw ``d``, station ``s`` in stratum ``k(s)``, registered voters ``R_s``:

    turnout log-odds   a_ds = c_d + alpha_k + sigma_t,d * u_ds
    focal log-weight   f_ds = e_d + beta_k  + sigma_s,d * (rho_d * u_ds + sqrt(1 - rho_d^2) * z_ds)
    other log-weights  g_jds = sigma_s,d * z_jds                 (u, z iid standard normal)
    tau_ds = expit(a_ds),  p_jds = P_jd * exp(w_jds) / sum_i P_id * exp(w_ids)

where ``alpha``, ``beta`` are the stratum shifts, ``sigma`` and ``rho`` the heterogeneity
(drawn per draw when uncertain), ``P_jd`` the national shares of the valid votes, and the
offsets ``c_d`` and ``e_d`` are solved (Newton) so that the expected national ballots and
focal votes equal the national counts. Then

    ballots  X_ds  ~ Binomial(R_s, tau_ds)
    invalid  Y_ds  ~ Binomial(X_ds, I_d / B_d)
    votes    the multinomial of the valid votes X_ds - Y_ds over p_.ds, drawn as a sequence
             of binomials (option j from what options < j left, probability p_j / (1 - p_<j)).

**Exact totals (reconciliation).** After each binomial layer the draw's sum differs from
its national target by a residual ``D`` of the order of the counting noise's sd (the
offsets make its mean about 0). :func:`reconcile` removes it by a *multivariate
hypergeometric* split: when ``D > 0`` it adds ``D`` units chosen uniformly at random among
the stations' remaining room (registered voters who did not vote; for votes, the valid
votes not yet given to an option), when ``D < 0`` it removes ``-D`` units chosen uniformly
among the counted ones. Sampling individuals without replacement keeps every count within
its bounds (``0 <= X_s <= R_s``) exactly, changes a station in proportion to its room (so
the correction carries no pattern of its own that a fingerprint could mistake for
manipulation) and is the exact conditional law of the extra units given which ones are
free. The result is the heterogeneous binomial model conditioned approximately (not
exactly: that is Fisher's noncentral hypergeometric) on the national totals; with
``|D|`` about ``sqrt(B)`` against ``B`` ballots, the difference is of relative order
``1/sqrt(B)``. The sequential layers (ballots, then invalid within ballots, then each
option within what is left of the valid votes) make the two-way margins (station valid
votes and national option totals) hold together: the last option takes what is left at
each station, and its national total is then right by subtraction.

Random numbers come from the generator passed in (one stream per chunk, from the run's
SeedSequence); probabilities use :func:`sim.portable.exp`, so the counts are the same on
any CPU.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.portable import exp, log
from sim.stations.counts import StationCounts
from sim.stations.spec import StationSpec, split_exactly

NEWTON_STEPS = 3  # the offsets' Newton iterations (the reconciliation makes the totals exact)


@dataclass(frozen=True, slots=True)
class NationalTotals:
    """A block of draws' national counts, options first as :class:`sim.count.official.
    OfficialCount`: ``ballots`` and ``invalid`` int64 ``(n_draws,)``, ``votes`` int64
    ``(n_options, n_draws)``; ``ballots == votes.sum(0) + invalid``."""

    ballots: np.ndarray
    invalid: np.ndarray
    votes: np.ndarray

    @classmethod
    def of(cls, votes: np.ndarray, invalid: np.ndarray) -> NationalTotals:
        votes = np.asarray(votes, dtype=np.int64)
        invalid = np.asarray(invalid, dtype=np.int64)
        return cls(ballots=votes.sum(axis=0) + invalid, invalid=invalid, votes=votes)

    @classmethod
    def genuine(cls, true_turnout: np.ndarray, invalid: np.ndarray, genuine: np.ndarray,
                registered: int) -> NationalTotals:
        """The ballots genuinely cast, from the count model's fields
        (:class:`sim.count.official.OfficialCount`): the true turnout's ballots ``(n,)``,
        the invalid ballots ``(n,)``, the rest split by the genuine shares ``(n_options,
        n)`` (largest remainders)."""
        ballots = np.rint(true_turnout * registered).astype(np.int64)
        invalid = np.minimum(invalid, ballots)
        votes = split_exactly(ballots - invalid, genuine.T).T
        return cls(ballots=ballots, invalid=invalid, votes=votes)


def expit(x: np.ndarray) -> np.ndarray:
    """The logistic function through :func:`sim.portable.exp` (CPU-independent bits)."""
    return 1.0 / (1.0 + exp(-np.clip(x, -700.0, 700.0)))


def logit(p: np.ndarray) -> np.ndarray:
    """The log-odds through :func:`sim.portable.log`, clipped away from 0 and 1."""
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return log(p) - log(1 - p)


def simulate_stations(spec: StationSpec, national: NationalTotals, rng: np.random.Generator,
                      *, focal_row: int = 0) -> StationCounts:
    """Every station's clean counts for each draw of ``national`` (see the module docstring).

    ``focal_row`` is the ballot row of the list whose support co-varies with turnout.
    Returns :class:`StationCounts` with leading axis ``n_draws``: ``ballots`` and ``invalid``
    ``(n_draws, n_stations)``, ``votes`` ``(n_draws, n_options, n_stations)``.
    """
    frame = spec.frame
    registered = frame.registered
    n_draws, n_stations = national.ballots.shape[0], frame.n_stations
    if np.any(national.ballots > registered.sum()):
        raise ValueError("national ballots exceed the frame's registered voters")
    het = spec.heterogeneity
    sd_t = het.turnout_sd.draw(n_draws, rng=rng)[:, None]
    sd_s = het.support_sd.draw(n_draws, rng=rng)[:, None]
    rho = het.correlation.draw(n_draws, rng=rng)[:, None]
    shift_t, shift_s = spec.shifts
    u = rng.standard_normal((n_draws, n_stations))
    a = shift_t + sd_t * u
    turnout = _solve_offset(a, registered[None, :].astype(float), national.ballots)
    ballots = rng.binomial(registered, turnout)
    reconcile(ballots, registered, national.ballots, rng)
    rate = national.invalid / np.maximum(national.ballots, 1)
    invalid = rng.binomial(ballots, rate[:, None])
    reconcile(invalid, ballots, national.invalid, rng)
    valid = ballots - invalid
    probabilities = _support(national.votes, focal_row, shift_s, sd_s, rho, u, valid, rng)
    votes = _split_votes(valid, probabilities, national.votes, rng)
    return StationCounts(registered=registered, stratum=frame.stratum, ballots=ballots,
                         votes=votes, invalid=invalid, strata=frame.strata)


def _solve_offset(x: np.ndarray, weight: np.ndarray, target: np.ndarray) -> np.ndarray:
    """``expit(x + c_d)`` with the per-draw ``c_d`` solving
    ``sum_s weight_ds * expit(x_ds + c_d) = target_d`` (Newton from the plain log-odds);
    ``x`` float ``(n_draws, n_stations)``, ``weight`` broadcastable, ``target``
    ``(n_draws,)``. Targets of 0 or of the whole weight give probabilities 0 or 1."""
    total = np.broadcast_to(weight, x.shape).sum(axis=1)
    share = target / np.maximum(total, 1)
    c = logit(share)[:, None] - x.mean(axis=1, keepdims=True)
    for _ in range(NEWTON_STEPS):
        p = expit(x + c)
        slope = (weight * p * (1 - p)).sum(axis=1)
        c = c - (((weight * p).sum(axis=1) - target) / np.maximum(slope, 1e-12))[:, None]
        c = np.clip(c, -50.0, 50.0)
    p = expit(x + c)
    p[share <= 0] = 0.0
    p[share >= 1] = 1.0
    return p


def _support(votes, focal_row, shift_s, sd_s, rho, u, valid, rng):
    """Station shares of the valid votes, float32 ``(n_draws, n_options, n_stations)``.

    The noise and the weights are single precision, computed in place (this array is the
    block's largest); the focal offset's Newton solve is double precision."""
    n_draws, n_stations = u.shape
    national = (votes / np.maximum(votes.sum(axis=0), 1)).T  # (n_draws, n_options)
    weight = rng.standard_normal((n_draws, votes.shape[0], n_stations), dtype=np.float32)
    focal = shift_s + sd_s * (rho * u + np.sqrt(1 - rho ** 2) * weight[:, focal_row])
    weight *= sd_s[:, :, None].astype(np.float32)
    weight = exp(weight)
    weight *= national[:, :, None].astype(np.float32)
    weight[:, focal_row] = 0.0
    rest = weight.sum(axis=1, dtype=np.float64)  # (n_draws, n_stations)
    # Focal share p_f = F e^(f + e) / (F e^(f + e) + rest): a logistic in e, so the offset
    # matching the national focal votes is the turnout's kind of Newton problem.
    x = focal + logit_ratio(national[:, focal_row][:, None], rest)
    p_focal = _solve_offset(x, valid.astype(float), votes[focal_row])
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(rest > 0, (1 - p_focal) / rest, 0.0)
    weight *= np.minimum(scale, 1e30)[:, None].astype(np.float32)
    weight[:, focal_row] = p_focal
    return weight


def logit_ratio(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``log(a / b)`` through :func:`sim.portable.log`, -700 where ``a`` is 0 (and
    0 where both are)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = log(np.maximum(a, 1e-300) / np.maximum(b, 1e-300))
    return np.where(a > 0, ratio, -700.0)


def _split_votes(valid, probabilities, totals, rng):
    """The multinomial of ``valid`` over ``probabilities`` as a sequence of binomials, each
    reconciled to its national total ``totals`` ``(n_options, n_draws)``."""
    n_draws, n_options, n_stations = probabilities.shape
    votes = np.empty((n_draws, n_options, n_stations), dtype=np.int64)
    left = valid.copy()
    mass = np.ones((n_draws, n_stations), dtype=probabilities.dtype)
    for j in range(n_options - 1):
        q = np.clip(probabilities[:, j] / np.maximum(mass, 1e-30), 0.0, 1.0).astype(float)
        drawn = rng.binomial(left, q)
        reconcile(drawn, left, totals[j], rng)
        votes[:, j] = drawn
        left -= drawn
        mass -= probabilities[:, j]
    votes[:, -1] = left
    return votes


def reconcile(counts: np.ndarray, room: np.ndarray, target: np.ndarray,
              rng: np.random.Generator) -> None:
    """Make each row of ``counts`` add up to ``target``, in place, within ``0 <= counts <=
    room``: add a multivariate hypergeometric sample of the free units ``room - counts``, or
    remove one of the counted units (see the module docstring).

    ``counts`` int64 ``(n_draws, n_stations)``, ``room`` broadcastable to it, ``target``
    int ``(n_draws,)`` with ``0 <= target <= room.sum(1)``.
    """
    room = np.broadcast_to(room, counts.shape)
    residual = np.asarray(target, dtype=np.int64) - counts.sum(axis=1)
    for sign in (1, -1):
        rows = np.flatnonzero(residual * sign > 0)
        if rows.size:
            pool = room[rows] - counts[rows] if sign > 0 else counts[rows]
            counts[rows] += sign * hypergeometric(pool, residual[rows] * sign, rng)


def hypergeometric(pool: np.ndarray, size: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """For each row, how many of ``size`` units drawn without replacement from the row's
    units (``pool`` int64 ``(n_rows, n)`` per station) fall in each station: the
    multivariate hypergeometric, int64 ``(n_rows, n)``, ``size`` ``(n_rows,)``.

    All rows at once: each unit is a position in the row's ``pool.sum()`` units, drawn
    uniformly, a position drawn twice drawn again until the row has ``size`` distinct ones
    (sequential sampling without replacement, so the set is a uniform ``size``-subset), and
    mapped to its station by the cumulative pool. When ``size`` is more than half the units
    the complement is drawn instead, which keeps the redraws few.
    """
    total = pool.sum(axis=1)
    complement = 2 * size > total
    k = np.where(complement, total - size, size)
    flat = np.cumsum(pool.ravel())
    end = flat[pool.shape[1] - 1::pool.shape[1]]
    start = end - total
    # Rows' ranges of positions are disjoint and in order: one sorted array holds them all.
    # Collisions are rare (k is far below a row's units, or the complement is drawn), so
    # after the first sort only the redrawn positions move: a stable sort of nearly sorted
    # data is then a linear pass.
    position = np.sort(np.repeat(start, k) + rng.integers(0, np.repeat(total, k)),
                       kind="stable")
    while True:
        twice = np.flatnonzero(position[1:] == position[:-1]) + 1
        if not twice.size:
            break
        row = np.searchsorted(end, position[twice], side="right")
        position[twice] = start[row] + rng.integers(0, total[row])
        position.sort(kind="stable")
    station = np.searchsorted(flat, position, side="right")
    drawn = np.bincount(station, minlength=pool.size).reshape(pool.shape)
    return np.where(complement[:, None], pool - drawn, drawn)
