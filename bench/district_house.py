"""The law of a house of multi-member districts: Spain 2023's 52 districts (350 seats, D'Hondt,
3% in each district) over 12 lists, against one national tier of 350 seats over the same
lists, on the same votes (issue 21's target: at most 3 times as long)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np

from bench.timing import best_of
from sim.engine.simulate import DISTRICT_BLOCK_BYTES
from sim.law.allocate import block_draws
from sim.law.parliament import House
from sim.law.tally import load_tally
from sim.law.thresholds import ListRules
from sim.law.tiers import Count, MultiMemberTier, NationalTier

SPAIN = Path(__file__).parent.parent / "scenarios" / "history" / "es-2023.toml"
DRAWS = 1_000_000
CHUNK = 50_000  # draws whose votes are made once and allocated DRAWS / CHUNK times
N_LISTS = 12
TARGET = 3.0


def district_votes(draws: int, seed: int = 21) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Integer votes ``(12, 52, draws)`` of the 12 largest lists around their 2023 result in
    each district (Dirichlet with 2,000 pseudo-voters), blank ballots ``(52, draws)``, and
    the magnitudes."""
    tally = load_tally(SPAIN)
    top = np.argsort(-tally.votes, kind="stable")[:N_LISTS]
    profile = np.stack([d.votes[top] for d in tally.pr_districts], axis=1) + 1.0  # (12, 52)
    rng = np.random.default_rng(seed)
    shares = rng.gamma(2000 * profile[:, :, None] / profile.sum(axis=0)[None, :, None],
                       size=(N_LISTS, len(tally.pr_districts), draws))
    shares /= shares.sum(axis=0)
    sizes = np.array([d.votes.sum() for d in tally.pr_districts], dtype=np.float64)
    votes = np.rint(shares * sizes[None, :, None]).astype(np.int64)
    blank = np.rint(0.008 * votes.sum(axis=0)).astype(np.int64)
    return votes, blank, np.array([d.seats for d in tally.pr_districts])


def run() -> list[str]:
    tally = load_tally(SPAIN)
    votes, blank, magnitudes = district_votes(CHUNK)
    rules = ListRules.plain(N_LISTS)
    districts = House(tuple(map(str, range(N_LISTS))), (MultiMemberTier(
        tally.system, tuple(int(m) for m in magnitudes),
        tuple(d.name for d in tally.pr_districts), rules),))
    national = House(districts.lists, (NationalTier(replace(
        tally.system, threshold_scope="national"), rules),))
    step = block_draws(N_LISTS, DISTRICT_BLOCK_BYTES)  # the engine's blocks of draws
    blocks = [slice(start, start + step) for start in range(0, CHUNK, step)]
    counts = [Count(np.ascontiguousarray(votes[:, :, b].sum(axis=1)),
                    blank=blank[:, b].sum(axis=0),
                    districts=np.ascontiguousarray(votes[:, :, b]),
                    district_blank=np.ascontiguousarray(blank[:, b])) for b in blocks]

    def allocate_all(house: House) -> None:
        for _ in range(DRAWS // CHUNK):
            for count in counts:
                house.allocate(count)

    def read_once() -> None:
        """The floor of any allocation of the districts: one pass over their votes."""
        for _ in range(DRAWS // CHUNK):
            for count in counts:
                np.add.reduce(count.districts, axis=0)

    whole = best_of(lambda: allocate_all(districts), repeats=2)
    alone = best_of(lambda: allocate_all(national), repeats=2)
    floor = best_of(read_once, repeats=2)
    ratio = whole / alone
    return [
        f"district house: Spain 2023's {len(magnitudes)} districts ({int(magnitudes.sum())} "
        f"seats, D'Hondt, 3% per district), {N_LISTS} lists, {DRAWS:,} draws, one core",
        f"  52 districts {whole:.2f} s vs one national tier of 350 seats {alone:.2f} s   "
        f"ratio {ratio:.2f}x (target <= {TARGET:g}) {'met' if ratio <= TARGET else 'NOT met'}",
        f"  one pass over the districts' votes (the floor of any allocation of them) "
        f"{floor:.2f} s = {floor / alone:.2f}x the national tier; the house is "
        f"{whole / floor:.1f}x that pass",
    ]


SPAIN_SCENARIO = Path(__file__).parent.parent / "scenarios" / "es-2023" / "es-mixture.toml"
MODEL_TARGET = 3.0  # issue 22


def run_model() -> list[str]:
    """The district model end to end: Spain's 52 provinces and 12 lists from the mixture of
    polls, against the same poll model with one national tier of 350 seats."""
    from sim.engine.simulate import simulate
    from sim.scenario import load_scenario

    scenario = load_scenario(SPAIN_SCENARIO)
    national = replace(scenario, districts=None,
                       system=replace(scenario.system, threshold_scope="national"))
    whole = best_of(lambda: simulate(scenario, draws=DRAWS, seed=1), repeats=1)
    alone = best_of(lambda: simulate(national, draws=DRAWS, seed=1), repeats=2)
    ratio = whole / alone
    return [
        f"district model: {SPAIN_SCENARIO.parent.name}/{SPAIN_SCENARIO.name}, "
        f"{len(scenario.lists)} lists, {DRAWS:,} draws, one worker",
        f"  52 provinces {whole:.1f} s vs one national tier {alone:.2f} s   ratio "
        f"{ratio:.1f}x (target <= {MODEL_TARGET:g}) "
        f"{'met' if ratio <= MODEL_TARGET else 'NOT met'}",
    ]
