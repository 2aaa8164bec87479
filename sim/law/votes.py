"""Votes as the allocation takes them: checked arrays, and the votes outside the seat-taking
lists that count toward the threshold base."""

from __future__ import annotations

import numpy as np

from sim.errors import InvalidValue


def as_draws(votes) -> tuple[np.ndarray, bool]:
    """Votes as a 2-D int64 or float64 array, after checking them."""
    array = np.asarray(votes)
    if array.ndim not in (1, 2) or array.shape[-1] == 0:
        raise InvalidValue("votes", _short(array),
                           "must have shape (n_lists,) or (n_draws, n_lists)")
    if array.dtype.kind in "iub":
        array = array.astype(np.int64, copy=False)
    elif array.dtype.kind == "f":
        array = array.astype(np.float64, copy=False)
    else:
        raise InvalidValue("votes", _short(array), "must be numbers")
    # One reduction, no array-sized temporary (a fresh one page-faults on a first call):
    # the minimum is NaN when any value is.
    lowest = array.min()
    if np.isnan(lowest):
        raise InvalidValue("votes", _short(array), "must not be NaN")
    if lowest < 0:
        raise InvalidValue("votes", _short(array), "must not be negative")
    return np.atleast_2d(array), array.ndim == 1


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
    return array
