"""What a scenario assumes, in words and numbers, for result files and reports."""

from __future__ import annotations

from sim.law.system import describe_rules
from sim.polls.priors import SourcePrior
from sim.scenario import Scenario


def assumptions(scenario: Scenario, priors: tuple[SourcePrior, ...]) -> dict:
    """What the scenario assumes, in words and numbers, for reports."""
    weights = sum(source.weight for source in scenario.sources)
    document = {
        "system": {"seats": scenario.system.seats, "threshold": scenario.system.threshold,
                   "threshold_base": scenario.system.threshold_base,
                   "method": scenario.system.method,
                   "runner_up": scenario.system.runner_up is not None,
                   "cap": scenario.system.cap,
                   "appointed": {a.name: a.seats for a in scenario.appointed}},
        "rules": describe_rules(scenario.system) + [
            f"{a.name}: {a.seats} seats not elected from the lists"
            + (f", counted with {a.bloc}" if a.bloc else "") + "." for a in scenario.appointed
        ] + [f"{item.name} stands for several parties: it counts in the threshold base and "
             "the shares, and takes no seats." for item in scenario.lists if item.aggregate],
        "sources": [{
            "name": source.name, "weight": round(source.weight / weights, 6),
            "undecided": round(prior.undecided, 6),
            "house_effects": source.house_effects, "fill": source.fill,
            "half_life_days": source.half_life_days,
            "polls": [{"pollster": poll.pollster, "n": poll.n,
                       "fieldwork_end": poll.fieldwork_end and poll.fieldwork_end.isoformat(),
                       "shares": poll.shares} for poll in scenario.polls
                      if poll.source == source.id],
        } for source, prior in zip(scenario.sources, priors)],
        "model": {"combine": scenario.model.combine,
                  "systematic_sd": scenario.model.systematic_sd,
                  "undecided": scenario.model.undecided},
    }
    if scenario.campaign is not None:
        document["campaign"] = {
            "days": scenario.campaign.days,
            "drift_sd": scenario.campaign.drift_sd.describe(),
            "events": [event.describe() for event in scenario.campaign.events],
            "endorsers": {e.name: f"pool {e.pool.describe()}, follows {e.fraction.describe()}"
                          f", targets {', '.join(e.targets)}"
                          for e in scenario.campaign.endorsers},
        }
    if scenario.count is not None:
        count = scenario.count
        document["count"] = {
            "registered": count.registered, "turnout": count.turnout.describe(),
            "invalid": count.invalid.describe(),
            "turnout_multipliers": {k: v.describe() for k, v in
                                    count.turnout_multipliers.items()},
            "inflation": None if count.inflation is None else {
                "list": count.inflation.list,
                "stuffing": count.inflation.stuffing and count.inflation.stuffing.describe(),
                "misrecording": count.inflation.misrecording
                and count.inflation.misrecording.describe()},
        }
    return document
