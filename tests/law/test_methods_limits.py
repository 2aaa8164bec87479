"""Counts are exact up to MAX_VOTES and refused above it, by name (issue 28); empty arrays too."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.errors import InvalidValue
from sim.law.allocate import allocate
from sim.law.methods import METHODS
from sim.law.system import ElectoralSystem, RunnerUp
from sim.limits import MAX_SEATS, MAX_VOTES
from tests.reference import reference_allocate


@st.composite
def counts_at_the_limit(draw):
    """Counts of 2 to 8 lists adding up to exactly MAX_VOTES."""
    cuts = sorted(draw(st.lists(st.integers(0, MAX_VOTES), min_size=1, max_size=7)))
    edges = [0, *cuts, MAX_VOTES]
    return [b - a for a, b in zip(edges, edges[1:])]


@given(counts_at_the_limit(), st.sampled_from(sorted(METHODS)),
       st.sampled_from([1, 98, 451, MAX_SEATS]))
def test_the_largest_allowed_total_gives_the_exact_result(votes, method, seats):
    # A threshold of six decimals and the runner-up rule form the largest products.
    system = ElectoralSystem(seats=seats, method=method, threshold=0.012345,
                             runner_up=RunnerUp(factor=0.7, min_seats=min(2, seats - 1)))
    assert allocate(votes, system).tolist() == reference_allocate(votes, system)


def test_the_issue_example_near_1e18_is_refused_not_wrong():
    votes = [220_000_000_000_000_000, 230_000_000_000_000_000, 240_000_000_000_000_000,
             200_000_000_000_000_000]
    with pytest.raises(InvalidValue) as error:
        allocate(votes, ElectoralSystem(seats=98))
    assert str(error.value) == (
        f"votes = {votes}: must add up to at most 1e+10 in each draw (the exact integer "
        "comparisons hold up to there); these add up to 890000000000000000")


def test_one_vote_above_the_limit_is_refused_in_the_draw_that_has_it():
    at_limit = [MAX_VOTES // 2, MAX_VOTES - MAX_VOTES // 2]
    assert allocate(at_limit, ElectoralSystem(seats=2)).tolist() == [1, 1]
    above = [at_limit[0] + 1, at_limit[1]]
    with pytest.raises(InvalidValue) as error:
        allocate(np.array([at_limit, above]), ElectoralSystem(seats=2))
    assert str(error.value).startswith(f"votes = {above}: must add up to at most 1e+10")
    assert str(error.value).endswith(f"these add up to {MAX_VOTES + 1}")


@pytest.mark.parametrize("key", ["against_all", "invalid", "unseated"])
def test_votes_beside_the_lists_above_the_limit_are_refused(key):
    system = ElectoralSystem(seats=10, threshold_base="ballots")
    assert allocate([6, 4], system, **{key: MAX_VOTES}).tolist() == [6, 4]
    with pytest.raises(InvalidValue) as error:
        allocate([6, 4], system, **{key: MAX_VOTES + 1})
    assert str(error.value) == (f"{key} = {MAX_VOTES + 1}: must be at most 1e+10 (the exact "
                                "integer comparisons hold up to there)")


@pytest.mark.parametrize("votes", [[], np.empty((0, 3), dtype=np.int64), np.empty((2, 0)),
                                   np.zeros((2, 2, 2))])
def test_empty_or_misshapen_votes_are_named(votes):
    with pytest.raises(InvalidValue) as error:
        allocate(votes, ElectoralSystem(seats=10))
    assert str(error.value).endswith(
        ": must have shape (n_lists,) or (n_draws, n_lists), with at least one list and one "
        "draw")
