"""``elsim infer`` against pyabc (ABC-SMC, one simulation per particle) on reconcile.toml:
the same model, prior, distance and final tolerance; time per accepted draw and whether the
two posteriors agree within Monte Carlo error.

pyabc comes with the ``peers`` extra, which ``make bench`` installs (``make install`` does
not). Its simulator is elsim's own model for a single draw with the particle's parameter
values (:class:`SingleDraw`), so both sides run the same arithmetic.
"""

from __future__ import annotations

import logging
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from sim.engine.executors import SerialExecutor
from sim.engine.simulate import draw_chunk
from sim.inference.abc import infer
from sim.inference.observed import draw_figures, observed_figures
from sim.law.tally import load_tally
from sim.params import Param
from sim.polls.priors import source_priors
from sim.scenario import load_scenario

ROOT = Path(__file__).parent.parent
RECONCILE = ROOT / "scenarios" / "kz-2021" / "reconcile.toml"
OBSERVED = ROOT / "scenarios" / "history" / "kz-2021.toml"
TOLERANCE = 2.5  # points: the final tolerance of both
ACCEPT = 4000  # elsim: accepted draws
POPULATION = 300  # pyabc: particles per generation (its accepted draws)
TARGET = 100.0  # elsim must be at least this many times faster per accepted draw


def run() -> list[str]:
    scenario = load_scenario(RECONCILE)
    observed = observed_figures(load_tally(OBSERVED), scenario)
    # CPU time, not wall time: the machine may be shared, and both run on one core. pyabc's
    # waits on its database are then not counted, which favours it.
    started = time.process_time()
    inference = infer(scenario, observed, draws=50_000_000, accept=ACCEPT, tolerance=TOLERANCE,
                      executor=SerialExecutor(), seed=1)
    ours = time.process_time() - started
    mine = _elsim_means(inference)
    try:
        theirs, peer, generations, simulations = _pyabc(scenario, observed)
    except ImportError:
        return ["infer: pyabc is not installed (pip install -e '.[peers]'; make bench does)"]
    ours_each = ours / inference.accepted.size
    peer_each = peer / POPULATION
    lines = [f"infer: {RECONCILE.parent.name}/{RECONCILE.name}, final tolerance {TOLERANCE} "
             "points, one core, CPU seconds",
             f"  elsim  {inference.accepted.size:,} accepted of {inference.draws:,} draws in "
             f"{ours:.2f} s: {inference.accepted.size / ours:,.0f} accepted draws/s",
             f"  pyabc  {POPULATION} particles, {generations} generations, {simulations:,} "
             f"simulations in {peer:.1f} s: {POPULATION / peer:,.1f} accepted draws/s",
             f"  per accepted draw: elsim {1e6 * ours_each:.0f} us, pyabc "
             f"{1e3 * peer_each:.1f} ms   ratio {peer_each / ours_each:,.0f}x "
             f"(target >= {TARGET:.0f})",
             "  posterior means (elsim vs pyabc, |z| = difference / combined Monte Carlo error):"]
    worst = 0.0
    for name, (mean, error) in mine.items():
        other, other_error = theirs[name]
        z = abs(mean - other) / np.hypot(error, other_error)
        worst = max(worst, z)
        lines.append(f"    {name:32s} {mean:8.4f} +- {error:.4f}   {other:8.4f} +- "
                     f"{other_error:.4f}   |z| {z:.1f}")
    lines.append(f"  largest |z| {worst:.1f} (target <= 3: agree within Monte Carlo error)")
    return lines


def _elsim_means(inference) -> dict[str, tuple[float, float]]:
    """Posterior mean and its Monte Carlo error per parameter, and P(second source)."""
    values = inference.accepted.values
    n = inference.accepted.size
    means = {name.removeprefix("count."): (values[name].mean(), values[name].std() / np.sqrt(n))
             for name in values if name.startswith("count.")}
    p = float(np.mean(values["source"] == 1))
    means[f"P({inference.scenario.sources[1].id})"] = (p, np.sqrt(p * (1 - p) / n))
    return means


class SingleDraw:
    """pyabc's simulator: elsim's model for one draw following ``source``, with the
    count model's uncertain parameters fixed at the particle's values."""

    def __init__(self, scenario, observed, source: int, keys: dict[str, str]):
        self.keys = keys  # pyabc's parameter names -> key paths in [count]
        sources = tuple(replace(s, weight=float(i == source))
                        for i, s in enumerate(scenario.sources))
        self.scenario = replace(scenario, sources=sources)
        self.priors = source_priors(sources, scenario.polls, scenario.model, scenario.options)
        self.observed = observed
        self.calls = 0

    def __call__(self, parameters: dict) -> dict:
        values = {self.keys[name]: float(value) for name, value in parameters.items()}
        scenario = replace(self.scenario, count=fixed_count(self.scenario.count, values))
        # A fresh random stream per simulation: chunk index = the call's number.
        chunk = draw_chunk(scenario, self.priors, 20210110, self.calls, 1)
        self.calls += 1
        return {"figures": draw_figures(chunk, self.observed)[:, 0]}


def fixed_count(count, values: dict[str, float]):
    """The count model with the parameters named in ``values`` (key paths) fixed."""
    def fixed(key, param):
        return param if key not in values else Param("fixed", (values[key],), param.low,
                                                      param.high)

    inflation = count.inflation
    if inflation is not None:
        inflation = replace(inflation,
                            stuffing=fixed("inflation.stuffing", inflation.stuffing),
                            misrecording=fixed("inflation.misrecording",
                                               inflation.misrecording))
    return replace(count, turnout=fixed("turnout", count.turnout),
                   invalid=fixed("invalid", count.invalid), inflation=inflation,
                   turnout_multipliers={name: fixed(f"turnout_multipliers.{name}", param)
                                        for name, param in count.turnout_multipliers.items()})


def _pyabc(scenario, observed):
    import pyabc

    logging.getLogger("ABC").setLevel(logging.WARNING)
    count = scenario.count
    params = {"turnout": count.turnout, "invalid": count.invalid,
              **{f"turnout_multipliers.{k}": p for k, p in count.turnout_multipliers.items()},
              "inflation.stuffing": count.inflation.stuffing,
              "inflation.misrecording": count.inflation.misrecording}
    keys = {f"p{i}": key for i, key in enumerate(params)}  # pyabc wants plain names
    prior = pyabc.Distribution(**{name: _rv(pyabc, params[key]) for name, key in keys.items()})
    models = [SingleDraw(scenario, observed, source, keys)
              for source in range(len(scenario.sources))]

    def distance(x, y):
        return float(np.max(np.abs(x["figures"] - y["figures"])))

    abc = pyabc.ABCSMC(models, [prior] * len(models), distance, population_size=POPULATION,
                       sampler=pyabc.sampler.SingleCoreSampler())
    with tempfile.TemporaryDirectory() as folder:
        abc.new(f"sqlite:///{folder}/pyabc.db", {"figures": observed.values})
        started = time.process_time()
        history = abc.run(minimum_epsilon=TOLERANCE, max_nr_populations=30)
        seconds = time.process_time() - started
        frames = _frames(history, len(models))
        means = {}
        for name, key in keys.items():
            value = np.concatenate([frame[name].to_numpy() for frame, _, _ in frames])
            weight = np.concatenate([w * p for _, w, p in frames])
            weight = weight / weight.sum()
            mean = float(weight @ value)
            ess = 1 / float(weight @ weight)
            sd = float(np.sqrt(weight @ (value - mean) ** 2))
            means[key] = (mean, sd / np.sqrt(ess))
        # The models' particles carry importance weights: the error of a model's probability
        # is binomial with the population's effective size, not its nominal size.
        weight = np.concatenate([w * p for _, w, p in frames])
        p = _model_probabilities(history).get(1, 0.0)
        ess = weight.sum() ** 2 / float(weight @ weight)
        means[f"P({scenario.sources[1].id})"] = (p, np.sqrt(p * (1 - p) / ess))
        simulations = int(history.total_nr_simulations)
        return means, seconds, history.max_t + 1, simulations


def _model_probabilities(history) -> dict[int, float]:
    """The models' probabilities at the last generation."""
    row = history.get_model_probabilities().loc[history.max_t]  # rows: generations
    return {int(m): float(row[m]) for m in row.index}


def _frames(history, n_models):
    """Per model alive at the last generation: its particles, their weights within the
    model and the model's probability."""
    probabilities = _model_probabilities(history)
    frames = []
    for m in range(n_models):
        if probabilities.get(m, 0.0) > 0:
            frame, weight = history.get_distribution(m=m, t=history.max_t)
            frames.append((frame, weight / weight.sum(), probabilities[m]))
    return frames


def _rv(pyabc, param: Param):
    """The pyabc random variable of an elsim parameter (clipping to the range aside)."""
    if param.kind == "uniform":
        low, high = param.args
        return pyabc.RV("uniform", low, high - low)
    if param.kind == "normal":
        return pyabc.RV("norm", *param.args)
    if param.kind == "beta":
        return pyabc.RV("beta", *param.args)
    low, mode, high = param.args
    return pyabc.RV("triang", (mode - low) / (high - low), low, high - low)
