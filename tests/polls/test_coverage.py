"""Simulation-based calibration of the poll model: polls simulated from known truths, and
the share of 90% intervals that hold the truth.

Each test draws a truth per replicate, simulates the poll(s) a pollster would publish, runs
the model through the scenario code (spec → priors → support draws) and records where the
truth falls among 1,000 draws (its PIT). A 90% interval holds the truth when the PIT is
within [0.05, 0.95]. Tolerance: with 400 replicates and 6 lists (2,400 intervals, correlated
within a replicate), the coverage averaged over lists must be within 86-94%, and each list's
within 83-96% (about 2.5 binomial standard errors of 400 replicates). Fixed seeds.
"""

import dataclasses

import numpy as np
import pytest

from sim.params import Param
from sim.polls.spec import Poll
from sim.polls.support import draw_support, support_model
from sim.scenario import load_scenario
from tests.scenario_text import write_scenario

LISTS = "abcdef"
REPLICATES = 400
DRAWS = 1000
N = 1000
UNDECIDED = 0.2
TRUTH_PRIOR = np.array([8, 4, 3, 2, 1.5, 1.0]) * 3  # Dirichlet of the true vote shares

SHARES = "{ " + ", ".join(f"{x} = 0.1" for x in LISTS) + " }"
SIX_LISTS = "\n".join(['title = "Six lists"', "[system]", "seats = 100", "threshold = 0.0"]
                      + [f"[lists.{x}]" for x in LISTS]
                      + ["[sources.one]", "[sources.two]", "[[poll]]", 'source = "one"',
                         "n = 1000", f"shares = {SHARES}", "[[poll]]", 'source = "two"',
                         "n = 1000", f"shares = {SHARES}", "[run]", "seed = 1"])


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    return load_scenario(write_scenario(tmp_path_factory.mktemp("coverage"), SIX_LISTS))


def published(source: str, respondents: dict[str, float], *, fill=None, n=N,
              design_effect=1.0) -> Poll:
    """The poll as a scenario would state it: reported shares, the fill for the rest."""
    return Poll(source=source, pollster=None, fieldwork_end=None, n=n,
                design_effect=design_effect, design_effect_stated=True,
                shares={**(fill or {}), **respondents}, reported=tuple(respondents))


def scenario_with(base, polls, *, weights=(1.0, 0.0), combine="mixture", fill=None,
                  between_sd=None, **error):
    polled = {poll.source for poll in polls}
    sources = tuple(dataclasses.replace(source, weight=weight, fill=fill or {})
                    for source, weight in zip(base.sources, weights) if source.id in polled)
    sds = {key: Param("fixed", (value,), 0.0, 5.0) for key, value in error.items()}
    model = dataclasses.replace(base.model, combine=combine, between_sd=between_sd,
                                error=dataclasses.replace(base.model.error, **sds))
    return dataclasses.replace(base, sources=sources, polls=tuple(polls), model=model)


def pit(scenario, truth, rng):
    """Where each true share falls among the model's draws: shape (n_lists,)."""
    support, _ = draw_support(support_model(scenario), DRAWS, rng=rng)
    return (support < truth).mean(axis=0)


def replicate(seed, one):
    """``one(rng)`` (a tuple of PIT arrays) for each replicate: arrays (replicates, n_lists)."""
    rng = np.random.default_rng(seed)
    return [np.array(pits) for pits in zip(*(one(rng) for _ in range(REPLICATES)))]


def coverage(pits) -> np.ndarray:
    pits = np.asarray(pits)
    return ((pits > 0.05) & (pits < 0.95)).mean(axis=0)


def assert_calibrated(pits):
    per_list = coverage(pits)
    assert 0.86 <= per_list.mean() <= 0.94, per_list
    assert per_list.min() >= 0.83 and per_list.max() <= 0.96, per_list


def simple_poll(votes, rng, *, n=N, clusters=None, cluster_concentration=None):
    """Respondent shares of a poll of ``n`` from true vote shares, the undecided at 20%:
    simple random sampling, or ``clusters`` equal clusters whose own shares scatter around
    the truth as Dirichlet(concentration * truth)."""
    respondents = np.append(votes * (1 - UNDECIDED), UNDECIDED)
    if clusters is None:
        counts = rng.multinomial(n, respondents)
    else:
        local = rng.dirichlet(respondents * cluster_concentration, size=clusters)
        counts = sum(rng.multinomial(n // clusters, q) for q in local)
    return dict(zip((*LISTS, "undecided"), counts / n))


def test_a_simple_random_poll_is_calibrated(base):
    def one(rng):
        truth = rng.dirichlet(TRUTH_PRIOR)
        return (pit(scenario_with(base, [published("one", simple_poll(truth, rng))]), truth,
                    rng),)

    assert_calibrated(*replicate(101, one))


def test_a_clustered_poll_is_calibrated_with_its_true_design_effect(base):
    # 100 clusters of 10; cluster shares ~ Dirichlet(9 * truth): intra-cluster correlation
    # 1 / (9 + 1), design effect 1 + (10 - 1) * 0.1 = 1.9.
    def one(rng):
        truth = rng.dirichlet(TRUTH_PRIOR)
        shares = simple_poll(truth, rng, clusters=100, cluster_concentration=9.0)
        return (pit(scenario_with(base, [published("one", shares, design_effect=1.9)]),
                    truth, rng),
                pit(scenario_with(base, [published("one", shares)]), truth, rng))

    right, ignored = replicate(102, one)
    assert_calibrated(right)
    # Treating the clustered sample as a simple random one gives intervals too narrow.
    assert coverage(ignored).mean() < 0.84


def test_a_poll_of_two_lists_with_the_rest_from_the_fill_prior_is_calibrated(base):
    # The poll reports a, b and its undecided; c-f are "the rest", whose split the source's
    # fill states with the default strength (10 pseudo-respondents), as shares of all
    # respondents that add up to what the poll leaves. The truth's split is drawn from that
    # same prior: the assumption is right on average, not in each replicate.
    centre = np.array([0.12, 0.08, 0.06, 0.04]) / 0.3

    def one(rng):
        top = rng.dirichlet([8.0, 4.0, 9.0, 3.0])  # a, b, the rest, undecided
        respondents = np.concatenate([top[:2], top[2] * rng.dirichlet(10 * centre), top[3:]])
        truth = respondents[:6] / respondents[:6].sum()
        counts = rng.multinomial(N, top) / N
        fill = dict(zip("cdef", (1 - counts[[0, 1, 3]].sum()) * centre))
        poll = published("one", {"a": counts[0], "b": counts[1], "undecided": counts[3]},
                         fill=fill)
        return (pit(scenario_with(base, [poll], fill=fill), truth, rng),)

    assert_calibrated(*replicate(103, one))


def test_two_pooled_sources_are_calibrated_and_narrower_by_root_two(base):
    def one(rng):
        truth = rng.dirichlet(TRUTH_PRIOR)
        polls = [published(s, simple_poll(truth, rng)) for s in ("one", "two")]
        both = scenario_with(base, polls, weights=(1.0, 1.0), combine="pooled")
        # The interval of one source and of both, with no between-source spread declared.
        spans = [np.subtract(*np.quantile(draw_support(support_model(scenario_with(
            base, polls, weights=weights, combine="pooled", between_sd=0.0)), DRAWS,
            rng=rng)[0], [0.95, 0.05], axis=0)) for weights in ((1.0, 0.0), (1.0, 1.0))]
        return pit(both, truth, rng), spans[1] / spans[0]

    pooled, widths = replicate(104, one)
    assert_calibrated(pooled)
    # Twice the respondents: about 1 / sqrt(2) = 0.707 of the width (Monte Carlo error of
    # 1,000-draw quantiles averages out over the replicates).
    assert np.median(widths, axis=0) == pytest.approx(np.full(6, 2 ** -0.5), abs=0.03)


LEAN = np.array([0.3, -0.2, 0.0, 0.0, 0.1, 0.0])  # what the biased source's polls lean


def test_a_declared_house_effect_restores_coverage(base):
    effects = {x: Param("fixed", (h,), -5.0, 5.0) for x, h in zip(LISTS, LEAN) if h}

    def one(rng):
        truth = rng.dirichlet(TRUTH_PRIOR)
        leaning = np.exp(np.log(truth) + LEAN)
        plain = scenario_with(base, [published("one", simple_poll(leaning / leaning.sum(),
                                                                  rng))])
        declared = dataclasses.replace(plain, sources=(dataclasses.replace(
            plain.sources[0], house_effects=effects),))
        return pit(declared, truth, rng), pit(plain, truth, rng)

    declared, ignored = replicate(105, one)
    assert_calibrated(declared)
    assert coverage(ignored)[0] < 0.5  # a, overstated by 35%, is missed most of the time


def test_election_and_source_errors_are_calibrated_pooled_and_mixed(base):
    # Every source misses by the election's error (shared) plus its own; pooling two
    # sources averages their own errors, never the shared one.
    errors = {"election_sd": 0.2, "source_sd": 0.3}

    def one(rng):
        truth = rng.dirichlet(TRUTH_PRIOR)
        shared = np.log(truth) + rng.normal(0, 0.2, 6)
        polls = []
        for source in ("one", "two"):
            polled = np.exp(shared + rng.normal(0, 0.3, 6))
            polls.append(published(source, simple_poll(polled / polled.sum(), rng)))
        return (pit(scenario_with(base, polls, weights=(1.0, 1.0), combine="pooled",
                                  **errors), truth, rng),
                pit(scenario_with(base, polls[:1], **errors), truth, rng))

    pooled, mixed = replicate(106, one)
    assert_calibrated(pooled)
    assert_calibrated(mixed)
