"""Where a withdrawing list's support goes: the ``transfer`` key of a withdrawal or reaction."""

from __future__ import annotations

from dataclasses import dataclass

from sim.ballot import STAY_HOME, Ballot
from sim.tables import Table


@dataclass(frozen=True, slots=True, kw_only=True)
class Transfer:
    """Fixed fractions to named options or to ``"abstain"``; the rest goes to the remaining
    options in proportion to their support."""

    fractions: dict[str, float]


def read_transfer(entry: Table, ballot: Ballot) -> Transfer:
    """``"proportional"`` (the default), ``"abstain"``, or a table of option -> fraction."""
    value = entry.raw("transfer", "proportional")
    if value == "proportional":
        return Transfer(fractions={})
    if value == STAY_HOME:
        return Transfer(fractions={STAY_HOME: 1.0})
    if not isinstance(value, dict):
        raise entry.error("transfer", value, 'must be "proportional", "abstain" or a table '
                          "of option -> fraction")
    table = entry.table("transfer")
    table.check_names(ballot.options + (STAY_HOME,), "option of this scenario")
    fractions = {option: table.number(option, required=True, low=0.0, high=1.0)
                 for option in table.names()}
    if sum(fractions.values()) > 1 + 1e-9:
        raise entry.error("transfer", value, "fractions must not add up to more than 1")
    return Transfer(fractions=fractions)
