"""Sizing the clean model's station heterogeneity from published station results.

Real data mix genuine heterogeneity with manipulation, and manipulation inflates both the
spread and the turnout-share correlation. So the spread is measured where the fingerprints
flag least, with statistics that a tail of manipulated stations cannot move much:

1. **The clean core.** A region belongs to it when its integer-percentage test does not
   flag it (``|excess / sd| < 2``, :func:`sim.stations.fingerprints.integer_excess` within
   the region) and it has no comet tail (under 5% of its stations with turnout and share
   both at least 80%).
2. Per station, ``x_i = logit(b_i / n_i)`` (turnout) and ``y_i = logit(L_i / b_i)`` (the
   leader's share), for stations with ``n_i >= 100`` and ``0 < L_i < b_i``.
3. **Within regions**: in each core region, the robust sd ``1.4826 MAD`` of ``x`` and of
   ``y`` and the robust correlation of Gnanadesikan & Kettenring (1972),
   ``rho = (S(u + v)**2 - S(u - v)**2) / (S(u + v)**2 + S(u - v)**2)`` with ``u, v`` the
   robustly standardised ``x, y`` and ``S`` the MAD-based sd; the figures are the medians
   over the core regions.
4. **Between regions**: the same robust sds and correlation of the core regions' median
   ``x`` and ``y``.

The station model (:mod:`sim.stations.model`) has one station-level spread; a frame without
regions takes the total, ``sd = sqrt(between**2 + within**2)`` and ``rho = (rho_b sd_bx
sd_by + rho_w sd_wx sd_wy) / (sd_x sd_y)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sim.stations.fingerprints import comet, integer_excess
from sim.stations.published import Published

MAD_TO_SD = 1.4826  # the MAD of a normal sample times this estimates its sd
FLAG_Z = 2.0
CORNER_AT = 0.8
MAX_CORNER = 0.05
MIN_STATIONS = 30  # a region with fewer usable stations says little about its spread


@dataclass(frozen=True, slots=True)
class Spread:
    """Robust sds of logit turnout and logit share and their correlation."""

    turnout_sd: float
    share_sd: float
    correlation: float


@dataclass(frozen=True, slots=True)
class Sizing:
    """The heterogeneity measured on the clean core: ``within`` and ``between`` regions,
    their ``total``, and the core's regions (names) out of ``regions``."""

    within: Spread
    between: Spread
    total: Spread
    core: tuple[str, ...]
    regions: int


def robust_sd(x: np.ndarray) -> float:
    """``1.4826 * median(|x - median(x)|)``."""
    return float(MAD_TO_SD * np.median(np.abs(x - np.median(x))))


def robust_spread(x: np.ndarray, y: np.ndarray) -> Spread:
    """Robust sds of ``x`` and ``y`` and their Gnanadesikan-Kettenring correlation."""
    sx, sy = robust_sd(x), robust_sd(y)
    u = (x - np.median(x)) / max(sx, 1e-12)
    v = (y - np.median(y)) / max(sy, 1e-12)
    plus, minus = robust_sd(u + v) ** 2, robust_sd(u - v) ** 2
    return Spread(turnout_sd=sx, share_sd=sy,
                  correlation=(plus - minus) / max(plus + minus, 1e-12))


def size_heterogeneity(published: Published, *, rng: np.random.Generator,
                       resamples: int = 100) -> Sizing:
    """The heterogeneity of ``published``'s stations, measured on its clean core (see the
    module docstring)."""
    counts = published.counts
    leader = counts.votes[published.leader]
    usable = (counts.registered >= 100) & (leader > 0) & (leader < counts.ballots) & \
        (counts.ballots < counts.registered)
    # Unusable stations get odds 1 (log 0): they are left out below.
    x = np.log(np.where(usable, counts.ballots, 1)
               / np.where(usable, counts.registered - counts.ballots, 1))
    y = np.log(np.where(usable, leader, 1) / np.where(usable, counts.ballots - leader, 1))
    core, within, medians = [], [], []
    for k, name in enumerate(counts.strata):
        here = counts.stratum == k
        if (usable & here).sum() < MIN_STATIONS:
            continue
        test = integer_excess(counts.registered[here], published.issued[here],
                              counts.ballots[here], leader[here], rng=rng,
                              resamples=resamples)
        tail = comet(counts.registered[here], counts.ballots[here], leader[here],
                     counts.valid()[here], corner_at=CORNER_AT).corner
        if abs(float(test.excess) / max(float(test.sd), 1.0)) >= FLAG_Z or tail >= MAX_CORNER:
            continue
        core.append(name)
        xs, ys = x[usable & here], y[usable & here]
        within.append(robust_spread(xs, ys))
        medians.append((np.median(xs), np.median(ys)))
    if len(core) < 3:
        raise ValueError("fewer than 3 regions in the clean core: the spread between "
                         "regions cannot be measured")
    inside = Spread(*(float(np.median([getattr(s, f) for s in within]))
                      for f in ("turnout_sd", "share_sd", "correlation")))
    centres = np.array(medians)
    between = robust_spread(centres[:, 0], centres[:, 1])
    return Sizing(within=inside, between=between, total=combined(inside, between),
                  core=tuple(core), regions=len(counts.strata))


def combined(within: Spread, between: Spread) -> Spread:
    """The spread of the sum of independent between-region and within-region parts."""
    sx = math.hypot(within.turnout_sd, between.turnout_sd)
    sy = math.hypot(within.share_sd, between.share_sd)
    cov = within.correlation * within.turnout_sd * within.share_sd + \
        between.correlation * between.turnout_sd * between.share_sd
    return Spread(turnout_sd=sx, share_sd=sy, correlation=cov / max(sx * sy, 1e-12))
