"""Approximate Bayesian computation: calibration by simulation (coverage of the 90%
posterior interval over replicates of known truth), an uninformed parameter keeping its
prior, and the same posterior for any executor."""

import numpy as np
import pytest
from scipy import stats

from sim.engine.distributed import DaskExecutor
from sim.engine.executors import ProcessExecutor, SerialExecutor
from sim.engine.simulate import draw_chunk
from sim.inference.abc import InferenceError, infer
from sim.inference.observed import Observed, draw_figures
from sim.scenario import load_scenario
from tests.scenario_text import MINIMAL, scenario_priors, write_scenario

COUNT = """
[count]
registered = 1000000
turnout = { uniform = [0.4, 0.8] }
invalid = { uniform = [0.01, 0.06] }
[count.inflation]
list = "a"
stuffing = { uniform = [0.0, 0.3] }
misrecording = { uniform = [0.0, 0.2] }
"""
PARAMS = ("count.turnout", "count.invalid", "count.inflation.stuffing",
          "count.inflation.misrecording")


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    return load_scenario(write_scenario(tmp_path_factory.mktemp("abc"), MINIMAL + COUNT))


def truth(scenario, entropy: int, names: tuple[str, ...]):
    """One draw of the forward model: its official figures as an observation, and its
    parameter values."""
    chunk = draw_chunk(scenario, scenario_priors(scenario)[0], entropy, 0, 1)
    template = Observed(path="truth", names=names, values=np.zeros(len(names)))
    values = draw_figures(chunk, template)[:, 0]
    return Observed(path="truth", names=names, values=values), \
        {name: value[0] for name, value in chunk.params.items()}


def test_the_90_percent_interval_covers_the_truth_in_85_to_95_percent_of_replicates(scenario):
    # 200 replicates x 4 parameters; a replicate's truth is one forward draw with its own
    # seed, its posterior the 400 closest of 40,000 prior draws. The 800 intervals' coverage
    # has a binomial sd near 1 point around 90% (more, as a replicate's four intervals are
    # not independent); the tolerance makes the intervals a little wide (93-94% measured
    # with three sets of seeds).
    names = scenario.options + ("turnout", "invalid")
    executor = SerialExecutor()
    covered = []
    for replicate in range(200):
        observed, true = truth(scenario, 10_000 + replicate, names)
        inference = infer(scenario, observed, draws=40_000, accept=400, executor=executor,
                          seed=replicate, chunk_draws=20_000)
        for name in PARAMS:
            low, high = np.quantile(inference.accepted.values[name], (0.05, 0.95))
            covered.append(low <= true[name] <= high)
    assert 0.85 <= np.mean(covered) <= 0.95


def test_a_parameter_the_count_cannot_inform_keeps_its_prior(scenario):
    # Without invalid ballots in the observation, the invalid share changes no figure (it
    # takes the same share from every list): its posterior must be its uniform prior.
    observed, _ = truth(scenario, 7, scenario.options)
    inference = infer(scenario, observed, draws=200_000, accept=4_000,
                      executor=SerialExecutor(), seed=3)
    invalid = inference.accepted.values["count.invalid"]
    assert abs(invalid.mean() - 0.035) < 3 * 0.05 / np.sqrt(12) / np.sqrt(invalid.size)
    assert stats.kstest(invalid, stats.uniform(0.01, 0.05).cdf).pvalue > 0.01
    # ...while the stuffing, which the shares do inform, moves away from its prior.
    stuffing = inference.accepted.values["count.inflation.stuffing"]
    assert stats.kstest(stuffing, stats.uniform(0.0, 0.3).cdf).pvalue < 1e-6


def test_the_same_seed_gives_the_same_posterior_on_any_executor(scenario):
    observed, _ = truth(scenario, 11, scenario.options + ("turnout", "invalid"))
    runs = []
    for make in (SerialExecutor, lambda: ProcessExecutor(2),
                 lambda: DaskExecutor("local", workers=2)):
        executor = make()
        try:
            runs.append(infer(scenario, observed, draws=100_000, accept=500,
                              executor=executor, seed=5, chunk_draws=10_000))
        finally:
            executor.close()
    serial = runs[0]
    for other in runs[1:]:
        assert np.array_equal(serial.accepted.key, other.accepted.key)
        assert serial.tolerance == other.tolerance and serial.rounds == other.rounds
        assert np.array_equal(serial.source_draws, other.source_draws)


def test_a_fixed_tolerance_accepts_every_draw_within_it_and_no_other(scenario):
    observed, _ = truth(scenario, 13, scenario.options + ("turnout", "invalid"))
    inference = infer(scenario, observed, draws=200_000, accept=300, tolerance=2.0,
                      executor=SerialExecutor(), seed=1, chunk_draws=10_000)
    assert inference.accepted.size >= 300 and inference.accepted.distance.max() <= 2.0
    # It stops at the end of the round in which the accepted draws reached 300.
    assert inference.draws < 200_000


def test_an_observation_the_prior_cannot_produce_is_refused(scenario):
    observed = Observed(path="impossible", names=scenario.options,
                        values=np.array([2.0, 49.0, 49.0]))
    with pytest.raises(InferenceError, match="cannot produce the observed count"):
        infer(scenario, observed, draws=50_000, accept=500, executor=SerialExecutor(), seed=1)


def test_campaign_parameters_are_inferred_too(tmp_path):
    # A shift of list a by -20 to +20 points before the count: the observed shares tell it.
    campaign = ("[model]\nelection_date = 2021-01-10\n\n[campaign]\ndays = 10\n"
                "[[campaign.event]]\nkind = \"shift\"\nday = 5\nlist = \"a\"\n"
                "points = { uniform = [-20, 20] }\n\n[run]")
    scenario = load_scenario(write_scenario(tmp_path, MINIMAL.replace("[run]", campaign)))
    observed, _ = truth(scenario, 3, scenario.options)
    inference = infer(scenario, observed, draws=100_000, accept=1_000,
                      executor=SerialExecutor(), seed=2)
    points = inference.accepted.values["campaign.event[0].points"]
    assert points.size == 1_000 and points.std() < 0.5 * 40 / np.sqrt(12)
