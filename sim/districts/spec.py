"""The ``[districts]`` table: single-member districts, their rule and their vote model.

The baseline profile is a CSV file named by ``baseline`` (relative to the scenario): a
``district`` column, then one column per list and one for the independents when the
scenario has them, each row a district's shares in a previous election (adding up to 1,
0 where a candidate did not stand). The format is documented in ``docs/scenarios.md``.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from sim.errors import ScenarioError
from sim.params import Param, read_param
from sim.tables import Table

RULES = ("plurality", "two-round")
INDEPENDENTS = "independents"  # the candidate row of district-only candidates
SHARE_TOLERANCE = 0.005  # a baseline row's shares may add up to 1 +- this (rounded figures)


@dataclass(frozen=True, slots=True, kw_only=True)
class Independents:
    """District-only candidates: in each district, the strongest non-party candidate."""

    name: str
    share: Param  # expected share of a district's vote, drawn per draw
    bloc: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class DistrictTier:
    """Single-member districts and the model of their votes.

    Parameters
    ----------
    seats : int
        Number of districts, one seat each.
    rule : {"plurality", "two-round"}
    majority : Fraction
        Two-round rule: a first-round winner needs more than this share of the votes.
    spread : float
        sd of each candidate's district log-share noise (generic district spread).
    independents : Independents, optional
    names : tuple of str
        District names (from the baseline, else ``"1"`` .. ``"seats"``).
    baseline : tuple of tuple of float, optional
        ``(n_candidates, n_districts)`` baseline shares: the lists, then the independents.
    """

    seats: int
    rule: str = "plurality"
    majority: Fraction = Fraction(1, 2)
    spread: float
    independents: Independents | None = None
    names: tuple[str, ...]
    baseline: tuple[tuple[float, ...], ...] | None = None
    baseline_file: str | None = None


DISTRICT_KEYS = ("seats", "rule", "majority", "tie_break", "spread", "baseline", "independents")


def read_districts(table: Table, lists: tuple[str, ...], blocs: tuple[str, ...],
                   folder: Path) -> DistrictTier:
    """A :class:`DistrictTier` from a ``[districts]`` table; ``folder`` holds the scenario."""
    table.check_keys(DISTRICT_KEYS)
    table.string("tie_break", "order", choices=("order",))
    independents = None
    if "independents" in table:
        entry = table.table("independents")
        entry.check_keys(("name", "share", "bloc"))
        bloc = entry.string("bloc")
        if bloc is not None:
            entry.member("bloc", bloc, blocs, "bloc in [blocs]")
        independents = Independents(
            name=entry.string("name", "Independents"),
            share=read_param(entry, "share", required=True, low=0.001, high=0.99), bloc=bloc)
    candidates = lists + ((INDEPENDENTS,) if independents else ())
    seats = table.integer("seats", low=1)
    names = baseline = baseline_file = None
    if "baseline" in table:
        baseline_file = table.string("baseline", required=True)
        names, baseline = read_baseline(folder / baseline_file, candidates, seats,
                                        key=table.path("baseline"), file=table.file)
        seats = len(names)
    if seats is None:
        raise table.error("seats", None, "a district tier needs its districts: give seats "
                          "(the number of districts) or a baseline file")
    return DistrictTier(
        seats=seats, rule=table.string("rule", "plurality", choices=RULES),
        majority=table.fraction("majority") or Fraction(1, 2),
        spread=table.number("spread", 0.5, low=0.2, high=5.0), independents=independents,
        names=names or tuple(str(d + 1) for d in range(seats)),
        baseline=baseline, baseline_file=baseline_file)


def read_baseline(path: Path, candidates: tuple[str, ...], seats: int | None, *, key: str,
                  file: str) -> tuple[tuple[str, ...], tuple[tuple[float, ...], ...]]:
    """District names and ``(n_candidates, n_districts)`` shares from a baseline CSV."""
    def fail(value, rule: str) -> ScenarioError:
        return ScenarioError(key, value, rule, file=file)

    if not path.is_file():
        raise fail(str(path), "no such file")
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    if not rows or rows[0][:1] != ["district"]:
        raise fail(str(path), "must be a CSV whose first column is 'district'")
    header = rows[0][1:]
    for name in header:
        if name not in candidates:
            raise fail(str(path), f"column {name!r} names no candidate of this scenario "
                       f"({', '.join(candidates)})")
    missing = [name for name in candidates if name not in header]
    if missing:
        raise fail(str(path), f"has no column for {', '.join(missing)} (0 where one did not "
                   "stand)")
    names, shares = [], []
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != len(rows[0]):
            raise fail(str(path), f"line {number} has {len(row)} fields, not {len(rows[0])}")
        try:
            values = [float(value) for value in row[1:]]
        except ValueError:
            raise fail(str(path), f"line {number}: shares must be numbers") from None
        if any(not 0 <= v <= 1 for v in values) or \
                not math.isclose(sum(values), 1, abs_tol=SHARE_TOLERANCE):
            raise fail(str(path), f"line {number} (district {row[0]!r}): shares "
                       f"{values} must be in [0, 1] and add up to 1")
        names.append(row[0])
        shares.append(values)
    if seats is not None and len(names) != seats:
        raise fail(str(path), f"has {len(names)} districts; seats says {seats}")
    if not names:
        raise fail(str(path), "has no districts")
    if len(set(names)) != len(names):
        raise fail(str(path), "names a district twice")
    order = [header.index(name) for name in candidates]
    return tuple(names), tuple(tuple(row[i] for row in shares) for i in order)
