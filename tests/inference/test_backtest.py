"""Backtest scores: the CRPS against closed forms, scores of a run, and the scoring checked
on counts drawn from the forecast itself."""

import numpy as np
import pytest

from sim.engine.simulate import simulate
from sim.engine.statistics import SHARE_BINS
from sim.errors import SimError
from sim.inference.backtest import _crps, _share_cdf, coverage, score, summary_row
from sim.law.allocate import allocate
from sim.law.tally import Tally, load_tally
from sim.polls.support import draw_support, support_model
from sim.scenario import load_scenario
from tests.inference.paths import TALLY
from tests.scenario_text import MINIMAL, write_scenario


@pytest.mark.parametrize("observed", [0.1, 0.5, 0.93])
def test_crps_of_a_uniform_distribution_is_the_closed_form(observed):
    grid, cdf = _share_cdf(np.ones(SHARE_BINS, dtype=np.int64))
    expected = observed**3 / 3 + (1 - observed) ** 3 / 3  # CRPS of U(0, 1) at y
    assert _crps(grid, cdf, observed) == pytest.approx(expected, abs=1e-6)


def test_crps_of_a_sharp_forecast_is_the_distance():
    histogram = np.zeros(SHARE_BINS, dtype=np.int64)
    histogram[1024] = 10  # all mass in [0.5, 0.5 + 1/2048)
    grid, cdf = _share_cdf(histogram)
    assert _crps(grid, cdf, 0.2) == pytest.approx(0.3 + 0.5 / SHARE_BINS, abs=1e-4)


@pytest.fixture
def scored(tmp_path):
    scenario = load_scenario(write_scenario(tmp_path, MINIMAL))
    tally = load_tally(write_scenario(tmp_path, TALLY, "tally.toml"))
    return score(simulate(scenario, draws=4000, seed=5), tally, name="minimal")


def test_a_poll_that_was_right_covers_the_count(scored):
    # The poll said 50 / 30 / 20 with n = 1000 and the count says the same.
    assert [s.list for s in scored] == ["a", "b", "c"]
    assert all(s.share_inside and s.seats_inside for s in scored)
    assert all(0.2 < s.share_pit < 0.8 for s in scored)
    assert all(s.log_score <= 0 and s.crps >= 0 for s in scored)
    shares, seats = coverage(scored, levels=[0.0001, 0.9])
    assert shares[-1] == 1.0 and seats[-1] == 1.0 and shares[0] == 0.0
    assert summary_row(scored)["share_coverage"] == 1.0


def test_a_far_count_is_outside_with_an_extreme_pit(tmp_path):
    scenario = load_scenario(write_scenario(tmp_path, MINIMAL))
    landslide = TALLY.replace("a = 50", "a = 500").replace("a = 5\n", "a = 9\n")
    tally = load_tally(write_scenario(tmp_path, landslide.replace("b = 3\n", "b = 1\n")
                                      .replace("c = 2\n", "c = 0\n"), "tally.toml"))
    first = score(simulate(scenario, draws=2000, seed=5), tally, name="far")[0]
    assert not first.share_inside and first.share_pit > 0.99
    assert not first.seats_inside and first.log_score == pytest.approx(np.log(0.5 / 2000))


def test_an_observed_count_without_the_scenario_lists_is_refused(tmp_path):
    scenario = load_scenario(write_scenario(tmp_path, MINIMAL))
    tally = load_tally(write_scenario(tmp_path, TALLY.replace("c = ", "d = "), "tally.toml"))
    with pytest.raises(SimError, match="has no list 'c'"):
        score(simulate(scenario, draws=200, seed=1), tally, name="x")


def test_counts_drawn_from_the_forecast_itself_are_covered_at_the_nominal_rate(tmp_path):
    # If the truth is a draw of the model's own predictive distribution, 90% intervals must
    # hold it 90% of the time and PITs must average 1/2: a check of the scoring itself.
    # 300 truths x 3 lists (correlated within a truth): tolerances about 3 standard errors.
    text = MINIMAL.replace("[run]", "[model.error]\nelection_sd = 0.3\n\n[run]")
    scenario = load_scenario(write_scenario(tmp_path, text))
    simulation = simulate(scenario, draws=40000, seed=9)
    truths, _ = draw_support(support_model(scenario), 300, rng=np.random.default_rng(10))
    votes = np.round(truths * 1_000_000).astype(np.int64)
    seats = allocate(votes, scenario.system)
    scores = []
    for v, s in zip(votes, seats):
        tally = Tally(path="truth", title="truth", system=scenario.system, lists=("a", "b", "c"),
                      votes=v, against_all=None, invalid=None,
                      official=dict(zip("abc", s.tolist())))
        scores += score(simulation, tally, name="self")
    shares, seat_coverage = coverage(scores, levels=[0.5, 0.9])
    assert 0.45 <= shares[0] <= 0.55 and 0.86 <= shares[1] <= 0.94
    assert 0.86 <= seat_coverage[1] <= 0.99  # seat intervals hold their ends: at least 90%
    assert abs(np.mean([s.share_pit for s in scores]) - 0.5) < 0.04
    assert abs(np.mean([s.seats_pit for s in scores]) - 0.5) < 0.04
