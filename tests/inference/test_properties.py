"""Invariants of the calibration likelihood and the backtest scores (hypothesis)."""

import dataclasses

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.linalg import block_diag
from scipy.stats import multivariate_normal

from sim.engine.statistics import SHARE_BINS
from sim.inference.backtest import _crps, _share_cdf
from sim.inference.calibrate import PRIOR_SD, _blocks, _conditional
from tests.inference.test_calibrate import KINDS, synthetic_misses

MISSES = synthetic_misses(np.random.default_rng(11), elections=2, election_sd=0.3,
                          source_sd=0.1, house={KINDS[0]: 0.2, KINDS[1]: 0.0})


def _marginal(misses, sds):
    return float(_conditional(_blocks(misses, KINDS), np.array([sds[0]]),
                              np.array([sds[1]]))[0][0])


@given(constants=st.lists(st.floats(-3, 3), min_size=len(MISSES), max_size=len(MISSES)),
       sds=st.tuples(st.floats(0, 1), st.floats(0, 1)))
def test_a_poll_base_does_not_change_the_likelihood(constants, sds):
    # The same respondents on another base (shares of decided voters rather than of all
    # respondents: shares times e^c, respondents in the base times e^-c) are a constant on
    # the log scale: the contrasts, hence the fit, must not see it.
    moved = [dataclasses.replace(m, poll=m.poll * np.exp(c), n=m.n * np.exp(-c))
             for m, c in zip(MISSES, constants)]
    assert np.isclose(_marginal(MISSES, sds), _marginal(moved, sds), rtol=1e-9, atol=1e-7)


def _dense_log_marginal(misses, sds):
    """Slow reference: every election's contrasts stacked into one normal vector whose
    covariance has the house effects integrated out, ``V + PRIOR_SD^2 W W'`` (the effects
    are shared across elections, so the elections are not independent in it)."""
    blocks = _blocks(misses, KINDS)
    z = np.concatenate([b.z.ravel() for b in blocks])
    v = block_diag(*[sds[0] ** 2 * s + sds[1] ** 2 * o + e for b in blocks
                     for s, o, e in zip(b.shared, b.source, b.sampling)])
    w = np.concatenate([d for b in blocks for d in b.design])
    return multivariate_normal(np.zeros(len(z)), v + PRIOR_SD ** 2 * w @ w.T).logpdf(z)


@given(first=st.tuples(st.floats(0.01, 1), st.floats(0.01, 1)),
       second=st.tuples(st.floats(0.01, 1), st.floats(0.01, 1)))
def test_the_marginal_likelihood_is_the_dense_normal_density(first, second):
    # The batched Cholesky with the house effects integrated in closed form equals the
    # dense density up to a constant: differences between two sd settings agree.
    ours = _marginal(MISSES, first) - _marginal(MISSES, second)
    dense = _dense_log_marginal(MISSES, first) - _dense_log_marginal(MISSES, second)
    assert np.isclose(ours, dense, rtol=1e-7, atol=1e-6)


@given(histogram=arrays(np.int64, SHARE_BINS, elements=st.integers(0, 3)).filter(
           lambda h: h.sum() > 0),
       observed=st.floats(0, 1))
def test_crps_is_between_zero_and_the_worst_case(histogram, observed):
    grid, cdf = _share_cdf(histogram)
    assert np.all(np.diff(cdf) >= 0) and cdf[0] == 0 and np.isclose(cdf[-1], 1)
    value = _crps(grid, cdf, observed)
    assert 0 <= value <= max(observed, 1 - observed) + 1e-9  # a point mass at 0 or 1
