"""The posterior document: sources' probabilities and Bayes factors agree with each other,
and a source that explains nothing gets a bound rather than a number."""

import numpy as np
import pytest

from sim.engine.executors import SerialExecutor
from sim.inference.abc import infer
from sim.inference.observed import Observed
from sim.inference.posterior import posterior_document
from sim.scenario import load_scenario
from tests.scenario_text import two_sources, write_scenario


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    # Source "poll" says a 50%, b 30%, c 20%; source "other" a 20%, b 40%, c 40%; the
    # second weighs three times as much a priori.
    return load_scenario(write_scenario(tmp_path_factory.mktemp("bf"), two_sources(3.0)))


@pytest.fixture(scope="module")
def vague(tmp_path_factory):
    """The same with a large systematic error, so that both sources reach the middle."""
    text = two_sources(3.0).replace("[run]", "[model.error]\nelection_sd = 0.3\n\n[run]")
    return load_scenario(write_scenario(tmp_path_factory.mktemp("vague"), text))


def document(scenario, values, tolerance=None):
    observed = Observed(path="observed", names=scenario.options, values=np.array(values))
    return posterior_document(infer(scenario, observed, draws=100_000, accept=1_000,
                                    tolerance=tolerance, executor=SerialExecutor(), seed=4,
                                    chunk_draws=10_000))


def test_posterior_odds_are_the_bayes_factor_times_the_prior_odds(vague):
    # Halfway between the two sources: both explain it, neither perfectly.
    result = document(vague, [35.0, 35.0, 30.0])
    sources = {s["id"]: s for s in result["sources"]}
    assert sum(s["accepted"] for s in sources.values()) == result["method"]["accepted"]
    assert sum(s["draws"] for s in sources.values()) == result["method"]["draws"]
    (factor,) = result["bayes_factors"]
    better, worse = sources[factor["for"]], sources[factor["against"]]
    posterior_odds = better["posterior"] / worse["posterior"]
    assert posterior_odds == pytest.approx(factor["value"] * better["prior"] / worse["prior"],
                                           rel=0.01)
    assert factor["low"] < factor["value"] < factor["high"]


def test_the_source_that_explains_the_count_wins_and_the_other_gets_a_bound(scenario):
    # Exactly the first source's poll, within one point: the second source's draws
    # (a near 20%) never come that close.
    result = document(scenario, [50.0, 30.0, 20.0], tolerance=1.0)
    (factor,) = result["bayes_factors"]
    assert factor["for"] == "poll" and factor["against"] == "other"
    assert "value" not in factor and factor["at_least"] > 100
    assert [s["posterior"] for s in result["sources"]] == [1.0, 0.0]


def test_a_parameter_without_words_of_its_own_is_named_by_its_key_path():
    # A new parameter key (a recorder's, say) must not stop the posterior with a KeyError.
    from sim.inference.posterior import _param_label

    scenario = None  # neither key reads the scenario
    assert _param_label("count.new_rate", scenario) == "count.new_rate"
    assert _param_label("campaign.endorsers.x.pool", scenario) == "campaign.endorsers.x.pool"
    assert _param_label("count.invalid", scenario) == "invalid share of genuine ballots"
