"""The clean station model: exact national totals, bounds, frame, heterogeneity."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.errors import InvalidValue
from sim.stations.counts import StationCounts
from sim.stations.model import NationalTotals, reconcile, simulate_stations
from sim.stations.spec import split_exactly
from tests.stations.helpers import station_spec, totals


def test_frame_sizes_add_up_and_strata_follow_shares():
    spec = station_spec(count=1000, registered=1_180_000)
    assert spec.frame.registered.sum() == 1_180_000
    assert spec.frame.registered.min() >= 1
    assert np.bincount(spec.frame.stratum).tolist() == [200, 400, 400]
    # rural stations were asked to be 0.6 and capital 1.5 times the urban mean size
    means = [spec.frame.registered[spec.frame.stratum == k].mean() for k in range(3)]
    assert means[0] > means[1] > means[2]


def test_frame_is_the_same_for_the_same_seed_and_moves_with_it():
    first, again = station_spec(), station_spec()
    assert np.array_equal(first.frame.registered, again.frame.registered)
    other = station_spec(frame_seed=2)
    assert not np.array_equal(first.frame.registered, other.frame.registered)


@given(turnout=st.floats(0.05, 0.95), invalid=st.floats(0.0, 0.2),
       seed=st.integers(0, 2**32), count=st.integers(1, 60))
def test_station_counts_add_up_exactly_and_stay_in_bounds(turnout, invalid, seed, count):
    spec = station_spec(count=count, registered=50 * count + 7)
    registered = 50 * count + 7
    national = totals(registered, 3, turnout=turnout, invalid=int(invalid * turnout * registered))
    counts = simulate_stations(spec, national, np.random.default_rng(seed)).check()
    ballots, votes = counts.totals()
    assert np.array_equal(ballots, national.ballots)
    assert np.array_equal(votes.T, national.votes)
    assert np.array_equal(counts.invalid.sum(axis=1), national.invalid)


def test_extreme_totals_none_and_all_voting():
    spec = station_spec(count=30, registered=3000)
    nobody = NationalTotals.of(np.zeros((3, 2), dtype=np.int64), np.zeros(2, dtype=np.int64))
    assert simulate_stations(spec, nobody, np.random.default_rng(1)).check().ballots.sum() == 0
    everyone = NationalTotals.of(np.array([[2000, 2000], [1000, 990], [0, 0]]),
                                 np.array([0, 10]))
    counts = simulate_stations(spec, everyone, np.random.default_rng(1)).check()
    assert np.array_equal(counts.ballots, np.broadcast_to(spec.frame.registered, (2, 30)))


def test_heterogeneity_is_correlated_as_asked():
    spec = station_spec(count=2000, registered=2_400_000,
                        heterogeneity={"turnout_sd": 0.4, "support_sd": 0.4,
                                       "correlation": 0.8}, strata={})
    counts = simulate_stations(spec, totals(2_400_000, 4), np.random.default_rng(3))
    correlation = np.mean([np.corrcoef(counts.turnout()[d], counts.share(0)[d])[0, 1]
                           for d in range(4)])
    # log-odds correlation 0.8 is diluted by counting noise and the logistic; well above 0.5
    assert 0.55 < correlation < 0.85
    clean = station_spec(count=2000, registered=2_400_000, strata={},
                         heterogeneity={"turnout_sd": 0.0, "support_sd": 0.0})
    flat = simulate_stations(clean, totals(2_400_000, 4), np.random.default_rng(3))
    # without heterogeneity only binomial noise is left: sd of turnout ~ sqrt(p q / 1200)
    assert np.std(flat.turnout()) < 2 * np.sqrt(0.6 * 0.4 / 1200)


def test_reconcile_is_a_uniform_hypergeometric_correction():
    rng = np.random.default_rng(5)
    counts = np.zeros((4000, 3), dtype=np.int64)
    room = np.array([10, 30, 60])
    reconcile(counts, room, np.full(4000, 20), rng)
    assert np.all(counts.sum(axis=1) == 20) and np.all(counts <= room)
    # mean of a multivariate hypergeometric: 20 * room / 100, sd of the mean < 0.05
    assert np.allclose(counts.mean(axis=0), [2, 6, 12], atol=0.15)


@given(total=st.integers(0, 10**9), weights=st.lists(st.floats(0.01, 100.0), min_size=1,
                                                   max_size=30))
def test_split_exactly_adds_up_and_is_within_one_of_the_quota(total, weights):
    parts = split_exactly(total, np.array(weights))
    assert parts.sum() == total
    quota = np.array(weights) / sum(weights) * total
    assert np.all(np.abs(parts - quota) < 1 + 1e-6 * total)


def test_check_names_the_station_the_value_and_the_rule():
    counts = StationCounts(registered=np.array([10, 5]), stratum=np.zeros(2, dtype=np.int16),
                           ballots=np.array([3, 6]), votes=np.array([[2, 4], [1, 1]]))
    with pytest.raises(InvalidValue, match=r"station\[1\]\.ballots = 6: must not exceed the "
                                           r"station's registered voters"):
        counts.check()
    over = StationCounts(registered=np.array([10]), stratum=np.zeros(1, dtype=np.int16),
                         ballots=np.array([[3]]), votes=np.array([[[2], [2]]]))
    with pytest.raises(InvalidValue, match=r"station\[0\]\.votes = 4: must not add up"):
        over.check()
