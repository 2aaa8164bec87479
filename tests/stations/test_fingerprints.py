"""Station fingerprints: exact rules against slow references, statistical behaviour with
fixed seeds, and the published figures of the Russian 2021 stations."""

from __future__ import annotations

import math
from collections import Counter
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from sim.stations import fingerprints as fp
from sim.stations.published import read_published

ROOT = Path(__file__).parent.parent.parent
RUSSIA = ROOT / "scenarios" / "data" / "russia" / "duma-2021-stations.csv.gz"


@st.composite
def stations(draw, max_stations=30, lists=3, leading=False):
    """Registered voters, ballots and votes per list (the leader first) that add up."""
    n = draw(st.integers(1, max_stations))
    rows = draw(st.integers(1, 3)) if leading else None
    registered = np.array(draw(st.lists(st.integers(0, 3000), min_size=n, max_size=n)))
    shape = (rows, n) if leading else (n,)
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    ballots = rng.binomial(np.broadcast_to(registered, shape), rng.uniform(0, 1, shape))
    valid = ballots - rng.binomial(ballots, 0.05)
    votes = np.moveaxis(rng.multinomial(valid, np.full(lists, 1 / lists)), -1, -2) \
        if not leading else np.stack([rng.multinomial(v, np.full(lists, 1 / lists)).T
                                      for v in valid])
    return registered, ballots, votes


def _bin(a: int, d: int, bins: int = 100) -> int:
    return min(int(Fraction(bins * a, d)), bins - 1)  # int() of a Fraction floors (a >= 0)


@given(st.integers(0, 10**6), st.integers(1, 10**6), st.integers(1, 200))
def test_percent_bin_is_the_exact_floor(a, d, bins):
    a = min(a, d)
    assert fp.percent_bin(np.array([a]), np.array([d]), bins)[0] == _bin(a, d, bins)


@given(st.integers(0, 10**6), st.integers(1, 10**6))
def test_whole_percent_is_exact(a, d):
    a = min(a, d)
    p = Fraction(100 * a, d)
    exact = abs(p - round(p)) <= Fraction(1, 20)
    assert bool(fp.whole_percent(np.array([a]), np.array([d]))[0]) == exact


def test_whole_percent_edges():
    # 100 * 1 / 2000 = 0.05: on the edge, counted; 0 / 0 has no percentage
    assert fp.whole_percent(np.array([1, 1, 0, 2]), np.array([2000, 1999, 0, 3])).tolist() == \
        [True, False, False, False]


@given(stations())
def test_histogram_counts_each_station_in_its_cell(data):
    registered, ballots, votes = data
    expected = np.zeros((100, 100), dtype=np.int64)
    for n, b, lead in zip(registered.tolist(), ballots.tolist(), votes[0].tolist()):
        if n > 0 and b > 0:
            expected[_bin(b, n), _bin(lead, b)] += 1
    assert np.array_equal(fp.turnout_share_histogram(registered, ballots, votes[0]), expected)


@given(stations(leading=True))
def test_every_fingerprint_of_stacked_draws_is_each_draws_own(data):
    registered, ballots, votes = data
    together = fp.turnout_share_histogram(registered, ballots, votes[:, 0])
    digits = fp.last_digits(votes, min_count=3)
    tail = fp.comet(registered, ballots, votes[:, 0], votes.sum(1))
    for d in range(ballots.shape[0]):
        assert np.array_equal(together[d],
                              fp.turnout_share_histogram(registered, ballots[d], votes[d, 0]))
        one = fp.last_digits(votes[d], min_count=3)
        assert np.array_equal(digits.frequencies[d], one.frequencies)
        alone = fp.comet(registered, ballots[d], votes[d, 0], votes[d].sum(0))
        assert tail.excess[d] == pytest.approx(float(alone.excess), abs=1e-6)
        assert tail.mode_turnout[d] == alone.mode_turnout


def _comet_reference(registered, ballots, leader, valid, corner_at=Fraction(4, 5)):
    """Shpilkin's excess and the corner by plain loops over stations (Python integers)."""
    by_bin_leader, by_bin_others = Counter(), Counter()
    stations = corner = 0
    for n, b, lead, v in zip(*(a.tolist() for a in (registered, ballots, leader, valid))):
        if n == 0 or b == 0:
            continue
        stations += 1
        m = _bin(b, n)
        by_bin_leader[m] += lead
        by_bin_others[m] += v - lead
        corner += Fraction(b, n) >= corner_at and Fraction(lead, b) >= corner_at
    mode = max(range(95), key=lambda m: (by_bin_others[m], -m))  # the first of equal peaks
    ratio = by_bin_leader[mode] / max(by_bin_others[mode], 1)
    excess = sum(by_bin_leader[m] - ratio * by_bin_others[m] for m in range(mode + 1, 100))
    return mode, excess, corner / max(stations, 1)


@given(stations(max_stations=60))
def test_comet_matches_the_loop_reference(data):
    registered, ballots, votes = data
    tail = fp.comet(registered, ballots, votes[0], votes.sum(0))
    mode, excess, corner = _comet_reference(registered, ballots, votes[0], votes.sum(0))
    assert tail.mode_turnout == mode
    assert float(tail.excess) == pytest.approx(excess, abs=1e-6 * max(1, abs(excess)))
    assert float(tail.corner) == pytest.approx(corner)


def test_comet_excess_measures_stuffing_beyond_the_modal_ratio():
    # 1,000 stations of 1,000 voters at 40% turnout, the leader 30% of ballots, the rest to
    # others; then 100 stations get 300 ballots for the leader each (turnout 70%).
    rng = np.random.default_rng(7)
    registered = np.full(1000, 1000)
    ballots = rng.binomial(registered, 0.4)
    leader = rng.binomial(ballots, 0.3)
    clean = fp.comet(registered, ballots, leader, ballots)
    assert clean.mode_turnout == 40 or abs(int(clean.mode_turnout) - 40) <= 2
    stuffed_ballots, stuffed_leader = ballots.copy(), leader.copy()
    stuffed_ballots[:100] += 300
    stuffed_leader[:100] += 300
    stuffed = fp.comet(registered, stuffed_ballots, stuffed_leader, stuffed_ballots)
    # the 30,000 stuffed votes are beyond the ratio; the stuffed stations' own honest
    # leader votes (about 120 each) are at the ratio's expectation
    assert float(stuffed.excess - clean.excess) == pytest.approx(30_000, rel=0.03)


@given(st.lists(st.lists(st.integers(0, 5000), min_size=1, max_size=4), min_size=1,
                max_size=20), st.integers(0, 200))
def test_last_digits_match_a_counter_and_scipy(rows, min_count):
    width = max(len(r) for r in rows)
    votes = np.array([r + [0] * (width - len(r)) for r in rows]).T
    result = fp.last_digits(votes, min_count=min_count)
    kept = [v for v in votes.ravel().tolist() if v >= min_count]
    counted = Counter(v % 10 for v in kept)
    assert result.frequencies.tolist() == [counted[d] for d in range(10)]
    assert int(result.counts) == len(kept)
    if not kept:
        assert (float(result.chi2), float(result.p_value)) == (0.0, 1.0)
    else:
        chi2, p = stats.chisquare(result.frequencies)
        assert float(result.chi2) == pytest.approx(chi2)
        assert float(result.p_value) == pytest.approx(p, rel=1e-9, abs=1e-300)


def test_uniform_last_digits_pass_at_the_stated_risk():
    # Counts spread over [100, 10100): digits uniform; 200 seeded sets, p < 0.05 in about 5%
    rng = np.random.default_rng(11)
    p = np.array([float(fp.last_digits(rng.integers(100, 10100, (5, 400))).p_value)
                  for _ in range(200)])
    assert (p < 0.05).mean() <= 0.05 + 3 * math.sqrt(0.05 * 0.95 / 200)  # 3 sd: 0.096


def test_relation_matches_numpy_overall_and_within_strata():
    rng = np.random.default_rng(3)
    registered = rng.integers(100, 2000, 500)
    stratum = rng.integers(0, 4, 500)
    ballots = rng.binomial(registered, 0.3 + 0.1 * stratum)
    leader = rng.binomial(ballots, 0.2 + 0.1 * stratum)
    relation = fp.turnout_share_relation(registered, ballots, leader, stratum)
    t, s = ballots / registered, leader / ballots
    assert float(relation.correlation) == pytest.approx(np.corrcoef(t, s)[0, 1])
    assert float(relation.slope) == pytest.approx(np.polyfit(t, s, 1)[0])
    dt = t - np.array([t[stratum == k].mean() for k in range(4)])[stratum]
    ds = s - np.array([s[stratum == k].mean() for k in range(4)])[stratum]
    assert float(relation.within_slope) == pytest.approx(np.polyfit(dt, ds, 1)[0])
    assert float(relation.within_correlation) == pytest.approx(np.corrcoef(dt, ds)[0, 1])
    # the strata carry the confounder here: within them turnout and share are independent
    assert relation.correlation > 0.5 and abs(relation.within_correlation) < 0.15


def _binomial_election(rng, n_stations=3000):
    registered = rng.integers(100, 3000, n_stations)
    ballots = rng.binomial(registered, rng.uniform(0.3, 0.8, n_stations))
    leader = rng.binomial(ballots, rng.uniform(0.2, 0.7, n_stations))
    return registered, ballots, leader


def test_integer_excess_of_binomial_counts_is_chance():
    # 40 clean elections: the excess over its sd is about standard normal (|mean| <
    # 3 / sqrt(40), 0.47; sd within 0.6-1.5)
    rng = np.random.default_rng(2016)
    z = []
    for _ in range(40):
        registered, ballots, leader = _binomial_election(rng)
        test = fp.integer_excess(registered, ballots, ballots, leader, rng=rng, resamples=50)
        z.append(float(test.excess / test.sd))
    assert abs(np.mean(z)) < 0.47 and 0.6 < np.std(z) < 1.5


def test_integer_excess_finds_rounded_results():
    rng = np.random.default_rng(5)
    registered, ballots, leader = _binomial_election(rng)
    before = fp.integer_excess(registered, ballots, ballots, leader, rng=rng, resamples=50)
    # 300 stations report the leader at the nearest whole percent of the ballots
    rounded = leader.copy()
    rounded[:300] = np.rint(np.rint(100 * leader[:300] / ballots[:300]) * ballots[:300] / 100)
    whole = fp.whole_percent(rounded[:300], ballots[:300])
    after = fp.integer_excess(registered, ballots, ballots, rounded, rng=rng, resamples=50)
    # each rounded station that was not already whole adds one (about 80% of 300)
    gained = int(whole.sum()) - int(fp.whole_percent(leader[:300], ballots[:300]).sum())
    assert gained > 150
    assert float(after.excess - before.excess) == pytest.approx(gained, abs=4 * before.sd)
    assert float(after.p_value) < 0.02


@given(stations(max_stations=40), st.integers(0, 2**32 - 1))
def test_integer_excess_counts_what_exact_fractions_count(data, seed):
    registered, ballots, votes = data
    issued = np.minimum(registered, ballots + np.random.default_rng(seed).integers(0, 3,
                                                                                  ballots.shape))
    test = fp.integer_excess(registered, issued, ballots, votes[0],
                             rng=np.random.default_rng(seed), resamples=2)
    kept = hits = 0
    for n, g, b, lead in zip(*(a.tolist() for a in (registered, issued, ballots, votes[0]))):
        if n < 100 or b == 0 or Fraction(g, n) > Fraction(99, 100) or \
                Fraction(lead, b) > Fraction(99, 100):
            continue
        kept += 1
        whole = [abs(p - round(p)) <= Fraction(1, 20)
                 for p in (Fraction(100 * g, n), Fraction(100 * lead, b))]
        hits += any(whole)
    assert (int(test.stations), int(test.observed)) == (kept, hits)


def test_integer_excess_uses_kobak_inclusion_rule():
    registered = np.array([99, 100, 1000, 1000, 1000])
    issued = np.array([50, 50, 995, 500, 500])
    ballots = issued.copy()
    leader = np.array([25, 25, 400, 496, 250])
    test = fp.integer_excess(registered, issued, ballots, leader,
                             rng=np.random.default_rng(0), resamples=3)
    # left out: under 100 voters; turnout 99.5%; share 99.2%
    assert int(test.stations) == 2 and int(test.observed) == 2


@pytest.fixture(scope="module")
def russia():
    return read_published(RUSSIA)


def test_russia_2021_integer_excess_agrees_with_kobak(russia):
    # Kobak's notebook (github.com/dkobak/elections, analysis/duma2021): 1,309.8 excess
    # stations, turnout or United Russia's result, 1,000 resamples. Ours: 200 resamples; the
    # difference of two Monte Carlo means has sd about sd * sqrt(1/200 + 1/1000) (~8.5
    # here), plus at most a few stations that float rounding puts on either side of 0.05.
    counts = russia.counts
    test = fp.integer_excess(counts.registered, russia.issued, counts.ballots,
                             counts.votes[russia.leader], rng=np.random.default_rng(2021),
                             resamples=200)
    tolerance = 4 * float(test.sd) * math.sqrt(1 / 200 + 1 / 1000) + 5
    assert float(test.excess) == pytest.approx(1309.8, abs=tolerance)
    assert int(test.stations) == 90_821


def test_russia_2021_comet_agrees_with_shpilkin(russia):
    # Shpilkin (Echo of Moscow, 22 September 2021): "something like 14 million votes" added
    # to United Russia; genuine stations at about 38% turnout, United Russia 31-33%
    # (russian-election-monitor.org, 27 September 2021).
    counts = russia.counts
    tail = fp.comet(counts.registered, counts.ballots, counts.votes[russia.leader],
                    counts.valid())
    assert 13e6 < float(tail.excess) < 16e6
    assert 36 <= int(tail.mode_turnout) <= 39
    assert 0.31 <= float(tail.clean_share) <= 0.33


@settings(max_examples=20, deadline=None)
@given(stations(max_stations=40))
def test_integer_excess_is_reproducible_for_a_seed(data):
    registered, ballots, votes = data
    one, two = (fp.integer_excess(registered, ballots, ballots, votes[0],
                                  rng=np.random.default_rng(9), resamples=5)
                for _ in range(2))
    assert float(one.expected) == float(two.expected) and one.observed == two.observed
