"""Small timing helpers shared by the benchmarks."""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from sim.polls.priors import source_priors


def best_of(function: Callable[[], object], repeats: int = 3, *, wall: bool = False) -> float:
    """The shortest of ``repeats`` timings of ``function()``, in seconds.

    The minimum is the usual estimator for a noisy machine (as in ``timeit``): noise only
    ever adds time. By default the clock is this process's CPU time (user and system, so
    page faults count): other processes on a busy machine then add much less noise than to
    wall-clock time, and for work in one thread the two agree on a quiet machine. Work in
    other processes (workers) needs ``wall=True``.
    """
    clock = time.perf_counter if wall else time.process_time
    times = []
    for _ in range(repeats):
        start = clock()
        function()
        times.append(clock() - start)
    return min(times)


def rate(count: int, seconds: float) -> str:
    """``count / seconds`` in a readable unit."""
    per_second = count / seconds
    if per_second >= 1e6:
        return f"{per_second / 1e6:.2f} M/s"
    return f"{per_second / 1e3:.1f} k/s"


def dirichlet_floor(scenario, draws: int) -> float:
    """Seconds for numpy's ``Generator.dirichlet`` to draw ``draws`` vectors with as many
    components as the scenario's first source draws gammas (its measured part and the split
    of the rest): the cost floor of sampling."""
    priors = source_priors(scenario.sources, scenario.polls, scenario.model, scenario.options)
    alpha = np.concatenate([priors[0].alpha, priors[0].beta])
    rng = np.random.default_rng(0)
    return best_of(lambda: rng.dirichlet(alpha, size=draws), repeats=5)
