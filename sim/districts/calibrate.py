"""The district spread, fitted from two consecutive elections' district results.

The model (:mod:`sim.districts.swing`) says that, given the national result, list ``l``'s
vote in district ``d`` is its swung profile ``u[l, d]`` times ``exp(sigma e[l, d])``,
normalised over the district's lists. Carrying the first election's profile to the second
election's *actual* national shares gives ``u``; the second election's district shares
``o`` then give residuals ``r = log(o / u)``. The normalisation adds one constant per
district, so the residuals are centred within each district (weighted by ``u``); for small
``sigma`` a centred residual has variance ``sigma**2 (1 - 2 u[l, d] + sum_k u[k, d]**2)``
plus the counting noise of a share, ``(1 - o) / (o N[d])`` for ``N[d]`` votes. So

    sigma**2 = (sum r_c**2 - sum counting) / sum (1 - 2 u + sum_k u_k**2)

over the cells where the list has at least :data:`MIN_SHARE` of the district in both
elections (a log scale exaggerates the noise of tiny shares). The interval resamples whole
districts (a bootstrap), so districts that move together widen it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.districts.profile import MultiMemberDistricts
from sim.districts.swing import swung

MIN_SHARE = 0.01
BOOTSTRAP = 2000


@dataclass(frozen=True, slots=True)
class SpreadFit:
    """A fitted district spread: the estimate, a 90% interval, and what it rests on."""

    estimate: float
    low: float
    high: float
    cells: int
    districts: int

    def fragment(self, note: str) -> str:
        """The fit as TOML for a scenario to extend (``[districts] spread``)."""
        return (f"[districts]\nspread = {{ triangular = [{self.low:.3f}, {self.estimate:.3f}, "
                f"{self.high:.3f}] }}  # estimate {self.estimate:.3f}\n"
                f"# {note}; {self.cells} list-district cells of {self.districts} districts, "
                f"90% interval by resampling districts ({BOOTSTRAP} times).\n")


def residual_terms(tier: MultiMemberDistricts, observed: np.ndarray, sizes: np.ndarray,
                   fitted: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Per district: the sums over its usable cells of the squared centred residuals, of
    their counting variance and of their variance factors, each ``(n_districts,)``; and
    the number of usable cells.

    Parameters
    ----------
    tier : MultiMemberDistricts
        The model, with the first election as its profile.
    observed : ndarray, shape (n_lists, n_districts)
        The second election's list votes in each district.
    sizes : ndarray, shape (n_districts,)
        The second election's list votes per district.
    fitted : ndarray of bool, shape (n_lists,)
        Lists whose cells count (parties with a profile; not aggregates of many parties,
        whose mixture moves for reasons of its own).
    """
    national = observed.sum(axis=1, keepdims=True)
    expected = swung(national, tier)[:, :, 0]
    expected = expected / expected.sum(axis=0)
    shares = observed / observed.sum(axis=0)
    usable = (expected >= MIN_SHARE) & (shares >= MIN_SHARE) & \
        (np.array(tier.patterned) & fitted)[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        residual = np.where(usable, np.log(shares / expected), 0.0)
    weight = np.where(usable, expected, 0.0)
    centred = residual - (weight * residual).sum(axis=0) / np.maximum(weight.sum(axis=0),
                                                                      1e-300)
    squares = np.where(usable, centred**2, 0.0).sum(axis=0)
    counting = np.where(usable, (1 - shares) / np.maximum(shares * sizes, 1e-300), 0.0)
    factor = np.where(usable, 1 - 2 * expected + (weight**2).sum(axis=0), 0.0)
    return squares, counting.sum(axis=0), factor.sum(axis=0), int(np.count_nonzero(usable))


def fit_spread(tier: MultiMemberDistricts, observed: np.ndarray, fitted: np.ndarray, *,
               rng: np.random.Generator) -> SpreadFit:
    """The spread that carries ``tier``'s profile to the ``observed`` district votes
    ``(n_lists, n_districts)``, from the cells of the ``fitted`` lists, with a 90% bootstrap
    interval over districts."""
    sizes = observed.sum(axis=0)
    squares, counting, factor, cells = residual_terms(tier, observed, sizes, fitted)

    def estimate(rows: np.ndarray) -> float:
        return float(np.sqrt(max(squares[rows].sum() - counting[rows].sum(), 0.0)
                             / max(factor[rows].sum(), 1e-300)))

    n = len(squares)
    every = np.arange(n)
    draws = rng.integers(0, n, size=(BOOTSTRAP, n))
    boot = np.array([estimate(rows) for rows in draws])
    low, high = np.quantile(boot, [0.05, 0.95])
    return SpreadFit(estimate(every), float(low), float(high), cells, n)
