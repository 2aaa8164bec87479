"""The campaign as a discrete-event simulation (simpy) over whole arrays of draws.

One simpy :class:`~simpy.Environment` runs per chunk; its clock is days from the polls
(day 0) to election day, and one process walks through the days that have events. Every
event acts on all the draws it concerns at once: per-draw outcomes (did this list withdraw,
after how many days) are masks and groups of draws, never a Python loop over draws.

A list may withdraw some days after an endorsement (its reaction), and the endorser then
moves on to its next target (:mod:`sim.campaign.chains`), which may react in turn. These
withdrawals fall on a different day in each draw. Draws do not affect one another, so they
are carried out in rounds between two event days: each round takes, in every draw, the
next withdrawal due before the next event day, all draws at once (each brought to its own
day), so the cost follows the length of the longest chain, not the number of days or of
(endorser, target, day) groups. On one day, events come first, then the withdrawals due
that day in the order they were scheduled: as separate simpy processes would have them.

Drift is a random walk on the log-share scale. A draw's drift is brought up to date only
when something happens to it (one normal step of variance ``days * sd**2`` since its last
update), and for every draw on election day: the cost follows the number of events, not
the number of days. :attr:`CampaignRun.day` is therefore each draw's own clock.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import simpy

from sim.ballot import Ballot
from sim.campaign.chains import Chain
from sim.campaign.events import CampaignEvent
from sim.campaign.spec import Campaign
from sim.campaign.steps import log_normal_factors
from sim.campaign.transfer import Transfer
from sim.params import Param, ParamDraws


@dataclass(frozen=True, slots=True)
class CampaignOutcome:
    """The electorate on election day (options axis first).

    Attributes
    ----------
    electorate : ndarray, shape (n_options + 1, n_draws)
        Shares of the electorate per row of the ballot (stay-home last).
    withdrawn : ndarray of bool, shape (n_lists, n_draws)
    endorsed : dict of str to ndarray of int, shape (n_draws,)
        Per endorser, the row of the list it endorses on election day, or -1.
    params : dict of str to ndarray, shape (n_draws,)
        The uncertain parameters, by key path in the scenario (``campaign.drift_sd``,
        ``campaign.event[2].points``, ``campaign.endorsers.dvk.pool``), for inference; an
        endorser's and a reaction's NaN in the draws where they did not act
        (:class:`~sim.params.ParamDraws`).
    """

    electorate: np.ndarray
    withdrawn: np.ndarray
    endorsed: dict[str, np.ndarray]
    params: dict[str, np.ndarray]


def run_campaign(campaign: Campaign, electorate: np.ndarray, ballot: Ballot, *,
                 rng: np.random.Generator) -> CampaignOutcome:
    """Run the campaign on ``electorate`` ``(n_options + 1, n_draws)``, options first."""
    return CampaignRun(campaign, electorate.copy(), ballot, rng).run()


class CampaignRun:
    """The electorate of a chunk's draws and the state changes events make to it.

    Event kinds (:mod:`sim.campaign.events`) act through what
    :class:`~sim.campaign.events.base.CampaignState` names, nothing else.
    """

    def __init__(self, campaign: Campaign, electorate: np.ndarray, ballot: Ballot,
                 rng: np.random.Generator):
        self.campaign = campaign
        self.electorate = electorate
        self.ballot = ballot
        self.rng = rng
        self.n_draws = electorate.shape[1]
        self._every_draw = np.arange(self.n_draws)
        self.withdrawn = np.zeros((ballot.n_lists, self.n_draws), dtype=bool)
        self.param_draws = ParamDraws(self.n_draws, rng)
        self.drift_sd = self.draw_param(campaign.drift_sd)
        self.day = np.zeros(self.n_draws)  # each draw's clock: its drift is up to here
        self.scheduled = 0
        self.env = simpy.Environment()
        self.chains = {e.id: Chain(e, self) for e in campaign.endorsers}

    def run(self) -> CampaignOutcome:
        self.env.process(self._timeline())
        # Events on election day itself still happen before the vote.
        self.env.run(until=self.campaign.days + 0.5)
        self.drift(None, self.campaign.days)
        return CampaignOutcome(self.electorate, self.withdrawn,
                               {key: chain.endorsed() for key, chain in self.chains.items()},
                               self.param_draws.values)

    def _timeline(self):
        """The event days in order; after each, the withdrawals due before the next one."""
        by_day: dict[int, list[tuple[int, CampaignEvent]]] = {}
        for index, event in enumerate(self.campaign.events):  # declared order within a day
            by_day.setdefault(event.day, []).append((index, event))
        days = sorted(by_day)
        for day, following in zip(days, days[1:] + [self.campaign.days + 1]):
            yield self.env.timeout(day - self.env.now)
            self.drift(None, day)
            for _, event in by_day[day]:
                event.act(self)
            self._withdrawals_before(following)

    def draw_param(self, param: Param, draws: np.ndarray | None = None) -> np.ndarray:
        """One value of ``param`` per draw (or per index of ``draws``); an uncertain one is
        kept under its key path in the outcome's ``params``."""
        return self.param_draws.draw(param, draws)

    def _withdrawals_before(self, limit: int) -> None:
        """Carry out, round by round, every reaction due before day ``limit``."""
        chains = list(self.chains.values())
        while chains:
            # Per draw, the chain whose withdrawal comes next (the first scheduled on a tie).
            first = np.zeros(self.n_draws, dtype=np.intp)
            due, order = chains[0].due, chains[0].order
            if len(chains) > 1:
                due, order = due.copy(), order.copy()
            for index, chain in enumerate(chains[1:], start=1):
                sooner = (chain.due < due) | ((chain.due == due) & (chain.order < order))
                first[sooner], due[sooner], order[sooner] = index, chain.due[sooner], \
                    chain.order[sooner]
            now = due < limit
            if not now.any():
                return
            for index, chain in enumerate(chains):
                chain.react_now(np.flatnonzero(now & (first == index)))

    def next_order(self) -> int:
        """A number that orders reactions scheduled on the same day by when they were
        scheduled."""
        self.scheduled += 1
        return self.scheduled

    def every_draw(self) -> np.ndarray:
        """The index of every draw (one array for the run: callers only index with it)."""
        return self._every_draw

    def drift(self, draws: np.ndarray | None, now: float | np.ndarray) -> None:
        """Bring the random walk of ``draws`` (an index array, or None for every draw) up to
        day ``now`` (one per draw, or one for all) in one step."""
        where = slice(None) if draws is None else draws
        if not self.drift_sd.any() or self.day[where].size == 0:
            self.day[where] = now
            return
        days = now - self.day[where]
        # Every draw: a view, changed in place. Some draws: a gathered copy, written back
        # (np.take gathers columns about twice as fast as fancy indexing).
        voting_rows = self.ballot.voting(self.electorate)
        shares = voting_rows if draws is None else np.take(voting_rows, draws, axis=1)
        voting = shares.sum(axis=0)
        # Single precision is ample for a day's drift, and faster.
        shares *= log_normal_factors(self.drift_sd[where] * np.sqrt(days), shares.shape,
                                     rng=self.rng)
        # Drift changes who is ahead, not how many vote.
        shares *= voting / np.maximum(shares.sum(axis=0), 1e-300)
        if draws is not None:
            voting_rows[:, draws] = shares
        self.day[where] = now

    def withdraw(self, row: int, draws: np.ndarray, transfer: Transfer) -> None:
        """The list leaves the ballot in ``draws``; endorsers backing it move on."""
        draws = draws[~self.withdrawn[row, draws]]
        if draws.size == 0:
            return
        # Each endorser's voters leave with it before the list's own voters are shared out.
        carried = {key: chain.detach(row, draws) for key, chain in self.chains.items()}
        self.withdrawn[row, draws] = True
        leaving = self.electorate[row, draws]
        # A withdrawn list holds nothing from now on: proportional transfers then pass it by.
        self.electorate[row, draws] = 0.0
        self.transfer(leaving, draws, transfer)
        for key, chain in self.chains.items():
            chain.move_on(carried[key], transfer)

    def take(self, rows: np.ndarray, draws: np.ndarray, wanted: np.ndarray,
             exclude: np.ndarray | None = None) -> np.ndarray:
        """Take up to ``wanted`` from ``rows`` in proportion, never from the row ``exclude``
        of each draw; returns what was taken per draw."""
        available = self.electorate[rows][:, draws]
        if exclude is not None:
            available = np.where(rows[:, None] == exclude, 0.0, available)
        total = available.sum(axis=0)
        amount = np.minimum(wanted, total)
        taken = available * (amount / np.maximum(total, 1e-300))
        self.electorate[rows[:, None], draws] -= taken
        return amount

    def transfer(self, amount: np.ndarray, draws: np.ndarray, transfer: Transfer) -> None:
        """Share ``amount`` per draw out by the transfer rule."""
        if draws.size == 0:
            return
        rest = amount.copy()
        for option, fraction in transfer.fractions.items():
            row = self.ballot.row(option)
            share: float | np.ndarray = fraction
            if row < self.ballot.n_lists:
                # A list that has withdrawn in this draw takes nothing: its part goes on.
                share = np.where(self.withdrawn[row, draws], 0.0, fraction)
            self.electorate[row, draws] += amount * share
            rest -= amount * share
        # Withdrawn lists hold 0, so they receive nothing.
        voting = self.ballot.voting(self.electorate)
        receivers = np.take(voting, draws, axis=1)
        total = receivers.sum(axis=0)
        receivers *= 1 + np.where(total > 0, rest / np.maximum(total, 1e-300), 0.0)
        voting[:, draws] = receivers
        self.electorate[self.ballot.stay_home_row, draws] += np.where(total > 0, 0.0, rest)
