"""Where a serial ``simulate`` spends its CPU time: seconds by stage, and inside each stage
the seconds numpy's generators spend drawing its random numbers (the part no rewrite of the
stage can remove).

Each stage's entry point is wrapped with a timer for one run (``unittest.mock``): the polls
(``draw_support``), the campaign, the count (its turnout draw and ``count_votes``), the
district model, the law (``House.allocate``) and the summary (``SeatSummary.add``); what no
stage holds (chunk set-up, slicing blocks, the seed tree, merging) is "other". The wrappers
add a few microseconds per call, some hundreds of calls per chunk: well below the figures'
noise.
"""

from __future__ import annotations

import time
from contextlib import ExitStack
from unittest import mock

from bench.timing import OwnRandomRuns, TimedGenerator, wrapped_generators
from sim.engine import simulate as engine
from sim.engine.summary import SeatSummary
from sim.law.parliament import House

# (label, object, attribute): the entry point of each stage, as the engine calls it.
STAGES = (("polls", engine, "draw_support"), ("campaign", engine, "run_campaign"),
          ("count", engine, "draw_turnout"), ("count", engine, "count_votes"),
          ("districts", engine, "draw_districts"),
          ("law", House, "allocate"), ("summary", SeatSummary, "add"))


class _Clock:
    """CPU seconds by stage, and random-number seconds by the stage that drew them."""

    def __init__(self):
        self.stage = "other"
        self.seconds: dict[str, float] = {}
        self.random: dict[str, float] = {}

    def timed(self, label: str, function):
        def wrapper(*args, **kwargs):
            outer, self.stage = self.stage, label
            start = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[label] = self.seconds.get(label, 0.0) + time.process_time() - start
                self.stage = outer
        return wrapper

    def add_random(self, seconds: float) -> None:
        self.random[self.stage] = self.random.get(self.stage, 0.0) + seconds


class _StageGenerator(TimedGenerator):
    """A generator whose calls' CPU time goes to the stage that makes them."""

    def __init__(self, rng, clock: _Clock):
        self._clock = clock
        super().__init__(rng, [0.0])

    def __getattr__(self, name: str):
        method = super().__getattr__(name)
        if not callable(method):
            return method

        def timed(*args, **kwargs):
            before = self._seconds[0]
            try:
                return method(*args, **kwargs)
            finally:
                self._clock.add_random(self._seconds[0] - before)

        return timed


def stage_seconds(scenario, draws: int) -> tuple[float, dict[str, float], dict[str, float]]:
    """One serial run of ``draws`` draws: total CPU seconds, seconds by stage (nested
    stages not double counted: the law and summary are called from the chunk loop, the
    others from the draw) and random-number seconds by stage."""
    clock = _Clock()
    with ExitStack() as patches:
        patches.enter_context(wrapped_generators(lambda rng: _StageGenerator(rng, clock)))
        for label, owner, name in STAGES:
            patches.enter_context(mock.patch.object(owner, name,
                                                    clock.timed(label, getattr(owner, name))))
        start = time.process_time()
        engine.simulate(scenario, draws=draws, seed=1)
        total = time.process_time() - start
    return total, clock.seconds, clock.random


def breakdown(scenario, draws: int) -> list[str]:
    """Lines for the bench: each stage's share of the run, its random numbers apart, and
    its rest as a multiple of the run's random numbers (which, unlike the seconds, hold
    from one run to the next on a machine whose speed swings)."""
    total, seconds, random = stage_seconds(scenario, draws)
    other = total - sum(seconds.values())
    drawn_in_run = sum(random.values())
    lines = [f"  where {draws:,} draws go (CPU s, one instrumented run of {total:.3f} s; "
             "in brackets numpy drawing the stage's random numbers, and the rest as a "
             "multiple of all the run's random numbers):"]
    for label in dict.fromkeys(label for label, _, _ in STAGES):
        if label in seconds:
            drawn = random.get(label, 0.0)
            rest = seconds[label] - drawn
            lines.append(f"    {label:9s} {seconds[label]:6.3f} ({drawn:.3f} random, "
                         f"{rest:.3f} the rest: {rest / drawn_in_run:.2f}x)")
    lines.append(f"    {'other':9s} {other:6.3f} (chunks, blocks, seeds, merging: "
                 f"{other / drawn_in_run:.2f}x)")
    return lines


def short_of_target(runs: OwnRandomRuns, target: float) -> list[str]:
    """What runs whose median ratio to their random numbers is above ``target`` lack: the
    rest (all but the random numbers) they may keep, in the fastest run's seconds."""
    if runs.ratio <= target:
        return []
    _, random = runs.fastest
    rest, allowed = (runs.ratio - 1) * random, (target - 1) * random
    return [f"  not met: the rest (all but numpy drawing the random numbers) is {rest:.3f} s "
            f"({runs.ratio - 1:.2f}x the random numbers) and may be {allowed:.3f} s "
            f"({target - 1:.2f}x), {rest - allowed:.3f} s ({1 - allowed / rest:.0%} of it) too "
            "much: the breakdown above shows where it goes"]
