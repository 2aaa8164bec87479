"""The public ``allocate`` on float shares, draws first and over several blocks, against the
exact per-draw reference."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from sim.law.allocate import allocate, block_draws
from tests.reference import reference_allocate
from tests.strategies import systems, vote_draws


@st.composite
def many_draws(draw):
    """A few distinct counts repeated, in a random order, over more than one block of draws:
    ``(counts, order)`` with ``counts[order]`` the draws."""
    counts = draw(vote_draws(max_draws=8))
    n_draws = block_draws(counts.shape[1]) * draw(st.integers(1, 2)) \
        + draw(st.integers(1, 700))
    seed = draw(st.integers(0, 2**32 - 1))
    return counts, np.random.default_rng(seed).integers(0, len(counts), n_draws)


@given(systems(method=st.just("hare"), cap=True), many_draws())
def test_shares_give_the_seats_of_the_exact_counts(system, draws):
    """Shares ``counts / total`` (what a user passes) get the seats the exact reference gives
    the counts, in every block. Hare on counts of at most a million votes: remainders of
    different lists differ by at least one part in ``total``, far beyond rounding, and equal
    counts give equal shares, so ties break the same way."""
    counts, order = draws
    shares = counts / counts.sum(axis=1, keepdims=True)
    seats = allocate(shares[order], system)
    expected = np.array([reference_allocate(row, system) for row in counts.tolist()])
    assert seats.shape == (order.size, counts.shape[1])
    assert np.array_equal(seats, expected[order])


@given(systems(runner_up=True, cap=True), many_draws())
def test_counts_over_several_blocks_equal_the_reference(system, draws):
    counts, order = draws
    seats = allocate(counts[order], system)
    expected = np.array([reference_allocate(row, system) for row in counts.tolist()])
    assert np.array_equal(seats, expected[order])
