"""Scores of a finished run against the count that really happened (docs/backtest.md).

Per list: is the official share (seat count) inside the central 90% interval, its PIT
(where it falls in the predicted distribution), the log score of the official seat count
and the CRPS of the official share. Everything is read off the run's integer histograms
(shares in bins of 1/2048, seats exactly), so no draw is kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict

import numpy as np

from sim.districts.profile import MultiMemberDistricts, observed_by_list
from sim.engine.simulate import Simulation
from sim.engine.statistics import FIXED_POINT, SHARE_BINS
from sim.errors import SimError
from sim.law.tally import Tally, official_shares

LEVEL = 0.90
LEVELS = np.round(np.arange(0.1, 1.0, 0.1), 2)  # nominal levels of the calibration picture
SUBDIVIDE = 8  # points per share bin when integrating the CRPS (F is linear inside a bin)


@dataclass(frozen=True, slots=True, kw_only=True)
class ListScore:
    """One list of one scenario against the count."""

    scenario: str
    election: str
    single_source: bool
    structural: bool  # the scenario multiplies its polls by the structural prior
    list: str
    official_share: float
    share_mean: float
    share_low: float
    share_high: float
    share_pit: float  # predicted P(share <= official)
    crps: float  # of the share, in shares (0.01 = one point)
    official_seats: int
    seats_mean: float
    seats_low: int
    seats_high: int
    seats_pit: float  # mid-PIT: P(seats < official) + P(seats = official) / 2
    log_score: float  # natural log of the predicted P(seats = official)
    seat_cdf: np.ndarray  # (list seats + 1,) predicted P(seats <= s)

    @property
    def share_inside(self) -> bool:
        return self.share_low <= self.official_share <= self.share_high

    @property
    def seats_inside(self) -> bool:
        return self.seats_low <= self.official_seats <= self.seats_high

    def covered(self, level: float) -> tuple[bool, bool]:
        """Official share and seats inside the central interval of ``level``."""
        tail = (1 - level) / 2
        low, high = np.searchsorted(self.seat_cdf, np.array([tail, 1 - tail]) - 1e-12)
        return (tail <= self.share_pit <= 1 - tail,
                bool(low <= self.official_seats <= high))


def _share_cdf(histogram: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Grid of shares and the predicted CDF on it, linear inside each bin."""
    edges = np.concatenate([[0.0], np.cumsum(histogram) / histogram.sum()])
    grid = np.linspace(0.0, 1.0, SHARE_BINS * SUBDIVIDE + 1)
    return grid, np.interp(grid, np.linspace(0.0, 1.0, SHARE_BINS + 1), edges)


def _crps(grid: np.ndarray, cdf: np.ndarray, observed: float) -> float:
    """Integral of (F(x) - 1{x >= observed})^2 over [0, 1]: F^2 below the observed share,
    (1 - F)^2 above it, trapezoid rule on the grid with the observed share inserted."""
    at = np.searchsorted(grid, observed)
    middle = np.interp(observed, grid, cdf)
    below_x, below_f = np.append(grid[:at], observed), np.append(cdf[:at], middle)
    above_x, above_f = np.insert(grid[at:], 0, observed), 1 - np.insert(cdf[at:], 0, middle)
    return float(np.trapezoid(below_f**2, below_x) + np.trapezoid(above_f**2, above_x))


def score(simulation: Simulation, tally: Tally, *, name: str) -> list[ListScore]:
    """Every list of the simulated scenario scored against ``tally``.

    Parameters
    ----------
    simulation : Simulation
    tally : Tally
        The observed count; its list ids must be the scenario's.
    name : str
        The scenario's name in the scores (e.g. its file's stem).
    """
    scenario, summary = simulation.scenario, simulation.summary
    ids = [item.id for item in scenario.lists]
    by_group = isinstance(scenario.districts, MultiMemberDistricts) and tally.pr_districts
    missing = [] if by_group else [i for i in ids if i not in tally.lists]
    if missing:
        raise SimError(f"{tally.path}: has no list {missing[0]!r} of {scenario.path} "
                       "(the observed count must use the scenario's list ids)")
    if tally.system.seats != scenario.system.seats:
        raise SimError(f"{tally.path}: {tally.system.seats} list seats, but {scenario.path} "
                       f"has {scenario.system.seats}")
    shares, seats = _by_national_group(scenario, tally) if by_group else \
        (official_shares(tally), tally.official or {})
    single = scenario.model.combine == "mixture" and \
        sum(source.weight > 0 for source in scenario.sources) == 1
    tail = (1 - LEVEL) / 2
    scores = []
    for row, list_id in enumerate(ids):
        if scenario.lists[row].aggregate and list_id not in seats:
            continue  # an aggregate takes no seat: there is nothing of it to score
        if list_id not in seats:
            raise SimError(f"{tally.path}: [official] gives no seats for {list_id!r}")
        grid, cdf = _share_cdf(summary.share_hist[row])
        observed = shares[list_id]
        hist = summary.seat_hist[row]
        y = seats[list_id]
        scores.append(ListScore(
            scenario=name, election=tally.title, single_source=single,
            structural=scenario.model.structural.active, list=list_id,
            official_share=observed,
            share_mean=summary.share_sum[row] / FIXED_POINT / hist.sum(),
            share_low=float(np.interp(tail, cdf, grid)),
            share_high=float(np.interp(1 - tail, cdf, grid)),
            share_pit=float(np.interp(observed, grid, cdf)), crps=_crps(grid, cdf, observed),
            official_seats=y, **_seat_scores(hist, y), seat_cdf=np.cumsum(hist) / hist.sum()))
    return scores


class SeatScores(TypedDict):
    """What a seat histogram says of an official seat count (fields of both score kinds)."""

    seats_mean: float
    seats_low: int
    seats_high: int
    seats_pit: float
    log_score: float


def _seat_scores(hist: np.ndarray, y: int) -> SeatScores:
    """Mean, central 90% interval, mid-PIT and log score of ``y`` seats under the integer
    histogram ``hist``."""
    tail = (1 - LEVEL) / 2
    n = hist.sum()
    cumulative = np.cumsum(hist)
    below = cumulative[y - 1] / n if y > 0 else 0.0
    return SeatScores(seats_mean=float(np.arange(len(hist)) @ hist / n),
                      seats_low=int(np.searchsorted(cumulative, tail * n)),
                      seats_high=int(np.searchsorted(cumulative, (1 - tail) * n)),
                      seats_pit=float(below + hist[y] / n / 2),
                      # a seat count no draw reached scores as half a draw: finite, still bad
                      log_score=float(np.log(max(hist[y], 0.5) / n)))


def _by_national_group(scenario, tally: Tally) -> tuple[dict[str, float], dict[str, int]]:
    """Official shares of the list votes and seats of each scenario list, from a districts
    tally whose candidacies belong to national groups."""
    tier = scenario.districts
    votes, seats = observed_by_list(tally, scenario.list_ids, scenario.ballot.aggregates,
                                    tier.proxy_sets(), tier.names)
    national = votes.sum(axis=1)
    shares = dict(zip(scenario.list_ids, (national / national.sum()).tolist()))
    return shares, {list_id: int(n) for list_id, n, item in
                    zip(scenario.list_ids, seats.sum(axis=1), scenario.lists)
                    if not item.aggregate}


@dataclass(frozen=True, slots=True, kw_only=True)
class DistrictScore:
    """One list in one multi-member district against the official seats there."""

    scenario: str
    district: str
    list: str
    official_seats: int
    seats_mean: float
    seats_low: int
    seats_high: int
    seats_pit: float
    log_score: float

    @property
    def seats_inside(self) -> bool:
        return self.seats_low <= self.official_seats <= self.seats_high


def district_scores(simulation: Simulation, tally: Tally, *, name: str
                    ) -> list[DistrictScore]:
    """Every list that won a seat in a district, in the official count or in any draw,
    scored by its seat distribution there (empty without multi-member districts)."""
    scenario, summary = simulation.scenario, simulation.summary
    tier = scenario.districts
    if not isinstance(tier, MultiMemberDistricts) or not tally.pr_districts:
        return []
    _votes, official = observed_by_list(tally, scenario.list_ids, scenario.ballot.aggregates,
                                        tier.proxy_sets(), tier.names)
    scores = []
    for d, district in enumerate(tier.names):
        for row, item in enumerate(scenario.lists):
            hist = summary.district_hist[row, d]
            y = int(official[row, d])
            if item.aggregate or (y == 0 and not hist[1:].any()):
                continue
            scores.append(DistrictScore(scenario=name, district=district, list=item.id,
                                        official_seats=y, **_seat_scores(hist, y)))
    return scores


def coverage(scores: list[ListScore], levels=LEVELS) -> tuple[np.ndarray, np.ndarray]:
    """Shares and seats inside the central intervals of each nominal level: two arrays of
    shape (len(levels),)."""
    inside = np.array([[s.covered(level) for s in scores] for level in levels], dtype=float)
    return inside[:, :, 0].mean(axis=1), inside[:, :, 1].mean(axis=1)


def summary_row(scores: list[ListScore]) -> dict:
    """Coverage at 90%, mean log score and mean CRPS of a group of scored lists, and the
    mean width of the 90% share interval of each scenario's largest list (officially)."""
    largest: dict[str, ListScore] = {}
    for s in scores:
        if s.scenario not in largest or s.official_share > largest[s.scenario].official_share:
            largest[s.scenario] = s
    return {
        "lists": len(scores),
        "share_coverage": float(np.mean([s.share_inside for s in scores])),
        "seat_coverage": float(np.mean([s.seats_inside for s in scores])),
        "log_score": float(np.mean([s.log_score for s in scores])),
        "crps": float(np.mean([s.crps for s in scores])),
        "largest_width": float(np.mean([s.share_high - s.share_low
                                        for s in largest.values()])),
    }
