"""One check of a result or sweep file when it is read, so that no reader meets a bad field.

Every field a reader uses is checked for its type, its range and its shape, and the figures
derived from a histogram (mean, sd, quantiles, majority probabilities) against that
histogram, the seat sample against the histograms it was taken from (the sample is a subset
of the draws, so it cannot hold more draws at a number of seats than the histogram). A file
edited into a document elsim cannot have written is refused with one line naming the file,
the field, the value and the rule (:class:`~sim.errors.ResultError`); a reader may then
index the document without guarding.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

import numpy as np

from sim.engine.statistics import QUANTILES, histogram_stats, rounded
from sim.errors import ResultError
from sim.tables import is_number

ROUNDING = 2e-6  # figures are rounded to 6 decimals; a recomputed one may differ by a unit
QUANTILE_KEYS = tuple(f"q{round(q * 100):02d}" for q in QUANTILES)


class Fields:
    """Getters that name ``file`` and the key path of a bad value in a :class:`ResultError`."""

    def __init__(self, file: str):
        self.file = file

    def fail(self, where: str, value: object, rule: str):
        shown = repr(value)
        shown = shown if len(shown) <= 60 else shown[:57] + "..."
        raise ResultError(f"{self.file}: {where} = {shown}: {rule}")

    def get(self, parent: Any, key: str, where: str, kind: type | tuple, rule: str,
            optional: bool = False):
        value = parent.get(key) if isinstance(parent, dict) else None
        if value is None and optional:
            return None
        if not isinstance(value, kind) or (isinstance(value, bool) and bool not in
                                           (kind if isinstance(kind, tuple) else (kind,))):
            self.fail(f"{where}.{key}", value, rule)
        return value

    def table(self, parent, key, where, optional=False) -> dict:
        return self.get(parent, key, where, dict, "must be a table", optional)

    def items(self, parent, key, where, optional=False) -> list:
        return self.get(parent, key, where, list, "must be a list", optional)

    def text(self, parent, key, where, optional=False) -> str:
        return self.get(parent, key, where, str, "must be a text", optional)

    def number(self, parent, key, where, low=0.0, high=1.0, optional=False) -> Any:
        """The finite number in [low, high] at ``key`` (None when optional and absent)."""
        value: Any = parent.get(key) if isinstance(parent, dict) else None
        if value is None and optional:
            return None
        if not (is_number(value) and math.isfinite(value) and low <= value <= high):
            self.fail(f"{where}.{key}", value,
                      f"must be a finite number between {low:g} and {high:g}")
        return value

    def integer(self, parent, key, where, low=0, high=math.inf, optional=False) -> Any:
        """The whole number in [low, high] at ``key`` (None when optional and absent)."""
        value: Any = parent.get(key) if isinstance(parent, dict) else None
        if value is None and optional:
            return None
        if not (isinstance(value, int) and not isinstance(value, bool) and low <= value <= high):
            self.fail(f"{where}.{key}", value, f"must be a whole number between {low:g} and "
                      f"{high:g}")
        return value

    def probabilities(self, parent, key, where, optional=False) -> dict:
        table = self.table(parent, key, where, optional)
        for name in table or ():
            self.number(table, name, f"{where}.{key}")
        return table

    def texts(self, parent, key, where) -> list[str]:
        values = self.items(parent, key, where)
        for i, value in enumerate(values):
            if not isinstance(value, str):
                self.fail(f"{where}.{key}[{i}]", value, "must be a text")
        return values

    def same(self, where: str, value: float, derived: float, what: str) -> None:
        if abs(value - derived) > ROUNDING * max(1.0, abs(derived)):
            self.fail(where, value, f"must be {what} ({derived:g})")


def check_result(document: dict, file: str) -> None:
    """Refuse (:class:`ResultError`) the first field of a result document that elsim could
    not have written; see the module docstring."""
    f = Fields(file)
    scenario = f.table(document, "scenario", "result")
    f.text(scenario, "path", "scenario")
    f.text(scenario, "title", "scenario")
    f.text(scenario, "notes", "scenario", optional=True)
    f.text(scenario, "group", "scenario", optional=True)
    f.number(scenario, "order", "scenario", -math.inf, math.inf, optional=True)
    f.get(scenario, "digest", "scenario", str, "must be a sha256 digest (64 hexadecimal digits)")
    if len(scenario["digest"]) != 64 or set(scenario["digest"]) - set("0123456789abcdef"):
        f.fail("scenario.digest", scenario["digest"],
               "must be a sha256 digest (64 hexadecimal digits)")
    summary = f.table(document, "summary", "result")
    draws = f.integer(summary, "draws", "summary", 1)
    run = f.table(document, "run", "result")
    entropy = f.text(run, "seed_entropy", "run")
    if not entropy.isdecimal() or not entropy.isascii():
        f.fail("run.seed_entropy", entropy, "must be a whole number written as a text")
    if f.integer(run, "draws", "run", 1) != draws:
        f.fail("run.draws", run["draws"], f"must be the summary's draws ({draws})")
    f.integer(run, "chunk_draws", "run", 1)
    versions = f.table(run, "versions", "run")
    for name in versions:
        f.text(versions, name, "run.versions")
    _check_assumptions(f, f.table(document, "assumptions", "result"))
    _check_summary(f, summary, draws)


def _check_assumptions(f: Fields, assumptions: dict) -> None:
    f.table(assumptions, "system", "assumptions")
    f.texts(assumptions, "rules", "assumptions")
    for i, source in enumerate(f.items(assumptions, "sources", "assumptions")):
        where = f"assumptions.sources[{i}]"
        if not isinstance(source, dict):
            f.fail(where, source, "must be a table")
        f.text(source, "id", where)
        f.text(source, "name", where)
        f.number(source, "weight", where)
    f.table(assumptions, "model", "assumptions")


def _check_summary(f: Fields, summary: dict, draws: int) -> None:
    parliament = f.table(summary, "parliament", "summary")
    where = "summary.parliament"
    # A house of multi-member districts has no list tier (list_seats 0).
    list_seats = f.integer(parliament, "list_seats", where, 0)
    district_seats = f.integer(parliament, "district_seats", where, 1, optional=True) or 0
    if list_seats + district_seats == 0:
        f.fail(f"{where}.list_seats", list_seats, "must be at least 1 without district seats")
    house = f.integer(parliament, "house", where, list_seats + district_seats)
    elected = list_seats + district_seats  # what one list can hold
    lists = f.items(summary, "lists", "summary")
    if not lists:
        f.fail("summary.lists", lists, "must name at least one list")
    ids = [_check_list(f, item, i, elected, draws, list_seats, district_seats)
           for i, item in enumerate(lists)]
    duplicated = [name for name, count in Counter(ids).items() if count > 1]
    if duplicated:
        f.fail("summary.lists", duplicated[0], "must name each list once")
    shares = sum(item["share"]["mean"] for item in lists)
    against = f.table(summary, "against_all", "summary", optional=True)
    if against is not None:
        shares += _check_share(f, against, "share", "summary.against_all")["mean"]
    if shares > 1 + ROUNDING * (len(lists) + 1):
        f.fail("summary.lists[*].share.mean", rounded(shares), "must add up to at most 1")
    independents = f.table(summary, "independents", "summary", optional=True)
    if independents is not None:
        f.text(independents, "name", "summary.independents")
        f.text(independents, "bloc", "summary.independents", optional=True)
        _check_seats(f, independents, "seats", "summary.independents", district_seats, draws)
    needed = f.table(parliament, "seats_needed", where)
    for line in needed:
        f.integer(needed, line, f"{where}.seats_needed", 1, house)
    for b, bloc in enumerate(f.items(summary, "blocs", "summary")):
        _check_bloc(f, bloc, f"summary.blocs[{b}]", house, draws, needed)
    appointed = f.table(parliament, "appointed", where)
    for name in appointed:
        f.integer(appointed, name, f"{where}.appointed", 0, house)
    f.probabilities(parliament, "lists_seated", where)
    f.number(parliament, "p_runner_up", where)
    f.probabilities(parliament, "rules", where)
    for c, composition in enumerate(f.items(parliament, "compositions", where)):
        at = f"{where}.compositions[{c}]"
        for name in f.texts(composition, "lists", at):
            if name not in ids:
                f.fail(f"{at}.lists", name, "must name lists of the summary")
        f.number(composition, "probability", at)
    if "turnout" in parliament:
        _check_share(f, parliament, "turnout", where)
    for e, endorser in enumerate(f.items(summary, "endorsers", "summary", optional=True) or ()):
        at = f"summary.endorsers[{e}]"
        f.text(endorser, "id", at)
        f.text(endorser, "name", at)
        f.probabilities(endorser, "endorsed_on_election_day", at)
    _check_sample(f, summary, ids, draws)


def _check_list(f: Fields, item, i: int, elected: int, draws: int, list_seats: int,
                district_seats: int) -> str:
    where = f"summary.lists[{i}]"
    if not isinstance(item, dict) or not isinstance(item.get("id"), str):
        f.fail(where, item if not isinstance(item, dict) else item.get("id"),
               "must be a table with an id")
    f.text(item, "name", where)
    f.text(item, "bloc", where, optional=True)
    f.text(item, "color", where, optional=True)
    f.get(item, "aggregate", where, bool, "must be true or false", optional=True)
    _check_seats(f, item, "seats", where, elected, draws)
    reached = f.number(item, "p_threshold", where)
    admitted = f.number(item, "p_runner_up", where)
    if reached + admitted > 1 + ROUNDING:
        f.fail(f"{where}.p_runner_up", admitted, "must be at most 1 - p_threshold (a list "
               "admitted by the runner-up rule did not reach the threshold)")
    _check_share(f, item, "share", where)
    _check_share(f, item, "support", where, optional=True)
    f.number(item, "p_withdrawn", where, optional=True)
    tiers = f.table(item, "seats_by_tier", where, optional=True)
    if tiers is not None:
        _check_seats(f, tiers, "list", f"{where}.seats_by_tier", list_seats, draws)
        _check_seats(f, tiers, "district", f"{where}.seats_by_tier", district_seats, draws)
    return item["id"]


def _check_share(f: Fields, parent, key: str, where: str, optional=False) -> dict:
    stats = f.table(parent, key, where, optional)
    if stats is None:
        return None
    at = f"{where}.{key}"
    f.number(stats, "mean", at)
    if f.number(stats, "q05", at) > f.number(stats, "q95", at):
        f.fail(f"{at}.q05", stats["q05"], f"must be at most q95 ({stats['q95']:g})")
    return stats


def _check_seats(f: Fields, parent, key: str, where: str, top: int, draws: int) -> dict:
    """A seat distribution: a histogram of the draws over 0..top and what is read from it."""
    stats = f.table(parent, key, where)
    at = f"{where}.{key}"
    f.number(stats, "mean", at, 0, top)
    f.number(stats, "sd", at, 0, top / 2)  # the most any distribution on [0, top] can have
    histogram = f.items(stats, "histogram", at)
    rule = (f"must be a list of at most {top + 1} whole numbers of draws (0 to {top} seats), "
            f"the last not 0, adding up to the {draws} draws")
    if not histogram or len(histogram) > top + 1 or histogram[-1] == 0 or any(
            not isinstance(n, int) or isinstance(n, bool) or n < 0 for n in histogram) \
            or sum(histogram) != draws:
        f.fail(f"{at}.histogram", histogram, rule)
    derived = histogram_stats(np.array(histogram, dtype=np.int64))
    f.same(f"{at}.mean", stats["mean"], derived["mean"], "the mean of its histogram")
    f.same(f"{at}.sd", stats["sd"], derived["sd"], "the sd of its histogram")
    for name in QUANTILE_KEYS:
        if f.integer(stats, name, at, 0, top) != derived[name]:
            f.fail(f"{at}.{name}", stats[name], f"must be the quantile of its histogram "
                   f"({derived[name]})")
    return stats


def _check_bloc(f: Fields, bloc, where: str, house: int, draws: int, needed: dict) -> None:
    if not isinstance(bloc, dict) or not isinstance(bloc.get("id"), str):
        f.fail(where, bloc if not isinstance(bloc, dict) else bloc.get("id"),
               "must be a table with an id")
    f.text(bloc, "name", where)
    f.integer(bloc, "appointed", where, 0, house)
    histogram = _check_seats(f, bloc, "seats", where, house, draws)["histogram"]
    majorities = f.probabilities(bloc, "majorities", where)
    for line, p in majorities.items():
        if line not in needed:
            f.fail(f"{where}.majorities.{line}", p, "must be a line of "
                   "summary.parliament.seats_needed")
        derived = rounded(sum(histogram[needed[line]:]) / draws)
        f.same(f"{where}.majorities.{line}", p, derived,
               f"the share of draws with at least {needed[line]} seats in its histogram")


def _check_sample(f: Fields, summary: dict, ids: list[str], draws: int) -> None:
    """The seat sample: whole seat vectors of some of the draws, each with its count; its
    columns are whole-house seats of ``lists`` (the independents among them, with a district
    tier), then the district seats of ``district_lists``."""
    sample = f.table(summary, "seat_sample", "summary")
    where = "summary.seat_sample"
    taken = f.integer(sample, "draws", where, 0, draws)
    histograms = {item["id"]: item["seats"]["histogram"] for item in summary["lists"]}
    if isinstance(summary.get("independents"), dict):
        histograms[summary["independents"]["id"]] = summary["independents"]["seats"][
            "histogram"]
    columns = []
    for name in f.texts(sample, "lists", where):
        if name not in histograms:
            f.fail(f"{where}.lists", name, "must name lists of the summary")
        columns.append((name, histograms[name]))
    by_tier = {item["id"]: item.get("seats_by_tier", {}).get("district", {}).get("histogram")
               for item in summary["lists"]}
    for name in f.texts(sample, "district_lists", where) if "district_lists" in sample else []:
        if by_tier.get(name) is None:
            f.fail(f"{where}.district_lists", name, "must name lists with district seats")
        columns.append((f"{name} (districts)", by_tier[name]))
    counts = np.zeros((len(columns), max((len(h) for _, h in columns), default=1)),
                      dtype=np.int64)
    counts[:, 0] = taken
    total = 0
    for r, row in enumerate(f.items(sample, "rows", where)):
        if not isinstance(row, list) or len(row) != len(columns) + 1 or any(
                not isinstance(n, int) or isinstance(n, bool) or n < 0 for n in row) \
                or row[-1] < 1 or max(row[:-1], default=0) >= counts.shape[1]:
            f.fail(f"{where}.rows[{r}]", row, f"must be {len(columns)} numbers of seats and a "
                   "number of draws above 0")
        for column, seats in enumerate(row[:-1]):
            counts[column, 0] -= row[-1]
            counts[column, seats] += row[-1]
        total += row[-1]
    if total != taken:
        f.fail(f"{where}.draws", taken, f"must be the draws of its rows ({total})")
    for (name, histogram), row_counts in zip(columns, counts.tolist()):
        for seats, count in enumerate(row_counts):
            if count > (histogram[seats] if seats < len(histogram) else 0):
                f.fail(f"{where}.rows", f"{count} draws with {seats} seats of {name}",
                       f"must be a sample of the draws: its histogram has "
                       f"{histogram[seats] if seats < len(histogram) else 0}")


def check_sweep(document: dict, file: str) -> None:
    """Refuse the first field of a sweep table that elsim could not have written."""
    f = Fields(file)
    scenario = f.table(document, "scenario", "sweep")
    f.text(scenario, "path", "scenario")
    f.text(scenario, "title", "scenario")
    names = f.table(document, "names", "sweep")
    for name in names:
        f.text(names, name, "names")
    axes = f.items(document, "axes", "sweep")
    if not axes:
        f.fail("sweep.axes", axes, "must name at least one axis")
    for a, axis in enumerate(axes):
        at = f"axes[{a}]"
        f.text(axis, "id", at)
        f.text(axis, "key", at)
        f.text(axis, "complement", at, optional=True)
        values = f.items(axis, "values", at)
        if not values or not all(is_number(v) and math.isfinite(v) for v in values):
            f.fail(f"{at}.values", values, "must be a list of finite numbers")
    f.integer(document, "draws", "sweep", 1)
    rows = f.items(document, "rows", "sweep")
    if not rows:
        f.fail("sweep.rows", rows, "must hold at least one variant")
    lists = blocs = None
    for r, row in enumerate(rows):
        at = f"rows[{r}]"
        for axis in axes:
            f.number(row, axis["id"], at, -math.inf, math.inf)
        row_lists = f.table(row, "lists", at)
        row_blocs = f.table(row, "blocs", at)
        if lists is None:
            lists, blocs = sorted(row_lists), sorted(row_blocs)
            if not lists or set(lists) - set(names):
                f.fail(f"{at}.lists", lists, "must be the lists of names")
        if sorted(row_lists) != lists or sorted(row_blocs) != blocs:
            f.fail(f"{at}.lists", sorted(row_lists), "must be the lists and blocs of the "
                   "first row")
        for name, stats in row_lists.items():
            _check_sweep_cell(f, stats, f"{at}.lists.{name}")
            f.number(stats, "p_threshold", f"{at}.lists.{name}")
            f.number(stats, "p_runner_up", f"{at}.lists.{name}")
        for name, stats in row_blocs.items():
            f.number(stats, "seats", f"{at}.blocs.{name}", 0, math.inf)
            for line in stats:
                if line != "seats":
                    f.number(stats, line, f"{at}.blocs.{name}")


def _check_sweep_cell(f: Fields, stats, at: str) -> None:
    if not isinstance(stats, dict):
        f.fail(at, stats, "must be a table")
    f.number(stats, "seats", at, 0, math.inf)
    low = f.integer(stats, "q05", at)
    high = f.integer(stats, "q95", at)
    if not low <= high:
        f.fail(f"{at}.q05", low, f"must be at most q95 ({high})")
