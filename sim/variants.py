"""The ``[sweep]`` table: one or two parameters of a scenario and the values they take.

Each combination of values gives a variant: the scenario's resolved data with those values
set, which the loader builds and validates like any scenario.
"""

from __future__ import annotations

import copy
import itertools
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sim.errors import ScenarioError
from sim.limits import MAX_SWEEP_VARIANTS
from sim.tables import Table, is_number

MAX_SWEEP_AXES = 2


@dataclass(frozen=True, slots=True, kw_only=True)
class SweepAxis:
    """One swept parameter: the key path it sets, its values, and an optional key path that
    gets ``1 - value`` (e.g. the other source's weight)."""

    id: str
    key: str
    values: tuple[int | float, ...]
    complement: str | None


def read_sweeps(table: Table, data: dict[str, Any]) -> tuple[SweepAxis, ...]:
    """The sweep axes of a ``[sweep]`` table; ``data`` is the resolved scenario they set."""
    axes = []
    for axis_id, entry in table.entries():
        entry.check_keys(("key", "values", "complement"))
        key, complement = entry.string("key", required=True), entry.string("complement")
        for name, path in (("key", key), ("complement", complement)):
            if path is not None and not _settable_number(data, path):
                raise entry.error(name, path, "must be the key path of a number in this "
                                  "scenario, such as sources.barometer.weight")
        values = entry.raw("values", required=True)
        if not isinstance(values, list) or not values or not all(map(is_number, values)):
            raise entry.error("values", values, "must be a non-empty array of numbers")
        if not all(map(math.isfinite, values)):
            raise entry.error("values", values, "must be finite numbers")
        axes.append(SweepAxis(id=axis_id, key=key, values=tuple(values),
                              complement=complement))
    if len(axes) > MAX_SWEEP_AXES:
        raise ScenarioError("sweep", list(table.data), f"may vary at most {MAX_SWEEP_AXES} "
                            "parameters")
    size = math.prod(len(axis.values) for axis in axes)
    if size > MAX_SWEEP_VARIANTS:
        raise ScenarioError("sweep", f"{size} variants", f"may have at most "
                            f"{MAX_SWEEP_VARIANTS} variants; sweep fewer values, or split the "
                            "sweep into several scenario files")
    return tuple(axes)


def sweep_data(axes: tuple[SweepAxis, ...],
               data: dict[str, Any]) -> Iterator[tuple[dict[str, float], dict[str, Any]]]:
    """Each combination of swept values, and the scenario data it gives (sweep removed)."""
    for values in itertools.product(*(axis.values for axis in axes)):
        variant = copy.deepcopy(data)
        del variant["sweep"]
        for axis, value in zip(axes, values):
            _set_key(variant, axis.key, value)
            if axis.complement is not None:
                _set_key(variant, axis.complement, round(1.0 - value, 12))
        yield dict(zip((axis.id for axis in axes), values)), variant


def _set_key(data: dict, key: str, value: float) -> None:
    *tables, last = key.split(".")
    for name in tables:
        data = data[name]
    data[last] = value


def _settable_number(data: dict[str, Any], key: str) -> bool:
    """The key's tables exist and it holds a number or nothing yet (a default)."""
    *tables, last = key.split(".")
    for name in tables:
        if not isinstance(data.get(name), dict):
            return False
        data = data[name]
    return is_number(data.get(last, 0.0))
