"""Endorsement chains: an endorser backs the first of its targets still running, and moves
on to the next when that list withdraws.

A :class:`Chain` holds, per draw, which target an endorser backs, how many voters it
brought, and the day the backed list withdraws if it reacts so (its reaction, at most one
pending per draw: a new endorsement replaces it), which the rounds of
:class:`~sim.campaign.run.CampaignRun` carry out. A chain knows the run only as a
:class:`ChainHost`: what it may read and change of the run, so neither module needs the
other's class.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from sim.ballot import STAY_HOME
from sim.campaign.events.base import CampaignState
from sim.campaign.spec import Campaign, Endorser
from sim.campaign.transfer import Transfer
from sim.params import ParamDraws


class ChainHost(CampaignState, Protocol):
    """What a chain may read and change of its run besides an event's
    (:class:`~sim.campaign.events.base.CampaignState`): the campaign's reactions, each
    draw's clock ``(n,)``, the parameter draws it reserves, the order of reactions, the
    drift up to a withdrawal, and the transfer of stranded voters."""

    @property
    def campaign(self) -> Campaign: ...

    @property
    def n_draws(self) -> int: ...

    @property
    def day(self) -> np.ndarray: ...

    @property
    def param_draws(self) -> ParamDraws: ...

    def next_order(self) -> int:
        """A number ordering reactions scheduled on one day by when they were scheduled."""

    def drift(self, draws: np.ndarray | None, now: float | np.ndarray) -> None:
        """Bring the random walk of ``draws`` up to day ``now``."""

    def transfer(self, amount: np.ndarray, draws: np.ndarray, transfer: Transfer) -> None:
        """Share ``amount`` per draw out by the transfer rule."""


class Chain:
    """One endorser's backing in every draw of a chunk."""

    def __init__(self, endorser: Endorser, run: ChainHost):
        ballot = run.ballot
        self.endorser = endorser
        self.run = run
        self.target_rows = np.array([ballot.row(t) for t in endorser.targets])
        if endorser.source == (STAY_HOME,):
            self.source_rows = np.array([ballot.stay_home_row])
        elif endorser.source == ("all",):
            self.source_rows = np.arange(ballot.n_lists)
        else:
            self.source_rows = np.array([ballot.row(name) for name in endorser.source])
        self.current = np.full(run.n_draws, -1)  # place in the targets backed, or -1
        self.attached = np.zeros(run.n_draws)  # share of the electorate it brought
        self.due = np.full(run.n_draws, np.inf)  # day the backed list withdraws, or inf
        self.order = np.zeros(run.n_draws, dtype=np.int64)  # see CampaignRun.next_order
        # Drawn only in the draws where the chain acts: recorded NaN elsewhere.
        for param in (endorser.pool, endorser.fraction, *(
                run.campaign.reactions[t].probability for t in endorser.targets
                if t in run.campaign.reactions)):
            run.param_draws.reserve(param)

    def endorsed(self) -> np.ndarray:
        """Row of the list backed in each draw, or -1."""
        return np.where(self.current >= 0, self.target_rows[np.maximum(self.current, 0)], -1)

    def endorse(self, draws: np.ndarray) -> None:
        """Direct part of the endorser's pool to its first target still running."""
        place = self._first_running(draws, start=0)
        draws, place = draws[place >= 0], place[place >= 0]
        pool = self.run.draw_param(self.endorser.pool, draws) * \
            self.run.draw_param(self.endorser.fraction, draws)
        amount = self.run.take(self.source_rows, draws, pool,
                               exclude=self.target_rows[place])
        self._place(draws, place, amount)

    def withhold(self, wanted: np.ndarray) -> np.ndarray:
        """Take up to ``wanted`` out of the source rows in every draw; returns the voters
        taken per draw (:class:`sim.campaign.events.base.Endorsement`)."""
        return self.run.take(self.source_rows, self.run.every_draw(), wanted)

    def detach(self, row: int, draws: np.ndarray) -> np.ndarray:
        """Where the endorser backs the withdrawing list ``row``, take its voters back out
        of the list (never more than the list still holds, should drift have shrunk it);
        returns those draws."""
        current = self.current[draws]
        backing = draws[(current >= 0) & (self.target_rows[np.maximum(current, 0)] == row)]
        amount = np.minimum(self.attached[backing], self.run.electorate[row, backing])
        self.attached[backing] = amount
        self.run.electorate[row, backing] -= amount
        return backing

    def move_on(self, draws: np.ndarray, transfer: Transfer) -> None:
        """The endorser's voters follow it to its next target still running; with none
        left, they go where the withdrawn list's voters went."""
        if draws.size == 0:
            return
        self.due[draws] = np.inf  # the withdrawn list's own reaction is moot
        place = self._first_running(draws, start=self.current[draws] + 1)
        amount = self.attached[draws]
        stranded = place < 0
        self.run.transfer(amount[stranded], draws[stranded], transfer)
        self.current[draws[stranded]] = -1
        self.attached[draws[stranded]] = 0.0
        self._place(draws[~stranded], place[~stranded], amount[~stranded])

    def _place(self, draws: np.ndarray, place: np.ndarray, amount: np.ndarray) -> None:
        """Bring ``amount`` to the target at ``place``, then let that list react."""
        self.run.electorate[self.target_rows[place], draws] += amount
        self.attached[draws] = amount
        self.current[draws] = place
        for index in self._places_in(place):
            self._react(index, draws[place == index])

    def _react(self, place: int, draws: np.ndarray) -> None:
        """The newly backed list may withdraw after a delay (days from each draw's day)."""
        self.due[draws] = np.inf
        reaction = self.run.campaign.reactions.get(self.endorser.targets[place])
        if reaction is None or draws.size == 0:
            return
        rng = self.run.rng
        chance = self.run.draw_param(reaction.probability, draws)
        leaving = draws[rng.random(draws.size) < chance]
        delays = rng.integers(reaction.delay[0], reaction.delay[1] + 1, leaving.size)
        self.due[leaving] = self.run.day[leaving] + delays
        self.order[leaving] = self.run.next_order()

    def react_now(self, draws: np.ndarray) -> None:
        """The backed lists withdraw in ``draws``, each draw on its own due day."""
        current = self.current[draws]
        for place in self._places_in(current):
            group = draws[current == place]
            day = self.due[group]
            self.due[group] = np.inf
            self.run.drift(group, day)
            reaction = self.run.campaign.reactions[self.endorser.targets[place]]
            self.run.withdraw(self.target_rows[place], group, reaction.transfer)

    def _places_in(self, places: np.ndarray) -> list[int]:
        """The places that occur in ``places`` (a count per place: cheaper than sorting)."""
        return np.flatnonzero(np.bincount(places, minlength=len(self.target_rows))).tolist()

    def _first_running(self, draws: np.ndarray, start) -> np.ndarray:
        """Per draw, the first place in the targets from ``start`` on whose list is still
        running, or -1."""
        place = np.full(draws.size, -1)
        start = np.broadcast_to(start, draws.shape)
        for position, row in reversed(list(enumerate(self.target_rows))):
            running = ~self.run.withdrawn[row, draws]
            place = np.where(running & (position >= start), position, place)
        return place
