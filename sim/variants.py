"""The ``[sweep]`` table: one or two parameters of a scenario and the values they take."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sim.config import Table
from sim.errors import ScenarioError

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
    for axis_id in table.names():
        entry = table.table(axis_id)
        entry.check_keys(("key", "values", "complement"))
        keys = [entry.string("key", required=True), entry.string("complement")]
        for name, key in zip(("key", "complement"), keys):
            if key is not None and not _settable_number(data, key):
                raise entry.error(name, key, "must be the key path of a number in this "
                                  "scenario, such as sources.barometer.weight")
        values = entry.raw("values", required=True)
        if not isinstance(values, list) or not values or not all(
                isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
            raise entry.error("values", values, "must be a non-empty array of numbers")
        axes.append(SweepAxis(id=axis_id, key=keys[0], values=tuple(values),
                              complement=keys[1]))
    if len(axes) > MAX_SWEEP_AXES:
        raise ScenarioError("sweep", list(table.data), f"may vary at most {MAX_SWEEP_AXES} "
                            "parameters")
    return tuple(axes)


def _settable_number(data: dict[str, Any], key: str) -> bool:
    """The key's tables exist and it holds a number or nothing yet (a default)."""
    *tables, last = key.split(".")
    for name in tables:
        if not isinstance(data.get(name), dict):
            return False
        data = data[name]
    value = data.get(last, 0.0)
    return isinstance(value, (int, float)) and not isinstance(value, bool)
