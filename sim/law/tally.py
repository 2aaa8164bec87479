"""Tally files: one count of votes to allocate (``elsim allocate``), e.g. a past election.

A tally file has a ``[system]`` table, a ``[votes]`` table of list → votes in registration
order, optionally ``[ballots]`` (``against_all``, ``invalid``) and ``[official]`` (the seats
the election authority announced, which the history tests check against). A mixed house adds
one ``[[district]]`` table per single-member district: its ``name``, its ``votes`` (lists of
``[votes]`` and district-only candidates by any other id) and the ``official`` winner.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.errors import ScenarioError
from sim.law.districts import plurality
from sim.law.system import ElectoralSystem, read_system
from sim.limits import MAX_REGISTERED
from sim.tables import Table, read_toml


@dataclass(frozen=True, slots=True, kw_only=True)
class Tally:
    """One count: votes per list in registration order, and the system to allocate them."""

    path: str
    title: str
    system: ElectoralSystem
    lists: tuple[str, ...]
    votes: np.ndarray
    against_all: int | None
    invalid: int | None
    official: dict[str, int] | None
    districts: tuple[DistrictCount, ...] = ()


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


def load_tally(path: str | Path) -> Tally:
    """Read and check a tally file."""
    file = str(path)
    top = Table(read_toml(Path(path)), file)
    top.check_keys(("title", "source", "system", "votes", "ballots", "official", "district"))
    system = read_system(top.table("system", required=True))
    votes_table = top.table("votes", required=True)
    if not votes_table.names():
        raise ScenarioError("votes", {}, "must name at least one list", file=file)
    votes = [votes_table.integer(name, low=0, high=MAX_REGISTERED, required=True)
             for name in votes_table.names()]
    if sum(votes) == 0:
        raise ScenarioError("votes", dict(votes_table.data), "must not be all zero", file=file)
    ballots = top.table("ballots")
    ballots.check_keys(("against_all", "invalid"))
    official = None
    if "official" in top:
        official_table = top.table("official")
        for name in official_table.names():
            if name not in votes_table.data:
                raise official_table.error(name, official_table.data[name],
                                           "names no list in [votes]")
        official = {name: official_table.integer(name, required=True, low=0)
                    for name in official_table.names()}
    return Tally(
        path=file,
        title=top.string("title", Path(path).stem),
        system=system,
        lists=tuple(votes_table.names()),
        votes=np.array(votes, dtype=np.int64),
        against_all=ballots.integer("against_all", low=0, high=MAX_REGISTERED),
        invalid=ballots.integer("invalid", low=0, high=MAX_REGISTERED),
        official=official,
        districts=tuple(_district(entry, tuple(votes_table.names()))
                        for entry in top.tables("district")),
    )


def _district(entry: Table, lists: tuple[str, ...]) -> DistrictCount:
    entry.check_keys(("name", "votes", "official"))
    table = entry.table("votes", required=True)
    written = table.names()
    if not written:
        raise entry.error("votes", {}, "must name at least one candidate")
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
