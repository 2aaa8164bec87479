"""Typed, frozen records of a result file: what every reader of a result takes.

A result document (``<stem>.json``) is read once into a :class:`Result` by
:meth:`Result.from_dict`, which checks it once (format and version, the rules of
:mod:`sim.output.validate`: ranges, shapes, the figures read from each histogram against it),
then builds the records field by field from their annotations: each value is checked for
its type (a whole number, a finite number, a text, a record, a tuple or a table of them), a
key no record names is refused, and a record with rules among its fields (ranges, shapes: the
station level's) states them in :meth:`Record.check`, so a file elsim could not have written
never reaches a reader, and a reader's own bug (a wrong key, a wrong type) shows as a bug,
not as bad input.

:meth:`Record.to_dict` writes a record back in the order its fields are declared, leaving
out the fields declared with :func:`omitted` when they are None, so
``Result.from_dict(d).to_dict() == d`` key for key for every document elsim writes (and the
JSON bytes stay the same). A new output column is a field on its record here (declared where
it goes in the document), its producer (:meth:`sim.engine.summary.Summary.to_dict`) and the
readers that show it; this module builds and writes it without another edit.
"""

from __future__ import annotations

import math
import types
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import PurePosixPath
from typing import Any, ClassVar, Self, Union, get_args, get_origin, get_type_hints

from sim.errors import ResultError
from sim.output.validate import check_result
from sim.stations.spec import DESIGNS, RISK_HIGH, RISK_LOW

FORMAT = "elsim-result"
FORMAT_VERSION = 2  # 2: P(pass) split in two; the poll model's assumptions

SWEEP_FORMAT = "elsim-sweep"  # a sweep table (sim.output.sweeps), checked as a document
OMIT = "omit"  # field metadata: left out of the document when None


def omitted() -> Any:
    """A field a document may leave out (it is None then, and left out when written)."""
    return field(default=None, metadata={OMIT: True})


def _plain(value: Any) -> Any:
    """A record's value as JSON data: records as tables, tuples as lists."""
    if isinstance(value, Record):
        return value.to_dict()
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    return value


class Record:
    """A frozen dataclass that reads itself from, and writes itself to, JSON data."""

    __slots__ = ()

    def to_dict(self) -> dict:
        """The record as JSON data, fields in declaration order (None ones of
        :func:`omitted` fields left out)."""
        data = {}
        for spec in fields(self):  # type: ignore[arg-type]
            value = getattr(self, spec.name)
            if value is None and spec.metadata.get(OMIT):
                continue
            data[spec.name] = _plain(value)
        return data

    @classmethod
    def from_plain(cls, data: object, where: str, file: str) -> Self:
        """The record of JSON ``data`` found at key path ``where`` of ``file``."""
        if not isinstance(data, dict):
            raise _error(file, where, data, "must be a table")
        hints = _hints(cls)
        unknown = set(data) - set(hints)
        if unknown:
            name = sorted(unknown)[0]
            raise _error(file, f"{where}.{name}", data[name],
                         f"is not a field of {cls.__name__} (fields: {', '.join(hints)})")
        values = {}
        for name, kind in hints.items():
            if name not in data and not _is_optional(kind):
                raise _error(file, f"{where}.{name}", None, "is missing")
            values[name] = _read(kind, data.get(name), f"{where}.{name}", file)
        record = cls(**values)
        record.check(where, file)
        return record

    def check(self, where: str, file: str) -> None:
        """The rules among a record's typed fields (ranges, shapes), raised as
        :func:`_error` naming ``where`` in ``file``; none unless a record states some."""


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    """A record's fields and their annotations, in declaration order (read once per class)."""
    if cls not in _HINTS:
        hints = get_type_hints(cls)
        _HINTS[cls] = {spec.name: hints[spec.name] for spec in fields(cls)}
    return _HINTS[cls]


def _is_optional(kind: Any) -> bool:
    return get_origin(kind) in (Union, types.UnionType) and type(None) in get_args(kind)


def _read(kind: Any, value: object, where: str, file: str) -> Any:
    """``value`` checked against the annotation ``kind`` (and records built)."""
    if kind is Any:
        return value
    origin, args = get_origin(kind), get_args(kind)
    if origin in (Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        kinds = [arg for arg in args if arg is not type(None)]
        if len(kinds) > 1:  # records of different shapes: the first naming every key
            keys = set(value) if isinstance(value, dict) else set()
            kinds = [k for k in kinds if keys <= set(_hints(k))] or kinds
        return _read(kinds[0], value, where, file)
    if origin is tuple:
        if not isinstance(value, list):
            raise _error(file, where, value, "must be a list")
        items: list = value
        if args[0] is int and all(type(item) is int for item in items):
            return tuple(items)  # histograms and sample rows: one pass (bool is not int here)
        return tuple(_read(args[0], item, f"{where}[{i}]", file)
                     for i, item in enumerate(items))
    if origin is Mapping:
        if not isinstance(value, dict):
            raise _error(file, where, value, "must be a table")
        table: dict = value
        return types.MappingProxyType({key: _read(args[1], item, f"{where}.{key}", file)
                                       for key, item in table.items()})  # read-only
    if isinstance(kind, type) and issubclass(kind, Record):
        return kind.from_plain(value, where, file)
    if not _is_a(kind, value):
        raise _error(file, where, value, RULES[kind])
    return value


RULES = {int: "must be a whole number", float: "must be a finite number", str: "must be a text",
         bool: "must be true or false"}


def _is_a(kind: type, value: object) -> bool:
    if kind is bool or isinstance(value, bool):
        return kind is bool and isinstance(value, bool)
    if kind is float:
        return isinstance(value, int | float) and math.isfinite(value)
    return isinstance(value, kind)


def _error(file: str, where: str, value: object, rule: str) -> ResultError:
    shown = repr(value)
    shown = shown if len(shown) <= 60 else shown[:57] + "..."
    return ResultError(f"{file}: {where} = {shown}: {rule}")


@dataclass(frozen=True, kw_only=True, slots=True)
class SeatStats(Record):
    """A number of seats over the draws: mean, sd, quantiles and the histogram (draws with
    0, 1, ... seats; the last entry not 0)."""

    mean: float
    sd: float
    q05: int
    q25: int
    q50: int
    q75: int
    q95: int
    histogram: tuple[int, ...]


@dataclass(frozen=True, kw_only=True, slots=True)
class ShareStats(Record):
    """A fraction (vote share, turnout) over the draws: mean and 90% interval."""

    mean: float
    q05: float
    q95: float


@dataclass(frozen=True, kw_only=True, slots=True)
class ListResult(Record):
    """One list of the ballot: its seats in the whole house, threshold and runner-up odds,
    share; a count model adds true support, a campaign P(withdrawn), a district tier the
    seats of each tier."""

    id: str
    name: str
    bloc: str | None
    color: str | None
    aggregate: bool | None = omitted()
    seats: SeatStats
    p_threshold: float
    p_runner_up: float
    share: ShareStats
    support: ShareStats | None = omitted()
    p_withdrawn: float | None = omitted()
    seats_by_tier: Mapping[str, SeatStats] | None = omitted()


@dataclass(frozen=True, kw_only=True, slots=True)
class Independents(Record):
    """The district tier's candidates without a list, as one row."""

    id: str
    name: str
    bloc: str | None
    seats: SeatStats


@dataclass(frozen=True, kw_only=True, slots=True)
class AgainstAll(Record):
    share: ShareStats


@dataclass(frozen=True, kw_only=True, slots=True)
class Bloc(Record):
    """A bloc: its seats (appointed ones included) and the odds of each majority line."""

    id: str
    name: str
    appointed: int
    seats: SeatStats
    majorities: Mapping[str, float]


@dataclass(frozen=True, kw_only=True, slots=True)
class Composition(Record):
    lists: tuple[str, ...]
    probability: float


@dataclass(frozen=True, kw_only=True, slots=True)
class Parliament(Record):
    """The house: its size and tiers, majority lines, appointed seats, how often the rules
    acted, the likeliest sets of seated lists; official turnout with a count model."""

    house: int
    list_seats: int
    district_seats: int | None = omitted()
    seats_needed: Mapping[str, int]
    appointed: Mapping[str, int]
    lists_seated: Mapping[str, float]
    p_runner_up: float
    rules: Mapping[str, float]
    compositions: tuple[Composition, ...]
    turnout: ShareStats | None = omitted()


@dataclass(frozen=True, kw_only=True, slots=True)
class SeatSample(Record):
    """Whole seat vectors of some draws: each row is the seats of ``lists`` (then, with a
    district tier, the district seats of ``district_lists``) and its number of draws."""

    draws: int
    lists: tuple[str, ...]
    rows: tuple[tuple[int, ...], ...]
    district_lists: tuple[str, ...] | None = omitted()


@dataclass(frozen=True, kw_only=True, slots=True)
class District(Record):
    """A multi-member district: its seats and those of every list that won one there."""

    name: str
    seats: int
    lists: Mapping[str, SeatStats]


@dataclass(frozen=True, kw_only=True, slots=True)
class Endorser(Record):
    id: str
    name: str
    endorsed_on_election_day: Mapping[str, float]


# The station level (sim.stations.summary.StationSummary.to_dict; docs/stations.md): figures
# over draws as ShareStats (mean and 90% interval), fractions in [0, 1] except the signed
# differences and correlations, in [-1, 1].


def _check_stats(stats: ShareStats, where: str, file: str, low: float = 0.0) -> None:
    """A fraction's mean and 90% interval: each in [low, 1], q05 at most q95."""
    for name in ("mean", "q05", "q95"):
        value = getattr(stats, name)
        if not low <= value <= 1:
            raise _error(file, f"{where}.{name}", value, f"must be between {low:g} and 1")
    if stats.q05 > stats.q95:
        raise _error(file, f"{where}.q05", stats.q05, f"must be at most q95 ({stats.q95:g})")


def _check_fraction(value: float, where: str, file: str, low: float = 0.0) -> None:
    if not low <= value <= 1:
        raise _error(file, where, value, f"must be between {low:g} and 1")


@dataclass(frozen=True, kw_only=True, slots=True)
class StationShares(Record):
    """The beneficiary's share: official, genuine (true ballots), in the protocols' copies."""

    official: ShareStats
    genuine: ShareStats
    counted: ShareStats

    def check(self, where: str, file: str) -> None:
        for name in ("official", "genuine", "counted"):
            _check_stats(getattr(self, name), f"{where}.{name}", file)


@dataclass(frozen=True, kw_only=True, slots=True)
class StationTurnout(Record):
    """Turnout over the stations: official and true."""

    official: ShareStats
    true: ShareStats

    def check(self, where: str, file: str) -> None:
        _check_stats(self.official, f"{where}.official", file)
        _check_stats(self.true, f"{where}.true", file)


@dataclass(frozen=True, kw_only=True, slots=True)
class FingerprintLayer(Record):
    """One layer's fingerprints over the draws they were computed on: the integer-percent
    excess (a share of the stations, signed), the comet's corner, the turnout-share
    correlation (signed); how often the integer test, the last-digit test at its nominal
    p-value and the same test against the clean layer's quantile flag."""

    integer_excess: ShareStats
    corner: ShareStats
    correlation: ShareStats
    p_integer_flag: float
    p_digits_nominal: float
    p_digits_flag: float

    def check(self, where: str, file: str) -> None:
        _check_stats(self.integer_excess, f"{where}.integer_excess", file, low=-1.0)
        _check_stats(self.corner, f"{where}.corner", file)
        _check_stats(self.correlation, f"{where}.correlation", file, low=-1.0)
        for name in ("p_integer_flag", "p_digits_nominal", "p_digits_flag"):
            _check_fraction(getattr(self, name), f"{where}.{name}", file)


@dataclass(frozen=True, kw_only=True, slots=True)
class Fingerprints(Record):
    """The fingerprints of the clean election beside the protocols', on ``draws`` of the
    draws; ``digits_critical_p`` is the last-digit p-value the flag is read at."""

    draws: int
    digits_critical_p: float
    clean: FingerprintLayer
    protocol: FingerprintLayer

    def check(self, where: str, file: str) -> None:
        if self.draws < 1:
            raise _error(file, f"{where}.draws", self.draws, "must be at least 1")
        if not 0 < self.digits_critical_p <= 1:
            raise _error(file, f"{where}.digits_critical_p", self.digits_critical_p,
                         "must be above 0 and at most 1")


@dataclass(frozen=True, kw_only=True, slots=True)
class QuickCount(Record):
    """The observers' quick count: its design, ``size`` of ``scope_stations`` stations and
    risk; its estimate of the beneficiary's share and 95% interval, official minus estimate
    (signed), the observers' turnout; how often the interval covers the copies' share and
    each test detects; the power per draw, the stations' sd of the share (``sigma``), the
    simple random sample that power 0.8 needs (None when the mean gap is not above 0); the
    share of the observed stations each option won."""

    design: str
    size: int
    risk: float
    scope_stations: int
    estimate: ShareStats
    low: ShareStats
    high: ShareStats
    gap: ShareStats
    turnout_estimate: ShareStats
    coverage: float
    p_detect_share: float
    p_detect_turnout: float
    p_detect: float
    analytic_power: ShareStats
    sigma: float
    size_needed: float | None
    observed_won: Mapping[str, ShareStats]

    def check(self, where: str, file: str) -> None:
        # The rules the scenario reader holds a design to (sim.stations.spec).
        if self.design not in DESIGNS:
            raise _error(file, f"{where}.design", self.design,
                         f"must be one of {', '.join(DESIGNS)}")
        if not 2 <= self.size <= self.scope_stations:
            raise _error(file, f"{where}.size", self.size,
                         f"must be 2 to the scope's {self.scope_stations} stations")
        if not RISK_LOW <= self.risk <= RISK_HIGH:
            raise _error(file, f"{where}.risk", self.risk,
                         f"must be from {RISK_LOW:g} to {RISK_HIGH:g}")
        for name in ("estimate", "low", "high", "turnout_estimate", "analytic_power"):
            _check_stats(getattr(self, name), f"{where}.{name}", file)
        _check_stats(self.gap, f"{where}.gap", file, low=-1.0)
        for name in ("coverage", "p_detect_share", "p_detect_turnout", "p_detect"):
            _check_fraction(getattr(self, name), f"{where}.{name}", file)
        if self.sigma < 0:
            raise _error(file, f"{where}.sigma", self.sigma, "must be at least 0")
        if self.size_needed is not None and self.size_needed < 0:
            raise _error(file, f"{where}.size_needed", self.size_needed, "must be at least 0")
        for option, stats in self.observed_won.items():
            _check_stats(stats, f"{where}.observed_won.{option}", file)


@dataclass(frozen=True, kw_only=True, slots=True)
class Stations(Record):
    """The station level: the beneficiary (an option of the ballot), its shares, turnout,
    the share of stations manipulated (protocol not the truth) and of the votes no station
    could take, each option's share of the stations it won; the fingerprints (when some
    draws computed them) and the quick count (with observers)."""

    beneficiary: str
    share: StationShares
    turnout: StationTurnout
    manipulated_stations: ShareStats
    unplaced: ShareStats
    stations_won: Mapping[str, ShareStats]
    fingerprints: Fingerprints | None = omitted()
    quick_count: QuickCount | None = omitted()

    def check(self, where: str, file: str) -> None:
        _check_stats(self.manipulated_stations, f"{where}.manipulated_stations", file)
        _check_stats(self.unplaced, f"{where}.unplaced", file)
        for option, stats in self.stations_won.items():
            _check_stats(stats, f"{where}.stations_won.{option}", file)
        if self.beneficiary not in self.stations_won:
            raise _error(file, f"{where}.beneficiary", self.beneficiary,
                         "must be an option of stations_won "
                         f"({', '.join(self.stations_won)})")
        quick = self.quick_count
        if quick is not None and list(quick.observed_won) != list(self.stations_won):
            raise _error(file, f"{where}.quick_count.observed_won", list(quick.observed_won),
                         f"must be the options of stations_won ({', '.join(self.stations_won)})")


@dataclass(frozen=True, kw_only=True, slots=True)
class Summary(Record):
    """What the draws gave (made by :meth:`sim.engine.summary.Summary.to_dict`)."""

    draws: int
    lists: tuple[ListResult, ...]
    independents: Independents | None = omitted()
    against_all: AgainstAll | None = omitted()
    blocs: tuple[Bloc, ...]
    parliament: Parliament
    seat_sample: SeatSample
    districts: tuple[District, ...] | None = omitted()
    endorsers: tuple[Endorser, ...] | None = omitted()
    stations: Stations | None = omitted()  # with [stations]

    def check(self, where: str, file: str) -> None:
        """The station level's options are the ballot's (lists, then against-all); its
        fingerprints come from some of the draws."""
        if self.stations is None:
            return
        ballot = [item.id for item in self.lists] + (["against_all"] if self.against_all
                                                     else [])
        for option, stats in self.stations.stations_won.items():
            if option not in ballot:
                raise _error(file, f"{where}.stations.stations_won.{option}", stats.to_dict(),
                             f"must be an option of the ballot ({', '.join(ballot)})")
        prints = self.stations.fingerprints
        if prints is not None and prints.draws > self.draws:
            raise _error(file, f"{where}.stations.fingerprints.draws", prints.draws,
                         f"must be at most the summary's draws ({self.draws})")

    @property
    def seated(self) -> tuple[ListResult | Independents | Bloc, ...]:
        """Every row with a seat distribution: lists, blocs, the independents."""
        return (*self.lists, *self.blocs, *([self.independents] if self.independents else []))


@dataclass(frozen=True, kw_only=True, slots=True)
class System(Record):
    """The electoral system's headline figures (:mod:`sim.output.assumptions`)."""

    seats: int
    threshold: float
    threshold_base: str
    threshold_scope: str | None = omitted()  # "national" is left out
    method: str
    runner_up: bool
    cap: int | None
    appointed: Mapping[str, int]


@dataclass(frozen=True, kw_only=True, slots=True)
class PollAssumption(Record):
    """One poll of a source: who, how many, when, its design effect (and whether it was
    assumed), the shares it reported and those filled in; ``kind`` only for a recall poll."""

    pollster: str | None
    n: int
    fieldwork_end: str | None
    design_effect: float
    design_effect_assumed: bool
    reported: Mapping[str, float]
    filled: Mapping[str, float]
    kind: str | None = omitted()


@dataclass(frozen=True, kw_only=True, slots=True)
class RestSplit(Record):
    """How a source's unsplit rest was assumed to divide, and how strongly."""

    split_of_rest: Mapping[str, float]
    fill_strength: float


@dataclass(frozen=True, kw_only=True, slots=True)
class SourceAssumption(Record):
    """A poll source (:func:`sim.output.assumptions._source`): what it measured (the rest
    as one total), what was assumed on top, its house effects (descriptions) and polls."""

    id: str
    name: str
    weight: float
    kind: str | None
    respondents: float
    design_effect: float
    n_effective: float
    measured: Mapping[str, float]
    assumed: RestSplit | None
    undecided: float
    half_life_days: float | None
    house_effects: Mapping[str, str]
    polls: tuple[PollAssumption, ...]


@dataclass(frozen=True, kw_only=True, slots=True)
class ErrorAssumption(Record):
    """The survey error model's sds (descriptions) and its note."""

    election_sd: str
    source_sd: str
    bloc_sd: str
    note: str | None
    sampling_error_only: bool


@dataclass(frozen=True, kw_only=True, slots=True)
class StructuralAssumption(Record):
    """The structural prior: the previous result, the change allowed, drifts, and the polls'
    share of each list's precision."""

    previous: str | None
    change_sd: str
    drift: Mapping[str, str]
    note: str | None
    poll_weight: Mapping[str, float]


@dataclass(frozen=True, kw_only=True, slots=True)
class BetweenSd(Record):
    """The pooled model's between-source sd: declared (None: estimated), used, estimated."""

    declared: float | None
    used: float
    estimated: float | None


@dataclass(frozen=True, kw_only=True, slots=True)
class ModelAssumption(Record):
    """How the sources were combined (:func:`sim.output.assumptions._model`)."""

    combine: str
    undecided: str
    flat_prior: float
    fill_strength: float
    error: ErrorAssumption
    structural: StructuralAssumption | None = omitted()
    between_sd: BetweenSd | None = omitted()


@dataclass(frozen=True, kw_only=True, slots=True)
class CampaignAssumption(Record):
    """The campaign: its days, drift sd, events and endorsers (descriptions)."""

    days: int
    drift_sd: str
    events: tuple[str, ...]
    endorsers: Mapping[str, str]


@dataclass(frozen=True, kw_only=True, slots=True)
class InflationAssumption(Record):
    list: str
    stuffing: str | None
    misrecording: str | None


@dataclass(frozen=True, kw_only=True, slots=True)
class CountAssumption(Record):
    """The count model: registered voters, turnout, invalid ballots, inflation."""

    registered: int
    turnout: str
    invalid: str
    turnout_multipliers: Mapping[str, str]
    inflation: InflationAssumption | None


@dataclass(frozen=True, kw_only=True, slots=True)
class ProfileDistricts(Record):
    """Multi-member districts from a profile file: seats, their regions and spreads."""

    seats: int
    districts: int
    profile: str
    swing: str
    spread: str
    regions: Mapping[str, tuple[str, ...]]
    region_spread: str | None


@dataclass(frozen=True, kw_only=True, slots=True)
class IndependentsAssumption(Record):
    name: str
    share: str
    bloc: str | None


@dataclass(frozen=True, kw_only=True, slots=True)
class TierDistricts(Record):
    """A single-member district tier: its rule, majority (two-round), spread, baseline."""

    seats: int
    rule: str
    majority: str | None
    spread: float
    baseline: str | None
    independents: IndependentsAssumption | None


@dataclass(frozen=True, kw_only=True, slots=True)
class Assumptions(Record):
    """What the scenario assumed (:func:`sim.output.assumptions.assumptions`): the system,
    the rules in words, each source, the error model; a campaign, a count model and a
    district tier when the scenario has them."""

    system: System
    rules: tuple[str, ...]
    sources: tuple[SourceAssumption, ...]
    model: ModelAssumption
    campaign: CampaignAssumption | None = omitted()
    count: CountAssumption | None = omitted()
    districts: ProfileDistricts | TierDistricts | None = omitted()


@dataclass(frozen=True, kw_only=True, slots=True)
class ScenarioInfo(Record):
    path: str
    title: str
    notes: str | None
    group: str | None
    order: float | None
    digest: str


@dataclass(frozen=True, kw_only=True, slots=True)
class RunInfo(Record):
    seed_entropy: str  # a text: 128-bit entropy does not survive JSON readers of doubles
    draws: int
    chunk_draws: int
    versions: Mapping[str, str]


@dataclass(frozen=True, kw_only=True, slots=True)
class Result(Record):
    """A result file: the scenario, how it was run, what it assumed, what the draws gave."""

    FORMAT: ClassVar[str] = FORMAT
    scenario: ScenarioInfo
    run: RunInfo
    assumptions: Assumptions
    summary: Summary

    def to_dict(self) -> dict:
        return {"format": FORMAT, "format_version": FORMAT_VERSION, **Record.to_dict(self)}

    @classmethod
    def from_dict(cls, document: object, file: str) -> Result:
        """The record of a result document, checked once (see the module docstring); a
        document elsim could not have written is a :class:`ResultError` naming ``file``, the
        field, the value and the rule."""
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            raise ResultError(f"{file}: not an elsim result file")
        check_format_version(file, document.get("format_version"))
        check_result(document, file)
        rest = {key: value for key, value in document.items()
                if key not in ("format", "format_version")}
        return cls.from_plain(rest, "result", file)

    @property
    def stem(self) -> str:
        """The name a result's files take after: its scenario file's stem."""
        return PurePosixPath(self.scenario.path).stem


def check_format_version(path: str, version: object) -> None:
    """A result of another format version is refused with what to do about it (the
    changes between versions are in CHANGELOG.md)."""
    if version == FORMAT_VERSION:
        return
    if isinstance(version, int) and not isinstance(version, bool) and version > FORMAT_VERSION:
        raise ResultError(f"{path}: result format version {version} is newer than this elsim "
                          f"reads ({FORMAT_VERSION}); upgrade elsim: pip install -U elsim-seats")
    raise ResultError(f"{path}: result format version {version!r} is older than this elsim "
                      f"reads ({FORMAT_VERSION}); re-run its scenario to write it anew "
                      f"(elsim run SCENARIO, or elsim check --update for baselines)")

