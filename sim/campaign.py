"""The campaign as a discrete-event simulation (simpy) over whole arrays of draws.

One simpy :class:`~simpy.Environment` runs per chunk; its clock is days from the polls
(day 0) to election day. Every event acts on all the draws it concerns at once: per-draw
outcomes (did this list withdraw, after how many days) are masks and groups of draws, never a
Python loop over draws. A list withdrawing after an endorsement lets the endorser move on to
its next target: a chain of simpy processes.

Drift is a random walk on the log-share scale. A draw's drift is brought up to date only
when an event touches it (one normal step of variance ``days * sd**2`` since its last
update), and for every draw on election day: the cost follows the number of events, not
the number of days.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import simpy

from sim.timeline import STAY_HOME, Campaign, Endorser, Event, Transfer


@dataclass(frozen=True, slots=True)
class CampaignOutcome:
    """The electorate on election day (lists axis first).

    Attributes
    ----------
    electorate : ndarray, shape (n_options + 1, n_draws)
        Shares of the electorate per ballot option; the last row stays home.
    withdrawn : ndarray of bool, shape (n_lists, n_draws)
    endorsed : dict of str to ndarray of int, shape (n_draws,)
        Per endorser, the index (in registration order) of the list it endorses on election
        day, or -1.
    """

    electorate: np.ndarray
    withdrawn: np.ndarray
    endorsed: dict[str, np.ndarray]


def run_campaign(campaign: Campaign, electorate: np.ndarray, lists: tuple[str, ...],
                 options: tuple[str, ...], *, rng: np.random.Generator) -> CampaignOutcome:
    """Run the campaign on ``electorate`` ``(n_options + 1, n_draws)``, lists first."""
    return _Run(campaign, electorate.copy(), lists, options, rng).run()


class _Run:
    def __init__(self, campaign, electorate, lists, options, rng):
        self.campaign = campaign
        self.electorate = electorate
        self.lists, self.options = lists, options
        self.stay_home = len(options)  # row index of those who stay home
        self.rng = rng
        n_draws = electorate.shape[1]
        # All draws, as a slice: whole-array steps then index without copying.
        self.every = slice(None)
        self.withdrawn = np.zeros((len(lists), n_draws), dtype=bool)
        self.updated = np.zeros(n_draws)
        self.drift_sd = campaign.drift_sd.draw(n_draws, rng=rng)
        self.endorsers = {e.id: e for e in campaign.endorsers}
        self.target_rows = {e.id: np.array([lists.index(t) for t in e.targets])
                            for e in campaign.endorsers}
        self.current = {e.id: np.full(n_draws, -1) for e in campaign.endorsers}
        self.attached = {e.id: np.zeros(n_draws) for e in campaign.endorsers}
        # Withdrawals waiting to happen, by (endorser, place of the target, day): the draws
        # of every endorsement group that chose that day share one simpy process.
        self.pending: dict[tuple[str, int, float], list[np.ndarray]] = {}
        self.env = simpy.Environment()

    def run(self) -> CampaignOutcome:
        for event in self.campaign.events:
            self.env.process(self._on_day(event))
        # Events on election day itself still happen before the vote.
        self.env.run(until=self.campaign.days + 0.5)
        self.env = None
        self._drift(self.every, self.campaign.days)
        endorsed = {}
        for endorser_id, current in self.current.items():
            targets = self.target_rows[endorser_id]
            endorsed[endorser_id] = np.where(current >= 0, targets[np.maximum(current, 0)], -1)
        return CampaignOutcome(self.electorate, self.withdrawn, endorsed)

    # --- processes ---------------------------------------------------------------------

    def _on_day(self, event: Event):
        yield self.env.timeout(event.day)
        self._drift(self.every, self.env.now)
        draws = np.arange(self.electorate.shape[1])
        if event.kind == "shift":
            self._shift(self.lists.index(event.list), event.points.draw(draws.size, rng=self.rng))
        elif event.kind == "endorse":
            self._endorse(self.endorsers[event.endorser], draws)
        elif event.kind == "withdraw":
            chance = event.probability.draw(draws.size, rng=self.rng)
            leaving = draws[self.rng.random(draws.size) < chance]
            self._withdraw(self.lists.index(event.list), leaving, event.transfer)
        else:
            self._boycott(event, draws)

    def _react(self, endorser: Endorser, place: int, draws: np.ndarray):
        """The newly endorsed list may withdraw after a delay: one process per day."""
        target = endorser.targets[place]
        reaction = self.campaign.reactions.get(target)
        if reaction is None or draws.size == 0:
            return
        chance = reaction.probability.draw(draws.size, rng=self.rng)
        leaving = draws[self.rng.random(draws.size) < chance]
        delays = self.rng.integers(reaction.delay[0], reaction.delay[1] + 1, leaving.size)
        for delay in np.unique(delays):
            key = (endorser.id, place, self.env.now + int(delay))
            if key not in self.pending:
                self.pending[key] = []
                self.env.process(self._leave_on(key, int(delay), endorser, reaction.transfer))
            self.pending[key].append(leaving[delays == delay])

    def _leave_on(self, key, delay: int, endorser: Endorser, transfer: Transfer):
        yield self.env.timeout(delay)
        draws = np.concatenate(self.pending.pop(key))
        place = key[1]
        index = self.lists.index(endorser.targets[place])
        # Only where the endorsement still stands and the list is still running.
        draws = draws[(self.current[endorser.id][draws] == place) & ~self.withdrawn[index, draws]]
        self._drift(draws, self.env.now)
        self._withdraw(index, draws, transfer)

    # --- state changes -----------------------------------------------------------------

    def _drift(self, draws: np.ndarray | slice, now: float) -> None:
        """Bring the draws' random walk up to ``now`` in one step (``draws`` an index array,
        or ``self.every``)."""
        if not self.drift_sd.any() or self.updated[draws].size == 0:
            self.updated[draws] = now
            return
        days = now - self.updated[draws]
        n_options = len(self.options)
        # A slice is a view, changed in place; an index array gathers a copy to write back.
        shares = self.electorate[:n_options, draws]
        voting = shares.sum(axis=0)
        scale = (self.drift_sd[draws] * np.sqrt(days)).astype(np.float32)
        # Single precision is ample for a day's drift, and faster.
        step = self.rng.standard_normal(shares.shape, dtype=np.float32)
        step *= scale
        shares *= np.exp(step, out=step)
        # Drift changes who is ahead, not how many vote.
        shares *= voting / np.maximum(shares.sum(axis=0), 1e-300)
        if not isinstance(draws, slice):
            self.electorate[:n_options, draws] = shares
        self.updated[draws] = now

    def _shift(self, index: int, points: np.ndarray) -> None:
        """The list gains ``points`` of the vote; the other options are rescaled."""
        n_options = len(self.options)
        options = self.electorate[:n_options]
        voting = options.sum(axis=0)
        share = options[index] / np.maximum(voting, 1e-300)
        running = ~self.withdrawn[index]
        new = np.where(running, np.clip(share + points / 100, 0, 1), share)
        others = np.where(share < 1, (1 - new) / np.maximum(1 - share, 1e-300), 0)
        options *= others
        options[index] = new * voting

    def _endorse(self, endorser: Endorser, draws: np.ndarray) -> None:
        """Direct part of the endorser's pool to its first target still running."""
        place = self._first_running(endorser, draws, start=0)
        draws, place = draws[place >= 0], place[place >= 0]
        pool = endorser.pool.draw(draws.size, rng=self.rng) * \
            endorser.fraction.draw(draws.size, rng=self.rng)
        targets = self.target_rows[endorser.id][place]
        amount = self._take(endorser, draws, pool, exclude=targets)
        self.electorate[targets, draws] += amount
        self.attached[endorser.id][draws] = amount
        self.current[endorser.id][draws] = place
        for index in np.unique(place):
            self._react(endorser, int(index), draws[place == index])

    def _withdraw(self, index: int, draws: np.ndarray, transfer: Transfer) -> None:
        """The list leaves the ballot; endorsers backing it move on to their next target."""
        draws = draws[~self.withdrawn[index, draws]]
        if draws.size == 0:
            return
        carried = {}
        for endorser in self.endorsers.values():
            backing = self._backing(endorser, index, draws)
            carried[endorser.id] = backing
            # The endorser's voters leave with it (never more than the list still holds,
            # should drift have shrunk it).
            amount = np.minimum(self.attached[endorser.id][backing],
                                self.electorate[index, backing])
            self.attached[endorser.id][backing] = amount
            self.electorate[index, backing] -= amount
        self.withdrawn[index, draws] = True
        leaving = self.electorate[index, draws]
        # A withdrawn list holds nothing from now on: proportional transfers then pass it by.
        self.electorate[index, draws] = 0.0
        self._transfer(leaving, draws, transfer)
        for endorser in self.endorsers.values():
            self._move_on(endorser, carried[endorser.id], transfer)

    def _backing(self, endorser: Endorser, index: int, draws: np.ndarray) -> np.ndarray:
        current = self.current[endorser.id][draws]
        targets = self.target_rows[endorser.id]
        return draws[(current >= 0) & (targets[np.maximum(current, 0)] == index)]

    def _move_on(self, endorser: Endorser, draws: np.ndarray, transfer: Transfer) -> None:
        """The endorser's voters follow it to its next target still running."""
        if draws.size == 0:
            return
        place = self._first_running(endorser, draws, start=self.current[endorser.id][draws] + 1)
        amount = self.attached[endorser.id][draws]
        stranded = place < 0
        # With no target left, its voters go where the withdrawn list's voters went.
        self._transfer(amount[stranded], draws[stranded], transfer)
        self.current[endorser.id][draws[stranded]] = -1
        self.attached[endorser.id][draws[stranded]] = 0.0
        draws, place, amount = draws[~stranded], place[~stranded], amount[~stranded]
        targets = self.target_rows[endorser.id][place]
        self.electorate[targets, draws] += amount
        self.current[endorser.id][draws] = place
        for index in np.unique(place):
            self._react(endorser, int(index), draws[place == index])

    def _boycott(self, event: Event, draws: np.ndarray) -> None:
        """Supporters of a list, or an endorser's pool, stay home."""
        share = event.stay_home.draw(draws.size, rng=self.rng)
        if event.list is not None:
            index = self.lists.index(event.list)
            amount = self.electorate[index, draws] * share
            self.electorate[index, draws] -= amount
        else:
            endorser = self.endorsers[event.endorser]
            amount = self._take(endorser, draws, endorser.pool.draw(draws.size, rng=self.rng)
                                * share, exclude=None)
        self.electorate[self.stay_home, draws] += amount

    # --- helpers -----------------------------------------------------------------------

    def _first_running(self, endorser: Endorser, draws: np.ndarray, start) -> np.ndarray:
        """Per draw, the first place in the endorser's targets from ``start`` on whose list
        is still running, or -1."""
        place = np.full(draws.size, -1)
        start = np.broadcast_to(start, draws.shape)
        for position, row in reversed(list(enumerate(self.target_rows[endorser.id]))):
            running = ~self.withdrawn[row, draws]
            place = np.where(running & (position >= start), position, place)
        return place

    def _source_rows(self, endorser: Endorser) -> list[int]:
        if endorser.source == (STAY_HOME,):
            return [self.stay_home]
        if endorser.source == ("all",):
            return list(range(len(self.lists)))
        return [self.lists.index(name) for name in endorser.source]

    def _take(self, endorser: Endorser, draws, wanted, exclude) -> np.ndarray:
        """Take up to ``wanted`` from the endorser's source rows, in proportion; returns what
        was taken (never a target's own voters)."""
        rows = np.array(self._source_rows(endorser))
        available = self.electorate[rows][:, draws]
        if exclude is not None:
            available = np.where(rows[:, None] == exclude, 0.0, available)
        total = available.sum(axis=0)
        amount = np.minimum(wanted, total)
        taken = available * (amount / np.maximum(total, 1e-300))
        self.electorate[rows[:, None], draws] -= taken
        return amount

    def _transfer(self, amount, draws, transfer: Transfer) -> None:
        """Share ``amount`` per draw out by the transfer rule."""
        if draws.size == 0:
            return
        rest = amount.copy()
        for option, fraction in transfer.fractions.items():
            row = self.stay_home if option == STAY_HOME else self.options.index(option)
            if row < len(self.lists):
                # A list that has withdrawn in this draw takes nothing: its part goes on.
                fraction = np.where(self.withdrawn[row, draws], 0.0, fraction)
            self.electorate[row, draws] += amount * fraction
            rest -= amount * fraction
        n_options = len(self.options)
        receivers = self.electorate[:n_options, draws]  # withdrawn lists hold 0
        total = receivers.sum(axis=0)
        share = np.where(total > 0, rest / np.maximum(total, 1e-300), 0.0)
        self.electorate[:n_options, draws] += receivers * share
        self.electorate[self.stay_home, draws] += np.where(total > 0, 0.0, rest)
