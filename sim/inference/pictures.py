"""The calibration picture of a backtest: coverage of the official results against the
nominal level of the intervals (needs matplotlib, like sim/output/plots.py)."""

from __future__ import annotations

from matplotlib.figure import Figure

from sim.inference.backtest import LEVELS, ListScore, coverage


def calibration_figure(groups: dict[str, list[ListScore]]) -> Figure:
    """Two panels (shares, seats): for each group of scored lists, the fraction of official
    results inside the central interval of each nominal level; the diagonal is perfect
    calibration, below it the intervals are too narrow."""
    figure = Figure(figsize=(9, 4.2))
    axes = figure.subplots(1, 2, sharey=True)
    for ax, what in zip(axes, ("vote shares", "seats")):
        ax.plot([0, 1], [0, 1], color="grey", lw=1, ls="--", label="perfect calibration")
        ax.set_title(f"Official {what}")
        ax.set_xlabel("nominal level of the central interval")
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.grid(alpha=0.3)
    for label, scores in groups.items():
        shares, seats = coverage(scores)
        for ax, covered in zip(axes, (shares, seats)):
            ax.plot(LEVELS, covered, marker="o", label=f"{label} ({len(scores)} lists)")
    axes[0].set_ylabel("fraction of official results inside")
    axes[1].legend(loc="lower right", fontsize="small")
    figure.tight_layout()
    return figure
