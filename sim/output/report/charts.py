"""The comparison chart of one group: the leading bloc across the whole house with its
majority lines on top, then a panel per list; each scenario is a row with its mean seats
(dot) and 90% interval (bar)."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import blended_transform_factory

from sim.output.plots import APPOINTED_COLOR, find_list, interval_row
from sim.output.records import Bloc, ListResult, Result
from sim.output.report.base import Group
from sim.output.report.groups import short_title
from sim.output.report.summary import lead, lead_title

PANEL_WIDTH = 1.9    # inches per list panel
LABEL_WIDTH = 2.4    # inches for the scenario names on the left
ROW_HEIGHT = 0.36    # inches per scenario (one line of name)
COLUMNS = 5          # at most this many list panels per row


def group_chart(group: Group, colors: dict[str, str]) -> Figure:
    """The figure grows with the number of scenarios and lists, so nothing is squeezed."""
    documents = group.documents
    labels = [textwrap.fill(short_title(doc, group), 30) for doc in documents]
    lists = _list_ids(documents)
    list_rows = -(-len(lists) // COLUMNS)
    columns = -(-len(lists) // list_rows)  # rows as even as they can be
    name_lines = max(label.count("\n") + 1 for label in labels)
    height = len(documents) * ROW_HEIGHT * (1 + 0.4 * (name_lines - 1)) + 0.8
    figure = Figure(figsize=(LABEL_WIDTH + PANEL_WIDTH * columns,
                             height * (list_rows + 1) + 0.3), layout="constrained")
    grid = figure.add_gridspec(list_rows + 1, columns)
    bloc_axes = figure.add_subplot(grid[0, :])
    _bloc_panel(bloc_axes, documents)
    _label_rows(bloc_axes, labels)
    for index, list_id in enumerate(lists):
        row, column = divmod(index, columns)
        ax = figure.add_subplot(grid[row + 1, column])
        _list_panel(ax, documents, list_id, colors.get(list_id, APPOINTED_COLOR))
        _label_rows(ax, labels if column == 0 else None)
    figure.supxlabel("seats: mean (dot) and 90% interval (bar)", fontsize=10)
    return figure


def _list_ids(documents: tuple[Result, ...]) -> list[str]:
    return list(dict.fromkeys(item.id for doc in documents for item in doc.summary.lists))


def _rows(ax: Axes, items: Sequence[ListResult | Bloc | None], color: str) -> None:
    """First scenario on top."""
    for y, item in zip(range(len(items) - 1, -1, -1), items):
        if item is not None:
            interval_row(ax, y, item.seats, color, lw=5, alpha=0.45, ms=6)
    ax.set_ylim(-0.6, len(items) - 0.4)
    ax.grid(axis="x", alpha=0.3)


def _label_rows(ax: Axes, labels: list[str] | None) -> None:
    count = round(ax.get_ylim()[1] + 0.4)
    positions = list(range(count - 1, -1, -1))
    ax.set_yticks(positions, labels if labels is not None else [""] * count, fontsize=9)


def _bloc_panel(ax: Axes, documents: tuple[Result, ...]) -> None:
    """The leading bloc over the whole house, the majority lines labelled above the panel."""
    house = max(doc.summary.parliament.house for doc in documents)
    _rows(ax, [lead(doc)[1] for doc in documents], APPOINTED_COLOR)
    above = blended_transform_factory(ax.transData, ax.transAxes)
    for name, seats in documents[0].summary.parliament.seats_needed.items():
        ax.axvline(seats, color="firebrick", lw=1, ls="--")
        ax.text(seats, 1.02, f"{name}\n{seats}", transform=above, color="firebrick",
                fontsize=8, ha="center", va="bottom")
    ax.set_xlim(0, house)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=10, integer=True))
    ax.tick_params(axis="x", labelsize=9)
    ax.set_title(f"{lead_title(documents)}: seats of {house}", fontsize=10, loc="left")


def _list_panel(ax: Axes, documents: tuple[Result, ...], list_id: str, color: str) -> None:
    """One list, scaled to its own seats."""
    items = [find_list(doc.summary, list_id) for doc in documents]
    present = [item for item in items if item is not None]
    _rows(ax, items, color)
    top = max(item.seats.q95 for item in present)
    ax.set_xlim(-0.5, max(5, int(top * 1.1) + 1) + 0.5)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
    ax.tick_params(axis="x", labelsize=9)
    ax.set_title(present[0].name, fontsize=10)
