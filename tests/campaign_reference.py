"""A plain per-draw campaign, one simpy environment per draw, written for the tests.

It covers drift (one step between consecutive events of a draw), endorsement chains with
withdrawals after a delay, and proportional or stay-home transfers, with scalar Python.
"""

from __future__ import annotations

import math

import numpy as np
import simpy


def reference_campaign(campaign, shares, lists, rng):
    """Run one draw: ``shares`` is the electorate (options, then stay-home) as a list."""
    state = {"shares": list(shares), "withdrawn": set(), "last": 0.0,
             "sd": float(campaign.drift_sd.draw(1, rng=rng)[0]), "current": {}, "attached": {}}
    env = simpy.Environment()
    n_options = len(shares) - 1

    def drift():
        days = env.now - state["last"]
        if state["sd"] > 0 and days > 0:
            old = state["shares"][:n_options]
            new = [s * math.exp(state["sd"] * math.sqrt(days) * rng.standard_normal())
                   for s in old]
            scale = sum(old) / sum(new)
            state["shares"][:n_options] = [s * scale for s in new]
        state["last"] = env.now

    def transfer(amount, rule):
        fractions = dict(rule.fractions)
        stay = fractions.pop("abstain", 0.0)
        state["shares"][-1] += amount * stay
        rest = amount * (1 - stay)
        running = [i for i in range(n_options)
                   if i >= len(lists) or lists[i] not in state["withdrawn"]]
        total = sum(state["shares"][i] for i in running)
        for i in running:
            state["shares"][i] += rest * state["shares"][i] / total

    def endorse(endorser, start):
        for place in range(start, len(endorser.targets)):
            if endorser.targets[place] not in state["withdrawn"]:
                return place
        return None

    def react(endorser, place):
        reaction = campaign.reactions.get(endorser.targets[place])
        if reaction is None:
            return
        if rng.random() < reaction.probability.draw(1, rng=rng)[0]:
            delay = int(rng.integers(reaction.delay[0], reaction.delay[1] + 1))
            env.process(leave(endorser, place, delay, reaction.transfer))

    def leave(endorser, place, delay, rule):
        yield env.timeout(delay)
        if state["current"].get(endorser.id) != place:
            return
        drift()
        index = lists.index(endorser.targets[place])
        attached = state["attached"][endorser.id]
        state["shares"][index] -= attached
        state["withdrawn"].add(endorser.targets[place])
        transfer(state["shares"][index], rule)
        state["shares"][index] = 0.0
        following = endorse(endorser, place + 1)
        if following is None:
            transfer(attached, rule)
            state["current"][endorser.id] = None
        else:
            state["shares"][lists.index(endorser.targets[following])] += attached
            state["current"][endorser.id] = following
            react(endorser, following)

    def on_day(event):
        yield env.timeout(event.day)
        drift()
        endorser = next(e for e in campaign.endorsers if e.id == event.endorser)
        place = endorse(endorser, 0)
        wanted = endorser.pool.draw(1, rng=rng)[0] * endorser.fraction.draw(1, rng=rng)[0]
        amount = min(wanted, state["shares"][-1])  # the reference knows source "abstain" only
        state["shares"][-1] -= amount
        state["shares"][lists.index(endorser.targets[place])] += amount
        state["attached"][endorser.id] = amount
        state["current"][endorser.id] = place
        react(endorser, place)

    for event in campaign.events:
        env.process(on_day(event))
    env.run(until=campaign.days + 0.5)
    drift()
    return np.array(state["shares"]), state["withdrawn"]
