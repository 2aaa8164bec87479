"""Small station specs and national totals for the station tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from sim.stations.model import NationalTotals
from sim.stations.spec import StationSpec, read_stations
from sim.tables import Table

STRATA = {"capital": {"share": 0.2, "size": 1.5, "turnout": -0.5, "support": -0.4},
          "urban": {"share": 0.4},
          "rural": {"share": 0.4, "size": 0.6, "turnout": 0.5, "support": 0.4}}


def strata_toml(strata: dict[str, dict[str, float]]) -> str:
    """``[stations.strata.NAME]`` tables for a scenario's text, from ``{name: {key:
    value}}``."""
    return "".join(f"[stations.strata.{name}]\n" +
                   "".join(f"{key} = {value}\n" for key, value in keys.items())
                   for name, keys in strata.items())


def station_spec(count: int = 400, registered: int = 400_000, **keys) -> StationSpec:
    data = {"count": count, "strata": STRATA, **keys}
    return read_stations(Table(data, "test.toml", "stations"), None, registered, Path("."))


def totals(registered: int, n_draws: int, turnout: float = 0.6, invalid: int | None = None,
           shares=(0.6, 0.2, 0.12, 0.08)) -> NationalTotals:
    ballots = int(registered * turnout)
    bad = int(ballots * 0.03) if invalid is None else invalid
    valid = ballots - bad
    votes = np.array([int(valid * s) for s in shares[:-1]])
    votes = np.append(votes, valid - votes.sum())
    return NationalTotals.of(np.repeat(votes[:, None], n_draws, axis=1), np.full(n_draws, bad))
