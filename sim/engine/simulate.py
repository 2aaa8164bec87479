"""Chunks and the seed tree: the Monte Carlo loop, with no model maths of its own.

Draws are processed in chunks of :data:`CHUNK_DRAWS`; chunk ``k`` always uses child ``k`` of
``SeedSequence(entropy)``, and within a chunk each stochastic stage has its own child stream
(:data:`STAGES`), so changing one stage's parameters leaves the other stages' random numbers
alone. Summaries are merged in chunk order, so a seed gives bit-identical results for any
number of workers or any executor.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import cast

import numpy as np

from sim.campaign.run import run_campaign
from sim.count.official import count_votes, draw_turnout
from sim.districts import district_model, draw_districts
from sim.engine.executors import local_executor
from sim.engine.summary import Layout, Outcome, SeatSummary
from sim.errors import FileProblem, InvalidValue
from sim.law.allocate import block_draws
from sim.law.tiers import Count
from sim.limits import check_draws
from sim.params import ParamDraws
from sim.polls.support import SupportModel, draw_support, support_model
from sim.scenario import Scenario
from sim.stations.run import chunk_summary

CHUNK_DRAWS = 50_000
# The district models draw their random numbers block by block, so a scenario with a
# district tier keeps the blocks its results were made with (256 KiB of float64 per
# option); without one, the block size moves no result and follows the allocation's.
DISTRICT_BLOCK_BYTES = 256 * 1024
# One child seed stream each, in this order; a new stage goes last, so that the streams of
# the others (spawn keys 0, 1, 2) stay what they were.
STAGES = ("polls", "campaign", "count", "districts", "stations")


@dataclass(frozen=True, slots=True)
class Simulation:
    """A finished run: the merged summary and how it was made."""

    scenario: Scenario
    summary: SeatSummary
    entropy: int
    draws: int
    chunk_draws: int
    support: SupportModel

    def to_dict(self) -> dict:
        """The summary labelled with the scenario's names (see :class:`SeatSummary`)."""
        return self.summary.to_dict()


def chunk_sizes(draws: int, chunk_draws: int) -> list[int]:
    """Sizes of the chunks ``0..k``: full chunks, then the rest."""
    return [min(chunk_draws, draws - start) for start in range(0, draws, chunk_draws)]


def stage_generators(entropy: int, index: int) -> dict[str, np.random.Generator]:
    """Chunk ``index``'s generator for each stage of :data:`STAGES`."""
    children = np.random.SeedSequence(entropy, spawn_key=(index,)).spawn(len(STAGES))
    return {stage: np.random.default_rng(child) for stage, child in zip(STAGES, children)}


def draw_chunk(scenario: Scenario, support: SupportModel, entropy: int, index: int,
               size: int) -> ChunkDraws:
    """Draw, campaign and count chunk ``index`` of ``size`` draws: its official figures and
    the uncertain parameters behind them, options axis first."""
    return _draw(scenario, support, size, stage_generators(entropy, index))


def _draw(scenario: Scenario, support: SupportModel, size: int,
          rng: dict[str, np.random.Generator]) -> ChunkDraws:
    _keep_chunk_memory(scenario.ballot.n_options + 1, size)
    shares, source = draw_support(support, size, rng=rng["polls"])
    # Options first from here on (see sim.engine.summary.Outcome): shares.T is C-contiguous.
    return _official_count(scenario, shares.T, source, rng=rng)


def _keep_chunk_memory(n_rows: int, size: int) -> None:
    """Let a chunk's arrays and its blocks' temporaries come from the heap.

    glibc maps requests from 128 KiB up afresh and unmaps them on release, so every chunk
    would page-fault on fresh memory (23,000 faults a million draws of kz-2021/mixture, 7%
    of its time). Releasing one mapped array raises glibc's mmap threshold to its size and
    the trim threshold to twice that (up to 32 MiB), as
    :func:`sim.law.allocate.allocate` does for its blocks: this one is eight times a chunk's
    ``(n_rows, size)`` float64 array, so the chunks after it reuse the same pages.
    np.empty touches none of them. Elsewhere it does nothing.
    """
    np.empty(8 * 8 * n_rows * size, dtype=np.uint8)


def run_chunk(scenario: Scenario, support: SupportModel, entropy: int, index: int,
              size: int) -> SeatSummary:
    """Draw, campaign, count, allocate and summarise chunk ``index`` of ``size`` draws."""
    rng = stage_generators(entropy, index)
    stages = _draw(scenario, support, size, rng)
    summary = SeatSummary(Layout.from_scenario(scenario))
    ballot, house, tier = scenario.ballot, scenario.law, scenario.districts
    step = block_draws(ballot.n_options) if tier is None else \
        block_draws(ballot.n_options, DISTRICT_BLOCK_BYTES)
    prepared = None if tier is None else district_model(tier, ballot.n_lists)
    # Allocate and summarise in cache-sized blocks: no chunk-sized intermediate array.
    for start in range(0, size, step):
        block = slice(start, start + step)
        votes = np.ascontiguousarray(stages.votes[:, block])
        shares = stages.shares(votes)
        districts = {} if tier is None else draw_districts(
            tier, ballot.list_votes(shares), prepared, rng=rng["districts"])
        seats = house.allocate(Count(ballot.list_votes(votes),
                                     against_all=ballot.against_all_votes(votes),
                                     invalid=_part(stages.invalid, block), **districts))
        summary.add(Outcome(seats, shares, genuine=_part(stages.genuine, block),
                            turnout=_part(stages.turnout, block),
                            withdrawn=_part(stages.withdrawn, block),
                            endorsed=None if stages.endorsed is None else
                            {key: value[block] for key, value in stages.endorsed.items()}))
    if scenario.stations is not None:
        assert scenario.count is not None and stages.invalid is not None  # read_scenario
        assert stages.genuine is not None and stages.true_turnout is not None
        summary.stations = chunk_summary(scenario.stations, ballot, scenario.count,
                                         stages.votes, stages.invalid, stages.genuine,
                                         stages.true_turnout, rng["stations"])
    return summary


def reduce_chunk(reduce: Callable[[int, ChunkDraws], object], scenario: Scenario,
                 support: SupportModel, entropy: int, index: int, size: int):
    """The hook for other reductions than the seat summary (inference keeps only the draws
    close to an observed count): ``reduce(index, draw_chunk(...))``, run where the chunk
    runs, so that only what ``reduce`` returns travels back."""
    return reduce(index, draw_chunk(scenario, support, entropy, index, size))


def _part(array: np.ndarray | None, block: slice) -> np.ndarray | None:
    """The block's draws (the last axis) of an optional array."""
    return None if array is None else array[..., block]


@dataclass(frozen=True, slots=True)
class ChunkDraws:
    """What the campaign and the count made of a chunk's support (options first); the
    optional arrays exist only where the scenario has a count model or a campaign.

    Attributes
    ----------
    votes : ndarray, shape (n_options, n)
        Integer official counts, or shares without a count model.
    source : ndarray of int, shape (n,)
        Index of the poll source each draw followed.
    invalid, turnout, true_turnout : ndarray, shape (n,), optional
        Invalid ballots, official and genuine turnout (with a count model).
    genuine : ndarray, shape (n_options, n), optional
        Shares of the valid votes as cast, before inflation (with a count model).
    params : dict of str to ndarray, shape (n,)
        The uncertain parameters drawn once per draw, by key path in the scenario
        (``count.inflation.stuffing``, ``campaign.event[2].points``).
    """

    votes: np.ndarray
    source: np.ndarray
    invalid: np.ndarray | None = None
    genuine: np.ndarray | None = None
    turnout: np.ndarray | None = None
    true_turnout: np.ndarray | None = None
    withdrawn: np.ndarray | None = None
    endorsed: dict[str, np.ndarray] | None = None
    params: dict[str, np.ndarray] = field(default_factory=dict)

    @staticmethod
    def shares(votes: np.ndarray) -> np.ndarray:
        """Official shares of the valid votes (every option) of a block of votes."""
        if votes.dtype.kind == "f":
            return votes  # support or campaign shares: already shares of the valid votes
        votes = votes.astype(np.float64)
        return votes / votes.sum(axis=0)


def _official_count(scenario: Scenario, support: np.ndarray, source: np.ndarray, *,
                    rng: dict[str, np.random.Generator]) -> ChunkDraws:
    """The campaign and the count, where the scenario has them; else the support itself."""
    if scenario.campaign is None and scenario.count is None:
        return ChunkDraws(support, source)
    ballot = scenario.ballot
    count_params = ParamDraws(support.shape[1], rng["count"])
    turnout = draw_turnout(scenario.count, count_params)
    electorate = ballot.electorate(support, turnout)
    withdrawn = endorsed = None
    params = {}
    if scenario.campaign is not None:
        outcome = run_campaign(scenario.campaign, electorate, ballot, rng=rng["campaign"])
        electorate, withdrawn, endorsed = outcome.electorate, outcome.withdrawn, outcome.endorsed
        params = dict(outcome.params)
    if scenario.count is None:
        voting = ballot.voting(electorate)
        return ChunkDraws(voting / voting.sum(axis=0), source, withdrawn=withdrawn,
                          endorsed=endorsed, params=params)
    counted = count_votes(electorate, scenario.count, ballot, params=count_params)
    if not counted.votes.any(axis=0).all():
        raise FileProblem("count: a draw has no valid votes; turnout, invalid and "
                          "turnout_multipliers must leave some", file=scenario.path)
    params |= counted.params
    return ChunkDraws(counted.votes, source, counted.invalid, counted.genuine, counted.turnout,
                      counted.true_turnout, withdrawn, endorsed, params)


def map_chunks(function: Callable, scenario: Scenario, entropy: int,
               chunks: list[tuple[int, int]], executor, *args,
               support: SupportModel) -> Iterator:
    """``function(*args, scenario, support, entropy, index, size)`` for each ``(index,
    size)`` of ``chunks`` on ``executor``, yielded in the order of ``chunks``; ``support``
    is the scenario's :func:`~sim.polls.support.support_model`."""
    tasks = [(*args, scenario, support, entropy, index, size) for index, size in chunks]
    return executor.map(function, tasks)


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
        :class:`~sim.engine.executors.ProcessExecutor` or
        :class:`~sim.engine.distributed.DaskExecutor`; reuse one for a batch. The result
        does not depend on it.
    chunk_draws : int
        Draws per chunk. Part of the reproducibility contract: the same seed gives the same
        draws only with the same chunk size (recorded in every result).
    on_chunk : callable, optional
        Called with the number of draws of each finished chunk (for progress bars).
    """
    draws = scenario.draws if draws is None else draws
    for name, value in (("draws", draws), ("workers", workers), ("chunk_draws", chunk_draws)):
        if not _whole(value) or value < 1:
            raise InvalidValue(name, value, "must be a whole number of at least 1")
    check_draws(draws)
    if seed is not None and not (_whole(seed) and 0 <= seed < 2**128):
        raise InvalidValue("seed", seed, "must be a whole number from 0 to 2**128 - 1")
    entropy = seed_entropy(scenario.seed if seed is None else seed)
    support = support_model(scenario)
    chunks = list(enumerate(chunk_sizes(draws, chunk_draws)))
    owned = executor is None
    executor = local_executor(min(workers, len(chunks))) if owned else executor
    summary = SeatSummary(Layout.from_scenario(scenario))
    try:
        # Merged in chunk order, whatever finished first: the sum is then bit-identical.
        for part in map_chunks(run_chunk, scenario, entropy, chunks, executor,
                               support=support):
            summary.merge(part)
            if on_chunk is not None:
                on_chunk(part.draws)
    finally:
        if owned:
            executor.close()
    return Simulation(scenario, summary, entropy, draws, chunk_draws, support)


def _whole(value: object) -> bool:
    """An int (numpy's too), not a bool: what a count of draws or a seed must be."""
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def seed_entropy(seed: int | None) -> int:
    """The root entropy: the seed given, or fresh entropy from the OS."""
    # An int: SeedSequence keeps a given int, and draws an int from the OS for None.
    return cast(int, np.random.SeedSequence(seed).entropy)
