"""The campaign timeline: exact deterministic cases, invariants, the endorsement chain, and
agreement in distribution with a plain per-draw simpy reference."""

import ast
import inspect
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from sim.campaign import chains
from sim.campaign.run import run_campaign
from sim.errors import ScenarioError
from sim.scenario import load_scenario
from tests.campaign_reference import reference_campaign
from tests.scenario_text import MINIMAL, write_scenario

LISTS = ("a", "b", "c")


def scenario_with(tmp_path, campaign):
    text = MINIMAL.replace("[run]", "[model]\nelection_date = 2021-01-10\n\n" + campaign
                           + "\n[run]")
    return load_scenario(write_scenario(tmp_path, text))


def electorate(n, shares=(0.4, 0.3, 0.2), stay_home=0.1):
    """Lists first: options, then stay-home; every draw alike."""
    return np.tile(np.array([*shares, stay_home])[:, None], (1, n))


def run(scenario, state, seed=0):
    return run_campaign(scenario.campaign, state, scenario.ballot,
                        rng=np.random.default_rng(seed))


def shift_of_c(tmp_path, points: str):
    """A scenario whose campaign shifts list c by ``points`` (TOML) on day 5."""
    return scenario_with(tmp_path, f"""
[campaign]
start = 2020-12-15
[[campaign.event]]
kind = "shift"
date = 2020-12-20
list = "c"
points = {points}
""")


def test_shift_moves_points_and_rescales_the_rest(tmp_path):
    scenario = shift_of_c(tmp_path, "10.0")
    outcome = run(scenario, electorate(4))
    # Voting share 0.9: c goes from 0.2/0.9 to 0.2/0.9 + 0.10 of the vote; a and b shrink
    # in proportion; stay-home is untouched.
    c_share = 0.2 / 0.9 + 0.10
    expected = np.array([0.4 / 0.7 * (1 - c_share), 0.3 / 0.7 * (1 - c_share), c_share]) * 0.9
    assert np.allclose(outcome.electorate[:3, 0], expected)
    assert np.allclose(outcome.electorate[3], 0.1)


def test_withdrawal_moves_all_of_a_lists_support_and_none_of_anyone_elses(tmp_path):
    scenario = scenario_with(tmp_path, """
[campaign]
start = 2020-12-15
[[campaign.event]]
kind = "withdraw"
date = 2020-12-20
list = "b"
probability = 1.0
transfer = "abstain"
""")
    outcome = run(scenario, electorate(3))
    assert np.allclose(outcome.electorate[:, 0], [0.4, 0.0, 0.2, 0.4])
    assert outcome.withdrawn.tolist() == [[False] * 3, [True] * 3, [False] * 3]


def test_proportional_transfer_and_probability_zero(tmp_path):
    scenario = scenario_with(tmp_path, """
[campaign]
start = 2020-12-15
[[campaign.event]]
kind = "withdraw"
date = 2020-12-20
list = "a"
probability = 1.0
[[campaign.event]]
kind = "withdraw"
date = 2020-12-21
list = "b"
probability = 0.0
""")
    outcome = run(scenario, electorate(2))
    # a's 0.4 goes to b and c in proportion 3:2; b never leaves.
    assert np.allclose(outcome.electorate[:, 0], [0.0, 0.54, 0.36, 0.1])
    assert not outcome.withdrawn[1].any()


def test_endorsement_chain_moves_on_when_the_endorsed_list_withdraws(tmp_path):
    scenario = scenario_with(tmp_path, """
[campaign]
start = 2020-12-15
[campaign.endorsers.e]
pool = 0.05
from = "abstain"
targets = ["c", "b"]
[campaign.reactions.c]
withdraw = 1.0
delay = [3, 3]
transfer = "abstain"
[[campaign.event]]
kind = "endorse"
date = 2020-12-20
endorser = "e"
""")
    outcome = run(scenario, electorate(3))
    # Endorse c: 0.05 from stay-home to c. Three days later c withdraws: its own 0.2 stays
    # home, the endorser's 0.05 follows it to b.
    assert np.allclose(outcome.electorate[:, 0], [0.4, 0.35, 0.0, 0.25])
    assert outcome.withdrawn[2].all() and not outcome.withdrawn[1].any()
    assert outcome.endorsed["e"].tolist() == [1, 1, 1]


def test_events_after_election_day_are_errors(tmp_path):
    with pytest.raises(ScenarioError, match=r"campaign.event\[0\].date = .*must fall within"):
        scenario_with(tmp_path, """
[campaign]
start = 2020-12-15
[[campaign.event]]
kind = "withdraw"
date = 2021-02-01
list = "a"
""")


def test_electorate_sums_stay_one_with_drift_and_boycotts(tmp_path):
    scenario = scenario_with(tmp_path, """
[campaign]
start = 2020-12-15
drift_sd = { uniform = [0.0, 0.05] }
[campaign.endorsers.e]
pool = { uniform = [0.0, 0.2] }
from = "all"
targets = ["c", "b"]
[campaign.reactions.c]
withdraw = 0.5
delay = [1, 5]
[[campaign.event]]
kind = "endorse"
day = 3
endorser = "e"
[[campaign.event]]
kind = "boycott"
day = 10
list = "a"
stay_home = { uniform = [0.0, 0.3] }
""")
    outcome = run(scenario, electorate(5_000))
    assert np.allclose(outcome.electorate.sum(axis=0), 1.0)
    assert (outcome.electorate >= -1e-12).all()
    assert 0.4 < outcome.withdrawn[2].mean() < 0.6


def test_cost_follows_events_not_days(tmp_path):
    """Thirty and three hundred days with the same events draw the same random numbers."""
    template = """
[campaign]
days = {days}
drift_sd = 0.02
[[campaign.event]]
kind = "withdraw"
day = 5
list = "a"
probability = 0.5
"""
    scenario_short = load_scenario(write_scenario(tmp_path, MINIMAL.replace(
        "[run]", template.format(days=30) + "\n[run]"), "short.toml"))
    scenario_long = load_scenario(write_scenario(tmp_path, MINIMAL.replace(
        "[run]", template.format(days=300) + "\n[run]"), "long.toml"))
    rngs = [np.random.default_rng(1), np.random.default_rng(1)]
    run_campaign(scenario_short.campaign, electorate(100), scenario_short.ballot, rng=rngs[0])
    run_campaign(scenario_long.campaign, electorate(100), scenario_long.ballot, rng=rngs[1])
    assert rngs[0].bit_generator.state == rngs[1].bit_generator.state


CHAIN = """
[campaign]
start = 2020-12-15
drift_sd = 0.03
[campaign.endorsers.e]
pool = { uniform = [0.02, 0.08] }
fraction = { uniform = [0.3, 0.9] }
from = "abstain"
targets = ["c", "b"]
[campaign.reactions.c]
withdraw = 0.6
delay = [2, 6]
[campaign.reactions.b]
withdraw = 0.4
delay = [1, 4]
transfer = "abstain"
[[campaign.event]]
kind = "endorse"
date = 2020-12-20
endorser = "e"
"""


def test_vectorised_campaign_agrees_with_a_per_draw_simpy_reference(tmp_path):
    scenario = scenario_with(tmp_path, CHAIN)
    vectorised = run(scenario, electorate(20_000), seed=3)
    rng = np.random.default_rng(4)
    reference = [reference_campaign(scenario.campaign, [0.4, 0.3, 0.2, 0.1], LISTS, rng)
                 for _ in range(400)]
    ref_shares = np.array([shares for shares, _ in reference])
    ref_c_withdrawn = np.mean(["c" in withdrawn for _, withdrawn in reference])
    ref_b_withdrawn = np.mean(["b" in withdrawn for _, withdrawn in reference])
    # Withdrawal probabilities: c 0.6; b 0.6 * 0.4 = 0.24. 400 reference draws: se <= 0.025.
    assert vectorised.withdrawn[2].mean() == pytest.approx(0.6, abs=0.02)
    assert vectorised.withdrawn[1].mean() == pytest.approx(0.24, abs=0.02)
    assert ref_c_withdrawn == pytest.approx(0.6, abs=4 * 0.025)
    assert ref_b_withdrawn == pytest.approx(0.24, abs=4 * 0.022)
    # Every share's distribution: a two-sample Kolmogorov-Smirnov test at the 0.1% level.
    for row in range(4):
        result = stats.ks_2samp(vectorised.electorate[row], ref_shares[:, row])
        assert result.pvalue > 0.001, (row, result)


EVERY_KIND = """
[campaign]
start = 2020-12-15
[campaign.endorsers.e]
pool = 0.06
fraction = 0.5
from = "all"
targets = ["c", "b", "a"]
[campaign.endorsers.f]
pool = 0.04
from = "abstain"
targets = ["b", "c"]
[campaign.reactions.c]
withdraw = 1.0
delay = [3, 3]
transfer = {{ a = 0.5, abstain = 0.2 }}
[campaign.reactions.b]
withdraw = 1.0
delay = [{b_delay}, {b_delay}]
transfer = "abstain"
[[campaign.event]]
kind = "shift"
day = 2
list = "a"
points = 3.0
[[campaign.event]]
kind = "withdraw"
day = 3
list = "{early}"
probability = {early_probability}
[[campaign.event]]
kind = "endorse"
day = 4
endorser = "e"
[[campaign.event]]
kind = "endorse"
day = 5
endorser = "f"
[[campaign.event]]
kind = "boycott"
day = 6
endorser = "e"
stay_home = 0.5
[[campaign.event]]
kind = "withdraw"
day = 7
list = "b"
probability = 0.0
[[campaign.event]]
kind = "boycott"
day = 9
list = "a"
stay_home = 0.1
[[campaign.event]]
kind = "shift"
day = 9
list = "c"
points = -2.0
"""


@pytest.mark.parametrize("b_delay, early, early_probability", [
    (2, "c", 0.0),  # two chains due on day 7 (e's first), e then backs b, then a
    (1, "c", 1.0),  # c gone before anyone endorses: e starts at b, f's b reaction strands e
    (4, "b", 1.0),  # b gone first: both chains back c, and c's reaction strands f
])
def test_every_event_kind_agrees_draw_by_draw_with_the_reference(tmp_path, b_delay, early,
                                                                 early_probability):
    """Without drift and with probabilities 0 or 1 the campaign is deterministic: every draw
    of the vectorised run equals the per-draw reference to rounding."""
    scenario = scenario_with(tmp_path, EVERY_KIND.format(
        b_delay=b_delay, early=early, early_probability=early_probability))
    start = np.random.default_rng(5).dirichlet([4.0, 3.0, 2.0, 1.5], size=200).T
    vectorised = run(scenario, start.copy(), seed=6)
    for draw in range(start.shape[1]):
        shares, withdrawn = reference_campaign(scenario.campaign, start[:, draw], LISTS,
                                               np.random.default_rng(draw))
        np.testing.assert_allclose(vectorised.electorate[:, draw], shares, rtol=0,
                                   atol=1e-12)
        assert {LISTS[row] for row in np.flatnonzero(vectorised.withdrawn[:, draw])} \
            == withdrawn


class BareState:
    """Only what :class:`sim.campaign.events.base.CampaignState` names: an event that acts
    on it needs nothing else of the run."""

    def __init__(self, ballot, electorate, rng):
        self.ballot, self.electorate, self.rng = ballot, electorate, rng
        self.withdrawn = np.zeros((ballot.n_lists, electorate.shape[1]), dtype=bool)
        self.chains = {}
        self.recorded = {}

    def every_draw(self):
        return np.arange(self.electorate.shape[1])

    def draw_param(self, param, draws=None):
        self.recorded[param.key] = values = param.draw(self.electorate.shape[1], rng=self.rng)
        return values

    def take(self, rows, draws, wanted, exclude=None):
        raise AssertionError("a shift takes no voters from elsewhere")

    def withdraw(self, row, draws, transfer):
        raise AssertionError("a shift withdraws no list")


def test_an_event_acts_through_the_campaign_state_alone(tmp_path):
    scenario = shift_of_c(tmp_path, "{ uniform = [2, 4] }")
    (event,) = scenario.campaign.events
    state = BareState(scenario.ballot, electorate(5), np.random.default_rng(0))
    event.act(state)
    points = state.recorded["campaign.event[0].points"]
    assert points.shape == (5,) and ((2 <= points) & (points <= 4)).all()
    voting = state.electorate[:3].sum(axis=0)
    np.testing.assert_allclose(state.electorate[2] / voting, 0.2 / 0.9 + points / 100)
    np.testing.assert_allclose(voting, 0.9)  # as many vote as before


def test_a_chain_knows_its_run_only_as_a_protocol():
    """No import of the run from the chains, not even one for annotations (the run imports
    the chains): a chain is typed against ChainHost, which CampaignRun satisfies."""
    tree = ast.parse(Path(chains.__file__).read_text(encoding="utf-8"))
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert "sim.campaign.run" not in imported and "sim.campaign.events.base" in imported
    assert isinstance(chains.ChainHost, type) and "CampaignRun" not in inspect.signature(
        chains.Chain).parameters["run"].annotation
