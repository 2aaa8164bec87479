"""Per-draw station summaries, accumulated over draws: ``add``, ``merge``, ``to_dict``.

Kept small (no station arrays in result files): per draw, a handful of fractions (the
beneficiary's official, genuine and counted shares; the quick count's estimate and interval;
the turnouts; each option's share of stations won), and counts of draws (interval covering
the truth, detection by each test). Fractions are summed in fixed point and binned as the
seat summary's shares (:mod:`sim.engine.statistics`), so merging chunks is exact and the
document is the same for any chunking or executor.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sim import portable
from sim.engine.statistics import (
    SHARE_BINS,
    add_fractions,
    exact_sums,
    fraction_stats,
    rounded,
    row_histograms,
)
from sim.stations.observers import srs_sample_size

# Per-draw fractions in [0, 1], by name; "gap" (official minus the quick count, in [-1, 1])
# is kept as (gap + 1) / 2.
FRACTIONS = ("official", "genuine", "counted", "estimate", "low", "high", "turnout_official",
             "turnout_true", "turnout_estimate", "gap", "sigma", "analytic_power",
             "manipulated", "unplaced")
FLAGS = ("covered", "detect_share", "detect_turnout", "detect")
SIGNED = ("gap", "integer_excess", "correlation")
# Fingerprints of a layer per draw (sim.stations.screen.fingerprints_of): the integer-percent
# excess as a share of the stations, the comet's corner, the turnout-share correlation; and
# whether Kobak et al.'s integer test and the last-digit test flag at the stated risk (the
# last-digit test's nominal p-value false-alarms well above it on clean elections, so its
# flag is read against the clean layer's distribution of the same run: DIGIT_SCALE).
LAYERS = ("clean", "protocol")
PRINTS = ("integer_excess", "corner", "correlation")
PRINT_FLAGS = ("integer_flag", "digits_nominal")
# The last-digit p-values are binned as -ln(p) / DIGIT_SCALE (p down to e^-40 ~ 4e-18 apart,
# bins of 0.02 in ln p), so the clean layer's risk quantile merges exactly across chunks.
DIGIT_SCALE = 40.0


class StationSummary:
    """Accumulates the station summaries of draws."""

    def __init__(self, options: tuple[str, ...], beneficiary: str, observers: dict | None):
        self.options, self.beneficiary, self.observers = options, beneficiary, observers
        self.draws = 0
        self.names = FRACTIONS if observers else FRACTIONS[:3] + ("turnout_official",
                                                                  "turnout_true",
                                                                  "manipulated",
                                                                  "unplaced")
        self.sums = exact_sums(len(self.names))
        self.hist = np.zeros((len(self.names), SHARE_BINS), dtype=np.int64)
        # each option's share of the stations it won: all stations, and the observed ones
        self.won_sums = exact_sums(2 * len(options))
        self.won_hist = np.zeros((2 * len(options), SHARE_BINS), dtype=np.int64)
        self.flags = np.zeros(len(FLAGS), dtype=np.int64)
        self.printed = 0  # draws whose fingerprints were computed
        self.print_sums = exact_sums(len(LAYERS) * len(PRINTS))
        self.print_hist = np.zeros((len(LAYERS) * len(PRINTS), SHARE_BINS), dtype=np.int64)
        self.print_flags = np.zeros(len(LAYERS) * len(PRINT_FLAGS), dtype=np.int64)
        self.digit_hist = np.zeros((len(LAYERS), SHARE_BINS), dtype=np.int64)
        self.print_risk = 0.0

    def add(self, fractions: dict[str, np.ndarray], won: np.ndarray,
            observed_won: np.ndarray | None, flags: dict[str, np.ndarray]) -> None:
        """One block: ``fractions`` float ``(n_draws,)`` by name, ``won`` and
        ``observed_won`` ``(n_draws, n_options)``, ``flags`` bool ``(n_draws,)``."""
        rows = np.stack([(fractions[name] + 1) / 2 if name in SIGNED else fractions[name]
                         for name in self.names])
        add_fractions(np.clip(rows, 0.0, 1.0 - 1e-12), self.sums, self.hist)
        both = won.T if observed_won is None else np.concatenate([won.T, observed_won.T])
        if observed_won is None:
            both = np.concatenate([both, np.zeros_like(both)])
        add_fractions(np.clip(both, 0.0, 1.0 - 1e-12), self.won_sums, self.won_hist)
        self.flags += [int(np.count_nonzero(flags[name])) if name in flags else 0
                       for name in FLAGS]
        self.draws += won.shape[0]

    def add_fingerprints(self, layers: dict[str, dict[str, np.ndarray]], stations: int,
                         risk: float) -> None:
        """The fingerprints of some draws, by layer (``fingerprints_of``'s fields)."""
        rows, flags, digits = [], [], []
        for layer in LAYERS:
            prints = layers[layer]
            rows += [prints["integer_excess"] / stations, prints["corner"],
                     np.nan_to_num(prints["correlation"])]
            flags += [prints["integer_p"] < risk, prints["last_digit_p"] < risk]
            p = np.clip(np.nan_to_num(prints["last_digit_p"], nan=1.0), 1e-300, 1.0)
            digits.append(np.minimum(-portable.log(p) / DIGIT_SCALE * SHARE_BINS,
                                     SHARE_BINS - 1).astype(np.int64))
        self.digit_hist += row_histograms(np.stack(digits), SHARE_BINS)
        self.print_risk = risk
        values = np.stack([(row + 1) / 2 if PRINTS[i % len(PRINTS)] in SIGNED else row
                           for i, row in enumerate(rows)])
        add_fractions(np.clip(values, 0.0, 1.0 - 1e-12), self.print_sums, self.print_hist)
        self.print_flags += [int(np.count_nonzero(flag)) for flag in flags]
        self.printed += rows[0].shape[0]

    def merge(self, other: StationSummary) -> StationSummary:
        self.draws += other.draws
        self.printed += other.printed
        self.print_risk = max(self.print_risk, other.print_risk)
        for name in ("sums", "hist", "won_sums", "won_hist", "flags", "print_sums",
                     "print_hist", "print_flags", "digit_hist"):
            getattr(self, name).__iadd__(getattr(other, name))
        return self

    def _stats(self, row: int, name: str, prints: bool = False) -> dict:
        sums, hist = (self.print_sums, self.print_hist) if prints else (self.sums, self.hist)
        stats = fraction_stats(sums[row], hist[row], self.printed if prints else self.draws)
        if name in SIGNED:
            stats = {key: rounded(2 * value - 1) for key, value in stats.items()}
        return stats

    def _digits_cut(self) -> int:
        """The first bin of last-digit p-values flagged: the lowest such that at most the
        risk's share of the clean draws lies in it or above (smaller p), so the clean
        election false-alarms at most the stated risk by construction; the protocols'
        flag is their share at or above it."""
        above = self.printed - np.concatenate([[0], np.cumsum(self.digit_hist[0])])
        return int(np.argmax(above <= self.print_risk * self.printed))

    def to_dict(self) -> dict[str, Any]:
        n = self.draws
        stats = {name: self._stats(row, name) for row, name in enumerate(self.names)}
        k = len(self.options)
        document: dict[str, Any] = {
            "beneficiary": self.beneficiary,
            "share": {name: stats[name] for name in ("official", "genuine", "counted")},
            "turnout": {"official": stats["turnout_official"],
                        "true": stats["turnout_true"]},
            "manipulated_stations": stats["manipulated"],
            "unplaced": stats["unplaced"],
            "stations_won": {option: fraction_stats(self.won_sums[i], self.won_hist[i], n)
                             for i, option in enumerate(self.options)},
        }
        if self.printed:
            cut = self._digits_cut()
            document["fingerprints"] = {
                "draws": self.printed,
                "digits_critical_p": rounded(float(portable.exp(
                    np.array([-cut / SHARE_BINS * DIGIT_SCALE]))[0])),
                **{layer: {
                    **{name: self._stats(k * len(PRINTS) + i, name, prints=True)
                       for i, name in enumerate(PRINTS)},
                    **{f"p_{name}": rounded(self.print_flags[k * len(PRINT_FLAGS) + i] /
                                            self.printed)
                       for i, name in enumerate(PRINT_FLAGS)},
                    "p_digits_flag": rounded(self.digit_hist[k, cut:].sum() / self.printed)}
                   for k, layer in enumerate(LAYERS)}}
        if self.observers:
            p = {name: rounded(self.flags[i] / n) for i, name in enumerate(FLAGS)}
            sigma, delta = stats["sigma"]["mean"], stats["gap"]["mean"]
            document["quick_count"] = {
                **self.observers,
                "estimate": stats["estimate"], "low": stats["low"], "high": stats["high"],
                "gap": stats["gap"], "turnout_estimate": stats["turnout_estimate"],
                "coverage": p["covered"],
                "p_detect_share": p["detect_share"], "p_detect_turnout": p["detect_turnout"],
                "p_detect": p["detect"],
                "analytic_power": stats["analytic_power"],
                "sigma": sigma,
                "size_needed": None if delta <= 0 else
                rounded(srs_sample_size(sigma, delta, self.observers["risk"],
                                        population=self.observers["scope_stations"])),
                "observed_won": {option: fraction_stats(self.won_sums[k + i],
                                                        self.won_hist[k + i], n)
                                 for i, option in enumerate(self.options)},
            }
        return document
