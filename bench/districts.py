"""The whole house: a 98-seat mixed house (69 list + 29 district seats) against its list tier
alone, at a million draws."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from bench.timing import best_of
from sim.engine.simulate import simulate
from sim.scenario import load_scenario

MIXED = Path(__file__).parent.parent / "scenarios" / "kz-2023" / "institute-of-democracy.toml"
DRAWS = 1_000_000


def run() -> list[str]:
    mixed = load_scenario(MIXED)
    lists_only = replace(mixed, districts=None)
    alone = best_of(lambda: simulate(lists_only, draws=DRAWS, seed=1))
    whole = best_of(lambda: simulate(mixed, draws=DRAWS, seed=1))
    return [
        f"whole house: {MIXED.parent.name}/{MIXED.name}, {DRAWS:,} draws, one worker",
        f"  {mixed.house} seats with {mixed.district_seats} districts {whole:.3f} s vs list "
        f"tier alone {alone:.3f} s   ratio {whole / alone:.2f}x (target <= 2)",
    ]
