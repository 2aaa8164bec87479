"""Approximate Bayesian computation by rejection, on the chunked engine.

Every draw of a scenario is a draw from its prior: a poll source, support, and the count
model's uncertain parameters. A draw is *accepted* when every official figure it produces
(each list's share, turnout, the invalid share) lies within the *tolerance* of the observed
one: the distance is the largest gap, in percentage points. The accepted draws are a sample
of the posterior given that the published figures lie within the tolerance of the draw's.

The tolerance adapts by successive quantiles: chunks run in rounds of
:data:`ROUND_CHUNKS`; after each round the tolerance falls to the distance of the
``accept``-th closest draw so far, and the next round keeps only draws within it. Inside
each chunk only the draws within the round's tolerance are kept (memory is bounded by the
accepted draws, not by all draws). Since the tolerance only falls, the final set is the
``accept`` closest draws of all, ties going to the earlier draw: the same seed gives the
same posterior whatever the number of workers or the executor. With a fixed ``tolerance``
instead, rounds run until ``accept`` draws lie within it.

With observers' protocols (:mod:`sim.inference.protocols`) the distance also takes each
protocol figure's gap in its standard errors; a draw's protocols are simulated only when
its national figures already lie within the round's tolerance.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.engine.simulate import (
    CHUNK_DRAWS,
    ChunkDraws,
    chunk_sizes,
    map_chunks,
    reduce_chunk,
    seed_entropy,
)
from sim.errors import SimError
from sim.inference.observed import Observed, draw_figures
from sim.inference.protocols import PRIOR_PROTOCOLS, ObservedProtocols, ProtocolCheck
from sim.polls.support import support_model
from sim.scenario import Scenario

MIN_ACCEPTED = 100  # fewer accepted draws than this give no posterior (see docs/inference.md)
MAX_TOLERANCE = 5.0  # percentage points: a draw further than this from any figure never counts
ROUND_CHUNKS = 4  # chunks per round of the successive-quantile tolerance
PRIOR_SAMPLE = 20_000  # draws of chunk 0 kept whatever their distance, to show the prior


class InferenceError(SimError):
    """The scenario's prior cannot produce the observed figures (the CLI exits 1)."""

    exit_code = 1  # valid input; the answer is that the count is out of the prior's reach


@dataclass(frozen=True, slots=True)
class Sample:
    """Draws and what inference reports of them, draws axis last.

    Attributes
    ----------
    distance : ndarray, shape (n,)
        Largest gap to an observed figure, percentage points.
    key : ndarray of int, shape (n,)
        The draw's place in the run (chunk index * chunk size + position): ties go to the
        smaller key.
    values : dict of str to ndarray, shape (n,)
        ``official.<figure>`` (points), ``genuine.<option>`` (points), ``true_turnout``
        (points), ``source`` (index) and the uncertain parameters by key path
        (``count.invalid``, ``campaign.drift_sd``).
    """

    distance: np.ndarray
    key: np.ndarray
    values: dict[str, np.ndarray]

    @property
    def size(self) -> int:
        return self.distance.size

    def take(self, index: np.ndarray | slice) -> Sample:
        return Sample(self.distance[index], self.key[index],
                      {name: value[index] for name, value in self.values.items()})

    def closest(self, count: int) -> Sample:
        """The ``count`` closest draws, ties to the smaller key."""
        return self.take(np.lexsort((self.key, self.distance))[:count])

    @staticmethod
    def concat(samples: list[Sample]) -> Sample:
        return Sample(np.concatenate([s.distance for s in samples]),
                      np.concatenate([s.key for s in samples]),
                      {name: np.concatenate([s.values[name] for s in samples])
                       for name in samples[0].values})


@dataclass(frozen=True, slots=True)
class ChunkResult:
    """What one chunk hands back: its accepted draws and the counts behind the rates."""

    accepted: Sample
    prior: Sample | None  # chunk 0 only
    source_draws: np.ndarray  # (n_sources,) draws that followed each source
    nearest: tuple[float, str]  # the closest draw's distance and its furthest figure


@dataclass(frozen=True, slots=True)
class Acceptor:
    """The per-chunk reduction: keep the draws within ``tolerance`` of ``observed``."""

    observed: Observed
    tolerance: float
    chunk_draws: int
    n_sources: int
    protocols: ProtocolCheck | None = None

    def __call__(self, index: int, chunk: ChunkDraws) -> ChunkResult:
        figures = draw_figures(chunk, self.observed)
        gaps = np.abs(figures - self.observed.values[:, None])
        names = self.observed.names
        values = _values(chunk, figures, self.observed)
        prior_values = values
        if self.protocols is not None:
            # Only a draw within the tolerance on the national figures can be accepted...
            wanted = gaps.max(axis=0) <= self.tolerance
            shown = np.zeros_like(wanted)
            if index == 0:  # ...and some of the prior sample's draws show the prior's range
                spread = np.arange(wanted.size)[_spread(wanted.size)]
                shown[spread[::max(1, spread.size // PRIOR_PROTOCOLS)]] = True
            simulated = self.protocols.simulate(index, chunk, wanted | shown)
            gaps = np.vstack([gaps, self.protocols.gaps(simulated)])
            protocol_names = self.protocols.observed.names
            names += tuple(f"{name} in the protocols, in standard errors"
                           for name in protocol_names)
            keys = [f"protocols.{name}" for name in protocol_names]
            values = values | dict(zip(keys, simulated))
            # The prior's range from the draws shown, not from those near the observation.
            prior_values = values | {key: np.where(shown, row, np.nan)
                                     for key, row in zip(keys, simulated)}
        distance = gaps.max(axis=0)
        best = int(np.argmin(distance))
        nearest = (float(distance[best]), names[int(np.argmax(gaps[:, best]))])
        key = index * self.chunk_draws + np.arange(distance.size)
        prior = Sample(distance, key, prior_values).take(_spread(distance.size)) \
            if index == 0 else None
        return ChunkResult(Sample(distance, key, values).take(
                               np.flatnonzero(distance <= self.tolerance)),
                           prior, np.bincount(chunk.source, minlength=self.n_sources), nearest)


def _spread(size: int) -> slice:
    """About :data:`PRIOR_SAMPLE` draws spread over a chunk: its draws follow the sources in
    blocks, so its first draws would all follow the first source."""
    return slice(0, size, max(1, size // PRIOR_SAMPLE))


def _values(chunk: ChunkDraws, figures: np.ndarray, observed: Observed) -> dict:
    values = {f"official.{name}": row for name, row in zip(observed.names, figures)}
    values["source"] = chunk.source
    if chunk.genuine is not None:
        assert chunk.true_turnout is not None  # a count model draws both
        values |= {f"genuine.{name}": 100 * row
                   for name, row in zip(observed.names, chunk.genuine)}
        values["true_turnout"] = 100 * chunk.true_turnout
    return values | chunk.params


@dataclass(frozen=True, slots=True)
class Inference:
    """A finished inference: the accepted draws and how they were found."""

    scenario: Scenario
    observed: Observed
    accepted: Sample
    prior: Sample
    source_draws: np.ndarray  # (n_sources,)
    draws: int  # draws simulated
    tolerance: float  # the final tolerance, points
    rounds: tuple[tuple[int, float], ...]  # (draws so far, tolerance) after each round
    entropy: int
    chunk_draws: int
    protocols: ObservedProtocols | None = None


def infer(scenario: Scenario, observed: Observed, *, draws: int, accept: int, executor,
          seed: int | None = None, tolerance: float | None = None,
          max_tolerance: float = MAX_TOLERANCE, chunk_draws: int = CHUNK_DRAWS,
          protocols: ObservedProtocols | None = None) -> Inference:
    """Accept the draws of ``scenario`` whose official figures come close to ``observed``
    (and, given ``protocols``, whose protocols come close to the observers').

    Parameters
    ----------
    draws : int
        At most this many draws from the prior (all of them when ``tolerance`` is None).
    accept : int
        The number of draws to accept: the adaptive tolerance ends at the ``accept``-th
        closest distance; with a fixed ``tolerance``, rounds stop once this many are within.
    executor
        Where chunks run (see :mod:`sim.engine.executors`).
    tolerance : float, optional
        A fixed final tolerance in percentage points, instead of the adaptive one.
    max_tolerance : float
        Draws further than this are never accepted.
    protocols : ObservedProtocols, optional
        Observers' protocols (:mod:`sim.inference.protocols`), compared in standard errors.

    Raises
    ------
    InferenceError
        Fewer than :data:`MIN_ACCEPTED` draws within the tolerance.
    """
    entropy = seed_entropy(scenario.seed if seed is None else seed)
    chunks = list(enumerate(chunk_sizes(draws, chunk_draws)))
    current = max_tolerance if tolerance is None else min(tolerance, max_tolerance)
    kept, prior, rounds, nearest = [], None, [], (np.inf, "")
    source_draws = np.zeros(len(scenario.sources), dtype=np.int64)
    support = support_model(scenario)  # once: every round draws from the same model
    check = None if protocols is None else ProtocolCheck.of(protocols, scenario, entropy)
    done = 0
    for start in range(0, len(chunks), ROUND_CHUNKS):
        batch = chunks[start:start + ROUND_CHUNKS]
        acceptor = Acceptor(observed, current, chunk_draws, len(scenario.sources), check)
        # Chunk results arrive in chunk order whatever the executor: merging is deterministic.
        for part in map_chunks(reduce_chunk, scenario, entropy, batch, executor, acceptor,
                               support=support):
            kept.append(part.accepted)
            prior = part.prior if part.prior is not None else prior
            source_draws += part.source_draws
            nearest = min(nearest, part.nearest)
        done += sum(size for _, size in batch)
        merged = Sample.concat(kept)
        if tolerance is None and merged.size >= accept:
            merged = merged.closest(accept)
            current = float(merged.distance.max())
        kept = [merged]
        rounds.append((done, current))
        if tolerance is not None and merged.size >= accept:
            break
    accepted = kept[0]
    if accepted.size < MIN_ACCEPTED:
        unit = "points" if protocols is None else \
            "points; standard errors for a protocol figure"
        within = f"{current:g} points of every figure of {observed.path}" + (
            "" if protocols is None else
            f" and {current:g} standard errors of every figure of {protocols.path}")
        raise InferenceError(
            f"{scenario.path}: only {accepted.size} of {done:,} draws came within {within} "
            f"(at least {MIN_ACCEPTED} "
            f"needed); the closest draw was {nearest[0]:.1f} off ({unit}; furthest: "
            f"{nearest[1]}): the "
            "scenario's prior cannot produce the observed count; widen its ranges, or raise "
            "--draws or --max-tolerance")
    assert prior is not None  # chunk 0, which hands it back, runs in the first round
    return Inference(scenario, observed, accepted, prior, source_draws, done, current,
                     tuple(rounds), entropy, chunk_draws, protocols)
