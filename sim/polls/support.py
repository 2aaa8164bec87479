"""Support draws: the sources' priors combined, house effects off, total survey error on.

``mixture``: each draw follows one source, chosen by weight: the source's prior draw, its
house effects taken off and the election-level, source-level and bloc errors added, all on
the log scale, then one normalisation. ``pooled``: one random-effects combination of the
sources (:mod:`sim.polls.pooling`), to which the election-level and bloc errors are added:
pooling averages the sources' own errors away, never the error they all share.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim import portable
from sim.params import Param
from sim.polls.pooling import Pooled, ilr_basis, random_effects, vote_moments
from sim.polls.priors import SourcePrior, source_priors
from sim.polls.structural import StructuralPrior, combine, structural_prior
from sim.polls.survey_error import ErrorModel, add_errors, option_effects


@dataclass(frozen=True, slots=True)
class SupportModel:
    """Everything the support draws need, built from a scenario once.

    Attributes
    ----------
    priors : tuple of SourcePrior
        One per source, in declared order.
    weights : ndarray, shape (n_sources,)
        Source weights, summing to 1.
    effects : tuple of tuple of (Param or None)
        Per source, each option's house effect (log scale, what the source leans).
    error : ErrorModel
    blocs : ndarray of int, shape (n_options,)
        Each option's bloc index, -1 for none.
    pooled : Pooled or None
        The random-effects combination, when sources are pooled.
    structural : StructuralPrior or None
        The previous result with its calibrated change, when the scenario uses it.
    sampling : ndarray, shape (n_sources, p) or (1, p)
        The polls' own variance of each structural row's log share (sampling, fill and house
        effects: exact log-moments), per source; one row when pooled; plus, for a row in a
        bloc, the bloc shock's mean square (``bloc_sd``). Empty without a structural prior.
    poll_weight : ndarray, shape (p,)
        The polls' share of each structural row's precision at the mean sds (for the
        result's words; the draws use their own).
    """

    priors: tuple[SourcePrior, ...]
    weights: np.ndarray
    effects: tuple[tuple[Param | None, ...], ...]
    error: ErrorModel
    blocs: np.ndarray
    pooled: Pooled | None
    structural: StructuralPrior | None = None
    sampling: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    poll_weight: np.ndarray = field(default_factory=lambda: np.zeros(0))


def support_model(scenario) -> SupportModel:
    """The scenario's sources as priors with their house effects, pooled if it says so."""
    model = scenario.model
    priors = source_priors(scenario.sources, scenario.polls, model, scenario.options)
    weights = np.array([source.weight for source in scenario.sources])
    weights = weights / weights.sum()
    bloc_of = {item.id: item.bloc for item in scenario.lists}
    effects = tuple(option_effects(source.house_effects, model.error.kinds.get(source.kind),
                                   scenario.options, bloc_of) for source in scenario.sources)
    bloc_ids = [bloc.id for bloc in scenario.blocs]
    blocs = np.array([bloc_ids.index(bloc_of[o]) if bloc_of.get(o) else -1
                      for o in scenario.options])
    pooled = None
    if model.combine == "pooled":
        used = np.flatnonzero(weights > 0)
        moments = [vote_moments(priors[s], effects[s]) for s in used]
        mean_sd, var_sd = model.error.source_sd.moments()
        pooled = random_effects([m for m, _ in moments], [v for _, v in moments],
                                weights[used], model.between_sd,
                                floor_sd=float(np.sqrt(mean_sd ** 2 + var_sd)))
    structural = structural_prior(model.structural, scenario.options, bloc_of)
    if structural is None:
        return SupportModel(priors, weights, effects, model.error, blocs, pooled)
    basis = ilr_basis(len(scenario.options))
    if pooled is not None:
        spread = (pooled.scale ** 2).sum(axis=1)[None, :]
    else:
        spread = np.array([np.diag(basis @ vote_moments(prior, effect)[1] @ basis.T)
                           for prior, effect in zip(priors, effects)])
    # The bloc shock is one normal shared by a bloc's lists: on V's diagonal it counts in
    # each list's variance but not their correlation (exact for a bloc of one list). A
    # mean square, not each draw's bloc_sd: add_errors keeps those to itself.
    sampling = spread[:, structural.rows] + _mean_square(model.error.bloc_sd) * (
        blocs[structural.rows] >= 0)
    error_var = _mean_square(model.error.election_sd) + (
        0.0 if pooled is not None else _mean_square(model.error.source_sd))
    mean_sampling = sampling[0] if pooled is not None else weights @ sampling
    change_var = _mean_square(structural.change_sd) * structural.scale + np.array(
        [0.0 if drift is None else drift.moments()[1] for drift in structural.drift])
    poll_weight = change_var / (change_var + error_var + mean_sampling)
    return SupportModel(priors, weights, effects, model.error, blocs, pooled, structural,
                        sampling, poll_weight)


def _mean_square(sd) -> float:
    mean, var = sd.moments()
    return mean ** 2 + var


def draw_support(model: SupportModel, n_draws: int, *,
                 rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Vote-share draws and the source behind each.

    Returns
    -------
    support : ndarray, shape (n_draws, n_options)
        Vote shares per draw, each row summing to 1 (a transposed view of options-first
        memory: ``support.T`` is C-contiguous).
    source : ndarray of int, shape (n_draws,)
        Index of the source a draw followed; -1 throughout when sources are pooled.
    """
    if model.pooled is not None:
        pooled = model.pooled
        log_votes = _centre_plus_scaled(pooled.centre, pooled.scale, rng.standard_normal(
            (pooled.scale.shape[1], n_draws)))
        sd = add_errors(log_votes, model.error, model.blocs, source_level=False, rng=rng)
        if model.structural is not None:
            rows = model.structural.rows
            log_votes[rows] = combine(log_votes[rows], model.structural,
                                      model.sampling.T + sd ** 2, rng=rng)
        log_votes -= log_votes.max(axis=0)
        votes = portable.exp(log_votes)
        votes /= votes.sum(axis=0)
        return votes.T, np.full(n_draws, -1)
    # Draws are exchangeable: draw each source's share of them as one block.
    counts = rng.multinomial(n_draws, model.weights)
    votes = np.empty((len(model.blocs), n_draws))
    shift = np.zeros(votes.shape, dtype=np.float32)
    start = 0
    for prior, effects, count in zip(model.priors, model.effects, counts):
        block = slice(start, start + count)
        prior.draw(count, rng=rng, out=votes[:, block])
        for row, effect in enumerate(effects):
            if effect is not None:
                shift[row, block] -= effect.draw(count, rng=rng)
        start += count
    sd = add_errors(shift, model.error, model.blocs, source_level=True, rng=rng)
    if shift.any():
        votes *= portable.exp(shift)
    votes /= votes.sum(axis=0)
    if model.structural is not None:
        rows = model.structural.rows
        sampling = np.repeat(model.sampling.T, counts, axis=1)
        votes[rows] = portable.exp(combine(portable.log(votes[rows]), model.structural,
                                           sampling + sd ** 2, rng=rng))
        votes /= votes.sum(axis=0)
    return votes.T, np.repeat(np.arange(len(counts)), counts)


def _centre_plus_scaled(centre: np.ndarray, scale: np.ndarray,
                        normal: np.ndarray) -> np.ndarray:
    """``centre[:, None] + scale @ normal``, summed term by term in a fixed order: a BLAS
    matrix product's last bits depend on its kernel and thread count."""
    result = np.repeat(centre[:, None], normal.shape[1], axis=1)
    for column, row in zip(scale.T, normal):
        result += column[:, None] * row
    return result
