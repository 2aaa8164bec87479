"""Small timing helpers shared by the benchmarks."""

from __future__ import annotations

import time
from typing import Callable


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
