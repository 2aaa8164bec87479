"""The drift's single-precision normals are standard normal, independent, and reproducible."""

import numpy as np
from scipy import stats

from sim.campaign.steps import log_normal_factors, standard_normal


def test_drift_numbers_are_standard_normal():
    z = standard_normal((3, 100_001), rng=np.random.default_rng(1)).astype(np.float64)
    assert z.shape == (3, 100_001) and np.isfinite(z).all()
    # Kolmogorov-Smirnov against N(0, 1) at the 0.1% level, and the moments within about
    # four standard errors (300,003 numbers: se of the mean 0.0018, of the variance 0.0026).
    assert stats.kstest(z.ravel(), "norm").pvalue > 0.001
    assert abs(z.mean()) < 0.008 and abs(z.var() - 1) < 0.011
    assert abs(stats.kurtosis(z.ravel())) < 0.04  # se 0.0045
    # Consecutive numbers are uncorrelated.
    flat = z.ravel()
    half = flat.size // 2
    assert abs(np.corrcoef(flat[:half], flat[half:2 * half])[0, 1]) < 0.008


def test_factors_follow_each_draws_scale_and_the_seed():
    scale = np.array([0.0, 0.01, 0.1])
    factors = log_normal_factors(np.repeat(scale, 20_000), (4, 60_000),
                                 rng=np.random.default_rng(2))
    sd = np.log(factors.astype(np.float64)).reshape(4, 3, 20_000).std(axis=(0, 2))
    assert sd[0] == 0 and np.allclose(sd[1:], scale[1:], rtol=0.02)  # se of an sd: 0.4%
    again = log_normal_factors(np.repeat(scale, 20_000), (4, 60_000),
                               rng=np.random.default_rng(2))
    assert np.array_equal(factors, again)
