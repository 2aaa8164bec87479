"""Station fingerprints: the statistics that published station results are tested with.

Every function takes integer station counts with any leading axes (``...`` below: ``()``
for one election, ``(n_draws,)`` for simulated draws) and the stations last, and returns
its statistic with the same leading axes, so the engine calls it once per block of draws
and ``elsim stations`` once on a published file. Notation, for station ``i``:

- ``n_i`` registered voters, ``b_i`` ballots in the box (valid and invalid), ``g_i``
  ballots issued (Kobak et al.'s turnout numerator; ``b_i`` when the source has no such
  line), ``L_i`` the leader's votes, ``O_i`` the other lists' votes (valid minus ``L_i``);
- turnout ``t_i = b_i / n_i`` and the leader's share ``s_i = L_i / b_i`` (of all ballots
  in the box, as the Russian CEC and Kobak et al. count it).

A station with ``n_i = 0`` or ``b_i = 0`` has no turnout or share and is left out of every
statistic. Bins, integer percentages and last digits are decided in integer arithmetic
(``floor(k b / n)`` as ``(k * b) // n``), so no rounding of a quotient moves a station
between bins: the results are the same bits on any CPU. The statistics that are sums of
floats (the slope, the correlation) are summaries printed to a reader, never fed back into
a count.

The fingerprints and their references:

- :func:`turnout_share_histogram`: the 2-D histogram of ``(t_i, s_i)`` (Klimek, Yegorov,
  Hanel & Thurner, "Statistical detection of systematic election irregularities", PNAS
  109(41), 2012: a clean election is one blob; incremental stuffing smears it towards
  high turnout and share, extreme stuffing piles stations near 100% / 100%);
  :func:`comet` its summaries: the share of stations in the high-turnout, high-share
  corner and Shpilkin's excess (below);
- :func:`integer_excess`: stations whose turnout or share lies within 0.05 points of a
  whole percent, beyond what binomial resampling of every station expects (Kobak,
  Shpilkin & Pshenichnikov, "Integer percentages as electoral falsification
  fingerprints", Annals of Applied Statistics 10(1), 2016; their code and inclusion rule:
  github.com/dkobak/elections);
- :func:`last_digits`: Pearson's chi-square of the last digits of the vote counts against
  uniform (Beber & Scacco, "What the numbers say", Political Analysis 20(2), 2012);
- :func:`turnout_share_relation`: the correlation and least-squares slope of ``s_i`` on
  ``t_i``, overall and within strata: the confounder (rural stations vote more and more
  for the ruling list) that makes the other fingerprints fire on clean elections unless
  the clean model has it too.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import chdtrc

PERCENT_BINS = 100  # 1-point bins of turnout and share
# The comet's mode is looked for below 95% turnout: extreme stuffing piles stations at 100%,
# and their honest other-list votes, all in one bin, could outnumber any bin of the body.
MODE_BELOW = 95


def _leading(counts: np.ndarray) -> tuple[int, ...]:
    return counts.shape[:-1]


def _present(registered: np.ndarray, ballots: np.ndarray) -> np.ndarray:
    """Stations with a turnout and a share: ``n_i > 0`` and ``b_i > 0``, bool ``(...,
    n_stations)``."""
    return (registered > 0) & (ballots > 0)


def percent_bin(numerator: np.ndarray, denominator: np.ndarray,
                bins: int = PERCENT_BINS) -> np.ndarray:
    """``min(floor(bins * a / d), bins - 1)`` in integers (0 where ``d = 0``): the bin of
    a proportion ``a / d`` in ``[0, 1]`` among ``bins`` equal bins, the last one closed.

    ``numerator`` and ``denominator`` int, broadcastable; returns int64."""
    numerator = np.asarray(numerator, dtype=np.int64)
    denominator = np.asarray(denominator, dtype=np.int64)
    index = (bins * numerator) // np.maximum(denominator, 1)
    return np.minimum(index, bins - 1)


def _bincount(index: np.ndarray, keep: np.ndarray, size: int,
              weights: np.ndarray | None = None) -> np.ndarray:
    """Counts (or weighted sums) of ``index`` in ``[0, size)`` along the last axis, where
    ``keep``: shape ``(..., size)``, one ``bincount`` over every leading row at once."""
    leading = _leading(index)
    rows = int(np.prod(leading, dtype=np.int64))
    flat = index.reshape(rows, -1) + size * np.arange(rows)[:, None]
    mask = np.broadcast_to(keep, index.shape).reshape(rows, -1)
    chosen = None if weights is None else \
        np.broadcast_to(weights, index.shape).reshape(rows, -1)[mask]
    counted = np.bincount(flat[mask], weights=chosen, minlength=rows * size)
    if weights is not None and np.issubdtype(np.asarray(weights).dtype, np.integer):
        counted = np.rint(counted).astype(np.int64)  # integer sums below 2**53: exact
    return counted.reshape(*leading, size)


def turnout_share_histogram(registered: np.ndarray, ballots: np.ndarray,
                            leader: np.ndarray, bins: int = PERCENT_BINS) -> np.ndarray:
    """Stations by turnout bin and leader's-share bin (Klimek et al. 2012, figure 1).

    ``H[..., j, k] = #{i : floor(bins t_i) = j, floor(bins s_i) = k}`` (the last bin of
    each axis closed at 1).

    Parameters
    ----------
    registered : int (n_stations,) or (..., n_stations)
    ballots, leader : int (..., n_stations)

    Returns
    -------
    int64 (..., bins, bins): turnout first, share second.
    """
    keep = _present(registered, ballots)
    cell = percent_bin(ballots, registered, bins) * bins + percent_bin(leader, ballots, bins)
    return _bincount(cell, keep, bins * bins).reshape(*_leading(cell), bins, bins)


@dataclass(frozen=True, slots=True)
class Comet:
    """The comet's summaries, each with the leading draw axes ``(...)``.

    Attributes
    ----------
    corner : float
        Share of the stations with ``t_i >= corner_at`` and ``s_i >= corner_at``.
    mode_turnout : int
        The 1-point turnout bin below 95% where the other lists' votes peak (bin ``m`` holds
        turnouts in ``[m, m + 1)`` %).
    ratio : float
        The leader's votes per other lists' vote in that bin.
    excess : float
        Shpilkin's excess: the leader's votes, in the bins above the mode, beyond that
        ratio times the other lists' votes there.
    leader_share : float
        The leader's share of all ballots, and ``clean_share`` the same with the excess
        taken out of the leader's votes and of the ballots.
    """

    corner: np.ndarray
    mode_turnout: np.ndarray
    ratio: np.ndarray
    excess: np.ndarray
    leader_share: np.ndarray
    clean_share: np.ndarray


def comet(registered: np.ndarray, ballots: np.ndarray, leader: np.ndarray,
          valid: np.ndarray, *, corner_at: float = 0.8) -> Comet:
    """The comet's corner and Shpilkin's estimate of the leader's anomalous votes.

    With ``B_m = {i : floor(100 t_i) = m}`` and ``L_m``, ``O_m`` the leader's and the other
    lists' votes summed over ``B_m``: the mode is ``m* = argmax_{m < 95} O_m`` (the other
    lists' votes are taken as unaffected by stuffing, so their peak marks the honest turnout;
    below 95%, where extreme stuffing does not pile stations up),
    ``r = L_m* / O_m*``, and

        excess = sum_{m > m*} (L_m - r O_m).

    Shpilkin (e.g. "2021 State Duma elections: first statistical estimates",
    russian-election-monitor.org, 27 September 2021) draws the other lists' votes by
    turnout, scaled to meet the leader's at low turnout, and reads the leader's votes above
    that line as stuffed or rewritten. A clean election with the rural confounder has an
    excess too (``r`` grows with turnout), which is why it is shown beside a clean model's.

    Parameters
    ----------
    registered : int (n_stations,) or (..., n_stations)
    ballots, leader, valid : int (..., n_stations); ``valid >= leader``
    corner_at : float
        The corner's lower edge, for turnout and share alike.

    Returns
    -------
    Comet
    """
    keep = _present(registered, ballots)
    turnout_bin = percent_bin(ballots, registered)
    others = valid - leader
    by_bin_leader = _bincount(turnout_bin, keep, PERCENT_BINS, leader)
    by_bin_others = _bincount(turnout_bin, keep, PERCENT_BINS, others)
    mode = np.argmax(by_bin_others[..., :MODE_BELOW], axis=-1)
    at_mode = mode[..., None]
    ratio = (np.take_along_axis(by_bin_leader, at_mode, -1)
             / np.maximum(np.take_along_axis(by_bin_others, at_mode, -1), 1))[..., 0]
    above = np.arange(PERCENT_BINS) > at_mode
    excess = np.where(above, by_bin_leader - ratio[..., None] * by_bin_others, 0.0).sum(-1)
    total_leader = np.where(keep, leader, 0).sum(-1)
    total_ballots = np.where(keep, ballots, 0).sum(-1)
    # t >= c and s >= c in integers: b >= c n and L >= c b, with c as a fraction of 10**6.
    scaled = round(corner_at * 10**6)
    in_corner = keep & (10**6 * ballots >= scaled * registered) & \
        (10**6 * leader >= scaled * ballots)
    stations = np.maximum(keep.sum(-1), 1)
    return Comet(corner=in_corner.sum(-1) / stations, mode_turnout=mode, ratio=ratio,
                 excess=excess, leader_share=total_leader / np.maximum(total_ballots, 1),
                 clean_share=(total_leader - excess)
                 / np.maximum(total_ballots - excess, 1))


# Kobak et al.'s inclusion rule (their code): stations of at least 100 registered voters,
# with turnout and share at most 99% (a station at 100% is whole by force, not by choice).
MIN_REGISTERED = 100
MAX_PROPORTION = 0.99


def whole_percent(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """Whether ``100 a / d`` lies within 0.05 of a whole number (bool, same shape).

    In integers: with ``q = 2000 a mod 20 d``, the distance of ``100 a / d`` to the nearest
    whole number is ``min(q, 20 d - q) / (20 d)``, within 0.05 when ``min(q, 20 d - q) <=
    d``. False where ``d = 0``."""
    numerator = np.asarray(numerator, dtype=np.int64)
    denominator = np.asarray(denominator, dtype=np.int64)
    period = 20 * np.maximum(denominator, 1)
    q = (2000 * numerator) % period
    return (np.minimum(q, period - q) <= denominator) & (denominator > 0)


@dataclass(frozen=True, slots=True)
class IntegerExcess:
    """Kobak et al.'s integer-percentage test, each with the leading axes ``(...)``.

    Attributes
    ----------
    observed : int
        Included stations whose turnout or share is a whole percent (within 0.05 points).
    expected : float
        The mean of the same count over the binomial resamples, and ``sd`` its standard
        deviation over them.
    excess : float
        ``observed - expected``.
    p_value : float
        ``(1 + #{resamples with a count >= observed}) / (1 + resamples)``.
    stations : int
        The stations included.
    """

    observed: np.ndarray
    expected: np.ndarray
    sd: np.ndarray
    excess: np.ndarray
    p_value: np.ndarray
    stations: np.ndarray


def integer_excess(registered: np.ndarray, issued: np.ndarray, ballots: np.ndarray,
                   leader: np.ndarray, *, rng: np.random.Generator,
                   resamples: int = 100) -> IntegerExcess:
    """Stations at a whole-percent turnout or share, beyond binomial chance.

    Included: ``n_i >= 100``, ``b_i > 0``, ``g_i / n_i <= 0.99`` and ``s_i <= 0.99``. A
    station counts when ``100 g_i / n_i`` or ``100 L_i / b_i`` lies within 0.05 of a whole
    number (:func:`whole_percent`). The count expected by chance comes from resampling
    every included station, as Kobak et al. do: ``g* ~ Binomial(n_i, g_i / n_i)`` and
    ``L* ~ Binomial(b_i, L_i / b_i)``, independently, ``resamples`` times. A station of
    1,000 voters reaches a whole percent at about one value in ten of each count, so about
    19% of the stations are "whole" by chance; the resampling gives that share for the
    actual sizes and proportions, small stations included.

    Parameters
    ----------
    registered : int (n_stations,) or (..., n_stations)
    issued : int (..., n_stations)
        Ballots issued (Kobak et al.'s turnout numerator); pass ``ballots`` when the source
        has no such line.
    ballots, leader : int (..., n_stations)
    rng : numpy.random.Generator
        Draws the resamples (a child stream of the caller's SeedSequence).
    resamples : int
        Kobak et al. used 1,000; the expected count's error is ``sd / sqrt(resamples)``.

    Returns
    -------
    IntegerExcess
    """
    registered = np.broadcast_to(registered, ballots.shape)
    keep = (registered >= MIN_REGISTERED) & (ballots > 0) & \
        (100 * issued <= 99 * registered) & (100 * leader <= 99 * ballots)
    observed = (keep & (whole_percent(issued, registered)
                        | whole_percent(leader, ballots))).sum(-1)
    size_t = np.where(keep, registered, 0)
    size_s = np.where(keep, ballots, 0)
    p_t = np.where(keep, issued / np.maximum(size_t, 1), 0.0)
    p_s = np.where(keep, leader / np.maximum(size_s, 1), 0.0)
    counts = np.empty((resamples, *observed.shape), dtype=np.int64)
    for r in range(resamples):  # one resample at a time: memory of one set of stations
        t = rng.binomial(size_t, p_t)
        s = rng.binomial(size_s, p_s)
        counts[r] = (keep & (whole_percent(t, size_t) | whole_percent(s, size_s))).sum(-1)
    expected = counts.mean(axis=0)
    return IntegerExcess(observed=observed, expected=expected, sd=counts.std(axis=0),
                         excess=observed - expected,
                         p_value=(1 + (counts >= observed).sum(axis=0)) / (1 + resamples),
                         stations=keep.sum(-1))


@dataclass(frozen=True, slots=True)
class LastDigits:
    """The last-digit test, each with the leading axes ``(...)``.

    Attributes
    ----------
    frequencies : int (..., 10)
        How many counts end in 0, 1, ..., 9.
    chi2 : float
        Pearson's statistic against uniform digits; ``p_value`` its chi-square tail (9
        degrees of freedom); ``counts`` the number of counts tested.
    """

    frequencies: np.ndarray
    chi2: np.ndarray
    p_value: np.ndarray
    counts: np.ndarray


def last_digits(votes: np.ndarray, *, min_count: int = 100) -> LastDigits:
    """Pearson's chi-square of the last digits of every list's count at every station.

    With ``f_d`` the number of counts ``>= min_count`` ending in digit ``d`` and ``N`` their
    number, ``chi2 = sum_d (f_d - N/10)**2 / (N/10)``, referred to chi-square with 9 degrees
    of freedom (Beber & Scacco 2012). Small counts are left out because their last digit
    is their value, and values are not uniform; even above 100 a falling density of counts
    tilts the digits slightly towards 0, which 100,000 counts detect, so the statistic is
    read beside a clean model's, not against its nominal p-value alone.

    Parameters
    ----------
    votes : int (..., n_lists, n_stations)
    min_count : int

    Returns
    -------
    LastDigits
    """
    flat = votes.reshape(*votes.shape[:-2], -1)
    frequencies = _bincount(flat % 10, flat >= min_count, 10)
    total = frequencies.sum(-1)
    expected = np.maximum(total, 1)[..., None] / 10
    # No count tested: nothing departs from uniform (chi-square 0, p-value 1).
    chi2 = np.where(total > 0, ((frequencies - expected) ** 2 / expected).sum(-1), 0.0)
    return LastDigits(frequencies=frequencies, chi2=chi2, p_value=chdtrc(9, chi2),
                      counts=total)


@dataclass(frozen=True, slots=True)
class Relation:
    """Turnout against the leader's share, each with the leading axes ``(...)``.

    Attributes
    ----------
    correlation, slope : float
        Pearson's correlation of ``s_i`` and ``t_i`` over the stations, and the
        least-squares slope of ``s_i`` on ``t_i``.
    within_correlation, within_slope : float
        The same after taking out each stratum's (region's) mean turnout and share.
    """

    correlation: np.ndarray
    slope: np.ndarray
    within_correlation: np.ndarray
    within_slope: np.ndarray


def turnout_share_relation(registered: np.ndarray, ballots: np.ndarray,
                           leader: np.ndarray, stratum: np.ndarray | None = None,
                           ) -> Relation:
    """Correlation and slope of the leader's share on turnout, overall and within strata.

    ``slope = cov(t, s) / var(t)`` and ``correlation = cov(t, s) / sqrt(var(t) var(s))``
    over the stations with a turnout; "within" uses ``t_i - mean_{g(i)} t`` and ``s_i -
    mean_{g(i)} s``, the means over station ``i``'s stratum ``g(i)``.

    Parameters
    ----------
    registered : int (n_stations,) or (..., n_stations)
    ballots, leader : int (..., n_stations)
    stratum : int (n_stations,), optional
        Each station's stratum (0, 1, ...); without it, "within" equals overall.

    Returns
    -------
    Relation
    """
    keep = _present(registered, ballots)
    t = np.where(keep, ballots / np.maximum(registered, 1), 0.0)
    s = np.where(keep, leader / np.maximum(ballots, 1), 0.0)
    overall = _moments(t, s, keep)
    if stratum is None:
        return Relation(*overall, *overall)
    groups = int(stratum.max()) + 1
    index = np.broadcast_to(stratum, t.shape)
    size = np.maximum(_bincount(index, keep, groups), 1)
    mean_t = _bincount(index, keep, groups, t) / size
    mean_s = _bincount(index, keep, groups, s) / size
    within = _moments(t - np.take_along_axis(mean_t, index, -1),
                      s - np.take_along_axis(mean_s, index, -1), keep)
    return Relation(*overall, *within)


def _moments(t: np.ndarray, s: np.ndarray, keep: np.ndarray
             ) -> tuple[np.ndarray, np.ndarray]:
    n = np.maximum(keep.sum(-1), 1)
    dt = np.where(keep, t - (t * keep).sum(-1, keepdims=True) / n[..., None], 0.0)
    ds = np.where(keep, s - (s * keep).sum(-1, keepdims=True) / n[..., None], 0.0)
    cov, var_t, var_s = (dt * ds).sum(-1), (dt * dt).sum(-1), (ds * ds).sum(-1)
    return cov / np.sqrt(np.maximum(var_t * var_s, 1e-300)), cov / np.maximum(var_t, 1e-300)
