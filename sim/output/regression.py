"""Regression checks: does a re-run agree with a baseline result within Monte Carlo error?

Each checked metric is an estimate with a Monte Carlo standard error:

* a mean number of seats: ``se = sd / sqrt(draws)``;
* a probability (passing the threshold, reaching a majority line, the runner-up rule):
  ``se = sqrt(p * (1 - p) / draws)``.

A metric **moved** when ``|now - baseline| > 4 * sqrt(se_baseline**2 + se_now**2) + floor``,
with ``floor`` 0.01 seats for means and 0.001 for probabilities (an estimate of exactly 0 or 1
has a standard error of 0, and decimals are rounded to 6 places). Four combined standard
errors make a false alarm from a re-run with another seed rare (about 6 in 100,000 per
metric), while a real change of a poll by a few points moves the seats by far more.

**Bounds.** A baseline is a file anyone can edit, so it may not widen its own tolerance:
:func:`sim.output.results.read_result` refuses a baseline whose figures are not finite or
impossible (a probability outside [0, 1], a mean outside [0, seats], an sd above half the
seats, the most any distribution on [0, seats] can have, a number of draws below 1), and the
baseline's standard error counts for at most :data:`SE_RATIO` times the fresh run's. A
re-run of an unchanged scenario has the same draws and a standard error within a few per
cent of the baseline's, so the bound never bites then; where the spread really changed, the
means moved with it and the check reports them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

Z = 4.0
MEAN_FLOOR = 0.01
PROBABILITY_FLOOR = 0.001
SE_RATIO = 2.0  # most the baseline's standard error may exceed the fresh run's, as a ratio


@dataclass(frozen=True, slots=True)
class Metric:
    name: str
    value: float
    standard_error: float
    floor: float


@dataclass(frozen=True, slots=True)
class Moved:
    """A metric outside its tolerance (``baseline`` or ``now`` is None when it is missing)."""

    scenario: str
    metric: str
    baseline: float | None
    now: float | None
    tolerance: float | None


def metrics(document: dict) -> dict[str, Metric]:
    """The checked metrics of a result document, by name."""
    summary = document["summary"]
    draws = summary["draws"]
    found: dict[str, Metric] = {}

    def mean(name, stats):
        found[name] = Metric(name, stats["mean"], stats["sd"] / math.sqrt(draws), MEAN_FLOOR)

    def probability(name, p):
        found[name] = Metric(name, p, math.sqrt(p * (1 - p) / draws), PROBABILITY_FLOOR)

    for item in summary["lists"]:
        mean(f"{item['id']}.seats", item["seats"])
        probability(f"{item['id']}.p_pass", item["p_pass"])
    for bloc in summary["blocs"]:
        mean(f"bloc.{bloc['id']}.seats", bloc["seats"])
        for line, p in bloc["majorities"].items():
            probability(f"bloc.{bloc['id']}.{line}", p)
    probability("runner_up", summary["parliament"]["p_runner_up"])
    return found


def tolerance(baseline: Metric, now: Metric) -> float:
    claimed = min(baseline.standard_error, SE_RATIO * now.standard_error)
    return Z * math.hypot(claimed, now.standard_error) + baseline.floor


def compare_to_baseline(scenario: str, baseline: dict, now: dict) -> list[Moved]:
    """Every metric that moved, or appeared or vanished, between two result documents."""
    old, new = metrics(baseline), metrics(now)
    moved = []
    for name in list(old) + [name for name in new if name not in old]:
        if name not in old or name not in new:
            moved.append(Moved(scenario, name, getattr(old.get(name), "value", None),
                               getattr(new.get(name), "value", None), None))
            continue
        limit = tolerance(old[name], new[name])
        if abs(new[name].value - old[name].value) > limit:
            moved.append(Moved(scenario, name, old[name].value, new[name].value, limit))
    return moved
