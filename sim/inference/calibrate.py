"""The poll error model fitted to history by maximum likelihood (docs/backtest.md).

A poll ``p`` of election ``e`` by source ``s`` of kind ``k`` misses category ``i`` by

    d_pi = log(poll_pi) - log(official_i) = c_p + h_k [i in bloc] + E_ei + S_esi + sampling_pi

with ``E_ei ~ N(0, election_sd^2)`` shared by every poll of the election, ``S_esi ~ N(0,
source_sd^2)`` shared by one source's polls of the election, sampling error of variance
``1 / (n_eff poll_pi)``, and ``c_p`` a constant per poll (its base and undecided), removed by
taking contrasts within each poll. House effects get a normal prior of sd :data:`PRIOR_SD`
so that a kind without usable polls gets a wide effect around 0 rather than none.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq, minimize, minimize_scalar

from sim.errors import SimError
from sim.inference.history import PollMiss
from sim.polls.pooling import ilr_basis

PRIOR_SD = 0.5  # house effects beyond +-1 on the log scale (e = 2.7 times) are not expected
SD_BOUNDS = (0.0, 3.0)
PROFILE_DROP = 1.3528  # half the 90% point of chi-square(1): a 90% profile interval
STARTS = ((0.2, 0.2), (0.3, 0.3))  # (election_sd, source_sd) starting points of the search


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
    """Estimates with 90% profile-likelihood intervals; house effects with standard errors."""

    election_sd: float
    source_sd: float
    total_sd: float  # sqrt(election_sd^2 + source_sd^2): what one source misses by
    intervals: dict[str, tuple[float, float]]  # election_sd, source_sd, total_sd
    house: dict[str, float]  # kind -> effect on the bloc, log scale
    house_se: dict[str, float]
    polls: int
    elections: tuple[str, ...]


def _blocks(misses: list[PollMiss], kinds: tuple[str, ...]) -> list[_Block]:
    """Each election's contrasts, elections of the same size stacked (one LAPACK call)."""
    sized: dict[int, list[tuple]] = {}
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
        sized.setdefault(len(contrast), []).append(
            (contrast @ d, contrast @ same @ contrast.T, contrast @ same_source @ contrast.T,
             contrast @ sampling @ contrast.T, contrast @ design))
    return [_Block(*map(np.stack, zip(*group))) for group in sized.values()]


def _whitened(blocks: list[_Block], election_sd: float, source_sd: float):
    """One Cholesky factor per election (batched): half the log determinant, z'V^-1 z, X'V^-1 X,
    X'V^-1 z summed over elections, and the number of contrasts."""
    n_kinds = blocks[0].design.shape[2]
    half_logdet, zz, xx, xz, m = 0.0, 0.0, np.zeros((n_kinds, n_kinds)), np.zeros(n_kinds), 0
    for b in blocks:
        chol = np.linalg.cholesky(election_sd**2 * b.shared + source_sd**2 * b.source
                                  + b.sampling)
        wz = np.linalg.solve(chol, b.z[..., None])[..., 0]  # (g, m)
        wx = np.linalg.solve(chol, b.design)  # (g, m, n_kinds)
        half_logdet += np.log(np.diagonal(chol, axis1=1, axis2=2)).sum()
        zz += float(np.sum(wz * wz))
        xx += np.einsum("gmi,gmj->ij", wx, wx)
        xz += np.einsum("gmi,gm->i", wx, wz)
        m += wz.size
    return half_logdet, zz, xx, xz, m


def _log_likelihood(blocks: list[_Block], election_sd: float, source_sd: float,
                    house: np.ndarray | None = None) -> float:
    """Gaussian log likelihood of every election's contrasts plus the house effects' log
    prior; with no ``house``, at the house effects' best values (the profile)."""
    half_logdet, zz, xx, xz, m = _whitened(blocks, election_sd, source_sd)
    if house is None:
        house = np.linalg.solve(xx + np.eye(len(xz)) / PRIOR_SD**2, xz)
    quadratic = zz - 2 * house @ xz + house @ xx @ house
    return -half_logdet - 0.5 * quadratic - 0.5 * m * np.log(2 * np.pi) \
        - 0.5 * float(house @ house) / PRIOR_SD**2


def _house_given(blocks: list[_Block], election_sd: float, source_sd: float):
    """The house effects' posterior mean and covariance given the sds (exact: Gaussian)."""
    _, _, xx, xz, _ = _whitened(blocks, election_sd, source_sd)
    cov = np.linalg.inv(xx + np.eye(len(xz)) / PRIOR_SD**2)
    return cov @ xz, cov


def _best_sds(blocks: list[_Block],
              fixed: tuple[str, float] | None = None) -> tuple[np.ndarray, float]:
    """The sds maximising the profile likelihood, optionally with one of them (or the total
    sd, keeping the split free: then the free number is the angle) held at a value."""
    if fixed is None:
        best = min((minimize(lambda x: -_log_likelihood(blocks, *x), guess, method="L-BFGS-B",
                             bounds=[SD_BOUNDS, SD_BOUNDS]) for guess in STARTS),
                   key=lambda found: found.fun)
        return best.x, -float(best.fun)
    name, value = fixed
    if name == "total_sd":
        def sds(x):
            return value * np.array([np.cos(x), np.sin(x)])
        bounds = (0.0, np.pi / 2)
    else:
        index = ("election_sd", "source_sd").index(name)

        def sds(x):
            both = np.empty(2)
            both[index], both[1 - index] = value, x
            return both
        bounds = SD_BOUNDS
    found = minimize_scalar(lambda x: -_log_likelihood(blocks, *sds(x)), bounds=bounds,
                            method="bounded", options={"xatol": 1e-4})
    return sds(found.x), -float(found.fun)


def _interval(blocks: list[_Block], name: str, estimate: float,
              best: float) -> tuple[float, float]:
    """Where the profile log likelihood drops by :data:`PROFILE_DROP` on each side."""
    def gap(value):
        return _best_sds(blocks, (name, value))[1] - (best - PROFILE_DROP)
    low = 0.0 if estimate <= 1e-6 or gap(1e-6) > 0 else brentq(gap, 1e-6, estimate, xtol=1e-3)
    high = SD_BOUNDS[1] if gap(SD_BOUNDS[1]) > 0 else brentq(gap, max(estimate, 1e-6),
                                                              SD_BOUNDS[1], xtol=1e-3)
    return low, high


def fit_errors(misses: list[PollMiss], kinds: tuple[str, ...]) -> Fit:
    """Maximum-likelihood election and source sds, and house effects by kind.

    Parameters
    ----------
    misses : list of PollMiss
        Polls of at least one election.
    kinds : tuple of str
        Source kinds to estimate a house effect for (a kind without polls keeps its prior).
    """
    if not misses:
        raise SimError("no poll can be compared with a count: nothing to calibrate")
    blocks = _blocks(misses, kinds)
    sds, best = _best_sds(blocks)
    total = float(np.hypot(*sds))
    intervals = {name: _interval(blocks, name, value, best)
                 for name, value in (("election_sd", sds[0]), ("source_sd", sds[1]),
                                     ("total_sd", total))}
    house, cov = _house_given(blocks, *sds)
    return Fit(election_sd=float(sds[0]), source_sd=float(sds[1]), total_sd=total,
               intervals=intervals,
               house=dict(zip(kinds, house.tolist())),
               house_se=dict(zip(kinds, np.sqrt(np.diag(cov)).tolist())),
               polls=len(misses), elections=tuple(sorted({m.election for m in misses})))
