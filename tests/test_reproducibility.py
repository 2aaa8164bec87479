"""Same scenario and seed => identical results, whatever the workers, chunking or hash seed."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from sim.engine.executors import SerialExecutor
from sim.engine.simulate import run_chunk, simulate
from sim.inference.abc import infer
from sim.inference.observed import Observed
from sim.polls.priors import draw_support
from sim.scenario import load_scenario
from tests.scenario_text import MINIMAL, scenario_priors, write_scenario

ROOT = Path(__file__).parent.parent
MIXTURE = ROOT / "scenarios" / "kz-2021" / "mixture.toml"


@pytest.fixture
def scenario(tmp_path):
    return load_scenario(write_scenario(tmp_path))


def summary_of(simulation):
    return simulation.to_dict()


def chunk(scenario, entropy, index, size):
    return run_chunk(scenario, scenario_priors(scenario)[0], entropy, index, size)


STOCHASTIC = {
    "draw_support": lambda s, seed: draw_support(
        *scenario_priors(s), s.model, 1_000, rng=np.random.default_rng(seed))[0],
    "run_chunk": lambda s, seed: chunk(s, seed, 0, 1_000).seat_hist,
    "simulate": lambda s, seed: json.dumps(summary_of(simulate(s, draws=3_000, seed=seed))),
    "infer": lambda s, seed: infer(
        s, Observed(path="observed", names=s.options, values=np.array([50.0, 30.0, 20.0])),
        draws=20_000, accept=200, executor=SerialExecutor(), seed=seed,
        chunk_draws=5_000).accepted.key,
}


@pytest.mark.parametrize("name", sorted(STOCHASTIC))
def test_every_stochastic_function_is_reproducible_with_a_seed(scenario, name):
    function = STOCHASTIC[name]
    first, again, other = function(scenario, 7), function(scenario, 7), function(scenario, 8)
    assert np.array_equal(first, again)
    assert not np.array_equal(first, other)


def test_workers_do_not_change_the_result():
    scenario = load_scenario(MIXTURE)
    serial = simulate(scenario, draws=20_000, seed=11, workers=1, chunk_draws=4_000)
    parallel = simulate(scenario, draws=20_000, seed=11, workers=2, chunk_draws=4_000)
    assert summary_of(serial) == summary_of(parallel)


def test_chunks_are_a_prefix_of_longer_runs(scenario):
    # Chunk k always uses child k of the seed: a longer run extends a shorter one.
    short = simulate(scenario, draws=2_000, seed=5, chunk_draws=1_000).summary
    longer = simulate(scenario, draws=3_500, seed=5, chunk_draws=1_000).summary
    rest = chunk(scenario, 5, 2, 1_000).merge(chunk(scenario, 5, 3, 500))
    assert np.array_equal(short.merge(rest).seat_hist, longer.seat_hist)


def test_entropy_is_recorded_when_no_seed_is_given(tmp_path):
    scenario = load_scenario(write_scenario(tmp_path, MINIMAL.replace("seed = 1\n", "")))
    assert scenario.seed is None
    first = simulate(scenario, draws=2_000)
    again = simulate(scenario, draws=2_000, seed=first.entropy)
    assert first.entropy > 2**64  # fresh OS entropy, not a small default
    assert summary_of(first) == summary_of(again)


@pytest.mark.parametrize("hash_seed", ["1", "2"])
def test_result_does_not_depend_on_pythonhashseed(tmp_path, hash_seed):
    def run(seed_value):
        out = tmp_path / seed_value
        env = {**os.environ, "PYTHONHASHSEED": seed_value}
        completed = subprocess.run(
            [sys.executable, "-m", "sim", "run", str(MIXTURE), "--draws", "20000", "--quiet",
             "--out", str(out)], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
        assert completed.stderr == ""
        return (out / "mixture.json").read_text()

    assert run(hash_seed) == run("0")


def test_campaign_and_count_are_reproducible_across_workers():
    scenario = load_scenario(ROOT / "scenarios" / "kz-2021" / "smart-vote.toml")
    serial = simulate(scenario, draws=12_000, seed=2, chunk_draws=3_000)
    parallel = simulate(scenario, draws=12_000, seed=2, chunk_draws=3_000, workers=2)
    other = simulate(scenario, draws=12_000, seed=3, chunk_draws=3_000)
    assert summary_of(serial) == summary_of(parallel)
    assert summary_of(serial) != summary_of(other)
