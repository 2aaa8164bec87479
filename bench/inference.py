"""``elsim infer`` against pyabc (ABC-SMC, one simulation per particle) on reconcile.toml:
the same model, prior, distance and final tolerance; time per accepted draw and whether the
posteriors agree within Monte Carlo error.

pyabc comes with the ``peers`` extra, which ``make bench`` installs (``make install`` does
not). Its simulator is elsim's own model for a single draw with the particle's parameter
values (:class:`SingleDraw`), so both sides run the same arithmetic.

pyabc treats the poll sources as competing models (ABC-SMC model selection), so its
parameter posteriors are compared source by source. Its estimate of the sources'
probabilities is printed, not judged: ABC-SMC model selection with a few hundred particles is
known to be fragile. The judge of that probability is plain rejection at the same tolerance
(:func:`_rejection`): independent draws, no adaptive rounds, a few lines of code.
"""

from __future__ import annotations

import importlib.util
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
from sim.polls.support import support_model
from sim.scenario import load_scenario

ROOT = Path(__file__).parent.parent
RECONCILE = ROOT / "scenarios" / "kz-2021" / "reconcile.toml"
OBSERVED = ROOT / "scenarios" / "history" / "kz-2021.toml"
TOLERANCE = 2.5  # points: the final tolerance of both
ACCEPT = 4000  # elsim: accepted draws
POPULATION = 300  # pyabc: particles per generation (its accepted draws)
TARGET = 1000.0  # elsim must be at least this many times faster per accepted draw (issue 24)
REJECTION_DRAWS = 16_000_000


def run() -> list[str]:
    if importlib.util.find_spec("pyabc") is None:  # before any of the work it would judge
        return ["infer: pyabc is not installed (pip install -e '.[peers]'; make bench does)"]
    scenario = load_scenario(RECONCILE)
    observed = observed_figures(load_tally(OBSERVED), scenario)
    # CPU time, not wall time: the machine may be shared, and both run on one core. pyabc's
    # waits on its database are then not counted, which favours it.
    started = time.process_time()
    inference = infer(scenario, observed, draws=50_000_000, accept=ACCEPT, tolerance=TOLERANCE,
                      executor=SerialExecutor(), seed=1)
    ours = time.process_time() - started
    mine = _means(inference.accepted.values, inference.scenario)
    reference = _means(_rejection(scenario, observed), scenario)
    theirs, peer, generations, simulations = _pyabc(scenario, observed)
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
             f"(target >= {TARGET:,.0f}) {'met' if peer_each / ours_each >= TARGET else 'NOT met'}",
             f"  posterior means: elsim; plain rejection ({REJECTION_DRAWS:,} independent draws)"
             "; pyabc. |z| = difference from elsim / combined Monte Carlo error"]
    worst = 0.0
    for name, (mean, error) in mine.items():
        row = f"    {name:40s} {mean:8.4f} +- {error:.4f}"
        for other in (reference, theirs):
            value, other_error = other.get(name, (np.nan, np.nan))
            z = abs(mean - value) / np.hypot(error, other_error)
            judged = other is reference or not name.startswith("P(")
            if judged:  # a figure the other side lacks (nan) fails the comparison
                worst = max(worst, z if np.isfinite(z) else np.inf)
            row += f"   {value:8.4f} +- {other_error:.4f} |z| {z:4.1f}{'' if judged else '*'}"
        lines.append(row)
    lines.append(f"  largest |z| {worst:.1f} (target <= 3: agree within Monte Carlo error; "
                 "* pyabc's model selection, not judged)")
    return lines


def _means(values: dict[str, np.ndarray], scenario) -> dict[str, tuple[float, float]]:
    """Per source, each count parameter's posterior mean and its Monte Carlo error; and the
    probability of the second source."""
    source = values["source"]
    means = {}
    for index, item in enumerate(scenario.sources):
        chosen = source == index
        for name in sorted(values):
            if name.startswith("count.") and chosen.sum() > 1:
                column = values[name][chosen]
                means[f"{item.id}: {name.removeprefix('count.')}"] = (
                    column.mean(), column.std() / np.sqrt(column.size))
    p = float(np.mean(source == 1))
    means[f"P({scenario.sources[1].id})"] = (p, np.sqrt(p * (1 - p) / source.size))
    return means


def _rejection(scenario, observed) -> dict[str, np.ndarray]:
    """Plain rejection ABC: :data:`REJECTION_DRAWS` prior draws (another seed than elsim's
    run), keeping those within :data:`TOLERANCE` of every observed figure."""
    support = support_model(scenario)
    kept: dict[str, list[np.ndarray]] = {}
    for index in range(REJECTION_DRAWS // 100_000):
        chunk = draw_chunk(scenario, support, 7, index, 100_000)
        figures = draw_figures(chunk, observed)
        near = np.abs(figures - observed.values[:, None]).max(axis=0) <= TOLERANCE
        for name, column in {"source": chunk.source, **chunk.params}.items():
            kept.setdefault(name, []).append(column[near])
    return {name: np.concatenate(columns) for name, columns in kept.items()}


class SingleDraw:
    """pyabc's simulator: elsim's model for one draw following ``source``, with the
    count model's uncertain parameters fixed at the particle's values."""

    def __init__(self, scenario, observed, source: int, keys: dict[str, str]):
        self.keys = keys  # pyabc's parameter names -> key paths in [count]
        sources = tuple(replace(s, weight=float(i == source))
                        for i, s in enumerate(scenario.sources))
        self.scenario = replace(scenario, sources=sources)
        self.support = support_model(self.scenario)
        self.observed = observed
        self.calls = 0

    def __call__(self, parameters: dict) -> dict:
        values = {self.keys[name]: float(value) for name, value in parameters.items()}
        scenario = replace(self.scenario, count=fixed_count(self.scenario.count, values))
        # A fresh random stream per simulation: chunk index = the call's number.
        chunk = draw_chunk(scenario, self.support, 20210110, self.calls, 1)
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
        means = {}
        probabilities = _model_probabilities(history)
        frames = _frames(history, probabilities)
        # Within each source (model): its particles' weighted means.
        for m, frame, weight in frames:
            ess = 1 / float(weight @ weight)
            for name, key in keys.items():
                value = frame[name].to_numpy()
                mean = float(weight @ value)
                sd = float(np.sqrt(weight @ (value - mean) ** 2))
                means[f"{scenario.sources[m].id}: {key}"] = (mean, sd / np.sqrt(ess))
        # The models' particles carry importance weights: the error of a model's probability
        # is binomial with the population's effective size, not its nominal size.
        p = probabilities.get(1, 0.0)
        weights = np.concatenate([weight * probabilities[m] for m, _, weight in frames])
        ess = weights.sum() ** 2 / float(weights @ weights)
        means[f"P({scenario.sources[1].id})"] = (p, np.sqrt(p * (1 - p) / ess))
        simulations = int(history.total_nr_simulations)
        return means, seconds, history.max_t + 1, simulations


def _model_probabilities(history) -> dict[int, float]:
    """The models' probabilities at the last generation."""
    row = history.get_model_probabilities().loc[history.max_t]  # rows: generations
    return {int(m): float(row[m]) for m in row.index}


def _frames(history, probabilities: dict[int, float]):
    """Per model alive at the last generation: its index, its particles and their
    normalised weights within the model."""
    frames = []
    for m, probability in sorted(probabilities.items()):
        if probability > 0:
            frame, weight = history.get_distribution(m=m, t=history.max_t)
            frames.append((m, frame, weight / weight.sum()))
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
