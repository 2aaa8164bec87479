"""The calibration's simulation study: error models fitted on 2, 3 and 5 simulated elections
must give honest intervals for a held-out one (issue 27).

Each replicate draws its truth from the calibration's priors (the sds half-normal of scale
SD_PRIOR_SCALE, the house effects normal(0, PRIOR_SD)), simulates the polls of k + 1
elections exactly as the fitted model says they arise (an election-level and a source-level
error on the log scale, a house effect on the bloc, multinomial sampling of the respondents),
fits the posterior on k elections and predicts the held-out election's official shares from
one of its polls through the poll model's own steps: the poll's Dirichlet, the house effect
taken off, :func:`sim.polls.survey_error.add_errors` with the fitted posterior draws. Averaged
over the prior, a posterior's 90% intervals cover about 90% whatever k is.

Measured (these seeds): 87.9%, 87.9% and 87.7% for k = 2, 3, 5. Knowing the true sds and
house effects gives 88.2% at k = 3 with the same seeds: the 2 points below 90% are the poll
model's (a list's share is a nonlinear function of every list's log-scale error, so its
marginal interval is not exactly pivotal), not the calibration's. The lists' official shares
are kept above about 3% (Dirichlet around CENTRE): polls of lists near 1% have counts too
small for the sampling variance 1 / (n p) the fit uses, and coverage then drops a point or
two more (86-89% measured with a centre down to 5% and concentration 40).

Tolerance: 86-94% (the issue's). 240 replicates of 6 lists per k: one replicate's lists share
its election's error, so the effective number of outcomes is nearer the replicates than the
1,440 lists; the binomial sd of 240 is 1.9 points, and the band is two of those each side.
"""

import numpy as np
import pytest

from sim.inference.calibrate import PRIOR_SD, SD_PRIOR_SCALE, fit_errors
from sim.inference.history import PollMiss
from sim.params import Param
from sim.polls.survey_error import ErrorModel, SdDraws, add_errors

KINDS = ("a", "b")
LISTS = 6
N = 1000  # effective respondents per poll
REPLICATES = 240
DRAWS = 2000  # predictive draws per held-out election
CENTRE = np.array([0.35, 0.20, 0.15, 0.12, 0.10, 0.08])  # official shares vary around these
RULING = np.arange(LISTS) == 0
FLAT_PRIOR = 0.5  # the poll model's default flat_prior


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


def predicted_shares(rng, poll, fit, kind):
    """Draws of the vote shares, shape (LISTS, DRAWS), from one poll of source ``kind`` as a
    single-source scenario makes them (sim.polls.support.draw_support, mixture branch)."""
    votes = rng.gamma(N * poll[:, None] + FLAT_PRIOR, size=(LISTS, DRAWS))
    shift = np.zeros((LISTS, DRAWS), dtype=np.float32)
    house = Param("normal", (fit.house[kind], fit.house_se[kind]), -2.0, 2.0)
    shift[RULING] -= house.draw(DRAWS, rng=rng)
    error = ErrorModel(election_sd=SdDraws(fit.draws[0]), source_sd=SdDraws(fit.draws[1]),
                       bloc_sd=Param("fixed", (0.0,), 0.0, 5.0), note="", kinds={})
    add_errors(shift, error, np.full(LISTS, -1), source_level=True, rng=rng)
    votes *= np.exp(shift)
    return votes / votes.sum(axis=0)


def coverage(elections: int) -> float:
    inside = []
    for replicate in range(REPLICATES):
        rng = np.random.default_rng(np.random.SeedSequence(2027, spawn_key=(elections,
                                                                            replicate)))
        truth = (abs(rng.normal(0, SD_PRIOR_SCALE)), abs(rng.normal(0, SD_PRIOR_SCALE)),
                 rng.normal(0, PRIOR_SD, len(KINDS)))
        history = simulated_polls(rng, elections + 1, truth)
        fit = fit_errors(misses(history[:-1]), KINDS)
        official, polls = history[-1]
        kind = replicate % len(KINDS)
        shares = predicted_shares(rng, polls[kind], fit, KINDS[kind])
        low, high = np.quantile(shares, [0.05, 0.95], axis=1)
        inside.extend((low <= official) & (official <= high))
    return float(np.mean(inside))


@pytest.mark.parametrize("elections", [2, 3, 5])
def test_posterior_intervals_cover_held_out_elections(elections):
    assert 0.86 <= coverage(elections) <= 0.94
