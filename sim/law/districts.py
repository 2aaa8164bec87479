"""Single-member districts: plurality and the two-round rule, as pure functions of votes.

Candidates are the rows of a district vote array: the lists in registration order, then the
district-only candidates (independents). Ties go to the earlier row (the declared rule
``tie_break = "order"``), as ties between lists do in the list tier. The stochastic model that
makes district votes is :mod:`sim.districts.model`; nothing here draws random numbers.

References
----------
Constitutional Law "On Elections in the Republic of Kazakhstan", Art. 97-1 as amended in
2022: 29 Mazhilis deputies elected in single-member territorial districts by relative
majority (plurality), the rest from party lists. Georgia's Election Code (2020), Art. 125:
a district candidate needs more than 50% of the votes in the first round, else the two
leading candidates meet in a second round.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np


def plurality(votes: np.ndarray) -> np.ndarray:
    """The candidate with the most votes in each district and draw; ties to the earlier row.

    Parameters
    ----------
    votes : ndarray, shape (n_candidates, ...)
        Votes or shares (any real dtype) of each candidate, e.g. ``(n_candidates,
        n_districts, n_draws)``. Only their order within a district matters.

    Returns
    -------
    ndarray of int8, shape (...)
        Row of the winner.
    """
    best = votes[0].copy()
    winner = np.zeros(best.shape, dtype=np.int8)
    # A running maximum over the few candidate rows: one contiguous pass each, and the
    # strict ``>`` keeps the earlier row on a tie (numpy's argmax does too, but is slower on
    # a short first axis).
    for row in range(1, len(votes)):
        ahead = votes[row] > best
        np.maximum(best, votes[row], out=best)
        winner[ahead] = row
    return winner


def first_round(votes: np.ndarray, majority: Fraction) -> tuple[np.ndarray, np.ndarray,
                                                                  np.ndarray]:
    """The first round of a two-round rule: who leads, who is second, and where it is decided.

    Parameters
    ----------
    votes : ndarray, shape (n_candidates, ...)
        Votes or shares of each candidate, at least two candidates.
    majority : Fraction
        The leader wins outright with more than this share of the district's votes.

    Returns
    -------
    leader, second : ndarray of int8, shape (...)
        Rows of the two leading candidates (ties to the earlier row).
    decided : ndarray of bool, shape (...)
        Districts the leader wins in the first round.
    """
    leader = plurality(votes)
    lead = np.take_along_axis(votes, leader[None].astype(np.intp), axis=0)[0]
    rows = np.arange(len(votes)).reshape((-1,) + (1,) * (votes.ndim - 1))
    lowest = -np.inf if votes.dtype.kind == "f" else np.iinfo(votes.dtype).min
    # The leader's votes pushed below everyone's: the plurality of the rest is the second.
    second = plurality(np.where(rows == leader, np.array(lowest, dtype=votes.dtype), votes))
    # leader / total > p / q  <=>  q * leader > p * total: no rounding at the line.
    decided = majority.denominator * lead > majority.numerator * votes.sum(axis=0)
    return leader, second, decided


def runoff(leader: np.ndarray, second: np.ndarray, decided: np.ndarray,
           leader_votes: np.ndarray, second_votes: np.ndarray) -> np.ndarray:
    """Winners under the two-round rule, given the second round's votes of the finalists.

    Parameters
    ----------
    leader, second, decided : ndarray, shape (...)
        From :func:`first_round`.
    leader_votes, second_votes : ndarray, shape (...)
        Second-round votes of the leader and of the second (ignored where decided).

    Returns
    -------
    ndarray of int8, shape (...)
        Row of the winner; a tie in the second round goes to the first round's leader.
    """
    return np.where(decided | (leader_votes >= second_votes), leader, second).astype(np.int8)


def seats_won(winners: np.ndarray, n_candidates: int) -> np.ndarray:
    """District seats of each candidate row in each draw.

    Parameters
    ----------
    winners : ndarray of int, shape (n_districts, n_draws)
    n_candidates : int

    Returns
    -------
    ndarray of int64, shape (n_candidates, n_draws)
    """
    return np.stack([np.count_nonzero(winners == row, axis=0) for row in range(n_candidates)])
