"""Scenario files: TOML → one frozen, validated :class:`Scenario`.

The loader sits above the stage packages and composes them: each reads its own part of the
file (``sim.law`` the system and the house, ``sim.polls`` the sources, polls and model,
``sim.campaign`` and ``sim.count`` their tables, ``sim.variants`` the sweep). Every problem
is a :class:`~sim.errors.ScenarioError` naming the file, the key path, the bad value and the
rule; all problems of a file are reported together. Once a :class:`Scenario` exists it is
valid, its sweep variants included. The format is documented in ``docs/scenarios.md``.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sim.ballot import Ballot
from sim.campaign.spec import Campaign, read_campaign
from sim.count.spec import CountModel, read_count
from sim.districts.profile import MultiMemberDistricts, read_profile
from sim.districts.spec import DistrictTier, read_districts
from sim.errors import ScenarioError, ScenarioProblems
from sim.law.house import (
    AppointedSeats,
    Bloc,
    MajorityLine,
    PartyList,
    aggregate_warnings,
    read_appointed,
    read_blocs,
    read_lists,
    read_majorities,
)
from sim.law.parliament import House
from sim.law.system import ElectoralSystem, read_system
from sim.law.tally import load_tally, official_shares
from sim.law.thresholds import ListRules
from sim.law.tiers import MultiMemberTier, NationalTier, SingleMemberTier, Tier
from sim.limits import check_draws
from sim.polls.priors import fill_warnings
from sim.polls.spec import Model, Poll, Source, poll_warnings, read_model, read_polls, read_sources
from sim.stations.spec import StationSpec, read_stations
from sim.tables import Table, read_toml
from sim.variants import SweepAxis, read_sweeps, sweep_data

MAX_EXTENDS = 16  # files in one extends chain: a real project uses two or three
TOP_KEYS = ("extends", "title", "notes", "group", "order", "system", "ballot", "lists", "blocs",
            "appointed", "majorities", "districts", "sources", "poll", "model", "campaign",
            "count", "stations", "run", "sweep")


@dataclass(frozen=True, slots=True, kw_only=True)
class Scenario:
    """A complete, valid scenario. Iteration order is always the declared order."""

    path: str
    title: str
    notes: str
    # Where the report puts the scenario: its group (None: grouped by law and house) and its
    # place in the group (None: after those with an order, by file name).
    group: str | None
    order: float | None
    system: ElectoralSystem
    ballot: Ballot
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
    variants: tuple[Variant, ...] = ()
    districts: DistrictTier | MultiMemberDistricts | None = None
    stations: StationSpec | None = None  # the station level (docs/stations.md)
    warnings: tuple[str, ...] = ()  # valid but probably not meant: "file: key: why"

    @property
    def list_ids(self) -> tuple[str, ...]:
        return self.ballot.lists

    @property
    def options(self) -> tuple[str, ...]:
        """Ballot options in row order of support arrays: the lists, then against-all."""
        return self.ballot.options

    @property
    def against_all_on_ballot(self) -> bool:
        return self.ballot.against_all

    @property
    def sweep_size(self) -> int:
        """Number of sweep variants (0 without a sweep)."""
        return math.prod(len(axis.values) for axis in self.sweeps) if self.sweeps else 0

    @property
    def district_seats(self) -> int:
        """Seats of the district tier (0 without one)."""
        return 0 if self.districts is None else self.districts.seats

    @property
    def single_member(self) -> DistrictTier | None:
        """The single-member district tier, if the house has one."""
        return self.districts if isinstance(self.districts, DistrictTier) else None

    @property
    def house(self) -> int:
        """Every seat: the list tier, the district tier and the appointed seats."""
        return self.law.seats

    @property
    def law(self) -> House:
        """The scenario's House: its list tier, its district tier, its appointed seats."""
        rules = ListRules.plain(len(self.lists), tuple(item.aggregate for item in self.lists))
        appointed = sum(item.seats for item in self.appointed)
        if isinstance(self.districts, MultiMemberDistricts):
            return House(self.list_ids, (MultiMemberTier(
                self.system, self.districts.magnitudes, self.districts.names, rules),),
                appointed=appointed)
        tiers: list[Tier] = [NationalTier(self.system, rules)]
        if self.districts is not None:
            tiers.append(SingleMemberTier(seats=self.districts.seats, rule=self.districts.rule,
                                          majority=self.districts.majority,
                                          independents=self.districts.independents
                                          is not None))
        return House(self.list_ids, tuple(tiers), appointed=appointed)


# Rules of [system] that tally files use and the engine does not simulate yet (they need
# kinds of list, regional votes or a house that grows).
TALLY_ONLY: dict[str, object] = {"thresholds_by_kind": {}, "regional_threshold": None,
                                 "compensation": None, "adjustment": None}



@dataclass(frozen=True, slots=True)
class Variant:
    """One combination of swept values (axis id -> value) and the scenario it gives (a
    scenario's ``variants``, built when it is loaded)."""

    values: dict[str, float]
    scenario: Scenario

def _simulated_system(table: Table) -> ElectoralSystem:
    system = read_system(table)
    for key, default in TALLY_ONLY.items():
        if getattr(system, key) != default:
            raise table.error(key, table.raw(key), "is read in tally files (elsim allocate); "
                              "scenarios cannot simulate it yet")
    return system


def _districts(table: Table, ballot: Ballot, blocs: tuple[str, ...], folder: Path,
               system: ElectoralSystem | None) -> DistrictTier | MultiMemberDistricts:
    """Single-member districts beside the list tier, or the multi-member districts that
    elect the whole house (``kind = "multi-member"``)."""
    kind = table.string("kind", "single-member", choices=("single-member", "multi-member"))
    if kind == "single-member":
        if "kind" in table:
            table = Table({k: v for k, v in table.data.items() if k != "kind"}, table.file,
                          table.key)
        return read_districts(table, ballot.lists, blocs, folder)
    tier = read_profile(table, ballot.lists, ballot.aggregates, folder)
    if system is not None and system.seats != tier.seats:
        raise table.error("magnitudes" if "magnitudes" in table else "profile",
                          table.raw("magnitudes", table.raw("profile")),
                          f"gives {tier.seats} seats in {len(tier.names)} districts; "
                          f"system.seats is {system.seats}")
    return tier


def _hashed(data: dict[str, Any], districts) -> dict[str, Any]:
    """What the scenario's hash covers: its table, and the district data files it read (by
    their contents: where a copy of the scenario names them from does not matter)."""
    if isinstance(districts, DistrictTier) and districts.baseline is not None:
        return {**data, "districts.baseline": districts.baseline}
    if isinstance(districts, MultiMemberDistricts):
        table = {k: v for k, v in data["districts"].items() if k not in ("profile",
                                                                           "magnitudes")}
        return {**data, "districts": table,
                "districts.profile": [districts.profile, districts.magnitudes,
                                      districts.blank, districts.weights, districts.names]}
    return data


def _stations_hashed(data: dict[str, Any], stations: StationSpec | None) -> dict[str, Any]:
    """With a station sizes file, the hash covers the frame it gave, not the file's path."""
    if stations is None or "sizes" not in data.get("stations", {}):
        return data
    table = {k: v for k, v in data["stations"].items() if k != "sizes"}
    frame = stations.frame
    return {**data, "stations": table,
            "stations.sizes": [frame.registered.tolist(), frame.stratum.tolist()]}


def _structural_hashed(data: dict[str, Any], model: Model) -> dict[str, Any]:
    """With a structural prior, the hash covers the previous shares it read, not the path."""
    structural = data.get("model", {}).get("structural", {})
    if "previous" not in structural:
        return data
    table = {k: v for k, v in structural.items() if k != "previous"}
    return {**data, "model": {**data["model"], "structural": table},
            "model.structural.previous": model.structural.shares}


def _previous_shares(path: Path) -> dict[str, float]:
    """A previous election's official shares of the valid votes, for the structural prior."""
    return official_shares(load_tally(path))


def load_scenario(path: str | Path) -> Scenario:
    """Read, merge (``extends``) and validate a scenario file, its sweep variants included."""
    return build_scenario(resolved_table(path), str(path))


def resolved_table(path: str | Path) -> dict[str, Any]:
    """A scenario file's TOML table with its ``extends`` bases merged in, not validated."""
    return _resolve(Path(path), (), _extends_roots(Path(path)))


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
        except ScenarioProblems as several:
            problems.extend(several.problems)
            return None

    section(lambda: top.check_keys(TOP_KEYS))
    title = section(lambda: top.string("title", Path(file).stem))
    notes = section(lambda: top.string("notes", ""))
    group = section(lambda: _group(top))
    order = section(lambda: _order(top))
    system = section(lambda: _simulated_system(top.table("system", required=True)))
    blocs = section(lambda: read_blocs(top.table("blocs")))
    # A section that depends on a failed one is skipped: its errors would only echo.
    lists = section(lambda: read_lists(top.table("lists", required=True), blocs)) \
        if blocs is not None else None
    appointed = section(lambda: read_appointed(top.table("appointed"), blocs)) \
        if blocs is not None else None
    majorities = section(lambda: read_majorities(top.table("majorities")))
    against_all = section(lambda: _against_all_on_ballot(top.table("ballot")))
    ballot = sources = model = polls = campaign = count = districts = stations = None
    if lists is not None and against_all is not None:
        ballot = Ballot(tuple(item.id for item in lists), against_all,
                        tuple(item.id for item in lists if item.aggregate))
        bloc_ids = tuple(bloc.id for bloc in blocs)
        names = {item.id: item.name for item in lists}  # words parameters' labels
        model = section(lambda: read_model(top.table("model"), ballot.options, bloc_ids,
                                           previous_shares=_previous_shares))
        if model is not None:
            sources = section(lambda: read_sources(top.table("sources", required=True),
                                                   ballot.options, bloc_ids, model))
        if sources is not None and model is not None:
            polls = section(lambda: read_polls(top, {s.id: s for s in sources},
                                               ballot.options, model))
        if model is not None and "campaign" in top:
            campaign = section(lambda: read_campaign(top.table("campaign"), ballot,
                                                     model.election_date, names))
        if "count" in top:
            count = section(lambda: read_count(top.table("count"), ballot.lists, names))
        if "stations" in top and "count" not in top:
            problems.append(ScenarioError("stations", "[stations]", "needs a [count] table "
                                          "(the stations split its genuine and official "
                                          "counts)", file=file))
        elif "stations" in top and count is not None:
            stations = section(lambda: read_stations(top.table("stations"), ballot.lists,
                                                     count.registered, Path(file).parent))
        if "districts" in top and blocs is not None:
            districts = section(lambda: _districts(top.table("districts"), ballot, bloc_ids,
                                                   Path(file).parent, system))
        if system is not None and system.threshold_scope == "district" and \
                ("districts" not in top or isinstance(districts, DistrictTier)):
            problems.append(ScenarioError("system.threshold_scope", "district", "needs "
                                          'multi-member districts ([districts] kind = '
                                          '"multi-member")', file=file))
        if isinstance(districts, DistrictTier) and ballot.aggregates:
            # An aggregate stands for several parties: it cannot be one district candidate.
            problems.append(ScenarioError(f"lists.{ballot.aggregates[0]}.aggregate", True,
                                          "an aggregate list cannot stand in a [districts] "
                                          "tier (not modelled yet): list its parties, or drop "
                                          "the tier", file=file))
    draws_and_seed = section(lambda: _draws_and_seed(top.table("run")))
    sweeps = section(lambda: read_sweeps(top.table("sweep"), data))
    if problems:
        raise ScenarioProblems(problems) if len(problems) > 1 else problems[0]
    # No problem noted: every section was read (one is skipped only after another failed).
    assert ballot is not None and lists is not None and appointed is not None
    assert sources is not None and polls is not None and model is not None
    scenario = Scenario(
        path=file, title=title, notes=notes.strip(), group=group, order=order, system=system,
        ballot=ballot, lists=lists, blocs=blocs, appointed=appointed, majorities=majorities,
        sources=sources, polls=polls, model=model, campaign=campaign, count=count,
        draws=draws_and_seed[0], seed=draws_and_seed[1], sweeps=sweeps, districts=districts,
        stations=stations,
        # A baseline CSV is part of what was run: its shares go into the hash too.
        digest=_digest(_structural_hashed(_stations_hashed(_hashed(data, districts), stations),
                                          model)),
        warnings=tuple(f"{file}: {text}" for text in [
            *aggregate_warnings(lists), *poll_warnings(polls, ballot.options),
            *fill_warnings(sources, polls, model, ballot.options)]))
    if not sweeps:
        return scenario
    return _with_variants(scenario, data)


def _with_variants(scenario: Scenario, data: dict[str, Any]) -> Scenario:
    """The scenario with each sweep variant built (and so validated) once."""
    variants = []
    for values, variant_data in sweep_data(scenario.sweeps, data):
        try:
            variants.append(Variant(values, build_scenario(variant_data, scenario.path)))
        except ScenarioError as error:
            raise ScenarioError("sweep", values, f"gives an invalid scenario ({error.key} = "
                                f"{error.value!r}: {error.rule})", file=scenario.path) from None
    return replace(scenario, variants=tuple(variants))


def _extends_roots(path: Path) -> tuple[Path, ...]:
    """Where ``extends`` may reach: the scenario's own folder (and below), and the nearest
    folder above it that holds a project's scenarios: one named ``scenarios``, or the
    installed copy of the shipped ones (``sim/examples``, see :mod:`sim.packaged`)."""
    folder = _real_path(path, str(path), key="").parent
    shared = [p for p in folder.parents if p.name == "scenarios"
              or (p.name == "examples" and p.parent.name == "sim")]
    return (folder, *shared[:1])


# Data files named in a scenario, by (table path, key): a path is read relative to the file
# that writes it, and rewritten when that file is extended from another folder (a base's
# path stays right in the scenarios that extend it).
DATA_FILE_KEYS = (("districts", "profile"), ("districts", "magnitudes"),
                  ("districts", "baseline"), ("stations", "sizes"),
                  ("model.structural", "previous"))


def rebase_data_files(data: dict[str, Any], source: Path, target: Path | None) -> None:
    """Rewrite, in place, the data-file paths of ``data`` (written relative to the folder
    ``source``) to be relative to the folder ``target`` (absolute when ``target`` is
    None)."""
    for table_path, key in DATA_FILE_KEYS:
        table: Any = data
        for part in table_path.split("."):
            table = table.get(part) if isinstance(table, dict) else None
        value = table.get(key) if isinstance(table, dict) else None
        if not isinstance(value, str) or Path(value).is_absolute():
            continue
        where = Path(os.path.normpath(source / value))
        table[key] = str(where.resolve() if target is None
                         else Path(os.path.relpath(where, target)))


def _resolve(path: Path, chain: tuple[Path, ...], roots: tuple[Path, ...]) -> dict[str, Any]:
    """The file's table with its ``extends`` base merged underneath, recursively; a base
    outside ``roots`` is refused before it is opened, so no other file is read or quoted."""
    resolved = _real_path(path, str(chain[-1])) if chain else _real_path(path, str(path), "")
    if len(chain) >= MAX_EXTENDS:
        raise ScenarioError("extends", str(path), f"is a chain of more than {MAX_EXTENDS} "
                            "files extending one another; merge some of them",
                            file=str(chain[0]))
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
    if not any(_real_path(base_path, str(path)).is_relative_to(root) for root in roots):
        raise ScenarioError("extends", base, "must name a file in the scenario's own folder "
                            "(or below it) or in the project's scenarios/ folder",
                            file=str(path))
    if not base_path.is_file():
        raise ScenarioError("extends", base, f"no such file: {base_path}", file=str(path))
    below = _resolve(base_path, (*chain, resolved), roots)
    if base_path.parent.resolve() != path.parent.resolve():
        rebase_data_files(below, base_path.parent, path.parent)
    return _merge(below, data)


def _real_path(path: Path, file: str, key: str = "extends") -> Path:
    """``path`` with its links followed; a loop of symbolic links is an error in ``file``
    (at ``key``, the empty key for the scenario file itself)."""
    if "\x00" in str(path):
        raise ScenarioError(key, str(path) if key else None, "must be a path (it holds a NUL "
                            "character)", file=file.replace("\x00", "\\x00"))
    try:
        return path.resolve()
    except (RuntimeError, OSError) as error:  # RuntimeError: a link loop (Python < 3.13)
        rule = f"is a loop of symbolic links or cannot be followed ({error})"
        raise ScenarioError(key, str(path) if key else None, rule, file=file) from None


def _against_all_on_ballot(table: Table) -> bool:
    table.check_keys(("against_all",))
    return table.boolean("against_all", False)


def _group(top: Table) -> str | None:
    group = top.string("group")
    if group is not None and not group.strip():
        raise top.error("group", group, "must name the group (a non-empty string)")
    return group


def _order(top: Table) -> float | None:
    order = top.number("order")
    # A whole number stays one in result files ("order": 2, not 2.0).
    return int(order) if order is not None and order.is_integer() else order


def _draws_and_seed(table: Table) -> tuple[int, int | None]:
    table.check_keys(("draws", "seed"))
    draws = table.integer("draws", 100_000, low=1)
    check_draws(draws, table.path("draws"), table.file)
    return draws, table.integer("seed", low=0, high=2**128 - 1)


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
