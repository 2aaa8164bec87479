"""Tally files: one count of votes to allocate (``elsim allocate``), e.g. a past election.

A tally file has a ``[system]`` table, a ``[votes]`` table of list → votes in registration
order, optionally ``[ballots]`` (``against_all``, ``invalid``) and ``[official]`` (the seats
the election authority announced, which the history tests check against).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.errors import ScenarioError
from sim.rules import ElectoralSystem, RunnerUp
from sim.config import Table, read_toml

SYSTEM_KEYS = ("seats", "threshold", "threshold_base", "method", "tie_break", "runner_up", "cap")


def system_from_table(table: Table) -> ElectoralSystem:
    """An :class:`ElectoralSystem` from a ``[system]`` table."""
    table.check_keys(SYSTEM_KEYS)
    runner_up = None
    if "runner_up" in table:
        rule = table.table("runner_up")
        rule.check_keys(("factor", "min_seats"))
        runner_up = _located(table, lambda: RunnerUp(
            factor=rule.number("factor", 0.7), min_seats=rule.integer("min_seats", 2, low=0)),
            prefix=table.key)
    return _located(table, lambda: ElectoralSystem(
        seats=table.integer("seats", required=True),
        threshold=table.number("threshold", 0.0),
        threshold_base=table.string("threshold_base", "valid"),
        method=table.string("method", "hare"),
        tie_break=table.string("tie_break", "order"),
        runner_up=runner_up,
        cap=table.integer("cap"),
    ), prefix=table.key)


def _located(table: Table, build, *, prefix: str):
    """Run ``build``; place a rule's error in the table's file under ``prefix``."""
    try:
        return build()
    except ScenarioError as error:
        if error.file is not None:
            raise
        raise error.located(table.file, prefix) from None


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


def load_tally(path: str | Path) -> Tally:
    """Read and check a tally file."""
    file = str(path)
    top = Table(read_toml(Path(path)), file)
    top.check_keys(("title", "source", "system", "votes", "ballots", "official"))
    system = system_from_table(top.table("system", required=True))
    votes_table = top.table("votes", required=True)
    if not votes_table.names():
        raise ScenarioError("votes", {}, "must name at least one list", file=file)
    votes = [votes_table.integer(name, low=0, required=True) for name in votes_table.names()]
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
        official = {name: official_table.integer(name, low=0)
                    for name in official_table.names()}
    return Tally(
        path=file,
        title=top.string("title", Path(path).stem),
        system=system,
        lists=tuple(votes_table.names()),
        votes=np.array(votes, dtype=np.int64),
        against_all=ballots.integer("against_all", low=0),
        invalid=ballots.integer("invalid", low=0),
        official=official,
    )
