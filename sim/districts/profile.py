"""The ``[districts]`` table of a house of multi-member districts: the districts, their
magnitudes, and a previous election's results as the profile of each list's vote.

Its keys (``scenarios/es-2023/_base.toml`` is a worked example; docs/scenarios.md says
more): ``kind = "multi-member"``; ``profile``, a tally file with multi-member
``[[district]]`` tables; ``magnitudes``, optionally another tally whose magnitudes are in
force (the profile's by default); ``swing`` (``proportional``, ``uniform`` or ``logit``);
``spread``, the district noise (an sd on the log scale, or a distribution); ``proxies``, for
a list, the profile groups or lists that stand for it; ``[districts.regions]``, optionally,
districts that share a shock of sd ``spread``. File paths are relative to the file that
names them.

Districts are matched across the two files by name, or by the official code that starts both
names. A scenario list takes the profile votes of the candidacies whose national group (or id) is
its own id, or is named in its ``proxies``; an aggregate list ("others") takes every vote no
other list takes. A list with no profile votes anywhere follows the national pattern (the
same share in every district).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.errors import ScenarioError
from sim.law.tally import load_tally
from sim.params import Param, read_param
from sim.tables import Table

SWINGS = ("proportional", "uniform", "logit")
PROFILE_KEYS = ("kind", "profile", "magnitudes", "swing", "spread", "proxies", "regions")


@dataclass(frozen=True, slots=True, kw_only=True)
class Region:
    name: str
    districts: tuple[int, ...]  # rows of its districts


@dataclass(frozen=True, slots=True, kw_only=True)
class MultiMemberDistricts:
    """Multi-member districts and the model of their votes (:mod:`sim.districts.swing`).

    Attributes
    ----------
    names : tuple of str
    magnitudes : tuple of int
    profile : tuple of tuple of float
        ``(n_lists, n_districts)`` shares of each list in the profile election, of the
        district's list votes (0 where it did not stand, and everywhere for a list with no
        profile).
    patterned : tuple of bool
        Lists with a profile of their own; the others get the same share everywhere.
    blank : tuple of float
        Blank ballots as a share of each district's valid votes (in the profile).
    weights : tuple of float
        Each district's share of the national list votes in the profile.
    swing : str
    spread : Param
        sd of the district noise on the log scale, drawn once per draw.
    regions : tuple of Region
    region_spread : Param, optional
    """

    names: tuple[str, ...]
    magnitudes: tuple[int, ...]
    profile: tuple[tuple[float, ...], ...]
    patterned: tuple[bool, ...]
    blank: tuple[float, ...]
    weights: tuple[float, ...]
    swing: str
    spread: Param
    regions: tuple[Region, ...] = ()
    region_spread: Param | None = None
    profile_file: str = ""
    proxies: tuple[tuple[str, tuple[str, ...]], ...] = ()  # list -> what stands for it

    def proxy_sets(self) -> dict[str, set[str]]:
        return {list_id: set(named) for list_id, named in self.proxies}

    @property
    def seats(self) -> int:
        return sum(self.magnitudes)

    def profile_array(self) -> np.ndarray:
        return np.array(self.profile, dtype=np.float64)


def read_profile(table: Table, lists: tuple[str, ...], aggregates: tuple[str, ...],
                 folder: Path) -> MultiMemberDistricts:
    """A :class:`MultiMemberDistricts` from ``[districts]`` (``kind = "multi-member"``)."""
    table.check_keys(PROFILE_KEYS)
    profile_file = table.string("profile", required=True)
    tally = _tally(table, "profile", folder / profile_file)
    if not tally.pr_districts:
        raise table.error("profile", profile_file, "must be a tally of multi-member districts "
                          "([[district]] tables with seats)")
    names = tuple(d.name for d in tally.pr_districts)
    magnitudes = tuple(d.seats for d in tally.pr_districts)
    if "magnitudes" in table:
        law = _tally(table, "magnitudes", folder / table.string("magnitudes", required=True))
        in_force = {district_key(d.name): d.seats for d in law.pr_districts}
        for name in names:
            if district_key(name) not in in_force:
                raise table.error("profile", profile_file, f"has district {name!r}, which the "
                                  f"magnitudes file has not")
        for district in law.pr_districts:
            if district_key(district.name) not in map(district_key, names):
                raise table.error("magnitudes", table.raw("magnitudes"), f"has district "
                                  f"{district.name!r}, which the profile has not")
        magnitudes = tuple(in_force[district_key(name)] for name in names)
    profile, patterned = _profile(table, tally, lists, aggregates)
    valid = np.array([d.votes.sum() + d.blank for d in tally.pr_districts], dtype=np.float64)
    list_votes = np.array([d.votes.sum() for d in tally.pr_districts], dtype=np.float64)
    regions, region_spread = _regions(table.table("regions"), names)
    return MultiMemberDistricts(
        names=names, magnitudes=magnitudes,
        profile=tuple(map(tuple, profile.tolist())), patterned=tuple(patterned),
        blank=tuple((1 - list_votes / valid).tolist()),
        weights=tuple((list_votes / list_votes.sum()).tolist()),
        swing=table.string("swing", "logit", choices=SWINGS),
        spread=read_param(table, "spread", 0.1, low=0.0, high=3.0),
        regions=regions, region_spread=region_spread, profile_file=profile_file,
        proxies=tuple((k, tuple(sorted(v))) for k, v in read_proxies(
            table.table("proxies"), lists).items()))


def district_key(name: str) -> str:
    """What matches a district across files: its name, or the official code that starts it
    ("01 Araba/Álava" and "01 Araba / Álava" are the same district)."""
    code = name.split(" ", 1)[0]
    return code if code.isdigit() else name


def _tally(table: Table, key: str, path: Path):
    if not path.is_file():
        raise table.error(key, table.raw(key), f"no such file ({path})")
    return load_tally(path)


def _profile(table: Table, tally, lists: tuple[str, ...],
             aggregates: tuple[str, ...]) -> tuple[np.ndarray, list[bool]]:
    """Each list's share of every district's list votes in the profile ``(n_lists,
    n_districts)``, and which lists have a profile."""
    proxies = read_proxies(table.table("proxies"), lists)
    known = {entry.id for entry in tally.entries} | {entry.group for entry in tally.entries}
    for list_id, named in proxies.items():
        for name in named:
            if name not in known:
                raise table.error(f"proxies.{list_id}", name, "names no group or list of the "
                                  f"profile ({tally.path})")
    votes = profile_votes(tally, lists, aggregates, proxies)
    for list_id in proxies:
        if votes[lists.index(list_id)].sum() == 0:
            raise table.error(f"proxies.{list_id}", sorted(proxies[list_id]), "has no votes in "
                              "the profile: name a party that stood")
    patterned = [bool(row.sum() > 0) for row in votes]
    return votes / np.stack([d.votes for d in tally.pr_districts], axis=1).sum(axis=0), \
        patterned


def read_proxies(table: Table, lists: tuple[str, ...]) -> dict[str, set[str]]:
    """``proxies``: for a list, the profile groups or lists whose votes stand for it."""
    proxies = {}
    for list_id in table.names():
        table.member(list_id, list_id, lists, "list of this scenario")
        named = table.raw(list_id)
        if not isinstance(named, list) or not named or not all(isinstance(n, str)
                                                                for n in named):
            raise table.error(list_id, named, "must be a list of profile groups or lists")
        proxies[list_id] = set(named)
    return proxies


def profile_votes(tally, lists: tuple[str, ...], aggregates: tuple[str, ...],
                  proxies: dict[str, set[str]]) -> np.ndarray:
    """Votes ``(n_lists, n_districts)`` of each scenario list in a districts tally: of the
    candidacies whose national group or id is the list's id or one of its ``proxies`` (a
    candidacy may stand for two lists); the first aggregate without proxies takes all the
    others."""
    votes = np.stack([d.votes for d in tally.pr_districts], axis=1).astype(np.float64)
    result = np.zeros((len(lists), votes.shape[1]))
    claimed = np.zeros(len(tally.entries), dtype=bool)
    for row, list_id in enumerate(lists):
        if list_id in aggregates and list_id not in proxies:
            continue
        sources = proxies.get(list_id, set()) | {list_id}
        mine = np.array([e.id in sources or e.group in sources for e in tally.entries])
        result[row] = votes[mine].sum(axis=0)
        claimed |= mine
    for row, list_id in enumerate(lists):
        if list_id in aggregates and list_id not in proxies:
            result[row] = votes[~claimed].sum(axis=0)
            break
    return result


def observed_by_list(tally, lists: tuple[str, ...], aggregates: tuple[str, ...],
                     proxies: dict[str, set[str]], names: tuple[str, ...]
                     ) -> tuple[np.ndarray, np.ndarray]:
    """A later election's votes and official seats ``(n_lists, n_districts)`` per scenario
    list, in the order of the districts ``names``. Each candidacy counts for one list: the
    list of its own id or group first, then one naming it among its proxies, else the
    aggregate (so seats are never counted twice)."""
    owner: list[int | None] = []
    for entry in tally.entries:
        own = [row for row, list_id in enumerate(lists) if list_id in (entry.id, entry.group)
               and list_id not in aggregates]
        named = [row for row, list_id in enumerate(lists)
                 if {entry.id, entry.group} & proxies.get(list_id, set())]
        rest = [row for row, list_id in enumerate(lists) if list_id in aggregates]
        candidates = own or named or rest
        owner.append(candidates[0] if candidates else None)
    keys = {district_key(d.name): d for d in tally.pr_districts}
    votes = np.zeros((len(lists), len(names)))
    seats = np.zeros((len(lists), len(names)), dtype=np.int64)
    for d, name in enumerate(names):
        district = keys[district_key(name)]
        for i, entry in enumerate(tally.entries):
            if owner[i] is None:
                continue
            votes[owner[i], d] += district.votes[i]
            seats[owner[i], d] += (district.official or {}).get(entry.id, 0)
    return votes, seats


def _regions(table: Table, names: tuple[str, ...]) -> tuple[tuple[Region, ...], Param | None]:
    if not table.names():
        return (), None
    regions = []
    for name in table.names():
        if name == "spread":
            continue
        members = table.raw(name)
        if not isinstance(members, list) or not members:
            raise table.error(name, members, "must be a list of district names")
        for member in members:
            table.member(name, member, names, "district of the profile")
        regions.append(Region(name=name, districts=tuple(names.index(m) for m in members)))
    spread = read_param(table, "spread", required=True, low=0.0, high=3.0)
    if not regions:
        raise ScenarioError(table.key, table.data, "must name at least one region",
                            file=table.file)
    return tuple(regions), spread
