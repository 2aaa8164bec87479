"""Chunks, the seed tree and executors: the Monte Carlo loop, with no model maths of its own.

Draws are processed in chunks of :data:`CHUNK_DRAWS`; chunk ``k`` always uses child ``k`` of
``SeedSequence(entropy)`` and summaries are merged in chunk order, so a seed gives
bit-identical results for any number of workers or any executor.
"""

from __future__ import annotations

import signal
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Callable, Iterator

import numpy as np

from sim.campaign import run_campaign
from sim.count import count_votes, electorate_from_support
from sim.priors import draw_support, scenario_priors
from sim.rules import allocate_by_list, block_draws
from sim.scenario import Scenario
from sim.summary import Layout, Outcome, SeatSummary

CHUNK_DRAWS = 50_000


@dataclass(frozen=True, slots=True)
class Simulation:
    """A finished run: the merged summary and how it was made."""

    scenario: Scenario
    summary: SeatSummary
    entropy: int
    draws: int
    chunk_draws: int


def chunk_sizes(draws: int, chunk_draws: int) -> list[int]:
    """Sizes of the chunks ``0..k``: full chunks, then the rest."""
    return [min(chunk_draws, draws - start) for start in range(0, draws, chunk_draws)]


def run_chunk(scenario: Scenario, entropy: int, index: int, size: int) -> SeatSummary:
    """Draw, campaign, count, allocate and summarise chunk ``index`` of ``size`` draws."""
    rng = np.random.default_rng(np.random.SeedSequence(entropy, spawn_key=(index,)))
    priors, weights = scenario_priors(scenario)
    support, _ = draw_support(priors, weights, scenario.model, size, rng=rng)
    # Lists first from here on (see sim.summary.Outcome): support.T is C-contiguous.
    stages = _official_count(scenario, support.T, rng=rng)
    summary = SeatSummary(Layout.from_scenario(scenario))
    n_lists = len(scenario.lists)
    step = block_draws(len(scenario.options))
    # Allocate and summarise in cache-sized blocks: no chunk-sized intermediate array.
    for start in range(0, size, step):
        block = slice(start, start + step)
        votes = np.ascontiguousarray(stages.votes[:, block])
        against_all = stages.against_all[block] if stages.against_all is not None else None
        invalid = stages.invalid[block] if stages.invalid is not None else None
        allocation = allocate_by_list(votes[:n_lists], scenario.system, against_all=against_all,
                                      invalid=invalid)
        summary.add(Outcome(allocation.seats, allocation.passed, stages.shares(block),
                            allocation.runner_up, **stages.extras(block)))
    return summary


@dataclass(frozen=True, slots=True)
class _Stages:
    """What the campaign and the count made of a chunk's support (lists first)."""

    votes: np.ndarray  # (n_options, n) counts, or shares when there is no count model
    against_all: np.ndarray | None
    invalid: np.ndarray | None
    genuine: np.ndarray | None
    turnout: np.ndarray | None
    withdrawn: np.ndarray | None
    endorsed: dict[str, np.ndarray] | None
    are_shares: bool = False  # votes are already shares summing to 1

    def shares(self, block: slice) -> np.ndarray:
        """Official shares of the valid votes (lists, then against-all)."""
        if self.are_shares:
            return self.votes[:, block]
        votes = self.votes[:, block].astype(np.float64)
        return votes / votes.sum(axis=0)

    def extras(self, block: slice) -> dict:
        return {"genuine": None if self.genuine is None else self.genuine[:, block],
                "turnout": None if self.turnout is None else self.turnout[block],
                "withdrawn": None if self.withdrawn is None else self.withdrawn[:, block],
                "endorsed": None if self.endorsed is None else
                {key: value[block] for key, value in self.endorsed.items()}}


def _official_count(scenario: Scenario, support: np.ndarray, *, rng) -> _Stages:
    """The campaign and the count, where the scenario has them; else the support itself."""
    if scenario.campaign is None and scenario.count is None:
        against_all = support[-1] if scenario.against_all_on_ballot else None
        return _Stages(support, against_all, None, None, None, None, None, are_shares=True)
    electorate = electorate_from_support(support, scenario.count, rng=rng)
    withdrawn = endorsed = None
    if scenario.campaign is not None:
        outcome = run_campaign(scenario.campaign, electorate, scenario.list_ids, scenario.options,
                               rng=rng)
        electorate, withdrawn, endorsed = outcome.electorate, outcome.withdrawn, outcome.endorsed
    if scenario.count is None:
        options = electorate[:-1]
        against_all = options[-1] if scenario.against_all_on_ballot else None
        return _Stages(options, against_all, None, None, None, withdrawn, endorsed)
    counted = count_votes(electorate, scenario.count, scenario.list_ids,
                          scenario.against_all_on_ballot, rng=rng)
    on_ballot = scenario.against_all_on_ballot
    votes = np.vstack([counted.votes, counted.against_all[None]]) if on_ballot else counted.votes
    return _Stages(votes, counted.against_all if on_ballot else None, counted.invalid,
                   counted.genuine, counted.turnout, withdrawn, endorsed)


class SerialExecutor:
    """Runs chunks one after the other in this process."""

    def map(self, function: Callable, tasks: list[tuple]) -> Iterator:
        return (function(*task) for task in tasks)

    def close(self) -> None:
        pass


class ProcessExecutor:
    """Runs chunks on local worker processes; results come back in task order."""

    def __init__(self, workers: int):
        self.workers = workers
        self.pool = ProcessPoolExecutor(max_workers=workers, initializer=_ignore_interrupts)

    def map(self, function: Callable, tasks: list[tuple]) -> Iterator:
        return self.pool.map(function, *zip(*tasks))

    def close(self) -> None:
        self.pool.shutdown(cancel_futures=True)


def _ignore_interrupts() -> None:
    """Workers leave Ctrl-C to the parent, which stops the batch and shuts the pool down."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def local_executor(workers: int) -> SerialExecutor | ProcessExecutor:
    """This process for one worker, a process pool for more."""
    return SerialExecutor() if workers <= 1 else ProcessExecutor(workers)


def executor_workers(executor) -> int:
    """How many workers an executor runs chunks on (for the run log)."""
    return getattr(executor, "workers", 1)


def simulate(scenario: Scenario, *, draws: int | None = None, seed: int | None = None,
             workers: int = 1, executor=None, chunk_draws: int = CHUNK_DRAWS,
             on_chunk: Callable[[int], None] | None = None) -> Simulation:
    """Run a scenario's Monte Carlo draws.

    Parameters
    ----------
    scenario : Scenario
    draws : int, optional
        Number of draws; the scenario's ``run.draws`` when not given.
    seed : int, optional
        Root entropy; the scenario's ``run.seed``, else fresh entropy (recorded in the result).
    workers : int
        Local processes, when no ``executor`` is given; 1 runs in this process.
    executor : optional
        Anything with ``map(function, tasks)`` yielding results in task order, such as
        :class:`ProcessExecutor` or :class:`sim.distributed.DaskExecutor`; reuse one for a
        batch. The result does not depend on it.
    chunk_draws : int
        Draws per chunk. Part of the reproducibility contract: the same seed gives the same
        draws only with the same chunk size (recorded in every result).
    on_chunk : callable, optional
        Called with the number of draws of each finished chunk (for progress bars).
    """
    draws = scenario.draws if draws is None else draws
    entropy = _entropy(scenario.seed if seed is None else seed)
    tasks = [(scenario, entropy, index, size)
             for index, size in enumerate(chunk_sizes(draws, chunk_draws))]
    owned = executor is None
    executor = local_executor(min(workers, len(tasks))) if owned else executor
    summary = SeatSummary(Layout.from_scenario(scenario))
    try:
        # Merged in chunk order, whatever finished first: the sum is then bit-identical.
        for part in executor.map(run_chunk, tasks):
            summary.merge(part)
            if on_chunk is not None:
                on_chunk(part.draws)
    finally:
        if owned:
            executor.close()
    return Simulation(scenario, summary, entropy, draws, chunk_draws)


def _entropy(seed: int | None) -> int:
    """The root entropy: the seed given, or fresh entropy from the OS."""
    return int(np.random.SeedSequence(seed).entropy)
