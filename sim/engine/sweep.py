"""Sweeps: run each variant of a scenario's ``[sweep]`` and tabulate what it does.

Every variant is run with the scenario's seed, and each stage of the model draws from its
own seed stream (:data:`sim.engine.simulate.STAGES`), so variants share the random numbers
of every stage the swept parameter does not belong to (common random numbers): sweeping a
count parameter leaves the poll and campaign draws identical, so differences between rows
come from the parameter, not from Monte Carlo noise. Within the swept stage the draws may
differ (a source's weight changes how many draws follow each source).
"""

from __future__ import annotations

from collections.abc import Callable

from sim.engine.simulate import Simulation, simulate
from sim.scenario import Scenario


def run_sweep(scenario: Scenario, *, draws: int | None, seed: int | None, executor,
              on_chunk: Callable[[int], None] | None = None) -> list[tuple[dict, Simulation]]:
    """Each variant's swept values and its simulation, in sweep order."""
    return [(variant.values, simulate(variant.scenario, draws=draws, seed=seed,
                                      executor=executor, on_chunk=on_chunk))
            for variant in scenario.variants]
