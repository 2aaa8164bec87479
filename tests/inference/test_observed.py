"""The observed figures and a draw's figures are computed alike: a draw whose count equals
the tally is at distance zero (a property over tallies)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.engine.simulate import ChunkDraws
from sim.inference.abc import Acceptor
from sim.inference.observed import draw_figures, observed_figures
from sim.law.tally import Tally
from sim.scenario import load_scenario
from tests.scenario_text import MINIMAL, write_scenario
from tests.strategies import vote_counts

COUNT = "\n[count]\nregistered = 10000000\nturnout = 0.6\n"


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    return load_scenario(write_scenario(tmp_path_factory.mktemp("obs"), MINIMAL + COUNT))


@given(votes=vote_counts(min_lists=3, max_lists=3), invalid=st.integers(0, 10**5),
       order=st.permutations(["a", "b", "c"]))
def test_a_draw_with_the_tallys_count_is_at_distance_zero(scenario, votes, invalid, order):
    # The tally may list the lists in any order; the figures follow the ballot's.
    by_list = dict(zip("abc", votes))
    tally = Tally(path="t.toml", title="t", system=scenario.system, lists=tuple(order),
                  votes=np.array([by_list[name] for name in order]), against_all=None,
                  invalid=invalid, official=None)
    observed = observed_figures(tally, scenario)
    assert observed.names == ("a", "b", "c", "turnout", "invalid")
    assert abs(observed.values[:3].sum() - 100) < 1e-9
    ballots = sum(votes) + invalid
    chunk = ChunkDraws(np.array(votes, dtype=np.int64)[:, None], np.zeros(1, dtype=int),
                       invalid=np.array([invalid]), turnout=np.array([ballots / 10**7]))
    assert np.allclose(draw_figures(chunk, observed)[:, 0], observed.values, atol=1e-9)
    kept = Acceptor(observed, 1e-6, 1, 1)(0, chunk).accepted
    assert kept.size == 1 and kept.distance[0] < 1e-6
