"""Streaming accumulators of seat distributions: ``add(outcome)``, ``merge(other)``, ``to_dict()``.

Everything is accumulated in integers (histograms, counts, fixed-point sums), so merging is
exact: any chunking of the same draws gives the identical summary. Memory does not depend on
the number of draws.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.scenario import Scenario

SHARE_BINS = 2000  # vote-share histogram: 0.05-point bins
FIXED_POINT = 2.0 ** 32  # shares are summed as integers in units of 2**-32
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
TOP_COMPOSITIONS = 10


@dataclass(frozen=True, slots=True)
class Outcome:
    """Per-draw results of one chunk (draws axis first).

    Attributes
    ----------
    seats : ndarray of int, shape (n_draws, n_lists)
    passed : ndarray of bool, shape (n_draws, n_lists)
    shares : ndarray of float, shape (n_draws, n_options)
        Vote shares the seats were allocated from.
    runner_up : ndarray of bool, shape (n_draws,)
    """

    seats: np.ndarray
    passed: np.ndarray
    shares: np.ndarray
    runner_up: np.ndarray


@dataclass(frozen=True, slots=True)
class Layout:
    """The shape of a parliament, taken from a scenario once."""

    list_seats: int
    house: int
    n_options: int
    bloc_members: np.ndarray  # (n_blocs, n_lists) int: 1 where the list belongs to the bloc
    bloc_appointed: np.ndarray  # (n_blocs,) int: appointed seats credited to the bloc

    @classmethod
    def from_scenario(cls, scenario: Scenario) -> "Layout":
        members = np.array([[int(item.bloc == bloc.id) for item in scenario.lists]
                            for bloc in scenario.blocs], dtype=np.int64).reshape(
            len(scenario.blocs), len(scenario.lists))
        appointed = np.array([sum(a.seats for a in scenario.appointed if a.bloc == bloc.id)
                              for bloc in scenario.blocs], dtype=np.int64)
        return cls(scenario.system.seats, scenario.house, len(scenario.options), members,
                   appointed)


class SeatSummary:
    """Accumulates seat, share, bloc and composition distributions over draws."""

    def __init__(self, layout: Layout):
        n_lists = layout.bloc_members.shape[1]
        self.layout = layout
        self.draws = 0
        self.seat_hist = np.zeros((n_lists, layout.list_seats + 1), dtype=np.int64)
        self.passed = np.zeros(n_lists, dtype=np.int64)
        self.share_sum = np.zeros(layout.n_options, dtype=np.int64)
        self.share_hist = np.zeros((layout.n_options, SHARE_BINS), dtype=np.int64)
        self.bloc_hist = np.zeros((len(layout.bloc_appointed), layout.house + 1), dtype=np.int64)
        self.seated_hist = np.zeros(n_lists + 1, dtype=np.int64)
        self.runner_up = 0
        self.compositions: dict[int, np.ndarray] = {}  # mask -> [count, seat sums per list]

    def add(self, outcome: Outcome) -> None:
        seats = outcome.seats
        self.draws += len(seats)
        self.seat_hist += _row_histograms(seats, self.layout.list_seats + 1)
        self.passed += outcome.passed.sum(axis=0)
        self.share_sum += np.rint(outcome.shares * FIXED_POINT).astype(np.int64).sum(axis=0)
        bins = np.minimum((outcome.shares * SHARE_BINS).astype(np.int64), SHARE_BINS - 1)
        self.share_hist += _row_histograms(bins, SHARE_BINS)
        if len(self.layout.bloc_appointed):
            blocs = seats @ self.layout.bloc_members.T + self.layout.bloc_appointed
            self.bloc_hist += _row_histograms(blocs, self.layout.house + 1)
        seated = seats > 0
        self.seated_hist += np.bincount(seated.sum(axis=1), minlength=len(self.seated_hist))
        self.runner_up += int(outcome.runner_up.sum())
        self._add_compositions(seated, seats)

    def _add_compositions(self, seated: np.ndarray, seats: np.ndarray) -> None:
        masks = seated @ (1 << np.arange(seated.shape[1], dtype=np.int64))
        found, inverse, counts = np.unique(masks, return_inverse=True, return_counts=True)
        sums = np.stack([np.bincount(inverse, weights=seats[:, j], minlength=len(found))
                         for j in range(seats.shape[1])], axis=1).astype(np.int64)
        for mask, count, seat_sum in zip(found.tolist(), counts, sums):
            entry = np.concatenate(([count], seat_sum))
            if mask in self.compositions:
                self.compositions[mask] += entry
            else:
                self.compositions[mask] = entry

    def merge(self, other: "SeatSummary") -> "SeatSummary":
        """Add another summary's draws to this one (in place); returns self."""
        self.draws += other.draws
        for name in ("seat_hist", "passed", "share_sum", "share_hist", "bloc_hist",
                     "seated_hist"):
            getattr(self, name).__iadd__(getattr(other, name))
        self.runner_up += other.runner_up
        for mask, entry in other.compositions.items():
            if mask in self.compositions:
                self.compositions[mask] = self.compositions[mask] + entry
            else:
                self.compositions[mask] = entry.copy()
        return self

    def to_dict(self, scenario: Scenario) -> dict:
        """The summary, labelled with the scenario's names, ready for JSON."""
        n = self.draws
        lists = []
        for i, item in enumerate(scenario.lists):
            lists.append({
                "id": item.id, "name": item.name, "bloc": item.bloc,
                "seats": _histogram_stats(self.seat_hist[i]),
                "p_pass": _round(self.passed[i] / n),
                "share": self._share_stats(i),
            })
        document = {"draws": n, "lists": lists}
        if scenario.against_all_on_ballot:
            document["against_all"] = {"share": self._share_stats(len(scenario.lists))}
        document["blocs"] = [{
            "id": bloc.id, "name": bloc.name,
            "appointed": int(self.layout.bloc_appointed[b]),
            "seats": _histogram_stats(self.bloc_hist[b]),
            "majorities": {line.id: _round(self.bloc_hist[b][line.seats_needed(
                scenario.house):].sum() / n) for line in scenario.majorities},
        } for b, bloc in enumerate(scenario.blocs)]
        document["parliament"] = {
            "house": scenario.house,
            "list_seats": scenario.system.seats,
            "seats_needed": {line.id: line.seats_needed(scenario.house)
                             for line in scenario.majorities},
            "lists_seated": {str(k): _round(c / n) for k, c in enumerate(self.seated_hist) if c},
            "p_runner_up": _round(self.runner_up / n),
            "compositions": self._top_compositions(scenario),
        }
        return document

    def _share_stats(self, option: int) -> dict:
        cdf = np.cumsum(self.share_hist[option])
        low, high = (np.searchsorted(cdf, q * self.draws) for q in (0.05, 0.95))
        return {"mean": _round(self.share_sum[option] / FIXED_POINT / self.draws),
                "q05": _round((low + 0.5) / SHARE_BINS), "q95": _round((high + 0.5) / SHARE_BINS)}

    def _top_compositions(self, scenario: Scenario) -> list[dict]:
        # Most likely first; equal counts in mask order, so the listing is deterministic.
        ranked = sorted(self.compositions.items(), key=lambda item: (-item[1][0], item[0]))
        top = []
        for mask, entry in ranked[:TOP_COMPOSITIONS]:
            seated = [item.id for i, item in enumerate(scenario.lists) if mask >> i & 1]
            top.append({"lists": seated, "probability": _round(entry[0] / self.draws),
                         "mean_seats": {item.id: _round(entry[1 + i] / entry[0])
                                        for i, item in enumerate(scenario.lists)
                                        if mask >> i & 1}})
        return top


def _row_histograms(values: np.ndarray, size: int) -> np.ndarray:
    """Histogram of each column of ``values`` (draws, k) over 0..size-1: shape (k, size)."""
    k = values.shape[1]
    offsets = np.arange(k, dtype=np.int64) * size
    return np.bincount((values + offsets).ravel(), minlength=k * size).reshape(k, size)


def _histogram_stats(histogram: np.ndarray) -> dict:
    """Mean, sd, quantiles and the full histogram of an integer distribution."""
    n = histogram.sum()
    values = np.arange(len(histogram))
    mean = (values @ histogram) / n
    variance = ((values - mean) ** 2 @ histogram) / n
    cdf = np.cumsum(histogram)
    stats = {"mean": _round(mean), "sd": _round(np.sqrt(variance))}
    for q in QUANTILES:
        stats[f"q{round(q * 100):02d}"] = int(np.searchsorted(cdf, q * n))
    last = int(np.flatnonzero(histogram).max())
    stats["histogram"] = histogram[:last + 1].tolist()
    return stats


def _round(value) -> float:
    """Six decimals: enough for any figure we report, and stable across platforms' last bits."""
    return round(float(value), 6)
