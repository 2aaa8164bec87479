"""The vectorised seat allocation: votes to seats under an :class:`ElectoralSystem`.

:func:`allocate` turns votes into seats for one count ``(n_lists,)`` or for many draws at
once ``(n_draws, n_lists)``, with no Python loop over draws.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.errors import InvalidValue
from sim.law.methods import METHODS, Preference
from sim.law.system import ElectoralSystem, exact_fraction
from sim.law.thresholds import reaches
from sim.law.votes import as_draws, refuse_total, votes_beyond_lists
from sim.limits import MAX_VOTES


@dataclass(frozen=True, slots=True)
class Allocation:
    """Seats and how they came about; arrays have the lists axis first and the draws axis
    last, as the engine and the tiers work (``...`` is ``(n_draws,)``, or nothing for one
    count): the one layout of every function that returns one.

    Attributes
    ----------
    seats : ndarray of int64, shape (n_lists, ...)
    passed : ndarray of bool, shape (n_lists, ...)
        Lists that reached the threshold (or were admitted as runner-up).
    quotas : ndarray of float64, shape (n_lists, ...)
        Each passing list's votes divided by the Hare quota of the passing lists.
    tied : ndarray of bool, shape (n_lists, ...)
        Lists that shared the equal remainder or quotient that decided a seat (none where
        no tie decided one).
    admitted : ndarray of intp, shape (...)
        Index of the list the runner-up rule admitted, -1 where the rule did not act.
    cap_binding : ndarray of bool, shape (...)
        The cap held a list back (its surplus was shared among the other lists).
    tie_decided : ndarray of bool, shape (...)
        A tie between equal remainders or quotients decided a seat (by ``tie_break``);
        with details, or on the engine's path for integer votes; else all False.
    """

    seats: np.ndarray
    passed: np.ndarray
    quotas: np.ndarray
    tied: np.ndarray
    admitted: np.ndarray
    cap_binding: np.ndarray
    tie_decided: np.ndarray

    @property
    def runner_up(self) -> np.ndarray:
        """Whether the runner-up rule admitted a list, shape (...)."""
        return self.admitted >= 0


def allocate(votes, system: ElectoralSystem, *, against_all=None, invalid=None,
             unseated=None) -> np.ndarray:
    """Seats per list under ``system``.

    Parameters
    ----------
    votes : array_like, shape (n_lists,) or (n_draws, n_lists)
        Votes per list in registration order: integer counts or float shares.
    system : ElectoralSystem
    against_all, invalid : array_like, shape () or (n_draws,), optional
        Against-all votes and invalid ballots; they count toward the threshold base its
        setting names and never take seats.
    unseated : array_like, shape () or (n_draws,), optional
        Votes of lists that can take no seats (aggregates such as "others"): they count
        toward every threshold base.

    Returns
    -------
    ndarray of int64, shape like ``votes``
    """
    # A transposed view of the lists-first seats: shaped like the votes, without a copy.
    return _allocate(votes, system, against_all, invalid, unseated, details=False,
                     seats_only=True).seats.T


def allocate_details(votes, system: ElectoralSystem, *, against_all=None, invalid=None,
                     unseated=None, full: bool = True) -> Allocation:
    """Like :func:`allocate`, with who passed, the quotas, ties and the runner-up rule.

    The :class:`Allocation` has the lists axis first: for ``(n_draws, n_lists)`` votes its
    ``seats`` is ``(n_lists, n_draws)``, the transpose of :func:`allocate`'s. ``full=False``
    skips the quotas and ties (their arrays are then empty), which is faster.
    """
    return _allocate(votes, system, against_all, invalid, unseated, details=full)


# Work in blocks whose (n_lists, block) float64 arrays stay near 512 KiB: a handful of them
# stay in a 2 MiB L2 cache, and glibc serves temporaries of that size from the heap without
# returning the pages to the system after each use (larger ones page-fault anew on every
# operation, several times the cost of the arithmetic itself). Smaller blocks pay numpy's
# per-call cost more often: the pairwise ranking of the leftover seats makes three calls
# per pair of lists on rows of one block. Measured on a million Hare draws: 12 lists 0.257 s
# at 256 KiB (2,730 draws), 0.228 s at 512 KiB (5,461), 0.227 s at 1 MiB; 6 lists 0.128,
# 0.123 and 0.127 s.
BLOCK_BYTES = 512 * 1024


def block_draws(n_lists: int, block_bytes: int = BLOCK_BYTES) -> int:
    """Draws per block for ``n_lists`` lists: ``block_bytes / (8 n_lists)``, from 512 to
    16,384."""
    return int(np.clip(block_bytes // (8 * n_lists), 512, 16384))


def _allocate(votes, system, against_all, invalid, unseated, *, details: bool,
              seats_only: bool = False) -> Allocation:
    votes_2d, single = as_draws(votes)
    extra_base = votes_beyond_lists(system, votes_2d.shape[0], votes_2d.dtype, against_all,
                                    invalid, unseated)
    by_list = _blockwise(votes_2d.T, extra_base, system, details, count_ties=False,
                         seats_only=seats_only)
    if single:  # the one draw's column (quotas and ties left out stay empty)
        return Allocation(*(field if field.shape[-1] == 0 else field[..., 0]
                            for field in (by_list.seats, by_list.passed, by_list.quotas,
                                          by_list.tied, by_list.admitted,
                                          by_list.cap_binding, by_list.tie_decided)))
    return by_list


def allocate_by_list(votes: np.ndarray, system: ElectoralSystem, *,
                     against_all: np.ndarray | None = None,
                     invalid: np.ndarray | None = None,
                     unseated: np.ndarray | None = None,
                     passed: np.ndarray | None = None, seats: np.ndarray | None = None,
                     details: bool = False) -> Allocation:
    """Seats, passes and the runner-up rule for votes with the **lists axis first**.

    The engine's and the tiers' path: ``votes`` is ``(n_lists, n)`` float shares or int
    counts that the caller has already checked (the :class:`Allocation` is lists first, as
    always: ``seats`` and ``passed`` ``(n_lists, n)``). Quotas and ties are
    computed with ``details`` only, but whether a tie decided a seat always is
    (``tie_decided``, for integer votes).

    ``passed`` ``(n_lists, n)``, when given, says who may take seats instead of the
    system's threshold (the tiers decide it with :mod:`sim.law.thresholds`); ``seats``
    ``(n,)`` gives each column its own number of seats (a district's magnitude) instead of
    ``system.seats``.
    """
    extra_base = votes_beyond_lists(system, votes.shape[1], votes.dtype, against_all, invalid,
                                    unseated)
    return _blockwise(votes, extra_base, system, details=details, count_ties=True,
                      passed=passed, seats=seats)


def _blockwise(by_list, extra_base, system, details, count_ties, passed=None,
               seats=None, seats_only=False) -> Allocation:
    """Allocate ``(n_lists, n_draws)`` votes block by block; the result is lists first.

    Each block writes its seats straight into the one output array. ``seats_only`` (what
    :func:`allocate` returns) leaves every other field empty.
    """
    n_lists, n_draws = by_list.shape
    step = block_draws(n_lists)
    seats_out = np.empty((n_lists, n_draws), dtype=np.int64)
    if n_draws <= step:  # one block (the engine's case): its arrays are the result
        return _allocate_block(np.ascontiguousarray(by_list), extra_base, system, details,
                               count_ties, passed, seats, seats_out)
    _keep_block_memory(n_lists * step * 8)
    kept = 0 if seats_only else n_draws
    detail_shape = (n_lists, n_draws if details else 0)
    out = Allocation(seats=seats_out,
                     passed=np.empty((n_lists, kept), dtype=bool),
                     quotas=np.empty(detail_shape, dtype=np.float64),
                     tied=np.zeros(detail_shape, dtype=bool),
                     admitted=np.empty(kept, dtype=np.intp),
                     cap_binding=np.empty(kept, dtype=bool),
                     tie_decided=np.empty(kept, dtype=bool))
    for start in range(0, n_draws, step):
        block = slice(start, start + step)
        part = _allocate_block(np.ascontiguousarray(by_list[:, block]), extra_base[block],
                               system, details, count_ties,
                               None if passed is None else passed[:, block],
                               None if seats is None else seats[block], seats_out[:, block])
        if seats_only:
            continue
        out.passed[:, block] = part.passed
        out.admitted[block] = part.admitted
        out.cap_binding[block] = part.cap_binding
        out.tie_decided[block] = part.tie_decided
        if details:
            out.quotas[:, block] = part.quotas
            out.tied[:, block] = part.tied
    return out


def _keep_block_memory(block_bytes: int) -> None:
    """Let the block temporaries come from the heap, on a first call too.

    glibc serves requests of 128 KiB and more by ``mmap`` and unmaps them on release, so each
    block temporary would page-fault afresh. Releasing one mapped array raises glibc's mmap
    threshold (and the trim threshold with it) to that array's size, as any large array does
    once freed; after that the blocks reuse the same pages. Elsewhere it does nothing.
    """
    np.empty(4 * block_bytes, dtype=np.uint8)


def _allocate_block(by_list, extra_base, system, details, count_ties, passed, house,
                    seats_out) -> Allocation:
    """Allocate one block of draws; every array lists first (see sim.law.methods for why).
    ``passed`` and ``house`` (seats per column) as in :func:`allocate_by_list`; the seats
    are written into ``seats_out`` ``(n_lists, n)``, which the result's ``seats`` is."""
    n_lists, n = by_list.shape
    total = by_list.sum(axis=0)
    if by_list.dtype.kind == "i" and total.max() > MAX_VOTES:  # see sim.law.votes.as_draws
        refuse_total(by_list.T, total > MAX_VOTES)
    if not total.all():
        raise InvalidValue("votes", by_list[:, np.argmin(total)].tolist(),
                           "must not be all zero")
    if passed is None:
        passed = reaches(by_list, total + extra_base, system.threshold_fraction)
    else:
        passed = passed.copy()  # the runner-up rule may admit a list
    prefer = Preference(system.tie_break, by_list)
    # Telling ties costs a few reductions: only the details ask for them, and the engine's
    # summary for integer votes (equal float shares are a measure-zero event).
    ties = details or (count_ties and by_list.dtype.kind == "i")
    if house is None:
        house = np.full(n, system.seats, dtype=np.int64)
    rows, lists_tied, capped = _allocate_capped(by_list, passed, system, prefer, ties, house,
                                                seats_out)
    admitted = np.full(n, -1, dtype=np.intp)
    if system.runner_up is not None:
        _apply_runner_up(by_list, passed, seats_out, system, prefer, admitted)
    cap_binding = np.zeros(n, dtype=bool) if capped is None else capped.any(axis=0)
    # Lists outside ``rows`` passed nowhere in the block: they are in no tie.
    tie_decided = np.zeros(n, dtype=bool) if lists_tied is None else \
        lists_tied.any(axis=0) & (admitted < 0)
    if not details:
        no_details = np.empty((n_lists, 0))  # quotas and ties come with details only
        return Allocation(seats_out, passed, no_details, no_details.astype(bool), admitted,
                          cap_binding, tie_decided)
    assert lists_tied is not None  # the details always tell ties
    tied = np.zeros((n_lists, n), dtype=bool)
    tied[rows] = lists_tied & (admitted < 0)
    passing_votes = np.where(passed, by_list, 0).astype(np.float64)
    passing_total = passing_votes.sum(axis=0)
    quotas = passing_votes * (house / np.where(passing_total > 0, passing_total, 1.0))
    return Allocation(seats_out, passed, quotas, tied, admitted, cap_binding, tie_decided)


def _allocate_capped(votes, passed, system, prefer, ties, house, seats_out):
    """The method's allocation, into ``seats_out``; lists over the cap keep the cap, the
    others share the rest.

    Only the lists that pass in some draw of the block take part (the others' votes would
    all be zeroed; they get no seats): the method works on those ``rows``. Returns the
    rows, the rows' lists in a tie that decided a seat of the last sharing (None unless
    ``ties``) and which of them were capped (None without a cap).
    """
    allocate = METHODS[system.method].allocate
    n_lists = len(votes)
    rows = np.flatnonzero(passed.any(axis=1))
    if rows.size == 0:  # no list may take a seat in this block
        seats_out[...] = 0
        nobody = np.zeros((0, votes.shape[1]), dtype=bool)
        return rows, nobody if ties else None, None if system.cap is None else nobody
    shared_votes = _shared_votes(votes, passed, rows)
    if rows.size < n_lists:
        prefer = prefer.lists(rows)
    allocation, tied = allocate(shared_votes, house, prefer, ties)
    capped = None
    if system.cap is not None:
        capped = np.zeros(allocation.shape, dtype=bool)
    while system.cap is not None:
        over = allocation > system.cap
        if not over.any():
            break
        capped |= over
        shared_votes = np.where(capped, 0, shared_votes)
        seats = house - system.cap * capped.sum(axis=0)
        draws = np.flatnonzero(over.any(axis=0))
        shared, shared_tied = allocate(shared_votes[:, draws], seats[draws],
                                       prefer.subset(draws), ties)
        allocation[:, draws] = np.where(capped[:, draws], system.cap, shared)
        if ties and tied is not None:
            tied[:, draws] = shared_tied
    if rows.size < n_lists:
        outside = np.ones(n_lists, dtype=bool)
        outside[rows] = False
        seats_out[outside] = 0
        seats_out[rows] = allocation
    else:
        seats_out[...] = allocation
    return rows, tied, capped


def _shared_votes(votes, passed, rows):
    """The votes of the lists ``rows``, zero where a list did not pass: ``(len(rows), n)``.

    A list that passed in every draw is copied as it is (the votes themselves when every
    list did): the zeroing costs a pass only over lists that failed somewhere.
    """
    everywhere = passed[rows].all(axis=1)
    if rows.size == len(votes) and everywhere.all():
        return votes
    shared = np.empty((rows.size, votes.shape[1]), dtype=votes.dtype)
    for k, (row, whole_row) in enumerate(zip(rows, everywhere)):
        if whole_row:
            shared[k] = votes[row]
        elif votes.dtype.kind == "i":
            np.multiply(votes[row], passed[row], out=shared[k])
        else:  # np.where's zeros (a product would turn an infinite share into NaN)
            np.copyto(shared[k], votes[row])
            np.copyto(shared[k], 0, where=~passed[row])
    return shared


def _apply_runner_up(votes, passed, allocation, system, prefer, admitted) -> None:
    """Admit the runner-up in draws where exactly one list passed; its index goes into
    ``admitted`` there."""
    rule = system.runner_up
    # Passes per draw in int8 (at most MAX_LISTS = 60), then only those draws looked at.
    alone = np.flatnonzero(np.add.reduce(passed.view(np.int8), axis=0, dtype=np.int8) == 1)
    if alone.size == 0:
        return
    passed_alone, votes_alone = passed[:, alone], votes[:, alone]
    candidates = ~passed_alone & (votes_alone > 0)
    found = np.flatnonzero(candidates.any(axis=0))
    if found.size == 0:
        return
    draws = alone[found]
    leader = np.argmax(passed_alone[:, found], axis=0)
    priority = np.where(candidates[:, found], votes_alone[:, found], -1).astype(np.float64)
    runner = prefer.subset(draws).argbest(priority)
    v_lead, v_run = votes[leader, draws], votes[runner, draws]
    factor = exact_fraction(rule.factor)
    if votes.dtype.kind == "i":
        runner_seats = (factor.numerator * v_run * system.seats) // (
            factor.denominator * (v_lead + v_run))
    else:
        runner_seats = np.floor(float(factor) * v_run * system.seats / (v_lead + v_run))
    runner_seats = np.clip(runner_seats.astype(np.int64), rule.min_seats, system.seats - 1)
    allocation[:, draws] = 0
    allocation[leader, draws] = system.seats - runner_seats
    allocation[runner, draws] = runner_seats
    passed[runner, draws] = True
    admitted[draws] = runner
