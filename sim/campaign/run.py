"""The campaign as a discrete-event simulation (simpy) over whole arrays of draws.

One simpy :class:`~simpy.Environment` runs per chunk; its clock is days from the polls
(day 0) to election day. Every event acts on all the draws it concerns at once: per-draw
outcomes (did this list withdraw, after how many days) are masks and groups of draws, never a
Python loop over draws. A list withdrawing after an endorsement lets the endorser move on to
its next target (:mod:`sim.campaign.chains`): a chain of simpy processes.

Drift is a random walk on the log-share scale. A draw's drift is brought up to date only
when an event touches it (one normal step of variance ``days * sd**2`` since its last
update), and for every draw on election day: the cost follows the number of events, not
the number of days.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import simpy

from sim.ballot import Ballot
from sim.campaign.chains import Chain
from sim.campaign.spec import Campaign
from sim.campaign.transfer import Transfer
from sim.params import Param


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
        The uncertain parameters drawn once per draw, by key path in ``[campaign]``
        (``drift_sd``, ``event[2].points``), for inference.
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

    Event kinds (:mod:`sim.campaign.events`) act through :attr:`electorate`,
    :attr:`withdrawn`, :attr:`rng`, :meth:`take`, :meth:`withdraw` and :attr:`chains`.
    """

    def __init__(self, campaign: Campaign, electorate: np.ndarray, ballot: Ballot,
                 rng: np.random.Generator):
        self.campaign = campaign
        self.electorate = electorate
        self.ballot = ballot
        self.rng = rng
        self.n_draws = electorate.shape[1]
        self.withdrawn = np.zeros((ballot.n_lists, self.n_draws), dtype=bool)
        self.params: dict[str, np.ndarray] = {}
        self.event_key = ""
        self.drift_sd = self.draw_param("drift_sd", campaign.drift_sd)
        self.drifted_until = np.zeros(self.n_draws)
        self.env = simpy.Environment()
        # Withdrawals waiting to happen, by (endorser, place of the target, day): the draws
        # of every endorsement group that chose that day share one simpy process.
        self.pending: dict[tuple[str, int, float], list[np.ndarray]] = {}
        self.chains = {e.id: Chain(e, self) for e in campaign.endorsers}

    def run(self) -> CampaignOutcome:
        for index, event in enumerate(self.campaign.events):
            self.env.process(self._on_day(index, event))
        # Events on election day itself still happen before the vote.
        self.env.run(until=self.campaign.days + 0.5)
        self.drift(None, self.campaign.days)
        return CampaignOutcome(self.electorate, self.withdrawn,
                               {key: chain.endorsed() for key, chain in self.chains.items()},
                               self.params)

    def _on_day(self, index: int, event):
        yield self.env.timeout(event.day)
        self.drift(None, self.env.now)
        self.event_key = f"event[{index}]."
        event.act(self)
        self.event_key = ""

    def draw_param(self, name: str, param: Param) -> np.ndarray:
        """One value of ``param`` per draw; an uncertain one is kept in :attr:`params` under
        its key path (within the acting event's)."""
        values = param.draw(self.n_draws, rng=self.rng)
        if param.kind != "fixed":
            self.params[self.event_key + name] = values
        return values

    def every_draw(self) -> np.ndarray:
        return np.arange(self.n_draws)

    def drift(self, draws: np.ndarray | None, now: float) -> None:
        """Bring the random walk of ``draws`` (an index array, or None for every draw) up to
        ``now`` in one step."""
        where = slice(None) if draws is None else draws
        if not self.drift_sd.any() or self.drifted_until[where].size == 0:
            self.drifted_until[where] = now
            return
        days = now - self.drifted_until[where]
        # Every draw: a view, changed in place. Some draws: a gathered copy, written back.
        shares = self.ballot.voting(self.electorate)[:, where]
        voting = shares.sum(axis=0)
        # Single precision is ample for a day's drift, and faster.
        scale = (self.drift_sd[where] * np.sqrt(days)).astype(np.float32)
        step = self.rng.standard_normal(shares.shape, dtype=np.float32)
        step *= scale
        shares *= np.exp(step, out=step)
        # Drift changes who is ahead, not how many vote.
        shares *= voting / np.maximum(shares.sum(axis=0), 1e-300)
        if draws is not None:
            self.ballot.voting(self.electorate)[:, draws] = shares
        self.drifted_until[where] = now

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

    def schedule_withdrawal(self, chain: Chain, place: int, draws: np.ndarray, delay: int,
                            transfer: Transfer) -> None:
        """After ``delay`` days, the list at ``place`` of the chain withdraws in ``draws``
        where that endorsement still stands."""
        key = (chain.endorser.id, place, self.env.now + delay)
        if key not in self.pending:
            self.pending[key] = []
            self.env.process(self._withdraw_later(key, chain, delay, transfer))
        self.pending[key].append(draws)

    def _withdraw_later(self, key, chain: Chain, delay: int, transfer: Transfer):
        yield self.env.timeout(delay)
        draws = np.concatenate(self.pending.pop(key))
        place = key[1]
        row = chain.target_rows[place]
        draws = draws[(chain.current[draws] == place) & ~self.withdrawn[row, draws]]
        self.drift(draws, self.env.now)
        self.withdraw(row, draws, transfer)

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
        receivers = self.ballot.voting(self.electorate)[:, draws]  # withdrawn lists hold 0
        total = receivers.sum(axis=0)
        share = np.where(total > 0, rest / np.maximum(total, 1e-300), 0.0)
        self.ballot.voting(self.electorate)[:, draws] += receivers * share
        self.electorate[self.ballot.stay_home_row, draws] += np.where(total > 0, 0.0, rest)
