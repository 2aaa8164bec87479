"""Regression checks: does a re-run agree with a baseline result within Monte Carlo error?

A baseline is compared on everything a user reads in it: the seat distributions, the
probabilities, the vote shares, the compositions, the assumptions; and it must be the
baseline of the scenario as it is now (:func:`check_identity`).

**Means and probabilities.** Each is an estimate with a Monte Carlo standard error:

* a mean number of seats: ``se = sd / sqrt(draws)``;
* a probability (reaching the threshold, being admitted by the runner-up rule, reaching a
  majority line, the rule being used at all, a composition, a number of seated lists):
  ``se = sqrt(p * (1 - p) / draws)``;
* a mean share (vote share, support, turnout) or a mean number of seats without its sd (a
  sweep table's): by the Bhatia-Davis inequality a variable in ``[0, top]`` with mean ``m``
  has ``sd <= sqrt(m * (top - m))``, so ``se <= sqrt(m * (top - m) / draws)``: a bound, which
  makes false alarms rarer still.

A metric **moved** when ``|now - baseline| > 4 * sqrt(se_baseline**2 + se_now**2) + floor``,
with ``floor`` 0.01 seats for means, 0.001 for probabilities and 1e-5 for shares (an estimate
of exactly 0 or 1 has a standard error of 0, decimals are rounded to 6 places and shares are
summed in fixed point). Four combined standard errors make a false alarm from a re-run with
another seed rare (about 6 in 100,000 per metric), while a real change of a poll by a few
points moves the seats by far more.

**Histograms.** Each seat histogram (list, tier, bloc, independents, and each list's seats
in the seat sample) is compared with the fresh one by the two-sample chi-square test of
homogeneity: with counts ``a_k`` of ``n1`` draws and ``b_k`` of ``n2``, pooled left to right
into groups of at least :data:`MIN_POOLED` draws of both runs together (so that the
chi-square approximation holds), ``X2 = sum (a_k * n2 - b_k * n1)**2 / (n1 * n2 *
(a_k + b_k))`` has ``groups - 1`` degrees of freedom when both are samples of one
distribution, as two runs of one scenario are (draws are independent and identically
distributed whatever the seed). A histogram **moved** when ``P(chi2 >= X2) <`` :data:`ALPHA`,
the false-alarm rate per histogram (one in a million: a few hundred histograms over all
shipped scenarios still leave a false alarm very rare). The quantiles are read from the
histogram (checked when the file is read), so they move with it.

**Quantiles without a histogram** (vote shares' 5% and 95% points, a sweep table's seats):
a baseline quantile ``x`` of level ``p`` lies in the bin where the baseline's distribution
function crosses ``p``: ``F_base(x - bin) < p <= F_base(x)``. Against the fresh run's
histogram, it moved when ``F_now(x) < p - t`` or ``F_now(x - bin) > p + t`` with ``t = 4 *
sqrt(v * (1 / n1 + 1 / n2)) + 1 / n2`` and ``v = max(p * (1 - p), F_now * (1 - F_now))``, the
variance of the difference of two empirical distribution functions at one point.

**Bounds.** A baseline is a file anyone can edit, so it may not widen its own tolerance:
:func:`sim.output.results.read_result` refuses a baseline whose figures are not finite,
impossible or unlike its own histograms (see :mod:`sim.output.validate`), and the
baseline's standard error counts for at most :data:`SE_RATIO` times the fresh run's. A
re-run of an unchanged scenario has the same draws and a standard error within a few per
cent of the baseline's, so the bound never bites then; where the spread really changed, the
means moved with it and the check reports them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.stats import chi2

from sim.engine.simulate import Simulation
from sim.engine.statistics import SHARE_BINS
from sim.engine.summary import TOP_COMPOSITIONS
from sim.errors import ResultError
from sim.output.records import Result, SeatStats, ShareStats

Z = 4.0
MEAN_FLOOR = 0.01
PROBABILITY_FLOOR = 0.001
SHARE_FLOOR = 1e-5
SE_RATIO = 2.0  # most the baseline's standard error may exceed the fresh run's, as a ratio
ALPHA = 1e-6  # false-alarm rate of the two-sample test of one histogram
MIN_POOLED = 20  # draws of both runs together in each group of bins of that test
SHARE_QUANTILES = {"q05": 0.05, "q95": 0.95}


@dataclass(frozen=True, slots=True)
class Metric:
    name: str
    value: float
    standard_error: float
    floor: float


@dataclass(frozen=True, slots=True)
class Moved:
    """What is outside its tolerance: a metric (``baseline`` or ``now`` None when it is
    missing), a histogram (draws, and the test's p-value as ``tolerance``), an assumption."""

    scenario: str
    metric: str
    baseline: float | str | None
    now: float | str | None
    tolerance: float | str | None


def metrics(result: Result) -> dict[str, Metric]:
    """The checked means and probabilities of a result, by name."""
    summary = result.summary
    draws = summary.draws
    parliament = summary.parliament
    found: dict[str, Metric] = {}

    def mean(name: str, stats: SeatStats) -> None:
        found[name] = Metric(name, stats.mean, stats.sd / math.sqrt(draws), MEAN_FLOOR)

    def probability(name: str, p: float) -> None:
        found[name] = Metric(name, p, math.sqrt(p * (1 - p) / draws), PROBABILITY_FLOOR)

    def share(name: str, stats: ShareStats | None) -> None:
        if stats is not None:
            m = stats.mean
            found[name] = Metric(name, m, math.sqrt(m * (1 - m) / draws), SHARE_FLOOR)

    for item in summary.lists:
        mean(f"{item.id}.seats", item.seats)
        probability(f"{item.id}.p_threshold", item.p_threshold)
        probability(f"{item.id}.p_runner_up", item.p_runner_up)
        share(f"{item.id}.share", item.share)
        share(f"{item.id}.support", item.support)
        if item.p_withdrawn is not None:
            probability(f"{item.id}.p_withdrawn", item.p_withdrawn)
        for tier, stats in (item.seats_by_tier or {}).items():
            mean(f"{item.id}.seats.{tier}", stats)
    if summary.independents is not None:
        mean("independents.seats", summary.independents.seats)
    share("against_all.share", None if summary.against_all is None
          else summary.against_all.share)
    for bloc in summary.blocs:
        mean(f"bloc.{bloc.id}.seats", bloc.seats)
        for line, p in bloc.majorities.items():
            probability(f"bloc.{bloc.id}.{line}", p)
    probability("runner_up", parliament.p_runner_up)
    for rule, p in parliament.rules.items():
        probability(f"rules.{rule}", p)
    for number, p in parliament.lists_seated.items():
        probability(f"lists_seated.{number}", p)
    share("turnout", parliament.turnout)
    for endorser in summary.endorsers or ():
        for name, p in endorser.endorsed_on_election_day.items():
            probability(f"endorser.{endorser.id}.{name}", p)
    return found


def histograms(result: Result) -> dict[str, tuple[int, ...]]:
    """Every seat histogram of a result, by name; the seat sample's too."""
    summary = result.summary
    found = {}
    for item in summary.lists:
        found[f"{item.id}.seats"] = item.seats.histogram
        for tier, stats in (item.seats_by_tier or {}).items():
            found[f"{item.id}.seats.{tier}"] = stats.histogram
    if summary.independents is not None:
        found["independents.seats"] = summary.independents.seats.histogram
    for bloc in summary.blocs:
        found[f"bloc.{bloc.id}.seats"] = bloc.seats.histogram
    sample = summary.seat_sample
    for item in summary.lists:
        # A list the sample does not name had no seats in any of its draws.
        counts: dict[int, int] = {0: sample.draws}
        if item.id in sample.lists:
            column = sample.lists.index(item.id)
            counts = {0: 0}
            for row in sample.rows:
                counts[row[column]] = counts.get(row[column], 0) + row[-1]
        found[f"seat_sample.{item.id}"] = tuple(counts.get(k, 0)
                                                for k in range(max(counts) + 1))
    return found


def homogeneity_p(baseline: Sequence[int], now: Sequence[int]) -> float:
    """The two-sample chi-square test's p-value that two histograms are samples of one
    distribution (see the module docstring)."""
    size = max(len(baseline), len(now))
    a = np.zeros(size, dtype=np.float64)
    b = np.zeros(size, dtype=np.float64)
    a[:len(baseline)] = baseline
    b[:len(now)] = now
    n1, n2 = a.sum(), b.sum()
    groups_a, groups_b = [0.0], [0.0]
    for x, y in zip(a, b):
        if groups_a[-1] + groups_b[-1] >= MIN_POOLED:
            groups_a.append(0.0)
            groups_b.append(0.0)
        groups_a[-1] += x
        groups_b[-1] += y
    if len(groups_a) > 1 and groups_a[-1] + groups_b[-1] < MIN_POOLED:
        last_a, last_b = groups_a.pop(), groups_b.pop()
        groups_a[-1] += last_a
        groups_b[-1] += last_b
    if len(groups_a) < 2 or n1 == 0 or n2 == 0:
        return 1.0
    ga, gb = np.array(groups_a), np.array(groups_b)
    statistic = float(((ga * n2 - gb * n1) ** 2 / (n1 * n2 * (ga + gb))).sum())
    return float(chi2.sf(statistic, len(ga) - 1))


def quantile_moved(level: float, index: int, histogram: np.ndarray, baseline_draws: int
                   ) -> bool:
    """Whether bin ``index``, a baseline's quantile of ``level`` from ``baseline_draws``
    draws, is unlike the same quantile of the fresh ``histogram`` (see the module
    docstring)."""
    cdf = np.cumsum(histogram) / histogram.sum()
    n_now = histogram.sum()
    at = float(cdf[min(index, len(cdf) - 1)])
    below = float(cdf[index - 1]) if 0 < index <= len(cdf) else 0.0 if index <= 0 else 1.0

    def limit(value):
        variance = max(level * (1 - level), value * (1 - value))
        return Z * math.sqrt(variance * (1 / baseline_draws + 1 / n_now)) + 1 / n_now

    return at < level - limit(at) or below > level + limit(below)


def tolerance(baseline: Metric, now: Metric) -> float:
    claimed = min(baseline.standard_error, SE_RATIO * now.standard_error)
    return Z * math.hypot(claimed, now.standard_error) + baseline.floor


def compare_metrics(scenario: str, old: dict[str, Metric], new: dict[str, Metric]
                    ) -> list[Moved]:
    """Every metric that moved, or appeared or vanished, between two sets of metrics."""
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


def compare_to_baseline(scenario: str, baseline: Result, now: Result,
                        simulation: Simulation | None = None) -> list[Moved]:
    """Everything that moved between a baseline and a fresh result: metrics,
    histograms, compositions, assumptions, and with the fresh ``simulation`` the vote
    shares' quantiles."""
    old_metrics, new_metrics = metrics(baseline), metrics(now)
    for name in old_metrics.keys() ^ new_metrics.keys():
        if name.startswith("lists_seated."):  # a number of seated lists no draw had
            missing = new_metrics if name in old_metrics else old_metrics
            missing[name] = Metric(name, 0.0, 0.0, PROBABILITY_FLOOR)
    moved = compare_metrics(scenario, old_metrics, new_metrics)
    moved += _compare_compositions(scenario, baseline, now)
    old, new = histograms(baseline), histograms(now)
    for name in old.keys() & new.keys():
        p = homogeneity_p(old[name], new[name])
        if p < ALPHA:
            moved.append(Moved(scenario, f"{name}.histogram", f"{sum(old[name])} draws",
                               f"{sum(new[name])} draws", f"p = {p:.1e} < {ALPHA:g}"))
    moved += [Moved(scenario, name, None, None, None) for name in
              sorted(old.keys() ^ new.keys()) if name not in {m.metric for m in moved}]
    if simulation is not None:
        moved += _compare_share_quantiles(scenario, baseline, simulation)
    moved += [Moved(scenario, f"assumptions{path}", _short(was), _short(is_now), "equal")
              for path, was, is_now in _differences(baseline.assumptions.to_dict(),
                                                    now.assumptions.to_dict())]
    return moved


def _compare_compositions(scenario: str, baseline: Result, now: Result) -> list[Moved]:
    """The most likely compositions, each as a probability; one missing from a full list
    has at most the list's smallest probability."""
    def table(result: Result) -> tuple[dict[str, float], float]:
        listed = result.summary.parliament.compositions
        rest = min((c.probability for c in listed), default=0.0) \
            if len(listed) >= TOP_COMPOSITIONS else 0.0
        return {"+".join(c.lists): c.probability for c in listed}, rest

    (old, old_rest), (new, new_rest) = table(baseline), table(now)
    moved = []
    draws_old, draws_new = baseline.summary.draws, now.summary.draws
    for name in list(old) + [name for name in new if name not in old]:
        was, is_now = old.get(name, old_rest), new.get(name, new_rest)
        a = Metric(name, was, math.sqrt(was * (1 - was) / draws_old), PROBABILITY_FLOOR)
        b = Metric(name, is_now, math.sqrt(is_now * (1 - is_now) / draws_new),
                   PROBABILITY_FLOOR)
        limit = tolerance(a, b)
        # A missing composition's probability is at most its run's bound: only above it moved.
        beyond = was - is_now if name not in new else is_now - was if name not in old \
            else abs(is_now - was)
        if beyond > limit:
            moved.append(Moved(scenario, f"composition {name}", was, is_now, limit))
    return moved


def _compare_share_quantiles(scenario: str, baseline: Result, simulation: Simulation
                             ) -> list[Moved]:
    summary = simulation.summary
    draws = baseline.summary.draws
    rows = [(item.id, item.share) for item in baseline.summary.lists]
    if baseline.summary.against_all is not None:
        rows.append(("against_all", baseline.summary.against_all.share))
    moved = []
    for row, (name, stats) in enumerate(rows[:len(summary.share_hist)]):
        for key, level in SHARE_QUANTILES.items():
            value = getattr(stats, key)
            index = math.floor(value * SHARE_BINS)
            if quantile_moved(level, index, summary.share_hist[row], draws):
                moved.append(Moved(scenario, f"{name}.share.{key}", value, None,
                                   f"level {level:g}"))
    return moved


def _differences(old, new, path: str = ""):
    """(key path, old, new) for each leaf where two JSON values differ."""
    if isinstance(old, dict) and isinstance(new, dict):
        for key in list(old) + [key for key in new if key not in old]:
            yield from _differences(old.get(key), new.get(key), f"{path}.{key}")
    elif isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for i, (a, b) in enumerate(zip(old, new)):
            yield from _differences(a, b, f"{path}[{i}]")
    elif old != new:
        yield path, old, new


def _shown(value) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _short(value) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def compare_sweep(scenario: str, baseline: dict, runs: list[tuple[dict, Simulation]]
                  ) -> list[Moved]:
    """What moved between a baseline sweep table and the fresh variants (in sweep order)."""
    moved = []
    draws = baseline["draws"]
    for row, (values, simulation) in zip(baseline["rows"], runs):
        label = ",".join(f"{key}={value:g}" for key, value in values.items())
        fresh = simulation.to_dict()
        n_now = fresh["draws"]
        house = fresh["parliament"]["house"]
        top = fresh["parliament"]["list_seats"] + fresh["parliament"].get("district_seats", 0)
        old: dict[str, Metric] = {}
        new: dict[str, Metric] = {}
        for i, item in enumerate(fresh["lists"]):
            cell = row["lists"].get(item["id"], {})
            name = f"{label}:{item['id']}"
            seats = cell.get("seats")
            if seats is not None:
                old[f"{name}.seats"] = Metric(name, seats, _bound(seats, top, draws),
                                              MEAN_FLOOR)
            new[f"{name}.seats"] = Metric(name, item["seats"]["mean"],
                                          item["seats"]["sd"] / math.sqrt(n_now), MEAN_FLOOR)
            for key in ("p_threshold", "p_runner_up"):
                for metrics_of, p, n in ((old, cell.get(key), draws), (new, item[key], n_now)):
                    if p is not None:
                        metrics_of[f"{name}.{key}"] = Metric(
                            name, p, math.sqrt(p * (1 - p) / n), PROBABILITY_FLOOR)
            for key, level in (("q05", 0.05), ("q95", 0.95)):
                if key in cell and quantile_moved(level, cell[key],
                                                  simulation.summary.seat_hist[i], draws):
                    moved.append(Moved(scenario, f"sweep {name}.{key}", cell[key],
                                       item["seats"][key], f"level {level:g}"))
        for bloc in fresh["blocs"]:
            cell = row["blocs"].get(bloc["id"], {})
            name = f"{label}:bloc.{bloc['id']}"
            if "seats" in cell:
                old[f"{name}.seats"] = Metric(name, cell["seats"],
                                              _bound(cell["seats"], house, draws), MEAN_FLOOR)
            new[f"{name}.seats"] = Metric(name, bloc["seats"]["mean"],
                                          bloc["seats"]["sd"] / math.sqrt(n_now), MEAN_FLOOR)
            for line, p in bloc["majorities"].items():
                new[f"{name}.{line}"] = Metric(name, p, math.sqrt(p * (1 - p) / n_now),
                                               PROBABILITY_FLOOR)
                if line in cell:
                    q = cell[line]
                    old[f"{name}.{line}"] = Metric(name, q, math.sqrt(q * (1 - q) / draws),
                                                   PROBABILITY_FLOOR)
        moved += [Moved(m.scenario, f"sweep {m.metric}", m.baseline, m.now, m.tolerance)
                  for m in compare_metrics(scenario, old, new)]
    return moved


def _bound(mean: float, top: float, draws: int) -> float:
    """The Bhatia-Davis bound on the standard error of a mean in [0, top]."""
    return math.sqrt(max(mean * (top - mean), 0.0) / draws)


def check_identity(file: str, baseline: dict, claims: dict[str, object]) -> None:
    """Refuse a baseline whose identity (``claims``: key path -> what the scenario now
    says, such as ``"scenario.digest"``) is not the scenario's: it is not a baseline of the
    scenario as it is now."""
    for path, expected in claims.items():
        value: object = baseline
        for key in path.split("."):
            value = value.get(key) if isinstance(value, dict) else None
        if value != expected:
            raise ResultError(f"{file}: {path} = {_shown(value)}: must be "
                              f"{_shown(expected)}, what the scenario now says; re-make "
                              "the baseline with elsim check --update")
