"""Pictures of a posterior document: prior against posterior histograms. Needs matplotlib,
like :mod:`sim.output.plots`; the report's section is :mod:`sim.output.report.posteriors`."""

from __future__ import annotations

import numpy as np

from sim.output.plots import _subplots

PRIOR_COLOR = "#bdbdbd"
POSTERIOR_COLOR = "#1f77b4"


def posterior_figure(document: dict, *, columns: int = 3):
    """One panel per parameter and per derived quantity that is not a small list's: the
    prior's and the posterior's histograms as densities on common bins, the posterior's 90%
    interval shaded."""
    items = document["parameters"] + [item for item in document["derived"]
                                      if not item["id"].startswith("genuine.")
                                      or item["posterior"]["mean"] >= 10]
    items = [item for item in items if not item["id"].startswith("added.")
             or abs(item["posterior"]["mean"]) >= 3]
    rows = -(-len(items) // columns)
    figure, axes = _subplots(rows, columns, figsize=(4 * columns, 2.6 * rows), squeeze=False)
    for ax, item in zip(axes.flat, items):
        edges = np.array(item["bins"])
        for stats, color, label in ((item["prior"], PRIOR_COLOR, "prior"),
                                    (item["posterior"], POSTERIOR_COLOR, "posterior")):
            counts = np.array(stats["histogram"], dtype=float)
            density = counts / max(counts.sum(), 1) / np.diff(edges)
            ax.stairs(density, edges, fill=label == "prior", color=color, lw=1.5, label=label)
        ax.axvspan(item["posterior"]["q05"], item["posterior"]["q95"], color=POSTERIOR_COLOR,
                   alpha=0.1, lw=0)
        ax.set_title(item["label"], fontsize=9)
        ax.set_yticks([])
    for ax in list(axes.flat)[len(items):]:
        ax.set_visible(False)
    axes.flat[0].legend(fontsize=8, frameon=False)
    figure.suptitle(f"{document['scenario']['title']}: prior (grey) and posterior (blue)",
                    fontsize=11)
    figure.tight_layout()
    return figure
