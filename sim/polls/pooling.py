"""Random-effects pooling of poll sources on the log-ratio scale.

Each source's vote shares are summarised by the mean and covariance of their isometric
log-ratio coordinates (exact for a Dirichlet, from its gamma representation; a linearisation
when the undecided are split by a table). Sources are combined as in a random-effects
meta-analysis: each source's true value scatters around the election's with a between-source
sd ``tau`` on every list's log share, so a source's weight is ``(V_s + tau^2 I)^-1``. ``tau``
is declared, or estimated by the multivariate DerSimonian-Laird method of moments (Jackson,
White & Thompson 2010) with an isotropic between-source covariance, floored at the error
model's ``source_sd``. Sources that agree add their information; sources that disagree widen
the interval by their spread.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import digamma, polygamma

from sim import portable
from sim.params import Param
from sim.portable import cholesky, dot, spd_inverse


@dataclass(frozen=True, slots=True)
class Pooled:
    """The pooled vote shares on the centred log-ratio scale.

    Attributes
    ----------
    centre : ndarray, shape (n_options,)
        Centred log shares of the pooled estimate.
    scale : ndarray, shape (n_options, n_options - 1)
        ``x = centre + scale @ standard_normal(n_options - 1)`` draws from it.
    between_sd : float
        The between-source sd used.
    estimated_sd : float | None
        The DerSimonian-Laird estimate, reported even when an sd is declared (None with
        fewer than two sources).
    """

    centre: np.ndarray
    scale: np.ndarray
    between_sd: float
    estimated_sd: float | None


def ilr_basis(n: int) -> np.ndarray:
    """Orthonormal basis of the sum-zero vectors of length ``n``: shape (n, n - 1)."""
    basis = np.zeros((n, n - 1))
    for j in range(1, n):
        basis[:j, j - 1] = 1.0 / j
        basis[j, j - 1] = -1.0
        basis[:, j - 1] /= np.sqrt(float(dot(basis[:, j - 1], basis[:, j - 1])))
    return basis


def log_moments(prior) -> tuple[np.ndarray, np.ndarray]:
    """Mean (n + 1,) and covariance of the log respondent masses of a source prior.

    Measured components are independent log-gammas (mean digamma, variance trigamma); an
    assumed component adds the log of its share of the rest, whose moments are those of a
    Dirichlet's log: ``psi(b_j) - psi(b_0)`` and ``psi'(b_j) delta_jk - psi'(b_0)``.
    Components of share zero get mean ``-inf`` and no variance.
    """
    size = len(prior.shares)
    mean = np.full(size, -np.inf)
    cov = np.zeros((size, size))
    measured = np.flatnonzero(prior.measured)
    alpha = prior.alpha
    mean[measured] = digamma(alpha[:len(measured)])
    cov[measured, measured] = polygamma(1, alpha[:len(measured)])
    assumed = prior.assumed_rows
    if assumed.size:
        rest, beta = alpha[-1], prior.beta
        mean[assumed] = digamma(rest) + digamma(beta) - digamma(beta.sum())
        cov[np.ix_(assumed, assumed)] = (polygamma(1, rest) - polygamma(1, beta.sum())
                                         + np.diag(polygamma(1, beta)))
    return mean, cov


def vote_moments(prior, effects: tuple[Param | None, ...]) -> tuple[np.ndarray, np.ndarray]:
    """ilr mean (n_options - 1,) and covariance of a source's vote shares, house effects off.

    The undecided rule maps respondent masses ``p`` to votes ``f_i = p_i + u s_i``; its
    Jacobian on the log scale is exact when nothing is split (``s = 0``).
    """
    mean, cov = log_moments(prior)
    p = portable.exp(mean - mean[np.isfinite(mean)].max())
    votes = p[:-1] + p[-1] * prior.split
    jacobian = np.zeros((len(votes), len(p)))
    jacobian[:, :-1] = np.diag(p[:-1] / votes)
    jacobian[:, -1] = p[-1] * prior.split / votes
    finite = np.isfinite(mean)
    jacobian[:, ~finite] = 0.0
    cov = np.where(np.outer(finite, finite), cov, 0.0)
    effect_mean, effect_var = zip(*((0.0, 0.0) if e is None else e.moments()
                                    for e in effects))
    basis = ilr_basis(len(votes))
    centre = portable.log(votes) - np.array(effect_mean)
    spread = dot(dot(jacobian, cov), jacobian.T) + np.diag(effect_var)
    return dot(basis.T, centre), dot(dot(basis.T, spread), basis)


def random_effects(means: list[np.ndarray], covs: list[np.ndarray], weights: np.ndarray,
                   between_sd: float | None, floor_sd: float) -> Pooled:
    """Combine sources' ilr means (d,) and covariances (d, d); ``between_sd`` None estimates.

    ``weights`` (n_sources,) scale each source's precision relative to their mean, so equal
    weights give the textbook estimate.
    """
    d = len(means[0])
    precisions = [spd_inverse(cov) for cov in covs]
    estimated = _dersimonian_laird(means, precisions) if len(means) > 1 else None
    if between_sd is None:
        between_sd = max(floor_sd, np.sqrt(estimated or 0.0))
    scaled = np.asarray(weights) / np.mean(weights)
    random = [w * spd_inverse(cov + between_sd ** 2 * np.eye(d))
              for w, cov in zip(scaled, covs)]
    cov = spd_inverse(sum(random))
    mean = dot(cov, sum(dot(p, m) for p, m in zip(random, means)))
    basis = ilr_basis(d + 1)
    return Pooled(centre=dot(basis, mean), scale=dot(basis, cholesky(cov)),
                  between_sd=float(between_sd),
                  estimated_sd=None if estimated is None else float(np.sqrt(estimated)))


def _dersimonian_laird(means, precisions) -> float:
    """Method-of-moments estimate of tau^2 for ``y_s ~ N(mu, V_s + tau^2 I)``.

    ``Q = sum (y_s - y_FE)' W_s (y_s - y_FE)`` has expectation ``(S - 1) d + tau^2 (tr(sum
    W) - tr((sum W)^-1 sum W^2))``; the estimate is truncated at zero.
    """
    total = sum(precisions)
    inverse = spd_inverse(total)
    fixed = dot(inverse, sum(dot(w, m) for w, m in zip(precisions, means)))
    q = sum(float(dot(dot(m - fixed, w), m - fixed)) for w, m in zip(precisions, means))
    expected = (len(means) - 1) * len(fixed)
    slope = np.trace(total) - np.trace(dot(inverse, sum(dot(w, w) for w in precisions)))
    return max(0.0, (q - expected) / slope)
