"""Random-effects pooling: exact log-moments, the DerSimonian-Laird estimate, and intervals
that widen with disagreement and narrow with agreement."""

import dataclasses

import numpy as np
import pytest

from sim.polls.pooling import ilr_basis, random_effects, vote_moments
from sim.polls.support import draw_support, support_model
from sim.scenario import load_scenario
from tests.scenario_text import MINIMAL, two_sources, write_scenario


def pooled_scenario(tmp_path, text, **model):
    scenario = load_scenario(write_scenario(tmp_path, text))
    return dataclasses.replace(scenario, model=dataclasses.replace(
        scenario.model, combine="pooled", **model))


def interval(scenario, seed=1, draws=50_000):
    support, _ = draw_support(support_model(scenario), draws, rng=np.random.default_rng(seed))
    return np.quantile(support[:, 0], [0.05, 0.95])


def test_log_moments_of_a_source_with_a_fill_match_its_draws(tmp_path):
    text = MINIMAL.replace('name = "A pollster"', 'name = "A pollster"\nfill = { b = 0.2, c = 0.1 }'
                           ).replace("a = 0.5, b = 0.3, c = 0.2", "a = 0.3, undecided = 0.4")
    support = support_model(load_scenario(write_scenario(tmp_path, text)))
    prior = support.priors[0]
    mean, cov = vote_moments(prior, (None,) * 3)
    votes = prior.draw(400_000, rng=np.random.default_rng(2))
    z = ilr_basis(3).T @ np.log(votes)
    # Exact for the Dirichlet parts: only Monte Carlo error (a few 0.001) remains.
    assert z.mean(axis=1) == pytest.approx(mean, abs=0.01)
    assert np.cov(z) == pytest.approx(cov, abs=0.01)


def test_the_between_source_estimate_recovers_a_known_spread():
    # 40 sources, each off by N(0, 0.3^2) per log share plus a known sampling error.
    rng = np.random.default_rng(3)
    basis = ilr_basis(4)
    sampling = 0.05 ** 2 * np.eye(3)
    estimates = []
    for _ in range(50):
        means = [basis.T @ rng.normal(0, 0.3, 4) + rng.multivariate_normal(np.zeros(3), sampling)
                 for _ in range(40)]
        estimates.append(random_effects(means, [sampling] * 40, np.ones(40), None,
                                        0.0).estimated_sd)
    assert np.mean(estimates) == pytest.approx(0.3, rel=0.05)


def test_agreeing_sources_narrow_the_interval(tmp_path):
    agree = two_sources().replace("a = 0.2, b = 0.4, c = 0.4", "a = 0.5, b = 0.3, c = 0.2")
    both = pooled_scenario(tmp_path, agree)
    one = pooled_scenario(tmp_path, MINIMAL)
    assert support_model(both).pooled.estimated_sd == 0.0
    width_both, width_one = np.diff(interval(both))[0], np.diff(interval(one))[0]
    # Two equal polls are one poll of twice the size.
    assert width_both / width_one == pytest.approx(2 ** -0.5, rel=0.03)


def test_disagreeing_sources_widen_the_interval_to_hold_both(tmp_path):
    # Source "poll" has a at 50%, "other" at 20%, 1,000 respondents each.
    both = pooled_scenario(tmp_path, two_sources())
    one = pooled_scenario(tmp_path, MINIMAL)
    low, high = interval(both)
    assert support_model(both).pooled.estimated_sd > 0.3
    assert low < 0.2 and high > 0.5
    assert high - low > 5 * np.diff(interval(one))[0]


def test_a_declared_between_sd_replaces_the_estimate(tmp_path):
    scenario = pooled_scenario(tmp_path, two_sources(), between_sd=0.05)
    pooled = support_model(scenario).pooled
    # The estimate is still reported, beside the value used.
    assert pooled.between_sd == 0.05 and pooled.estimated_sd > 0.3
    low, high = interval(scenario)
    # Declared near-agreement: one interval between the two sources, holding neither.
    assert 0.2 < low < high < 0.5


def test_weight_zero_leaves_a_source_out(tmp_path):
    scenario = pooled_scenario(tmp_path, two_sources(other_weight=0.0))
    alone = pooled_scenario(tmp_path, MINIMAL)
    assert interval(scenario) == pytest.approx(interval(alone))
