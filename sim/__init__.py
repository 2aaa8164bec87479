"""elsim: Monte Carlo election scenarios for list proportional representation.

The public API: load a scenario, simulate it, read the seats; or allocate one count.

>>> from sim import load_scenario, simulate
>>> simulation = simulate(load_scenario("scenarios/kz-2021/mixture.toml"), draws=10_000, seed=1)
>>> summary = simulation.to_dict()
"""

__version__ = "0.1.0"

from sim.engine.simulate import Simulation, simulate  # noqa: E402
from sim.errors import InvalidValue, ResultError, ScenarioError, SimError  # noqa: E402
from sim.law.allocate import allocate, allocate_details  # noqa: E402
from sim.law.system import ElectoralSystem, RunnerUp  # noqa: E402
from sim.law.tally import load_tally  # noqa: E402
from sim.output.results import read_result, result_document, write_result  # noqa: E402
from sim.scenario import Scenario, load_scenario  # noqa: E402

__all__ = [
    "__version__", "load_scenario", "Scenario", "simulate", "Simulation", "allocate",
    "allocate_details", "ElectoralSystem", "RunnerUp", "load_tally", "result_document",
    "write_result", "read_result", "SimError", "InvalidValue", "ScenarioError", "ResultError",
]
