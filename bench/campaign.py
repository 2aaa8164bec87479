"""The smart-vote scenario (campaign and count) against the sampling floor, and its cost in
campaign days."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from bench.stages import breakdown, short_of_target
from bench.timing import best_of, dirichlet_floor, own_random_runs, precision_lines
from sim.engine.simulate import simulate
from sim.scenario import load_scenario

SMART_VOTE = Path(__file__).parent.parent / "scenarios" / "kz-2021" / "smart-vote.toml"
DRAWS = 1_000_000
OWN_RANDOM_TARGET = 2.5  # issue 24: at most this many times numpy drawing the model's numbers


def with_days(scenario, days: int):
    """The same events in a campaign of ``days`` days."""
    return dataclasses.replace(scenario,
                               campaign=dataclasses.replace(scenario.campaign, days=days))


def run() -> list[str]:
    scenario = load_scenario(SMART_VOTE)
    floor = dirichlet_floor(scenario, DRAWS)
    own = own_random_runs(scenario, DRAWS)
    full, _ = own.fastest
    short, long = (best_of(lambda: simulate(with_days(scenario, days), draws=DRAWS // 2, seed=1))
                   for days in (30, 300))
    return [
        f"campaign: {SMART_VOTE.parent.name}/{SMART_VOTE.name}, {DRAWS:,} draws, one worker",
        f"  {full:.3f} s vs Generator.dirichlet floor {floor:.3f} s   ratio {full / floor:.2f}x"
        " (for reference: issue 24 put the model's own random numbers in place of this floor and "
        "of its target of 3)",
        own.line(OWN_RANDOM_TARGET),
        *breakdown(scenario, DRAWS),
        *short_of_target(own, OWN_RANDOM_TARGET),
        *precision_lines(scenario, DRAWS),
        f"  same events over 30 vs 300 days ({DRAWS // 2:,} draws): {short:.3f} s vs "
        f"{long:.3f} s   ratio {long / short:.2f}x (cost follows events, not days)",
    ]
