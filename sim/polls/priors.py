"""Poll sources → support draws.

Each source's polls are pooled into one vector of respondent shares and an effective sample
size; its support is Dirichlet with concentration ``n_eff * shares + flat_prior``, so a
larger poll is tighter. Sources are combined as a mixture (each draw follows one source) or
pooled (one Dirichlet around their weighted average). A systematic error shared by all
sources shifts every draw on the log-share scale.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.ballot import UNDECIDED
from sim.polls.spec import Model, Poll, Source


@dataclass(frozen=True, slots=True)
class SourcePrior:
    """What one source says: expected vote shares and how many respondents back them.

    Attributes
    ----------
    shares : ndarray, shape (n_options,)
        Expected shares of the votes cast, summing to 1.
    n_effective : float
        Decided respondents, pooled over polls and divided by the design effect.
    undecided : float
        Share of respondents who named no option and were not split among the lists.
    """

    shares: np.ndarray
    n_effective: float
    undecided: float

    def concentration(self, flat_prior: float) -> np.ndarray:
        return self.n_effective * self.shares + flat_prior


def source_prior(source: Source, polls: list[Poll], model: Model,
                 options: tuple[str, ...]) -> SourcePrior:
    """Pool a source's polls, apply its house effects and the undecided rule."""
    weights = np.array([_age_weight(poll, source, model) * poll.n for poll in polls])
    respondents = np.array([[poll.shares.get(option, 0.0) for option in options]
                            for poll in polls])
    # Whatever a poll leaves unassigned counts as undecided.
    undecided = np.array([poll.shares.get(UNDECIDED, 0.0)
                          + max(0.0, 1.0 - sum(poll.shares.values())) for poll in polls])
    design_effect = np.array([poll.design_effect for poll in polls])
    total = weights.sum()
    pooled = weights @ respondents / total
    pooled_undecided = float(weights @ undecided / total)
    pooled_design = float(weights @ design_effect / total)
    effects = np.array([source.house_effects.get(option, 0.0) for option in options]) / 100
    decided = np.clip(pooled + effects, 0.0, None)
    n_effective = total * decided.sum() / pooled_design
    if isinstance(model.undecided, dict):
        split = np.array([model.undecided.get(option, 0.0) for option in options])
        decided = decided + pooled_undecided * split
        pooled_undecided *= 1.0 - split.sum()
    return SourcePrior(shares=decided / decided.sum(), n_effective=float(n_effective),
                       undecided=pooled_undecided)


def _age_weight(poll: Poll, source: Source, model: Model) -> float:
    """``0.5 ** (age / half_life)``: a poll one half-life old counts half."""
    if source.half_life_days is None:
        return 1.0
    age = (model.election_date - poll.fieldwork_end).days
    return 0.5 ** (max(age, 0) / source.half_life_days)


def source_priors(sources: tuple[Source, ...], polls: tuple[Poll, ...], model: Model,
                  options: tuple[str, ...]) -> tuple[SourcePrior, ...]:
    """Each source's prior, in declared order."""
    return tuple(source_prior(source, [poll for poll in polls if poll.source == source.id],
                              model, options) for source in sources)


def source_weights(sources: tuple[Source, ...]) -> np.ndarray:
    """The sources' weights, summing to 1."""
    weights = np.array([source.weight for source in sources])
    return weights / weights.sum()


def draw_support(priors: tuple[SourcePrior, ...], weights: np.ndarray, model: Model, n_draws: int,
                 *, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Support draws and the source behind each.

    A Dirichlet draw is independent Gamma(alpha_i) draws divided by their sum; drawing the
    gammas one list at a time into lists-first memory is faster than ``Generator.dirichlet``,
    and the systematic error multiplies them before the one normalisation.

    Returns
    -------
    support : ndarray, shape (n_draws, n_options)
        Vote shares per draw, each row summing to 1 (a transposed view of lists-first
        memory: ``support.T`` is C-contiguous).
    source : ndarray of int, shape (n_draws,)
        Index of the source a draw followed (all zero when sources are pooled).
    """
    if model.combine == "pooled":
        shares = weights @ np.array([prior.shares for prior in priors])
        n_effective = float(weights @ np.array([prior.n_effective for prior in priors]))
        alphas = [n_effective * shares + model.flat_prior]
        counts = np.array([n_draws])
    else:
        alphas = [prior.concentration(model.flat_prior) for prior in priors]
        # Draws are exchangeable: draw each source's share of them as one block.
        counts = rng.multinomial(n_draws, weights)
    gammas = np.empty((len(alphas[0]), n_draws))
    start = 0
    for alpha, count in zip(alphas, counts):
        for option, value in enumerate(alpha):
            gammas[option, start:start + count] = rng.standard_gamma(value, size=count)
        start += count
    if model.systematic_sd > 0:
        # Single precision is ample for a shift of a few per cent, and faster.
        shift = rng.standard_normal(gammas.shape, dtype=np.float32)
        shift *= np.float32(model.systematic_sd)
        gammas *= np.exp(shift, out=shift)
    gammas /= gammas.sum(axis=0)
    return gammas.T, np.repeat(np.arange(len(counts)), counts)
