"""Simulation-based checks of the quick count: false alarms on clean elections with
heterogeneity, interval coverage, and power against the analytic formula for a simple random
sample. Fixed seeds; each tolerance is stated beside its assertion."""

from __future__ import annotations

import math

import numpy as np

from sim.stations.model import NationalTotals, simulate_stations
from sim.stations.observers import choose, quick_count, srs_power, srs_sample_size
from sim.stations.run import new_summary, summarise
from sim.stations.summary import FLAGS
from tests.stations.helpers import station_spec, totals

REGISTERED = 600_000
OPTIONS = ("a", "b", "c", "d")


def _spec(observers, manipulation=None, count=500):
    return station_spec(count=count, registered=REGISTERED, observers=observers,
                        manipulation=manipulation or {},
                        heterogeneity={"turnout_sd": 0.4, "support_sd": 0.4,
                                       "correlation": 0.6})


def _flags(spec, genuine, official, blocks, seed):
    summary = new_summary(spec, OPTIONS, 0)
    rng = np.random.default_rng(seed)
    for _ in range(blocks):
        summarise(spec, summary, genuine, official, 0, 0, rng)
    return {name: summary.flags[i] / summary.draws for i, name in enumerate(FLAGS)}, summary


def _mc_sd(p, n):
    return math.sqrt(p * (1 - p) / n)


def test_clean_elections_with_heterogeneity_false_alarm_at_most_the_risk():
    draws = 100
    for design in ("random", "stratified"):
        spec = _spec({"design": design, "size": 60, "risk": 0.05})
        clean = totals(REGISTERED, draws, turnout=0.55)
        rates, summary = _flags(spec, clean, clean, 4, seed=11)
        assert summary.draws == 400
        # at most the stated risk, within 2.5 Monte Carlo sds of it (400 draws: 0.027)
        for name in ("detect_share", "detect_turnout", "detect"):
            assert rates[name] <= 0.05 + 2.5 * _mc_sd(0.05, 400), (design, name, rates)


def test_quick_count_interval_covers_the_truth_93_to_97_percent():
    spec = _spec({"design": "random", "size": 80})
    clean = totals(REGISTERED, 250, turnout=0.6)
    rates, summary = _flags(spec, clean, clean, 4, seed=12)
    assert summary.draws == 1000
    # the interval's nominal 95%, within the 93-97% (Monte Carlo sd 0.007)
    assert 0.93 <= rates["covered"] <= 0.97, rates


def test_a_stratified_design_covers_too():
    spec = _spec({"design": "stratified", "size": 90})
    clean = totals(REGISTERED, 250, turnout=0.6)
    rates, _ = _flags(spec, clean, clean, 4, seed=13)
    assert 0.93 <= rates["covered"] <= 0.97, rates


def test_detection_power_matches_the_analytic_srs_formula():
    # 2,000 stations: the formula's n is then a small part of the frame, so the power sits
    # near the formula's 0.8 rather than at 1, where any formula would agree
    spec = _spec({"design": "random", "size": 2, "risk": 0.05}, count=2000)
    genuine = totals(REGISTERED, 250, turnout=0.6)
    rng = np.random.default_rng(14)
    true = simulate_stations(spec, genuine, rng)
    observers = spec.observers
    sample = choose(observers, spec.frame, true, 0, rng)
    share = genuine.votes[0] / genuine.votes.sum(0)
    sigma = float(np.mean(quick_count(observers, spec.frame, sample, true, true, share,
                                      genuine.ballots / REGISTERED, 0).sigma))
    delta = 0.03  # three points moved by tabulation: the copies stay honest
    n = math.ceil(srs_sample_size(sigma, delta))
    assert 50 < n < 400  # well inside the frame
    official = _moved(genuine, delta)
    sized = _spec({"design": "random", "size": n, "risk": 0.05}, count=2000)
    rates, summary = _flags(sized, genuine, official, 4, seed=15)
    expected = srs_power(n, 2000, sigma, delta)
    # the fpc lifts the power a little above the formula's 0.8
    assert 0.8 < expected < 0.9
    # Monte Carlo sd over 1000 draws ~0.012; 3 sds plus 0.01 for the normal approximation
    # (the estimated, not the true, standard error; 0.817 against 0.826 with these seeds)
    assert abs(rates["detect_share"] - expected) < 3 * _mc_sd(expected, 1000) + 0.01, \
        (rates, expected)
    # and no power where no inflation: the same design on the clean count
    clean_rates, clean = _flags(sized, genuine, genuine, 1, seed=16)
    # at most the risk, within 2.5 Monte Carlo sds of it
    assert clean_rates["detect_share"] <= 0.05 + 2.5 * _mc_sd(0.05, clean.draws), clean_rates


def _moved(genuine, delta):
    """The official count with ``delta`` of the valid votes moved from the other options to
    option 0 (tabulation misrecording: ballots unchanged)."""
    votes = genuine.votes.copy()
    valid = votes.sum(axis=0)
    moved = np.rint(delta * valid).astype(np.int64)
    parts = np.rint(votes[1:] / votes[1:].sum(axis=0) * moved).astype(np.int64)
    parts[-1] = moved - parts[:-1].sum(axis=0)
    votes[1:] -= parts
    votes[0] += moved
    return NationalTotals.of(votes, genuine.invalid)
