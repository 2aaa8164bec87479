"""The ``[stations]`` table: the station frame and the clean model's heterogeneity.

A scenario's ``[stations]`` table (or a file holding only that table, for
``elsim stations FILE.csv --model stations.toml``) says::

    [stations]
    count = 10061              # stations; with `sizes` a file, its rows
    registered = 11919241      # optional in a scenario: [count].registered
    size_sd = 0.45             # log-normal spread of station sizes (sd of log size)
    sizes = "stations.csv"     # or: a CSV with a `registered` column (and `stratum`)
    frame_seed = 1             # the frame is drawn once, from this seed
    list = "nur-otan"          # the list whose support co-varies with turnout

    [stations.strata.rural]    # optional; without strata, one stratum "all"
    share = 0.4                # share of the stations (the shares add up to 1)
    size = 0.5                 # mean size relative to the other strata's
    turnout = 0.4              # shift of the turnout's log-odds
    support = 0.3              # shift of `list`'s log-odds

    [stations.heterogeneity]   # station-level spread around the national values
    turnout_sd = 0.35          # each a number or a distribution (sim.params)
    support_sd = 0.35
    correlation = 0.5

    [stations.manipulation]    # where the count's inflation acts: sim.stations.manipulation
    share = 0.3                # of the stations ("random"), of the named strata's, or
    where = "random"           # the highest-turnout ones ("turnout"); "stratum" needs
    strata = ["rural"]         # `strata`
    extreme = 0.1              # of the manipulated stations, filled first and fully
    misrecording = "tabulation"  # or "rewriting" (in the station's protocol)
    rounding = 0.2             # of the manipulated stations: result to a whole percentage

    [stations.observers]       # one design: sim.stations.observers
    design = "random"          # "stratified", "convenience", "observed"
    size = 300
    strata = ["urban"]         # optional scope
    bias = 1.0                 # convenience: selection by the true result
    risk = 0.05                # one-sided, 0.001 to 0.5 (fingerprints: 1/risk resamples)

The frame (sizes and strata) is part of the scenario, not of a draw: it is built once when
the table is read, from ``frame_seed``, so that every chunk, worker and run sees the same
stations. Station sizes add up exactly to the registered voters (a file's must; drawn sizes
are apportioned by largest remainders, each station at least one voter).
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.stats import norm

from sim.errors import ScenarioError
from sim.limits import MAX_REGISTERED
from sim.params import Param, read_param
from sim.portable import exp
from sim.tables import Table, read_toml

MAX_STATIONS = 1_000_000  # India has about a million; station arrays are per draw block
SHARE_TOLERANCE = 1e-9
MAX_LOGIT = 10.0  # a shift or sd of a log-odds beyond this is a share of 0 or 1 anyway


@dataclass(frozen=True, slots=True)
class Frame:
    """The stations: ``registered`` int64 ``(n_stations,)``, ``stratum`` int16
    ``(n_stations,)`` indexing ``strata``."""

    registered: np.ndarray
    stratum: np.ndarray
    strata: tuple[str, ...]

    @property
    def n_stations(self) -> int:
        return int(self.registered.shape[0])


@dataclass(frozen=True, slots=True, kw_only=True)
class Stratum:
    """A stratum's share of stations, relative size and log-odds shifts."""

    name: str
    share: float
    size: float
    turnout: float
    support: float


@dataclass(frozen=True, slots=True, kw_only=True)
class Heterogeneity:
    """Station spread of turnout and of the focal list's support, in log-odds."""

    turnout_sd: Param
    support_sd: Param
    correlation: Param


@dataclass(frozen=True, slots=True, kw_only=True)
class StationSpec:
    """The station level of a scenario."""

    frame: Frame
    strata: tuple[Stratum, ...]
    focal: str | None  # the list whose support co-varies with turnout (None: the first)
    heterogeneity: Heterogeneity
    manipulation: Manipulation
    observers: Observers | None
    file: str

    @property
    def shifts(self) -> tuple[np.ndarray, np.ndarray]:
        """Each station's turnout and support log-odds shift, float ``(n_stations,)``."""
        turnout = np.array([s.turnout for s in self.strata])[self.frame.stratum]
        support = np.array([s.support for s in self.strata])[self.frame.stratum]
        return turnout, support


WHERE = ("random", "stratum", "turnout")
MISRECORDING = ("tabulation", "rewriting")


@dataclass(frozen=True, slots=True, kw_only=True)
class Manipulation:
    """Where and how the count's inflation acts (see the module docstring)."""

    share: float
    where: str
    strata: tuple[str, ...]
    extreme: float
    misrecording: str
    rounding: float


CLEAN = Manipulation(share=0.0, where="random", strata=(), extreme=0.0,
                     misrecording="tabulation", rounding=0.0)


def read_manipulation(table: Table, strata: tuple[str, ...]) -> Manipulation:
    """``[stations.manipulation]``; ``strata`` are the frame's stratum names."""
    if not table.names():
        return CLEAN
    table.check_keys(("share", "where", "strata", "extreme", "misrecording", "rounding"))
    where = table.string("where", "random", choices=WHERE)
    chosen = table.raw("strata", [])
    if not isinstance(chosen, list) or not all(isinstance(name, str) for name in chosen):
        raise table.error("strata", chosen, "must be a list of stratum names")
    for name in chosen:
        table.member("strata", name, strata, "stratum of [stations.strata]")
    if where == "stratum" and not chosen:
        raise ScenarioError(table.path("strata"), None, 'is required with where = "stratum"',
                            file=table.file)
    return Manipulation(share=table.number("share", required=True, low=0.0, high=1.0),
                        where=where, strata=tuple(chosen),
                        extreme=table.number("extreme", 0.0, low=0.0, high=1.0),
                        misrecording=table.string("misrecording", "tabulation",
                                                  choices=MISRECORDING),
                        rounding=table.number("rounding", 0.0, low=0.0, high=1.0))


DESIGNS = ("random", "stratified", "convenience", "observed")
# A detection risk: one-sided, and at most 1,000 resamples for the fingerprints (1 / risk).
RISK_LOW, RISK_HIGH = 0.001, 0.5


@dataclass(frozen=True, slots=True, kw_only=True)
class Observers:
    """An observer design (see the module docstring)."""

    design: str
    size: int
    scope: np.ndarray  # bool (n_stations,): the stations observers may reach
    allocation: np.ndarray  # int64 (n_strata,): stations observed per stratum
    bias: float
    risk: float

    @property
    def z(self) -> float:
        """The one-sided critical value ``z_(1-risk)``."""
        return float(norm.ppf(1 - self.risk))

    @property
    def z_half(self) -> float:
        """``z_(1-risk/2)``: each of two tests at half the risk (Bonferroni), so that
        flagging by either keeps the stated risk."""
        return float(norm.ppf(1 - self.risk / 2))


def read_observers(table: Table, frame: Frame) -> Observers | None:
    """``[stations.observers]`` (None when absent), checked against the frame."""
    if not table.names():
        return None
    table.check_keys(("design", "size", "strata", "bias", "risk"))
    design = table.string("design", "random", choices=DESIGNS)
    chosen = table.raw("strata", list(frame.strata))
    if not isinstance(chosen, list) or not chosen or \
            not all(isinstance(name, str) for name in chosen):
        raise table.error("strata", chosen, "must be a non-empty list of stratum names")
    for name in chosen:
        table.member("strata", name, frame.strata, "stratum of [stations.strata]")
    in_scope = np.isin(frame.stratum, [frame.strata.index(name) for name in chosen])
    available = int(in_scope.sum())
    size = table.integer("size", required=True, low=2)
    if size > available:
        raise table.error("size", size, f"must not exceed the {available} stations of the "
                          f"frame{'' if len(chosen) == len(frame.strata) else ' in its strata'}")
    per_stratum = np.bincount(frame.stratum[in_scope], minlength=len(frame.strata))
    allocation = np.zeros(len(frame.strata), dtype=np.int64)
    if design == "stratified":
        allocation = split_exactly(size, per_stratum.astype(float))
        if np.any((allocation < 2) & (per_stratum > 0)):
            raise table.error("size", size, "must give every stratum of the scope at least "
                              "2 stations (for its variance) in proportion to its stations")
    return Observers(design=design, size=size, scope=in_scope, allocation=allocation,
                     bias=table.number("bias", 0.0, low=-20.0, high=20.0),
                     risk=table.number("risk", 0.05, low=RISK_LOW, high=RISK_HIGH))


KEYS = ("count", "registered", "size_sd", "sizes", "frame_seed", "list", "strata",
        "heterogeneity", "manipulation", "observers")


def read_stations(table: Table, lists: tuple[str, ...] | None, registered: int | None,
                  folder: Path) -> StationSpec:
    """A :class:`StationSpec` from a ``[stations]`` table. ``lists`` are the scenario's
    (None for a file of its own: any list id is taken); ``registered`` is
    ``[count].registered`` (None without a count model); ``folder`` holds the file."""
    table.check_keys(KEYS)
    strata = _read_strata(table.table("strata"))
    focal = table.string("list")
    if focal is not None and lists is not None:
        table.member("list", focal, lists)
    total = table.integer("registered", registered, low=1, high=MAX_REGISTERED)
    if total is None:
        raise ScenarioError(table.path("registered"), None, "is required without a [count] "
                            "table (the registered voters of the whole frame)", file=table.file)
    if registered is not None and total != registered:
        raise table.error("registered", total, f"must equal [count].registered ({registered})"
                          " or be left out")
    if "sizes" in table:
        frame = _frame_from_file(table, folder, strata, total)
    else:
        frame = _drawn_frame(table, strata, total)
    het = table.table("heterogeneity")
    het.check_keys(("turnout_sd", "support_sd", "correlation"))
    heterogeneity = Heterogeneity(
        turnout_sd=read_param(het, "turnout_sd", 0.35, low=0.0, high=MAX_LOGIT),
        support_sd=read_param(het, "support_sd", 0.35, low=0.0, high=MAX_LOGIT),
        correlation=read_param(het, "correlation", 0.5, low=-1.0, high=1.0))
    return StationSpec(frame=frame, strata=strata, focal=focal, heterogeneity=heterogeneity,
                       manipulation=read_manipulation(table.table("manipulation"), frame.strata),
                       observers=read_observers(table.table("observers"), frame),
                       file=table.file)


def load_stations(path: Path) -> StationSpec:
    """The ``[stations]`` table of a file of its own (a model for real station data)."""
    top = Table(read_toml(path), str(path))
    top.check_keys(("stations",))
    return read_stations(top.table("stations", required=True), None, None, Path(path).parent)


def _read_strata(table: Table) -> tuple[Stratum, ...]:
    if not table.names():
        return (Stratum(name="all", share=1.0, size=1.0, turnout=0.0, support=0.0),)
    strata = []
    for name, entry in table.entries():
        entry.check_keys(("share", "size", "turnout", "support"))
        strata.append(Stratum(
            name=name, share=entry.number("share", required=True, low=0.0, high=1.0),
            size=entry.number("size", 1.0, low=1e-3, high=1e3),
            turnout=entry.number("turnout", 0.0, low=-MAX_LOGIT, high=MAX_LOGIT),
            support=entry.number("support", 0.0, low=-MAX_LOGIT, high=MAX_LOGIT)))
    total = sum(s.share for s in strata)
    if not math.isclose(total, 1.0, abs_tol=SHARE_TOLERANCE):
        raise table.error("*.share", round(total, 12), "the strata's shares of the stations "
                          "must add up to 1")
    return tuple(strata)


def _drawn_frame(table: Table, strata: tuple[Stratum, ...], registered: int) -> Frame:
    """Stations per stratum by largest remainders of the shares; log-normal sizes around
    each stratum's relative mean, apportioned to add up to ``registered`` exactly."""
    count = table.integer("count", required=True, low=1, high=MAX_STATIONS)
    if count > registered:
        raise table.error("count", count, f"must not exceed the registered voters "
                          f"({registered}): every station has at least one")
    size_sd = table.number("size_sd", 0.45, low=0.0, high=3.0)
    seed = table.integer("frame_seed", 1, low=0, high=2**63 - 1)
    per_stratum = split_exactly(count, np.array([s.share for s in strata]))
    stratum = np.repeat(np.arange(len(strata), dtype=np.int16), per_stratum)
    z = np.random.default_rng(seed).standard_normal(count)
    weight = np.array([s.size for s in strata])[stratum] * exp(size_sd * z)
    sizes = 1 + split_exactly(registered - count, weight)
    return Frame(registered=sizes, stratum=stratum, strata=tuple(s.name for s in strata))


def _frame_from_file(table: Table, folder: Path, strata: tuple[Stratum, ...],
                     registered: int) -> Frame:
    """A CSV with a ``registered`` column and, with strata, a ``stratum`` column."""
    name = table.string("sizes", required=True)
    path = folder / name

    def fail(rule: str) -> ScenarioError:
        return table.error("sizes", name, rule)

    if not path.is_file():
        raise fail("no such file")
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    if not rows or "registered" not in rows[0]:
        raise fail("must be a CSV with a 'registered' column")
    names = [s.name for s in strata]
    sizes, stratum = [], []
    for number, row in enumerate(rows, start=2):
        try:
            size = int(row["registered"])
        except (TypeError, ValueError):
            raise fail(f"line {number}: registered {row['registered']!r} must be a whole "
                       "number") from None
        if size < 0:
            raise fail(f"line {number}: registered {size} must not be negative")
        label = row.get("stratum") or names[0]
        if label not in names:
            raise fail(f"line {number}: stratum {label!r} names no stratum of [stations."
                       f"strata] ({', '.join(names)})")
        sizes.append(size)
        stratum.append(names.index(label))
    if sum(sizes) != registered:
        raise fail(f"station sizes add up to {sum(sizes)}, not to the {registered} "
                   "registered voters")
    count = table.integer("count", len(rows), low=1, high=MAX_STATIONS)
    if count != len(rows):
        raise table.error("count", count, f"must equal the {len(rows)} stations of {name}")
    return Frame(registered=np.array(sizes, dtype=np.int64),
                 stratum=np.array(stratum, dtype=np.int16), strata=tuple(names))


def split_exactly(total: int | np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Whole numbers proportional to ``weights`` along the last axis that add up to
    ``total`` exactly (largest remainders; ties to the earlier entry).

    ``total`` int or int64 ``(...)``; ``weights`` float ``(..., n)`` non-negative with a
    positive sum; returns int64 ``(..., n)``.
    """
    weights = np.asarray(weights, dtype=float)
    total = np.asarray(total, dtype=np.int64)
    quota = weights / weights.sum(axis=-1, keepdims=True) * total[..., None]
    whole = np.floor(quota).astype(np.int64)
    short = total - whole.sum(axis=-1)
    order = np.argsort(-(quota - whole), axis=-1, kind="stable")
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(weights.shape[-1]), axis=-1)
    return whole + (rank < short[..., None])
