"""From support to the official count: turnout, invalid ballots and administrative inflation.

The campaign leaves, per draw, the electorate's shares: each ballot option and those who
stay home. Here they become integer vote counts as the election authority would publish
them. Nothing here knows about seats.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.config import Table
from sim.params import Param, read_param


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


@dataclass(frozen=True, slots=True)
class OfficialCount:
    """Per-draw official counts (lists axis first for the lists).

    Attributes
    ----------
    votes : ndarray of int64, shape (n_lists, n_draws)
    against_all, invalid : ndarray of int64, shape (n_draws,)
    genuine : ndarray of float, shape (n_options, n_draws)
        Shares of the valid votes as cast, before inflation (the "true" support).
    turnout : ndarray of float, shape (n_draws,)
        Official turnout: ballots (stuffed ones included) over registered voters.
    """

    votes: np.ndarray
    against_all: np.ndarray
    invalid: np.ndarray
    genuine: np.ndarray
    turnout: np.ndarray


def read_count(table: Table, lists: tuple[str, ...]) -> CountModel:
    table.check_keys(("registered", "turnout", "turnout_multipliers", "invalid", "inflation"))
    multipliers = table.table("turnout_multipliers")
    for name in multipliers.names():
        if name not in lists:
            raise multipliers.error(name, multipliers.data[name],
                                    f"names no list of this scenario ({', '.join(lists)})")
    inflation = None
    if "inflation" in table:
        entry = table.table("inflation")
        entry.check_keys(("list", "stuffing", "misrecording"))
        beneficiary = entry.string("list", required=True)
        if beneficiary not in lists:
            raise entry.error("list", beneficiary,
                              f"names no list of this scenario ({', '.join(lists)})")
        inflation = Inflation(list=beneficiary,
                              stuffing=read_param(entry, "stuffing", low=0.0, high=1.0),
                              misrecording=read_param(entry, "misrecording", low=0.0, high=1.0))
    return CountModel(
        registered=table.integer("registered", required=True, low=1),
        turnout=read_param(table, "turnout", required=True, low=0.0, high=1.0),
        turnout_multipliers={name: read_param(multipliers, name, low=0.0, high=10.0)
                             for name in multipliers.names()},
        invalid=read_param(table, "invalid", 0.0, low=0.0, high=1.0),
        inflation=inflation,
    )


def electorate_from_support(support: np.ndarray, model: CountModel | None, *,
                            rng: np.random.Generator) -> np.ndarray:
    """Shares of the electorate ``(n_options + 1, n_draws)`` from vote shares
    ``(n_options, n_draws)``: each option's share times the draw's turnout, and in the last
    row those who stay home. Without a count model everyone votes."""
    turnout = np.ones(support.shape[1]) if model is None else \
        model.turnout.draw(support.shape[1], rng=rng)
    return np.vstack([support * turnout, 1 - turnout])


def count_votes(electorate: np.ndarray, model: CountModel, lists: tuple[str, ...],
                against_all_on_ballot: bool, *, rng: np.random.Generator) -> OfficialCount:
    """The official count of each draw.

    Parameters
    ----------
    electorate : ndarray, shape (n_options + 1, n_draws)
        Shares of the registered voters for each ballot option (lists, then against-all if on
        the ballot), and in the last row those who stay home. Lists first.
    """
    n_lists = len(lists)
    n_draws = electorate.shape[1]
    options = electorate[:-1]
    multipliers = np.ones_like(options)
    for name, param in model.turnout_multipliers.items():
        multipliers[lists.index(name)] = param.draw(n_draws, rng=rng)
    # Ballots cast: the voting share of each option, times its supporters' relative turnout.
    cast = options * multipliers * model.registered
    # Multipliers above 1 cannot make more people vote than are registered.
    cast /= np.maximum(cast.sum(axis=0) / model.registered, 1.0)
    ballots = cast.sum(axis=0)
    invalid = ballots * model.invalid.draw(n_draws, rng=rng)
    valid = cast * (1 - invalid / np.maximum(ballots, 1))
    genuine = valid / np.maximum(valid.sum(axis=0), 1)
    if model.inflation is not None:
        valid, ballots = _inflate(valid, ballots, model, lists.index(model.inflation.list),
                                  n_lists, rng=rng)
    counts = np.rint(valid).astype(np.int64)
    against_all = counts[n_lists] if against_all_on_ballot else np.zeros(n_draws, np.int64)
    return OfficialCount(votes=counts[:n_lists], against_all=against_all,
                 invalid=np.rint(invalid).astype(np.int64), genuine=genuine,
                 turnout=ballots / model.registered)


def _inflate(valid, ballots, model: CountModel, beneficiary: int, n_lists: int, *, rng):
    """Stuffed ballots and misrecorded votes for the beneficiary list."""
    inflation = model.inflation
    valid = valid.copy()
    n_draws = valid.shape[1]
    if inflation.stuffing is not None:
        stuffed = inflation.stuffing.draw(n_draws, rng=rng) * (model.registered - ballots)
        valid[beneficiary] += stuffed
        ballots = ballots + stuffed
    if inflation.misrecording is not None:
        share = inflation.misrecording.draw(n_draws, rng=rng)
        others = [i for i in range(n_lists) if i != beneficiary]
        moved = valid[others] * share
        valid[others] -= moved
        valid[beneficiary] += moved.sum(axis=0)
    return valid, ballots
