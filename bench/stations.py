"""The station model: 10,000 stations × 20,000 draws on one core, against numpy's
``Generator.binomial`` over the same arrays (the floor: the binomial draws the model makes,
with its own sizes and probabilities, recorded from one block: one per station for the
ballots, one for the invalid ballots and one for each option but the last, which takes what
is left). Issue 23's target: at most 3 times the floor, with memory bounded by the block of
draws, not by draws × stations."""

from __future__ import annotations

import resource
import sys
from pathlib import Path

import numpy as np

from bench.timing import best_of
from sim.stations.model import NationalTotals, simulate_stations
from sim.stations.run import block_draws
from sim.stations.spec import read_stations
from sim.tables import Table

STATIONS = 10_000
DRAWS = 20_000
REGISTERED = 11_800_000
SHARES = (0.70, 0.10, 0.08, 0.07, 0.05)
TARGET = 3.0
# The spread measured on the Russian 2021 stations (calibration/stations-heterogeneity.toml).
HETEROGENEITY = {"turnout_sd": 0.536, "support_sd": 0.467, "correlation": 0.647}


def _national(draws: int) -> NationalTotals:
    ballots = int(0.6 * REGISTERED)
    invalid = int(0.03 * ballots)
    votes = np.array([int((ballots - invalid) * s) for s in SHARES])
    votes[-1] = ballots - invalid - votes[:-1].sum()
    return NationalTotals.of(np.repeat(votes[:, None], draws, axis=1),
                             np.full(draws, invalid))


class Recorder:
    """A generator that keeps the arguments of its ``binomial`` calls."""

    def __init__(self, rng: np.random.Generator):
        self.rng, self.binomials = rng, []

    def binomial(self, n, p):
        n, p = np.broadcast_arrays(np.asarray(n), np.asarray(p, dtype=float))
        self.binomials.append((n.copy(), p.copy()))
        return self.rng.binomial(n, p)

    def __getattr__(self, name):
        return getattr(self.rng, name)


def run(draws: int = DRAWS) -> list[str]:
    spec = read_stations(Table({"count": STATIONS, "heterogeneity": HETEROGENEITY},
                               "bench", "stations"), None, REGISTERED, Path("."))
    step = block_draws(STATIONS, len(SHARES))
    national = _national(step)
    blocks = [min(step, draws - start) for start in range(0, draws, step)]

    def model() -> None:
        rng = np.random.default_rng(1)
        for size in blocks:
            part = national if size == step else _national(size)
            simulate_stations(spec, part, rng)

    recorder = Recorder(np.random.default_rng(2))
    simulate_stations(spec, national, recorder)  # type: ignore[arg-type]

    def floor() -> None:
        rng = np.random.default_rng(1)
        for size in blocks:
            for n, p in recorder.binomials:
                rng.binomial(n[:size], p[:size])

    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    seconds = best_of(model, repeats=1)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    bottom = best_of(floor, repeats=1)
    ratio = seconds / bottom
    return [
        f"stations: {STATIONS:,} stations x {draws:,} draws, {len(SHARES)} lists, one core, "
        f"blocks of {step} draws",
        f"  clean station model {seconds:.1f} s vs numpy binomial floor {bottom:.1f} s   "
        f"ratio {ratio:.2f}x (target <= {TARGET:g}) {'met' if ratio <= TARGET else 'NOT met'}",
        f"  peak memory {max(peak, base_rss) / 1024:.0f} MB (the block's arrays; "
        f"{draws * STATIONS * (len(SHARES) + 2) * 8 / 2**30:.1f} GB for all draws at once)",
    ]


if __name__ == "__main__":
    for line in run(int(sys.argv[1]) if len(sys.argv) > 1 else DRAWS):
        print(line, flush=True)
