"""Streaming accumulators of seat distributions: ``add(outcome)``, ``merge(other)``, ``to_dict()``.

Everything is accumulated in integers (histograms, counts, fixed-point sums), so merging is
exact: any chunking of the same draws gives the identical summary. Memory does not depend on
the number of draws. Counts are int64 (exact to 9·10**18 draws); the fixed-point share sums,
which grow by up to 2**32 a draw, are Python integers (numpy object arrays), so they are
exact at any number of draws (int64 would wrap past about 2·10**9).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.engine.layout import Layout
from sim.engine.statistics import (
    SHARE_BINS,
    add_fractions,
    count_true,
    endorsement_counts,
    exact_sums,
    fraction_stats,
    histogram_stats,
    rounded,
    row_histograms,
)
from sim.law.parliament import HouseSeats
from sim.stations.summary import StationSummary

DENSE_COMPOSITIONS = 16  # up to this many lists, compositions are counted by bincount
TOP_COMPOSITIONS = 10
# Per-draw seat vectors kept for questions asked after the run (any coalition's seats):
# every SAMPLE_STRIDE-th draw of each chunk (draws within a chunk are grouped by poll source,
# so a stride keeps every source in proportion), from the first chunks on, until the sample
# holds SAMPLE_DRAWS. Chunks are merged in order, so the sample is the same for any executor.
# A draw's row: each list's seats over the whole house, then with a district tier the
# independents' seats and each list's district seats (so a draw's house can be drawn by tier).
SAMPLE_DRAWS = 20_000
SAMPLE_STRIDE = 10


@dataclass(frozen=True, slots=True)
class Outcome:
    """Per-draw results of one block of draws, **lists axis first** so that every per-list
    reduction over draws is one contiguous pass.

    Attributes
    ----------
    seats : HouseSeats
        What the House made of the block's votes (:class:`sim.law.parliament.HouseSeats`):
        seats over the house and by tier ``(n_lists, n_draws)``, passes, the runner-up
        rule, cap and ties ``(n_draws,)``, the independents' seats.
    shares : ndarray of float, shape (n_options, n_draws)
        Vote shares the seats were allocated from.
    genuine : ndarray of float, shape (n_options, n_draws), optional
        Shares of the votes as cast, before administrative inflation (with a count model).
    turnout : ndarray of float, shape (n_draws,), optional
        Official turnout (with a count model).
    withdrawn : ndarray of bool, shape (n_lists, n_draws), optional
        Lists that left the ballot (with a campaign).
    endorsed : dict of str to ndarray of int, shape (n_draws,), optional
        Per endorser, the list endorsed on election day or -1 (with a campaign).
    """

    seats: HouseSeats
    shares: np.ndarray
    genuine: np.ndarray | None = None
    turnout: np.ndarray | None = None
    withdrawn: np.ndarray | None = None
    endorsed: dict[str, np.ndarray] | None = None


def composition_masks(seated: np.ndarray) -> np.ndarray:
    """Each draw's seated lists ``(n_lists, n)`` as a bit mask (bit ``i``: list ``i``),
    shape (n,), in the smallest unsigned integer that holds ``n_lists`` bits: a shift and
    an or per list on small integers (an int64 matrix product with the powers of two gives
    the same masks two to four times slower)."""
    n_lists = len(seated)
    dtype = next(t for t in (np.uint8, np.uint16, np.uint32, np.uint64)
                 if np.iinfo(t).bits >= n_lists)
    masks = np.zeros(seated.shape[1], dtype=dtype)
    for bit, row in enumerate(seated):
        np.bitwise_or(masks, row.astype(dtype) << dtype(bit), out=masks)
    return masks


class SeatSummary:
    """Accumulates seat, share, bloc and composition distributions over draws."""

    def __init__(self, layout: Layout):
        n_lists = layout.bloc_members.shape[1]
        self.layout = layout
        self.draws = 0
        # Seats over the whole house; with several tiers also each tier's on its own.
        self.seat_hist = np.zeros((n_lists, sum(layout.tiers.values()) + 1), dtype=np.int64)
        self.tier_hist = {name: np.zeros((n_lists, seats + 1), dtype=np.int64)
                          for name, seats in layout.tiers.items()} if len(layout.tiers) > 1 \
            else {}
        if layout.independents is not None:
            self.independents_hist = np.zeros((1, layout.district_seats + 1), dtype=np.int64)
        if layout.districts:
            largest = max(seats for _, seats in layout.districts)
            self.district_hist = np.zeros((n_lists, len(layout.districts), largest + 1),
                                          dtype=np.int64)
        # (n_blocs, 1): 1 in the row of the bloc the independents' seats count with.
        bloc_of_independents = None if layout.independents is None else \
            layout.independents["bloc"]
        self.independents_bloc = np.array([[int(bloc["id"] == bloc_of_independents)]
                                           for bloc in layout.blocs], dtype=np.int64)
        self.reached = np.zeros(n_lists, dtype=np.int64)  # draws at or over the threshold
        self.admitted = np.zeros(n_lists, dtype=np.int64)  # draws admitted as runner-up
        self.share_sum = exact_sums(layout.n_options)
        self.share_hist = np.zeros((layout.n_options, SHARE_BINS), dtype=np.int64)
        self.bloc_hist = np.zeros((len(layout.bloc_appointed), layout.house + 1), dtype=np.int64)
        self.cap_binding = 0
        self.tie_decided = 0
        self.unfilled = 0  # draws whose elected seats fall short of the house (see add)
        self.compositions: dict[int, int] = {}  # bit mask of seated lists -> draws
        self.stations: StationSummary | None = None  # with [stations]: sim.stations.run
        self.sample = np.empty((0, self._sample_width(n_lists)), dtype=np.int64)
        if layout.counted:
            self.genuine_sum = exact_sums(layout.n_options)
            self.genuine_hist = np.zeros((layout.n_options, SHARE_BINS), dtype=np.int64)
            self.turnout_sum = exact_sums(1)
            self.turnout_hist = np.zeros((1, SHARE_BINS), dtype=np.int64)
        if layout.endorsers is not None:
            self.withdrawn = np.zeros(n_lists, dtype=np.int64)
            # Per endorser: draws ending with each list endorsed, the last bin for none.
            self.endorsed = np.zeros((len(layout.endorsers), n_lists + 1), dtype=np.int64)

    def add(self, outcome: Outcome) -> None:
        house = outcome.seats
        seats = house.seats
        self.draws += seats.shape[1]
        for name, hist in self.tier_hist.items():
            hist += row_histograms(house.tiers[name].seats, hist.shape[1])
        # The sample's district columns (see SAMPLE_DRAWS), in a mixed house.
        tier: list[np.ndarray] = []
        if self.layout.mixed:
            tier = ([] if house.independents is None else [house.independents[None]]) + \
                [house.tiers["district"].seats]
        self.seat_hist += row_histograms(seats, self.seat_hist.shape[1])
        if self.layout.districts:
            assert house.districts is not None  # the House gives them when it has districts
            self._add_districts(house.districts)
        self._add_passes(outcome)
        add_fractions(outcome.shares, self.share_sum, self.share_hist)
        if self.layout.counted:
            assert outcome.genuine is not None and outcome.turnout is not None
            add_fractions(outcome.genuine, self.genuine_sum, self.genuine_hist)
            add_fractions(outcome.turnout[None], self.turnout_sum, self.turnout_hist)
        if self.layout.endorsers is not None:
            assert outcome.withdrawn is not None and outcome.endorsed is not None
            self.withdrawn += np.count_nonzero(outcome.withdrawn, axis=1)
            for row, endorser in enumerate(self.layout.endorsers):
                self.endorsed[row] += endorsement_counts(outcome.endorsed[endorser["id"]],
                                                          self.endorsed.shape[1])
        independents = house.independents
        # The engine gives an outcome the optional arrays of what its layout has.
        if self.layout.independents is not None:
            assert independents is not None  # the engine draws them when the layout has them
            self.independents_hist += row_histograms(independents[None],
                                                      self.layout.district_seats + 1)
        if len(self.layout.bloc_appointed):
            blocs = self._bloc_seats(seats)
            if independents is not None:
                blocs += self.independents_bloc * independents
            self.bloc_hist += row_histograms(blocs, self.layout.house + 1)
        self.cap_binding += count_true(house.cap_binding)
        self.tie_decided += count_true(house.tie_decided)
        # Too few lists passed, or a cap held the passing ones back: the law (as written)
        # leaves seats to no one. Counted so that a house that does not add up is said so.
        elected = seats.sum(axis=0) + (0 if independents is None else independents)
        self.unfilled += int(np.count_nonzero(elected < sum(self.layout.tiers.values())))
        self._add_compositions(seats > 0)
        # A chunk's summary sees its draws in blocks: index the stride from the chunk's start.
        first = -(self.draws - seats.shape[1]) % SAMPLE_STRIDE
        self._add_sample(np.concatenate([rows[:, first::SAMPLE_STRIDE]
                                         for rows in (seats, *tier)]).T)

    def _bloc_seats(self, seats: np.ndarray) -> np.ndarray:
        """Each bloc's seats ``(n_blocs, n)``: its lists' rows added up, and its appointed
        seats (row sums: an integer matrix product is several times slower)."""
        layout = self.layout
        blocs = np.empty((len(layout.bloc_appointed), seats.shape[1]), dtype=np.int64)
        for bloc, members in enumerate(layout.bloc_members):
            rows = np.flatnonzero(members)
            if len(rows) == 1:
                np.add(seats[rows[0]], layout.bloc_appointed[bloc], out=blocs[bloc])
            else:
                np.add.reduce(seats[rows], axis=0, out=blocs[bloc])
                blocs[bloc] += layout.bloc_appointed[bloc]
        return blocs

    def _sample_width(self, n_lists: int) -> int:
        """Columns of a sampled draw: the lists' seats, and the district tier's (above)."""
        if not self.layout.mixed:
            return n_lists
        return 2 * n_lists + (self.layout.independents is not None)

    def _add_districts(self, seats: np.ndarray) -> None:
        """Histograms of each list's seats in each district ``(n_lists, n_districts, n)``,
        in one bincount over a (list, district, seats) index."""
        bins = self.district_hist.shape[2]
        cells = np.arange(seats.shape[0] * seats.shape[1]).reshape(seats.shape[:2] + (1,))
        index = (cells * bins + seats).ravel()
        self.district_hist += np.bincount(index, minlength=self.district_hist.size).reshape(
            self.district_hist.shape)

    def _add_sample(self, seats: np.ndarray) -> None:
        """Keep draws ``(n, columns)`` until the sample holds :data:`SAMPLE_DRAWS`."""
        wanted = SAMPLE_DRAWS - len(self.sample)
        if wanted > 0:
            self.sample = np.concatenate([self.sample, seats[:wanted]])

    def _add_passes(self, outcome: Outcome) -> None:
        """Count, per list, draws reaching the threshold and draws admitted by the runner-up
        rule (which the allocation tells: a list it admitted passed without reaching)."""
        house = outcome.seats
        admitted = house.admitted[house.admitted >= 0]
        counts = np.bincount(admitted, minlength=len(self.admitted))
        self.admitted += counts
        self.reached += np.count_nonzero(house.passed, axis=1) - counts

    def _add_compositions(self, seated: np.ndarray) -> None:
        masks = composition_masks(seated)
        if len(seated) <= DENSE_COMPOSITIONS:
            counts = np.bincount(masks, minlength=1)
            found = np.flatnonzero(counts)
            counts = counts[found]
        else:
            found, counts = np.unique(masks, return_counts=True)
        for mask, count in zip(found.tolist(), counts.tolist()):
            self.compositions[mask] = self.compositions.get(mask, 0) + count

    def merge(self, other: SeatSummary) -> SeatSummary:
        """Add another summary's draws to this one (in place); returns self."""
        self.draws += other.draws
        for name in ("seat_hist", "reached", "admitted", "share_sum", "share_hist", "bloc_hist",
                     *self._optional_fields()):
            getattr(self, name).__iadd__(getattr(other, name))
        for name, hist in self.tier_hist.items():
            hist += other.tier_hist[name]
        self.cap_binding += other.cap_binding
        self.tie_decided += other.tie_decided
        self.unfilled += other.unfilled
        for mask, count in other.compositions.items():
            self.compositions[mask] = self.compositions.get(mask, 0) + count
        # Merged in chunk order: the sample stays the same whatever the executor.
        self._add_sample(other.sample)
        if other.stations is not None:
            self.stations = other.stations if self.stations is None else \
                self.stations.merge(other.stations)
        return self

    def _optional_fields(self) -> tuple[str, ...]:
        counted = ("genuine_sum", "genuine_hist", "turnout_sum", "turnout_hist")
        return (counted if self.layout.counted else ()) + \
            (("withdrawn", "endorsed") if self.layout.endorsers is not None else ()) + \
            (("independents_hist",) if self.layout.independents is not None else ()) + \
            (("district_hist",) if self.layout.districts else ())

    def to_dict(self) -> dict:
        """The summary, labelled with the scenario's names, ready for JSON."""
        n, layout = self.draws, self.layout
        lists = []
        for i, item in enumerate(layout.lists):
            lists.append({
                **item,
                "seats": histogram_stats(self.seat_hist[i]),
                "p_threshold": rounded(self.reached[i] / n),
                "p_runner_up": rounded(self.admitted[i] / n),
                "share": fraction_stats(self.share_sum[i], self.share_hist[i], n),
            })
            if layout.counted:
                lists[-1]["support"] = fraction_stats(self.genuine_sum[i],
                                                       self.genuine_hist[i], n)
            if layout.endorsers is not None:
                lists[-1]["p_withdrawn"] = rounded(self.withdrawn[i] / n)
            if self.tier_hist:
                lists[-1]["seats_by_tier"] = {name: histogram_stats(hist[i])
                                              for name, hist in self.tier_hist.items()}
        document: dict[str, Any] = {"draws": n, "lists": lists}
        if layout.independents is not None:
            document["independents"] = {**layout.independents,
                                        "seats": histogram_stats(self.independents_hist[0])}
        if layout.against_all_row is not None:
            row = layout.against_all_row
            document["against_all"] = {"share": fraction_stats(
                self.share_sum[row], self.share_hist[row], n)}
        document["blocs"] = [{
            **bloc,
            "appointed": int(layout.bloc_appointed[b]),
            "seats": histogram_stats(self.bloc_hist[b]),
            "majorities": {line: rounded(self.bloc_hist[b][needed:].sum() / n)
                           for line, needed in layout.majorities.items()},
        } for b, bloc in enumerate(layout.blocs)]
        document["parliament"] = {
            "house": layout.house,
            "list_seats": layout.list_seats,
            **({"district_seats": layout.district_seats} if layout.district_seats else {}),
            "seats_needed": dict(layout.majorities),
            "appointed": dict(layout.appointed),
            "lists_seated": self._lists_seated(),
            # The rule admits one list per draw it acts in.
            "p_runner_up": rounded(self.admitted.sum() / n),
            "rules": {"runner_up": rounded(self.admitted.sum() / n),
                      "cap": rounded(self.cap_binding / n),
                      "tie": rounded(self.tie_decided / n),
                      "unfilled": rounded(self.unfilled / n)},
            "compositions": self._top_compositions(),
        }
        document["seat_sample"] = self._sample_dict()
        if layout.districts:
            document["districts"] = self._districts_dict()
        if self.stations is not None:
            document["stations"] = self.stations.to_dict()
        if layout.counted:
            document["parliament"]["turnout"] = fraction_stats(
                self.turnout_sum[0], self.turnout_hist[0], n)
        if layout.endorsers is not None:
            document["endorsers"] = [{
                "id": endorser["id"], "name": endorser["name"],
                "endorsed_on_election_day": {
                    **{item["id"]: rounded(self.endorsed[row][i] / n)
                       for i, item in enumerate(layout.lists)
                       if item["id"] in endorser["targets"]},
                    "none": rounded(self.endorsed[row][-1] / n)},
            } for row, endorser in enumerate(layout.endorsers)]
        return document

    def _districts_dict(self) -> list[dict]:
        """Per multi-member district, the seats of every list that won one there in any
        draw."""
        return [{"name": name, "seats": magnitude,
                 "lists": {item["id"]: histogram_stats(self.district_hist[i, d])
                           for i, item in enumerate(self.layout.lists)
                           if self.district_hist[i, d, 1:].any()}}
                for d, (name, magnitude) in enumerate(self.layout.districts)]

    def _sample_dict(self) -> dict:
        """The sample's distinct seat vectors, each with its number of draws (compact, and in
        a fixed order): ``lists`` names the columns of whole-house seats (the lists, and the
        independents, seated in any sampled draw), ``district_lists`` with a district tier
        the columns of district seats that follow (the lists with a district seat in any)."""
        ids = [item["id"] for item in self.layout.lists]
        whole = ids + ([self.layout.independents["id"]]
                       if self.layout.independents is not None else [])
        seated = np.flatnonzero(self.sample.any(axis=0))
        rows, counts = np.unique(self.sample[:, seated], axis=0, return_counts=True)
        names = [*whole, *ids]
        sample = {"draws": len(self.sample),
                  "lists": [names[i] for i in seated if i < len(whole)],
                  "rows": np.column_stack([rows, counts]).tolist()}
        if self.layout.mixed:
            sample["district_lists"] = [ids[i - len(whole)] for i in seated
                                        if i >= len(whole)]
        return sample

    def _lists_seated(self) -> dict[str, float]:
        """Probability of each number of lists with seats."""
        by_number: dict[int, int] = {}
        for mask, count in self.compositions.items():
            by_number[mask.bit_count()] = by_number.get(mask.bit_count(), 0) + count
        return {str(k): rounded(by_number[k] / self.draws) for k in sorted(by_number)}

    def _top_compositions(self) -> list[dict]:
        """The most likely sets of seated lists; equal counts in mask order (deterministic)."""
        ranked = sorted(self.compositions.items(), key=lambda item: (-item[1], item[0]))
        return [{"lists": [item["id"] for i, item in enumerate(self.layout.lists)
                           if mask >> i & 1],
                 "probability": rounded(count / self.draws)}
                for mask, count in ranked[:TOP_COMPOSITIONS]]


