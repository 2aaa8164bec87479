"""Integer accumulators and the statistics read from them: fixed-point sums of fractions,
histograms, and their means, quantiles and intervals."""

from __future__ import annotations

import numpy as np

SHARE_BINS = 2048  # vote-share histogram: bins of 1/2048 (0.05 points)
FIXED_POINT = 2**32 - 1  # shares are summed as integers in units of 1/(2**32 - 1)
BIN_SHIFT = 21  # fixed-point share >> 21 is its histogram bin (2**32 / 2**21 = 2048)
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


def add_fractions(values: np.ndarray, sums: np.ndarray, histograms: np.ndarray) -> None:
    """Add rows of fractions in [0, 1] to fixed-point sums and histograms, in place."""
    # Truncating to fixed point costs at most 2**-32 per draw and keeps merges exact.
    fixed = (values * FIXED_POINT).astype(np.int64)
    # One block's sum fits int64 (2**32 per draw); the running sum is in Python integers.
    sums += fixed.sum(axis=1).astype(object)
    histograms += row_histograms(fixed >> BIN_SHIFT, SHARE_BINS)


def fraction_stats(fixed_sum: int, histogram: np.ndarray, draws: int) -> dict:
    """Mean and 90% interval of a fraction from its fixed-point sum and histogram."""
    cdf = np.cumsum(histogram)
    low, high = (np.searchsorted(cdf, q * draws) for q in (0.05, 0.95))
    return {"mean": rounded(float(fixed_sum) / FIXED_POINT / draws),
            "q05": rounded((low + 0.5) / SHARE_BINS), "q95": rounded((high + 0.5) / SHARE_BINS)}


def count_true(flags: np.ndarray | None) -> int:
    return 0 if flags is None else int(np.count_nonzero(flags))


def exact_sums(size: int) -> np.ndarray:
    """Running sums of fixed-point fractions: Python integers, which cannot overflow."""
    return np.zeros(size, dtype=np.int64).astype(object)


def endorsement_counts(endorsed: np.ndarray, size: int) -> np.ndarray:
    """Draws per endorsed list index, with -1 (none) counted in the last bin."""
    return np.bincount(np.where(endorsed < 0, size - 1, endorsed), minlength=size)


def row_histograms(values: np.ndarray, size: int) -> np.ndarray:
    """Histogram of each row of ``values`` (k, draws) over 0..size-1: shape (k, size).

    One ``bincount`` over ``row * size + value`` rather than one per row. A value outside
    0..size-1 would count in a neighbouring row: it is refused, as the stacked per-row
    counts of unequal length were.
    """
    k = len(values)
    if values.size and not (values.min() >= 0 and values.max() < size):
        raise ValueError(f"row_histograms: values must lie in 0..{size - 1}")
    cells = values + (np.arange(k, dtype=values.dtype) * size)[:, None]
    return np.bincount(cells.ravel(), minlength=k * size).reshape(k, size)


def histogram_stats(histogram: np.ndarray) -> dict:
    """Mean, sd, quantiles and the full histogram of an integer distribution."""
    n = histogram.sum()
    values = np.arange(len(histogram))
    mean = (values @ histogram) / n
    variance = ((values - mean) ** 2 * histogram).sum() / n  # no BLAS: the same bits anywhere
    cdf = np.cumsum(histogram)
    stats = {"mean": rounded(mean), "sd": rounded(np.sqrt(variance))}
    for q in QUANTILES:
        stats[f"q{round(q * 100):02d}"] = int(np.searchsorted(cdf, q * n))
    last = int(np.flatnonzero(histogram).max())
    stats["histogram"] = histogram[:last + 1].tolist()
    return stats


def rounded(value) -> float:
    """Six decimals: enough for any figure we report, and stable across platforms' last bits."""
    return round(float(value), 6)
