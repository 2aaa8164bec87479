"""Manipulation at the stations: the official total stays the count's, and each mechanism
leaves its own trace."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.errors import ScenarioError
from sim.stations.manipulation import manipulate
from sim.stations.model import NationalTotals, simulate_stations
from sim.stations.spec import read_manipulation
from sim.tables import Table
from tests.stations.helpers import station_spec, totals

REGISTERED = 800_000


def _setup(seed=1, draws=6):
    spec = station_spec(count=600, registered=REGISTERED)
    genuine = totals(REGISTERED, draws, turnout=0.45, invalid=10_000)
    true = simulate_stations(spec, genuine, np.random.default_rng(seed))
    return spec, genuine, true


def _official(genuine, stuffed, moved):
    """``stuffed`` ballots for option 0 and ``moved`` votes from option 1 to option 0."""
    votes = genuine.votes.copy()
    votes[0] += stuffed + moved
    votes[1] -= moved
    return NationalTotals.of(votes, genuine.invalid)


def _manipulation(**keys):
    return read_manipulation(Table(keys, "test.toml", "stations.manipulation"),
                             ("capital", "urban", "rural"))


@given(stuffed=st.integers(0, 200_000), moved=st.integers(0, 30_000),
       where=st.sampled_from(["random", "turnout", "stratum"]),
       misrecording=st.sampled_from(["tabulation", "rewriting"]),
       extreme=st.floats(0, 1), rounding=st.floats(0, 1), share=st.floats(0, 1))
def test_the_official_total_is_the_counts_and_every_layer_is_valid(
        stuffed, moved, where, misrecording, extreme, rounding, share):
    spec, genuine, true = _setup(draws=2)
    official = _official(genuine, stuffed, moved)
    manipulation = _manipulation(share=share, where=where, strata=["rural"],
                                 misrecording=misrecording, extreme=extreme, rounding=rounding)
    records = manipulate(true, official, manipulation, 0, np.random.default_rng(2))
    assert np.array_equal(records.official(), official.votes.T)
    for layer in (records.true, records.counted, records.protocol):
        layer.check()


def test_stuffing_is_in_the_copies_only_the_own_count_sees_it():
    _, genuine, true = _setup()
    official = _official(genuine, 100_000, 0)
    records = manipulate(true, official, _manipulation(share=0.3), 0,
                         np.random.default_rng(3))
    assert np.array_equal(records.counted.votes, records.protocol.votes)
    assert np.all(records.tabulation == 0)
    extra = records.counted.ballots - records.true.ballots
    assert np.all(extra.sum(axis=1) == 100_000)
    assert np.all(extra[~records.chosen] == 0)  # 30% of stations had room enough
    assert np.array_equal(records.manipulated, records.chosen & (extra > 0))


def test_rewriting_makes_the_protocol_differ_from_the_copy_tabulation_does_not():
    _, genuine, true = _setup()
    official = _official(genuine, 0, 10_000)  # the chosen 30% hold about 21,000 of b
    rewritten = manipulate(true, official, _manipulation(share=0.3, misrecording="rewriting"),
                           0, np.random.default_rng(4))
    moved = rewritten.protocol.votes[:, 0] - rewritten.counted.votes[:, 0]
    assert np.all(moved.sum(axis=1) == 10_000)
    assert np.all(moved[~rewritten.chosen] == 0)
    tabulated = manipulate(true, official, _manipulation(share=0.3), 0,
                           np.random.default_rng(4))
    assert np.array_equal(tabulated.protocol.votes, tabulated.true.votes)
    assert np.all(tabulated.tabulation[:, 0] == 10_000)


def test_extreme_stations_are_filled_first():
    _, genuine, true = _setup()
    official = _official(genuine, 60_000, 0)
    records = manipulate(true, official, _manipulation(share=0.5, extreme=0.2), 0,
                         np.random.default_rng(5))
    turnout = records.counted.turnout()
    # the extreme 20% of the manipulated (about 60 stations of some 730 free places each,
    # 44,000 in all) are filled to 100% turnout; the incremental ones share the rest
    full = (turnout == 1).sum(axis=1)
    assert np.all((full > 35) & (full < 90)), full
    assert np.median(turnout[records.chosen]) < 0.9


def test_where_turnout_picks_the_highest_turnout_stations():
    _, genuine, true = _setup()
    records = manipulate(true, _official(genuine, 50_000, 0),
                         _manipulation(share=0.1, where="turnout"), 0,
                         np.random.default_rng(6))
    turnout = true.turnout()
    for d in range(turnout.shape[0]):
        assert turnout[d][records.chosen[d]].min() >= np.quantile(turnout[d], 0.89)


def test_rounding_leaves_whole_percentages_at_the_rounding_stations():
    _, genuine, true = _setup()
    records = manipulate(true, genuine, _manipulation(share=1.0, rounding=1.0), 0,
                         np.random.default_rng(7))
    result = 100 * records.protocol.share(0, of="ballots")
    off = np.abs(result - np.rint(result))
    # each rounded station is within half a vote of a whole percentage
    assert np.all(off <= 50 / np.maximum(records.protocol.ballots, 1) + 1e-9)
    assert np.array_equal(records.official(), genuine.votes.T)


@pytest.mark.parametrize("misrecording", ["tabulation", "rewriting"])
def test_deterred_stations_take_no_spill_and_what_fits_nowhere_is_reported(misrecording):
    _, genuine, true = _setup()
    # the chosen 10% have room for about 30,000 more ballots (and hold about 14,000 votes of
    # option 1): the spill goes to the other stations, never to the excluded half
    official = _official(genuine, 150_000, 20_000)
    exclude = np.zeros(true.ballots.shape, dtype=bool)
    exclude[:, ::2] = True
    records = manipulate(true, official, _manipulation(share=0.1, misrecording=misrecording),
                         0, np.random.default_rng(8), exclude)
    assert np.array_equal(records.protocol.votes[exclude.nonzero()[0], :, exclude.nonzero()[1]],
                          true.votes[exclude.nonzero()[0], :, exclude.nonzero()[1]])
    assert not np.any(records.manipulated & exclude)
    assert np.all(records.unplaced == 0)
    # the stations changed are many more than the chosen: the spill counts
    assert np.all(records.manipulated.sum(axis=1) > 2 * records.chosen.sum(axis=1))
    # more ballots than the other half's non-voters hold: the rest is reported, not placed
    room = np.where(exclude, 0, true.registered - true.ballots).sum(axis=1)
    overflow = _official(genuine, int(room.max()) + 5_000, 0)
    full = manipulate(true, overflow, _manipulation(share=0.1, misrecording=misrecording),
                      0, np.random.default_rng(9), exclude)
    assert np.array_equal(full.counted.ballots[exclude], true.ballots[exclude])
    assert np.array_equal(full.unplaced, overflow.ballots - true.totals()[0] - room)
    assert np.array_equal(full.official(), overflow.votes.T)


@pytest.mark.parametrize(("keys", "rule"), [
    ({"share": 0.2, "where": "stratum"}, 'is required with where = "stratum"'),
    ({"share": 0.2, "strata": ["ruarl"]}, "did you mean 'rural'?"),
    ({"share": 2.0}, "must be between 0.0 and 1.0"),
    ({"share": 0.2, "misrecording": "somewhere"}, "must be one of tabulation, rewriting"),
])
def test_bad_manipulation_tables(keys, rule):
    with pytest.raises(ScenarioError, match=rule.replace("(", r"\(").replace("?", r"\?")):
        _manipulation(**keys)
