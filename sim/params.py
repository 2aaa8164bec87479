"""Uncertain parameters: a number, or a distribution that gives each draw its own value.

In a scenario file, wherever a campaign or count parameter is accepted, one may write
``0.6`` or ``{ normal = [mean, sd] }``, ``{ uniform = [low, high] }``,
``{ beta = [a, b] }`` or ``{ triangular = [low, mode, high] }``. Draws of a normal are
clipped to the parameter's range (e.g. [0, 1] for a probability). Every number must be
finite, and a distribution's arguments valid for it, so that no draw is NaN or infinite.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal, overload

import numpy as np

from sim.errors import ScenarioError
from sim.tables import MAX_MAGNITUDE, Table, is_number

DISTRIBUTIONS = {"normal": 2, "uniform": 2, "beta": 2, "triangular": 3}


@dataclass(frozen=True, slots=True)
class Param:
    """A fixed value (``kind == "fixed"``) or a distribution with its arguments."""

    kind: str
    args: tuple[float, ...]
    low: float
    high: float

    def draw(self, n: int, *, rng: np.random.Generator) -> np.ndarray:
        """``n`` values, shape ``(n,)``; a fixed value uses no random numbers."""
        if self.kind == "fixed":
            return np.full(n, self.args[0])
        if self.kind == "normal":
            values = rng.normal(self.args[0], self.args[1], n)
        elif self.kind == "uniform":
            values = rng.uniform(self.args[0], self.args[1], n)
        elif self.kind == "beta":
            values = rng.beta(self.args[0], self.args[1], n)
        else:
            values = rng.triangular(self.args[0], self.args[1], self.args[2], size=n)
        return np.clip(values, self.low, self.high)

    def moments(self) -> tuple[float, float]:
        """Mean and variance of the distribution (of its draws before clipping to the
        range)."""
        a = self.args
        if self.kind == "fixed":
            return a[0], 0.0
        if self.kind == "normal":
            return a[0], a[1] ** 2
        if self.kind == "uniform":
            return (a[0] + a[1]) / 2, (a[1] - a[0]) ** 2 / 12
        if self.kind == "beta":
            total = a[0] + a[1]
            return a[0] / total, a[0] * a[1] / (total ** 2 * (total + 1))
        low, mode, high = a
        return (low + mode + high) / 3, (low ** 2 + mode ** 2 + high ** 2 - low * mode
                                         - low * high - mode * high) / 18

    def describe(self) -> str:
        if self.kind == "fixed":
            return f"{self.args[0]:g}"
        return f"{self.kind}({', '.join(f'{a:g}' for a in self.args)})"


class ParamDraws:
    """Draws parameters, one value per draw, and keeps the values of the uncertain ones by
    key path (``invalid``, ``event[2].points``): inference reads them back."""

    def __init__(self, n_draws: int, rng: np.random.Generator):
        self.n_draws, self.rng = n_draws, rng
        self.values: dict[str, np.ndarray] = {}

    def draw(self, key: str, param: Param) -> np.ndarray:
        values = param.draw(self.n_draws, rng=self.rng)
        if param.kind != "fixed":
            self.values[key] = values
        return values


@overload
def read_param(table: Table, name: str, default: float, *, low: float = -np.inf,
               high: float = np.inf, required: bool = False) -> Param: ...
@overload
def read_param(table: Table, name: str, default: None = None, *, low: float = -np.inf,
               high: float = np.inf, required: Literal[True]) -> Param: ...
@overload
def read_param(table: Table, name: str, default: float | None = None, *,
               low: float = -np.inf, high: float = np.inf,
               required: bool = False) -> Param | None: ...
def read_param(table: Table, name: str, default: float | None = None, *,
               low: float = -np.inf, high: float = np.inf,
               required: bool = False) -> Param | None:
    """The parameter ``name`` of ``table``, checked against the range [low, high]."""
    value = table.raw(name, default, required=required)
    if value is None:
        return None
    where = table.path(name)
    if is_number(value):
        if not math.isfinite(value):
            raise ScenarioError(where, value, "must be a finite number", file=table.file)
        if not low <= value <= high:
            raise ScenarioError(where, value, _range_rule(low, high), file=table.file)
        return Param("fixed", (float(value),), low, high)
    if not isinstance(value, dict) or len(value) != 1 or next(iter(value)) not in DISTRIBUTIONS:
        raise ScenarioError(where, value, "must be a number or one of { normal = [mean, sd] }, "
                            "{ uniform = [low, high] }, { beta = [a, b] }, "
                            "{ triangular = [low, mode, high] }", file=table.file)
    kind, args = next(iter(value.items()))
    if not isinstance(args, list) or len(args) != DISTRIBUTIONS[kind] or not all(
            map(is_number, args)):
        raise ScenarioError(f"{where}.{kind}", args,
                            f"must be {DISTRIBUTIONS[kind]} numbers", file=table.file)
    if not all(math.isfinite(a) and abs(a) <= MAX_MAGNITUDE for a in args):
        raise ScenarioError(f"{where}.{kind}", args, f"must be finite numbers of at most "
                            f"{MAX_MAGNITUDE:.0e} in size", file=table.file)
    _check_arguments(f"{where}.{kind}", kind, args, low, high, table.file)
    return Param(kind, tuple(float(a) for a in args), low, high)


def _check_arguments(where, kind, args, low, high, file) -> None:
    def fail(rule):
        raise ScenarioError(where, args, rule, file=file)

    if kind == "normal" and args[1] < 0:
        fail("the sd must not be negative")
    if kind == "uniform" and args[0] > args[1]:
        fail("low must not exceed high")
    if kind == "beta" and (args[0] <= 0 or args[1] <= 0):
        fail("a and b must be positive")
    if kind == "beta" and (low > 0 or high < 1):
        fail(f"a beta gives values in [0, 1], outside this parameter's {_range_rule(low, high)}")
    if kind == "triangular" and not (args[0] <= args[1] <= args[2] and args[0] < args[2]):
        fail("must be ordered low <= mode <= high, with low < high")
    if kind in ("uniform", "triangular") and (args[0] < low or args[-1] > high):
        fail(_range_rule(low, high))
    if kind == "normal" and not low <= args[0] <= high:
        fail(f"the mean {_range_rule(low, high)}")


def _range_rule(low: float, high: float) -> str:
    if np.isinf(high):
        return f"must be at least {low:g}"
    if np.isinf(low):
        return f"must be at most {high:g}"
    return f"must be between {low:g} and {high:g}"
