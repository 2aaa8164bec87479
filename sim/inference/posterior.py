"""The posterior document of an inference: every quantity's prior and posterior, the poll
sources' probabilities and Bayes factors, and a posterior predictive check.

Accepted draws are independent draws from the prior with equal weights (rejection, no
importance weights, no Markov chain), so the effective sample size equals the number
accepted and the Monte Carlo error of a posterior mean is its sd over that root.
"""

from __future__ import annotations

import math

import numpy as np

from sim.engine.statistics import rounded
from sim.inference.abc import MIN_ACCEPTED, Inference, Sample
from sim.inference.observed import figure_label
from sim.inference.protocols import protocol_document
from sim.params import param_labels
from sim.versions import versions

POSTERIOR_FORMAT = "elsim-posterior"
BINS = 30
# The 95% upper bound of a rate with no success in n trials is about 3 / n ("rule of three").
RULE_OF_THREE = 3.0


def posterior_document(inference: Inference) -> dict:
    """Everything ``<stem>-posterior.json`` holds."""
    scenario, observed = inference.scenario, inference.observed
    accepted, prior = inference.accepted, inference.prior
    sources = _sources(inference)
    protocols = inference.protocols
    labels = param_labels(scenario.campaign, scenario.count)
    return {
        "format": POSTERIOR_FORMAT,
        "format_version": 1,
        "scenario": {"path": scenario.path, "title": scenario.title, "digest": scenario.digest},
        "observed": {"path": observed.path,
                     "figures": {name: round(float(value), 4)
                                 for name, value in zip(observed.names, observed.values)}}
        | ({} if protocols is None else {"protocols": protocol_document(protocols)}),
        "method": {
            "distance": "largest gap between a draw's official figure and the observed one, "
                        "percentage points" + ("" if protocols is None else
                                               "; a protocol figure's gap in its standard "
                                               "errors"),
            "draws": inference.draws, "accepted": accepted.size,
            "acceptance_rate": accepted.size / inference.draws,
            "tolerance": round(inference.tolerance, 4),
            "rounds": [{"draws": draws, "tolerance": round(tolerance, 4)}
                       for draws, tolerance in inference.rounds],
            "effective_sample_size": accepted.size, "min_accepted": MIN_ACCEPTED,
            "seed_entropy": str(inference.entropy), "chunk_draws": inference.chunk_draws,
        },
        # Each recorded parameter, labelled by its reader (by its key path if unlabelled);
        # one drawn only in some draws (NaN in the others) is summarised over those.
        "parameters": [_quantity(name, labels.get(name, name), prior, accepted)
                       for name in accepted.values
                       if name.startswith(("count.", "campaign."))
                       and _present(prior, name) and _present(accepted, name)],
        "derived": _derived(inference),
        "sources": sources,
        "bayes_factors": _bayes_factors(sources),
        "predictive": [_predictive(name, figure_label(name, scenario), value, prior, accepted)
                       for name, value in zip(observed.names, observed.values)]
        + ([] if protocols is None else
           [_predictive(f"protocols.{name}", label, value, prior, accepted)
            for name, label, value in zip(protocols.names, protocols.labels,
                                          protocols.values)]),
        "versions": versions(),
    }


def _present(sample: Sample, name: str) -> bool:
    """Whether ``name`` has a value (not NaN) in some draw of ``sample``."""
    return bool((~np.isnan(sample.values[name])).any())


def _derived(inference: Inference) -> list[dict]:
    """Genuine support, official minus genuine share, true turnout (points)."""
    scenario, accepted, prior = inference.scenario, inference.accepted, inference.prior
    if "true_turnout" not in accepted.values:
        return []
    items = [_quantity("true_turnout", "true turnout (ballots genuinely cast)", prior,
                       accepted)]
    for option in scenario.options:
        label = figure_label(option, scenario)
        items.append(_quantity(f"genuine.{option}", f"genuine support of {label}", prior,
                               accepted))
        added = f"added.{option}"
        items.append(_quantity(added, f"official minus genuine share of {label}",
                               _with_added(prior, option), _with_added(accepted, option)))
    return items


def _with_added(sample: Sample, option: str) -> Sample:
    added = sample.values[f"official.{option}"] - sample.values[f"genuine.{option}"]
    return Sample(sample.distance, sample.key, {f"added.{option}": added})


def _quantity(name: str, label: str, prior: Sample, accepted: Sample) -> dict:
    """Mean, sd, Monte Carlo error and 90% interval of the prior and the posterior, and
    both histograms on common bins."""
    before, after = (values[~np.isnan(values)]
                     for values in (prior.values[name], accepted.values[name]))
    low, high = float(min(before.min(), after.min())), float(max(before.max(), after.max()))
    edges = np.linspace(low, high if high > low else low + 1e-9, BINS + 1)
    return {"id": name, "label": label, "prior": _stats(before, edges),
            "posterior": _stats(after, edges), "bins": [rounded(e) for e in edges]}


def _stats(values: np.ndarray, edges: np.ndarray) -> dict:
    q05, q50, q95 = np.quantile(values, (0.05, 0.5, 0.95))
    sd = float(values.std())
    return {"mean": rounded(values.mean()), "sd": rounded(sd),
            "mc_error": rounded(sd / math.sqrt(values.size)), "q05": rounded(q05),
            "q50": rounded(q50), "q95": rounded(q95),
            "histogram": np.histogram(values, edges)[0].tolist()}


def _sources(inference: Inference) -> list[dict]:
    """Each source's prior weight, draws, accepted draws and posterior probability."""
    scenario = inference.scenario
    if len(scenario.sources) < 2 or scenario.model.combine != "mixture":
        return []
    counts = np.bincount(inference.accepted.values["source"], minlength=len(scenario.sources))
    total = sum(source.weight for source in scenario.sources)
    return [{"id": source.id, "name": source.name, "prior": source.weight / total,
             "draws": int(draws), "accepted": int(count),
             "acceptance_rate": float(count / draws) if draws else None,
             "posterior": float(count / inference.accepted.size)}
            for source, draws, count in zip(scenario.sources, inference.source_draws, counts)]


def _bayes_factors(sources: list[dict]) -> list[dict]:
    """Bayes factors between sources from their acceptance rates (posterior odds over prior
    odds), each pair once with the better-supported source first, with the Monte Carlo
    standard error of the log (binomial, delta method) and a +-2 se range; when one source
    has no accepted draw, a lower bound from the rule of three instead."""
    sources = [s for s in sources if s["draws"]]
    factors = []
    for i, first in enumerate(sources):
        for second in sources[i + 1:]:
            if not first["accepted"] and not second["accepted"]:
                continue
            better, worse = (first, second) \
                if first["accepted"] * second["draws"] >= second["accepted"] * first["draws"] \
                else (second, first)
            entry = {"for": better["id"], "against": worse["id"]}
            if not worse["accepted"]:
                entry["at_least"] = rounded(better["acceptance_rate"] * worse["draws"]
                                           / RULE_OF_THREE)
            else:
                value = better["acceptance_rate"] / worse["acceptance_rate"]
                se = math.sqrt(sum(1 / s["accepted"] - 1 / s["draws"] for s in (better, worse)))
                entry |= {"value": rounded(value), "log_se": rounded(se),
                          "low": rounded(value * math.exp(-2 * se)),
                          "high": rounded(value * math.exp(2 * se))}
            factors.append(entry)
    return factors


def _predictive(name: str, label: str, observed: float, prior: Sample,
                accepted: Sample) -> dict:
    """The observed figure against the prior's and the accepted draws' figures (a
    protocol figure's prior from the prior-sample draws whose protocols were simulated)."""
    key = name if name.startswith("protocols.") else f"official.{name}"
    before, after = prior.values[key], accepted.values[key]
    return {"id": name, "label": label, "observed": rounded(observed),
            "prior": {"q05": rounded(np.nanquantile(before, 0.05)),
                      "q95": rounded(np.nanquantile(before, 0.95))},
            "posterior": {"mean": rounded(after.mean()),
                          "q05": rounded(np.quantile(after, 0.05)),
                          "q95": rounded(np.quantile(after, 0.95))}}

