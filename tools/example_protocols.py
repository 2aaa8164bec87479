"""Write the shipped example of observers' protocols for ``elsim infer --protocols``.

    python tools/example_protocols.py    # scenarios/kz-2021/protocols-82-cities.csv

SIMULATED, not observed: Kazakhstan publishes no station results and no observer network's
protocols are public. The file is one draw of scenarios/kz-2021/stations-reconcile.toml
(its prior: the poll sources, the count's turnout, stuffing and misrecording), the one
of 200,000 whose official figures come closest to the CEC's published count
(scenarios/history/kz-2021.toml), at 82 stations of its `cities` stratum chosen at
random (the size of one 2019 observer network, issue 23): their protocol copies and the
observers' own counts of the voters, as sim.inference.protocols.simulated_protocols makes
them. The draw's true parameters are in
the file's comment lines, so that a reader can see what `elsim infer` recovers. The same
seeds give the same bytes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from sim.engine.simulate import draw_chunk, seed_entropy
from sim.inference.observed import draw_figures, observed_figures
from sim.inference.protocols import simulated_protocols, write_protocols
from sim.law.tally import load_tally
from sim.polls.support import support_model
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "kz-2021" / "stations-reconcile.toml"
OUT = ROOT / "scenarios" / "kz-2021" / "protocols-82-cities.csv"
TALLY = ROOT / "scenarios" / "history" / "kz-2021.toml"
SEED, STATIONS, STRATUM, DRAWS = 2021, 82, "cities", 200_000


def example_text() -> str:
    scenario = load_scenario(SCENARIO)
    spec = scenario.stations
    assert spec is not None
    rng = np.random.default_rng(SEED)
    cities = np.flatnonzero(spec.frame.stratum == spec.frame.strata.index(STRATUM))
    stations = np.sort(rng.choice(cities, STATIONS, replace=False))
    chunk = draw_chunk(scenario, support_model(scenario), seed_entropy(SEED), 0, DRAWS)
    observed = observed_figures(load_tally(TALLY), scenario)
    gaps = np.abs(draw_figures(chunk, observed) - observed.values[:, None]).max(axis=0)
    draw = int(np.argmin(gaps))
    protocols = simulated_protocols(scenario, chunk, stations, rng, draw=draw)
    shares = 100 * chunk.votes[:, draw] / chunk.votes[:, draw].sum()
    truth = ", ".join(f"{name} {float(value[draw]):.4f}"
                      for name, value in chunk.params.items())
    comments = (
        "SIMULATED protocols, not observed ones: the elsim repository's "
        "tools/example_protocols.py (its docstring).",
        f"One draw (seed {SEED}) of kz-2021/stations-reconcile.toml, the closest of "
        f"{DRAWS:,} to the CEC's count ({gaps[draw]:.2f} points), at {STATIONS} stations of "
        f"its '{STRATUM}' stratum;",
        f"the draw's true values: {truth};",
        f"genuine support of Nur Otan {100 * float(chunk.genuine[0, draw]):.2f}%, official "
        f"{float(shares[0]):.2f}%, true turnout {100 * float(chunk.true_turnout[draw]):.2f}%.",
        "Columns: the station's number in the scenario's frame, its stratum, the votes per "
        "list, invalid ballots, the observers' own count of voters.")
    return write_protocols(protocols, scenario, comments)


if __name__ == "__main__":
    OUT.write_text(example_text(), encoding="utf-8")
    print(f"wrote {OUT}")
