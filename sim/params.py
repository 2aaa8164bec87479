"""Uncertain parameters: a number, or a distribution that gives each draw its own value.

In a scenario file, wherever a campaign or count parameter is accepted, one may write
``0.6`` or ``{ normal = [mean, sd] }``, ``{ uniform = [low, high] }``,
``{ beta = [a, b] }`` or ``{ triangular = [low, mode, high] }``. Draws of a normal are
clipped to the parameter's range (e.g. [0, 1] for a probability). Every number must be
finite, and a distribution's arguments valid for it, so that no draw is NaN or infinite.
Where its reader allows (``read_param(..., listed=True)``: the calibrated sds), a plain
list ``[0.31, 0.29, ...]`` gives posterior draws, each equally likely.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal, overload

import numpy as np

from sim.errors import ScenarioError
from sim.tables import MAX_MAGNITUDE, Table, is_number


class Kind:
    """One kind of parameter: how it is written, how many arguments it takes and what they
    must satisfy, how it draws and its moments. A new kind is a subclass and a line in
    :data:`KINDS`; nothing else reads a kind's name."""

    name: str
    form: str  # how a scenario writes it, for the error message listing the kinds
    arity: int  # its number of arguments; 0: any number from 1 to MAX_LISTED
    # Written as a bare list of its arguments ([0.31, 0.29, ...]) instead of a one-key
    # table; only where the reader allows it (read_param's ``listed``).
    listed: bool = False

    def check(self, args: tuple[float, ...], low: float, high: float) -> str | None:
        """What is wrong with ``args`` for a parameter in [low, high] (None: nothing)."""
        return None

    def sample(self, args: tuple[float, ...], n: int, rng: np.random.Generator) -> np.ndarray:
        raise NotImplementedError

    def moments(self, args: tuple[float, ...]) -> tuple[float, float]:
        raise NotImplementedError

    def describe(self, args: tuple[float, ...]) -> str:
        """The parameter in a few words, for rules and reports."""
        return f"{self.name}({', '.join(f'{a:g}' for a in args)})"


class Fixed(Kind):
    name, form, arity = "fixed", "a number", 1

    def sample(self, args, n, rng):
        return np.full(n, args[0])  # no random numbers

    def moments(self, args):
        return args[0], 0.0

    def describe(self, args):
        return f"{args[0]:g}"


class Normal(Kind):
    name, form, arity = "normal", "{ normal = [mean, sd] }", 2

    def check(self, args, low, high):
        if args[1] < 0:
            return "the sd must not be negative"
        if not low <= args[0] <= high:
            return f"the mean {_range_rule(low, high)}"
        return None

    def sample(self, args, n, rng):
        return rng.normal(args[0], args[1], n)

    def moments(self, args):
        return args[0], args[1] ** 2


class Uniform(Kind):
    name, form, arity = "uniform", "{ uniform = [low, high] }", 2

    def check(self, args, low, high):
        if args[0] > args[1]:
            return "low must not exceed high"
        return _within(args, low, high)

    def sample(self, args, n, rng):
        return rng.uniform(args[0], args[1], n)

    def moments(self, args):
        return (args[0] + args[1]) / 2, (args[1] - args[0]) ** 2 / 12


class Beta(Kind):
    name, form, arity = "beta", "{ beta = [a, b] }", 2

    def check(self, args, low, high):
        if args[0] <= 0 or args[1] <= 0:
            return "a and b must be positive"
        if low > 0 or high < 1:
            return f"a beta gives values in [0, 1], outside this parameter's " \
                   f"{_range_rule(low, high)}"
        return None

    def sample(self, args, n, rng):
        return rng.beta(args[0], args[1], n)

    def moments(self, args):
        total = args[0] + args[1]
        return args[0] / total, args[0] * args[1] / (total ** 2 * (total + 1))


class Triangular(Kind):
    name, form, arity = "triangular", "{ triangular = [low, mode, high] }", 3

    def check(self, args, low, high):
        if not (args[0] <= args[1] <= args[2] and args[0] < args[2]):
            return "must be ordered low <= mode <= high, with low < high"
        return _within(args, low, high)

    def sample(self, args, n, rng):
        return rng.triangular(args[0], args[1], args[2], size=n)

    def moments(self, args):
        low, mode, high = args
        return (low + mode + high) / 3, (low ** 2 + mode ** 2 + high ** 2 - low * mode
                                         - low * high - mode * high) / 18


class Draws(Kind):
    """Posterior draws of a parameter (``elsim calibrate`` writes them), each equally
    likely: each Monte Carlo draw takes one, by one call of ``rng.integers``. Two draws
    parameters of one length may be paired (draw ``j`` of one goes with draw ``j`` of the
    other): :func:`sim.polls.survey_error.draw_sds` picks both with one index."""

    name, form, arity, listed = "draws", "a list of draws [v1, v2, ...]", 0, True

    def check(self, args, low, high):
        return None if low <= min(args) and max(args) <= high else _range_rule(low, high)

    def sample(self, args, n, rng):
        return np.asarray(args)[rng.integers(len(args), size=n)]

    def moments(self, args):
        values = np.asarray(args)
        return float(values.mean()), float(values.var())

    def describe(self, args):
        low, mid, high = np.quantile(args, [0.05, 0.5, 0.95])
        return f"draws({len(args)}: median {mid:.3g}, 90% {low:.3g}-{high:.3g})"


FIXED = Fixed()
KINDS: dict[str, Kind] = {kind.name: kind for kind in (Normal(), Uniform(), Beta(),
                                                        Triangular(), Draws())}
MAX_LISTED = 10_000  # arguments of a listed kind: a calibration writes a few hundred draws
# The kinds written as a one-key table, name -> their number of arguments.
DISTRIBUTIONS = {name: kind.arity for name, kind in KINDS.items() if not kind.listed}


@dataclass(frozen=True, slots=True)
class Param:
    """A fixed value (``kind == "fixed"``) or a distribution with its arguments, and where
    it was read: ``key`` is its full key path in the scenario file
    (``count.inflation.stuffing``, ``campaign.event[2].points``), under which its draws are
    recorded; ``label`` its meaning in words, where its reader knows one. Both are left out
    of comparisons: two parameters are equal when they draw alike."""

    kind: str
    args: tuple[float, ...]
    low: float
    high: float
    key: str = field(default="", compare=False)
    label: str | None = field(default=None, compare=False)

    @property
    def uncertain(self) -> bool:
        """Whether draws may differ (a distribution, not a fixed value)."""
        return self.kind != FIXED.name

    def draw(self, n: int, *, rng: np.random.Generator) -> np.ndarray:
        """``n`` values, shape ``(n,)``, clipped to the range; a fixed value uses no random
        numbers."""
        if not self.uncertain:
            return FIXED.sample(self.args, n, rng)
        return np.clip(KINDS[self.kind].sample(self.args, n, rng), self.low, self.high)

    def moments(self) -> tuple[float, float]:
        """Mean and variance of the distribution (of its draws before clipping to the
        range)."""
        return (KINDS.get(self.kind) or FIXED).moments(self.args)

    def describe(self) -> str:
        return (KINDS.get(self.kind) or FIXED).describe(self.args)

    def at(self, key: str, label: str | None = None) -> Param:
        """The same distribution recorded under another key path (e.g. an endorser's pool
        drawn afresh by an event, under the event's key)."""
        return dataclasses.replace(self, key=key, label=label)

    def labelled(self, label: str) -> Param:
        return dataclasses.replace(self, label=label)


class ParamDraws:
    """Draws parameters, one value per draw, and keeps the values of the uncertain ones
    under their key paths (:attr:`Param.key`): inference reads them back.

    A parameter drawn for some draws only (an endorser's pool where it has a target
    running) is kept full-length, NaN where it was not drawn; drawn again in a draw, the
    value kept is the one used last."""

    def __init__(self, n_draws: int, rng: np.random.Generator):
        self.n_draws, self.rng = n_draws, rng
        self.values: dict[str, np.ndarray] = {}

    def reserve(self, param: Param) -> None:
        """Keep an all-NaN column for ``param`` (if uncertain) until it is drawn, so that
        every chunk records the same keys whether or not it draws it."""
        if param.uncertain:
            self.values.setdefault(param.key, np.full(self.n_draws, np.nan))

    def draw(self, param: Param, draws: np.ndarray | None = None) -> np.ndarray:
        """One value per draw, ``(n_draws,)``; or per index of ``draws``, ``(draws.size,)``."""
        values = param.draw(self.n_draws if draws is None else draws.size, rng=self.rng)
        if param.uncertain:
            if not param.key:
                raise ValueError(f"an uncertain parameter ({param.describe()}) without a key "
                                 "path: it was not read with read_param")
            if draws is None:
                self.values[param.key] = values
            else:
                kept = self.values.setdefault(param.key, np.full(self.n_draws, np.nan))
                kept[draws] = values
        return values


def param_labels(*roots: Any) -> dict[str, str]:
    """Each parameter's key path -> its label (the key path where it has none), for every
    :class:`Param` within ``roots`` (dataclasses, mappings and sequences, searched
    through)."""
    return {param.key: param.label or param.key for param in _params_in(roots) if param.key}


def _params_in(value: Any) -> Iterator[Param]:
    if isinstance(value, Param):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for item in dataclasses.fields(value):
            yield from _params_in(getattr(value, item.name))
    elif isinstance(value, dict):
        for item in value.values():
            yield from _params_in(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _params_in(item)


@overload
def read_param(table: Table, name: str, default: float, *, low: float = -np.inf,
               high: float = np.inf, required: bool = False, label: str | None = None,
               listed: bool = False) -> Param: ...
@overload
def read_param(table: Table, name: str, default: None = None, *, low: float = -np.inf,
               high: float = np.inf, required: Literal[True], label: str | None = None,
               listed: bool = False) -> Param: ...
@overload
def read_param(table: Table, name: str, default: float | None = None, *,
               low: float = -np.inf, high: float = np.inf, required: bool = False,
               label: str | None = None, listed: bool = False) -> Param | None: ...
def read_param(table: Table, name: str, default: float | None = None, *,
               low: float = -np.inf, high: float = np.inf, required: bool = False,
               label: str | None = None, listed: bool = False) -> Param | None:
    """The parameter ``name`` of ``table``, checked against the range [low, high], under
    its key path in the file and with ``label``, its meaning in words (if given).
    ``listed`` also accepts the kinds written as a bare list (posterior draws)."""
    value = table.raw(name, default, required=required)
    if value is None:
        return None
    where = table.path(name)
    if is_number(value):
        if not math.isfinite(value):
            raise ScenarioError(where, value, "must be a finite number", file=table.file)
        if not low <= value <= high:
            raise ScenarioError(where, value, _range_rule(low, high), file=table.file)
        return Param(FIXED.name, (float(value),), low, high, where, label)
    if listed and isinstance(value, list):
        return _read_listed(table, name, value, low, high, label)
    if not isinstance(value, dict) or len(value) != 1 or next(iter(value)) not in KINDS or \
            KINDS[next(iter(value))].listed:
        forms = [kind.form for kind in KINDS.values() if listed or not kind.listed]
        raise ScenarioError(where, value, "must be a number or one of " + ", ".join(forms),
                            file=table.file)
    name, args = next(iter(value.items()))
    kind = KINDS[name]
    if not isinstance(args, list) or len(args) != kind.arity or not all(
            map(is_number, args)):
        raise ScenarioError(f"{where}.{name}", args, f"must be {kind.arity} numbers",
                            file=table.file)
    if not all(math.isfinite(a) and abs(a) <= MAX_MAGNITUDE for a in args):
        raise ScenarioError(f"{where}.{name}", args, f"must be finite numbers of at most "
                            f"{MAX_MAGNITUDE:.0e} in size", file=table.file)
    problem = kind.check(tuple(args), low, high)
    if problem is not None:
        raise ScenarioError(f"{where}.{name}", args, problem, file=table.file)
    return Param(name, tuple(float(a) for a in args), low, high, where, label)


def _read_listed(table: Table, name: str, values: list, low: float, high: float,
                 label: str | None) -> Param:
    """A parameter written as a bare list: the (one) listed kind's arguments."""
    kind = next(kind for kind in KINDS.values() if kind.listed)
    if not 1 <= len(values) <= MAX_LISTED or not all(
            is_number(v) and math.isfinite(v) and abs(v) <= MAX_MAGNITUDE for v in values) \
            or kind.check(tuple(values), low, high) is not None:
        shown = values if len(values) <= 5 else f"[{len(values)} values]"
        raise table.error(name, shown, f"as draws, must be a list of 1 to {MAX_LISTED} "
                          f"numbers {_range_words(low, high)}".rstrip())
    return Param(kind.name, tuple(float(v) for v in values), low, high, table.path(name),
                 label)


def _within(args, low: float, high: float) -> str | None:
    """The range rule when the lowest or highest argument falls outside [low, high]."""
    return _range_rule(low, high) if args[0] < low or args[-1] > high else None


def _range_rule(low: float, high: float) -> str:
    return f"must be {_range_words(low, high) or 'finite'}"


def _range_words(low: float, high: float) -> str:
    """"between 0 and 1", "at least 0", "at most 1" (or nothing for no bounds)."""
    if np.isinf(low) and np.isinf(high):
        return ""
    if np.isinf(high):
        return f"at least {low:g}"
    if np.isinf(low):
        return f"at most {high:g}"
    return f"between {low:g} and {high:g}"
