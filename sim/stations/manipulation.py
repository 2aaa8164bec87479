"""Manipulation at the station level: where the count model's inflation happens.

The count model (:mod:`sim.count.official`) decides *how much* each draw's official count
differs from the votes cast (stuffed ballots, misrecorded votes); this module decides
*where*, and through which mechanism, because the three leave different traces:

- **stuffing** (in the box, before the protocol is signed): extra ballots for the
  beneficiary at the manipulated stations. The protocol and the observer's copy of it carry
  them; only an observer's own count of the voters who came sees them.
- **protocol rewriting** (at the station, after the count): votes of the other lists
  written down for the beneficiary in the station's official protocol; the observer's copy
  (what was counted) differs from it. ``misrecording = "rewriting"``.
- **tabulation misrecording** (above the station): the protocols are honest, the aggregate
  is not. ``misrecording = "tabulation"`` (the default).

Three layers of counts follow, each a :class:`StationCounts`:

- ``true``: the ballots genuinely cast (the clean model, reconciled to the count model's
  genuine totals: its turnout, invalid share and genuine shares);
- ``counted``: what the station counted and signed, the observer's copy (true + stuffing);
- ``protocol``: the station's official protocol as it enters the tabulation (counted +
  rewriting + rounding); station results a country publishes are these;

and the **official national count** is ``protocol`` summed over the stations plus the
``tabulation`` adjustment ``(n_draws, n_options)``. The tabulation adjustment is *defined*
as the official count minus the protocols' sum, so the national official count equals the
draw's official count exactly, whatever the station mechanisms could place: misrecording
sent to the tabulation, the few votes by which rounding the count model's shares to whole
votes differs from splitting them, and anything the stations had no room for: what the
chosen stations cannot hold spills to the others (never to the ``exclude``d ones, the
observed stations that deter it), and what none can hold is counted in ``unplaced`` and
left to the tabulation. The spill is frequent in the shipped kz-2021 scenarios, so the
stations ``manipulated`` are those whose protocol differs from the truth, not the chosen.

Where it acts (``where``): at each station independently with probability ``share``
(``"random"``); likewise among the stations of the named ``strata`` only (``"stratum"``);
or at the ``share`` of stations with the highest true turnout (``"turnout"``). A share
``extreme`` of the manipulated stations is filled first and to the same fraction of their
room (all of it when the inflation is large enough: Klimek et al.'s "extreme" fraud, the
turnout and the beneficiary's result both near 100%); the rest, the incremental ones, in
proportion to their room (non-voters for stuffing, the other lists' votes for rewriting),
the remainder of whole units by a hypergeometric draw (:func:`sim.stations.model.
reconcile`). ``rounding``: a share of the manipulated stations writes the beneficiary's
result (votes over ballots) as the nearest whole percentage, moving votes from or to the
station's largest other list (Kobak, Shpilkin & Pshenichnikov 2016).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.stations.counts import StationCounts
from sim.stations.model import NationalTotals, reconcile
from sim.stations.spec import Manipulation


@dataclass(frozen=True, slots=True)
class StationRecords:
    """One block of draws at the station level: the three layers, the tabulation
    adjustment int64 ``(n_draws, n_options)``, the stations the manipulation chose and
    those whose protocol differs from the truth (chosen or spilt to), bool ``(n_draws,
    n_stations)``, and the stuffed ballots and rewritten votes no station could take (left
    to the tabulation), int64 ``(n_draws,)``."""

    true: StationCounts
    counted: StationCounts
    protocol: StationCounts
    tabulation: np.ndarray
    chosen: np.ndarray
    manipulated: np.ndarray
    unplaced: np.ndarray

    def official(self) -> np.ndarray:
        """The national official votes, int64 ``(n_draws, n_options)``."""
        return self.protocol.votes.sum(axis=-1) + self.tabulation


def manipulate(true: StationCounts, official: NationalTotals, manipulation: Manipulation,
               beneficiary: int, rng: np.random.Generator,
               exclude: np.ndarray | None = None) -> StationRecords:
    """The counted and protocol layers and the tabulation adjustment that carry ``true``
    (a block of draws) to the ``official`` national counts (see the module docstring);
    ``beneficiary`` is the ballot row of the list the inflation favours; ``exclude``, bool
    ``(n_draws, n_stations)``, the stations left alone (observed ones that deter it)."""
    chosen = _chosen(true, manipulation, rng)
    if exclude is not None:
        chosen &= ~exclude
    extreme = chosen & (rng.random(chosen.shape) < manipulation.extreme)
    incremental, rest = chosen & ~extreme, ~chosen
    if exclude is not None:
        rest &= ~exclude  # the deterred stations take no spill either
    ballots, votes = true.ballots.copy(), true.votes.copy()
    true_ballots, _ = true.totals()
    stuffed_total = np.clip(official.ballots - true_ballots, 0,
                            np.maximum(official.votes[beneficiary] -
                                       true.votes[:, beneficiary].sum(axis=1), 0))
    stuffed = _spread(stuffed_total, true.registered - ballots,
                      (extreme, incremental, rest), rng)
    unplaced = stuffed_total - stuffed.sum(axis=1)
    ballots += stuffed
    votes[:, beneficiary] += stuffed
    counted = StationCounts(registered=true.registered, stratum=true.stratum,
                            ballots=ballots, votes=votes.copy(), invalid=true.invalid,
                            strata=true.strata)
    if manipulation.misrecording == "rewriting":
        for row in range(votes.shape[1]):
            if row != beneficiary:
                wanted = np.maximum(votes[:, row].sum(axis=1) - official.votes[row], 0)
                moved = _spread(wanted, votes[:, row], (extreme, incremental, rest), rng)
                unplaced += wanted - moved.sum(axis=1)
                votes[:, row] -= moved
                votes[:, beneficiary] += moved
    if manipulation.rounding > 0:
        rounding = chosen & (rng.random(chosen.shape) < manipulation.rounding)
        _round_result(votes, ballots, beneficiary, rounding)
    protocol = StationCounts(registered=true.registered, stratum=true.stratum,
                             ballots=ballots, votes=votes, invalid=true.invalid,
                             strata=true.strata)
    tabulation = official.votes.T - votes.sum(axis=-1)
    changed = (ballots != true.ballots) | np.any(votes != true.votes, axis=1)
    return StationRecords(true=true, counted=counted, protocol=protocol,
                          tabulation=tabulation, chosen=chosen, manipulated=changed,
                          unplaced=unplaced)


def _chosen(true: StationCounts, manipulation: Manipulation,
            rng: np.random.Generator) -> np.ndarray:
    """The manipulated stations, bool ``(n_draws, n_stations)``."""
    shape = true.ballots.shape
    if manipulation.share == 0:
        return np.zeros(shape, dtype=bool)
    if manipulation.where == "turnout":
        turnout = true.turnout()
        n_chosen = int(round(manipulation.share * shape[1]))
        if n_chosen == 0:
            return np.zeros(shape, dtype=bool)
        cut = np.partition(turnout, shape[1] - n_chosen, axis=1)[:, shape[1] - n_chosen]
        return turnout >= cut[:, None]
    chosen = rng.random(shape) < manipulation.share
    if manipulation.where == "stratum":
        names = [true.strata.index(name) for name in manipulation.strata]
        chosen &= np.isin(true.stratum, names)[None, :]
    return chosen


def _spread(total: np.ndarray, room: np.ndarray, layers: tuple[np.ndarray, ...],
            rng: np.random.Generator) -> np.ndarray:
    """``total`` ``(n_draws,)`` units placed in ``room`` ``(n_draws, n_stations)``, the
    stations of each layer (bool masks) filled before the next: within a layer, the same
    fraction of every station's room, the whole units left over drawn hypergeometrically.
    Returns int64 ``(n_draws, n_stations)``; what no layer has room for is not placed."""
    placed = np.zeros(room.shape, dtype=np.int64)
    left = total.astype(np.int64).copy()
    for layer in layers:
        capacity = np.where(layer, room, 0)
        size = capacity.sum(axis=1)
        amount = np.minimum(left, size)
        fraction = amount / np.maximum(size, 1)
        part = np.floor(capacity * fraction[:, None]).astype(np.int64)
        reconcile(part, capacity, amount, rng)
        placed += part
        left -= amount
    return placed


def _round_result(votes: np.ndarray, ballots: np.ndarray, beneficiary: int,
                  rounding: np.ndarray) -> None:
    """At the ``rounding`` stations, the beneficiary's votes set to the nearest whole
    percentage of the ballots, in place; the difference comes from (or goes to) the
    station's largest other list, within what it has."""
    others = votes.copy()
    others[:, beneficiary] = -1
    donor = others.argmax(axis=1)  # (n_draws, n_stations)
    current = votes[:, beneficiary]
    target = np.floor(np.rint(current / np.maximum(ballots, 1) * 100) * ballots / 100 + 0.5)
    donor_votes = np.take_along_axis(votes, donor[:, None, :], axis=1)[:, 0]
    change = np.clip(target.astype(np.int64) - current, -current, donor_votes)
    change = np.where(rounding & (ballots > 0), change, 0)
    votes[:, beneficiary] += change
    np.put_along_axis(votes, donor[:, None, :], (donor_votes - change)[:, None, :], axis=1)
