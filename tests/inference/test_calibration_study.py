"""The calibration's simulation study: error models fitted on a few simulated elections
must give honest intervals for a held-out one (issue 27).

Each replicate simulates the polls of k + 1 elections exactly as the fitted model says they
arise (an election-level and a source-level error on the log scale, a house effect on the
bloc, multinomial sampling of the respondents), fits the posterior on k elections and
predicts the held-out election's official shares from one of its polls through the shipped
path: a scenario file with that poll and the fit as its [model.error] (the sds' paired
draws, the house effects' normals, as ``elsim calibrate`` writes them), loaded, its
support model built and :func:`sim.polls.support.draw_support` drawn. Three arms:

- **prior**: the truth drawn from the calibration's priors (sds half-normal of scale
  SD_PRIOR_SCALE, house effects normal(0, PRIOR_SD)), k = 2 and 3. Averaged over the prior,
  a posterior's intervals cover their level by construction: this arm checks the code, not
  the model's fitness. Measured (these seeds): 89.0% and 91.0%.
- **fixed truth** at the issue's failure case: election sd 0.35, source sd 0.1 (Kazakh-sized
  errors), house effects +0.3 and -0.1, k = 2, 3 and 5 (with two, plug-in sds covered 78%
  at 90%). Measured (these seeds, 120 replicates): 90.7%, 88.3% and 89.3% (k = 2 gave
  87.6% with other seeds).
- **width**: the same six elections fitted on two and on five, the same held-out poll and
  draws' seed: the mean 90% width falls from 0.195 to 0.182 (paired difference 0.013, 2.1
  standard errors; narrower in 16 of 20 replicates).

Knowing the true sds and house effects gave 88.2% at k = 3 in the earlier, larger study:
about 2 points below 90% are the poll model's (a list's share is a nonlinear function of
every list's log-scale error, so its marginal interval is not exactly pivotal), not the
calibration's. The lists' official shares are kept above about 3% (Dirichlet around CENTRE):
polls of lists near 1% have counts too small for the sampling variance 1 / (n p) the fit
uses, and coverage then drops a point or two more.

Monte Carlo margins (the study is sized so that each case runs in 10-20 s): one replicate's
six lists share its election's error, so the effective number of outcomes lies between the
replicates and six times them. Fixed truth, 120 replicates: binomial sd 1.1-2.7 points, the
issue's band 86-94% is 1.5-3.6 of them each side. Prior, 80 replicates: sd 1.4-3.4 points,
band 84-96% (widened from the issue's 86-94% for the fewer replicates, about 2 sd at the
pessimistic end).
"""

import numpy as np
import pytest

from sim.inference.calibrate import PRIOR_SD, SD_PRIOR_SCALE, fit_errors
from sim.inference.history import PollMiss
from sim.polls.support import draw_support, support_model
from sim.scenario import load_scenario

KINDS = ("a", "b")
LISTS = 6
N = 1000  # effective respondents per poll
PRIOR_REPLICATES = 80
FIXED_REPLICATES = 120
WIDTH_REPLICATES = 20
FIXED_TRUTH = (0.35, 0.1, np.array([0.3, -0.1]))  # election sd, source sd, house effects
DRAWS = 2000  # predictive draws per held-out election
CENTRE = np.array([0.35, 0.20, 0.15, 0.12, 0.10, 0.08])  # official shares vary around these
RULING = np.arange(LISTS) == 0


def simulated_polls(rng, elections, truth):
    """Per election, its official shares and one poll per kind (the shares, not yet misses)."""
    election_sd, source_sd, house = truth
    out = []
    for _ in range(elections):
        official = rng.dirichlet(100 * CENTRE)
        shared = rng.normal(0, election_sd, LISTS)
        polls = []
        for k, _kind in enumerate(KINDS):
            log_poll = np.log(official) + shared + rng.normal(0, source_sd, LISTS) \
                + house[k] * RULING
            poll = np.exp(log_poll - log_poll.max())
            polls.append(rng.multinomial(N, poll / poll.sum()) / N)
        out.append((official, polls))
    return out


def misses(elections):
    found = []
    for e, (official, polls) in enumerate(elections):
        for kind, poll in zip(KINDS, polls):
            keep = poll > 0
            found.append(PollMiss(election=f"E{e}", source=kind, kind=kind, n=float(N),
                                  labels=tuple(f"l{i}" for i in np.flatnonzero(keep)),
                                  poll=poll[keep], official=official[keep],
                                  ruling=RULING[keep]))
    return found


def scenario_text(poll, fit, kind) -> str:
    """A scenario of one source of ``kind`` with one poll and the fit as its [model.error],
    as ``elsim calibrate`` writes it (the sds' paired draws, the house effects' normals)."""
    lists = "\n".join(f'[lists.l{i}]\nname = "L{i}"\nbloc = "{"ruling" if RULING[i] else "rest"}"'
                      for i in range(LISTS))
    shares = ", ".join(f"l{i} = {share:.6f}" for i, share in enumerate(poll))
    kinds = "\n".join(f"[model.error.kinds.{k}]\nhouse_effects = {{ ruling = {{ normal = "
                      f"[{fit.house[k]:.6f}, {fit.house_se[k]:.6f}] }} }}" for k in KINDS)
    draws = [", ".join(f"{v:.6f}" for v in row) for row in fit.draws]
    return f"""title = "study"
[system]
seats = 10
threshold = 0.05
{lists}
[blocs.ruling]
name = "Ruling"
[blocs.rest]
name = "Rest"
[sources.s]
name = "S"
kind = "{kind}"
[[poll]]
source = "s"
n = {N}
shares = {{ {shares} }}
[model.error]
election_sd = [{draws[0]}]
source_sd = [{draws[1]}]
{kinds}
"""


def predicted_shares(folder, rng, poll, fit, kind):
    """Draws of the vote shares, shape (LISTS, DRAWS), from one poll of source ``kind``: the
    shipped path (a scenario file, its support model, sim.polls.support.draw_support)."""
    path = folder / "held-out.toml"
    path.write_text(scenario_text(poll, fit, kind))
    shares, _ = draw_support(support_model(load_scenario(path)), DRAWS, rng=rng)
    return shares.T


def replicate_rng(arm: int, elections: int, replicate: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence(2027, spawn_key=(arm, elections,
                                                                         replicate)))


def interval(folder, rng, history, fit, replicate):
    """The held-out (last) election's official shares and the 90% intervals, (LISTS,) each."""
    official, polls = history[-1]
    kind = replicate % len(KINDS)
    shares = predicted_shares(folder, rng, polls[kind], fit, KINDS[kind])
    low, high = np.quantile(shares, [0.05, 0.95], axis=1)
    return official, low, high


def coverage(folder, elections: int, replicates: int, truth=None) -> float:
    """Coverage of the held-out election's shares, the truth drawn from the fit's priors per
    replicate (None) or fixed."""
    inside = []
    for replicate in range(replicates):
        rng = replicate_rng(truth is not None, elections, replicate)
        drawn = truth or (abs(rng.normal(0, SD_PRIOR_SCALE)), abs(rng.normal(0, SD_PRIOR_SCALE)),
                          rng.normal(0, PRIOR_SD, len(KINDS)))
        history = simulated_polls(rng, elections + 1, drawn)
        fit = fit_errors(misses(history[:-1]), KINDS)
        official, low, high = interval(folder, rng, history, fit, replicate)
        inside.extend((low <= official) & (official <= high))
    return float(np.mean(inside))


@pytest.mark.parametrize("elections", [2, 3])
def test_intervals_averaged_over_the_prior_cover_held_out_elections(tmp_path, elections):
    assert 0.84 <= coverage(tmp_path, elections, PRIOR_REPLICATES) <= 0.96


@pytest.mark.parametrize("elections", [2, 3, 5])
def test_intervals_cover_at_the_issues_failure_case(tmp_path, elections):
    # The issue's case: Kazakh-sized errors (election 0.35, source 0.1), fitted on 2, 3 and 5
    # elections; with two, plug-in sds covered 78% at 90%. The truth is fixed, not drawn
    # from the prior.
    assert 0.86 <= coverage(tmp_path, elections, FIXED_REPLICATES, truth=FIXED_TRUTH) <= 0.94


def test_more_elections_give_narrower_intervals(tmp_path):
    # Paired: the same six simulated elections, the same held-out poll and draws' seed; the
    # fit on five elections knows the sds better than the fit on two, so the intervals of
    # the held-out shares narrow on average.
    widths = {2: [], 5: []}
    for replicate in range(WIDTH_REPLICATES):
        history = simulated_polls(replicate_rng(2, 5, replicate), 6, FIXED_TRUTH)
        for elections in widths:
            fit = fit_errors(misses(history[5 - elections:5]), KINDS)
            _, low, high = interval(tmp_path, replicate_rng(3, 5, replicate), history, fit,
                                    replicate)
            widths[elections].append(np.mean(high - low))
    assert np.mean(widths[5]) < np.mean(widths[2])
