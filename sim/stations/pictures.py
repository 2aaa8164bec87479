"""The turnout-share picture: 2-D histograms of stations side by side (Klimek et al. 2012,
figure 1), e.g. published, simulated clean and simulated manipulated.

Made with matplotlib's object API (no pyplot state), like :mod:`sim.output.plots`, whose
:func:`~sim.output.plots.image_bytes` renders it reproducibly.
"""

from __future__ import annotations

import numpy as np
from matplotlib.colors import LogNorm
from matplotlib.figure import Figure


def turnout_share_figure(panels: list[tuple[str, np.ndarray]], leader: str) -> Figure:
    """One panel per ``(title, histogram)``, each histogram int ``(bins, bins)`` from
    :func:`sim.stations.fingerprints.turnout_share_histogram` (turnout first); stations
    per cell on a shared log colour scale."""
    figure = Figure(figsize=(4.2 * len(panels) + 0.8, 4.4), layout="constrained")
    axes = figure.subplots(1, len(panels), squeeze=False)[0]
    top = max(int(h.max()) for _, h in panels)
    norm = LogNorm(vmin=1, vmax=max(top, 2))
    image = None
    for ax, (title, histogram) in zip(axes, panels):
        shown = np.ma.masked_equal(histogram.T, 0)  # share on the vertical axis
        image = ax.imshow(shown, origin="lower", extent=(0, 100, 0, 100), norm=norm,
                          cmap="viridis", interpolation="nearest", aspect="equal")
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("turnout (%)")
        ax.set_ylabel(f"{leader} (% of ballots)")
        ax.set_xticks(range(0, 101, 20))
        ax.set_yticks(range(0, 101, 20))
    if image is not None:
        figure.colorbar(image, ax=list(axes), label="stations per 1 x 1 point cell",
                        shrink=0.85)
    return figure
