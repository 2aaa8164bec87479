"""An endorsement chain's parameters (the endorser's pool and fraction, a target's chance of
withdrawing) are recorded under their key paths, NaN in the draws where the chain did not
act, and a boycott's fresh draw of a pool under the boycott's own key."""

import numpy as np

from tests.campaign.test_campaign import electorate, run, scenario_with
from tests.scenario_text import ENDORSEMENT_CHAIN as CHAIN


def test_the_chain_records_its_pool_fraction_and_reactions_where_it_acts(tmp_path):
    scenario = scenario_with(tmp_path, CHAIN)
    outcome = run(scenario, electorate(2000), seed=3)
    params = outcome.params
    pool, fraction = params["campaign.endorsers.e.pool"], params["campaign.endorsers.e.fraction"]
    assert pool.shape == fraction.shape == (2000,)
    # It acts in every draw (b runs where c withdrew): nothing is missing.
    assert not np.isnan(pool).any() and not np.isnan(fraction).any()
    assert ((0.02 <= pool) & (pool <= 0.08)).all() and ((0.3 <= fraction) & (fraction <= 0.9)).all()
    # c's reaction is drawn where c was endorsed (c still running), b's where b was.
    c_left = outcome.withdrawn[2]  # by the withdraw event only: c never reacts
    assert 0 < c_left.sum() < 2000
    c_chance = params["campaign.reactions.c.withdraw"]
    np.testing.assert_array_equal(np.isnan(c_chance), c_left)
    b_chance = params["campaign.reactions.b.withdraw"]
    np.testing.assert_array_equal(~np.isnan(b_chance), c_left)
    # The boycott's fresh draw of the pool is its own parameter, under its own key.
    boycott = params["campaign.event[2].pool"]
    assert not np.isnan(boycott).any() and not np.array_equal(boycott, pool)


def test_a_chain_with_no_target_running_records_nan(tmp_path):
    scenario = scenario_with(tmp_path, CHAIN.replace('targets = ["c", "b"]', 'targets = ["c"]'))
    outcome = run(scenario, electorate(2000), seed=3)
    for key in ("pool", "fraction"):
        values = outcome.params[f"campaign.endorsers.e.{key}"]
        np.testing.assert_array_equal(np.isnan(values), outcome.withdrawn[2])


def test_the_recorded_pool_is_the_one_that_moved_voters(tmp_path):
    scenario = scenario_with(tmp_path, CHAIN.split("[[campaign.event]]\nkind = \"withdraw\"")[0]
                             + '[[campaign.event]]\nkind = "endorse"\ndate = 2020-12-20\n'
                               'endorser = "e"\n')
    start = electorate(500)
    outcome = run(scenario, start.copy(), seed=4)
    moved = outcome.params["campaign.endorsers.e.pool"] * \
        outcome.params["campaign.endorsers.e.fraction"]
    # From those who stay home (0.1 in every draw, more than any pool): exactly pool x fraction.
    np.testing.assert_allclose(outcome.electorate[3], start[3] - moved, rtol=0, atol=1e-15)


def test_every_chunk_records_the_same_keys(tmp_path):
    """A target no draw of a chunk reaches still has its key (all NaN), so chunks join."""
    scenario = scenario_with(tmp_path, CHAIN)
    keys = {tuple(run(scenario, electorate(n), seed=n).params) for n in (1, 2, 50)}
    assert len(keys) == 1
