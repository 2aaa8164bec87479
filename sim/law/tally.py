"""Tally files: one count of votes to allocate (``elsim allocate``), e.g. a past election.

A tally file has a ``[system]`` table and the votes, in one of two shapes:

- **national**: a ``[votes]`` table of list -> votes in the lists' order, optionally
  ``[ballots]`` (``against_all``, ``blank``, ``invalid``) and ``[official]`` (the seats the
  election authority announced). A mixed house adds one ``[[district]]`` table per
  single-member district: its ``name``, its ``votes`` (lists of ``[votes]`` and district-only
  candidates by any other id) and the ``official`` winner.
- **districts**: one ``[[district]]`` table per multi-member district with its ``seats``
  (magnitude), ``votes`` per list, ``blank`` and ``invalid`` ballots and the ``official``
  seats per list; the lists are declared in ``[lists]`` (their order is the lists' order).
  With ``[system.adjustment]`` (levelling seats placed in the districts), a district's
  ``official_adjustment`` gives the adjustment seats it got per list.

Either shape may declare ``[lists.<id>]`` (``name``, national ``group``, ``kind`` for a
threshold by kind, ``threshold_exempt``, ``aggregate``), ``[groups.<id>]`` (``name``),
``[alliances.<id>]`` (:mod:`sim.law.alliances`) and ``[[region]]`` tables (``name``,
``votes``) for a regional threshold. docs/scenarios.md ("Tally files") has an example of
each rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from sim.errors import ScenarioError
from sim.law.alliances import Alliance, read_alliances
from sim.law.districts import plurality
from sim.law.house import aggregate_warnings
from sim.law.parliament import House
from sim.law.system import ElectoralSystem, read_system
from sim.law.thresholds import ListRules
from sim.law.tiers import (
    AdjustmentTier,
    Count,
    MultiMemberTier,
    NationalTier,
    SingleMemberTier,
    Tier,
)
from sim.limits import MAX_REGISTERED, MAX_SEATS
from sim.tables import Table, read_toml


@dataclass(frozen=True, slots=True, kw_only=True)
class ListEntry:
    """What a tally says of a list beyond its votes."""

    id: str
    name: str
    group: str  # its national group (itself when it has none)
    kind: str | None = None
    threshold_exempt: bool = False
    aggregate: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class PRDistrict:
    """One multi-member district's count: votes per list in the lists' order."""

    name: str
    seats: int
    votes: np.ndarray  # (n_lists,) int
    blank: int
    invalid: int
    official: dict[str, int] | None
    official_adjustment: dict[str, int] | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Tally:
    """One count: votes per list in the lists' order, and the law to allocate them by."""

    path: str
    title: str
    system: ElectoralSystem
    lists: tuple[str, ...]
    votes: np.ndarray  # (n_lists,) national votes (the districts' sum in a districts tally)
    against_all: int | None
    invalid: int | None
    official: dict[str, int] | None
    districts: tuple[DistrictCount, ...] = ()
    blank: int | None = None
    entries: tuple[ListEntry, ...] = ()
    groups: dict[str, str] = field(default_factory=dict)  # group id -> name
    pr_districts: tuple[PRDistrict, ...] = ()
    alliances: tuple[Alliance, ...] = ()
    regions: tuple[tuple[str, np.ndarray], ...] = ()  # (name, (n_lists,) votes)

    @property
    def house(self) -> House:
        """The House this count is allocated by."""
        rules = ListRules(tuple(e.kind for e in self.entries),
                          tuple(e.threshold_exempt for e in self.entries),
                          tuple(e.aggregate for e in self.entries))
        tiers: list[Tier] = []
        if self.pr_districts:
            tiers.append(MultiMemberTier(self.system, tuple(d.seats for d in self.pr_districts),
                                         tuple(d.name for d in self.pr_districts), rules,
                                         self.alliances))
            if self.system.adjustment is not None:
                tiers.append(AdjustmentTier(self.system, self.system.adjustment,
                                            tuple(d.seats for d in self.pr_districts), rules))
        else:
            tiers.append(NationalTier(self.system, rules, self.alliances))
            if self.districts:
                tiers.append(SingleMemberTier(seats=len(self.districts), independents=True))
        return House(self.lists, tuple(tiers))

    @property
    def warnings(self) -> list[str]:
        """Valid but probably not meant: "file: key: why" (an "others" that may win seats)."""
        return [f"{self.path}: {text}" for text in aggregate_warnings(self.entries)]

    def count(self) -> Count:
        """The votes as the House takes them (one draw)."""
        column = self.votes[:, None]
        districts = blank = invalid = decided = regions = region_base = None
        if self.pr_districts:
            districts = np.stack([d.votes for d in self.pr_districts], axis=1)[:, :, None]
            blank = np.array([[d.blank] for d in self.pr_districts], dtype=np.int64)
            invalid = np.array([[d.invalid] for d in self.pr_districts], dtype=np.int64)
        if self.districts:
            decided = np.zeros((len(self.lists) + 1, 1), dtype=np.int64)
            for district in self.districts:
                winner = district.winner()
                decided[self.lists.index(winner) if winner in self.lists else -1, 0] += 1
        if self.regions:
            regions = np.stack([votes for _, votes in self.regions], axis=1)[:, :, None]
            region_base = regions.sum(axis=0)
        return Count(column, against_all=_one(self.against_all), blank=_one(self.blank),
                     invalid=_one(self.invalid), districts=districts, district_blank=blank,
                     district_invalid=invalid, decided=decided, regions=regions,
                     region_base=region_base)

    def official_seats(self) -> dict[str, int] | None:
        """The official seats per list: ``[official]``, or the districts' sum."""
        if self.official is not None:
            return self.official
        if self.pr_districts and all(d.official is not None for d in self.pr_districts):
            total = dict.fromkeys(self.lists, 0)
            for district in self.pr_districts:
                assert district.official is not None
                for name, seats in district.official.items():
                    total[name] += seats
                for name, seats in (district.official_adjustment or {}).items():
                    total[name] += seats
            return total
        return None


def _one(value: int | None) -> np.ndarray | None:
    """A count of one draw, ``(1,)``."""
    return None if value is None else np.array([value], dtype=np.int64)


@dataclass(frozen=True, slots=True, kw_only=True)
class DistrictCount:
    """One single-member district's count; candidates in the tie-break order: the lists in
    the order of ``[votes]``, then district-only candidates in the order written."""

    name: str
    candidates: tuple[str, ...]
    votes: np.ndarray  # (n_candidates,) int
    official: str | None

    def winner(self) -> str:
        """The plurality winner; a tie goes to the earlier candidate."""
        return self.candidates[int(plurality(self.votes[:, None])[0])]


TALLY_KEYS = ("title", "source", "system", "votes", "ballots", "official", "district", "lists",
              "groups", "alliances", "region")


def load_tally(path: str | Path) -> Tally:
    """Read and check a tally file."""
    file = str(path)
    top = Table(read_toml(Path(path)), file)
    top.check_keys(TALLY_KEYS)
    system = read_system(top.table("system", required=True))
    groups = {gid: entry.string("name", gid) for gid, entry in top.table("groups").entries()}
    for _gid, entry in top.table("groups").entries():
        entry.check_keys(("name",))
    pr = [entry for entry in top.tables("district") if "seats" in entry]
    lists = _list_ids(top, file, national=not pr)
    entries = _entries(top.table("lists"), lists, groups)
    votes_table = top.table("votes")
    ballots = top.table("ballots")
    ballots.check_keys(("against_all", "blank", "invalid"))
    official = None
    if "official" in top:
        official_table = top.table("official")
        for name in official_table.names():
            official_table.member(name, name, lists, "list of this file")
        official = {name: official_table.integer(name, required=True, low=0)
                    for name in official_table.names()}
    alliances = read_alliances(top.table("alliances"), lists,
                               tuple(entry.id for entry in entries if entry.aggregate))
    _check_kinds(top, system, entries)
    pr_districts = tuple(_pr_district(entry, lists) for entry in pr)
    if pr_districts:
        magnitudes = sum(d.seats for d in pr_districts)
        if magnitudes != system.seats:
            raise top.error("district", f"{magnitudes} seats in {len(pr_districts)} districts",
                            f"must add up to system.seats ({system.seats})")
        if len(pr) != len(top.tables("district")):
            raise top.error("district", "seats", "is needed in every [[district]] or in none "
                            "(multi-member districts, or single-member ones beside [votes])")
        votes = np.sum([d.votes for d in pr_districts], axis=0)
    else:
        votes = np.array([votes_table.integer(name, low=0, high=MAX_REGISTERED, required=True)
                          for name in lists], dtype=np.int64)
    if system.compensation is not None and (pr_districts or not top.tables("district")):
        raise top.error("system.compensation", system.compensation.overhang,
                        "compensates single-member districts: give them as [[district]] tables "
                        "beside a national [votes] table")
    _check_adjustment(top, system, pr_districts)
    if votes.sum() == 0:
        raise ScenarioError("votes", votes.tolist(), "must not be all zero", file=file)
    return Tally(
        path=file,
        title=top.string("title", Path(path).stem),
        system=system,
        lists=lists,
        votes=votes,
        against_all=ballots.integer("against_all", low=0, high=MAX_REGISTERED),
        blank=ballots.integer("blank", low=0, high=MAX_REGISTERED),
        invalid=ballots.integer("invalid", low=0, high=MAX_REGISTERED),
        official=official,
        districts=() if pr_districts else tuple(_district(entry, lists, entries)
                                                for entry in top.tables("district")),
        entries=entries, groups=groups, pr_districts=pr_districts, alliances=alliances,
        regions=tuple(_region(entry, lists) for entry in top.tables("region")),
    )


def _list_ids(top: Table, file: str, *, national: bool) -> tuple[str, ...]:
    """The lists' order: ``[votes]`` in a national tally, ``[lists]`` in a districts one."""
    source = top.table("votes") if national else top.table("lists")
    if not source.names():
        raise ScenarioError("votes" if national else "lists", {},
                            "must name at least one list", file=file)
    if not national and "votes" in top:
        raise top.error("votes", "...", "a tally of multi-member districts gives the votes "
                        "in each [[district]], not in [votes]")
    return tuple(source.names())


def _entries(table: Table, lists: tuple[str, ...], groups: dict[str, str]
             ) -> tuple[ListEntry, ...]:
    """Each list's entry of ``[lists]`` (a list without one is an ordinary list)."""
    for name in table.names():
        table.member(name, name, lists, "list of this file")
    entries = []
    for list_id in lists:
        entry = table.table(list_id)
        entry.check_keys(("name", "group", "kind", "threshold_exempt", "aggregate"))
        group = entry.string("group")
        if group is not None:
            entry.member("group", group, groups, "group in [groups]")
        entries.append(ListEntry(id=list_id, name=entry.string("name", list_id),
                                 group=group or list_id, kind=entry.string("kind"),
                                 threshold_exempt=entry.boolean("threshold_exempt", False),
                                 aggregate=entry.boolean("aggregate", False)))
    return tuple(entries)


def _check_kinds(top: Table, system: ElectoralSystem, entries: tuple[ListEntry, ...]) -> None:
    kinds = {entry.kind for entry in entries if entry.kind is not None}
    written = top.table("system").table("thresholds_by_kind")
    for kind in system.thresholds_by_kind:
        if kind not in kinds:
            raise written.error(kind, written.raw(kind), f"names a kind no list has "
                                f"({', '.join(sorted(kinds)) or 'none'}): give lists a kind "
                                "in [lists]")


def _count_table(entry: Table, key: str, lists: tuple[str, ...]) -> np.ndarray:
    """Votes per list of a ``votes`` table (lists it does not name: 0)."""
    table = entry.table(key, required=True)
    for name in table.names():
        table.member(name, name, lists, "list of this file")
    return np.array([table.integer(name, 0, low=0, high=MAX_REGISTERED) for name in lists],
                    dtype=np.int64)


def _pr_district(entry: Table, lists: tuple[str, ...]) -> PRDistrict:
    entry.check_keys(("name", "seats", "votes", "blank", "invalid", "official",
                      "official_adjustment"))
    seats = entry.integer("seats", required=True, low=1, high=MAX_SEATS)
    votes = _count_table(entry, "votes", lists)
    if votes.sum() == 0:
        raise entry.error("votes", {}, "must give some list votes")
    official = None
    if "official" in entry:
        table = entry.table("official")
        for name in table.names():
            table.member(name, name, lists, "list of this file")
        official = {name: table.integer(name, required=True, low=0) for name in table.names()}
        if sum(official.values()) > seats:
            raise entry.error("official", official, f"gives {sum(official.values())} seats; "
                              f"the district has {seats}")
    return PRDistrict(name=entry.string("name", required=True), seats=seats, votes=votes,
                      blank=entry.integer("blank", 0, low=0, high=MAX_REGISTERED),
                      invalid=entry.integer("invalid", 0, low=0, high=MAX_REGISTERED),
                      official=official, official_adjustment=_official_adjustment(entry, lists))


def _official_adjustment(entry: Table, lists: tuple[str, ...]) -> dict[str, int] | None:
    """A multi-member district's ``official_adjustment``: its adjustment seats per list."""
    if "official_adjustment" not in entry:
        return None
    table = entry.table("official_adjustment")
    for name in table.names():
        table.member(name, name, lists, "list of this file")
    return {name: table.integer(name, required=True, low=0) for name in table.names()}


def _check_adjustment(top: Table, system: ElectoralSystem,
                      pr_districts: tuple[PRDistrict, ...]) -> None:
    """Adjustment seats level a multi-member tier and fit in its districts."""
    rule = system.adjustment
    given = [d.name for d in pr_districts if d.official_adjustment is not None]
    if rule is None:
        if given:
            raise top.error("district", given[0], "gives official_adjustment seats; the law "
                            "has none without a [system.adjustment] table")
        return
    if not pr_districts:
        raise top.error("system.adjustment.seats", rule.seats, "levels the seats of "
                        "multi-member districts: give them as [[district]] tables with seats")
    for district in pr_districts:
        given_seats = sum((district.official_adjustment or {}).values())
        if given_seats > rule.per_district:
            raise top.error("district", f"{district.name}: official_adjustment = "
                            f"{district.official_adjustment}", f"gives {given_seats} "
                            f"adjustment seats; a district has at most per_district "
                            f"({rule.per_district})")
    room = rule.per_district * len(pr_districts)
    if rule.seats > room:
        raise top.error("system.adjustment.seats", rule.seats, f"must be at most per_district "
                        f"x districts ({rule.per_district} x {len(pr_districts)} = {room})")


def _region(entry: Table, lists: tuple[str, ...]) -> tuple[str, np.ndarray]:
    entry.check_keys(("name", "votes"))
    return entry.string("name", required=True), _count_table(entry, "votes", lists)


def _district(entry: Table, lists: tuple[str, ...],
              entries: tuple[ListEntry, ...]) -> DistrictCount:
    entry.check_keys(("name", "votes", "official"))
    table = entry.table("votes", required=True)
    written = table.names()
    if not written:
        raise entry.error("votes", {}, "must name at least one candidate")
    for list_entry in entries:
        # An aggregate stands for several parties: it cannot be one district candidate (and
        # no list tier could count the seat it won).
        if list_entry.aggregate and list_entry.id in written:
            raise table.error(list_entry.id, table.raw(list_entry.id), "is an aggregate list "
                              "(several parties): it cannot stand in a single-member district")
    candidates = sorted(written, key=lambda name: (lists.index(name) if name in lists
                                                   else len(lists) + written.index(name)))
    official = entry.string("official")
    if official is not None:
        entry.member("official", official, candidates, "candidate of this district")
    return DistrictCount(
        name=entry.string("name", required=True), candidates=tuple(candidates),
        votes=np.array([table.integer(name, low=0, required=True) for name in candidates],
                       dtype=np.int64),
        official=official)


def official_shares(tally: Tally) -> dict[str, float]:
    """Each option's share of the valid votes (lists, and against-all when on the ballot)."""
    votes = dict(zip(tally.lists, tally.votes.tolist()))
    if tally.against_all is not None:
        votes["against_all"] = tally.against_all
    total = sum(votes.values())
    return {option: count / total for option, count in votes.items()}
