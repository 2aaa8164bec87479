"""Observers and the quick count (parallel vote tabulation) at the station level.

``[stations.observers]``::

    design = "random"     # "random" | "stratified" | "convenience" | "observed"
    size = 300            # stations observed
    strata = ["urban"]    # optional: observers work only in these strata (the scope)
    bias = 1.0            # convenience: selection log-odds per unit of the true log-odds
                          # of the beneficiary's result (cooperative commissions)
    risk = 0.05           # one-sided risk of a false alarm

**Designs.** ``random``: a simple random sample of ``size`` stations of the scope, in every
draw. ``stratified``: simple random samples within each stratum of the scope, allocated in
proportion to its stations (largest remainders; at least 2 per stratum). ``convenience``:
stations drawn without replacement with probability proportional to
``exp(bias * logit(true result))`` (Efraimidis-Spirakis keys ``log(U) / weight``): the
commissions that hand over a protocol are not a random set, and the analyst, not knowing
the weights, estimates as if the sample were random. ``observed``: a random sample whose
stations are not manipulated (an observer's presence deters it; Moscow 2011: 156 randomly
observed of 3,164 stations, United Russia 36% there against 47% official): the
manipulation's budget goes to the other stations.

**What observers record.** The copy of the protocol as counted and signed (the ``counted``
layer of :mod:`sim.stations.manipulation`: stuffing included, rewriting and tabulation not)
and their own count of the voters who came (the ``true`` ballots).

**Estimates.** The beneficiary's share of the valid votes by the combined ratio estimator
``r = sum_h N_h ybar_h / sum_h N_h xbar_h`` (``y`` the list's votes, ``x`` the valid votes
of a station, ``N_h`` the scope's stations of stratum ``h``; one stratum, the whole scope,
for every design but ``stratified``: the plain ratio estimator), with variance (Cochran 1977,
6.12, with finite-population correction)::

    V(r) = sum_h N_h^2 (1 - n_h / N_h) s_eh^2 / n_h / X^2,   e = y - r x,  X = sum_h N_h xbar_h

and the 95% interval ``r ± 1.96 sqrt(V)``; the turnout likewise from the observers' own
counts (``y`` the ballots, ``x`` the registered voters).

**Detection at a stated risk.** The official figure is flagged when it lies above the
estimate by more than ``z_(1-risk)`` standard errors (one-sided): ``share`` from the
protocol copies (rewriting and tabulation), ``turnout`` from the own counts (stuffing).
With no manipulation each flags at most ``risk`` of the time (when the scope is the whole
frame and the sample random). For a simple random sample, a true inflation of ``Δ`` in the
share and a station-level residual sd ``σ`` (of ``e / xbar``), the power is
``Φ(Δ / (σ sqrt((1 - n/N) / n)) - z_(1-risk))``, and the size for power 0.8 at risk 0.05 is
``n ≈ (2.487 σ / Δ)²`` (``2.487 = 1.645 + 0.842``), before the finite-population correction.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.stats import norm

from sim.portable import exp, log
from sim.stations.counts import StationCounts, won_shares
from sim.stations.model import logit
from sim.stations.spec import Frame, Observers

Z_95 = 1.959963984540054  # two-sided 95% interval


def choose(observers: Observers, frame: Frame, true: StationCounts, beneficiary: int,
           rng: np.random.Generator) -> np.ndarray:
    """The observed stations of each draw, int ``(n_draws, size)`` sorted by station."""
    n_draws = true.ballots.shape[0]
    keys = rng.random((n_draws, frame.n_stations))
    if observers.design == "convenience":
        result = true.share(beneficiary, of="ballots")
        weight = exp(np.clip(observers.bias * logit(result), -700.0, 700.0))
        keys = log(np.maximum(keys, 1e-300)) / weight  # largest n keys: E-S sampling
        keys = -keys  # smallest first below
    keys = np.where(observers.scope[None, :], keys, np.inf)
    if observers.design != "stratified":
        return np.sort(np.argpartition(keys, observers.size - 1, axis=1)[:, :observers.size],
                       axis=1)
    parts = []
    for h, n_h in enumerate(observers.allocation):
        if n_h:
            masked = np.where(frame.stratum[None, :] == h, keys, np.inf)
            parts.append(np.argpartition(masked, n_h - 1, axis=1)[:, :n_h])
    return np.sort(np.concatenate(parts, axis=1), axis=1)


@dataclass(frozen=True, slots=True)
class Estimate:
    """A ratio estimate per draw: ``value`` and its standard error ``se``, float
    ``(n_draws,)``."""

    value: np.ndarray
    se: np.ndarray

    def interval(self) -> tuple[np.ndarray, np.ndarray]:
        return self.value - Z_95 * self.se, self.value + Z_95 * self.se

    def flags(self, official: np.ndarray, z: float, slack: np.ndarray | float = 0.0
              ) -> np.ndarray:
        """Whether ``official`` lies above the estimate by more than ``z`` sds and
        ``slack`` (the count's rounding to whole votes, which a census would otherwise
        flag: its standard error is 0)."""
        return official > self.value + z * self.se + slack


def ratio_estimate(y: np.ndarray, x: np.ndarray, stratum: np.ndarray,
                   population: np.ndarray) -> Estimate:
    """The combined ratio estimator with finite-population correction (module docstring).

    ``y``, ``x`` float ``(n_draws, n)`` of the observed stations, ``stratum`` int ``(n_draws,
    n)`` their strata, ``population`` int ``(n_strata,)`` the scope's stations per stratum.
    """
    y_total = np.zeros(y.shape[0])
    x_total = np.zeros(y.shape[0])
    groups = []
    for h, big_n in enumerate(population):
        mask = stratum == h
        n_h = mask.sum(axis=1)
        if big_n == 0 or not n_h.any():
            continue
        mean_y = np.where(mask, y, 0).sum(axis=1) / np.maximum(n_h, 1)
        mean_x = np.where(mask, x, 0).sum(axis=1) / np.maximum(n_h, 1)
        y_total += big_n * mean_y
        x_total += big_n * mean_x
        groups.append((mask, n_h, big_n))
    ratio = y_total / np.maximum(x_total, 1e-300)
    variance = np.zeros(y.shape[0])
    residual = y - ratio[:, None] * x
    for mask, n_h, big_n in groups:
        mean_e = np.where(mask, residual, 0).sum(axis=1) / np.maximum(n_h, 1)
        s2 = np.where(mask, (residual - mean_e[:, None]) ** 2, 0).sum(axis=1) / \
            np.maximum(n_h - 1, 1)
        variance += big_n ** 2 * (1 - n_h / big_n) * s2 / np.maximum(n_h, 1)
    return Estimate(ratio, np.sqrt(variance) / np.maximum(x_total, 1e-300))


@dataclass(frozen=True, slots=True)
class QuickCount:
    """One design's per-draw results, float or bool ``(n_draws,)`` unless said.

    ``share``/``turnout``: the estimates from the copies and the own counts; ``scope_share``:
    the counted share of the whole scope (what ``share`` estimates; its interval should
    cover it 95% of the time); ``flag_share``/``flag_turnout``: detection at the design's
    risk; ``won`` ``(n_draws, n_options)``: the share of observed stations where each option
    came first (ties to the earlier option); ``gap``: official minus observed share;
    ``sigma``: the residual sd ``σ`` of the scope's stations (analytic power);
    ``share_slack``/``turnout_slack``: the count's rounding to whole votes
    (:func:`rounding_slack`), which the flags allow for."""

    share: Estimate
    turnout: Estimate
    scope_share: np.ndarray
    flag_share: np.ndarray
    flag_turnout: np.ndarray
    won: np.ndarray
    gap: np.ndarray
    sigma: np.ndarray
    share_slack: np.ndarray
    turnout_slack: float


def quick_count(observers: Observers, frame: Frame, observed: np.ndarray, true: StationCounts,
                counted: StationCounts, official_share: np.ndarray,
                official_turnout: np.ndarray, beneficiary: int) -> QuickCount:
    """The quick count of each draw from the ``observed`` stations (``choose``)."""
    if observers.design == "stratified":
        population = np.bincount(frame.stratum[observers.scope], minlength=len(frame.strata))
        strata = frame.stratum[observed]
    else:  # one stratum: the plain ratio estimator of a simple random sample
        population = np.array([int(observers.scope.sum())])
        strata = np.zeros_like(observed)
    votes = np.take_along_axis(counted.votes, observed[:, None, :], axis=2)
    valid = votes.sum(axis=1).astype(float)
    share = ratio_estimate(votes[:, beneficiary].astype(float), valid, strata, population)
    own = np.take_along_axis(true.ballots, observed, axis=1).astype(float)
    turnout = ratio_estimate(own, frame.registered[observed].astype(float), strata,
                             population)
    scope_votes = counted.votes[:, :, observers.scope]
    scope_valid = scope_votes.sum(axis=1)
    scope_share = scope_votes[:, beneficiary].sum(axis=1) / np.maximum(scope_valid.sum(axis=1),
                                                                      1)
    won = won_shares(votes)
    residual = scope_votes[:, beneficiary] - scope_share[:, None] * scope_valid
    sigma = residual.std(axis=1, ddof=1) / np.maximum(scope_valid.mean(axis=1), 1e-300) \
        if scope_valid.shape[1] > 1 else np.zeros(len(scope_share))
    share_slack, turnout_slack = rounding_slack(counted)
    return QuickCount(share=share, turnout=turnout, scope_share=scope_share,
                      flag_share=share.flags(official_share, observers.z, share_slack),
                      flag_turnout=turnout.flags(official_turnout, observers.z,
                                                 turnout_slack),
                      won=won, gap=official_share - share.value, sigma=sigma,
                      share_slack=share_slack, turnout_slack=turnout_slack)


def rounding_slack(counts: StationCounts) -> tuple[np.ndarray, float]:
    """How far the count model's rounding to whole votes may move the official share and
    turnout (each option's votes rounded by at most half a vote, in the genuine and the
    official count): ``n_options`` votes over the valid votes ``(n_draws,)`` and over the
    registered voters."""
    n_options = counts.votes.shape[-2]
    valid = counts.votes.sum(axis=(-2, -1))
    return n_options / np.maximum(valid, 1), n_options / float(counts.registered.sum())


def srs_sample_size(sigma: float, delta: float, risk: float = 0.05, power: float = 0.8,
                    population: int | None = None) -> float:
    """Stations a simple random sample needs to detect a share inflation ``delta`` with
    ``power`` at one-sided ``risk``: ``n0 = ((z_(1-risk) + z_power) σ / Δ)²`` (2.487 for
    0.05 and 0.8); with a ``population`` of stations, the finite-population correction
    ``n0 / (1 + n0 / N)``."""
    n0 = ((norm.ppf(1 - risk) + norm.ppf(power)) * sigma / delta) ** 2
    return n0 if population is None else n0 / (1 + n0 / population)


def srs_power(n: int, population: int, sigma: float, delta: float,
              risk: float = 0.05) -> float:
    """The power of a simple random sample of ``n`` of ``population`` stations to detect a
    share inflation ``delta`` at one-sided ``risk`` (normal approximation, fpc included)."""
    se = sigma * math.sqrt((1 - n / population) / n)
    if se == 0:  # a census: any inflation shows
        return float(delta > 0)
    return float(norm.cdf(delta / se - norm.ppf(1 - risk)))


