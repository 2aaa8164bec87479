"""The posterior document: sources' probabilities and Bayes factors agree with each other,
and a source that explains nothing gets a bound rather than a number."""

import numpy as np
import pytest

from sim.engine.executors import SerialExecutor
from sim.inference.abc import infer
from sim.inference.observed import Observed
from sim.inference.posterior import posterior_document
from sim.scenario import load_scenario
from tests.scenario_text import ENDORSEMENT_CHAIN, MINIMAL, two_sources, write_scenario


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
    return document_of(scenario, values, tolerance=tolerance)


def document_of(scenario, values, *, tolerance=None, draws=100_000, accept=1_000):
    observed = Observed(path="observed", names=scenario.options, values=np.array(values))
    return posterior_document(infer(scenario, observed, draws=draws, accept=accept,
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


COUNT = """
[model]
election_date = 2021-01-10

[count]
registered = 1000000
turnout = { uniform = [0.4, 0.8] }
[count.turnout_multipliers]
a = { uniform = [0.9, 1.1] }
"""


def test_each_parameter_is_named_and_worded_by_the_reader_that_read_it(tmp_path):
    """No table of labels in the posterior: the chain's parameters (NaN where it did not
    act) arrive with their readers' words; one no draw drew (b is no target) is left out."""
    campaign = ENDORSEMENT_CHAIN.replace('targets = ["c", "b"]', 'targets = ["c"]') \
        .replace("[campaign.endorsers.e]", '[campaign.endorsers.e]\nname = "Endorser E"')
    scenario = load_scenario(write_scenario(tmp_path, MINIMAL.replace(
        "[run]", COUNT + campaign + "\n[run]")))
    result = document_of(scenario, [50.0, 30.0, 20.0], draws=20_000, accept=500)
    labels = {item["id"]: item["label"] for item in result["parameters"]}
    assert labels == {
        "campaign.endorsers.e.pool": "Endorser E: pool (share of the electorate)",
        "campaign.endorsers.e.fraction": "Endorser E: share of its pool that follows",
        "campaign.reactions.c.withdraw": "chance C withdraws once endorsed",
        "campaign.event[2].pool": "day 7: e boycott (stay home 0.5): pool",
        "count.turnout": "turnout before multipliers and stuffing",
        "count.turnout_multipliers.a": "relative turnout of A voters"}
    pool = next(item for item in result["parameters"]
                if item["id"] == "campaign.endorsers.e.pool")
    # Summarised over the draws that drew it: within its range, about half of them (the
    # prior sample is the first chunk, 10,000 draws: a binomial sd of 0.005 around 0.5).
    assert 0.02 <= pool["prior"]["q05"] < pool["prior"]["q95"] <= 0.08
    assert 0.47 < sum(pool["prior"]["histogram"]) / 10_000 < 0.53
