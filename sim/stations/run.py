"""A chunk's station summary: the engine's one entry to the station level.

For each block of a chunk's draws (:func:`block_draws` keeps a block's station arrays near
:data:`BLOCK_CELLS` numbers, so memory is bounded by the block, not by draws × stations):
the clean model under the draws' genuine national counts (:mod:`sim.stations.model`), the
observers' sample (drawn first: in the ``observed`` design their presence deters
manipulation), the manipulation that carries the genuine counts to the official ones
(:mod:`sim.stations.manipulation`), the quick count (:mod:`sim.stations.observers`), and
the per-draw summaries (:class:`sim.stations.summary.StationSummary`).
"""

from __future__ import annotations

import math

import numpy as np

from sim.ballot import Ballot
from sim.count.spec import CountModel
from sim.stations.counts import StationCounts, won_shares
from sim.stations.manipulation import manipulate
from sim.stations.model import NationalTotals, simulate_stations
from sim.stations.observers import choose, quick_count, srs_power
from sim.stations.screen import fingerprints_of
from sim.stations.spec import StationSpec
from sim.stations.summary import StationSummary

BLOCK_CELLS = 4_000_000  # station counts in one block (about 32 MB per int64 layer)
# Fingerprints cost more than the model (Kobak's test resamples every station), so they are
# computed on every FINGERPRINT_STRIDE-th draw of a block, with at least RESAMPLES resamples
# (more at a risk below 1/21: ``resamples``).
FINGERPRINT_STRIDE = 10
RESAMPLES = 20
FINGERPRINT_RISK = 0.05  # without observers, the risk the fingerprints' tests are read at


def resamples(risk: float) -> int:
    """Kobak's integer test's resamples at ``risk``: its smallest p-value is 1 / (1 +
    resamples), so at least ``1 / risk`` of them for the test to be able to flag at all."""
    return max(RESAMPLES, math.ceil(1 / risk - 1e-9))


def station_rows(spec: StationSpec, ballot: Ballot, count: CountModel) -> tuple[int, int]:
    """The ballot rows of the beneficiary (the inflation's list, else the station level's
    focal list, else the first) and of the focal list (the station level's, else the
    beneficiary)."""
    focal = ballot.row(spec.focal) if spec.focal is not None else None
    beneficiary = ballot.row(count.inflation.list) if count.inflation is not None else \
        focal if focal is not None else 0
    return beneficiary, beneficiary if focal is None else focal


def block_draws(n_stations: int, n_options: int) -> int:
    """Draws per block: at least one."""
    return max(1, BLOCK_CELLS // (n_stations * (n_options + 2)))


def new_summary(spec: StationSpec, options: tuple[str, ...], beneficiary: int) -> StationSummary:
    observers = None
    if spec.observers is not None:
        o = spec.observers
        observers = {"design": o.design, "size": o.size, "risk": o.risk,
                     "scope_stations": int(o.scope.sum())}
    return StationSummary(options, options[beneficiary], observers)


def summarise(spec: StationSpec, summary: StationSummary, genuine: NationalTotals,
              official: NationalTotals, beneficiary: int, focal: int,
              rng: np.random.Generator) -> None:
    """Add the station summaries of a block of draws to ``summary``."""
    frame = spec.frame
    true = simulate_stations(spec, genuine, rng, focal_row=focal)
    observers = spec.observers
    observed = exclude = None
    if observers is not None:
        observed = choose(observers, frame, true, beneficiary, rng)
        if observers.design == "observed":
            exclude = np.zeros(true.ballots.shape, dtype=bool)
            np.put_along_axis(exclude, observed, True, axis=1)
    records = manipulate(true, official, spec.manipulation, beneficiary, rng, exclude)
    registered = frame.registered.sum()
    fractions = {"official": _share(official.votes, beneficiary),
                 "genuine": _share(genuine.votes, beneficiary),
                 "counted": _share(records.counted.votes.sum(axis=-1).T, beneficiary),
                 "turnout_official": official.ballots / registered,
                 "turnout_true": genuine.ballots / registered,
                 "manipulated": records.manipulated.mean(axis=1),
                 "unplaced": records.unplaced / np.maximum(official.votes.sum(axis=0), 1)}
    flags: dict[str, np.ndarray] = {}
    observed_won = None
    if observers is not None and observed is not None:
        qc = quick_count(observers, frame, observed, true, records.counted,
                         fractions["official"], fractions["turnout_official"], beneficiary)
        low, high = qc.share.interval()
        half = observers.z_half
        flags = {"covered": (low <= qc.scope_share) & (qc.scope_share <= high),
                 "detect_share": qc.flag_share, "detect_turnout": qc.flag_turnout,
                 "detect": qc.share.flags(fractions["official"], half, qc.share_slack) |
                 qc.turnout.flags(fractions["turnout_official"], half, qc.turnout_slack)}
        delta = fractions["official"] - qc.scope_share
        scope = int(observers.scope.sum())
        power = np.array([srs_power(observers.size, scope, s, d, observers.risk)
                          if s > 0 else float(d > 0) for s, d in zip(qc.sigma, delta)])
        fractions |= {"estimate": qc.share.value, "low": low, "high": high,
                      "turnout_estimate": qc.turnout.value, "gap": qc.gap,
                      "sigma": qc.sigma, "analytic_power": power}
        observed_won = qc.won
    summary.add(fractions, won_shares(records.protocol.votes), observed_won, flags)
    kept = slice(0, None, FINGERPRINT_STRIDE)
    risk = FINGERPRINT_RISK if observers is None else observers.risk
    summary.add_fingerprints(
        {layer: layer_fingerprints(counts, kept, beneficiary, risk, rng)
         for layer, counts in (("clean", records.true), ("protocol", records.protocol))},
        frame.n_stations, risk)


def layer_fingerprints(counts: StationCounts, kept: slice, leader: int, risk: float,
                       rng: np.random.Generator) -> dict[str, np.ndarray]:
    """The fingerprints of the ``kept`` draws of a layer (ballots in the box standing for
    the ballots issued)."""
    return fingerprints_of(counts.registered, counts.ballots[kept], counts.ballots[kept],
                           counts.votes[kept], leader, counts.stratum, rng=rng,
                           resamples=resamples(risk))


def _share(votes: np.ndarray, row: int) -> np.ndarray:
    """The option's share of the valid votes, from ``(n_options, n_draws)`` votes."""
    return votes[row] / np.maximum(votes.sum(axis=0), 1)


def chunk_summary(spec: StationSpec, ballot: Ballot, count: CountModel, votes: np.ndarray,
                  invalid: np.ndarray, genuine: np.ndarray, true_turnout: np.ndarray,
                  rng: np.random.Generator) -> StationSummary:
    """The station summary of a chunk of draws, from its official ``votes`` ``(n_options,
    n)`` and ``invalid`` ``(n,)``, genuine shares ``(n_options, n)`` and true turnout
    ``(n,)`` (the count model's :class:`sim.count.official.OfficialCount` fields), block by
    block."""
    beneficiary, focal = station_rows(spec, ballot, count)
    summary = new_summary(spec, ballot.options, beneficiary)
    step = block_draws(spec.frame.n_stations, ballot.n_options)
    registered = int(spec.frame.registered.sum())
    for start in range(0, votes.shape[1], step):
        block = slice(start, start + step)
        summarise(spec, summary,
                  NationalTotals.genuine(true_turnout[block], invalid[block],
                                         genuine[:, block], registered),
                  NationalTotals.of(votes[:, block], invalid[block]), beneficiary, focal, rng)
    return summary
