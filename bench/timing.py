"""Small timing helpers shared by the benchmarks."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from unittest import mock

import numpy as np

from sim.engine import simulate as engine
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


class TimedGenerator:
    """A ``Generator`` that adds the CPU time of every call to ``seconds[0]``."""

    def __init__(self, rng: np.random.Generator, seconds: list[float]):
        self._rng, self._seconds = rng, seconds

    def __getattr__(self, name: str):
        method = getattr(self._rng, name)
        if not callable(method):
            return method

        def timed(*args, **kwargs):
            start = time.process_time()
            try:
                return method(*args, **kwargs)
            finally:
                self._seconds[0] += time.process_time() - start

        return timed


@contextmanager
def wrapped_generators(wrap: Callable[[np.random.Generator], object]) -> Iterator[None]:
    """Within the block, every stage generator the engine makes is ``wrap(generator)``."""
    stage_generators = engine.stage_generators

    def wrapped(entropy: int, index: int) -> dict:
        return {stage: wrap(rng) for stage, rng in stage_generators(entropy, index).items()}

    with mock.patch.object(engine, "stage_generators", wrapped):
        yield


@dataclass(frozen=True, slots=True)
class OwnRandomRuns:
    """Serial runs of one scenario, each timed whole and in the time numpy's generators
    spent drawing its random numbers (CPU seconds): the ratio of the two, taken within each
    run, is the model's cost over its own random numbers.

    A ratio within one run is what the machine's speed at that moment cancels out of: on a
    shared virtual machine a run's seconds swing by a third from one run to the next, and
    a ratio of the fastest run to the fastest floor, each timed in other runs, swings with
    them. The generator wrappers add a few microseconds per call (some hundreds of calls a
    million draws).
    """

    totals: tuple[float, ...]
    random: tuple[float, ...]

    @property
    def ratios(self) -> np.ndarray:
        return np.array(self.totals) / np.array(self.random)

    @property
    def ratio(self) -> float:
        """The median of the runs' ratios."""
        return float(np.median(self.ratios))

    @property
    def fastest(self) -> tuple[float, float]:
        """The fastest run's seconds, whole and drawing random numbers."""
        best = int(np.argmin(self.totals))
        return self.totals[best], self.random[best]

    def line(self, target: float) -> str:
        """The figure against ``target``, its spread over the runs and whether it is met."""
        total, random = self.fastest
        low, high = self.ratios.min(), self.ratios.max()
        return (f"  one worker {total:.3f} s, of which numpy drawing this model's own random "
                f"numbers {random:.3f} s   ratio {self.ratio:.2f}x (median of {len(self.totals)}"
                f" runs, each timed whole and in its random numbers: {low:.2f}-{high:.2f}x) "
                f"(target <= {target:g}) {'met' if self.ratio <= target else 'NOT met'}")


def own_random_runs(scenario, draws: int, repeats: int = 5) -> OwnRandomRuns:
    """``repeats`` serial ``simulate`` runs of ``draws`` draws, each timed whole and in
    the CPU seconds numpy spends drawing its random numbers (:class:`OwnRandomRuns`)."""
    totals, random = [], []
    for _ in range(repeats):
        seconds = [0.0]
        with wrapped_generators(lambda rng, seconds=seconds: TimedGenerator(rng, seconds)):
            start = time.process_time()
            engine.simulate(scenario, draws=draws, seed=1)
            totals.append(time.process_time() - start)
        random.append(seconds[0])
    return OwnRandomRuns(tuple(totals), tuple(random))


class CountingGenerator:
    """A ``Generator`` that adds the numbers each call draws to ``counts[(method, dtype)]``
    (a call filling ``out=`` draws ``out.size`` numbers)."""

    def __init__(self, rng: np.random.Generator, counts: dict[tuple[str, str], int]):
        self._rng, self._counts = rng, counts

    def __getattr__(self, name: str):
        method = getattr(self._rng, name)
        if not callable(method):
            return method

        def counted(*args, **kwargs):
            result = method(*args, **kwargs)
            drawn = np.asarray(result if kwargs.get("out") is None else kwargs["out"])
            key = (name, drawn.dtype.name)
            self._counts[key] = self._counts.get(key, 0) + drawn.size
            return result

        return counted


def random_numbers_per_draw(scenario, draws: int) -> dict[tuple[str, str], float]:
    """The random numbers one serial ``simulate`` of ``draws`` draws asks numpy for, per
    draw, by ``(Generator method, dtype)``."""
    counts: dict[tuple[str, str], int] = {}
    with wrapped_generators(lambda rng: CountingGenerator(rng, counts)):
        engine.simulate(scenario, draws=draws, seed=1)
    return {key: count / draws for key, count in sorted(counts.items())}


def precision_lines(scenario, draws: int) -> list[str]:
    """The floor's own figure: how many numbers a draw takes and at what precision, and
    what single-precision gammas (the polls' Dirichlet parts) would save, timed here."""
    per_draw = random_numbers_per_draw(scenario, draws)
    drawn = ", ".join(f"{method} {dtype} {count:.2f}" for (method, dtype), count
                      in per_draw.items())
    priors = source_priors(scenario.sources, scenario.polls, scenario.model, scenario.options)
    alpha = np.concatenate([priors[0].alpha, priors[0].beta])
    rng = np.random.default_rng(0)
    seconds = {dtype: best_of(lambda dtype=dtype: [rng.standard_gamma(a, size=draws,
                                                                      dtype=dtype)
                                                   for a in alpha], repeats=3)
               for dtype in (np.float64, np.float32)}
    double, single = seconds[np.float64], seconds[np.float32]
    return [f"  random numbers per draw (numpy method, dtype): {drawn}",
            f"  the gammas of {len(alpha)} components x {draws:,} in float64 {double:.3f} s, "
            f"in float32 {single:.3f} s   ratio {double / single:.2f}x: float64 kept, since "
            "float32 gammas take the same seconds off the run and off its floor (which "
            "raises the ratio) and would move every shipped result"]
