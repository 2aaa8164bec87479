"""The district vote model: known winning odds, baselines, and whole-house totals."""

import math
import re
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from sim.districts.model import (
    baseline_offsets,
    district_seats,
    log_votes,
    national_log_shares,
    plurality_seats,
)
from sim.districts.spec import DistrictTier, Independents
from sim.engine.simulate import simulate
from sim.law.districts import plurality, seats_won
from sim.params import Param
from sim.scenario import load_scenario
from tests.scenario_text import MINIMAL, write_scenario

DISTRICTS = """
[districts]
seats = 5
spread = 0.5
[districts.independents]
share = { uniform = [0.1, 0.3] }
bloc = "opp"
"""


def tier(**keys) -> DistrictTier:
    seats = keys.pop("seats", 20)
    return DistrictTier(seats=seats, spread=keys.pop("spread", 0.5),
                        names=tuple(map(str, range(seats))), **keys)


def test_winning_odds_are_the_gumbel_closed_form():
    # With Gumbel noise of scale beta, a candidate tops a district with probability
    # proportional to share ** (1 / beta): the model's declared law, checked by simulation.
    shares = np.array([0.5, 0.3, 0.2])
    districts = tier(spread=0.6)
    n = 20_000
    seats = district_seats(np.repeat(shares[:, None], n, axis=1), districts,
                           baseline_offsets(districts, 3), rng=np.random.default_rng(7))
    beta = 0.6 * math.sqrt(6) / math.pi
    expected = shares ** (1 / beta) / (shares ** (1 / beta)).sum()
    observed = seats.sum(axis=1) / (n * districts.seats)
    # 400,000 district contests: the binomial sd is below 0.001; 0.004 is four of them.
    assert np.abs(observed - expected).max() < 0.004


def test_the_closed_form_draw_matches_plurality_over_explicit_votes():
    # The fast path draws winners without votes; the slow path makes the votes and applies
    # the law's plurality. Same model, so the same seat distribution (per candidate, per
    # district, over 6,000 draws: binomial sd of a mean about 0.006; tolerance 0.03).
    baseline = ((0.6, 0.2, 0.4), (0.3, 0.5, 0.2), (0.1, 0.3, 0.4))
    districts = tier(seats=3, spread=0.8, baseline=baseline)
    offsets = baseline_offsets(districts, 3)
    national = national_log_shares(np.repeat(np.array([[0.5], [0.3], [0.2]]), 20_000, axis=1),
                                   districts, rng=np.random.default_rng(0))
    fast = plurality_seats(national, districts, offsets, rng=np.random.default_rng(1))
    votes = log_votes(national, districts, offsets, rng=np.random.default_rng(2))
    slow = seats_won(plurality(votes), 3)
    assert np.abs(fast.mean(axis=1) - slow.mean(axis=1)).max() < 0.04
    assert (fast.sum(axis=0) == 3).all()


def test_the_same_generator_gives_the_same_seats_and_every_district_one_seat():
    districts = tier(independents=Independents(
        name="I", share=Param("uniform", (0.1, 0.3), 0.001, 0.99), bloc=None))
    shares = np.random.default_rng(1).dirichlet(np.ones(4), 500).T
    offsets = baseline_offsets(districts, 5)
    first = district_seats(shares, districts, offsets, rng=np.random.default_rng(3))
    again = district_seats(shares, districts, offsets, rng=np.random.default_rng(3))
    assert (first == again).all() and first.shape == (5, 500)
    assert (first.sum(axis=0) == districts.seats).all()


def test_a_candidate_absent_from_a_district_never_wins_it():
    # Baseline: list 1 stood only in district 0, where list 0 did not stand.
    baseline = ((0.0, 1.0, 1.0), (1.0, 0.0, 0.0))
    districts = tier(seats=3, baseline=baseline)
    shares = np.repeat(np.array([[0.01], [0.99]]), 2000, axis=1)
    seats = district_seats(shares, districts, baseline_offsets(districts, 2),
                           rng=np.random.default_rng(2))
    assert (seats[1] == 1).all() and (seats[0] == 2).all()


def test_two_round_gives_the_leader_no_more_than_plurality_does():
    # A runoff can only take seats from the leading list, never give it more on average.
    shares = np.repeat(np.array([[0.45], [0.35], [0.2]]), 4000, axis=1)
    plural, two = tier(), tier(rule="two-round", majority=Fraction(1, 2))
    won = [district_seats(shares, t, baseline_offsets(t, 3), rng=np.random.default_rng(5))
           for t in (plural, two)]
    assert (won[1].sum(axis=0) == 20).all()
    assert won[1][0].mean() < won[0][0].mean()


@pytest.mark.parametrize("rule", ["plurality", "two-round"])
def test_the_whole_house_is_list_plus_district_plus_appointed_in_every_draw(tmp_path, rule):
    scenario = load_scenario(write_scenario(
        tmp_path, MINIMAL + DISTRICTS.replace("seats = 5", f'seats = 5\nrule = "{rule}"')))
    assert scenario.districts.rule == rule
    assert scenario.house == 10 + 5 + 2
    summary = simulate(scenario, draws=3000, seed=4).to_dict()
    house = summary["parliament"]["house"]
    government, opposition = (np.array(b["seats"]["histogram"]) for b in summary["blocs"])
    # Every seat is in one of the two blocs, so government = house - opposition draw by draw:
    # the two histograms mirror each other exactly.
    padded = np.zeros(house + 1, dtype=np.int64)
    padded[:len(opposition)] = opposition
    assert np.array_equal(np.pad(government, (0, house + 1 - len(government))), padded[::-1])
    means = sum(item["seats"]["mean"] for item in summary["lists"])
    assert means + summary["independents"]["seats"]["mean"] == pytest.approx(15, abs=1e-5)
    for item in summary["lists"]:
        tiers = item["seats_by_tier"]
        assert item["seats"]["mean"] == pytest.approx(
            tiers["list"]["mean"] + tiers["district"]["mean"], abs=1e-5)


def test_the_spread_table_in_the_docs_is_what_the_model_draws():
    # docs/scenarios.md sizes `spread` by the factor within which two candidates' share
    # ratio stays of its national value in 90% of districts. Measured here on 40 districts
    # x 5,000 draws of the model's own district log-shares (the 5%/95% quantiles of
    # 200,000 log-ratios are good to about 1%; the table rounds to 2 digits).
    text = (Path(__file__).parent.parent.parent / "docs" / "scenarios.md").read_text()
    rows = re.findall(r"^\| ([\d.]+) \| ([\d.]+) \|", text, flags=re.MULTILINE)
    assert [spread for spread, _ in rows] == ["0.2", "0.4", "0.7", "1.0"]
    national = np.log(np.full((2, 5_000), 0.5))
    for spread, factor in rows:
        districts = tier(seats=40, spread=float(spread))
        votes = log_votes(national, districts, baseline_offsets(districts, 2),
                          rng=np.random.default_rng(11))
        ratio = (votes[0] - votes[1]).astype(np.float64).ravel()
        low, high = np.quantile(ratio, [0.05, 0.95])
        assert math.exp((high - low) / 2) == pytest.approx(float(factor), rel=0.03)
        assert ratio.std() == pytest.approx(float(spread) * math.sqrt(2), rel=0.02)
