"""The shipped 2023 district assumptions against the 2023 outcome: at the official list
votes, the real district result (Amanat 22, NSDP 1, independents 6 of 29) is a typical draw."""

from pathlib import Path

import numpy as np

from sim.districts.model import baseline_offsets, district_seats
from sim.law.tally import load_tally
from sim.scenario import load_scenario

ROOT = Path(__file__).parents[2]
OUTCOME = {"amanat": 22, "nsdp": 1, "independents": 6}


def test_the_2023_district_result_is_inside_the_models_90_percent_intervals():
    tier = load_scenario(ROOT / "scenarios" / "kz-2023" / "demoscope.toml").districts
    tally = load_tally(ROOT / "scenarios" / "history" / "kz-2023.toml")
    votes = np.repeat(tally.votes[:, None].astype(np.float64), 20_000, axis=1)
    seats = district_seats(votes, tier, baseline_offsets(tier, len(tally.lists) + 1),
                           rng=np.random.default_rng(2023))
    rows = {name: seats[i] for i, name in enumerate((*tally.lists, "independents"))}
    for name, won in OUTCOME.items():
        low, high = np.quantile(rows[name], [0.05, 0.95])
        # 20,000 draws: the quantiles are within a seat of their limits, far from the edges
        # checked here (Amanat 15-26, NSDP 0-1, independents 1-11 at the time of writing).
        assert low <= won <= high, (name, low, high)
        assert (rows[name] == won).mean() > 0.05  # the exact 2023 figure is a common draw
