"""Poll priors: statistical tests with fixed seeds and stated tolerances."""

import dataclasses

import numpy as np
import pytest

from sim.engine.simulate import simulate
from sim.law.allocate import allocate
from sim.polls.priors import draw_support, source_prior
from sim.scenario import load_scenario
from tests.scenario_text import MINIMAL, scenario_priors, two_sources, write_scenario

TWO_SOURCES = two_sources(other_weight=3.0)


def scenario_from(tmp_path, text=MINIMAL, **model):
    scenario = load_scenario(write_scenario(tmp_path, text))
    return dataclasses.replace(scenario, model=dataclasses.replace(scenario.model, **model))


def test_draw_means_match_poll_shares(tmp_path):
    scenario = scenario_from(tmp_path, flat_prior=0.0)
    priors, weights = scenario_priors(scenario)
    support, _ = draw_support(priors, weights, scenario.model, 200_000,
                              rng=np.random.default_rng(1))
    expected = np.array([0.5, 0.3, 0.2])
    # Dirichlet(n_eff * p): sd of a share is sqrt(p (1 - p) / (n_eff + 1)); n_eff = 1000 / 1.5.
    standard_error = np.sqrt(expected * (1 - expected) / (1000 / 1.5 + 1)) / np.sqrt(200_000)
    assert np.abs(support.mean(axis=0) - expected).max() < 4 * standard_error.max()
    assert np.allclose(support.sum(axis=1), 1.0)


def test_a_larger_poll_is_tighter(tmp_path):
    spreads = []
    for n in (500, 5000):
        scenario = scenario_from(tmp_path, MINIMAL.replace("n = 1000", f"n = {n}"))
        priors, weights = scenario_priors(scenario)
        support, _ = draw_support(priors, weights, scenario.model, 50_000,
                                  rng=np.random.default_rng(2))
        spreads.append(support[:, 0].std())
    # sd scales as 1 / sqrt(n): a tenfold sample gives about a third of the spread.
    assert spreads[1] / spreads[0] == pytest.approx(np.sqrt(500 / 5000), rel=0.05)


def test_huge_sample_converges_to_the_deterministic_allocation(tmp_path):
    text = MINIMAL.replace("n = 1000", "n = 100000000").replace(
        "a = 0.5, b = 0.3, c = 0.2", "a = 0.47, b = 0.33, c = 0.20")
    scenario = scenario_from(tmp_path, text, flat_prior=0.0)
    simulation = simulate(scenario, draws=20_000, seed=3)
    expected = allocate([0.47, 0.33, 0.20], scenario.system)  # [5, 3, 2] of 10
    for item, seats in zip(simulation.to_dict()["lists"], expected):
        assert item["seats"]["mean"] == pytest.approx(seats, abs=0.01)


def test_mixture_draws_follow_the_source_weights(tmp_path):
    scenario = scenario_from(tmp_path, TWO_SOURCES)
    priors, weights = scenario_priors(scenario)
    assert weights.tolist() == [0.25, 0.75]
    _, source = draw_support(priors, weights, scenario.model, 100_000,
                             rng=np.random.default_rng(4))
    # Binomial: the standard error of a share of 100,000 draws is at most 0.0016.
    assert abs((source == 1).mean() - 0.75) < 4 * np.sqrt(0.75 * 0.25 / 100_000)


def test_mixture_is_bimodal_and_pooled_is_the_weighted_average(tmp_path):
    mixture = scenario_from(tmp_path, TWO_SOURCES, flat_prior=0.0)
    pooled = scenario_from(tmp_path, TWO_SOURCES, flat_prior=0.0, combine="pooled")
    priors, weights = scenario_priors(mixture)
    mixed, source = draw_support(priors, weights, mixture.model, 50_000,
                                 rng=np.random.default_rng(5))
    together, _ = draw_support(priors, weights, pooled.model, 50_000,
                               rng=np.random.default_rng(5))
    # Source "poll" has a at 0.5 and "other" at 0.2: each draw sits near its own source.
    assert abs(mixed[source == 0, 0].mean() - 0.5) < 0.005
    assert abs(mixed[source == 1, 0].mean() - 0.2) < 0.005
    assert abs(together[:, 0].mean() - (0.25 * 0.5 + 0.75 * 0.2)) < 0.005
    assert together[:, 0].std() < mixed[:, 0].std() / 3


def test_house_effects_shift_shares_in_points(tmp_path):
    text = MINIMAL.replace('name = "A pollster"',
                           'name = "A pollster"\nhouse_effects = { a = -10.0, b = 10.0 }')
    scenario = scenario_from(tmp_path, text)
    prior = scenario_priors(scenario)[0][0]
    assert prior.shares.tolist() == pytest.approx([0.4, 0.4, 0.2])


def test_undecided_split_and_proportional(tmp_path):
    text = MINIMAL.replace("a = 0.5, b = 0.3, c = 0.2", "a = 0.4, b = 0.2, c = 0.2, "
                           "undecided = 0.2")
    proportional = scenario_priors(scenario_from(tmp_path, text))[0][0]
    assert proportional.shares.tolist() == pytest.approx([0.5, 0.25, 0.25])
    assert proportional.undecided == pytest.approx(0.2)
    split = scenario_priors(scenario_from(tmp_path, text, undecided={"c": 1.0}))[0][0]
    assert split.shares.tolist() == pytest.approx([0.4, 0.2, 0.4])
    assert split.undecided == pytest.approx(0.0)
    # Only decided respondents carry information: 80% of 1000, over the design effect 1.5.
    assert proportional.n_effective == pytest.approx(800 / 1.5)


def test_unassigned_share_counts_as_undecided(tmp_path):
    text = MINIMAL.replace("a = 0.5, b = 0.3, c = 0.2", "a = 0.3, b = 0.3, c = 0.2")
    prior = scenario_priors(scenario_from(tmp_path, text))[0][0]
    assert prior.undecided == pytest.approx(0.2)


def test_fill_gives_lists_a_source_does_not_report_a_stated_share(tmp_path):
    text = MINIMAL.replace('name = "A pollster"', 'name = "A pollster"\nfill = { c = 0.1 }'
                           ).replace("a = 0.5, b = 0.3, c = 0.2", "a = 0.5, b = 0.4")
    prior = scenario_priors(scenario_from(tmp_path, text))[0][0]
    assert prior.shares.tolist() == pytest.approx([0.5, 0.4, 0.1])


def test_poll_age_halves_its_weight_every_half_life(tmp_path):
    text = MINIMAL.replace('name = "A pollster"', 'name = "A pollster"\nhalf_life_days = 10'
                           ).replace('''[[poll]]
source = "poll"
n = 1000''', '''[[poll]]
source = "poll"
fieldwork = "2020-12-01/2020-12-21"
n = 1000
shares = { a = 0.2, b = 0.4, c = 0.4 }

[[poll]]
source = "poll"
fieldwork = 2020-12-31
n = 1000''').replace("[run]", "[model]\nelection_date = 2020-12-31\n\n[run]")
    scenario = scenario_from(tmp_path, text)
    source = scenario.sources[0]
    prior = source_prior(source, list(scenario.polls), scenario.model, scenario.options)
    # Weights 1000 * 0.5 (ten days old) and 1000: a = (0.5 * 0.2 + 1 * 0.5) / 1.5.
    assert prior.shares[0] == pytest.approx(0.4)
    assert prior.n_effective == pytest.approx(1500 / 1.5)


def test_systematic_error_widens_without_moving_the_centre(tmp_path):
    calm = scenario_from(tmp_path, flat_prior=0.0)
    shaken = scenario_from(tmp_path, flat_prior=0.0, systematic_sd=0.3)
    priors, weights = scenario_priors(calm)
    a, _ = draw_support(priors, weights, calm.model, 50_000, rng=np.random.default_rng(6))
    b, _ = draw_support(priors, weights, shaken.model, 50_000, rng=np.random.default_rng(6))
    assert b[:, 0].std() > 3 * a[:, 0].std()
    assert np.median(b[:, 0]) == pytest.approx(0.5, abs=0.02)
