"""Pictures of results with matplotlib: seat distributions, a hemicycle, comparisons and
sweeps. Each function returns a :class:`~matplotlib.figure.Figure`; :func:`image_bytes`
renders it reproducibly (no dates or random ids in the file).

Figures are made with matplotlib's object API, not pyplot: no GUI backend is chosen or
changed for the user's process, and no figure is kept in pyplot's global registry.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Literal

import matplotlib
import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from sim.errors import ResultError
from sim.output.records import Bloc, ListResult, Result, SeatStats, Summary
from sim.output.text import percent

DPI = 100
# Colour-blind safe and distinct: Okabe & Ito's eight, then Paul Tol's "muted" nine; grey
# is kept for appointed seats and blocs.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442",
           "#000000", "#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77",
           "#CC6677", "#882255", "#AA4499"]
APPOINTED_COLOR = "#9e9e9e"
INDEPENDENT_COLOR = "#6d4c41"  # independents of a district tier
DISTRICT_EDGE = "#000000"  # a district seat is a dot with a dark ring
UNATTRIBUTED_COLOR = "#e0e0e0"
HOUSE_TITLE = "a house that occurred: the sampled draw nearest every list's median seats"


def list_colors(results: list[Result]) -> dict[str, str]:
    """A stable colour per list id: the scenario's own, else the palette in order of first
    appearance across the results."""
    colors: dict[str, str] = {}
    for result in results:
        for item in result.summary.lists:
            if item.id not in colors:
                colors[item.id] = item.color or PALETTE[len(colors) % len(PALETTE)]
    return colors


def seat_distributions(result: Result, colors: dict[str, str]):
    """One panel per list that wins a seat in some draw (seat histogram, 90% interval,
    P(>= threshold)), then one per bloc with its majority lines; the lists left out are
    named."""
    summary = result.summary
    seated = [item for item in summary.lists if len(item.seats.histogram) > 1]
    panels: list[tuple[str, ListResult | Bloc]] = [("list", item) for item in seated]
    panels += [("bloc", bloc) for bloc in summary.blocs]
    columns = 3
    rows = -(-len(panels) // columns)
    figure, axes = _subplots(rows, columns, figsize=(12, 2.8 * rows), squeeze=False,
                             layout="constrained")
    needed = summary.parliament.seats_needed
    for ax, (kind, item) in zip(axes.flat, panels):
        counts = np.array(item.seats.histogram, dtype=float)
        probability = counts / counts.sum()
        color = colors.get(item.id, APPOINTED_COLOR) if kind == "list" else APPOINTED_COLOR
        # One filled outline, not a bar per seat: a house of hundreds of seats would make
        # as many artists, and the picture would take seconds to draw.
        ax.stairs(probability, np.arange(len(probability) + 1) - 0.5, fill=True, color=color,
                  lw=0)
        low, high = item.seats.q05, item.seats.q95
        ax.axvspan(low - 0.5, high + 0.5, color="black", alpha=0.08, lw=0)
        ax.axvline(item.seats.mean, color="black", lw=1)
        if isinstance(item, ListResult):
            title = f"{item.name}: P(≥ threshold) {item.p_threshold:.0%}" + (
                f", runner-up {item.p_runner_up:.0%}" if item.p_runner_up else "")
        else:
            title = f"{item.name} (bloc)"
            for line, seats in needed.items():
                ax.axvline(seats, color="firebrick", lw=1, ls="--")
                ax.text(seats, ax.get_ylim()[1] * 0.97, f"{line} ({seats}) ", color="firebrick",
                        fontsize=8, va="top", ha="right", rotation=90)
        ax.set_title(title, fontsize=11)
        ax.set_xlabel(f"seats (mean {item.seats.mean:.1f}, 90%: {low}-{high})")
        ax.set_ylabel("probability")
        # A bloc's panel spans the house, so that every majority line is in view.
        right = summary.parliament.house if kind == "bloc" else max(high + 3,
                                                                          len(probability))
        ax.set_xlim(-0.5, right + 0.5)
    for ax in list(axes.flat)[len(panels):]:
        ax.set_visible(False)
    figure.suptitle(result.scenario.title, fontsize=13)
    left_out = [item.name for item in summary.lists if item not in seated]
    if left_out:
        figure.supxlabel("No seat in any draw: " + ", ".join(left_out), fontsize=9,
                         color="#555555", wrap=True)
    return figure


@dataclass(frozen=True, slots=True, kw_only=True)
class SampledHouse:
    """One house that occurred: a draw of the result's seat sample, by tier."""

    list_seats: dict[str, int]  # list id -> list-tier seats
    district_seats: dict[str, int]  # list id (and "independents") -> district seats
    unattributed: int  # seats a result made before the sample kept the district tier lacks
    empty: int  # seats no one won in this draw (the law left them empty)
    draws: int  # sampled draws that gave exactly this house
    sampled: int  # draws in the sample


def median_draw(result: Result) -> SampledHouse:
    """The sampled draw nearest every list's median seats (the least total distance; among
    equals the most frequent, then the first in the sample's order).

    A house of rounded mean seats need not be one that can occur: a list that passes the
    threshold in 5% of draws with 11 seats or more has a mean near one seat. A sampled draw
    always occurred, and the one nearest the medians keeps the lists that usually win nothing
    at nothing."""
    summary = result.summary
    sample = summary.seat_sample
    if not sample.draws:
        raise ResultError(f"{result.scenario.title}: this result keeps no per-draw "
                          "seats to draw a house from; re-run its scenario")
    seated, tier = sample.lists, sample.district_lists or ()
    rows = np.array(sample.rows, dtype=np.int64).reshape(-1, len(seated) + len(tier) + 1)
    counts, whole = rows[:, -1], rows[:, :len(seated)]
    medians = np.array([_weighted_median(column, counts) for column in whole.T], dtype=np.int64)
    distance = np.abs(whole - medians).sum(axis=1)
    best = rows[np.lexsort((-counts, distance))[0]]
    seats = dict(zip(seated, best[:len(seated)].tolist()))
    district = dict(zip(tier, best[len(seated):-1].tolist()))
    independents = "" if summary.independents is None else summary.independents.id
    if independents in seats:  # all their seats are district seats
        district[independents] = seats.pop(independents)
    parliament = summary.parliament
    left = parliament.house - sum(parliament.appointed.values()) - \
        sum(seats.values()) - district.get(independents, 0)
    old = bool(parliament.district_seats) and sample.district_lists is None
    return SampledHouse(
        list_seats={item.id: seats.get(item.id, 0) - district.get(item.id, 0)
                    for item in summary.lists},
        district_seats=district, unattributed=left if old else 0, empty=0 if old else left,
        draws=int(best[-1]), sampled=int(counts.sum()))


def _weighted_median(values: np.ndarray, weights: np.ndarray) -> int:
    """The lower median of ``values`` each counted ``weights`` times."""
    order = np.argsort(values, kind="stable")
    position = np.searchsorted(np.cumsum(weights[order]), (weights.sum() + 1) // 2)
    return int(values[order][position])


def hemicycle(result: Result, colors: dict[str, str]):
    """The parliament of :func:`median_draw` as an arc of dots: appointed seats apart in
    grey on the left, then the lists in registration order (list seats, then district seats
    with a dark ring), then independents; majority lines count from the left."""
    summary = result.summary
    parliament = summary.parliament
    house = median_draw(result)
    seats, district = house.list_seats, house.district_seats
    appointed = sum(parliament.appointed.values())
    colors = {**colors, "independents": INDEPENDENT_COLOR}
    fill = [APPOINTED_COLOR] * appointed
    edges = ["white"] * appointed
    for item in list(seats) + (["independents"] if "independents" in district else []):
        fill += [colors[item]] * (seats.get(item, 0) + district.get(item, 0))
        edges += ["white"] * seats.get(item, 0) + [DISTRICT_EDGE] * district.get(item, 0)
    fill += [UNATTRIBUTED_COLOR] * (house.unattributed + house.empty)
    edges += ["white"] * (house.unattributed + house.empty)
    x, y = _arc_positions(len(fill))
    figure, ax = _subplots(figsize=(9, 5.2), layout="constrained")
    ax.scatter(x, y, s=min(90, 9000 / len(fill)), c=fill, edgecolors=edges,
               linewidths=[1.2 if edge == DISTRICT_EDGE else 0.5 for edge in edges])
    for line, needed in parliament.seats_needed.items():
        angle = np.pi * (1 - (needed - 0.5) / len(fill))
        ax.plot([0.35 * np.cos(angle), 1.05 * np.cos(angle)],
                [0.35 * np.sin(angle), 1.05 * np.sin(angle)], color="firebrick", lw=1, ls="--")
        ax.text(1.09 * np.cos(angle), 1.09 * np.sin(angle), f"{line} ({needed})",
                color="firebrick", fontsize=9, ha="center")
    names = {item.id: item.name for item in summary.lists}
    names["independents"] = "" if summary.independents is None else summary.independents.name
    handles = [Line2D([], [], marker="o", ls="", color=APPOINTED_COLOR,
                          label=f"appointed {appointed}")] if appointed else []
    for item in (*seats, "independents"):
        listed, won = seats.get(item, 0), district.get(item, 0)
        if listed + won:
            tiers = f" ({listed}+{won})" if district else ""
            handles.append(Line2D([], [], marker="o", ls="", color=colors[item],
                                  label=f"{names[item]} {listed + won}{tiers}"))
    if district:
        handles.append(Line2D([], [], marker="o", ls="", color="white",
                              markeredgecolor=DISTRICT_EDGE,
                              label="ringed: district seat (list+district)"))
    if house.unattributed:
        handles.append(Line2D([], [], marker="o", ls="", color=UNATTRIBUTED_COLOR,
                              label=f"{house.unattributed} not in this result's sample "
                                    "(made before it kept district seats: re-run)"))
    if house.empty:
        handles.append(Line2D([], [], marker="o", ls="", color=UNATTRIBUTED_COLOR,
                              label=f"{house.empty} empty: the law filled them with no one"))
    longest = max(len(str(handle.get_label())) for handle in handles)
    # Below the arc, in as many columns as the labels' length allows in the figure's width.
    figure.legend(handles=handles, loc="outside lower center", frameon=False,
                  fontsize=9 if district else 10,
                  ncol=max(1, min(3 if district else 4, len(handles), 100 // longest)))
    ax.set_aspect("equal")
    ax.axis("off")
    share = percent(house.draws / house.sampled)
    ax.set_title(f"{result.scenario.title}\n{HOUSE_TITLE}\n({share} of the "
                 f"{house.sampled:,} sampled draws give exactly this house)", fontsize=12)
    return figure


def _arc_positions(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Seat positions on concentric half rings, filled left to right by angle."""
    rings = max(1, int(np.ceil(np.sqrt(n / 6))))
    radii = np.linspace(0.45, 1.0, rings)
    capacity = radii / radii.sum() * n
    per_ring = np.floor(capacity).astype(int)
    per_ring[np.argsort(per_ring - capacity)[: n - per_ring.sum()]] += 1
    points = [(np.pi * (1 - (i + 0.5) / count), radius)
              for radius, count in zip(radii, per_ring) for i in range(count)]
    points.sort(key=lambda point: (-point[0], point[1]))
    angles = np.array([p[0] for p in points])
    radius = np.array([p[1] for p in points])
    return radius * np.cos(angles), radius * np.sin(angles)


def comparison(results: list[Result], colors: dict[str, str]):
    """Per list, mean seats with its 90% interval, one row per scenario."""
    labels = [result.stem for result in results]
    ids = list(colors)
    names = {item.id: item.name for result in results for item in result.summary.lists}
    figure, ax = _subplots(figsize=(10, 0.45 * len(ids) * len(results) + 1.5))
    row, ticks, tick_labels = 0.0, [], []
    for list_id in ids:
        for label, result in zip(labels, results):
            item = find_list(result.summary, list_id)
            if item is None:
                continue
            interval_row(ax, row, item.seats, colors[list_id], lw=3, alpha=0.5)
            ticks.append(row)
            tick_labels.append(f"{names[list_id]} — {label}")
            row -= 1
        row -= 0.6
    ax.set_yticks(ticks, tick_labels, fontsize=9)
    ax.set_xlabel("seats: mean and 90% interval")
    ax.grid(axis="x", alpha=0.3)
    ax.set_title("Seats by scenario", fontsize=12)
    figure.tight_layout()
    return figure


def find_list(summary: Summary, list_id: str) -> ListResult | None:
    """The summary's entry of the list ``list_id``, if it has one."""
    return next((item for item in summary.lists if item.id == list_id), None)


def interval_row(ax, y: float, seats: SeatStats, color: str, *, lw: float, alpha: float,
                 ms: float | None = None) -> None:
    """Seats as a bar over the 90% interval and a dot at the mean (a skewed mean may lie
    outside the interval)."""
    ax.hlines(y, seats.q05, seats.q95, color=color, lw=lw, alpha=alpha)
    ax.plot(seats.mean, y, "o", color=color, **({} if ms is None else {"ms": ms}))


def sweep(document: dict, colors: dict[str, str]):
    """Mean seats per list and each bloc's majority chances against the swept parameter."""
    axis = document["axes"][0]["id"]
    rows = document["rows"]
    values = [row[axis] for row in rows]
    figure, (left, right) = _subplots(1, 2, figsize=(12, 4.5))
    names = document.get("names", {})
    for list_id in rows[0]["lists"]:
        left.plot(values, [row["lists"][list_id]["seats"] for row in rows], marker="o",
                  color=colors.get(list_id), label=names.get(list_id, list_id))
    left.set_xlabel(axis)
    left.set_ylabel("mean seats")
    left.legend(fontsize=9)
    for bloc_id in rows[0]["blocs"]:
        for metric in rows[0]["blocs"][bloc_id]:
            if metric == "seats":
                continue
            right.plot(values, [row["blocs"][bloc_id][metric] for row in rows], marker="o",
                       label=f"{bloc_id}: {metric}")
    right.set_xlabel(axis)
    right.set_ylabel("probability")
    right.set_ylim(-0.02, 1.02)
    right.legend(fontsize=9)
    figure.suptitle(document["scenario"]["title"], fontsize=13)
    figure.tight_layout()
    return figure


def _subplots(*args, figsize: tuple[float, float],
              layout: Literal["constrained"] | None = None, **kwargs):
    """A new figure (not registered with pyplot) and its axes."""
    figure = Figure(figsize=figsize, layout=layout)
    return figure, figure.subplots(*args, **kwargs)


def image_bytes(figure, fmt: str = "png", dpi: int = DPI, *, compress: bool = True) -> bytes:
    """The figure as PNG or SVG, without dates or random ids (a rerun gives the same
    bytes); ``compress=False`` skips the PNG's compression, for a picture that is
    re-encoded anyway."""
    metadata = {"Software": None} if fmt == "png" else {"Date": None, "Creator": None}
    extra = {} if compress or fmt != "png" else {"pil_kwargs": {"compress_level": 0}}
    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": "elsim"}):
        # A tight box around every artist: long titles and legends are never cut off.
        figure.savefig(buffer, format=fmt, dpi=dpi, metadata=metadata, bbox_inches="tight",
                       pad_inches=0.15, **extra)
    return buffer.getvalue()
