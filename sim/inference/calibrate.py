"""The poll error model fitted to history: a posterior for its sds and house effects
(docs/backtest.md).

A poll ``p`` of election ``e`` by source ``s`` of kind ``k`` misses category ``i`` by

    d_pi = log(poll_pi) - log(official_i) = c_p + h_k [i in bloc] + E_ei + S_esi + sampling_pi

with ``E_ei ~ N(0, election_sd^2)`` shared by every poll of the election, ``S_esi ~ N(0,
source_sd^2)`` shared by one source's polls of the election, sampling error of variance
``1 / (n_eff poll_pi)``, and ``c_p`` a constant per poll (its base and undecided), removed by
taking contrasts within each poll. House effects get a normal prior of sd :data:`PRIOR_SD`
so that a kind without usable polls gets a wide effect around 0 rather than none; the two
sds get independent half-normal priors of scale :data:`SD_PRIOR_SCALE`.

Given the sds the model is Gaussian in the house effects, so they are integrated exactly;
the sds' posterior is evaluated on a grid (:data:`GRID` points a side, even in the square
root of the sd, up to :data:`SD_MAX`), then again on an even grid over the box where the
first one found the posterior, and passed on as :data:`POSTERIOR_DRAWS` paired draws,
taken from the grid by systematic resampling (deterministic: no random numbers). With few
elections the posterior is wide, and the draws carry that width into every scenario.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.errors import SimError
from sim.inference.history import PollMiss
from sim.polls.pooling import ilr_basis
from sim.polls.structural import change_scale

PRIOR_SD = 0.5  # house effects beyond +-1 on the log scale (e = 2.7 times) are not expected
# Half-normal scale of both sds. Final polls in established democracies miss a large party
# by about 2-3.5 points (RMSE 3.5 points on US two-party shares, election-level bias about
# 2 points: Shirani-Mehr et al., JASA 2018; mean absolute error 2.3 points for parties above
# 20% in 139 elections of 23 countries: Jennings and Wlezien, Nature Human Behaviour 2018),
# about 0.05-0.1 on the log scale of a 30-50% share. The scale is five times that, so that
# polls far worse than there (Kazakhstan's, about 0.35) are well inside the prior while an sd
# of 0.8 (a list's share missed by a factor 2.2) keeps 5% prior probability.
SD_PRIOR_SCALE = 0.4
# Half-normal scale of the structural prior's change sd: a list's share changing by a
# factor e = 2.7 between elections is common for small lists, by e^2 rare.
CHANGE_PRIOR_SCALE = 1.0
COUNT_VARIANCE = 1e-6  # an official count's own noise on the log scale: none, kept positive
SD_MAX = 2.0  # the grid's edge: 5 prior scales, where the prior density is e^-12.5 of its peak
GRID = 64  # points a side, even in sqrt(sd): fine near 0, where many elections put the sds
POSTERIOR_DRAWS = 200
LEVEL = 0.9  # the central credible intervals reported
SUPPORT_DROP = 15.0  # log posterior below the peak by this much is left out of the fine grid
GRID_CHUNK = 256  # grid points per batched factorisation (keeps the arrays near a few MB)


@dataclass(frozen=True, slots=True)
class _Block:
    """The g elections with m contrasts each, stacked: z = C d and its covariance pieces."""

    z: np.ndarray  # (g, m) contrasts of the misses
    shared: np.ndarray  # (g, m, m) C A C^T: A[i, j] = 1 for the same category
    source: np.ndarray  # (g, m, m) C B C^T: B[i, j] = 1 for the same category and source
    sampling: np.ndarray  # (g, m, m) C S C^T
    design: np.ndarray  # (g, m, n_kinds) C X: X[i, k] = 1 for a bloc category of kind k


@dataclass(frozen=True, slots=True, kw_only=True)
class Fit:
    """Posterior medians with 90% central credible intervals; house effects' posterior mean
    and sd; the paired posterior draws of the sds."""

    election_sd: float
    source_sd: float
    total_sd: float  # of sqrt(election_sd^2 + source_sd^2): what one source misses by
    intervals: dict[str, tuple[float, float]]  # election_sd, source_sd, total_sd
    house: dict[str, float]  # kind -> effect on the bloc, log scale
    house_se: dict[str, float]
    draws: np.ndarray  # (2, POSTERIOR_DRAWS): election_sd, source_sd, paired by column
    polls: int
    elections: tuple[str, ...]


def _blocks(misses: list[PollMiss], kinds: tuple[str, ...]) -> list[_Block]:
    """Each election's contrasts, elections of the same size stacked (one LAPACK call)."""
    pieces: list[tuple[np.ndarray, ...]] = []
    for election in sorted({m.election for m in misses}):
        polls = [m for m in misses if m.election == election]
        labels = [(m.source, label) for m in polls for label in m.labels]
        same = np.array([[a[1] == b[1] for b in labels] for a in labels], dtype=float)
        same_source = np.array([[a == b for b in labels] for a in labels], dtype=float)
        contrast = np.zeros((sum(len(m.labels) - 1 for m in polls), len(labels)))
        design = np.zeros((len(labels), len(kinds)))
        row = col = 0
        for m in polls:
            k = len(m.labels)
            contrast[row:row + k - 1, col:col + k] = ilr_basis(k).T
            design[col:col + k, kinds.index(m.kind)] = m.ruling
            row, col = row + k - 1, col + k
        sampling = np.diag(np.concatenate([1 / (m.n * m.poll) for m in polls]))
        d = np.concatenate([m.miss for m in polls])
        pieces.append((contrast @ d, contrast @ same @ contrast.T,
                       contrast @ same_source @ contrast.T, contrast @ sampling @ contrast.T,
                       contrast @ design))
    return _stacked(pieces)


def _stacked(pieces: list[tuple[np.ndarray, ...]]) -> list[_Block]:
    """The elections' (or pairs') pieces as blocks, those with as many contrasts stacked
    (one LAPACK call each)."""
    sized: dict[int, list[tuple[np.ndarray, ...]]] = {}
    for piece in pieces:
        sized.setdefault(len(piece[0]), []).append(piece)
    return [_Block(*map(np.stack, zip(*group))) for group in sized.values()]


def _coarse_grid(scale: float) -> tuple[np.ndarray, np.ndarray]:
    """The first pass's sd values, shape (GRID,), even in sqrt(sd) up to SD_MAX, and each
    one's log prior mass (half-normal density of ``scale`` times the cell's width)."""
    root = (np.arange(GRID) + 0.5) / GRID * np.sqrt(SD_MAX)
    sd = root ** 2
    return sd, -0.5 * (sd / scale) ** 2 + np.log(2 * root)


def _fine_grid(low: float, high: float, scale: float) -> tuple[np.ndarray, np.ndarray]:
    """The second pass's sd values, even over [low, high], and their log prior mass."""
    sd = low + (np.arange(GRID) + 0.5) / GRID * (high - low)
    return sd, -0.5 * (sd / scale) ** 2


def _log_posterior(blocks: list[_Block], grids):
    """The log posterior (up to a constant) on the product of two grids of sds, and the
    house effects' conditional mean and covariance there; every array flattened (GRID**2,
    ...)."""
    (first, first_prior), (second, second_prior) = grids
    election_sd, source_sd = (a.ravel() for a in np.meshgrid(first, second, indexing="ij"))
    prior = (first_prior[:, None] + second_prior[None, :]).ravel()
    parts = [_conditional(blocks, election_sd[c], source_sd[c])
             for c in np.array_split(np.arange(len(election_sd)), len(election_sd) // GRID_CHUNK)]
    log_post = np.concatenate([p[0] for p in parts]) + prior
    return (election_sd, source_sd, log_post, np.concatenate([p[1] for p in parts]),
            np.concatenate([p[2] for p in parts]))


def _support(sd: np.ndarray, log_post: np.ndarray) -> tuple[float, float]:
    """The range of one sd's coarse grid holding all but e^-SUPPORT_DROP of the posterior's
    peak, widened by a cell on each side."""
    index = np.flatnonzero(log_post.reshape(GRID, GRID).max(axis=1) > log_post.max()
                           - SUPPORT_DROP)
    root = np.sqrt(sd)
    step = root[1] - root[0]
    return (max(0.0, root[index[0]] - 1.5 * step) ** 2,
            min(np.sqrt(SD_MAX), root[index[-1]] + 1.5 * step) ** 2)


def _whitened(blocks: list[_Block], election_sd: np.ndarray, source_sd: np.ndarray):
    """At ``G`` pairs of sds, shapes (G,): half the log determinant of every election's
    covariance and, summed over elections, z'V^-1 z (G,), X'V^-1 X (G, k, k), X'V^-1 z (G, k).
    One batched Cholesky factor per election and pair."""
    n_pairs, n_kinds = len(election_sd), blocks[0].design.shape[2]
    half_logdet, zz = np.zeros(n_pairs), np.zeros(n_pairs)
    xx, xz = np.zeros((n_pairs, n_kinds, n_kinds)), np.zeros((n_pairs, n_kinds))
    e2, s2 = (election_sd ** 2)[:, None, None, None], (source_sd ** 2)[:, None, None, None]
    for b in blocks:
        chol = np.linalg.cholesky(e2 * b.shared + s2 * b.source + b.sampling)  # (G, g, m, m)
        wz = np.linalg.solve(chol, np.broadcast_to(b.z[..., None], chol.shape[:-1] + (1,)))
        wx = np.linalg.solve(chol, np.broadcast_to(b.design, chol.shape[:-1]
                                                   + b.design.shape[-1:]))
        half_logdet += np.log(np.diagonal(chol, axis1=2, axis2=3)).sum(axis=(1, 2))
        zz += np.einsum("pgm,pgm->p", wz[..., 0], wz[..., 0])
        xx += np.einsum("pgmi,pgmj->pij", wx, wx)
        xz += np.einsum("pgmi,pgm->pi", wx, wz[..., 0])
    return half_logdet, zz, xx, xz


def _conditional(blocks: list[_Block], election_sd: np.ndarray, source_sd: np.ndarray):
    """At G pairs of sds: the log marginal likelihood of the contrasts, the house effects
    integrated out (G,), and the house effects' conditional posterior mean (G, k) and
    covariance (G, k, k), both exact (Gaussian given the sds).

    With ``P = X'V^-1 X + I / PRIOR_SD^2`` and ``h = P^-1 X'V^-1 z``, up to a constant:
    ``log p(z) = -half_logdet - (z'V^-1 z - h'P h) / 2 - log det(P) / 2``.
    """
    half_logdet, zz, xx, xz = _whitened(blocks, election_sd, source_sd)
    precision = xx + np.eye(xz.shape[1]) / PRIOR_SD ** 2
    cov = np.linalg.inv(precision)
    mean = np.einsum("pij,pj->pi", cov, xz)
    _, logdet = np.linalg.slogdet(precision)
    log_marginal = -half_logdet - 0.5 * (zz - np.einsum("pi,pi->p", mean, xz)) - 0.5 * logdet
    return log_marginal, mean, cov


def _quantiles(values: np.ndarray, weights: np.ndarray) -> tuple[float, float, float]:
    """The weighted median and central :data:`LEVEL` interval of ``values``."""
    order = np.argsort(values, kind="stable")
    cumulative = np.cumsum(weights[order]) - 0.5 * weights[order]
    tail = (1 - LEVEL) / 2
    low, mid, high = np.interp([tail, 0.5, 1 - tail], cumulative, values[order])
    return float(low), float(mid), float(high)


def _systematic(weights: np.ndarray, n: int) -> np.ndarray:
    """``n`` indices of ``weights`` (summing to 1) by systematic resampling: index ``i``
    appears ``floor`` or ``ceil`` of ``n weights[i]`` times, in order, with no random numbers."""
    return np.minimum(np.searchsorted(np.cumsum(weights), (np.arange(n) + 0.5) / n),
                      len(weights) - 1)


def fit_errors(misses: list[PollMiss], kinds: tuple[str, ...]) -> Fit:
    """The posterior of the election and source sds and of the house effects by kind.

    Parameters
    ----------
    misses : list of PollMiss
        Polls of at least one election.
    kinds : tuple of str
        Source kinds to estimate a house effect for (a kind without polls keeps its prior).
    """
    if not misses:
        raise SimError("no poll can be compared with a count: nothing to calibrate")
    return _posterior(_blocks(misses, kinds), kinds, (SD_PRIOR_SCALE, SD_PRIOR_SCALE),
                      polls=len(misses), elections=tuple(sorted({m.election for m in misses})))


def _posterior(blocks: list[_Block], kinds: tuple[str, ...], scales: tuple[float, float], *,
               polls: int, elections: tuple[str, ...]) -> Fit:
    """The two sds' grid posterior (half-normal priors of ``scales``) and the effects'."""
    coarse = tuple(_coarse_grid(scale) for scale in scales)
    election_sd, source_sd, log_post, _, _ = _log_posterior(blocks, coarse)
    box = (_support(coarse[0][0], log_post),
           _support(coarse[1][0], log_post.reshape(GRID, GRID).T.ravel()))
    election_sd, source_sd, log_post, mean, cov = _log_posterior(
        blocks, tuple(_fine_grid(*edges, scale) for edges, scale in zip(box, scales)))
    weights = np.exp(log_post - log_post.max())
    weights /= weights.sum()
    total_sd = np.hypot(election_sd, source_sd)
    summary = {name: _quantiles(values, weights) for name, values in
               (("election_sd", election_sd), ("source_sd", source_sd), ("total_sd", total_sd))}
    # The house effects' marginal posterior, a mixture over the grid, by its two moments.
    house = weights @ mean
    house_var = np.einsum("p,pii->i", weights, cov) + weights @ mean ** 2 - house ** 2
    picked = _systematic(weights, POSTERIOR_DRAWS)
    return Fit(election_sd=summary["election_sd"][1], source_sd=summary["source_sd"][1],
               total_sd=summary["total_sd"][1],
               intervals={name: (low, high) for name, (low, _, high) in summary.items()},
               house=dict(zip(kinds, house.tolist())),
               house_se=dict(zip(kinds, np.sqrt(np.maximum(house_var, 0)).tolist())),
               draws=np.stack([election_sd[picked], source_sd[picked]]),
               polls=polls, elections=elections)


def _change_block(before: dict[str, float], after: dict[str, float],
                  bloc: frozenset[str]) -> tuple[np.ndarray, ...] | None:
    """One pair of elections' contrasts of log changes and their covariance pieces, over
    the lists on both ballots (None when fewer than two are)."""
    common = [option for option in after if option in before]
    if len(common) < 2:
        return None
    k = len(common)
    change = np.array([np.log(after[o]) - np.log(before[o]) for o in common])
    scale = np.array([change_scale(before[o]) for o in common])
    contrast = ilr_basis(k).T
    in_bloc = np.array([[o in bloc] for o in common], dtype=float)
    return (contrast @ change, contrast @ np.diag(scale) @ contrast.T, np.zeros((k - 1, k - 1)),
            np.eye(k - 1) * COUNT_VARIANCE, contrast @ in_bloc)


def fit_changes(pairs: list[tuple[dict[str, float], dict[str, float]]],
                bloc: frozenset[str], elections: tuple[str, ...]) -> Fit:
    """The structural prior's posterior: how a list's official log share moves from one
    election to the next (docs/backtest.md).

    ``log v_t,i - log v_t-1,i = c_t + drift [i in bloc] + delta_t,i`` with
    ``delta_t,i ~ N(0, change_sd^2 (1 - v) / v^CHANGE_POWER)``, ``v = v_t-1,i``: a large list
    moves less on the log scale than a small one, ``c_t`` is removed by contrasts within each
    pair, and the drift of the bloc is integrated exactly like a house effect (prior
    normal(0, PRIOR_SD)). The fitted sd is ``election_sd`` of the returned Fit, the drift its
    house effect ``"drift"``; the second sd has no data and keeps its prior.

    Parameters
    ----------
    pairs : list of (dict of str to float, dict of str to float)
        Consecutive elections' official shares by option, the earlier one's ids already
        those of the later where a list was renamed.
    bloc : frozenset of str
        The lists whose drift is fitted.
    elections : tuple of str
        The elections behind the pairs (for the record).
    """
    pieces = [piece for before, after in pairs
              if (piece := _change_block(before, after, bloc)) is not None]
    if not pieces:
        raise SimError("no two consecutive elections share two lists: no structural prior "
                       "can be fitted")
    return _posterior(_stacked(pieces), ("drift",), (CHANGE_PRIOR_SCALE, CHANGE_PRIOR_SCALE),
                      polls=len(pieces), elections=elections)
