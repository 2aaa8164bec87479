"""Small timing helpers shared by the benchmarks."""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from sim.polls.priors import source_priors


def best_of(function: Callable[[], object], repeats: int = 3) -> float:
    """The shortest of ``repeats`` wall-clock timings of ``function()``, in seconds.

    The minimum is the usual estimator for a noisy machine (as in ``timeit``): noise only
    ever adds time.
    """
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def rate(count: int, seconds: float) -> str:
    """``count / seconds`` in a readable unit."""
    per_second = count / seconds
    if per_second >= 1e6:
        return f"{per_second / 1e6:.2f} M/s"
    return f"{per_second / 1e3:.1f} k/s"


def dirichlet_floor(scenario, draws: int) -> float:
    """Seconds for numpy's ``Generator.dirichlet`` to draw ``draws`` support vectors of the
    scenario's first source: the cost floor of sampling."""
    priors = source_priors(scenario.sources, scenario.polls, scenario.model, scenario.options)
    alpha = priors[0].concentration(scenario.model.flat_prior)
    rng = np.random.default_rng(0)
    return best_of(lambda: rng.dirichlet(alpha, size=draws), repeats=5)
