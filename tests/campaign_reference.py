"""A plain per-draw campaign, one simpy environment per draw, written for the tests.

It covers every event kind (shift, withdraw, boycott of a list or of an endorser's pool,
endorse), drift (one step between consecutive events of a draw), endorsement chains with
withdrawals after a delay, and transfers (proportional, stay-home, or fixed fractions), with
scalar Python. Rows are the ballot's options, then stay-home last.
"""

from __future__ import annotations

import math

import numpy as np
import simpy


class ReferenceDraw:
    """One draw's electorate and endorsements, changed event by event."""

    def __init__(self, campaign, shares, options, rng):
        self.campaign, self.options, self.rng = campaign, list(options), rng
        self.shares = list(shares)
        self.n_options = len(self.options)
        self.withdrawn: set[str] = set()
        self.last = 0.0
        self.sd = float(campaign.drift_sd.draw(1, rng=rng)[0])
        self.current: dict[str, int | None] = {}
        self.attached: dict[str, float] = {}
        self.token: dict[str, int] = {}  # a newer endorsement cancels a pending reaction
        self.endorsers = {e.id: e for e in campaign.endorsers}
        self.env = simpy.Environment()

    def index(self, option):
        return self.n_options if option == "abstain" else self.options.index(option)

    def running(self, option):
        return option not in self.withdrawn

    def drift(self):
        days = self.env.now - self.last
        if self.sd > 0 and days > 0:
            old = self.shares[:self.n_options]
            new = [s * math.exp(self.sd * math.sqrt(days) * self.rng.standard_normal())
                   for s in old]
            scale = sum(old) / sum(new)
            self.shares[:self.n_options] = [s * scale for s in new]
        self.last = self.env.now

    def transfer(self, amount, rule):
        rest = amount
        for option, fraction in rule.fractions.items():
            if option != "abstain" and not self.running(option):
                continue  # a withdrawn list takes nothing: its part goes on with the rest
            self.shares[self.index(option)] += amount * fraction
            rest -= amount * fraction
        receivers = [i for i, option in enumerate(self.options) if self.running(option)]
        total = sum(self.shares[i] for i in receivers)
        if total <= 0:
            self.shares[-1] += rest
            return
        for i in receivers:
            self.shares[i] += rest * self.shares[i] / total

    def source(self, endorser):
        if endorser.source == ("abstain",):
            return [self.n_options]
        if endorser.source == ("all",):
            return [i for i, option in enumerate(self.options) if option != "against_all"]
        return [self.index(name) for name in endorser.source]

    def take(self, rows, wanted, exclude=None):
        rows = [i for i in rows if i != exclude]
        total = sum(self.shares[i] for i in rows)
        amount = min(wanted, total)
        for i in rows:
            self.shares[i] -= self.shares[i] * amount / total if total > 0 else 0.0
        return amount

    def first_running(self, endorser, start):
        for place in range(start, len(endorser.targets)):
            if self.running(endorser.targets[place]):
                return place
        return None

    def place(self, endorser, place, amount):
        self.shares[self.index(endorser.targets[place])] += amount
        self.attached[endorser.id] = amount
        self.current[endorser.id] = place
        self.token[endorser.id] = self.token.get(endorser.id, 0) + 1
        reaction = self.campaign.reactions.get(endorser.targets[place])
        if reaction is None:
            return
        if self.rng.random() < reaction.probability.draw(1, rng=self.rng)[0]:
            delay = int(self.rng.integers(reaction.delay[0], reaction.delay[1] + 1))
            self.env.process(self.leave(endorser, place, self.token[endorser.id], delay,
                                        reaction.transfer))

    def leave(self, endorser, place, token, delay, rule):
        yield self.env.timeout(delay)
        if self.token[endorser.id] == token and self.current[endorser.id] == place:
            self.drift()
            self.withdraw(endorser.targets[place], rule)

    def withdraw(self, option, rule):
        if not self.running(option):
            return
        row = self.index(option)
        backing = [e for e in self.endorsers.values()
                   if self.current.get(e.id) is not None
                   and e.targets[self.current[e.id]] == option]
        for endorser in backing:
            self.attached[endorser.id] = min(self.attached[endorser.id], self.shares[row])
            self.shares[row] -= self.attached[endorser.id]
        self.withdrawn.add(option)
        leaving, self.shares[row] = self.shares[row], 0.0
        self.transfer(leaving, rule)
        for endorser in backing:
            following = self.first_running(endorser, self.current[endorser.id] + 1)
            self.token[endorser.id] = self.token.get(endorser.id, 0) + 1
            if following is None:
                self.transfer(self.attached[endorser.id], rule)
                self.current[endorser.id], self.attached[endorser.id] = None, 0.0
            else:
                self.place(endorser, following, self.attached[endorser.id])

    def shift(self, event):
        row = self.index(event.list)
        points = event.points.draw(1, rng=self.rng)[0]
        voting = sum(self.shares[:self.n_options])
        share = self.shares[row] / voting
        new = share if not self.running(event.list) else min(max(share + points / 100, 0), 1)
        others = (1 - new) / (1 - share) if share < 1 else 0.0
        self.shares[:self.n_options] = [s * others for s in self.shares[:self.n_options]]
        self.shares[row] = new * voting

    def boycott(self, event):
        share = event.stay_home.draw(1, rng=self.rng)[0]
        if event.list is not None:
            amount = self.shares[self.index(event.list)] * share
            self.shares[self.index(event.list)] -= amount
        else:
            endorser = self.endorsers[event.endorser]
            pool = endorser.pool.draw(1, rng=self.rng)[0]
            amount = self.take(self.source(endorser), pool * share)
        self.shares[-1] += amount

    def endorse(self, event):
        endorser = self.endorsers[event.endorser]
        place = self.first_running(endorser, 0)
        if place is None:
            return
        wanted = endorser.pool.draw(1, rng=self.rng)[0] * \
            endorser.fraction.draw(1, rng=self.rng)[0]
        target = self.index(endorser.targets[place])
        self.place(endorser, place, self.take(self.source(endorser), wanted, exclude=target))

    def on_day(self, event):
        yield self.env.timeout(event.day)
        self.drift()
        if event.kind == "withdraw":
            if self.rng.random() < event.probability.draw(1, rng=self.rng)[0]:
                self.withdraw(event.list, event.transfer)
        else:
            getattr(self, event.kind)(event)


def reference_campaign(campaign, shares, options, rng):
    """Run one draw: ``shares`` is the electorate (options, then stay-home) as a list;
    returns the electorate on election day and the set of withdrawn lists."""
    draw = ReferenceDraw(campaign, shares, options, rng)
    for event in campaign.events:
        draw.env.process(draw.on_day(event))
    draw.env.run(until=campaign.days + 0.5)
    draw.drift()
    return np.array(draw.shares), draw.withdrawn
