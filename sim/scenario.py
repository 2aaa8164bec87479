"""Scenario files: TOML → frozen, validated dataclasses.

A scenario is read once; every problem is a :class:`~sim.errors.ScenarioError` naming the
file, the key path, the bad value and the rule. Once a :class:`Scenario` exists it is valid.
The format is documented in ``docs/scenarios.md``.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import itertools
import json
import math
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any, Callable

from sim.config import Table, read_toml
from sim.count import CountModel, read_count
from sim.errors import ScenarioError, ScenarioProblems
from sim.rules import ElectoralSystem
from sim.tally import system_from_table
from sim.timeline import Campaign, read_campaign
from sim.variants import SweepAxis, read_sweeps

AGAINST_ALL = "against_all"
UNDECIDED = "undecided"
SHARE_ROUNDING = 0.005  # published shares may add up to a little over 100%


@dataclass(frozen=True, slots=True, kw_only=True)
class PartyList:
    """A list on the ballot, in registration order."""

    id: str
    name: str
    bloc: str | None
    color: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Bloc:
    id: str
    name: str


@dataclass(frozen=True, slots=True, kw_only=True)
class AppointedSeats:
    """Seats not elected from the lists (e.g. chosen by the Assembly of People), credited to
    a bloc."""

    id: str
    name: str
    seats: int
    bloc: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class MajorityLine:
    """A share of the house a bloc may reach: more than it (``at_least=False``) or at least it."""

    id: str
    fraction: Fraction
    at_least: bool

    def seats_needed(self, house: int) -> int:
        line = self.fraction * house
        if self.at_least:
            return -(-line.numerator // line.denominator)
        return line.numerator // line.denominator + 1


@dataclass(frozen=True, slots=True, kw_only=True)
class Source:
    """A poll source: who polled, how much we believe it, and how it leans."""

    id: str
    name: str
    weight: float
    house_effects: dict[str, float]
    fill: dict[str, float]
    half_life_days: float | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Poll:
    """One published poll: shares of respondents per option, ``undecided`` included."""

    source: str
    pollster: str | None
    fieldwork_end: dt.date | None
    n: int
    design_effect: float
    shares: dict[str, float]


@dataclass(frozen=True, slots=True, kw_only=True)
class Model:
    """How poll sources become support draws."""

    combine: str
    systematic_sd: float
    undecided: str | dict[str, float]
    flat_prior: float
    election_date: dt.date | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Scenario:
    """A complete, valid scenario. Iteration order is always the declared order."""

    path: str
    title: str
    notes: str
    system: ElectoralSystem
    against_all_on_ballot: bool
    lists: tuple[PartyList, ...]
    blocs: tuple[Bloc, ...]
    appointed: tuple[AppointedSeats, ...]
    majorities: tuple[MajorityLine, ...]
    sources: tuple[Source, ...]
    polls: tuple[Poll, ...]
    model: Model
    campaign: Campaign | None
    count: CountModel | None
    draws: int
    seed: int | None
    digest: str
    sweeps: tuple[SweepAxis, ...] = ()
    resolved: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def list_ids(self) -> tuple[str, ...]:
        return tuple(item.id for item in self.lists)

    @property
    def options(self) -> tuple[str, ...]:
        """Ballot options in column order of support arrays: the lists, then against-all."""
        return self.list_ids + ((AGAINST_ALL,) if self.against_all_on_ballot else ())

    @property
    def sweep_size(self) -> int:
        """Number of sweep variants (0 without a sweep)."""
        return math.prod(len(axis.values) for axis in self.sweeps) if self.sweeps else 0

    @property
    def house(self) -> int:
        return self.system.seats + sum(item.seats for item in self.appointed)


TOP_KEYS = ("extends", "title", "notes", "system", "ballot", "lists", "blocs", "appointed",
            "majorities", "sources", "poll", "model", "campaign", "count", "run", "sweep")


def load_scenario(path: str | Path) -> Scenario:
    """Read, merge (``extends``) and validate a scenario file, its sweep variants included."""
    scenario = build_scenario(_resolve(Path(path), ()), str(path))
    for _ in sweep_variants(scenario):
        pass  # building every variant validates it: a loaded scenario is valid throughout
    return scenario


def sweep_variants(scenario: Scenario) -> list[tuple[dict[str, float], Scenario]]:
    """Each combination of the swept values, and the scenario it gives (none without a sweep)."""
    if not scenario.sweeps:
        return []
    variants = []
    for values in itertools.product(*(axis.values for axis in scenario.sweeps)):
        data = copy.deepcopy(scenario.resolved)
        del data["sweep"]
        for axis, value in zip(scenario.sweeps, values):
            _set_key(data, axis.key, value)
            if axis.complement is not None:
                _set_key(data, axis.complement, round(1.0 - value, 12))
        combination = dict(zip((axis.id for axis in scenario.sweeps), values))
        try:
            variant = build_scenario(data, scenario.path)
        except ScenarioError as error:
            raise ScenarioError("sweep", combination, f"gives an invalid scenario ("
                                f"{error.key} = {error.value!r}: {error.rule})",
                                file=scenario.path) from None
        variants.append((combination, variant))
    return variants


def _set_key(data: dict, key: str, value: float) -> None:
    *tables, last = key.split(".")
    for name in tables:
        data = data[name]
    data[last] = value


def build_scenario(data: dict[str, Any], file: str) -> Scenario:
    """Validate resolved TOML data into a :class:`Scenario`; ``file`` is named in errors."""
    top = Table(data, file)
    problems: list[ScenarioError] = []

    def section(build: Callable[[], Any]) -> Any:
        """The section built, or None after noting its problem."""
        try:
            return build()
        except ScenarioError as error:
            problems.append(error if error.file else error.located(file))
            return None

    section(lambda: top.check_keys(TOP_KEYS))
    title = section(lambda: top.string("title", Path(file).stem))
    notes = section(lambda: top.string("notes", ""))
    system = section(lambda: system_from_table(top.table("system", required=True)))
    blocs = section(lambda: _blocs(top.table("blocs")))
    bloc_ids = {bloc.id for bloc in blocs or ()}
    # A section that depends on a failed one is skipped: its errors would only echo.
    lists = section(lambda: _lists(top.table("lists", required=True), bloc_ids)) \
        if blocs is not None else None
    appointed = section(lambda: _appointed(top.table("appointed"), bloc_ids)) \
        if blocs is not None else None
    majorities = section(lambda: _majorities(top.table("majorities")))
    against_all = section(lambda: _against_all_on_ballot(top.table("ballot")))
    sources = model = polls = campaign = count = None
    if lists is not None and against_all is not None:
        list_ids = tuple(item.id for item in lists)
        options = list_ids + ((AGAINST_ALL,) if against_all else ())
        sources = section(lambda: _sources(top.table("sources", required=True), list_ids,
                                           options))
        model = section(lambda: _model(top.table("model"), list_ids))
        if sources is not None and model is not None:
            polls = section(lambda: _polls(top, {s.id: s for s in sources}, options, model))
        if model is not None and "campaign" in top:
            campaign = section(lambda: read_campaign(top.table("campaign"), list_ids, options,
                                                     model.election_date))
        if "count" in top:
            count = section(lambda: read_count(top.table("count"), list_ids))
    draws_and_seed = section(lambda: _draws_and_seed(top.table("run")))
    sweeps = section(lambda: read_sweeps(top.table("sweep"), data))
    if problems:
        raise ScenarioProblems(problems) if len(problems) > 1 else problems[0]
    return Scenario(
        path=file,
        title=title,
        notes=notes.strip(),
        system=system,
        against_all_on_ballot=against_all,
        lists=lists,
        blocs=blocs,
        appointed=appointed,
        majorities=majorities,
        sources=sources,
        polls=polls,
        model=model,
        campaign=campaign,
        count=count,
        draws=draws_and_seed[0],
        seed=draws_and_seed[1],
        digest=_digest(data),
        sweeps=sweeps,
        resolved=data,
    )


def _resolve(path: Path, chain: tuple[Path, ...]) -> dict[str, Any]:
    """The file's table with its ``extends`` base merged underneath, recursively."""
    resolved = path.resolve()
    if resolved in chain:
        cycle = " -> ".join(str(p) for p in (*chain, resolved))
        raise ScenarioError("extends", str(path), f"extends itself in a cycle: {cycle}",
                            file=str(chain[-1]))
    data = read_toml(path)
    base = data.pop("extends", None)
    if base is None:
        return data
    if not isinstance(base, str):
        raise ScenarioError("extends", base, "must be a path (a string)", file=str(path))
    base_path = path.parent / base
    if not base_path.is_file():
        raise ScenarioError("extends", base, f"no such file: {base_path}", file=str(path))
    return _merge(_resolve(base_path, (*chain, resolved)), data)


def _against_all_on_ballot(table: Table) -> bool:
    table.check_keys(("against_all",))
    return table.boolean("against_all", False)


def _draws_and_seed(table: Table) -> tuple[int, int | None]:
    table.check_keys(("draws", "seed"))
    return table.integer("draws", 100_000, low=1), table.integer("seed", low=0)


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Tables merge key by key; any other value (arrays included) replaces the base's."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _digest(data: dict[str, Any]) -> str:
    text = json.dumps(data, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _entries(table: Table) -> list[tuple[str, Table]]:
    """The named sub-tables of a table such as ``[lists]``, in declared order."""
    return [(name, table.table(name)) for name in table.names()]


def _blocs(table: Table) -> tuple[Bloc, ...]:
    blocs = []
    for bloc_id, entry in _entries(table):
        entry.check_keys(("name",))
        blocs.append(Bloc(id=bloc_id, name=entry.string("name", bloc_id)))
    return tuple(blocs)


def _check_bloc(entry: Table, bloc_ids: set[str]) -> str | None:
    bloc = entry.string("bloc")
    if bloc is not None and bloc not in bloc_ids:
        known = ", ".join(sorted(bloc_ids)) or "none declared"
        raise entry.error("bloc", bloc, f"names no bloc in [blocs] ({known})")
    return bloc


def _lists(table: Table, bloc_ids: set[str]) -> tuple[PartyList, ...]:
    lists = []
    for list_id, entry in _entries(table):
        entry.check_keys(("name", "bloc", "color"))
        if list_id in (AGAINST_ALL, UNDECIDED):
            raise table.error(list_id, entry.data, "is a reserved name, not a list id")
        lists.append(PartyList(id=list_id, name=entry.string("name", list_id),
                               bloc=_check_bloc(entry, bloc_ids), color=entry.string("color")))
    if not lists:
        raise ScenarioError("lists", {}, "must declare at least one list")
    return tuple(lists)


def _appointed(table: Table, bloc_ids: set[str]) -> tuple[AppointedSeats, ...]:
    appointed = []
    for entry_id, entry in _entries(table):
        entry.check_keys(("name", "seats", "bloc"))
        appointed.append(AppointedSeats(
            id=entry_id, name=entry.string("name", entry_id),
            seats=entry.integer("seats", required=True, low=1),
            bloc=_check_bloc(entry, bloc_ids)))
    return tuple(appointed)


def _majorities(table: Table) -> tuple[MajorityLine, ...]:
    lines = []
    for line_id, entry in _entries(table):
        entry.check_keys(("fraction", "rule"))
        rule = entry.string("rule", "more-than", choices=("more-than", "at-least"))
        lines.append(MajorityLine(id=line_id,
                                  fraction=entry.fraction("fraction", required=True),
                                  at_least=rule == "at-least"))
    return tuple(lines)


def _shares_table(table: Table, name: str, allowed: tuple[str, ...], *, low: float = 0.0,
                  high: float = 1.0) -> dict[str, float]:
    """A table of option → number, each option known and each number in range."""
    shares = table.table(name)
    result = {}
    for option in shares.names():
        if option not in allowed:
            raise shares.error(option, shares.data[option],
                               f"names no list of this scenario ({', '.join(allowed)})")
        result[option] = shares.number(option, low=low, high=high)
    return result


def _sources(table: Table, list_ids: tuple[str, ...],
             options: tuple[str, ...]) -> tuple[Source, ...]:
    sources = []
    for source_id, entry in _entries(table):
        entry.check_keys(("name", "weight", "house_effects", "fill", "half_life_days"))
        sources.append(Source(
            id=source_id, name=entry.string("name", source_id),
            weight=entry.number("weight", 1.0, low=0.0),
            house_effects=_shares_table(entry, "house_effects", list_ids, low=-100, high=100),
            fill=_shares_table(entry, "fill", options),
            half_life_days=entry.number("half_life_days", low=0.001)))
    if not sources:
        raise ScenarioError("sources", {}, "must declare at least one poll source")
    if sum(source.weight for source in sources) <= 0:
        raise ScenarioError("sources", {s.id: s.weight for s in sources},
                            "weights must not all be zero")
    return tuple(sources)


def _model(table: Table, list_ids: tuple[str, ...]) -> Model:
    table.check_keys(("combine", "systematic_sd", "undecided", "flat_prior", "election_date"))
    undecided = table.raw("undecided", "proportional")
    if isinstance(undecided, dict):
        split = _shares_table(table, "undecided", list_ids)
        if sum(split.values()) > 1 + SHARE_ROUNDING:
            raise table.error("undecided", undecided, "the split must not exceed 1")
        undecided = split
    else:
        table.string("undecided", choices=("proportional", "abstain"))
    election_date = table.raw("election_date")
    if election_date is not None and not isinstance(election_date, dt.date):
        raise table.error("election_date", election_date, "must be a date (2021-01-10)")
    return Model(
        combine=table.string("combine", "mixture", choices=("mixture", "pooled")),
        systematic_sd=table.number("systematic_sd", 0.0, low=0.0, high=5.0),
        undecided=undecided,
        flat_prior=table.number("flat_prior", 0.5, low=0.0),
        election_date=election_date,
    )


def _polls(top: Table, sources: dict[str, Source], options: tuple[str, ...],
           model: Model) -> tuple[Poll, ...]:
    polls = []
    for entry in top.tables("poll"):
        entry.check_keys(("source", "pollster", "fieldwork", "n", "design_effect", "shares",
                          "url"))
        source = entry.string("source", required=True)
        if source not in sources:
            raise entry.error("source", source,
                              f"names no source in [sources] ({', '.join(sources)})")
        shares = _shares_table(entry, "shares", options + (UNDECIDED,))
        filled = {**sources[source].fill, **shares}
        if not set(shares) - {UNDECIDED}:
            raise entry.error("shares", shares, "must give at least one list's share")
        if sum(filled.values()) > 1 + SHARE_ROUNDING:
            raise entry.error("shares", shares,
                              "shares (with the source's fill) must not add up to more than 1")
        if sum(filled.get(option, 0.0) for option in options) <= 0:
            raise entry.error("shares", shares, "must give some option a positive share")
        missing = [option for option in options if option not in filled]
        if missing:
            raise entry.error("shares", shares, f"gives no share for {', '.join(missing)}: "
                              f"add them or a fill in [sources.{source}]")
        fieldwork_end = _fieldwork_end(entry)
        if sources[source].half_life_days is not None and (
                fieldwork_end is None or model.election_date is None):
            raise entry.error("fieldwork", entry.raw("fieldwork"),
                              "a source with half_life_days needs every poll's fieldwork "
                              "date and model.election_date")
        polls.append(Poll(source=source, pollster=entry.string("pollster"),
                          fieldwork_end=fieldwork_end, n=entry.integer("n", required=True, low=1),
                          design_effect=entry.number("design_effect", 1.5, low=1.0),
                          shares=filled))
    if not polls:
        raise ScenarioError("poll", [], "must give at least one poll ([[poll]])")
    for source in sources:
        if not any(poll.source == source for poll in polls):
            raise ScenarioError(f"sources.{source}", None, "has no poll ([[poll]] source = ...)")
    return tuple(polls)


def _fieldwork_end(entry: Table) -> dt.date | None:
    """The last fieldwork day: a date, or a string "YYYY-MM-DD/YYYY-MM-DD"."""
    value = entry.raw("fieldwork")
    if value is None or isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.split("/")[-1].strip())
        except ValueError:
            pass
    raise entry.error("fieldwork", value, 'must be a date or "YYYY-MM-DD/YYYY-MM-DD"')
