"""Total survey error and house effects: as a scenario states them and as draws apply them.

Everything here acts on the log scale of vote shares (after the undecided rule): a house
effect is what a source's polls lean and is taken off; the error model adds an
election-level error shared by every source in a draw, a source-level error, and optionally
a shock shared by the lists of a bloc. docs/model.md has the equations; the values come from
``elsim calibrate`` through ``[model.error]``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.params import Param, read_param
from sim.tables import Table, is_number

SD_LIMIT = 5.0  # a log-scale sd beyond this is a typo, not a belief
EFFECT_LIMIT = 2.0  # a lean of e**2 = 7.4 times a list's share; larger is points, not logs


def read_sd(table: Table, name: str) -> Param:
    """An sd: a number, a distribution, or a list of numbers (posterior draws, each equally
    likely: :class:`sim.params.Draws`), each in [0, SD_LIMIT]. A list, not a table, so that
    a scenario extending a calibration replaces its draws whole (tables are merged key by
    key)."""
    return read_param(table, name, 0.0, low=0.0, high=SD_LIMIT, listed=True)


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceKind:
    """A kind of poll source (e.g. government-linked) and the house effects it shares."""

    id: str
    name: str
    house_effects: dict[str, Param]


@dataclass(frozen=True, slots=True, kw_only=True)
class ErrorModel:
    """``[model.error]``: sds on the log scale (numbers or distributions) and source kinds."""

    election_sd: Param
    source_sd: Param
    bloc_sd: Param
    note: str
    kinds: dict[str, SourceKind]

    @property
    def is_zero(self) -> bool:
        """No error term at all: intervals show sampling error only."""
        return all(not sd.uncertain and sd.args[0] == 0
                   for sd in (self.election_sd, self.source_sd, self.bloc_sd))


def read_house_effects(table: Table, name: str, keys: tuple[str, ...]) -> dict[str, Param]:
    """A table of option or bloc id → log-scale effect (a number or a distribution)."""
    effects = table.table(name)
    effects.check_names(keys, "list or bloc of this scenario")
    for key in effects.names():
        value = effects.raw(key)
        if keys.count(key) > 1:
            raise effects.error(key, value, "names both a list and a bloc: rename the bloc")
        if is_number(value) and abs(value) > EFFECT_LIMIT:
            raise effects.error(key, value, f"is on the log scale (0.1 is about 10% of the "
                                f"list's share), not in points: must be between "
                                f"{-EFFECT_LIMIT:g} and {EFFECT_LIMIT:g}")
    return {key: read_param(effects, key, required=True, low=-EFFECT_LIMIT, high=EFFECT_LIMIT)
            for key in effects.names()}


def read_error(table: Table, keys: tuple[str, ...]) -> ErrorModel:
    """Read ``[model.error]``; ``keys`` are the option and bloc ids house effects may name."""
    table.check_keys(("election_sd", "source_sd", "bloc_sd", "note", "kinds"))
    kinds = {}
    for kind_id, entry in table.table("kinds").entries():
        entry.check_keys(("name", "house_effects"))
        kinds[kind_id] = SourceKind(id=kind_id, name=entry.string("name", kind_id),
                                    house_effects=read_house_effects(entry, "house_effects",
                                                                     keys))
    return ErrorModel(
        election_sd=read_sd(table, "election_sd"), source_sd=read_sd(table, "source_sd"),
        bloc_sd=read_param(table, "bloc_sd", 0.0, low=0.0, high=SD_LIMIT),
        note=table.string("note", ""), kinds=kinds)


def option_effects(own: dict[str, Param], kind: SourceKind | None, options: tuple[str, ...],
                   blocs: dict[str, str | None]) -> tuple[Param | None, ...]:
    """Each option's house effect: the source's own key for the option, else its own key for
    the option's bloc, else the kind's key for the option, else the kind's for the bloc."""
    tables = (own, kind.house_effects if kind is not None else {})
    found = []
    for option in options:
        keys = (option, blocs.get(option))
        found.append(next((table[key] for table in tables for key in keys if key in table),
                          None))
    return tuple(found)


def draw_sds(error: ErrorModel, n_draws: int, *, source_level: bool,
             rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray | None]:
    """Each draw's election sd and (with ``source_level``) source sd, shapes (n_draws,).

    Posterior draws of the two sds of equal length are paired: one index per Monte Carlo
    draw picks both, so that what the calibration learnt about their split is kept.
    """
    first, second = error.election_sd, error.source_sd
    if not source_level:
        return first.draw(n_draws, rng=rng), None
    pairs = _pairs(error)
    if pairs is not None:
        pick = rng.integers(len(pairs[0]), size=n_draws)
        return pairs[0][pick], pairs[1][pick]
    return first.draw(n_draws, rng=rng), second.draw(n_draws, rng=rng)


def _pairs(error: ErrorModel) -> tuple[np.ndarray, np.ndarray] | None:
    """The election and source sds' posterior draws, when both are draws of equal length
    (picked in pairs, :func:`draw_sds`); else None."""
    first, second = error.election_sd, error.source_sd
    if first.kind == second.kind == "draws" and len(first.args) == len(second.args):
        return np.asarray(first.args), np.asarray(second.args)
    return None


def draw_total_sd(error: ErrorModel, n_draws: int, *, source_level: bool,
                  rng: np.random.Generator) -> np.ndarray:
    """Each draw's ``hypot(election_sd, source_sd)`` (the election sd alone without
    ``source_level``), shape (n_draws,): the same numbers as :func:`draw_sds` gives, from
    the same random numbers. Paired draws are combined before they are picked, one
    ``hypot`` per pair rather than per draw."""
    pairs = _pairs(error) if source_level else None
    if pairs is not None:
        return np.hypot(*pairs)[rng.integers(len(pairs[0]), size=n_draws)]
    election, source = draw_sds(error, n_draws, source_level=source_level, rng=rng)
    return election if source is None else np.hypot(election, source)


def add_errors(log_votes: np.ndarray, error: ErrorModel, blocs: np.ndarray, *,
               source_level: bool, rng: np.random.Generator) -> np.ndarray:
    """Add the total survey error to log vote shares, shape (n_options, n_draws), in place.

    The election-level and source-level errors are independent normals per option: within
    one draw they add up to one normal of sd ``hypot(election_sd, source_sd)``, with the
    sds drawn per draw (:func:`draw_total_sd`) so that an uncertain sd gives each draw its own.
    Returns that sd, shape (n_draws,) (the bloc shock aside). ``blocs`` (n_options,)
    holds each option's bloc index, -1 for none.
    """
    n_draws = log_votes.shape[1]
    sd = draw_total_sd(error, n_draws, source_level=source_level, rng=rng)
    if sd.any():
        # Single precision is ample for a shift of a few per cent, and faster.
        noise = rng.standard_normal(log_votes.shape, dtype=np.float32)
        noise *= sd.astype(np.float32)
        log_votes += noise
    in_bloc = blocs >= 0
    bloc_sd = error.bloc_sd.draw(n_draws, rng=rng)
    if in_bloc.any() and bloc_sd.any():
        shocks = rng.standard_normal((blocs.max() + 1, n_draws)) * bloc_sd
        log_votes[in_bloc] += shocks[blocs[in_bloc]]
    return sd
