"""From support to the official count: turnout, invalid ballots and administrative inflation.

The campaign leaves, per draw, the electorate's shares: each ballot option and those who
stay home. Here they become integer vote counts as the election authority would publish
them. Nothing here knows about seats.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.ballot import Ballot
from sim.count.spec import CountModel, Inflation
from sim.params import ParamDraws


@dataclass(frozen=True, slots=True)
class OfficialCount:
    """Per-draw official counts, options axis first.

    Attributes
    ----------
    votes : ndarray of int64, shape (n_options, n_draws)
        Votes per ballot option (the lists, then against-all when on the ballot).
    invalid : ndarray of int64, shape (n_draws,)
    genuine : ndarray of float, shape (n_options, n_draws)
        Shares of the valid votes as cast, before inflation (the "true" support).
    turnout : ndarray of float, shape (n_draws,)
        Official turnout: ballots (stuffed ones included) over registered voters.
    true_turnout : ndarray of float, shape (n_draws,)
        Ballots genuinely cast over registered voters.
    params : dict of str to ndarray of float, shape (n_draws,)
        Each uncertain (not fixed) parameter's value per draw (the turnout's too, when
        drawn by :func:`draw_turnout` on the same ``params``), by its key path in the
        scenario (e.g. ``count.inflation.stuffing``), for inference.
    """

    votes: np.ndarray
    invalid: np.ndarray
    genuine: np.ndarray
    turnout: np.ndarray
    true_turnout: np.ndarray
    params: dict[str, np.ndarray]


def draw_turnout(model: CountModel | None, params: ParamDraws) -> np.ndarray:
    """The share of the registered voters who vote, per draw ``(n_draws,)``; all of them
    without a count model."""
    return np.ones(params.n_draws) if model is None else params.draw(model.turnout)


def count_votes(electorate: np.ndarray, model: CountModel, ballot: Ballot, *,
                params: ParamDraws) -> OfficialCount:
    """The official count of each draw, its parameters drawn (and kept) by ``params``.

    Parameters
    ----------
    electorate : ndarray, shape (n_options + 1, n_draws)
        Shares of the registered voters per row of ``ballot`` (stay-home last).
    """
    options = ballot.voting(electorate)
    # Ballots cast: the voting share of each option, times its supporters' relative turnout.
    if model.turnout_multipliers:
        multipliers = np.ones_like(options)
        for name, param in model.turnout_multipliers.items():
            multipliers[ballot.row(name)] = params.draw(param)
        cast = options * multipliers * model.registered
    else:  # times ones is exact: the same numbers, two passes fewer
        cast = options * model.registered
    # Multipliers above 1 cannot make more people vote than are registered.
    cast /= np.maximum(cast.sum(axis=0) / model.registered, 1.0)
    ballots = cast.sum(axis=0)
    invalid = ballots * params.draw(model.invalid)
    valid = cast * (1 - invalid / np.maximum(ballots, 1))
    genuine = valid / np.maximum(valid.sum(axis=0), 1)
    true_turnout = ballots / model.registered
    if model.inflation is not None:
        valid, ballots = _inflate(valid, ballots, model.inflation, model.registered, ballot,
                                  params)
    return OfficialCount(votes=np.rint(valid).astype(np.int64),
                         invalid=np.rint(invalid).astype(np.int64), genuine=genuine,
                         turnout=ballots / model.registered, true_turnout=true_turnout,
                         params=params.values)


def _inflate(valid, ballots, inflation: Inflation, registered: int, ballot: Ballot,
             params: ParamDraws):
    """Stuffed ballots and misrecorded votes for the beneficiary list."""
    beneficiary = ballot.row(inflation.list)
    valid = valid.copy()
    if inflation.stuffing is not None:
        stuffed = params.draw(inflation.stuffing) * \
            (registered - ballots)
        valid[beneficiary] += stuffed
        ballots = ballots + stuffed
    if inflation.misrecording is not None:
        share = params.draw(inflation.misrecording)
        others = [row for row in range(ballot.n_lists) if row != beneficiary]
        moved = valid[others] * share
        valid[others] -= moved
        valid[beneficiary] += moved.sum(axis=0)
    return valid, ballots
