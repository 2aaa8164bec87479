"""elsim: Monte Carlo election scenarios for list proportional representation.

The public API (:data:`__all__`): load and validate a scenario, simulate it, read the seats;
allocate one count under a law; read result files back and turn them into a tidy table.
``docs/api.md`` shows each with an example.

>>> from sim import load_scenario, simulate
>>> simulation = simulate(load_scenario("scenarios/kz-2021/mixture.toml"), draws=10_000, seed=1)
>>> summary = simulation.to_dict()

Names are imported on first use, so ``import sim`` stays cheap (no numpy, scipy or simpy
until a name that needs them is touched).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# name -> module that defines it
_PUBLIC = {
    "load_scenario": "sim.scenario", "Scenario": "sim.scenario",
    "simulate": "sim.engine.simulate", "Simulation": "sim.engine.simulate",
    "allocate": "sim.law.allocate", "allocate_details": "sim.law.allocate",
    "ElectoralSystem": "sim.law.system", "RunnerUp": "sim.law.system",
    "load_tally": "sim.law.tally",
    "result_document": "sim.output.results", "write_result": "sim.output.results",
    "read_result": "sim.output.results", "read_record": "sim.output.results",
    "result_record": "sim.output.results", "Result": "sim.output.records",
    "tidy_rows": "sim.output.tidy", "tidy_csv": "sim.output.tidy",
    "SimError": "sim.errors", "InvalidValue": "sim.errors", "ScenarioError": "sim.errors",
    "ResultError": "sim.errors",
}

__all__ = [
    "__version__", "load_scenario", "Scenario", "simulate", "Simulation", "allocate",
    "allocate_details", "ElectoralSystem", "RunnerUp", "load_tally", "result_document",
    "write_result", "read_result", "result_record", "read_record", "Result", "tidy_rows",
    "tidy_csv", "SimError", "InvalidValue", "ScenarioError", "ResultError",
]

if TYPE_CHECKING:  # what type checkers and editors see; at run time __getattr__ imports
    from sim.engine.simulate import Simulation, simulate
    from sim.errors import InvalidValue, ResultError, ScenarioError, SimError
    from sim.law.allocate import allocate, allocate_details
    from sim.law.system import ElectoralSystem, RunnerUp
    from sim.law.tally import load_tally
    from sim.output.records import Result
    from sim.output.results import (
        read_record,
        read_result,
        result_document,
        result_record,
        write_result,
    )
    from sim.output.tidy import tidy_csv, tidy_rows
    from sim.scenario import Scenario, load_scenario


def __getattr__(name: str) -> Any:
    if name not in _PUBLIC:
        raise AttributeError(f"module 'sim' has no attribute {name!r}")
    value = getattr(importlib.import_module(_PUBLIC[name]), name)
    globals()[name] = value  # the next look-up is a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
