"""Invariants of the calibration likelihood and the backtest scores (hypothesis)."""

import dataclasses

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sim.engine.statistics import SHARE_BINS
from sim.inference.backtest import _crps, _share_cdf
from sim.inference.calibrate import _blocks, _log_likelihood
from tests.inference.test_calibrate import KINDS, synthetic_misses

MISSES = synthetic_misses(np.random.default_rng(11), elections=2, election_sd=0.3,
                          source_sd=0.1, house={KINDS[0]: 0.2, KINDS[1]: 0.0})


@given(constants=st.lists(st.floats(-3, 3), min_size=len(MISSES), max_size=len(MISSES)),
       sds=st.tuples(st.floats(0, 1), st.floats(0, 1)),
       house=st.tuples(st.floats(-1, 1), st.floats(-1, 1)))
def test_a_poll_base_does_not_change_the_likelihood(constants, sds, house):
    # The same respondents on another base (shares of decided voters rather than of all
    # respondents: shares times e^c, respondents in the base times e^-c) are a constant on
    # the log scale: the contrasts, hence the fit, must not see it.
    moved = [dataclasses.replace(m, poll=m.poll * np.exp(c), n=m.n * np.exp(-c))
             for m, c in zip(MISSES, constants)]
    house = np.array(house)
    before = _log_likelihood(_blocks(MISSES, KINDS), *sds, house)
    after = _log_likelihood(_blocks(moved, KINDS), *sds, house)
    assert np.isclose(before, after, rtol=1e-9, atol=1e-7)


@given(histogram=arrays(np.int64, SHARE_BINS, elements=st.integers(0, 3)).filter(
           lambda h: h.sum() > 0),
       observed=st.floats(0, 1))
def test_crps_is_between_zero_and_the_worst_case(histogram, observed):
    grid, cdf = _share_cdf(histogram)
    assert np.all(np.diff(cdf) >= 0) and cdf[0] == 0 and np.isclose(cdf[-1], 1)
    value = _crps(grid, cdf, observed)
    assert 0 <= value <= max(observed, 1 - observed) + 1e-9  # a point mass at 0 or 1
