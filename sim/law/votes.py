"""Votes as the allocation takes them: checked arrays, and the votes outside the seat-taking
lists that count toward the threshold base."""

from __future__ import annotations

from typing import NoReturn

import numpy as np

from sim.errors import InvalidValue
from sim.limits import MAX_VOTES


def as_draws(votes) -> tuple[np.ndarray, bool]:
    """Votes as a 2-D int64 or float64 array, after checking them."""
    array = np.asarray(votes)
    if array.ndim not in (1, 2) or array.size == 0:
        raise InvalidValue("votes", _short(array),
                           "must have shape (n_lists,) or (n_draws, n_lists), with at least "
                           "one list and one draw")
    if array.dtype.kind not in "iubf":
        raise InvalidValue("votes", _short(array), "must be numbers")
    # One reduction each, no array-sized temporary (a fresh one page-faults on a first call):
    # the minimum is NaN when any value is.
    lowest = array.min()
    if np.isnan(lowest):
        raise InvalidValue("votes", _short(array), "must not be NaN")
    if lowest < 0:
        raise InvalidValue("votes", _short(array), "must not be negative")
    if array.dtype.kind == "f":
        return np.atleast_2d(array.astype(np.float64, copy=False)), array.ndim == 1
    # Counts are compared exactly in 64-bit products only up to MAX_VOTES (sim.limits says
    # why); the largest count here, so that adding up cannot overflow, and each draw's total
    # where the allocation adds the votes up anyway (sim.law.allocate, block by block: a
    # sum along the short lists axis of the whole array would cost more than Hare itself).
    if array.max() > MAX_VOTES:
        refuse_total(array, array.max(axis=-1) > MAX_VOTES)
    return np.atleast_2d(array.astype(np.int64, copy=False)), array.ndim == 1


def refuse_total(array: np.ndarray, over: np.ndarray) -> NoReturn:
    """Name the first draw whose votes add up to more than MAX_VOTES."""
    row = np.atleast_2d(array)[int(np.argmax(np.atleast_1d(over)))]
    raise InvalidValue("votes", _short(row),
                       f"must add up to at most {MAX_VOTES:.0e} in each draw (the exact "
                       f"integer comparisons hold up to there); these add up to "
                       f"{sum(int(v) for v in row)}")


def _short(array: np.ndarray):
    """The bad value for a message: the array itself when small, else its first row."""
    return array.tolist() if array.size <= 20 else array.reshape(-1, array.shape[-1])[0].tolist()


def votes_beyond_lists(system, n_draws, dtype, against_all, invalid,
                       unseated=None) -> np.ndarray:
    """Votes outside the seat-taking lists that count toward the threshold base, shape
    ``(n_draws,)``: lists that take no seats always, against-all and invalid ballots as the
    system's ``threshold_base`` says."""
    extra = np.zeros(n_draws, dtype=dtype)
    if unseated is not None:
        extra = extra + _ballot_count("unseated", unseated, n_draws)
    if system.threshold_base in ("valid", "ballots") and against_all is not None:
        extra = extra + _ballot_count("against_all", against_all, n_draws)
    if system.threshold_base == "ballots" and invalid is not None:
        extra = extra + _ballot_count("invalid", invalid, n_draws)
    return extra


def _ballot_count(name: str, value, n_draws: int) -> np.ndarray:
    array = np.broadcast_to(np.asarray(value), (n_draws,))
    if array.dtype.kind not in "iuf" or np.isnan(array.astype(np.float64)).any() \
            or (array < 0).any():
        raise InvalidValue(name, _short(np.asarray(value)), "must be a non-negative number")
    if array.dtype.kind in "iu" and (array > MAX_VOTES).any():
        raise InvalidValue(name, _short(np.asarray(value)), f"must be at most {MAX_VOTES:.0e} "
                           "(the exact integer comparisons hold up to there)")
    return array
