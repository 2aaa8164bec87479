"""The ``[count]`` table of a scenario: registered voters, turnout, invalid ballots and
administrative inflation. :mod:`sim.count.official` applies it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sim.limits import MAX_REGISTERED
from sim.params import Param, read_param
from sim.tables import Table


@dataclass(frozen=True, slots=True, kw_only=True)
class Inflation:
    """Administrative inflation in favour of ``list``.

    ``stuffing``: extra ballots for the list, as a share of the registered voters who did not
    vote (it also raises turnout). ``misrecording``: a share of every other list's votes
    recorded for the list instead.
    """

    list: str
    stuffing: Param | None
    misrecording: Param | None


@dataclass(frozen=True, slots=True, kw_only=True)
class CountModel:
    """How support becomes the official count."""

    registered: int
    turnout: Param
    turnout_multipliers: dict[str, Param]
    invalid: Param
    inflation: Inflation | None


def read_count(table: Table, lists: tuple[str, ...],
               names: Mapping[str, str] | None = None) -> CountModel:
    """The count model; ``names`` (list id -> name) words its parameters' labels."""
    names = names or {}
    table.check_keys(("registered", "turnout", "turnout_multipliers", "invalid", "inflation"))
    multipliers = table.table("turnout_multipliers")
    multipliers.check_names(lists)
    inflation = None
    if "inflation" in table:
        entry = table.table("inflation")
        entry.check_keys(("list", "stuffing", "misrecording"))
        beneficiary = entry.member("list", entry.string("list", required=True), lists)
        label = names.get(beneficiary, beneficiary)
        inflation = Inflation(
            list=beneficiary,
            stuffing=read_param(entry, "stuffing", low=0.0, high=1.0,
                                label=f"stuffing for {label} (share of non-voters)"),
            misrecording=read_param(entry, "misrecording", low=0.0, high=1.0,
                                    label="misrecording: share of other lists' votes moved "
                                          f"to {label}"))
    turnout = read_param(table, "turnout", required=True, low=0.0, high=1.0,
                         label="turnout before multipliers and stuffing")
    if turnout.kind == "fixed" and turnout.args[0] == 0:
        raise table.error("turnout", 0.0, "must be above 0: someone must vote")
    return CountModel(
        registered=table.integer("registered", required=True, low=1, high=MAX_REGISTERED),
        turnout=turnout,
        turnout_multipliers={
            name: read_param(multipliers, name, required=True, low=0.0, high=10.0,
                             label=f"relative turnout of {names.get(name, name)} voters")
            for name in multipliers.names()},
        invalid=_below_one(table, read_param(table, "invalid", 0.0, low=0.0, high=1.0,
                                             label="invalid share of genuine ballots")),
        inflation=inflation,
    )


def _below_one(table: Table, invalid: Param) -> Param:
    """A fixed share of invalid ballots below 1: some ballots must count."""
    if invalid.kind == "fixed" and invalid.args[0] >= 1:
        raise table.error("invalid", invalid.args[0], "must be below 1: some ballots must be "
                          "valid")
    return invalid
